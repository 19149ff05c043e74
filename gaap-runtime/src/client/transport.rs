//! The HTTP exchange: the reqwest client (rustls with ring, one connection pool shared by the
//! clones of a [`Client`](crate::Client)), one attempt's request and its bounded answer, and the
//! classification of failures by whether the request may have reached the server.

use std::error::Error as StdError;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST};

use super::request::{HttpMethod, SignedRequest};
use super::response::MAX_RESPONSE_BYTES;
use crate::error::{ConfigError, Fate, TransportKind};

const USER_AGENT: &str = concat!("gaap-rs/", env!("CARGO_PKG_VERSION"));

/// What sends: the HTTP client (one connection pool shared by the client's clones) and the
/// longest an attempt may take.
pub(crate) struct Transport {
    http: reqwest::Client,
    timeout: Duration,
}

impl Transport {
    /// `proxy` as for [`build_http_client`]; `timeout` bounds each attempt.
    pub(crate) fn new(
        connect_timeout: Duration,
        proxy: Option<Option<reqwest::Proxy>>,
        timeout: Duration,
    ) -> Result<Transport, ConfigError> {
        Ok(Transport {
            http: build_http_client(connect_timeout, proxy)?,
            timeout,
        })
    }

    /// The longest an attempt may take.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends one signed request and reads its answer, within the attempt timeout or `left`
    /// (what remains of the call's budget), whichever is shorter.
    pub(crate) async fn send(
        &self,
        signed: SignedRequest,
        left: Duration,
    ) -> Result<RawResponse, Failure> {
        execute(&self.http, signed, self.timeout.min(left)).await
    }
}

/// Builds the HTTP client. `proxy`: `None` for the environment's proxy settings, `Some(None)`
/// for no proxy, `Some(Some(proxy))` for that proxy.
pub(crate) fn build_http_client(
    connect_timeout: Duration,
    proxy: Option<Option<reqwest::Proxy>>,
) -> Result<reqwest::Client, ConfigError> {
    crate::tls::ensure_tls_provider();
    let mut builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .user_agent(USER_AGENT)
        // The API never redirects; following a redirect would send a signed request, body and
        // all, to wherever the answer points.
        .redirect(reqwest::redirect::Policy::none());
    match proxy {
        None => {}
        Some(None) => builder = builder.no_proxy(),
        Some(Some(proxy)) => builder = builder.proxy(proxy),
    }
    builder.build().map_err(|error| ConfigError::HttpClient {
        message: error.without_url().to_string(),
    })
}

/// What came back from one attempt, before parsing.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    /// At most [`MAX_RESPONSE_BYTES`] + 1 bytes: one more than allowed marks a body too large.
    pub(crate) body: Vec<u8>,
    /// The connection failed while the body was read: `body` is the part received.
    pub(crate) cut_short: bool,
}

/// A failed attempt.
pub(crate) struct Failure {
    pub(crate) kind: TransportKind,
    pub(crate) fate: Fate,
    pub(crate) detail: String,
    pub(crate) source: reqwest::Error,
}

/// Sends one signed request and reads its answer, within `timeout`.
pub(crate) async fn execute(
    http: &reqwest::Client,
    signed: SignedRequest,
    timeout: Duration,
) -> Result<RawResponse, Failure> {
    let SignedRequest {
        method,
        url,
        mut headers,
        body,
        ..
    } = signed;
    // hyper derives `Host` from the URL exactly as the client computed the signed one (host,
    // plus the port when it is not the scheme's default); leaving it to hyper keeps HTTP/2,
    // where the host travels as `:authority`, correct.
    headers.remove(HOST);
    let mut request = reqwest::Request::new(method.to_http(), url);
    *request.headers_mut() = headers;
    if method == HttpMethod::Post {
        *request.body_mut() = Some(reqwest::Body::from(body));
    }
    *request.timeout_mut() = Some(timeout);

    let mut response = http
        .execute(request)
        .await
        .map_err(|error| classify(error, false))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if append_bounded(&mut body, &chunk) {
                    break;
                }
            }
            Ok(None) => break,
            // The status and headers arrived, then the connection failed (closed before the
            // declared length, reset): the server answered, and its answer was cut short. Said
            // as such, with the status and the part received, rather than as a network failure.
            // A timeout stays a timeout: the kind tells the caller which setting to look at.
            Err(error) if !error.is_timeout() => {
                return Ok(RawResponse {
                    status,
                    content_type,
                    body,
                    cut_short: true,
                });
            }
            Err(error) => return Err(classify(error, true)),
        }
    }
    Ok(RawResponse {
        status,
        content_type,
        body,
        cut_short: false,
    })
}

