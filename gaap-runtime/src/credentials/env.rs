//! Credentials from environment variables, and the injectable view of the environment that the
//! environment and profile providers read (tests pass a map instead of mutating the process
//! environment, which races with other tests and is `unsafe` in edition 2024).

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use super::{CredentialsError, ProvideCredentials, ProvideFuture, checked_credentials};

/// The secret id variable, as in every official SDK.
pub const SECRET_ID_VAR: &str = "TENCENTCLOUD_SECRET_ID";
/// The secret key variable, as in every official SDK.
pub const SECRET_KEY_VAR: &str = "TENCENTCLOUD_SECRET_KEY";
/// The optional token variable of temporary credentials. The Node.js SDK reads it
/// (`EnvironmentVariableCredential` in `src/common/credential.ts` of tencentcloud-sdk-nodejs);
/// the Go and Python SDKs read only the id and key.
pub const SESSION_TOKEN_VAR: &str = "TENCENTCLOUD_SESSION_TOKEN";
/// The variable naming a credentials file, read by [`super::ProfileProvider`] as the Go SDK's
/// `ProfileProvider` does (`EnvCredentialFile` in `common/profile_provider.go`).
pub const CREDENTIALS_FILE_VAR: &str = "TENCENTCLOUD_CREDENTIALS_FILE";

const NAME: &str = "environment";

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Where environment variables (and the home directory) are read from: the process, or a
/// function given by the caller.
#[derive(Clone, Default)]
pub struct EnvLookup {
    custom: Option<Arc<Lookup>>,
}

impl EnvLookup {
    /// The process environment; the home directory is `std::env::home_dir()`.
    pub fn process() -> Self {
        EnvLookup { custom: None }
    }

    /// Variables looked up by `lookup`; the home directory is its `HOME`.
    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        EnvLookup {
            custom: Some(Arc::new(lookup)),
        }
    }

    /// Exactly these variables; the home directory is the `HOME` among them.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let map: HashMap<String, String> = pairs
            .into_iter()
            .map(|(key, value)| (key.into(), value.into()))
            .collect();
        EnvLookup::from_fn(move |name| map.get(name).cloned())
    }

    /// The variable's value; `None` when unset. A value that is not UTF-8 is returned with
    /// replacement characters, which the providers' field checks then reject by name.
    pub fn get(&self, name: &str) -> Option<String> {
        match &self.custom {
            Some(lookup) => lookup(name),
            None => std::env::var_os(name).map(|value| value.to_string_lossy().into_owned()),
        }
    }

    /// The user's home directory, if known.
    pub fn home_dir(&self) -> Option<PathBuf> {
        match &self.custom {
            // Un-deprecated in Rust 1.87, once 1.86 had fixed its Windows behaviour.
            None => std::env::home_dir(),
            Some(_) => self
                .get("HOME")
                .filter(|home| !home.is_empty())
                .map(PathBuf::from),
        }
    }
}

impl fmt::Debug for EnvLookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.custom {
            None => "EnvLookup::Process",
            Some(_) => "EnvLookup::Custom",
        })
    }
}

/// Reads `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and, if set,
/// `TENCENTCLOUD_SESSION_TOKEN`.
///
/// Neither id nor key set (or both empty, as CI systems leave unset secrets): not found. Only one
/// of them set: an error, since using other credentials instead would surprise whoever set it.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    env: EnvLookup,
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        EnvironmentProvider::default()
    }

    /// Reads `env` instead of the process environment.
    pub fn with_env(env: EnvLookup) -> Self {
        EnvironmentProvider { env }
    }

    fn lookup(&self) -> Result<super::Credentials, CredentialsError> {
        let non_empty = |name| self.env.get(name).filter(|value| !value.is_empty());
        let (id, key) = match (non_empty(SECRET_ID_VAR), non_empty(SECRET_KEY_VAR)) {
            (Some(id), Some(key)) => (id, key),
            (None, None) => {
                return Err(CredentialsError::not_found(
                    NAME,
                    format!(
                        "{SECRET_ID_VAR} and {SECRET_KEY_VAR} are not set; set both to use them"
                    ),
                ));
            }
            (Some(_), None) => return Err(half_set(SECRET_ID_VAR, SECRET_KEY_VAR)),
            (None, Some(_)) => return Err(half_set(SECRET_KEY_VAR, SECRET_ID_VAR)),
        };
        let token = non_empty(SESSION_TOKEN_VAR);
        checked_credentials(
            &id,
            &key,
            token.as_deref(),
            [SECRET_ID_VAR, SECRET_KEY_VAR, SESSION_TOKEN_VAR],
        )
        .map_err(|problem| {
            CredentialsError::misconfigured(
                NAME,
                format!("{problem}; set it to the value as issued"),
            )
        })
    }
}

