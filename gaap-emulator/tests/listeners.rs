//! The documented semantics of creating, listing and deleting TCP listeners, through real HTTP.

mod common;

use std::sync::Arc;

use common::{Call, create, create_body};
use gaap_emulator::{
    BUILTIN_RESERVED_PORT, Config, Emulator, Fixture, ManualClock, TargetKind, Throttling,
};
use serde_json::json;

#[tokio::test]
async fn create_describe_delete_round_trip() {
    let clock = ManualClock::at(1_700_000_000);
    let emulator = Emulator::start_with(Config::builtin().with_clock(clock.clone()))
        .await
        .unwrap();
    let mut body = create_body("link-bjkpdum1", &[80, 443]);
    body["ListenerName"] = json!("监听器-1");
    body["RealServerPorts"] = json!([8080, 8443]);
    body["Scheduler"] = json!("lc");
    let created = Call::json("CreateTCPListeners", body)
        .send(&emulator)
        .await
        .ok();
    let ids: Vec<String> = serde_json::from_value(created["ListenerIds"].clone()).unwrap();
    assert_eq!(ids.len(), 2);
    // Created in status 1 (creating); running (0) once the transition time has passed.
    assert_eq!(emulator.status(&ids[0]).as_deref(), Some("1"));
    clock.advance(gaap_emulator::DEFAULT_TRANSITION_TIME);
    assert_eq!(emulator.status(&ids[0]).as_deref(), Some("0"));
    for id in &ids {
        let suffix = id.strip_prefix("listener-").expect("listener-xxxxxxxx");
        assert_eq!(suffix.len(), 8);
        assert!(
            suffix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            "{id}"
        );
    }

    // Read back by proxy, by id, by port, by fuzzy search.
    let describe = |filter: serde_json::Value| Call::json("DescribeTCPListeners", filter);
    let all = describe(json!({"ProxyId": "link-bjkpdum1"}))
        .send(&emulator)
        .await
        .ok();
    assert_eq!(all["TotalCount"], 2);
    let first = &all["ListenerSet"][0];
    assert_eq!(
        *first,
        json!({
            "ListenerId": ids[0], "ListenerName": "监听器-1", "Port": 80, "RealServerPort": 8080,
            "RealServerType": "IP", "Protocol": "TCP", "ListenerStatus": 0, "Scheduler": "lc",
            "ConnectTimeout": 10, "DelayLoop": 20, "HealthCheck": 1, "BindStatus": 0,
            "RealServerSet": [], "CreateTime": 1_700_000_000, "ClientIPMethod": 0,
            "HealthyThreshold": 3, "UnhealthyThreshold": 3, "FailoverSwitch": 0,
            "SessionPersist": 0, "ProxyId": "link-bjkpdum1", "GroupId": null
        })
    );
    let by_id = describe(json!({"ListenerId": ids[1]}))
        .send(&emulator)
        .await
        .ok();
    assert_eq!(
        (
            by_id["TotalCount"].clone(),
            by_id["ListenerSet"][0]["Port"].clone()
        ),
        (json!(1), json!(443))
    );
    let by_port = describe(json!({"ProxyId": "link-bjkpdum1", "Port": 443}))
        .send(&emulator)
        .await
        .ok();
    assert_eq!(by_port["ListenerSet"][0]["ListenerId"], json!(ids[1]));
    let search = describe(json!({"ProxyId": "link-bjkpdum1", "SearchValue": "44"}))
        .send(&emulator)
        .await
        .ok();
    assert_eq!(search["TotalCount"], 1);
    let page = describe(json!({"ProxyId": "link-bjkpdum1", "Offset": 1, "Limit": 1}))
        .send(&emulator)
        .await
        .ok();
    assert_eq!(
        (
            page["TotalCount"].clone(),
            page["ListenerSet"].as_array().unwrap().len()
        ),
        (json!(2), 1)
    );
    let elsewhere = describe(json!({"ProxyId": "link-hwera8lq", "ListenerId": ids[0]}))
        .send(&emulator)
        .await
        .ok();
    assert_eq!(elsewhere["TotalCount"], 0);

    // The documented rules of DescribeTCPListeners are checked.
    describe(json!({}))
        .send(&emulator)
        .await
        .assert_error("InvalidParameterValue", "ProxyId, GroupId, ListenerId");
    describe(json!({"ProxyId": "link-bjkpdum1", "GroupId": "lg-bjkpdum1"}))
        .send(&emulator)
        .await
        .assert_error("InvalidParameterValue", "ProxyId, GroupId");
    describe(json!({"ProxyId": "link-bjkpdum1", "SearchValue": "a", "Port": 80}))
        .send(&emulator)
        .await
        .assert_error("InvalidParameterValue", "SearchValue");
    describe(json!({"ProxyId": "link-nowhere"}))
        .send(&emulator)
        .await
        .assert_error("ResourceNotFound", "link-nowhere");

    // Delete one that exists, one that does not, one of another proxy.
    let other = create(&emulator, "link-hwera8lq", &[80]).await;
    let deleted = Call::json(
        "DeleteListeners",
        json!({"ProxyId": "link-bjkpdum1", "Force": 1, "ListenerIds": [ids[0], "listener-nothere", other[0]]}),
    )
    .send(&emulator)
    .await
    .ok();
    assert_eq!(deleted["OperationSucceedListenerSet"], json!([ids[0]]));
    assert_eq!(
        deleted["InvalidStatusListenerSet"],
        json!(["listener-nothere", other[0]])
    );
    assert_eq!(deleted["OperationFailedListenerSet"], json!([]));
    let left = describe(json!({"ProxyId": "link-bjkpdum1"}))
        .send(&emulator)
        .await
        .ok();
    assert_eq!(left["TotalCount"], 1);
    assert_eq!(left["ListenerSet"][0]["ListenerId"], json!(ids[1]));
    assert_eq!(emulator.listener_count(), 2);
    assert!(emulator.listener(&ids[0]).is_none());
    // The port is free again.
    create(&emulator, "link-bjkpdum1", &[80]).await;
}

