//! HTTP: the accept loop, one hyper connection per socket, and the request handler that applies
//! faults around the protocol and the actions.
//!
//! hyper (not a framework on top of it) because two faults need the raw connection: when the
//! service returns an error, hyper closes the connection without writing a response, and the
//! socket wrapper below turns that close into a TCP reset.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};

use bytes::Bytes;
use gaap_runtime::signing::Tc3Signer;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body::{Frame, SizeHint};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::actions::{self, ActionInfo, Context as ActionContext};
use crate::clock::Clock;
use crate::config::Credential;
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
}

/// Accepts connections until `shutdown` changes, then drops them all.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(err) => {
                // Out of file descriptors, say: wait a little rather than spin.
                tracing::warn!(%err, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
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
            let service =
                service_fn(move |request| handle(shared.clone(), control.clone(), request));
            let connection = builder.serve_connection(io, service);
            tokio::select! {
                // An error here is a client that went away, or a fault that dropped the
                // connection on purpose: nothing to report.
                _ = connection => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}

/// Per-connection switches the handler sets for the socket to act on.
#[derive(Default)]
struct Connection {
    /// Close with a TCP reset instead of a clean close.
    reset: AtomicBool,
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
    let request_id = new_request_id();
    let (parts, body) = request.into_parts();
    let limit = if protocol::is_tc3(&parts.headers, &parts.method) {
        protocol::TC3_BODY_LIMIT
    } else {
        protocol::LEGACY_BODY_LIMIT
    };
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => {
            let error = ApiError::new(
                code::REQUEST_SIZE_LIMIT_EXCEEDED,
                format!("the request body is larger than {limit} bytes"),
            );
            return Ok(json_response(error_body(&error, &request_id)));
        }
        // The client went away mid-body.
        Err(_) => return Err(Dropped),
    };

    let received = Received::new(&parts.method, &parts.uri, &parts.headers, &body);
    let action = received.action();
    let info = action.and_then(|name| shared.actions.get(name));
    if let Some(info) = info {
        info.count_request();
    }
    let fault = shared.faults.take(action);
    match &fault {
        Some(Fault::ResetBeforeResponse) => {
            connection.reset.store(true, Ordering::Release);
            return Err(Dropped);
        }
        Some(Fault::Html5xx(status)) => return Ok(html_error(*status)),
        Some(Fault::NonJsonBody) => return Ok(non_json()),
        _ => {}
    }

    let outcome = answer(&shared, &received, info, &request_id);
    if tracing::enabled!(tracing::Level::DEBUG) {
        let code = outcome.as_ref().err().map_or("OK", |e| e.code);
        tracing::debug!(action = action.unwrap_or("?"), code, request_id, "answered");
    }
    let body = match outcome {
        Ok(body) => body,
        Err(error) => error_body(&error, &request_id),
    };
    match fault {
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
