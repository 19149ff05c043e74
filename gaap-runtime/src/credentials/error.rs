//! Why credentials could not be had, worded so that the user knows what to do next.
//!
//! No variant ever holds a secret key or a token: messages name the field and the place (file
//! and line, variable, URL), never the value.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use time::OffsetDateTime;

/// Why a provider could not supply credentials.
///
/// Clone, so that every caller waiting on one refresh of a [`super::CredentialsCache`] gets the
/// error of that refresh.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The provider found nothing where it looked; a chain moves on to its next provider.
    #[error("{0}")]
    NotFound(NotFound),
    /// Every provider of a chain found nothing. Lists what each one tried.
    #[error("no credentials found; tried {}", TriedList(.0))]
    NoneFound(Vec<NotFound>),
    /// The provider found credentials, or configuration for them, that cannot be used. A chain
    /// stops here rather than silently using other credentials.
    #[error("{provider}: {message}")]
    Misconfigured {
        /// The provider that found the problem.
        provider: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A credentials file exists but could not be read.
    #[error("{provider}: cannot read {}: {source}; make the file readable or remove it", path.display())]
    Unreadable {
        /// The provider that tried to read the file.
        provider: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// The CVM metadata service answered, but not with usable credentials.
    #[error("instance role: {message}")]
    Metadata {
        /// What went wrong and how to fix it.
        message: String,
        /// The HTTP error, when there was one.
        #[source]
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    },
    /// A provider returned credentials that had already expired.
    #[error(
        "the credentials expired at {expiry}, which is before the current time {now}; \
         check the system clock"
    )]
    Expired {
        /// When the credentials expired.
        expiry: OffsetDateTime,
        /// The current time of the clock that judged them.
        now: OffsetDateTime,
    },
}

impl CredentialsError {
    /// Whether the provider(s) found nothing, as opposed to finding something broken.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            CredentialsError::NotFound(_) | CredentialsError::NoneFound(_)
        )
    }

    pub(crate) fn not_found(provider: &'static str, detail: impl Into<String>) -> Self {
        CredentialsError::NotFound(NotFound::new(provider, detail))
    }

    pub(crate) fn misconfigured(provider: &'static str, message: impl Into<String>) -> Self {
        CredentialsError::Misconfigured {
            provider,
            message: message.into(),
        }
    }
}

/// What one provider looked for and did not find.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotFound {
    provider: &'static str,
    detail: String,
}

impl NotFound {
    /// `detail` says where the provider looked and what the user can set to make it succeed.
    pub fn new(provider: &'static str, detail: impl Into<String>) -> Self {
        NotFound {
            provider,
            detail: detail.into(),
        }
    }

    /// The provider's name (`environment`, `profile`, `instance role`...).
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// Where the provider looked and what would make it succeed.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.provider, self.detail)
    }
}

struct TriedList<'a>(&'a [NotFound]);

impl fmt::Display for TriedList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no provider (the chain is empty)");
        }
        for (index, attempt) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "({}) {attempt}", index + 1)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_found_lists_every_attempt_in_order() {
        let error = CredentialsError::NoneFound(vec![
            NotFound::new("environment", "A is not set"),
            NotFound::new("profile", "no file"),
        ]);
        assert_eq!(
            error.to_string(),
            "no credentials found; tried (1) environment: A is not set; (2) profile: no file"
        );
        assert!(error.is_not_found());
    }

    #[test]
    fn an_empty_chain_says_so() {
        let message = CredentialsError::NoneFound(Vec::new()).to_string();
        assert!(message.contains("the chain is empty"), "{message}");
    }

    #[test]
    fn only_not_found_variants_let_a_chain_move_on() {
        assert!(CredentialsError::not_found("p", "d").is_not_found());
        assert!(!CredentialsError::misconfigured("p", "m").is_not_found());
    }
}
