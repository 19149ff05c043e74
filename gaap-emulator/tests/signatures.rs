//! Signatures: requests signed by the official Python SDK pass as they are; every way of getting
//! authentication wrong gets its documented code.

mod common;

use common::{Call, Params, create_body};
use gaap_emulator::{
    Config, Credential, EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, Emulator, ManualClock,
};
use gaap_runtime::signing::LegacyAlgorithm;
use serde_json::{Value, json};

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../gaap-runtime/tests/data/signing-vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("the vectors are part of the repository");
    let file: Value = serde_json::from_str(&text).unwrap();
    file["vectors"].as_array().unwrap().clone()
}

/// The vector's request exactly as the official SDK sent it: method, query, headers (Host
/// included), body.
fn replay(vector: &Value) -> common::Raw {
    let method = vector["method"].as_str().unwrap().to_owned();
    if let Some(wire_form) = vector["wire_form"].as_str() {
        // Legacy: every parameter in the form, in the query for GET, the body for POST.
        let mut headers = vec![(
            "Host".to_owned(),
            vector["host"].as_str().unwrap().to_owned(),
        )];
        let (query, body) = if method == "GET" {
            (wire_form.to_owned(), Vec::new())
        } else {
            headers.push((
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
            (String::new(), wire_form.as_bytes().to_vec())
        };
        return common::Raw {
            method,
            query,
            headers,
            body,
        };
    }
    let headers = vector["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    common::Raw {
        method,
        query: vector["query"].as_str().unwrap().to_owned(),
        headers,
        body: vector["body"].as_str().unwrap().as_bytes().to_vec(),
    }
}

/// An emulator whose clock stands at the vector's timestamp, with the vector's credentials.
async fn emulator_for(vector: &Value) -> (Emulator, ManualClock) {
    let clock = ManualClock::at(vector["timestamp"].as_i64().unwrap());
    let mut credential = Credential::new(
        vector["secret_id"].as_str().unwrap(),
        vector["secret_key"].as_str().unwrap(),
    );
    if let Some(token) = vector["token"].as_str() {
        credential = credential.with_token(token);
    }
    let config = Config::builtin()
        .with_credential(credential)
        .with_clock(clock.clone());
    (Emulator::start_with(config).await.unwrap(), clock)
}

#[tokio::test]
async fn requests_signed_by_the_official_sdk_pass_as_they_are() {
    let gaap_vectors: Vec<Value> = vectors()
        .into_iter()
        .filter(|v| v["service"] == "gaap")
        .collect();
    assert_eq!(gaap_vectors.len(), 6, "four TC3 and two legacy vectors");
    for vector in &gaap_vectors {
        let name = vector["name"].as_str().unwrap();
        let (emulator, _clock) = emulator_for(vector).await;
        let answer = replay(vector).send(&emulator).await.unwrap();
        // Past the signature, the request is read: the documented example sends ConnectTimeout
        // = DelayLoop = 20, against the documented rule that the timeout be less, which is the
        // answer. Any signature problem would have been answered first.
        assert_eq!(
            answer.code().as_deref(),
            Some("InvalidParameterValue"),
            "{name}: {}",
            answer.body
        );
        assert!(
            answer
                .message()
                .contains("ConnectTimeout: 20 must be less than DelayLoop (20)"),
            "{name}: {}",
            answer.message()
        );
        assert_eq!(emulator.request_count("CreateTCPListeners"), 1, "{name}");
    }
}

#[tokio::test]
async fn tampered_or_stale_replays_of_the_official_requests_fail() {
    // The replay above is not a fluke: change one parameter of each request (the scheduler, in
    // the body or the query), or move the clock past five minutes, and it fails.
    for vector in vectors().iter().filter(|v| v["service"] == "gaap") {
        let name = vector["name"].as_str().unwrap();
        let (emulator, clock) = emulator_for(vector).await;
        let mut tampered = replay(vector);
        let before = (tampered.query.clone(), tampered.body.clone());
        tampered.query = tampered.query.replace("Scheduler=rr", "Scheduler=lc");
        tampered.body = String::from_utf8(tampered.body)
            .unwrap()
            .replace("Scheduler=rr", "Scheduler=lc")
            .replace(r#""Scheduler": "rr""#, r#""Scheduler": "lc""#)
            .into_bytes();
        assert_ne!(
            (&tampered.query, &tampered.body),
            (&before.0, &before.1),
            "{name}"
        );
        let answer = tampered.send(&emulator).await.unwrap();
        assert_eq!(
            answer.code().as_deref(),
            Some("AuthFailure.SignatureFailure"),
            "{name}: {}",
            answer.body
        );

        clock.advance(std::time::Duration::from_secs(301));
        let answer = replay(vector).send(&emulator).await.unwrap();
        assert_eq!(
            answer.code().as_deref(),
            Some("AuthFailure.SignatureExpire"),
            "{name}: {}",
            answer.body
        );
        assert_eq!(emulator.listener_count(), 0, "{name}");
    }
}

#[tokio::test]
async fn a_wrong_secret_key_is_a_signature_failure() {
    let emulator = Emulator::start().await.unwrap();
    let answer = Call::json("CreateTCPListeners", create_body("link-bjkpdum1", &[80]))
        .key(EXAMPLE_SECRET_ID, "not-the-secret-key")
        .send(&emulator)
        .await;
    answer.assert_error("AuthFailure.SignatureFailure", "signature");
    assert_eq!(emulator.listener_count(), 0);
}

#[tokio::test]
async fn a_request_changed_after_signing_is_a_signature_failure() {
    let emulator = Emulator::start().await.unwrap();
    let call = Call::json("CreateTCPListeners", create_body("link-bjkpdum1", &[80]));

    let mut other_body = call.tc3(&emulator);
    other_body.body = create_body("link-bjkpdum1", &[81]).to_string().into_bytes();
    let mut other_host = call.tc3(&emulator);
    other_host.set_header("Host", "gaap.tencentcloudapi.com");
    let mut other_content_type = call.tc3(&emulator);
    other_content_type.set_header("Content-Type", "application/json; charset=utf-8");
    let mut scope_of_other_day = call.tc3(&emulator);
    let authorization = scope_of_other_day
        .headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .unwrap()
        .1
        .replace("/gaap/", "/cvm/");
    scope_of_other_day.set_header("Authorization", &authorization);
    let mut more_signed_headers = call.tc3(&emulator);
    let authorization = more_signed_headers
        .headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .unwrap()
        .1
        .replace("content-type;host", "content-type;host;x-tc-action");
    more_signed_headers.set_header("Authorization", &authorization);

    for (what, raw, mentions) in [
        ("body", other_body, "signature"),
        ("host", other_host, "signature"),
        ("content type", other_content_type, "signature"),
        ("service", scope_of_other_day, "credential scope"),
        ("signed headers", more_signed_headers, "signature"),
    ] {
        let answer = raw.send(&emulator).await.unwrap();
        assert_eq!(
            answer.code().as_deref(),
            Some("AuthFailure.SignatureFailure"),
            "{what}: {}",
            answer.body
        );
        assert!(
            answer.message().contains(mentions),
            "{what}: {}",
            answer.message()
        );
    }
    assert_eq!(emulator.listener_count(), 0);
}

/// The SDK's default form signs `x-tc-action` (and `x-tc-region`): the emulator checks whatever
/// `SignedHeaders` declares, and a signed request replayed as another action, or another region,
/// fails, where the minimal form would let it through.
#[tokio::test]
async fn a_request_whose_action_was_changed_after_signing_is_a_signature_failure() {
    let emulator = Emulator::start().await.unwrap();
    let describe = json!({"ProxyId": "link-bjkpdum1"});
    let signed = Call::json("DescribeTCPListeners", describe.clone())
        .header("X-TC-Region", "ap-guangzhou")
        .signing(&["x-tc-action", "x-tc-region"]);
    let raw = signed.tc3(&emulator);
    let authorization = raw
        .headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .unwrap()
        .1
        .clone();
    assert!(
        authorization.contains("SignedHeaders=content-type;host;x-tc-action;x-tc-region,"),
        "{authorization}"
    );
    raw.send(&emulator).await.unwrap().ok();

    // The same bytes, another action: refused, and the other action never runs.
    let mut as_delete = raw.clone();
    as_delete.set_header("X-TC-Action", "DeleteListeners");
    as_delete
        .send(&emulator)
        .await
        .unwrap()
        .assert_error("AuthFailure.SignatureFailure", "signature");
    assert_eq!(emulator.request_count("DeleteListeners"), 1);
    let mut other_region = raw.clone();
    other_region.set_header("X-TC-Region", "ap-shanghai");
    other_region
        .send(&emulator)
        .await
        .unwrap()
        .assert_error("AuthFailure.SignatureFailure", "signature");
    // The minimal form, as the official SDKs sign, does not cover the action: the same change
    // passes the signature check (and fails later, for the parameters).
    let minimal = Call::json("DescribeTCPListeners", describe).tc3(&emulator);
    let mut replayed = minimal.clone();
    replayed.set_header("X-TC-Action", "DeleteListeners");
    let answer = replayed.send(&emulator).await.unwrap();
    assert_ne!(
        answer.code().as_deref(),
        Some("AuthFailure.SignatureFailure"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn signed_headers_must_cover_content_type_and_host_and_be_well_formed() {
    let emulator = Emulator::start().await.unwrap();
    let call = Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}));
    let with_list = |list: &str| {
        let mut raw = call.tc3(&emulator);
        let authorization = raw
            .headers
            .iter()
            .find(|(n, _)| n == "Authorization")
            .unwrap()
            .1
            .replace(
                "SignedHeaders=content-type;host",
                &format!("SignedHeaders={list}"),
            );
        raw.set_header("Authorization", &authorization);
        raw
    };
    for (list, code, mentions) in [
        ("host", "AuthFailure.SignatureFailure", "content-type"),
        ("content-type", "AuthFailure.SignatureFailure", "host"),
        (
            "content-type;host;x-tc-missing",
            "AuthFailure.SignatureFailure",
            "x-tc-missing",
        ),
        (
            "host;content-type",
            "AuthFailure.InvalidAuthorization",
            "ascending",
        ),
        (
            "content-type;host;host",
            "AuthFailure.InvalidAuthorization",
            "each once",
        ),
        (
            "content-type;host;X-TC-Action",
            "AuthFailure.InvalidAuthorization",
            "lower-case",
        ),
        (
            "content-type;;host",
            "AuthFailure.InvalidAuthorization",
            "empty",
        ),
    ] {
        with_list(list)
            .send(&emulator)
            .await
            .unwrap()
            .assert_error(code, mentions);
    }
    let too_many: Vec<String> = (0..100).map(|i| format!("x-{i:03}")).collect();
    let list = format!("content-type;host;{}", too_many.join(";"));
    with_list(&list)
        .send(&emulator)
        .await
        .unwrap()
        .assert_error("AuthFailure.InvalidAuthorization", "more than 64");
    // Any header the request carries may be signed.
    Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}))
        .header("X-TC-RequestClient", "SDK_OTHER")
        .signing(&[
            "x-tc-action",
            "x-tc-requestclient",
            "x-tc-timestamp",
            "x-tc-version",
        ])
        .send(&emulator)
        .await
        .ok();
}

