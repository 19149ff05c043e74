//! The specs as the command reads them: embedded at build time, parsed only for the action a
//! command names, with the SDK's own model of the format (`gaap-spec`, the crate the generator
//! reads them with; serde only, so `syn` and the generator stay out of the binary).
//!
//! What is the command's own: choosing `doc` or `doc_zh` by language, resolving a member's type
//! into a [`Shape`], and rules in a few words for the help.

use std::ops::Deref;

use serde_json::Value;

pub use gaap_spec::{Condition, EnumValue, Example, IntTy, Member, RuleSpec, Scalar, TypeDef};

use crate::registry::SPECS;

/// The names of every action, sorted.
pub fn action_names() -> impl Iterator<Item = &'static str> {
    SPECS.iter().map(|(name, _)| *name)
}

/// The embedded spec text of `action`, if the command has it.
pub fn spec_text(action: &str) -> Option<&'static str> {
    SPECS
        .binary_search_by(|(name, _)| (*name).cmp(action))
        .ok()
        .map(|index| SPECS[index].1)
}

/// The candidates closest to `wanted`, for "did you mean" hints: the one that differs only in
/// case if there is one, else up to three a few edits away (or containing it), closest first.
pub fn closest<'a>(candidates: impl Iterator<Item = &'a str>, wanted: &str) -> Vec<&'a str> {
    let wanted = wanted.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|candidate| {
            let lower = candidate.to_ascii_lowercase();
            let distance = strsim::levenshtein(&lower, &wanted);
            let close = distance <= (wanted.len() / 4).max(1)
                || (wanted.len() >= 4 && lower.contains(&wanted));
            close.then_some((distance, candidate))
        })
        .collect();
    scored.sort();
    if scored.first().is_some_and(|(distance, _)| *distance == 0) {
        scored.truncate(1);
    }
    scored.truncate(3);
    scored.into_iter().map(|(_, candidate)| candidate).collect()
}

/// Parses the embedded spec of `action`. `None` for an unknown action.
///
/// # Panics
///
/// Never for the embedded specs: the build compiled every one of them into typed code with the
/// same model, and a test parses each of them here.
pub fn load(action: &str) -> Option<Spec> {
    let text = spec_text(action)?;
    Some(Spec(gaap_spec::parse(text).unwrap_or_else(|error| {
        panic!("the embedded spec of {action} does not parse: {error}")
    })))
}

/// The language docs are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// `doc` (English where the API description has it), else `doc_zh` (the default).
    English,
    /// `doc_zh` (the Chinese original), else `doc` (`--language zh-CN`).
    Chinese,
}

impl Lang {
    /// One documented text in this language, as specs/README.md defines the pairs: `doc` holds
    /// the English text where the API description has one, `doc_zh` the Chinese original
    /// (likewise `title`/`title_zh`, `description`/`description_zh`); either may be empty. The
    /// text in this language when the spec has it, else the other one.
    pub fn pick<'a>(self, main: &'a str, zh: &'a str) -> &'a str {
        let (first, second) = match self {
            Lang::English => (main, zh),
            Lang::Chinese => (zh, main),
        };
        if first.is_empty() { second } else { first }
    }
}

/// One action's spec, with what the command asks of it.
#[derive(Clone, Debug)]
pub struct Spec(gaap_spec::Spec);

impl Deref for Spec {
    type Target = gaap_spec::Spec;
    fn deref(&self) -> &gaap_spec::Spec {
        &self.0
    }
}

/// The value of an enumeration as typed on a command line (`rr`, `1`).
pub fn enum_text(value: &EnumValue) -> String {
    value_text(&value.value)
}

/// A spec's value as a command line user writes it: a string without its quotes.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A condition in a few words: `Scheduler = rr`, `Domain is set`.
pub fn describe_condition(condition: &Condition) -> String {
    let shown = value_text;
    match (&condition.equals, &condition.not_equals, condition.present) {
        (Some(value), _, _) => format!("{} = {}", condition.param, shown(value)),
        (_, Some(value), _) => format!("{} ≠ {}", condition.param, shown(value)),
        (_, _, Some(true)) => format!("{} is set", condition.param),
        _ => format!("{} is not set", condition.param),
    }
}

/// A rule in a few words (`exactly one of ProxyId, GroupId`).
pub fn describe_rule(rule: &RuleSpec) -> String {
    if let Some(params) = &rule.exactly_one_of {
        format!("exactly one of {}", params.join(", "))
    } else if let Some(params) = &rule.at_most_one_of {
        format!("at most one of {}", params.join(", "))
    } else if let Some(params) = &rule.at_least_one_of {
        format!("at least one of {}", params.join(", "))
    } else if let Some(pair) = &rule.less_than {
        format!(
            "{} < {} when both are set",
            pair[0],
            pair.get(1).map_or("?", |s| s)
        )
    } else if let Some(pair) = &rule.less_or_equal {
        format!(
            "{} ≤ {} when both are set",
            pair[0],
            pair.get(1).map_or("?", |s| s)
        )
    } else if let (Some(when), Some(then)) = (&rule.when, &rule.then) {
        format!(
            "when {}: {}",
            describe_condition(when),
            describe_condition(then)
        )
    } else {
        "(a rule this command does not know)".to_owned()
    }
}

