//! What an emulator starts with: the address, the keys it accepts, the proxies and proxy groups
//! that exist, the rate limits, the clock.
//!
//! [`Config::builtin`] is what the emulator has out of the box. A JSON file (the binary's
//! `--config`, or [`Config::from_file`]) adds to it or replaces it; the format is documented on
//! [`Config::from_json`] and in the crate's README.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::clock::Clock;
use crate::error::Error;
use crate::model::Model;

/// The secret id of the documentation's example key pair, accepted out of the box.
pub const EXAMPLE_SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
/// The secret key of the documentation's example key pair, accepted out of the box.
pub const EXAMPLE_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

/// How many listeners a proxy or group holds unless its fixture says otherwise; one more is
/// `FailedOperation.LimitNumofListener`. The emulator's choice: the documentation gives no number.
pub const DEFAULT_LISTENER_QUOTA: u32 = 100;

/// The most resources one request creates (listeners of `Ports`, real servers of
/// `RealServerIP`, rules of `RuleList`, a group's proxies, bindings): more is
/// `InvalidParameterValue`. The emulator's choice, so that one large body cannot cost gigabytes
/// of memory; the documentation gives no number. Each kind also has a quota per account
/// (`MODEL.md`).
pub const MAX_CREATED_PER_REQUEST: usize = 1000;

/// The port every built-in proxy and group refuses (`InvalidParameterValue.InvalidListenerPort`),
/// so a test can provoke that error without a config file. An arbitrary choice of the emulator.
pub const BUILTIN_RESERVED_PORT: u16 = 36000;

/// How long a transition takes on the emulator's clock unless the config says otherwise
/// (`CREATING` → `RUNNING`, listener status 1 → 0, `CLOSING` → `CLOSED`, ...): long enough for a
/// polling client to see the transitional status, short enough for a demo. The emulator's
/// choice: real transitions take from seconds (listeners) to minutes (proxies).
pub const DEFAULT_TRANSITION_TIME: Duration = Duration::from_secs(3);

/// How many connections an emulator serves at once unless told otherwise; more wait in the
/// listen backlog until one closes.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// How long a client may take to send a request's headers (from when its connection opens, or
/// from the end of its previous request), then its body, unless told otherwise.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A key pair the emulator accepts.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    /// The secret id (`AKID...`), sent with every request.
    pub secret_id: String,
    /// The secret key, never sent: the emulator recomputes signatures with it.
    pub secret_key: String,
    /// For temporary credentials, the session token requests must carry; `None` for a permanent
    /// key, which refuses requests that carry a token.
    pub token: Option<String>,
}

impl Credential {
    /// A permanent key pair.
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credential {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: None,
        }
    }

    /// The same key pair as temporary credentials with this session token.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The documentation's example key pair ([`EXAMPLE_SECRET_ID`], [`EXAMPLE_SECRET_KEY`]).
    pub fn example() -> Self {
        Credential::new(EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY)
    }
}

/// Shows the secret id only.
impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A proxy or a proxy group that exists when the emulator starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixture {
    /// `link-...` for a proxy, `lg-...` for a group (any text is accepted; ids are unique across
    /// proxies and groups).
    pub id: String,
    /// A documented status (`ProxyInfo.Status` for a proxy, `ProxyGroupInfo.Status` for a group:
    /// the `values` of the status in the model, `MODEL.md`); only `RUNNING` accepts listeners.
    pub status: String,
    /// How many listeners it may hold.
    pub listener_quota: u32,
    /// Ports it refuses listeners on.
    pub reserved_ports: Vec<u16>,
}

impl Fixture {
    /// A running proxy or group with the default quota and no reserved port.
    pub fn running(id: impl Into<String>) -> Self {
        Fixture::with_status(id, "RUNNING")
    }

    /// A proxy or group in `status`, with the default quota and no reserved port.
    pub fn with_status(id: impl Into<String>, status: impl Into<String>) -> Self {
        Fixture {
            id: id.into(),
            status: status.into(),
            listener_quota: DEFAULT_LISTENER_QUOTA,
            reserved_ports: Vec::new(),
        }
    }

