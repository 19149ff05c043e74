//! Reusing credentials until shortly before they expire, with one refresh at a time.
//!
//! Temporary credentials (instance role, STS) expire; a request signed with credentials that
//! expire in flight fails. The cache refreshes them a margin before expiry. When many calls find
//! the cache cold or stale at once, one of them refreshes and the others wait for its outcome,
//! so the metadata service sees one request, not one per call.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use time::OffsetDateTime;

use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

/// The time source of a [`CredentialsCache`]; tests pass one they can move.
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// How long before expiry credentials are refreshed by default. The official SDKs use the same
/// 300 s (Go `ExpiredTimeout`, Python `_expired_timeout`), because the server rejects requests
/// whose timestamp is more than 5 minutes off: credentials valid at signing time stay valid
/// through any request the server would still accept.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// How long after a failed refresh the next one may start; it doubles with each failure in a
/// row.
pub const FAILURE_BACKOFF: Duration = Duration::from_secs(1);

/// The longest wait between two refreshes that fail.
pub const MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(60);

/// Credentials closer than this to their expiry are never handed out, even when a refresh
/// failed: a request signed with them could arrive after they expired.
pub const EXPIRY_SAFETY_MARGIN: Duration = Duration::from_secs(30);

/// Wraps a provider and reuses what it supplies until `expiry - margin`.
///
/// Credentials without expiry are kept for the life of the cache. Credentials that live shorter
/// than the margin are refreshed halfway through their remaining life, so that they are not
/// fetched again on every call.
///
/// When a refresh fails, the callers waiting for it get its error, and so do the calls of the
/// next [`FAILURE_BACKOFF`] (doubling with each failure in a row, up to [`MAX_FAILURE_BACKOFF`]):
/// a metadata service that is down is not asked again by every call. If the previous
/// credentials are still good for at least [`EXPIRY_SAFETY_MARGIN`], they are returned instead
/// of the error, with a warning in the log: a brief outage of the metadata service does not fail
/// requests that can still be signed, and no request is signed with credentials about to expire
/// in flight.
///
/// [`ProvideCredentials::invalidate`] drops the cached credentials if they are those given
/// (the server refused them), so that the next call fetches fresh ones.
pub struct CredentialsCache<P> {
    inner: P,
    margin: time::Duration,
    clock: Clock,
    cached: RwLock<Option<Cached>>,
    refresh: tokio::sync::Mutex<RefreshOutcome>,
    /// Refreshes finished so far; read before queueing for the lock, to learn after getting it
    /// whether one finished while this call waited.
    finished: AtomicU64,
}

struct Cached {
    credentials: Credentials,
    /// `None`: the credentials do not expire.
    refresh_at: Option<OffsetDateTime>,
}

#[derive(Default)]
struct RefreshOutcome {
    finished: u64,
    failure: Option<CredentialsError>,
    /// Failed refreshes in a row.
    failures: u32,
    /// No refresh before this, after a failure.
    retry_at: Option<OffsetDateTime>,
}

/// The wait after `failures` failed refreshes in a row: [`FAILURE_BACKOFF`] doubling, at most
/// [`MAX_FAILURE_BACKOFF`].
fn failure_backoff(failures: u32) -> time::Duration {
    let doublings = failures.saturating_sub(1).min(16);
    let wait = FAILURE_BACKOFF
        .saturating_mul(1 << doublings)
        .min(MAX_FAILURE_BACKOFF);
    time::Duration::try_from(wait).unwrap_or(time::Duration::MAX)
}

impl<P: ProvideCredentials> CredentialsCache<P> {
    /// Caches what `inner` supplies, refreshing [`DEFAULT_REFRESH_MARGIN`] before expiry.
    pub fn new(inner: P) -> Self {
        CredentialsCache {
            inner,
            margin: time::Duration::seconds(DEFAULT_REFRESH_MARGIN.as_secs() as i64),
            clock: Arc::new(OffsetDateTime::now_utc),
            cached: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(RefreshOutcome::default()),
            finished: AtomicU64::new(0),
        }
    }

    /// Refreshes `margin` before expiry instead.
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = time::Duration::try_from(margin).unwrap_or(time::Duration::MAX);
        self
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The wrapped provider.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    fn fresh(&self, now: OffsetDateTime) -> Option<Credentials> {
        let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
        let cached = cached.as_ref()?;
        match cached.refresh_at {
            Some(refresh_at) if now >= refresh_at => None,
            _ => Some(cached.credentials.clone()),
        }
    }

