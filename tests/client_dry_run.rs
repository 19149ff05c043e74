//! Golden tests of the client's dry run: the request `send` would put on the wire for the seed's
//! CreateTCPListeners, at the signing vectors' time and with their key pair, is signed exactly
//! as `signing::sign_tc3` signs our body, and, with the body (or query) forced to the vector's,
//! carries exactly the headers the official Python SDK sent (`signing-vectors.json`) when the
//! client signs in the SDKs' minimal form (`SignedHeaders::Minimal`); in the default form it
//! signs as the independently computed `signing-vectors-with-action.json` says.

mod support;

use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler};
use gaap::signing::{SignMethod, Tc3Request, sign_tc3};
use gaap::{
    Client, CreateTcpListenersRequest, Credentials, Error, HttpMethod, Language, SignedHeaders,
    SignedRequest, SigningInputs, StaticProvider,
};
use serde_json::Value;
use uuid::Uuid;

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const TIMESTAMP: i64 = 1_551_113_065;
const TRACE_ID: Uuid = Uuid::from_u128(0x0123_4567_89ab_4def_8123_4567_89ab_cdef);

/// The vector `name` of `gaap-runtime/tests/data/{file}`.
fn vector_in(file: &str, name: &str) -> Value {
    let path = format!(
        "{}/gaap-runtime/tests/data/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("the vectors are part of the repository");
    let file: Value = serde_json::from_str(&text).expect("the vectors are JSON");
    file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no vector {name}"))
        .clone()
}

/// A vector the official Python SDK signed.
fn vector(name: &str) -> Value {
    vector_in("signing-vectors.json", name)
}

/// The seed's request (the vectors sign its parameters, `Ports` aside).
fn seed_request(ports: &[u64]) -> CreateTcpListenersRequest {
    CreateTcpListenersRequest::builder()
        .proxy_id("link-bjkpdum1")
        .listener_name("test1")
        .real_server_type(RealServerType::Ip)
        .scheduler(Scheduler::RoundRobin)
        .delay_loop(20)
        .connect_timeout(20)
        .health_check(HealthCheck::Enabled)
        .ports(ports.to_vec())
        .build()
}

/// A client like the Python SDK that made the vectors: it signs `content-type;host` only. The
/// seed breaks the documented rule `ConnectTimeout < DelayLoop` (the official example does), so
/// validation is off.
fn python_like() -> gaap::ClientBuilder {
    Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .request_client("SDK_PYTHON")
        .signed_headers(SignedHeaders::Minimal)
        .validate_requests(false)
        .no_proxy()
}

/// A vector of the default signed-headers form, computed by `scripts/signing-vectors.py`.
fn vector_with_action(name: &str) -> Value {
    vector_in("signing-vectors-with-action.json", name)
}

/// The seed's request prepared by `client`, its JSON body replaced by `body` (the bytes another
/// SDK sent), signed at the vectors' time.
fn signed_with_body(client: &Client, ports: &[u64], body: &str) -> SignedRequest {
    let mut prepared = client.prepare(&mut seed_request(ports)).unwrap();
    *prepared.json_body_mut().unwrap() = body.to_owned().into();
    client
        .sign(&prepared, &credentials(), &inputs(TIMESTAMP))
        .unwrap()
}

/// The canonical request of a TC3 dry run.
fn canonical_request(signed: &SignedRequest) -> &str {
    let gaap::client::SignatureDetails::Tc3(details) = &signed.signature else {
        panic!("TC3 expected");
    };
    &details.canonical_request
}

#[test]
fn by_default_the_action_is_signed_as_the_independent_vectors_say() {
    let client = python_like()
        .signed_headers(SignedHeaders::default())
        .build()
        .unwrap();
    let vector = vector_with_action("tc3-action-post-json-seed-example");
    let signed = signed_with_body(&client, &[90], vector["body"].as_str().unwrap());
    assert_eq!(
        signed.header("Authorization"),
        vector["authorization"].as_str()
    );
    assert_eq!(canonical_request(&signed), vector["canonical_request"]);

    let client = python_like()
        .signed_headers(SignedHeaders::WithAction)
        .http_method(HttpMethod::Get)
        .build()
        .unwrap();
    let vector = vector_with_action("tc3-action-get-flattened-seed-example");
    let mut prepared = client.prepare(&mut seed_request(&[90, 91])).unwrap();
    *prepared.query_mut().unwrap() = vector["query"].as_str().unwrap().to_owned();
    let signed = client
        .sign(&prepared, &credentials(), &inputs(TIMESTAMP))
        .unwrap();
    assert_eq!(
        signed.header("Authorization"),
        vector["authorization"].as_str()
    );
}

#[test]
fn a_region_sent_is_signed_too() {
    let vector = vector_with_action("tc3-action-region-post-json");
    let client = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .region("ap-guangzhou")
        .no_proxy()
        .build()
        .unwrap();
    let mut request = support::widgets::DescribeWidgetsRequest::builder()
        .limit(10)
        .build();
    let mut prepared = client.prepare(&mut request).unwrap();
    assert_eq!(
        prepared.json_body_mut().unwrap().as_ref(),
        vector["body"].as_str().unwrap().as_bytes()
    );
    let signed = client
        .sign(&prepared, &credentials(), &inputs(TIMESTAMP))
        .unwrap();
    assert_eq!(signed.header("X-TC-Region"), Some("ap-guangzhou"));
    assert_eq!(
        signed.header("Authorization"),
        vector["authorization"].as_str()
    );
    assert_eq!(canonical_request(&signed), vector["canonical_request"]);
}

fn inputs(timestamp: i64) -> SigningInputs {
    SigningInputs {
        timestamp,
        nonce: 11_886,
        trace_id: TRACE_ID,
    }
}

fn credentials() -> Credentials {
    Credentials::new(SECRET_ID, SECRET_KEY)
}

/// Every header of the vector is sent with the same value (names compare case-insensitively);
/// the dry run adds only `X-TC-TraceId`, plus `extra`.
fn assert_headers_match(signed: &SignedRequest, vector: &Value, extra: &[&str]) {
    let expected = vector["headers"].as_object().unwrap();
    for (name, value) in expected {
        assert_eq!(
            signed.header(name),
            Some(value.as_str().unwrap()),
            "header {name}"
        );
    }
    for name in signed.headers.keys() {
        let known = expected
            .keys()
            .any(|n| n.eq_ignore_ascii_case(name.as_str()));
        assert!(
            known || name == "x-tc-traceid" || extra.contains(&name.as_str()),
            "unexpected header {name}"
        );
    }
    assert_eq!(
        signed.header("X-TC-TraceId"),
        Some(TRACE_ID.to_string().as_str())
    );
}

#[test]
fn the_dry_run_of_the_seed_signs_our_body_as_sign_tc3_does() {
    let client = python_like().build().unwrap();
    let signed = client
        .dry_run_with(seed_request(&[90]), &credentials(), &inputs(TIMESTAMP))
        .unwrap();
    let body = serde_json::to_vec(&seed_request(&[90])).unwrap();
    assert_eq!(signed.body.as_ref(), body.as_slice());
    assert_eq!(signed.method, HttpMethod::Post);
    assert_eq!(signed.url.as_str(), "https://gaap.tencentcloudapi.com/");
    let expected = sign_tc3(
        &Tc3Request {
            method: "POST",
            host: "gaap.tencentcloudapi.com",
            path: "/",
            query: "",
            content_type: "application/json",
            payload: &body,
            timestamp: TIMESTAMP,
            service: "gaap",
        },
        SECRET_ID,
        SECRET_KEY,
    )
    .unwrap();
    assert_eq!(
        signed.header("Authorization"),
        Some(expected.authorization.as_str())
    );
    assert_eq!(
        signed.signature,
        gaap::client::SignatureDetails::Tc3(expected)
    );
    assert_eq!(signed.header("Content-Type"), Some("application/json"));
    assert_eq!(signed.header("X-TC-Timestamp"), Some("1551113065"));
}

#[test]
fn with_the_vector_body_the_dry_run_is_the_python_sdk_request() {
    let vector = vector("tc3-post-json-seed-example");
    let client = python_like().build().unwrap();
    let signed = signed_with_body(&client, &[90], vector["body"].as_str().unwrap());
    assert_eq!(
        signed.header("Authorization"),
        vector["authorization"].as_str()
    );
    assert_headers_match(&signed, &vector, &[]);
    assert_eq!(
        signed.body.as_ref(),
        vector["body"].as_str().unwrap().as_bytes()
    );
    let gaap::client::SignatureDetails::Tc3(details) = &signed.signature else {
        panic!("TC3 expected");
    };
    assert_eq!(
        details.canonical_request,
        vector["canonical_request"].as_str().unwrap()
    );
    assert_eq!(
        details.string_to_sign,
        vector["string_to_sign"].as_str().unwrap()
    );
}

#[test]
fn with_the_vector_query_a_get_dry_run_is_the_python_sdk_request() {
    let vector = vector("tc3-get-flattened-seed-example");
    let client = python_like().http_method(HttpMethod::Get).build().unwrap();
    let mut prepared = client.prepare(&mut seed_request(&[90, 91])).unwrap();
    let query = prepared.query_mut().unwrap();
    // The same parameters as the vector's, in documented order rather than Python's.
    let mut ours: Vec<&str> = query.split('&').collect();
    let mut theirs: Vec<&str> = vector["query"].as_str().unwrap().split('&').collect();
    ours.sort_unstable();
    theirs.sort_unstable();
    assert_eq!(ours, theirs);
    *query = vector["query"].as_str().unwrap().to_owned();
    let signed = client
        .sign(&prepared, &credentials(), &inputs(TIMESTAMP))
        .unwrap();
    assert_eq!(signed.method, HttpMethod::Get);
    assert_eq!(
        signed.url.as_str(),
        format!(
            "https://gaap.tencentcloudapi.com/?{}",
            vector["query"].as_str().unwrap()
        )
    );
    assert!(signed.body.is_empty());
    assert_headers_match(&signed, &vector, &[]);
}

#[test]
fn token_and_language_travel_as_headers_and_the_region_only_where_the_spec_says() {
    let vector = vector("tc3-post-json-token-region-language-unicode");
    let token = vector["token"].as_str().unwrap();
    // The vector's client had a region; CreateTCPListeners is documented as not taking one
    // ("本接口不需要传递此参数"), so this SDK does not send it, unlike the Python SDK. The region
    // is not signed, so the signature is the same.
    let client = python_like()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY).with_token(token))
        .region("ap-guangzhou")
        .language(Language::EnUs)
        .build()
        .unwrap();
    let mut prepared = client.prepare(&mut seed_request(&[80])).unwrap();
    assert_eq!(prepared.region(), None);
    *prepared.json_body_mut().unwrap() = vector["body"].as_str().unwrap().to_owned().into();
    let credentials = credentials().with_token(token);
    let signed = client
        .sign(&prepared, &credentials, &inputs(1_700_000_000))
        .unwrap();
    assert_eq!(
        signed.header("Authorization"),
        vector["authorization"].as_str()
    );
    assert_eq!(signed.header("X-TC-Token"), Some(token));
    assert_eq!(signed.header("X-TC-Language"), Some("en-US"));
    assert_eq!(signed.header("X-TC-Region"), None);
    let shown = format!("{signed:?}");
    assert!(!shown.contains(token), "{shown}");
}

