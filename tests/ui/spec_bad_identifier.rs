gaap::gaap_api!("tests/ui/specs/bad_identifier.json");

fn main() {}