    /// The cached credentials if they are good for [`EXPIRY_SAFETY_MARGIN`] more, else `error`.
    fn unexpired_or(
        &self,
        now: OffsetDateTime,
        error: CredentialsError,
    ) -> Result<Credentials, CredentialsError> {
        let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
        let safety = time::Duration::try_from(EXPIRY_SAFETY_MARGIN).unwrap_or_default();
        match cached.as_ref() {
            Some(cached)
                if cached.credentials.expiry().is_none_or(|expiry| {
                    now.checked_add(safety).is_some_and(|then| then < expiry)
                }) =>
            {
                tracing::warn!(
                    error = %error,
                    expiry = ?cached.credentials.expiry(),
                    "credentials refresh failed; using the previous credentials until they expire"
                );
                Ok(cached.credentials.clone())
            }
            _ => Err(error),
        }
    }

    /// When to refresh `credentials` fetched at `now`; an error if they already expired.
    fn refresh_at(
        &self,
        credentials: &Credentials,
        now: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, CredentialsError> {
        let Some(expiry) = credentials.expiry() else {
            return Ok(None);
        };
        if expiry <= now {
            return Err(CredentialsError::Expired { expiry, now });
        }
        let early = expiry.checked_sub(self.margin).unwrap_or(now);
        if early > now {
            return Ok(Some(early));
        }
        Ok(Some(now.checked_add((expiry - now) / 2).unwrap_or(expiry)))
    }

    async fn cached_or_refresh(&self) -> Result<Credentials, CredentialsError> {
        if let Some(credentials) = self.fresh((self.clock)()) {
            return Ok(credentials);
        }
        let finished_before = self.finished.load(Ordering::SeqCst);
        // Held across the refresh: the callers queued here are the herd that must not refresh.
        let mut outcome = self.refresh.lock().await;
        let now = (self.clock)();
        if let Some(credentials) = self.fresh(now) {
            return Ok(credentials);
        }
        if let Some(failure) = &outcome.failure
            && (outcome.finished != finished_before
                || outcome.retry_at.is_some_and(|retry_at| now < retry_at))
        {
            // A refresh ran while this call waited, or failed moments ago: share its outcome
            // rather than ask the provider again per caller.
            return self.unexpired_or(now, failure.clone());
        }
        let supplied = self.inner.provide().await;
        outcome.finished += 1;
        self.finished.store(outcome.finished, Ordering::SeqCst);
        let now = (self.clock)();
        let admitted = supplied.and_then(|credentials| {
            let refresh_at = self.refresh_at(&credentials, now)?;
            Ok((credentials, refresh_at))
        });
        match admitted {
            Ok((credentials, refresh_at)) => {
                tracing::debug!(
                    expiry = ?credentials.expiry(),
                    refresh_at = ?refresh_at,
                    "credentials cache refreshed"
                );
                *self.cached.write().unwrap_or_else(PoisonError::into_inner) = Some(Cached {
                    credentials: credentials.clone(),
                    refresh_at,
                });
                outcome.failure = None;
                outcome.failures = 0;
                outcome.retry_at = None;
                Ok(credentials)
            }
            Err(error) => {
                outcome.failure = Some(error.clone());
                outcome.failures = outcome.failures.saturating_add(1);
                outcome.retry_at = now.checked_add(failure_backoff(outcome.failures));
                self.unexpired_or(now, error)
            }
        }
    }
}

impl<P: ProvideCredentials> ProvideCredentials for CredentialsCache<P> {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.cached_or_refresh())
    }

    fn invalidate(&self, credentials: &Credentials) -> bool {
        let mut cached = self.cached.write().unwrap_or_else(PoisonError::into_inner);
        let dropped = cached
            .as_ref()
            .is_some_and(|cached| cached.credentials.same_as(credentials));
        if dropped {
            tracing::debug!("cached credentials invalidated");
            *cached = None;
        }
        drop(cached);
        self.inner.invalidate(credentials) || dropped
    }
}

