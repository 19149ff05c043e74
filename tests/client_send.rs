//! The client end to end over real HTTP on 127.0.0.1, against small local endpoints: what it
//! sends (and that the server can verify the signature of exactly that), how it reads answers
//! and errors, and what it retries — never a request whose fate is unknown for an action that
//! is not idempotent.

mod support;

use std::time::Duration;

use gaap::signing::{LegacyAlgorithm, SignMethod, sign_legacy};
use gaap::{
    ClientBuilder, CreateTcpListenersError, Error, Fate, HttpMethod, MalformedReason, RetryConfig,
    StaticProvider, TransportKind,
};
use support::*;

/// Retries with tiny backoffs: the tests check what is retried, not how long it waits.
fn fast_retries(attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(attempts)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(url: &str) -> ClientBuilder {
    client_of_url(url).retry(fast_retries(3))
}

#[tokio::test]
async fn a_call_sends_a_request_the_server_can_verify_and_reads_the_typed_response() {
    let server = Server::start(|_, _| (200, JSON, listeners_ok("req-1"))).await;
    let response = client(&server.url)
        .build()
        .unwrap()
        .send(seed_request())
        .await
        .unwrap();
    assert_eq!(response.listener_ids, ["listener-o0f3at99"]);
    assert_eq!(response.request_id, "req-1");

    let [received] = server.received().try_into().unwrap();
    assert_eq!(received.method, "POST");
    assert_eq!(received.header("content-type"), Some("application/json"));
    assert_eq!(received.header("x-tc-action"), Some("CreateTCPListeners"));
    assert_eq!(received.header("x-tc-version"), Some("2018-05-29"));
    assert_eq!(received.header("x-tc-region"), None);
    assert_eq!(received.header("x-tc-token"), None);
    assert!(uuid::Uuid::parse_str(received.header("x-tc-traceid").unwrap()).is_ok());
    assert_eq!(
        received.json(),
        serde_json::to_value(seed_request()).unwrap()
    );
    // The Host hyper sent (derived from the URL) is the one the client signed.
    received.assert_tc3_signature_valid("gaap", SECRET_KEY);
}

#[tokio::test]
async fn get_sends_the_flattened_query_and_signs_it_as_sent() {
    let server = Server::start(|_, _| (200, JSON, listeners_ok("req-1"))).await;
    let client = client(&server.url)
        .http_method(HttpMethod::Get)
        .build()
        .unwrap();
    client.send(seed_request()).await.unwrap();
    let [received] = server.received().try_into().unwrap();
    assert_eq!(received.method, "GET");
    assert!(received.body.is_empty());
    assert_eq!(
        received.query.as_deref(),
        Some(seed_request().flatten().to_urlencoded().as_str())
    );
    assert_eq!(
        received.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    received.assert_tc3_signature_valid("gaap", SECRET_KEY);
}

#[tokio::test]
async fn legacy_post_sends_a_form_whose_signature_the_server_can_verify() {
    let server = Server::start(|_, _| (200, JSON, listeners_ok("req-1"))).await;
    let client = client(&server.url)
        .sign_method(SignMethod::HmacSha256)
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY).with_token(TOKEN))
        .build()
        .unwrap();
    client.send(seed_request()).await.unwrap();
    let [received] = server.received().try_into().unwrap();
    assert_eq!(received.header("authorization"), None);
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(&received.body)
        .into_owned()
        .collect();
    let (name, signature) = pairs.pop().unwrap();
    assert_eq!(name, "Signature");
    let find = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(find("Token"), Some(TOKEN));
    assert_eq!(find("SignatureMethod"), Some("HmacSHA256"));
    assert_eq!(find("Action"), Some("CreateTCPListeners"));
    let host = received.header("host").unwrap();
    let expected = sign_legacy(
        LegacyAlgorithm::HmacSha256,
        "POST",
        host,
        "/",
        &pairs,
        SECRET_KEY,
    );
    assert_eq!(signature, expected.signature);
}

#[tokio::test]
async fn a_documented_error_code_is_its_typed_variant_and_is_not_retried() {
    let server = Server::start(|_, _| {
        (
            200,
            JSON,
            api_error(
                "InvalidParameterValue.DuplicatedListenerPort",
                "port taken",
                "req-9",
            ),
        )
    })
    .await;
    let error = client(&server.url)
        .build()
        .unwrap()
        .send(seed_request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Api(CreateTcpListenersError::InvalidParameterValueDuplicatedListenerPort(_))
        ),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some("req-9"));
    assert_eq!(
        error.code(),
        Some("InvalidParameterValue.DuplicatedListenerPort")
    );
    assert_eq!(error.fate(), Fate::Answered);
    assert!(!error.is_retryable());
    assert!(!error.is_undocumented_code());
    assert_eq!(server.count(), 1);
    let message = error.to_string();
    assert!(
        message.contains("port taken") && message.contains("req-9"),
        "{message}"
    );
}

