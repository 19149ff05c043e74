//! The legacy signature methods, HmacSHA1 and HmacSHA256: the common parameters, the string to
//! sign, the signature and the URL-encoded form that carries them.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;

use super::common::LEGACY_COMMON_PARAMETERS;

/// The hash of a legacy signature, named by the `SignatureMethod` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LegacyAlgorithm {
    /// HMAC-SHA1, what the server assumes when `SignatureMethod` is absent.
    HmacSha1,
    /// HMAC-SHA256.
    HmacSha256,
}

impl LegacyAlgorithm {
    /// The value of the `SignatureMethod` parameter: `HmacSHA1` or `HmacSHA256`.
    pub fn as_str(self) -> &'static str {
        match self {
            LegacyAlgorithm::HmacSha1 => "HmacSHA1",
            LegacyAlgorithm::HmacSha256 => "HmacSHA256",
        }
    }
}

impl fmt::Display for LegacyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A legacy signature and the string it signs.
///
/// The string to sign holds every parameter's raw value, the session token included. `Debug`
/// shows only the values of the common parameters that are no secret (`Action`, `Nonce`,
/// `Timestamp`...), since it cannot know which of the action's parameters are; the fields hold
/// the whole text.
#[derive(Clone, PartialEq, Eq)]
pub struct LegacySignature {
    /// `METHOD` + host + path + `?` + the `key=value` pairs sorted by key, joined by `&`, with
    /// raw (not URL-encoded) values.
    pub string_to_sign: String,
    /// The base64 of the HMAC of the string to sign: the value of the `Signature` parameter.
    pub signature: String,
}

impl fmt::Debug for LegacySignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = match self.string_to_sign.split_once('?') {
            Some((start, pairs)) => {
                let pairs: Vec<String> = pairs
                    .split('&')
                    .map(|pair| match pair.split_once('=') {
                        Some((key, _))
                            if key != "Token" && LEGACY_COMMON_PARAMETERS.contains(&key) =>
                        {
                            pair.to_owned()
                        }
                        Some((key, _)) => format!("{key}=<redacted>"),
                        None => "<redacted>".to_owned(),
                    })
                    .collect();
                format!("{start}?{}", pairs.join("&"))
            }
            None => "<redacted>".to_owned(),
        };
        f.debug_struct("LegacySignature")
            .field("string_to_sign", &shown)
            .field("signature", &self.signature)
            .finish()
    }
}

/// Signs the parameters of a legacy request.
///
/// `params` must hold every parameter that is sent except `Signature`: the action's own
/// (flattened, `Ports.0=90`) and the common ones (see [`LegacyCommonParams`]), with
/// `SignatureMethod` naming `algorithm` (the server picks the hash from it). `method` is the
/// upper-case HTTP method, `host` the `Host` header and `path` the request path (`/`), all as
/// sent.
///
/// The pairs are sorted by key in byte order, as the official SDKs do; pairs with equal keys keep
/// their given order. Send the parameters and the signature with [`legacy_wire_form`].
///
/// ```
/// use gaap_runtime::signing::{
///     LegacyAlgorithm, LegacyCommonParams, legacy_wire_form, sign_legacy,
/// };
///
/// let algorithm = LegacyAlgorithm::HmacSha256;
/// let common = LegacyCommonParams {
///     action: "DescribeProxies",
///     version: "2018-05-29",
///     timestamp: 1_551_113_065,
///     nonce: 11_886,
///     secret_id: "AKIDEXAMPLE",
///     region: Some("ap-guangzhou"),
///     token: None,
///     language: None,
///     request_client: None,
/// };
/// let mut params = vec![("ProxyIds.0", "link-bjkpdum1".to_owned())];
/// params.extend(common.to_pairs(algorithm));
///
/// let signed = sign_legacy(algorithm, "POST", "gaap.tencentcloudapi.com", "/", &params, "secret");
/// assert!(signed.string_to_sign.starts_with(
///     "POSTgaap.tencentcloudapi.com/?Action=DescribeProxies&Nonce=11886&ProxyIds.0=link-bjkpdum1&"
/// ));
/// let body = legacy_wire_form(&params, &signed.signature);
/// assert!(body.starts_with("ProxyIds.0=link-bjkpdum1&Action=DescribeProxies&"));
/// assert!(body.contains("&Signature="));
/// ```
pub fn sign_legacy<K: AsRef<str>, V: AsRef<str>>(
    algorithm: LegacyAlgorithm,
    method: &str,
    host: &str,
    path: &str,
    params: &[(K, V)],
    secret_key: &str,
) -> LegacySignature {
    let string_to_sign = legacy_string_to_sign(method, host, path, params);

    let key = secret_key.as_bytes();
    let message = string_to_sign.as_bytes();
    let signature = match algorithm {
        LegacyAlgorithm::HmacSha1 => BASE64.encode(hmac::<Sha1>(key, message)),
        LegacyAlgorithm::HmacSha256 => BASE64.encode(hmac::<Sha256>(key, message)),
    };
    LegacySignature {
        string_to_sign,
        signature,
    }
}

