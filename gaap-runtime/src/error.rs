//! What a call through the client can fail with: the one error type of [`Client::send`], and the
//! parts it is made of.
//!
//! [`Error`] tells apart the failures a caller handles differently: a request that breaks the
//! documented rules, a client that cannot send this call as configured, missing credentials, a
//! network failure, the API's own (typed) error, and an answer that is not an API answer at all.
//! It also keeps what matters for deciding to send again: whether the request may have reached
//! the server ([`Fate`]).
//!
//! No error ever holds a secret key or a token: they are checked for and scrubbed where an
//! answer could echo them, and never formatted.
//!
//! [`Client::send`]: crate::Client::send

use std::fmt;

use crate::action::{ApiError, EscapeControl, Idempotency};
use crate::credentials::CredentialsError;
use crate::signing::SigningError;
use crate::validate::ValidationErrors;
use crate::wire::DecodeError;

/// Whether a failed request may have reached the server and taken effect.
///
/// This decides whether sending it again is safe: a request that provably was not sent can
/// always be sent again; one whose fate is unknown only if the action is idempotent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Nothing reached the server: validation, configuration and credentials failures, failures
    /// to connect or to complete the TLS handshake.
    NotSent,
    /// The request may have reached the server and taken effect: the connection failed or timed
    /// out after the request was (possibly) written, or something other than the API answered.
    Unknown,
    /// The API answered with an error: the answer says what happened.
    Answered,
}

/// Why a call failed. `E` is the action's typed error (`CreateTcpListenersError`).
///
/// [`Error::fate`] says whether the request may have reached the server, [`Error::is_retryable`]
/// whether sending it again is safe and may succeed, [`Error::request_id`] what to quote to
/// Tencent Cloud support.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request breaks documented rules (ranges, lengths, cross-field rules). Nothing was
    /// sent. Every violation is listed with its parameter path.
    Validation(ValidationErrors),
    /// The client cannot send this call as configured (a region the action requires is missing,
    /// a header value is not valid, the clock is out of range). Nothing was sent.
    Config(ConfigError),
    /// No usable credentials. Nothing was sent.
    Credentials(CredentialsError),
    /// The HTTP exchange failed: connecting, TLS, a timeout, a dropped connection.
    /// [`TransportError::fate`] says whether the request may have reached the server.
    Transport(TransportError),
    /// The API answered with an error code. A code the action's spec documents has its own
    /// variant; any other code is the `Unknown` variant of `E`, still an API error with its code,
    /// message and request id ([`Error::is_undocumented_code`] tells it apart).
    Api(E),
    /// Something answered, but not with an API answer: not JSON (an HTML page from a proxy),
    /// JSON without `Response`, a truncated body, a success without `RequestId`, or a response
    /// that does not match the spec.
    MalformedResponse(Box<MalformedResponse>),
    /// The call's time budget ([`RetryConfig::max_total_time`](crate::RetryConfig)) ran out
    /// before a request could be sent: waiting for credentials or for a slot of the client-side
    /// rate limiter. Nothing was sent.
    Deadline(DeadlineExceeded),
    /// The client-side rate limiter already holds its maximum of calls of this action waiting
    /// ([`MAX_QUEUED_CALLS`](crate::rate_limit::MAX_QUEUED_CALLS)): the caller sends faster than
    /// the action's documented rate for a long while. Nothing was sent.
    QueueFull(QueueFull),
}

impl<E: ApiError> Error<E> {
    /// Whether the request may have reached the server. See [`Fate`].
    pub fn fate(&self) -> Fate {
        match self {
            Error::Validation(_)
            | Error::Config(_)
            | Error::Credentials(_)
            | Error::Deadline(_)
            | Error::QueueFull(_) => Fate::NotSent,
            Error::Transport(error) => error.fate,
            Error::Api(_) => Fate::Answered,
            Error::MalformedResponse(_) => Fate::Unknown,
        }
    }

