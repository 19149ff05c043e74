//! Typed Rust SDK for Tencent Cloud Global Application Acceleration Platform (GAAP).
//!
//! Every action under `specs/` is generated at compile time by [`gaap_api!`].

pub use gaap_runtime::*;

gaap_runtime::gaap_api!("specs/CreateTCPListeners.json");