    /// The same, holding at most `quota` listeners.
    pub fn quota(mut self, quota: u32) -> Self {
        self.listener_quota = quota;
        self
    }

    /// The same, refusing listeners on `ports`.
    pub fn reserve_ports(mut self, ports: impl IntoIterator<Item = u16>) -> Self {
        self.reserved_ports.extend(ports);
        self
    }
}

/// Which rate limit the emulator enforces, per action and per secret id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Throttling {
    /// Each action's documented limit (`rate_limit` of its spec, 20/s for `CreateTCPListeners`);
    /// actions without a documented limit are not throttled.
    #[default]
    Documented,
    /// No limit: for benchmarks that measure the client.
    Off,
    /// This many requests per second for every action.
    PerSecond(u32),
}

/// Everything an emulator starts with. [`Config::builtin`] (also `Default`) is the out-of-the-box
/// emulator; the `with_*` methods change one thing.
///
/// Its `Debug` shows no secret: credentials show their secret ids only, and a saved
/// [`state`](Config::state), which may hold certificate private keys, shows as its number of
/// resources.
#[derive(Clone)]
pub struct Config {
    /// The address to listen on; `127.0.0.1:0` (a free port) by default.
    pub listen: SocketAddr,
    /// The keys it accepts.
    pub credentials: Vec<Credential>,
    /// The proxies that exist.
    pub proxies: Vec<Fixture>,
    /// The proxy groups that exist.
    pub groups: Vec<Fixture>,
    /// The rate limits enforced.
    pub throttling: Throttling,
    /// What "now" is.
    pub clock: Clock,
    /// How long every timed transition takes on [`clock`](Config::clock) (zero: at once).
    pub transition_time: Duration,
    /// A saved account to start from ([`Emulator::export_state`](crate::Emulator::export_state)),
    /// loaded after the fixtures; `None`: the fixtures alone.
    pub state: Option<serde_json::Value>,
    /// A check of every successful answer ([`Config::with_answer_check`]); `None`: none.
    pub answer_check: Option<AnswerCheck>,
    /// How many connections are served at once ([`DEFAULT_MAX_CONNECTIONS`]).
    pub max_connections: usize,
    /// How long a client may take to send a request's headers, then its body
    /// ([`DEFAULT_READ_TIMEOUT`]); a connection that takes longer is closed.
    pub read_timeout: Duration,
    /// Whether the documentation's example key pair is accepted on an address other machines
    /// can reach (not loopback). Off: anyone can sign with that key, so an emulator listening on
    /// `0.0.0.0` with it refuses to start.
    pub allow_example_key_off_loopback: bool,
}

/// A check of a successful answer: the action and the members of its `Response`; an error
/// says what is wrong with it.
pub type AnswerCheck =
    std::sync::Arc<dyn Fn(&str, &serde_json::Value) -> Result<(), String> + Send + Sync>;

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// A saved state, as the number of resources it holds.
        struct Resources<'s>(&'s serde_json::Value);
        impl fmt::Debug for Resources<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0["resources"].as_array() {
                    Some(list) => write!(f, "<{} resources>", list.len()),
                    None => f.write_str("<not a saved state>"),
                }
            }
        }
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("credentials", &self.credentials)
            .field("proxies", &self.proxies)
            .field("groups", &self.groups)
            .field("throttling", &self.throttling)
            .field("clock", &self.clock)
            .field("transition_time", &self.transition_time)
            .field("state", &self.state.as_ref().map(Resources))
            .field(
                "answer_check",
                &self.answer_check.as_ref().map(|_| "<a check>"),
            )
            .field("max_connections", &self.max_connections)
            .field("read_timeout", &self.read_timeout)
            .field(
                "allow_example_key_off_loopback",
                &self.allow_example_key_off_loopback,
            )
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::builtin()
    }
}