    /// Whether sending the same request again is safe and may succeed: the client's retry policy
    /// retries exactly these errors, and a caller may try again later once its retries are spent.
    ///
    /// - transport failures, except TLS failures (a certificate problem does not go away), when
    ///   the request was not sent or the action is idempotent (read-only, or with a
    ///   `ClientToken` that the server deduplicates);
    /// - throttling (`RequestLimitExceeded` and its subcodes): the server refused the request;
    /// - an answer that is not an API answer with a 5xx status (a gateway error) or cut short,
    ///   when the action is idempotent.
    ///
    /// Never a request whose fate is unknown for an action that is not idempotent: sending it
    /// again could repeat its effect.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Validation(_)
            | Error::Config(_)
            | Error::Credentials(_)
            | Error::Deadline(_)
            | Error::QueueFull(_) => false,
            Error::Transport(error) => error.is_retryable(),
            Error::Api(error) => error.is_throttling(),
            Error::MalformedResponse(error) => error.is_retryable(),
        }
    }

    /// The request id the server gave the call, to quote to Tencent Cloud support; `None` when
    /// no API answer carried one.
    pub fn request_id(&self) -> Option<&str> {
        let id = match self {
            Error::Api(error) => error.meta().request_id.as_str(),
            Error::MalformedResponse(error) => error.request_id.as_deref()?,
            _ => return None,
        };
        (!id.is_empty()).then_some(id)
    }

    /// The `ClientToken` the call carried, for an action that has one: the client fills an empty
    /// token with a fresh UUID, the same for every attempt. After a failure whose
    /// [`fate`](Self::fate) is not [`Fate::NotSent`] (a 5xx, a cut answer, a timeout), the
    /// request may have been carried out: send it again **with this token**, and the server
    /// carries out at most one of the two. A new token would be a second, billable operation.
    ///
    /// `None` for an action without a `ClientToken`, and for the errors raised before anything
    /// could be sent with it ([`Error::Validation`], [`Error::Config`], [`Error::Credentials`]),
    /// which the client reports only when no earlier attempt was sent.
    ///
    /// ```no_run
    /// gaap_runtime::gaap_api!("../specs/CloseProxies.json");
    ///
    /// # async fn run(client: gaap_runtime::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use gaap_runtime::Fate;
    ///
    /// let mut request = CloseProxiesRequest::builder()
    ///     .proxy_ids(vec!["link-bjkpdum1".to_owned()])
    ///     .build();
    /// let closed = match client.send(request.clone()).await {
    ///     Ok(closed) => closed,
    ///     // The answer was lost (and the client's own retries, with the same token, spent):
    ///     // try again later with the token of the first call, never a new one.
    ///     Err(error) if error.fate() != Fate::NotSent && error.client_token().is_some() => {
    ///         request.client_token = error.client_token().map(str::to_owned);
    ///         client.send(request).await?
    ///     }
    ///     Err(error) => return Err(error.into()),
    /// };
    /// println!("{:?}", closed.request_id);
    /// # Ok(()) }
    /// # fn main() {}
    /// ```
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Error::Validation(_) | Error::Config(_) | Error::Credentials(_) => None,
            Error::Transport(error) => error.client_token(),
            Error::Api(error) => error.meta().client_token.as_deref(),
            Error::MalformedResponse(error) => error.client_token.as_deref(),
            Error::Deadline(error) => error.client_token.as_deref(),
            Error::QueueFull(error) => error.client_token.as_deref(),
        }
    }

    /// The API error, if the API answered with one.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }

    /// The API error code, if the API answered with one.
    pub fn code(&self) -> Option<&str> {
        self.api_error().map(ApiError::code)
    }

    /// Whether the API answered with a code that the action's spec does not document (the
    /// `Unknown` variant of `E`). Still an API error: the code, the server's message and the
    /// request id are there; only its meaning is not known to this SDK.
    pub fn is_undocumented_code(&self) -> bool {
        self.api_error()
            .is_some_and(|error| ApiError::description(error).is_none())
    }
}

impl<E: ApiError> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(errors) => write!(
                f,
                "invalid request, nothing was sent: {errors}; fix the parameters listed"
            ),
            Error::Config(error) => write!(f, "{error}"),
            Error::Credentials(error) => {
                write!(f, "no usable credentials, nothing was sent: {error}")
            }
            Error::Transport(error) => write!(f, "{error}"),
            Error::Api(error) => {
                write!(f, "the API returned an error: {error}")?;
                if ApiError::description(error).is_none() {
                    f.write_str(
                        "; this code is not documented for this action in the SDK's spec: \
                         the server's message above is all that is known about it",
                    )?;
                }
                if error.is_throttling() {
                    f.write_str(
                        "; the action's rate limit was exceeded: slow down, or enable the \
                         client-side rate limiter (ClientBuilder::rate_limit)",
                    )?;
                }
                Ok(())
            }
            Error::MalformedResponse(error) => write!(f, "{error}"),
            Error::Deadline(error) => write!(f, "{error}"),
            Error::QueueFull(error) => write!(f, "{error}"),
        }
    }
}

