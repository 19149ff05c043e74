//! The retry policy's settings and its backoff: how many attempts, how long to wait between them.
//!
//! Which failures are retried is decided by [`Error::is_retryable`](crate::Error::is_retryable):
//! failures that provably happened before the request was sent, failures of idempotent actions
//! (read-only, or deduplicated by `ClientToken`), and throttling. This module only says how
//! often and how long.
//!
//! Every duration and count saturates: `Duration::MAX` and `u32::MAX` are the natural ways to say
//! "no limit", and they mean that, without overflow.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// How the client retries a failed call.
///
/// Attempts are bounded by count ([`max_attempts`](Self::max_attempts)) and by time:
/// [`max_total_time`](Self::max_total_time) is the budget of the whole call, from its start:
/// getting credentials, waiting for the client-side rate limiter, every attempt and every
/// backoff. An attempt's timeout is cut to what is left of it, and a call that cannot send
/// within it fails with [`Error::Deadline`](crate::Error::Deadline) rather than overrun.
///
/// Between attempts the client sleeps a random time between zero and
/// `min(max_backoff, initial_backoff * 2^(attempt - 1))` ("full jitter"), which spreads out the
/// retries of many clients throttled at once rather than having them collide again. A throttled
/// attempt (`RequestLimitExceeded`) is retried no sooner than [`THROTTLING_WINDOW`] after it was
/// sent, plus that jitter: the documented limits count requests per second, so a retry within
/// the same second would be refused again.
///
/// Every field saturates: `Duration::MAX` and `u32::MAX` mean "no limit" and never overflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// The number of attempts, the first included: `1` disables retries. `0` counts as `1`.
    pub max_attempts: u32,
    /// The cap of the first backoff; it doubles with every attempt.
    pub initial_backoff: Duration,
    /// The largest cap a backoff can reach.
    pub max_backoff: Duration,
    /// The time budget of a call, from its start: credentials, rate-limiter wait, attempts and
    /// backoffs. No attempt starts after it, and the timeout of each attempt is cut so that it
    /// ends by then.
    pub max_total_time: Duration,
}

impl RetryConfig {
    /// Three attempts, backoff caps of 0.2 s, 0.4 s..., at most 5 s, within 90 s in all: room for
    /// one attempt of the default timeout (60 s) and for retries after quicker failures.
    ///
    /// The 0.2 s start suits throttling: the documented limits are per second (20 requests per
    /// second for CreateTCPListeners), so a throttled caller has a fair chance a few hundred
    /// milliseconds later.
    pub const fn standard() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_total_time: Duration::from_secs(90),
        }
    }

    /// One attempt: the client never retries.
    pub const fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..RetryConfig::standard()
        }
    }

    /// This configuration with `max_attempts` attempts.
    pub const fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// This configuration with these backoff caps.
    pub const fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// This configuration with this time budget.
    pub const fn with_max_total_time(mut self, max_total_time: Duration) -> Self {
        self.max_total_time = max_total_time;
        self
    }

    /// The number of attempts, at least one.
    pub(crate) fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// The cap of the backoff after attempt `attempt` (1 for the first attempt) failed:
    /// `min(max_backoff, initial_backoff * 2^(attempt - 1))`, without overflow.
    pub fn backoff_cap(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(32);
        self.initial_backoff
            .checked_mul(1u32 << doublings.min(31))
            .unwrap_or(Duration::MAX)
            .min(self.max_backoff)
    }

    /// The backoff after attempt `attempt` failed, for a `unit` drawn uniformly from `[0, 1)`:
    /// `unit` times [`backoff_cap`](Self::backoff_cap). A `unit` outside `[0, 1]` is clamped.
    pub fn backoff(&self, attempt: u32, unit: f64) -> Duration {
        scale(self.backoff_cap(attempt), unit)
    }
}

/// How long after a throttled attempt was sent its retry may start: the documented rate limits
/// count requests per second.
pub const THROTTLING_WINDOW: Duration = Duration::from_secs(1);

