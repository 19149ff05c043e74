gaap::gaap_api!("tests/ui/specs/valid.json", shared = crate::types);

fn main() {}
