//! Raw HTTP calls to an emulator, signed with the runtime's signing module: no SDK client, so
//! every byte on the wire is visible to the test.
#![allow(dead_code)] // Each test file uses a different part.

pub mod strict;

use std::time::Duration;

use gaap_emulator::{EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, Emulator};
use gaap_runtime::signing::{
    LegacyAlgorithm, LegacyCommonParams, Tc3Request, legacy_wire_form, sign_legacy,
    sign_tc3_with_headers,
};
use serde_json::Value;

/// Where the parameters travel.
#[derive(Clone, Debug)]
pub enum Params {
    /// POST, `Content-Type: application/json`.
    Json(String),
    /// GET, the flattened parameters as the query.
    Query(String),
    /// POST, `Content-Type: application/x-www-form-urlencoded`.
    Form(String),
}

/// One API call, signed when sent.
#[derive(Clone, Debug)]
pub struct Call {
    pub action: String,
    pub version: String,
    pub params: Params,
    pub secret_id: String,
    pub secret_key: String,
    pub token: Option<String>,
    /// `None`: the emulator clock's now.
    pub timestamp: Option<i64>,
    pub extra_headers: Vec<(String, String)>,
    /// Headers signed besides `content-type` and `host` (lower-case names of headers the
    /// request sends): none is the official SDKs' minimal form.
    pub signed: Vec<&'static str>,
}

impl Call {
    pub fn json(action: &str, body: Value) -> Self {
        Call::new(action, Params::Json(body.to_string()))
    }

    pub fn new(action: &str, params: Params) -> Self {
        Call {
            action: action.into(),
            version: "2018-05-29".into(),
            params,
            secret_id: EXAMPLE_SECRET_ID.into(),
            secret_key: EXAMPLE_SECRET_KEY.into(),
            token: None,
            timestamp: None,
            extra_headers: Vec::new(),
            signed: Vec::new(),
        }
    }

    /// Signs `headers` too (`x-tc-action`, as the SDK's client does by default).
    pub fn signing(mut self, headers: &[&'static str]) -> Self {
        self.signed = headers.to_vec();
        self
    }

    pub fn key(mut self, secret_id: &str, secret_key: &str) -> Self {
        self.secret_id = secret_id.into();
        self.secret_key = secret_key.into();
        self
    }

    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.into());
        self
    }

    pub fn at(mut self, timestamp: i64) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    pub fn version(mut self, version: &str) -> Self {
        self.version = version.into();
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    fn timestamp_for(&self, emulator: &Emulator) -> i64 {
        self.timestamp
            .unwrap_or_else(|| emulator.clock().now_unix_seconds())
    }

    /// The request as TC3 would send it: method, query, headers (Authorization included), body.
    pub fn tc3(&self, emulator: &Emulator) -> Raw {
        let host = emulator.addr().to_string();
        let timestamp = self.timestamp_for(emulator);
        let (method, query, content_type, body) = match &self.params {
            Params::Json(body) => ("POST", String::new(), "application/json", body.clone()),
            Params::Query(query) => (
                "GET",
                query.clone(),
                "application/x-www-form-urlencoded",
                String::new(),
            ),
            Params::Form(form) => (
                "POST",
                String::new(),
                "application/x-www-form-urlencoded",
                form.clone(),
            ),
        };
        let mut headers = vec![
            ("Content-Type".to_owned(), content_type.to_owned()),
            ("X-TC-Action".to_owned(), self.action.clone()),
            ("X-TC-Version".to_owned(), self.version.clone()),
            ("X-TC-Timestamp".to_owned(), timestamp.to_string()),
        ];
        let token = self
            .token
            .iter()
            .map(|t| ("X-TC-Token".to_owned(), t.clone()));
        let all: Vec<(String, String)> = headers
            .iter()
            .chain(&self.extra_headers)
            .cloned()
            .chain(token)
            .collect();
        let signed_headers: Vec<(&str, &str)> = self
            .signed
            .iter()
            .map(|name| {
                let value = all
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map_or("", |(_, v)| v.as_str());
                (*name, value)
            })
            .collect();
        let signed = sign_tc3_with_headers(
            &Tc3Request {
                method,
                host: &host,
                path: "/",
                query: &query,
                content_type,
                payload: body.as_bytes(),
                timestamp,
                service: "gaap",
            },
            &signed_headers,
            &self.secret_id,
            &self.secret_key,
        )
        .unwrap();
        headers.push(("Authorization".to_owned(), signed.authorization));
        if let Some(token) = &self.token {
            headers.push(("X-TC-Token".into(), token.clone()));
        }
        headers.extend(self.extra_headers.iter().cloned());
        Raw {
            method: method.into(),
            query,
            headers,
            body: body.into_bytes(),
        }
    }

    /// The request as a legacy method would send it: every parameter in the query (GET) or a
    /// form body (POST). `Params::Json` is not possible with these methods.
    pub fn legacy(&self, emulator: &Emulator, algorithm: LegacyAlgorithm, method: &str) -> Raw {
        let host = emulator.addr().to_string();
        let flat = match &self.params {
            Params::Query(q) | Params::Form(q) => q.clone(),
            Params::Json(_) => panic!("legacy methods carry no JSON"),
        };
        let mut params: Vec<(String, String)> = form_urlencoded::parse(flat.as_bytes())
            .into_owned()
            .collect();
        let common = LegacyCommonParams {
            action: &self.action,
            version: &self.version,
            timestamp: self.timestamp_for(emulator),
            nonce: 4242,
            secret_id: &self.secret_id,
            region: None,
            token: self.token.as_deref(),
            language: None,
            request_client: Some("GAAP_EMULATOR_TEST"),
        };
        params.extend(
            common
                .to_pairs(algorithm)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v)),
        );
        let signed = sign_legacy(algorithm, method, &host, "/", &params, &self.secret_key);
        let form = legacy_wire_form(&params, &signed.signature);
        let mut headers: Vec<(String, String)> = self.extra_headers.clone();
        if method == "GET" {
            Raw {
                method: "GET".into(),
                query: form,
                headers,
                body: Vec::new(),
            }
        } else {
            headers.push((
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
            Raw {
                method: method.into(),
                query: String::new(),
                headers,
                body: form.into_bytes(),
            }
        }
    }

    /// Sends it signed with TC3.
    pub async fn send(&self, emulator: &Emulator) -> Answer {
        self.tc3(emulator).send(emulator).await.unwrap()
    }
}

