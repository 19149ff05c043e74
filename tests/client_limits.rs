//! The client's limits hold whatever it is told: no setting panics, however extreme; one time
//! budget covers credentials, the rate limiter, every attempt and every backoff; the limiter's
//! queue is bounded; throttled retries wait for the next rate window; a call's `ClientToken`
//! survives every failure; a GET too long for the API is refused before sending.
//!
//! Time passes on tokio's paused clock: the waits are virtual, their lengths exact.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gaap::{
    Client, CreateTcpListenersError, Credentials, CredentialsError, DescribeTcpListenersRequest,
    Error, Fate, HttpMethod, RetryConfig, StaticProvider, Waiting,
};
use gaap_emulator::{Config, EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, Emulator, ManualClock};
use proptest::prelude::*;
use support::*;
use tokio::task::JoinSet;
use tokio::time::Instant;

const MS: Duration = Duration::from_millis(1);

fn describe() -> DescribeTcpListenersRequest {
    DescribeTcpListenersRequest::builder()
        .proxy_id("link-bjkpdum1")
        .build()
}

/// The seed's create on `port` of the emulator's proxy.
fn create(port: u64) -> gaap::CreateTcpListenersRequest {
    use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler};
    gaap::CreateTcpListenersRequest::builder()
        .proxy_id("link-bjkpdum1")
        .listener_name("limits")
        .real_server_type(RealServerType::Ip)
        .scheduler(Scheduler::RoundRobin)
        .health_check(HealthCheck::Disabled)
        .ports([port])
        .build()
}

fn example_client(endpoint: &str) -> gaap::ClientBuilder {
    Client::builder()
        .credentials(StaticProvider::new(EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY))
        .endpoint(endpoint)
        .no_proxy()
}

/// The extreme values of a duration setting, and some ordinary ones.
fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        Just(Duration::from_nanos(1)),
        Just(MS),
        Just(Duration::from_secs(1)),
        Just(Duration::from_secs(60)),
        Just(Duration::MAX),
        any::<u64>().prop_map(Duration::from_nanos),
        any::<u64>().prop_map(Duration::from_secs),
    ]
}

fn attempts() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0), Just(1), Just(2), Just(3), Just(u32::MAX)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Every retry setting, timeout and connect timeout, at its extremes, through `send`
    /// against a port where nothing listens and against the emulator: an answer or a typed
    /// error, never a panic, and never later than the budget (to the timer's millisecond).
    #[test]
    fn no_setting_panics_and_the_budget_holds(
        max_attempts in attempts(),
        initial_backoff in duration(),
        max_backoff in duration(),
        max_total_time in duration(),
        timeout in duration(),
        connect_timeout in duration(),
        rate_limit in any::<bool>(),
    ) {
        // Unlimited attempts, at once, for ever, against an endpoint that refuses at once is
        // what such settings ask for: a long loop, not a panic. Bound it so the test ends.
        prop_assume!(
            max_attempts < 10
                || (max_total_time <= Duration::from_secs(1)
                    && initial_backoff >= MS
                    && max_backoff >= MS)
        );
        let retry = RetryConfig::standard()
            .with_max_attempts(max_attempts)
            .with_backoff(initial_backoff, max_backoff)
            .with_max_total_time(max_total_time);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let emulator = Emulator::start().await.unwrap();
            let refused = refused_url().await;
            for endpoint in [refused, emulator.endpoint()] {
                let client = example_client(&endpoint)
                    .retry(retry)
                    .timeout(timeout)
                    .connect_timeout(connect_timeout)
                    .rate_limit(rate_limit)
                    .build()
                    .unwrap();
                let sent_before = emulator.request_count("DescribeTCPListeners");
                let started = Instant::now();
                let result = client.send(describe()).await;
                let elapsed = started.elapsed();
                prop_assert!(
                    elapsed <= max_total_time.saturating_add(2 * MS),
                    "{elapsed:?} past a budget of {max_total_time:?}: {result:?}"
                );
                match &result {
                    Ok(response) => prop_assert!(!response.request_id.is_empty()),
                    Err(error) => {
                        // Formats without panicking, and says whether anything was sent.
                        let _ = (error.to_string(), format!("{error:?}"), error.fate());
                    }
                }
                if max_total_time.is_zero() {
                    prop_assert!(
                        matches!(&result, Err(Error::Deadline(_))),
                        "a zero budget sends nothing: {result:?}"
                    );
                    prop_assert_eq!(
                        emulator.request_count("DescribeTCPListeners"),
                        sent_before
                    );
                }
            }
            Ok(())
        })?;
    }
}

/// The emulator with its documented throttling on a frozen clock: its token bucket holds
/// exactly one second's worth of calls (20 for CreateTCPListeners).
async fn throttling_emulator() -> Emulator {
    let clock = ManualClock::at_system_now();
    Emulator::start_with(Config::builtin().with_clock(clock))
        .await
        .unwrap()
}

