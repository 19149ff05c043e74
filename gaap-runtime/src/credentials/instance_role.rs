//! Temporary credentials of the CAM role bound to a CVM instance, from the metadata service.
//!
//! Protocol, as the official SDKs implement it (tencentcloud-sdk-go
//! `common/cvm_role_provider.go`, tencentcloud-sdk-python `CVMRoleCredential`,
//! tencentcloud-sdk-nodejs `src/common/cvm_role_credential.ts`):
//! `GET {base}/latest/meta-data/cam/security-credentials/` answers the role name as plain text
//! (404 when no role is bound: Go's `RoleNotBound`, which lets its chain go on), then
//! `GET {base}/latest/meta-data/cam/security-credentials/{role}` answers
//! `{"TmpSecretId", "TmpSecretKey", "ExpiredTime" (unix seconds), "Expiration" (RFC 3339),
//! "Token", "Code"}`, usable only when `Code` is `"Success"` (all three SDKs check it).
//!
//! Unlike the official SDKs, the calls have timeouts (an unreachable metadata service means "not
//! on a CVM" and must not hang the chain) and bypass any HTTP proxy (the service is link-local).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, checked_credentials,
};

/// The metadata service of CVM instances.
pub const DEFAULT_METADATA_BASE_URL: &str = "http://metadata.tencentyun.com";
/// The timeout of each metadata call: the service is on the instance's own network.
pub const DEFAULT_METADATA_TIMEOUT: Duration = Duration::from_secs(1);

const NAME: &str = "instance role";
const CREDENTIALS_PATH: [&str; 4] = ["latest", "meta-data", "cam", "security-credentials"];
/// Longest `Code` value quoted back in an error; the field is a status word, not data.
const MAX_QUOTED_CODE: usize = 64;

/// Fetches the temporary credentials of the instance's CAM role from the metadata service.
///
/// Not found when the metadata service is unreachable (not a CVM instance), answers 404 or an
/// empty role list (no role bound). An error when it answers anything else unusable.
///
/// Each call fetches anew: wrap it in a [`super::CredentialsCache`] (the default chain is) to
/// reuse the credentials until shortly before they expire.
#[derive(Debug)]
pub struct InstanceRoleProvider {
    base_url: String,
    role_name: Option<String>,
    timeout: Duration,
    client: OnceLock<reqwest::Client>,
}

impl Default for InstanceRoleProvider {
    fn default() -> Self {
        InstanceRoleProvider {
            base_url: DEFAULT_METADATA_BASE_URL.to_owned(),
            role_name: None,
            timeout: DEFAULT_METADATA_TIMEOUT,
            client: OnceLock::new(),
        }
    }
}

impl InstanceRoleProvider {
    /// Asks `http://metadata.tencentyun.com` for the bound role, with 1 s timeouts.
    pub fn new() -> Self {
        InstanceRoleProvider::default()
    }

    /// Asks another metadata service (`http://127.0.0.1:8080` in tests); a path is kept as prefix.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Uses this role instead of asking which role is bound.
    pub fn with_role_name(mut self, role_name: impl Into<String>) -> Self {
        self.role_name = Some(role_name.into());
        self
    }

