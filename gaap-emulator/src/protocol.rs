//! The protocol of Tencent Cloud API 3.0 as the real endpoint speaks it: where the common
//! parameters are, how a signature is checked, where the action's parameters are.
//!
//! Two ways to sign, three ways to carry parameters:
//! - TC3-HMAC-SHA256: an `Authorization` header, common parameters in `X-TC-*` headers, action
//!   parameters as a JSON body (POST), a form body (POST) or the query (GET).
//! - Legacy HmacSHA1 / HmacSHA256: every parameter, common ones and `Signature` included, in the
//!   query (GET) or a form body (POST).
//!
//! Verifying a signature is signing again with the stored secret key (the runtime's
//! [`Tc3Signer`](gaap_runtime::signing::Tc3Signer) and
//! [`sign_legacy`](gaap_runtime::signing::sign_legacy), so the two sides cannot drift apart)
//! over exactly the bytes received, then comparing in constant time.

use std::borrow::Cow;

use gaap_runtime::signing::{
    LEGACY_COMMON_PARAMETERS, LegacyAlgorithm, SignMethod, TC3_ALGORITHM, Tc3Request, Tc3Signer,
    sign_legacy,
};
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderMap, Method};
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::config::Credential;
use crate::error::{ApiError, code};

/// How far a request's timestamp may be from the emulator's clock, in seconds, before
/// `AuthFailure.SignatureExpire`.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 300;

/// The most `key=value` parameters a request (query or form body) may hold, common ones
/// included; one more is `RequestSizeLimitExceeded`. The largest documented request holds a few
/// hundred (100-element arrays of small objects).
pub const MAX_PARAMETERS: usize = 10_000;

/// The most headers a TC3 `SignedHeaders` list may name; a request carries about ten.
pub const MAX_SIGNED_HEADERS: usize = 64;

/// The largest body of a TC3 request (the documented 10 MB) and of a legacy one (1 MB).
pub(crate) const TC3_BODY_LIMIT: usize = 10 * 1024 * 1024;
pub(crate) const LEGACY_BODY_LIMIT: usize = 1024 * 1024;

/// One request, as received.
pub(crate) struct Received<'r> {
    pub method: &'r Method,
    pub headers: &'r HeaderMap,
    pub host: &'r str,
    pub path: &'r str,
    pub query: &'r str,
    pub body: &'r [u8],
    pub scheme: Scheme,
}

pub(crate) enum Scheme {
    /// An `Authorization` header, or a JSON body (which only TC3 can sign).
    Tc3,
    /// Everything as parameters, decoded.
    Legacy { params: Vec<(String, String)> },
}

/// The largest body a request may have, judged from its headers.
pub(crate) fn body_limit(headers: &HeaderMap, method: &Method) -> usize {
    if is_tc3(headers, method) {
        TC3_BODY_LIMIT
    } else {
        LEGACY_BODY_LIMIT
    }
}

/// The answer to a body over `limit`.
pub(crate) fn body_too_large(limit: usize) -> ApiError {
    ApiError::new(
        code::REQUEST_SIZE_LIMIT_EXCEEDED,
        format!("the request body is larger than {limit} bytes"),
    )
}

fn too_many_parameters() -> ApiError {
    ApiError::new(
        code::REQUEST_SIZE_LIMIT_EXCEEDED,
        format!("the request holds more than {MAX_PARAMETERS} parameters"),
    )
}

/// Which scheme a request uses, judged from the headers only (before the body is read).
pub(crate) fn is_tc3(headers: &HeaderMap, method: &Method) -> bool {
    headers.contains_key(AUTHORIZATION)
        || (method == Method::POST && media_type(headers) == Some("application/json"))
}

/// The media type of `Content-Type`, lower-cased, without parameters.
fn media_type(headers: &HeaderMap) -> Option<&'static str> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let media = value.split(';').next().unwrap_or("").trim();
    if media.eq_ignore_ascii_case("application/json") {
        Some("application/json")
    } else if media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Some("application/x-www-form-urlencoded")
    } else {
        None
    }
}

