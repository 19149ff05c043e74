//! The client's settings and their builder: credentials, region, endpoint, HTTP method,
//! signature method, timeouts, proxy, language, custom headers, retries, rate limiting.
//!
//! Every setting is checked in [`ClientBuilder::build`], so that a call never fails for a reason
//! that was known when the client was made.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use url::Url;

// `HttpMethod` and `Language` are re-exported here too, where they were first defined.
use super::request::NonceSource;
pub use super::request::{HttpMethod, Language};
use crate::credentials::{Clock, ProvideCredentials};
use crate::error::ConfigError;
use crate::retry::RetryConfig;
use crate::signing::{SignMethod, SignedHeaders, is_tc3_common_header};

/// A proxy setting.
#[derive(Clone, Default)]
pub(super) enum ProxySetting {
    /// The `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` environment variables, as curl and
    /// the official SDKs read them.
    #[default]
    Environment,
    /// No proxy, whatever the environment says.
    Disabled,
    /// This proxy for every request.
    Url(String),
}

/// Builds a [`Client`](crate::Client). Start from [`Client::builder`](crate::Client::builder).
///
/// ```no_run
/// use std::time::Duration;
/// use gaap_runtime::{Client, Language, RetryConfig, StaticProvider};
///
/// let client = Client::builder()
///     .credentials(StaticProvider::new("AKID...", "secret key"))
///     .region("ap-guangzhou")
///     .language(Language::EnUs)
///     .timeout(Duration::from_secs(30))
///     .retry(RetryConfig::standard().with_max_attempts(5))
///     .rate_limit(true)
///     .build()?;
/// # Ok::<(), gaap_runtime::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    pub(super) credentials: Option<Arc<dyn ProvideCredentials>>,
    pub(super) region: Option<String>,
    pub(super) endpoint: Option<String>,
    pub(super) method: HttpMethod,
    pub(super) sign_method: SignMethod,
    pub(super) connect_timeout: Duration,
    pub(super) timeout: Duration,
    pub(super) proxy: ProxySetting,
    pub(super) language: Option<Language>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) retry: RetryConfig,
    pub(super) rate_limit: bool,
    pub(super) validate: bool,
    pub(super) clock: Option<Clock>,
    pub(super) nonce: Option<NonceSource>,
    pub(super) request_client: Option<String>,
    pub(super) signed_headers: SignedHeaders,
    pub(super) allow_insecure_http: bool,
}

/// The headers the client computes besides the common parameters' `X-TC-*` headers
/// ([`COMMON_PARAMETERS`](crate::signing::COMMON_PARAMETERS)); a custom header may not replace
/// any of them.
const RESERVED_HEADERS: &[&str] = &["authorization", "content-type", "content-length", "host"];

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            region: None,
            endpoint: None,
            method: HttpMethod::Post,
            sign_method: SignMethod::Tc3,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            proxy: ProxySetting::Environment,
            language: None,
            headers: Vec::new(),
            retry: RetryConfig::standard(),
            rate_limit: false,
            validate: true,
            clock: None,
            nonce: None,
            request_client: None,
            signed_headers: SignedHeaders::WithAction,
            allow_insecure_http: false,
        }
    }
}

impl ClientBuilder {
    /// The default settings: the default credentials chain, no region, each action's documented
    /// endpoint over https, POST, TC3, 10 s to connect and 60 s per attempt, the environment's
    /// proxy, [`RetryConfig::standard`], no client-side rate limit, validation on.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// Where credentials come from; the default is [`default_provider`](crate::credentials::default_provider) (environment, profile
    /// file, CVM instance role, with refresh before expiry).
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// As [`credentials`](Self::credentials), for a provider already shared.
    pub fn credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// The region (`ap-guangzhou`), sent to actions that take one and required by those that
    /// need one. Actions documented as not taking a region never get it.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sends every request to this endpoint instead of the action's documented host: a regional
    /// or private endpoint (`gaap.internal.tencentcloudapi.com`), or a local emulator
    /// (`http://127.0.0.1:8080`). Accepts `host`, `host:port` or `scheme://host[:port]`; the
    /// scheme defaults to https. The signature covers the host as sent.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Lets [`endpoint`](Self::endpoint) be `http://` on a host that is not the local machine.
    /// Off by default: over plain HTTP the session token of temporary credentials, the
    /// parameters and the answers travel in clear, readable and replayable by anyone on the path.
    /// `http://` to `localhost`, `127.0.0.0/8` or `[::1]` (a local emulator) is always allowed.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Which headers TC3 signatures cover: [`SignedHeaders::WithAction`] by default (the action
    /// and region are signed, so a captured request cannot be replayed as another action), or
    /// [`SignedHeaders::Minimal`] for requests identical to the official SDKs'.
    pub fn signed_headers(mut self, signed_headers: SignedHeaders) -> Self {
        self.signed_headers = signed_headers;
        self
    }

