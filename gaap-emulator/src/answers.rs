//! How the emulator answered each action ([`Answered`], from
//! [`Emulator::answers`](crate::Emulator::answers)), and the record of it that the coverage
//! table is made from: when the environment variable `GAAP_EMULATOR_ANSWERS` names a directory,
//! every emulator writes there, as it stops, its answers and the name of the test that started
//! it (libtest names each test's thread after the test).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::actions::ActionInfo;

/// The environment variable naming the directory answers are recorded in.
pub const RECORD_ANSWERS_TO: &str = "GAAP_EMULATOR_ANSWERS";

/// How many times the emulator answered an action with success or with one code. Counted are
/// the answers of the action itself: successes and the codes of decoding, validation and the
/// model's state errors; not the protocol's (signature, throttling) nor injected faults, which
/// keep the action from running.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Answered {
    /// `CreateProxy`.
    pub action: String,
    /// `None` for success, else the error code (`FailedOperation.RealServerAlreadyBound`).
    pub code: Option<String>,
    pub count: u64,
}

/// Every answer so far, by action then code (success first).
pub(crate) fn collect(actions: &HashMap<&'static str, ActionInfo>) -> Vec<Answered> {
    let mut out: Vec<Answered> = actions
        .iter()
        .flat_map(|(action, info)| {
            info.answers().into_iter().map(|(code, count)| Answered {
                action: (*action).to_owned(),
                code: code.map(str::to_owned),
                count,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.action, &a.code).cmp(&(&b.action, &b.code)));
    out
}

/// Where an emulator records its answers, and for which test.
pub(crate) struct Recorder {
    dir: PathBuf,
    test: String,
}

#[derive(Serialize)]
struct Record<'a> {
    test: &'a str,
    answers: &'a [Answered],
}

impl Recorder {
    /// When `GAAP_EMULATOR_ANSWERS` is set: the test being run, named
    /// `<package>::<test binary>::<test>` (`gaap::e2e::proxies::a_proxy_runs…`).
    pub fn from_env() -> Option<Self> {
        let dir = PathBuf::from(std::env::var_os(RECORD_ANSWERS_TO)?);
        let package = std::env::var("CARGO_PKG_NAME").unwrap_or_default();
        let binary = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_default();
        // Cargo names test binaries `<target>-<16 hex digits>`.
        let binary = match binary.rsplit_once('-') {
            Some((name, hash))
                if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                name.to_owned()
            }
            _ => binary,
        };
        let thread = std::thread::current();
        let test = thread.name().unwrap_or("?");
        Some(Recorder {
            dir,
            test: format!("{package}::{binary}::{test}"),
        })
    }

    /// Writes the answers to a file of their own in the directory; a failure is logged, never
    /// raised (the emulator is stopping).
    pub fn write(&self, answers: &[Answered]) {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        if answers.is_empty() {
            return;
        }
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.join(format!("{}-{n}.json", std::process::id()));
        let record = Record {
            test: &self.test,
            answers,
        };
        let written = std::fs::create_dir_all(&self.dir).and_then(|()| {
            let text = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
            std::fs::write(&path, text)
        });
        if let Err(err) = written {
            tracing::warn!(path = %path.display(), %err, "the answers could not be recorded");
        }
    }
}
