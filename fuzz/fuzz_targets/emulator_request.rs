//! Arbitrary requests through the emulator's request handling, without a socket
//! (`gaap_emulator::OfflineEmulator`): method, target, headers and body as they would arrive on
//! a connection. It must never panic, and every answer is either hyper's bare 400 (for what is
//! not HTTP) or a `{"Response": {...}}` envelope with a `RequestId` and, for an error, a code.
//!
//! Half the inputs are signed afresh with the example key (TC3 over `content-type;host;
//! x-tc-action`), so that they get past the signature check into the parameters (JSON, query,
//! form, flattened keys), validation and the actions; the other half are taken as they are, for
//! the common parameters, the `Authorization` header and the signature checks.
//!
//! Input: byte 0 chooses signed or raw, the method and the content type; byte 1 the action.
//! Signed: the rest is the parameters (body, or query for GET). Raw: the rest is
//! `target\nName: value\n...\n\nbody`.
//!
//! Run: see `fuzz/README.md`.

#![no_main]

use std::sync::OnceLock;

use gaap_emulator::{
    Config, EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, ManualClock, OfflineEmulator, Throttling,
};
use gaap_runtime::signing::{Tc3Request, sign_tc3_with_headers};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_700_000_000;
const HOST: &str = "gaap.tencentcloudapi.com";

const ACTIONS: &[&str] = &[
    "CreateTCPListeners",
    "DescribeTCPListeners",
    "DeleteListeners",
    "CreateCertificate",
    "DescribeProxies",
    "CloseProxies",
    "CreateProxy",
    "ModifyGroupDomainConfig",
    "NoSuchAction",
    "",
];

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
];

/// One emulator for the whole run: building the catalogue of every action per input would
/// halve the executions per second. Its state (listeners created) carries over between inputs,
/// which only widens what later inputs meet.
fn emulator() -> &'static OfflineEmulator {
    static EMULATOR: OnceLock<OfflineEmulator> = OnceLock::new();
    EMULATOR.get_or_init(|| {
        let config = Config::builtin()
            .with_clock(ManualClock::at(NOW))
            .with_throttling(Throttling::Off);
        OfflineEmulator::new(config).expect("the built-in config is valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let [flags, action, rest @ ..] = data else {
        return;
    };
    let method: &[u8] = if flags & 2 == 0 { b"POST" } else { b"GET" };
    let content_type = CONTENT_TYPES[usize::from(flags >> 2) % CONTENT_TYPES.len()];
    let action = ACTIONS[usize::from(*action) % ACTIONS.len()];
    let answer = if flags & 1 == 1 {
        signed(method, content_type, action, rest)
    } else {
        raw(method, rest)
    };
    check(&answer);
});

/// `params` as the parameters of `action`, signed with the example key.
fn signed(
    method: &[u8],
    content_type: &str,
    action: &str,
    params: &[u8],
) -> gaap_emulator::OfflineAnswer {
    let get = method == b"GET";
    // A query must be a valid request target: what is not is what `raw` explores.
    let query = if get {
        match std::str::from_utf8(params) {
            Ok(query) if http::Uri::try_from(format!("/?{query}")).is_ok() => query,
            _ => return emulator().handle(method, b"/", &[], b""),
        }
    } else {
        ""
    };
    let body: &[u8] = if get { b"" } else { params };
    let timestamp = NOW.to_string();
    let request = Tc3Request {
        method: if get { "GET" } else { "POST" },
        host: HOST,
        path: "/",
        query,
        content_type,
        payload: body,
        timestamp: NOW,
        service: "gaap",
    };
    let authorization = match sign_tc3_with_headers(
        &request,
        &[("x-tc-action", action)],
        EXAMPLE_SECRET_ID,
        EXAMPLE_SECRET_KEY,
    ) {
        Ok(signed) => signed.authorization,
        Err(_) => return emulator().handle(method, b"/", &[], b""),
    };
    let headers: [(&[u8], &[u8]); 6] = [
        (b"host", HOST.as_bytes()),
        (b"content-type", content_type.as_bytes()),
        (b"x-tc-action", action.as_bytes()),
        (b"x-tc-version", b"2018-05-29"),
        (b"x-tc-timestamp", timestamp.as_bytes()),
        (b"authorization", authorization.as_bytes()),
    ];
    let target = format!("/?{query}");
    let target = if get { target.as_bytes() } else { b"/" };
    emulator().handle(method, target, &headers, body)
}

/// `target\nName: value\n...\n\nbody`, as it comes.
fn raw(method: &[u8], input: &[u8]) -> gaap_emulator::OfflineAnswer {
    let split = input
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(input.len());
    let (head, body) = input.split_at(split);
    let body = body.get(2..).unwrap_or(b"");
    let mut lines = head.split(|b| *b == b'\n');
    let target = lines.next().unwrap_or(b"/");
    let headers: Vec<(&[u8], &[u8])> = lines
        .filter_map(|line| {
            let colon = line.iter().position(|b| *b == b':')?;
            let (name, value) = line.split_at(colon);
            Some((name, value[1..].trim_ascii()))
        })
        .collect();
    emulator().handle(method, target, &headers, body)
}

fn check(answer: &gaap_emulator::OfflineAnswer) {
    if answer.status == 400 {
        assert!(answer.body.is_empty(), "hyper's 400 has no body");
        return;
    }
    assert_eq!(answer.status, 200);
    let value: serde_json::Value =
        serde_json::from_slice(&answer.body).expect("every answer is JSON");
    let response = &value["Response"];
    assert!(
        response["RequestId"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{value}"
    );
    if let Some(error) = response.get("Error") {
        let code = error["Code"].as_str().expect("an error has a code");
        assert!(
            !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'),
            "{code}"
        );
    }
}
