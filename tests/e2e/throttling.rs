//! Rate limits: the server's (`RequestLimitExceeded`, retried by the client) and the client's own
//! limiter, which keeps a burst under the documented limit so that the server never refuses.
//!
//! Where a test needs the server to refuse, the emulator's clock is frozen (a `ManualClock`): its
//! token bucket then holds exactly its capacity, and which calls are refused does not depend on
//! how fast the machine is.

use std::time::Duration;

use gaap::{Client, CreateTcpListenersError, Error, RetryConfig};
use gaap_emulator::{Config, ManualClock, Throttling};
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

/// Waits (liveness-bounded, polling) until `condition` holds.
async fn wait_until(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + LIVENESS;
    while !condition() {
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn without_retries_a_burst_over_the_documented_limit_gets_the_typed_request_limit_exceeded() {
    let clock = ManualClock::at_system_now();
    let emulator = emulator_with(
        Config::builtin()
            .with_throttling(Throttling::Documented)
            .with_clock(clock.clone()),
    )
    .await;
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

#[tokio::test]
async fn throttled_creates_are_retried_until_they_all_succeed() {
    let clock = ManualClock::at_system_now();
    let emulator = emulator_with(
        Config::builtin()
            .with_throttling(Throttling::PerSecond(10))
            .with_clock(clock.clone()),
    )
    .await;
    let client = build(
        client_of(&emulator).retry(
            RetryConfig::standard()
                .with_max_attempts(200)
                .with_backoff(Duration::from_millis(10), Duration::from_millis(100))
                .with_max_total_time(LIVENESS),
        ),
    );
    let mut calls = burst(&client, 1..31);

    // While the clock stands still, ten calls get through and the others are refused and retried.
    wait_until("the twenty refused calls retried", || {
        emulator.request_count(CREATE) >= 50
    })
    .await;
    assert_eq!(emulator.listener_count(), 10);

    // Time moves again: the bucket refills and the retries get through.
    let ticker = tokio::spawn(async move {
        let mut last = Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let now = Instant::now();
            clock.advance(now - last);
            last = now;
        }
    });
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
    ticker.abort();
    ports.sort_unstable();
    assert_eq!(ports_on(&emulator, PROXY), ports);
    assert_eq!(ports.len(), 30);
    // Every refusal was retried: more requests than calls.
    assert!(emulator.request_count(CREATE) >= 50);
}

#[tokio::test]
async fn the_client_side_rate_limiter_keeps_a_burst_under_the_documented_limit() {
    // The system clock and the documented 20 per second: what the real endpoint does.
    let emulator = emulator_with(Config::builtin().with_throttling(Throttling::Documented)).await;
    // Retries off: a single RequestLimitExceeded would fail its call. Every call of the burst
    // runs on its own clone of the client: clones share the limiter.
    let client = build(
        client_of(&emulator)
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
