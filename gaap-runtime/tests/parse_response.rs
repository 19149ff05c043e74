//! `client::parse_response`, the function `send` reads every answer with, on good, truncated,
//! garbage and arbitrary input: it classifies each and never panics.

use gaap_runtime::client::{MAX_RESPONSE_BYTES, parse_response};
use gaap_runtime::{Error, MalformedReason};
use proptest::prelude::*;

gaap_runtime::gaap_api!("../specs/CreateTCPListeners.json");

type Parsed = Result<CreateTcpListenersResponse, Error<CreateTcpListenersError>>;

fn parse(status: u16, content_type: Option<&str>, body: &[u8]) -> Parsed {
    parse_response::<CreateTcpListenersRequest>(status, content_type, body)
}

fn reason(parsed: &Parsed) -> Option<&MalformedReason> {
    match parsed {
        Err(Error::MalformedResponse(malformed)) => Some(&malformed.reason),
        _ => None,
    }
}

const OK: &str = r#"{"Response":{"ListenerIds":["listener-o0f3at99"],"RequestId":"9aeda369-17c7-429f-be39-745c1e92fc71"}}"#;
const ERROR: &str =
    r#"{"Response":{"Error":{"Code":"ResourceNotFound","Message":"没有找到"},"RequestId":"r-1"}}"#;

#[test]
fn the_documented_answer_parses() {
    let response = parse(200, Some("application/json"), OK.as_bytes()).unwrap();
    assert_eq!(response.listener_ids, ["listener-o0f3at99"]);
    // Lenient: unknown fields ignored, a missing documented field read as empty.
    let response = parse(200, None, br#"{"Response":{"New":1,"RequestId":"r"}}"#).unwrap();
    assert!(response.listener_ids.is_empty());
    // `"Error": null` is no error.
    let body = br#"{"Response":{"Error":null,"ListenerIds":["l-1"],"RequestId":"r"}}"#;
    assert_eq!(parse(200, None, body).unwrap().listener_ids, ["l-1"]);
}

/// Every answer of the API carries a RequestId: a success without one is not a success.
#[test]
fn a_success_without_a_request_id_is_malformed() {
    for body in [
        &br#"{"Response":{}}"#[..],
        br#"{"Response":{"ListenerIds":["l-1"]}}"#,
        br#"{"Response":{"ListenerIds":["l-1"],"RequestId":""}}"#,
        br#"{"Response":{"ListenerIds":["l-1"],"RequestId":null}}"#,
        br#"{"Response":{"ListenerIds":["l-1"],"RequestId":7}}"#,
    ] {
        let parsed = parse(200, Some("application/json"), body);
        assert_eq!(
            reason(&parsed),
            Some(&MalformedReason::MissingRequestId),
            "{}: {parsed:?}",
            String::from_utf8_lossy(body)
        );
        let error = parsed.unwrap_err();
        assert!(!error.is_retryable());
        assert!(error.to_string().contains("RequestId"), "{error}");
    }
    // An API error keeps its code even without a request id.
    let error = parse(
        200,
        None,
        br#"{"Response":{"Error":{"Code":"InternalError"}}}"#,
    )
    .unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error:?}");
}

