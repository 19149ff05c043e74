//! Reading typed values out of parsed JSON, for responses (client side) and requests (the
//! emulator, and the inverse of flattening).
//!
//! Decoding goes through `serde_json::Value` and one small trait instead of serde's derive
//! machinery: generated code is a list of calls to the helpers below, which keeps the cost of
//! compiling a hundred actions low, and every error carries the path of the offending value.

use serde_json::{Map, Value};

use super::error::{DecodeError, DecodeErrorKind};
use crate::path::Path;

/// How strictly a value is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// As a server reads a request: an unknown parameter, a missing required parameter or a value
    /// outside a closed enumeration is an error.
    Request,
    /// As a client reads a response: unknown fields are ignored (the server may be newer than
    /// the spec) and a documented field the server left out reads as its empty value (`""`,
    /// `0`, `false`, `[]`) rather than failing the whole call.
    Response,
}

/// A value that can be read from JSON. Generated for every request, response, object and enum
/// type; implemented here for the primitive types of the spec format and for `Vec`.
pub trait FromJson: Sized {
    /// Reads `value`, located at `at`.
    fn from_json(value: &Value, at: &Path<'_>, mode: Mode) -> Result<Self, DecodeError>;

    /// What a documented, non-optional field reads as when it is absent or `null`: an error in
    /// [`Mode::Request`]; in [`Mode::Response`] the empty value for types that have one.
    fn absent(at: &Path<'_>, mode: Mode) -> Result<Self, DecodeError> {
        let _ = mode;
        Err(DecodeError::new(at, DecodeErrorKind::Missing))
    }
}

/// Decodes a top-level value (`FromJson` at the root path).
pub(crate) fn decode_root<T: FromJson>(value: &Value, mode: Mode) -> Result<T, DecodeError> {
    T::from_json(value, &Path::ROOT, mode)
}

/// Reads a request from its JSON body, strictly ([`Mode::Request`]).
pub fn request_from_json<T: FromJson>(value: &Value) -> Result<T, DecodeError> {
    decode_root(value, Mode::Request)
}

/// Reads a request from `.N`-flattened pairs, strictly ([`Mode::Request`]).
pub fn request_from_flat<'a, T, I>(pairs: I) -> Result<T, DecodeError>
where
    T: FromJson,
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let value = super::unflatten::unflatten(pairs)?;
    decode_root(&value, Mode::Request)
}

/// Reads the inside of a successful response (`{"Response": {...}}`'s object), leniently
/// ([`Mode::Response`]).
pub fn response_from_json<T: FromJson>(value: &Value) -> Result<T, DecodeError> {
    decode_root(value, Mode::Response)
}

/// The text of a JSON string.
pub fn string_value<'v>(value: &'v Value, at: &Path<'_>) -> Result<&'v str, DecodeError> {
    value
        .as_str()
        .ok_or_else(|| DecodeError::type_mismatch(at, "a string", value))
}

/// An integer given as a JSON number or as a JSON string holding one (the API accepts both).
pub fn integer_value<T>(
    value: &Value,
    at: &Path<'_>,
    expected: &'static str,
) -> Result<T, DecodeError>
where
    T: TryFrom<i64> + TryFrom<u64> + std::str::FromStr,
{
    let parsed = match value {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                T::try_from(u).ok()
            } else if let Some(i) = n.as_i64() {
                T::try_from(i).ok()
            } else {
                None
            }
        }
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| DecodeError::type_mismatch(at, expected, value))
}

macro_rules! integer_from_json {
    ($($t:ty => $expected:literal),*) => {$(
        impl FromJson for $t {
            fn from_json(value: &Value, at: &Path<'_>, _mode: Mode) -> Result<Self, DecodeError> {
                integer_value(value, at, $expected)
            }
            fn absent(at: &Path<'_>, mode: Mode) -> Result<Self, DecodeError> {
                empty_in_response(at, mode)
            }
        }
    )*};
}