#[tokio::test]
async fn group_listeners_belong_to_the_group() {
    // Transitions at once: the listener is deleted right after it is created.
    let config = Config::builtin().with_transition_time(std::time::Duration::ZERO);
    let emulator = Emulator::start_with(config).await.unwrap();
    let mut body = create_body("unused", &[80]);
    body.as_object_mut().unwrap().remove("ProxyId");
    body["GroupId"] = json!("lg-bjkpdum1");
    let ids = Call::json("CreateTCPListeners", body)
        .send(&emulator)
        .await
        .ok()["ListenerIds"]
        .clone();
    let listeners = emulator.listeners_on("lg-bjkpdum1");
    assert_eq!(listeners.len(), 1);
    assert_eq!(listeners[0].owner_kind, TargetKind::Group);
    assert_eq!(json!([listeners[0].listener_id]), ids);
    let described = Call::json("DescribeTCPListeners", json!({"GroupId": "lg-bjkpdum1"}))
        .send(&emulator)
        .await
        .ok();
    assert_eq!(described["ListenerSet"][0]["GroupId"], "lg-bjkpdum1");
    // Documented: "监听器的通道ID，如果监听器属于通道组，则为null".
    assert_eq!(described["ListenerSet"][0]["ProxyId"], json!(null));
    // A group id is no proxy id.
    Call::json("DescribeTCPListeners", json!({"ProxyId": "lg-bjkpdum1"}))
        .send(&emulator)
        .await
        .assert_error("ResourceNotFound", "proxy `lg-bjkpdum1`");
    let deleted = Call::json(
        "DeleteListeners",
        json!({"GroupId": "lg-bjkpdum1", "Force": 0, "ListenerIds": ids}),
    )
    .send(&emulator)
    .await
    .ok();
    assert_eq!(deleted["OperationSucceedListenerSet"], ids);
    assert_eq!(emulator.listener_count(), 0);
}

