gaap::gaap_api!("tests/ui/specs/does_not_exist.json");

fn main() {}
