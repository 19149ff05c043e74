//! End to end: the generated client and the GAAP emulator over real HTTP on 127.0.0.1, each test
//! with an emulator of its own on a free port.
//!
//! One test binary with a module per subject (cargo builds and links it once):
//! - `listeners`: success, the create → describe → delete round trip with every HTTP method and
//!   signature method, each documented error as its typed variant, validation before sending;
//! - `auth`: signature, secret id, clock skew and session token failures;
//! - `faults`: each injected fault with retries enabled, and never a duplicate listener;
//! - `throttling`: the server's rate limit, retries, the client-side limiter;
//! - `concurrency`: 500 concurrent creates, all accounted for;
//! - `quickstart`: the quickstart example's walkthrough, run as the example runs it;
//! - `client_tokens`: the actions with a `ClientToken`, retried by the SDK after a lost answer;
//! - `quotas`: the emulator's limits per account and per request;
//! - `proxies`, `groups`, `protocols`, `real_servers`, `domains`, `security`, `global_domains`,
//!   `catalogue`: each family of resources of the emulator's model through the typed client;
//! - `waiters`, `paginators`: the generated waiters and paginators, on tokio's paused clock.

mod auth;
mod catalogue;
mod client_tokens;
mod concurrency;
mod domains;
mod faults;
mod global_domains;
mod groups;
mod listeners;
mod paginators;
mod protocols;
mod proxies;
mod quickstart;
mod quotas;
mod real_servers;
mod security;
mod support;
mod throttling;
mod waiters;

/// The example itself, compiled into the tests so that they run exactly its code.
#[allow(dead_code)]
#[path = "../../examples/quickstart.rs"]
mod quickstart_example;