#[tokio::test]
async fn an_undocumented_code_is_still_an_api_error_told_apart_as_unknown() {
    let server = Server::start(|_, _| {
        (
            400,
            JSON,
            api_error("FailedOperation.NewThing", "new", "req-2"),
        )
    })
    .await;
    let error = client(&server.url)
        .build()
        .unwrap()
        .send(seed_request())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Api(CreateTcpListenersError::Unknown(_))),
        "{error:?}"
    );
    assert!(error.is_undocumented_code());
    assert_eq!(error.code(), Some("FailedOperation.NewThing"));
    assert_eq!(error.request_id(), Some("req-2"));
    assert!(error.to_string().contains("not documented"), "{error}");
}

#[tokio::test]
async fn throttling_is_retried_even_for_a_non_idempotent_action() {
    let server = Server::start(|n, _| match n {
        0 | 1 => (
            200,
            JSON,
            api_error("RequestLimitExceeded", "slow down", "req-t"),
        ),
        _ => (200, JSON, listeners_ok("req-ok")),
    })
    .await;
    let response = client(&server.url)
        .build()
        .unwrap()
        .send(seed_request())
        .await
        .unwrap();
    assert_eq!(response.request_id, "req-ok");
    let received = server.received();
    assert_eq!(received.len(), 3);
    // One trace id for the whole call; each attempt signed afresh.
    let trace_ids: Vec<_> = received
        .iter()
        .map(|r| r.header("x-tc-traceid").unwrap())
        .collect();
    assert!(
        trace_ids.iter().all(|id| *id == trace_ids[0]),
        "{trace_ids:?}"
    );
    for received in &received {
        received.assert_tc3_signature_valid("gaap", SECRET_KEY);
    }
}

