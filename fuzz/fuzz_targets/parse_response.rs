//! Arbitrary (status, content type, body) through `gaap_runtime::client::parse_response`, the
//! function `send` reads every answer with, for CreateTCPListeners. It must never panic, and
//! whatever it returns must format without control characters from the input.
//!
//! Run: `cargo +nightly fuzz run parse_response` from the repository root.

#![no_main]

use libfuzzer_sys::fuzz_target;

gaap_runtime::gaap_api!("../specs/CreateTCPListeners.json");

fuzz_target!(|data: &[u8]| {
    // The first two bytes are the status, the next one the length of the content type.
    let (status, rest) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]), rest),
        _ => (200, data),
    };
    let (content_type, body) = match rest {
        [len, rest @ ..] => {
            let len = usize::from(*len).min(rest.len());
            let (ct, body) = rest.split_at(len);
            (std::str::from_utf8(ct).ok(), body)
        }
        [] => (None, rest),
    };
    let parsed = gaap_runtime::client::parse_response::<CreateTcpListenersRequest>(
        status,
        content_type,
        body,
    );
    if let Err(error) = parsed {
        let message = error.to_string();
        assert!(!message.chars().any(char::is_control), "{message:?}");
        let _ = format!("{error:?}");
    }
});
