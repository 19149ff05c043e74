//! Credentials from the INI credentials file the official SDKs read: `~/.tencentcloud/credentials`,
//! else `/etc/tencentcloud/credentials`, section `[default]`, keys `secret_id`, `secret_key` and
//! optionally `token` (read by the Node.js SDK).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::env::{CREDENTIALS_FILE_VAR, EnvLookup};
use super::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, checked_credentials,
};

/// The profile (INI section) read unless another is named.
pub const DEFAULT_PROFILE: &str = "default";

const NAME: &str = "profile";

/// The largest credentials file read. The file holds a few keys per profile; anything this large
/// is not a credentials file (a path pointing at a log, a device), and reading it whole would
/// cost memory and time on every refresh.
pub const MAX_CREDENTIALS_FILE_BYTES: u64 = 64 * 1024;
const SYSTEM_FILE: &str = "/etc/tencentcloud/credentials";

/// Reads credentials from an INI file.
///
/// Which file: the one given to [`ProfileProvider::with_path`], else the one named by
/// `TENCENTCLOUD_CREDENTIALS_FILE` (as the Go SDK does), else the first that exists of
/// [`ProfileProvider::with_search_paths`] (default `~/.tencentcloud/credentials`,
/// `/etc/tencentcloud/credentials`). A file named explicitly must exist; searched files may not.
///
/// Outcomes: no file, or no section of the profile's name: not found. A section without
/// `secret_id` or `secret_key`, a file that is not INI or cannot be read: an error.
#[derive(Debug, Clone)]
pub struct ProfileProvider {
    profile: String,
    path: Option<PathBuf>,
    search_paths: Option<Vec<PathBuf>>,
    env: EnvLookup,
}

impl Default for ProfileProvider {
    fn default() -> Self {
        ProfileProvider {
            profile: DEFAULT_PROFILE.to_owned(),
            path: None,
            search_paths: None,
            env: EnvLookup::process(),
        }
    }
}

impl ProfileProvider {
    /// Reads profile `default` from the default places.
    pub fn new() -> Self {
        ProfileProvider::default()
    }

    /// Reads the section `[profile]` instead of `[default]`.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = profile.into();
        self
    }

    /// Reads exactly this file, which must exist.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Reads the first of these files that exists, in place of the default two.
    pub fn with_search_paths(
        mut self,
        paths: impl IntoIterator<Item = impl Into<PathBuf>>,
    ) -> Self {
        self.search_paths = Some(paths.into_iter().map(Into::into).collect());
        self
    }

    /// Reads `TENCENTCLOUD_CREDENTIALS_FILE` and the home directory from `env`.
    pub fn with_env(mut self, env: EnvLookup) -> Self {
        self.env = env;
        self
    }

    /// The files to try, and whether the user named them (then a missing file is an error).
    fn candidates(&self) -> Result<(Vec<PathBuf>, bool), CredentialsError> {
        if let Some(path) = &self.path {
            return Ok((vec![path.clone()], true));
        }
        if let Some(path) = self.env.get(CREDENTIALS_FILE_VAR) {
            if path.is_empty() {
                return Err(CredentialsError::misconfigured(
                    NAME,
                    format!(
                        "{CREDENTIALS_FILE_VAR} is set but empty; point it to a credentials file \
                         or unset it"
                    ),
                ));
            }
            return Ok((vec![PathBuf::from(path)], true));
        }
        if let Some(paths) = &self.search_paths {
            return Ok((paths.clone(), false));
        }
        let mut paths = Vec::with_capacity(2);
        if let Some(home) = self.env.home_dir() {
            paths.push(home.join(".tencentcloud").join("credentials"));
        }
        paths.push(PathBuf::from(SYSTEM_FILE));
        Ok((paths, false))
    }

    async fn lookup(&self) -> Result<Credentials, CredentialsError> {
        let (paths, explicit) = self.candidates()?;
        for path in &paths {
            match read_bounded(path).await {
                Ok(Some(text)) => return self.parse(path, &text),
                Ok(None) => {
                    return Err(CredentialsError::misconfigured(
                        NAME,
                        format!(
                            "{} is larger than {MAX_CREDENTIALS_FILE_BYTES} bytes, too large for a \
                             credentials file; point to the right file",
                            path.display()
                        ),
                    ));
                }
                Err(error) if error.kind() == std::io::ErrorKind::NotFound && !explicit => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    return Err(CredentialsError::misconfigured(
                        NAME,
                        format!(
                            "{} does not exist; create it, or stop pointing to it",
                            path.display()
                        ),
                    ));
                }
                Err(error) => {
                    return Err(CredentialsError::Unreadable {
                        provider: NAME,
                        path: path.clone(),
                        source: Arc::new(error),
                    });
                }
            }
        }
        let looked_at: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        Err(CredentialsError::not_found(
            NAME,
            format!(
                "no credentials file at {}; create ~/.tencentcloud/credentials with a [{}] \
                 section holding secret_id and secret_key",
                if looked_at.is_empty() {
                    "any path given".to_owned()
                } else {
                    looked_at.join(" or ")
                },
                self.profile
            ),
        ))
    }

    fn parse(&self, path: &Path, text: &str) -> Result<Credentials, CredentialsError> {
        let shown = path.display();
        let profile = &self.profile;
        let section = ini_section(text, profile).map_err(|line| {
            CredentialsError::misconfigured(
                NAME,
                format!(
                    "{shown} line {line} is neither `[section]`, `key = value` nor a comment; \
                     fix the file's INI syntax"
                ),
            )
        })?;
        let Some(section) = section else {
            return Err(CredentialsError::not_found(
                NAME,
                format!(
                    "{shown} has no [{profile}] section; add one with secret_id and secret_key"
                ),
            ));
        };
        let field = |key: &str| {
            section
                .get(key)
                .map(String::as_str)
                .filter(|v| !v.is_empty())
        };
        let (Some(id), Some(key)) = (field("secret_id"), field("secret_key")) else {
            let missing = if field("secret_id").is_none() {
                "secret_id"
            } else {
                "secret_key"
            };
            return Err(CredentialsError::misconfigured(
                NAME,
                format!(
                    "{shown}: section [{profile}] has no {missing}; add `{missing} = ...` to it"
                ),
            ));
        };
        let credentials = checked_credentials(
            id,
            key,
            field("token"),
            ["secret_id", "secret_key", "token"],
        )
        .map_err(|problem| {
            CredentialsError::misconfigured(
                NAME,
                format!("{shown}: section [{profile}]: {problem}; fix the value"),
            )
        })?;
        tracing::debug!(provider = NAME, path = %shown, profile = %profile, "credentials supplied");
        Ok(credentials)
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.lookup())
    }
}