#[tokio::test]
async fn throttling_gives_up_after_max_attempts_and_says_how_to_avoid_it() {
    let server = Server::start(|_, _| {
        (
            200,
            JSON,
            api_error("RequestLimitExceeded.UinLimitExceeded", "slow", "r"),
        )
    })
    .await;
    let error = client(&server.url)
        .retry(fast_retries(4))
        .build()
        .unwrap()
        .send(seed_request())
        .await
        .unwrap_err();
    assert_eq!(server.count(), 4);
    assert!(
        error.is_retryable(),
        "throttling stays retryable for the caller"
    );
    assert!(error.to_string().contains("rate_limit"), "{error}");
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let server =
        Server::start(|_, _| (200, JSON, api_error("RequestLimitExceeded", "slow", "r"))).await;
    let client = client(&server.url)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    client.send(seed_request()).await.unwrap_err();
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn the_client_token_is_filled_once_and_identical_across_attempts() {
    let server = Server::start(|n, _| match n {
        0 | 1 => (200, JSON, api_error("RequestLimitExceeded", "slow", "r")),
        _ => (
            200,
            JSON,
            r#"{"Response":{"WidgetIds":["w-1"],"RequestId":"r-ok"}}"#.into(),
        ),
    })
    .await;
    let client = client(&server.url).region("ap-guangzhou").build().unwrap();
    let response = client.send(widgets::create_request()).await.unwrap();
    assert_eq!(response.widget_ids, ["w-1"]);
    let tokens: Vec<String> = server
        .received()
        .iter()
        .map(|r| r.json()["ClientToken"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(tokens.len(), 3);
    assert!(tokens.iter().all(|t| *t == tokens[0]), "{tokens:?}");
    assert_eq!(
        uuid::Uuid::parse_str(&tokens[0]).unwrap().get_version_num(),
        4
    );
    for received in server.received() {
        assert_eq!(received.header("x-tc-region"), Some("ap-guangzhou"));
        received.assert_tc3_signature_valid("test", SECRET_KEY);
    }
}

#[tokio::test]
async fn a_client_token_given_by_the_caller_is_kept() {
    let server = Server::start(|_, _| {
        (
            200,
            JSON,
            r#"{"Response":{"WidgetIds":[],"RequestId":"r"}}"#.into(),
        )
    })
    .await;
    let client = client(&server.url).region("ap-guangzhou").build().unwrap();
    let mut request = widgets::create_request();
    request.client_token = Some("my-token".into());
    client.send(request).await.unwrap();
    assert_eq!(server.received()[0].json()["ClientToken"], "my-token");
}

#[tokio::test]
async fn a_required_region_missing_is_an_error_before_anything_is_sent() {
    let server = Server::start(|_, _| (200, JSON, String::new())).await;
    let error = client(&server.url)
        .build()
        .unwrap()
        .send(widgets::describe_request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Config(gaap::ConfigError::RegionRequired { .. })
        ),
        "{error:?}"
    );
    assert_eq!(error.fate(), Fate::NotSent);
    assert!(
        error.to_string().contains("ClientBuilder::region"),
        "{error}"
    );
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn connection_refused_is_retried_it_provably_was_not_sent() {
    let url = refused_url().await;
    let error = client(&url)
        .build()
        .unwrap()
        .send(seed_request())
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("transport error expected: {error:?}");
    };
    assert_eq!(transport.kind(), TransportKind::Connect);
    assert_eq!(transport.fate(), Fate::NotSent);
    assert_eq!(transport.attempts(), 3);
    assert!(error.is_retryable());
    let message = error.to_string();
    assert!(
        message.contains("was not sent") && message.contains("3 attempts"),
        "{message}"
    );
}

#[tokio::test]
async fn a_dropped_connection_after_the_request_is_not_retried_for_a_non_idempotent_action() {
    let server = RawServer::start(Misbehaviour::DropAfterRequest).await;
    let error = client(&server.url)
        .build()
        .unwrap()
        .send(seed_request())
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("transport error expected: {error:?}");
    };
    assert_eq!(transport.fate(), Fate::Unknown);
    assert_eq!(transport.attempts(), 1);
    assert_eq!(server.connections(), 1);
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(message.contains("may have reached the server"), "{message}");
    assert!(message.contains("not idempotent"), "{message}");
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_a_read_only_action() {
    let server = RawServer::start(Misbehaviour::DropAfterRequest).await;
    let client = client(&server.url).region("ap-guangzhou").build().unwrap();
    let error = client.send(widgets::describe_request()).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("transport error expected: {error:?}");
    };
    assert_eq!(transport.fate(), Fate::Unknown);
    assert_eq!(transport.attempts(), 3);
    assert_eq!(server.connections(), 3);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_with_the_same_client_token() {
    let server = RawServer::start(Misbehaviour::DropAfterRequest).await;
    let client = client(&server.url).region("ap-guangzhou").build().unwrap();
    let error = client.send(widgets::create_request()).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("transport error expected: {error:?}");
    };
    assert_eq!(transport.attempts(), 3);
    let token = transport.client_token().unwrap().to_owned();
    assert!(error.to_string().contains(&token), "{error}");
}

#[tokio::test]
async fn an_answer_cut_short_is_a_truncated_malformed_response_not_retried_for_a_create() {
    let server = RawServer::start(Misbehaviour::CutAnswer).await;
    let error = client(&server.url)
        .build()
        .unwrap()
        .send(seed_request())
        .await
        .unwrap_err();
    let Error::MalformedResponse(malformed) = &error else {
        panic!("malformed response expected: {error:?}");
    };
    assert_eq!(malformed.reason, MalformedReason::Truncated);
    assert_eq!(malformed.status, 200);
    assert_eq!(malformed.content_type.as_deref(), Some(JSON));
    assert!(
        malformed.snippet.contains("req-cut"),
        "the part received is quoted: {}",
        malformed.snippet
    );
    assert_eq!(error.fate(), Fate::Unknown);
    assert!(!error.is_retryable());
    assert_eq!(server.connections(), 1);
    assert!(error.to_string().contains("cut mid-answer"), "{error}");
}

#[tokio::test]
async fn an_answer_cut_short_is_retried_for_a_read_only_action() {
    let server = RawServer::start(Misbehaviour::CutAnswer).await;
    let client = client(&server.url).region("ap-guangzhou").build().unwrap();
    let error = client.send(widgets::describe_request()).await.unwrap_err();
    assert!(
        matches!(&error, Error::MalformedResponse(m) if m.reason == MalformedReason::Truncated),
        "{error:?}"
    );
    assert_eq!(server.connections(), 3);
}

#[tokio::test]
async fn a_timeout_after_the_request_was_sent_is_not_retried_for_a_non_idempotent_action() {
    let server = RawServer::start(Misbehaviour::NeverAnswer).await;
    let client = client(&server.url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client.send(seed_request()).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("transport error expected: {error:?}");
    };
    assert_eq!(transport.kind(), TransportKind::Timeout);
    assert_eq!(transport.fate(), Fate::Unknown);
    assert_eq!(transport.attempts(), 1);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn tls_failures_are_told_apart_and_not_retried() {
    // A plain-HTTP server spoken to over https: the handshake fails.
    let server = Server::start(|_, _| (200, JSON, listeners_ok("r"))).await;
    let https = server.url.replace("http://", "https://");
    let error = client(&https)
        .build()
        .unwrap()
        .send(seed_request())
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("transport error expected: {error:?}");
    };
    assert_eq!(transport.kind(), TransportKind::Tls, "{error}");
    assert_eq!(transport.fate(), Fate::NotSent);
    assert_eq!(transport.attempts(), 1);
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("certificate"), "{error}");
}

