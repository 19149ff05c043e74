gaap::gaap_api!("tests/ui/specs/invalid_json.json");

fn main() {}
