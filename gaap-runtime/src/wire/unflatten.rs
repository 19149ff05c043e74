//! The inverse of `.N` flattening: `key=value` pairs back into a JSON tree, which the typed
//! [`FromJson`](super::FromJson) impls then read like a JSON body.
//!
//! A numeric segment is an array index, any other segment a member name (parameter names are
//! identifiers, never numbers). Every ill-formed input is an error, never a panic: empty
//! segments, indices with leading zeros, gaps in indices, a key given twice, a key that is both a
//! value and a parent of other keys.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::decode::{DecodeError, DecodeErrorKind};

enum Node {
    Leaf(String),
    Object(Vec<(String, Node)>),
    Array(BTreeMap<usize, Node>),
}

/// Rebuilds the JSON object that `pairs` flatten. Values stay JSON strings; the typed readers
/// accept numbers and booleans written as strings.
pub fn unflatten<'a, I>(pairs: I) -> Result<Value, DecodeError>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut root = Node::Object(Vec::new());
    for (key, value) in pairs {
        insert(&mut root, key, value)?;
    }
    into_value(root, "")
}

fn malformed(key: &str, reason: impl Into<String>) -> DecodeError {
    DecodeError {
        path: String::new(),
        kind: DecodeErrorKind::MalformedKey {
            key: key.to_owned(),
            reason: reason.into(),
        },
    }
}

enum Segment<'k> {
    Name(&'k str),
    Index(usize),
}

fn parse_segment<'k>(key: &str, segment: &'k str) -> Result<Segment<'k>, DecodeError> {
    if segment.is_empty() {
        return Err(malformed(key, "empty segment"));
    }
    if !segment.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Segment::Name(segment));
    }
    if segment.len() > 1 && segment.starts_with('0') {
        return Err(malformed(
            key,
            format!("index `{segment}` has a leading zero"),
        ));
    }
    segment
        .parse()
        .map(Segment::Index)
        .map_err(|_| malformed(key, format!("index `{segment}` is too large")))
}

fn insert(root: &mut Node, key: &str, value: &str) -> Result<(), DecodeError> {
    let mut segments = key.split('.').peekable();
    let mut node = root;
    let mut first = true;
    while let Some(raw) = segments.next() {
        let segment = parse_segment(key, raw)?;
        if first && matches!(segment, Segment::Index(_)) {
            return Err(malformed(key, "a parameter name cannot be a number"));
        }
        first = false;
        let last = segments.peek().is_none();
        let fresh = || {
            if last {
                Node::Leaf(value.to_owned())
            } else {
                Node::Object(Vec::new())
            }
        };
        // An intermediate node is created as an empty object; its first child tells whether it
        // is an array.
        if matches!((&*node, &segment), (Node::Object(m), Segment::Index(_)) if m.is_empty()) {
            *node = Node::Array(BTreeMap::new());
        }
        node = match (node, segment) {
            (Node::Leaf(_), _) => {
                return Err(malformed(key, "a parent of this key is also given a value"));
            }
            (Node::Object(members), Segment::Name(name)) => {
                match members.iter().position(|(n, _)| n == name) {
                    Some(_) if last => {
                        return Err(malformed(key, "given more than once, or also as a parent"));
                    }
                    Some(i) => &mut members[i].1,
                    None => {
                        members.push((name.to_owned(), fresh()));
                        let end = members.len() - 1;
                        &mut members[end].1
                    }
                }
            }
            (Node::Array(items), Segment::Index(index)) => {
                if last && items.contains_key(&index) {
                    return Err(malformed(key, "given more than once, or also as a parent"));
                }
                items.entry(index).or_insert_with(fresh)
            }
            (Node::Object(_), Segment::Index(_)) | (Node::Array(_), Segment::Name(_)) => {
                return Err(malformed(
                    key,
                    "mixes array indices and member names at one level",
                ));
            }
        };
        if !last && matches!(node, Node::Leaf(_)) {
            return Err(malformed(key, "a parent of this key is also given a value"));
        }
    }
    Ok(())
}

