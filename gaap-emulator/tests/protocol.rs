//! The protocol around the actions: the three ways to carry parameters, the common errors, the
//! envelope, and bad input of every kind answered, never crashing the emulator.

mod common;

use std::collections::HashSet;

use common::{Call, Params, create_body};
use gaap_emulator::Emulator;
use gaap_runtime::signing::LegacyAlgorithm;
use serde_json::json;

const SEED_QUERY: &str = "ProxyId=link-bjkpdum1&ListenerName=test1&RealServerType=IP&Scheduler=rr&DelayLoop=20&ConnectTimeout=10&HealthCheck=1&Ports.0=90&Ports.1=91";

#[tokio::test]
async fn parameters_travel_as_json_as_a_query_or_as_a_form() {
    let emulator = Emulator::start().await.unwrap();
    let mut port = 1000;
    let mut next_query = || {
        port += 2;
        SEED_QUERY
            .replace("Ports.0=90", &format!("Ports.0={port}"))
            .replace("Ports.1=91", &format!("Ports.1={}", port + 1))
    };
    let answers = [
        Call::json("CreateTCPListeners", create_body("link-bjkpdum1", &[80]))
            .send(&emulator)
            .await,
        Call::new("CreateTCPListeners", Params::Query(next_query()))
            .send(&emulator)
            .await,
        Call::new("CreateTCPListeners", Params::Form(next_query()))
            .send(&emulator)
            .await,
        Call::new("CreateTCPListeners", Params::Query(next_query()))
            .legacy(&emulator, LegacyAlgorithm::HmacSha1, "GET")
            .send(&emulator)
            .await
            .unwrap(),
        Call::new("CreateTCPListeners", Params::Form(next_query()))
            .legacy(&emulator, LegacyAlgorithm::HmacSha256, "POST")
            .send(&emulator)
            .await
            .unwrap(),
    ];
    let mut ids = Vec::new();
    for answer in &answers {
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
        ids.extend(answer.ok()["ListenerIds"].as_array().unwrap().clone());
    }
    assert_eq!(ids.len(), 9);
    let listeners = emulator.listeners_on("link-bjkpdum1");
    let ports: Vec<u16> = listeners.iter().map(|l| l.port).collect();
    assert_eq!(ports, [80, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009]);
    assert!(
        listeners
            .iter()
            .all(|l| l.listener_name == "test" || l.listener_name == "test1")
    );
}

#[tokio::test]
async fn every_answer_is_an_envelope_with_a_fresh_request_id() {
    let emulator = Emulator::start().await.unwrap();
    let mut ids = HashSet::new();
    for _ in 0..5 {
        let ok = Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}))
            .send(&emulator)
            .await;
        let failed = Call::json("NoSuchThing", json!({})).send(&emulator).await;
        for answer in [ok, failed] {
            assert_eq!(answer.status, 200);
            let id = answer.request_id();
            let parsed = uuid_like(&id);
            assert!(parsed, "not a UUID: {id}");
            assert!(ids.insert(id), "request ids are fresh");
        }
    }
}

fn uuid_like(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
}

#[tokio::test]
async fn unknown_actions_and_versions() {
    let emulator = Emulator::start().await.unwrap();
    Call::json("CreateTCPListener", json!({}))
        .send(&emulator)
        .await
        .assert_error("InvalidAction", "CreateTCPListener");
    Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}))
        .version("2017-01-01")
        .send(&emulator)
        .await
        .assert_error("NoSuchVersion", "2017-01-01");
    let mut no_action = Call::json("DescribeTCPListeners", json!({})).tc3(&emulator);
    no_action.remove_header("X-TC-Action");
    no_action
        .send(&emulator)
        .await
        .unwrap()
        .assert_error("MissingParameter", "X-TC-Action");
    let mut no_version = Call::json("DescribeTCPListeners", json!({})).tc3(&emulator);
    no_version.remove_header("X-TC-Version");
    no_version
        .send(&emulator)
        .await
        .unwrap()
        .assert_error("MissingParameter", "X-TC-Version");
    // Legacy requests name the parameters.
    let legacy = Call::new("NoSuchThing", Params::Query(String::new())).legacy(
        &emulator,
        LegacyAlgorithm::HmacSha1,
        "GET",
    );
    legacy
        .send(&emulator)
        .await
        .unwrap()
        .assert_error("InvalidAction", "NoSuchThing");
    let mut no_action = legacy.clone();
    no_action.query = "Version=2018-05-29".into();
    no_action
        .send(&emulator)
        .await
        .unwrap()
        .assert_error("MissingParameter", "parameter `Action`");
}