#[tokio::test]
async fn create_errors_have_the_documented_codes() {
    let config = Config::builtin().with_proxy(Fixture::running("link-small01").quota(2));
    let emulator = Emulator::start_with(config).await.unwrap();
    let create_on = |target: (&str, &str), ports: &[u64]| {
        let mut body = create_body("x", ports);
        body.as_object_mut().unwrap().remove("ProxyId");
        body[target.0] = json!(target.1);
        Call::json("CreateTCPListeners", body)
    };
    let proxy = |id: &'static str| ("ProxyId", id);
    let group = |id: &'static str| ("GroupId", id);
    create(&emulator, "link-bjkpdum1", &[90]).await;
    let cases = [
        (
            create_on(proxy("link-nowhere"), &[80]),
            "ResourceNotFound",
            "proxy `link-nowhere`",
        ),
        (
            create_on(group("lg-nowhere"), &[80]),
            "ResourceNotFound",
            "proxy group `lg-nowhere`",
        ),
        (
            create_on(proxy("link-closed01"), &[80]),
            "FailedOperation.ProxyStatusNotInRuning",
            "CLOSED",
        ),
        (
            create_on(proxy("link-isolated"), &[80]),
            "FailedOperation.ProxyStatusNotInRuning",
            "ISOLATED",
        ),
        (
            create_on(group("lg-closed01"), &[80]),
            "FailedOperation.GroupStatusNotInRuning",
            "CLOSED",
        ),
        (
            create_on(proxy("link-bjkpdum1"), &[91, 90]),
            "InvalidParameterValue.DuplicatedListenerPort",
            "port 90",
        ),
        (
            create_on(proxy("link-bjkpdum1"), &[u64::from(BUILTIN_RESERVED_PORT)]),
            "InvalidParameterValue.InvalidListenerPort",
            "36000",
        ),
        (
            create_on(proxy("link-small01"), &[1, 2, 3]),
            "FailedOperation.LimitNumofListener",
            "quota of 2",
        ),
    ];
    for (call, code, mentions) in cases {
        call.send(&emulator).await.assert_error(code, mentions);
    }
    // Nothing was half-created.
    assert_eq!(emulator.listener_count(), 1);
    // The quota counts what exists.
    create(&emulator, "link-small01", &[1, 2]).await;
    create_on(proxy("link-small01"), &[3])
        .send(&emulator)
        .await
        .assert_error("FailedOperation.LimitNumofListener", "holds 2 listeners");
    // A status change takes effect at once.
    assert!(emulator.set_status("link-closed01", "RUNNING"));
    create(&emulator, "link-closed01", &[80]).await;
    assert!(emulator.set_status("link-bjkpdum1", "ADJUSTING"));
    assert_eq!(
        emulator.status("link-bjkpdum1").as_deref(),
        Some("ADJUSTING")
    );
    create_on(proxy("link-bjkpdum1"), &[81])
        .send(&emulator)
        .await
        .assert_error("FailedOperation.ProxyStatusNotInRuning", "ADJUSTING");
}

#[tokio::test]
async fn delete_errors_have_the_documented_codes() {
    let emulator = Emulator::start().await.unwrap();
    let delete = |target: &str, id: &str| {
        let key = if target.starts_with("lg-") {
            "GroupId"
        } else {
            "ProxyId"
        };
        Call::json(
            "DeleteListeners",
            json!({key: id, "Force": 1, "ListenerIds": ["listener-x"]}),
        )
    };
    delete("link", "link-nowhere")
        .send(&emulator)
        .await
        .assert_error("ResourceNotFound", "link-nowhere");
    delete("link", "link-closed01")
        .send(&emulator)
        .await
        .assert_error("FailedOperation.InstanceStatusNotInRuning", "CLOSED");
    delete("lg-", "lg-closed01")
        .send(&emulator)
        .await
        .assert_error("FailedOperation.GroupStatusNotInRuning", "CLOSED");
    Call::json(
        "DeleteListeners",
        json!({"ProxyId": "link-bjkpdum1", "Force": 2, "ListenerIds": []}),
    )
    .send(&emulator)
    .await
    .assert_error("InvalidParameterValue", "Force");
    Call::json("DeleteListeners", json!({"Force": 1, "ListenerIds": []}))
        .send(&emulator)
        .await
        .assert_error("MissingParameter", "GroupId, ProxyId");
}