/// The file's text, or `None` when it is larger than [`MAX_CREDENTIALS_FILE_BYTES`]; bytes that
/// are not UTF-8 are an `InvalidData` error, as `read_to_string` reports them.
async fn read_bounded(path: &Path) -> std::io::Result<Option<String>> {
    use tokio::io::AsyncReadExt as _;
    let file = tokio::fs::File::open(path).await?;
    let mut bytes = Vec::new();
    // One byte more than allowed tells a file too large, whatever its metadata says (a FIFO,
    // a file that grows).
    file.take(MAX_CREDENTIALS_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .await?;
    if bytes.len() as u64 > MAX_CREDENTIALS_FILE_BYTES {
        return Ok(None);
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error))
}

/// The keys of `[wanted]` in `text` (`None` if no such section), or the 1-based number of the
/// first line that is not INI.
///
/// Written by hand because the file holds three keys: `rust-ini` pulls ten crates, among them a
/// proc-macro for compile-time randomness (see "Build weight" in the design notes), and a parser
/// of our own never echoes a line, which may hold a secret, in its errors. Accepts what the
/// official SDKs' parsers accept in these files: `#` and `;` comment lines, `key = value` or
/// `key: value` (Python's configparser), values in matching quotes unquoted (Go's ini and
/// Node's ini), keys case-insensitive (configparser), the last of repeated keys winning.
fn ini_section(text: &str, wanted: &str) -> Result<Option<HashMap<String, String>>, usize> {
    let mut in_wanted = false;
    let mut section: Option<HashMap<String, String>> = None;
    for (index, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let name = header.strip_suffix(']').ok_or(index + 1)?.trim();
            in_wanted = name == wanted;
            if in_wanted {
                section.get_or_insert_with(HashMap::new);
            }
            continue;
        }
        let (key, value) = line.split_once(['=', ':']).ok_or(index + 1)?;
        if let (true, Some(section)) = (in_wanted, section.as_mut()) {
            section.insert(
                key.trim().to_ascii_lowercase(),
                unquote(value.trim()).to_owned(),
            );
        }
    }
    Ok(section)
}

