//! A local Tencent Cloud GAAP endpoint, for tests, examples and benchmarks of the SDK.
//!
//! It speaks the protocol as the real endpoint does (TC3-HMAC-SHA256 and legacy
//! HmacSHA1/HmacSHA256 signatures; POST with a JSON body, GET with flattened parameters, POST
//! with a form body; the `{"Response": {...}}` envelope), carries out all 102 actions on an
//! account it keeps, from a resource model (`MODEL.md`: data executed by one engine), moves
//! resources through their documented states on its [`Clock`], exports and loads the account
//! as JSON (`STATE.md`), enforces the documented rate limits, and fails on demand the way
//! networks fail ([`Fault`]).
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
//! 7. the action itself, as the model binds it (`COVERAGE.md` lists what each does), its
//!    errors chosen among the action's documented codes: a resource missing or in the wrong
//!    state, a duplicate, a quota (the parent's, the account's, and at most
//!    [`MAX_CREATED_PER_REQUEST`] resources made by one request), something still in use; a
//!    repeated `ClientToken` gets its first answer without being carried out again.
//!
//! Every answer of step 6 and 7 is counted per action and code ([`Emulator::answers`]).
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
mod answers;
mod clock;
mod config;
mod custom;
mod engine;
mod error;
mod fault;
#[doc(hidden)]
pub mod introspection;
mod model;
#[cfg(test)]
mod model_check;
mod protocol;
mod server;
mod state;
mod statistics;
mod throttle;
mod values;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use answers::{Answered, RECORD_ANSWERS_TO};
pub use clock::{Clock, ManualClock};
pub use config::{
    AnswerCheck, BUILTIN_RESERVED_PORT, Config, Credential, DEFAULT_LISTENER_QUOTA,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_READ_TIMEOUT, DEFAULT_TRANSITION_TIME, EXAMPLE_SECRET_ID,
    EXAMPLE_SECRET_KEY, Fixture, MAX_CREATED_PER_REQUEST, Throttling, parse_throttling,
    transition_time,
};
pub use error::Error;
pub use fault::{Fault, FaultRule, Faults};
pub use protocol::{MAX_CLOCK_SKEW_SECONDS, MAX_PARAMETERS, MAX_SIGNED_HEADERS};
#[doc(hidden)]
pub use server::{OfflineAnswer, OfflineEmulator};
pub use state::{Listener, MAX_CLIENT_TOKENS, TargetKind};

/// A running emulator. Dropping it stops it (and closes its connections); so does
/// [`shutdown`](Emulator::shutdown), which also waits for the accept loop to end.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    recorder: Option<answers::Recorder>,
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
        let shared = Arc::new(server::Shared::new(&config)?);
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
            recorder: answers::Recorder::from_env(),
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
        self.state().listener(listener_id)
    }

    /// Every resource of a kind of the model (`proxy`, `group`, `tcp_listener`, `rule`,
    /// `certificate`, ...: see `MODEL.md`), in creation order, each as
    /// `{"kind", "id", "parent", "fields", "pending"}` (the format of an exported state's
    /// resources).
    pub fn resources(&self, kind: &str) -> Vec<serde_json::Value> {
        let state = self.settled();
        state
            .all_of(kind)
            .filter_map(|r| serde_json::to_value(r).ok())
            .collect()
    }

    /// One resource by id, as [`resources`](Emulator::resources) shows it.
    pub fn resource(&self, id: &str) -> Option<serde_json::Value> {
        let state = self.settled();
        state.get(id).and_then(|r| serde_json::to_value(r).ok())
    }

    /// The whole account as JSON (the format is in `STATE.md`): load it with
    /// [`load_state`](Emulator::load_state), [`Config::with_state`] or the binary's `--state`.
    pub fn export_state(&self) -> serde_json::Value {
        self.settled().export()
    }

    /// Replaces the whole account with a saved one; on error (the message names what is wrong)
    /// nothing changes.
    pub fn load_state(&self, state: &serde_json::Value) -> Result<(), Error> {
        state::write_lock(&self.shared.state)
            .load(state)
            .map_err(|err| Error::Config(format!("state: {err}")))
    }

    /// Moves the emulator's clock forward, when it is a [`ManualClock`]; `false` (and nothing
    /// moves) on the system clock. Transitions due by then settle at the next request.
    pub fn advance(&self, by: std::time::Duration) -> bool {
        match self.shared.clock.as_manual() {
            Some(manual) => {
                manual.advance(by);
                true
            }
            None => false,
        }
    }

    /// The status of a resource (a proxy's or group's `Status`, a listener's `ListenerStatus`,
    /// ...), as text, `None` for an unknown id.
    pub fn status(&self, proxy_or_group_id: &str) -> Option<String> {
        let state = self.settled();
        let r = state.get(proxy_or_group_id)?;
        let field = &state.model.resources[&r.kind].status.as_ref()?.field;
        r.fields.get(field).map(values::as_text)
    }

    /// Changes the status of a proxy or group (any text; only `RUNNING` accepts listeners), at
    /// once and for good (no transition follows). Returns whether the id exists.
    pub fn set_status(&self, proxy_or_group_id: &str, status: &str) -> bool {
        state::write_lock(&self.shared.state).set_status_now(proxy_or_group_id, status)
    }

    /// How many requests named `action` (`X-TC-Action` or `Action`) it has received, whatever
    /// their outcome, faults included; 0 for an action the SDK does not have.
    pub fn request_count(&self, action: &str) -> u64 {
        self.shared.actions.get(action).map_or(0, |info| {
            info.requests.load(std::sync::atomic::Ordering::Relaxed)
        })
    }

    /// How it answered each action so far (successes, and each code of the action's own error
    /// answers), by action: what a test can assert about the behaviour it caused. With
    /// `GAAP_EMULATOR_ANSWERS` set to a directory, the emulator also writes them there when it
    /// stops, for `COVERAGE.md` ([`RECORD_ANSWERS_TO`]).
    pub fn answers(&self) -> Vec<Answered> {
        answers::collect(&self.shared.actions)
    }

    /// Stops accepting, closes every connection, and waits for the accept loop to end.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    fn state(&self) -> std::sync::RwLockReadGuard<'_, state::State> {
        self.settled()
    }

    /// The state with the transitions due by now settled.
    fn settled(&self) -> std::sync::RwLockReadGuard<'_, state::State> {
        let now = self.shared.clock.now_unix_nanos();
        if state::read_lock(&self.shared.state).has_due(now) {
            state::write_lock(&self.shared.state).settle(now);
        }
        state::read_lock(&self.shared.state)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(recorder) = &self.recorder {
            recorder.write(&self.answers());
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