/// `duration` times `unit` (clamped to `[0, 1]`, NaN as 0), exact and without overflow:
/// `Duration::mul_f64` panics for `Duration::MAX` times `1.0`, which rounds up past the maximum
/// as an `f64`.
fn scale(duration: Duration, unit: f64) -> Duration {
    let unit = if unit.is_nan() {
        0.0
    } else {
        unit.clamp(0.0, 1.0)
    };
    // 32 bits of fraction: at most 2^94 nanoseconds times 2^32 fits in a u128.
    let fraction = (unit * (1u64 << 32) as f64) as u128;
    let nanos = (duration.as_nanos() * fraction) >> 32;
    let secs = u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX);
    Duration::new(secs, (nanos % 1_000_000_000) as u32).min(duration)
}

/// The instant `budget` after `start`, saturating at a far future (30 years on) rather than
/// overflowing.
pub(crate) fn deadline(start: Instant, budget: Duration) -> Instant {
    const FAR_FUTURE: Duration = Duration::from_secs(30 * 365 * 86_400);
    start.checked_add(budget.min(FAR_FUTURE)).unwrap_or(start)
}

/// What a failed attempt means for the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Not retried: this is the call's error.
    Final,
    /// Retried after the backoff.
    Retry,
    /// Throttled: retried once [`THROTTLING_WINDOW`] has passed since the attempt was sent,
    /// plus the backoff.
    RetryNextWindow,
    /// Nothing was sent (the budget ran out waiting for a slot, credentials failed): not
    /// retried, and after an earlier attempt the earlier attempt's error is the call's error,
    /// since it alone says what may have reached the server.
    NotSent,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig::standard()
    }
}

/// Runs `attempt` (numbered from 1) until it succeeds, fails with an error `verdict` does not let
/// be retried, or the attempts or the time budget (up to `deadline`) are spent; sleeps the
/// backoff between attempts, `unit()` drawing the jitter. `attempts` ends as the number of
/// attempts sent (or failed in sending).
///
/// A retry that could not start before `deadline` once its backoff is slept is not made: the
/// last error is returned at once rather than after a sleep that leads nowhere.
pub(crate) async fn run<T, E, Fut>(
    config: &RetryConfig,
    deadline: Instant,
    mut unit: impl FnMut() -> f64,
    verdict: impl Fn(&E) -> Verdict,
    attempts: &mut u32,
    mut attempt: impl FnMut(u32) -> Fut,
) -> Result<T, E>
where
    E: Display,
    Fut: Future<Output = Result<T, E>>,
{
    let mut number: u32 = 0;
    let mut previous: Option<E> = None;
    loop {
        number = number.saturating_add(1);
        *attempts = number;
        let started = Instant::now();
        let error = match attempt(number).await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let wait = match verdict(&error) {
            Verdict::Final => return Err(error),
            Verdict::NotSent => {
                return Err(match previous {
                    Some(previous) => {
                        *attempts = number - 1;
                        tracing::debug!(error = %error, "giving up before sending again");
                        previous
                    }
                    None => error,
                });
            }
            Verdict::Retry => config.backoff(number, unit()),
            Verdict::RetryNextWindow => {
                let window = THROTTLING_WINDOW.saturating_sub(started.elapsed());
                window.saturating_add(config.backoff(number, unit()))
            }
        };
        if number >= config.attempts() {
            return Err(error);
        }
        match Instant::now().checked_add(wait) {
            Some(retry_at) if retry_at < deadline => {}
            _ => return Err(error),
        }
        tracing::info!(
            attempt = number,
            backoff_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            error = %error,
            "retrying"
        );
        tokio::time::sleep(wait).await;
        previous = Some(error);
    }
}

