//! What every end-to-end test needs: an emulator on a free port of 127.0.0.1, a client pointed at
//! it, and the requests the scenarios send.
//!
//! Every emulator made here holds its answers to the specs: each success is checked member by
//! member, nested types included, against the action's response in `specs/` before it is sent
//! (the emulator's `Config::with_answer_check`); one that departs from it reaches the test as
//! `InternalError` naming what is wrong. The typed client reads responses leniently, as a client
//! should; this is what keeps the emulator exact.

use std::time::Duration;

use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler};
use gaap::{
    Client, ClientBuilder, CreateTcpListenersRequest, DeleteListenersRequest,
    DescribeTcpListenersRequest, RetryConfig, StaticProvider,
};
use gaap_emulator::{Config, EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, Emulator};

/// The seed example's proxy (`RUNNING` in the built-in fixtures).
pub const PROXY: &str = "link-bjkpdum1";
/// A built-in proxy group that is `RUNNING`.
pub const GROUP: &str = "lg-bjkpdum1";
/// The action whose listeners the tests count.
pub const CREATE: &str = "CreateTCPListeners";
pub const DESCRIBE: &str = "DescribeTCPListeners";
pub const DELETE: &str = "DeleteListeners";

/// Long enough never to fire on a loaded CI machine unless something hangs: liveness only,
/// nothing is asserted about durations.
pub const LIVENESS: Duration = Duration::from_secs(120);

/// Retries on, with small backoffs: the tests check what is retried, not how long it waits.
pub fn fast_retries(max_attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(max_attempts)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(10))
}

/// The out-of-the-box emulator, with transitions that take no time.
pub async fn emulator() -> Emulator {
    emulator_with(Config::builtin()).await
}

/// The emulator's answers, member by member against the specs (`strict`).
#[path = "../../gaap-emulator/tests/common/strict.rs"]
mod strict;

/// `config`, holding every successful answer to its spec.
pub fn strict(config: Config) -> Config {
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    config.with_answer_check(move |action, response| {
        let problems = strict::response_problems(&specs, action, response);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    })
}

/// An emulator of `config` whose transitions take no time: these tests delete what they
/// create at once (the family tests and the workflow look at the transitions, on a manual clock).
pub async fn emulator_with(config: Config) -> Emulator {
    let config = strict(config).with_transition_time(Duration::ZERO);
    match Emulator::start_with(config).await {
        Ok(emulator) => emulator,
        Err(error) => panic!("the emulator did not start: {error}"),
    }
}

/// A client of `emulator` signing with the example key pair, retries on (three attempts, as the
/// default policy has), no proxy from the environment.
pub fn client_of(emulator: &Emulator) -> ClientBuilder {
    Client::builder()
        .credentials(StaticProvider::new(EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY))
        .endpoint(emulator.endpoint())
        .no_proxy()
        .retry(fast_retries(3))
        .timeout(LIVENESS)
}

pub fn build(builder: ClientBuilder) -> Client {
    match builder.build() {
        Ok(client) => client,
        Err(error) => panic!("the client could not be built: {error}"),
    }
}

/// The seed's CreateTCPListeners on `ports` of proxy `proxy`, with `ConnectTimeout` below
/// `DelayLoop` so that it validates.
pub fn create_on_proxy(proxy: &str, ports: &[u64]) -> CreateTcpListenersRequest {
    CreateTcpListenersRequest::builder()
        .proxy_id(proxy)
        .listener_name("e2e")
        .real_server_type(RealServerType::Ip)
        .scheduler(Scheduler::RoundRobin)
        .delay_loop(20)
        .connect_timeout(10)
        .health_check(HealthCheck::Enabled)
        .ports(ports.to_vec())
        .build()
}

pub fn create_on_group(group: &str, ports: &[u64]) -> CreateTcpListenersRequest {
    CreateTcpListenersRequest::builder()
        .group_id(group)
        .listener_name("e2e")
        .real_server_type(RealServerType::Domain)
        .scheduler(Scheduler::LeastConnections)
        .health_check(HealthCheck::Disabled)
        .ports(ports.to_vec())
        .build()
}

pub fn describe_proxy(proxy: &str) -> DescribeTcpListenersRequest {
    DescribeTcpListenersRequest::builder()
        .proxy_id(proxy)
        .limit(100)
        .build()
}

pub fn delete_on_proxy(proxy: &str, listener_ids: Vec<String>) -> DeleteListenersRequest {
    DeleteListenersRequest::builder()
        .listener_ids(listener_ids)
        .force(gaap::delete_listeners::Force::Allowed)
        .proxy_id(proxy)
        .build()
}

/// The ports of the listeners the emulator holds on `owner`, sorted.
pub fn ports_on(emulator: &Emulator, owner: &str) -> Vec<u16> {
    let mut ports: Vec<u16> = emulator
        .listeners_on(owner)
        .iter()
        .map(|l| l.port)
        .collect();
    ports.sort_unstable();
    ports
}

