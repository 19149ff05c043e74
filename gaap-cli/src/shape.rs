//! Whether a request's JSON has the shape the spec describes, every problem at once.
//!
//! The typed request (`FromJson` in request mode) is the authority on reading a request, but it
//! stops at the first problem; a person at a command line wants them all. This walks the JSON
//! against the spec and reports, each at its parameter path: unknown parameters, values of the
//! wrong type, integers that do not fit their type, values outside a closed enumeration,
//! missing required parameters, and exactly-one-of groups. What passes here is then read into
//! the typed request, and `validate()` checks the documented ranges, lengths, counts and rules.

use serde_json::{Map, Value};

use crate::spec::{EnumValue, Member, RuleSpec, Scalar, Shape, Spec, members};

/// A parameter that does not fit the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The parameter path (`Ports[1]`, `Filters[0].Name`); empty for the request as a whole.
    pub path: String,
    pub message: String,
}

/// Every problem of `request` against the request members and rules of `spec`.
pub fn check(spec: &Spec, request: &Map<String, Value>) -> Vec<Problem> {
    let mut out = Vec::new();
    check_object(spec, &spec.request, &spec.rules, request, "", &mut out);
    out
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}

fn problem(out: &mut Vec<Problem>, path: &str, message: impl Into<String>) {
    out.push(Problem {
        path: path.to_owned(),
        message: message.into(),
    });
}

fn check_object(
    spec: &Spec,
    members: &[Member],
    rules: &[RuleSpec],
    object: &Map<String, Value>,
    at: &str,
    out: &mut Vec<Problem>,
) {
    for name in object.keys() {
        if !members.iter().any(|m| &m.name == name) {
            let known: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
            problem(
                out,
                &join(at, name),
                format!(
                    "unknown parameter; the parameters here are {}",
                    known.join(", ")
                ),
            );
        }
    }
    let choices: Vec<&[String]> = rules
        .iter()
        .filter_map(|r| r.exactly_one_of.as_deref())
        .collect();
    for member in members {
        let path = join(at, &member.name);
        match object.get(&member.name).filter(|v| !v.is_null()) {
            Some(value) => check_value(spec, spec.member_shape(member), member, value, &path, out),
            None if member.required => problem(out, &path, "required parameter is missing"),
            None => {}
        }
    }
    for params in choices {
        let present = params
            .iter()
            .filter(|p| object.get(p.as_str()).is_some_and(|v| !v.is_null()))
            .count();
        if present != 1 {
            problem(
                out,
                at,
                format!(
                    "exactly one of {} must be set, {present} are",
                    params.join(", ")
                ),
            );
        }
    }
}

fn check_value(
    spec: &Spec,
    shape: Shape<'_>,
    member: &Member,
    value: &Value,
    at: &str,
    out: &mut Vec<Problem>,
) {
    match shape {
        Shape::Scalar(scalar, enums) => check_scalar(scalar, enums, value, at, out),
        Shape::Array(element) => match value {
            Value::Array(items) => {
                let inner = spec.shape(element, member.enum_values.as_deref());
                for (i, item) in items.iter().enumerate() {
                    check_value(spec, inner, member, item, &format!("{at}[{i}]"), out);
                }
            }
            other => problem(
                out,
                at,
                format!("expected a list, found {}", describe(other)),
            ),
        },
        Shape::Object(type_name, def) => match value {
            Value::Object(object) => check_object(spec, members(def), &def.rules, object, at, out),
            other => problem(
                out,
                at,
                format!(
                    "expected an object ({type_name}), found {}",
                    describe(other)
                ),
            ),
        },
        Shape::Unknown(_) => {}
    }
}