    /// The timeout of each metadata call (connection and whole answer).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn client(&self) -> Result<&reqwest::Client, CredentialsError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        crate::tls::ensure_tls_provider();
        let client = reqwest::Client::builder()
            .connect_timeout(self.timeout)
            .timeout(self.timeout)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| metadata_error("cannot build the HTTP client", Some(error)))?;
        // A concurrent call may have won the race; either client does.
        Ok(self.client.get_or_init(|| client))
    }

    /// `{base}/latest/meta-data/cam/security-credentials/{role}`; `role` "" gives the list URL.
    fn url(&self, role: &str) -> Result<reqwest::Url, CredentialsError> {
        let invalid = || {
            CredentialsError::misconfigured(
                NAME,
                format!(
                    "the metadata base URL `{}` is not an http(s) URL; pass one like {}",
                    self.base_url, DEFAULT_METADATA_BASE_URL
                ),
            )
        };
        let mut url = reqwest::Url::parse(&self.base_url).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid());
        }
        url.path_segments_mut()
            .map_err(|()| invalid())?
            .pop_if_empty()
            .extend(CREDENTIALS_PATH)
            // Pushed as a segment, so a role name cannot reach another path.
            .push(role);
        Ok(url)
    }

    async fn role_name(&self, client: &reqwest::Client) -> Result<String, CredentialsError> {
        if let Some(role) = &self.role_name {
            return Ok(role.clone());
        }
        let url = self.url("")?;
        let response = match client.get(url.clone()).send().await {
            Ok(response) => response,
            Err(error) => {
                let reason = if error.is_timeout() {
                    format!("no answer within {:?}", self.timeout)
                } else {
                    "cannot connect".to_owned()
                };
                return Err(CredentialsError::not_found(
                    NAME,
                    format!(
                        "no metadata service at {url} ({reason}); outside a CVM instance, use \
                         another source of credentials"
                    ),
                ));
            }
        };
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(no_role_bound());
        }
        if !status.is_success() {
            return Err(metadata_error(
                &format!("{url} answered HTTP {status} when asked for the bound role"),
                None,
            ));
        }
        let body = response.bytes().await.map_err(|error| {
            metadata_error(&format!("cannot read the answer of {url}"), Some(error))
        })?;
        let text = std::str::from_utf8(&body).map_err(|_| {
            metadata_error(
                &format!("{url} answered a role name that is not UTF-8"),
                None,
            )
        })?;
        // One role can be bound to an instance; the first line is it.
        match text.lines().map(str::trim).find(|line| !line.is_empty()) {
            Some(role) => Ok(role.to_owned()),
            None => Err(no_role_bound()),
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let client = self.client()?;
        let role = self.role_name(client).await?;
        let url = self.url(&role)?;
        let response = client.get(url.clone()).send().await.map_err(|error| {
            metadata_error(
                &format!("cannot get the credentials of role `{role}`"),
                Some(error),
            )
        })?;
        let status = response.status();
        if !status.is_success() {
            return Err(metadata_error(
                &format!(
                    "{url} answered HTTP {status}; check that role `{role}` is still bound to \
                     this instance"
                ),
                None,
            ));
        }
        let body = response.bytes().await.map_err(|error| {
            metadata_error(&format!("cannot read the answer of {url}"), Some(error))
        })?;
        let credentials = parse_role_credentials(&body)
            .map_err(|problem| metadata_error(&format!("{url} answered {problem}"), None))?;
        tracing::debug!(
            provider = NAME,
            role = %role,
            expiry = ?credentials.expiry(),
            "credentials supplied"
        );
        Ok(credentials)
    }
}

impl ProvideCredentials for InstanceRoleProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}

fn no_role_bound() -> CredentialsError {
    CredentialsError::not_found(
        NAME,
        "the metadata service reports no CAM role bound to this instance; bind one in the CVM \
         console to use it",
    )
}

fn metadata_error(message: &str, source: Option<reqwest::Error>) -> CredentialsError {
    CredentialsError::Metadata {
        message: message.to_owned(),
        source: source.map(|error| Arc::new(error) as Arc<dyn std::error::Error + Send + Sync>),
    }
}

/// Reads the credentials document; `Err` describes the problem without quoting any value but
/// `Code`, which is a status word.
fn parse_role_credentials(body: &[u8]) -> Result<Credentials, String> {
    // Through `Value`, not a typed struct: serde's type errors quote the offending value, which
    // could be the secret key.
    let document: Value = serde_json::from_slice(body).map_err(|error| {
        format!(
            "malformed JSON ({:?} error at line {} column {})",
            error.classify(),
            error.line(),
            error.column()
        )
    })?;
    let text = |key: &str| document.get(key).and_then(Value::as_str);
    match text("Code") {
        Some("Success") => {}
        Some(code) => {
            let code: String = code.chars().take(MAX_QUOTED_CODE).collect();
            return Err(format!("Code `{code}` instead of `Success`"));
        }
        None => return Err("no Code field".to_owned()),
    }
    let field = |key: &str| text(key).ok_or_else(|| format!("no text field {key}"));
    let credentials = checked_credentials(
        field("TmpSecretId")?,
        field("TmpSecretKey")?,
        Some(field("Token")?),
        ["TmpSecretId", "TmpSecretKey", "Token"],
    )?;
    Ok(credentials.with_expiry(expiry(&document)?))
}