#[test]
fn the_legacy_hmacsha1_get_dry_run_is_the_python_sdk_request() {
    let vector = vector("v1-hmacsha1-get");
    let client = python_like()
        .sign_method(SignMethod::HmacSha1)
        .http_method(HttpMethod::Get)
        .build()
        .unwrap();
    let signed = client
        .dry_run_with(seed_request(&[90]), &credentials(), &inputs(TIMESTAMP))
        .unwrap();
    let gaap::client::SignatureDetails::Legacy(details) = &signed.signature else {
        panic!("legacy expected");
    };
    assert_eq!(
        details.string_to_sign,
        vector["string_to_sign"].as_str().unwrap()
    );
    assert_eq!(details.signature, vector["signature"].as_str().unwrap());
    // Same pairs as the vector's wire form; ours lists the action's parameters in documented
    // order, which is not signed.
    let query = signed.url.query().unwrap();
    let mut ours: Vec<&str> = query.split('&').collect();
    let mut theirs: Vec<&str> = vector["wire_form"].as_str().unwrap().split('&').collect();
    ours.sort_unstable();
    theirs.sort_unstable();
    assert_eq!(ours, theirs);
    assert!(signed.body.is_empty());
    assert_eq!(signed.header("Authorization"), None);
}

#[test]
fn the_legacy_hmacsha256_post_signs_the_form_it_sends() {
    let vector = vector("v1-hmacsha256-post-form");
    let client = python_like()
        .sign_method(SignMethod::HmacSha256)
        .build()
        .unwrap();
    let signed = client
        .dry_run_with(seed_request(&[90, 91]), &credentials(), &inputs(TIMESTAMP))
        .unwrap();
    let gaap::client::SignatureDetails::Legacy(details) = &signed.signature else {
        panic!("legacy expected");
    };
    // The vector's client sent its region, which CreateTCPListeners does not take: apart from
    // that pair, the string to sign is the vector's.
    let without_region = vector["string_to_sign"]
        .as_str()
        .unwrap()
        .replace("&Region=ap-guangzhou", "");
    assert_eq!(details.string_to_sign, without_region);
    assert_eq!(
        signed.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    let form: Vec<(String, String)> = form_urlencoded::parse(&signed.body).into_owned().collect();
    assert_eq!(
        form.last().unwrap(),
        &("Signature".into(), details.signature.clone())
    );
    assert!(form.contains(&("SignatureMethod".into(), "HmacSHA256".into())));
}

#[test]
fn the_dry_run_validates_first_and_says_nothing_was_sent() {
    let client = python_like().validate_requests(true).build().unwrap();
    let error = client
        .dry_run_with(seed_request(&[90]), &credentials(), &inputs(TIMESTAMP))
        .unwrap_err();
    assert!(matches!(error, Error::Validation(_)), "{error:?}");
    assert_eq!(error.fate(), gaap::Fate::NotSent);
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(message.contains("nothing was sent"), "{message}");
    assert!(message.contains("ConnectTimeout"), "{message}");
}

#[test]
fn an_endpoint_override_is_signed_with_its_port() {
    let client = python_like()
        .endpoint("http://127.0.0.1:8080")
        .build()
        .unwrap();
    let signed = client
        .dry_run_with(seed_request(&[90]), &credentials(), &inputs(TIMESTAMP))
        .unwrap();
    assert_eq!(signed.url.as_str(), "http://127.0.0.1:8080/");
    assert_eq!(signed.header("Host"), Some("127.0.0.1:8080"));
    let gaap::client::SignatureDetails::Tc3(details) = &signed.signature else {
        panic!("TC3 expected");
    };
    assert!(
        details
            .canonical_request
            .contains("\nhost:127.0.0.1:8080\n")
    );
}

#[test]
fn a_timestamp_out_of_range_is_a_config_error() {
    let client = python_like().build().unwrap();
    let error = client
        .dry_run_with(seed_request(&[90]), &credentials(), &inputs(-1))
        .unwrap_err();
    assert!(
        matches!(error, Error::Config(gaap::ConfigError::Clock(_))),
        "{error:?}"
    );
    assert!(error.to_string().contains("clock"), "{error}");
}

#[tokio::test]
async fn dry_run_uses_the_client_clock_and_provider() {
    let client = python_like()
        .clock(std::sync::Arc::new(|| {
            time::OffsetDateTime::from_unix_timestamp(TIMESTAMP).unwrap()
        }))
        .build()
        .unwrap();
    let first = client.dry_run(seed_request(&[90])).await.unwrap();
    let second = client.dry_run(seed_request(&[90])).await.unwrap();
    assert_eq!(first.header("X-TC-Timestamp"), Some("1551113065"));
    assert_eq!(
        first.header("Authorization"),
        second.header("Authorization")
    );
    // A fresh trace id per call.
    assert_ne!(first.header("X-TC-TraceId"), second.header("X-TC-TraceId"));
    let trace_id = first.header("X-TC-TraceId").unwrap();
    assert_eq!(Uuid::parse_str(trace_id).unwrap().get_version_num(), 4);
}
