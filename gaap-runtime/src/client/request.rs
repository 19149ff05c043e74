//! Turning a typed request into the exact HTTP request that goes on the wire, in two stages that
//! `send` and the dry run share: [`PreparedRequest`] (validated, addressed and serialized, once
//! per call) and [`SignedRequest`] (signed, once per attempt, with a fresh timestamp).
//!
//! Nothing here touches the network or a clock: the timestamp, nonce and trace id come in as
//! [`SigningInputs`], so the output is a pure function of its inputs, checkable byte for byte.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderName, HeaderValue};
use url::Url;
use uuid::Uuid;

use super::endpoint::{Endpoint, RegionValue};
use crate::action::is_sensitive;
use crate::credentials::Credentials;
use crate::error::ConfigError;
use crate::signing::{
    LegacyAlgorithm, LegacyCommonParams, LegacySignature, SignedHeaders, Tc3Request, Tc3Signature,
    Tc3Signer, legacy_string_to_sign, legacy_wire_form, sign_legacy,
};
use crate::wire::FlatParams;

/// The `X-TC-RequestClient` header and `RequestClient` parameter: which SDK sent the request, as
/// the official SDKs say (`SDK_PYTHON_3.0.1`). Not signed by TC3.
pub const REQUEST_CLIENT: &str = concat!("SDK_RUST_GAAP_", env!("CARGO_PKG_VERSION"));

/// The longest URL a GET may have: the documentation limits GET requests to 32 KB. Larger
/// requests go by POST, whose body takes up to 10 MB.
pub const MAX_GET_URL_BYTES: usize = 32 * 1024;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// How requests travel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// POST: the parameters as a JSON body with TC3, as a form body with the legacy methods.
    /// The default, as in the official SDKs.
    #[default]
    Post,
    /// GET: the parameters `.N`-flattened in the query. URLs are limited in length, so large
    /// requests should use POST.
    Get,
}

impl HttpMethod {
    /// `POST` or `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Post => "POST",
            HttpMethod::Get => "GET",
        }
    }

    pub(crate) fn to_http(self) -> http::Method {
        match self {
            HttpMethod::Post => http::Method::POST,
            HttpMethod::Get => http::Method::GET,
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The language of the server's error messages (`X-TC-Language`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    /// Simplified Chinese, `zh-CN`: the server's default.
    ZhCn,
    /// English, `en-US`.
    EnUs,
}

impl Language {
    /// `zh-CN` or `en-US`.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::EnUs => "en-US",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the `Nonce` of legacy signatures comes from.
pub type NonceSource = Arc<dyn Fn() -> u64 + Send + Sync>;

// `HeaderName` statics must be lower-case literals; a test checks each against
// `signing::COMMON_PARAMETERS`, the one table of the common parameters and their headers.
static X_TC_ACTION: HeaderName = HeaderName::from_static("x-tc-action");
static X_TC_VERSION: HeaderName = HeaderName::from_static("x-tc-version");
static X_TC_TIMESTAMP: HeaderName = HeaderName::from_static("x-tc-timestamp");
static X_TC_REGION: HeaderName = HeaderName::from_static("x-tc-region");
static X_TC_TOKEN: HeaderName = HeaderName::from_static("x-tc-token");
static X_TC_LANGUAGE: HeaderName = HeaderName::from_static("x-tc-language");
static X_TC_REQUEST_CLIENT: HeaderName = HeaderName::from_static("x-tc-requestclient");
pub(crate) static X_TC_TRACE_ID: HeaderName = HeaderName::from_static("x-tc-traceid");

/// What changes between two signatures of one call: the time, the legacy nonce, the trace id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningInputs {
    /// The request time in unix seconds (`X-TC-Timestamp`, or `Timestamp` for the legacy
    /// methods). The server rejects signatures more than five minutes off.
    pub timestamp: i64,
    /// The `Nonce` parameter of the legacy methods (ignored by TC3): a positive integer that,
    /// with the timestamp, lets the server refuse replays.
    pub nonce: u64,
    /// The `X-TC-TraceId` header, unless the client was given one.
    pub trace_id: Uuid,
}

/// A request validated, addressed and serialized: everything but the signature, which
/// [`Client::sign`](crate::Client::sign) adds per attempt. Made by
/// [`Client::prepare`](crate::Client::prepare).
#[derive(Clone)]
pub struct PreparedRequest {
    pub(crate) action: Cow<'static, str>,
    pub(crate) version: Cow<'static, str>,
    pub(crate) service: Cow<'static, str>,
    pub(crate) endpoint: Arc<Endpoint>,
    pub(crate) region: Option<RegionValue>,
    pub(crate) payload: Payload,
    pub(crate) client_token: Option<String>,
    /// [`Action::SENSITIVE_PARAMS`](crate::Action::SENSITIVE_PARAMS) of the action.
    pub(crate) sensitive: &'static [&'static str],
    /// The values of those parameters in this request, scrubbed from quoted answers.
    pub(crate) sensitive_values: Vec<String>,
}

