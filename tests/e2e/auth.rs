//! Authentication failures as the emulator judges them, arriving as the typed variants: a wrong
//! key, an unknown secret id, a clock too far off, a session token that does not fit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use gaap::credentials::{CredentialsCache, ProvideFuture};
use gaap::{
    CreateTcpListenersError, Credentials, Error, Fate, HttpMethod, ProvideCredentials, SignMethod,
    StaticProvider,
};
use gaap_emulator::{Config, Credential, EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, Emulator};

use crate::support::*;

/// Sends the seed's create with `builder`'s client and returns the typed API error, after
/// checking that it was answered, not retried, and created nothing.
async fn refused(emulator: &Emulator, builder: gaap::ClientBuilder) -> CreateTcpListenersError {
    let client = build(builder);
    let before = emulator.request_count(CREATE);
    let listeners_before = emulator.listener_count();
    let error = match client.send(create_on_proxy(PROXY, &[90])).await {
        Ok(response) => panic!("an API error expected, got {response:?}"),
        Err(error) => error,
    };
    assert_eq!(error.fate(), Fate::Answered, "{error:?}");
    assert!(!error.is_retryable(), "{error:?}");
    assert_eq!(emulator.request_count(CREATE), before + 1, "{error:?}");
    assert_eq!(emulator.listener_count(), listeners_before);
    match error {
        Error::Api(api) => api,
        other => panic!("an API error expected, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_secret_key_is_a_signature_failure_whatever_the_signature_method() {
    let emulator = emulator().await;
    for method in [HttpMethod::Post, HttpMethod::Get] {
        for sign_method in [
            SignMethod::Tc3,
            SignMethod::HmacSha1,
            SignMethod::HmacSha256,
        ] {
            let error = refused(
                &emulator,
                client_of(&emulator)
                    .http_method(method)
                    .sign_method(sign_method)
                    .credentials(StaticProvider::new(EXAMPLE_SECRET_ID, "not-the-secret-key")),
            )
            .await;
            assert!(
                matches!(
                    error,
                    CreateTcpListenersError::Common(
                        gaap::CommonError::AuthFailureSignatureFailure(_)
                    )
                ),
                "{method} {sign_method:?}: {error:?}"
            );
        }
    }
}

#[tokio::test]
async fn an_unknown_secret_id_is_secret_id_not_found() {
    let emulator = emulator().await;
    for sign_method in [SignMethod::Tc3, SignMethod::HmacSha256] {
        let error = refused(
            &emulator,
            client_of(&emulator)
                .sign_method(sign_method)
                .credentials(StaticProvider::new("AKIDnobodyEXAMPLE", EXAMPLE_SECRET_KEY)),
        )
        .await;
        assert!(
            matches!(
                error,
                CreateTcpListenersError::Common(gaap::CommonError::AuthFailureSecretIdNotFound(_))
            ),
            "{sign_method:?}: {error:?}"
        );
    }
}

#[tokio::test]
async fn a_client_clock_more_than_five_minutes_off_is_signature_expire() {
    let emulator = emulator().await;
    for skew_seconds in [-400, 400] {
        let skew = time::Duration::seconds(skew_seconds);
        let error = refused(
            &emulator,
            client_of(&emulator).clock(Arc::new(move || time::OffsetDateTime::now_utc() + skew)),
        )
        .await;
        assert!(
            matches!(
                error,
                CreateTcpListenersError::Common(gaap::CommonError::AuthFailureSignatureExpire(_))
            ),
            "{skew_seconds} s: {error:?}"
        );
    }
    // Well within the five minutes: accepted, whatever the direction.
    for skew_seconds in [-200, 200] {
        let skew = time::Duration::seconds(skew_seconds);
        let client = build(
            client_of(&emulator).clock(Arc::new(move || time::OffsetDateTime::now_utc() + skew)),
        );
        let port = 1000 + skew_seconds.unsigned_abs() + u64::from(skew_seconds > 0);
        client.send(create_on_proxy(PROXY, &[port])).await.unwrap();
    }
    assert_eq!(emulator.listener_count(), 2);
}

#[tokio::test]
async fn a_session_token_that_does_not_fit_is_token_failure() {
    const TEMPORARY_ID: &str = "AKIDtemporaryEXAMPLE";
    const TEMPORARY_KEY: &str = "temporary-secret-key";
    const TOKEN: &str = "the-session-token";
    let emulator = emulator_with(
        Config::builtin()
            .with_credential(Credential::new(TEMPORARY_ID, TEMPORARY_KEY).with_token(TOKEN)),
    )
    .await;
    for sign_method in [SignMethod::Tc3, SignMethod::HmacSha1] {
        let cases = [
            // A token sent with a permanent key.
            StaticProvider::new(EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY).with_token(TOKEN),
            // Temporary credentials with the wrong token.
            StaticProvider::new(TEMPORARY_ID, TEMPORARY_KEY).with_token("another-token"),
            // Temporary credentials without their token.
            StaticProvider::new(TEMPORARY_ID, TEMPORARY_KEY),
        ];
        for (case, credentials) in cases.into_iter().enumerate() {
            let error = refused(
                &emulator,
                client_of(&emulator)
                    .sign_method(sign_method)
                    .credentials(credentials),
            )
            .await;
            assert!(
                matches!(
                    error,
                    CreateTcpListenersError::Common(gaap::CommonError::AuthFailureTokenFailure(_))
                ),
                "{sign_method:?}, case {case}: {error:?}"
            );
            // The server's message never carries the token back.
            assert!(!error.to_string().contains(TOKEN), "{error}");
        }
        // With the right token, the same key works.
        let client = build(
            client_of(&emulator)
                .sign_method(sign_method)
                .credentials(StaticProvider::new(TEMPORARY_ID, TEMPORARY_KEY).with_token(TOKEN)),
        );
        let port = if sign_method == SignMethod::Tc3 { 1 } else { 2 };
        client.send(create_on_proxy(PROXY, &[port])).await.unwrap();
    }
    assert_eq!(emulator.listener_count(), 2);
}

/// Temporary credentials that hand out `tokens` in turn (the last one for ever after), valid for
/// an hour.
#[derive(Debug)]
struct Rotating {
    tokens: &'static [&'static str],
    calls: AtomicUsize,
}

impl ProvideCredentials for Rotating {
    fn provide(&self) -> ProvideFuture<'_> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let token = self.tokens[call.min(self.tokens.len() - 1)];
        let expiry = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
        Box::pin(std::future::ready(Ok(Credentials::new(
            TEMPORARY_ID,
            TEMPORARY_KEY,
        )
        .with_token(token)
        .with_expiry(expiry))))
    }
}

