//! Each fault the emulator injects, seen through the client with retries ENABLED: the expected
//! error, and never a duplicate listener — a create whose fate is unknown is not sent again.
//! Read-only calls are retried through the same faults and succeed.

use std::time::Duration;

use gaap::{
    CreateTcpListenersError, Error, Fate, MalformedReason, MalformedResponse, TransportError,
    TransportKind,
};
use gaap_emulator::{Emulator, Fault, FaultRule};

use crate::support::*;

const PORT: u64 = 90;

/// A short client timeout, for the `Delay` fault; the delay is much longer.
const SHORT_TIMEOUT: Duration = Duration::from_millis(500);
const LONG_DELAY: Duration = Duration::from_secs(30);

/// Creates a listener on `PORT` with `fault` on the create, retries enabled (five attempts);
/// checks what holds for every fault on a create (not retried, fate unknown, at most the one
/// listener the fault says was created), then that the port is in the state the fault says:
/// creating it again succeeds if the action did not run, and is a duplicate if it did.
async fn create_under(fault: Fault) -> Error<CreateTcpListenersError> {
    let emulator = emulator().await;
    let client = build(
        client_of(&emulator)
            .retry(fast_retries(5))
            .timeout(SHORT_TIMEOUT),
    );
    emulator
        .faults()
        .inject(FaultRule::new(fault.clone()).action(CREATE));
    let error = match client.send(create_on_proxy(PROXY, &[PORT])).await {
        Ok(response) => panic!("{fault:?}: a failure expected, got {response:?}"),
        Err(error) => error,
    };
    assert_eq!(emulator.faults().pending(), 0, "{fault:?}");
    // One attempt: retrying a create whose fate is unknown could create a second listener.
    assert_eq!(emulator.request_count(CREATE), 1, "{fault:?}: {error:?}");
    assert_eq!(error.fate(), Fate::Unknown, "{fault:?}: {error:?}");
    assert!(!error.is_retryable(), "{fault:?}: {error:?}");
    let expected: &[u16] = if fault.executes() { &[90] } else { &[] };
    assert_eq!(ports_on(&emulator, PROXY), expected, "{fault:?}");

    assert_port_state_after(&emulator, &fault).await;
    error
}

/// The caller's way out of an unknown fate: create again and read the answer.
async fn assert_port_state_after(emulator: &Emulator, fault: &Fault) {
    let client = build(client_of(emulator));
    let again = client.send(create_on_proxy(PROXY, &[PORT])).await;
    if fault.executes() {
        assert!(
            matches!(
                again,
                Err(Error::Api(
                    CreateTcpListenersError::InvalidParameterValueDuplicatedListenerPort(_)
                ))
            ),
            "{fault:?}: the first create ran, the second must be a duplicate: {again:?}"
        );
    } else {
        assert!(again.is_ok(), "{fault:?}: {again:?}");
    }
    assert_eq!(ports_on(emulator, PROXY), [90], "{fault:?}");
    assert_eq!(emulator.listener_count(), 1, "{fault:?}");
}

fn transport(error: &Error<CreateTcpListenersError>) -> &TransportError {
    match error {
        Error::Transport(transport) => transport,
        other => panic!("a transport error expected, got {other:?}"),
    }
}

fn malformed(error: &Error<CreateTcpListenersError>) -> &MalformedResponse {
    match error {
        Error::MalformedResponse(malformed) => malformed,
        other => panic!("a malformed response expected, got {other:?}"),
    }
}

#[tokio::test]
async fn a_gateway_html_page_is_a_malformed_response_and_the_create_is_not_retried() {
    let error = create_under(Fault::Html5xx(502)).await;
    let malformed = malformed(&error);
    assert_eq!(malformed.reason, MalformedReason::Html);
    assert_eq!(malformed.status, 502);
    assert_eq!(malformed.content_type.as_deref(), Some("text/html"));
}

#[tokio::test]
async fn a_reset_before_the_response_has_an_unknown_fate_and_is_not_retried() {
    let error = create_under(Fault::ResetBeforeResponse).await;
    let transport = transport(&error);
    assert_eq!(transport.fate(), Fate::Unknown);
    assert_eq!(transport.attempts(), 1);
    assert!(
        error.to_string().contains("not idempotent"),
        "the message says why it was not retried: {error}"
    );
}