fn unquote(value: &str) -> &str {
    ['"', '\'']
        .into_iter()
        .find_map(|quote| value.strip_prefix(quote)?.strip_suffix(quote))
        .unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::test_support::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "gaap-credentials-test-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&path).unwrap();
            TempDir(path)
        }

        fn write(&self, relative: &str, text: &str) -> PathBuf {
            let path = self.0.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn provide(provider: ProfileProvider) -> Result<Credentials, CredentialsError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(provider.provide())
    }

    fn no_env() -> EnvLookup {
        EnvLookup::from_pairs(Vec::<(String, String)>::new())
    }

    #[test]
    fn reads_the_default_section_of_the_home_file() {
        let dir = TempDir::new();
        dir.write(
            ".tencentcloud/credentials",
            &format!(
                "\u{feff}# comment\n[other]\nsecret_id = wrong\n\n[default]\nsecret_id = AKID1\n\
                 Secret_Key: \"{SECRET_KEY}\"\n; token comes next\ntoken = '{TOKEN}'\n"
            ),
        );
        let home = dir.0.display().to_string();
        let env = EnvLookup::from_pairs([("HOME", home)]);
        let credentials = provide(ProfileProvider::new().with_env(env)).unwrap();
        assert_eq!(credentials.secret_id(), "AKID1");
        assert_eq!(credentials.secret_key(), SECRET_KEY);
        assert_eq!(credentials.token(), Some(TOKEN));
    }

    #[test]
    fn the_first_existing_search_path_wins_and_a_named_profile_is_read() {
        let dir = TempDir::new();
        let second = dir.write("second", "[prod]\nsecret_id = AKID2\nsecret_key = k2\n");
        let first = dir.0.join("missing");
        let provider = ProfileProvider::new()
            .with_env(no_env())
            .with_search_paths([first, second])
            .with_profile("prod");
        assert_eq!(provide(provider).unwrap().secret_id(), "AKID2");
    }

    #[test]
    fn no_file_is_not_found_and_lists_the_paths() {
        let dir = TempDir::new();
        let provider = ProfileProvider::new()
            .with_env(no_env())
            .with_search_paths([dir.0.join("a"), dir.0.join("b")]);
        let error = provide(provider).unwrap_err();
        assert!(error.is_not_found());
        let message = error.to_string();
        assert!(
            message.contains(&dir.0.join("a").display().to_string()),
            "{message}"
        );
        assert!(
            message.contains(&dir.0.join("b").display().to_string()),
            "{message}"
        );
        assert!(message.contains("[default] section"), "{message}");
    }

    #[test]
    fn default_paths_are_home_then_etc() {
        if Path::new(SYSTEM_FILE).exists() {
            return; // This machine has a real system file; the outcome would depend on it.
        }
        let env = EnvLookup::from_pairs([("HOME", "/nonexistent-home")]);
        let error = provide(ProfileProvider::new().with_env(env)).unwrap_err();
        assert!(error.is_not_found());
        assert!(
            error.to_string().contains(
                "/nonexistent-home/.tencentcloud/credentials or /etc/tencentcloud/credentials"
            ),
            "{error}"
        );
    }

    #[test]
    fn a_file_without_the_section_is_not_found() {
        let dir = TempDir::new();
        let path = dir.write("c", "[other]\nsecret_id = a\nsecret_key = b\n");
        let error = provide(ProfileProvider::new().with_env(no_env()).with_path(path)).unwrap_err();
        assert!(error.is_not_found());
        assert!(
            error.to_string().contains("no [default] section"),
            "{error}"
        );
    }

    #[test]
    fn a_section_without_a_key_is_an_error_naming_the_key() {
        let dir = TempDir::new();
        let path = dir.write("c", &format!("[default]\nsecret_key = {SECRET_KEY}\n"));
        let error =
            provide(ProfileProvider::new().with_env(no_env()).with_path(&path)).unwrap_err();
        assert!(!error.is_not_found());
        assert!(error.to_string().contains("has no secret_id"), "{error}");
        assert_error_redacted(&error);

        let path = dir.write("d", "[default]\nsecret_id = AKID\nsecret_key =\n");
        let error =
            provide(ProfileProvider::new().with_env(no_env()).with_path(&path)).unwrap_err();
        assert!(error.to_string().contains("has no secret_key"), "{error}");
    }

    #[test]
    fn a_malformed_line_is_an_error_with_its_number_not_its_text() {
        let dir = TempDir::new();
        let path = dir.write("c", &format!("[default]\nsecret_id = AKID\n{SECRET_KEY}\n"));
        let error =
            provide(ProfileProvider::new().with_env(no_env()).with_path(&path)).unwrap_err();
        assert!(error.to_string().contains("line 3"), "{error}");
        assert_error_redacted(&error);
        let path = dir.write("d", "[default\n");
        let error =
            provide(ProfileProvider::new().with_env(no_env()).with_path(&path)).unwrap_err();
        assert!(error.to_string().contains("line 1"), "{error}");
    }

    #[test]
    fn a_value_with_inner_spaces_is_an_error_without_the_value() {
        let dir = TempDir::new();
        let path = dir.write(
            "c",
            &format!("[default]\nsecret_id = AKID\nsecret_key = a {SECRET_KEY}\n"),
        );
        let error =
            provide(ProfileProvider::new().with_env(no_env()).with_path(&path)).unwrap_err();
        assert!(
            error.to_string().contains("secret_key contains a space"),
            "{error}"
        );
        assert_error_redacted(&error);
    }

    #[test]
    fn an_explicit_path_must_exist() {
        let dir = TempDir::new();
        let missing = dir.0.join("missing");
        let error = provide(
            ProfileProvider::new()
                .with_env(no_env())
                .with_path(&missing),
        )
        .unwrap_err();
        assert!(!error.is_not_found());
        assert!(error.to_string().contains("does not exist"), "{error}");
    }

    #[test]
    fn the_credentials_file_variable_names_the_file_and_must_not_be_empty() {
        let dir = TempDir::new();
        let path = dir.write("c", "[default]\nsecret_id = AKID3\nsecret_key = k\n");
        let env = EnvLookup::from_pairs([(CREDENTIALS_FILE_VAR, path.display().to_string())]);
        assert_eq!(
            provide(ProfileProvider::new().with_env(env))
                .unwrap()
                .secret_id(),
            "AKID3"
        );

        let env = EnvLookup::from_pairs([(CREDENTIALS_FILE_VAR, "")]);
        let error = provide(ProfileProvider::new().with_env(env)).unwrap_err();
        assert!(error.to_string().contains(CREDENTIALS_FILE_VAR), "{error}");
    }

    #[test]
    fn a_file_over_the_size_cap_is_an_error_and_one_at_the_cap_is_read() {
        let dir = TempDir::new();
        let head = format!("[default]\nsecret_id = AKID1\nsecret_key = {SECRET_KEY}\n");
        let padding = MAX_CREDENTIALS_FILE_BYTES as usize - head.len();
        let at_cap = dir.write("at-cap", &format!("{head}{}", "#".repeat(padding)));
        let credentials =
            provide(ProfileProvider::new().with_env(no_env()).with_path(&at_cap)).unwrap();
        assert_eq!(credentials.secret_id(), "AKID1");
        let over = dir.write("over", &format!("{head}{}", "#".repeat(padding + 1)));
        let error =
            provide(ProfileProvider::new().with_env(no_env()).with_path(&over)).unwrap_err();
        assert!(
            matches!(error, CredentialsError::Misconfigured { .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("65536 bytes"), "{error}");
        assert_error_redacted(&error);
    }

    #[test]
    fn a_directory_or_non_utf8_file_is_unreadable() {
        let dir = TempDir::new();
        let error =
            provide(ProfileProvider::new().with_env(no_env()).with_path(&dir.0)).unwrap_err();
        assert!(
            matches!(error, CredentialsError::Unreadable { .. }),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("make the file readable"),
            "{error}"
        );
        assert_error_redacted(&error);
        let path = dir.0.join("binary");
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        let error =
            provide(ProfileProvider::new().with_env(no_env()).with_path(&path)).unwrap_err();
        assert!(
            matches!(error, CredentialsError::Unreadable { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn ini_section_edge_cases() {
        assert_eq!(ini_section("", "default"), Ok(None));
        assert_eq!(
            ini_section("[default]", "default"),
            Ok(Some(HashMap::new()))
        );
        let section = ini_section("k = a = b\n[ default ]\nk = 1\nK = 2\nv = \"\n", "default")
            .unwrap()
            .unwrap();
        assert_eq!(section["k"], "2");
        assert_eq!(section["v"], "\"", "a lone quote is kept");
        assert_eq!(ini_section("[a]\n[b", "a"), Err(2));
    }

    proptest::proptest! {
        #[test]
        fn ini_section_never_panics(text in "\\PC*", wanted in "[a-z]{0,8}") {
            let _ = ini_section(&text, &wanted);
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        assert_redacted(&format!("{:?}", ProfileProvider::new().with_profile("p")));
    }
}