impl<'r> Received<'r> {
    pub fn new(
        method: &'r Method,
        uri: &'r http::Uri,
        headers: &'r HeaderMap,
        body: &'r [u8],
    ) -> Self {
        let host = headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| uri.authority().map(|a| a.as_str()))
            .unwrap_or("");
        let query = uri.query().unwrap_or("");
        let scheme = if is_tc3(headers, method) {
            Scheme::Tc3
        } else {
            let source = if method == Method::GET {
                query.as_bytes()
            } else {
                body
            };
            // One more than allowed is enough to know the request is too large.
            Scheme::Legacy {
                params: form_urlencoded::parse(source)
                    .into_owned()
                    .take(MAX_PARAMETERS + 1)
                    .collect(),
            }
        };
        Received {
            method,
            headers,
            host,
            path: uri.path(),
            query,
            body,
            scheme,
        }
    }

    /// The action name, when the request carries one that reads as text: for fault matching and
    /// counting, before anything is checked.
    pub fn action(&self) -> Option<&str> {
        match &self.scheme {
            Scheme::Tc3 => self.headers.get("x-tc-action")?.to_str().ok(),
            Scheme::Legacy { params } => params
                .iter()
                .find(|(k, _)| k == "Action")
                .map(|(_, v)| v.as_str()),
        }
    }

    /// `RequestSizeLimitExceeded` for a legacy request of more than [`MAX_PARAMETERS`]
    /// parameters. (Those of a TC3 request are counted when they are read.)
    pub fn check_parameter_count(&self) -> Result<(), ApiError> {
        match &self.scheme {
            Scheme::Legacy { params } if params.len() > MAX_PARAMETERS => {
                Err(too_many_parameters())
            }
            _ => Ok(()),
        }
    }

    /// A common parameter: the `X-TC-*` header of a TC3 request, the parameter of a legacy one.
    /// Absent and empty are the same.
    pub fn common(&self, name: &'static str) -> Result<Option<&str>, ApiError> {
        match &self.scheme {
            Scheme::Tc3 => {
                let header = tc3_header(name);
                match self.headers.get(header) {
                    None => Ok(None),
                    Some(value) => value
                        .to_str()
                        .map(|v| Some(v).filter(|v| !v.is_empty()))
                        .map_err(|_| {
                            ApiError::new(
                                code::INVALID_PARAMETER,
                                format!("header `{header}` is not visible ASCII"),
                            )
                        }),
                }
            }
            Scheme::Legacy { params } => {
                let mut values = params.iter().filter(|(k, _)| k == name);
                let first = values.next();
                if values.next().is_some() {
                    return Err(ApiError::new(
                        code::INVALID_PARAMETER,
                        format!("parameter `{name}` is given more than once"),
                    ));
                }
                Ok(first.map(|(_, v)| v.as_str()).filter(|v| !v.is_empty()))
            }
        }
    }

    /// A common parameter that must be present.
    pub fn required_common(&self, name: &'static str) -> Result<&str, ApiError> {
        self.common(name)?.ok_or_else(|| {
            let what = match self.scheme {
                Scheme::Tc3 => format!("header `{}`", tc3_header(name)),
                Scheme::Legacy { .. } => format!("parameter `{name}`"),
            };
            ApiError::new(
                code::MISSING_PARAMETER,
                format!("the request is missing the common {what}"),
            )
        })
    }

    /// The request's `Timestamp`, checked against `now` (unix seconds).
    pub fn check_timestamp(&self, now: i64) -> Result<i64, ApiError> {
        let text = self.required_common("Timestamp")?;
        let timestamp: i64 = text.parse().map_err(|_| {
            ApiError::new(
                code::INVALID_PARAMETER,
                format!("Timestamp `{text}` is not a number of seconds since the Unix epoch"),
            )
        })?;
        if timestamp.abs_diff(now) > MAX_CLOCK_SKEW_SECONDS as u64 {
            return Err(ApiError::new(
                code::SIGNATURE_EXPIRE,
                format!(
                    "the signature's timestamp {timestamp} is {} seconds away from the server time {now}; at most {MAX_CLOCK_SKEW_SECONDS} are allowed",
                    timestamp.abs_diff(now)
                ),
            ));
        }
        Ok(timestamp)
    }

    /// Checks the signature and the session token; returns the credential that signed.
    pub fn authenticate<'c>(
        &self,
        timestamp: i64,
        service: &str,
        credential: impl Fn(&str) -> Option<&'c Credential>,
        signer: &Tc3Signer,
    ) -> Result<&'c Credential, ApiError> {
        let credential = match &self.scheme {
            Scheme::Tc3 => self.verify_tc3(timestamp, service, &credential, signer)?,
            Scheme::Legacy { params } => self.verify_legacy(params, &credential)?,
        };
        let sent = self.common("Token")?;
        match (&credential.token, sent) {
            (None, None) => {}
            (Some(expected), Some(sent))
                if bool::from(expected.as_bytes().ct_eq(sent.as_bytes())) => {}
            (Some(_), Some(_)) => {
                return Err(ApiError::new(
                    code::TOKEN_FAILURE,
                    "the session token does not belong to these temporary credentials",
                ));
            }
            (Some(_), None) => {
                return Err(ApiError::new(
                    code::TOKEN_FAILURE,
                    "these are temporary credentials: the request must carry their session token",
                ));
            }
            (None, Some(_)) => {
                return Err(ApiError::new(
                    code::TOKEN_FAILURE,
                    "the request carries a session token, but its secret id is a permanent key",
                ));
            }
        }
        Ok(credential)
    }

    fn verify_tc3<'c>(
        &self,
        timestamp: i64,
        service: &str,
        credential: &impl Fn(&str) -> Option<&'c Credential>,
        signer: &Tc3Signer,
    ) -> Result<&'c Credential, ApiError> {
        let header = match self.headers.get(AUTHORIZATION) {
            None => {
                return Err(ApiError::new(
                    code::MISSING_PARAMETER,
                    "the request is missing the `Authorization` header",
                ));
            }
            Some(value) => value
                .to_str()
                .map_err(|_| invalid_authorization("it is not visible ASCII"))?,
        };
        let auth = Authorization::parse(header)?;
        let credential =
            credential(auth.secret_id).ok_or_else(|| secret_id_not_found(auth.secret_id))?;
        let content_type = match self.headers.get(CONTENT_TYPE) {
            None => "",
            Some(value) => value.to_str().map_err(|_| {
                ApiError::new(
                    code::INVALID_PARAMETER,
                    "header `Content-Type` is not visible ASCII",
                )
            })?,
        };
        let signed = self.signed_headers(auth.signed_headers)?;
        let request = Tc3Request {
            method: self.method.as_str(),
            host: self.host,
            path: self.path,
            query: self.query,
            content_type,
            payload: self.body,
            timestamp,
            service,
        };
        let expected = signer
            .sign_with_headers(
                &request,
                &signed,
                &credential.secret_id,
                &credential.secret_key,
            )
            .map_err(|err| ApiError::new(code::SIGNATURE_FAILURE, err.to_string()))?;
        if auth.credential_scope != expected.credential_scope {
            return Err(ApiError::new(
                code::SIGNATURE_FAILURE,
                format!(
                    "the credential scope `{}` should be `{}` (the UTC date of X-TC-Timestamp, the service)",
                    auth.credential_scope, expected.credential_scope
                ),
            ));
        }
        if !bool::from(
            auth.signature
                .as_bytes()
                .ct_eq(expected.signature.as_bytes()),
        ) {
            return Err(signature_failure());
        }
        Ok(credential)
    }

    /// The headers a TC3 `SignedHeaders` list names besides `content-type` and `host` (which it
    /// must name), with the values received. The list must be as a signer writes it: lower-case
    /// names, sorted, each once.
    fn signed_headers(&self, list: &'r str) -> Result<Vec<(&'r str, &'r str)>, ApiError> {
        let names: Vec<&str> = list.split(';').collect();
        if names.len() > MAX_SIGNED_HEADERS {
            return Err(invalid_authorization(&format!(
                "`SignedHeaders` names more than {MAX_SIGNED_HEADERS} headers"
            )));
        }
        if names.iter().any(|name| name.is_empty()) {
            return Err(invalid_authorization("`SignedHeaders` holds an empty name"));
        }
        if !names.windows(2).all(|pair| pair[0] < pair[1]) {
            return Err(invalid_authorization(
                "`SignedHeaders` must list lower-case header names in ascending order, each once",
            ));
        }
        for required in ["content-type", "host"] {
            if !names.contains(&required) {
                return Err(ApiError::new(
                    code::SIGNATURE_FAILURE,
                    format!(
                        "SignedHeaders={list}: a signature must cover `content-type` and `host`"
                    ),
                ));
            }
        }
        let mut extra = Vec::with_capacity(names.len() - 2);
        for name in names {
            if name == "content-type" || name == "host" {
                continue;
            }
            let lower_case = !name.bytes().any(|b| b.is_ascii_uppercase());
            let value = lower_case
                .then(|| self.headers.get(name))
                .flatten()
                .ok_or_else(|| {
                    ApiError::new(
                        code::SIGNATURE_FAILURE,
                        format!(
                            "SignedHeaders names `{name}`, which is not a lower-case header of the request"
                        ),
                    )
                })?
                .to_str()
                .map_err(|_| {
                    ApiError::new(
                        code::INVALID_PARAMETER,
                        format!("header `{name}` is not visible ASCII"),
                    )
                })?;
            extra.push((name, value));
        }
        Ok(extra)
    }

    fn verify_legacy<'c>(
        &self,
        params: &[(String, String)],
        credential: &impl Fn(&str) -> Option<&'c Credential>,
    ) -> Result<&'c Credential, ApiError> {
        let secret_id = self.required_common("SecretId")?;
        let signature = self.required_common("Signature")?;
        let nonce = self.required_common("Nonce")?;
        if nonce.parse::<u64>().is_err() {
            return Err(ApiError::new(
                code::INVALID_PARAMETER,
                format!("Nonce `{nonce}` is not a positive integer"),
            ));
        }
        // Absent means HmacSHA1, as for the real endpoint; the names are `SignMethod`'s.
        let algorithm = match self.common("SignatureMethod")? {
            None => LegacyAlgorithm::HmacSha1,
            Some(name) => name
                .parse::<SignMethod>()
                .ok()
                .and_then(SignMethod::legacy_algorithm)
                .ok_or_else(|| {
                    ApiError::new(
                        code::INVALID_PARAMETER_VALUE,
                        format!(
                            "SignatureMethod `{name}` is not {} or {}",
                            SignMethod::HmacSha1,
                            SignMethod::HmacSha256
                        ),
                    )
                })?,
        };
        let credential = credential(secret_id).ok_or_else(|| secret_id_not_found(secret_id))?;
        let signed: Vec<(&str, &str)> = params
            .iter()
            .filter(|(k, _)| k != "Signature")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let expected = sign_legacy(
            algorithm,
            self.method.as_str(),
            self.host,
            self.path,
            &signed,
            &credential.secret_key,
        );
        if !bool::from(signature.as_bytes().ct_eq(expected.signature.as_bytes())) {
            return Err(signature_failure());
        }
        Ok(credential)
    }

    /// The action's parameters, once the request is authenticated.
    pub fn parameters(&self) -> Result<Parameters<'_>, ApiError> {
        let pairs = match &self.scheme {
            Scheme::Legacy { params } => Cow::Borrowed(params.as_slice()),
            Scheme::Tc3 if self.method == Method::GET => {
                Cow::Owned(flat_pairs(self.query.as_bytes())?)
            }
            Scheme::Tc3 => match media_type(self.headers) {
                Some("application/json") => {
                    if self.body.iter().all(u8::is_ascii_whitespace) {
                        return Ok(Parameters::Json(Value::Object(Default::default())));
                    }
                    return serde_json::from_slice(self.body)
                        .map(Parameters::Json)
                        .map_err(|err| {
                            ApiError::new(
                                code::INVALID_PARAMETER,
                                format!("the request body is not valid JSON: {err}"),
                            )
                        });
                }
                Some(_) => Cow::Owned(flat_pairs(self.body)?),
                None => {
                    let sent = self
                        .headers
                        .get(CONTENT_TYPE)
                        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                        .unwrap_or_else(|| "none".into());
                    return Err(ApiError::new(
                        code::INVALID_PARAMETER,
                        format!(
                            "Content-Type `{sent}`: the emulator reads application/json and application/x-www-form-urlencoded bodies"
                        ),
                    ));
                }
            },
        };
        Ok(Parameters::Flat(pairs))
    }
}