#[tokio::test]
async fn a_timestamp_more_than_five_minutes_away_is_expired() {
    let clock = ManualClock::at(1_700_000_000);
    let emulator = Emulator::start_with(Config::builtin().with_clock(clock.clone()))
        .await
        .unwrap();
    let describe =
        |at: i64| Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"})).at(at);
    for skew in [-300, 0, 300] {
        describe(1_700_000_000 + skew).send(&emulator).await.ok();
    }
    for skew in [-301, 301, -86_400] {
        let answer = describe(1_700_000_000 + skew).send(&emulator).await;
        answer.assert_error("AuthFailure.SignatureExpire", "300");
    }
    let mut raw = describe(0).tc3(&emulator);
    raw.set_header("X-TC-Timestamp", "yesterday");
    raw.send(&emulator)
        .await
        .unwrap()
        .assert_error("InvalidParameter", "Timestamp");
    raw.remove_header("X-TC-Timestamp");
    raw.send(&emulator)
        .await
        .unwrap()
        .assert_error("MissingParameter", "X-TC-Timestamp");
}

#[tokio::test]
async fn an_unknown_secret_id_is_not_found() {
    let emulator = Emulator::start().await.unwrap();
    let answer = Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}))
        .key("AKIDnobodyEXAMPLE", EXAMPLE_SECRET_KEY)
        .send(&emulator)
        .await;
    answer.assert_error("AuthFailure.SecretIdNotFound", "AKIDnobodyEXAMPLE");
}

