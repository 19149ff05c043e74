//! Running the built `gaap` binary in a clean environment: its own empty home directory, none
//! of the machine's Tencent Cloud variables.

#![allow(dead_code, reason = "each test file uses part of it")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary home directory, removed when dropped.
pub struct Home(pub PathBuf);

impl Home {
    pub fn new(name: &str) -> Home {
        let dir = std::env::temp_dir().join(format!("gaap-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Home(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The variables the command reads; cleared so that the machine's own never leak into a test.
const VARIABLES: &[&str] = &[
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_SESSION_TOKEN",
    "TENCENTCLOUD_TOKEN",
    "TENCENTCLOUD_REGION",
    "TENCENTCLOUD_CREDENTIALS_FILE",
    "TCCLI_PROFILE",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// `gaap args...` with `home` as its home directory and `env` set.
pub fn gaap(home: &Home, args: &[&str], env: &[(&str, &str)]) -> Output {
    command(home, args, env)
        .output()
        .expect("the gaap binary runs")
}

/// The command `gaap args...` with `home` as its home directory and `env` set, not started.
pub fn command(home: &Home, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gaap"));
    command.args(args).env("HOME", home.path());
    for name in VARIABLES {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 output")
}

/// The exit code.
pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exited, not killed")
}

/// The seed example's parameters as a command line (CreateTCPListeners documentation, example 1).
pub const SEED: &[&str] = &[
    "CreateTCPListeners",
    "--ProxyId",
    "link-bjkpdum1",
    "--ListenerName",
    "test1",
    "--RealServerType",
    "IP",
    "--Scheduler",
    "rr",
    "--DelayLoop",
    "20",
    "--ConnectTimeout",
    "20",
    "--HealthCheck",
    "1",
    "--Ports",
    "[90]",
];
