//! Credentials given in code: the provider for a secret id and key the application already has.

use super::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, checked_credentials,
};

const NAME: &str = "static";

/// Supplies the credentials it was built with.
///
/// The fields are checked when [`ProvideCredentials::provide`] runs, so that a bad value (empty,
/// or with a stray newline) is reported as an error rather than a panic.
#[derive(Debug, Clone)]
pub struct StaticProvider {
    credentials: Credentials,
}

impl StaticProvider {
    /// Long-lived credentials.
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        StaticProvider {
            credentials: Credentials::new(secret_id, secret_key),
        }
    }

    /// Temporary credentials with their token.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = self.credentials.with_token(token);
        self
    }

    /// Supplies exactly `credentials`, expiry included.
    pub fn from_credentials(credentials: Credentials) -> Self {
        StaticProvider { credentials }
    }
}

impl ProvideCredentials for StaticProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        let credentials = &self.credentials;
        let checked = checked_credentials(
            credentials.secret_id(),
            credentials.secret_key(),
            credentials.token(),
            ["secret id", "secret key", "token"],
        )
        .map(|_| credentials.clone())
        .map_err(|problem| {
            CredentialsError::misconfigured(NAME, format!("{problem}; pass the values as issued"))
        });
        if checked.is_ok() {
            tracing::debug!(provider = NAME, "credentials supplied");
        }
        Box::pin(std::future::ready(checked))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::test_support::*;

    fn run(provider: &StaticProvider) -> Result<Credentials, CredentialsError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(provider.provide())
    }

    #[test]
    fn supplies_what_it_was_given() {
        let credentials = run(&StaticProvider::new("id", SECRET_KEY).with_token(TOKEN)).unwrap();
        assert_eq!(credentials.secret_id(), "id");
        assert_eq!(credentials.secret_key(), SECRET_KEY);
        assert_eq!(credentials.token(), Some(TOKEN));
    }

    #[test]
    fn a_bad_value_is_a_misconfiguration_not_a_panic_nor_a_not_found() {
        let error = run(&StaticProvider::new("", SECRET_KEY)).unwrap_err();
        assert!(!error.is_not_found());
        assert!(error.to_string().contains("secret id is empty"), "{error}");
        let error = run(&StaticProvider::new("id", format!("{SECRET_KEY} "))).unwrap_err();
        assert!(
            error.to_string().contains("secret key contains a space"),
            "{error}"
        );
        assert_error_redacted(&error);
    }

    #[test]
    fn debug_redacts() {
        assert_redacted(&format!(
            "{:?}",
            StaticProvider::new("id", SECRET_KEY).with_token(TOKEN)
        ));
    }
}