/// 100 creates at once, of an action documented at 20 per second, each with a budget of one
/// second, through the client-side limiter: the 20 that the limiter can fit in the second are
/// sent and succeed, the other 80 fail at once with a typed deadline error, nothing is throttled
/// by the server, and everything is over by one second.
#[tokio::test(start_paused = true)]
async fn a_hundred_sends_of_a_twenty_per_second_action_end_within_their_one_second_budget() {
    let emulator = throttling_emulator().await;
    let client = example_client(&emulator.endpoint())
        .rate_limit(true)
        .retry(RetryConfig::standard().with_max_total_time(Duration::from_secs(1)))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut calls = JoinSet::new();
    for port in 1000..1100 {
        let client = client.clone();
        calls.spawn(async move { (client.send(create(port)).await, started.elapsed()) });
    }
    let (mut created, mut out_of_time) = (0, 0);
    while let Some(joined) = calls.join_next().await {
        let (result, finished_at) = joined.unwrap();
        assert!(finished_at <= Duration::from_secs(1), "{finished_at:?}");
        match result {
            Ok(_) => created += 1,
            Err(Error::Deadline(error)) => {
                assert_eq!(error.waiting, Waiting::RateLimiter);
                assert_eq!(error.action, "CreateTCPListeners");
                out_of_time += 1;
            }
            Err(other) => panic!("a success or a deadline error expected: {other:?}"),
        }
    }
    assert_eq!((created, out_of_time), (20, 80));
    assert_eq!(emulator.request_count("CreateTCPListeners"), 20);
    assert_eq!(emulator.listener_count(), 20);
    assert!(started.elapsed() <= Duration::from_secs(1));
}

/// A server that admits `per_window` requests per one-second window of tokio's clock, counted
/// from when it started, and refuses the others with `RequestLimitExceeded`; the instants of
/// the requests it received.
async fn windowed_server(per_window: u32) -> (Server, Arc<Mutex<Vec<Duration>>>) {
    let started = Instant::now();
    let windows: Mutex<HashMap<u64, u32>> = Mutex::default();
    let arrivals: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let log = arrivals.clone();
    let server = Server::start(move |_, _| {
        let at = started.elapsed();
        log.lock().unwrap().push(at);
        let mut windows = windows.lock().unwrap();
        let count = windows.entry(at.as_secs()).or_default();
        *count += 1;
        if *count > per_window {
            (
                200,
                JSON,
                api_error("RequestLimitExceeded", "1/s", "r-slow"),
            )
        } else {
            (200, JSON, listeners_ok("r-ok"))
        }
    })
    .await;
    (server, arrivals)
}

/// Two calls at once of an action the server limits to one per second: the second is
/// throttled, and its retry waits into the next second rather than be refused again inside the
/// same one (the standard backoff alone, 0 to 400 ms, would keep it there).
#[tokio::test(start_paused = true)]
async fn two_calls_at_one_per_second_both_succeed_with_retries() {
    let (server, arrivals) = windowed_server(1).await;
    let client = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .endpoint(&server.url)
        .no_proxy()
        .build()
        .unwrap();
    let (first, second) = tokio::join!(client.send(seed_request()), client.send(seed_request()));
    first.unwrap();
    second.unwrap();
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 3, "{arrivals:?}");
    assert!(arrivals[2] >= Duration::from_secs(1), "{arrivals:?}");
}

/// Credentials that take longer than the budget: the call ends with the budget, typed.
#[derive(Debug)]
struct Slow;

impl gaap::ProvideCredentials for Slow {
    fn provide(&self) -> gaap::credentials::ProvideFuture<'_> {
        Box::pin(async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok::<_, CredentialsError>(Credentials::new("id", "key"))
        })
    }
}

#[tokio::test(start_paused = true)]
async fn waiting_for_credentials_counts_against_the_budget() {
    let server = Server::start(|_, _| (200, JSON, listeners_ok("r"))).await;
    let client = Client::builder()
        .credentials(Slow)
        .endpoint(&server.url)
        .no_proxy()
        .retry(RetryConfig::standard().with_max_total_time(Duration::from_secs(2)))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.send(seed_request()).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    let Error::Deadline(deadline) = &error else {
        panic!("a deadline error expected: {error:?}");
    };
    assert_eq!(deadline.waiting, Waiting::Credentials);
    assert_eq!(error.fate(), Fate::NotSent);
    assert!(error.to_string().contains("budget of 2s"), "{error}");
    assert_eq!(server.count(), 0);
}

