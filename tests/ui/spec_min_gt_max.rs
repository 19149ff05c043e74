gaap::gaap_api!("tests/ui/specs/min_gt_max.json");

fn main() {}
