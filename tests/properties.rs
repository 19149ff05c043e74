//! Properties of the generated CreateTCPListeners API over random valid requests:
//! flattening and JSON both read back to the same request, validation accepts every valid
//! request, and rejects a value just outside any documented range, read from the spec itself.

use std::collections::BTreeSet;

use gaap::create_tcp_listeners::{
    ClientIpMethod, FailoverSwitch, HealthCheck, RealServerType, Scheduler, Target,
};
use gaap::{CreateTcpListenersRequest, Rule};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

/// A request that satisfies every documented constraint, built so by construction (not by
/// filtering through `validate()`, which is what is under test).
fn valid_request() -> impl Strategy<Value = CreateTcpListenersRequest> {
    let ports = proptest::collection::btree_set(1u64..=65535, 1..8);
    let real_server_ports = proptest::collection::vec(1u64..=65535, 0..4);
    let target = prop_oneof![
        "[a-z0-9-]{1,16}".prop_map(Target::ProxyId),
        "[a-z0-9-]{1,16}".prop_map(Target::GroupId),
    ];
    let timing = (
        proptest::option::of(5u64..=300),
        proptest::option::of(2u64..=60),
    );
    let thresholds = (
        proptest::option::of(1u64..=10),
        proptest::option::of(1u64..=10),
    );
    (
        (
            "\\PC{0,12}",
            ports,
            select(Scheduler::ALL),
            select(HealthCheck::ALL),
        ),
        (
            select(RealServerType::ALL),
            target,
            timing,
            real_server_ports,
        ),
        (
            proptest::option::of(select(ClientIpMethod::ALL)),
            proptest::option::of(select(FailoverSwitch::ALL)),
            thresholds,
        ),
    )
        .prop_map(
            |(
                (name, ports, scheduler, health_check),
                (server_type, target, (delay, timeout), server_ports),
                (ip_method, failover, (healthy, unhealthy)),
            )| {
                let domain = server_type == RealServerType::Domain;
                // DOMAIN excludes wrr and the failover switch.
                let scheduler = if domain && scheduler == Scheduler::WeightedRoundRobin {
                    Scheduler::RoundRobin
                } else {
                    scheduler
                };
                let failover = failover.filter(|f| !(domain && *f == FailoverSwitch::Enabled));
                // ConnectTimeout < DelayLoop when both are set (DelayLoop >= 5 leaves room).
                let timeout = match (delay, timeout) {
                    (Some(d), Some(t)) => Some(t.min(d - 1)),
                    (_, t) => t,
                };
                CreateTcpListenersRequest::builder()
                    .listener_name(name)
                    .ports(ports.into_iter().collect::<Vec<_>>())
                    .scheduler(scheduler)
                    .health_check(health_check)
                    .real_server_type(server_type)
                    .target(target)
                    .set_delay_loop(delay)
                    .set_connect_timeout(timeout)
                    .real_server_ports(server_ports)
                    .set_client_ip_method(ip_method)
                    .set_failover_switch(failover)
                    .set_healthy_threshold(healthy)
                    .set_unhealthy_threshold(unhealthy)
                    .build()
            },
        )
}

/// `(parameter, min, max)` of every ranged request parameter of the spec.
fn documented_ranges() -> Vec<(String, i128, i128)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/CreateTCPListeners.json");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let ranges: Vec<_> = spec["request"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m.get("range").is_some())
        .map(|m| {
            let bound = |k: &str| m["range"][k].as_i64().map(i128::from).unwrap();
            (
                m["name"].as_str().unwrap().to_owned(),
                bound("min"),
                bound("max"),
            )
        })
        .collect();
    assert_eq!(
        ranges.len(),
        6,
        "Ports, DelayLoop, ConnectTimeout, RealServerPorts and thresholds"
    );
    ranges
}

/// The request with one parameter (or one element of an array parameter) set to `value`, via
/// its JSON form; `None` when the value does not fit the parameter's Rust type at all.
fn with_value(
    request: &CreateTcpListenersRequest,
    name: &str,
    value: i128,
) -> Option<(CreateTcpListenersRequest, String)> {
    let mut json = serde_json::to_value(request).unwrap();
    let number = serde_json::Number::from_i128(value)?;
    let path = match &json[name] {
        Value::Array(items) if !items.is_empty() => {
            let index = items.len() - 1;
            json[name][index] = Value::Number(number);
            format!("{name}[{index}]")
        }
        Value::Array(_) => {
            json[name] = Value::Array(vec![Value::Number(number)]);
            format!("{name}[0]")
        }
        _ => {
            json[name] = Value::Number(number);
            name.to_owned()
        }
    };
    let request = CreateTcpListenersRequest::from_json_value(&json).ok()?;
    Some((request, path))
}