integer_from_json!(
    i8 => "an 8-bit signed integer",
    i16 => "a 16-bit signed integer",
    i32 => "a 32-bit signed integer",
    i64 => "a 64-bit signed integer",
    u8 => "an 8-bit unsigned integer",
    u16 => "a 16-bit unsigned integer",
    u32 => "a 32-bit unsigned integer",
    u64 => "a 64-bit unsigned integer"
);

fn empty_in_response<T: Default>(at: &Path<'_>, mode: Mode) -> Result<T, DecodeError> {
    match mode {
        Mode::Response => Ok(T::default()),
        Mode::Request => Err(DecodeError::new(at, DecodeErrorKind::Missing)),
    }
}

impl FromJson for f64 {
    fn from_json(value: &Value, at: &Path<'_>, _mode: Mode) -> Result<Self, DecodeError> {
        let parsed = match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        };
        parsed.ok_or_else(|| DecodeError::type_mismatch(at, "a number", value))
    }
    fn absent(at: &Path<'_>, mode: Mode) -> Result<Self, DecodeError> {
        empty_in_response(at, mode)
    }
}

impl FromJson for bool {
    fn from_json(value: &Value, at: &Path<'_>, _mode: Mode) -> Result<Self, DecodeError> {
        match value {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s == "true" => Ok(true),
            Value::String(s) if s == "false" => Ok(false),
            _ => Err(DecodeError::type_mismatch(at, "a boolean", value)),
        }
    }
    fn absent(at: &Path<'_>, mode: Mode) -> Result<Self, DecodeError> {
        empty_in_response(at, mode)
    }
}

impl FromJson for String {
    fn from_json(value: &Value, at: &Path<'_>, _mode: Mode) -> Result<Self, DecodeError> {
        string_value(value, at).map(str::to_owned)
    }
    fn absent(at: &Path<'_>, mode: Mode) -> Result<Self, DecodeError> {
        empty_in_response(at, mode)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value, at: &Path<'_>, mode: Mode) -> Result<Self, DecodeError> {
        let Value::Array(items) = value else {
            return Err(DecodeError::type_mismatch(at, "an array", value));
        };
        // A plain loop rather than `collect::<Result<Vec<_>, _>>()`: this is instantiated for
        // every element type of every action, and the iterator adapters cost compile time.
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(T::from_json(item, &at.index(i), mode)?);
        }
        Ok(out)
    }
    fn absent(at: &Path<'_>, mode: Mode) -> Result<Self, DecodeError> {
        empty_in_response(at, mode)
    }
}

/// The members of a JSON object.
pub fn object<'v>(value: &'v Value, at: &Path<'_>) -> Result<&'v Map<String, Value>, DecodeError> {
    value
        .as_object()
        .ok_or_else(|| DecodeError::type_mismatch(at, "an object", value))
}

fn present<'v>(obj: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    obj.get(name).filter(|v| !v.is_null())
}

/// A documented, non-optional field; absent or `null` reads as [`FromJson::absent`].
pub fn required_field<T: FromJson>(
    obj: &Map<String, Value>,
    name: &'static str,
    at: &Path<'_>,
    mode: Mode,
) -> Result<T, DecodeError> {
    let at = at.field(name);
    match present(obj, name) {
        Some(value) => T::from_json(value, &at, mode),
        None => T::absent(&at, mode),
    }
}

/// An optional field; absent or `null` reads as `None`.
pub fn optional_field<T: FromJson>(
    obj: &Map<String, Value>,
    name: &'static str,
    at: &Path<'_>,
    mode: Mode,
) -> Result<Option<T>, DecodeError> {
    present(obj, name)
        .map(|value| T::from_json(value, &at.field(name), mode))
        .transpose()
}

/// An optional array field; absent or `null` reads as an empty array.
pub fn optional_array_field<T: FromJson>(
    obj: &Map<String, Value>,
    name: &'static str,
    at: &Path<'_>,
    mode: Mode,
) -> Result<Vec<T>, DecodeError> {
    Ok(optional_field(obj, name, at, mode)?.unwrap_or_default())
}

