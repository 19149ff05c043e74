gaap::gaap_api!("tests/ui/specs/waiter_unknown_field.json");

fn main() {}