fn check_scalar(
    scalar: Scalar,
    enums: Option<&[EnumValue]>,
    value: &Value,
    at: &str,
    out: &mut Vec<Problem>,
) {
    let fits = match (scalar, value) {
        (Scalar::String, Value::String(_)) | (Scalar::Bool, Value::Bool(_)) => true,
        (Scalar::Bool, Value::String(s)) => s == "true" || s == "false",
        (Scalar::Float, Value::Number(_)) => true,
        (Scalar::Float, Value::String(s)) => s.parse::<f64>().is_ok(),
        (Scalar::Int(width), Value::Number(_) | Value::String(_)) => {
            let (min, max) = width.bounds();
            let name = scalar.spec_name();
            match integer(value) {
                Some(n) if (min..=max).contains(&n) => true,
                Some(n) => {
                    problem(
                        out,
                        at,
                        format!("{n} does not fit a {name} ({min} to {max})"),
                    );
                    return;
                }
                None => false,
            }
        }
        _ => false,
    };
    if !fits {
        let expected = match scalar {
            Scalar::String => "a string".to_owned(),
            Scalar::Bool => "a boolean (true or false)".to_owned(),
            Scalar::Float => "a number".to_owned(),
            Scalar::Int(_) => format!("an integer ({})", scalar.spec_name()),
        };
        problem(
            out,
            at,
            format!("expected {expected}, found {}", describe(value)),
        );
        return;
    }
    if let Some(values) = enums {
        let matches = |documented: &EnumValue| match (&documented.value, value) {
            (Value::String(a), Value::String(b)) => a == b,
            (a, b) => integer(a).is_some() && integer(a) == integer(b),
        };
        if !values.iter().any(matches) {
            let allowed: Vec<String> = values.iter().map(crate::spec::enum_text).collect();
            problem(
                out,
                at,
                format!(
                    "{} is not one of the documented values {}",
                    describe(value),
                    allowed.join(", ")
                ),
            );
        }
    }
}

/// An integer given as a JSON number or a string holding one, as the API reads them.
fn integer(value: &Value) -> Option<i128> {
    match value {
        Value::Number(n) => n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A short description of a value for messages; long strings are cut.
fn describe(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() > 40 => {
            format!("{:?}…", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) => format!("a list of {}", items.len()),
        Value::Object(_) => "an object".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::load;
    use serde_json::json;

    fn problems(action: &str, request: Value) -> Vec<(String, String)> {
        let spec = load(action).unwrap();
        let Value::Object(request) = request else {
            panic!()
        };
        check(&spec, &request)
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect()
    }

    #[test]
    fn a_request_the_spec_accepts_has_no_problem() {
        let found = problems(
            "CreateTCPListeners",
            json!({"ListenerName": "l", "Ports": [90], "Scheduler": "rr", "HealthCheck": 1,
                   "RealServerType": "IP", "ProxyId": "link-1", "DelayLoop": "20"}),
        );
        assert_eq!(found, Vec::<(String, String)>::new());
    }

    #[test]
    fn every_problem_is_found_with_its_path() {
        let found = problems(
            "CreateTCPListeners",
            json!({"ListenerName": 5, "Ports": [90, "x", -1], "Scheduler": "fifo", "HealthCheck": 7,
                   "ProxyId": "link-1", "GroupId": "lg-1", "Bogus": 1}),
        );
        let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Bogus",
                "ListenerName",
                "Ports[1]",
                "Ports[2]",
                "Scheduler",
                "HealthCheck",
                "RealServerType",
                ""
            ],
            "{found:#?}"
        );
        assert!(found[3].1.contains("does not fit a uint64"), "{found:#?}");
        assert!(found[4].1.contains("rr, wrr, lc, lrtt"), "{found:#?}");
        assert!(found[6].1.contains("required"), "{found:#?}");
        assert!(
            found[7]
                .1
                .contains("exactly one of ProxyId, GroupId must be set, 2 are"),
            "{found:#?}"
        );
    }

    #[test]
    fn nested_members_are_checked_at_their_paths() {
        let found = problems(
            "DescribeProxies",
            json!({"Filters": [{"Name": "ProjectId", "Values": ["0"]}, {"Values": "x"}]}),
        );
        let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            ["Filters[1].Name", "Filters[1].Values"],
            "{found:#?}"
        );
    }
}
