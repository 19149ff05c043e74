//! Many concurrent creates, every one accounted for: a success names a listener that exists, a
//! failure is a typed error, and the emulator holds exactly the listeners of the successes.

use std::collections::{BTreeSet, HashMap};

use gaap::{Error, Fate};
use gaap_emulator::{Config, Fault, FaultRule, Fixture, Throttling};
use tokio::task::JoinSet;

use crate::support::*;

const CALLS: u16 = 500;
const BIG_PROXY: &str = "link-big00500";

/// 500 creates at once on distinct ports, with throttling off (the server's limit is the subject
/// of `throttling.rs`; here it would only make the test slow) and retries enabled. Fifteen of the
/// creates meet a fault that does not run the action (a gateway page, a reset, a body that is not
/// JSON), so that the failure side of the accounting is exercised too: each of those fails once,
/// typed, and is not retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_concurrent_creates_on_distinct_ports_are_all_accounted_for() {
    let emulator = emulator_with(
        Config::builtin()
            .with_throttling(Throttling::Off)
            .with_proxy(Fixture::running(BIG_PROXY).quota(1000)),
    )
    .await;
    for fault in [
        Fault::Html5xx(502),
        Fault::ResetBeforeResponse,
        Fault::NonJsonBody,
    ] {
        emulator
            .faults()
            .inject(FaultRule::new(fault).action(CREATE).times(5));
    }
    let client = build(client_of(&emulator).retry(fast_retries(3)));

    let mut calls = JoinSet::new();
    for port in 1..=CALLS {
        let client = client.clone();
        calls.spawn(async move {
            let request = create_on_proxy(BIG_PROXY, &[u64::from(port)]);
            (port, client.send(request).await)
        });
    }
    let mut succeeded: HashMap<u16, String> = HashMap::new();
    let mut failed = BTreeSet::new();
    while let Some(joined) = calls.join_next().await {
        let (port, result) = joined.unwrap();
        match result {
            Ok(response) => {
                let [id] = <[String; 1]>::try_from(response.listener_ids)
                    .unwrap_or_else(|ids| panic!("port {port}: one id expected, got {ids:?}"));
                assert!(succeeded.insert(port, id).is_none());
            }
            Err(error) => {
                // Typed, and what a fault that does not run the action gives a create.
                assert!(
                    matches!(error, Error::MalformedResponse(_) | Error::Transport(_)),
                    "port {port}: {error:?}"
                );
                assert_eq!(error.fate(), Fate::Unknown, "port {port}: {error:?}");
                assert!(!error.is_retryable(), "port {port}: {error:?}");
                failed.insert(port);
            }
        }
    }

    assert_eq!(succeeded.len() + failed.len(), usize::from(CALLS));
    assert_eq!(failed.len(), 15);
    assert_eq!(emulator.faults().pending(), 0);
    // Each call was sent once: none of these failures may be retried for a create.
    assert_eq!(emulator.request_count(CREATE), u64::from(CALLS));
    // Every success names a listener that exists, on its port; nothing else exists.
    assert_eq!(emulator.listener_count(), succeeded.len());
    for (port, id) in &succeeded {
        let listener = emulator
            .listener(id)
            .unwrap_or_else(|| panic!("port {port}: listener {id} does not exist"));
        assert_eq!(listener.port, *port);
        assert_eq!(listener.owner_id, BIG_PROXY);
    }
    let held: BTreeSet<u16> = ports_on(&emulator, BIG_PROXY).into_iter().collect();
    let expected: BTreeSet<u16> = succeeded.keys().copied().collect();
    assert_eq!(held, expected);
    assert!(held.is_disjoint(&failed));
}
