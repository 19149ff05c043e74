//! Arbitrary bytes as a spec file through the generator (parse, check, expand): it must never
//! panic, whatever the file holds. A spec it accepts must expand to Rust that parses.
//!
//! Run: `cargo +nightly fuzz run spec` from the repository root.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = gaap_codegen::Options::default();
    if let Ok(tokens) = gaap_codegen::expand_action_str("fuzz.json", text, &options) {
        let _ = tokens.to_string();
    }
});
