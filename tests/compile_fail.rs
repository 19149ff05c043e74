//! Compile-fail cases, checked with trybuild: each kind of bad spec, and each misuse of the
//! generated API, gives a compile error a user can act on. The expected messages are the
//! `.stderr` files next to the cases under `tests/ui/`; review them like code.

#[test]
fn ui() {
    // trybuild compiles each case in a scratch crate whose manifest directory is not ours; the
    // macro resolves spec paths against this directory instead.
    // SAFETY: set before trybuild spawns anything, and no other thread of this test binary
    // reads the environment.
    unsafe { std::env::set_var("GAAP_SPEC_BASE_DIR", env!("CARGO_MANIFEST_DIR")) };
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
