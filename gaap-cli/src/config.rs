//! Where a command's credentials and settings come from: the command line, the environment,
//! tccli's profile files and the SDKs' credentials file, in a documented order.
//!
//! Credentials, the first that has them:
//! 1. `--use-cvm-role`: the CAM role of this CVM instance, and nothing else.
//! 2. Unless `--profile` names a profile: `TENCENTCLOUD_SECRET_ID` and `TENCENTCLOUD_SECRET_KEY`,
//!    with `TENCENTCLOUD_SESSION_TOKEN` (the SDKs' name) or `TENCENTCLOUD_TOKEN` (tccli's).
//! 3. tccli's `~/.tccli/<profile>.credential` (`{"secretId", "secretKey", "token"}`; `"type":
//!    "cvm-role"` means the instance role).
//! 4. Section `[<profile>]` of the SDKs' credentials file (`TENCENTCLOUD_CREDENTIALS_FILE`, else
//!    `~/.tencentcloud/credentials`, else `/etc/tencentcloud/credentials`).
//!
//! The instance role only when asked for (`--use-cvm-role`, or a tccli file of type
//! `cvm-role`), as in tccli: a command without credentials is an error, not a question to the
//! metadata service. A dry run never asks it (it signs with the documentation's example key
//! pair instead). The profile is `--profile`, else `TCCLI_PROFILE`, else `default`. Naming one
//! with `--profile` skips the environment, as tccli does.
//!
//! Settings: `--region`, `--output` and `--language` win over `TENCENTCLOUD_REGION` (ignored
//! with `--profile`, as in tccli), which wins over `_sys_param` of `~/.tccli/<profile>.configure`;
//! `--endpoint` wins over that file's `gaap.endpoint`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gaap::credentials::{
    ChainProvider, DEFAULT_METADATA_BASE_URL, EnvLookup, EnvironmentProvider, InstanceRoleProvider,
    NotFound, ProfileProvider, ProvideFuture, SESSION_TOKEN_VAR,
};
use gaap::{Credentials, CredentialsError, ProvideCredentials};
use serde_json::Value;

use crate::cli::{LanguageArg, Options, OutputFormat};
use crate::exit::{Exit, Failure};

/// tccli's variable for the session token, read when the SDKs' is not set.
pub const TCCLI_TOKEN_VAR: &str = "TENCENTCLOUD_TOKEN";
/// The region variable (tccli).
pub const REGION_VAR: &str = "TENCENTCLOUD_REGION";
/// The profile variable (tccli).
pub const PROFILE_VAR: &str = "TCCLI_PROFILE";

/// The settings a command runs with, once every source has been read.
#[derive(Debug, Default)]
pub struct Settings {
    pub profile: String,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub output: Option<OutputFormat>,
    pub language: Option<LanguageArg>,
}