#[tokio::test]
async fn parameters_are_read_strictly_and_checked_against_the_documentation() {
    let emulator = Emulator::start().await.unwrap();
    let create = |body: serde_json::Value| Call::json("CreateTCPListeners", body);
    let with = |key: &str, value: serde_json::Value| {
        let mut body = create_body("link-bjkpdum1", &[80]);
        body[key] = value;
        create(body)
    };
    let without = |key: &str| {
        let mut body = create_body("link-bjkpdum1", &[80]);
        body.as_object_mut().unwrap().remove(key);
        create(body)
    };
    let cases = [
        (with("Bogus", json!(1)), "UnknownParameter", "Bogus"),
        (without("ListenerName"), "MissingParameter", "ListenerName"),
        (without("ProxyId"), "MissingParameter", "ProxyId, GroupId"),
        (
            with("GroupId", json!("lg-bjkpdum1")),
            "InvalidParameter",
            "ProxyId, GroupId",
        ),
        (
            with("DelayLoop", json!("soon")),
            "InvalidParameter",
            "DelayLoop",
        ),
        (
            with("DelayLoop", json!(4)),
            "InvalidParameterValue",
            "DelayLoop: 4 is outside the allowed range [5, 300]",
        ),
        (
            with("Ports", json!([80, 0])),
            "InvalidParameterValue",
            "Ports[1]: 0 is outside",
        ),
        (
            with("Ports", json!([80, 80])),
            "InvalidParameterValue",
            "Ports[1]: duplicates element [0]",
        ),
        (with("Ports", json!([])), "InvalidParameterValue", "Ports"),
        (
            with("Scheduler", json!("random")),
            "InvalidParameterValue",
            "Scheduler",
        ),
        (
            with("ConnectTimeout", json!(30)),
            "InvalidParameterValue",
            "ConnectTimeout: 30 must be less than DelayLoop",
        ),
        (
            with("RealServerPorts", json!([1, 2])),
            "InvalidParameterValue",
            "RealServerPorts",
        ),
    ];
    for (call, code, mentions) in cases {
        call.send(&emulator).await.assert_error(code, mentions);
    }
    // Every violation is reported, not the first.
    let mut body = create_body("link-bjkpdum1", &[0]);
    body["DelayLoop"] = json!(400);
    let answer = create(body).send(&emulator).await;
    answer.assert_error("InvalidParameterValue", "Ports[0]");
    answer.assert_error("InvalidParameterValue", "DelayLoop: 400");
    // Flattened parameters name the flattened key.
    Call::new(
        "CreateTCPListeners",
        Params::Query(format!("{SEED_QUERY}&Ports.3=92")),
    )
    .send(&emulator)
    .await
    .assert_error(
        "InvalidParameter",
        "index 3 is given but index 2 is missing",
    );
    assert_eq!(emulator.listener_count(), 0);
}

#[tokio::test]
async fn garbage_is_answered_and_the_emulator_lives_on() {
    let emulator = Emulator::start().await.unwrap();
    let create = Call::json("CreateTCPListeners", create_body("link-bjkpdum1", &[80]));
    let signed_body = |body: &[u8]| {
        let mut call = create.clone();
        call.params = Params::Json(String::from_utf8_lossy(body).into_owned());
        call.tc3(&emulator)
    };
    let huge_index = "ListenerName=a&Scheduler=rr&HealthCheck=1&RealServerType=IP&ProxyId=link-bjkpdum1&Ports.18446744073709551616=1";
    let cases: Vec<(common::Raw, &str, &str)> = vec![
        (
            signed_body(b"{\"ListenerName\": "),
            "InvalidParameter",
            "not valid JSON",
        ),
        (
            signed_body(b"[1, 2, 3]"),
            "InvalidParameter",
            "expected an object",
        ),
        (
            signed_body(b"\"text\""),
            "InvalidParameter",
            "expected an object",
        ),
        (
            signed_body(&[b'['; 10_000]),
            "InvalidParameter",
            "not valid JSON",
        ),
        (signed_body(b""), "MissingParameter", "ListenerName"),
        (
            Call::new("CreateTCPListeners", Params::Query(huge_index.into())).tc3(&emulator),
            "InvalidParameter",
            "array index above 9999",
        ),
        (
            Call::new(
                "CreateTCPListeners",
                Params::Query(vec!["K=1"; gaap_emulator::MAX_PARAMETERS + 1].join("&")),
            )
            .tc3(&emulator),
            "RequestSizeLimitExceeded",
            "10000 parameters",
        ),
        (
            Call::new(
                "CreateTCPListeners",
                Params::Query("Ports..0=1&A.=2".into()),
            )
            .tc3(&emulator),
            "InvalidParameter",
            "Ports..0",
        ),
        (
            Call::new("CreateTCPListeners", Params::Query("%FF%FE=%00".into())).tc3(&emulator),
            "UnknownParameter",
            "",
        ),
        (
            {
                let mut raw = create.tc3(&emulator);
                raw.set_header("Content-Type", "multipart/form-data; boundary=x");
                raw
            },
            // Signed over another content type: the signature check comes first.
            "AuthFailure.SignatureFailure",
            "signature",
        ),
        (
            {
                let mut raw = create.tc3(&emulator);
                raw.method = "PUT".into();
                raw
            },
            "UnsupportedProtocol",
            "PUT",
        ),
    ];
    for (raw, code, mentions) in cases {
        let answer = raw.send(&emulator).await.unwrap();
        assert_eq!(answer.code().as_deref(), Some(code), "{}", answer.body);
        assert!(answer.message().contains(mentions), "{}", answer.message());
    }
    // Headers that are not text.
    let client = common::client();
    let request = client
        .post(format!("{}/", emulator.endpoint()))
        .header("X-TC-Action", "CreateTCPListeners")
        .header("X-TC-Version", "2018-05-29")
        .header(
            "X-TC-Timestamp",
            reqwest::header::HeaderValue::from_bytes(b"\xff\xfe").unwrap(),
        )
        .header(
            "Authorization",
            reqwest::header::HeaderValue::from_bytes(b"TC3-HMAC-SHA256 \xff").unwrap(),
        )
        .header("Content-Type", "application/json")
        .body("{}");
    let answer = request.send().await.unwrap().text().await.unwrap();
    assert!(answer.contains("\"InvalidParameter\""), "{answer}");
    // A body over the documented 10 MB.
    let mut big = create.tc3(&emulator);
    big.body = vec![b' '; 10 * 1024 * 1024 + 1];
    big.send(&emulator)
        .await
        .unwrap()
        .assert_error("RequestSizeLimitExceeded", "10485760");
    // Still serving.
    Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}))
        .send(&emulator)
        .await
        .ok();
    assert_eq!(emulator.listener_count(), 0);
}

