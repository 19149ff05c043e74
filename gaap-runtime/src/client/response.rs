//! Turning what came back (status, content type, body) into the action's typed response, its
//! typed error, or a [`MalformedResponse`] saying why it is neither.
//!
//! This is the one place untrusted bytes enter the SDK, so it must not panic on any input: it
//! only uses serde_json (which bounds nesting depth) and total functions, and it is fuzzed
//! (`fuzz/fuzz_targets/parse_response.rs`) and property-tested.

use serde_json::Value;

use crate::action::{Action, ActionResponse, ApiError, ErrorMeta};
use crate::error::{Error, MalformedReason, MalformedResponse};
use crate::wire::response_from_json;

/// The largest body the client reads. GAAP's largest answers (Describe* pages of 100 items)
/// are well under a megabyte; anything this big is not an API answer, and reading it whole
/// would let a misbehaving endpoint exhaust memory.
pub const MAX_RESPONSE_BYTES: usize = 16 << 20;

/// How much of a body a [`MalformedResponse`] quotes.
const SNIPPET_CHARS: usize = 200;
/// How much of a body is scanned for secrets to scrub before quoting: a secret that starts in
/// the quoted part ends within this window, a certificate's private key (a few KB of PEM)
/// included.
const SCRUB_WINDOW: usize = 64 * 1024;

/// Reads the answer to a call of `A`: the typed response, the action's typed error
/// ([`Error::Api`]) or [`Error::MalformedResponse`]. `send` uses exactly this function.
///
/// - A body that is not JSON is malformed: an HTML page (usually a proxy's), a truncated body,
///   an empty one.
/// - `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` is an API error, whatever the
///   HTTP status; an undocumented code becomes the `Unknown` variant.
/// - `{"Response": {...}}` with a 2xx status is decoded leniently into `A::Response` (unknown
///   fields ignored, integers accepted as strings); a mismatch with the spec is malformed and
///   says where. Every API answer carries a `RequestId`: a success without one (or with an empty
///   one) is malformed ([`MalformedReason::MissingRequestId`]), not a success.
///
/// Never panics, whatever the bytes.
pub fn parse_response<A: Action>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<A::Response, Error<A::Error>> {
    parse_response_in_call::<A>(status, content_type, body, &Call::default())
}

/// What the client knows of the call an answer belongs to.
#[derive(Default)]
pub(crate) struct Call<'a> {
    /// Text replaced by `<redacted>` wherever an error would quote the answer: an error page
    /// that echoes the request would otherwise put the session token in an error message.
    pub(crate) secrets: &'a [&'a str],
    /// The call's `ClientToken`, recorded in the error.
    pub(crate) client_token: Option<&'a str>,
}

