//! Waiters: poll a `Describe*` action until the resource reaches the state waited for, fails
//! into a state it cannot leave, or the maximum wait passes.
//!
//! A waiter is generated from the `waiters` of a spec (`describe_proxies::PROXY_RUNNING`): its
//! name, its delays and a matcher, a plain function of the typed response that `gaap_api!`
//! writes from the spec's acceptors, its paths checked against the response type at compile
//! time. [`Client::wait`] runs it. Each poll is one [`Client::send`], so it validates, signs,
//! keeps under the client's rate limiter and retries as any call does; the waiter only decides
//! what a poll's outcome means and how long to wait before the next one.

use std::fmt;
use std::time::Duration;

use tokio::time::Instant;

use crate::action::{Action, ApiError};
use crate::client::Client;
use crate::error::Error;

/// What an acceptor says when it matches a poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptorState {
    /// The state waited for: the wait ends with this poll.
    Success,
    /// A state that cannot lead to the one waited for: the wait ends with [`WaitError::Failed`].
    Failure,
    /// Not there yet: poll again after the next delay.
    Retry,
}

/// The acceptor that matched a poll, and what it saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched {
    /// What the match means.
    pub state: AcceptorState,
    /// What was seen, as the spec words it: `ProxySet[].Status = CLOSED`, `error ResourceNotFound`,
    /// `ProxySet[].Status = CREATE_FAILED (undocumented)`.
    pub observed: String,
}

impl Matched {
    /// An acceptor's verdict.
    pub fn new(state: AcceptorState, observed: impl Into<String>) -> Self {
        Matched {
            state,
            observed: observed.into(),
        }
    }
}

/// What an acceptor saw at a path: `ProxySet[].Status = CLOSED` (for generated matchers).
pub fn observed(path: &str, value: &dyn fmt::Display) -> String {
    format!("{path} = {value}")
}

/// An undocumented value at a path: `ProxySet[].Status = CREATE_FAILED (undocumented)` (for
/// generated matchers).
pub fn undocumented(path: &str, value: &dyn fmt::Display) -> String {
    format!("{path} = {value} (a value the documentation does not list)")
}

/// The outcome of one poll: the typed response or the call's error.
pub type Poll<A> = Result<<A as Action>::Response, Error<<A as Action>::Error>>;

/// A waiter of action `A`, as generated from its spec: [`Client::wait`] polls `A` with it.
///
/// The matcher tries the spec's acceptors in order, then treats an undocumented value (the
/// `Unknown` variant of a status enum, such as `CREATE_FAILED`, which no description lists) at
/// any path the acceptors read as a failure: a state the SDK does not know is no state it can
/// wait through, and stopping names it rather than polling it until the timeout. A poll that no
/// acceptor matches is a retry.
pub struct Waiter<A: Action> {
    /// The waiter's name in the spec (`ProxyRunning`).
    pub name: &'static str,
    /// The shortest delay between two polls.
    pub min_delay: Duration,
    /// The longest delay between two polls.
    pub max_delay: Duration,
    /// How long to wait in all, from the first poll, before giving up with
    /// [`WaitError::TimedOut`].
    pub max_wait: Duration,
    /// The generated matcher: the verdict of the first acceptor that matches `poll`, or `None`.
    pub matcher: fn(&Poll<A>) -> Option<Matched>,
}

impl<A: Action> Clone for Waiter<A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A: Action> Copy for Waiter<A> {}

impl<A: Action> fmt::Debug for Waiter<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("action", &A::ACTION)
            .field("name", &self.name)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

impl<A: Action> Waiter<A> {
    /// This waiter with another maximum wait.
    #[must_use]
    pub const fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// This waiter with other delays between polls (`max` below `min` counts as `min`).
    #[must_use]
    pub const fn with_delays(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max;
        self
    }

    /// The verdict on one poll: the generated matcher's, or a retry.
    pub fn judge(&self, poll: &Poll<A>) -> Option<Matched> {
        (self.matcher)(poll)
    }

