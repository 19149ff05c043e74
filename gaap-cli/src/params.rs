//! An action's parameters, from the command line (and `--cli-input-json`) to the JSON object of
//! the request, with tccli's conventions.
//!
//! - `--Name value`: a scalar is typed by the spec (`--DelayLoop 20` is the number 20, `--Name
//!   20` the string "20"; booleans as tccli reads them: true/false, t/f, 1/0).
//! - Arrays and objects as JSON: `--Ports '[90,91]'`, `--TagSet '[{"TagKey":"k","TagValue":"v"}]'`.
//! - tccli's `--cli-unfold-argument` style, with or without that option: a list of scalars as
//!   several values (`--Ports 90 91`), nested members by dotted path (`--Filters.0.Name x
//!   --Filters.0.Values a b`, `--CheckParams.DelayLoop 5`), indices from 0 without gaps.
//!
//! Problems with the command line itself (an unknown name, a value missing, malformed JSON) are
//! usage errors, reported together. Whether the values fit the spec is [`crate::shape`]'s
//! business, then the typed request's.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::cli::ParamArg;
use crate::exit::Failure;
use crate::spec::{Member, Scalar, Shape, Spec, closest, members};

/// A path segment of a dotted parameter name, resolved.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Segment {
    Key(String),
    Index(usize),
}

/// The parameters being assembled: a tree whose leaves are values given whole.
enum Node {
    Leaf(Value),
    Object(BTreeMap<String, Node>),
    Array(BTreeMap<usize, Node>),
}

