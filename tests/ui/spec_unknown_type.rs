gaap::gaap_api!("tests/ui/specs/unknown_type.json");

fn main() {}
