//! The client-side rate limiter: keeps one client under each action's documented request rate
//! instead of provoking `RequestLimitExceeded` from the server.
//!
//! Tencent Cloud documents a default limit per action ("默认接口请求频率限制：20次/秒" for
//! CreateTCPListeners); the spec records it and the client reads it as
//! [`Action::RATE_LIMIT_PER_SECOND`](crate::Action::RATE_LIMIT_PER_SECOND). The limiter spaces
//! the calls of each action evenly, `1/limit` seconds apart (GCRA with a burst of one): then no
//! one-second window, however aligned, holds more than `limit` calls, whatever window the server
//! counts in. A burst allowance would be faster for the first calls and could still be throttled
//! by a server counting in fixed windows.
//!
//! Waiting is bounded twice: a call whose slot would start after its deadline is refused at once
//! ([`Refusal::Deadline`]) rather than left waiting for nothing, and no more than
//! [`MAX_QUEUED_CALLS`] calls of one action wait at a time ([`Refusal::QueueFull`]).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// How many calls of one action may wait for their slot at a time; one more is
/// [`Refusal::QueueFull`]. At the documented 20 calls per second, a minute of calls.
pub const MAX_QUEUED_CALLS: u32 = 1_200;

/// Why the limiter refused a call. Nothing was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The call's slot would start after its deadline.
    Deadline,
    /// [`MAX_QUEUED_CALLS`] calls of the action are already waiting.
    QueueFull,
}

/// Per-action spacing of calls. Shared by clones of a client; waits asynchronously.
#[derive(Debug, Default)]
pub struct RateLimiter {
    // The "theoretical arrival time" of GCRA for each action: the earliest instant the next call
    // may start. A std mutex is enough: it is held for a map lookup, never across an await.
    next_start: Mutex<HashMap<&'static str, Instant>>,
}

impl RateLimiter {
    /// A limiter that has seen no call.
    pub fn new() -> Self {
        RateLimiter::default()
    }

    /// Waits until a call of `action` may start under a limit of `per_second` calls per second,
    /// and books that slot. `per_second == 0` means no limit.
    ///
    /// Callers are served in the order they call: the slot is booked before waiting. A caller
    /// that gives up while waiting (its future dropped) leaves its slot unused, which only
    /// errs on the side of fewer calls.
    ///
    /// # Errors
    ///
    /// [`Refusal::Deadline`] at once, booking nothing, when the slot would start after
    /// `deadline`; [`Refusal::QueueFull`] when [`MAX_QUEUED_CALLS`] calls already wait.
    pub async fn acquire(
        &self,
        action: &'static str,
        per_second: u32,
        deadline: Instant,
    ) -> Result<(), Refusal> {
        if let Some(start) = self.book(action, per_second, Instant::now(), deadline)? {
            tokio::time::sleep_until(start).await;
        }
        Ok(())
    }

    /// Books the next slot of `action` at or after `now`; `None` when the call may start now.
    fn book(
        &self,
        action: &'static str,
        per_second: u32,
        now: Instant,
        deadline: Instant,
    ) -> Result<Option<Instant>, Refusal> {
        if per_second == 0 {
            return Ok(None);
        }
        let interval = Duration::from_secs(1) / per_second;
        let mut next_start = self
            .next_start
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let slot = next_start.entry(action).or_insert(now);
        let start = (*slot).max(now);
        if start > now {
            if start >= deadline {
                return Err(Refusal::Deadline);
            }
            // The call's place in the queue: the slots between now and its start.
            let place = (start - now).as_nanos() / interval.as_nanos().max(1);
            if place > u128::from(MAX_QUEUED_CALLS) {
                return Err(Refusal::QueueFull);
            }
        }
        *slot = start.checked_add(interval).unwrap_or(start);
        Ok((start > now).then_some(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn far(t0: Instant) -> Instant {
        t0 + Duration::from_secs(3600)
    }

    #[test]
    fn calls_are_spaced_by_the_interval_per_action() {
        let limiter = RateLimiter::new();
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let book = |action, now| limiter.book(action, 20, now, far(t0)).unwrap();
        assert_eq!(book("A", t0), None);
        assert_eq!(book("A", t0), Some(t0 + ms(50)));
        assert_eq!(book("A", t0), Some(t0 + ms(100)));
        // Another action has its own budget.
        assert_eq!(book("B", t0), None);
        // After a pause the budget does not accumulate: one call now, the next 50 ms later.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(book("A", later), None);
        assert_eq!(book("A", later), Some(later + ms(50)));
    }

    #[test]
    fn zero_means_unlimited_and_a_huge_limit_never_waits() {
        let limiter = RateLimiter::new();
        let t0 = Instant::now();
        for _ in 0..100 {
            assert_eq!(limiter.book("A", 0, t0, t0), Ok(None));
            assert_eq!(limiter.book("B", u32::MAX, t0, t0), Ok(None));
        }
    }

    #[test]
    fn a_slot_past_the_deadline_is_refused_and_not_booked() {
        let limiter = RateLimiter::new();
        let t0 = Instant::now();
        let deadline = t0 + Duration::from_millis(120);
        assert_eq!(limiter.book("A", 20, t0, deadline), Ok(None));
        assert!(limiter.book("A", 20, t0, deadline).unwrap().is_some());
        assert!(limiter.book("A", 20, t0, deadline).unwrap().is_some());
        // The fourth slot, at 150 ms, is past the deadline: refused, and it stays free for a
        // caller with more time.
        assert_eq!(limiter.book("A", 20, t0, deadline), Err(Refusal::Deadline));
        assert_eq!(
            limiter.book("A", 20, t0, far(t0)),
            Ok(Some(t0 + Duration::from_millis(150)))
        );
    }

    #[test]
    fn the_queue_of_one_action_is_bounded() {
        let limiter = RateLimiter::new();
        let t0 = Instant::now();
        let deadline = t0 + Duration::from_secs(86_400);
        for _ in 0..=MAX_QUEUED_CALLS {
            limiter.book("A", 1, t0, deadline).unwrap();
        }
        assert_eq!(limiter.book("A", 1, t0, deadline), Err(Refusal::QueueFull));
        assert_eq!(limiter.book("B", 1, t0, deadline), Ok(None));
    }

    #[tokio::test(start_paused = true)]
    async fn no_one_second_window_holds_more_than_the_limit() {
        let limiter = RateLimiter::new();
        let t0 = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..45 {
            limiter
                .acquire("CreateTCPListeners", 20, far(t0))
                .await
                .unwrap();
            starts.push(Instant::now() - t0);
        }
        for (i, start) in starts.iter().enumerate() {
            let in_window = starts[i..]
                .iter()
                .take_while(|s| **s < *start + Duration::from_secs(1))
                .count();
            assert!(in_window <= 20, "{in_window} calls within 1 s of {start:?}");
        }
        // And the limiter does not slow down more than it must: 45 calls in 2.2 s.
        assert_eq!(starts[44], Duration::from_millis(2200));
    }
}
