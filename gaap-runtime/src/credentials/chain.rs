//! Trying providers in order, and the default order of the official SDKs.

use std::sync::Arc;

use super::{
    CredentialsError, EnvironmentProvider, InstanceRoleProvider, ProfileProvider,
    ProvideCredentials, ProvideFuture,
};

/// Asks its providers in order; the first that supplies credentials wins.
///
/// A provider that finds nothing ([`CredentialsError::is_not_found`]) passes to the next; any
/// other error stops the chain, because silently falling back to other credentials would hide a
/// broken configuration. When every provider found nothing, the error lists what each tried.
#[derive(Debug, Clone, Default)]
pub struct ChainProvider {
    providers: Vec<Arc<dyn ProvideCredentials>>,
}

impl ChainProvider {
    /// A chain without providers; add them with [`ChainProvider::then`].
    pub fn new() -> Self {
        ChainProvider::default()
    }

    /// The official SDKs' order: environment variables, then the profile file, then the CVM
    /// instance role. Not cached: wrap it in a [`super::CredentialsCache`], as
    /// [`super::default_provider`] does.
    pub fn default_chain() -> Self {
        ChainProvider::new()
            .then(EnvironmentProvider::new())
            .then(ProfileProvider::new())
            .then(InstanceRoleProvider::new())
    }

    /// Appends a provider, asked after the ones already in the chain.
    pub fn then(self, provider: impl ProvideCredentials + 'static) -> Self {
        self.then_shared(Arc::new(provider))
    }

    /// Appends a provider that is shared with other owners.
    pub fn then_shared(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.providers.push(provider);
        self
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let mut tried = Vec::with_capacity(self.providers.len());
            for (position, provider) in self.providers.iter().enumerate() {
                match provider.provide().await {
                    Ok(credentials) => {
                        tracing::debug!(
                            position,
                            "chain: credentials supplied by provider at this position"
                        );
                        return Ok(credentials);
                    }
                    Err(CredentialsError::NotFound(attempt)) => tried.push(attempt),
                    // A nested chain that found nothing: keep its details.
                    Err(CredentialsError::NoneFound(attempts)) => tried.extend(attempts),
                    Err(error) => return Err(error),
                }
            }
            Err(CredentialsError::NoneFound(tried))
        })
    }

    fn invalidate(&self, credentials: &super::Credentials) -> bool {
        let mut dropped = false;
        for provider in &self.providers {
            dropped |= provider.invalidate(credentials);
        }
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::test_support::*;
    use crate::credentials::{Credentials, EnvLookup, StaticProvider};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Answers a fixed outcome and counts how often it was asked.
    #[derive(Debug)]
    struct Fixed {
        outcome: Result<&'static str, CredentialsError>,
        calls: AtomicUsize,
    }

    impl Fixed {
        fn new(outcome: Result<&'static str, CredentialsError>) -> Arc<Self> {
            Arc::new(Fixed {
                outcome,
                calls: AtomicUsize::new(0),
            })
        }
    }

    impl ProvideCredentials for Fixed {
        fn provide(&self) -> ProvideFuture<'_> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let outcome = self
                .outcome
                .clone()
                .map(|id| Credentials::new(id, SECRET_KEY));
            Box::pin(std::future::ready(outcome))
        }
    }

    async fn run(chain: &ChainProvider) -> Result<Credentials, CredentialsError> {
        chain.provide().await
    }

    #[tokio::test]
    async fn the_first_provider_that_finds_credentials_wins() {
        let first = Fixed::new(Err(CredentialsError::not_found("one", "nothing")));
        let second = Fixed::new(Ok("second"));
        let third = Fixed::new(Ok("third"));
        let chain = ChainProvider::new()
            .then_shared(first.clone())
            .then_shared(second.clone())
            .then_shared(third.clone());
        assert_eq!(run(&chain).await.unwrap().secret_id(), "second");
        assert_eq!(first.calls.load(Ordering::SeqCst), 1);
        assert_eq!(
            third.calls.load(Ordering::SeqCst),
            0,
            "the chain stops at the winner"
        );
    }

    #[tokio::test]
    async fn a_broken_configuration_stops_the_chain() {
        let broken = Fixed::new(Err(CredentialsError::misconfigured(
            "profile",
            "no secret_id",
        )));
        let after = Fixed::new(Ok("after"));
        let chain = ChainProvider::new()
            .then_shared(broken)
            .then_shared(after.clone());
        let error = run(&chain).await.unwrap_err();
        assert_eq!(error.to_string(), "profile: no secret_id");
        assert_eq!(after.calls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn when_nothing_is_found_the_error_lists_every_attempt_including_nested_chains() {
        let inner = ChainProvider::new()
            .then_shared(Fixed::new(Err(CredentialsError::not_found("b", "B unset"))));
        let chain = ChainProvider::new()
            .then_shared(Fixed::new(Err(CredentialsError::not_found("a", "A unset"))))
            .then(inner);
        let error = run(&chain).await.unwrap_err();
        assert!(error.is_not_found());
        assert_eq!(
            error.to_string(),
            "no credentials found; tried (1) a: A unset; (2) b: B unset"
        );
    }

    /// The real providers, pointed at nothing: the message tells the user every way to fix it.
    #[tokio::test]
    async fn the_default_providers_found_nothing_message_says_what_to_set() {
        let empty = EnvLookup::from_pairs(Vec::<(String, String)>::new());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let closed = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let chain = ChainProvider::new()
            .then(EnvironmentProvider::with_env(empty.clone()))
            .then(
                ProfileProvider::new()
                    .with_env(empty)
                    .with_search_paths(["/nonexistent/gaap/credentials"]),
            )
            .then(InstanceRoleProvider::new().with_base_url(closed));
        let error = run(&chain).await.unwrap_err();
        assert_error_redacted(&error);
        let message = error.to_string();
        for expected in [
            "(1) environment: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set",
            "(2) profile: no credentials file at /nonexistent/gaap/credentials; create \
             ~/.tencentcloud/credentials with a [default] section",
            "(3) instance role: no metadata service at",
        ] {
            assert!(
                message.contains(expected),
                "{expected:?} missing from {message}"
            );
        }
    }

    #[test]
    fn default_chain_has_three_providers_in_order() {
        let debug = format!("{:?}", ChainProvider::default_chain());
        let env = debug.find("EnvironmentProvider").unwrap();
        let profile = debug.find("ProfileProvider").unwrap();
        let role = debug.find("InstanceRoleProvider").unwrap();
        assert!(env < profile && profile < role, "{debug}");
    }

    #[test]
    fn debug_shows_no_secret() {
        let chain =
            ChainProvider::new().then(StaticProvider::new("id", SECRET_KEY).with_token(TOKEN));
        assert_redacted(&format!("{chain:?}"));
    }
}
