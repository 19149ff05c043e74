//! What the client logs: a span per call with the action, attempts, request id and latency, and
//! never the secret key or the session token — not in spans, events, errors' `Display` or
//! `Debug`, even when an error page echoes them back or a legacy GET carries the token in its
//! URL.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gaap::signing::SignMethod;
use gaap::{Client, HttpMethod, RetryConfig, StaticProvider};
use support::*;
use tracing_subscriber::fmt::format::FmtSpan;

/// Everything the fmt subscriber writes, at every level.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs a TRACE-level subscriber for this thread (the tests run on a current-thread
/// runtime, so the client's tasks log here too).
fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    // Plain text whatever features the workspace turns on: with `ansi`, field names would be
    // wrapped in escape codes and the assertions below would not see them.
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        // Plain text whatever features cargo unifies: the emulator, a dev-dependency too, turns
        // on tracing-subscriber's `ansi`, whose colour codes would split the fields matched.
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

#[track_caller]
fn assert_no_secret(text: &str) {
    assert!(!text.contains(SECRET_KEY), "secret key leaked: {text}");
    assert!(!text.contains(TOKEN), "token leaked: {text}");
}

fn retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(2))
}

#[tokio::test]
async fn a_call_span_records_action_attempts_request_id_and_latency() {
    let (captured, _guard) = capture();
    let server = Server::start(|n, _| match n {
        0 => (
            200,
            JSON,
            api_error("RequestLimitExceeded", "slow", "req-t"),
        ),
        _ => (200, JSON, listeners_ok("req-ok")),
    })
    .await;
    let client = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY).with_token(TOKEN))
        .endpoint(&server.url)
        .no_proxy()
        .retry(retries())
        .build()
        .unwrap();
    client.send(seed_request()).await.unwrap();
    let logs = captured.text();
    assert!(logs.contains("action=\"CreateTCPListeners\""), "{logs}");
    assert!(logs.contains("attempts=2"), "{logs}");
    assert!(logs.contains("attempt=2"), "{logs}");
    assert!(logs.contains("request_id=\"req-ok\""), "{logs}");
    assert!(logs.contains("latency_ms="), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("trace_id="), "{logs}");
    assert_no_secret(&logs);
}

#[tokio::test]
async fn an_error_page_echoing_the_secrets_does_not_leak_them() {
    let (captured, _guard) = capture();
    // A misconfigured proxy's debug page, echoing what it received.
    let server = Server::start(|_, received| {
        let echoed = format!(
            "<html>token={} key={} auth={}</html>",
            received.header("x-tc-token").unwrap_or(""),
            SECRET_KEY,
            received.header("authorization").unwrap_or(""),
        );
        (502, "text/html", echoed)
    })
    .await;
    let client = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY).with_token(TOKEN))
        .endpoint(&server.url)
        .no_proxy()
        .retry(retries())
        .build()
        .unwrap();
    let error = client.send(seed_request()).await.unwrap_err();
    let Some(gaap::Error::MalformedResponse(malformed)) = Some(&error) else {
        panic!("malformed expected: {error:?}");
    };
    assert!(
        malformed.snippet.contains("token=<redacted>"),
        "{}",
        malformed.snippet
    );
    assert_no_secret(&error.to_string());
    assert_no_secret(&format!("{error:?}"));
    assert_no_secret(&captured.text());
}

#[tokio::test]
async fn a_legacy_get_carrying_the_token_in_its_url_does_not_leak_it_on_failure() {
    let (captured, _guard) = capture();
    let client = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY).with_token(TOKEN))
        .endpoint(refused_url().await)
        .sign_method(SignMethod::HmacSha1)
        .http_method(HttpMethod::Get)
        .no_proxy()
        .retry(retries())
        .build()
        .unwrap();
    let dry_run = client.dry_run(seed_request()).await.unwrap();
    assert!(
        dry_run.url.as_str().contains(TOKEN),
        "the token does travel in the URL"
    );
    assert_no_secret(&format!("{dry_run:?}"));

    let error = client.send(seed_request()).await.unwrap_err();
    assert!(matches!(error, gaap::Error::Transport(_)), "{error:?}");
    assert_no_secret(&error.to_string());
    assert_no_secret(&format!("{error:?}"));
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        assert_no_secret(&inner.to_string());
        assert_no_secret(&format!("{inner:?}"));
        source = inner.source();
    }
    let logs = captured.text();
    assert!(logs.contains("attempts=3"), "{logs}");
    assert_no_secret(&logs);
    assert_no_secret(&format!("{client:?}"));
}