/// The parameters, in the form the client's method and signature method send them.
#[derive(Clone)]
pub(crate) enum Payload {
    /// TC3 over POST: the JSON body.
    Json(Bytes),
    /// TC3 over GET: the URL-encoded, flattened query.
    Query(String),
    /// A legacy method: the flattened parameters, to which each signature adds the common ones.
    Legacy {
        params: FlatParams,
        algorithm: LegacyAlgorithm,
        method: HttpMethod,
    },
}

impl PreparedRequest {
    /// The action name (`CreateTCPListeners`).
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The `Host` the request goes to and the signature covers.
    pub fn host(&self) -> &str {
        &self.endpoint.host
    }

    /// The region sent, if the action takes one and the client has one.
    pub fn region(&self) -> Option<&str> {
        self.region.as_ref().map(|region| &*region.name)
    }

    /// The `ClientToken` the request carries, if its action has one (the client fills an empty
    /// one with a fresh UUID).
    pub fn client_token(&self) -> Option<&str> {
        self.client_token.as_deref()
    }

    /// The JSON body, when the request is a TC3 POST; editable, to sign exactly the bytes
    /// another tool sent (reproducing a signature from another SDK, say).
    pub fn json_body_mut(&mut self) -> Option<&mut Bytes> {
        match &mut self.payload {
            Payload::Json(body) => Some(body),
            _ => None,
        }
    }

    /// The URL-encoded query, when the request is a TC3 GET; editable as
    /// [`json_body_mut`](Self::json_body_mut) is.
    pub fn query_mut(&mut self) -> Option<&mut String> {
        match &mut self.payload {
            Payload::Query(query) => Some(query),
            _ => None,
        }
    }
}

/// Shows the addressing only: the parameters may hold secrets of their own (a private key).
impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let payload = match &self.payload {
            Payload::Json(body) => format!("JSON, {} bytes", body.len()),
            Payload::Query(query) => format!("query, {} bytes", query.len()),
            Payload::Legacy { params, .. } => format!("{} parameters", params.len()),
        };
        f.debug_struct("PreparedRequest")
            .field("action", &self.action)
            .field("version", &self.version)
            .field("host", &self.endpoint.host)
            .field("region", &self.region())
            .field("client_token", &self.client_token)
            .field("payload", &payload)
            .finish()
    }
}

/// The signature of a [`SignedRequest`] with its intermediate strings, to locate a mismatch
/// when the server answers `AuthFailure.SignatureFailure`.
#[derive(Clone, PartialEq, Eq)]
pub enum SignatureDetails {
    /// TC3-HMAC-SHA256.
    Tc3(Tc3Signature),
    /// HmacSHA1 or HmacSHA256. Its string to sign holds every parameter in clear, the session
    /// token included: do not log it.
    Legacy(LegacySignature),
}

