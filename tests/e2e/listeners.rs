//! The listener actions through the generated client and the emulator: success, the round trip,
//! every HTTP method and signature method, each documented error as its typed variant, and
//! validation that stops a request before anything is sent.

use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler};
use gaap::{
    CreateTcpListenersError, CreateTcpListenersRequest, Error, Fate, HttpMethod, Rule, SignMethod,
};
use gaap_emulator::{BUILTIN_RESERVED_PORT, Config, Emulator, Fixture, TargetKind};

use crate::support::*;

#[tokio::test]
async fn the_seed_scenario_creates_listeners_the_emulator_holds() {
    let emulator = emulator().await;
    let client = build(client_of(&emulator));
    let response = client
        .send(create_on_proxy(PROXY, &[90, 91]))
        .await
        .unwrap();

    assert_eq!(response.listener_ids.len(), 2);
    assert!(!response.request_id.is_empty());
    let held = emulator.listeners_on(PROXY);
    let held_ids: Vec<&str> = held.iter().map(|l| l.listener_id.as_str()).collect();
    assert_eq!(held_ids, response.listener_ids);
    let first = &held[0];
    assert_eq!(
        (
            first.port,
            first.listener_name.as_str(),
            first.protocol.as_str()
        ),
        (90, "e2e", "TCP")
    );
    assert_eq!(
        (
            first.scheduler.as_str(),
            first.real_server_type.as_str(),
            first.health_check,
            first.delay_loop,
            first.connect_timeout
        ),
        ("rr", "IP", 1, 20, 10)
    );
    assert_eq!(first.owner_kind, TargetKind::Proxy);
    assert_eq!(held[1].port, 91);
    assert_eq!(emulator.request_count(CREATE), 1);
}

#[tokio::test]
async fn a_proxy_group_takes_listeners_too() {
    let emulator = emulator().await;
    let client = build(client_of(&emulator));
    let response = client.send(create_on_group(GROUP, &[8080])).await.unwrap();
    let held = emulator.listeners_on(GROUP);
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].listener_id, response.listener_ids[0]);
    assert_eq!(held[0].owner_kind, TargetKind::Group);
    assert_eq!(held[0].real_server_type, "DOMAIN");
    assert!(emulator.listeners_on(PROXY).is_empty());
}

/// Create, describe, delete, describe again — with each HTTP method and each signature method,
/// so that the emulator verifies every kind of signature the client makes.
#[tokio::test]
async fn create_describe_delete_round_trip_with_every_method_and_signature() {
    let emulator = emulator().await;
    let combinations = [
        (HttpMethod::Post, SignMethod::Tc3),
        (HttpMethod::Get, SignMethod::Tc3),
        (HttpMethod::Post, SignMethod::HmacSha1),
        (HttpMethod::Get, SignMethod::HmacSha1),
        (HttpMethod::Post, SignMethod::HmacSha256),
        (HttpMethod::Get, SignMethod::HmacSha256),
    ];
    for (round, (method, sign_method)) in (0u64..).zip(combinations) {
        let context = format!("{method} {sign_method:?}");
        let client = build(
            client_of(&emulator)
                .http_method(method)
                .sign_method(sign_method),
        );
        let port = 1000 + round;

        let created = client
            .send(create_on_proxy(PROXY, &[port]))
            .await
            .unwrap_or_else(|e| panic!("{context}: create: {e}"));
        let [listener_id] = <[String; 1]>::try_from(created.listener_ids)
            .unwrap_or_else(|ids| panic!("{context}: one id expected, got {ids:?}"));

        let described = client
            .send(describe_proxy(PROXY))
            .await
            .unwrap_or_else(|e| panic!("{context}: describe: {e}"));
        assert_eq!(described.total_count, 1, "{context}");
        let [listener] = <[gaap::types::TcpListener; 1]>::try_from(described.listener_set)
            .unwrap_or_else(|set| panic!("{context}: one listener expected, got {set:?}"));
        assert_eq!(listener.listener_id, listener_id, "{context}");
        assert_eq!(listener.port, port, "{context}");
        assert_eq!(listener.proxy_id, PROXY, "{context}");
        assert_eq!(
            (listener.scheduler.as_str(), listener.protocol.as_str()),
            ("rr", "TCP"),
            "{context}"
        );

        let deleted = client
            .send(delete_on_proxy(PROXY, vec![listener_id.clone()]))
            .await
            .unwrap_or_else(|e| panic!("{context}: delete: {e}"));
        assert_eq!(
            deleted.operation_succeed_listener_set,
            [listener_id.as_str()],
            "{context}"
        );
        assert!(
            deleted.operation_failed_listener_set.is_empty(),
            "{context}"
        );
        assert!(deleted.invalid_status_listener_set.is_empty(), "{context}");
        assert!(emulator.listener(&listener_id).is_none(), "{context}");

        let after = client.send(describe_proxy(PROXY)).await.unwrap();
        assert_eq!(after.total_count, 0, "{context}");
        assert!(after.listener_set.is_empty(), "{context}");
    }
    // One request per call: nothing was retried, nothing failed on the way.
    let rounds = combinations.len() as u64;
    assert_eq!(emulator.request_count(CREATE), rounds);
    assert_eq!(emulator.request_count(DESCRIBE), 2 * rounds);
    assert_eq!(emulator.request_count(DELETE), rounds);
    assert_eq!(emulator.listener_count(), 0);
}

