//! The built `gaap` binary against the GAAP emulator: in its own process (`--emulator`), and as
//! a server of this test that several commands share (`--emulator=URL`, `--endpoint`), so that
//! state carries from one command to the next.

mod support;

use std::collections::BTreeSet;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use gaap_emulator::{
    Config, DEFAULT_TRANSITION_TIME, EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, Emulator, ManualClock,
    Throttling,
};
use serde_json::Value;
use support::{Home, SEED, code, command, gaap, stderr, stdout};

/// An emulator served by a runtime of its own, for commands run from this (blocking) thread.
struct Shared {
    emulator: Emulator,
    _runtime: tokio::runtime::Runtime,
}

impl Shared {
    fn start() -> Shared {
        Shared::start_with(Config::builtin())
    }

    /// An emulator whose clock only this test moves. Not throttled: its rate limits would run
    /// on that clock too, and a slow test would see polls refused (and retried) while it does
    /// not move it.
    fn on_manual_clock() -> Shared {
        Shared::start_with(
            Config::builtin()
                .with_clock(ManualClock::at_system_now())
                .with_throttling(Throttling::Off),
        )
    }

    fn start_with(config: Config) -> Shared {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime.block_on(Emulator::start_with(config)).unwrap();
        Shared {
            emulator,
            _runtime: runtime,
        }
    }

    fn flag(&self) -> String {
        format!("--emulator={}", self.emulator.endpoint())
    }
}

/// The seed's request on `ports`, valid (ConnectTimeout 10 < DelayLoop 20).
fn create(ports: &str) -> Vec<&str> {
    let mut args = SEED.to_vec();
    let timeout = args.iter().position(|a| *a == "--ConnectTimeout").unwrap();
    args[timeout + 1] = "10";
    let last = args.len() - 1;
    args[last] = ports;
    args
}