fn violated_paths(request: &CreateTcpListenersRequest) -> BTreeSet<String> {
    match request.validate() {
        Ok(()) => BTreeSet::new(),
        Err(errors) => errors.into_iter().map(|v| v.path).collect(),
    }
}

proptest! {
    #[test]
    fn flatten_then_parse_is_the_identity(request in valid_request()) {
        let flat = request.flatten();
        let parsed = CreateTcpListenersRequest::from_flat(flat.iter()).unwrap();
        prop_assert_eq!(parsed, request);
    }

    #[test]
    fn json_then_parse_is_the_identity(request in valid_request()) {
        let json = serde_json::to_value(&request).unwrap();
        prop_assert_eq!(CreateTcpListenersRequest::from_json_value(&json).unwrap(), request);
    }

    #[test]
    fn valid_requests_pass_validation(request in valid_request()) {
        prop_assert_eq!(request.validate(), Ok(()));
    }

    #[test]
    fn every_range_accepts_its_bounds_and_rejects_just_outside(request in valid_request()) {
        for (name, min, max) in documented_ranges() {
            for inside in [min, max] {
                if let Some((probe, path)) = with_value(&request, &name, inside) {
                    // Moving DelayLoop/ConnectTimeout may trip their cross rule; the range
                    // itself must not be reported.
                    let violations = probe.validate().err().map(|e| e.into_iter().collect::<Vec<_>>()).unwrap_or_default();
                    prop_assert!(
                        !violations.iter().any(|v| v.path == path && matches!(v.rule, Rule::Range { .. })),
                        "{} = {} is inside [{}, {}] but was rejected: {:?}", path, inside, min, max, violations
                    );
                }
            }
            for outside in [min - 1, max + 1] {
                if let Some((probe, path)) = with_value(&request, &name, outside) {
                    let errors = probe.validate().expect_err("a value outside the range must be rejected");
                    let range_error = errors.violations().iter().find(|v| v.path == path);
                    prop_assert!(
                        matches!(range_error, Some(v) if matches!(v.rule, Rule::Range { .. })),
                        "{} = {} is outside [{}, {}]: {:?}", path, outside, min, max, errors
                    );
                }
            }
        }
    }

    #[test]
    fn duplicate_ports_are_reported_at_the_repeat(request in valid_request()) {
        let mut probe = request.clone();
        let first = probe.ports[0];
        probe.ports.push(first);
        let repeat = format!("Ports[{}]", probe.ports.len() - 1);
        prop_assert!(violated_paths(&probe).contains(&repeat));
    }

    #[test]
    fn cross_field_rules_name_the_constrained_parameter(request in valid_request(), delay in 5u64..=60) {
        let mut probe = request.clone();
        probe.delay_loop = Some(delay);
        probe.connect_timeout = Some(delay);
        prop_assert!(violated_paths(&probe).contains("ConnectTimeout"));

        let mut probe = request.clone();
        probe.real_server_type = RealServerType::Domain;
        probe.scheduler = Scheduler::WeightedRoundRobin;
        probe.failover_switch = Some(FailoverSwitch::Enabled);
        let paths = violated_paths(&probe);
        prop_assert!(paths.contains("Scheduler") && paths.contains("FailoverSwitch"), "{:?}", paths);
    }
}

#[test]
fn an_empty_port_list_is_rejected_as_such() {
    let request = CreateTcpListenersRequest::builder()
        .listener_name("l")
        .ports(Vec::new())
        .scheduler(Scheduler::RoundRobin)
        .health_check(HealthCheck::Disabled)
        .real_server_type(RealServerType::Ip)
        .group_id("lg-1")
        .build();
    let errors = request.validate().unwrap_err();
    assert_eq!(errors.violations().len(), 1);
    assert_eq!(errors.violations()[0].path, "Ports");
    assert!(matches!(
        errors.violations()[0].rule,
        Rule::Items {
            min: Some(1),
            actual: 0,
            ..
        }
    ));
}

#[test]
fn all_violations_are_reported_together() {
    let request = CreateTcpListenersRequest::builder()
        .listener_name("l")
        .ports([0, 80, 80, 70000])
        .scheduler(Scheduler::WeightedRoundRobin)
        .health_check(HealthCheck::Enabled)
        .real_server_type(RealServerType::Domain)
        .proxy_id("link-1")
        .delay_loop(4)
        .connect_timeout(61)
        .healthy_threshold(0)
        .unhealthy_threshold(11)
        .failover_switch(FailoverSwitch::Enabled)
        .build();
    let errors = request.validate().unwrap_err();
    let paths = errors.paths();
    assert_eq!(
        paths,
        [
            "Ports[0]",
            "Ports[3]",
            "Ports[2]",
            "DelayLoop",
            "ConnectTimeout",
            "HealthyThreshold",
            "UnhealthyThreshold",
            "ConnectTimeout",
            "Scheduler",
            "FailoverSwitch",
        ]
    );
}