/// A uniform draw from `[0, 1)` for the jitter. Not for cryptography: it only decorrelates
/// clients.
pub(crate) fn jitter_unit() -> f64 {
    fastrand::f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn the_cap_doubles_from_the_initial_backoff_up_to_the_maximum() {
        let config = RetryConfig::standard().with_backoff(100 * MS, 1000 * MS);
        let caps: Vec<Duration> = (1..=6).map(|a| config.backoff_cap(a)).collect();
        assert_eq!(
            caps,
            [100 * MS, 200 * MS, 400 * MS, 800 * MS, 1000 * MS, 1000 * MS]
        );
    }

    #[test]
    fn huge_attempt_numbers_and_durations_do_not_overflow() {
        let config = RetryConfig::standard().with_backoff(Duration::MAX, Duration::MAX);
        assert_eq!(config.backoff_cap(u32::MAX), Duration::MAX);
        let config = RetryConfig::standard().with_backoff(Duration::from_secs(1), Duration::MAX);
        assert_eq!(config.backoff_cap(0), Duration::from_secs(1));
        assert_eq!(config.backoff_cap(40), Duration::from_secs(1 << 31));
    }

    #[test]
    fn full_jitter_spans_zero_to_the_cap() {
        let config = RetryConfig::standard().with_backoff(100 * MS, 1000 * MS);
        assert_eq!(config.backoff(3, 0.0), Duration::ZERO);
        assert_eq!(config.backoff(3, 0.5), 200 * MS);
        assert_eq!(config.backoff(3, 1.0), 400 * MS);
        assert_eq!(config.backoff(3, 7.0), 400 * MS);
        assert_eq!(config.backoff(3, -1.0), Duration::ZERO);
        assert_eq!(config.backoff(3, f64::NAN), Duration::ZERO);
        for _ in 0..1000 {
            let unit = jitter_unit();
            assert!((0.0..1.0).contains(&unit));
            assert!(config.backoff(2, unit) < 200 * MS);
        }
    }

    /// Runs `run` over attempts that fail `failures` times with a retryable error, recording
    /// when each attempt started (tokio's clock is paused: the instants are exact).
    async fn attempt_starts(
        config: RetryConfig,
        unit: f64,
        failures: u32,
    ) -> (Result<u32, String>, u32, Vec<Duration>) {
        let t0 = Instant::now();
        let mut starts = Vec::new();
        let mut attempts = 0;
        let result = run(
            &config,
            t0 + config.max_total_time,
            || unit,
            |error: &String| {
                if error.as_str() == "retryable" {
                    Verdict::Retry
                } else {
                    Verdict::Final
                }
            },
            &mut attempts,
            |n| {
                starts.push(Instant::now() - t0);
                std::future::ready(if n <= failures {
                    Err("retryable".to_owned())
                } else {
                    Ok(n)
                })
            },
        )
        .await;
        (result, attempts, starts)
    }

    #[tokio::test(start_paused = true)]
    async fn retries_sleep_the_jittered_exponential_backoff() {
        let config = RetryConfig::standard()
            .with_max_attempts(5)
            .with_backoff(100 * MS, 300 * MS);
        let (result, attempts, starts) = attempt_starts(config, 1.0, 4).await;
        assert_eq!((result, attempts), (Ok(5), 5));
        // Caps 100, 200, 300 (max), 300 ms, all slept in full with a unit of 1.
        assert_eq!(
            starts,
            [Duration::ZERO, 100 * MS, 300 * MS, 600 * MS, 900 * MS]
        );
        let (_, _, starts) = attempt_starts(config, 0.5, 2).await;
        assert_eq!(starts, [Duration::ZERO, 50 * MS, 150 * MS]);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_stop_at_the_attempt_limit_and_the_time_budget() {
        let config = RetryConfig::standard()
            .with_max_attempts(3)
            .with_backoff(100 * MS, 100 * MS);
        let (result, attempts, _) = attempt_starts(config, 1.0, 10).await;
        assert_eq!((result.unwrap_err().as_str(), attempts), ("retryable", 3));

        // 250 ms allow the retries at 100 and 200 ms, not one at 300 ms: it is not waited for.
        let config = config.with_max_attempts(10).with_max_total_time(250 * MS);
        let t0 = Instant::now();
        let (result, attempts, starts) = attempt_starts(config, 1.0, 10).await;
        assert!(result.is_err());
        assert_eq!(attempts, 3);
        assert_eq!(starts, [Duration::ZERO, 100 * MS, 200 * MS]);
        assert_eq!(Instant::now() - t0, 200 * MS);
    }

    #[tokio::test(start_paused = true)]
    async fn errors_refused_by_the_predicate_are_not_retried() {
        let t0 = Instant::now();
        let mut attempts = 0;
        let result: Result<(), String> = run(
            &RetryConfig::standard(),
            t0 + Duration::from_secs(30),
            || 1.0,
            |_: &String| Verdict::Final,
            &mut attempts,
            |_| std::future::ready(Err("fatal".to_owned())),
        )
        .await;
        assert_eq!((result, attempts), (Err("fatal".to_owned()), 1));
        assert_eq!(Instant::now(), t0);
    }

    #[test]
    fn extreme_durations_scale_without_panicking() {
        let config = RetryConfig::standard().with_backoff(Duration::MAX, Duration::MAX);
        assert_eq!(config.backoff(1, 1.0), Duration::MAX);
        // Within a part in 2^32 of the maximum, never above it.
        let almost = config.backoff(u32::MAX, 0.999_999_999_999);
        assert!(almost > Duration::MAX / 2, "{almost:?}");
        assert_eq!(config.backoff(1, 0.5), Duration::MAX / 2);
        assert_eq!(scale(Duration::from_nanos(1), 0.999), Duration::ZERO);
        assert_eq!(scale(Duration::from_nanos(1), 1.0), Duration::from_nanos(1));
        assert_eq!(scale(Duration::from_secs(4), 0.25), Duration::from_secs(1));
        let t0 = Instant::now();
        assert!(deadline(t0, Duration::MAX) > t0 + Duration::from_secs(365 * 86_400));
        assert_eq!(deadline(t0, Duration::ZERO), t0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttled_attempt_is_retried_in_the_next_window() {
        let config = RetryConfig::standard().with_backoff(100 * MS, 100 * MS);
        let t0 = Instant::now();
        let mut starts = Vec::new();
        let mut attempts = 0;
        let result = run(
            &config,
            t0 + Duration::from_secs(30),
            || 0.5,
            |_: &String| Verdict::RetryNextWindow,
            &mut attempts,
            |n| {
                starts.push(Instant::now() - t0);
                let took = 300 * MS;
                async move {
                    // The refusal arrives 300 ms after the attempt started.
                    tokio::time::sleep(took).await;
                    if n < 3 {
                        Err("throttled".to_owned())
                    } else {
                        Ok(n)
                    }
                }
            },
        )
        .await;
        assert_eq!(result, Ok(3));
        // 1 s after each attempt started, plus half the 100 ms cap.
        assert_eq!(starts, [Duration::ZERO, 1050 * MS, 2100 * MS]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_attempt_that_sent_nothing_leaves_the_previous_error_standing() {
        let config = RetryConfig::standard().with_backoff(MS, MS);
        let t0 = Instant::now();
        let mut attempts = 0;
        let result: Result<(), String> = run(
            &config,
            t0 + Duration::from_secs(30),
            || 0.0,
            |error: &String| {
                if error == "sent, no answer" {
                    Verdict::Retry
                } else {
                    Verdict::NotSent
                }
            },
            &mut attempts,
            |n| {
                std::future::ready(Err(if n == 1 {
                    "sent, no answer".to_owned()
                } else {
                    "deadline before sending".to_owned()
                }))
            },
        )
        .await;
        assert_eq!((result, attempts), (Err("sent, no answer".to_owned()), 1));
        // Nothing sent on the first attempt: that error is the call's.
        let result: Result<(), String> = run(
            &config,
            t0 + Duration::from_secs(30),
            || 0.0,
            |_: &String| Verdict::NotSent,
            &mut attempts,
            |_| std::future::ready(Err("no slot".to_owned())),
        )
        .await;
        assert_eq!((result, attempts), (Err("no slot".to_owned()), 1));
    }

    #[tokio::test(start_paused = true)]
    async fn unlimited_attempts_stop_at_the_budget() {
        let config = RetryConfig::standard()
            .with_max_attempts(u32::MAX)
            .with_backoff(Duration::from_secs(1), Duration::from_secs(1))
            .with_max_total_time(Duration::from_secs(10));
        let t0 = Instant::now();
        let (result, attempts, _) = attempt_starts(config, 1.0, u32::MAX).await;
        assert!(result.is_err());
        assert_eq!(attempts, 10);
        assert_eq!(Instant::now() - t0, Duration::from_secs(9));
    }

    #[test]
    fn disabled_means_one_attempt_and_zero_counts_as_one() {
        assert_eq!(RetryConfig::disabled().attempts(), 1);
        assert_eq!(RetryConfig::standard().with_max_attempts(0).attempts(), 1);
        assert_eq!(RetryConfig::default().attempts(), 3);
    }
}