/// The string a legacy signature signs: `METHOD` + host + path + `?` + the pairs sorted by key
/// (stable: equal keys keep their order), `key=value` with raw values, joined by `&`.
pub fn legacy_string_to_sign<K: AsRef<str>, V: AsRef<str>>(
    method: &str,
    host: &str,
    path: &str,
    params: &[(K, V)],
) -> String {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(key, value)| (key.as_ref(), value.as_ref()))
        .collect();
    sorted.sort_by_key(|(key, _)| *key);

    let pairs_len: usize = sorted.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut string_to_sign =
        String::with_capacity(method.len() + host.len() + path.len() + 1 + pairs_len);
    string_to_sign.push_str(method);
    string_to_sign.push_str(host);
    string_to_sign.push_str(path);
    string_to_sign.push('?');
    for (index, (key, value)) in sorted.into_iter().enumerate() {
        if index > 0 {
            string_to_sign.push('&');
        }
        string_to_sign.push_str(key);
        string_to_sign.push('=');
        string_to_sign.push_str(value);
    }
    string_to_sign
}

fn hmac<D>(key: &[u8], message: &[u8]) -> impl AsRef<[u8]> + use<D>
where
    D: hmac::EagerHash,
    Hmac<D>: KeyInit + Mac,
{
    // `new_from_slice` is fallible only for MACs with fixed key sizes; HMAC pads or hashes any
    // key, and the hmac crate's own `new` relies on the same fact.
    <Hmac<D> as KeyInit>::new_from_slice(key)
        .expect("HMAC accepts keys of any length")
        .chain_update(message)
        .finalize()
        .into_bytes()
}

/// The `application/x-www-form-urlencoded` form of a legacy request: `params` in the order
/// given, then `Signature`. It is the body of a POST or the query of a GET.
///
/// The encoding is the WHATWG one (`form_urlencoded`): it differs from Python's `urlencode` only
/// in how it escapes `*` and `~`, which the server decodes alike, and the signature covers the
/// decoded values.
pub fn legacy_wire_form<K: AsRef<str>, V: AsRef<str>>(
    params: &[(K, V)],
    signature: &str,
) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (key, value) in params {
        form.append_pair(key.as_ref(), value.as_ref());
    }
    form.append_pair("Signature", signature);
    form.finish()
}

/// The common parameters a legacy request carries as parameters (a TC3 request carries them as
/// `X-TC-*` headers instead).
#[derive(Clone, Copy)]
pub struct LegacyCommonParams<'a> {
    /// `Action`: the action name, `CreateTCPListeners`.
    pub action: &'a str,
    /// `Version`: the API version, `2018-05-29`.
    pub version: &'a str,
    /// `Timestamp`: the request time in unix seconds.
    pub timestamp: i64,
    /// `Nonce`: a random positive integer; with the timestamp, it lets the server refuse
    /// replays.
    pub nonce: u64,
    /// `SecretId`: the identifier of the secret key that signs.
    pub secret_id: &'a str,
    /// `Region`, for actions that take one.
    pub region: Option<&'a str>,
    /// `Token`: the session token of temporary credentials.
    pub token: Option<&'a str>,
    /// `Language`: `zh-CN` or `en-US`, the language of error messages.
    pub language: Option<&'a str>,
    /// `RequestClient`: a free-form name of the calling SDK (`SDK_PYTHON` for the official
    /// Python SDK).
    pub request_client: Option<&'a str>,
}