    /// The delay after poll number `poll` (1 for the first), for a `unit` drawn uniformly from
    /// `[0, 1)`: between `min_delay` and `min(max_delay, min_delay * 2^(poll - 1))`, so the
    /// polls start close together and spread out, and many waiters started at once do not poll
    /// in step ("exponential backoff with jitter").
    pub fn delay(&self, poll: u32, unit: f64) -> Duration {
        backoff_delay(self.min_delay, self.max_delay, poll, unit)
    }
}

/// The delay after poll number `poll` between `min` and `min(max, min * 2^(poll - 1))`, at
/// `unit` (in `[0, 1]`, clamped) of the way.
fn backoff_delay(min: Duration, max: Duration, poll: u32, unit: f64) -> Duration {
    let max = max.max(min);
    let doublings = poll.saturating_sub(1).min(31);
    let cap = min
        .checked_mul(1u32 << doublings)
        .unwrap_or(Duration::MAX)
        .min(max);
    let unit = if unit.is_nan() {
        0.0
    } else {
        unit.clamp(0.0, 1.0)
    };
    // `mul_f64` would panic where the product rounds above `Duration::MAX`.
    let spread = cap - min;
    let jitter = Duration::try_from_secs_f64(spread.as_secs_f64() * unit).unwrap_or(spread);
    min.saturating_add(jitter.min(spread))
}

/// How a wait that reached its state ended.
#[derive(Debug)]
#[non_exhaustive]
pub struct Waited<R, E> {
    /// The last poll, on which the waiter succeeded: the response, or for a waiter whose success
    /// is an error code (`ResourceNotFound` once a resource is gone), that error.
    pub last: Result<R, Error<E>>,
    /// What the success acceptor saw (`ProxySet[].Status = RUNNING`).
    pub observed: String,
    /// The number of polls made.
    pub polls: u32,
    /// The time from the first poll to the last answer.
    pub waited: Duration,
}

impl<R, E> Waited<R, E> {
    /// The last response, when the waiter succeeded on a response (every waiter but those that
    /// wait for an error code).
    pub fn response(&self) -> Option<&R> {
        self.last.as_ref().ok()
    }

    /// The last response, when the waiter succeeded on a response.
    pub fn into_response(self) -> Option<R> {
        self.last.ok()
    }
}

/// Why a wait ended without reaching the state waited for.
#[non_exhaustive]
pub enum WaitError<R, E> {
    /// A failure acceptor matched: the resource is in a state from which the one waited for
    /// cannot be reached (a proxy `CLOSED` while waiting for `RUNNING`, a task `FAIL`), or in a
    /// state the SDK does not know.
    Failed {
        /// The waiter's name (`ProxyRunning`).
        waiter: &'static str,
        /// What the acceptor saw: `ProxySet[].Status = CLOSED`.
        state: String,
        /// The poll that matched: the response, or the error of an error acceptor.
        last: Box<Result<R, Error<E>>>,
        /// The number of polls made.
        polls: u32,
    },
    /// The maximum wait passed before an acceptor said success or failure.
    TimedOut {
        /// The waiter's name.
        waiter: &'static str,
        /// The time waited, from the first poll.
        waited: Duration,
        /// The number of polls that answered.
        polls: u32,
        /// The last poll that answered (a response, or an error the client could not overcome
        /// and that a later poll might have), `None` when none answered in time.
        last: Option<Box<Result<R, Error<E>>>>,
    },
    /// A poll failed with an error that no acceptor expects and that polling again will not fix
    /// (a validation error, missing credentials, an API error such as `AuthFailure`).
    Poll {
        /// The waiter's name.
        waiter: &'static str,
        /// The error of the poll.
        error: Error<E>,
        /// The number of polls made.
        polls: u32,
    },
}

impl<R, E> WaitError<R, E> {
    /// The waiter's name.
    pub fn waiter(&self) -> &'static str {
        match self {
            WaitError::Failed { waiter, .. }
            | WaitError::TimedOut { waiter, .. }
            | WaitError::Poll { waiter, .. } => waiter,
        }
    }

    /// The last response, if the last poll answered with one.
    pub fn last_response(&self) -> Option<&R> {
        match self {
            WaitError::Failed { last, .. } => last.as_ref().as_ref().ok(),
            WaitError::TimedOut { last, .. } => last.as_deref()?.as_ref().ok(),
            WaitError::Poll { .. } => None,
        }
    }

    /// Whether the maximum wait passed.
    pub fn is_timeout(&self) -> bool {
        matches!(self, WaitError::TimedOut { .. })
    }
}

