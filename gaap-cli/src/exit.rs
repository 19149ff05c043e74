//! The exit codes of `gaap`, and the failure every stage of a command reports with one.
//!
//! | code | meaning | was anything sent? |
//! | --- | --- | --- |
//! | 0 | success (the answer, a dry run, help, a skeleton) | |
//! | 1 | internal error (a bug of this command) | no |
//! | 2 | usage: unknown action, option or parameter, a value missing, malformed JSON or `file://` | no |
//! | 3 | invalid request: a parameter breaks the spec (type, required, documented values, ranges, rules) | no |
//! | 4 | API error: the server answered with an error code | yes, answered |
//! | 5 | transport: no answer, or not an API answer (connection, TLS, timeout, truncated or malformed response) | maybe |
//! | 6 | configuration: credentials, profile files, endpoint, region or proxy cannot be used | no |
//! | 7 | `--wait`: the wait timed out before the resource reached the state waited for | answered |
//! | 8 | `--wait`: the resource reached a state from which the one waited for cannot be reached | answered |

use std::fmt;

use gaap::{ApiError, Error};

/// Why a command stopped, and with which exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Internal = 1,
    Usage = 2,
    Invalid = 3,
    Api = 4,
    Transport = 5,
    Config = 6,
    WaitTimedOut = 7,
    WaitFailed = 8,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// A command that could not do what it was asked: the exit code and what to tell the user.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(Exit::Usage, message)
    }

    /// The failure, and exit code, of a call that did not succeed.
    pub fn of_call<E: ApiError>(error: Error<E>) -> Failure {
        match error {
            Error::Validation(errors) => {
                let count = errors.violations().len();
                let mut message = format!(
                    "the request breaks {count} documented rule{}; nothing was sent:",
                    if count == 1 { "" } else { "s" }
                );
                for violation in errors.violations() {
                    message.push_str("\n  ");
                    message.push_str(&violation.to_string());
                }
                Failure::new(Exit::Invalid, message)
            }
            Error::Api(api) => {
                let mut message = format!("the API answered with an error: {}", api.meta());
                if let Some(description) = ApiError::description(&api) {
                    message.push_str(&format!("\n  documented as: {description}"));
                }
                Failure::new(Exit::Api, message)
            }
            Error::Credentials(error) if error.is_not_found() => Failure::new(
                Exit::Config,
                format!(
                    "{}\n  on a CVM instance with a CAM role: --use-cvm-role",
                    Error::<E>::Credentials(error)
                ),
            ),
            error @ (Error::Config(_) | Error::Credentials(_)) => {
                Failure::new(Exit::Config, error.to_string())
            }
            error @ (Error::Transport(_) | Error::MalformedResponse(_)) => {
                let fate = match error.fate() {
                    gaap::Fate::NotSent => "the request was not sent",
                    gaap::Fate::Unknown => {
                        "the request may have reached the server: check before repeating it"
                    }
                    gaap::Fate::Answered => "the server answered",
                };
                Failure::new(Exit::Transport, format!("{error} ({fate})"))
            }
            other => Failure::new(Exit::Internal, other.to_string()),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
