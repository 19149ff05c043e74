//! Arbitrary `key=value` pairs (a GET query or form body, as a server reads it) through
//! `CreateTcpListenersRequest::from_flat`: it must never panic, and a request it accepts must
//! flatten back to pairs that read into the same request.
//!
//! Run: `cargo +nightly fuzz run unflatten` from the repository root.

#![no_main]

use libfuzzer_sys::fuzz_target;

gaap_runtime::gaap_api!("../specs/CreateTCPListeners.json");

fuzz_target!(|data: &[u8]| {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(data).into_owned().collect();
    let parsed =
        CreateTcpListenersRequest::from_flat(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    match parsed {
        Ok(request) => {
            let flat = request.flatten();
            let again = CreateTcpListenersRequest::from_flat(flat.iter())
                .expect("our own flattening reads back");
            assert_eq!(again, request);
            let _ = request.validate();
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