/// Shows what can be shown without knowing the action: the canonical request with its query's
/// values replaced, the legacy string to sign with only the values of the non-secret common
/// parameters. [`SignedRequest`]'s `Debug`, which knows the action's sensitive parameters, shows
/// more.
impl fmt::Debug for SignatureDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureDetails::Tc3(signature) => f.debug_tuple("Tc3").field(signature).finish(),
            SignatureDetails::Legacy(signature) => {
                f.debug_tuple("Legacy").field(signature).finish()
            }
        }
    }
}

/// The exact HTTP request a call sends: method, URL, headers and body, signed.
///
/// [`Client::dry_run`](crate::Client::dry_run) returns it without sending. The `Host` header is
/// included, as signed; HTTP clients derive the same value from the URL. `Debug` redacts the
/// session token (header or legacy parameter), the values of the action's sensitive parameters
/// wherever they appear (URL, canonical request, legacy string to sign) and the custom headers'
/// values, and shows the body's length only.
#[derive(Clone)]
pub struct SignedRequest {
    /// POST or GET.
    pub method: HttpMethod,
    /// The URL, with the query for GET.
    pub url: Url,
    /// Every header the client sets (the HTTP client adds `Content-Length`, `Accept` and
    /// `User-Agent`).
    pub headers: HeaderMap,
    /// The body: JSON or a form for POST, empty for GET.
    pub body: Bytes,
    /// The signature and the strings it was computed from.
    pub signature: SignatureDetails,
    /// The action's sensitive parameters, for `Debug`.
    sensitive: &'static [&'static str],
    /// The legacy string to sign with the token and sensitive values replaced, when it holds
    /// any: its values are raw, so it cannot be redacted by parsing it afterwards.
    shown_string_to_sign: Option<String>,
}

impl SignedRequest {
    /// A header's value as text, if present and printable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                // The token and custom headers are marked sensitive; the Authorization header
                // is too (for HTTP clients' logs), but it holds no secret and locates a
                // signature mismatch.
                let shown = if value.is_sensitive() && *name != AUTHORIZATION {
                    "<redacted>"
                } else {
                    value.to_str().unwrap_or("<not text>")
                };
                (name.as_str(), shown)
            })
            .collect();
        let url = match self.url.query() {
            Some(query) => format!(
                "{}?{}",
                &self.url.as_str()[..self.url.as_str().len() - query.len() - 1],
                redact_query(query, self.sensitive)
            ),
            None => self.url.to_string(),
        };
        let mut out = f.debug_struct("SignedRequest");
        out.field("method", &self.method)
            .field("url", &url)
            .field("headers", &headers)
            .field("body_len", &self.body.len());
        match &self.signature {
            SignatureDetails::Tc3(signature) => out.field(
                "signature",
                &ShownTc3 {
                    signature,
                    sensitive: self.sensitive,
                },
            ),
            SignatureDetails::Legacy(signature) => out.field(
                "signature",
                &ShownLegacy {
                    string_to_sign: self
                        .shown_string_to_sign
                        .as_deref()
                        .unwrap_or(&signature.string_to_sign),
                    signature: &signature.signature,
                },
            ),
        };
        out.finish()
    }
}

/// A TC3 signature as [`SignedRequest`]'s `Debug` shows it.
struct ShownTc3<'a> {
    signature: &'a Tc3Signature,
    sensitive: &'a [&'a str],
}

impl fmt::Debug for ShownTc3<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tc3")
            .field(
                "canonical_request",
                &redact_canonical_query(&self.signature.canonical_request, |query| {
                    redact_query(query, self.sensitive)
                }),
            )
            .field("string_to_sign", &self.signature.string_to_sign)
            .field("signature", &self.signature.signature)
            .field("authorization", &self.signature.authorization)
            .finish()
    }
}

/// A legacy signature as [`SignedRequest`]'s `Debug` shows it.
struct ShownLegacy<'a> {
    string_to_sign: &'a str,
    signature: &'a str,
}

impl fmt::Debug for ShownLegacy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Legacy")
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature)
            .finish()
    }
}

