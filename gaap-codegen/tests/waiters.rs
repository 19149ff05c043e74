//! Paginators and waiters on token streams: what a spec's `pagination` and `waiters` produce,
//! and every problem of a bad one reported at its JSON path, together with the others.

use gaap_codegen::diag::Diagnostics;
use gaap_codegen::{Options, expand_action_str};
use quote::ToTokens;
use serde_json::{Value, json};

const DESCRIBE_PROXIES: &str = include_str!("../../specs/DescribeProxies.json");
const DESCRIBE_RULES: &str = include_str!("../../specs/DescribeRules.json");

fn expand(spec: &Value) -> Result<syn::File, Diagnostics> {
    let tokens = expand_action_str("spec.json", &spec.to_string(), &Options::default())?;
    Ok(syn::parse2(tokens).expect("the generator emits valid Rust"))
}

fn proxies() -> Value {
    serde_json::from_str(DESCRIBE_PROXIES).unwrap()
}

fn problems(spec: &Value) -> Vec<(String, String)> {
    match expand(spec) {
        Ok(_) => Vec::new(),
        Err(diags) => diags
            .items()
            .iter()
            .map(|d| (d.json_path.clone(), d.message.clone()))
            .collect(),
    }
}

/// The generated module's items as text, one per item.
fn items(file: &syn::File) -> Vec<String> {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) => m.content.as_ref().map(|(_, items)| items.as_slice()),
            _ => None,
        })
        .expect("an action expands to a module")
        .iter()
        .map(|item| item.to_token_stream().to_string())
        .collect()
}

#[test]
fn a_waiter_is_a_constant_and_a_matcher_of_plain_field_access() {
    let file = expand(&proxies()).unwrap();
    let items = items(&file);
    let constant = items
        .iter()
        .find(|i| i.contains("pub const PROXY_RUNNING"))
        .expect("the waiter's constant");
    assert!(constant.contains("name : \"ProxyRunning\""), "{constant}");
    assert!(constant.contains("from_secs (2u64)"), "{constant}");
    assert!(constant.contains("from_secs (1200u64)"), "{constant}");
    let matcher = items
        .iter()
        .find(|i| i.contains("fn __waiter_proxy_running"))
        .expect("the matcher");
    // The path `ProxySet[].Status` as field access and the documented variants as patterns.
    assert!(
        matcher.contains("for __x0 in & __response . proxy_set"),
        "{matcher}"
    );
    assert!(matcher.contains("(& __x0 . status)"), "{matcher}");
    assert!(matcher.contains("ProxyInfoStatus :: Running"), "{matcher}");
    assert!(matcher.contains("ProxyInfoStatus :: Closed"), "{matcher}");
    assert!(matcher.contains("ProxyInfoStatus :: Unknown (__x) if ! __x . is_empty ()"));
    // No path is interpreted at run time (the path text only appears in messages), and no
    // closure is made per poll: plain loops over the fields.
    assert!(!matcher.contains("split"), "{matcher}");
    assert!(!matcher.contains("| __"), "{matcher}");
    let action = items
        .iter()
        .find(|i| i.contains("Action for DescribeProxiesRequest"))
        .unwrap();
    assert!(
        action.contains("const WAITERS : & 'static [")
            && action
                .contains("self :: PROXY_CLOSED , self :: PROXY_DELETED , self :: PROXY_RUNNING"),
        "{action}"
    );
    assert!(action.contains("fn visit_paginated"), "{action}");
    let paginated = items
        .iter()
        .find(|i| i.contains("Paginated for DescribeProxiesRequest"))
        .expect("the Paginated impl");
    assert!(
        paginated
            .contains("\"Offset\" , \"Limit\" , \"TotalCount\" , \"ProxySet\" , 100u64 , 20u64"),
        "{paginated}"
    );
    // TotalCount is an int64: a negative count is no count.
    assert!(paginated.contains("u64 :: try_from (response . total_count) . ok ()"));
}