#[tokio::test]
async fn deleting_an_unknown_listener_reports_it_as_invalid() {
    let emulator = emulator().await;
    let client = build(client_of(&emulator));
    let deleted = client
        .send(delete_on_proxy(PROXY, vec!["listener-00000000".into()]))
        .await
        .unwrap();
    assert!(deleted.operation_succeed_listener_set.is_empty());
    assert_eq!(deleted.invalid_status_listener_set, ["listener-00000000"]);
}

/// Sends `request` once, expects the API's typed error, and checks what every API error of a
/// create must be: answered, not retried, nothing created.
async fn api_error(
    emulator: &Emulator,
    request: CreateTcpListenersRequest,
) -> CreateTcpListenersError {
    let client = build(client_of(emulator));
    let listeners_before = emulator.listener_count();
    let requests_before = emulator.request_count(CREATE);
    let error = match client.send(request).await {
        Ok(response) => panic!("an API error expected, got {response:?}"),
        Err(error) => error,
    };
    assert_eq!(error.fate(), Fate::Answered, "{error:?}");
    assert!(!error.is_retryable(), "{error:?}");
    assert!(!error.is_undocumented_code(), "{error:?}");
    assert!(error.request_id().is_some_and(|id| !id.is_empty()));
    assert_eq!(emulator.request_count(CREATE), requests_before + 1);
    assert_eq!(emulator.listener_count(), listeners_before);
    match error {
        Error::Api(api) => api,
        other => panic!("an API error expected, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_proxy_or_group_is_resource_not_found() {
    let emulator = emulator().await;
    let error = api_error(&emulator, create_on_proxy("link-unknown1", &[80])).await;
    assert!(
        matches!(error, CreateTcpListenersError::ResourceNotFound(_)),
        "{error:?}"
    );
    let error = api_error(&emulator, create_on_group("lg-unknown1", &[80])).await;
    assert!(
        matches!(error, CreateTcpListenersError::ResourceNotFound(_)),
        "{error:?}"
    );
    // A proxy's id given as a group's is not found either.
    let error = api_error(&emulator, create_on_group(PROXY, &[80])).await;
    assert!(
        matches!(error, CreateTcpListenersError::ResourceNotFound(_)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_proxy_or_group_not_running_refuses_listeners() {
    let emulator = emulator().await;
    let error = api_error(&emulator, create_on_proxy("link-closed01", &[80])).await;
    assert!(
        matches!(
            error,
            CreateTcpListenersError::FailedOperationProxyStatusNotInRuning(_)
        ),
        "{error:?}"
    );
    let error = api_error(&emulator, create_on_group("lg-closed01", &[80])).await;
    assert!(
        matches!(
            error,
            CreateTcpListenersError::FailedOperationGroupStatusNotInRuning(_)
        ),
        "{error:?}"
    );
    // A status changed while the emulator runs applies at once.
    assert!(emulator.set_status(PROXY, "ADJUSTING"));
    let error = api_error(&emulator, create_on_proxy(PROXY, &[80])).await;
    assert!(
        matches!(
            error,
            CreateTcpListenersError::FailedOperationProxyStatusNotInRuning(_)
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_port_taken_is_a_duplicated_listener_port_and_nothing_of_the_request_is_created() {
    let emulator = emulator().await;
    let client = build(client_of(&emulator));
    client.send(create_on_proxy(PROXY, &[90])).await.unwrap();
    // 91 is free, 90 is not: the request fails as a whole.
    let error = api_error(&emulator, create_on_proxy(PROXY, &[91, 90])).await;
    let CreateTcpListenersError::InvalidParameterValueDuplicatedListenerPort(meta) = &error else {
        panic!("DuplicatedListenerPort expected, got {error:?}");
    };
    assert_eq!(meta.code, "InvalidParameterValue.DuplicatedListenerPort");
    assert!(meta.message.contains("90"), "{}", meta.message);
    assert_eq!(ports_on(&emulator, PROXY), [90]);
}

#[tokio::test]
async fn a_reserved_port_is_an_invalid_listener_port() {
    let emulator = emulator().await;
    let error = api_error(
        &emulator,
        create_on_proxy(PROXY, &[u64::from(BUILTIN_RESERVED_PORT)]),
    )
    .await;
    assert!(
        matches!(
            error,
            CreateTcpListenersError::InvalidParameterValueInvalidListenerPort(_)
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_full_proxy_is_limit_num_of_listener() {
    let emulator =
        emulator_with(Config::builtin().with_proxy(Fixture::running("link-small001").quota(2)))
            .await;
    let client = build(client_of(&emulator));
    client
        .send(create_on_proxy("link-small001", &[1, 2]))
        .await
        .unwrap();
    let error = api_error(&emulator, create_on_proxy("link-small001", &[3])).await;
    assert!(
        matches!(
            error,
            CreateTcpListenersError::FailedOperationLimitNumofListener(_)
        ),
        "{error:?}"
    );
    assert_eq!(ports_on(&emulator, "link-small001"), [1, 2]);
}

/// Requests that break documented rules fail in the client, with every violation named, and the
/// emulator never hears of them.
#[tokio::test]
async fn invalid_requests_are_caught_before_anything_is_sent() {
    let emulator = emulator().await;
    let base = || {
        CreateTcpListenersRequest::builder()
            .proxy_id(PROXY)
            .listener_name("e2e")
            .health_check(HealthCheck::Enabled)
    };
    let cases: Vec<(CreateTcpListenersRequest, &[&str])> = vec![
        // The seed's own example: ConnectTimeout (20) is not less than DelayLoop (20).
        (
            base()
                .real_server_type(RealServerType::Ip)
                .scheduler(Scheduler::RoundRobin)
                .delay_loop(20)
                .connect_timeout(20)
                .ports([90])
                .build(),
            &["ConnectTimeout"],
        ),
        (
            base()
                .real_server_type(RealServerType::Ip)
                .scheduler(Scheduler::RoundRobin)
                .ports([0, 70_000, 80, 80])
                .build(),
            &["Ports[0]", "Ports[1]", "Ports[3]"],
        ),
        (
            base()
                .real_server_type(RealServerType::Domain)
                .scheduler(Scheduler::WeightedRoundRobin)
                .delay_loop(4)
                .connect_timeout(61)
                .ports([80])
                .build(),
            // ConnectTimeout twice: out of its range, and not less than DelayLoop.
            &["Scheduler", "DelayLoop", "ConnectTimeout", "ConnectTimeout"],
        ),
        (
            base()
                .real_server_type(RealServerType::Ip)
                .scheduler(Scheduler::RoundRobin)
                .ports(Vec::new())
                .build(),
            &["Ports"],
        ),
    ];
    for method in [HttpMethod::Post, HttpMethod::Get] {
        for sign_method in [SignMethod::Tc3, SignMethod::HmacSha1] {
            let client = build(
                client_of(&emulator)
                    .http_method(method)
                    .sign_method(sign_method),
            );
            for (request, paths) in &cases {
                let error = client.send(request.clone()).await.unwrap_err();
                let Error::Validation(errors) = &error else {
                    panic!("a validation error expected, got {error:?}");
                };
                assert_eq!(error.fate(), Fate::NotSent);
                // Every violation, each at its path (in no particular order).
                let mut found = errors.paths();
                found.sort_unstable();
                let mut expected = paths.to_vec();
                expected.sort_unstable();
                assert_eq!(found, expected, "{errors}");
            }
        }
    }
    assert_eq!(emulator.request_count(CREATE), 0);
    assert_eq!(emulator.listener_count(), 0);
}

#[tokio::test]
async fn violations_carry_their_rule() {
    let emulator = emulator().await;
    let client = build(client_of(&emulator));
    let request = CreateTcpListenersRequest::builder()
        .proxy_id(PROXY)
        .listener_name("e2e")
        .real_server_type(RealServerType::Ip)
        .scheduler(Scheduler::RoundRobin)
        .health_check(HealthCheck::Enabled)
        .delay_loop(20)
        .connect_timeout(20)
        .ports([70_000])
        .build();
    let Err(Error::Validation(errors)) = client.send(request).await else {
        panic!("a validation error expected");
    };
    let rules: Vec<&Rule> = errors.violations().iter().map(|v| &v.rule).collect();
    assert!(
        matches!(rules[0], Rule::Range { .. }),
        "Ports[0] is out of range: {errors}"
    );
    assert!(
        matches!(
            rules[1],
            Rule::LessThan {
                other: "DelayLoop",
                ..
            }
        ),
        "ConnectTimeout must be less than DelayLoop: {errors}"
    );
    assert_eq!(emulator.request_count(CREATE), 0);
}
