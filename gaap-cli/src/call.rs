//! The typed call: the checked JSON read into the action's generated request, then validated,
//! signed and sent by `gaap::Client` (or only dry-run, or followed by [`crate::follow`]: waited
//! for, every page), and the typed answer printed.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use gaap::credentials::ProvideFuture;
use gaap::{
    Client, Credentials, HttpMethod, Language, ProvideCredentials, RetryConfig, SignMethod,
    SignedRequest, StaticProvider,
};
use serde_json::{Map, Value};

use crate::cli::{LanguageArg, MethodArg, Options, OutputFormat, SignMethodArg, seconds};
use crate::config::{self, Settings};
use crate::exit::{Exit, Failure};
use crate::follow;
use crate::registry::{self, CliVisitor};
use crate::spec::{Shape, Spec, members};

/// Everything a call needs besides the action's type.
pub struct Call<'a> {
    pub spec: &'a Spec,
    pub request: Map<String, Value>,
    pub options: &'a Options,
    pub settings: &'a Settings,
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

impl Call<'_> {
    /// Runs the call for the spec's action.
    ///
    /// # Errors
    ///
    /// The failure of whichever stage failed, with its exit code.
    pub fn run(self) -> Result<(), Failure> {
        let action = self.spec.action.clone();
        registry::visit(&action, self)
            .unwrap_or_else(|| Err(Failure::usage(format!("unknown action {action}"))))
    }
}

impl CliVisitor for Call<'_> {
    type Output = Result<(), Failure>;

    fn visit<A>(self) -> Result<(), Failure>
    where
        A: gaap::Action + Clone,
        A::Response: serde::Serialize,
    {
        let json = Value::Object(self.request);
        let request: A = gaap::wire::request_from_json(&json).map_err(|error| {
            Failure::new(
                Exit::Invalid,
                format!("invalid request, nothing was sent:\n  {error}"),
            )
        })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| {
                Failure::new(
                    Exit::Internal,
                    format!("cannot start the async runtime: {error}"),
                )
            })?;
        let (options, settings, spec) = (self.options, self.settings, self.spec);
        let (out, err) = (self.out, self.err);
        runtime.block_on(async move {
            // Kept alive until the call is over; dropping it stops it.
            let mut _emulator = None;
            let endpoint = match options.emulator.as_deref() {
                Some("") => {
                    let emulator = gaap_emulator::Emulator::start()
                        .await
                        .map_err(|error| Failure::new(Exit::Internal, format!("--emulator: {error}")))?;
                    let endpoint = emulator.endpoint();
                    _emulator = Some(emulator);
                    Some(endpoint)
                }
                Some(url) => Some(url.to_owned()),
                None => settings.endpoint.clone(),
            };
            let fell_back = Arc::new(AtomicBool::new(false));
            let credentials: Arc<dyn ProvideCredentials> = if options.emulator.is_some() {
                Arc::new(StaticProvider::new(
                    gaap_emulator::EXAMPLE_SECRET_ID,
                    gaap_emulator::EXAMPLE_SECRET_KEY,
                ))
            } else if options.dry_run {
                Arc::new(ExampleKeyFallback {
                    inner: config::credentials(options, settings),
                    fell_back: fell_back.clone(),
                })
            } else {
                config::credentials(options, settings)
            };
            let client = client(options, settings, endpoint, credentials)?;
            if options.dry_run {
                let signed = client.dry_run(request).await.map_err(Failure::of_call)?;
                if fell_back.load(Ordering::Relaxed) {
                    let _ = writeln!(
                        err,
                        "gaap: note: no credentials found; signed with the documentation's example key \
                         pair ({}) instead",
                        gaap_emulator::EXAMPLE_SECRET_ID
                    );
                }
                return write_out(out, &show_signed(spec, &signed));
            }
            let format = settings.output.unwrap_or(OutputFormat::Json);
            let filter = options.filter.as_deref();
            let text = if let Some(name) = &options.wait {
                let wait = follow::Wait {
                    name,
                    timeout: options.wait_timeout,
                    interval: options.wait_interval,
                    format,
                    filter,
                };
                wait.run(&client, request, err).await?
            } else if options.all_pages {
                let merged = follow::all_pages(&client, request, &json).await?;
                crate::output::render(&merged, format, filter)?
            } else {
                let answer = client.send(request).await.map_err(Failure::of_call)?;
                crate::output::render(&answer, format, filter)?
            };
            write_out(out, &text)
        })
    }
}