#[tokio::test]
async fn an_html_page_from_a_proxy_is_malformed_and_quoted_safely() {
    let server = Server::start(|_, _| {
        (
            502,
            "text/html",
            "<html><body>502 Bad Gateway\u{1b}[2J</body></html>".into(),
        )
    })
    .await;
    let error = client(&server.url)
        .build()
        .unwrap()
        .send(seed_request())
        .await
        .unwrap_err();
    let Error::MalformedResponse(malformed) = &error else {
        panic!("malformed expected: {error:?}");
    };
    assert_eq!(malformed.reason, MalformedReason::Html);
    assert_eq!(malformed.status, 502);
    assert!(malformed.snippet.contains("502 Bad Gateway"));
    assert!(!error.to_string().contains('\u{1b}'));
    assert!(error.to_string().contains("proxy"), "{error}");
    // Fate unknown and not idempotent: not retried.
    assert_eq!(server.count(), 1);
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_gateway_error_is_retried_for_a_read_only_action() {
    let server = Server::start(|n, _| match n {
        0 => (503, "text/html", "<html>busy</html>".into()),
        _ => (
            200,
            JSON,
            r#"{"Response":{"WidgetSet":[],"TotalCount":0,"RequestId":"r"}}"#.into(),
        ),
    })
    .await;
    let client = client(&server.url).region("ap-guangzhou").build().unwrap();
    let response = client.send(widgets::describe_request()).await.unwrap();
    assert_eq!(response.total_count, 0);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn the_total_time_budget_bounds_the_attempts() {
    let server = Server::start(|_, _| (503, "text/html", "<html>busy</html>".into())).await;
    let client = client(&server.url)
        .region("ap-guangzhou")
        .retry(
            RetryConfig::standard()
                .with_max_attempts(1000)
                .with_backoff(Duration::from_millis(20), Duration::from_millis(100))
                .with_max_total_time(Duration::from_millis(300)),
        )
        .build()
        .unwrap();
    client.send(widgets::describe_request()).await.unwrap_err();
    let count = server.count();
    assert!((2..1000).contains(&count), "{count} attempts");
}

#[tokio::test]
async fn json_without_response_and_spec_mismatches_are_malformed() {
    let server = Server::start(|n, _| match n {
        0 => (200, JSON, r#"{"error":"nope"}"#.into()),
        _ => (
            200,
            JSON,
            r#"{"Response":{"ListenerIds":"not-an-array","RequestId":"r-7"}}"#.into(),
        ),
    })
    .await;
    let client = client(&server.url).build().unwrap();
    let error = client.send(seed_request()).await.unwrap_err();
    let Error::MalformedResponse(malformed) = &error else {
        panic!("malformed expected: {error:?}");
    };
    assert_eq!(malformed.reason, MalformedReason::NoResponseObject);
    let error = client.send(seed_request()).await.unwrap_err();
    let Error::MalformedResponse(malformed) = &error else {
        panic!("malformed expected: {error:?}");
    };
    assert!(
        matches!(malformed.reason, MalformedReason::Decode(_)),
        "{error}"
    );
    assert_eq!(error.request_id(), Some("r-7"));
    assert!(error.to_string().contains("ListenerIds"), "{error}");
}

#[tokio::test]
async fn custom_headers_language_and_trace_id_are_sent() {
    let server = Server::start(|_, _| (200, JSON, listeners_ok("r"))).await;
    let client = client(&server.url)
        .language(gaap::Language::EnUs)
        .header("X-TC-Canary", "1")
        .header("X-TC-TraceId", "my-trace")
        .build()
        .unwrap();
    client.send(seed_request()).await.unwrap();
    let [received] = server.received().try_into().unwrap();
    assert_eq!(received.header("x-tc-language"), Some("en-US"));
    assert_eq!(received.header("x-tc-canary"), Some("1"));
    assert_eq!(received.header("x-tc-traceid"), Some("my-trace"));
}

#[tokio::test]
async fn clones_share_one_client_and_calls_run_concurrently() {
    let server = Server::start(|_, _| (200, JSON, listeners_ok("r"))).await;
    let client = client(&server.url).build().unwrap();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(seed_request()).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(server.count(), 8);
}

#[tokio::test]
async fn the_client_side_rate_limiter_spaces_calls_of_an_action() {
    let server = Server::start(|_, _| {
        (
            200,
            JSON,
            r#"{"Response":{"WidgetSet":[],"TotalCount":0,"RequestId":"r"}}"#.into(),
        )
    })
    .await;
    let client = client(&server.url)
        .region("ap-guangzhou")
        .rate_limit(true)
        .build()
        .unwrap();
    // DescribeWidgets is documented at 5 requests per second: the third call cannot start before
    // 2 × 200 ms after the first (the limiter never lets a call start early; only later).
    let started = std::time::Instant::now();
    for _ in 0..3 {
        client.send(widgets::describe_request()).await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count(), 3);
}
