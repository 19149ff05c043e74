//! The quickstart example's walkthrough against the emulator, as `cargo run --example quickstart`
//! runs it, and its command line: the real endpoint only when asked for explicitly.

use gaap_emulator::{EXAMPLE_SECRET_KEY, Emulator};

use crate::quickstart_example::{Mode, emulator_client, emulator_walkthrough, parse_args};
use crate::support::*;

#[tokio::test]
async fn the_walkthrough_creates_meets_a_typed_error_and_a_validation_error_then_cleans_up() {
    // Transitions at once, so that each of the walkthrough's waiters polls once (the waiters'
    // own tests follow a proxy from CREATING to RUNNING on a paused clock).
    let config = gaap_emulator::Config::builtin().with_transition_time(std::time::Duration::ZERO);
    let emulator = match Emulator::start_with(config).await {
        Ok(emulator) => emulator,
        Err(error) => panic!("{error}"),
    };
    let client = emulator_client(&emulator.endpoint()).unwrap();
    let mut out = Vec::new();
    emulator_walkthrough(&client, &mut out).await.unwrap();
    let text = String::from_utf8(out).unwrap();

    // The secret key never shows; the Authorization header does.
    assert!(!text.contains(EXAMPLE_SECRET_KEY), "{text}");
    assert!(
        text.contains("authorization: TC3-HMAC-SHA256 Credential="),
        "{text}"
    );
    assert!(text.contains("POST http://127.0.0.1:"), "{text}");
    assert!(text.contains(r#""Ports":[90,91]"#), "{text}");
    // Two listeners created, shown by id, and deleted at the end.
    let ids: std::collections::BTreeSet<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .filter(|word| word.starts_with("listener-"))
        .collect();
    assert_eq!(ids.len(), 2, "{text}");
    assert!(text.contains("   Cleaned up: deleted listener-"), "{text}");
    // The proxy the walkthrough made, waited for; the listeners listed with a paginator, then
    // waited for.
    for expected in [
        "0. Created proxy link-",
        "Waited until it runs (describe_proxies::PROXY_RUNNING): ProxySet[].Status = RUNNING \
         after 1 poll(s)",
        "5. The listeners of link-",
        "  port 90  ",
        "  port 91  ",
        "   1 page(s), 2 listener(s) in all.",
        "6. Waited until the listeners run (describe_tcp_listeners::LISTENER_RUNNING): 1 poll(s)",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    // The typed error, with its code, message, request id and documented description.
    for expected in [
        "matched CreateTcpListenersError::InvalidParameterValueDuplicatedListenerPort",
        "code:        InvalidParameterValue.DuplicatedListenerPort",
        "message:     proxy `link-",
        "` already has listener",
        "request id:  ",
        "description: ",
        // Every violation with its path and rule.
        "(3 problems)",
        "Ports[0]: 70000 is outside the allowed range [1, 65535]",
        "ConnectTimeout: 20 must be less than DelayLoop (20)",
        "Scheduler: ",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }

    // Sent: the create and the duplicate; the invalid request never was; one page of
    // listeners, one poll of the waiter; one delete.
    assert_eq!(emulator.request_count(CREATE), 2);
    assert_eq!(emulator.request_count("CreateProxy"), 1);
    assert_eq!(emulator.request_count("DescribeProxies"), 1);
    assert_eq!(emulator.request_count(DESCRIBE), 2);
    assert_eq!(emulator.request_count(DELETE), 1);
    assert_eq!(emulator.listener_count(), 0);
}

#[test]
fn the_real_endpoint_is_used_only_with_real_and_a_proxy_id() {
    let parse = |args: &[&str]| parse_args(args.iter().map(|a| a.to_string()));
    assert_eq!(parse(&[]), Ok(Mode::Emulator));
    assert_eq!(
        parse(&["--real", "link-m9w1a7ok"]),
        Ok(Mode::Real {
            proxy_id: "link-m9w1a7ok".into(),
            port: 90
        })
    );
    assert_eq!(
        parse(&["--real", "link-m9w1a7ok", "8080"]),
        Ok(Mode::Real {
            proxy_id: "link-m9w1a7ok".into(),
            port: 8080
        })
    );
    for refused in [
        &["--real"][..],
        &["link-m9w1a7ok"],
        &["--real", "--verbose"],
        &["--real", "link-m9w1a7ok", "port"],
        &["--real", "link-m9w1a7ok", "65535"],
        &["--real", "link-m9w1a7ok", "90", "extra"],
        &["--reel", "link-m9w1a7ok"],
    ] {
        assert!(parse(refused).is_err(), "{refused:?}");
    }
    assert_eq!(parse(&["--help"]), Ok(Mode::Help));
}
