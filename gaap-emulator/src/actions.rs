//! The actions: reading a request into its generated type (strictly, as a server reads), checking
//! its documented constraints, and carrying it out on the state.
//!
//! Every action of the root crate `gaap` is known (its name, version, rate limit and request
//! type, through `gaap::visit_action`): a request for any of them is authenticated, throttled,
//! decoded and validated. `CreateTCPListeners`, `DescribeTCPListeners` and `DeleteListeners` are
//! then carried out; the others answer `UnsupportedOperation`, naming the emulator.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use gaap::{Action, ActionVisitor, DecodeError, ValidationErrors};
use gaap_runtime::wire::{DecodeErrorKind, request_from_flat, request_from_json};
use serde_json::json;

use crate::config::Throttling;
use crate::error::{ApiError, code, success_body};
use crate::protocol::Parameters;
use crate::state::{Listener, ListenerQuery, State, TargetKind, defaults};
use crate::throttle::Throttle;

/// What the emulator knows of one action.
pub(crate) struct ActionInfo {
    pub version: &'static str,
    pub service: &'static str,
    pub handler: Handler,
    pub throttle: Option<Throttle>,
    /// Requests received for the action, whatever became of them.
    pub requests: AtomicU64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Handler {
    CreateTcpListeners,
    DescribeTcpListeners,
    DeleteListeners,
    /// Known, decoded and validated, not carried out.
    NotEmulated,
}

/// Every action of `gaap`, by name.
pub(crate) fn catalogue(throttling: Throttling) -> HashMap<&'static str, ActionInfo> {
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
            let handler = match action {
                "CreateTCPListeners" => Handler::CreateTcpListeners,
                "DescribeTCPListeners" => Handler::DescribeTcpListeners,
                "DeleteListeners" => Handler::DeleteListeners,
                _ => Handler::NotEmulated,
            };
            let per_second = match throttling {
                Throttling::Documented => documented,
                Throttling::Off => None,
                Throttling::PerSecond(n) => Some(n),
            };
            let info = ActionInfo {
                version,
                service,
                handler,
                throttle: per_second.filter(|&n| n > 0).map(Throttle::new),
                requests: AtomicU64::new(0),
            };
            (action, info)
        })
        .collect()
}

impl ActionInfo {
    pub fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
}

/// What an action needs besides its parameters.
pub(crate) struct Context<'a> {
    pub action: &'a str,
    pub state: &'a std::sync::RwLock<State>,
    pub now_seconds: i64,
    pub request_id: &'a str,
}

