//! HTTP: the accept loop, one hyper connection per socket, and the request handler that applies
//! faults around the protocol and the actions.
//!
//! hyper (not a framework on top of it) because two faults need the raw connection: when the
//! service returns an error, hyper closes the connection without writing a response, and the
//! socket wrapper below turns that close into a TCP reset.
//!
//! The server holds its ground against clients that do not play along: at most
//! [`Config::max_connections`](crate::Config::max_connections) connections at once (beyond that,
//! new ones wait in the listen backlog until one closes), a connection that does not send a
//! request's headers within [`Config::read_timeout`](crate::Config::read_timeout) (from when it
//! opens, or from the end of its previous request) or then its body within the same time is
//! closed, and a panic while answering a request is answered `InternalError` instead of killing
//! the connection. [`OfflineEmulator`] runs the same request handling without a socket.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use gaap_runtime::signing::Tc3Signer;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body::{Frame, SizeHint};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

use crate::actions::{self, ActionInfo, Context as ActionContext};
use crate::clock::Clock;
use crate::config::{Config, Credential, EXAMPLE_SECRET_ID};
use crate::error::{ApiError, code, error_body};
use crate::fault::{Fault, Faults};
use crate::protocol::{self, Received};
use crate::state::State;

/// What every connection of one emulator shares.
pub(crate) struct Shared {
    pub actions: HashMap<&'static str, ActionInfo>,
    pub credentials: HashMap<String, Credential>,
    pub state: RwLock<State>,
    pub faults: Faults,
    pub clock: Clock,
    pub signer: Tc3Signer,
    /// How long a client may take to send a request's headers, then its body.
    pub read_timeout: Duration,
}

impl Shared {
    /// The state of an emulator with `config`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when the saved state in `config` does not load.
    pub(crate) fn new(config: &Config) -> Result<Self, crate::Error> {
        let state = State::from_config(config)
            .map_err(|err| crate::Error::Config(format!("state: {err}")))?;
        Ok(Shared {
            actions: actions::catalogue(config.throttling, config.answer_check.as_ref()),
            credentials: config
                .credentials
                .iter()
                .map(|c| (c.secret_id.clone(), c.clone()))
                .collect(),
            state: RwLock::new(state),
            faults: Faults::default(),
            clock: config.clock.clone(),
            signer: Tc3Signer::new(),
            read_timeout: config.read_timeout,
        })
    }
}

/// Refuses to serve the documentation's example key pair, which anyone can sign with, on an
/// address other machines can reach, unless the config allows it.
pub(crate) fn check_exposure(config: &Config) -> Result<(), crate::Error> {
    let exposed = !config.listen.ip().is_loopback();
    let example = config
        .credentials
        .iter()
        .any(|c| c.secret_id == EXAMPLE_SECRET_ID);
    if exposed && example && !config.allow_example_key_off_loopback {
        return Err(crate::Error::Config(format!(
            "listening on {}, reachable from other machines, with the documentation's example key \
             pair, which anyone can sign with: listen on 127.0.0.1 or [::1], or accept only keys \
             of your own (a config file with \"builtin\": false, or replacing the example's \
             secret id), or allow it explicitly (--allow-example-key-off-loopback, \
             Config::allow_example_key_off_loopback)",
            config.listen
        )));
    }
    Ok(())
}

/// Accepts connections until `shutdown` changes, then drops them all; at most
/// `max_connections` at once.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    max_connections: usize,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    // hyper closes an HTTP/1 connection whose request head does not arrive in time, whether the
    // client stalls mid-head or stays idle after an answer.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(shared.read_timeout);
    let slots = Arc::new(Semaphore::new(max_connections.max(1)));
    loop {
        // A slot first: at the cap, connections wait in the listen backlog rather than being
        // accepted and left without service.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            _ = shutdown.changed() => return,
        };
        let Ok(slot) = slot else { return };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(err) => {
                // Out of file descriptors, say: wait a little rather than spin.
                tracing::warn!(%err, "accept failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        // Requests and answers are small: send them at once.
        let _ = stream.set_nodelay(true);
        let control = Arc::new(Connection::default());
        let io = TokioIo::new(Socket {
            stream,
            control: control.clone(),
        });
        let shared = shared.clone();
        let builder = builder.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let read_timeout = shared.read_timeout;
            let first_request = control.clone();
            let service =
                service_fn(move |request| handle(shared.clone(), control.clone(), request));
            let connection = builder.serve_connection(io, service);
            tokio::select! {
                // An error here is a client that went away, or a fault that dropped the
                // connection on purpose: nothing to report.
                _ = connection => {}
                _ = shutdown.changed() => {}
                // Before hyper knows the protocol (it reads the first bytes to tell HTTP/1 from
                // HTTP/2), its header timer does not run: a client that sends nothing at all is
                // closed here.
                _ = first_request.no_request_within(read_timeout) => {}
            }
        });
    }
}