/// An emulator on a manual clock (transitions take [`gaap_emulator::DEFAULT_TRANSITION_TIME`]
/// on it, and nothing moves unless the test advances it), throttling off, and its client.
pub async fn on_manual_clock() -> (Emulator, gaap_emulator::ManualClock, Client) {
    let clock = gaap_emulator::ManualClock::at_system_now();
    let config = strict(Config::builtin())
        .with_clock(clock.clone())
        .with_throttling(gaap_emulator::Throttling::Off);
    let emulator = match Emulator::start_with(config).await {
        Ok(emulator) => emulator,
        Err(error) => panic!("the emulator did not start: {error}"),
    };
    let client = build(client_of(&emulator));
    (emulator, clock, client)
}

/// Moves the clock past one transition.
pub fn settle(clock: &gaap_emulator::ManualClock) {
    clock.advance(gaap_emulator::DEFAULT_TRANSITION_TIME);
}

/// A typed request read from its JSON body, strictly (unknown or missing parameters fail): the
/// tests write requests as the API documentation shows them.
#[track_caller]
pub fn req<A: gaap::Action>(body: serde_json::Value) -> A {
    match gaap::wire::request_from_json(&body) {
        Ok(request) => request,
        Err(error) => panic!("{}: {error}", A::ACTION),
    }
}

/// A typed response as its JSON, to compare members whose Rust type may change (statuses).
pub fn json_of<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// Sends `request`, which must succeed; its typed response.
#[track_caller]
pub fn ok<A: gaap::Action>(
    client: &Client,
    request: A,
) -> impl std::future::Future<Output = A::Response> + '_ {
    let action = A::ACTION;
    async move {
        match client.send(request).await {
            Ok(response) => response,
            Err(error) => panic!("{action}: {error}"),
        }
    }
}

/// Sends `request`, which must fail with an API error; its code (checked to be one the action
/// documents: the typed error has a variant for it).
pub async fn code<A: gaap::Action>(client: &Client, request: A) -> String {
    use gaap::ApiError as _;
    let action = A::ACTION;
    match client.send(request).await {
        Err(gaap::Error::Api(error)) => {
            let code = error.code().to_owned();
            assert!(
                error.description().is_some(),
                "{action}: {code} is not documented for it"
            );
            code
        }
        Err(other) => panic!("{action}: expected an API error, got {other}"),
        Ok(_) => panic!("{action}: expected an API error, got a success"),
    }
}

/// Sends the request whose JSON body is `body` through the typed client; the typed response,
/// as JSON (wire names), for assertions.
pub async fn call<A: gaap::Action>(client: &Client, body: serde_json::Value) -> serde_json::Value
where
    A::Response: serde::Serialize,
{
    json_of(&ok(client, req::<A>(body)).await)
}

/// Sends the request whose JSON body is `body`, which must fail; the documented code.
pub async fn fails<A: gaap::Action>(client: &Client, body: serde_json::Value) -> String {
    code(client, req::<A>(body)).await
}

/// The strings of a JSON array.
pub fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A client clock that reads tokio's clock, and brings the emulator's manual `clock` up to it
/// whenever the client signs an attempt (before every request): on a paused runtime, the
/// emulator's transitions and rate limits then follow the virtual time the client sleeps
/// through (a waiter's delays, the rate limiter's spacing), exactly, and nothing else moves it.
///
/// Why not advance the emulator's clock from the test: the waiter sleeps inside `Client::wait`,
/// where the test cannot step in between two polls. Why not real time: a waiter's delays are
/// seconds. The catch of a paused clock is that tokio moves it to the next timer whenever the
/// runtime has nothing to do. The emulator runs on the test's own (single-threaded) runtime and
/// loopback delivers a write at once, so while a request is in flight the runtime is busy
/// serving it rather than idle. Were the clock ever to jump during a request, it would jump to
/// a far timer (the request timeout, `LIVENESS`) and show as a failed test (a timeout, a wrong
/// number of polls), never as a pass.
pub fn linked_clock(clock: &gaap_emulator::ManualClock) -> gaap::credentials::Clock {
    let start = tokio::time::Instant::now();
    let base = clock.now_unix_nanos();
    let clock = clock.clone();
    std::sync::Arc::new(move || {
        let elapsed = tokio::time::Instant::now() - start;
        let target = base.saturating_add(i64::try_from(elapsed.as_nanos()).unwrap_or(i64::MAX));
        let now = clock.now_unix_nanos();
        if target > now {
            clock.advance(Duration::from_nanos(
                u64::try_from(target - now).unwrap_or(0),
            ));
        }
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(clock.now_unix_nanos()))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    })
}

/// A client of `emulator` on [`linked_clock`].
pub fn linked_client(emulator: &Emulator, clock: &gaap_emulator::ManualClock) -> Client {
    build(client_of(emulator).clock(linked_clock(clock)))
}
