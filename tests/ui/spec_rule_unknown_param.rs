gaap::gaap_api!("tests/ui/specs/rule_unknown_param.json");

fn main() {}