impl<'a> LegacyCommonParams<'a> {
    /// The common parameters as `key=value` pairs, absent options left out, `SignatureMethod`
    /// last but for `Language`: the order in which the official Python SDK appends them to the
    /// action's parameters (the order is not signed, but keeping it makes the wire form
    /// comparable byte for byte).
    pub fn to_pairs(&self, algorithm: LegacyAlgorithm) -> Vec<(&'static str, String)> {
        let optional =
            |key: &'static str, value: Option<&str>| value.map(|value| (key, value.to_owned()));
        [
            Some(("Action", self.action.to_owned())),
            optional("RequestClient", self.request_client),
            Some(("Nonce", self.nonce.to_string())),
            Some(("Timestamp", self.timestamp.to_string())),
            Some(("Version", self.version.to_owned())),
            optional("Region", self.region),
            optional("Token", self.token),
            Some(("SecretId", self.secret_id.to_owned())),
            Some(("SignatureMethod", algorithm.as_str().to_owned())),
            optional("Language", self.language),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Shows whether a session token is present, not the token: it is a credential.
impl fmt::Debug for LegacyCommonParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LegacyCommonParams")
            .field("action", &self.action)
            .field("version", &self.version)
            .field("timestamp", &self.timestamp)
            .field("nonce", &self.nonce)
            .field("secret_id", &self.secret_id)
            .field("region", &self.region)
            .field("token", &self.token.map(|_| "<redacted>"))
            .field("language", &self.language)
            .field("request_client", &self.request_client)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_in_byte_order_with_raw_values() {
        let params = [("b", "x y"), ("B", "&="), ("a.1", "é"), ("a.0", "")];
        let signed = sign_legacy(LegacyAlgorithm::HmacSha1, "GET", "h", "/", &params, "k");
        assert_eq!(signed.string_to_sign, "GETh/?B=&=&a.0=&a.1=é&b=x y");
    }

    #[test]
    fn no_params_sign_the_bare_path() {
        let params: [(&str, &str); 0] = [];
        let signed = sign_legacy(LegacyAlgorithm::HmacSha256, "POST", "h", "/", &params, "k");
        assert_eq!(signed.string_to_sign, "POSTh/?");
        assert_eq!(
            legacy_wire_form(&params, "a/b+c="),
            "Signature=a%2Fb%2Bc%3D"
        );
    }

    #[test]
    fn a_signature_shows_only_the_values_no_secret_can_hide_in() {
        let params = [
            ("Token", "tOkEn"),
            ("Action", "A"),
            ("CertificateKey", "pRiVaTe&x=y"),
            ("Nonce", "1"),
        ];
        let signed = sign_legacy(LegacyAlgorithm::HmacSha1, "GET", "h", "/", &params, "k");
        assert!(signed.string_to_sign.contains("tOkEn"));
        let shown = format!("{signed:?}");
        assert!(
            shown.contains(
                "GETh/?Action=A&CertificateKey=<redacted>&x=<redacted>&Nonce=1&Token=<redacted>"
            ),
            "{shown}"
        );
        assert!(
            !shown.contains("tOkEn") && !shown.contains("pRiVaTe"),
            "{shown}"
        );
    }

    #[test]
    fn debug_output_hides_the_token() {
        let common = LegacyCommonParams {
            action: "A",
            version: "V",
            timestamp: 1,
            nonce: 2,
            secret_id: "id",
            region: None,
            token: Some("session-token-value"),
            language: None,
            request_client: None,
        };
        let shown = format!("{common:?}");
        assert!(!shown.contains("session-token-value"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