/// Builds the request's JSON object from the command line's parameters.
///
/// # Errors
///
/// A usage failure listing every problem: unknown names (with the closest known ones), values
/// missing or too many, malformed JSON, a member given twice or both whole and by part, array
/// indices with gaps.
pub fn build(spec: &Spec, args: &[ParamArg]) -> Result<Map<String, Value>, Failure> {
    // The request's members by name; the request itself is always an object.
    let mut root = BTreeMap::new();
    let mut problems = Vec::new();
    for arg in args {
        if let Err(problem) = add(spec, &mut root, arg) {
            problems.push(problem);
        }
    }
    let mut out = Map::new();
    for (name, node) in root {
        match finish(node, &name) {
            Ok(value) => {
                out.insert(name, value);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Failure::usage(problems.join("\n")))
    }
}

fn add(spec: &Spec, root: &mut BTreeMap<String, Node>, arg: &ParamArg) -> Result<(), String> {
    let shown = format!("--{}", arg.name);
    let mut parts = arg.name.split('.');
    let first = parts.next().unwrap_or_default();
    let Some(member) = spec.request_member(first) else {
        return Err(unknown_parameter(spec, first, &shown));
    };
    // The path below the request member.
    let mut path = Vec::new();
    let mut member: &Member = member;
    let mut shape = spec.member_shape(member);
    let mut prefix = format!("--{first}");
    for part in parts {
        shape = match shape {
            Shape::Array(element) => {
                let index = parse_index(part).ok_or_else(|| {
                    format!("{shown}: {prefix} is a list; after it comes an index (0, 1, ...), not `{part}`")
                })?;
                path.push(Segment::Index(index));
                spec.shape(element, member.enum_values.as_deref())
            }
            Shape::Object(type_name, def) => {
                let Some(inner) = members(def).iter().find(|m| m.name == part) else {
                    let known: Vec<&str> = members(def).iter().map(|m| m.name.as_str()).collect();
                    return Err(format!(
                        "{shown}: {prefix} ({type_name}) has no member `{part}`; its members are {}",
                        known.join(", ")
                    ));
                };
                member = inner;
                path.push(Segment::Key(part.to_owned()));
                spec.member_shape(member)
            }
            Shape::Scalar(..) | Shape::Unknown(_) => {
                return Err(format!(
                    "{shown}: {prefix} is a {}; it has no part `{part}`",
                    member.ty
                ));
            }
        };
        prefix.push('.');
        prefix.push_str(part);
    }
    let value = value_of(spec, shape, &arg.values, &shown)?;
    place(root, first.to_owned(), &path, value)
        .ok_or_else(|| format!("{shown}: given twice, or both whole and member by member"))
}

/// `0`, `1`, ... without leading zeros (as the `.N` flattening writes them).
fn parse_index(text: &str) -> Option<usize> {
    if text.len() > 1 && text.starts_with('0') {
        return None;
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn unknown_parameter(spec: &Spec, name: &str, shown: &str) -> String {
    let close: Vec<String> = closest(spec.request.iter().map(|m| m.name.as_str()), name)
        .into_iter()
        .map(|name| format!("--{name}"))
        .collect();
    let hint = if close.is_empty() {
        let all: Vec<String> = spec
            .request
            .iter()
            .map(|m| format!("--{}", m.name))
            .collect();
        if all.is_empty() {
            format!("{} takes no parameter", spec.action)
        } else {
            format!("its parameters are {}", all.join(", "))
        }
    } else {
        format!("did you mean {}?", close.join(", "))
    };
    format!("{shown}: {} has no such parameter; {hint}", spec.action)
}

/// The JSON value of a parameter given whole, from its values on the command line.
fn value_of(
    spec: &Spec,
    shape: Shape<'_>,
    values: &[String],
    shown: &str,
) -> Result<Value, String> {
    match shape {
        Shape::Scalar(scalar, _) => match values {
            [value] => Ok(scalar_value(scalar, value)),
            [] => Err(format!("{shown} needs a value")),
            _ => Err(format!(
                "{shown} takes one value, {} were given; quote a value that holds spaces",
                values.len()
            )),
        },
        Shape::Array(element) => {
            if let [value] = values
                && value.trim_start().starts_with('[')
            {
                return parse_json(value, shown);
            }
            match spec.shape(element, None) {
                Shape::Scalar(scalar, _) if !values.is_empty() => Ok(Value::Array(
                    values.iter().map(|v| scalar_value(scalar, v)).collect(),
                )),
                Shape::Scalar(..) => Err(format!(
                    "{shown} needs a value: a list as --Name a b, or as JSON: --Name '[...]'"
                )),
                _ => Err(format!(
                    "{shown} is a list of {element}: give it as JSON ({shown} '[{{...}}]') or \
                     member by member ({shown}.0.<Member> value)"
                )),
            }
        }
        Shape::Object(type_name, _) => match values {
            [value] => parse_json(value, shown),
            _ => Err(format!(
                "{shown} is a {type_name}: give it as one JSON object ({shown} '{{...}}') or \
                 member by member ({shown}.<Member> value)"
            )),
        },
        Shape::Unknown(_) => match values {
            [value] => {
                Ok(serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.clone())))
            }
            _ => Err(format!("{shown} takes one value")),
        },
    }
}

fn parse_json(text: &str, shown: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|error| format!("{shown}: invalid JSON: {error}"))
}

/// A scalar from its text: typed as the spec says when the text reads as that type, else kept
/// as a string for the shape check to report.
pub fn scalar_value(scalar: Scalar, text: &str) -> Value {
    let parsed = match scalar {
        Scalar::String => None,
        Scalar::Int(_) => text
            .parse::<u64>()
            .map(Value::from)
            .or_else(|_| text.parse::<i64>().map(Value::from))
            .ok(),
        Scalar::Float => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        Scalar::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "t" | "1" => Some(Value::Bool(true)),
            "false" | "f" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
    };
    parsed.unwrap_or_else(|| Value::String(text.to_owned()))
}

/// Puts `value` at `path`; `None` when something is there already (given twice, or both whole
/// and member by member).
fn insert(node: &mut Node, path: &[Segment], value: Value) -> Option<()> {
    let (segment, rest) = path.split_first()?;
    match (node, segment) {
        (Node::Object(map), Segment::Key(key)) => place(map, key.clone(), rest, value),
        (Node::Array(map), Segment::Index(index)) => place(map, *index, rest, value),
        _ => None,
    }
}