fn into_value(node: Node, key: &str) -> Result<Value, DecodeError> {
    match node {
        Node::Leaf(value) => Ok(Value::String(value)),
        Node::Object(members) => {
            let mut map = Map::with_capacity(members.len());
            for (name, child) in members {
                let child_key = if key.is_empty() {
                    name.clone()
                } else {
                    format!("{key}.{name}")
                };
                map.insert(name, into_value(child, &child_key)?);
            }
            Ok(Value::Object(map))
        }
        Node::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (expected, (index, child)) in items.into_iter().enumerate() {
                let child_key = format!("{key}.{index}");
                if index != expected {
                    return Err(malformed(
                        &child_key,
                        format!("index {index} is given but index {expected} is missing"),
                    ));
                }
                out.push(into_value(child, &child_key)?);
            }
            Ok(Value::Array(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn reason(pairs: &[(&str, &str)]) -> String {
        match unflatten(pairs.iter().copied()) {
            Err(DecodeError {
                kind: DecodeErrorKind::MalformedKey { key, reason },
                ..
            }) => format!("{key}: {reason}"),
            other => panic!("expected a malformed key, got {other:?}"),
        }
    }

    #[test]
    fn rebuilds_arrays_and_nested_objects() {
        let pairs = [
            ("ProxyId", "link-1"),
            ("Ports.0", "90"),
            ("Ports.1", "91"),
            ("Set.0.Id", "rs-1"),
            ("Set.0.Weight", "3"),
            ("Set.1.Id", "rs-2"),
        ];
        let value = unflatten(pairs).unwrap();
        assert_eq!(
            value,
            json!({
                "ProxyId": "link-1",
                "Ports": ["90", "91"],
                "Set": [{"Id": "rs-1", "Weight": "3"}, {"Id": "rs-2"}],
            })
        );
    }

    #[test]
    fn indices_may_arrive_out_of_order() {
        let value = unflatten([("Ports.1", "91"), ("Ports.0", "90")]).unwrap();
        assert_eq!(value, json!({"Ports": ["90", "91"]}));
    }

    #[test]
    fn malformed_keys_are_errors() {
        assert_eq!(
            reason(&[("Ports.0", "1"), ("Ports.2", "2")]),
            "Ports.2: index 2 is given but index 1 is missing"
        );
        assert_eq!(reason(&[("A..B", "1")]), "A..B: empty segment");
        assert_eq!(reason(&[("A.", "1")]), "A.: empty segment");
        assert_eq!(reason(&[("", "1")]), ": empty segment");
        assert_eq!(
            reason(&[("0", "1")]),
            "0: a parameter name cannot be a number"
        );
        assert_eq!(
            reason(&[("Ports.01", "1")]),
            "Ports.01: index `01` has a leading zero"
        );
        assert_eq!(
            reason(&[("A", "1"), ("A", "2")]),
            "A: given more than once, or also as a parent"
        );
        assert_eq!(
            reason(&[("A.B", "1"), ("A", "2")]),
            "A: given more than once, or also as a parent"
        );
        assert_eq!(
            reason(&[("A", "1"), ("A.B", "2")]),
            "A.B: a parent of this key is also given a value"
        );
        assert_eq!(
            reason(&[("A.0", "1"), ("A.B", "2")]),
            "A.B: mixes array indices and member names at one level"
        );
        assert_eq!(
            reason(&[("A.B", "1"), ("A.0", "2")]),
            "A.0: mixes array indices and member names at one level"
        );
        assert_eq!(
            reason(&[("A.99999999999999999999999", "1")]),
            "A.99999999999999999999999: index `99999999999999999999999` is too large"
        );
    }

    #[test]
    fn a_huge_index_is_a_gap_not_an_allocation() {
        assert_eq!(
            reason(&[("A.4000000000", "1")]),
            "A.4000000000: index 4000000000 is given but index 0 is missing"
        );
    }
}