impl<P: fmt::Debug> fmt::Debug for CredentialsCache<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("CredentialsCache")
            .field("inner", &self.inner)
            .field("refresh_margin", &self.margin)
            .field(
                "refresh_at",
                &cached.as_ref().map(|cached| cached.refresh_at),
            )
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::test_support::*;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize};
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2025-01-01 00:00:00 UTC);

    /// A clock the test moves by hand.
    #[derive(Clone)]
    struct ManualClock(Arc<Mutex<OffsetDateTime>>);

    impl ManualClock {
        fn new() -> Self {
            ManualClock(Arc::new(Mutex::new(T0)))
        }
        fn now(&self) -> OffsetDateTime {
            *self.0.lock().unwrap()
        }
        fn set(&self, elapsed: time::Duration) {
            *self.0.lock().unwrap() = T0 + elapsed;
        }
        fn clock(&self) -> Clock {
            let clock = self.clone();
            Arc::new(move || clock.now())
        }
    }

    /// Supplies credentials living `lifetime` from its clock's now (forever if `None`), after
    /// `delay`; fails while `failing` is set. Counts its calls.
    #[derive(Debug)]
    struct Inner {
        calls: AtomicUsize,
        failing: AtomicBool,
        delay: Duration,
        lifetime: Option<time::Duration>,
        clock: Arc<Mutex<OffsetDateTime>>,
    }

    impl Inner {
        fn new(clock: &ManualClock, lifetime: Option<time::Duration>) -> Self {
            Inner {
                calls: AtomicUsize::new(0),
                failing: AtomicBool::new(false),
                delay: Duration::ZERO,
                lifetime,
                clock: clock.0.clone(),
            }
        }
        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }
    }

    impl ProvideCredentials for Inner {
        fn provide(&self) -> ProvideFuture<'_> {
            Box::pin(async move {
                let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(self.delay).await;
                if self.failing.load(Ordering::SeqCst) {
                    return Err(CredentialsError::misconfigured(
                        "inner",
                        format!("failure {call}"),
                    ));
                }
                let credentials =
                    Credentials::new(format!("id-{call}"), SECRET_KEY).with_token(TOKEN);
                Ok(match self.lifetime {
                    Some(lifetime) => {
                        credentials.with_expiry(*self.clock.lock().unwrap() + lifetime)
                    }
                    None => credentials,
                })
            })
        }
    }

    fn cache(clock: &ManualClock, inner: Inner) -> Arc<CredentialsCache<Inner>> {
        Arc::new(CredentialsCache::new(inner).with_clock(clock.clock()))
    }

    fn minutes(minutes: i64) -> time::Duration {
        time::Duration::minutes(minutes)
    }

    async fn id(cache: &CredentialsCache<Inner>) -> String {
        cache.provide().await.unwrap().secret_id().to_owned()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_hundred_concurrent_calls_on_a_cold_cache_refresh_once() {
        let clock = ManualClock::new();
        let mut inner = Inner::new(&clock, Some(minutes(60)));
        inner.delay = Duration::from_millis(50);
        let cache = cache(&clock, inner);
        let calls: Vec<_> = (0..100)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { id(&cache).await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap(), "id-1");
        }
        assert_eq!(cache.inner().calls(), 1);
    }

    #[tokio::test]
    async fn refreshes_once_after_expiry_minus_margin() {
        let clock = ManualClock::new();
        let cache = cache(&clock, Inner::new(&clock, Some(minutes(60))));
        assert_eq!(id(&cache).await, "id-1");
        clock.set(minutes(55) - time::Duration::SECOND);
        assert_eq!(
            id(&cache).await,
            "id-1",
            "still outside the 5 minute margin"
        );
        clock.set(minutes(55));
        assert_eq!(id(&cache).await, "id-2");
        assert_eq!(id(&cache).await, "id-2");
        assert_eq!(cache.inner().calls(), 2);
    }

    #[tokio::test]
    async fn the_margin_is_configurable() {
        let clock = ManualClock::new();
        let cache = Arc::new(
            CredentialsCache::new(Inner::new(&clock, Some(minutes(60))))
                .with_clock(clock.clock())
                .with_refresh_margin(Duration::from_secs(20 * 60)),
        );
        id(&cache).await;
        clock.set(minutes(39));
        assert_eq!(id(&cache).await, "id-1");
        clock.set(minutes(40));
        assert_eq!(id(&cache).await, "id-2");
    }

    #[tokio::test]
    async fn concurrent_callers_after_expiry_share_one_refresh() {
        let clock = ManualClock::new();
        let mut inner = Inner::new(&clock, Some(minutes(60)));
        inner.delay = Duration::from_millis(30);
        let cache = cache(&clock, inner);
        id(&cache).await;
        clock.set(minutes(61));
        let calls: Vec<_> = (0..50)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { id(&cache).await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap(), "id-2");
        }
        assert_eq!(cache.inner().calls(), 2);
    }

    #[tokio::test]
    async fn credentials_without_expiry_are_never_refreshed() {
        let clock = ManualClock::new();
        let cache = cache(&clock, Inner::new(&clock, None));
        id(&cache).await;
        clock.set(time::Duration::days(3650));
        assert_eq!(id(&cache).await, "id-1");
        assert_eq!(cache.inner().calls(), 1);
    }

    #[tokio::test]
    async fn a_failed_refresh_is_not_retried_before_its_backoff() {
        let clock = ManualClock::new();
        let cache = cache(&clock, Inner::new(&clock, Some(minutes(60))));
        cache.inner().failing.store(true, Ordering::SeqCst);
        let error = cache.provide().await.unwrap_err();
        assert_eq!(error.to_string(), "inner: failure 1");
        // Within the second after the failure, calls get it without asking the provider.
        for _ in 0..10 {
            let again = cache.provide().await.unwrap_err();
            assert_eq!(again.to_string(), "inner: failure 1");
        }
        assert_eq!(cache.inner().calls(), 1);
        // Then the provider is asked again; failing, it waits 2 s, then 4 s...
        let second = time::Duration::SECOND;
        clock.set(second);
        assert_eq!(
            cache.provide().await.unwrap_err().to_string(),
            "inner: failure 2"
        );
        clock.set(second * 2);
        assert_eq!(
            cache.provide().await.unwrap_err().to_string(),
            "inner: failure 2"
        );
        clock.set(second * 3);
        assert_eq!(
            cache.provide().await.unwrap_err().to_string(),
            "inner: failure 3"
        );
        assert_eq!(cache.inner().calls(), 3);
        // A success resets the backoff.
        cache.inner().failing.store(false, Ordering::SeqCst);
        clock.set(second * 7);
        assert_eq!(id(&cache).await, "id-4");
        assert_eq!(failure_backoff(1), second);
        assert_eq!(failure_backoff(7), second * 60);
        assert_eq!(failure_backoff(u32::MAX), second * 60);
    }

    #[tokio::test]
    async fn invalidated_credentials_are_fetched_anew_and_others_are_kept() {
        let clock = ManualClock::new();
        let cache = cache(&clock, Inner::new(&clock, Some(minutes(60))));
        let first = cache.provide().await.unwrap();
        // Credentials other than the cached ones: nothing to drop.
        assert!(!cache.invalidate(&Credentials::new("id-1", SECRET_KEY)));
        assert_eq!(id(&cache).await, "id-1");
        assert!(cache.invalidate(&first));
        assert_eq!(id(&cache).await, "id-2");
        assert_eq!(cache.inner().calls(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn callers_waiting_on_a_failing_refresh_share_its_error() {
        let clock = ManualClock::new();
        let mut inner = Inner::new(&clock, Some(minutes(60)));
        inner.delay = Duration::from_millis(50);
        inner.failing.store(true, Ordering::SeqCst);
        let cache = cache(&clock, inner);
        let calls: Vec<_> = (0..30)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { cache.provide().await.unwrap_err().to_string() })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap(), "inner: failure 1");
        }
        assert_eq!(cache.inner().calls(), 1);
        cache.inner().failing.store(false, Ordering::SeqCst);
        clock.set(time::Duration::SECOND);
        assert_eq!(id(&cache).await, "id-2");
    }

    #[tokio::test]
    async fn a_failed_refresh_within_the_margin_keeps_the_unexpired_credentials() {
        let clock = ManualClock::new();
        let cache = cache(&clock, Inner::new(&clock, Some(minutes(60))));
        id(&cache).await;
        cache.inner().failing.store(true, Ordering::SeqCst);
        clock.set(minutes(58));
        assert_eq!(id(&cache).await, "id-1");
        // Within the safety margin of the expiry, they are not handed out any more.
        clock.set(minutes(60) - time::Duration::seconds(30));
        let error = cache.provide().await.unwrap_err();
        assert_eq!(error.to_string(), "inner: failure 3");
        assert_error_redacted(&error);
    }

    #[tokio::test]
    async fn already_expired_credentials_are_an_error_and_not_cached() {
        let clock = ManualClock::new();
        let cache = cache(&clock, Inner::new(&clock, Some(minutes(-1))));
        let error = cache.provide().await.unwrap_err();
        assert!(
            matches!(error, CredentialsError::Expired { .. }),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("check the system clock"),
            "{error}"
        );
        assert_error_redacted(&error);
        clock.set(time::Duration::SECOND);
        cache.provide().await.unwrap_err();
        assert_eq!(cache.inner().calls(), 2);
    }

    #[tokio::test]
    async fn credentials_shorter_lived_than_the_margin_are_kept_half_their_life() {
        let clock = ManualClock::new();
        let cache = cache(&clock, Inner::new(&clock, Some(minutes(2))));
        id(&cache).await;
        clock.set(time::Duration::seconds(59));
        assert_eq!(id(&cache).await, "id-1");
        clock.set(time::Duration::seconds(60));
        assert_eq!(id(&cache).await, "id-2");
    }

    #[tokio::test]
    async fn a_cancelled_refresh_does_not_block_the_next_call() {
        let clock = ManualClock::new();
        let mut inner = Inner::new(&clock, Some(minutes(60)));
        inner.delay = Duration::from_millis(200);
        let cache = cache(&clock, inner);
        let cancelled = tokio::time::timeout(Duration::from_millis(20), cache.provide()).await;
        assert!(cancelled.is_err());
        assert_eq!(id(&cache).await, "id-2");
    }

    #[tokio::test]
    async fn debug_shows_no_secret() {
        let clock = ManualClock::new();
        let cache = cache(&clock, Inner::new(&clock, Some(minutes(60))));
        id(&cache).await;
        let debug = format!("{cache:?}");
        assert_redacted(&debug);
        assert!(debug.contains("refresh_at"), "{debug}");
    }
}