impl<R: fmt::Debug, E: fmt::Debug> fmt::Debug for WaitError<R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed {
                waiter,
                state,
                last,
                polls,
            } => f
                .debug_struct("Failed")
                .field("waiter", waiter)
                .field("state", state)
                .field("last", last)
                .field("polls", polls)
                .finish(),
            WaitError::TimedOut {
                waiter,
                waited,
                polls,
                last,
            } => f
                .debug_struct("TimedOut")
                .field("waiter", waiter)
                .field("waited", waited)
                .field("polls", polls)
                .field("last", last)
                .finish(),
            WaitError::Poll {
                waiter,
                error,
                polls,
            } => f
                .debug_struct("Poll")
                .field("waiter", waiter)
                .field("error", error)
                .field("polls", polls)
                .finish(),
        }
    }
}

impl<R, E: ApiError> fmt::Display for WaitError<R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed {
                waiter,
                state,
                polls,
                ..
            } => write!(
                f,
                "waiter {waiter} failed after {polls} poll(s): {state}, from which the state \
                 waited for cannot be reached"
            ),
            WaitError::TimedOut {
                waiter,
                waited,
                polls,
                last,
            } => {
                write!(
                    f,
                    "waiter {waiter} timed out after {:.1} s and {polls} poll(s)",
                    waited.as_secs_f64()
                )?;
                if let Some(Err(error)) = last.as_deref() {
                    write!(f, "; the last poll failed: {error}")?;
                }
                Ok(())
            }
            WaitError::Poll { waiter, error, .. } => {
                write!(f, "waiter {waiter} could not poll: {error}")
            }
        }
    }
}

impl<R: fmt::Debug, E: ApiError> std::error::Error for WaitError<R, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Poll { error, .. } => Some(error),
            WaitError::TimedOut { last, .. } => match last.as_deref() {
                Some(Err(error)) => Some(error),
                _ => None,
            },
            WaitError::Failed { last, .. } => last.as_ref().as_ref().err().map(|e| e as _),
        }
    }
}

impl Client {
    /// Polls `request` with `waiter` until the resource reaches the state waited for, and
    /// returns the last poll.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use gaap_runtime::Client;
    /// # gaap_runtime::gaap_api!("../specs/DescribeProxies.json");
    /// # async fn run(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = DescribeProxiesRequest::builder().proxy_ids(vec!["link-m9w1a7ok".to_owned()]).build();
    /// let waiter = describe_proxies::PROXY_RUNNING.with_max_wait(Duration::from_secs(600));
    /// let running = client.wait(waiter, request).await?;
    /// println!("running after {} polls", running.polls);
    /// # Ok(()) }
    /// # fn main() {}
    /// ```
    ///
    /// The first poll is sent at once; after a poll that no acceptor settles, the waiter sleeps
    /// [`Waiter::delay`] (exponential backoff between `min_delay` and `max_delay`, with jitter)
    /// and polls again. A poll that fails with an error the client may retry (a network failure,
    /// throttling) once its own retries are spent counts as "not there yet", and polling goes
    /// on; any other error no acceptor expects ends the wait ([`WaitError::Poll`]).
    ///
    /// The maximum wait is a deadline, never passed: a poll still in flight at the deadline is
    /// dropped (every action with a waiter only reads, so nothing is lost), and no poll starts
    /// whose delay would end after it. Time is tokio's clock, so a test can pause it.
    ///
    /// Cancellation-safe: dropping the future at any await stops the wait and leaves nothing
    /// behind (the polls only read).
    ///
    /// # Errors
    ///
    /// [`WaitError::Failed`] names the state a failure acceptor saw, [`WaitError::TimedOut`]
    /// carries the last poll, [`WaitError::Poll`] the error that ended the polling.
    pub async fn wait<A: Action + Clone>(
        &self,
        waiter: Waiter<A>,
        request: A,
    ) -> Result<Waited<A::Response, A::Error>, WaitError<A::Response, A::Error>> {
        self.wait_with_jitter(waiter, request, fastrand::f64).await
    }

