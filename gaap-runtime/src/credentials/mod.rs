//! Credentials: where the secret id, secret key and token come from.
//!
//! This module owns the [`Credentials`] value the signer reads, the [`ProvideCredentials`] trait
//! a client holds as `Arc<dyn ProvideCredentials>`, the providers the official SDKs have
//! (static, environment, INI profile, CVM instance role, and the default chain of the last three)
//! and [`CredentialsCache`], which refreshes temporary credentials before they expire with one
//! refresh however many calls wait for it.
//!
//! The secret key and the token never appear in `Debug` output, logs or error messages.

mod cache;
mod chain;
mod env;
mod error;
mod instance_role;
mod profile;
mod static_provider;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use time::OffsetDateTime;

pub use cache::{
    Clock, CredentialsCache, DEFAULT_REFRESH_MARGIN, EXPIRY_SAFETY_MARGIN, FAILURE_BACKOFF,
    MAX_FAILURE_BACKOFF,
};
pub use chain::ChainProvider;
pub use env::{
    CREDENTIALS_FILE_VAR, EnvLookup, EnvironmentProvider, SECRET_ID_VAR, SECRET_KEY_VAR,
    SESSION_TOKEN_VAR,
};
pub use error::{CredentialsError, NotFound};
pub use instance_role::{
    DEFAULT_METADATA_BASE_URL, DEFAULT_METADATA_TIMEOUT, InstanceRoleProvider,
};
pub use profile::{DEFAULT_PROFILE, MAX_CREDENTIALS_FILE_BYTES, ProfileProvider};
pub use static_provider::StaticProvider;

/// A secret id, a secret key and, for temporary credentials, a token and an expiry.
///
/// Cheap to clone (the strings are shared). `Debug` shows the secret id and the expiry only.
#[derive(Clone)]
pub struct Credentials(Arc<CredentialsParts>);

#[derive(Clone)]
struct CredentialsParts {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    expiry: Option<OffsetDateTime>,
}

impl Credentials {
    /// Long-lived credentials: no token, no expiry.
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials(Arc::new(CredentialsParts {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: None,
            expiry: None,
        }))
    }

    /// Adds the token of temporary credentials (sent as `X-TC-Token`).
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.0).token = Some(token.into());
        self
    }

    /// Adds the instant after which the server rejects these credentials.
    pub fn with_expiry(mut self, expiry: OffsetDateTime) -> Self {
        Arc::make_mut(&mut self.0).expiry = Some(expiry);
        self
    }

    /// The secret id (`AKID...`), sent in clear in the `Authorization` header.
    pub fn secret_id(&self) -> &str {
        &self.0.secret_id
    }

    /// The secret key, used only to compute signatures. Never log it.
    pub fn secret_key(&self) -> &str {
        &self.0.secret_key
    }

    /// The token of temporary credentials. Never log it.
    pub fn token(&self) -> Option<&str> {
        self.0.token.as_deref()
    }

    /// When temporary credentials expire; `None` for long-lived ones.
    pub fn expiry(&self) -> Option<OffsetDateTime> {
        self.0.expiry
    }

    /// Whether `self` and `other` are the same credentials (clones of one value).
    pub fn same_as(&self, other: &Credentials) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const REDACTED: &str = "** redacted **";
        f.debug_struct("Credentials")
            .field("secret_id", &self.0.secret_id)
            .field("secret_key", &REDACTED)
            .field("token", &self.0.token.as_ref().map(|_| REDACTED))
            .field("expiry", &self.0.expiry)
            .finish()
    }
}

/// The future [`ProvideCredentials::provide`] returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials. Object-safe: a client holds `Arc<dyn ProvideCredentials>`.
///
/// A provider that finds nothing returns [`CredentialsError::NotFound`], so that a
/// [`ChainProvider`] moves on to the next one; any other error means it found something broken,
/// and stops the chain.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Looks the credentials up (reading a file, calling the metadata service...).
    fn provide(&self) -> ProvideFuture<'_>;

    /// Says that the server refused `credentials` (`AuthFailure.TokenFailure`: temporary
    /// credentials revoked or expired early): a provider that keeps credentials stops handing
    /// these out, so that the next [`provide`](Self::provide) fetches fresh ones, and returns
    /// `true`; then the client tries the call once more. The client calls it at most once per
    /// call. A provider that keeps nothing has nothing to drop: `false`, the default.
    fn invalidate(&self, credentials: &Credentials) -> bool {
        let _ = credentials;
        false
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide(&self) -> ProvideFuture<'_> {
        (**self).provide()
    }
    fn invalidate(&self, credentials: &Credentials) -> bool {
        (**self).invalidate(credentials)
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Box<P> {
    fn provide(&self) -> ProvideFuture<'_> {
        (**self).provide()
    }
    fn invalidate(&self, credentials: &Credentials) -> bool {
        (**self).invalidate(credentials)
    }
}

