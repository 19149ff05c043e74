//! Fault injection, observed where a client sees it: the HTTP answer, or the lack of one, at the
//! reqwest level and at the TCP level; and whether the action ran.

mod common;

use std::io::ErrorKind;
use std::time::Duration;

use common::{Call, Raw, create_body};
use gaap_emulator::{Emulator, Fault, FaultRule};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn create(port: u64) -> Call {
    Call::json("CreateTCPListeners", create_body("link-bjkpdum1", &[port]))
}

/// Sends `raw` as HTTP/1.1 bytes on a fresh TCP connection and reads until the server closes.
async fn over_tcp(emulator: &Emulator, raw: &Raw) -> std::io::Result<Vec<u8>> {
    let mut stream = tokio::net::TcpStream::connect(emulator.addr()).await?;
    let mut head = format!("{} /", raw.method);
    if !raw.query.is_empty() {
        head.push('?');
        head.push_str(&raw.query);
    }
    head.push_str(&format!(" HTTP/1.1\r\nHost: {}\r\n", emulator.addr()));
    for (name, value) in &raw.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        raw.body.len()
    ));
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&raw.body).await?;
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut received))
        .await
        .expect("the emulator answers or closes within 30 s");
    read.map(|_| received)
}

/// The declared `Content-Length` of a raw answer and the length of the body that came.
fn lengths(answer: &[u8]) -> (usize, usize) {
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete head");
    let declared = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .expect("a Content-Length")
        .parse()
        .unwrap();
    (declared, body.len())
}

#[tokio::test]
async fn html_5xx_comes_from_the_gateway_and_nothing_runs() {
    let emulator = Emulator::start().await.unwrap();
    emulator.faults().push(Fault::Html5xx(503));
    let answer = create(80).tc3(&emulator).send(&emulator).await.unwrap();
    assert_eq!(answer.status, 503);
    assert_eq!(answer.content_type.as_deref(), Some("text/html"));
    assert!(
        answer.body.starts_with("<html>") && answer.body.contains("503 Service Unavailable"),
        "{}",
        answer.body
    );
    assert!(serde_json::from_str::<serde_json::Value>(&answer.body).is_err());
    assert_eq!(emulator.listener_count(), 0);
    assert_eq!(emulator.request_count("CreateTCPListeners"), 1);
    // One time only.
    create(80).send(&emulator).await.ok();
}

#[tokio::test]
async fn reset_before_any_response_and_nothing_runs() {
    let emulator = Emulator::start().await.unwrap();
    emulator.faults().push(Fault::ResetBeforeResponse);
    let err = create(80).tc3(&emulator).send(&emulator).await.unwrap_err();
    assert!(
        !err.is_timeout() && !err.is_connect() && !err.is_status(),
        "{err:?}"
    );
    emulator.faults().push(Fault::ResetBeforeResponse);
    let err = over_tcp(&emulator, &create(80).tc3(&emulator))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err:?}");
    assert_eq!(emulator.listener_count(), 0);
    assert_eq!(emulator.request_count("CreateTCPListeners"), 2);
}

#[tokio::test]
async fn executed_then_dropped_leaves_the_listener_and_no_answer() {
    let emulator = Emulator::start().await.unwrap();
    emulator.faults().push(Fault::DropAfterExecute);
    let err = create(80).tc3(&emulator).send(&emulator).await.unwrap_err();
    assert!(!err.is_timeout() && !err.is_connect(), "{err:?}");
    assert_eq!(
        emulator.listeners_on("link-bjkpdum1").len(),
        1,
        "the create ran"
    );
    emulator.faults().push(Fault::DropAfterExecute);
    let err = over_tcp(&emulator, &create(81).tc3(&emulator))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err:?}");
    let ports: Vec<u16> = emulator
        .listeners_on("link-bjkpdum1")
        .iter()
        .map(|l| l.port)
        .collect();
    assert_eq!(ports, [80, 81]);
    // A client that retries blindly now meets the duplicate.
    create(80)
        .send(&emulator)
        .await
        .assert_error("InvalidParameterValue.DuplicatedListenerPort", "port 80");
}

