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

use std::fmt;

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
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