/// An URL-encoded query or form (`a=1&b=2`) with the values of `Token` and of the parameters
/// `sensitive` names replaced by `<redacted>`.
pub(crate) fn redact_query<'q>(query: &'q str, sensitive: &[&str]) -> Cow<'q, str> {
    let secret = |raw_key: &str| {
        let key: Cow<'_, str> = form_urlencoded::parse(raw_key.as_bytes())
            .next()
            .map_or(Cow::Borrowed(raw_key), |(key, _)| key);
        key == "Token" || is_sensitive(sensitive, &key)
    };
    if !query
        .split('&')
        .any(|pair| secret(pair.split('=').next().unwrap_or("")))
    {
        return Cow::Borrowed(query);
    }
    let pairs: Vec<Cow<'_, str>> = query
        .split('&')
        .map(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            if secret(key) {
                Cow::Owned(format!("{key}=<redacted>"))
            } else {
                Cow::Borrowed(pair)
            }
        })
        .collect();
    Cow::Owned(pairs.join("&"))
}

/// A TC3 canonical request with its query line (the third) passed through `redact`.
pub(crate) fn redact_canonical_query<'c>(
    canonical_request: &'c str,
    redact: impl FnOnce(&str) -> Cow<'_, str>,
) -> Cow<'c, str> {
    let mut lines = canonical_request.splitn(4, '\n');
    let (Some(method), Some(path), Some(query), Some(rest)) =
        (lines.next(), lines.next(), lines.next(), lines.next())
    else {
        return Cow::Borrowed(canonical_request);
    };
    match redact(query) {
        Cow::Borrowed(_) => Cow::Borrowed(canonical_request),
        Cow::Owned(query) => Cow::Owned(format!("{method}\n{path}\n{query}\n{rest}")),
    }
}

/// What signs: the client's settings that go into every signed request besides the request's
/// own parameters (the extra headers, the language, the `RequestClient` and which headers TC3
/// signatures cover), and the TC3 key cache.
pub(crate) struct RequestSigner {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) trace_id: Option<HeaderValue>,
    pub(crate) language: Option<Language>,
    pub(crate) request_client: String,
    pub(crate) request_client_header: HeaderValue,
    pub(crate) signed_headers: SignedHeaders,
    pub(crate) signer: Tc3Signer,
}

