//! The generated API as a user outside the crate sees it: object types are built with the same
//! typestate builders as requests (the struct literal does not compile: every generated struct
//! and enum is `#[non_exhaustive]`, see `tests/ui/misuse_struct_literal.rs`), responses carry
//! typed enumerations, shared with the requests that set them, and a test can make a response
//! from JSON the way the client reads one.

use gaap::types::{
    Filter, HealthCheck, ListenerStatus, RealServerBindSetReq, RealServerFailoverRole, Scheduler,
    TcpListener,
};
use gaap::{
    BindListenerRealServersRequest, DescribeProxiesResponse, DescribeRealServersRequest,
    DescribeTcpListenersResponse,
};
use serde_json::json;

#[test]
fn a_user_builds_object_types_with_their_required_members() {
    let real_server = RealServerBindSetReq::builder()
        .real_server_id("rs-3mx1hfas")
        .real_server_port(80)
        .real_server_ip("119.28.12.2")
        .real_server_weight(10)
        .real_server_failover_role(RealServerFailoverRole::Master)
        .build();
    assert_eq!(real_server.real_server_id, "rs-3mx1hfas");
    assert_eq!(real_server.real_server_weight, Some(10));

    let filter = Filter::builder()
        .name("RealServerIP")
        .values(["119.28.12.2".to_owned()])
        .build();

    // The built values go into requests like any other: flattened under their wire names.
    let bind = BindListenerRealServersRequest::builder()
        .listener_id("listener-o0f3at99")
        .real_server_bind_set([real_server])
        .build();
    assert!(bind.validate().is_ok());
    let flat = bind.flatten();
    let pairs: Vec<(&str, &str)> = flat.iter().collect();
    assert!(pairs.contains(&("RealServerBindSet.0.RealServerIP", "119.28.12.2")));
    assert!(pairs.contains(&("RealServerBindSet.0.RealServerFailoverRole", "master")));

    let describe = DescribeRealServersRequest::builder()
        .project_id(0)
        .filters([filter])
        .build();
    let flat = describe.flatten();
    let pairs: Vec<(&str, &str)> = flat.iter().collect();
    assert!(pairs.contains(&("Filters.0.Name", "RealServerIP")));
    assert!(pairs.contains(&("Filters.0.Values.0", "119.28.12.2")));
}

#[test]
fn a_response_field_has_the_type_of_the_request_parameter_it_carries() {
    let response: DescribeTcpListenersResponse = serde_json::from_value(json!({
        "TotalCount": 2,
        "ListenerSet": [
            {"ListenerId": "listener-1", "Scheduler": "lrtt", "ListenerStatus": 1, "HealthCheck": 1},
            {"ListenerId": "listener-2", "Scheduler": "maglev", "ListenerStatus": 9}
        ],
        "RequestId": "req-1"
    }))
    .unwrap();
    let first: &TcpListener = &response.listener_set[0];
    // The Scheduler of the listener is the Scheduler CreateTCPListeners takes.
    let asked: Scheduler = gaap::create_tcp_listeners::Scheduler::LeastResponseTime;
    assert_eq!(first.scheduler, asked);
    assert_eq!(first.listener_status, ListenerStatus::Creating);
    assert_eq!(first.health_check, HealthCheck::Enabled);

    // Values the spec does not document are kept, not refused: a newer server does not break an
    // older client.
    let second = &response.listener_set[1];
    assert_eq!(second.scheduler, Scheduler::Unknown("maglev".to_owned()));
    assert_eq!(second.scheduler.as_str(), "maglev");
    assert_eq!(second.listener_status, ListenerStatus::Unknown(9));
    // A documented enumeration the server leaves out reads as `Unknown` of its empty wire value,
    // never as the documented variant that value would be: an absent `HealthCheck` is not 0,
    // "disabled", and an absent `ListenerStatus` would not be 0, "running".
    assert_eq!(second.health_check, HealthCheck::Unknown(0));
    assert_ne!(second.health_check, HealthCheck::Disabled);
}

#[test]
fn a_test_makes_a_response_from_json_and_sets_typed_fields() {
    // `#[non_exhaustive]` rules out the struct literal; an empty JSON object reads as an empty
    // response (every field leniently), whose public fields a test then sets.
    let mut proxies: DescribeProxiesResponse = serde_json::from_value(json!({})).unwrap();
    assert_eq!(proxies.total_count, 0);
    assert!(proxies.proxy_set.is_empty());
    proxies.total_count = 1;
    proxies.request_id = "mock".to_owned();
    proxies.proxy_set = serde_json::from_value(json!([
        {"ProxyId": "link-1", "Status": "RUNNING", "BillingType": 1}
    ]))
    .unwrap();
    let proxy = &proxies.proxy_set[0];
    assert_eq!(proxy.status, gaap::types::ProxyInfoStatus::Running);
    assert_eq!(proxy.billing_type, gaap::types::BillingType::ByTraffic);
}