impl<E: ApiError> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(error) => Some(error),
            Error::Config(error) => Some(error),
            Error::Credentials(error) => Some(error),
            Error::Transport(error) => Some(error),
            Error::Api(error) => Some(error),
            Error::MalformedResponse(error) => Some(&**error),
            Error::Deadline(error) => Some(error),
            Error::QueueFull(error) => Some(error),
        }
    }
}

/// What a call was waiting for when its budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Waiting {
    /// The credentials provider (a refresh from the CVM metadata service, say).
    Credentials,
    /// A slot of the client-side rate limiter: the slot the call would get starts after the
    /// deadline.
    RateLimiter,
    /// Nothing more: the request was ready, and no time was left to send it (a zero budget, or
    /// one that the waits before used up).
    Sending,
}

/// The call's time budget ran out before a request could be sent. Nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeadlineExceeded {
    /// The budget ([`RetryConfig::max_total_time`](crate::RetryConfig::max_total_time)).
    pub budget: std::time::Duration,
    /// What the call was waiting for.
    pub waiting: Waiting,
    /// The action called.
    pub action: &'static str,
    /// The call's `ClientToken`, if its action has one.
    pub client_token: Option<String>,
}

impl fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.waiting {
            Waiting::Credentials => "credentials",
            Waiting::RateLimiter => "a slot of the client-side rate limiter",
            Waiting::Sending => "nothing: no time was left to send the request",
        };
        write!(
            f,
            "{} was not sent: its time budget of {:?} ran out (waiting for {what}); raise \
             RetryConfig::max_total_time, or send fewer calls at once",
            self.action, self.budget
        )
    }
}

impl std::error::Error for DeadlineExceeded {}

/// The client-side rate limiter's queue for an action is full. Nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueueFull {
    /// The action called.
    pub action: &'static str,
    /// How many calls of it may wait at a time.
    pub limit: u32,
    /// The call's `ClientToken`, if its action has one.
    pub client_token: Option<String>,
}

impl fmt::Display for QueueFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} was not sent: {} calls of it already wait for the client-side rate limiter; \
             the application sends faster than the action's documented rate, slow it down",
            self.action, self.limit
        )
    }
}

impl std::error::Error for QueueFull {}

/// A client that cannot send a call as configured. Nothing was sent.
///
/// Returned by [`ClientBuilder::build`](crate::ClientBuilder::build) for a bad setting, and by a
/// call (as [`Error::Config`]) for a problem that only that call has. Values that may be secret
/// (header values, proxy URLs with a password) are never quoted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The action requires a region and the client has none.
    #[error(
        "{action} requires a region and the client has none; nothing was sent: set one with \
         ClientBuilder::region (e.g. \"ap-guangzhou\")"
    )]
    RegionRequired {
        /// The action called.
        action: &'static str,
    },
    /// The region is not a plausible region name.
    #[error("the region {region:?} is not valid: {reason}")]
    InvalidRegion {
        /// The region given.
        region: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The endpoint override cannot be used.
    #[error(
        "the endpoint is not valid: {reason}; give a host (\"gaap.ap-guangzhou.tencentcloudapi.com\"), \
         host:port, or scheme://host[:port] (\"http://127.0.0.1:8080\")"
    )]
    InvalidEndpoint {
        /// What is wrong with it.
        reason: String,
    },
    /// The endpoint is `http://` on a host that is not the local machine: the session token,
    /// the parameters and the answers would travel in clear.
    #[error(
        "the endpoint http://{host} is plain HTTP to another machine: the session token, \
         the parameters and answers would travel in clear; use https://, or say \
         ClientBuilder::allow_insecure_http(true) if the network is trusted"
    )]
    InsecureEndpoint {
        /// The host (and port) of the endpoint.
        host: String,
    },
    /// The proxy URL cannot be used. The URL is not quoted: it may hold a password.
    #[error("the proxy URL is not valid: {reason}; give scheme://[user:password@]host:port")]
    InvalidProxy {
        /// What is wrong with it.
        reason: String,
    },
    /// A header cannot be sent. The value is not quoted: it may be a secret.
    #[error("the header {name:?} cannot be sent: {reason}")]
    InvalidHeader {
        /// The header name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The client's clock gives a time that cannot be signed.
    #[error(
        "cannot sign the request: {0}; check the system clock (or the clock given to the client)"
    )]
    Clock(SigningError),
    /// The request could not be serialized: a bug of the SDK, which generates the serialization.
    #[error("the request could not be serialized as JSON: {message}; please report this SDK bug")]
    Serialize {
        /// serde_json's message.
        message: String,
    },
    /// A GET request whose URL would be longer than the documented limit of GET requests.
    #[error(
        "the request's URL would be {length} bytes, over the {limit} bytes a GET request may \
         have; nothing was sent: send it by POST (ClientBuilder::http_method(HttpMethod::Post), \
         the default), whose body takes up to 10 MB"
    )]
    UrlTooLong {
        /// The URL's length in bytes.
        length: usize,
        /// The limit, [`MAX_GET_URL_BYTES`](crate::client::request::MAX_GET_URL_BYTES).
        limit: usize,
    },
    /// The HTTP client could not be built.
    #[error("the HTTP client could not be built: {message}")]
    HttpClient {
        /// Why.
        message: String,
    },
}