#[tokio::test]
async fn a_delay_beyond_the_client_timeout_is_a_timeout_and_the_create_is_not_retried() {
    let error = create_under(Fault::Delay(LONG_DELAY)).await;
    let transport = transport(&error);
    assert_eq!(transport.kind(), TransportKind::Timeout);
    assert_eq!(transport.fate(), Fate::Unknown);
    assert_eq!(transport.attempts(), 1);
}

#[tokio::test]
async fn a_truncated_body_is_a_malformed_truncated_response_and_the_create_is_not_retried() {
    let error = create_under(Fault::TruncatedBody).await;
    assert_eq!(malformed(&error).reason, MalformedReason::Truncated);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_malformed_and_the_create_is_not_retried() {
    let error = create_under(Fault::NonJsonBody).await;
    let malformed = malformed(&error);
    assert!(
        matches!(malformed.reason, MalformedReason::NotJson(_)),
        "{malformed:?}"
    );
    assert_eq!(malformed.status, 200);
}

#[tokio::test]
async fn a_connection_dropped_after_the_create_ran_has_an_unknown_fate_and_is_not_retried() {
    let error = create_under(Fault::DropAfterExecute).await;
    let transport = transport(&error);
    assert_eq!(transport.fate(), Fate::Unknown);
    assert_eq!(transport.attempts(), 1);
}

/// Every fault on every one of many creates: each create is attempted once, and the listeners are
/// exactly those of the creates the faults let run — none twice.
#[tokio::test]
async fn a_fault_on_every_create_never_duplicates_a_listener() {
    let emulator = emulator().await;
    let client = build(
        client_of(&emulator)
            .retry(fast_retries(5))
            .timeout(SHORT_TIMEOUT),
    );
    let faults = [
        Fault::Html5xx(503),
        Fault::ResetBeforeResponse,
        Fault::Delay(LONG_DELAY),
        Fault::TruncatedBody,
        Fault::NonJsonBody,
        Fault::DropAfterExecute,
    ];
    let mut expected_ports = Vec::new();
    for (port, fault) in (2000u16..).zip(faults.iter().cycle().take(24)) {
        emulator
            .faults()
            .inject(FaultRule::new(fault.clone()).action(CREATE));
        let result = client
            .send(create_on_proxy(PROXY, &[u64::from(port)]))
            .await;
        assert!(result.is_err(), "{fault:?}: {result:?}");
        if fault.executes() {
            expected_ports.push(port);
        }
    }
    assert_eq!(emulator.request_count(CREATE), 24);
    assert_eq!(ports_on(&emulator, PROXY), expected_ports);
}

/// DescribeTCPListeners only reads: the client retries it through faults, whether or not the
/// failed attempt ran, and the call succeeds — except for a 200 answer that is not JSON, which
/// no retry can be expected to fix.
#[tokio::test]
async fn a_read_only_describe_is_retried_through_faults_and_succeeds() {
    let emulator = emulator().await;
    let client = build(
        client_of(&emulator)
            .retry(fast_retries(3))
            .timeout(SHORT_TIMEOUT),
    );
    client.send(create_on_proxy(PROXY, &[PORT])).await.unwrap();
    let mut expected_requests = 0;
    for fault in [
        Fault::ResetBeforeResponse,
        Fault::Html5xx(502),
        Fault::Delay(LONG_DELAY),
        Fault::TruncatedBody,
        Fault::DropAfterExecute,
    ] {
        emulator
            .faults()
            .inject(FaultRule::new(fault.clone()).action(DESCRIBE));
        let described = client
            .send(describe_proxy(PROXY))
            .await
            .unwrap_or_else(|error| panic!("{fault:?}: {error}"));
        assert_eq!(described.total_count, 1, "{fault:?}");
        assert_eq!(described.listener_set[0].port, PORT, "{fault:?}");
        // The faulty attempt, then the retry that succeeded.
        expected_requests += 2;
        assert_eq!(
            emulator.request_count(DESCRIBE),
            expected_requests,
            "{fault:?}"
        );
    }

    emulator
        .faults()
        .inject(FaultRule::new(Fault::NonJsonBody).action(DESCRIBE));
    let error = client.send(describe_proxy(PROXY)).await.unwrap_err();
    assert!(
        matches!(&error, Error::MalformedResponse(m) if matches!(m.reason, MalformedReason::NotJson(_))),
        "{error:?}"
    );
    assert_eq!(emulator.request_count(DESCRIBE), expected_requests + 1);
}

/// DeleteListeners has no ClientToken and is not read-only: a delete whose fate is unknown is
/// not retried, and Describe tells what happened.
#[tokio::test]
async fn a_delete_whose_fate_is_unknown_is_not_retried() {
    let emulator = emulator().await;
    let client = build(client_of(&emulator).retry(fast_retries(5)));
    let created = client
        .send(create_on_proxy(PROXY, &[PORT, PORT + 1]))
        .await
        .unwrap();
    let (first, second) = (&created.listener_ids[0], &created.listener_ids[1]);

    // The delete did not run.
    emulator
        .faults()
        .inject(FaultRule::new(Fault::ResetBeforeResponse).action(DELETE));
    let error = client
        .send(delete_on_proxy(PROXY, vec![first.clone()]))
        .await
        .unwrap_err();
    assert_eq!(error.fate(), Fate::Unknown, "{error:?}");
    assert_eq!(emulator.request_count(DELETE), 1);
    let described = client.send(describe_proxy(PROXY)).await.unwrap();
    assert_eq!(described.total_count, 2);

    // The delete ran.
    emulator
        .faults()
        .inject(FaultRule::new(Fault::DropAfterExecute).action(DELETE));
    let error = client
        .send(delete_on_proxy(PROXY, vec![second.clone()]))
        .await
        .unwrap_err();
    assert_eq!(error.fate(), Fate::Unknown, "{error:?}");
    assert_eq!(emulator.request_count(DELETE), 2);
    let described = client.send(describe_proxy(PROXY)).await.unwrap();
    let left: Vec<&str> = described
        .listener_set
        .iter()
        .map(|l| l.listener_id.as_str())
        .collect();
    assert_eq!(left, [first.as_str()]);
}

/// CloseProxies carries a `ClientToken`: a gateway error on every attempt ends in an error that
/// holds the token every attempt carried, and trying again later with it is the same operation
/// for the server (a new token would be another one).
#[tokio::test]
async fn a_close_meeting_a_gateway_error_on_every_attempt_keeps_its_client_token() {
    const CLOSE: &str = "CloseProxies";
    let emulator = emulator().await;
    emulator
        .faults()
        .inject(FaultRule::new(Fault::Html5xx(502)).action(CLOSE).always());
    let client = build(client_of(&emulator).retry(fast_retries(3)));
    let mut request = gaap::CloseProxiesRequest::builder()
        .proxy_ids(vec![PROXY.to_owned()])
        .build();
    let error = client.send(request.clone()).await.unwrap_err();
    assert!(
        matches!(&error, Error::MalformedResponse(m) if m.status == 502),
        "{error:?}"
    );
    assert_eq!(error.fate(), Fate::Unknown);
    assert_eq!(emulator.request_count(CLOSE), 3, "retried: it has a token");
    let token = error
        .client_token()
        .expect("the token the attempts carried");
    assert_eq!(uuid::Uuid::parse_str(token).unwrap().get_version_num(), 4);
    assert!(
        format!("{error:?}").contains(token),
        "the Debug shows it: {error:?}"
    );

    emulator.faults().clear();
    request.client_token = Some(token.to_owned());
    match client.send(request).await {
        Ok(_) => {}
        // The emulator may not carry CloseProxies out; its answer still names the call's token.
        Err(again) => {
            assert_eq!(again.fate(), Fate::Answered, "{again:?}");
            assert_eq!(again.client_token(), Some(token));
        }
    }
    assert_eq!(emulator.request_count(CLOSE), 4);
}
