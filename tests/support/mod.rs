//! Small local endpoints for the client's tests: an axum server answering from a closure and
//! recording what it received, raw TCP servers that misbehave (drop the connection, never
//! answer), and the test-only actions.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use gaap::signing::{Tc3Request, sign_tc3_with_headers};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const SECRET_ID: &str = "AKIDtestSECRETID";
pub const SECRET_KEY: &str = "sEcReTkEy0123456789zzzz";
pub const TOKEN: &str = "tOkEn0123456789yyyy";

/// The test-only actions: CreateWidgets (a `ClientToken`, region required, 5/s) and
/// DescribeWidgets (read-only, region required).
pub mod widgets {
    pub mod types {
        gaap::gaap_types!(
            "tests/specs/CreateWidgets.json",
            "tests/specs/DescribeWidgets.json"
        );
    }
    gaap::gaap_api!(
        "tests/specs/CreateWidgets.json",
        types = crate::support::widgets::types
    );
    gaap::gaap_api!(
        "tests/specs/DescribeWidgets.json",
        types = crate::support::widgets::types
    );

    use types::{Endpoint, Widget, WidgetOwner};

    pub fn create_request() -> CreateWidgetsRequest {
        CreateWidgetsRequest::builder()
            .widgets(vec![Widget {
                name: "w1".into(),
                endpoints: vec![Endpoint {
                    host: "a.example".into(),
                    port: 80,
                    protocol: None,
                    weight: None,
                }],
                tags: Vec::new(),
                color: None,
                ratio: None,
                enabled: None,
                owner: WidgetOwner::OwnerName("ops".into()),
            }])
            .build()
    }

    pub fn describe_request() -> DescribeWidgetsRequest {
        DescribeWidgetsRequest::builder().build()
    }
}

/// The seed's CreateTCPListeners, with `ConnectTimeout` below `DelayLoop` so that it validates.
/// A client of the local endpoint `url`, signing with the test key pair, no proxy.
pub fn client_of_url(url: &str) -> gaap::ClientBuilder {
    gaap::Client::builder()
        .credentials(gaap::StaticProvider::new(SECRET_ID, SECRET_KEY))
        .endpoint(url)
        .no_proxy()
}

pub fn seed_request() -> gaap::CreateTcpListenersRequest {
    use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler};
    gaap::CreateTcpListenersRequest::builder()
        .proxy_id("link-bjkpdum1")
        .listener_name("test1")
        .real_server_type(RealServerType::Ip)
        .scheduler(Scheduler::RoundRobin)
        .delay_loop(20)
        .connect_timeout(10)
        .health_check(HealthCheck::Enabled)
        .ports([90])
        .build()
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// Recomputes the TC3 signature from what arrived, as the real server does, over the headers
    /// its `SignedHeaders` names, and checks the `Authorization` header against it.
    pub fn assert_tc3_signature_valid(&self, service: &str, secret_key: &str) {
        let timestamp: i64 = self.header("x-tc-timestamp").unwrap().parse().unwrap();
        let authorization = self.header("authorization").unwrap();
        let secret_id = authorization
            .split("Credential=")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap();
        let signed_names = authorization
            .split("SignedHeaders=")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .unwrap();
        let extra: Vec<(&str, &str)> = signed_names
            .split(';')
            .filter(|name| !matches!(*name, "content-type" | "host"))
            .map(|name| (name, self.header(name).unwrap()))
            .collect();
        let expected = sign_tc3_with_headers(
            &Tc3Request {
                method: &self.method,
                host: self.header("host").unwrap(),
                path: "/",
                query: self.query.as_deref().unwrap_or(""),
                content_type: self.header("content-type").unwrap(),
                payload: &self.body,
                timestamp,
                service,
            },
            &extra,
            secret_id,
            secret_key,
        )
        .unwrap();
        assert_eq!(authorization, expected.authorization, "signature mismatch");
    }
}

/// What the fake endpoint answers to the `n`th request (0-based).
pub type Responder = dyn Fn(usize, &Received) -> (u16, &'static str, String) + Send + Sync;

/// A local API endpoint answering with `respond`.
pub struct Server {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    pub async fn start(
        respond: impl Fn(usize, &Received) -> (u16, &'static str, String) + Send + Sync + 'static,
    ) -> Server {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let respond: Arc<Responder> = Arc::new(respond);
        let log = received.clone();
        let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let log = log.clone();
            let respond = respond.clone();
            async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
                let received = Received {
                    method: parts.method.to_string(),
                    query: parts.uri.query().map(str::to_owned),
                    headers: parts.headers,
                    body,
                };
                let n = {
                    let mut log = log.lock().unwrap();
                    log.push(received.clone());
                    log.len() - 1
                };
                let (status, content_type, body) = respond(n, &received);
                Response::builder()
                    .status(StatusCode::from_u16(status).unwrap())
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(body))
                    .unwrap()
            }
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Server { url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}

/// `{"Response": {...}}` of a successful CreateTCPListeners.
pub fn listeners_ok(request_id: &str) -> String {
    format!(r#"{{"Response":{{"ListenerIds":["listener-o0f3at99"],"RequestId":"{request_id}"}}}}"#)
}

/// `{"Response": {"Error": ...}}`.
pub fn api_error(code: &str, message: &str, request_id: &str) -> String {
    format!(
        r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"{message}"}},"RequestId":"{request_id}"}}}}"#
    )
}

pub const JSON: &str = "application/json";

/// A raw TCP endpoint that reads each request's head, then does `then` with the connection.
pub struct RawServer {
    pub url: String,
    pub connections: Arc<Mutex<usize>>,
}

#[derive(Clone, Copy)]
pub enum Misbehaviour {
    /// Close the connection once the request head has arrived.
    DropAfterRequest,
    /// Keep the connection open without ever answering.
    NeverAnswer,
    /// Read the whole request, answer `200` declaring a longer body than it sends, then close.
    CutAnswer,
}

/// What `Misbehaviour::CutAnswer` sends of its body (it declares 100 bytes).
pub const CUT_ANSWER_PART: &str = r#"{"Response": {"RequestId": "req-cut", "Listen"#;

impl RawServer {
    pub async fn start(misbehaviour: Misbehaviour) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections: Arc<Mutex<usize>> = Arc::default();
        let count = connections.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                *count.lock().unwrap() += 1;
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buffer = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buffer[..n]),
                        }
                    }
                    match misbehaviour {
                        Misbehaviour::DropAfterRequest => drop(socket),
                        Misbehaviour::NeverAnswer => {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            drop(socket);
                        }
                        Misbehaviour::CutAnswer => {
                            // Read the body too: closing with unread bytes would send a reset,
                            // which could discard the answer before the client reads it.
                            let head_end =
                                head.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                            let length = content_length(&head[..head_end]);
                            let mut body = head.len() - head_end;
                            while body < length {
                                match socket.read(&mut buffer).await {
                                    Ok(0) | Err(_) => return,
                                    Ok(n) => body += n,
                                }
                            }
                            let answer = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{CUT_ANSWER_PART}"
                            );
                            let _ = socket.write_all(answer.as_bytes()).await;
                            let _ = socket.shutdown().await;
                        }
                    }
                });
            }
        });
        RawServer { url, connections }
    }

    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
}

/// The `Content-Length` of a request head, 0 if absent.
fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

/// A loopback address where nothing listens: bound, then released.
pub async fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}
