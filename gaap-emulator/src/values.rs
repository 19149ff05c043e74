//! How the emulator reads request parameters and stored fields, which are JSON values: flags,
//! text, equality as the API means it, and text for searching. A leaf module: the engine, the
//! hand-written handlers and the state all read values the same way.

use serde_json::{Map, Value};

/// Response fields as values (`RequestId` is added when the answer is written).
pub(crate) type Answer = Map<String, Value>;

/// Whether a flag parameter is set (`1`, `"1"` or `true`).
pub(crate) fn flag(params: &Map<String, Value>, name: &str) -> bool {
    match params.get(name) {
        Some(Value::Number(n)) => n.as_i64() == Some(1) || n.as_u64() == Some(1),
        Some(Value::String(s)) => s == "1",
        Some(Value::Bool(b)) => *b,
        _ => false,
    }
}

/// A parameter that holds text, when present and not empty.
pub(crate) fn text<'p>(params: &'p Map<String, Value>, name: &str) -> Option<&'p str> {
    params.get(name)?.as_str().filter(|s| !s.is_empty())
}

/// Values equal for the API: numbers by value, numbers and their text alike.
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x.as_f64() == y.as_f64() && x.as_i64() == y.as_i64() && x.as_u64() == y.as_u64()
        }
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => {
            *s == n.to_string()
        }
        (Value::Bool(x), Value::Number(n)) | (Value::Number(n), Value::Bool(x)) => {
            n.as_u64() == Some(u64::from(*x))
        }
        _ => a == b,
    }
}

/// A value as text, for searching and filtering.
pub(crate) fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The element of the catalogue list `entry` whose `key` is `wanted`.
pub(crate) fn catalogue_entry<'c>(
    catalogue: &'c Map<String, Value>,
    entry: &str,
    key: &str,
    wanted: &Value,
) -> Option<&'c Value> {
    catalogue
        .get(entry)?
        .as_array()?
        .iter()
        .find(|e| e.get(key) == Some(wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_values_compare_loosely() {
        assert!(same(&Value::from(80), &Value::from("80")));
        assert!(same(&Value::from(1u64), &Value::from(1i64)));
        assert!(!same(&Value::from(80), &Value::from(81)));
        assert!(same(&Value::from(true), &Value::from(1)));
    }

    #[test]
    fn flags_are_one_in_any_spelling() {
        let params: Map<String, Value> = serde_json::from_value(
            serde_json::json!({"A": 1, "B": "1", "C": true, "D": 0, "E": "yes"}),
        )
        .unwrap();
        for (name, set) in [
            ("A", true),
            ("B", true),
            ("C", true),
            ("D", false),
            ("E", false),
        ] {
            assert_eq!(flag(&params, name), set, "{name}");
        }
        assert!(!flag(&params, "Missing"));
    }
}