#[test]
fn create_on_the_in_process_emulator_prints_the_typed_answer_as_json() {
    let home = Home::new("create");
    let mut args = vec!["--emulator"];
    args.extend(create("[90,91]"));
    let output = gaap(&home, &args, &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let answer: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        answer["ListenerIds"].as_array().unwrap().len(),
        2,
        "{answer}"
    );
    assert!(
        answer["RequestId"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    // tccli's layout: four spaces, the spec's field order.
    assert!(
        stdout(&output).starts_with("{\n    \"ListenerIds\": [\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_duplicate_port_is_the_typed_api_error_with_its_exit_code() {
    let home = Home::new("duplicate");
    let shared = Shared::start();
    let flag = shared.flag();
    let mut args = vec![flag.as_str()];
    args.extend(create("[90]"));
    assert_eq!(code(&gaap(&home, &args, &[])), 0);

    let again = gaap(&home, &args, &[]);
    assert_eq!(code(&again), 4, "{}", stderr(&again));
    assert_eq!(stdout(&again), "");
    let message = stderr(&again);
    assert!(
        message.contains("InvalidParameterValue.DuplicatedListenerPort"),
        "{message}"
    );
    // The documented meaning of the code, from the spec.
    assert!(
        message.contains("documented as: 监听器端口已存在。"),
        "{message}"
    );
    assert!(message.contains("RequestId: "), "{message}");
    assert_eq!(shared.emulator.listeners_on("link-bjkpdum1").len(), 1);

    // The answer to a later command sees the listener the first one created.
    let listed = gaap(
        &home,
        &[
            &flag,
            "DescribeTCPListeners",
            "--ProxyId",
            "link-bjkpdum1",
            "--filter",
            "ListenerSet[].Port",
            "--output",
            "text",
        ],
        &[],
    );
    assert_eq!(code(&listed), 0, "{}", stderr(&listed));
    assert_eq!(stdout(&listed), "90\n");
}

#[test]
fn a_request_that_breaks_the_spec_is_refused_with_every_violation_and_nothing_is_sent() {
    let home = Home::new("invalid");
    // Sent anywhere, the request would fail with a transport error (exit 5): nothing listens
    // there. Exit 3 shows it was refused first.
    let closed = closed_endpoint();
    let mut args = vec!["--endpoint", closed.as_str()];
    args.extend(SEED);
    let last = args.len() - 1;
    args[last] = "[0,70000,0]";
    let output = gaap(
        &home,
        &args,
        &[
            ("TENCENTCLOUD_SECRET_ID", "AKIDtest"),
            ("TENCENTCLOUD_SECRET_KEY", "sEcReTkEy"),
        ],
    );
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let message = stderr(&output);
    for line in [
        "the request breaks 5 documented rules; nothing was sent:",
        "  Ports[0]: 0 is outside the allowed range [1, 65535]",
        "  Ports[1]: 70000 is outside the allowed range [1, 65535]",
        "  Ports[2]: duplicates element [0]; elements must be unique",
        "  ConnectTimeout: 20 must be less than DelayLoop (20) (超时时间应小于健康检查时间间隔DelayLoop。)",
    ] {
        assert!(message.contains(line), "{line:?} missing from\n{message}");
    }

    // Problems of type, documented values and required parameters come together too.
    let output = gaap(
        &home,
        &[
            "--endpoint",
            &closed,
            "CreateTCPListeners",
            "--ProxyId",
            "link-1",
            "--GroupId",
            "lg-1",
            "--Ports",
            "90",
            "x",
            "--Scheduler",
            "fifo",
            "--HealthCheck",
            "2",
        ],
        &[],
    );
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let message = stderr(&output);
    let paths: Vec<&str> = message
        .lines()
        .skip(1)
        .filter_map(|line| line.strip_prefix("  ")?.split(':').next())
        .collect();
    assert_eq!(
        paths,
        [
            "ListenerName",
            "Ports[1]",
            "Scheduler",
            "HealthCheck",
            "RealServerType",
            "(request)"
        ],
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_seed_example_as_a_command_line_gives_exactly_the_seed_parameters() {
    let home = Home::new("seed");
    let mut args = vec!["--dry-run", "--no-validate", "--http-method", "GET"];
    args.extend(SEED);
    let output = gaap(
        &home,
        &args,
        &[
            ("TENCENTCLOUD_SECRET_ID", EXAMPLE_SECRET_ID),
            ("TENCENTCLOUD_SECRET_KEY", EXAMPLE_SECRET_KEY),
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let request = stdout(&output);
    let first = request.lines().next().unwrap();
    let url = first
        .strip_prefix("GET https://gaap.tencentcloudapi.com/?")
        .unwrap();
    let ours: BTreeSet<(String, String)> = form_urlencoded::parse(url.as_bytes())
        .into_owned()
        .collect();

    // The seed's GET example, as the spec holds it verbatim (`<公共请求参数>` aside).
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../specs/CreateTCPListeners.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let query = spec["examples"][0]["query"].as_str().unwrap();
    let documented: BTreeSet<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(key, _)| key != "Action")
        .collect();
    assert_eq!(ours, documented);
    assert!(documented.contains(&("Ports.0".to_owned(), "90".to_owned())));
    // TC3 over GET: the action travels in a header, signed.
    assert!(
        request.contains("\nx-tc-action: CreateTCPListeners\n"),
        "{request}"
    );

    // Without --no-validate the documented example is refused: it breaks its own rule.
    let mut strict = vec!["--dry-run", "--http-method", "GET"];
    strict.extend(SEED);
    let refused = gaap(&home, &strict, &[]);
    assert_eq!(code(&refused), 3, "{}", stderr(&refused));
    assert_eq!(stdout(&refused), "");
}

#[test]
fn a_dry_run_prints_the_signed_request_with_the_secrets_redacted() {
    let home = Home::new("dry-run");
    let mut args = vec!["--dry-run"];
    args.extend(create("[90]"));
    let output = gaap(
        &home,
        &args,
        &[
            ("TENCENTCLOUD_SECRET_ID", "AKIDdryrun"),
            ("TENCENTCLOUD_SECRET_KEY", "sEcReTkEy0123"),
            ("TENCENTCLOUD_TOKEN", "tOkEn0123"),
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let shown = stdout(&output);
    assert!(
        shown.starts_with("POST https://gaap.tencentcloudapi.com/\n"),
        "{shown}"
    );
    assert!(shown.contains("Credential=AKIDdryrun/"), "{shown}");
    assert!(
        shown.contains("\nx-tc-token: <redacted>\n"),
        "tccli's token variable is read: {shown}"
    );
    assert!(
        !shown.contains("sEcReTkEy0123") && !shown.contains("tOkEn0123"),
        "{shown}"
    );
    let body: Value = serde_json::from_str(shown.lines().last().unwrap()).unwrap();
    assert_eq!(body["Ports"], serde_json::json!([90]));

    // Legacy signatures carry the token as a parameter: redacted there too.
    let mut legacy = vec!["--sign-method", "HmacSHA256", "--http-method", "GET"];
    legacy.extend(&args);
    let output = gaap(
        &home,
        &legacy,
        &[
            ("TENCENTCLOUD_SECRET_ID", "AKIDdryrun"),
            ("TENCENTCLOUD_SECRET_KEY", "sEcReTkEy0123"),
            ("TENCENTCLOUD_SESSION_TOKEN", "tOkEn0123"),
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let shown = stdout(&output);
    assert!(
        shown.contains("Token=%3Credacted%3E") || shown.contains("Token=<redacted>"),
        "{shown}"
    );
    assert!(
        !shown.contains("tOkEn0123") && !shown.contains("sEcReTkEy0123"),
        "{shown}"
    );

    // A secret parameter of the spec (CreateCertificate's private key) is redacted in the body.
    // No credentials anywhere (an empty home, no variables, not even --use-cvm-role): the dry
    // run signs with the example key pair, and says so. It asks no metadata service
    // (`config::tests::the_instance_role_is_asked_only_when_named_and_never_in_a_dry_run`).
    let output = gaap(
        &home,
        &[
            "--dry-run",
            "--use-cvm-role",
            "CreateCertificate",
            "--CertificateType",
            "1",
            "--CertificateContent",
            "cert",
            "--CertificateKey",
            "pRiVaTeKeY",
        ],
        &[],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        !stdout(&output).contains("pRiVaTeKeY"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("\"CertificateKey\":\"<redacted>\""),
        "{}",
        stdout(&output)
    );
    assert!(stdout(&output).contains(&format!("Credential={EXAMPLE_SECRET_ID}/")));
    assert!(
        stderr(&output).contains("example key pair"),
        "{}",
        stderr(&output)
    );
    // The same without --use-cvm-role: the default chain ends without the instance role.
    assert_eq!(signer(&home, &[], &[]), EXAMPLE_SECRET_ID);
}

/// The Authorization header's secret id: which credentials signed.
fn signer(home: &Home, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut all = vec!["--dry-run"];
    all.extend(args);
    all.extend(create("[90]"));
    let output = gaap(home, &all, env);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let shown = stdout(&output);
    let at = shown.find("Credential=").expect("signed") + "Credential=".len();
    shown[at..].split('/').next().unwrap().to_owned()
}

#[test]
fn credentials_come_in_the_documented_order() {
    let home = Home::new("credentials");
    let tccli = home.path().join(".tccli");
    std::fs::create_dir_all(&tccli).unwrap();
    std::fs::write(
        tccli.join("default.credential"),
        r#"{"secretId": "AKIDtccli", "secretKey": "k1"}"#,
    )
    .unwrap();
    std::fs::write(
        tccli.join("other.credential"),
        r#"{"secretId": "AKIDother", "secretKey": "k2"}"#,
    )
    .unwrap();
    let sdk = home.path().join(".tencentcloud");
    std::fs::create_dir_all(&sdk).unwrap();
    std::fs::write(
        sdk.join("credentials"),
        "[default]\nsecret_id = AKIDsdk\nsecret_key = k3\n[third]\nsecret_id = AKIDthird\nsecret_key = k4\n",
    )
    .unwrap();
    let env = [
        ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
        ("TENCENTCLOUD_SECRET_KEY", "k0"),
    ];

    assert_eq!(signer(&home, &[], &env), "AKIDenv");
    assert_eq!(signer(&home, &[], &[]), "AKIDtccli");
    assert_eq!(
        signer(&home, &[], &[("TCCLI_PROFILE", "other")]),
        "AKIDother"
    );
    // A profile named on the command line skips the environment, as in tccli.
    assert_eq!(signer(&home, &["--profile", "other"], &env), "AKIDother");
    // The SDKs' file, when tccli has no file for the profile.
    assert_eq!(signer(&home, &["--profile", "third"], &env), "AKIDthird");
    std::fs::remove_file(tccli.join("default.credential")).unwrap();
    assert_eq!(signer(&home, &[], &[]), "AKIDsdk");

    // A named profile that has no credentials is an error, not a fall back to other ones.
    let mut args = vec!["--profile", "missing"];
    args.extend(create("[90]"));
    let output = gaap(&home, &args, &[]);
    assert_eq!(code(&output), 6, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("missing.credential"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn settings_come_from_the_tccli_profile_when_the_command_line_has_none() {
    let home = Home::new("configure");
    let shared = Shared::start();
    let tccli = home.path().join(".tccli");
    std::fs::create_dir_all(&tccli).unwrap();
    // tccli's layout: settings under _sys_param, the service's endpoint under its name.
    std::fs::write(
        tccli.join("default.configure"),
        format!(
            r#"{{"_sys_param": {{"region": "ap-guangzhou", "output": "text"}},
                "gaap": {{"endpoint": "{}", "version": "2018-05-29"}}}}"#,
            shared.emulator.endpoint()
        ),
    )
    .unwrap();
    let env = [
        ("TENCENTCLOUD_SECRET_ID", EXAMPLE_SECRET_ID),
        ("TENCENTCLOUD_SECRET_KEY", EXAMPLE_SECRET_KEY),
    ];
    let output = gaap(&home, &create("[95]"), &env);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let line = stdout(&output);
    // tccli's text: the scalar fields on a line, then each list's items prefixed by its name.
    let lines: Vec<&str> = line.lines().collect();
    assert_eq!(lines.len(), 2, "{line}");
    assert!(
        lines[1].starts_with("LISTENERIDS\tlistener-"),
        "text output: {line}"
    );
    assert_eq!(shared.emulator.listeners_on("link-bjkpdum1").len(), 1);
}

#[test]
fn cli_input_json_and_the_skeleton_it_is_made_from() {
    let home = Home::new("input-json");
    let skeleton = gaap(
        &home,
        &["CreateTCPListeners", "--generate-cli-skeleton"],
        &[],
    );
    assert_eq!(code(&skeleton), 0);
    let skeleton: Value = serde_json::from_str(&stdout(&skeleton)).unwrap();
    assert_eq!(skeleton["Ports"], serde_json::json!(["Integer"]));

    let file = home.path().join("request.json");
    std::fs::write(
        &file,
        r#"{"ProxyId": "link-bjkpdum1", "ListenerName": "from-file", "RealServerType": "IP",
            "Scheduler": "rr", "HealthCheck": 1, "Ports": [100]}"#,
    )
    .unwrap();
    let input = format!("file://{}", file.display());
    // Parameters on the command line replace the file's.
    let output = gaap(
        &home,
        &[
            "--emulator",
            "CreateTCPListeners",
            "--cli-input-json",
            &input,
            "--Ports",
            "101",
            "102",
        ],
        &[],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let answer: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(answer["ListenerIds"].as_array().unwrap().len(), 2);
}

#[test]
fn transport_failures_and_usage_errors_have_their_exit_codes() {
    let home = Home::new("exit-codes");
    let closed = closed_endpoint();
    let mut args = vec![
        "--endpoint",
        closed.as_str(),
        "--timeout",
        "5",
        "--max-attempts",
        "1",
    ];
    args.extend(create("[90]"));
    let output = gaap(
        &home,
        &args,
        &[
            ("TENCENTCLOUD_SECRET_ID", "AKIDx"),
            ("TENCENTCLOUD_SECRET_KEY", "k"),
        ],
    );
    assert_eq!(code(&output), 5, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("was not sent"),
        "{}",
        stderr(&output)
    );

    for (args, expected) in [
        (
            &["CreateTCPListener"][..],
            "did you mean CreateTCPListeners",
        ),
        (
            &["CreateTCPListeners", "--ProxyID", "x"],
            "did you mean --ProxyId",
        ),
        (&["--bogus", "CreateTCPListeners"], "--bogus"),
        // A waiter belongs to the Describe action that polls: the valid ones are named.
        (
            &["CreateTCPListeners", "--wait", "ListenerRunning"],
            "DescribeTCPListeners (ListenerDeleted, ListenerRunning)",
        ),
        (
            &["DescribeProxies", "--wait", "ProxyRuning"],
            "did you mean ProxyRunning? its waiters are ProxyClosed, ProxyDeleted, ProxyRunning",
        ),
        (
            &["CreateTCPListeners", "--all-pages"],
            "CreateTCPListeners does not page; the actions that do (Offset, Limit and TotalCount) \
             are DescribeCertificates, ",
        ),
        (
            &["DescribeProxies", "--all-pages", "--wait", "ProxyRunning"],
            "cannot be used with",
        ),
        (&["DescribeProxies", "--wait-timeout", "5"], "--wait <NAME>"),
        (
            &["--max-attempts", "0", "DescribeProxies"],
            "--max-attempts",
        ),
        (&[], "no action given"),
    ] {
        let output = gaap(&home, args, &[]);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn completions_name_every_action() {
    let home = Home::new("completions");
    for shell in ["bash", "zsh", "fish"] {
        let output = gaap(&home, &["completions", shell], &[]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        let script = stdout(&output);
        for action in ["CreateTCPListeners", "DescribeProxies", "DeleteListeners"] {
            assert!(script.contains(action), "{shell}: {action}");
        }
        assert!(script.contains("ListenerName"), "{shell}");
        // The waiters of a Describe action complete as values of its --wait.
        assert!(script.contains("ProxyRunning"), "{shell}");
    }
}

/// An endpoint that refuses every connection: port 0 is no port a server can listen on (binding
/// it picks another), and connecting to it is refused at once.
fn closed_endpoint() -> String {
    "http://127.0.0.1:0".to_owned()
}

/// The id of a new listener on `link-bjkpdum1` at `port`, created by the binary.
fn new_listener(home: &Home, flag: &str, port: &str) -> String {
    let mut args = vec![flag, "--filter", "ListenerIds[0]", "--output", "text"];
    let ports = format!("[{port}]");
    args.extend(create(&ports));
    let output = gaap(home, &args, &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    stdout(&output).trim().to_owned()
}

#[test]
fn wait_polls_a_new_listener_until_it_runs_and_prints_the_last_answer() {
    let home = Home::new("wait");
    let shared = Shared::on_manual_clock();
    let flag = shared.flag();
    let id = new_listener(&home, &flag, "120");
    let mut child = command(
        &home,
        &[
            &flag,
            "DescribeTCPListeners",
            "--ProxyId",
            "link-bjkpdum1",
            "--ListenerId",
            &id,
            "--wait",
            "ListenerRunning",
            "--wait-interval",
            "0.1",
            "--wait-timeout",
            "60",
            "--filter",
            "ListenerSet[0].[ListenerId, ListenerStatus]",
            "--output",
            "text",
        ],
        &[],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // The listener is being created (status 1) until the emulator's clock, which only this test
    // moves, passes its transition: the binary polls it in that state first.
    let mut progress = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert_ne!(
            progress.read_line(&mut line).unwrap(),
            0,
            "ended before a poll:\n{seen}"
        );
        seen.push_str(&line);
        if line.contains("ListenerRunning: poll 1: not yet; next poll in ") {
            break;
        }
    }
    assert!(shared.emulator.advance(DEFAULT_TRANSITION_TIME));
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut progress, &mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    seen.push_str(&rest);
    assert_eq!(code(&output), 0, "{seen}");
    assert_eq!(stdout(&output), format!("{id}\t0\n"), "{seen}");
    assert!(
        seen.starts_with(
            "gaap: waiting for ListenerRunning with DescribeTCPListeners (at most 60.0 s)\n"
        ),
        "{seen}"
    );
    let polls: u64 = rest
        .split("ListenerSet[].ListenerStatus = 0 after ")
        .nth(1)
        .and_then(|after| after.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{seen}"));
    assert!(polls >= 2, "{seen}");
    assert_eq!(
        shared.emulator.request_count("DescribeTCPListeners"),
        polls,
        "{seen}"
    );
}

#[test]
fn a_wait_that_runs_out_of_time_exits_7_and_one_that_cannot_succeed_exits_8() {
    let home = Home::new("wait-fails");
    let shared = Shared::on_manual_clock();
    let flag = shared.flag();
    let id = new_listener(&home, &flag, "121");
    // ListenerRunning waits 1 s after its first poll: no second poll fits in 0.9 s, so the wait
    // ends right after the first one, without sleeping (the first poll has 0.9 s to answer).
    let output = gaap(
        &home,
        &[
            &flag,
            "DescribeTCPListeners",
            "--ProxyId",
            "link-bjkpdum1",
            "--ListenerId",
            &id,
            "--wait",
            "ListenerRunning",
            "--wait-timeout",
            "0.9",
        ],
        &[],
    );
    assert_eq!(code(&output), 7, "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert!(
        message.contains("ListenerRunning: poll 1: not yet; no time is left for another poll"),
        "{message}"
    );
    assert!(
        message.contains("gaap: waiter ListenerRunning timed out after ")
            && message.contains(" s and 1 poll(s); --wait-timeout SECONDS waits longer"),
        "{message}"
    );
    assert_eq!(shared.emulator.request_count("DescribeTCPListeners"), 1);

    // A closed proxy does not run without another action: the waiter fails on the first poll,
    // here on an emulator started inside the command.
    let output = gaap(
        &home,
        &[
            "--emulator",
            "DescribeProxies",
            "--ProxyIds",
            "link-closed01",
            "--wait",
            "ProxyRunning",
        ],
        &[],
    );
    assert_eq!(code(&output), 8, "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains(
            "gaap: waiter ProxyRunning failed after 1 poll(s): ProxySet[].Status = CLOSED, from \
             which the state waited for cannot be reached"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn all_pages_merges_every_page_into_one_answer() {
    let home = Home::new("all-pages");
    let shared = Shared::start();
    let flag = shared.flag();
    let mut args = vec![flag.as_str()];
    args.extend(create("[130,131,132,133,134,135,136]"));
    assert_eq!(code(&gaap(&home, &args, &[])), 0);
    let mut existing: Vec<String> = shared
        .emulator
        .listeners_on("link-bjkpdum1")
        .into_iter()
        .map(|listener| listener.listener_id)
        .collect();
    existing.sort();
    assert_eq!(existing.len(), 7);

    let list = |extra: &[&str]| {
        let mut args = vec![
            flag.as_str(),
            "DescribeTCPListeners",
            "--ProxyId",
            "link-bjkpdum1",
            "--Limit",
            "3",
        ];
        args.extend(extra);
        let output = gaap(&home, &args, &[]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        stdout(&output)
    };
    // One page holds three.
    let page: Value = serde_json::from_str(&list(&[])).unwrap();
    assert_eq!(page["ListenerSet"].as_array().unwrap().len(), 3);
    assert_eq!(page["TotalCount"], 7);
    let before = shared.emulator.request_count("DescribeTCPListeners");

    let merged = list(&["--all-pages"]);
    assert_eq!(
        shared.emulator.request_count("DescribeTCPListeners") - before,
        3,
        "pages of 3, 3 and 1"
    );
    // One answer in the spec's field order, not one per page.
    assert!(
        merged.starts_with("{\n    \"TotalCount\": 7,\n    \"ListenerSet\": [\n"),
        "{merged}"
    );
    let merged: Value = serde_json::from_str(&merged).unwrap();
    let mut ids: Vec<String> = merged["ListenerSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|listener| listener["ListenerId"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    assert_eq!(ids, existing);
    assert!(
        merged["RequestId"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );

    // Filtered and as text, the merged answer as a whole.
    let text = list(&[
        "--all-pages",
        "--filter",
        "length(ListenerSet)",
        "--output",
        "text",
    ]);
    assert_eq!(text, "7\n");
    let table = list(&["--all-pages", "--output", "table"]);
    assert!(table.contains("ListenerSet"), "{table}");
    for id in &existing {
        assert!(table.contains(id.as_str()), "{id} missing from\n{table}");
    }
}
