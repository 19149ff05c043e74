//! `gaap-emulator`: a local Tencent Cloud GAAP endpoint.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use gaap_emulator::{Config, EXAMPLE_SECRET_ID, Emulator, parse_throttling, transition_time};

/// A local Tencent Cloud GAAP endpoint: checks signatures (TC3 and legacy), keeps proxies, groups
/// and listeners, enforces the documented rate limits.
///
/// Out of the box it accepts the documentation's example key pair (on a loopback address only,
/// unless --allow-example-key-off-loopback) and has the proxy link-bjkpdum1 (running), other
/// running and not running proxies and groups; --config adds keys and fixtures (JSON; the format
/// is in gaap-emulator/README.md).
#[derive(Parser, Debug)]
#[command(name = "gaap-emulator", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port. [default: 127.0.0.1:0, or the config's]
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,

    /// JSON file of credentials, proxies, groups and throttling.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Rate limiting: "documented" (each action's documented limit), "off", or requests per
    /// second for every action. Overrides the config file.
    #[arg(long, value_name = "MODE")]
    throttle: Option<String>,

    /// Seconds each timed transition takes (CREATING → RUNNING, listener status 1 → 0, ...);
    /// 0 settles them at once. [default: 3, or the config's]
    #[arg(long, value_name = "SECONDS")]
    transition_time: Option<f64>,

    /// Keep the account in this JSON file: loaded at start when it exists, written back when
    /// the emulator stops (Ctrl-C, SIGINT or SIGTERM), readable by its owner only: it holds the
    /// certificate keys the account was given. The format is in gaap-emulator/STATE.md.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,

    /// How many connections are served at once; more wait until one closes. [default: 512]
    #[arg(long, value_name = "N")]
    max_connections: Option<usize>,

    /// Milliseconds a client may take to send a request's headers, then its body, before its
    /// connection is closed. [default: 10000]
    #[arg(long, value_name = "MS")]
    read_timeout_ms: Option<u64>,

    /// Accept the documentation's example key pair even when listening on an address other
    /// machines can reach (anyone can sign with it): refused without this flag.
    #[arg(long)]
    allow_example_key_off_loopback: bool,

    /// Log every request (action, code, request id; never keys or bodies).
    #[arg(short, long)]
    verbose: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_max_level(if args.verbose {
            tracing::Level::DEBUG
        } else {
            tracing::Level::INFO
        })
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gaap-emulator: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None => Config::builtin(),
    };
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if let Some(throttle) = &args.throttle {
        config.throttling = parse_throttling(throttle)?;
    }
    if let Some(seconds) = args.transition_time {
        config.transition_time = transition_time(seconds)?;
    }
    if let Some(path) = &args.state {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let saved = serde_json::from_str(&text)
                    .map_err(|err| format!("{}: {err}", path.display()))?;
                config.state = Some(saved);
            }
            // A new file: start from the fixtures, and write it at the end.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(format!("{}: {err}", path.display()).into()),
        }
    }
    if let Some(max_connections) = args.max_connections {
        config.max_connections = max_connections;
    }
    if let Some(read_timeout_ms) = args.read_timeout_ms {
        config.read_timeout = std::time::Duration::from_millis(read_timeout_ms);
    }
    if args.allow_example_key_off_loopback {
        config.allow_example_key_off_loopback = true;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        // Listening for the stop signals before the endpoint is printed: a signal that comes
        // as soon as the emulator answers still saves the state.
        let mut stop = StopSignals::new()?;
        let secret_ids: Vec<String> = config
            .credentials
            .iter()
            .map(|c| c.secret_id.clone())
            .collect();
        let (proxies, groups) = (config.proxies.len(), config.groups.len());
        let throttling = config.throttling;
        let emulator = Emulator::start_with(config).await?;
        // The address on stdout, alone, for scripts; the rest goes to the log on stderr.
        println!("{}", emulator.endpoint());
        tracing::info!(
            endpoint = %emulator.endpoint(),
            ?secret_ids,
            example_key = secret_ids.iter().any(|id| id == EXAMPLE_SECRET_ID),
            proxies,
            groups,
            ?throttling,
            "gaap-emulator listening; Ctrl-C (SIGINT) or SIGTERM stops it"
        );
        let signal = stop.recv().await;
        tracing::info!(signal, "stopping");
        if let Some(path) = &args.state {
            save_state(path, &emulator.export_state())?;
            tracing::info!(path = %path.display(), "state saved");
        }
        emulator.shutdown().await;
        Ok(())
    })
}

/// The signals that stop the binary: SIGINT (Ctrl-C) and SIGTERM (`kill`, `docker stop`,
/// systemd), each registered when this is made.
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    /// Waits for one; its name.
    async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => "SIGINT",
                _ = self.terminate.recv() => "SIGTERM",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

/// Writes the state to a new file next to `path` (readable and writable by its owner only: the
/// state holds certificate private keys), then renames it over `path`, so a crash mid-write
/// never leaves half a file and the keys are never readable by others, even for a moment.
fn save_state(
    path: &std::path::Path,
    state: &serde_json::Value,
) -> Result<(), Box<dyn std::error::Error>> {
    use std::io::Write;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    // A leftover of an interrupted save would keep its own permissions: start afresh.
    match std::fs::remove_file(&temporary) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err.into()),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary)?;
    file.write_all(&serde_json::to_vec_pretty(state)?)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, path)?;
    Ok(())
}
