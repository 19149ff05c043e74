gaap::gaap_api!("tests/ui/specs/enum_value_type.json");

fn main() {}
