gaap::gaap_api!("tests/ui/specs/waiter_value_outside_enum.json");

fn main() {}