/// [`parse_response`] for an answer to `call`.
pub(crate) fn parse_response_in_call<A: Action>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    call: &Call<'_>,
) -> Result<A::Response, Error<A::Error>> {
    let malformed = |reason: MalformedReason, request_id: Option<&str>| {
        Error::MalformedResponse(Box::new(malformed_response::<A>(
            status,
            content_type,
            body,
            call,
            reason,
            request_id,
        )))
    };

    if body.len() > MAX_RESPONSE_BYTES {
        return Err(malformed(
            MalformedReason::TooLarge {
                limit: MAX_RESPONSE_BYTES,
            },
            None,
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(malformed(MalformedReason::Empty, None));
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            let reason = if looks_like_html(content_type, body) {
                MalformedReason::Html
            } else if error.is_eof() {
                MalformedReason::Truncated
            } else {
                // serde_json's messages give a position and a category, never the content.
                MalformedReason::NotJson(error.to_string())
            };
            return Err(malformed(reason, None));
        }
    };
    let Some(response) = value.get("Response").filter(|r| r.is_object()) else {
        return Err(malformed(MalformedReason::NoResponseObject, None));
    };
    let request_id = response.get("RequestId").and_then(Value::as_str);
    if let Some(error) = response.get("Error").filter(|error| !error.is_null()) {
        let Some(code) = error.get("Code").and_then(Value::as_str) else {
            return Err(malformed(MalformedReason::BadErrorObject, request_id));
        };
        let message = error.get("Message").and_then(Value::as_str).unwrap_or("");
        // A server that echoes what it received (the token, a sensitive parameter) must not
        // put it in an error message.
        let message = scrub(message, call.secrets);
        let mut meta = ErrorMeta::new(code, message, request_id.unwrap_or(""));
        meta.client_token = call.client_token.map(str::to_owned);
        return Err(Error::Api(A::Error::from_meta(meta)));
    }
    if !(200..300).contains(&status) {
        return Err(malformed(MalformedReason::UnexpectedStatus, request_id));
    }
    if request_id.is_none_or(str::is_empty) {
        return Err(malformed(MalformedReason::MissingRequestId, None));
    }
    response_from_json::<A::Response>(response)
        .map_err(|error| malformed(MalformedReason::Decode(error), request_id))
}

/// The answer to a call of `A` whose body the connection cut short after the status and headers
/// arrived: [`MalformedReason::Truncated`], quoting the part received, whatever it looks like.
pub(crate) fn cut_short<A: Action>(
    status: u16,
    content_type: Option<&str>,
    received: &[u8],
    call: &Call<'_>,
) -> Error<A::Error> {
    Error::MalformedResponse(Box::new(malformed_response::<A>(
        status,
        content_type,
        received,
        call,
        MalformedReason::Truncated,
        None,
    )))
}

fn malformed_response<A: Action>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    call: &Call<'_>,
    reason: MalformedReason,
    request_id: Option<&str>,
) -> MalformedResponse {
    // An answer that parses as an API answer may hold the response's data, and the data of an
    // action with sensitive fields (a certificate's private key) must not reach an error message:
    // only a page that is not the API's (HTML, an empty body) is quoted for those.
    let quote = match reason {
        MalformedReason::Decode(_)
        | MalformedReason::UnexpectedStatus
        | MalformedReason::MissingRequestId => false,
        MalformedReason::Html | MalformedReason::Empty => true,
        _ => <A::Response as ActionResponse>::SENSITIVE_FIELDS.is_empty(),
    };
    MalformedResponse {
        status,
        content_type: content_type.map(|text| text.chars().take(100).collect()),
        snippet: if quote {
            snippet(body, call.secrets)
        } else {
            String::new()
        },
        reason,
        request_id: request_id.filter(|id| !id.is_empty()).map(str::to_owned),
        client_token: call.client_token.map(str::to_owned),
        idempotency: A::IDEMPOTENCY,
    }
}

fn looks_like_html(content_type: Option<&str>, body: &[u8]) -> bool {
    let html_type = content_type.is_some_and(|text| {
        let text = text.to_ascii_lowercase();
        text.contains("html")
    });
    let starts_with_tag = body
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|byte| *byte == b'<');
    html_type || starts_with_tag
}

/// `text` with each of `secrets` replaced by `<redacted>`.
fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
        if text.contains(secret) {
            text = text.replace(secret, "<redacted>");
        }
    }
    text
}

/// The start of `body` as safe text: lossy UTF-8, secrets replaced, escaped as a Rust string
/// literal (so no control character reaches a terminal or a log line), cut to
/// [`SNIPPET_CHARS`] characters.
fn snippet(body: &[u8], secrets: &[&str]) -> String {
    let window = &body[..body.len().min(SCRUB_WINDOW)];
    let text = scrub(&String::from_utf8_lossy(window), secrets);
    let mut out = String::with_capacity(SNIPPET_CHARS + 8);
    let mut chars = text.chars();
    for c in chars.by_ref().take(SNIPPET_CHARS) {
        out.extend(c.escape_debug());
    }
    if chars.next().is_some() || body.len() > window.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_cut_escaped_and_scrubbed() {
        let body = format!("<html>\u{1b}[31mtoken tOkEn123 {}</html>", "x".repeat(500));
        let text = snippet(body.as_bytes(), &["tOkEn123", ""]);
        assert!(
            text.starts_with("<html>\\u{1b}[31mtoken <redacted> xxx"),
            "{text}"
        );
        assert!(text.ends_with('…'), "{text}");
        assert!(!text.contains('\u{1b}'));
        assert!(text.chars().count() < 250);
        assert_eq!(snippet(b"\xff\xfe ok", &[]), "\u{fffd}\u{fffd} ok");
    }

    #[test]
    fn html_is_recognised_by_type_or_by_its_first_tag() {
        assert!(looks_like_html(Some("text/HTML; charset=utf-8"), b"oops"));
        assert!(looks_like_html(None, b"  \n<!DOCTYPE html>"));
        assert!(!looks_like_html(Some("application/json"), b"{"));
    }
}
