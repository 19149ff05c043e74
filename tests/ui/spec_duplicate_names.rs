gaap::gaap_api!("tests/ui/specs/duplicate_names.json");

fn main() {}
