//! Request signing: TC3-HMAC-SHA256 and the legacy HmacSHA1/HmacSHA256 methods.
//!
//! This module owns the signature algorithms only, as pure functions of their inputs: no clock,
//! no randomness, no network. The caller picks the timestamp (and, for the legacy methods, the
//! nonce), sends exactly the bytes it signed, and puts the result on the wire. That keeps every
//! step checkable against the official SDKs' test vectors, and lets a user sign a request by hand.
//!
//! - [`sign_tc3`], [`sign_tc3_with_headers`] and [`Tc3Signer`]: the current method. The
//!   signature goes in the `Authorization` header. It covers `content-type;host` at least (the
//!   minimal form, as in the official SDKs); the client signs `x-tc-action` (and `x-tc-region`)
//!   too by default, so that a captured request cannot be replayed as another action.
//! - [`sign_legacy`], [`legacy_wire_form`] and [`LegacyCommonParams`]: the older HmacSHA1 and
//!   HmacSHA256 methods, where the common parameters and the signature travel as parameters.
//! - [`SignMethod`]: which of the three a client uses.
//!
//! ```
//! use gaap_runtime::signing::{sign_tc3, Tc3Request};
//!
//! let request = Tc3Request {
//!     method: "POST",
//!     host: "gaap.tencentcloudapi.com",
//!     path: "/",
//!     query: "",
//!     content_type: "application/json",
//!     payload: br#"{"ProxyId": "link-bjkpdum1"}"#,
//!     timestamp: 1_551_113_065,
//!     service: "gaap",
//! };
//! let signed = sign_tc3(&request, "AKIDEXAMPLE", "secret-key-example")?;
//! assert_eq!(signed.credential_scope, "2019-02-25/gaap/tc3_request");
//! assert!(signed.authorization.starts_with("TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2019-02-25/"));
//! # Ok::<(), gaap_runtime::signing::SigningError>(())
//! ```

mod common;
mod legacy;
mod tc3;

use std::fmt;
use std::str::FromStr;

pub use common::{
    COMMON_PARAMETERS, CommonParameter, LEGACY_COMMON_PARAMETERS, is_tc3_common_header, tc3_header,
};
pub use legacy::{
    LegacyAlgorithm, LegacyCommonParams, LegacySignature, legacy_string_to_sign, legacy_wire_form,
    sign_legacy,
};
pub use tc3::{
    TC3_ALGORITHM, TC3_SIGNED_HEADERS, Tc3Request, Tc3Signature, Tc3Signer, sign_tc3,
    sign_tc3_with_headers,
};

/// The signature method a client signs its requests with.
///
/// [`SignMethod::Tc3`] is the default and the one to use: the legacy methods exist for accounts
/// or tools that still require them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SignMethod {
    /// TC3-HMAC-SHA256: signature in the `Authorization` header, common parameters in `X-TC-*`
    /// headers. See [`sign_tc3`].
    #[default]
    Tc3,
    /// Legacy HmacSHA1: common parameters and `Signature` travel as parameters. See
    /// [`sign_legacy`].
    HmacSha1,
    /// Legacy HmacSHA256: as [`SignMethod::HmacSha1`], with SHA-256.
    HmacSha256,
}

impl SignMethod {
    /// The name the official SDKs give the method: `TC3-HMAC-SHA256`, `HmacSHA1` or
    /// `HmacSHA256`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignMethod::Tc3 => TC3_ALGORITHM,
            SignMethod::HmacSha1 => LegacyAlgorithm::HmacSha1.as_str(),
            SignMethod::HmacSha256 => LegacyAlgorithm::HmacSha256.as_str(),
        }
    }

    /// The legacy algorithm, or `None` for TC3.
    pub fn legacy_algorithm(self) -> Option<LegacyAlgorithm> {
        match self {
            SignMethod::Tc3 => None,
            SignMethod::HmacSha1 => Some(LegacyAlgorithm::HmacSha1),
            SignMethod::HmacSha256 => Some(LegacyAlgorithm::HmacSha256),
        }
    }
}

impl fmt::Display for SignMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<LegacyAlgorithm> for SignMethod {
    fn from(algorithm: LegacyAlgorithm) -> Self {
        match algorithm {
            LegacyAlgorithm::HmacSha1 => SignMethod::HmacSha1,
            LegacyAlgorithm::HmacSha256 => SignMethod::HmacSha256,
        }
    }
}

/// Parses the names the official SDKs use in their profiles (`TC3-HMAC-SHA256`, `HmacSHA1`,
/// `HmacSHA256`), exactly as spelled, so a setting copied from another SDK's configuration works.
impl FromStr for SignMethod {
    type Err = SigningError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        [
            SignMethod::Tc3,
            SignMethod::HmacSha1,
            SignMethod::HmacSha256,
        ]
        .into_iter()
        .find(|method| method.as_str() == name)
        .ok_or_else(|| SigningError::UnknownSignMethod(name.to_owned()))
    }
}

/// Which headers a client's TC3 signatures cover.
///
/// Every TC3 signature covers `content-type` and `host`; the documentation allows more ("也可加入
/// 其他头部参与签名"), and its worked example also signs `x-tc-action`. A signature over
/// `content-type;host` alone covers the body but not the action: a captured
/// `DescribeProxies {"ProxyIds": [...]}` could be replayed within five minutes as a
/// `CloseProxies` with the same body. The default closes that hole.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignedHeaders {
    /// `content-type;host;x-tc-action`, plus `x-tc-region` when the request carries a region:
    /// a signature that holds for this action (and region) only. The default.
    #[default]
    WithAction,
    /// `content-type;host`, as the official SDKs sign: requests identical, byte for byte, to
    /// theirs (for comparing with another SDK, or a gateway that expects exactly that).
    Minimal,
}

/// Why a request could not be signed.
///
/// Never carries a secret: only the offending non-secret input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The TC3 timestamp is outside `0..=253_402_300_799` (1970-01-01T00:00:00Z to
    /// 9999-12-31T23:59:59Z), so its date has no `YYYY-MM-DD` form for the credential scope.
    #[error(
        "timestamp {0} is out of range: TC3 signs timestamps from 1970-01-01 to 9999-12-31 (UTC)"
    )]
    TimestampOutOfRange(i64),
    /// A signature method name other than `TC3-HMAC-SHA256`, `HmacSHA1` or `HmacSHA256`.
    #[error("unknown signature method {0:?}: expected TC3-HMAC-SHA256, HmacSHA1 or HmacSHA256")]
    UnknownSignMethod(String),
    /// A header given to [`sign_tc3_with_headers`] cannot be signed. Its value is not quoted.
    #[error("the header {name:?} cannot be signed: {reason}")]
    SignedHeader {
        /// The header name, cut to 64 characters.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_method_names_round_trip() {
        for method in [
            SignMethod::Tc3,
            SignMethod::HmacSha1,
            SignMethod::HmacSha256,
        ] {
            assert_eq!(method.as_str().parse::<SignMethod>(), Ok(method));
            assert_eq!(method.to_string(), method.as_str());
        }
        assert_eq!(
            "hmacsha1".parse::<SignMethod>(),
            Err(SigningError::UnknownSignMethod("hmacsha1".into()))
        );
        assert_eq!(SignMethod::default(), SignMethod::Tc3);
        assert_eq!(SignMethod::Tc3.legacy_algorithm(), None);
        assert_eq!(
            SignMethod::from(LegacyAlgorithm::HmacSha256).legacy_algorithm(),
            Some(LegacyAlgorithm::HmacSha256)
        );
    }
}
