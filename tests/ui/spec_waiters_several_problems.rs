gaap::gaap_api!("tests/ui/specs/waiters_several_problems.json");

fn main() {}