/// What part of the HTTP exchange failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// Resolving the host or connecting to it failed (refused, unreachable, DNS): the request
    /// was not sent.
    Connect,
    /// A timeout: the connect timeout (nothing was sent) or the overall timeout of an attempt
    /// (the request may have been sent).
    Timeout,
    /// The TLS handshake failed (certificate, protocol): the request was not sent.
    Tls,
    /// Any other failure, typically a connection closed or reset while the request was in
    /// flight or before the answer's headers arrived (a connection that fails later cut the
    /// answer short: [`MalformedReason::Truncated`]).
    Other,
}

/// A failure of the HTTP exchange.
///
/// Its message never contains the request URL (a legacy-signed GET carries the token in its
/// query) nor any header.
pub struct TransportError {
    pub(crate) kind: TransportKind,
    pub(crate) fate: Fate,
    pub(crate) idempotency: Idempotency,
    pub(crate) attempts: u32,
    pub(crate) client_token: Option<String>,
    pub(crate) detail: String,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// What part of the exchange failed.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }

    /// Whether the request may have reached the server.
    pub fn fate(&self) -> Fate {
        self.fate
    }

    /// How many attempts the client made before giving up.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The `ClientToken` the request carried: sending the request again with the same token is
    /// safe, the server carries out at most one of them.
    pub fn client_token(&self) -> Option<&str> {
        self.client_token.as_deref()
    }

    /// What the underlying error said (`Connection refused (os error 111)`).
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// See [`Error::is_retryable`].
    pub fn is_retryable(&self) -> bool {
        self.kind != TransportKind::Tls
            && (self.fate == Fate::NotSent || self.idempotency.retry_is_safe())
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("fate", &self.fate)
            .field("idempotency", &self.idempotency)
            .field("attempts", &self.attempts)
            .field("client_token", &self.client_token)
            .field("detail", &self.detail)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match (self.kind, self.fate) {
            (TransportKind::Connect, _) => "cannot connect to the endpoint",
            (TransportKind::Tls, _) => "the TLS handshake with the endpoint failed",
            (TransportKind::Timeout, Fate::NotSent) => "connecting to the endpoint timed out",
            (TransportKind::Timeout, _) => "no answer from the endpoint within the timeout",
            (TransportKind::Other, _) => "the connection to the endpoint failed",
        };
        write!(f, "{what} ({})", self.detail)?;
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        match self.fate {
            Fate::NotSent => f.write_str("; the request was not sent")?,
            _ => f.write_str("; the request may have reached the server and taken effect")?,
        }
        match (self.kind, self.fate) {
            (TransportKind::Tls, _) => f.write_str(
                ": check the endpoint's certificate, the system's root certificates and any \
                 proxy that intercepts TLS",
            ),
            (_, Fate::NotSent) => f.write_str(
                ": check the endpoint, the network and the proxy settings, then try again",
            ),
            _ => match (&self.client_token, self.idempotency) {
                (Some(token), _) => write!(
                    f,
                    ": sending it again with the same ClientToken ({token}) is safe, the server \
                     carries it out at most once"
                ),
                (None, Idempotency::None) => f.write_str(
                    ": this action is not idempotent, so it was not retried; check the state of \
                     the resources it changes (a Describe call) before sending it again",
                ),
                (None, _) => f.write_str(": sending it again is safe"),
            },
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// Why an answer is not an API answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedReason {
    /// The body is empty.
    Empty,
    /// An HTML page: usually from a proxy, a captive portal or a gateway, not from the API.
    Html,
    /// The body is not JSON. Holds the parser's message (a position, never the content).
    NotJson(String),
    /// The body is cut short: the connection failed before the declared length arrived, or the
    /// JSON ends early (the connection was probably cut mid-answer).
    Truncated,
    /// JSON, but no `Response` object: not a Tencent Cloud API 3.0 answer.
    NoResponseObject,
    /// `Response.Error` is there but without a string `Code`.
    BadErrorObject,
    /// A success answer with an HTTP status that is not 2xx.
    UnexpectedStatus,
    /// A success answer without a `RequestId` (or with an empty one): every answer of the API
    /// carries one, so this is not the API, or not all of its answer.
    MissingRequestId,
    /// A success answer that does not match the action's spec.
    Decode(DecodeError),
    /// The body is larger than the client accepts.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MalformedReason::Empty => f.write_str("an empty body"),
            MalformedReason::Html => f.write_str("an HTML page"),
            MalformedReason::NotJson(message) => write!(f, "a body that is not JSON ({message})"),
            MalformedReason::Truncated => f.write_str("JSON cut short"),
            MalformedReason::NoResponseObject => f.write_str("JSON without a `Response` object"),
            MalformedReason::BadErrorObject => {
                f.write_str("an error without a string `Response.Error.Code`")
            }
            MalformedReason::UnexpectedStatus => f.write_str("a success answer"),
            MalformedReason::MissingRequestId => {
                f.write_str("a success answer without a `Response.RequestId`")
            }
            MalformedReason::Decode(error) => {
                write!(f, "a response that does not match the spec ({error})")
            }
            MalformedReason::TooLarge { limit } => {
                write!(f, "a body larger than the {limit} bytes the client accepts")
            }
        }
    }
}

