//! Compile-fail cases, checked with trybuild: each kind of bad spec, and each misuse of the
//! generated API, gives a compile error a user can act on. The expected messages are the
//! `.stderr` files next to the cases under `tests/ui/`; review them like code.

use std::process::Command;

/// trybuild compiles each case in a scratch crate whose manifest directory is not ours; the
/// macro resolves spec paths against `GAAP_SPEC_BASE_DIR` instead. Setting a variable of the
/// running process is `unsafe` in edition 2024 (and the workspace forbids `unsafe`), so the test
/// runs itself again with the variable set, and the cases run in that child.
const BASE_DIR: &str = "GAAP_SPEC_BASE_DIR";

#[test]
fn ui() {
    if std::env::var_os(BASE_DIR).is_some() {
        let cases = trybuild::TestCases::new();
        cases.compile_fail("tests/ui/*.rs");
        return;
    }
    let status = Command::new(std::env::current_exe().expect("the test binary's path"))
        .args(["ui", "--exact", "--nocapture", "--test-threads=1"])
        .env(BASE_DIR, env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("the test binary runs again");
    assert!(
        status.success(),
        "a compile-fail case did not fail as its .stderr says (output above)"
    );
}
