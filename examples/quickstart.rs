//! Quickstart: create TCP listeners on a GAAP proxy with the typed client.
//!
//! ```text
//! cargo run --example quickstart                              # a local emulator: no account needed
//! cargo run --example quickstart -- --real <proxy-id> [port]  # your account, for real
//! ```
//!
//! Without arguments the example starts the GAAP emulator in this process (it checks signatures,
//! keeps listeners and answers errors the way gaap.tencentcloudapi.com does) and nothing leaves
//! the machine. `--real` talks to gaap.tencentcloudapi.com with your credentials (the
//! `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY` environment variables, the
//! `~/.tencentcloud/credentials` profile, or the CVM instance role): it creates two listeners on
//! the proxy you name and deletes them at the end.
//!
//! Against the emulator the example first creates a proxy and waits until it runs (a generated
//! waiter, `describe_proxies::PROXY_RUNNING`); against your account it waits for the proxy you
//! name (once: it runs already). Then the walkthrough is the same against both:
//! 1. build a request and look at exactly what will be sent (a dry run: signed, not sent);
//! 2. create the listeners;
//! 3. create one of them again: the API refuses, and the error is a typed enum variant;
//! 4. send a request that breaks documented rules: the client refuses it, nothing is sent;
//! 5. list the proxy's listeners with a paginator (every page, at the largest page size);
//! 6. wait until the listeners of step 2 run (a new listener is "creating" for a few seconds,
//!    and cannot be deleted before: another waiter), then delete them.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler};
use gaap::{
    Client, CreateProxyRequest, CreateTcpListenersError, CreateTcpListenersRequest,
    DeleteListenersRequest, DescribeProxiesRequest, DescribeTcpListenersRequest, Error, Language,
    ProvideCredentials, SignedRequest, StaticProvider, describe_proxies, describe_tcp_listeners,
};

/// Any error of the example: the SDK's errors all implement `std::error::Error`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long the emulator's proxies and listeners take to run (the real API takes seconds for a
/// listener, minutes for a proxy): short, so that the example's waits are short.
pub const EMULATOR_TRANSITION: std::time::Duration = std::time::Duration::from_secs(1);
/// The seed example's port.
pub const DEFAULT_PORT: u64 = 90;

pub const USAGE: &str = "\
usage: cargo run --example quickstart                              (local emulator)
       cargo run --example quickstart -- --real <proxy-id> [port]  (gaap.tencentcloudapi.com)";

/// Where the walkthrough runs.
#[derive(Debug, PartialEq, Eq)]
pub enum Mode {
    /// A local emulator, started in this process.
    Emulator,
    /// The real endpoint: listeners `port` and `port + 1` on `proxy_id`, created then deleted.
    Real { proxy_id: String, port: u64 },
    /// `--help`.
    Help,
}

