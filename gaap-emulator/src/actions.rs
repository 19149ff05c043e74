//! The actions: reading a request into its generated type (strictly, as a server reads), checking
//! its documented constraints, and handing it to the engine, which carries it out as the model
//! says.
//!
//! Every action of the root crate `gaap` is known (its name, version, rate limit and request
//! type, through `gaap::visit_action`): a request for any of them is authenticated, throttled,
//! decoded and validated, then turned back into JSON (the generated type's own serialization,
//! so numbers sent as text are numbers again) for the engine.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use gaap::{Action, ActionVisitor, DecodeError, ValidationErrors};
use gaap_runtime::wire::{DecodeErrorKind, request_from_flat, request_from_json};
use serde_json::{Map, Value};

use crate::config::{AnswerCheck, Throttling};
use crate::error::{ApiError, code};
use crate::protocol::Parameters;
use crate::state::State;
use crate::throttle::Throttle;

/// What the emulator knows of one action.
pub(crate) struct ActionInfo {
    pub version: &'static str,
    pub service: &'static str,
    pub throttle: Option<Throttle>,
    /// Requests received for the action, whatever became of them.
    pub requests: AtomicU64,
    /// Successful answers of the action.
    pub succeeded: AtomicU64,
    /// Error answers of the action itself (decoding, validation, the model's state errors), by
    /// code; not the protocol's (signature, throttling), which come before the action.
    pub failed: Mutex<HashMap<&'static str, u64>>,
    /// The config's check of successful answers.
    pub answer_check: Option<AnswerCheck>,
}

/// Every action of `gaap`, by name.
pub(crate) fn catalogue(
    throttling: Throttling,
    answer_check: Option<&AnswerCheck>,
) -> HashMap<&'static str, ActionInfo> {
    struct Facts;
    impl ActionVisitor for Facts {
        type Output = (&'static str, &'static str, &'static str, Option<u32>);
        fn visit<A: Action>(self) -> Self::Output {
            (A::ACTION, A::VERSION, A::SERVICE, A::RATE_LIMIT_PER_SECOND)
        }
    }
    gaap::ACTIONS
        .iter()
        .filter_map(|name| gaap::visit_action(name, Facts))
        .map(|(action, version, service, documented)| {
            let per_second = match throttling {
                Throttling::Documented => documented,
                Throttling::Off => None,
                Throttling::PerSecond(n) => Some(n),
            };
            let info = ActionInfo {
                version,
                service,
                throttle: per_second.filter(|&n| n > 0).map(Throttle::new),
                requests: AtomicU64::new(0),
                succeeded: AtomicU64::new(0),
                failed: Mutex::new(HashMap::new()),
                answer_check: answer_check.cloned(),
            };
            (action, info)
        })
        .collect()
}

/// The codes an action of the SDK documents itself (each with its own variant); the common ones
/// are `gaap::CommonError::CODES`.
#[cfg(test)]
pub(crate) fn documented_codes(action: &str) -> Option<&'static [&'static str]> {
    struct Codes;
    impl ActionVisitor for Codes {
        type Output = &'static [&'static str];
        fn visit<A: Action>(self) -> Self::Output {
            <A::Error as gaap::ApiError>::CODES
        }
    }
    gaap::visit_action(action, Codes)
}