#[tokio::test]
async fn a_malformed_authorization_header_is_invalid() {
    let emulator = Emulator::start().await.unwrap();
    let call = Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}));
    let good = call.tc3(&emulator);
    let signed = good
        .headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .unwrap()
        .1
        .clone();
    for bad in [
        "Bearer abc".to_owned(),
        "TC3-HMAC-SHA256".to_owned(),
        signed.replace("Credential=", "Credentials="),
        signed.replace(", Signature=", ", Sig="),
        signed.replace("/tc3_request", "/tc4_request"),
        format!("{}0", signed),
        signed.to_uppercase(),
    ] {
        let mut raw = good.clone();
        raw.set_header("Authorization", &bad);
        let answer = raw.send(&emulator).await.unwrap();
        assert_eq!(
            answer.code().as_deref(),
            Some("AuthFailure.InvalidAuthorization"),
            "{bad}: {}",
            answer.body
        );
    }
    let mut missing = good.clone();
    missing.remove_header("Authorization");
    missing
        .send(&emulator)
        .await
        .unwrap()
        .assert_error("MissingParameter", "Authorization");
}

#[tokio::test]
async fn session_tokens_must_match_the_credentials() {
    let config = Config::builtin()
        .with_credential(Credential::new("AKIDtmpEXAMPLE", "tmp-secret").with_token("tok-1"));
    let emulator = Emulator::start_with(config).await.unwrap();
    let describe = || Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}));
    let temporary = || describe().key("AKIDtmpEXAMPLE", "tmp-secret");

    temporary().token("tok-1").send(&emulator).await.ok();
    for (call, mentions) in [
        (temporary(), "must carry"),
        (temporary().token("tok-2"), "does not belong"),
        (describe().token("tok-1"), "permanent key"),
    ] {
        call.send(&emulator)
            .await
            .assert_error("AuthFailure.TokenFailure", mentions);
    }
    // The legacy methods carry it as `Token`.
    let flat = Params::Query("ProxyId=link-bjkpdum1".into());
    let legacy = Call::new("DescribeTCPListeners", flat).key("AKIDtmpEXAMPLE", "tmp-secret");
    let answer = legacy
        .clone()
        .token("tok-1")
        .legacy(&emulator, LegacyAlgorithm::HmacSha256, "GET")
        .send(&emulator)
        .await
        .unwrap();
    answer.ok();
    let answer = legacy
        .token("tok-2")
        .legacy(&emulator, LegacyAlgorithm::HmacSha256, "GET")
        .send(&emulator)
        .await
        .unwrap();
    answer.assert_error("AuthFailure.TokenFailure", "does not belong");
}