    /// [`wait`](Self::wait) with the jitter drawn from `unit` (uniform in `[0, 1)`), for tests
    /// that need the exact delays.
    pub async fn wait_with_jitter<A: Action + Clone>(
        &self,
        waiter: Waiter<A>,
        request: A,
        mut unit: impl FnMut() -> f64,
    ) -> Result<Waited<A::Response, A::Error>, WaitError<A::Response, A::Error>> {
        let started = Instant::now();
        // A maximum wait too long for the clock (`Duration::MAX`: "no limit") never ends.
        let deadline = started
            .checked_add(waiter.max_wait)
            .unwrap_or_else(far_future);
        let mut polls = 0;
        let mut last: Option<Poll<A>> = None;
        let timed_out = |polls, last: Option<Poll<A>>| WaitError::TimedOut {
            waiter: waiter.name,
            waited: Instant::now() - started,
            polls,
            last: last.map(Box::new),
        };
        loop {
            let poll = match tokio::time::timeout_at(deadline, self.send(request.clone())).await {
                Ok(poll) => poll,
                Err(_) => return Err(timed_out(polls, last)),
            };
            polls += 1;
            let poll = match (waiter.judge(&poll), poll) {
                (Some(matched), last) if matched.state == AcceptorState::Success => {
                    return Ok(Waited {
                        last,
                        observed: matched.observed,
                        polls,
                        waited: Instant::now() - started,
                    });
                }
                (Some(matched), last) if matched.state == AcceptorState::Failure => {
                    return Err(WaitError::Failed {
                        waiter: waiter.name,
                        state: matched.observed,
                        last: Box::new(last),
                        polls,
                    });
                }
                (None, Err(error)) if !error.is_retryable() => {
                    return Err(WaitError::Poll {
                        waiter: waiter.name,
                        error,
                        polls,
                    });
                }
                // A retry acceptor, or nothing matched: not there yet.
                (_, poll) => poll,
            };
            tracing::debug!(
                waiter = waiter.name,
                action = A::ACTION,
                polls,
                "not there yet"
            );
            last = Some(poll);
            let delay = waiter.delay(polls, unit());
            if Instant::now()
                .checked_add(delay)
                .is_none_or(|end| end >= deadline)
            {
                return Err(timed_out(polls, last));
            }
            tokio::time::sleep(delay).await;
        }
    }
}

/// An instant no wait reaches: what tokio itself uses for "never" (about 30 years on).
fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400 * 365 * 30)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_saturate_at_the_largest_durations() {
        for unit in [0.0, 0.5, 0.999_999, 1.0] {
            let delay = backoff_delay(Duration::MAX, Duration::MAX, 40, unit);
            assert_eq!(delay, Duration::MAX);
            let delay = backoff_delay(secs(1), Duration::MAX, 200, unit);
            assert!(delay >= secs(1));
        }
        assert_eq!(
            backoff_delay(Duration::ZERO, Duration::MAX, 1, 1.0),
            Duration::ZERO
        );
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn delays_grow_from_min_to_max_with_jitter_in_between() {
        let delay = |poll, unit| backoff_delay(secs(2), secs(30), poll, unit);
        assert_eq!(delay(1, 1.0), secs(2));
        assert_eq!(delay(2, 1.0), secs(4));
        assert_eq!(delay(3, 1.0), secs(8));
        assert_eq!(delay(5, 1.0), secs(30));
        assert_eq!(delay(40, 1.0), secs(30));
        // Jitter: anywhere between the minimum and the cap, never below the minimum.
        assert_eq!(delay(5, 0.0), secs(2));
        assert_eq!(delay(3, 0.5), secs(5));
        assert_eq!(delay(3, f64::NAN), secs(2));
        assert_eq!(delay(3, 7.0), secs(8));
    }

    #[test]
    fn a_max_below_the_min_counts_as_the_min() {
        assert_eq!(backoff_delay(secs(5), secs(1), 3, 1.0), secs(5));
        assert_eq!(
            backoff_delay(Duration::ZERO, Duration::ZERO, 9, 1.0),
            Duration::ZERO
        );
    }
}
