//! The emulator holds its ground: a thousand connections that send nothing, and a hundred hostile
//! requests, while a normal client keeps getting answers. The limits are the emulator's own
//! (connection cap, read timeout, parameter count), configured small so that the test runs in
//! seconds; nothing here sleeps to synchronise.
//!
//! File descriptors: about 1,650 at the peak (the silent connections' client ends, at most
//! `MAX_CONNECTIONS` server ends, the hostile ones), within the 4,096 that `.ci/run` allows.

mod common;

use std::time::Duration;

use common::{Call, Params};
use gaap_emulator::{Config, Emulator, Throttling};
use gaap_runtime::signing::LegacyAlgorithm;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SILENT: usize = 1_000;
const HOSTILE: usize = 100;
const MAX_CONNECTIONS: usize = 512;
/// Short, so that the silent connections go in a few seconds; long enough for a megabyte body on
/// loopback while the emulator, a debug build on a loaded machine, parses the other hostile
/// bodies on the same threads.
const READ_TIMEOUT: Duration = Duration::from_secs(3);
/// Liveness only: long enough never to fire on a loaded machine unless something hangs.
const LIVENESS: Duration = Duration::from_secs(120);

/// What one hostile request ended with.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// An API answer with this code.
    Code(String),
    /// An HTTP answer with this status and no API body (hyper refusing what is not HTTP).
    Status(u16),
    /// The server closed the connection (a request head that never completes).
    Closed,
}

/// A hostile request, signed and serialized beforehand so that sending it is all I/O: a client
/// starved of CPU while signing would look like a slow client to the emulator.
enum Hostile {
    /// An authenticated request the emulator must answer with this code.
    Api(common::Raw, &'static str),
    /// Bytes that are not HTTP: hyper answers 400.
    NotHttp,
    /// A request head that never completes: the read timeout closes the connection.
    Stalled,
}

/// The hostile requests, `count` of them, five kinds in turn.
fn hostile(emulator: &Emulator, count: usize) -> Vec<Hostile> {
    let legacy = |form: String| {
        Call::new("DescribeTCPListeners", Params::Form(form)).legacy(
            emulator,
            LegacyAlgorithm::HmacSha256,
            "POST",
        )
    };
    let deep = legacy(format!("A{}=1", ".B".repeat(100_000)));
    let form: Vec<String> = (0..80_000).map(|i| format!("K{i}=1")).collect();
    let many = legacy(form.join("&"));
    let members: serde_json::Map<String, serde_json::Value> =
        (0..80_000).map(|i| (format!("K{i}"), json!(1))).collect();
    let many_json = Call::json("DescribeTCPListeners", members.into()).tc3(emulator);
    (0..count)
        .map(|n| match n % 5 {
            0 => Hostile::Api(deep.clone(), "InvalidParameter"),
            1 => Hostile::Api(many.clone(), "RequestSizeLimitExceeded"),
            2 => Hostile::Api(many_json.clone(), "UnknownParameter"),
            3 => Hostile::NotHttp,
            _ => Hostile::Stalled,
        })
        .collect()
}

/// Sends it; what it ended with, and what it should end with.
async fn attack(emulator: &Emulator, request: Hostile) -> (Outcome, Outcome) {
    match request {
        Hostile::Api(raw, code) => {
            let client = common::client_with_timeout(LIVENESS);
            let answer = raw.send_with(&client, emulator).await.unwrap();
            (
                Outcome::Code(answer.code().unwrap_or_default()),
                Outcome::Code(code.into()),
            )
        }
        Hostile::NotHttp => {
            let mut socket = TcpStream::connect(emulator.addr()).await.unwrap();
            socket.write_all(b"NOT HTTP AT ALL\r\n\r\n").await.unwrap();
            let mut answer = Vec::new();
            let _ = socket.read_to_end(&mut answer).await;
            let status = String::from_utf8_lossy(&answer)
                .split_whitespace()
                .nth(1)
                .and_then(|status| status.parse().ok())
                .unwrap_or(0);
            (Outcome::Status(status), Outcome::Status(400))
        }
        Hostile::Stalled => {
            let mut socket = TcpStream::connect(emulator.addr()).await.unwrap();
            socket
                .write_all(b"POST / HTTP/1.1\r\nHost: emulator\r\nContent-Type: appl")
                .await
                .unwrap();
            let mut answer = Vec::new();
            let _ = socket.read_to_end(&mut answer).await;
            let outcome = if answer.is_empty() {
                Outcome::Closed
            } else {
                Outcome::Status(0)
            };
            (outcome, Outcome::Closed)
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn silent_connections_and_hostile_requests_do_not_stop_a_normal_client() {
    let config = Config::builtin()
        .with_throttling(Throttling::Off)
        .with_max_connections(MAX_CONNECTIONS)
        .with_read_timeout(READ_TIMEOUT);
    let emulator = std::sync::Arc::new(Emulator::start_with(config).await.unwrap());

    let hostile = hostile(&emulator, HOSTILE);

    let mut silent = Vec::with_capacity(SILENT);
    for _ in 0..SILENT {
        silent.push(TcpStream::connect(emulator.addr()).await.unwrap());
    }
    let attacks: Vec<_> = hostile
        .into_iter()
        .map(|request| {
            let emulator = emulator.clone();
            tokio::spawn(async move { attack(&emulator, request).await })
        })
        .collect();

    // Meanwhile, a normal client: every call answered. Its first connection waits its turn
    // behind the silent ones, which the read timeout closes a batch at a time.
    let normal = common::client_with_timeout(LIVENESS);
    for _ in 0..20 {
        let answer = Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}))
            .tc3(&emulator)
            .send_with(&normal, &emulator)
            .await
            .unwrap();
        assert_eq!(answer.ok()["TotalCount"], 0);
    }

    for (n, attack) in attacks.into_iter().enumerate() {
        let (outcome, expected) = tokio::time::timeout(LIVENESS, attack)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(outcome, expected, "hostile request {n}");
    }
    // Every silent connection was closed by the emulator, none left holding a slot.
    for (n, mut socket) in silent.into_iter().enumerate() {
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(LIVENESS, socket.read(&mut byte))
            .await
            .unwrap_or_else(|_| panic!("silent connection {n} is still open"));
        assert!(matches!(read, Ok(0) | Err(_)), "{n}: {read:?}");
    }
    // And the emulator still answers.
    Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}))
        .send(&emulator)
        .await
        .ok();
}

#[tokio::test]
async fn a_silent_connection_frees_its_slot_after_the_read_timeout() {
    // One slot: a client that connects and says nothing holds it until the timeout, then the
    // next connection is served.
    let config = Config::builtin()
        .with_max_connections(1)
        .with_read_timeout(Duration::from_millis(300));
    let emulator = Emulator::start_with(config).await.unwrap();
    let mut squatter = TcpStream::connect(emulator.addr()).await.unwrap();
    let answer = Call::json("DescribeTCPListeners", json!({"ProxyId": "link-bjkpdum1"}))
        .send(&emulator)
        .await;
    answer.ok();
    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(LIVENESS, squatter.read(&mut byte))
        .await
        .unwrap();
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
}

#[test]
fn limits_that_would_serve_nothing_are_refused() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for config in [
        Config::builtin().with_max_connections(0),
        Config::builtin().with_read_timeout(Duration::ZERO),
    ] {
        let error = runtime.block_on(Emulator::start_with(config)).unwrap_err();
        assert!(matches!(error, gaap_emulator::Error::Config(_)), "{error}");
    }
}