/// The provider a client uses unless told otherwise: the default chain (environment, profile,
/// CVM instance role) behind a [`CredentialsCache`].
pub fn default_provider() -> CredentialsCache<ChainProvider> {
    CredentialsCache::new(ChainProvider::default_chain())
}

/// Checks one credential field and describes the problem without quoting the value, which may be
/// a secret. The values end up in HTTP headers and HMAC keys: anything but visible ASCII is a
/// copy-paste accident (a trailing newline, a non-breaking space) that the server would reject
/// with a less helpful message.
fn check_field(name: &str, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{name} is empty"));
    }
    if let Some(position) = value.chars().position(|c| !c.is_ascii_graphic()) {
        return Err(format!(
            "{name} contains a space, control or non-ASCII character (at character {})",
            position + 1
        ));
    }
    Ok(())
}

/// Builds credentials from raw fields, checking each; `Err` holds a message without the values.
fn checked_credentials(
    secret_id: &str,
    secret_key: &str,
    token: Option<&str>,
    names: [&str; 3],
) -> Result<Credentials, String> {
    check_field(names[0], secret_id)?;
    check_field(names[1], secret_key)?;
    let credentials = Credentials::new(secret_id, secret_key);
    match token {
        Some(token) => {
            check_field(names[2], token)?;
            Ok(credentials.with_token(token))
        }
        None => Ok(credentials),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    /// The secret key every redaction test plants, distinctive enough to never occur by chance.
    pub(crate) const SECRET_KEY: &str = "sEcReTkEy0123456789zzzz";
    /// The token every redaction test plants.
    pub(crate) const TOKEN: &str = "tOkEn0123456789yyyy";

    /// Fails if `text` contains the planted secret key or token.
    #[track_caller]
    pub(crate) fn assert_redacted(text: &str) {
        assert!(!text.contains(SECRET_KEY), "secret key leaked: {text}");
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }

    /// Fails if the error's `Debug`, `Display` or any source in its chain leaks a secret.
    #[track_caller]
    pub(crate) fn assert_error_redacted(error: &super::CredentialsError) {
        assert_redacted(&format!("{error:?}"));
        assert_redacted(&error.to_string());
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            assert_redacted(&inner.to_string());
            source = inner.source();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use time::macros::datetime;

    #[test]
    fn debug_redacts_secret_key_and_token() {
        let credentials = Credentials::new("AKIDexample", SECRET_KEY)
            .with_token(TOKEN)
            .with_expiry(datetime!(2021-03-12 23:00:47 UTC));
        let debug = format!("{credentials:?}");
        assert_redacted(&debug);
        assert!(debug.contains("AKIDexample"), "{debug}");
        assert!(debug.contains("2021-03-12"), "{debug}");
        assert_redacted(&format!("{credentials:#?}"));
    }

    #[test]
    fn accessors_return_what_was_given() {
        let credentials = Credentials::new("id", "key").with_token("tok");
        assert_eq!(credentials.secret_id(), "id");
        assert_eq!(credentials.secret_key(), "key");
        assert_eq!(credentials.token(), Some("tok"));
        assert_eq!(credentials.expiry(), None);
        assert_eq!(Credentials::new("id", "key").token(), None);
    }

    #[test]
    fn with_token_on_a_clone_leaves_the_original_alone() {
        let original = Credentials::new("id", "key");
        let temporary = original.clone().with_token("tok");
        assert_eq!(original.token(), None);
        assert_eq!(temporary.token(), Some("tok"));
    }

    #[test]
    fn check_field_rejects_blank_and_invisible_characters_without_quoting_them() {
        assert!(check_field("secret_key", "abc").is_ok());
        assert_eq!(
            check_field("secret_key", "").unwrap_err(),
            "secret_key is empty"
        );
        let message = check_field("secret_key", &format!("{SECRET_KEY}\n")).unwrap_err();
        assert!(message.contains("at character 24"), "{message}");
        assert_redacted(&message);
        assert!(check_field("secret_id", "a b").is_err());
        assert!(check_field("secret_id", "é").is_err());
    }

    #[test]
    fn the_trait_is_object_safe_and_arc_forwards() {
        let provider: Arc<dyn ProvideCredentials> = Arc::new(StaticProvider::new("id", "key"));
        let twice: Arc<Arc<dyn ProvideCredentials>> = Arc::new(provider.clone());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let credentials = runtime.block_on(twice.provide()).unwrap();
        assert_eq!(credentials.secret_id(), "id");
    }
}