impl Config {
    /// The out-of-the-box emulator: it listens on `127.0.0.1:0`, accepts the documentation's
    /// example key pair, enforces the documented rate limits on the system clock, and has
    ///
    /// | id | kind | status |
    /// | --- | --- | --- |
    /// | `link-bjkpdum1` | proxy | `RUNNING` (the seed example's proxy) |
    /// | `link-hwera8lq` | proxy | `RUNNING` (the `DescribeTCPListeners` example's) |
    /// | `link-3d85gh` | proxy | `RUNNING` (the `DeleteListeners` example's) |
    /// | `link-closed01` | proxy | `CLOSED` |
    /// | `link-isolated` | proxy | `ISOLATED` |
    /// | `lg-bjkpdum1` | group | `RUNNING` (the `DescribeTCPListeners` documentation's) |
    /// | `lg-04tnkmt9` | group | `RUNNING` (the `DeleteListeners` example's) |
    /// | `lg-closed01` | group | `CLOSED` |
    ///
    /// each with a quota of [`DEFAULT_LISTENER_QUOTA`] listeners and refusing port
    /// [`BUILTIN_RESERVED_PORT`].
    pub fn builtin() -> Self {
        let fixture = |id: &str, status: &str| {
            Fixture::with_status(id, status).reserve_ports([BUILTIN_RESERVED_PORT])
        };
        Config {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            credentials: vec![Credential::example()],
            proxies: vec![
                fixture("link-bjkpdum1", "RUNNING"),
                fixture("link-hwera8lq", "RUNNING"),
                fixture("link-3d85gh", "RUNNING"),
                fixture("link-closed01", "CLOSED"),
                fixture("link-isolated", "ISOLATED"),
            ],
            groups: vec![
                fixture("lg-bjkpdum1", "RUNNING"),
                fixture("lg-04tnkmt9", "RUNNING"),
                fixture("lg-closed01", "CLOSED"),
            ],
            throttling: Throttling::Documented,
            clock: Clock::system(),
            transition_time: DEFAULT_TRANSITION_TIME,
            state: None,
            answer_check: None,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            read_timeout: DEFAULT_READ_TIMEOUT,
            allow_example_key_off_loopback: false,
        }
    }

    /// No key, no proxy, no group; documented throttling, the system clock, `127.0.0.1:0`.
    pub fn empty() -> Self {
        Config {
            credentials: Vec::new(),
            proxies: Vec::new(),
            groups: Vec::new(),
            ..Config::builtin()
        }
    }