fn place<K: Ord>(
    map: &mut BTreeMap<K, Node>,
    key: K,
    rest: &[Segment],
    value: Value,
) -> Option<()> {
    match rest.first() {
        None if map.contains_key(&key) => None,
        None => {
            map.insert(key, Node::Leaf(value));
            Some(())
        }
        Some(next) => insert(
            map.entry(key).or_insert_with(|| container_for(next)),
            rest,
            value,
        ),
    }
}

fn container_for(segment: &Segment) -> Node {
    match segment {
        Segment::Key(_) => Node::Object(BTreeMap::new()),
        Segment::Index(_) => Node::Array(BTreeMap::new()),
    }
}

/// The JSON value of an assembled node; indices must run from 0 without gaps, as in tccli.
fn finish(node: Node, at: &str) -> Result<Value, String> {
    match node {
        Node::Leaf(value) => Ok(value),
        Node::Object(map) => {
            let mut out = Map::new();
            for (key, child) in map {
                let value = finish(child, &format!("{at}.{key}"))?;
                out.insert(key, value);
            }
            Ok(Value::Object(out))
        }
        Node::Array(map) => {
            let mut out = Vec::with_capacity(map.len());
            for (position, (index, child)) in map.into_iter().enumerate() {
                if index != position {
                    return Err(format!(
                        "--{at}.{index}: index {index} is given without index {position}; \
                         indices start at 0 and have no gaps"
                    ));
                }
                out.push(finish(child, &format!("{at}.{index}"))?);
            }
            Ok(Value::Array(out))
        }
    }
}

/// The parameters of `--cli-input-json`: `file://PATH` (tccli), `file://-` for standard input, or
/// the JSON text itself.
///
/// # Errors
///
/// A usage failure for a file that cannot be read or JSON that is not an object.
pub fn input_json(arg: &str) -> Result<Map<String, Value>, Failure> {
    let text = if let Some(path) = arg.strip_prefix("file://") {
        if path == "-" {
            std::io::read_to_string(std::io::stdin()).map_err(|error| {
                Failure::usage(format!(
                    "--cli-input-json: cannot read standard input: {error}"
                ))
            })?
        } else {
            let path = expand_home(path);
            std::fs::read_to_string(&path).map_err(|error| {
                Failure::usage(format!(
                    "--cli-input-json: cannot read {}: {error}",
                    path.display()
                ))
            })?
        }
    } else if arg.trim_start().starts_with('{') {
        arg.to_owned()
    } else {
        return Err(Failure::usage(
            "--cli-input-json takes file://PATH (as tccli), file://- or a JSON object; \
             `gaap <Action> --generate-cli-skeleton` prints one to fill in",
        ));
    };
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Failure::usage(
            "--cli-input-json: the JSON must be an object of parameters",
        )),
        Err(error) => Err(Failure::usage(format!(
            "--cli-input-json: invalid JSON: {error}"
        ))),
    }
}

