//! Fault injection: make the next request(s) fail the way networks and gateways fail, to test
//! what a client does when it does not get a clean answer.
//!
//! Each [`Fault`] says whether the action ran: a client that retries must never repeat an action
//! whose fate it cannot know, and these are the cases that tell.
//!
//! ```no_run
//! # async fn demo() -> Result<(), gaap_emulator::Error> {
//! use gaap_emulator::{Emulator, Fault, FaultRule};
//!
//! let emulator = Emulator::start().await?;
//! // The next request, whatever its action, gets a 502 page from "the gateway".
//! emulator.faults().push(Fault::Html5xx(502));
//! // The next two CreateTCPListeners run, then lose their connection.
//! emulator.faults().inject(FaultRule::new(Fault::DropAfterExecute).action("CreateTCPListeners").times(2));
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// One way a request can fail below the API.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The action does not run. The answer is this HTTP status (a 5xx; anything else outside
    /// 100..=999 becomes 502) with an HTML body, as a load balancer in front of the API sends.
    Html5xx(u16),
    /// The action does not run. The connection is reset (TCP RST) before any byte of a response.
    ResetBeforeResponse,
    /// The action runs; its answer is held back this long (real time, not the emulator's clock),
    /// then sent whole. For client timeouts: the client gives up, the action happened.
    Delay(Duration),
    /// The action runs. The answer declares its full `Content-Length`, sends the first half of
    /// its body, and the connection closes.
    TruncatedBody,
    /// The action does not run. The answer is `200 OK` with a body that is not JSON (a captive
    /// portal's or a proxy's text).
    NonJsonBody,
    /// The action runs (a listener is created), then the connection is reset without any
    /// response: the client cannot know the action happened.
    DropAfterExecute,
}

impl Fault {
    /// Whether the action is carried out before the fault shows.
    pub fn executes(&self) -> bool {
        matches!(
            self,
            Fault::Delay(_) | Fault::TruncatedBody | Fault::DropAfterExecute
        )
    }
}

/// When a fault applies: to which action, how many times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    /// The fault.
    pub fault: Fault,
    /// Only requests for this action (`CreateTCPListeners`); `None` for any request, including
    /// requests whose action cannot be read.
    pub action: Option<String>,
    /// How many requests it applies to; `None` for every matching request until
    /// [`Faults::clear`].
    pub times: Option<u32>,
}

impl FaultRule {
    /// `fault` on the next request, whatever its action.
    pub fn new(fault: Fault) -> Self {
        FaultRule {
            fault,
            action: None,
            times: Some(1),
        }
    }

    /// Only on requests for `action`.
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// On the next `times` matching requests.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    /// On every matching request, until [`Faults::clear`].
    pub fn always(mut self) -> Self {
        self.times = None;
        self
    }
}

/// The faults waiting to happen, in the order injected: a request gets the first rule that
/// matches it. Shared by every connection of one emulator; get it with
/// [`Emulator::faults`](crate::Emulator::faults).
#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<VecDeque<FaultRule>>,
    // Lets the hot path skip the lock when no fault is armed, which is always, outside tests.
    armed: AtomicBool,
}

impl Faults {
    /// `fault` on the next request, whatever its action.
    pub fn push(&self, fault: Fault) {
        self.inject(FaultRule::new(fault));
    }

    /// Adds a rule after the rules already waiting.
    pub fn inject(&self, rule: FaultRule) {
        if rule.times == Some(0) {
            return;
        }
        let mut rules = self.lock();
        rules.push_back(rule);
        self.armed.store(true, Ordering::Release);
    }

    /// Removes every waiting rule.
    pub fn clear(&self) {
        let mut rules = self.lock();
        rules.clear();
        self.armed.store(false, Ordering::Release);
    }

    /// How many rules are waiting (a rule with `times` left counts once).
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    /// The fault for a request for `action` (`None` when it could not be read), consuming one
    /// use of the rule that matched.
    pub(crate) fn take(&self, action: Option<&str>) -> Option<Fault> {
        if !self.armed.load(Ordering::Acquire) {
            return None;
        }
        let mut rules = self.lock();
        let index = rules.iter().position(|rule| match &rule.action {
            None => true,
            Some(wanted) => Some(wanted.as_str()) == action,
        })?;
        let rule = &mut rules[index];
        let fault = rule.fault.clone();
        if let Some(times) = &mut rule.times {
            *times -= 1;
            if *times == 0 {
                rules.remove(index);
            }
        }
        if rules.is_empty() {
            self.armed.store(false, Ordering::Release);
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<FaultRule>> {
        // The queue stays consistent whatever panicked while holding the lock.
        self.rules.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_in_order_to_matching_actions_and_run_out() {
        let faults = Faults::default();
        faults.inject(
            FaultRule::new(Fault::NonJsonBody)
                .action("DeleteListeners")
                .times(2),
        );
        faults.push(Fault::Html5xx(503));
        assert_eq!(
            faults.take(Some("CreateTCPListeners")),
            Some(Fault::Html5xx(503))
        );
        assert_eq!(faults.take(Some("CreateTCPListeners")), None);
        assert_eq!(faults.take(None), None);
        assert_eq!(
            faults.take(Some("DeleteListeners")),
            Some(Fault::NonJsonBody)
        );
        assert_eq!(faults.pending(), 1);
        assert_eq!(
            faults.take(Some("DeleteListeners")),
            Some(Fault::NonJsonBody)
        );
        assert_eq!(faults.take(Some("DeleteListeners")), None);
        assert_eq!(faults.pending(), 0);
    }

    #[test]
    fn permanent_rules_last_until_cleared() {
        let faults = Faults::default();
        faults.inject(FaultRule::new(Fault::ResetBeforeResponse).always());
        for _ in 0..5 {
            assert_eq!(faults.take(None), Some(Fault::ResetBeforeResponse));
        }
        faults.clear();
        assert_eq!(faults.take(None), None);
        faults.inject(FaultRule::new(Fault::TruncatedBody).times(0));
        assert_eq!(faults.pending(), 0);
    }

    #[test]
    fn only_some_faults_execute_the_action() {
        assert!(Fault::DropAfterExecute.executes());
        assert!(Fault::Delay(Duration::ZERO).executes());
        assert!(Fault::TruncatedBody.executes());
        assert!(!Fault::ResetBeforeResponse.executes());
        assert!(!Fault::Html5xx(502).executes());
        assert!(!Fault::NonJsonBody.executes());
    }
}
