//! The emulator's notion of "now": the system clock, or a manual clock a test sets and advances.
//!
//! Two things read it: the signature check (a timestamp more than five minutes away from now is
//! `AuthFailure.SignatureExpire`) and the rate limiter (tokens refill as the clock advances), plus
//! the `CreateTime` of listeners. Pinning it lets a test replay a request signed years ago, or
//! send twenty-one requests "within one second" without depending on how fast the machine is.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SECOND: i64 = 1_000_000_000;

/// The clock an emulator reads. Cheap to clone; clones of a manual clock share one time.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    manual: Option<ManualClock>,
}

impl Clock {
    /// The system's wall clock.
    pub fn system() -> Self {
        Clock { manual: None }
    }

    /// Now, in nanoseconds since the Unix epoch.
    pub fn now_unix_nanos(&self) -> i64 {
        match &self.manual {
            Some(manual) => manual.now_unix_nanos(),
            None => system_unix_nanos(),
        }
    }

    /// Now, in whole seconds since the Unix epoch (rounded down).
    pub fn now_unix_seconds(&self) -> i64 {
        self.now_unix_nanos().div_euclid(NANOS_PER_SECOND)
    }

    /// The manual clock behind this clock, if it is one.
    pub fn as_manual(&self) -> Option<&ManualClock> {
        self.manual.as_ref()
    }
}

impl From<ManualClock> for Clock {
    fn from(manual: ManualClock) -> Self {
        Clock {
            manual: Some(manual),
        }
    }
}

/// A clock that only moves when told to. Clones share the same time, so a test keeps one clone
/// and gives another to the emulator ([`Config::clock`](crate::Config::clock)).
#[derive(Clone, Debug)]
pub struct ManualClock {
    unix_nanos: Arc<AtomicI64>,
}

impl ManualClock {
    /// A clock standing at `unix_seconds` (`X-TC-Timestamp` of a recorded request, say).
    pub fn at(unix_seconds: i64) -> Self {
        ManualClock {
            unix_nanos: Arc::new(AtomicI64::new(
                unix_seconds.saturating_mul(NANOS_PER_SECOND),
            )),
        }
    }

    /// A clock standing at the system's current time.
    pub fn at_system_now() -> Self {
        ManualClock {
            unix_nanos: Arc::new(AtomicI64::new(system_unix_nanos())),
        }
    }

    /// Moves the clock to `unix_seconds` exactly (backwards too).
    pub fn set(&self, unix_seconds: i64) {
        self.unix_nanos.store(
            unix_seconds.saturating_mul(NANOS_PER_SECOND),
            Ordering::SeqCst,
        );
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let nanos = i64::try_from(by.as_nanos()).unwrap_or(i64::MAX);
        let _ = self
            .unix_nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(nanos))
            });
    }

    /// Now, in nanoseconds since the Unix epoch.
    pub fn now_unix_nanos(&self) -> i64 {
        self.unix_nanos.load(Ordering::SeqCst)
    }

    /// Now, in whole seconds since the Unix epoch (rounded down).
    pub fn now_unix_seconds(&self) -> i64 {
        self.now_unix_nanos().div_euclid(NANOS_PER_SECOND)
    }
}

fn system_unix_nanos() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |n| -n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_is_shared_by_its_clones() {
        let manual = ManualClock::at(1_551_113_065);
        let clock = Clock::from(manual.clone());
        assert_eq!(clock.now_unix_seconds(), 1_551_113_065);
        manual.advance(Duration::from_millis(1_500));
        assert_eq!(clock.now_unix_seconds(), 1_551_113_066);
        assert_eq!(clock.now_unix_nanos() % NANOS_PER_SECOND, 500_000_000);
        manual.set(10);
        assert_eq!(clock.now_unix_seconds(), 10);
    }

    #[test]
    fn extreme_values_saturate_instead_of_overflowing() {
        let manual = ManualClock::at(i64::MAX);
        manual.advance(Duration::MAX);
        assert_eq!(manual.now_unix_nanos(), i64::MAX);
        let negative = ManualClock::at(-1);
        assert_eq!(negative.now_unix_seconds(), -1);
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(Clock::system().now_unix_seconds() > 1_577_836_800);
    }
}