/// Decodes, validates and carries out the request; the body of the successful answer.
pub(crate) fn run(
    handler: Handler,
    params: &Parameters<'_>,
    cx: &Context<'_>,
) -> Result<Vec<u8>, ApiError> {
    match handler {
        Handler::CreateTcpListeners => create_tcp_listeners(decode(params)?, cx),
        Handler::DescribeTcpListeners => describe_tcp_listeners(decode(params)?, cx),
        Handler::DeleteListeners => delete_listeners(decode(params)?, cx),
        Handler::NotEmulated => {
            struct DecodeOnly<'p, 'a>(&'p Parameters<'a>);
            impl ActionVisitor for DecodeOnly<'_, '_> {
                type Output = Result<(), ApiError>;
                fn visit<A: Action>(self) -> Self::Output {
                    decode::<A>(self.0).map(drop)
                }
            }
            gaap::visit_action(cx.action, DecodeOnly(params)).unwrap_or(Ok(()))?;
            Err(ApiError::new(
                code::UNSUPPORTED_OPERATION,
                format!(
                    "the request is valid, but the GAAP emulator does not carry out {}",
                    cx.action
                ),
            ))
        }
    }
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

fn port(value: u64) -> Result<u16, ApiError> {
    // validate() has checked [1, 65535]; a spec without that range would let others through.
    u16::try_from(value).map_err(|_| {
        ApiError::new(
            code::INVALID_PARAMETER_VALUE,
            format!("port {value} is outside [1, 65535]"),
        )
    })
}

fn write_lock(state: &std::sync::RwLock<State>) -> std::sync::RwLockWriteGuard<'_, State> {
    // Every change to the state is checked before it is made, so a panic cannot leave it
    // half-done: a poisoned lock still guards a consistent state.
    state
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(crate) fn read_lock(state: &std::sync::RwLock<State>) -> std::sync::RwLockReadGuard<'_, State> {
    state
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn create_tcp_listeners(
    request: gaap::CreateTcpListenersRequest,
    cx: &Context<'_>,
) -> Result<Vec<u8>, ApiError> {
    use gaap::create_tcp_listeners::Target;
    let (kind, owner_id) = match &request.target {
        Target::ProxyId(id) => (TargetKind::Proxy, id.as_str()),
        Target::GroupId(id) => (TargetKind::Group, id.as_str()),
        // `Target` is `#[non_exhaustive]`: a target the spec adds later is not kept here yet.
        _ => return Err(unsupported_target()),
    };
    let ports = request
        .ports
        .iter()
        .map(|&p| port(p))
        .collect::<Result<Vec<u16>, _>>()?;
    if !request.real_server_ports.is_empty() && request.real_server_ports.len() != ports.len() {
        return Err(ApiError::new(
            code::INVALID_PARAMETER_VALUE,
            format!(
                "RealServerPorts has {} elements and Ports {}: each port needs its real server port",
                request.real_server_ports.len(),
                ports.len()
            ),
        ));
    }
    let prototype = Listener {
        listener_id: String::new(),
        listener_name: request.listener_name.clone(),
        port: 0,
        protocol: "TCP".into(),
        owner_id: owner_id.to_owned(),
        owner_kind: kind,
        scheduler: request.scheduler.as_str().to_owned(),
        real_server_type: request.real_server_type.as_str().to_owned(),
        health_check: request.health_check.value(),
        delay_loop: request.delay_loop.unwrap_or(defaults::DELAY_LOOP),
        connect_timeout: request.connect_timeout.unwrap_or(defaults::CONNECT_TIMEOUT),
        real_server_port: None,
        client_ip_method: request.client_ip_method.map_or(0, |m| m.value()),
        failover_switch: request.failover_switch.map_or(0, |f| f.value()),
        healthy_threshold: request
            .healthy_threshold
            .unwrap_or(defaults::HEALTHY_THRESHOLD),
        unhealthy_threshold: request
            .unhealthy_threshold
            .unwrap_or(defaults::UNHEALTHY_THRESHOLD),
        create_time: cx.now_seconds,
    };
    let listener_ids = write_lock(cx.state).create_listeners(
        kind,
        owner_id,
        &ports,
        &request.real_server_ports,
        &prototype,
        new_listener_id,
    )?;
    // Responses are written as JSON with their documented wire names: the generated response
    // types are `#[non_exhaustive]`, made for reading.
    success_body(&json!({
        "ListenerIds": listener_ids,
        "RequestId": cx.request_id,
    }))
}

fn describe_tcp_listeners(
    request: gaap::DescribeTcpListenersRequest,
    cx: &Context<'_>,
) -> Result<Vec<u8>, ApiError> {
    let owner = match (&request.proxy_id, &request.group_id) {
        (Some(id), _) => Some((TargetKind::Proxy, id.as_str())),
        (None, Some(id)) => Some((TargetKind::Group, id.as_str())),
        (None, None) => None,
    };
    let query = ListenerQuery {
        owner,
        listener_id: request.listener_id.as_deref(),
        listener_name: request.listener_name.as_deref(),
        port: request.port,
        search: request.search_value.as_deref(),
        offset: request.offset.unwrap_or(0),
        limit: request.limit.unwrap_or(defaults::DESCRIBE_LIMIT),
    };
    let state = read_lock(cx.state);
    let (total_count, page) = state.describe_listeners(&query)?;
    let listener_set: Vec<serde_json::Value> = page.into_iter().map(tcp_listener).collect();
    drop(state);
    success_body(&json!({
        "TotalCount": total_count,
        "ListenerSet": listener_set,
        "RequestId": cx.request_id,
    }))
}

fn unsupported_target() -> ApiError {
    ApiError::new(
        code::INVALID_PARAMETER,
        "the emulator keeps listeners of a connection (ProxyId) or a group (GroupId) only",
    )
}

/// A listener as `TCPListener` of the response, by its documented member names.
fn tcp_listener(l: &Listener) -> serde_json::Value {
    let (proxy_id, group_id) = match l.owner_kind {
        TargetKind::Proxy => (l.owner_id.clone(), None),
        TargetKind::Group => (String::new(), Some(l.owner_id.clone())),
    };
    let mut listener = json!({
        "ListenerId": l.listener_id,
        "ListenerName": l.listener_name,
        "Port": u64::from(l.port),
        "RealServerPort": l.real_server_port,
        "RealServerType": l.real_server_type,
        "Protocol": l.protocol,
        // 0: running. Listeners are ready as soon as they are created here.
        "ListenerStatus": 0,
        "Scheduler": l.scheduler,
        "ConnectTimeout": l.connect_timeout,
        "DelayLoop": l.delay_loop,
        "HealthCheck": l.health_check,
        // No real server is ever bound in the emulator.
        "BindStatus": 0,
        "RealServerSet": [],
        "CreateTime": u64::try_from(l.create_time).unwrap_or(0),
        "ClientIPMethod": u64::try_from(l.client_ip_method).unwrap_or(0),
        "HealthyThreshold": l.healthy_threshold,
        "UnhealthyThreshold": l.unhealthy_threshold,
        "FailoverSwitch": u64::try_from(l.failover_switch).unwrap_or(0),
        "SessionPersist": 0,
        "ProxyId": proxy_id,
        "GroupId": group_id,
    });
    // An optional member without a value is left out, as the typed response writes it.
    if let serde_json::Value::Object(members) = &mut listener {
        members.retain(|_, value| !value.is_null());
    }
    listener
}

fn delete_listeners(
    request: gaap::DeleteListenersRequest,
    cx: &Context<'_>,
) -> Result<Vec<u8>, ApiError> {
    use gaap::delete_listeners::Target;
    let (kind, owner_id) = match &request.target {
        Target::ProxyId(id) => (TargetKind::Proxy, id.as_str()),
        Target::GroupId(id) => (TargetKind::Group, id.as_str()),
        // `Target` is `#[non_exhaustive]`: a target the spec adds later is not kept here yet.
        _ => return Err(unsupported_target()),
    };
    let outcome = write_lock(cx.state).delete_listeners(kind, owner_id, &request.listener_ids)?;
    success_body(&json!({
        "OperationFailedListenerSet": outcome.failed,
        "OperationSucceedListenerSet": outcome.succeeded,
        "InvalidStatusListenerSet": outcome.invalid,
        "RequestId": cx.request_id,
    }))
}

/// `listener-` and eight random characters of `[0-9a-z]`, as the API's ids look.
fn new_listener_id() -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut random = uuid::Uuid::new_v4().as_u128();
    let mut id = String::with_capacity(17);
    id.push_str("listener-");
    for _ in 0..8 {
        id.push(char::from(DIGITS[(random % 36) as usize]));
        random /= 36;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listener_ids_look_like_the_apis() {
        let id = new_listener_id();
        assert_eq!(id.len(), 17);
        let suffix = id.strip_prefix("listener-").unwrap();
        assert!(
            suffix
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()),
            "{id}"
        );
        assert_ne!(new_listener_id(), new_listener_id());
    }

    #[test]
    fn every_action_of_the_sdk_is_known_with_its_documented_limit() {
        let actions = catalogue(Throttling::Documented);
        assert_eq!(actions.len(), gaap::ACTIONS.len());
        let create = &actions["CreateTCPListeners"];
        assert_eq!(create.handler, Handler::CreateTcpListeners);
        assert_eq!(create.throttle.as_ref().map(Throttle::per_second), Some(20));
        assert_eq!((create.version, create.service), ("2018-05-29", "gaap"));
        assert_eq!(actions["DeleteListeners"].handler, Handler::DeleteListeners);
        let off = catalogue(Throttling::Off);
        assert!(off.values().all(|a| a.throttle.is_none()));
        let uniform = catalogue(Throttling::PerSecond(7));
        assert!(
            uniform
                .values()
                .all(|a| a.throttle.as_ref().map(Throttle::per_second) == Some(7))
        );
    }

    #[test]
    fn actions_not_emulated_are_read_and_checked_then_refused() {
        // Any action of the SDK without a handler goes this way; CreateTCPListeners stands in
        // for one here.
        let state = std::sync::RwLock::new(State::default());
        let cx = Context {
            action: "CreateTCPListeners",
            state: &state,
            now_seconds: 0,
            request_id: "r",
        };
        let params = |value: serde_json::Value| Parameters::Json(value);
        let valid = serde_json::json!({
            "ListenerName": "a", "Ports": [80], "Scheduler": "rr", "HealthCheck": 1,
            "RealServerType": "IP", "ProxyId": "link-bjkpdum1"
        });
        let err = run(Handler::NotEmulated, &params(valid), &cx).unwrap_err();
        assert_eq!(err.code, code::UNSUPPORTED_OPERATION);
        assert!(
            err.message
                .contains("does not carry out CreateTCPListeners"),
            "{}",
            err.message
        );
        let err = run(
            Handler::NotEmulated,
            &params(serde_json::json!({"X": 1})),
            &cx,
        )
        .unwrap_err();
        assert_eq!(err.code, code::UNKNOWN_PARAMETER);
        assert_eq!(state.read().unwrap().listener_count(), 0);
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