#[test]
fn an_error_answer_is_the_typed_error_whatever_the_status() {
    for status in [200, 400, 500] {
        let error = parse(status, None, ERROR.as_bytes()).unwrap_err();
        assert!(
            matches!(
                error,
                Error::Api(CreateTcpListenersError::ResourceNotFound(_))
            ),
            "{error:?}"
        );
        assert_eq!(error.request_id(), Some("r-1"));
        assert!(error.to_string().contains("没有找到"), "{error}");
    }
    let forged =
        br#"{"Response":{"Error":{"Code":"X","Message":"a\nERROR forged line\u001b[2J"}}}"#;
    let error = parse(200, None, forged).unwrap_err();
    assert_eq!(
        error.api_error().unwrap().message(),
        "a\nERROR forged line\u{1b}[2J"
    );
    assert!(
        error.to_string().contains(r"a\nERROR forged line\u{1b}[2J"),
        "{error}"
    );
    let unknown = parse(200, None, br#"{"Response":{"Error":{"Code":"X.Y"}}}"#).unwrap_err();
    assert!(matches!(
        unknown,
        Error::Api(CreateTcpListenersError::Unknown(_))
    ));
    assert!(unknown.is_undocumented_code());
    assert_eq!(unknown.request_id(), None);
}

#[test]
fn every_truncation_of_a_valid_answer_is_malformed_never_a_panic() {
    for answer in [OK, ERROR] {
        for end in 0..answer.len() {
            let body = &answer.as_bytes()[..end];
            let parsed = parse(200, Some("application/json"), body);
            let reason = reason(&parsed).unwrap_or_else(|| panic!("{end}: {parsed:?}"));
            let expected = if end == 0 {
                MalformedReason::Empty
            } else {
                MalformedReason::Truncated
            };
            // A cut inside a UTF-8 sequence is invalid text, not just early end.
            if !matches!(reason, MalformedReason::NotJson(_)) {
                assert_eq!(*reason, expected, "cut at {end}");
            }
        }
    }
}

#[test]
fn garbage_is_classified() {
    /// Status, content type, body, and what the reason must be.
    type Case<'a> = (u16, Option<&'a str>, &'a [u8], fn(&MalformedReason) -> bool);
    let cases: &[Case<'_>] = &[
        (200, None, b"", |r| *r == MalformedReason::Empty),
        (200, None, b" \r\n\t", |r| *r == MalformedReason::Empty),
        (502, Some("text/html"), b"<html>Bad Gateway</html>", |r| {
            *r == MalformedReason::Html
        }),
        (200, None, b"<!DOCTYPE html><p>captive portal", |r| {
            *r == MalformedReason::Html
        }),
        (200, Some("text/plain"), b"upstream connect error", |r| {
            matches!(r, MalformedReason::NotJson(_))
        }),
        (200, None, b"\xff\xfe\x00\x01", |r| {
            matches!(r, MalformedReason::NotJson(_))
        }),
        (200, None, b"[]", |r| {
            *r == MalformedReason::NoResponseObject
        }),
        (200, None, b"null", |r| {
            *r == MalformedReason::NoResponseObject
        }),
        (200, None, br#"{"Response":[]}"#, |r| {
            *r == MalformedReason::NoResponseObject
        }),
        (200, None, br#"{"Response":{"Error":"boom"}}"#, |r| {
            *r == MalformedReason::BadErrorObject
        }),
        (200, None, br#"{"Response":{"Error":{"Code":7}}}"#, |r| {
            *r == MalformedReason::BadErrorObject
        }),
        (500, None, br#"{"Response":{"RequestId":"r"}}"#, |r| {
            *r == MalformedReason::UnexpectedStatus
        }),
        (
            200,
            None,
            br#"{"Response":{"ListenerIds":[1],"RequestId":"r"}}"#,
            |r| matches!(r, MalformedReason::Decode(_)),
        ),
    ];
    for (status, content_type, body, expected) in cases {
        let parsed = parse(*status, *content_type, body);
        let reason = reason(&parsed).unwrap_or_else(|| panic!("{body:?}: {parsed:?}"));
        assert!(expected(reason), "{body:?}: {reason:?}");
        let message = parsed.unwrap_err().to_string();
        assert!(!message.chars().any(char::is_control), "{message:?}");
    }
}

#[test]
fn deep_nesting_and_huge_bodies_are_refused_not_overflowed() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(
        reason(&parse(200, None, deep.as_bytes())),
        Some(MalformedReason::NotJson(_))
    ));
    let deep_inside = format!(
        r#"{{"Response":{{"ListenerIds":{}{}}}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(parse(200, None, deep_inside.as_bytes()).is_err());
    let huge = vec![b' '; MAX_RESPONSE_BYTES + 1];
    assert_eq!(
        reason(&parse(200, None, &huge)),
        Some(&MalformedReason::TooLarge {
            limit: MAX_RESPONSE_BYTES
        })
    );
}

#[test]
fn the_snippet_is_short_and_printable() {
    let body = format!("<html>{}\u{7}\u{1b}</html>", "é".repeat(1000));
    let parsed = parse(503, Some("text/html"), body.as_bytes());
    let Err(Error::MalformedResponse(malformed)) = parsed else {
        panic!("malformed expected");
    };
    assert!(malformed.snippet.chars().count() <= 201);
    assert!(!malformed.snippet.chars().any(char::is_control));
    assert!(
        !malformed.is_retryable(),
        "CreateTCPListeners is not idempotent"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(
        status in any::<u16>(),
        content_type in proptest::option::of(".{0,40}"),
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let parsed = parse(status, content_type.as_deref(), &body);
        // Whatever it is, it formats, without control characters from the answer.
        if let Err(error) = parsed {
            let _ = format!("{error:?}");
            let message = error.to_string();
            prop_assert!(!message.chars().any(char::is_control), "{message:?}");
        }
    }

    #[test]
    fn json_shaped_bytes_never_panic(
        status in any::<u16>(),
        body in r#"\{("Response":)?\{("Error":\{("Code":"[A-Za-z.]{0,12}")?,?("Message":.{0,8})?\},?)?("ListenerIds":\[("[a-z-]{0,8}",?|[0-9]{1,3},?|null,?){0,3}\],?)?("RequestId":("r"|1|null))?\}?\}?"#,
    ) {
        let parsed = parse(status, Some("application/json"), body.as_bytes());
        match parsed {
            Ok(response) => prop_assert!((200..300).contains(&status), "{response:?}"),
            Err(error) => {
                let message = error.to_string();
                prop_assert!(!message.chars().any(char::is_control), "{message:?}");
            }
        }
    }
}
