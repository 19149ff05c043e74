gaap::gaap_api!("tests/ui/specs/typo_in_key.json");

fn main() {}