/// An HTTP request as bytes to send.
#[derive(Clone, Debug)]
pub struct Raw {
    pub method: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
    }

    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    pub async fn send(&self, emulator: &Emulator) -> reqwest::Result<Answer> {
        self.send_with(&client(), emulator).await
    }

    pub async fn send_with(
        &self,
        client: &reqwest::Client,
        emulator: &Emulator,
    ) -> reqwest::Result<Answer> {
        let mut url = format!("{}/", emulator.endpoint());
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).unwrap();
        let mut request = client.request(method, url).body(self.body.clone());
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = response.text().await?;
        Ok(Answer {
            status,
            content_type,
            body,
        })
    }
}

/// A client with a generous timeout, so that a hung emulator fails the test instead of hanging it.
pub fn client() -> reqwest::Client {
    client_with_timeout(Duration::from_secs(30))
}

/// A client that gives up after `timeout`.
pub fn client_with_timeout(timeout: Duration) -> reqwest::Client {
    // Unused for plain HTTP, but reqwest wants a provider to build any client.
    gaap_runtime::tls::ensure_tls_provider();
    reqwest::Client::builder()
        .timeout(timeout)
        // Plain HTTP only: no root certificates to load (loading them costs ~30 ms per client).
        .tls_certs_only([])
        .build()
        .unwrap()
}

/// What came back.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    /// The inside of the envelope.
    pub fn response(&self) -> Value {
        let value = self.json();
        assert_eq!(self.status, 200, "{}", self.body);
        let object = value.as_object().expect("an object");
        assert_eq!(object.len(), 1, "only `Response`: {}", self.body);
        object["Response"].clone()
    }

    /// The error code, `None` for a success.
    pub fn code(&self) -> Option<String> {
        self.response()["Error"]["Code"].as_str().map(str::to_owned)
    }

    pub fn message(&self) -> String {
        self.response()["Error"]["Message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn request_id(&self) -> String {
        self.response()["RequestId"]
            .as_str()
            .expect("every answer has a RequestId")
            .to_owned()
    }

    /// Asserts a success and returns the inside of the envelope.
    #[track_caller]
    pub fn ok(&self) -> Value {
        assert_eq!(self.code(), None, "{}", self.body);
        self.response()
    }

    /// Asserts an error with `code` whose message mentions `mentions`.
    #[track_caller]
    pub fn assert_error(&self, code: &str, mentions: &str) {
        assert_eq!(self.code().as_deref(), Some(code), "{}", self.body);
        let message = self.message();
        assert!(
            message.contains(mentions),
            "the message should mention `{mentions}`: {message}"
        );
    }
}

/// The body of a valid CreateTCPListeners on `proxy` for `ports`.
pub fn create_body(proxy: &str, ports: &[u64]) -> Value {
    serde_json::json!({
        "ListenerName": "test",
        "Ports": ports,
        "Scheduler": "rr",
        "HealthCheck": 1,
        "RealServerType": "IP",
        "ProxyId": proxy,
        "DelayLoop": 20,
        "ConnectTimeout": 10,
    })
}

/// Creates listeners, asserting success; their ids.
pub async fn create(emulator: &Emulator, proxy: &str, ports: &[u64]) -> Vec<String> {
    let answer = Call::json("CreateTCPListeners", create_body(proxy, ports))
        .send(emulator)
        .await;
    answer.ok()["ListenerIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect()
}
