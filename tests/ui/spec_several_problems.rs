gaap::gaap_api!("tests/ui/specs/several_problems.json");

fn main() {}