/// An answer that is not an API answer, with what is known of it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MalformedResponse {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any (cut to 100 characters).
    pub content_type: Option<String>,
    /// The start of the body, as text: at most 200 characters, escaped as in a Rust string
    /// literal (control characters, quotes and backslashes), an ellipsis if cut, any
    /// secret of the client replaced by `<redacted>`. Empty for a JSON answer that does not
    /// match the spec (it may hold data the caller would not log).
    pub snippet: String,
    /// What is wrong with it.
    pub reason: MalformedReason,
    /// The request id, when the body is an API answer that carries one.
    pub request_id: Option<String>,
    /// The call's `ClientToken`, if its action has one: see [`Error::client_token`].
    pub client_token: Option<String>,
    pub(crate) idempotency: Idempotency,
}

impl MalformedResponse {
    /// See [`Error::is_retryable`]: a gateway error (5xx) or a body cut short, for an idempotent
    /// action.
    pub fn is_retryable(&self) -> bool {
        let transient = self.status >= 500 || self.reason == MalformedReason::Truncated;
        transient && self.idempotency.retry_is_safe()
    }

    fn advice(&self) -> &'static str {
        match &self.reason {
            MalformedReason::Html | MalformedReason::Empty | MalformedReason::NotJson(_) => {
                "something other than the API answered: check the endpoint and the proxy \
                 settings"
            }
            MalformedReason::NoResponseObject
            | MalformedReason::BadErrorObject
            | MalformedReason::MissingRequestId => {
                "the endpoint does not speak Tencent Cloud API 3.0: check the endpoint"
            }
            MalformedReason::Truncated => {
                "the connection was probably cut mid-answer; the request may have taken effect"
            }
            MalformedReason::UnexpectedStatus | MalformedReason::Decode(_) => {
                "the API's answer does not match this SDK's spec of the action: the spec may be \
                 out of date; report it with the request id"
            }
            MalformedReason::TooLarge { .. } => {
                "the endpoint is probably not the API: check the endpoint"
            }
        }
    }
}

impl fmt::Display for MalformedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the endpoint answered HTTP {}", self.status)?;
        if let Some(content_type) = &self.content_type {
            write!(f, " ({})", EscapeControl(content_type))?;
        }
        write!(f, " with {}", self.reason)?;
        if !self.snippet.is_empty() {
            write!(f, " starting \"{}\"", self.snippet)?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (RequestId: {})", EscapeControl(request_id))?;
        }
        write!(f, "; {}", self.advice())
    }
}

impl std::error::Error for MalformedResponse {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.reason {
            MalformedReason::Decode(error) => Some(error),
            _ => None,
        }
    }
}
