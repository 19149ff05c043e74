//! Rate limiting: a token bucket per secret id, for one action.
//!
//! A bucket holds up to `per_second` tokens and refills at `per_second` tokens per second of the
//! emulator's clock; a request takes one token or is refused with `RequestLimitExceeded`. So a
//! burst of `per_second` requests within one instant passes, the next one does not, and the
//! sustained rate is `per_second`. Arithmetic is in integers (billionths of a token), exact.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// The buckets of one action, keyed by secret id. Only authenticated secret ids reach it, so it
/// holds at most one bucket per configured key.
#[derive(Debug)]
pub(crate) struct Throttle {
    per_second: u32,
    buckets: Mutex<HashMap<Box<str>, Bucket>>,
}

#[derive(Debug)]
struct Bucket {
    /// In billionths of a token.
    level: i128,
    /// When `level` was last brought up to date, in unix nanoseconds of the emulator's clock.
    updated: i64,
}

impl Throttle {
    pub fn new(per_second: u32) -> Self {
        Throttle {
            per_second,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Takes a token for `secret_id` at `now` (unix nanoseconds); `false` when none is left.
    pub fn admit(&self, secret_id: &str, now: i64) -> bool {
        let rate = i128::from(self.per_second);
        let capacity = rate * NANOS_PER_SECOND;
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = match buckets.get_mut(secret_id) {
            Some(bucket) => bucket,
            None => buckets.entry(secret_id.into()).or_insert(Bucket {
                level: capacity,
                updated: now,
            }),
        };
        // A clock moved backwards refills nothing until it passes the last update again.
        if now > bucket.updated {
            let elapsed = i128::from(now) - i128::from(bucket.updated);
            bucket.level = (bucket.level + elapsed * rate).min(capacity);
            bucket.updated = now;
        }
        if bucket.level >= NANOS_PER_SECOND {
            bucket.level -= NANOS_PER_SECOND;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: i64 = 1_000_000_000;

    #[test]
    fn a_burst_of_the_rate_passes_and_the_next_request_does_not() {
        let throttle = Throttle::new(20);
        let now = 1_700_000_000 * SECOND;
        assert!((0..20).all(|_| throttle.admit("AKID1", now)));
        assert!(!throttle.admit("AKID1", now));
        // Another key has its own bucket.
        assert!(throttle.admit("AKID2", now));
        // A twentieth of a second later, one more token.
        assert!(throttle.admit("AKID1", now + SECOND / 20));
        assert!(!throttle.admit("AKID1", now + SECOND / 20));
        // A second later, a full bucket, not more.
        let later = now + 10 * SECOND;
        assert_eq!(
            (0..30).filter(|_| throttle.admit("AKID1", later)).count(),
            20
        );
    }

    #[test]
    fn the_sustained_rate_is_the_limit() {
        let throttle = Throttle::new(20);
        let start = 0;
        let mut admitted = 0;
        // 100 requests per second for 10 seconds.
        for i in 0..1000 {
            if throttle.admit("k", start + i * SECOND / 100) {
                admitted += 1;
            }
        }
        // The initial burst of 20, then 20 per second for the 9.99 seconds that follow.
        assert_eq!(admitted, 20 + 199);
    }

    #[test]
    fn a_clock_moving_backwards_refills_nothing() {
        let throttle = Throttle::new(1);
        assert!(throttle.admit("k", 10 * SECOND));
        assert!(!throttle.admit("k", 5 * SECOND));
        assert!(!throttle.admit("k", 10 * SECOND));
        assert!(throttle.admit("k", 11 * SECOND));
    }
}