/// Per-connection switches the handler sets for the socket to act on.
#[derive(Default)]
struct Connection {
    /// Close with a TCP reset instead of a clean close.
    reset: AtomicBool,
    /// Whether a request's head has arrived.
    requested: AtomicBool,
}

impl Connection {
    /// Completes if no request head arrived within `timeout`; never otherwise.
    async fn no_request_within(&self, timeout: Duration) {
        tokio::time::sleep(timeout).await;
        if self.requested.load(Ordering::Acquire) {
            std::future::pending::<()>().await;
        }
    }
}

/// A TCP stream that, when its connection asked for it, closes with a reset (`SO_LINGER` 0)
/// rather than a FIN.
struct Socket {
    stream: TcpStream,
    control: Arc<Connection>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        if self.control.reset.load(Ordering::Acquire) {
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for Socket {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Socket {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// The error a handler returns to make hyper drop the connection without answering.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose (fault injection) or by the client")
    }
}

impl std::error::Error for Dropped {}

async fn handle(
    shared: Arc<Shared>,
    connection: Arc<Connection>,
    request: Request<Incoming>,
) -> Result<Response<Body>, Dropped> {
    connection.requested.store(true, Ordering::Release);
    let request_id = new_request_id();
    let (parts, body) = request.into_parts();
    let limit = protocol::body_limit(&parts.headers, &parts.method);
    let read = tokio::time::timeout(shared.read_timeout, Limited::new(body, limit).collect());
    let body = match read.await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(err)) if err.downcast_ref::<LengthLimitError>().is_some() => {
            let error = protocol::body_too_large(limit);
            return Ok(json_response(error_body(&error, &request_id)));
        }
        // The client went away mid-body, or sends it too slowly to be served.
        Ok(Err(_)) | Err(_) => return Err(Dropped),
    };

    // A large body takes a while to parse (a megabyte of `key=value` pairs): it is handled on the
    // blocking pool, so that the runtime's threads keep reading the other connections meanwhile,
    // rather than let their read timeouts run out behind it.
    let processed = if body.len() > INLINE_BODY_BYTES {
        let shared = shared.clone();
        tokio::task::spawn_blocking(move || process(&shared, &parts, &body, &request_id))
            .await
            .unwrap_or(Processed::Panicked)
    } else {
        process(&shared, &parts, &body, &request_id)
    };
    match processed {
        Processed::Reset => {
            connection.reset.store(true, Ordering::Release);
            Err(Dropped)
        }
        Processed::Html5xx(status) => Ok(html_error(status)),
        Processed::NonJson => Ok(non_json()),
        Processed::Panicked => Ok(json_response(error_body(&panicked(), &new_request_id()))),
        Processed::Answer { body, fault } => match fault {
            Some(Fault::Delay(delay)) => {
                tokio::time::sleep(delay).await;
                Ok(json_response(body))
            }
            Some(Fault::TruncatedBody) => Ok(truncated(body)),
            Some(Fault::DropAfterExecute) => {
                connection.reset.store(true, Ordering::Release);
                Err(Dropped)
            }
            _ => Ok(json_response(body)),
        },
    }
}

/// Bodies up to this size are handled on the connection's task; larger ones on the blocking
/// pool.
const INLINE_BODY_BYTES: usize = 64 * 1024;

