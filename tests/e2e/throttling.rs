//! Rate limits: the server's (`RequestLimitExceeded`, retried by the client) and the client's own
//! limiter, which keeps a burst under the documented limit so that the server never refuses.
//!
//! Where a test needs the server to refuse, the emulator's clock is frozen (a `ManualClock`): its
//! token bucket then holds exactly its capacity, and which calls are refused does not depend on
//! how fast the machine is.

use std::time::Duration;

use gaap::{Client, CreateTcpListenersError, Error, RetryConfig};
use gaap_emulator::{Config, Emulator, ManualClock, Throttling};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::support::*;

/// Spawns one create per port, all at once.
fn burst(
    client: &Client,
    ports: std::ops::Range<u64>,
) -> JoinSet<(
    u64,
    Result<gaap::CreateTcpListenersResponse, Error<CreateTcpListenersError>>,
)> {
    let mut calls = JoinSet::new();
    for port in ports {
        let client = client.clone();
        calls.spawn(async move { (port, client.send(create_on_proxy(PROXY, &[port])).await) });
    }
    calls
}

/// An emulator with `throttling` on a manual clock that stands still until a test (or a
/// [`linked_clock`]) moves it.
async fn throttled_on_a_manual_clock(throttling: Throttling) -> (Emulator, ManualClock) {
    let clock = ManualClock::at_system_now();
    let emulator = emulator_with(
        Config::builtin()
            .with_throttling(throttling)
            .with_clock(clock.clone()),
    )
    .await;
    (emulator, clock)
}

#[tokio::test]
async fn without_retries_a_burst_over_the_documented_limit_gets_the_typed_request_limit_exceeded() {
    let (emulator, _frozen) = throttled_on_a_manual_clock(Throttling::Documented).await;
    let client = build(client_of(&emulator).retry(RetryConfig::disabled()));
    let mut calls = burst(&client, 1..26);
    let (mut created, mut throttled) = (0, 0);
    while let Some(joined) = calls.join_next().await {
        let (port, result) = joined.unwrap();
        match result {
            Ok(_) => created += 1,
            Err(Error::Api(CreateTcpListenersError::Common(
                gaap::CommonError::RequestLimitExceeded(meta),
            ))) => {
                assert!(!meta.request_id.is_empty());
                throttled += 1;
            }
            Err(other) => panic!("port {port}: {other:?}"),
        }
    }
    // CreateTCPListeners: 20 per second; the frozen clock never refills the bucket.
    assert_eq!((created, throttled), (20, 5));
    assert_eq!(emulator.request_count(CREATE), 25);
    assert_eq!(emulator.listener_count(), 20);
}

#[tokio::test(start_paused = true)]
async fn throttled_creates_are_retried_until_they_all_succeed() {
    // The emulator's clock follows the client's virtual time (`linked_clock`): its bucket of 10
    // refills only as the throttled retries wait for the next one-second window.
    let (emulator, clock) = throttled_on_a_manual_clock(Throttling::PerSecond(10)).await;
    let client = build(
        client_of(&emulator).clock(linked_clock(&clock)).retry(
            RetryConfig::standard()
                .with_max_attempts(200)
                .with_backoff(Duration::from_millis(10), Duration::from_millis(100))
                .with_max_total_time(LIVENESS),
        ),
    );
    let started = Instant::now();
    let mut calls = burst(&client, 1..31);
    let mut ports = Vec::new();
    while let Some(joined) = calls.join_next().await {
        let (port, result) = joined.unwrap();
        match result {
            Ok(response) => {
                assert_eq!(response.listener_ids.len(), 1);
                ports.push(port as u16);
            }
            Err(error) => panic!("port {port}: {error:?}"),
        }
    }
    ports.sort_unstable();
    assert_eq!(ports_on(&emulator, PROXY), ports);
    assert_eq!(ports.len(), 30);
    // Ten got through at once; twenty were refused and retried, ten of them again: at least 60
    // requests, and the last ten could not succeed before the bucket's second refill.
    assert!(
        emulator.request_count(CREATE) >= 60,
        "{}",
        emulator.request_count(CREATE)
    );
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn the_client_side_rate_limiter_keeps_a_burst_under_the_documented_limit() {
    // The documented 20 per second, on the emulator's clock linked to the client's virtual time:
    // only the limiter's spacing lets time pass.
    let (emulator, clock) = throttled_on_a_manual_clock(Throttling::Documented).await;
    // Retries off: a single RequestLimitExceeded would fail its call. Every call of the burst
    // runs on its own clone of the client: clones share the limiter.
    let client = build(
        client_of(&emulator)
            .clock(linked_clock(&clock))
            .rate_limit(true)
            .retry(RetryConfig::disabled()),
    );
    let mut calls = burst(&client, 1..51);
    while let Some(joined) = calls.join_next().await {
        let (port, result) = joined.unwrap();
        if let Err(error) = result {
            panic!("port {port}: {error:?}");
        }
    }
    assert_eq!(emulator.request_count(CREATE), 50);
    assert_eq!(emulator.listener_count(), 50);
}