/// The limiter's queue for one action is bounded: past it, a call fails at once, typed, instead
/// of queueing without end.
#[tokio::test(start_paused = true)]
async fn the_rate_limiter_queue_is_bounded() {
    let client = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .endpoint(refused_url().await)
        .no_proxy()
        .rate_limit(true)
        .retry(RetryConfig::disabled().with_max_total_time(Duration::from_secs(3600)))
        .build()
        .unwrap();
    let queued = gaap::rate_limit::MAX_QUEUED_CALLS as usize;
    let mut calls = JoinSet::new();
    // One that starts at once, the queue's worth, and one more.
    for _ in 0..queued + 2 {
        let client = client.clone();
        calls.spawn(async move { client.send(seed_request()).await });
    }
    let mut full = 0;
    while let Some(joined) = calls.join_next().await {
        match joined.unwrap() {
            Err(Error::QueueFull(error)) => {
                assert_eq!(error.limit as usize, queued);
                full += 1;
            }
            Err(Error::Transport(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(full, 1);
}

/// CloseProxies has a `ClientToken`: after a gateway error on every attempt, the error carries
/// the token all the attempts carried, and a later try with it is the same operation.
#[tokio::test]
async fn the_client_token_of_a_call_whose_every_attempt_failed_is_in_its_error() {
    let server = Server::start(|n, _| match n {
        0..=2 => (502, "text/html", "<html>502 Bad Gateway</html>".into()),
        _ => (
            200,
            JSON,
            api_error("InternalError", "try later", "r-answered"),
        ),
    })
    .await;
    let client = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .endpoint(&server.url)
        .no_proxy()
        .retry(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_backoff(MS, MS),
        )
        .build()
        .unwrap();
    let mut request = gaap::CloseProxiesRequest::builder()
        .proxy_ids(vec!["link-bjkpdum1".to_owned()])
        .build();
    assert_eq!(request.client_token, None);
    let error = client.send(request.clone()).await.unwrap_err();
    assert!(matches!(error, Error::MalformedResponse(_)), "{error:?}");
    assert_eq!(error.fate(), Fate::Unknown);
    let token = error
        .client_token()
        .expect("the call carried a token")
        .to_owned();
    let sent: Vec<String> = server
        .received()
        .iter()
        .map(|r| r.json()["ClientToken"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sent, [token.clone(), token.clone(), token.clone()]);

    // Trying again later, as the documentation of `Error::client_token` shows.
    request.client_token = Some(token.clone());
    let answered = client.send(request).await.unwrap_err();
    assert_eq!(server.received()[3].json()["ClientToken"], token.as_str());
    // The API's own errors carry it too.
    assert_eq!(answered.client_token(), Some(token.as_str()));
    assert_eq!(answered.code(), Some("InternalError"));
}

/// Every kind of failure after the token was filled keeps it: a dropped connection, a deadline.
#[tokio::test]
async fn transport_and_deadline_errors_carry_the_client_token() {
    let dropped = RawServer::start(Misbehaviour::DropAfterRequest).await;
    let client = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .endpoint(&dropped.url)
        .no_proxy()
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let close = || {
        gaap::CloseProxiesRequest::builder()
            .proxy_ids(vec!["link-bjkpdum1".to_owned()])
            .build()
    };
    let error = client.send(close()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.client_token().is_some());

    let client = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .endpoint(&dropped.url)
        .no_proxy()
        .retry(RetryConfig::standard().with_max_total_time(Duration::ZERO))
        .build()
        .unwrap();
    let mut request = close();
    request.client_token = Some("my-own-token".into());
    let error = client.send(request).await.unwrap_err();
    assert!(
        matches!(&error, Error::Deadline(d) if d.waiting == Waiting::Sending),
        "{error:?}"
    );
    assert_eq!(error.client_token(), Some("my-own-token"));
    // Nothing was sent, for an action without a token: no token to tell.
    let error = client.send(seed_request()).await.unwrap_err();
    assert!(matches!(error, Error::Deadline(_)), "{error:?}");
    assert_eq!(error.client_token(), None);
}

/// The documentation limits GET requests to 32 KB: a longer one is refused before anything is
/// sent, and the error says to use POST.
#[tokio::test]
async fn a_get_over_32_kb_is_refused_before_sending_pointing_to_post() {
    let server = Server::start(|_, _| (200, JSON, listeners_ok("r"))).await;
    let long = || {
        gaap::CreateTcpListenersRequest::builder()
            .proxy_id("link-bjkpdum1")
            .listener_name("x".repeat(33 * 1024))
            .real_server_type(gaap::create_tcp_listeners::RealServerType::Ip)
            .scheduler(gaap::create_tcp_listeners::Scheduler::RoundRobin)
            .health_check(gaap::create_tcp_listeners::HealthCheck::Disabled)
            .ports([90])
            .build()
    };
    let get = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .endpoint(&server.url)
        .no_proxy()
        .http_method(HttpMethod::Get)
        .validate_requests(false)
        .build()
        .unwrap();
    let error = get.send(long()).await.unwrap_err();
    let Error::Config(gaap::ConfigError::UrlTooLong { length, limit }) = &error else {
        panic!("UrlTooLong expected: {error:?}");
    };
    assert!(*length > *limit && *limit == 32 * 1024, "{error}");
    assert_eq!(error.fate(), Fate::NotSent);
    assert!(error.to_string().contains("POST"), "{error}");
    assert_eq!(server.count(), 0);
    // By POST the same request goes.
    let post = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .endpoint(&server.url)
        .no_proxy()
        .validate_requests(false)
        .build()
        .unwrap();
    post.send(long()).await.unwrap();
    assert_eq!(server.count(), 1);
    // A GET just under the limit goes too.
    assert!(matches!(
        get.send(seed_request()).await,
        Ok(_) | Err(Error::Api(CreateTcpListenersError::Unknown(_)))
    ));
}