/// Writes to standard output; a closed pipe (`gaap ... | head`) is not an error.
pub fn write_out(out: &mut dyn Write, text: &str) -> Result<(), Failure> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure::new(
            Exit::Internal,
            format!("cannot write the output: {error}"),
        )),
    }
}

fn client(
    options: &Options,
    settings: &Settings,
    endpoint: Option<String>,
    credentials: Arc<dyn ProvideCredentials>,
) -> Result<Client, Failure> {
    let mut builder = Client::builder()
        .credentials_provider(credentials)
        .validate_requests(!options.no_validate)
        .request_client(format!(
            "{}_CLI_{}",
            gaap::client::REQUEST_CLIENT,
            env!("CARGO_PKG_VERSION")
        ));
    if let Some(endpoint) = endpoint {
        builder = builder.endpoint(endpoint);
    }
    if options.emulator.is_some() {
        // An HTTP(S)_PROXY in the environment must not capture calls to the local emulator.
        builder = builder.no_proxy();
    } else if let Some(proxy) = &options.https_proxy {
        builder = builder.proxy(proxy.clone());
    }
    if let Some(region) = &settings.region {
        builder = builder.region(region.clone());
    }
    if let Some(language) = settings.language {
        builder = builder.language(match language {
            LanguageArg::EnUs => Language::EnUs,
            LanguageArg::ZhCn => Language::ZhCn,
        });
    }
    if let Some(timeout) = options.timeout {
        builder = builder.timeout(seconds("--timeout", timeout)?);
    }
    if let Some(attempts) = options.max_attempts {
        builder = builder.retry(RetryConfig::standard().with_max_attempts(attempts));
    }
    if let Some(method) = options.http_method {
        builder = builder.http_method(match method {
            MethodArg::Post => HttpMethod::Post,
            MethodArg::Get => HttpMethod::Get,
        });
    }
    if let Some(method) = options.sign_method {
        builder = builder.sign_method(match method {
            SignMethodArg::Tc3 => SignMethod::Tc3,
            SignMethodArg::HmacSha1 => SignMethod::HmacSha1,
            SignMethodArg::HmacSha256 => SignMethod::HmacSha256,
        });
    }
    builder
        .build()
        .map_err(|error| Failure::new(Exit::Config, error.to_string()))
}

/// A dry run signs with the example key pair when no credentials are configured, so that the
/// request can be looked at on any machine; the command says so.
#[derive(Debug)]
struct ExampleKeyFallback {
    inner: Arc<dyn ProvideCredentials>,
    fell_back: Arc<AtomicBool>,
}

impl ProvideCredentials for ExampleKeyFallback {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            match self.inner.provide().await {
                Err(error) if error.is_not_found() => {
                    self.fell_back.store(true, Ordering::Relaxed);
                    Ok(Credentials::new(
                        gaap_emulator::EXAMPLE_SECRET_ID,
                        gaap_emulator::EXAMPLE_SECRET_KEY,
                    ))
                }
                other => other,
            }
        })
    }
}

const REDACTED: &str = "<redacted>";