const TEMPORARY_ID: &str = "AKIDrotatingEXAMPLE";
const TEMPORARY_KEY: &str = "rotating-secret-key";

/// Cached temporary credentials the server refuses (`AuthFailure.TokenFailure`: revoked before
/// their expiry) are dropped from the cache and fetched again, once per call: the call succeeds
/// with fresh ones; credentials refused again are the call's error, not a loop.
#[tokio::test]
async fn refused_cached_temporary_credentials_are_renewed_once_per_call() {
    let emulator = emulator_with(
        Config::builtin()
            .with_credential(Credential::new(TEMPORARY_ID, TEMPORARY_KEY).with_token("fresh")),
    )
    .await;
    let rotating = Arc::new(CredentialsCache::new(Rotating {
        tokens: &["revoked", "fresh"],
        calls: AtomicUsize::new(0),
    }));
    let client = build(client_of(&emulator).credentials_provider(rotating.clone()));
    client.send(create_on_proxy(PROXY, &[90])).await.unwrap();
    assert_eq!(rotating.inner().calls.load(Ordering::SeqCst), 2);
    assert_eq!(emulator.request_count(CREATE), 2);
    // The fresh ones stay cached.
    client.send(create_on_proxy(PROXY, &[91])).await.unwrap();
    assert_eq!(rotating.inner().calls.load(Ordering::SeqCst), 2);

    let always_revoked = Arc::new(CredentialsCache::new(Rotating {
        tokens: &["revoked"],
        calls: AtomicUsize::new(0),
    }));
    let client = build(client_of(&emulator).credentials_provider(always_revoked.clone()));
    let error = client
        .send(create_on_proxy(PROXY, &[92]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Api(CreateTcpListenersError::Common(
                gaap::CommonError::AuthFailureTokenFailure(_)
            ))
        ),
        "{error:?}"
    );
    assert_eq!(always_revoked.inner().calls.load(Ordering::SeqCst), 2);
    // 2 + 1 above, and this call's two attempts.
    assert_eq!(emulator.request_count(CREATE), 5);
    assert_eq!(emulator.listener_count(), 2);
}
