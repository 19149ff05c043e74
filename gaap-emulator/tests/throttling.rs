//! Rate limits: each action's documented limit, per secret id, on the emulator's clock (pinned
//! here, so "within one second" does not depend on how fast the machine is).

mod common;

use std::time::Duration;

use common::{Call, create_body};
use gaap_emulator::{Config, Credential, Emulator, ManualClock, Throttling};
use serde_json::json;

async fn pinned(throttling: Throttling) -> (Emulator, ManualClock) {
    let clock = ManualClock::at(1_700_000_000);
    let config = Config::builtin()
        .with_clock(clock.clone())
        .with_throttling(throttling)
        .with_credential(Credential::new("AKIDsecondEXAMPLE", "second-key"));
    (Emulator::start_with(config).await.unwrap(), clock)
}

fn create(port: u64) -> Call {
    Call::json("CreateTCPListeners", create_body("link-bjkpdum1", &[port]))
}

#[tokio::test]
async fn the_21st_create_within_a_second_is_refused() {
    let (emulator, clock) = pinned(Throttling::Documented).await;
    for port in 1..=20 {
        create(port).send(&emulator).await.ok();
    }
    create(21)
        .send(&emulator)
        .await
        .assert_error("RequestLimitExceeded", "20 requests per second");
    assert_eq!(
        emulator.listener_count(),
        20,
        "a refused request does nothing"
    );

    // Another key has its own allowance.
    create(21)
        .key("AKIDsecondEXAMPLE", "second-key")
        .send(&emulator)
        .await
        .ok();
    // A twentieth of a second later, one more; a second later, twenty more.
    clock.advance(Duration::from_millis(50));
    create(22).send(&emulator).await.ok();
    create(23)
        .send(&emulator)
        .await
        .assert_error("RequestLimitExceeded", "CreateTCPListeners");
    clock.advance(Duration::from_secs(1));
    for port in 23..43 {
        create(port).send(&emulator).await.ok();
    }
    create(43)
        .send(&emulator)
        .await
        .assert_error("RequestLimitExceeded", "CreateTCPListeners");
}

#[tokio::test]
async fn throttling_comes_after_authentication_and_before_the_parameters() {
    let (emulator, _clock) = pinned(Throttling::Documented).await;
    // Unauthenticated requests do not eat the key's allowance.
    for _ in 0..30 {
        create(1)
            .key(gaap_emulator::EXAMPLE_SECRET_ID, "wrong")
            .send(&emulator)
            .await
            .assert_error("AuthFailure.SignatureFailure", "signature");
    }
    // Invalid ones do: the limit is on requests, not on successes.
    for _ in 0..20 {
        create(0)
            .send(&emulator)
            .await
            .assert_error("InvalidParameterValue", "Ports[0]");
    }
    create(1)
        .send(&emulator)
        .await
        .assert_error("RequestLimitExceeded", "20");
}

#[tokio::test]
async fn actions_without_a_documented_limit_are_not_throttled_unless_configured() {
    // DescribeProxies documents no limit (DescribeTCPListeners does: 20 per second).
    let describe = || Call::json("DescribeProxies", json!({"ProxyIds": ["link-bjkpdum1"]}));
    let (emulator, _clock) = pinned(Throttling::Documented).await;
    for _ in 0..50 {
        describe().send(&emulator).await.ok();
    }
    let (emulator, _clock) = pinned(Throttling::PerSecond(5)).await;
    for _ in 0..5 {
        describe().send(&emulator).await.ok();
    }
    describe()
        .send(&emulator)
        .await
        .assert_error("RequestLimitExceeded", "5 requests per second");
    let (emulator, _clock) = pinned(Throttling::Off).await;
    for port in 1..=50 {
        create(port).send(&emulator).await.ok();
    }
}
