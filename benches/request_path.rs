//! The cost of everything a call does before the network: build the seed's CreateTCPListeners,
//! validate, serialize to JSON, sign with TC3 and assemble the headers — through
//! `Client::dry_run_with`, which is `Client::prepare` then `Client::sign`, the two stages `send`
//! runs (prepare once per call, sign once per attempt).
//!
//! Run: `cargo bench --bench request_path`. Target on the project's 2-core machine: ≤ 2 µs for
//! the whole path. TC3 signing alone is `cargo bench -p gaap-runtime --bench signing`;
//! `sign_only_minimal_signed_headers` signs as the official SDKs do (`content-type;host`), for
//! the cost of also signing `x-tc-action`, which the client does by default.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler};
use gaap::{Client, CreateTcpListenersRequest, Credentials, SigningInputs, StaticProvider};

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

/// The seed's request. The documented example sends `ConnectTimeout` = `DelayLoop` = 20, which
/// breaks the documented rule `ConnectTimeout < DelayLoop`; the validated path uses 10, so that
/// it measures a request that passes validation (a failing one is not sent).
fn seed_request(connect_timeout: u64) -> CreateTcpListenersRequest {
    CreateTcpListenersRequest::builder()
        .proxy_id("link-bjkpdum1")
        .listener_name("test1")
        .real_server_type(RealServerType::Ip)
        .scheduler(Scheduler::RoundRobin)
        .delay_loop(20)
        .connect_timeout(connect_timeout)
        .health_check(HealthCheck::Enabled)
        .ports([90])
        .build()
}

fn request_path(c: &mut Criterion) {
    let client = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .no_proxy()
        .build()
        .unwrap();
    let unvalidated = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .no_proxy()
        .validate_requests(false)
        .build()
        .unwrap();
    let credentials = Credentials::new(SECRET_ID, SECRET_KEY);
    let inputs = SigningInputs {
        timestamp: 1_551_113_065,
        nonce: 11_886,
        trace_id: uuid::Uuid::from_u128(0x0123_4567_89ab_4def_8123_4567_89ab_cdef),
    };
    // Warms the signing-key cache (a client derives the key once per day) and checks the path
    // produces a real signature.
    let signed = client
        .dry_run_with(seed_request(10), &credentials, &inputs)
        .unwrap();
    assert!(
        signed
            .header("Authorization")
            .unwrap()
            .starts_with("TC3-HMAC-SHA256 Credential=")
    );

    let mut group = c.benchmark_group("request_path");
    group.bench_function("build_validate_serialize_sign", |b| {
        b.iter(|| {
            client
                .dry_run_with(black_box(seed_request(10)), &credentials, &inputs)
                .unwrap()
        })
    });
    group.bench_function("seed_unvalidated", |b| {
        b.iter(|| {
            unvalidated
                .dry_run_with(black_box(seed_request(20)), &credentials, &inputs)
                .unwrap()
        })
    });
    group.bench_function("prepare_only", |b| {
        b.iter(|| client.prepare(&mut black_box(seed_request(10))).unwrap())
    });
    let prepared = client.prepare(&mut seed_request(10)).unwrap();
    group.bench_function("sign_only", |b| {
        b.iter(|| {
            client
                .sign(black_box(&prepared), &credentials, &inputs)
                .unwrap()
        })
    });
    // The official SDKs' minimal `content-type;host`, against the default that also signs
    // `x-tc-action`: the price of a signature that cannot be replayed as another action.
    let minimal = Client::builder()
        .credentials(StaticProvider::new(SECRET_ID, SECRET_KEY))
        .no_proxy()
        .signed_headers(gaap::SignedHeaders::Minimal)
        .build()
        .unwrap();
    minimal.sign(&prepared, &credentials, &inputs).unwrap();
    group.bench_function("sign_only_minimal_signed_headers", |b| {
        b.iter(|| {
            minimal
                .sign(black_box(&prepared), &credentials, &inputs)
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, request_path);
criterion_main!(benches);
