//! A local Tencent Cloud GAAP endpoint, for tests, examples and benchmarks of the SDK.
//!
//! It speaks the protocol as the real endpoint does (TC3-HMAC-SHA256 and legacy
//! HmacSHA1/HmacSHA256 signatures; POST with a JSON body, GET with flattened parameters, POST
//! with a form body; the `{"Response": {...}}` envelope), keeps state with the documented
//! semantics of `CreateTCPListeners`, `DescribeTCPListeners` and `DeleteListeners`, enforces
//! the documented rate limits, and fails on demand the way networks fail ([`Fault`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), gaap_emulator::Error> {
//! use gaap_emulator::{Emulator, EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY};
//!
//! let emulator = Emulator::start().await?;
//! let endpoint = emulator.endpoint(); // "http://127.0.0.1:PORT"
//! // Point a client at `endpoint`, sign with the example key pair, create listeners on
//! // `link-bjkpdum1`... then look at what happened:
//! assert_eq!(emulator.listeners_on("link-bjkpdum1").len(), 0);
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # What a request goes through
//!
//! In this order, the first failure being the answer:
//! 1. the method (`UnsupportedProtocol` unless GET or POST), the body size
//!    (`RequestSizeLimitExceeded` beyond 10 MB for TC3, 1 MB for the legacy methods) and the
//!    number of parameters of a query or form (`RequestSizeLimitExceeded` beyond
//!    [`MAX_PARAMETERS`]);
//! 2. the action (`MissingParameter`, `InvalidAction`) and the version (`MissingParameter`,
//!    `NoSuchVersion`);
//! 3. the timestamp (`MissingParameter`, `InvalidParameter`, `AuthFailure.SignatureExpire` more
//!    than five minutes away from the emulator's [`Clock`]);
//! 4. the signature: a malformed `Authorization` header is `AuthFailure.InvalidAuthorization`, an
//!    unknown secret id `AuthFailure.SecretIdNotFound`, a wrong signature
//!    `AuthFailure.SignatureFailure`, a missing, unexpected or wrong session token
//!    `AuthFailure.TokenFailure`. A TC3 signature is checked over the headers its
//!    `SignedHeaders` names, which must include `content-type` and `host`: the official SDKs'
//!    `content-type;host`, or more (`content-type;host;x-tc-action`, as this SDK signs by
//!    default; then a request whose `X-TC-Action` was changed after signing fails);
//! 5. the rate limit of the action for the secret id (`RequestLimitExceeded`, see [`Throttling`]);
//! 6. the parameters, read strictly into the SDK's generated request type: `UnknownParameter`,
//!    `MissingParameter`, `InvalidParameter` (wrong type, malformed flattened key, both of
//!    `ProxyId` and `GroupId`), `InvalidParameterValue` (undocumented enum value, and every
//!    violation of a documented constraint, named by parameter path and rule);
//! 7. the action itself. Every action of the SDK is known and goes through all of the above;
//!    the three listener actions are carried out, the others answer `UnsupportedOperation`.
//!
//! An injected [`Fault`] comes before all of these: the rule is picked as soon as the body is
//! read, by the action name when the request has one.
//!
//! # Design
//!
//! The emulator depends on the root crate `gaap` for the generated request and response types
//! (so it reads requests exactly as the specs say, and every spec added to the SDK is known to
//! it) and on `gaap_runtime::signing` to recompute signatures. Its public API has no `gaap`
//! type: the SDK's own tests depend on the emulator, and would see a second copy of those types.

mod actions;
mod clock;
mod config;
mod error;
mod fault;
mod protocol;
mod server;
mod state;
mod throttle;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use clock::{Clock, ManualClock};
pub use config::{
    BUILTIN_RESERVED_PORT, Config, Credential, DEFAULT_LISTENER_QUOTA, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_READ_TIMEOUT, EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, Fixture, GROUP_STATUSES,
    PROXY_STATUSES, Throttling, parse_throttling,
};
pub use fault::{Fault, FaultRule, Faults};
pub use protocol::{MAX_CLOCK_SKEW_SECONDS, MAX_PARAMETERS, MAX_SIGNED_HEADERS};
#[doc(hidden)]
pub use server::{OfflineAnswer, OfflineEmulator};
pub use state::{Listener, TargetKind};

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The config file could not be read.
    #[error("cannot read the config file {path}: {source}")]
    ReadConfig {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The config is not valid.
    #[error("invalid config: {0}")]
    Config(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A running emulator. Dropping it stops it (and closes its connections); so does
/// [`shutdown`](Emulator::shutdown), which also waits for the accept loop to end.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts the out-of-the-box emulator ([`Config::builtin`]) on a free port of 127.0.0.1, in
    /// the current tokio runtime.
    pub async fn start() -> Result<Self, Error> {
        Emulator::start_with(Config::builtin()).await
    }

    /// Starts an emulator with `config`, in the current tokio runtime.
    pub async fn start_with(config: Config) -> Result<Self, Error> {
        config.check()?;
        server::check_exposure(&config)?;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| Error::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: config.listen,
            source,
        })?;
        let shared = Arc::new(server::Shared::new(&config));
        let (shutdown, stop) = watch::channel(false);
        let task = tokio::spawn(server::serve(
            listener,
            shared.clone(),
            config.max_connections,
            stop,
        ));
        Ok(Emulator {
            addr,
            shared,
            shutdown,
            task: Some(task),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{addr}`: the endpoint to give a client.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The faults waiting to happen: push some to make the next requests fail.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// The clock it reads (a clone of [`Config::clock`]).
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// How many listeners exist, on every proxy and group.
    pub fn listener_count(&self) -> usize {
        self.state().listener_count()
    }

    /// The listeners of a proxy or group, in creation order; empty for an unknown id.
    pub fn listeners_on(&self, proxy_or_group_id: &str) -> Vec<Listener> {
        self.state().listeners_on(proxy_or_group_id)
    }

    /// One listener, by id.
    pub fn listener(&self, listener_id: &str) -> Option<Listener> {
        self.state().listener(listener_id).cloned()
    }

    /// The status of a proxy or group (`RUNNING`...), `None` for an unknown id.
    pub fn status(&self, proxy_or_group_id: &str) -> Option<String> {
        self.state().status(proxy_or_group_id).map(str::to_owned)
    }

    /// Changes the status of a proxy or group (any text; only `RUNNING` accepts listeners).
    /// Returns whether the id exists.
    pub fn set_status(&self, proxy_or_group_id: &str, status: &str) -> bool {
        self.shared
            .state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .set_status(proxy_or_group_id, status)
    }

    /// How many requests named `action` (`X-TC-Action` or `Action`) it has received, whatever
    /// their outcome, faults included; 0 for an action the SDK does not have.
    pub fn request_count(&self, action: &str) -> u64 {
        self.shared.actions.get(action).map_or(0, |info| {
            info.requests.load(std::sync::atomic::Ordering::Relaxed)
        })
    }

    /// Stops accepting, closes every connection, and waits for the accept loop to end.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    fn state(&self) -> std::sync::RwLockReadGuard<'_, state::State> {
        actions::read_lock(&self.shared.state)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
