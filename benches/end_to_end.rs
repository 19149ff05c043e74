//! Calls per second through the whole path: generated request → validation → signed HTTP on
//! loopback → the emulator (signature check, strict decoding, state) → typed response.
//!
//! Run: `cargo bench --bench end_to_end`. Criterion reports each case's time per call and its
//! throughput in calls per second ("elem/s"):
//! - `emulator/1_task`: one call at a time;
//! - `emulator/64_tasks`: 64 tasks calling at once on one shared client;
//! - `canned/*`: the same client against a trivial axum handler that returns a fixed answer
//!   without checking anything: the client's ceiling, and by difference the emulator's cost.
//!
//! The emulator runs with throttling off, the client without its rate limiter. The emulator and
//! the client run on runtimes of their own whose worker threads are named (`emulator-*`,
//! `canned-*`), so that after criterion's measurements the bench can say, for a fixed number of
//! calls, how the CPU time splits between the server side and the client side (thread CPU time
//! from `/proc/self/task/*/schedstat`, Linux only; skipped elsewhere). If the server side
//! dominated, the benchmark would measure the emulator rather than the SDK.
//!
//! The call is `DescribeTCPListeners` of a proxy holding two listeners: read-only (so repeated
//! calls do not change the state) and with a typed response of some substance to decode.
//!
//! Measured on the project's 2-core machine, load average about 2 from other jobs: about 8 000
//! calls/s from one task and 31 000 from 64 tasks (the canned server: 10 000 and 26 000 to
//! 35 000; the 64-task figures are bound by the two cores and vary by ±10 % with the load). The
//! emulator takes about 40 % of the CPU, the client 60 % (canned: 31 % and 69 %): the emulator's
//! checks cost about 9 µs of CPU per call over the canned handler, and the benchmark measures the
//! client. Of the client's CPU, perf attributes about a third to the kernel's loopback TCP, a
//! sixth to malloc, a quarter to reqwest, hyper and tokio, and a seventh to the SDK's own code
//! (signing, JSON, decoding).

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler};
use gaap::{
    Client, CreateTcpListenersRequest, DescribeTcpListenersRequest, RetryConfig, StaticProvider,
};
use gaap_emulator::{Config, EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, Emulator, Throttling};
use tokio::runtime::Runtime;

const PROXY: &str = "link-bjkpdum1";
const CONCURRENCY: u64 = 64;

/// A multi-threaded runtime whose worker threads are named `{name}-N`.
fn runtime(name: &'static str, workers: usize) -> Runtime {
    let built = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name_fn(move || {
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            format!("{name}-{n}")
        })
        .enable_all()
        .build();
    match built {
        Ok(runtime) => runtime,
        Err(error) => panic!("cannot build the {name} runtime: {error}"),
    }
}

fn client(endpoint: &str) -> Client {
    let built = Client::builder()
        .credentials(StaticProvider::new(EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY))
        .endpoint(endpoint)
        .no_proxy()
        .rate_limit(false)
        .retry(RetryConfig::disabled())
        .build();
    match built {
        Ok(client) => client,
        Err(error) => panic!("{error}"),
    }
}

fn describe() -> DescribeTcpListenersRequest {
    DescribeTcpListenersRequest::builder()
        .proxy_id(PROXY)
        .build()
}

async fn call(client: &Client) {
    match client.send(describe()).await {
        Ok(response) => assert_eq!(response.total_count, 2),
        Err(error) => panic!("{error}"),
    }
}

/// `calls` calls, one at a time.
async fn sequential(client: &Client, calls: u64) {
    for _ in 0..calls {
        call(client).await;
    }
}

/// `calls` calls, one at a time, from a task of the current runtime: on a worker thread, as the
/// tasks of `concurrent` run, rather than on the thread that blocks on the runtime (which would
/// add a hand-off between threads to every call).
async fn one_task(client: &Client, calls: u64) {
    let client = client.clone();
    if let Err(error) = tokio::spawn(async move { sequential(&client, calls).await }).await {
        panic!("{error}");
    }
}

/// `calls` calls spread over `CONCURRENCY` tasks of the current runtime.
async fn concurrent(client: &Client, calls: u64) {
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..CONCURRENCY {
        let client = client.clone();
        let share = calls / CONCURRENCY + u64::from(task < calls % CONCURRENCY);
        tasks.spawn(async move { sequential(&client, share).await });
    }
    while let Some(joined) = tasks.join_next().await {
        if let Err(error) = joined {
            panic!("{error}");
        }
    }
}

/// The emulator, with throttling off and two listeners on `PROXY`; and the body of its answer
/// to `describe()`, for the canned server.
fn start_emulator(server: &Runtime, client_runtime: &Runtime) -> (Emulator, Vec<u8>) {
    let emulator = server.block_on(async {
        match Emulator::start_with(Config::builtin().with_throttling(Throttling::Off)).await {
            Ok(emulator) => emulator,
            Err(error) => panic!("{error}"),
        }
    });
    let client = client(&emulator.endpoint());
    let body = client_runtime.block_on(async {
        let create = CreateTcpListenersRequest::builder()
            .proxy_id(PROXY)
            .listener_name("bench")
            .real_server_type(RealServerType::Ip)
            .scheduler(Scheduler::RoundRobin)
            .health_check(HealthCheck::Enabled)
            .ports([90, 91])
            .build();
        if let Err(error) = client.send(create).await {
            panic!("{error}");
        }
        match client.send(describe()).await {
            Ok(response) => serde_json::to_vec(&serde_json::json!({ "Response": response })),
            Err(error) => panic!("{error}"),
        }
    });
    match body {
        Ok(body) => (emulator, body),
        Err(error) => panic!("{error}"),
    }
}