/// Reads the command line. The real endpoint is used only when asked for with `--real` *and* a
/// proxy id: a stray argument must never send requests to an account by accident.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Mode, String> {
    let args: Vec<String> = args.into_iter().collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => Ok(Mode::Emulator),
        ["-h" | "--help"] => Ok(Mode::Help),
        ["--real"] => Err(concat!(
            "--real needs the id of one of your proxies (link-...): ",
            "the walkthrough creates two listeners on it, then deletes them"
        )
        .to_owned()),
        ["--real", proxy_id] if !proxy_id.starts_with('-') => Ok(Mode::Real {
            proxy_id: (*proxy_id).to_owned(),
            port: DEFAULT_PORT,
        }),
        ["--real", proxy_id, port] if !proxy_id.starts_with('-') => {
            // The walkthrough uses `port` and `port + 1`.
            let port = port
                .parse()
                .ok()
                .filter(|p| (1..65535).contains(p))
                .ok_or_else(|| format!("`{port}` is not a port (1 to 65534)"))?;
            Ok(Mode::Real {
                proxy_id: (*proxy_id).to_owned(),
                port,
            })
        }
        [first, ..] if !first.starts_with('-') => Err(format!(
            "`{first}`: to use the real endpoint, say so with `--real {first}`"
        )),
        _ => Err(format!("unexpected arguments: {}", args.join(" "))),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let mode = match parse_args(std::env::args().skip(1)) {
        Ok(mode) => mode,
        Err(message) => {
            eprintln!("{message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let outcome = match mode {
        Mode::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Mode::Emulator => on_emulator().await,
        Mode::Real { proxy_id, port } => on_real_endpoint(&proxy_id, port).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The SDK's error messages say what happened and what to do; they never hold a
            // secret key or token.
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn on_emulator() -> Result<(), BoxError> {
    let config = gaap_emulator::Config::builtin().with_transition_time(EMULATOR_TRANSITION);
    let emulator = gaap_emulator::Emulator::start_with(config).await?;
    let mut out = std::io::stdout();
    writeln!(
        out,
        "GAAP quickstart against a local emulator at {} (nothing leaves this machine).\n",
        emulator.endpoint()
    )?;
    let client = emulator_client(&emulator.endpoint())?;
    emulator_walkthrough(&client, &mut out).await?;
    writeln!(
        out,
        "\nNext: `cargo run --example quickstart -- --real <proxy-id>` does the same on your account."
    )?;
    Ok(())
}

/// A client of the emulator at `endpoint`.
pub fn emulator_client(endpoint: &str) -> Result<Client, BoxError> {
    let client = Client::builder()
        // The emulator accepts the key pair of Tencent Cloud's documentation examples.
        .credentials(StaticProvider::new(
            gaap_emulator::EXAMPLE_SECRET_ID,
            gaap_emulator::EXAMPLE_SECRET_KEY,
        ))
        // Instead of each action's documented host (https://gaap.tencentcloudapi.com).
        .endpoint(endpoint)
        // An HTTP(S)_PROXY in the environment must not capture calls to 127.0.0.1.
        .no_proxy()
        // Server messages in English rather than the default Chinese.
        .language(Language::EnUs)
        .build()?;
    Ok(client)
}

async fn on_real_endpoint(proxy_id: &str, port: u64) -> Result<(), BoxError> {
    // The default chain: environment, profile file, CVM instance role. Asked once up front so
    // that missing credentials stop the example before it does anything, with a clear message.
    let credentials = Arc::new(gaap::default_provider());
    if let Err(error) = credentials.provide().await {
        return Err(format!(
            "--real needs credentials, and none were found ({error}). Set \
             TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or write \
             ~/.tencentcloud/credentials; or run without --real to use the local emulator"
        )
        .into());
    }
    let client = Client::builder()
        // The cache behind `default_provider` keeps the credentials just read (and refreshes
        // temporary ones before they expire).
        .credentials_provider(credentials)
        .language(Language::EnUs)
        // Keeps this client under each action's documented rate limit (20/s for
        // CreateTCPListeners) instead of being throttled by the server.
        .rate_limit(true)
        .build()?;
    let mut out = std::io::stdout();
    writeln!(
        out,
        "GAAP quickstart against gaap.tencentcloudapi.com: listeners on ports {port} and {} of \
         {proxy_id}, deleted at the end.\n",
        port + 1
    )?;
    walkthrough(&client, proxy_id, port, &mut out).await
}

/// On the emulator: a new proxy, then the walkthrough on it.
pub async fn emulator_walkthrough(client: &Client, out: &mut impl Write) -> Result<(), BoxError> {
    // The CreateProxy documentation's example: a proxy from Hong Kong to Shanghai.
    let create = CreateProxyRequest::builder()
        .project_id(0)
        .proxy_name("quickstart")
        .access_region("Hongkong")
        .bandwidth(10)
        .concurrent(2)
        .real_server_region("Shanghai")
        .build();
    let proxy_id = client.send(create).await?.instance_id;
    writeln!(
        out,
        "0. Created proxy {proxy_id} (CreateProxy): it is CREATING until GAAP has set it up."
    )?;
    walkthrough(client, &proxy_id, DEFAULT_PORT, out).await
}

/// Waits until the proxy runs: CreateTCPListeners refuses a proxy that does not
/// (`FailedOperation.ProxyStatusNotInRuning`).
async fn wait_for_proxy(
    client: &Client,
    proxy_id: &str,
    out: &mut impl Write,
) -> Result<(), BoxError> {
    let describe = DescribeProxiesRequest::builder()
        .proxy_ids(vec![proxy_id.to_owned()])
        .build();
    // The generated waiter polls DescribeProxies with backoff until every proxy listed is
    // RUNNING; a proxy closing, closed, destroyed or isolated ends the wait with a typed error
    // naming that status, and 20 minutes without either with a timeout.
    let running = client
        .wait(describe_proxies::PROXY_RUNNING, describe)
        .await?;
    writeln!(
        out,
        "   Waited until it runs (describe_proxies::PROXY_RUNNING): {} after {} poll(s), {:.1} s.\n",
        running.observed,
        running.polls,
        running.waited.as_secs_f64()
    )?;
    Ok(())
}

/// The seed example's request (CreateTCPListeners documentation, example 1) on `ports`.
fn create_request(proxy_id: &str, ports: Vec<u64>) -> CreateTcpListenersRequest {
    // The builder's `build()` only exists once every required parameter and one of ProxyId or
    // GroupId are set: forgetting one is a compile error, not a failed call.
    CreateTcpListenersRequest::builder()
        .proxy_id(proxy_id)
        .listener_name("quickstart")
        .real_server_type(RealServerType::Ip)
        .scheduler(Scheduler::RoundRobin)
        .health_check(HealthCheck::Enabled)
        .delay_loop(20)
        // The documentation's example sends 20, which breaks its own rule "ConnectTimeout must be
        // less than DelayLoop": the client would refuse it (see step 4).
        .connect_timeout(10)
        .ports(ports)
        .build()
}

/// Steps 1 to 6 against whatever endpoint `client` talks to, printed to `out`, once the proxy
/// runs.
pub async fn walkthrough(
    client: &Client,
    proxy_id: &str,
    port: u64,
    out: &mut impl Write,
) -> Result<(), BoxError> {
    wait_for_proxy(client, proxy_id, out).await?;
    let ports = vec![port, port + 1];

    // 1. A dry run does everything `send` does before the network (validation, serialization,
    //    signing) and returns the request instead of sending it.
    let signed = client
        .dry_run(create_request(proxy_id, ports.clone()))
        .await?;
    writeln!(
        out,
        "1. The CreateTCPListeners request, signed but not sent (Client::dry_run):"
    )?;
    print_request(&signed, out)?;
    writeln!(
        out,
        "   The secret key signs the request but is never sent: only the signature is.\n"
    )?;

    // 2. The same request, sent. `send` signs afresh (new timestamp), sends, and decodes the
    //    typed response.
    let created = client.send(create_request(proxy_id, ports.clone())).await?;
    writeln!(
        out,
        "2. Created {} listeners on {proxy_id} (request id {}):",
        created.listener_ids.len(),
        created.request_id
    )?;
    for (id, port) in created.listener_ids.iter().zip(&ports) {
        writeln!(out, "     {id}  port {port}")?;
    }
    writeln!(out)?;

    // Steps 3 to 5 run in a block of their own so that the listeners are deleted whatever
    // happens in them: on a real account, an example must not leave resources behind.
    let steps = async {
        duplicate_port(client, proxy_id, port, out).await?;
        invalid_request(client, proxy_id, out).await?;
        list_listeners(client, proxy_id, out).await
    }
    .await;

    // 6. A listener is created in status 1 ("creating") and runs (0) a few seconds later; the
    //    API does not delete it before (it lands in InvalidStatusListenerSet). The generated
    //    waiter polls until every listener of the proxy runs, then DeleteListeners takes the
    //    ids CreateTCPListeners returned.
    let listeners = DescribeTcpListenersRequest::builder()
        .proxy_id(proxy_id)
        .build();
    let running = client
        .wait(describe_tcp_listeners::LISTENER_RUNNING, listeners)
        .await?;
    writeln!(
        out,
        "6. Waited until the listeners run (describe_tcp_listeners::LISTENER_RUNNING): {} poll(s), {:.1} s.",
        running.polls,
        running.waited.as_secs_f64()
    )?;
    let delete = DeleteListenersRequest::builder()
        .listener_ids(created.listener_ids.clone())
        // Allowed: delete even if real servers were bound to the listeners meanwhile.
        .force(gaap::delete_listeners::Force::Allowed)
        .proxy_id(proxy_id)
        .build();
    let deleted = client.send(delete).await?;
    writeln!(
        out,
        "   Cleaned up: deleted {}.",
        deleted.operation_succeed_listener_set.join(", ")
    )?;
    steps
}

/// 5. Every listener of the proxy, read page by page: the paginator asks for the largest page
///    the action takes (100 listeners) and stops at the TotalCount the pages report.
async fn list_listeners(
    client: &Client,
    proxy_id: &str,
    out: &mut impl Write,
) -> Result<(), BoxError> {
    let request = DescribeTcpListenersRequest::builder()
        .proxy_id(proxy_id)
        .build();
    let mut listeners = client.paginate(request).items();
    writeln!(
        out,
        "5. The listeners of {proxy_id}, every page (Client::paginate(..).items()):"
    )?;
    while let Some(listener) = listeners.next().await {
        let listener = listener?;
        writeln!(
            out,
            "     {}  port {}  {:?}",
            listener.listener_id, listener.port, listener.listener_status
        )?;
    }
    writeln!(
        out,
        "   {} page(s), {} listener(s) in all.\n",
        listeners.pages().pages(),
        listeners.pages().total().unwrap_or(0)
    )?;
    Ok(())
}

fn print_request(signed: &SignedRequest, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "     {} {}", signed.method, signed.url)?;
    for (name, value) in &signed.headers {
        // A session token (temporary credentials) is a secret: show that it is there, not what
        // it is. The Authorization header only holds the secret id and a signature.
        let value = if name == "x-tc-token" {
            "<redacted>"
        } else {
            value.to_str().unwrap_or("<not text>")
        };
        writeln!(out, "     {name}: {value}")?;
    }
    writeln!(out, "     {}", String::from_utf8_lossy(&signed.body))
}

/// 3. The port is taken now: the API answers with an error code, which the client turns into a
///    variant of the action's error enum, one per documented code.
async fn duplicate_port(
    client: &Client,
    proxy_id: &str,
    port: u64,
    out: &mut impl Write,
) -> Result<(), BoxError> {
    writeln!(
        out,
        "3. Port {port} again: the API refuses, with a typed error."
    )?;
    match client.send(create_request(proxy_id, vec![port])).await {
        Err(Error::Api(
            error @ CreateTcpListenersError::InvalidParameterValueDuplicatedListenerPort(_),
        )) => {
            let meta = error.meta();
            writeln!(
                out,
                "     matched CreateTcpListenersError::InvalidParameterValueDuplicatedListenerPort"
            )?;
            writeln!(out, "     code:        {}", meta.code)?;
            writeln!(out, "     message:     {}", meta.message)?;
            writeln!(out, "     request id:  {}", meta.request_id)?;
            // The documented meaning of the code, from the API reference.
            if let Some(description) = error.description() {
                writeln!(out, "     description: {description}")?;
            }
            writeln!(out)?;
            Ok(())
        }
        Ok(response) => Err(format!(
            "port {port} was expected to be taken, yet {} was created",
            response.listener_ids.join(", ")
        )
        .into()),
        // Anything else (throttling, network...) ends the example with the error's message.
        Err(other) => Err(other.into()),
    }
}

/// 4. What the type system cannot rule out (ranges, rules between parameters) `send` checks
///    before sending, and reports every violation at once.
async fn invalid_request(
    client: &Client,
    proxy_id: &str,
    out: &mut impl Write,
) -> Result<(), BoxError> {
    let request = CreateTcpListenersRequest::builder()
        .proxy_id(proxy_id)
        .listener_name("quickstart")
        // DOMAIN real servers do not support weighted round robin.
        .real_server_type(RealServerType::Domain)
        .scheduler(Scheduler::WeightedRoundRobin)
        .health_check(HealthCheck::Enabled)
        // The documentation example's values: ConnectTimeout must be less than DelayLoop.
        .delay_loop(20)
        .connect_timeout(20)
        // Ports are 1 to 65535.
        .ports([70_000])
        .build();
    match client.send(request).await {
        Err(Error::Validation(errors)) => {
            writeln!(
                out,
                "4. An invalid request, refused before anything was sent ({} problems):",
                errors.violations().len()
            )?;
            for violation in errors.violations() {
                writeln!(out, "     {}: {}", violation.path, violation.rule)?;
            }
            writeln!(out)?;
            Ok(())
        }
        Ok(_) => Err("the invalid request was sent and accepted".into()),
        Err(other) => Err(other.into()),
    }
}
