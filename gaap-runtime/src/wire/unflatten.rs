//! The inverse of `.N` flattening: `key=value` pairs back into a JSON tree, which the typed
//! [`FromJson`](super::FromJson) impls then read like a JSON body.
//!
//! A numeric segment is an array index, any other segment a member name (parameter names are
//! identifiers, never numbers). Every ill-formed input is an error, never a panic: empty
//! segments, indices with leading zeros, gaps in indices, a key given twice, a key that is both a
//! value and a parent of other keys.

use std::collections::BTreeMap;
use std::collections::btree_map::{self, Entry};

use serde_json::{Map, Value};

use super::error::{DecodeError, DecodeErrorKind};

/// The most segments a flattened key may have (`RealServerBindSet.0.RealServerId` has three).
/// The deepest key of any documented GAAP request has four
/// (`AccessRegionList.0.NationCountryInnerList.0`); a deeper key is
/// [`DecodeErrorKind::KeyTooDeep`], refused before anything of it is built.
pub const MAX_KEY_DEPTH: usize = 32;

/// The largest array index a flattened key may hold (`Ports.9999`). The documented arrays hold at
/// most 100 elements; a larger index is [`DecodeErrorKind::IndexTooLarge`].
pub const MAX_ARRAY_INDEX: usize = 9_999;

/// How many characters of a key an error quotes; a longer key is cut, with `…`.
pub const MAX_QUOTED_KEY_CHARS: usize = 100;

/// A parsed tree, borrowing names and values from the pairs. Objects and arrays are ordered maps,
/// so that each insertion costs O(log n) however many keys share a parent.
enum Node<'k> {
    Leaf(&'k str),
    Object(BTreeMap<&'k str, Node<'k>>),
    Array(BTreeMap<usize, Node<'k>>),
}

/// Rebuilds the JSON object that `pairs` flatten. Values stay JSON strings; the typed readers
/// accept numbers and booleans written as strings.
///
/// Runs in O(n log n) for n pairs (plus the length of the keys), without recursion: a key is
/// checked against [`MAX_KEY_DEPTH`] before it is walked, so no input builds a tree deeper than
/// that, and the tree is turned into JSON with an explicit stack.
///
/// # Errors
///
/// [`DecodeErrorKind::MalformedKey`], [`DecodeErrorKind::KeyTooDeep`] or
/// [`DecodeErrorKind::IndexTooLarge`], naming the key (cut to [`MAX_QUOTED_KEY_CHARS`]).
pub fn unflatten<'a, I>(pairs: I) -> Result<Value, DecodeError>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut root = Node::Object(BTreeMap::new());
    for (key, value) in pairs {
        insert(&mut root, key, value)?;
    }
    into_value(root)
}

/// `key` as errors quote it: at most [`MAX_QUOTED_KEY_CHARS`] characters.
fn quoted(key: &str) -> String {
    match key.char_indices().nth(MAX_QUOTED_KEY_CHARS) {
        Some((cut, _)) => format!("{}…", &key[..cut]),
        None => key.to_owned(),
    }
}

fn key_error(kind: DecodeErrorKind) -> DecodeError {
    DecodeError {
        path: String::new(),
        kind,
    }
}

fn malformed(key: &str, reason: impl Into<String>) -> DecodeError {
    key_error(DecodeErrorKind::MalformedKey {
        key: quoted(key),
        reason: reason.into(),
    })
}

fn index_too_large(key: &str) -> DecodeError {
    key_error(DecodeErrorKind::IndexTooLarge {
        key: quoted(key),
        limit: MAX_ARRAY_INDEX,
    })
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
            format!("index `{}` has a leading zero", quoted(segment)),
        ));
    }
    // Five digits or more are above the limit whatever they say: no overflow to care about.
    match segment.parse::<usize>() {
        Ok(index) if segment.len() <= 4 && index <= MAX_ARRAY_INDEX => Ok(Segment::Index(index)),
        _ => Err(index_too_large(key)),
    }
}