impl ActionInfo {
    pub fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    fn count_answer(&self, outcome: &Result<Vec<u8>, ApiError>) {
        match outcome {
            Ok(_) => {
                self.succeeded.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => {
                let mut failed = self
                    .failed
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                *failed.entry(error.code).or_default() += 1;
            }
        }
    }

    /// The answers so far: (`None` for success, or the code, how many).
    pub fn answers(&self) -> Vec<(Option<&'static str>, u64)> {
        let mut out = Vec::new();
        let succeeded = self.succeeded.load(Ordering::Relaxed);
        if succeeded > 0 {
            out.push((None, succeeded));
        }
        let failed = self
            .failed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut codes: Vec<(Option<&'static str>, u64)> =
            failed.iter().map(|(c, n)| (Some(*c), *n)).collect();
        codes.sort_unstable();
        out.extend(codes);
        out
    }
}

/// What an action needs besides its parameters.
pub(crate) struct Context<'a> {
    pub action: &'a str,
    pub info: &'a ActionInfo,
    pub state: &'a std::sync::RwLock<State>,
    pub request_id: &'a str,
}

/// Decodes, validates and carries out the request; the body of the successful answer. Counts
/// the answer.
pub(crate) fn run(params: &Parameters<'_>, cx: &Context<'_>) -> Result<Vec<u8>, ApiError> {
    let outcome = decode_to_json(cx.action, params)
        .and_then(|request| crate::engine::execute(cx.state, cx.action, &request, cx.request_id))
        .and_then(|body| match &cx.info.answer_check {
            Some(check) => checked(check, cx.action, body),
            None => Ok(body),
        });
    cx.info.count_answer(&outcome);
    outcome
}

/// The answer, if the config's check accepts it.
fn checked(check: &AnswerCheck, action: &str, body: Vec<u8>) -> Result<Vec<u8>, ApiError> {
    let mut answer: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let response = answer
        .get_mut("Response")
        .map(Value::take)
        .unwrap_or(Value::Null);
    match check(action, &response) {
        Ok(()) => Ok(body),
        Err(why) => Err(ApiError::new(
            code::INTERNAL_ERROR,
            format!("the emulator's answer fails the config's check: {why}"),
        )),
    }
}

/// The request read strictly into the action's generated type and validated, then as JSON.
pub(crate) fn decode_to_json(
    action: &str,
    params: &Parameters<'_>,
) -> Result<Map<String, Value>, ApiError> {
    struct ToJson<'p, 'a>(&'p Parameters<'a>);
    impl ActionVisitor for ToJson<'_, '_> {
        type Output = Result<Map<String, Value>, ApiError>;
        fn visit<A: Action>(self) -> Self::Output {
            let request = decode::<A>(self.0)?;
            match serde_json::to_value(&request) {
                Ok(Value::Object(map)) => Ok(map),
                Ok(_) => Ok(Map::new()),
                Err(err) => Err(ApiError::new(
                    code::INTERNAL_ERROR,
                    format!("the emulator could not read the request back: {err}"),
                )),
            }
        }
    }
    gaap::visit_action(action, ToJson(params)).unwrap_or_else(|| {
        Err(ApiError::new(
            code::INVALID_ACTION,
            format!("the action `{action}` does not exist in GAAP"),
        ))
    })
}

/// Reads the request strictly (unknown and missing parameters, wrong types and undocumented
/// values are errors), then checks every documented constraint.
pub(crate) fn decode<A: Action>(params: &Parameters<'_>) -> Result<A, ApiError> {
    let request: A = match params {
        Parameters::Json(value) => request_from_json(value),
        Parameters::Flat(pairs) => request_from_flat(Parameters::action_pairs(pairs)),
    }
    .map_err(decode_error)?;
    request.validate().map_err(validation_error)?;
    Ok(request)
}

fn decode_error(err: DecodeError) -> ApiError {
    let code = match &err.kind {
        DecodeErrorKind::Missing => code::MISSING_PARAMETER,
        DecodeErrorKind::Unknown => code::UNKNOWN_PARAMETER,
        DecodeErrorKind::NotAllowed { .. } => code::INVALID_PARAMETER_VALUE,
        DecodeErrorKind::Choice { present: 0, .. } => code::MISSING_PARAMETER,
        DecodeErrorKind::Choice { .. }
        | DecodeErrorKind::Type { .. }
        | DecodeErrorKind::MalformedKey { .. } => code::INVALID_PARAMETER,
        // A kind added to the runtime later: a parameter problem all the same.
        _ => code::INVALID_PARAMETER,
    };
    ApiError::new(code, err.to_string())
}

fn validation_error(errors: ValidationErrors) -> ApiError {
    ApiError::new(code::INVALID_PARAMETER_VALUE, errors.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_of_the_sdk_is_known_with_its_documented_limit() {
        let actions = catalogue(Throttling::Documented, None);
        assert_eq!(actions.len(), gaap::ACTIONS.len());
        let create = &actions["CreateTCPListeners"];
        assert_eq!(create.throttle.as_ref().map(Throttle::per_second), Some(20));
        assert_eq!((create.version, create.service), ("2018-05-29", "gaap"));
        let off = catalogue(Throttling::Off, None);
        assert!(off.values().all(|a| a.throttle.is_none()));
        let uniform = catalogue(Throttling::PerSecond(7), None);
        assert!(
            uniform
                .values()
                .all(|a| a.throttle.as_ref().map(Throttle::per_second) == Some(7))
        );
    }

    #[test]
    fn the_model_binds_every_action_with_documented_codes_only() {
        let model = crate::model::Model::builtin();
        let problems = model.check_against(gaap::ACTIONS, &documented_codes);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn requests_reach_the_engine_as_json_with_numbers_read_back() {
        let flat = Parameters::Flat(std::borrow::Cow::Owned(vec![
            ("ListenerName".into(), "a".into()),
            ("Ports.0".into(), "80".into()),
            ("Scheduler".into(), "rr".into()),
            ("HealthCheck".into(), "1".into()),
            ("RealServerType".into(), "IP".into()),
            ("ProxyId".into(), "link-bjkpdum1".into()),
        ]));
        let json = decode_to_json("CreateTCPListeners", &flat).unwrap();
        assert_eq!(json["Ports"], serde_json::json!([80]));
        assert_eq!(json["HealthCheck"], serde_json::json!(1));
        assert_eq!(json["ProxyId"], serde_json::json!("link-bjkpdum1"));
        let err = decode_to_json(
            "CreateTCPListeners",
            &Parameters::Json(serde_json::json!({"X": 1})),
        )
        .unwrap_err();
        assert_eq!(err.code, code::UNKNOWN_PARAMETER);
    }

    #[test]
    fn decode_errors_map_to_the_common_codes() {
        let flat = |pairs: &[(&str, &str)]| {
            Parameters::Flat(std::borrow::Cow::Owned(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ))
        };
        let base = [
            ("ListenerName", "a"),
            ("Ports.0", "80"),
            ("Scheduler", "rr"),
            ("HealthCheck", "1"),
            ("RealServerType", "IP"),
            ("ProxyId", "link-bjkpdum1"),
            // Common parameters are not the action's: they are left out, not refused.
            ("Action", "CreateTCPListeners"),
            ("Nonce", "1"),
        ];
        decode::<gaap::CreateTcpListenersRequest>(&flat(&base)).unwrap();
        let with = |extra: (&'static str, &'static str)| {
            let mut pairs = base.to_vec();
            pairs.push(extra);
            decode::<gaap::CreateTcpListenersRequest>(&flat(&pairs)).unwrap_err()
        };
        let without = |name: &str| {
            let pairs: Vec<_> = base.iter().copied().filter(|(k, _)| *k != name).collect();
            decode::<gaap::CreateTcpListenersRequest>(&flat(&pairs)).unwrap_err()
        };
        let cases = [
            (with(("Bogus", "1")), code::UNKNOWN_PARAMETER, "Bogus"),
            (
                without("ListenerName"),
                code::MISSING_PARAMETER,
                "ListenerName",
            ),
            (
                without("ProxyId"),
                code::MISSING_PARAMETER,
                "ProxyId, GroupId",
            ),
            (
                with(("GroupId", "lg-1")),
                code::INVALID_PARAMETER,
                "ProxyId, GroupId",
            ),
            (
                with(("DelayLoop", "soon")),
                code::INVALID_PARAMETER,
                "DelayLoop",
            ),
            (
                with(("Ports.1", "80")),
                code::INVALID_PARAMETER_VALUE,
                "Ports[1]",
            ),
            (
                with(("Ports.9999999999999999999999", "1")),
                code::INVALID_PARAMETER,
                "Ports.9999999999999999999999",
            ),
            (
                with(("DelayLoop", "4")),
                code::INVALID_PARAMETER_VALUE,
                "DelayLoop: 4 is outside",
            ),
        ];
        for (err, expected_code, named) in cases {
            assert_eq!(err.code, expected_code, "{}", err.message);
            assert!(err.message.contains(named), "{}", err.message);
        }
        let mut bad_enum = base.to_vec();
        bad_enum[2] = ("Scheduler", "random");
        let err = decode::<gaap::CreateTcpListenersRequest>(&flat(&bad_enum)).unwrap_err();
        assert_eq!(err.code, code::INVALID_PARAMETER_VALUE);
        assert!(err.message.contains("Scheduler"), "{}", err.message);
    }
}