/// Appends `chunk`, keeping at most one byte more than [`MAX_RESPONSE_BYTES`]; true when full.
fn append_bounded(body: &mut Vec<u8>, chunk: &Bytes) -> bool {
    let room = MAX_RESPONSE_BYTES + 1 - body.len();
    let take = chunk.len().min(room);
    body.extend_from_slice(&chunk[..take]);
    body.len() > MAX_RESPONSE_BYTES
}

/// Classifies a reqwest error by what failed and whether the request may have been sent.
///
/// hyper reports failures of the connector (DNS, TCP connect, TLS handshake, the connect timeout)
/// as connect errors, and the request is only written once the connector succeeded: those are
/// [`Fate::NotSent`]. Everything else (the overall timeout, while the answer is read too; a
/// connection closed or reset after the request was written and before the answer's headers)
/// may follow the server's receipt of the request: [`Fate::Unknown`]. (A connection that fails
/// once the headers arrived cut the answer short: `execute` says so, it is no transport failure.) hyper's pool itself re-sends a request only when a reused
/// connection closed before the request was written.
pub(crate) fn classify(error: reqwest::Error, reading_answer: bool) -> Failure {
    // The URL can carry a legacy signature's session token in its query.
    let error = error.without_url();
    let tls = has_tls_error(&error);
    let (kind, fate) = if reading_answer {
        let kind = if error.is_timeout() {
            TransportKind::Timeout
        } else {
            TransportKind::Other
        };
        (kind, Fate::Unknown)
    } else if error.is_connect() {
        let kind = if tls {
            TransportKind::Tls
        } else if error.is_timeout() {
            TransportKind::Timeout
        } else {
            TransportKind::Connect
        };
        (kind, Fate::NotSent)
    } else if tls {
        (TransportKind::Tls, Fate::Unknown)
    } else if error.is_timeout() {
        (TransportKind::Timeout, Fate::Unknown)
    } else {
        (TransportKind::Other, Fate::Unknown)
    };
    Failure {
        kind,
        fate,
        detail: root_cause(&error),
        source: error,
    }
}

/// Whether the chain holds a rustls error. tokio-rustls wraps them in an `io::Error` (and the
/// connector wraps that in another), whose `source()` skips the wrapped error: the wrapped
/// errors are looked into as well.
fn has_tls_error(error: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(error);
    // Bounded: error chains are short, and a cyclic `source()` must not hang the client.
    for _ in 0..32 {
        let Some(error) = current else {
            return false;
        };
        if error.is::<rustls::Error>() {
            return true;
        }
        current = match error.downcast_ref::<std::io::Error>() {
            Some(io) => match io.get_ref() {
                Some(inner) => Some(inner as &(dyn StdError + 'static)),
                None => error.source(),
            },
            None => error.source(),
        };
    }
    false
}

/// The message of the innermost error (`Connection refused (os error 111)`), which says what
/// happened without reqwest's and hyper's wrapping.
fn root_cause(error: &(dyn StdError + 'static)) -> String {
    let mut innermost = error;
    for _ in 0..32 {
        match innermost.source() {
            Some(source) => innermost = source,
            None => break,
        }
    }
    let text = innermost.to_string();
    text.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_bounded_to_one_byte_over_the_limit() {
        let mut body = Vec::new();
        assert!(!append_bounded(&mut body, &Bytes::from_static(b"abc")));
        let big = Bytes::from(vec![0u8; MAX_RESPONSE_BYTES]);
        assert!(append_bounded(&mut body, &big));
        assert_eq!(body.len(), MAX_RESPONSE_BYTES + 1);
    }

    #[test]
    fn rustls_errors_are_found_inside_io_errors() {
        let inner = rustls::Error::General("handshake".into());
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, inner);
        assert!(has_tls_error(&io));
        let twice = std::io::Error::other(io);
        assert!(has_tls_error(&twice));
        let plain = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert!(!has_tls_error(&plain));
        assert_eq!(root_cause(&plain), "refused");
    }
}
