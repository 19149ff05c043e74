//! The cost of expanding one spec: parse, check, generate. `gaap_api!` does exactly this at
//! compile time, once per spec, so it is part of every build of a crate that uses it.

use criterion::{Criterion, criterion_group, criterion_main};
use gaap_codegen::{Options, expand_action_str};

const SEED_SPEC: &str = include_str!("../../specs/CreateTCPListeners.json");

fn expand(c: &mut Criterion) {
    let options = Options::default();
    c.bench_function("expand CreateTCPListeners", |b| {
        b.iter(|| expand_action_str("specs/CreateTCPListeners.json", SEED_SPEC, &options).unwrap())
    });
    c.bench_function("expand CreateTCPListeners to text", |b| {
        // What rustc receives: the token stream rendered (proc_macro converts it similarly).
        b.iter(|| {
            expand_action_str("specs/CreateTCPListeners.json", SEED_SPEC, &options)
                .unwrap()
                .to_string()
        })
    });
}

criterion_group!(benches, expand);
criterion_main!(benches);