fn insert<'k>(root: &mut Node<'k>, key: &'k str, value: &'k str) -> Result<(), DecodeError> {
    // Checked before anything is built: the depth of the tree never exceeds the limit.
    if key.bytes().filter(|&b| b == b'.').count() >= MAX_KEY_DEPTH {
        return Err(key_error(DecodeErrorKind::KeyTooDeep {
            key: quoted(key),
            limit: MAX_KEY_DEPTH,
        }));
    }
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
                Node::Leaf(value)
            } else {
                Node::Object(BTreeMap::new())
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
            (Node::Object(members), Segment::Name(name)) => match members.entry(name) {
                Entry::Occupied(_) if last => {
                    return Err(malformed(key, "given more than once, or also as a parent"));
                }
                Entry::Occupied(entry) => entry.into_mut(),
                Entry::Vacant(entry) => entry.insert(fresh()),
            },
            (Node::Array(items), Segment::Index(index)) => match items.entry(index) {
                Entry::Occupied(_) if last => {
                    return Err(malformed(key, "given more than once, or also as a parent"));
                }
                Entry::Occupied(entry) => entry.into_mut(),
                Entry::Vacant(entry) => entry.insert(fresh()),
            },
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

/// An object or array being turned into JSON, its children taken one by one.
enum Frame<'k> {
    Object {
        map: Map<String, Value>,
        rest: btree_map::IntoIter<&'k str, Node<'k>>,
        /// The member whose value is being built.
        pending: &'k str,
        /// The length of the flattened key of this object in `key`.
        key_len: usize,
    },
    Array {
        items: Vec<Value>,
        rest: btree_map::IntoIter<usize, Node<'k>>,
        key_len: usize,
    },
}

impl<'k> Frame<'k> {
    fn open(node: Node<'k>, key_len: usize) -> Result<Frame<'k>, Value> {
        match node {
            Node::Leaf(value) => Err(Value::String(value.to_owned())),
            Node::Object(members) => Ok(Frame::Object {
                map: Map::new(),
                rest: members.into_iter(),
                pending: "",
                key_len,
            }),
            Node::Array(items) => Ok(Frame::Array {
                items: Vec::with_capacity(items.len()),
                rest: items.into_iter(),
                key_len,
            }),
        }
    }

    /// Stores the value of the child taken last.
    fn attach(&mut self, value: Value) {
        match self {
            Frame::Object { map, pending, .. } => {
                map.insert((*pending).to_owned(), value);
            }
            Frame::Array { items, .. } => items.push(value),
        }
    }

    /// The next child, with `key` set to its flattened key; `None` when every child is done.
    fn next_child(&mut self, key: &mut String) -> Result<Option<Node<'k>>, DecodeError> {
        match self {
            Frame::Object {
                rest,
                pending,
                key_len,
                ..
            } => {
                let Some((name, child)) = rest.next() else {
                    return Ok(None);
                };
                key.truncate(*key_len);
                if !key.is_empty() {
                    key.push('.');
                }
                key.push_str(name);
                *pending = name;
                Ok(Some(child))
            }
            Frame::Array {
                items,
                rest,
                key_len,
            } => {
                let Some((index, child)) = rest.next() else {
                    return Ok(None);
                };
                key.truncate(*key_len);
                key.push('.');
                key.push_str(&index.to_string());
                let expected = items.len();
                if index != expected {
                    return Err(malformed(
                        key,
                        format!("index {index} is given but index {expected} is missing"),
                    ));
                }
                Ok(Some(child))
            }
        }
    }

    fn finish(self) -> Value {
        match self {
            Frame::Object { map, .. } => Value::Object(map),
            Frame::Array { items, .. } => Value::Array(items),
        }
    }
}