    /// POST (the default) or GET.
    pub fn http_method(mut self, method: HttpMethod) -> Self {
        self.method = method;
        self
    }

    /// TC3-HMAC-SHA256 (the default) or a legacy method, whose common parameters travel as
    /// parameters: as a form body with POST, in the query with GET.
    pub fn sign_method(mut self, sign_method: SignMethod) -> Self {
        self.sign_method = sign_method;
        self
    }

    /// How long connecting (TCP and TLS) may take; 10 s by default.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, connecting and reading the answer included; 60 s by
    /// default, as in the official SDKs. [`RetryConfig::max_total_time`] bounds the whole call
    /// (90 s by default): an attempt's timeout is cut to what is left of it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends every request through this proxy (`http://proxy:3128`,
    /// `http://user:password@proxy:3128`, `socks5://...` is not supported). By default the
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` environment variables apply.
    pub fn proxy(mut self, proxy_url: impl Into<String>) -> Self {
        self.proxy = ProxySetting::Url(proxy_url.into());
        self
    }

    /// Uses no proxy, whatever the environment says.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxySetting::Disabled;
        self
    }

    /// The language of the server's error messages; the server's default is Chinese.
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Adds a header to every request (`X-TC-Canary`, a tracing header...). The headers the
    /// client computes (`Authorization`, `Host`, `Content-Type`, `X-TC-Action`...) cannot be
    /// replaced. An `X-TC-TraceId` given here replaces the fresh one the client makes per call.
    /// Values are never logged nor shown by `Debug`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The retry policy; [`RetryConfig::disabled`] turns retries off.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Keeps this client under each action's documented rate limit
    /// ([`Action::RATE_LIMIT_PER_SECOND`](crate::Action::RATE_LIMIT_PER_SECOND)) by waiting
    /// before sending, rather than being throttled by the server. Off by default. Clones of the
    /// client share the limiter; separate clients and processes do not.
    pub fn rate_limit(mut self, enabled: bool) -> Self {
        self.rate_limit = enabled;
        self
    }

    /// Whether requests are checked against the documented constraints before sending (on by
    /// default). Turn it off only when the server accepts what the spec forbids: the documented
    /// CreateTCPListeners example itself sends `ConnectTimeout` equal to `DelayLoop`.
    pub fn validate_requests(mut self, enabled: bool) -> Self {
        self.validate = enabled;
        self
    }

    /// The clock that timestamps requests (the server rejects signatures more than five minutes
    /// off); the system clock by default. For tests and dry runs.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Where the `Nonce` of legacy signatures comes from; random by default. For tests and dry
    /// runs.
    pub fn nonce_source(mut self, nonce: NonceSource) -> Self {
        self.nonce = Some(nonce);
        self
    }

    /// The name the client gives itself in `X-TC-RequestClient` (the `RequestClient` parameter of
    /// legacy signatures); [`REQUEST_CLIENT`](super::REQUEST_CLIENT) by default. The official
    /// SDKs send `SDK_PYTHON`, `SDK_GO`...: setting one of these reproduces their requests
    /// exactly.
    pub fn request_client(mut self, name: impl Into<String>) -> Self {
        self.request_client = Some(name.into());
        self
    }
}

/// Shows the settings; header values and the proxy URL (which may hold a password) are
/// redacted.
impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        let proxy = match &self.proxy {
            ProxySetting::Environment => "environment",
            ProxySetting::Disabled => "none",
            ProxySetting::Url(_) => "<redacted URL>",
        };
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("method", &self.method)
            .field("sign_method", &self.sign_method)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("proxy", &proxy)
            .field("language", &self.language)
            .field("header_names", &header_names)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("validate", &self.validate)
            .field("signed_headers", &self.signed_headers)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish_non_exhaustive()
    }
}

/// Checks a custom header; the value is not quoted in errors.
pub(super) fn check_header(
    name: &str,
    value: &str,
) -> Result<(HeaderName, HeaderValue), ConfigError> {
    let invalid = |reason| ConfigError::InvalidHeader {
        name: name.chars().take(64).collect(),
        reason,
    };
    let name =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("not a valid header name"))?;
    if RESERVED_HEADERS.contains(&name.as_str()) || is_tc3_common_header(name.as_str()) {
        return Err(invalid(
            "the client computes this header itself (it is signed or describes the body)",
        ));
    }
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| invalid("the value holds a control or non-visible-ASCII character"))?;
    value.set_sensitive(true);
    Ok((name, value))
}

pub(super) fn proxy_setting(
    setting: &ProxySetting,
) -> Result<Option<Option<reqwest::Proxy>>, ConfigError> {
    match setting {
        ProxySetting::Environment => Ok(None),
        ProxySetting::Disabled => Ok(Some(None)),
        ProxySetting::Url(text) => {
            let invalid = |reason: String| ConfigError::InvalidProxy { reason };
            // Parsed here first: reqwest's errors may quote the URL, and with it a password.
            let url = Url::parse(text).map_err(|error| invalid(error.to_string()))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(invalid("the scheme must be http or https".into()));
            }
            let proxy = reqwest::Proxy::all(url)
                .map_err(|_| invalid("the HTTP client does not accept it".into()))?;
            Ok(Some(Some(proxy)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_for_the_local_machine_unless_allowed() {
        for local in [
            "http://127.0.0.1:8080",
            "http://127.8.9.10",
            "http://localhost:9000",
            "http://LOCALHOST",
            "http://[::1]:9000",
            "https://gaap.example",
            "gaap.example",
        ] {
            let built = ClientBuilder::new()
                .credentials(crate::StaticProvider::new("id", "key"))
                .endpoint(local)
                .build();
            assert!(built.is_ok(), "{local}: {:?}", built.err());
        }
        for remote in [
            "http://gaap.example",
            "http://10.0.0.1:80",
            "http://[fe80::1]",
            "http://localhost.example",
            "http://0.0.0.0:8080",
        ] {
            let builder = ClientBuilder::new()
                .credentials(crate::StaticProvider::new("id", "key"))
                .endpoint(remote);
            let error = builder.clone().build().unwrap_err();
            assert!(
                matches!(error, ConfigError::InsecureEndpoint { .. }),
                "{remote}: {error:?}"
            );
            assert!(error.to_string().contains("allow_insecure_http"), "{error}");
            assert!(
                builder.allow_insecure_http(true).build().is_ok(),
                "{remote}"
            );
        }
    }

    #[test]
    fn reserved_and_malformed_headers_are_refused_without_quoting_the_value() {
        assert!(check_header("X-TC-Canary", "1").is_ok());
        assert!(check_header("x-tc-traceid", "abc").is_ok());
        for name in ["Authorization", "host", "X-TC-Token", "Content-Type"] {
            let error = check_header(name, "v").unwrap_err();
            assert!(error.to_string().contains("computes"), "{error}");
        }
        let error = check_header("X-Secret", "line\nbreak-sEcReT").unwrap_err();
        assert!(!error.to_string().contains("sEcReT"), "{error}");
        assert!(check_header("bad name", "v").is_err());
    }

    #[test]
    fn a_proxy_password_is_never_shown() {
        let error =
            proxy_setting(&ProxySetting::Url("ftp://user:hunter2@proxy".into())).unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
        let error = proxy_setting(&ProxySetting::Url("not a url hunter2".into())).unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
        let builder = ClientBuilder::new()
            .proxy("http://user:hunter2@proxy:3128")
            .header("X-Auth", "hunter2");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("X-Auth"), "{shown}");
    }
}