/// A server that answers every request with `body`, checking nothing.
fn start_canned(server: &Runtime, body: Vec<u8>) -> String {
    let body = Arc::new(body);
    server.block_on(async move {
        let app = axum::Router::new().fallback(move || {
            let body = body.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    body.as_ref().clone(),
                )
            }
        });
        let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => listener,
            Err(error) => panic!("{error}"),
        };
        let endpoint = match listener.local_addr() {
            Ok(addr) => format!("http://{addr}"),
            Err(error) => panic!("{error}"),
        };
        tokio::spawn(async move { axum::serve(listener, app).await });
        endpoint
    })
}

fn bench_against(c: &mut Criterion, name: &str, client_runtime: &Runtime, client: &Client) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(1));
    group.bench_function("1_task", |b| {
        b.iter_custom(timed(client_runtime, client, false))
    });
    group.bench_function("64_tasks", |b| {
        b.iter_custom(timed(client_runtime, client, true))
    });
    group.finish();
}

/// A run of `calls` calls, one at a time or over `CONCURRENCY` tasks; how long it took.
fn timed<'a>(
    client_runtime: &'a Runtime,
    client: &'a Client,
    parallel: bool,
) -> impl Fn(u64) -> Duration + 'a {
    move |calls| {
        let started = Instant::now();
        if parallel {
            client_runtime.block_on(concurrent(client, calls));
        } else {
            client_runtime.block_on(one_task(client, calls));
        }
        started.elapsed()
    }
}

/// CPU time (nanoseconds) of this process's threads, summed by whether the thread's name starts
/// with `server_prefix`. `None` where `/proc` does not say.
fn cpu_split(server_prefix: &str) -> Option<(u64, u64)> {
    let (mut server, mut rest) = (0, 0);
    for entry in std::fs::read_dir("/proc/self/task").ok()? {
        let path = entry.ok()?.path();
        let name = std::fs::read_to_string(path.join("comm")).ok()?;
        let schedstat = std::fs::read_to_string(path.join("schedstat")).ok()?;
        let on_cpu: u64 = schedstat.split_whitespace().next()?.parse().ok()?;
        if name.starts_with(server_prefix) {
            server += on_cpu;
        } else {
            rest += on_cpu;
        }
    }
    Some((server, rest))
}

/// Runs `calls` calls (after a warm-up) and prints calls per second and the CPU split.
fn report(label: &str, server_prefix: &str, run: impl Fn(u64) -> Duration, calls: u64) {
    run(calls / 10);
    let before = cpu_split(server_prefix);
    let elapsed = run(calls);
    let after = cpu_split(server_prefix);
    let rate = calls as f64 / elapsed.as_secs_f64();
    print!("{label:<22} {calls} calls in {elapsed:>8.2?}: {rate:>8.0} calls/s");
    if let (Some((s0, c0)), Some((s1, c1))) = (before, after) {
        let (server, client) = (s1.saturating_sub(s0), c1.saturating_sub(c0));
        let total = (server + client).max(1) as f64;
        print!(
            "; CPU {:.1} µs/call: server {:.0}%, client {:.0}% ({:.1} µs/call)",
            total / 1e3 / calls as f64,
            100.0 * server as f64 / total,
            100.0 * client as f64 / total,
            client as f64 / 1e3 / calls as f64,
        );
    }
    println!();
}

fn main() {
    // Two cores on the project's machine: two workers for the server, two for the client, and
    // the OS shares the cores between them as the load asks.
    let emulator_runtime = runtime("emulator", 2);
    let canned_runtime = runtime("canned", 2);
    let client_runtime = runtime("client", 2);
    let (emulator, canned_body) = start_emulator(&emulator_runtime, &client_runtime);
    let canned_endpoint = start_canned(&canned_runtime, canned_body);
    let to_emulator = client(&emulator.endpoint());
    let to_canned = client(&canned_endpoint);

    let mut criterion = Criterion::default().configure_from_args();
    bench_against(&mut criterion, "emulator", &client_runtime, &to_emulator);
    bench_against(&mut criterion, "canned", &client_runtime, &to_canned);
    criterion.final_summary();

    // Listing, or a quick check that the benchmarks run (`cargo test --benches`): no report.
    if std::env::args().any(|arg| matches!(arg.as_str(), "--list" | "--test" | "--profile-time")) {
        return;
    }
    println!("\nCPU split over a fixed number of calls (thread CPU time, /proc/self/task):");
    const CALLS: u64 = 20_000;
    report(
        "emulator, 1 task",
        "emulator",
        timed(&client_runtime, &to_emulator, false),
        CALLS,
    );
    report(
        "emulator, 64 tasks",
        "emulator",
        timed(&client_runtime, &to_emulator, true),
        CALLS,
    );
    report(
        "canned, 1 task",
        "canned",
        timed(&client_runtime, &to_canned, false),
        CALLS,
    );
    report(
        "canned, 64 tasks",
        "canned",
        timed(&client_runtime, &to_canned, true),
        CALLS,
    );
    drop(emulator);
}
