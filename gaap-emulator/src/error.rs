//! Errors: why an emulator could not start ([`Error`]), and the error answers of the API,
//! `{"Response": {"Error": {"Code": "...", "Message": "..."}, "RequestId": "..."}}` with HTTP
//! status 200, as Tencent Cloud API 3.0 answers (successes are written by the engine,
//! `{"Response": {..., "RequestId": "..."}}`).

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Serialize;

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The config file could not be read.
    #[error("cannot read the config file {path}: {source}")]
    ReadConfig {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The config is not valid.
    #[error("invalid config: {0}")]
    Config(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// An error answer: a documented code and a message naming what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }
}

/// The codes the emulator answers with, spelled once.
pub(crate) mod code {
    pub const SIGNATURE_FAILURE: &str = "AuthFailure.SignatureFailure";
    pub const SIGNATURE_EXPIRE: &str = "AuthFailure.SignatureExpire";
    pub const SECRET_ID_NOT_FOUND: &str = "AuthFailure.SecretIdNotFound";
    pub const INVALID_AUTHORIZATION: &str = "AuthFailure.InvalidAuthorization";
    pub const TOKEN_FAILURE: &str = "AuthFailure.TokenFailure";
    pub const INVALID_ACTION: &str = "InvalidAction";
    pub const NO_SUCH_VERSION: &str = "NoSuchVersion";
    pub const UNKNOWN_PARAMETER: &str = "UnknownParameter";
    pub const MISSING_PARAMETER: &str = "MissingParameter";
    pub const INVALID_PARAMETER: &str = "InvalidParameter";
    pub const INVALID_PARAMETER_VALUE: &str = "InvalidParameterValue";
    pub const REQUEST_LIMIT_EXCEEDED: &str = "RequestLimitExceeded";
    pub const REQUEST_SIZE_LIMIT_EXCEEDED: &str = "RequestSizeLimitExceeded";
    pub const UNSUPPORTED_PROTOCOL: &str = "UnsupportedProtocol";
    pub const INTERNAL_ERROR: &str = "InternalError";
    pub const RESOURCE_NOT_FOUND: &str = "ResourceNotFound";
    pub const LIMIT_EXCEEDED: &str = "LimitExceeded";
}

#[derive(Serialize)]
struct Envelope<T> {
    #[serde(rename = "Response")]
    response: T,
}

#[derive(Serialize)]
struct ErrorResponse<'a> {
    #[serde(rename = "Error")]
    error: ErrorObject<'a>,
    #[serde(rename = "RequestId")]
    request_id: &'a str,
}

#[derive(Serialize)]
struct ErrorObject<'a> {
    #[serde(rename = "Code")]
    code: &'a str,
    #[serde(rename = "Message")]
    message: &'a str,
}

/// The body of an error answer.
pub(crate) fn error_body(error: &ApiError, request_id: &str) -> Vec<u8> {
    let envelope = Envelope {
        response: ErrorResponse {
            error: ErrorObject {
                code: error.code,
                message: &error.message,
            },
            request_id,
        },
    };
    // Serializing strings into a Vec cannot fail.
    serde_json::to_vec(&envelope).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_envelope_has_the_documented_shape() {
        let body = error_body(
            &ApiError::new(code::INVALID_ACTION, "no \"such\" action"),
            "r-1",
        );
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"Response": {"Error": {"Code": "InvalidAction", "Message": "no \"such\" action"}, "RequestId": "r-1"}})
        );
    }
}
