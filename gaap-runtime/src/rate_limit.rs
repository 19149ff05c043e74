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

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

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
    pub async fn acquire(&self, action: &'static str, per_second: u32) {
        let Some(start) = self.book(action, per_second, Instant::now()) else {
            return;
        };
        tokio::time::sleep_until(start).await;
    }

    /// Books the next slot of `action` at or after `now`; `None` when the call may start now.
    fn book(&self, action: &'static str, per_second: u32, now: Instant) -> Option<Instant> {
        if per_second == 0 {
            return None;
        }
        let interval = Duration::from_secs(1) / per_second;
        let mut next_start = self
            .next_start
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let slot = next_start.entry(action).or_insert(now);
        let start = (*slot).max(now);
        *slot = start + interval;
        (start > now).then_some(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_spaced_by_the_interval_per_action() {
        let limiter = RateLimiter::new();
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        assert_eq!(limiter.book("A", 20, t0), None);
        assert_eq!(limiter.book("A", 20, t0), Some(t0 + ms(50)));
        assert_eq!(limiter.book("A", 20, t0), Some(t0 + ms(100)));
        // Another action has its own budget.
        assert_eq!(limiter.book("B", 20, t0), None);
        // After a pause the budget does not accumulate: one call now, the next 50 ms later.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(limiter.book("A", 20, later), None);
        assert_eq!(limiter.book("A", 20, later), Some(later + ms(50)));
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = RateLimiter::new();
        let t0 = Instant::now();
        for _ in 0..100 {
            assert_eq!(limiter.book("A", 0, t0), None);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn no_one_second_window_holds_more_than_the_limit() {
        let limiter = RateLimiter::new();
        let t0 = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..45 {
            limiter.acquire("CreateTCPListeners", 20).await;
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
