//! The process-wide TLS crypto provider that reqwest (built with `rustls-no-provider`) needs,
//! chosen by this crate's features: `ring` (default) or `aws-lc-rs`.
//!
//! reqwest 0.13's `rustls` feature pulls `aws-lc-rs` (and `aws-lc-sys`, the slowest crate of a
//! clean build); the SDK builds reqwest without a provider and installs the one its features
//! choose instead.

use rustls::crypto::CryptoProvider;

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
compile_error!(
    "gaap-runtime needs a TLS crypto provider: enable its `ring` (default) or `aws-lc-rs` feature"
);

/// Installs the provider of this crate's features as the rustls provider of the process, unless
/// one is installed already.
///
/// The client and the instance-role credentials call it before building their HTTP client; call
/// it yourself before building your own `reqwest::Client` (tests do). An application that
/// installed its own provider first keeps it.
pub fn ensure_tls_provider() {
    if CryptoProvider::get_default().is_none() {
        // `Err` only means another thread installed one in between, which is all we need.
        let _ = provider().install_default();
    }
}

#[cfg(feature = "aws-lc-rs")]
fn provider() -> CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

// rustls 0.23.48 deprecates this function because ring has no post-quantum key exchange, and
// offers no other way to get ring's provider. Choosing ring is deliberate (build cost, see the
// `aws-lc-rs` feature for post-quantum key exchange), so the deprecation is answered here, once,
// instead of in every build of a user who resolves fresh versions.
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
#[allow(deprecated)]
fn provider() -> CryptoProvider {
    rustls::crypto::ring::default_provider()
}