/// Many clients race to create the same port on one proxy: exactly one wins, every other gets
/// `DuplicatedListenerPort`, and the proxy holds exactly one listener on the port.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_one_port_have_exactly_one_winner() {
    let config = Config::builtin()
        .with_throttling(Throttling::Off)
        .with_proxy(Fixture::running("link-race0001").quota(1000));
    let emulator = Arc::new(Emulator::start_with(config).await.unwrap());
    const ROUNDS: u64 = 8;
    const CONTENDERS: usize = 24;
    // One client, many connections: each request in flight at once gets its own.
    let client = common::client();
    for round in 0..ROUNDS {
        let port = 2000 + round;
        // Sign first, then release every request at once.
        let requests: Vec<common::Raw> = (0..CONTENDERS)
            .map(|_| {
                Call::json("CreateTCPListeners", create_body("link-race0001", &[port]))
                    .tc3(&emulator)
            })
            .collect();
        let barrier = Arc::new(tokio::sync::Barrier::new(CONTENDERS));
        let tasks: Vec<_> = requests
            .into_iter()
            .map(|raw| {
                let emulator = emulator.clone();
                let barrier = barrier.clone();
                let client = client.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    raw.send_with(&client, &emulator).await.unwrap()
                })
            })
            .collect();
        let mut winners = 0;
        for task in tasks {
            let answer = task.await.unwrap();
            match answer.code() {
                None => winners += 1,
                Some(code) => assert_eq!(
                    code, "InvalidParameterValue.DuplicatedListenerPort",
                    "{}",
                    answer.body
                ),
            }
        }
        assert_eq!(winners, 1, "round {round}");
        let on_port = emulator
            .listeners_on("link-race0001")
            .into_iter()
            .filter(|l| u64::from(l.port) == port)
            .count();
        assert_eq!(on_port, 1, "round {round}");
    }
    assert_eq!(emulator.listener_count(), ROUNDS as usize);
    assert_eq!(
        emulator.request_count("CreateTCPListeners"),
        ROUNDS * CONTENDERS as u64
    );
}

#[tokio::test]
async fn the_documented_examples_run_against_the_emulator() {
    // The examples of the two specs written from the reference, sent as they are: their proxies
    // are among the built-in fixtures.
    let emulator = Emulator::start().await.unwrap();
    for spec in ["DescribeTCPListeners", "DeleteListeners"] {
        let path = format!("{}/../specs/{spec}.json", env!("CARGO_MANIFEST_DIR"));
        let spec_json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for example in spec_json["examples"].as_array().unwrap() {
            let answer = Call::json(spec, example["body"].clone())
                .send(&emulator)
                .await;
            let response = answer.ok();
            // The documented response and ours have the same members.
            let documented = example["response"]["Response"].as_object().unwrap();
            let mut ours: Vec<&String> = response.as_object().unwrap().keys().collect();
            let mut theirs: Vec<&String> = documented.keys().collect();
            ours.sort();
            theirs.sort();
            assert_eq!(ours, theirs, "{spec}");
        }
    }
}

/// The emulator counts how it answered each action: successes and the codes of the action's
/// own errors, not the protocol's (a bad signature never reaches the action).
#[tokio::test]
async fn answers_are_counted_per_action_and_code() {
    let emulator =
        Emulator::start_with(Config::builtin().with_transition_time(std::time::Duration::ZERO))
            .await
            .unwrap();
    let body = create_body("link-bjkpdum1", &[81]);
    Call::json("CreateTCPListeners", body.clone())
        .send(&emulator)
        .await
        .ok();
    for _ in 0..2 {
        let answer = Call::json("CreateTCPListeners", body.clone())
            .send(&emulator)
            .await
            .response();
        assert_eq!(
            answer["Error"]["Code"],
            "InvalidParameterValue.DuplicatedListenerPort"
        );
    }
    let forged = Call::json("CreateTCPListeners", body)
        .key(gaap_emulator::EXAMPLE_SECRET_ID, "not-the-key")
        .send(&emulator)
        .await
        .response();
    assert_eq!(forged["Error"]["Code"], "AuthFailure.SignatureFailure");
    let counted: Vec<(String, Option<String>, u64)> = emulator
        .answers()
        .into_iter()
        .map(|a| (a.action, a.code, a.count))
        .collect();
    assert_eq!(
        counted,
        [
            ("CreateTCPListeners".to_owned(), None, 1),
            (
                "CreateTCPListeners".to_owned(),
                Some("InvalidParameterValue.DuplicatedListenerPort".to_owned()),
                2
            ),
        ]
    );
    assert_eq!(emulator.request_count("CreateTCPListeners"), 4);
}
