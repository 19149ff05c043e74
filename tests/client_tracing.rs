//! What the client logs: a span per call with the action, attempts, request id and latency, and
//! never the secret key, the session token or a `sensitive` parameter — not in spans, events,
//! errors' `Display` or `Debug`, the `Debug` of requests, signed requests and signatures, even
//! when an error page echoes them back or a legacy GET carries them in its URL.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gaap::signing::{LegacyCommonParams, SignMethod, Tc3Request};
use gaap::{
    Client, CreateCertificateRequest, Credentials, HttpMethod, RetryConfig, SignedHeaders,
    SigningInputs, StaticProvider,
};
use proptest::prelude::*;
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

/// What must never appear: each marker as is, URL-encoded and JSON-escaped.
struct Markers(Vec<String>);

impl Markers {
    fn new(markers: &[&str]) -> Self {
        let mut forms = Vec::new();
        for marker in markers {
            forms.push((*marker).to_owned());
            forms.push(form_urlencoded::byte_serialize(marker.as_bytes()).collect());
        }
        Markers(forms)
    }

    #[track_caller]
    fn assert_absent(&self, what: &str, text: &str) {
        for marker in &self.0 {
            assert!(
                !text.contains(marker.as_str()),
                "{what} leaks {marker:?}: {text}"
            );
        }
    }

    /// The `Display`, `Debug` and whole source chain of an error.
    #[track_caller]
    fn assert_absent_from_error(&self, what: &str, error: &(dyn std::error::Error + 'static)) {
        self.assert_absent(what, &error.to_string());
        self.assert_absent(what, &format!("{error:?}"));
        let mut source = error.source();
        while let Some(inner) = source {
            self.assert_absent(what, &inner.to_string());
            self.assert_absent(what, &format!("{inner:?}"));
            source = inner.source();
        }
    }
}

/// A request with a sensitive parameter: CreateCertificate's `CertificateKey`.
fn certificate(private_key: &str) -> CreateCertificateRequest {
    CreateCertificateRequest::builder()
        .certificate_type(gaap::create_certificate::CertificateType::ServerSsl)
        .certificate_content("-----BEGIN CERTIFICATE-----public-----END CERTIFICATE-----")
        .certificate_key(private_key)
        .build()
}

/// An endpoint that echoes everything it received (query, headers, body) back, in turn as a
/// gateway's error page, in an API error's message, and in a success without a request id.
async fn echo_server() -> Server {
    Server::start(|n, received| {
        let echoed = format!(
            "{} {:?} {:?} {}",
            received.method,
            received.query,
            received.headers,
            String::from_utf8_lossy(&received.body)
        );
        match n % 3 {
            0 => (502, "text/html", format!("<html>{echoed}</html>")),
            1 => (
                200,
                JSON,
                serde_json::json!({"Response": {"Error": {"Code": "InvalidParameter", "Message": echoed}, "RequestId": "r"}})
                    .to_string(),
            ),
            _ => (
                200,
                JSON,
                serde_json::json!({"Response": {"Echo": echoed}}).to_string(),
            ),
        }
    })
    .await
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Marker secrets (a secret key, a session token, a certificate's private key) through every
    /// public type that can hold them and every log line of traced calls, with each signature
    /// method, HTTP method and signed-headers form, against an endpoint that echoes them back:
    /// none appears, raw or URL-encoded.
    #[test]
    fn marker_secrets_appear_in_no_output(
        secret_key in "[A-Za-z0-9]{20,28}",
        token in "[A-Za-z0-9]{16,24}[+/=]{1,2}[A-Za-z0-9]{4}",
        private_key in "-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/]{24,64}=",
    ) {
        let markers = Markers::new(&[&secret_key, &token, &private_key]);
        let (captured, _guard) = capture();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let server = echo_server().await;
            let credentials = Credentials::new(SECRET_ID, secret_key.as_str()).with_token(token.as_str());
            let provider = StaticProvider::new(SECRET_ID, secret_key.as_str()).with_token(token.as_str());
            markers.assert_absent("credentials", &format!("{credentials:?} {provider:?}"));
            let cache = gaap::credentials::CredentialsCache::new(
                gaap::credentials::ChainProvider::new().then(provider.clone()),
            );
            let cached = gaap::ProvideCredentials::provide(&cache).await.unwrap();
            markers.assert_absent("providers", &format!("{cache:?} {cached:?}"));
            markers.assert_absent("request", &format!("{:?}", certificate(&private_key)));
            let inputs = SigningInputs {
                timestamp: 1_700_000_000,
                nonce: 7,
                trace_id: uuid::Uuid::nil(),
            };
            for sign_method in [SignMethod::Tc3, SignMethod::HmacSha1, SignMethod::HmacSha256] {
                for method in [HttpMethod::Post, HttpMethod::Get] {
                    for signed_headers in [SignedHeaders::WithAction, SignedHeaders::Minimal] {
                        let builder = Client::builder()
                            .credentials(provider.clone())
                            .endpoint(&server.url)
                            .no_proxy()
                            .sign_method(sign_method)
                            .http_method(method)
                            .signed_headers(signed_headers)
                            .header("X-Custom-Auth", secret_key.as_str())
                            .retry(retries());
                        markers.assert_absent("builder", &format!("{builder:?}"));
                        let client = builder.build().unwrap();
                        markers.assert_absent("client", &format!("{client:?}"));
                        let prepared = client.prepare(&mut certificate(&private_key)).unwrap();
                        markers.assert_absent("prepared", &format!("{prepared:?}"));
                        let signed = client.sign(&prepared, &credentials, &inputs).unwrap();
                        let shown = format!("{signed:?} {signed:#?} {:?}", signed.signature);
                        markers.assert_absent("signed request", &shown);
                        // They are there all the same, where they must be.
                        let wire = format!(
                            "{} {:?} {}",
                            signed.url,
                            signed.headers,
                            String::from_utf8_lossy(&signed.body)
                        );
                        let encoded: String =
                            form_urlencoded::byte_serialize(private_key.as_bytes()).collect();
                        prop_assert!(wire.contains(&private_key) || wire.contains(&encoded));
                        for _ in 0..3 {
                            let error = client.send(certificate(&private_key)).await.unwrap_err();
                            markers.assert_absent_from_error("error", &error);
                        }
                    }
                }
            }
            // The signing inputs' own Debug.
            let get = Tc3Request {
                method: "GET",
                host: "gaap.tencentcloudapi.com",
                path: "/",
                query: &format!("CertificateKey={}", form_urlencoded::byte_serialize(private_key.as_bytes()).collect::<String>()),
                content_type: "application/x-www-form-urlencoded",
                payload: b"",
                timestamp: 1_700_000_000,
                service: "gaap",
            };
            let tc3 = gaap::signing::sign_tc3(&get, SECRET_ID, &secret_key).unwrap();
            markers.assert_absent("tc3", &format!("{get:?} {tc3:?}"));
            let common = LegacyCommonParams {
                action: "CreateCertificate",
                version: "2018-05-29",
                timestamp: 1_700_000_000,
                nonce: 7,
                secret_id: SECRET_ID,
                region: None,
                token: Some(&token),
                language: None,
                request_client: None,
            };
            markers.assert_absent("legacy parameters", &format!("{common:?}"));
            Ok(())
        })?;
        markers.assert_absent("logs", &captured.text());
    }
}