/// What became of a request once its body was read.
enum Processed {
    /// A fault resets the connection before any answer.
    Reset,
    /// A fault answers a gateway's page.
    Html5xx(u16),
    /// A fault answers a body that is not JSON.
    NonJson,
    /// The handling panicked (on the blocking pool).
    Panicked,
    /// The API's answer, and the fault that applies after the action, if any.
    Answer { body: Vec<u8>, fault: Option<Fault> },
}

fn panicked() -> ApiError {
    ApiError::new(
        code::INTERNAL_ERROR,
        "the emulator failed on this request (a bug of the emulator; its log has the panic)",
    )
}

/// Faults, the protocol's checks and the action, for a request whose body was read.
fn process(
    shared: &Shared,
    parts: &http::request::Parts,
    body: &[u8],
    request_id: &str,
) -> Processed {
    let received = Received::new(&parts.method, &parts.uri, &parts.headers, body);
    let action = received.action();
    let info = action.and_then(|name| shared.actions.get(name));
    if let Some(info) = info {
        info.count_request();
    }
    let fault = shared.faults.take(action);
    match &fault {
        Some(Fault::ResetBeforeResponse) => return Processed::Reset,
        Some(Fault::Html5xx(status)) => return Processed::Html5xx(*status),
        Some(Fault::NonJsonBody) => return Processed::NonJson,
        _ => {}
    }
    // A bug of the emulator must not take the connection (or, with `panic = "abort"`, the
    // process) down with it: the client gets a documented code and the log the panic.
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
        answer(shared, &received, info, request_id)
    }))
    .unwrap_or_else(|_| Err(panicked()));
    if tracing::enabled!(tracing::Level::DEBUG) {
        let code = outcome.as_ref().err().map_or("OK", |e| e.code);
        tracing::debug!(action = action.unwrap_or("?"), code, request_id, "answered");
    }
    let body = match outcome {
        Ok(body) => body,
        Err(error) => error_body(&error, request_id),
    };
    Processed::Answer { body, fault }
}

/// The emulator's handling of requests without a socket: the same checks, signatures, state and
/// answers as a running [`Emulator`](crate::Emulator), one request at a time, for fuzzing and
/// for tests that want no network. No faults, no throttling by wall time beyond the config's
/// clock, no connection limits (there are no connections).
#[doc(hidden)]
pub struct OfflineEmulator {
    shared: Shared,
}

/// What [`OfflineEmulator::handle`] answers.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfflineAnswer {
    /// The HTTP status: 200 for every API answer, success or error; 400 for what hyper would
    /// refuse before the emulator sees it (a method, target or header that is not HTTP).
    pub status: u16,
    /// The body: the JSON envelope, or empty with 400.
    pub body: Vec<u8>,
}

impl OfflineEmulator {
    /// An emulator with `config`'s keys, fixtures, throttling and clock (its address and
    /// connection settings are not used).
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) for a config that does not pass its checks.
    pub fn new(config: Config) -> Result<Self, crate::Error> {
        config.check()?;
        Ok(OfflineEmulator {
            shared: Shared::new(&config)?,
        })
    }

    /// Answers one request: its method, request target (`/?Action=...`), headers and body, as
    /// they would arrive on a connection.
    pub fn handle(
        &self,
        method: &[u8],
        target: &[u8],
        headers: &[(&[u8], &[u8])],
        body: &[u8],
    ) -> OfflineAnswer {
        let not_http = OfflineAnswer {
            status: 400,
            body: Vec::new(),
        };
        let Ok(method) = Method::from_bytes(method) else {
            return not_http;
        };
        let Ok(uri) = http::Uri::try_from(target) else {
            return not_http;
        };
        let mut map = http::HeaderMap::new();
        for (name, value) in headers {
            let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name),
                HeaderValue::from_bytes(value),
            ) else {
                return not_http;
            };
            map.append(name, value);
        }
        let request_id = new_request_id();
        let limit = protocol::body_limit(&map, &method);
        if body.len() > limit {
            let error = protocol::body_too_large(limit);
            return OfflineAnswer {
                status: 200,
                body: error_body(&error, &request_id),
            };
        }
        let received = Received::new(&method, &uri, &map, body);
        let info = received
            .action()
            .and_then(|name| self.shared.actions.get(name));
        if let Some(info) = info {
            info.count_request();
        }
        let body = match answer(&self.shared, &received, info, &request_id) {
            Ok(body) => body,
            Err(error) => error_body(&error, &request_id),
        };
        OfflineAnswer { status: 200, body }
    }

    /// How many listeners exist.
    pub fn listener_count(&self) -> usize {
        crate::state::read_lock(&self.shared.state).listener_count()
    }
}

