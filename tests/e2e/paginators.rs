//! Paginators against the emulator: every page of DescribeTCPListeners, counted by the
//! emulator's request counter, and under the documented rate limit without one refusal.

use std::collections::BTreeSet;
use std::time::Duration;

use gaap::{
    Client, CreateTcpListenersRequest, DescribeProxiesRequest, DescribeTcpListenersError,
    DescribeTcpListenersRequest, Error, Paginated, RetryConfig,
};
use gaap_emulator::{Config, Fixture, Throttling};
use tokio::time::Instant;

use crate::support::*;
use crate::waiters::emulator_on;

const BIG: &str = "link-big00001";

/// An emulator whose proxy `BIG` takes 1,000 listeners, transitions at once.
fn big_proxy(throttling: Throttling) -> Config {
    Config::builtin()
        .with_throttling(throttling)
        .with_transition_time(Duration::ZERO)
        .with_proxy(Fixture::running(BIG).quota(1000))
}

/// Ports 1 to 1,000 on `BIG`, ten creates of 100.
async fn thousand_listeners(client: &Client) {
    for batch in 0..10u64 {
        let ports: Vec<u64> = (batch * 100 + 1..=batch * 100 + 100).collect();
        let request: CreateTcpListenersRequest = create_on_proxy(BIG, &ports);
        ok(client, request).await;
    }
}

fn listeners_of(proxy: &str) -> DescribeTcpListenersRequest {
    DescribeTcpListenersRequest::builder()
        .proxy_id(proxy)
        .build()
}

#[tokio::test]
async fn a_thousand_listeners_come_in_ten_pages_of_a_hundred() {
    let emulator = emulator_with(big_proxy(Throttling::Off)).await;
    let client = build(client_of(&emulator));
    thousand_listeners(&client).await;
    assert_eq!(DescribeTcpListenersRequest::PAGES.max_page_size, 100);
    let before = emulator.request_count("DescribeTCPListeners");

    let items = client.paginate(listeners_of(BIG)).items();
    let listeners = items.collect().await.unwrap();

    assert_eq!(emulator.request_count("DescribeTCPListeners") - before, 10);
    assert_eq!(listeners.len(), 1000);
    let ids: BTreeSet<&str> = listeners.iter().map(|l| l.listener_id.as_str()).collect();
    assert_eq!(ids.len(), 1000, "every listener once");
    let ports: BTreeSet<u64> = listeners.iter().map(|l| l.port).collect();
    assert_eq!(ports, (1..=1000).collect());
}

#[tokio::test]
async fn pages_stop_at_the_total_or_a_short_page_and_start_at_the_requests_offset() {
    let emulator = emulator_with(big_proxy(Throttling::Off)).await;
    let client = build(client_of(&emulator));
    ok(&client, create_on_proxy(BIG, &(1..=25).collect::<Vec<_>>())).await;
    let before = emulator.request_count("DescribeTCPListeners");

    // Pages of 10 from offset 3: 10, 10, 2 (TotalCount 25 reached after the third).
    let request = DescribeTcpListenersRequest::builder()
        .proxy_id(BIG)
        .offset(3)
        .limit(5)
        .build();
    let mut pages = client.paginate(request).page_size(10);
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert_eq!(page.total_count, 25);
        sizes.push(page.listener_set.len());
    }
    assert_eq!(sizes, [10, 10, 2]);
    assert_eq!(pages.pages(), 3);
    assert_eq!(pages.total(), Some(25));
    assert_eq!(emulator.request_count("DescribeTCPListeners") - before, 3);
    // Ended: no more requests.
    assert!(pages.next().await.is_none());
    assert_eq!(emulator.request_count("DescribeTCPListeners") - before, 3);

    // An empty collection: one request, no item.
    let none = client
        .paginate(
            DescribeProxiesRequest::builder()
                .proxy_ids(vec!["link-nothere1".to_owned()])
                .build(),
        )
        .items()
        .collect()
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(emulator.request_count("DescribeProxies"), 1);
}

#[tokio::test]
async fn an_error_ends_the_pages_after_yielding_it() {
    let emulator = emulator_with(big_proxy(Throttling::Off)).await;
    let client = build(client_of(&emulator));
    let mut items = client.paginate(listeners_of("link-nothere1")).items();
    match items.next().await {
        Some(Err(Error::Api(DescribeTcpListenersError::ResourceNotFound(_)))) => {}
        other => panic!("{other:?}"),
    }
    assert!(items.next().await.is_none());
    assert_eq!(emulator.request_count("DescribeTCPListeners"), 1);
}

/// DescribeTCPListeners is documented at 20 requests a second. 100 pages of 10 with the
/// client's rate limiter on are spaced 50 ms apart in tokio's (paused) time, which the
/// emulator's clock follows: no page is refused, though the client does not retry. Without the
/// limiter the same pages trip RequestLimitExceeded, which shows the test can fail.
#[tokio::test(start_paused = true)]
async fn a_paginator_stays_under_the_documented_rate_limit() {
    let (emulator, clock) = emulator_on(big_proxy(Throttling::Documented)).await;
    let setup = linked_client(&emulator, &clock);
    thousand_listeners(&setup).await;
    let before = emulator.request_count("DescribeTCPListeners");

    // Retries off: a refused page would end the paging with the error.
    let limited = client_of(&emulator)
        .retry(RetryConfig::disabled())
        .rate_limit(true)
        .clock(linked_clock(&clock));
    let limited = build(limited);
    let started = Instant::now();
    let listeners = limited
        .paginate(listeners_of(BIG))
        .page_size(10)
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(listeners.len(), 1000);
    assert_eq!(emulator.request_count("DescribeTCPListeners") - before, 100);
    // 100 calls spaced by 50 ms: the last starts 4.95 s after the first.
    assert_eq!(Instant::now() - started, Duration::from_millis(4950));

    // The same without the limiter: the documented limit refuses the 21st call of a second.
    let unlimited = client_of(&emulator)
        .retry(RetryConfig::disabled())
        .clock(linked_clock(&clock));
    let unlimited = build(unlimited);
    let refused = unlimited
        .paginate(listeners_of(BIG))
        .page_size(10)
        .items()
        .collect()
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Api(DescribeTcpListenersError::Common(
                gaap::CommonError::RequestLimitExceeded(_)
            ))
        ),
        "{refused:?}"
    );
}
