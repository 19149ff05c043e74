//! `.N` flattening: a typed request as the `key=value` pairs of a GET query or a form body.

use std::fmt::Write as _;

/// Flattened parameters in the order they are sent: the request's parameters in documented
/// order, array elements in index order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlatParams {
    pairs: Vec<(String, String)>,
}

impl FlatParams {
    /// No parameters.
    pub fn new() -> Self {
        FlatParams::default()
    }

    /// Appends one pair.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((key.into(), value.into()));
    }

    /// The pairs, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Iterates the pairs as string slices.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The number of pairs.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The pairs as `application/x-www-form-urlencoded` text, in order: the query string of a GET
    /// request or the body of a form POST.
    pub fn to_urlencoded(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.pairs {
            out.append_pair(k, v);
        }
        out.finish()
    }

    /// Consumes the parameters into their pairs.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.pairs
    }
}

impl From<Vec<(String, String)>> for FlatParams {
    fn from(pairs: Vec<(String, String)>) -> Self {
        FlatParams { pairs }
    }
}

/// A value that can be written as `.N`-flattened parameters.
pub trait Flatten {
    /// Appends the pairs of `self` to `out`, every key prefixed by `key` (the path of `self` in
    /// flattened form). `key` is used as a scratch buffer and is left as it was found.
    fn flatten_into(&self, key: &mut String, out: &mut FlatParams);

    /// The flattened pairs of `self` as a top-level value.
    fn flatten(&self) -> FlatParams {
        let mut out = FlatParams::new();
        self.flatten_into(&mut String::new(), &mut out);
        out
    }
}

/// Flattens field `name` of a struct whose own key is `key` (empty at the top level).
pub fn flatten_field<T: Flatten + ?Sized>(
    key: &mut String,
    name: &str,
    value: &T,
    out: &mut FlatParams,
) {
    let len = key.len();
    if len > 0 {
        key.push('.');
    }
    key.push_str(name);
    value.flatten_into(key, out);
    key.truncate(len);
}

macro_rules! flatten_as_text {
    ($($t:ty),*) => {$(
        impl Flatten for $t {
            fn flatten_into(&self, key: &mut String, out: &mut FlatParams) {
                out.push(key.clone(), self.to_string());
            }
        }
    )*};
}

flatten_as_text!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, bool);

impl Flatten for String {
    fn flatten_into(&self, key: &mut String, out: &mut FlatParams) {
        out.push(key.clone(), self.clone());
    }
}

impl Flatten for str {
    fn flatten_into(&self, key: &mut String, out: &mut FlatParams) {
        out.push(key.clone(), self);
    }
}

impl<T: Flatten> Flatten for Option<T> {
    fn flatten_into(&self, key: &mut String, out: &mut FlatParams) {
        if let Some(value) = self {
            value.flatten_into(key, out);
        }
    }
}

impl<T: Flatten> Flatten for Vec<T> {
    fn flatten_into(&self, key: &mut String, out: &mut FlatParams) {
        let len = key.len();
        for (i, item) in self.iter().enumerate() {
            // Writing to a String cannot fail.
            let _ = write!(key, ".{i}");
            item.flatten_into(key, out);
            key.truncate(len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_take_their_index() {
        let mut out = FlatParams::new();
        flatten_field(&mut String::new(), "Ports", &vec![90u64, 91], &mut out);
        assert_eq!(out.to_urlencoded(), "Ports.0=90&Ports.1=91");
    }

    #[test]
    fn nested_keys_compose() {
        let mut out = FlatParams::new();
        let mut key = String::from("A.0");
        flatten_field(&mut key, "B", &vec!["x".to_string()], &mut out);
        assert_eq!(key, "A.0");
        assert_eq!(out.pairs(), [("A.0.B.0".to_string(), "x".to_string())]);
    }

    #[test]
    fn values_are_form_encoded() {
        let mut out = FlatParams::new();
        out.push("ListenerName", "a b&c=监");
        assert_eq!(out.to_urlencoded(), "ListenerName=a+b%26c%3D%E7%9B%91");
    }
}