/// tccli's directory of profiles, `~/.tccli`.
fn tccli_dir() -> Option<PathBuf> {
    std::env::home_dir().map(|home| home.join(".tccli"))
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Reads the settings: the command line, then the environment, then the tccli profile.
///
/// # Errors
///
/// A configuration failure when the profile's `.configure` file exists but is not JSON, or
/// names an output format or language this command does not know.
pub fn settings(options: &Options) -> Result<Settings, Failure> {
    let profile = options
        .profile
        .clone()
        .or_else(|| env(PROFILE_VAR))
        .unwrap_or_else(|| "default".to_owned());
    let configure = match tccli_dir() {
        Some(dir) => read_json(&dir.join(format!("{profile}.configure")))?,
        None => None,
    };
    let sys = |key: &str| -> Option<String> {
        configure
            .as_ref()?
            .get("_sys_param")?
            .get(key)?
            .as_str()
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let from_profile_env = if options.profile.is_none() {
        env(REGION_VAR)
    } else {
        None
    };
    let output = match options.output {
        Some(output) => Some(output),
        None => sys("output")
            .map(|text| parse_value::<OutputFormat>(&text, "output", &profile))
            .transpose()?,
    };
    let language = match options.language {
        Some(language) => Some(language),
        None => sys("language")
            .map(|text| parse_value::<LanguageArg>(&text, "language", &profile))
            .transpose()?,
    };
    let endpoint = options.endpoint.clone().or_else(|| {
        configure
            .as_ref()?
            .get("gaap")?
            .get("endpoint")?
            .as_str()
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    });
    Ok(Settings {
        region: options
            .region
            .clone()
            .or(from_profile_env)
            .or_else(|| sys("region")),
        endpoint,
        output,
        language,
        profile,
    })
}

fn parse_value<T: clap::ValueEnum>(text: &str, key: &str, profile: &str) -> Result<T, Failure> {
    T::from_str(text, true).map_err(|_| {
        Failure::new(
            Exit::Config,
            format!("~/.tccli/{profile}.configure: `{key}` is `{text}`, which this command does not know"),
        )
    })
}

/// A JSON file, `None` if it does not exist.
fn read_json(path: &Path) -> Result<Option<Value>, Failure> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|error| {
            Failure::new(
                Exit::Config,
                format!("{} is not valid JSON: {error}", path.display()),
            )
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(Failure::new(
            Exit::Config,
            format!("cannot read {}: {error}", path.display()),
        )),
    }
}

/// The credentials provider of the documented order.
pub fn credentials(options: &Options, settings: &Settings) -> Arc<dyn ProvideCredentials> {
    credentials_from(
        options,
        settings,
        EnvLookup::process(),
        DEFAULT_METADATA_BASE_URL,
    )
}

/// [`credentials`] with the environment read through `env` and the instance role asked of the
/// metadata service at `metadata`.
fn credentials_from(
    options: &Options,
    settings: &Settings,
    env: EnvLookup,
    metadata: &str,
) -> Arc<dyn ProvideCredentials> {
    let role = InstanceRole {
        // A dry run stays on this machine: no metadata service, even when the role is asked for.
        provider: (!options.dry_run)
            .then(|| InstanceRoleProvider::new().with_base_url(metadata.to_owned())),
    };
    if options.use_cvm_role {
        return Arc::new(role);
    }
    let mut chain = ChainProvider::new();
    if options.profile.is_none() {
        // The SDKs' token variable, else tccli's.
        let variables = env.clone();
        chain = chain.then(EnvironmentProvider::with_env(EnvLookup::from_fn(
            move |name| {
                let value = variables.get(name).filter(|v| !v.is_empty());
                if value.is_none() && name == SESSION_TOKEN_VAR {
                    return variables.get(TCCLI_TOKEN_VAR).filter(|v| !v.is_empty());
                }
                value
            },
        )));
    }
    let tccli = env.home_dir().map(|home| {
        home.join(".tccli")
            .join(format!("{}.credential", settings.profile))
    });
    Arc::new(
        chain.then(TccliCredentials { path: tccli, role }).then(
            ProfileProvider::new()
                .with_env(env)
                .with_profile(settings.profile.clone()),
        ),
    )
}

/// The CAM role of this CVM instance, from the metadata service; never asked in a dry run.
#[derive(Debug)]
pub struct InstanceRole {
    provider: Option<InstanceRoleProvider>,
}

impl ProvideCredentials for InstanceRole {
    fn provide(&self) -> ProvideFuture<'_> {
        match &self.provider {
            Some(provider) => provider.provide(),
            None => Box::pin(async {
                Err(CredentialsError::NotFound(NotFound::new(
                    "instance role",
                    "a dry run does not ask the metadata service",
                )))
            }),
        }
    }
}

/// tccli's credential file: `~/.tccli/<profile>.credential`, the JSON that `tccli configure`
/// writes.
#[derive(Debug)]
pub struct TccliCredentials {
    pub path: Option<PathBuf>,
    /// The instance role, for a file of `"type": "cvm-role"`.
    pub role: InstanceRole,
}

const TCCLI: &str = "tccli profile";

