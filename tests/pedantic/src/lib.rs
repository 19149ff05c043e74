//! A user's crate that holds itself to `clippy::pedantic` and generates actions with the macros:
//! one action with its own types module, two that share theirs. `cargo clippy --workspace
//! --all-targets -- -D warnings` (CI) lints it like any crate of the workspace, so a lint that
//! fires in generated code fails the build here, in the user's place.
#![deny(clippy::pedantic, missing_docs)]

/// Object types and enumerations shared by the two actions below.
pub mod types {
    gaap_runtime::gaap_types!(
        "../../specs/CreateRule.json",
        "../../specs/DescribeTCPListeners.json"
    );
}

gaap_runtime::gaap_api!("../../specs/CreateRule.json", types = crate::types);
gaap_runtime::gaap_api!(
    "../../specs/DescribeTCPListeners.json",
    types = crate::types
);
gaap_runtime::gaap_api!("../../specs/CreateTCPListeners.json");

/// A request built as a user would, so that the user's own code around the generated API is
/// linted too.
#[must_use]
pub fn seed_request() -> CreateTcpListenersRequest {
    CreateTcpListenersRequest::builder()
        .proxy_id("link-bjkpdum1")
        .listener_name("test1")
        .real_server_type(create_tcp_listeners::RealServerType::Ip)
        .scheduler(create_tcp_listeners::Scheduler::RoundRobin)
        .health_check(create_tcp_listeners::HealthCheck::Enabled)
        .ports([90])
        .build()
}