/// In [`Mode::Request`], fails on the first member of `obj` that is not in `known`.
pub fn deny_unknown(
    obj: &Map<String, Value>,
    known: &[&str],
    at: &Path<'_>,
    mode: Mode,
) -> Result<(), DecodeError> {
    if mode == Mode::Request
        && let Some(name) = obj.keys().find(|k| !known.contains(&k.as_str()))
    {
        return Err(DecodeError::new(&at.field(name), DecodeErrorKind::Unknown));
    }
    Ok(())
}

/// The one parameter of an exactly-one-of group that is set: its index in `params` and its
/// value. Fails when none or several are set.
pub fn choice<'v>(
    obj: &'v Map<String, Value>,
    params: &'static [&'static str],
    at: &Path<'_>,
) -> Result<(usize, &'v Value), DecodeError> {
    let mut found = None;
    let mut present_count = 0;
    for (i, name) in params.iter().enumerate() {
        if let Some(value) = present(obj, name) {
            present_count += 1;
            found.get_or_insert((i, value));
        }
    }
    match found {
        Some(found) if present_count == 1 => Ok(found),
        _ => Err(DecodeError::new(
            at,
            DecodeErrorKind::Choice {
                params,
                present: present_count,
            },
        )),
    }
}

/// `serde::Deserialize` for generated types: parse into a JSON value, then read it leniently,
/// as a response. One generic function instead of a derive per type.
pub fn deserialize_via_json<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromJson,
{
    use serde::Deserialize as _;
    let value = Value::deserialize(deserializer)?;
    decode_root(&value, Mode::Response).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read<T: FromJson>(value: Value, mode: Mode) -> Result<T, DecodeError> {
        decode_root(&value, mode)
    }

    #[test]
    fn integers_accept_numbers_and_numeric_strings() {
        assert_eq!(read::<u64>(json!(20), Mode::Request), Ok(20));
        assert_eq!(read::<u64>(json!("20"), Mode::Request), Ok(20));
        assert_eq!(read::<i64>(json!(-3), Mode::Request), Ok(-3));
        assert!(read::<u64>(json!(-1), Mode::Request).is_err());
        assert!(read::<u64>(json!("2x"), Mode::Request).is_err());
        assert!(read::<u64>(json!(1.5), Mode::Request).is_err());
        assert!(read::<u8>(json!(256), Mode::Request).is_err());
    }

    #[test]
    fn errors_name_the_element() {
        let err = read::<Vec<u64>>(json!([1, "x"]), Mode::Response).unwrap_err();
        assert_eq!(err.path, "[1]");
        assert_eq!(
            err.to_string(),
            "[1]: expected a 64-bit unsigned integer, found string \"x\""
        );
    }

    #[test]
    fn absent_fields_depend_on_mode() {
        let obj = Map::new();
        let root = Path::ROOT;
        let missing: Result<String, _> = required_field(&obj, "RequestId", &root, Mode::Request);
        assert_eq!(missing.unwrap_err().kind, DecodeErrorKind::Missing);
        let filled: String = required_field(&obj, "RequestId", &root, Mode::Response).unwrap();
        assert_eq!(filled, "");
    }

    #[test]
    fn unknown_members_only_matter_in_requests() {
        let value = json!({"A": 1, "B": 2});
        let obj = value.as_object().unwrap();
        assert!(deny_unknown(obj, &["A"], &Path::ROOT, Mode::Response).is_ok());
        let err = deny_unknown(obj, &["A"], &Path::ROOT, Mode::Request).unwrap_err();
        assert_eq!(
            (err.path.as_str(), err.kind),
            ("B", DecodeErrorKind::Unknown)
        );
    }

    #[test]
    fn choice_needs_exactly_one() {
        const PARAMS: &[&str] = &["ProxyId", "GroupId"];
        let both = json!({"ProxyId": "a", "GroupId": "b"});
        let none = json!({"GroupId": null});
        let one = json!({"GroupId": "b"});
        assert!(choice(both.as_object().unwrap(), PARAMS, &Path::ROOT).is_err());
        assert!(choice(none.as_object().unwrap(), PARAMS, &Path::ROOT).is_err());
        let (index, value) = choice(one.as_object().unwrap(), PARAMS, &Path::ROOT).unwrap();
        assert_eq!((index, value), (1, &json!("b")));
    }
}