#[tokio::test]
async fn a_delayed_answer_times_out_a_client_after_the_action_ran() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .faults()
        .push(Fault::Delay(Duration::from_secs(10)));
    let impatient = common::client_with_timeout(Duration::from_millis(300));
    let err = create(80)
        .tc3(&emulator)
        .send_with(&impatient, &emulator)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // The action ran before the answer was held back.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while emulator.listener_count() == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the create never ran"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A short delay: the answer comes, whole.
    emulator
        .faults()
        .push(Fault::Delay(Duration::from_millis(50)));
    let ids = create(81).send(&emulator).await.ok()["ListenerIds"].clone();
    assert_eq!(ids.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_truncated_body_breaks_off_after_the_action_ran() {
    let emulator = Emulator::start().await.unwrap();
    emulator.faults().push(Fault::TruncatedBody);
    let raw = create(80).tc3(&emulator);
    let err = raw.send(&emulator).await.unwrap_err();
    assert!(err.is_body() || err.is_decode(), "{err:?}");
    assert_eq!(emulator.listener_count(), 1, "the create ran");

    emulator.faults().push(Fault::TruncatedBody);
    let answer = over_tcp(&emulator, &create(81).tc3(&emulator))
        .await
        .unwrap();
    assert!(
        answer.starts_with(b"HTTP/1.1 200 OK\r\n"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    let (declared, received) = lengths(&answer);
    assert!(
        received > 0 && received < declared,
        "{received} of {declared}"
    );
    let text = String::from_utf8_lossy(&answer);
    assert!(text.contains("{\"Response\":{"), "{text}");
    assert_eq!(emulator.listener_count(), 2);
}

#[tokio::test]
async fn a_non_json_body_comes_with_200_and_nothing_runs() {
    let emulator = Emulator::start().await.unwrap();
    emulator.faults().push(Fault::NonJsonBody);
    let answer = create(80).tc3(&emulator).send(&emulator).await.unwrap();
    assert_eq!(answer.status, 200);
    assert!(
        serde_json::from_str::<serde_json::Value>(&answer.body).is_err(),
        "{}",
        answer.body
    );
    assert!(!answer.body.is_empty());
    assert_eq!(emulator.listener_count(), 0);
}

#[tokio::test]
async fn rules_match_actions_count_down_and_can_be_cleared() {
    let emulator = Emulator::start().await.unwrap();
    emulator.faults().inject(
        FaultRule::new(Fault::Html5xx(502))
            .action("CreateTCPListeners")
            .times(2),
    );
    let describe = || Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}));
    // Other actions pass.
    describe().send(&emulator).await.ok();
    for port in [80, 81] {
        let answer = create(port).tc3(&emulator).send(&emulator).await.unwrap();
        assert_eq!(answer.status, 502);
    }
    create(82).send(&emulator).await.ok();
    assert_eq!(emulator.faults().pending(), 0);

    emulator
        .faults()
        .inject(FaultRule::new(Fault::NonJsonBody).always());
    for _ in 0..3 {
        let answer = describe().tc3(&emulator).send(&emulator).await.unwrap();
        assert!(serde_json::from_str::<serde_json::Value>(&answer.body).is_err());
    }
    emulator.faults().clear();
    describe().send(&emulator).await.ok();
    // A fault for any action also hits requests whose action cannot be read.
    emulator.faults().push(Fault::Html5xx(500));
    let mut raw = describe().tc3(&emulator);
    raw.remove_header("X-TC-Action");
    assert_eq!(raw.send(&emulator).await.unwrap().status, 500);
    assert_eq!(emulator.listener_count(), 1);
}

#[tokio::test]
async fn the_connection_survives_ordinary_answers_and_only_faulted_ones_close() {
    // Keep-alive: one client, one connection, an error answer in between does not close it.
    let emulator = Emulator::start().await.unwrap();
    let client = common::client();
    for port in [80, 80, 81] {
        create(port)
            .tc3(&emulator)
            .send_with(&client, &emulator)
            .await
            .unwrap();
    }
    emulator.faults().push(Fault::ResetBeforeResponse);
    assert!(
        create(82)
            .tc3(&emulator)
            .send_with(&client, &emulator)
            .await
            .is_err()
    );
    // The client opens a new connection for the next request.
    create(82)
        .tc3(&emulator)
        .send_with(&client, &emulator)
        .await
        .unwrap()
        .ok();
    assert_eq!(emulator.listener_count(), 3);
}