#[tokio::test]
async fn legacy_signatures_are_checked_too() {
    let emulator = Emulator::start().await.unwrap();
    let flat = Params::Query("ProxyId=link-bjkpdum1".into());
    let call = Call::new("DescribeTCPListeners", flat);
    for algorithm in [LegacyAlgorithm::HmacSha1, LegacyAlgorithm::HmacSha256] {
        for method in ["GET", "POST"] {
            call.legacy(&emulator, algorithm, method)
                .send(&emulator)
                .await
                .unwrap()
                .ok();
            let mut wrong_key = call.clone().key(EXAMPLE_SECRET_ID, "wrong");
            wrong_key.secret_key = "wrong".into();
            wrong_key
                .legacy(&emulator, algorithm, method)
                .send(&emulator)
                .await
                .unwrap()
                .assert_error("AuthFailure.SignatureFailure", "signature");
            call.clone()
                .key("AKIDnobodyEXAMPLE", "k")
                .legacy(&emulator, algorithm, method)
                .send(&emulator)
                .await
                .unwrap()
                .assert_error("AuthFailure.SecretIdNotFound", "AKIDnobodyEXAMPLE");
        }
    }
    // Missing common parameters are named.
    let raw = call.legacy(&emulator, LegacyAlgorithm::HmacSha1, "GET");
    for name in ["Signature", "SecretId", "Nonce", "Timestamp"] {
        let mut without = raw.clone();
        without.query = without
            .query
            .split('&')
            .filter(|pair| !pair.starts_with(&format!("{name}=")))
            .collect::<Vec<_>>()
            .join("&");
        without
            .send(&emulator)
            .await
            .unwrap()
            .assert_error("MissingParameter", name);
    }
    let mut unknown_method = raw.clone();
    unknown_method.query = unknown_method
        .query
        .replace("SignatureMethod=HmacSHA1", "SignatureMethod=HmacMD5");
    unknown_method
        .send(&emulator)
        .await
        .unwrap()
        .assert_error("InvalidParameterValue", "HmacMD5");
}