/// tccli's name of a scalar type, used in skeletons (`Integer`, `String`).
pub fn tccli_name(scalar: Scalar) -> &'static str {
    match scalar {
        Scalar::String => "String",
        Scalar::Bool => "Boolean",
        Scalar::Float => "Float",
        Scalar::Int(_) => "Integer",
    }
}

/// What a member's type is, resolved against the spec's named types.
#[derive(Clone, Copy, Debug)]
pub enum Shape<'s> {
    /// A scalar, with the documented values of an enumeration if any.
    Scalar(Scalar, Option<&'s [EnumValue]>),
    /// An object type: its name and definition.
    Object(&'s str, &'s TypeDef),
    /// An array: the type text of its elements (`uint64`, `TagPair`, `uint64[]`).
    Array(&'s str),
    /// A type the spec does not define (the build would have refused it).
    Unknown(&'s str),
}

impl Spec {
    /// Resolves the type text `ty` of a member (whose own enumeration is `enum_values`).
    pub fn shape<'s>(&'s self, ty: &'s str, enum_values: Option<&'s [EnumValue]>) -> Shape<'s> {
        if let Some(element) = ty.strip_suffix("[]") {
            return Shape::Array(element);
        }
        if let Some(scalar) = Scalar::from_spec(ty) {
            return Shape::Scalar(scalar, enum_values);
        }
        match self.types.get_key_value(ty) {
            Some((name, def)) if def.members.is_some() => Shape::Object(name, def),
            Some((_, def)) => match def.ty.as_deref().and_then(Scalar::from_spec) {
                Some(scalar) => Shape::Scalar(scalar, def.enum_values.as_deref().or(enum_values)),
                None => Shape::Unknown(ty),
            },
            None => Shape::Unknown(ty),
        }
    }

    /// The type as a command line user writes its values: a named enumeration is its wire type
    /// (`Scheduler` → `string`, `HealthCheck[]` → `int64[]`); scalars and object types are
    /// themselves.
    pub fn wire_type(&self, ty: &str) -> String {
        if let Some(element) = ty.strip_suffix("[]") {
            return format!("{}[]", self.wire_type(element));
        }
        match self.types.get(ty) {
            Some(def) if def.members.is_none() => def.ty.clone().unwrap_or_else(|| ty.to_owned()),
            _ => ty.to_owned(),
        }
    }

    /// The shape of a member.
    pub fn member_shape<'s>(&'s self, member: &'s Member) -> Shape<'s> {
        self.shape(&member.ty, member.enum_values.as_deref())
    }

    /// The request parameter named `name`.
    pub fn request_member(&self, name: &str) -> Option<&Member> {
        self.request.iter().find(|m| m.name == name)
    }
}

/// The members of an object type (empty for an enumeration).
pub fn members(def: &TypeDef) -> &[Member] {
    def.members.as_deref().unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_spec_parses_and_names_its_action() {
        assert!(SPECS.len() >= 100, "{} specs", SPECS.len());
        for (name, _) in SPECS {
            let spec = load(name).unwrap();
            assert_eq!(&spec.action, name);
            for member in &spec.request {
                assert!(
                    !matches!(spec.member_shape(member), Shape::Unknown(_)),
                    "{name}.{}: {}",
                    member.name,
                    member.ty
                );
            }
        }
        assert!(load("NoSuchAction").is_none());
    }

    #[test]
    fn docs_are_chosen_by_language_as_specs_readme_defines_them() {
        let spec = load("CreateTCPListeners").unwrap();
        assert!(!spec.title.is_empty() && !spec.title_zh.is_empty());
        assert_eq!(Lang::English.pick(&spec.title, &spec.title_zh), spec.title);
        assert_eq!(
            Lang::Chinese.pick(&spec.title, &spec.title_zh),
            spec.title_zh
        );
        // Either text stands in for the other; neither is empty.
        let cases = [
            ("English doc", "中文说明", "English doc", "中文说明"),
            ("", "只有中文", "只有中文", "只有中文"),
            ("English only", "", "English only", "English only"),
            ("", "", "", ""),
        ];
        for (main, zh, english, chinese) in cases {
            assert_eq!(Lang::English.pick(main, zh), english);
            assert_eq!(Lang::Chinese.pick(main, zh), chinese);
        }
    }

    #[test]
    fn types_resolve_through_named_types_and_arrays() {
        let spec = load("CreateTCPListeners").unwrap();
        let ports = spec.request_member("Ports").unwrap();
        assert!(matches!(spec.member_shape(ports), Shape::Array("uint64")));
        assert!(matches!(
            spec.shape("uint64", None),
            Shape::Scalar(Scalar::Int(IntTy::U64), None)
        ));
        let scheduler = spec.request_member("Scheduler").unwrap();
        assert!(matches!(
            spec.member_shape(scheduler),
            Shape::Scalar(Scalar::String, Some(values)) if values.len() == 4
        ));
    }
}
