//! Client-side validation of requests against the documented constraints.
//!
//! What the type system cannot hold (ranges, lengths, array sizes, uniqueness, cross-field rules)
//! is checked by the `validate()` that `gaap_api!` generates. It reports every violation, not the
//! first, each with the path of the offending parameter and the rule it breaks. The checking
//! helpers live here so that generated code stays a list of calls.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::hash::Hash;

use crate::path::Path;

/// A number in a rule or a violation: integers are exact whatever their width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// Any integer parameter (`int64`, `uint64`, ...).
    Int(i128),
    /// A `float` parameter.
    Float(f64),
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(n) => write!(f, "{n}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

/// The documented rule a value breaks.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// The value lies outside the inclusive range `[min, max]` (a missing bound is unbounded).
    Range {
        min: Option<Number>,
        max: Option<Number>,
        actual: Number,
    },
    /// The string's length in characters lies outside `[min, max]`.
    Length {
        min: Option<u64>,
        max: Option<u64>,
        actual: u64,
    },
    /// The array's number of elements lies outside `[min, max]`.
    Items {
        min: Option<u64>,
        max: Option<u64>,
        actual: u64,
    },
    /// The element repeats the element at index `first`; the array must not hold duplicates.
    Unique { first: usize },
    /// The value is not one of the documented values (an enum's `Unknown` variant sent in a
    /// request).
    NotDocumented {
        value: String,
        allowed: &'static [&'static str],
    },
    /// Exactly one of these parameters must be set; `present` of them are.
    ExactlyOneOf {
        params: &'static [&'static str],
        present: usize,
    },
    /// At most one of these parameters may be set; `present` of them are.
    AtMostOneOf {
        params: &'static [&'static str],
        present: usize,
    },
    /// At least one of these parameters must be set; none is.
    AtLeastOneOf { params: &'static [&'static str] },
    /// The value must be less than (or, with `or_equal`, at most) parameter `other`.
    LessThan {
        other: &'static str,
        or_equal: bool,
        actual: Number,
        other_value: Number,
    },
    /// A conditional rule: when `condition` holds, `requirement` must hold for this parameter.
    Conditional {
        condition: &'static str,
        requirement: &'static str,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn bounds<T: fmt::Display>(
            f: &mut fmt::Formatter<'_>,
            min: &Option<T>,
            max: &Option<T>,
        ) -> fmt::Result {
            match (min, max) {
                (Some(min), Some(max)) => write!(f, "[{min}, {max}]"),
                (Some(min), None) => write!(f, "[{min}, ∞)"),
                (None, Some(max)) => write!(f, "(-∞, {max}]"),
                (None, None) => f.write_str("(-∞, ∞)"),
            }
        }
        match self {
            Rule::Range { min, max, actual } => {
                write!(f, "{actual} is outside the allowed range ")?;
                bounds(f, min, max)
            }
            Rule::Length { min, max, actual } => {
                write!(f, "length {actual} is outside the allowed length ")?;
                bounds(f, min, max)
            }
            Rule::Items { min, max, actual } => {
                write!(f, "{actual} elements, outside the allowed count ")?;
                bounds(f, min, max)
            }
            Rule::Unique { first } => {
                write!(f, "duplicates element [{first}]; elements must be unique")
            }
            Rule::NotDocumented { value, allowed } => {
                write!(f, "`{value}` is not one of the documented values ")?;
                write!(f, "{}", allowed.join(", "))
            }
            Rule::ExactlyOneOf { params, present } => write!(
                f,
                "exactly one of {} must be set, {present} are",
                params.join(", ")
            ),
            Rule::AtMostOneOf { params, present } => write!(
                f,
                "at most one of {} may be set, {present} are",
                params.join(", ")
            ),
            Rule::AtLeastOneOf { params } => {
                write!(f, "at least one of {} must be set", params.join(", "))
            }
            Rule::LessThan {
                other,
                or_equal,
                actual,
                other_value,
            } => {
                let relation = if *or_equal { "at most" } else { "less than" };
                write!(f, "{actual} must be {relation} {other} ({other_value})")
            }
            Rule::Conditional {
                condition,
                requirement,
            } => write!(f, "{requirement} when {condition}"),
        }
    }
}

/// One broken rule: which parameter, which rule, and the documentation of the rule if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// The parameter path (`Ports[1]`, `CheckParams.DelayLoop`); empty for a rule on the whole
    /// request.
    pub path: String,
    /// The rule broken.
    pub rule: Rule,
    /// The sentence of the documentation that states the rule, when the spec quotes one.
    pub doc: Option<&'static str>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.rule)?;
        } else {
            write!(f, "{}: {}", self.path, self.rule)?;
        }
        if let Some(doc) = self.doc {
            write!(f, " ({doc})")?;
        }
        Ok(())
    }
}

/// Every violation found in one request.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationErrors {
    violations: Vec<Violation>,
}