/// The JSON value of the tree, built with an explicit stack: no recursion, whatever the input.
fn into_value(root: Node<'_>) -> Result<Value, DecodeError> {
    let mut key = String::new();
    let mut stack = match Frame::open(root, 0) {
        Ok(frame) => vec![frame],
        Err(leaf) => return Ok(leaf),
    };
    let mut done: Option<Value> = None;
    while let Some(frame) = stack.last_mut() {
        if let Some(value) = done.take() {
            frame.attach(value);
        }
        match frame.next_child(&mut key)? {
            Some(child) => match Frame::open(child, key.len()) {
                Ok(frame) => stack.push(frame),
                Err(leaf) => done = Some(leaf),
            },
            None => {
                let finished = stack.pop().map(Frame::finish);
                if stack.is_empty() {
                    return Ok(finished.unwrap_or(Value::Null));
                }
                done = finished;
            }
        }
    }
    Ok(Value::Object(Map::new()))
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
    }

    #[test]
    fn a_gap_is_reported_at_the_first_missing_index() {
        assert_eq!(
            reason(&[("A.9999", "1")]),
            "A.9999: index 9999 is given but index 0 is missing"
        );
        assert_eq!(
            reason(&[("B.0", "1"), ("A.0.X", "1"), ("A.2.X", "2")]),
            "A.2: index 2 is given but index 1 is missing"
        );
    }

    fn limit(pairs: &[(&str, &str)]) -> DecodeErrorKind {
        unflatten(pairs.iter().copied()).unwrap_err().kind
    }

    #[test]
    fn indices_above_the_limit_are_refused_naming_the_key() {
        for key in ["A.10000", "A.0.B.99999999999999999999999", "A.4000000000"] {
            assert_eq!(
                limit(&[(key, "1")]),
                DecodeErrorKind::IndexTooLarge {
                    key: key.into(),
                    limit: MAX_ARRAY_INDEX
                }
            );
        }
        let at_limit = format!("A.{MAX_ARRAY_INDEX}");
        assert!(matches!(
            limit(&[(&at_limit, "1")]),
            DecodeErrorKind::MalformedKey { .. }
        ));
    }

    #[test]
    fn keys_deeper_than_the_limit_are_refused_and_quoted_cut() {
        let deepest = vec!["A"; MAX_KEY_DEPTH].join(".");
        let value = unflatten([(deepest.as_str(), "1")]).unwrap();
        let mut node = &value;
        for _ in 0..MAX_KEY_DEPTH {
            node = &node["A"];
        }
        assert_eq!(node, &json!("1"));

        let too_deep = format!("{deepest}.A");
        let DecodeErrorKind::KeyTooDeep { key, limit } = self::limit(&[(&too_deep, "1")]) else {
            panic!("too deep expected");
        };
        assert_eq!((key.as_str(), limit), (too_deep.as_str(), MAX_KEY_DEPTH));

        // The 200 KB key: refused at once, quoted cut to the first characters.
        let huge = format!("A{}", ".B".repeat(100_000));
        let error = unflatten([(huge.as_str(), "1")]).unwrap_err();
        let DecodeErrorKind::KeyTooDeep { key, .. } = &error.kind else {
            panic!("too deep expected: {error:?}");
        };
        assert_eq!(key.chars().count(), MAX_QUOTED_KEY_CHARS + 1);
        assert!(key.starts_with("A.B.B") && key.ends_with('…'), "{key}");
        assert!(error.to_string().len() < 300, "{error}");
    }

    #[test]
    fn eighty_thousand_distinct_keys_are_read() {
        let pairs: Vec<(String, String)> = (0..80_000)
            .map(|i| (format!("K{i}"), i.to_string()))
            .collect();
        let value = unflatten(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
        let object = value.as_object().unwrap();
        assert_eq!(object.len(), 80_000);
        assert_eq!(object["K79999"], json!("79999"));

        let items: Vec<(String, String)> = (0..=MAX_ARRAY_INDEX)
            .rev()
            .map(|i| (format!("A.{i}.B"), i.to_string()))
            .collect();
        let value = unflatten(items.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
        let array = value["A"].as_array().unwrap();
        assert_eq!(array.len(), MAX_ARRAY_INDEX + 1);
        assert_eq!(array[1234], json!({"B": "1234"}));
    }
}
