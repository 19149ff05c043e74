//! The process-wide TLS crypto provider that reqwest (built with `rustls-no-provider`) needs.
//!
//! reqwest 0.13's `rustls` feature pulls `aws-lc-rs` (and `aws-lc-sys`, the slowest crate of a
//! clean build); the SDK builds reqwest without a provider and installs `ring` instead.

/// Installs `ring` as the rustls provider of the process unless one is installed already.
///
/// Call it before building any `reqwest::Client`: without an installed provider, building one
/// can panic. An application that installed its own provider first keeps it.
pub(crate) fn ensure_tls_provider() {
    // `Err` only means a provider is already installed, which is all we need.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
