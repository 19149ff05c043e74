//! What reading a value off the wire fails with: [`DecodeError`], the path of the offending
//! value and its [`DecodeErrorKind`]. Its own module so that the readers of JSON (`decode`) and
//! of flattened pairs (`unflatten`) both use it without importing each other.

use std::fmt;

use serde_json::Value;

use crate::path::Path;

/// Why a JSON value could not be read as the documented type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// A required parameter is absent (or `null`).
    Missing,
    /// A parameter the spec does not know.
    Unknown,
    /// A value of the wrong JSON type, or text that does not parse as the documented type.
    Type {
        expected: &'static str,
        found: String,
    },
    /// A value outside a closed enumeration.
    NotAllowed {
        value: String,
        allowed: &'static [&'static str],
    },
    /// Several parameters of an exactly-one-of group are set, or none is.
    Choice {
        params: &'static [&'static str],
        present: usize,
    },
    /// A flattened key that is not well formed (`A..B`, `Ports.01`, an index gap, a key that is
    /// both a value and a parent). `key` is cut to its first
    /// [`MAX_QUOTED_KEY_CHARS`](super::MAX_QUOTED_KEY_CHARS) characters.
    MalformedKey { key: String, reason: String },
    /// A flattened key with more than `limit` segments
    /// ([`MAX_KEY_DEPTH`](super::MAX_KEY_DEPTH)); `key` is cut as for `MalformedKey`.
    KeyTooDeep { key: String, limit: usize },
    /// A flattened key with an array index above `limit`
    /// ([`MAX_ARRAY_INDEX`](super::MAX_ARRAY_INDEX)); `key` is cut as for `MalformedKey`.
    IndexTooLarge { key: String, limit: usize },
}

/// A value that could not be read, with the path of the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The path of the offending value (`Ports[1]`); empty for the top-level value.
    pub path: String,
    /// What is wrong with it.
    pub kind: DecodeErrorKind,
}

impl DecodeError {
    /// An error of `kind` at `at`.
    pub fn new(at: &Path<'_>, kind: DecodeErrorKind) -> Self {
        DecodeError {
            path: at.render(),
            kind,
        }
    }

    /// A value of the wrong type at `at`.
    pub fn type_mismatch(at: &Path<'_>, expected: &'static str, found: &Value) -> Self {
        DecodeError::new(
            at,
            DecodeErrorKind::Type {
                expected,
                found: describe(found),
            },
        )
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() {
            "the top-level value"
        } else {
            &self.path
        };
        match &self.kind {
            DecodeErrorKind::Missing => write!(f, "{at}: required parameter is missing"),
            DecodeErrorKind::Unknown => write!(f, "{at}: unknown parameter"),
            DecodeErrorKind::Type { expected, found } => {
                write!(f, "{at}: expected {expected}, found {found}")
            }
            DecodeErrorKind::NotAllowed { value, allowed } => {
                write!(f, "{at}: `{value}` is not one of {}", allowed.join(", "))
            }
            DecodeErrorKind::Choice { params, present } => write!(
                f,
                "{at}: exactly one of {} must be set, {present} are",
                params.join(", ")
            ),
            DecodeErrorKind::MalformedKey { key, reason } => {
                write!(f, "malformed parameter key `{key}`: {reason}")
            }
            DecodeErrorKind::KeyTooDeep { key, limit } => write!(
                f,
                "parameter key `{key}` has more than {limit} segments, the limit of nesting"
            ),
            DecodeErrorKind::IndexTooLarge { key, limit } => write!(
                f,
                "parameter key `{key}` has an array index above {limit}, the limit of array indices"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// A short description of a JSON value for error messages; long strings are cut.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => {
            let cut: String = s.chars().take(40).collect();
            if cut.len() < s.len() {
                format!("string {cut:?}…")
            } else {
                format!("string {s:?}")
            }
        }
        Value::Array(a) => format!("array of {} elements", a.len()),
        Value::Object(_) => "object".into(),
    }
}