/// Every check of the protocol, then the action; the body of the answer.
fn answer(
    shared: &Shared,
    received: &Received<'_>,
    info: Option<&ActionInfo>,
    request_id: &str,
) -> Result<Vec<u8>, ApiError> {
    if received.method != Method::GET && received.method != Method::POST {
        return Err(ApiError::new(
            code::UNSUPPORTED_PROTOCOL,
            format!("method {}: the API takes GET and POST", received.method),
        ));
    }
    received.check_parameter_count()?;
    let action = received.required_common("Action")?;
    let info = info.ok_or_else(|| {
        ApiError::new(
            code::INVALID_ACTION,
            format!("the action `{action}` does not exist in GAAP"),
        )
    })?;
    let version = received.required_common("Version")?;
    if version != info.version {
        return Err(ApiError::new(
            code::NO_SUCH_VERSION,
            format!(
                "the API version `{version}` does not exist for {action}; it is `{}`",
                info.version
            ),
        ));
    }
    let now = shared.clock.now_unix_nanos();
    let timestamp = received.check_timestamp(now.div_euclid(1_000_000_000))?;
    let credential = received.authenticate(
        timestamp,
        info.service,
        |id| shared.credentials.get(id),
        &shared.signer,
    )?;
    if let Some(throttle) = &info.throttle
        && !throttle.admit(&credential.secret_id, now)
    {
        return Err(ApiError::new(
            code::REQUEST_LIMIT_EXCEEDED,
            format!(
                "{action} takes at most {} requests per second per secret id",
                throttle.per_second()
            ),
        ));
    }
    let params = received.parameters()?;
    let cx = ActionContext {
        action,
        info,
        state: &shared.state,
        request_id,
    };
    actions::run(&params, &cx)
}

fn new_request_id() -> String {
    let mut buffer = uuid::Uuid::encode_buffer();
    uuid::Uuid::new_v4()
        .hyphenated()
        .encode_lower(&mut buffer)
        .to_owned()
}

fn json_response(body: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::Full(Some(Bytes::from(body))));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn html_error(status: u16) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>gaap-emulator</center>\r\n</body>\r\n</html>\r\n"
    );
    let mut response = Response::new(Body::Full(Some(Bytes::from(page))));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

fn non_json() -> Response<Body> {
    let text = "upstream connect error or disconnect/reset before headers. reset reason: connection termination";
    let mut response = Response::new(Body::Full(Some(Bytes::from_static(text.as_bytes()))));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    response
}

fn truncated(body: Vec<u8>) -> Response<Body> {
    let declared = body.len() as u64;
    let mut half = Bytes::from(body);
    half.truncate(half.len() / 2);
    let mut response = Response::new(Body::Truncated {
        half: Some(half),
        declared,
        paused: false,
    });
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// An answer's body: whole, or cut short.
pub(crate) enum Body {
    Full(Option<Bytes>),
    /// Declares `declared` bytes, sends `half`, then fails, which makes hyper close the
    /// connection. It pauses once between the two so that hyper flushes what it has.
    Truncated {
        half: Option<Bytes>,
        declared: u64,
        paused: bool,
    },
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.get_mut() {
            Body::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::Truncated { half, paused, .. } => {
                if let Some(half) = half.take() {
                    return Poll::Ready(Some(Ok(Frame::data(half))));
                }
                if !*paused {
                    *paused = true;
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Poll::Ready(Some(Err(
                    "body truncated on purpose (fault injection)".into()
                )))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Body::Truncated { declared, .. } => SizeHint::with_exact(*declared),
        }
    }
}