/// `~/x` → `$HOME/x`, as tccli expands it.
fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::load;
    use serde_json::json;

    fn args(pairs: &[(&str, &[&str])]) -> Vec<ParamArg> {
        pairs
            .iter()
            .map(|(name, values)| ParamArg {
                name: (*name).to_owned(),
                values: values.iter().map(|v| (*v).to_owned()).collect(),
            })
            .collect()
    }

    #[test]
    fn scalars_are_typed_by_the_spec_and_lists_come_as_json_or_values() {
        let spec = load("CreateTCPListeners").unwrap();
        let built = build(
            &spec,
            &args(&[
                ("ListenerName", &["20"]),
                ("DelayLoop", &["20"]),
                ("Ports", &["[90,91]"]),
                ("RealServerPorts", &["80", "81"]),
            ]),
        )
        .unwrap();
        assert_eq!(
            Value::Object(built),
            json!({"ListenerName": "20", "DelayLoop": 20, "Ports": [90, 91], "RealServerPorts": [80, 81]})
        );
    }

    #[test]
    fn dotted_paths_build_nested_objects_and_arrays() {
        let spec = load("DescribeProxies").unwrap();
        let built = build(
            &spec,
            &args(&[
                ("Filters.0.Name", &["ProjectId"]),
                ("Filters.0.Values", &["0", "1"]),
                ("Filters.1.Name", &["AccessRegion"]),
                ("Filters.1.Values", &["[\"ap-guangzhou\"]"]),
                ("TagSet", &["[{\"TagKey\":\"k\",\"TagValue\":\"v\"}]"]),
            ]),
        )
        .unwrap();
        assert_eq!(
            Value::Object(built),
            json!({
                "Filters": [
                    {"Name": "ProjectId", "Values": ["0", "1"]},
                    {"Name": "AccessRegion", "Values": ["ap-guangzhou"]}
                ],
                "TagSet": [{"TagKey": "k", "TagValue": "v"}]
            })
        );
    }

    #[test]
    fn every_problem_of_the_command_line_is_reported_together() {
        let spec = load("DescribeProxies").unwrap();
        let error = build(
            &spec,
            &args(&[
                ("limit", &["5"]),
                ("Offset", &["1", "2"]),
                ("Filters.1.Name", &["x"]),
                ("Filters.0.Nme", &["x"]),
                ("TagSet", &["[{"]),
                ("Limit", &["1"]),
                ("Limit", &["2"]),
            ]),
        )
        .unwrap_err();
        let lines: Vec<&str> = error.message.lines().collect();
        assert!(
            lines[0].contains("--limit") && lines[0].contains("did you mean --Limit"),
            "{lines:?}"
        );
        assert!(
            lines[1].contains("--Offset takes one value, 2 were given"),
            "{lines:?}"
        );
        assert!(lines[2].contains("has no member `Nme`"), "{lines:?}");
        assert!(lines[3].contains("--TagSet: invalid JSON"), "{lines:?}");
        assert!(lines[4].contains("--Limit: given twice"), "{lines:?}");
        assert!(
            lines[5].contains("index 1 is given without index 0"),
            "{lines:?}"
        );
        assert_eq!(lines.len(), 6, "{lines:?}");
    }

    #[test]
    fn values_that_do_not_read_as_the_type_are_kept_for_the_shape_check() {
        assert_eq!(scalar_value(Scalar::Bool, "T"), json!(true));
        assert_eq!(scalar_value(Scalar::Bool, "0"), json!(false));
        assert_eq!(scalar_value(Scalar::Bool, "yes"), json!("yes"));
        let int = Scalar::Int(crate::spec::IntTy::I64);
        assert_eq!(scalar_value(int, "-3"), json!(-3));
        assert_eq!(scalar_value(int, "3x"), json!("3x"));
        assert_eq!(scalar_value(Scalar::Float, "0.5"), json!(0.5));
    }

    #[test]
    fn cli_input_json_reads_files_and_inline_objects() {
        let dir = std::env::temp_dir().join(format!("gaap-cli-params-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("request.json");
        std::fs::write(&file, r#"{"ProxyId": "link-1"}"#).unwrap();
        let read = input_json(&format!("file://{}", file.display())).unwrap();
        assert_eq!(read["ProxyId"], "link-1");
        assert_eq!(input_json(r#"{"A": 1}"#).unwrap()["A"], 1);
        assert!(
            input_json("request.json")
                .unwrap_err()
                .message
                .contains("file://")
        );
        assert!(input_json("[1]").unwrap_err().message.contains("file://"));
        std::fs::write(&file, "[1]").unwrap();
        let error = input_json(&format!("file://{}", file.display())).unwrap_err();
        assert!(error.message.contains("must be an object"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