/// The signed request as HTTP: method and URL, headers, a blank line, the body. The session
/// token and the parameters the spec marks secret are redacted; the signature is shown (it is
/// what the server checks, and only valid for five minutes).
pub fn show_signed(spec: &Spec, signed: &SignedRequest) -> String {
    let secret = secret_paths(spec);
    let method = match signed.method {
        HttpMethod::Post => "POST",
        HttpMethod::Get => "GET",
    };
    let mut url = signed.url.clone();
    if let Some(query) = signed.url.query() {
        url.set_query(Some(&redact_pairs(query, &secret)));
    }
    let mut out = format!("{method} {url}\n");
    for (name, value) in &signed.headers {
        let shown = if name == "x-tc-token" {
            REDACTED
        } else {
            value.to_str().unwrap_or("<not text>")
        };
        out.push_str(&format!("{name}: {shown}\n"));
    }
    out.push('\n');
    let body = String::from_utf8_lossy(&signed.body);
    let is_json = signed.header("content-type") == Some("application/json");
    let body = if is_json {
        match serde_json::from_slice::<Value>(&signed.body) {
            Ok(mut value) => {
                redact_json(spec, &spec.request, &mut value);
                serde_json::to_string(&value).unwrap_or_default()
            }
            Err(_) => body.into_owned(),
        }
    } else {
        redact_pairs(&body, &secret)
    };
    if !body.is_empty() {
        out.push_str(&body);
        out.push('\n');
    }
    out
}

/// The dotted member paths (indices left out) of the parameters the spec marks secret.
fn secret_paths(spec: &Spec) -> Vec<String> {
    fn walk(
        spec: &Spec,
        level: &[crate::spec::Member],
        prefix: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        for member in level {
            let path = if prefix.is_empty() {
                member.name.clone()
            } else {
                format!("{prefix}.{}", member.name)
            };
            if member.sensitive {
                out.push(path.clone());
            }
            let mut ty = member.ty.as_str();
            while let Some(element) = ty.strip_suffix("[]") {
                ty = element;
            }
            if let Shape::Object(_, def) = spec.shape(ty, None)
                && depth < 8
            {
                walk(spec, members(def), &path, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(spec, &spec.request, "", 0, &mut out);
    out
}

/// Replaces the values of `Token` (the legacy methods' session token) and of secret parameters
/// in a query or form (`A=1&Token=x&Key.0.Secret=y`).
fn redact_pairs(pairs: &str, secret: &[String]) -> String {
    pairs
        .split('&')
        .map(|pair| {
            let Some((key, _)) = pair.split_once('=') else {
                return pair.to_owned();
            };
            let named: Vec<&str> = key
                .split('.')
                .filter(|s| !s.bytes().all(|b| b.is_ascii_digit()))
                .collect();
            if key == "Token"
                || secret
                    .iter()
                    .any(|path| path.split('.').eq(named.iter().copied()))
            {
                format!("{key}={REDACTED}")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Replaces the values of secret members in a JSON request.
fn redact_json(spec: &Spec, members_here: &[crate::spec::Member], value: &mut Value) {
    match value {
        Value::Array(items) => {
            for item in items {
                redact_json(spec, members_here, item);
            }
        }
        Value::Object(map) => {
            for member in members_here {
                let Some(inner) = map.get_mut(&member.name) else {
                    continue;
                };
                if member.sensitive {
                    *inner = Value::String(REDACTED.to_owned());
                    continue;
                }
                let mut ty = member.ty.as_str();
                while let Some(element) = ty.strip_suffix("[]") {
                    ty = element;
                }
                if let Shape::Object(_, def) = spec.shape(ty, None) {
                    redact_json(spec, members(def), inner);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::load;

    #[test]
    fn secret_parameters_and_tokens_are_redacted_in_every_wire_form() {
        let spec = load("CreateCertificate").unwrap();
        assert_eq!(secret_paths(&spec), ["CertificateKey"]);
        let secret = secret_paths(&spec);
        assert_eq!(
            redact_pairs(
                "CertificateKey=sEcReT&Token=tOkEn&ClientToken=abc&CertificateType=1",
                &secret
            ),
            "CertificateKey=<redacted>&Token=<redacted>&ClientToken=abc&CertificateType=1"
        );
        let mut body = serde_json::json!({"CertificateKey": "sEcReT", "CertificateType": 1});
        redact_json(&spec, &spec.request, &mut body);
        assert_eq!(
            body,
            serde_json::json!({"CertificateKey": "<redacted>", "CertificateType": 1})
        );
    }
}
