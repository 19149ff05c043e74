//! The paginator against answers the emulator never gives: a server that returns fewer items
//! than asked (its own, smaller maximum page), and one that leaves `TotalCount` out. The total,
//! when there is one, decides; the short page only when there is none.

mod support;

use gaap::{Client, DescribeTcpListenersRequest};
use serde_json::json;
use support::*;

/// A page of `count` listeners starting at `offset`, with `total` if given.
fn page(offset: u64, count: u64, total: Option<u64>) -> String {
    let listeners: Vec<_> = (offset..offset + count)
        .map(|i| json!({"ListenerId": format!("listener-{i:08}"), "Port": i + 1}))
        .collect();
    let mut response = json!({"ListenerSet": listeners, "RequestId": format!("req-{offset}")});
    if let Some(total) = total {
        response["TotalCount"] = json!(total);
    }
    json!({"Response": response}).to_string()
}

/// The `Offset` and `Limit` a request asked for.
fn asked(received: &Received) -> (u64, u64) {
    let body = received.json();
    (
        body["Offset"].as_u64().unwrap(),
        body["Limit"].as_u64().unwrap(),
    )
}

fn client(url: &str) -> Client {
    client_of_url(url).build().unwrap()
}

fn request() -> DescribeTcpListenersRequest {
    DescribeTcpListenersRequest::builder()
        .proxy_id("link-bjkpdum1")
        .build()
}

#[tokio::test]
async fn a_server_with_a_smaller_page_than_asked_is_paged_to_its_total() {
    // 45 listeners; the server never returns more than 20 whatever Limit says.
    let server = Server::start(|_, received| {
        let (offset, limit) = asked(received);
        let count = limit.min(20).min(45u64.saturating_sub(offset));
        (200, JSON, page(offset, count, Some(45)))
    })
    .await;
    let all = client(&server.url)
        .paginate(request())
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 45);
    let offsets: Vec<(u64, u64)> = server.received().iter().map(asked).collect();
    assert_eq!(offsets, [(0, 100), (20, 100), (40, 100)]);
}

#[tokio::test]
async fn without_a_total_a_short_page_is_the_last() {
    // 25 listeners and no TotalCount (it reads as 0): pages of 10 until one is short.
    let server = Server::start(|_, received| {
        let (offset, limit) = asked(received);
        (
            200,
            JSON,
            page(offset, limit.min(25u64.saturating_sub(offset)), None),
        )
    })
    .await;
    let mut pages = client(&server.url).paginate(request()).page_size(10);
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.unwrap().listener_set.len());
    }
    assert_eq!(sizes, [10, 10, 5]);
    assert_eq!(pages.total(), None);
    assert_eq!(server.count(), 3);

    // 20 of them: the third page is empty, and ends the paging.
    let server = Server::start(|_, received| {
        let (offset, limit) = asked(received);
        (
            200,
            JSON,
            page(offset, limit.min(20u64.saturating_sub(offset)), None),
        )
    })
    .await;
    let all = client(&server.url)
        .paginate(request())
        .page_size(10)
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 20);
    assert_eq!(server.count(), 3);
}
