//! Waiters against answers the emulator never gives: a status the server leaves out, and an
//! integer status no description documents. An absent status is no state (poll again), never
//! the documented variant its empty wire value would be (`ListenerStatus` 0 is "running").

mod support;

use gaap::{Client, DescribeTcpListenersRequest, WaitError, describe_tcp_listeners};
use serde_json::json;
use support::*;

fn answer(listener: serde_json::Value, n: usize) -> String {
    json!({"Response": {
        "ListenerSet": [listener],
        "TotalCount": 1,
        "RequestId": format!("req-{n}"),
    }})
    .to_string()
}

fn client(url: &str) -> Client {
    client_of_url(url).build().unwrap()
}

fn request() -> DescribeTcpListenersRequest {
    DescribeTcpListenersRequest::builder()
        .proxy_id("link-bjkpdum1")
        .listener_id("listener-00000001")
        .build()
}

#[tokio::test(start_paused = true)]
async fn a_status_left_out_is_polled_again_not_read_as_running() {
    // First answer: the listener without its ListenerStatus; then running (0).
    let server = Server::start(|n, _| {
        let listener = match n {
            0 => json!({"ListenerId": "listener-00000001", "Port": 80}),
            _ => json!({"ListenerId": "listener-00000001", "Port": 80, "ListenerStatus": 0}),
        };
        (200, JSON, answer(listener, n))
    })
    .await;
    let waited = client(&server.url)
        .wait_with_jitter(describe_tcp_listeners::LISTENER_RUNNING, request(), || 0.0)
        .await
        .unwrap();
    assert_eq!(waited.polls, 2, "the absent status must not end the wait");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn an_undocumented_integer_status_fails_the_wait_naming_it() {
    let server = Server::start(|n, _| {
        let listener = json!({"ListenerId": "listener-00000001", "ListenerStatus": 9});
        (200, JSON, answer(listener, n))
    })
    .await;
    let error = client(&server.url)
        .wait_with_jitter(describe_tcp_listeners::LISTENER_RUNNING, request(), || 0.0)
        .await
        .unwrap_err();
    match &error {
        WaitError::Failed { state, polls, .. } => {
            assert_eq!(*polls, 1);
            assert!(state.contains('9'), "{state}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}
