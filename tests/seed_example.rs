//! The seed's example, reproduced byte for byte: the typed request flattens to exactly the
//! documented query parameters and reads back from them, the documented JSON body reads into
//! the same request, and the documented response parses.

use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler, Target};
use gaap::{CreateTcpListenersRequest, CreateTcpListenersResponse, Rule};
use serde_json::Value;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/CreateTCPListeners.json");
    let text = std::fs::read_to_string(path).expect("the spec file is part of the repository");
    serde_json::from_str(&text).expect("the spec is JSON")
}

fn example(index: usize) -> Value {
    spec()["examples"][index].clone()
}

/// The seed's request, as a user writes it with the builder.
fn seed_request() -> CreateTcpListenersRequest {
    CreateTcpListenersRequest::builder()
        .proxy_id("link-bjkpdum1")
        .listener_name("test1")
        .real_server_type(RealServerType::Ip)
        .scheduler(Scheduler::RoundRobin)
        .delay_loop(20)
        .connect_timeout(20)
        .health_check(HealthCheck::Enabled)
        .ports([90])
        .build()
}

/// The example's query as `key=value` pairs, without the common parameters.
fn example_pairs() -> Vec<(String, String)> {
    let query = example(0)["query"].as_str().unwrap().to_owned();
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(k, _)| k != "Action")
        .collect()
}

#[test]
fn the_seed_query_is_the_one_documented() {
    // The spec holds the seed's query verbatim, `<公共请求参数>` aside.
    assert_eq!(
        example(0)["query"],
        "Action=CreateTCPListeners&ProxyId=link-bjkpdum1&ListenerName=test1&RealServerType=IP\
         &Scheduler=rr&DelayLoop=20&ConnectTimeout=20&HealthCheck=1&Ports.0=90"
    );
}

#[test]
fn flattening_the_request_gives_the_documented_parameters() {
    let ours: Vec<String> = seed_request()
        .flatten()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let documented: Vec<String> = example_pairs()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    // Same pairs, byte for byte; we send them in documented parameter order, the example lists
    // them in another order, and the order carries no meaning.
    let (mut ours_sorted, mut documented_sorted) = (ours.clone(), documented.clone());
    ours_sorted.sort();
    documented_sorted.sort();
    assert_eq!(ours_sorted, documented_sorted);
    assert_eq!(
        ours[..2],
        ["ListenerName=test1", "Ports.0=90"],
        "documented order"
    );
}

#[test]
fn the_documented_parameters_read_back_into_the_request() {
    let pairs = example_pairs();
    let parsed =
        CreateTcpListenersRequest::from_flat(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .unwrap();
    assert_eq!(parsed, seed_request());
    assert_eq!(parsed.target, Target::ProxyId("link-bjkpdum1".into()));
}

#[test]
fn the_documented_json_body_reads_into_the_same_request() {
    // The official example sends integers as strings ("DelayLoop": "20"); the API accepts both.
    let body = &example(1)["body"];
    assert_eq!(body["DelayLoop"], "20");
    let parsed = CreateTcpListenersRequest::from_json_value(body).unwrap();
    assert_eq!(parsed, seed_request());
}

#[test]
fn the_json_body_uses_wire_names_and_omits_absent_parameters() {
    let body = serde_json::to_value(seed_request()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "ListenerName": "test1", "Ports": [90], "Scheduler": "rr", "HealthCheck": 1,
            "RealServerType": "IP", "ProxyId": "link-bjkpdum1", "DelayLoop": 20,
            "ConnectTimeout": 20
        })
    );
}

#[test]
fn the_documented_response_parses() {
    for index in [0, 1] {
        let response = &example(index)["response"]["Response"];
        let parsed: CreateTcpListenersResponse = serde_json::from_value(response.clone()).unwrap();
        assert_eq!(parsed.listener_ids, ["listener-o0f3at99"]);
        assert_eq!(parsed.request_id, "9aeda369-17c7-429f-be39-745c1e92fc71");
    }
}

#[test]
fn the_documented_example_breaks_the_documented_timeout_rule() {
    // Both official examples send ConnectTimeout = DelayLoop = 20, against "超时时间应小于健康检查
    // 时间间隔DelayLoop". The spec records it; validation reports exactly that.
    let errors = seed_request().validate().unwrap_err();
    let paths = errors.paths();
    let recorded: Vec<String> = serde_json::from_value(example(0)["violations"].clone()).unwrap();
    assert_eq!(paths, recorded);
    assert!(matches!(
        errors.violations()[0].rule,
        Rule::LessThan {
            other: "DelayLoop",
            ..
        }
    ));
    assert_eq!(
        errors.to_string(),
        "the request breaks 1 documented rule: ConnectTimeout: 20 must be less than DelayLoop (20) \
         (超时时间应小于健康检查时间间隔DelayLoop。)"
    );
}