fn half_set(set: &str, missing: &str) -> CredentialsError {
    CredentialsError::misconfigured(
        NAME,
        format!("{set} is set but {missing} is not; set both, or unset {set}"),
    )
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        let result = self.lookup();
        if let Ok(credentials) = &result {
            tracing::debug!(
                provider = NAME,
                temporary = credentials.token().is_some(),
                "credentials supplied"
            );
        }
        Box::pin(std::future::ready(result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;
    use crate::credentials::test_support::*;

    fn provide(pairs: &[(&str, &str)]) -> Result<Credentials, CredentialsError> {
        let env = EnvLookup::from_pairs(pairs.iter().map(|&(k, v)| (k, v)));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(EnvironmentProvider::with_env(env).provide())
    }

    #[test]
    fn reads_id_key_and_optional_token() {
        let credentials =
            provide(&[(SECRET_ID_VAR, "AKID1"), (SECRET_KEY_VAR, SECRET_KEY)]).unwrap();
        assert_eq!(credentials.secret_id(), "AKID1");
        assert_eq!(credentials.secret_key(), SECRET_KEY);
        assert_eq!(credentials.token(), None);

        let credentials = provide(&[
            (SECRET_ID_VAR, "AKID1"),
            (SECRET_KEY_VAR, SECRET_KEY),
            (SESSION_TOKEN_VAR, TOKEN),
        ])
        .unwrap();
        assert_eq!(credentials.token(), Some(TOKEN));
    }

    #[test]
    fn nothing_set_or_both_empty_is_not_found_and_names_the_variables() {
        for pairs in [&[][..], &[(SECRET_ID_VAR, ""), (SECRET_KEY_VAR, "")][..]] {
            let error = provide(pairs).unwrap_err();
            assert!(error.is_not_found(), "{error}");
            let message = error.to_string();
            assert!(message.contains(SECRET_ID_VAR) && message.contains(SECRET_KEY_VAR));
        }
    }

    #[test]
    fn a_token_alone_is_not_found() {
        assert!(
            provide(&[(SESSION_TOKEN_VAR, TOKEN)])
                .unwrap_err()
                .is_not_found()
        );
    }

    #[test]
    fn half_set_is_an_error_that_says_which_is_missing() {
        let error = provide(&[(SECRET_KEY_VAR, SECRET_KEY)]).unwrap_err();
        assert!(!error.is_not_found());
        assert_eq!(
            error.to_string(),
            format!(
                "environment: {SECRET_KEY_VAR} is set but {SECRET_ID_VAR} is not; set both, or \
                 unset {SECRET_KEY_VAR}"
            )
        );
        assert_error_redacted(&error);
    }

    #[test]
    fn a_value_with_a_trailing_newline_is_rejected_by_name_without_echoing_it() {
        let error = provide(&[
            (SECRET_ID_VAR, "AKID1"),
            (SECRET_KEY_VAR, SECRET_KEY),
            (SESSION_TOKEN_VAR, &format!("{TOKEN}\n")),
        ])
        .unwrap_err();
        assert!(error.to_string().contains(SESSION_TOKEN_VAR), "{error}");
        assert_error_redacted(&error);
    }

    #[test]
    fn custom_lookup_home_dir_is_its_home() {
        let env = EnvLookup::from_pairs([("HOME", "/home/someone")]);
        assert_eq!(env.home_dir(), Some(PathBuf::from("/home/someone")));
        assert_eq!(EnvLookup::from_pairs([("HOME", "")]).home_dir(), None);
    }

    #[test]
    fn debug_shows_no_values() {
        let env = EnvLookup::from_pairs([(SECRET_KEY_VAR, SECRET_KEY)]);
        assert_redacted(&format!("{:?}", EnvironmentProvider::with_env(env)));
    }
}
