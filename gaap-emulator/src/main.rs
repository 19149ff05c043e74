//! `gaap-emulator`: a local Tencent Cloud GAAP endpoint.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use gaap_emulator::{Config, EXAMPLE_SECRET_ID, Emulator, parse_throttling};

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
            "gaap-emulator listening; Ctrl-C stops it"
        );
        tokio::signal::ctrl_c().await?;
        tracing::info!("stopping");
        emulator.shutdown().await;
        Ok(())
    })
}