impl ProvideCredentials for TccliCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let Some(path) = &self.path else {
                return Err(CredentialsError::NotFound(NotFound::new(
                    TCCLI,
                    "no home directory",
                )));
            };
            let shown = path.display();
            let misconfigured = |message: String| CredentialsError::Misconfigured {
                provider: TCCLI,
                message: format!("{shown}: {message}"),
            };
            let value = match read_json(path) {
                Ok(Some(value)) => value,
                Ok(None) => {
                    return Err(CredentialsError::NotFound(NotFound::new(
                        TCCLI,
                        format!("no {shown} (`tccli configure` writes it)"),
                    )));
                }
                Err(failure) => return Err(misconfigured(failure.message)),
            };
            let field = |key: &str| {
                value
                    .get(key)
                    .and_then(Value::as_str)
                    .filter(|v| !v.is_empty())
            };
            match field("type") {
                None | Some("secret") => {}
                Some("cvm-role") => return self.role.provide().await,
                Some(other) => {
                    return Err(misconfigured(format!(
                        "credentials of type `{other}` need tccli's own login flow, which this \
                         command does not have; use a secret key (environment or profile) or \
                         the instance role"
                    )));
                }
            }
            let (Some(id), Some(key)) = (field("secretId"), field("secretKey")) else {
                return Err(misconfigured("it has no secretId and secretKey".to_owned()));
            };
            for (name, text) in [
                ("secretId", Some(id)),
                ("secretKey", Some(key)),
                ("token", field("token")),
            ] {
                if let Some(text) = text
                    && let Some(position) = text.chars().position(|c| !c.is_ascii_graphic())
                {
                    return Err(misconfigured(format!(
                        "{name} contains a space, control or non-ASCII character (at character \
                         {}); fix the value",
                        position + 1
                    )));
                }
            }
            let credentials = Credentials::new(id, key);
            Ok(match field("token") {
                Some(token) => credentials.with_token(token),
                None => credentials,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provide(path: &Path) -> Result<Credentials, CredentialsError> {
        let provider = TccliCredentials {
            path: Some(path.to_owned()),
            role: InstanceRole { provider: None },
        };
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(provider.provide())
    }

    #[test]
    fn tccli_credential_files_are_read_and_their_problems_named_without_secrets() {
        let dir = std::env::temp_dir().join(format!("gaap-cli-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("default.credential");
        assert!(provide(&path).unwrap_err().is_not_found());

        std::fs::write(
            &path,
            r#"{"secretId": "AKIDx", "secretKey": "sEcReT", "token": "tOkEn"}"#,
        )
        .unwrap();
        let credentials = provide(&path).unwrap();
        assert_eq!(
            (
                credentials.secret_id(),
                credentials.secret_key(),
                credentials.token()
            ),
            ("AKIDx", "sEcReT", Some("tOkEn"))
        );

        std::fs::write(&path, r#"{"secretId": "AKIDx", "secretKey": "sEcReT\n"}"#).unwrap();
        let message = provide(&path).unwrap_err().to_string();
        assert!(message.contains("secretKey contains"), "{message}");
        assert!(!message.contains("sEcReT"), "{message}");

        std::fs::write(&path, r#"{"type": "oauth", "oauth": {}}"#).unwrap();
        let message = provide(&path).unwrap_err().to_string();
        assert!(message.contains("`oauth`"), "{message}");

        std::fs::write(&path, "not json").unwrap();
        assert!(
            provide(&path)
                .unwrap_err()
                .to_string()
                .contains("not valid JSON")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A metadata service that counts the connections made to it, and closes each at once.
    struct Metadata {
        url: String,
        connections: Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Metadata {
        fn start() -> Metadata {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let counted = connections.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    drop(stream);
                }
            });
            Metadata { url, connections }
        }

        fn connections(&self) -> usize {
            self.connections.load(std::sync::atomic::Ordering::SeqCst)
        }
    }

    #[test]
    fn the_instance_role_is_asked_only_when_named_and_never_in_a_dry_run() {
        let home = std::env::temp_dir().join(format!("gaap-cli-role-{}", std::process::id()));
        let tccli = home.join(".tccli");
        std::fs::create_dir_all(&tccli).unwrap();
        let env = EnvLookup::from_pairs([("HOME", home.to_str().unwrap())]);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let metadata = Metadata::start();
        let provide = |options: &Options, profile: &str| {
            let settings = Settings {
                profile: profile.to_owned(),
                ..Settings::default()
            };
            let provider = credentials_from(options, &settings, env.clone(), &metadata.url);
            runtime.block_on(provider.provide())
        };
        let dry_run = Options {
            dry_run: true,
            ..Options::default()
        };
        let role = Options {
            use_cvm_role: true,
            ..Options::default()
        };
        let role_dry_run = Options {
            use_cvm_role: true,
            dry_run: true,
            ..Options::default()
        };
        std::fs::write(tccli.join("cvm.credential"), r#"{"type": "cvm-role"}"#).unwrap();

        // Nothing configured: not found, with or without a dry run, and the metadata service is
        // not asked (it was the last link of the chain before).
        for options in [&Options::default(), &dry_run, &role_dry_run] {
            let error = provide(options, "default").unwrap_err();
            assert!(error.is_not_found(), "{error}");
        }
        // A tccli profile of the instance role, in a dry run.
        assert!(provide(&dry_run, "cvm").unwrap_err().is_not_found());
        assert_eq!(metadata.connections(), 0);

        // Asked for, outside a dry run, the role is asked of the metadata service: once on the
        // command line, once through the tccli profile.
        assert!(provide(&role, "default").is_err());
        let asked = metadata.connections();
        assert!(asked >= 1);
        assert!(provide(&Options::default(), "cvm").is_err());
        assert!(metadata.connections() > asked);
        std::fs::remove_dir_all(&home).unwrap();
    }
}
