//! The retry policy's settings and its backoff: how many attempts, how long to wait between them.
//!
//! Which failures are retried is decided by [`Error::is_retryable`](crate::Error::is_retryable):
//! failures that provably happened before the request was sent, failures of idempotent actions
//! (read-only, or deduplicated by `ClientToken`), and throttling. This module only says how
//! often and how long.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// How the client retries a failed call.
///
/// Attempts are bounded by count ([`max_attempts`](Self::max_attempts)) and by time: no retry
/// starts, and none runs, past [`max_total_time`](Self::max_total_time) after the call began
/// (the first attempt has the client's whole timeout, whatever the budget).
/// Between attempts the client sleeps a random time between zero and
/// `min(max_backoff, initial_backoff * 2^(attempt - 1))` ("full jitter"), which spreads out the
/// retries of many clients throttled at once rather than having them collide again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// The number of attempts, the first included: `1` disables retries. `0` counts as `1`.
    pub max_attempts: u32,
    /// The cap of the first backoff; it doubles with every attempt.
    pub initial_backoff: Duration,
    /// The largest cap a backoff can reach.
    pub max_backoff: Duration,
    /// The time budget of a call, from its start: no retry starts after it, and the timeout of a
    /// retry is cut so that it ends by then. The first attempt is not cut.
    pub max_total_time: Duration,
}

impl RetryConfig {
    /// Three attempts, backoff caps of 0.2 s, 0.4 s..., at most 5 s, within 30 s in all.
    ///
    /// The 0.2 s start suits throttling: the documented limits are per second (20 requests per
    /// second for CreateTCPListeners), so a throttled caller has a fair chance a few hundred
    /// milliseconds later.
    pub const fn standard() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_total_time: Duration::from_secs(30),
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
        let unit = if unit.is_nan() {
            0.0
        } else {
            unit.clamp(0.0, 1.0)
        };
        self.backoff_cap(attempt).mul_f64(unit)
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig::standard()
    }
}

/// Runs `attempt` (numbered from 1) until it succeeds, fails with an error `retryable` refuses,
/// or the attempts or the time budget (up to `deadline`) are spent; sleeps the backoff between
/// attempts, `unit()` drawing the jitter. `attempts` ends as the number of attempts made.
///
/// A retry that could not start before `deadline` once its backoff is slept is not made: the
/// last error is returned at once rather than after a sleep that leads nowhere.
pub(crate) async fn run<T, E, Fut>(
    config: &RetryConfig,
    deadline: Instant,
    mut unit: impl FnMut() -> f64,
    retryable: impl Fn(&E) -> bool,
    attempts: &mut u32,
    mut attempt: impl FnMut(u32) -> Fut,
) -> Result<T, E>
where
    E: Display,
    Fut: Future<Output = Result<T, E>>,
{
    let mut number = 0;
    loop {
        number += 1;
        *attempts = number;
        let error = match attempt(number).await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        if !retryable(&error) || number >= config.attempts() {
            return Err(error);
        }
        let backoff = config.backoff(number, unit());
        if Instant::now() + backoff >= deadline {
            return Err(error);
        }
        tracing::info!(
            attempt = number,
            backoff_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX),
            error = %error,
            "retrying"
        );
        tokio::time::sleep(backoff).await;
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
            |error: &String| error.as_str() == "retryable",
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
            |_: &String| false,
            &mut attempts,
            |_| std::future::ready(Err("fatal".to_owned())),
        )
        .await;
        assert_eq!((result, attempts), (Err("fatal".to_owned()), 1));
        assert_eq!(Instant::now(), t0);
    }

    #[test]
    fn disabled_means_one_attempt_and_zero_counts_as_one() {
        assert_eq!(RetryConfig::disabled().attempts(), 1);
        assert_eq!(RetryConfig::standard().with_max_attempts(0).attempts(), 1);
        assert_eq!(RetryConfig::default().attempts(), 3);
    }
}
