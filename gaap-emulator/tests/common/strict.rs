//! A strict reading of a success answer against its spec (`specs/<Action>.json`), member by
//! member and nested types included, as `model_check` walks the model's views: no member the
//! response type lacks, every required member present (and not null, unless its documentation
//! says it may be: "may return null", "可能返回 null", "则为null"), every value of its documented
//! JSON type, and every enumerated member present with a documented value (an enumeration left
//! out reads as `Unknown` of nothing, not as the real state).
//!
//! The SDK reads responses leniently (unknown members ignored, missing ones empty), as a client
//! should; the emulator's answers must be exact, so its tests read them strictly. Shared by this
//! crate's examples test and the SDK's end-to-end support (`#[path]`), which is why it reads the
//! specs from a directory it is given.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

/// Every way `response` (the members of `{"Response": {...}}`) departs from the response of
/// `action` in `specs`; empty when it is exact.
pub fn response_problems(specs: &Path, action: &str, response: &Value) -> Vec<String> {
    let path = specs.join(format!("{action}.json"));
    let spec: Value = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(spec) => spec,
        Err(err) => return vec![format!("{}: {err}", path.display())],
    };
    let mut problems = Vec::new();
    let checker = Checker {
        types: spec["types"].as_object().cloned().unwrap_or_default(),
    };
    checker.object(
        &format!("{action}Response"),
        spec["response"].as_array().map_or(&[][..], Vec::as_slice),
        response,
        &mut problems,
    );
    problems
}

/// Whether a member's documentation says the API may send it as null.
fn may_be_null(member: &Value) -> bool {
    let doc = |k: &str| member[k].as_str().unwrap_or_default().to_lowercase();
    let (en, zh) = (doc("doc"), doc("doc_zh"));
    en.contains("may return null")
        || en.contains("may return `null`")
        || zh.contains("可能返回 null")
        || zh.contains("为null")
}

struct Checker {
    types: Map<String, Value>,
}

impl Checker {
    fn object(&self, at: &str, members: &[Value], value: &Value, problems: &mut Vec<String>) {
        let Some(object) = value.as_object() else {
            problems.push(format!("{at}: {value} is not an object"));
            return;
        };
        let declared: BTreeMap<&str, &Value> = members
            .iter()
            .filter_map(|m| Some((m["name"].as_str()?, m)))
            .collect();
        for key in object.keys() {
            if !declared.contains_key(key.as_str()) {
                problems.push(format!("{at}.{key}: not a member of the documented type"));
            }
        }
        for (name, member) in declared {
            let at = format!("{at}.{name}");
            let required = member["required"].as_bool().unwrap_or(false);
            let ty = member["type"].as_str().unwrap_or_default();
            let values = self.enum_values(member, ty);
            match object.get(name) {
                None | Some(Value::Null) if values.is_some() => problems.push(format!(
                    "{at}: an enumerated member left out reads as Unknown, not the real state"
                )),
                None if required => problems.push(format!("{at}: required, and missing")),
                Some(Value::Null) if required && !may_be_null(member) => {
                    problems.push(format!("{at}: required, and null"));
                }
                None | Some(Value::Null) => {}
                Some(v) => self.value(&at, ty, values.as_deref(), v, problems),
            }
        }
    }

    /// The documented values of an enumerated member: its own `enum`, or its named type's.
    fn enum_values(&self, member: &Value, ty: &str) -> Option<Vec<Value>> {
        let list = member["enum"]
            .as_array()
            .or_else(|| self.types.get(ty.trim_end_matches("[]"))?["enum"].as_array())?;
        Some(list.iter().map(|v| v["value"].clone()).collect())
    }

    fn value(
        &self,
        at: &str,
        ty: &str,
        values: Option<&[Value]>,
        value: &Value,
        problems: &mut Vec<String>,
    ) {
        if let Some(element) = ty.strip_suffix("[]") {
            let Some(items) = value.as_array() else {
                problems.push(format!("{at}: {value} is not an array of {element}"));
                return;
            };
            for (i, item) in items.iter().enumerate() {
                self.value(&format!("{at}[{i}]"), element, values, item, problems);
            }
            return;
        }
        if let Some(named) = self.types.get(ty) {
            if let Some(members) = named["members"].as_array() {
                self.object(at, members, value, problems);
                return;
            }
            // A named enumeration: its scalar type, then its values.
            let scalar = named["type"].as_str().unwrap_or_default();
            self.value(at, scalar, values, value, problems);
            return;
        }
        let fits = match ty {
            "string" => value.is_string(),
            "int64" => value.is_i64(),
            "uint64" => value.is_u64(),
            "float" | "double" => value.is_number(),
            "bool" | "boolean" => value.is_boolean(),
            other => {
                problems.push(format!("{at}: the spec's type `{other}` is unknown here"));
                return;
            }
        };
        if !fits {
            problems.push(format!("{at}: {value} is not a {ty}"));
            return;
        }
        if let Some(values) = values
            && !values.contains(value)
        {
            problems.push(format!("{at}: {value} is not a documented value"));
        }
    }
}