    /// Reads a JSON config file: see [`Config::from_json`] for the format.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadConfig {
            path: path.to_owned(),
            source,
        })?;
        Config::from_json(&text).map_err(|err| match err {
            Error::Config(message) => Error::Config(format!("{}: {message}", path.display())),
            other => other,
        })
    }

    /// Reads a JSON config:
    ///
    /// ```json
    /// {
    ///   "builtin": true,
    ///   "credentials": [
    ///     { "secret_id": "AKIDmy0wn0EXAMPLE", "secret_key": "my-own-secret-key" },
    ///     { "secret_id": "AKIDtmp0EXAMPLE", "secret_key": "tmp-key", "token": "session-token" }
    ///   ],
    ///   "proxies": [
    ///     { "id": "link-m9w1a7ok", "status": "RUNNING", "listener_quota": 5, "reserved_ports": [22] },
    ///     { "id": "link-bjkpdum1", "status": "CLOSED" }
    ///   ],
    ///   "groups": [{ "id": "lg-5anbbou5", "status": "CREATING" }],
    ///   "throttling": "documented",
    ///   "transition_seconds": 3,
    ///   "state": { "format": 1, "resources": [] },
    ///   "listen": "127.0.0.1:9000"
    /// }
    /// ```
    ///
    /// Every key is optional; an unknown key is an error.
    /// - `builtin` (default `true`): start from [`Config::builtin`]; `false` starts empty. An
    ///   entry with the id (or secret id) of a built-in one replaces it.
    /// - `credentials`: `secret_id`, `secret_key`, and `token` for temporary credentials (see
    ///   [`Credential::token`]).
    /// - `proxies`, `groups`: `id`, `status` (default `RUNNING`; a documented status, see
    ///   [`Fixture::status`]), `listener_quota` (default [`DEFAULT_LISTENER_QUOTA`]),
    ///   `reserved_ports` (default none).
    /// - `throttling`: `"documented"`, `"off"`, or a number of requests per second for every
    ///   action (see [`Throttling`]).
    /// - `transition_seconds`: how long each timed transition takes (default
    ///   [`DEFAULT_TRANSITION_TIME`]).
    /// - `state`: a saved account (see `STATE.md`), loaded after the fixtures.
    /// - `listen`: the address (the binary's `--listen` wins over it).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let file: FileConfig =
            serde_json::from_str(text).map_err(|err| Error::Config(err.to_string()))?;
        let mut config = if file.builtin {
            Config::builtin()
        } else {
            Config::empty()
        };
        if let Some(listen) = file.listen {
            config.listen = listen;
        }
        if let Some(seconds) = file.transition_seconds {
            config.transition_time = transition_time(seconds)?;
        }
        if let Some(state) = file.state {
            config.state = Some(state);
        }
        if let Some(throttling) = file.throttling {
            config.throttling = throttling.into_throttling()?;
        }
        for c in file.credentials {
            config = config.with_credential(Credential {
                secret_id: c.secret_id,
                secret_key: c.secret_key,
                token: c.token,
            });
        }
        for p in file.proxies {
            config = config.with_proxy(p.into_fixture());
        }
        for g in file.groups {
            config = config.with_group(g.into_fixture());
        }
        config.check()?;
        Ok(config)
    }

    /// Listens on `addr`.
    pub fn with_listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Accepts `credential`, replacing a key with the same secret id.
    pub fn with_credential(mut self, credential: Credential) -> Self {
        self.credentials
            .retain(|c| c.secret_id != credential.secret_id);
        self.credentials.push(credential);
        self
    }

    /// Adds a proxy, replacing a proxy or group with the same id.
    pub fn with_proxy(mut self, proxy: Fixture) -> Self {
        self.remove_target(&proxy.id);
        self.proxies.push(proxy);
        self
    }

    /// Adds a proxy group, replacing a proxy or group with the same id.
    pub fn with_group(mut self, group: Fixture) -> Self {
        self.remove_target(&group.id);
        self.groups.push(group);
        self
    }

    /// Enforces `throttling`.
    pub fn with_throttling(mut self, throttling: Throttling) -> Self {
        self.throttling = throttling;
        self
    }

    /// Makes every timed transition take `time` on the emulator's clock; `Duration::ZERO`
    /// settles them at once (for tests that do not look at transitional states).
    pub fn with_transition_time(mut self, time: Duration) -> Self {
        self.transition_time = time;
        self
    }

    /// Starts from a saved account ([`Emulator::export_state`](crate::Emulator::export_state)),
    /// loaded after the fixtures, whose resources it replaces.
    pub fn with_state(mut self, state: serde_json::Value) -> Self {
        self.state = Some(state);
        self
    }

    /// Passes every successful answer (the action, and the members of its `Response`) to
    /// `check` before it is sent; an answer the check refuses is sent as `InternalError` with
    /// the check's reason instead. For tests that hold the emulator to the specs (the SDK's own
    /// end-to-end tests check each answer member by member against its spec); it costs a JSON
    /// parse of every answer.
    pub fn with_answer_check(
        mut self,
        check: impl Fn(&str, &serde_json::Value) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.answer_check = Some(std::sync::Arc::new(check));
        self
    }

    /// Reads time from `clock` (a [`ManualClock`](crate::ManualClock) for tests).
    pub fn with_clock(mut self, clock: impl Into<Clock>) -> Self {
        self.clock = clock.into();
        self
    }

    /// Serves at most `max_connections` connections at once.
    pub fn with_max_connections(mut self, max_connections: usize) -> Self {
        self.max_connections = max_connections;
        self
    }

    /// Closes connections that take longer than `read_timeout` to send a request's headers, or
    /// then its body.
    pub fn with_read_timeout(mut self, read_timeout: Duration) -> Self {
        self.read_timeout = read_timeout;
        self
    }

    /// Accepts the documentation's example key pair even on an address that is not loopback.
    pub fn allow_example_key_off_loopback(mut self, allow: bool) -> Self {
        self.allow_example_key_off_loopback = allow;
        self
    }

    fn remove_target(&mut self, id: &str) {
        self.proxies.retain(|p| p.id != id);
        self.groups.retain(|g| g.id != id);
    }

    /// Checks what the types cannot: known statuses, unique ids, non-empty keys.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let mut seen_ids = std::collections::HashSet::new();
        for c in &self.credentials {
            if c.secret_id.is_empty() || c.secret_key.is_empty() {
                return Err(Error::Config(format!(
                    "credential `{}`: secret_id and secret_key must not be empty",
                    c.secret_id
                )));
            }
            if !seen_ids.insert(c.secret_id.as_str()) {
                return Err(Error::Config(format!(
                    "secret id `{}` is given twice",
                    c.secret_id
                )));
            }
        }
        let mut seen_targets = std::collections::HashSet::new();
        let model = Model::builtin();
        for (kind, fixtures) in [("proxy", &self.proxies), ("group", &self.groups)] {
            let statuses: Vec<&str> = model.resources[kind]
                .status
                .iter()
                .flat_map(|s| &s.values)
                .filter_map(serde_json::Value::as_str)
                .collect();
            for f in fixtures {
                if f.id.is_empty() {
                    return Err(Error::Config(format!("a {kind} has an empty id")));
                }
                if !seen_targets.insert(f.id.as_str()) {
                    return Err(Error::Config(format!("id `{}` is given twice", f.id)));
                }
                if !statuses.contains(&f.status.as_str()) {
                    return Err(Error::Config(format!(
                        "{kind} `{}`: status `{}` is not one of {}",
                        f.id,
                        f.status,
                        statuses.join(", ")
                    )));
                }
            }
        }
        if self.max_connections == 0 {
            return Err(Error::Config(
                "max_connections: 0 would serve no connection at all".into(),
            ));
        }
        if self.read_timeout.is_zero() {
            return Err(Error::Config(
                "read_timeout: 0 would close every connection before its first byte".into(),
            ));
        }
        if self.throttling == Throttling::PerSecond(0) {
            return Err(Error::Config(
                "throttling: 0 requests per second would refuse everything; use \"off\" for no limit"
                    .into(),
            ));
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default = "yes")]
    builtin: bool,
    #[serde(default)]
    credentials: Vec<FileCredential>,
    #[serde(default)]
    proxies: Vec<FileFixture>,
    #[serde(default)]
    groups: Vec<FileFixture>,
    #[serde(default)]
    throttling: Option<FileThrottling>,
    #[serde(default)]
    transition_seconds: Option<f64>,
    #[serde(default)]
    state: Option<serde_json::Value>,
    #[serde(default)]
    listen: Option<SocketAddr>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCredential {
    secret_id: String,
    secret_key: String,
    #[serde(default)]
    token: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFixture {
    id: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    listener_quota: Option<u32>,
    #[serde(default)]
    reserved_ports: Vec<u16>,
}

impl FileFixture {
    fn into_fixture(self) -> Fixture {
        Fixture {
            id: self.id,
            status: self.status.unwrap_or_else(|| "RUNNING".into()),
            listener_quota: self.listener_quota.unwrap_or(DEFAULT_LISTENER_QUOTA),
            reserved_ports: self.reserved_ports,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FileThrottling {
    Name(String),
    PerSecond(u32),
}

impl FileThrottling {
    fn into_throttling(self) -> Result<Throttling, Error> {
        match self {
            FileThrottling::PerSecond(n) => Ok(Throttling::PerSecond(n)),
            FileThrottling::Name(name) => parse_throttling(&name),
        }
    }
}

/// A number of seconds as a transition time (the binary's `--transition-time`).
pub fn transition_time(seconds: f64) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        Error::Config(format!(
            "transition time {seconds}: expected a number of seconds, 0 or more"
        ))
    })
}

/// Reads `documented`, `off` or a number of requests per second (the binary's `--throttle`).
pub fn parse_throttling(text: &str) -> Result<Throttling, Error> {
    match text {
        "documented" => Ok(Throttling::Documented),
        "off" => Ok(Throttling::Off),
        n => n.parse().map(Throttling::PerSecond).map_err(|_| {
            Error::Config(format!(
                "throttling `{text}`: expected \"documented\", \"off\" or a number of requests per second"
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_config_is_valid_and_accepts_the_example_key() {
        let config = Config::builtin();
        config.check().unwrap();
        assert_eq!(config.credentials, [Credential::example()]);
        assert!(
            config
                .proxies
                .iter()
                .any(|p| p.id == "link-bjkpdum1" && p.status == "RUNNING")
        );
        assert!(config.proxies.iter().any(|p| p.status != "RUNNING"));
        assert!(config.groups.iter().any(|g| g.status == "RUNNING"));
        assert!(config.groups.iter().any(|g| g.status != "RUNNING"));
    }

    #[test]
    fn a_file_adds_to_and_replaces_builtin_entries() {
        let config = Config::from_json(
            r#"{
                "credentials": [{"secret_id": "AKIDother", "secret_key": "k", "token": "t"}],
                "proxies": [
                    {"id": "link-bjkpdum1", "status": "CLOSED"},
                    {"id": "link-new", "listener_quota": 2, "reserved_ports": [22]}
                ],
                "throttling": 50,
                "listen": "127.0.0.1:9999"
            }"#,
        )
        .unwrap();
        assert_eq!(config.credentials.len(), 2);
        let seed = config
            .proxies
            .iter()
            .find(|p| p.id == "link-bjkpdum1")
            .unwrap();
        assert_eq!(seed.status, "CLOSED");
        let new = config.proxies.iter().find(|p| p.id == "link-new").unwrap();
        assert_eq!((new.status.as_str(), new.listener_quota), ("RUNNING", 2));
        assert_eq!(new.reserved_ports, [22]);
        assert_eq!(config.throttling, Throttling::PerSecond(50));
        assert_eq!(config.listen.port(), 9999);
    }

    #[test]
    fn a_file_can_start_from_nothing() {
        let config = Config::from_json(r#"{"builtin": false, "throttling": "off"}"#).unwrap();
        assert!(config.credentials.is_empty() && config.proxies.is_empty());
        assert_eq!(config.throttling, Throttling::Off);
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        for (text, expected) in [
            (
                r#"{"proxies": [{"id": "p", "status": "RUN"}]}"#,
                "status `RUN`",
            ),
            (r#"{"credentails": []}"#, "unknown field"),
            (r#"{"throttling": "fast"}"#, "throttling `fast`"),
            (r#"{"throttling": 0}"#, "0 requests per second"),
            (
                r#"{"credentials": [{"secret_id": "", "secret_key": "k"}]}"#,
                "must not be empty",
            ),
            ("{", "EOF"),
        ] {
            let err = Config::from_json(text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn ids_are_unique_across_proxies_and_groups() {
        let mut config = Config::builtin();
        config.groups.push(Fixture::running("link-bjkpdum1"));
        let err = config.check().unwrap_err().to_string();
        assert!(err.contains("`link-bjkpdum1` is given twice"), "{err}");
        // The with_* methods replace instead.
        let config = Config::builtin().with_group(Fixture::running("link-bjkpdum1"));
        config.check().unwrap();
        assert!(!config.proxies.iter().any(|p| p.id == "link-bjkpdum1"));
    }

    #[test]
    fn debug_of_a_config_shows_no_key_of_its_state_or_credentials() {
        let state = serde_json::json!({"format": 1, "resources": [
            {"kind": "certificate", "id": "cert-1", "fields": {
                "CertificateKey": "-----BEGIN PRIVATE KEY-----\nsEcReTkEy\n-----END PRIVATE KEY-----"
            }}
        ]});
        let config = Config::builtin()
            .with_credential(Credential::new("AKIDother", "other-secret").with_token("tok-secret"))
            .with_state(state);
        let shown = format!("{config:?}");
        for secret in [
            "sEcReTkEy",
            "other-secret",
            "tok-secret",
            EXAMPLE_SECRET_KEY,
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("<1 resources>"), "{shown}");
        assert!(
            shown.contains("AKIDother") && shown.contains("link-bjkpdum1"),
            "{shown}"
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let shown = format!("{:?}", Credential::example().with_token("tok-secret"));
        assert!(
            !shown.contains(EXAMPLE_SECRET_KEY) && !shown.contains("tok-secret"),
            "{shown}"
        );
        assert!(shown.contains(EXAMPLE_SECRET_ID));
    }
}
