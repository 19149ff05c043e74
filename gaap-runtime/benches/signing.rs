//! The cost of a TC3 signature of the seed's CreateTCPListeners POST body (the
//! `tc3-post-json-seed-example` vector), with the signing key cached and derived afresh.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use gaap_runtime::signing::{Tc3Request, Tc3Signer, sign_tc3};

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const BODY: &[u8] = br#"{"ProxyId": "link-bjkpdum1", "ListenerName": "test1", "RealServerType": "IP", "Scheduler": "rr", "DelayLoop": 20, "ConnectTimeout": 20, "HealthCheck": 1, "Ports": [90]}"#;
const EXPECTED_SIGNATURE: &str = "2d96ec87d44727d85f36d8399c4ddb7f4163dc90a3867706a1492d89cc27148b";

fn seed_request() -> Tc3Request<'static> {
    Tc3Request {
        method: "POST",
        host: "gaap.tencentcloudapi.com",
        path: "/",
        query: "",
        content_type: "application/json",
        payload: BODY,
        timestamp: 1_551_113_065,
        service: "gaap",
    }
}

fn tc3(c: &mut Criterion) {
    let request = seed_request();
    let signer = Tc3Signer::new();
    // Warms the cache, and makes sure the benchmark measures a correct signature.
    let warm = signer.sign(&request, SECRET_ID, SECRET_KEY).unwrap();
    assert_eq!(warm.signature, EXPECTED_SIGNATURE);

    let mut group = c.benchmark_group("tc3_seed_post");
    group.bench_function("cached_key", |b| {
        b.iter(|| signer.sign(black_box(&request), SECRET_ID, black_box(SECRET_KEY)))
    });
    group.bench_function("uncached", |b| {
        b.iter(|| sign_tc3(black_box(&request), SECRET_ID, black_box(SECRET_KEY)))
    });
    group.finish();
}

criterion_group!(benches, tc3);
criterion_main!(benches);