#[tokio::test]
async fn headers_the_python_sdk_adds_are_accepted() {
    let emulator = Emulator::start().await.unwrap();
    Call::json("CreateTCPListeners", create_body("link-bjkpdum1", &[80]))
        .header("X-TC-RequestClient", "SDK_PYTHON")
        .header("X-TC-Region", "ap-guangzhou")
        .header("X-TC-Language", "en-US")
        .header("X-TC-TraceId", "3b8f1a6e-0000-4000-8000-000000000000")
        .send(&emulator)
        .await
        .ok();
}

#[tokio::test]
async fn http2_with_prior_knowledge_works_too() {
    let emulator = Emulator::start().await.unwrap();
    gaap_runtime::tls::ensure_tls_provider();
    let h2 = reqwest::Client::builder()
        .http2_prior_knowledge()
        .tls_certs_only([])
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap();
    let raw = Call::json("CreateTCPListeners", create_body("link-bjkpdum1", &[80])).tc3(&emulator);
    let mut request = h2
        .post(format!("{}/", emulator.endpoint()))
        .body(raw.body.clone());
    for (name, value) in &raw.headers {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    let text = response.text().await.unwrap();
    assert!(text.contains("\"ListenerIds\":[\"listener-"), "{text}");
    assert_eq!(emulator.listener_count(), 1);
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}))
        .send(&emulator)
        .await
        .ok();
    emulator.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

/// The socket-less handler the fuzz target drives answers as the server does: the same checks,
/// the same state, the same codes; what hyper would refuse is a bare 400.
#[tokio::test]
async fn the_offline_handler_answers_as_the_server_does() {
    let clock = gaap_emulator::ManualClock::at(1_700_000_000);
    let config = gaap_emulator::Config::builtin().with_clock(clock.clone());
    let offline = gaap_emulator::OfflineEmulator::new(config.clone()).unwrap();
    let emulator = Emulator::start_with(config).await.unwrap();
    // As hyper hands it over: the client's `Host` among the headers.
    let host = emulator.addr().to_string();
    let offline_answer = |raw: &common::Raw| {
        let headers: Vec<(&[u8], &[u8])> = raw
            .headers
            .iter()
            .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
            .chain([(&b"host"[..], host.as_bytes())])
            .collect();
        let target = if raw.query.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{}", raw.query)
        };
        offline.handle(
            raw.method.as_bytes(),
            target.as_bytes(),
            &headers,
            &raw.body,
        )
    };
    let create = Call::json("CreateTCPListeners", create_body("link-bjkpdum1", &[80]));
    for raw in [
        create.tc3(&emulator),
        Call::new("CreateTCPListeners", Params::Query(SEED_QUERY.into())).legacy(
            &emulator,
            LegacyAlgorithm::HmacSha1,
            "GET",
        ),
        create.clone().key("AKIDnobody", "x").tc3(&emulator),
        Call::json("NoSuchThing", json!({})).tc3(&emulator),
    ] {
        let online = raw.send(&emulator).await.unwrap();
        let offline = offline_answer(&raw);
        assert_eq!(offline.status, 200);
        let offline: serde_json::Value = serde_json::from_slice(&offline.body).unwrap();
        let online = online.json();
        assert_eq!(
            offline["Response"]["Error"], online["Response"]["Error"],
            "{raw:?}"
        );
        assert_eq!(
            offline["Response"]["ListenerIds"].is_array(),
            online["Response"]["ListenerIds"].is_array()
        );
    }
    // One listener of the JSON create, two of the seed's query.
    assert_eq!(offline.listener_count(), 3);
    for (method, target, header) in [
        (&b"G E T"[..], &b"/"[..], (&b"a"[..], &b"b"[..])),
        (b"POST", b"not a target", (b"a", b"b")),
        (b"POST", b"/", (b"bad name", b"b")),
        (b"POST", b"/", (b"a", b"line\nbreak")),
    ] {
        let answer = offline.handle(method, target, &[header], b"");
        assert_eq!((answer.status, answer.body.len()), (400, 0));
    }
}