/// `ExpiredTime`, the field all three SDKs use, read leniently (number or numeric text); else
/// `Expiration`. Without either the credentials could not be refreshed in time.
fn expiry(document: &Value) -> Result<OffsetDateTime, String> {
    let seconds = match document.get("ExpiredTime") {
        Some(Value::Number(number)) => number.as_i64(),
        Some(Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    };
    if let Some(instant) = seconds.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok()) {
        return Ok(instant);
    }
    document
        .get("Expiration")
        .and_then(Value::as_str)
        .and_then(|text| OffsetDateTime::parse(text, &Rfc3339).ok())
        .ok_or_else(|| "no usable ExpiredTime (unix seconds) nor Expiration (RFC 3339)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::test_support::*;
    use axum::Router;
    use axum::http::StatusCode;
    use axum::routing::get;
    use time::macros::datetime;

    const LIST: &str = "/latest/meta-data/cam/security-credentials/";

    fn document(code: &str) -> String {
        format!(
            r#"{{"TmpSecretId": "AKIDtmp", "TmpSecretKey": "{SECRET_KEY}", "ExpiredTime": 1615590047,
                "Expiration": "2021-03-12T23:00:47Z", "Token": "{TOKEN}", "Code": "{code}"}}"#
        )
    }

    /// Serves `router` on 127.0.0.1 on a free port; returns the base URL.
    async fn serve(router: Router) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        format!("http://{address}")
    }

    /// A metadata service answering `role_list` for the role list and `(status, body)` for the
    /// credentials of role `cvm-role`.
    async fn metadata(
        role_list: (StatusCode, &'static str),
        credentials: (StatusCode, String),
    ) -> String {
        let router = Router::new()
            .route(LIST, get(move || async move { role_list }))
            .route(
                &format!("{LIST}cvm-role"),
                get(move || {
                    let credentials = credentials.clone();
                    async move { credentials }
                }),
            );
        serve(router).await
    }

    async fn provide(base: &str) -> Result<Credentials, CredentialsError> {
        InstanceRoleProvider::new()
            .with_base_url(base)
            .with_timeout(Duration::from_millis(500))
            .provide()
            .await
    }

    #[tokio::test]
    async fn success() {
        let base = metadata(
            (StatusCode::OK, "cvm-role\n"),
            (StatusCode::OK, document("Success")),
        )
        .await;
        let credentials = provide(&base).await.unwrap();
        assert_eq!(credentials.secret_id(), "AKIDtmp");
        assert_eq!(credentials.secret_key(), SECRET_KEY);
        assert_eq!(credentials.token(), Some(TOKEN));
        assert_eq!(
            credentials.expiry(),
            Some(datetime!(2021-03-12 23:00:47 UTC))
        );
    }

    #[tokio::test]
    async fn a_configured_role_name_skips_the_role_list() {
        let base = metadata(
            (StatusCode::INTERNAL_SERVER_ERROR, ""),
            (StatusCode::OK, document("Success")),
        )
        .await;
        let credentials = InstanceRoleProvider::new()
            .with_base_url(&base)
            .with_role_name("cvm-role")
            .provide()
            .await
            .unwrap();
        assert_eq!(credentials.secret_id(), "AKIDtmp");
    }

    #[tokio::test]
    async fn an_empty_role_list_or_404_is_not_found() {
        for role_list in [
            (StatusCode::OK, ""),
            (StatusCode::OK, " \n"),
            (StatusCode::NOT_FOUND, ""),
        ] {
            let base = metadata(role_list, (StatusCode::OK, document("Success"))).await;
            let error = provide(&base).await.unwrap_err();
            assert!(error.is_not_found(), "{error}");
            assert!(error.to_string().contains("no CAM role bound"), "{error}");
        }
    }

    #[tokio::test]
    async fn an_unreachable_service_is_not_found() {
        // Bind then drop, so the port is very likely closed.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let error = provide(&base).await.unwrap_err();
        assert!(error.is_not_found(), "{error}");
        assert!(error.to_string().contains("no metadata service"), "{error}");
    }

    #[tokio::test]
    async fn a_silent_service_times_out_as_not_found() {
        let router = Router::new().route(
            LIST,
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "cvm-role"
            }),
        );
        let base = serve(router).await;
        let started = std::time::Instant::now();
        let error = InstanceRoleProvider::new()
            .with_base_url(&base)
            .with_timeout(Duration::from_millis(200))
            .provide()
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(error.is_not_found(), "{error}");
        assert!(error.to_string().contains("no answer within"), "{error}");
    }

    #[tokio::test]
    async fn non_200_answers_are_errors_with_the_status() {
        let base = metadata(
            (StatusCode::INTERNAL_SERVER_ERROR, ""),
            (StatusCode::OK, document("Success")),
        )
        .await;
        let error = provide(&base).await.unwrap_err();
        assert!(!error.is_not_found());
        assert!(error.to_string().contains("500"), "{error}");

        let base = metadata(
            (StatusCode::OK, "cvm-role"),
            (StatusCode::FORBIDDEN, document("Success")),
        )
        .await;
        let error = provide(&base).await.unwrap_err();
        assert!(!error.is_not_found());
        assert!(error.to_string().contains("403"), "{error}");
        assert_error_redacted(&error);
    }

    #[tokio::test]
    async fn malformed_json_is_an_error_that_quotes_nothing() {
        let truncated = document("Success")[..60].to_owned();
        let base = metadata((StatusCode::OK, "cvm-role"), (StatusCode::OK, truncated)).await;
        let error = provide(&base).await.unwrap_err();
        assert!(!error.is_not_found());
        assert!(error.to_string().contains("malformed JSON"), "{error}");
        assert_error_redacted(&error);
    }

    #[tokio::test]
    async fn a_code_other_than_success_is_an_error_naming_it() {
        let base = metadata(
            (StatusCode::OK, "cvm-role"),
            (StatusCode::OK, document("Failed")),
        )
        .await;
        let error = provide(&base).await.unwrap_err();
        assert!(!error.is_not_found());
        assert!(error.to_string().contains("Code `Failed`"), "{error}");
        assert_error_redacted(&error);
    }

    #[test]
    fn parse_accepts_string_expired_time_and_falls_back_to_expiration() {
        let body = r#"{"TmpSecretId": "a", "TmpSecretKey": "b", "Token": "c", "Code": "Success", "ExpiredTime": "1615590047"}"#;
        let credentials = parse_role_credentials(body.as_bytes()).unwrap();
        assert_eq!(
            credentials.expiry(),
            Some(datetime!(2021-03-12 23:00:47 UTC))
        );

        let body = r#"{"TmpSecretId": "a", "TmpSecretKey": "b", "Token": "c", "Code": "Success", "Expiration": "2021-03-12T23:00:47Z"}"#;
        let credentials = parse_role_credentials(body.as_bytes()).unwrap();
        assert_eq!(
            credentials.expiry(),
            Some(datetime!(2021-03-12 23:00:47 UTC))
        );
    }

    #[test]
    fn parse_rejects_missing_fields_and_wrong_types_without_quoting_them() {
        let body = format!(
            r#"{{"TmpSecretId": "a", "TmpSecretKey": "{SECRET_KEY}", "Code": "Success", "ExpiredTime": 1}}"#
        );
        assert_eq!(
            parse_role_credentials(body.as_bytes()).unwrap_err(),
            "no text field Token"
        );
        let body = format!(
            r#"{{"TmpSecretId": "a", "TmpSecretKey": "{SECRET_KEY}", "Token": 5, "Code": "Success"}}"#
        );
        assert_redacted(&parse_role_credentials(body.as_bytes()).unwrap_err());
        let body = format!(
            r#"{{"TmpSecretId": "a", "TmpSecretKey": "{SECRET_KEY}", "Token": "t", "Code": "Success"}}"#
        );
        let message = parse_role_credentials(body.as_bytes()).unwrap_err();
        assert!(message.contains("ExpiredTime"), "{message}");
        assert!(
            parse_role_credentials(b"[]")
                .unwrap_err()
                .contains("no Code")
        );
        assert!(
            parse_role_credentials(b"")
                .unwrap_err()
                .contains("malformed JSON")
        );
        let long_code = format!(r#"{{"Code": "{}"}}"#, "x".repeat(1000));
        assert!(
            parse_role_credentials(long_code.as_bytes())
                .unwrap_err()
                .len()
                < 100
        );
    }

    #[test]
    fn urls_keep_a_base_path_and_encode_the_role() {
        let provider = InstanceRoleProvider::new().with_base_url("http://host:1/prefix/");
        assert_eq!(
            provider.url("").unwrap().as_str(),
            "http://host:1/prefix/latest/meta-data/cam/security-credentials/"
        );
        assert_eq!(
            provider.url("a/../b c").unwrap().as_str(),
            "http://host:1/prefix/latest/meta-data/cam/security-credentials/a%2F..%2Fb%20c"
        );
        assert_eq!(
            InstanceRoleProvider::new().url("r").unwrap().as_str(),
            "http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/r"
        );
    }

    #[tokio::test]
    async fn a_bad_base_url_is_a_misconfiguration() {
        for base in ["not a url", "mailto:a@b", "ftp://host"] {
            let error = provide(base).await.unwrap_err();
            assert!(
                matches!(error, CredentialsError::Misconfigured { .. }),
                "{base}: {error:?}"
            );
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let debug = format!("{:?}", InstanceRoleProvider::new().with_role_name("r"));
        assert!(debug.contains("metadata.tencentyun.com"), "{debug}");
    }
}