impl RequestSigner {
    /// Signs `prepared` with `credentials` at `inputs`: the second stage of every attempt.
    pub(crate) fn sign_prepared(
        &self,
        prepared: &PreparedRequest,
        credentials: &Credentials,
        inputs: &SigningInputs,
    ) -> Result<SignedRequest, ConfigError> {
        let mut headers = HeaderMap::with_capacity(16);
        let host = &prepared.endpoint.host;
        let mut shown_string_to_sign = None;
        let (method, url, body, signature) = match &prepared.payload {
            Payload::Json(body) => {
                let signature =
                    self.sign_tc3(prepared, credentials, inputs, "POST", "", JSON, body)?;
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
                let url = prepared.endpoint.base.clone();
                (HttpMethod::Post, url, body.clone(), signature)
            }
            Payload::Query(query) => {
                let signature =
                    self.sign_tc3(prepared, credentials, inputs, "GET", query, FORM, b"")?;
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM));
                let mut url = prepared.endpoint.base.clone();
                if !query.is_empty() {
                    url.set_query(Some(query));
                }
                (HttpMethod::Get, url, Bytes::new(), signature)
            }
            Payload::Legacy {
                params,
                algorithm,
                method,
            } => {
                let common = LegacyCommonParams {
                    action: &prepared.action,
                    version: &prepared.version,
                    timestamp: inputs.timestamp,
                    nonce: inputs.nonce,
                    secret_id: credentials.secret_id(),
                    region: prepared.region.as_ref().map(|region| &*region.name),
                    token: credentials.token(),
                    language: self.language.map(|language| language.as_str()),
                    request_client: Some(&self.request_client),
                };
                let common = common.to_pairs(*algorithm);
                let pairs: Vec<(&str, &str)> = params
                    .iter()
                    .chain(common.iter().map(|(k, v)| (*k, v.as_str())))
                    .collect();
                let signature = sign_legacy(
                    *algorithm,
                    method.as_str(),
                    host,
                    "/",
                    &pairs,
                    credentials.secret_key(),
                );
                let secret = |key: &str| key == "Token" || is_sensitive(prepared.sensitive, key);
                if pairs.iter().any(|(key, _)| secret(key)) {
                    let shown: Vec<(&str, &str)> = pairs
                        .iter()
                        .map(|&(key, value)| (key, if secret(key) { "<redacted>" } else { value }))
                        .collect();
                    shown_string_to_sign =
                        Some(legacy_string_to_sign(method.as_str(), host, "/", &shown));
                }
                let form = legacy_wire_form(&pairs, &signature.signature);
                let mut url = prepared.endpoint.base.clone();
                let body = match method {
                    HttpMethod::Post => {
                        headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM));
                        Bytes::from(form)
                    }
                    HttpMethod::Get => {
                        url.set_query(Some(&form));
                        Bytes::new()
                    }
                };
                (*method, url, body, SignatureDetails::Legacy(signature))
            }
        };
        headers.insert(HOST, prepared.endpoint.host_header.clone());
        if let SignatureDetails::Tc3(signature) = &signature {
            let mut authorization = header_value("Authorization", &signature.authorization)?;
            authorization.set_sensitive(true);
            headers.insert(AUTHORIZATION, authorization);
            headers.insert(
                X_TC_ACTION.clone(),
                cow_header_value("X-TC-Action", &prepared.action)?,
            );
            headers.insert(X_TC_TIMESTAMP.clone(), HeaderValue::from(inputs.timestamp));
            headers.insert(
                X_TC_VERSION.clone(),
                cow_header_value("X-TC-Version", &prepared.version)?,
            );
            if let Some(region) = &prepared.region {
                headers.insert(X_TC_REGION.clone(), region.header.clone());
            }
            if let Some(token) = credentials.token() {
                let mut token = header_value("X-TC-Token", token)?;
                token.set_sensitive(true);
                headers.insert(X_TC_TOKEN.clone(), token);
            }
            if let Some(language) = self.language {
                headers.insert(
                    X_TC_LANGUAGE.clone(),
                    HeaderValue::from_static(language.as_str()),
                );
            }
            headers.insert(
                X_TC_REQUEST_CLIENT.clone(),
                self.request_client_header.clone(),
            );
        }
        let trace_id = match &self.trace_id {
            Some(trace_id) => trace_id.clone(),
            None => {
                let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
                let text = inputs.trace_id.hyphenated().encode_lower(&mut text);
                HeaderValue::from_str(text).map_err(|_| ConfigError::InvalidHeader {
                    name: "X-TC-TraceId".into(),
                    reason: "not a valid header value",
                })?
            }
        };
        headers.insert(X_TC_TRACE_ID.clone(), trace_id);
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        if method == HttpMethod::Get && url.as_str().len() > MAX_GET_URL_BYTES {
            return Err(ConfigError::UrlTooLong {
                length: url.as_str().len(),
                limit: MAX_GET_URL_BYTES,
            });
        }
        Ok(SignedRequest {
            method,
            url,
            headers,
            body,
            signature,
            sensitive: prepared.sensitive,
            shown_string_to_sign,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn sign_tc3(
        &self,
        prepared: &PreparedRequest,
        credentials: &Credentials,
        inputs: &SigningInputs,
        method: &str,
        query: &str,
        content_type: &str,
        payload: &[u8],
    ) -> Result<SignatureDetails, ConfigError> {
        let request = Tc3Request {
            method,
            host: &prepared.endpoint.host,
            path: "/",
            query,
            content_type,
            payload,
            timestamp: inputs.timestamp,
            service: &prepared.service,
        };
        let mut signed_headers: [(&str, &str); 2] = [("", ""); 2];
        let mut count = 0;
        if self.signed_headers == SignedHeaders::WithAction {
            signed_headers[0] = ("x-tc-action", &prepared.action);
            count = 1;
            if let Some(region) = &prepared.region {
                signed_headers[1] = ("x-tc-region", &region.name);
                count = 2;
            }
        }
        self.signer
            .sign_with_headers(
                &request,
                &signed_headers[..count],
                credentials.secret_id(),
                credentials.secret_key(),
            )
            .map(SignatureDetails::Tc3)
            .map_err(ConfigError::Clock)
    }
}

/// A header value for a name or version: without a copy when it comes from the generated code
/// (`'static`).
#[allow(clippy::ptr_arg, reason = "whether the Cow is borrowed is the point")]
fn cow_header_value(name: &str, value: &Cow<'static, str>) -> Result<HeaderValue, ConfigError> {
    match value {
        Cow::Borrowed(text) if text.bytes().all(|b| (0x20..0x7f).contains(&b)) => {
            Ok(HeaderValue::from_static(text))
        }
        _ => header_value(name, value),
    }
}

/// A header value from text the client does not control (credentials, the action name); the
/// value is not quoted in the error, as it may be a secret.
fn header_value(name: &str, value: &str) -> Result<HeaderValue, ConfigError> {
    HeaderValue::from_str(value).map_err(|_| ConfigError::InvalidHeader {
        name: name.to_owned(),
        reason: "the value holds a control or non-visible-ASCII character",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_headers_are_those_of_the_common_parameter_table() {
        let pairs = [
            (&X_TC_ACTION, "Action"),
            (&X_TC_VERSION, "Version"),
            (&X_TC_TIMESTAMP, "Timestamp"),
            (&X_TC_REGION, "Region"),
            (&X_TC_TOKEN, "Token"),
            (&X_TC_LANGUAGE, "Language"),
            (&X_TC_REQUEST_CLIENT, "RequestClient"),
        ];
        for (header, parameter) in pairs {
            assert_eq!(
                crate::signing::tc3_header(parameter).map(str::to_ascii_lowercase),
                Some(header.as_str().to_owned()),
                "{parameter}"
            );
        }
        let with_header = crate::signing::COMMON_PARAMETERS
            .iter()
            .filter(|p| crate::signing::tc3_header(p.name).is_some())
            .count();
        assert_eq!(
            with_header,
            pairs.len(),
            "a common header without its static"
        );
    }

    #[test]
    fn token_and_sensitive_parameters_are_redacted_wherever_they_are() {
        let none: &[&str] = &[];
        assert_eq!(
            redact_query("a=1&Token=sEcReT&b=2", none),
            "a=1&Token=<redacted>&b=2"
        );
        assert_eq!(redact_query("Token=sEcReT", none), "Token=<redacted>");
        // Not a parameter named Token: left alone.
        assert_eq!(redact_query("ClientToken=abc", none), "ClientToken=abc");
        assert_eq!(redact_query("x=Token%3Dy", none), "x=Token%3Dy");
        assert_eq!(
            redact_query("ClientToken=abc&Token=sEcReT&Token=again", none),
            "ClientToken=abc&Token=<redacted>&Token=<redacted>"
        );
        let sensitive = &["CertificateKey", "Set.*.Key"];
        assert_eq!(
            redact_query(
                "CertificateKey=k%2B1&Set.0.Key=a&Set.1.Key=b&Set.1.Name=n&Certificate%4Bey=c",
                sensitive
            ),
            "CertificateKey=<redacted>&Set.0.Key=<redacted>&Set.1.Key=<redacted>&Set.1.Name=n&\
             Certificate%4Bey=<redacted>"
        );
        assert_eq!(
            redact_canonical_query("GET\n/\nToken=t&a=1\ncontent-type:x\n", |q| {
                redact_query(q, none)
            }),
            "GET\n/\nToken=<redacted>&a=1\ncontent-type:x\n"
        );
    }
}