#[test]
fn a_path_through_nested_arrays_and_a_named_enum_of_the_types_module() {
    let spec: Value = serde_json::from_str(DESCRIBE_RULES).unwrap();
    let file = expand(&spec).unwrap();
    let items = items(&file);
    let matcher = items
        .iter()
        .find(|i| i.contains("fn __waiter_rules_running"))
        .unwrap();
    assert!(
        matcher.contains("for __x0 in & __response . domain_rule_set"),
        "{matcher}"
    );
    assert!(
        matcher.contains("for __x1 in & __x0 . rule_set"),
        "{matcher}"
    );
    assert!(matcher.contains("(& __x1 . rule_status)"), "{matcher}");
    // An action without pagination implements no Paginated, and says so to visitors.
    assert!(!items.iter().any(|i| i.contains("Paginated for")));
    assert!(
        !items
            .iter()
            .any(|i| i.contains("Action for") && i.contains("visit_paginated"))
    );
}

#[test]
fn every_problem_of_pagination_and_waiters_is_reported_at_its_json_path() {
    type Mutation = fn(&mut Value);
    let cases: &[(&str, Mutation, &str, &str)] = &[
        (
            "a path naming no field",
            |s| s["waiters"]["ProxyRunning"]["acceptors"][0]["path"] = json!("ProxySet[].Statu"),
            "$.waiters.ProxyRunning.acceptors[0].path",
            "`ProxySet[].Statu`: `Statu` names no field of `ProxyInfo`; its fields: InstanceId,",
        ),
        (
            "a value outside the enum",
            |s| s["waiters"]["ProxyRunning"]["acceptors"][0]["all"] = json!("RUNING"),
            "$.waiters.ProxyRunning.acceptors[0].all",
            "\"RUNING\" is not one of the documented values of `ProxySet[].Status`: RUNNING, \
             CREATING,",
        ),
        (
            "one of several values outside the enum",
            |s| s["waiters"]["ProxyRunning"]["acceptors"][1]["any"][1] = json!("GONE"),
            "$.waiters.ProxyRunning.acceptors[1].any[1]",
            "\"GONE\" is not one of the documented values",
        ),
        (
            "an array without []",
            |s| s["waiters"]["ProxyRunning"]["acceptors"][0]["path"] = json!("ProxySet.Status"),
            "$.waiters.ProxyRunning.acceptors[0].path",
            "`ProxySet` is an array: write `ProxySet[]` to go through its elements",
        ),
        (
            "[] on a scalar",
            |s| s["waiters"]["ProxyRunning"]["acceptors"][0]["path"] = json!("TotalCount[]"),
            "$.waiters.ProxyRunning.acceptors[0].path",
            "`TotalCount` is of type int64, not an array, so it takes no `[]`",
        ),
        (
            "equals through an array",
            |s| {
                let a = &mut s["waiters"]["ProxyRunning"]["acceptors"][0];
                a["equals"] = a["all"].take();
                a.as_object_mut().unwrap().remove("all");
            },
            "$.waiters.ProxyRunning.acceptors[0].path",
            "goes through an array, so it reaches any number of values: compare them with `all` \
             or `any`",
        ),
        (
            "a path ending at an object",
            |s| {
                s["waiters"]["ProxyRunning"]["acceptors"][0]["path"] =
                    json!("ProxySet[].RealServerRegionInfo")
            },
            "$.waiters.ProxyRunning.acceptors[0].path",
            "ends at an object (RegionDetail): name one of its fields",
        ),
        (
            "an integer compared with a string field",
            |s| s["waiters"]["ProxyRunning"]["acceptors"][0]["all"] = json!(0),
            "$.waiters.ProxyRunning.acceptors[0].all",
            "0 is not one of the documented values of `ProxySet[].Status`",
        ),
        (
            "an error code the action does not have",
            |s| {
                s["waiters"]["ProxyRunning"]["acceptors"][1] =
                    json!({"state": "failure", "error": "ProxyGone"})
            },
            "$.waiters.ProxyRunning.acceptors[1].error",
            "`ProxyGone` is neither an error code of this action (`errors`) nor a common code",
        ),
        (
            "a path and an error",
            |s| s["waiters"]["ProxyRunning"]["acceptors"][0]["error"] = json!("ResourceNotFound"),
            "$.waiters.ProxyRunning.acceptors[0]",
            "an acceptor has exactly one of `path`",
        ),
        (
            "two tests",
            |s| s["waiters"]["ProxyRunning"]["acceptors"][0]["any"] = json!("RUNNING"),
            "$.waiters.ProxyRunning.acceptors[0]",
            "needs exactly one of `equals`, `all`, `any`, `empty`",
        ),
        (
            "empty on a value",
            |s| s["waiters"]["ProxyDeleted"]["acceptors"][0]["path"] = json!("TotalCount"),
            "$.waiters.ProxyDeleted.acceptors[0].path",
            "`empty` tests an array",
        ),
        (
            "no success acceptor",
            |s| s["waiters"]["ProxyRunning"]["acceptors"][0]["state"] = json!("retry"),
            "$.waiters.ProxyRunning.acceptors",
            "a waiter needs an acceptor of state `success`",
        ),
        (
            "delays in the wrong order",
            |s| s["waiters"]["ProxyRunning"]["max_delay"] = json!(1),
            "$.waiters.ProxyRunning.max_delay",
            "the longest delay 1 is below the shortest 2",
        ),
        (
            "no delay",
            |s| s["waiters"]["ProxyRunning"]["min_delay"] = json!(0),
            "$.waiters.ProxyRunning.min_delay",
            "at least one second",
        ),
        (
            "a waiter name that is no UpperCamelCase",
            |s| {
                let waiters = s["waiters"].as_object_mut().unwrap();
                let w = waiters.remove("ProxyRunning").unwrap();
                waiters.insert("proxy_running".into(), w);
            },
            "$.waiters.proxy_running",
            "is not in UpperCamelCase",
        ),
        (
            "pagination over a missing field",
            |s| s["pagination"]["items"] = json!("Proxies"),
            "$.pagination.items",
            "`Proxies` is no field of the response; its fields: TotalCount, InstanceSet, ProxySet",
        ),
        (
            "pagination items that are no array",
            |s| s["pagination"]["items"] = json!("TotalCount"),
            "$.pagination.items",
            "the items of a page are an array",
        ),
        (
            "pagination limit that is no integer",
            |s| s["pagination"]["limit"] = json!("ProxyIds"),
            "$.pagination.limit",
            "`ProxyIds` is of type string[]; a paginator sets an integer parameter",
        ),
        (
            "a page larger than the documented maximum",
            |s| s["pagination"]["max_page_size"] = json!(500),
            "$.pagination.max_page_size",
            "500 is above the maximum of `Limit` (100)",
        ),
        (
            "a default page above the maximum",
            |s| s["pagination"]["default_page_size"] = json!(101),
            "$.pagination.default_page_size",
            "the default page size 101 is not between 1 and the maximum 100",
        ),
    ];
    for (what, mutate, path, message) in cases {
        let mut spec = proxies();
        mutate(&mut spec);
        let found = problems(&spec);
        assert!(
            found.iter().any(|(p, m)| p == path && m.contains(message)),
            "{what}: expected {path}: {message}\nfound: {found:#?}"
        );
    }
}

#[test]
fn waiter_problems_are_reported_with_every_other_problem_of_the_spec() {
    let mut spec = proxies();
    spec["waiters"]["ProxyRunning"]["acceptors"][0]["path"] = json!("ProxySet[].Statu");
    spec["waiters"]["ProxyClosed"]["acceptors"][0]["all"] = json!("SHUT");
    spec["request"][2]["range"] = json!({"min": 300, "max": 5});
    let found = problems(&spec);
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert!(paths.contains(&"$.request[2].range"), "{found:#?}");
    assert!(
        paths.contains(&"$.waiters.ProxyRunning.acceptors[0].path"),
        "{found:#?}"
    );
    assert!(
        paths.contains(&"$.waiters.ProxyClosed.acceptors[0].all"),
        "{found:#?}"
    );
}
