//! Typed Rust SDK for Tencent Cloud Global Application Acceleration Platform (GAAP).
//!
//! Every action whose spec is under `specs/` is generated at compile time by [`gaap_api!`]: a
//! module per action (`create_tcp_listeners`) with the request and its builder, the response and
//! the error enum, re-exported here (`CreateTcpListenersRequest`). Object types shared by several
//! actions are in [`types`]. The runtime (client, signing, credentials) is re-exported as well, so
//! this crate is the only dependency a user needs.
#![warn(missing_docs)]

pub use gaap_runtime::*;

include!(concat!(env!("OUT_DIR"), "/actions.rs"));