/// The action's parameters: a JSON object, or `.N`-flattened pairs that may still hold common
/// parameters.
pub(crate) enum Parameters<'a> {
    Json(Value),
    Flat(Cow<'a, [(String, String)]>),
}

impl Parameters<'_> {
    /// The flattened pairs without the common parameters.
    pub fn action_pairs(pairs: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
        pairs
            .iter()
            // What a GET or form request may repeat of the legacy common parameters.
            .filter(|(k, _)| !LEGACY_COMMON_PARAMETERS.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The pairs of a query or form body, at most [`MAX_PARAMETERS`] of them.
fn flat_pairs(source: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(source)
        .into_owned()
        .take(MAX_PARAMETERS + 1)
        .collect();
    if pairs.len() > MAX_PARAMETERS {
        return Err(too_many_parameters());
    }
    Ok(pairs)
}

/// The header of a common parameter in a TC3 request, from the runtime's table.
fn tc3_header(name: &'static str) -> &'static str {
    // Never asked for the parameters TC3 has no header for; named after the parameter for a
    // clear message.
    gaap_runtime::signing::tc3_header(name).unwrap_or(name)
}

/// The parts of a TC3 `Authorization` header.
#[derive(Debug, PartialEq, Eq)]
struct Authorization<'a> {
    secret_id: &'a str,
    /// `{date}/{service}/tc3_request`.
    credential_scope: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

impl<'a> Authorization<'a> {
    /// `TC3-HMAC-SHA256 Credential={id}/{date}/{service}/tc3_request, SignedHeaders=..,
    /// Signature={64 hex digits}`.
    fn parse(header: &'a str) -> Result<Self, ApiError> {
        let rest = header
            .strip_prefix(TC3_ALGORITHM)
            .and_then(|rest| rest.strip_prefix(' '))
            .ok_or_else(|| {
                invalid_authorization(&format!("it does not start with `{TC3_ALGORITHM} `"))
            })?;
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (key, value) = part
                .trim()
                .split_once('=')
                .ok_or_else(|| invalid_authorization("its parts are not `key=value`"))?;
            let slot = match key {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                other => return Err(invalid_authorization(&format!("unknown part `{other}`"))),
            };
            if slot.replace(value).is_some() {
                return Err(invalid_authorization(&format!("`{key}` is given twice")));
            }
        }
        let credential =
            credential.ok_or_else(|| invalid_authorization("`Credential` is missing"))?;
        let signed_headers =
            signed_headers.ok_or_else(|| invalid_authorization("`SignedHeaders` is missing"))?;
        let signature = signature.ok_or_else(|| invalid_authorization("`Signature` is missing"))?;
        let (secret_id, credential_scope) = credential
            .split_once('/')
            .filter(|(id, scope)| {
                let parts: Vec<&str> = scope.split('/').collect();
                !id.is_empty()
                    && parts.len() == 3
                    && parts[0].len() == 10
                    && !parts[1].is_empty()
                    && parts[2] == "tc3_request"
            })
            .ok_or_else(|| {
                invalid_authorization(
                    "`Credential` is not `{SecretId}/{date}/{service}/tc3_request`",
                )
            })?;
        if signature.len() != 64
            || !signature
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(invalid_authorization(
                "`Signature` is not 64 lower-case hex digits",
            ));
        }
        Ok(Authorization {
            secret_id,
            credential_scope,
            signed_headers,
            signature,
        })
    }
}

fn invalid_authorization(why: &str) -> ApiError {
    ApiError::new(
        code::INVALID_AUTHORIZATION,
        format!("the Authorization header is malformed: {why}"),
    )
}

fn secret_id_not_found(secret_id: &str) -> ApiError {
    ApiError::new(
        code::SECRET_ID_NOT_FOUND,
        format!("the secret id `{secret_id}` does not exist"),
    )
}

fn signature_failure() -> ApiError {
    ApiError::new(
        code::SIGNATURE_FAILURE,
        "the signature does not match the request: check the secret key and that the request is sent exactly as signed",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of the TC3 documentation (CVM DescribeInstances, with a charset in the
    /// content type) verifies with the service of its credential scope; a GAAP endpoint would
    /// refuse it only for the scope.
    #[test]
    fn the_documentation_example_verifies() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../gaap-runtime/tests/data/signing-vectors.json"
        );
        let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let vector = &file["vectors"][0];
        assert_eq!(vector["name"], "tc3-official-documentation-example");
        let mut headers = HeaderMap::new();
        for (name, key) in [
            (HOST, "host"),
            (CONTENT_TYPE, "content_type"),
            (AUTHORIZATION, "authorization"),
        ] {
            headers.insert(name, vector[key].as_str().unwrap().parse().unwrap());
        }
        let uri: http::Uri = "/".parse().unwrap();
        let body = vector["body"].as_str().unwrap().as_bytes();
        let received = Received::new(&Method::POST, &uri, &headers, body);
        let credential = Credential::new(
            vector["secret_id"].as_str().unwrap(),
            vector["secret_key"].as_str().unwrap(),
        );
        let lookup = |id: &str| (id == credential.secret_id).then_some(&credential);
        let timestamp = vector["timestamp"].as_i64().unwrap();
        let signer = Tc3Signer::new();
        let ok = received.authenticate(timestamp, "cvm", lookup, &signer);
        assert_eq!(
            ok.map(|c| c.secret_id.as_str()),
            Ok(credential.secret_id.as_str())
        );
        let wrong_scope = received.authenticate(timestamp, "gaap", lookup, &signer);
        assert_eq!(wrong_scope.unwrap_err().code, code::SIGNATURE_FAILURE);
        let next_day = received.authenticate(timestamp + 86_400, "cvm", lookup, &signer);
        assert_eq!(next_day.unwrap_err().code, code::SIGNATURE_FAILURE);
    }

    #[test]
    fn authorization_headers_parse_or_say_what_is_wrong() {
        let good = "TC3-HMAC-SHA256 Credential=AKIDx/2019-02-25/gaap/tc3_request, SignedHeaders=content-type;host, Signature=2d96ec87d44727d85f36d8399c4ddb7f4163dc90a3867706a1492d89cc27148b";
        assert_eq!(
            Authorization::parse(good).unwrap(),
            Authorization {
                secret_id: "AKIDx",
                credential_scope: "2019-02-25/gaap/tc3_request",
                signed_headers: "content-type;host",
                signature: "2d96ec87d44727d85f36d8399c4ddb7f4163dc90a3867706a1492d89cc27148b",
            }
        );
        for (bad, why) in [
            ("", "does not start"),
            ("TC3-HMAC-SHA256", "does not start"),
            ("HMAC Credential=a", "does not start"),
            ("TC3-HMAC-SHA256 Credential", "key=value"),
            (
                "TC3-HMAC-SHA256 Credential=a/2019-02-25/gaap/tc3_request, SignedHeaders=host",
                "`Signature` is missing",
            ),
            (
                "TC3-HMAC-SHA256 Credential=a/b/c, SignedHeaders=host, Signature=00",
                "Credential",
            ),
            (
                "TC3-HMAC-SHA256 Credential=a/2019-02-25/gaap/tc3_request, SignedHeaders=host, Signature=zz",
                "hex",
            ),
            ("TC3-HMAC-SHA256 Credential=a, Credential=b", "twice"),
            ("TC3-HMAC-SHA256 Foo=1", "unknown part"),
            (
                "TC3-HMAC-SHA256 Credential=/2019-02-25/gaap/tc3_request, SignedHeaders=host, Signature=00",
                "Credential",
            ),
        ] {
            let err = Authorization::parse(bad).unwrap_err();
            assert_eq!(err.code, code::INVALID_AUTHORIZATION, "{bad}");
            assert!(err.message.contains(why), "{bad}: {}", err.message);
        }
    }
}