impl ValidationErrors {
    /// Wraps a non-empty list of violations.
    pub fn new(violations: Vec<Violation>) -> Self {
        ValidationErrors { violations }
    }

    /// The violations, in the order of the spec's parameters, then of its rules.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The parameter path of each violation, in order (`["Ports[0]", "ConnectTimeout"]`).
    pub fn paths(&self) -> Vec<&str> {
        self.violations.iter().map(|v| v.path.as_str()).collect()
    }

    /// Whether some violation is reported for exactly this parameter path.
    pub fn has_path(&self, path: &str) -> bool {
        self.violations.iter().any(|v| v.path == path)
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(
            f,
            "the request breaks {n} documented rule{}: ",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl IntoIterator for ValidationErrors {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.violations.into_iter()
    }
}

/// A value whose documented constraints can be checked. Generated for every request and object
/// type; implemented here for the containers they use.
pub trait Validate {
    /// Appends every violation found in `self`, located at `at`, to `out`.
    fn validate_at(&self, at: &Path<'_>, out: &mut Vec<Violation>);

    /// Checks every documented constraint and returns all violations.
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut out = Vec::new();
        self.validate_at(&Path::ROOT, &mut out);
        if out.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors::new(out))
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, at: &Path<'_>, out: &mut Vec<Violation>) {
        for (i, item) in self.iter().enumerate() {
            item.validate_at(&at.index(i), out);
        }
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, at: &Path<'_>, out: &mut Vec<Violation>) {
        if let Some(value) = self {
            value.validate_at(at, out);
        }
    }
}

/// Records a violation at `at`.
pub fn violation(at: &Path<'_>, rule: Rule, doc: Option<&'static str>, out: &mut Vec<Violation>) {
    out.push(Violation {
        path: at.render(),
        rule,
        doc,
    });
}

/// Checks an integer against an inclusive range.
pub fn int_range(
    value: impl Into<i128>,
    min: Option<i128>,
    max: Option<i128>,
    at: &Path<'_>,
    out: &mut Vec<Violation>,
) {
    let value = value.into();
    if min.is_some_and(|min| value < min) || max.is_some_and(|max| value > max) {
        let rule = Rule::Range {
            min: min.map(Number::Int),
            max: max.map(Number::Int),
            actual: Number::Int(value),
        };
        violation(at, rule, None, out);
    }
}

/// Checks a float against an inclusive range; NaN is outside every range.
pub fn float_range(
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
    at: &Path<'_>,
    out: &mut Vec<Violation>,
) {
    let inside =
        !value.is_nan() && min.is_none_or(|min| value >= min) && max.is_none_or(|max| value <= max);
    if !inside {
        let rule = Rule::Range {
            min: min.map(Number::Float),
            max: max.map(Number::Float),
            actual: Number::Float(value),
        };
        violation(at, rule, None, out);
    }
}

/// Checks the length of a string, counted in characters (Unicode scalar values).
pub fn length(
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
    at: &Path<'_>,
    out: &mut Vec<Violation>,
) {
    let actual = value.chars().count() as u64;
    if min.is_some_and(|min| actual < min) || max.is_some_and(|max| actual > max) {
        violation(at, Rule::Length { min, max, actual }, None, out);
    }
}

/// Checks the number of elements of an array.
pub fn items<T>(
    value: &[T],
    min: Option<u64>,
    max: Option<u64>,
    at: &Path<'_>,
    out: &mut Vec<Violation>,
) {
    let actual = value.len() as u64;
    if min.is_some_and(|min| actual < min) || max.is_some_and(|max| actual > max) {
        violation(at, Rule::Items { min, max, actual }, None, out);
    }
}

/// Reports every element that repeats an earlier one, at the later element's index.
///
/// O(n) expected: each element is looked up in a hash map of the elements before it (for a
/// handful of elements, compared with each before it: no allocation). Arrays of floats, which
/// are not `Hash`, go through [`unique_floats`].
pub fn unique<T: Hash + Eq>(value: &[T], at: &Path<'_>, out: &mut Vec<Violation>) {
    if value.len() <= LINEAR_UNIQUE_UP_TO {
        for (i, item) in value.iter().enumerate() {
            if let Some(first) = value[..i].iter().position(|earlier| earlier == item) {
                violation(&at.index(i), Rule::Unique { first }, None, out);
            }
        }
        return;
    }
    unique_by_key(value.iter().map(Some), at, out);
}

/// [`unique`] for arrays of floats (or arrays of arrays of floats), with `==` semantics: `0.0`
/// and `-0.0` are duplicates, NaN duplicates nothing.
pub fn unique_floats<T: FloatKey>(value: &[T], at: &Path<'_>, out: &mut Vec<Violation>) {
    unique_by_key(value.iter().map(FloatKey::float_key), at, out);
}

/// Up to this many elements, comparing each with those before it is cheaper than hashing: the
/// documented arrays hold a handful.
const LINEAR_UNIQUE_UP_TO: usize = 16;

/// Reports the elements whose key repeats an earlier element's; `None` repeats nothing.
fn unique_by_key<K: Hash + Eq>(
    keys: impl ExactSizeIterator<Item = Option<K>>,
    at: &Path<'_>,
    out: &mut Vec<Violation>,
) {
    let mut first_of: HashMap<K, usize> = HashMap::with_capacity(keys.len());
    for (i, key) in keys.enumerate() {
        let Some(key) = key else { continue };
        match first_of.entry(key) {
            Entry::Occupied(first) => {
                violation(
                    &at.index(i),
                    Rule::Unique {
                        first: *first.get(),
                    },
                    None,
                    out,
                );
            }
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
}

/// A float value as a hashable key that agrees with `==`: equal values (`0.0` and `-0.0`) have
/// equal keys, and a value holding NaN, which equals nothing, has none.
pub trait FloatKey {
    /// The key; `None` for a value that equals nothing (NaN).
    fn float_key(&self) -> Option<Vec<u64>>;
}

impl FloatKey for f64 {
    fn float_key(&self) -> Option<Vec<u64>> {
        if self.is_nan() {
            return None;
        }
        // `+ 0.0` turns -0.0 into 0.0, which `==` holds equal.
        Some(vec![(*self + 0.0).to_bits()])
    }
}

impl<T: FloatKey> FloatKey for Vec<T> {
    fn float_key(&self) -> Option<Vec<u64>> {
        let mut key = vec![self.len() as u64];
        for item in self {
            let item = item.float_key()?;
            key.push(item.len() as u64);
            key.extend(item);
        }
        Some(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_inclusive() {
        let mut out = Vec::new();
        let root = Path::ROOT;
        let at = root.field("DelayLoop");
        int_range(5u64, Some(5), Some(300), &at, &mut out);
        int_range(300u64, Some(5), Some(300), &at, &mut out);
        assert!(out.is_empty());
        int_range(4u64, Some(5), Some(300), &at, &mut out);
        int_range(301u64, Some(5), Some(300), &at, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0].to_string(),
            "DelayLoop: 4 is outside the allowed range [5, 300]"
        );
    }

    #[test]
    fn nan_is_never_in_range() {
        let mut out = Vec::new();
        float_range(f64::NAN, None, None, &Path::ROOT.field("X"), &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn duplicates_reported_at_the_later_index() {
        let mut out = Vec::new();
        let root = Path::ROOT;
        unique(&[80u64, 443, 80, 80], &root.field("Ports"), &mut out);
        let paths: Vec<_> = out.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["Ports[2]", "Ports[3]"]);
        assert_eq!(out[0].rule, Rule::Unique { first: 0 });
    }

    #[test]
    fn floats_are_unique_by_equality() {
        let mut out = Vec::new();
        let at = Path::ROOT.field("Weights");
        unique_floats(&[0.5, -0.0, f64::NAN, 0.0, f64::NAN, 0.5], &at, &mut out);
        assert_eq!(
            out.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
            [
                "Weights[3]: duplicates element [1]; elements must be unique",
                "Weights[5]: duplicates element [0]; elements must be unique",
            ]
        );
        let mut out = Vec::new();
        let nested = [vec![1.0, 2.0], vec![1.0], vec![1.0, 2.0], vec![f64::NAN]];
        unique_floats(&nested, &at, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule, Rule::Unique { first: 0 });
    }

    #[test]
    fn a_hundred_thousand_elements_with_one_duplicate() {
        let mut ports: Vec<u64> = (0..100_000).collect();
        ports.push(99_999);
        let mut out = Vec::new();
        unique(&ports, &Path::ROOT.field("Ports"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].path, "Ports[100000]");
        assert_eq!(out[0].rule, Rule::Unique { first: 99_999 });
    }

    #[test]
    fn paths_list_every_violation_in_order() {
        let mut out = Vec::new();
        let root = Path::ROOT;
        int_range(0u64, Some(1), None, &root.field("Ports").index(0), &mut out);
        int_range(
            61u64,
            None,
            Some(60),
            &root.field("ConnectTimeout"),
            &mut out,
        );
        let errors = ValidationErrors::new(out);
        assert_eq!(errors.paths(), ["Ports[0]", "ConnectTimeout"]);
        assert!(errors.has_path("ConnectTimeout") && !errors.has_path("Ports"));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut out = Vec::new();
        length(
            "监听器",
            None,
            Some(3),
            &Path::ROOT.field("ListenerName"),
            &mut out,
        );
        assert!(out.is_empty());
        length(
            "监听器1",
            None,
            Some(3),
            &Path::ROOT.field("ListenerName"),
            &mut out,
        );
        assert_eq!(out.len(), 1);
    }
}
