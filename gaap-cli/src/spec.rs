//! The specs as the command reads them: embedded at build time, parsed only for the action a
//! command names, and read leniently.
//!
//! `gaap_codegen::spec` is the authority on the format (specs/README.md) and refuses unknown
//! keys, so that a typo in a spec is a compile error. The command reads the same files after the
//! SDK has compiled them, so it needs no such strictness: unknown keys are ignored here, and only
//! what the command uses (members, types, constraints, rules, docs, examples, error codes,
//! waiters, pagination) is read. Reading this way also keeps `syn` and the generator out of the
//! binary.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Number, Value};

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
/// Never for the embedded specs: the build compiled every one of them into typed code, and a
/// test parses each of them here.
pub fn load(action: &str) -> Option<Spec> {
    let text = spec_text(action)?;
    Some(
        serde_json::from_str(text).unwrap_or_else(|error| {
            panic!("the embedded spec of {action} does not parse: {error}")
        }),
    )
}

/// The language docs are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// `doc` (English where the API description has it), else `doc_zh` (the default).
    English,
    /// `doc_zh` (the Chinese original), else `doc` (`--language zh-CN`).
    Chinese,
}

/// One documented text, as specs/README.md defines it: `doc` holds the English text where the
/// API description has one, `doc_zh` the Chinese original (likewise `title`/`title_zh`,
/// `description`/`description_zh`); either may be absent.
#[derive(Clone, Debug, Default)]
pub struct Text {
    /// `key`: English where available.
    main: String,
    /// `key_zh`: the Chinese original.
    zh: String,
}

impl Text {
    /// The text under `key` of a JSON object, with its `key_zh` version.
    fn read(object: &Value, key: &str) -> Self {
        let get = |name: &str| {
            object
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        Text {
            main: get(key),
            zh: get(&format!("{key}_zh")),
        }
    }

    /// The text in `lang` when the spec has it (`doc` for English, `doc_zh` for Chinese), else
    /// the other one; empty when the spec has neither.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::English => (&self.main, &self.zh),
            Lang::Chinese => (&self.zh, &self.main),
        };
        if first.is_empty() { second } else { first }
    }

    /// Whether the spec has no text at all.
    pub fn is_empty(&self) -> bool {
        self.main.is_empty() && self.zh.is_empty()
    }
}

/// Deserializes `$outer`: its documented texts (each read from `key` and `key_zh` of the JSON
/// object, see [`Text::read`]) and the rest, `$inner`, from the same object; `$outer`
/// derefs to `$inner`.
macro_rules! with_texts {
    ($outer:ident { $($field:ident: $key:literal),+ } => $inner:ident) => {
        impl<'de> Deserialize<'de> for $outer {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(deserializer)?;
                let inner = $inner::deserialize(&value).map_err(serde::de::Error::custom)?;
                Ok($outer {
                    $($field: Text::read(&value, $key),)+
                    inner,
                })
            }
        }

        impl std::ops::Deref for $outer {
            type Target = $inner;
            fn deref(&self) -> &$inner {
                &self.inner
            }
        }
    };
}

/// One action's spec.
#[derive(Clone, Debug)]
pub struct Spec {
    pub title: Text,
    pub description: Text,
    inner: SpecFields,
}

/// What a spec says besides its title and description.
#[derive(Clone, Debug, Deserialize)]
pub struct SpecFields {
    pub action: String,
    pub version: String,
    pub request: Vec<Member>,
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    #[serde(default)]
    pub response: Vec<Member>,
    #[serde(default)]
    pub types: BTreeMap<String, TypeDef>,
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    #[serde(default)]
    pub examples: Vec<Example>,
    /// How the action pages, if it does (`--all-pages`).
    #[serde(default)]
    pub pagination: Option<Pagination>,
    /// The action's waiters by name (`--wait`).
    #[serde(default)]
    pub waiters: BTreeMap<String, WaiterSpec>,
}

/// A paged action's `pagination` block: which members hold the offset, the page size, the
/// total and the items.
#[derive(Clone, Debug, Deserialize)]
pub struct Pagination {
    pub offset: String,
    pub limit: String,
    pub total: String,
    pub items: String,
    pub max_page_size: u64,
}

/// A waiter of the action, as its help shows it (the generated waiter does the polling).
#[derive(Clone, Debug, Deserialize)]
pub struct WaiterSpec {
    /// What it waits for (English).
    #[serde(default)]
    pub doc: String,
    /// Seconds between polls, at least and at most.
    pub min_delay: u64,
    pub max_delay: u64,
    /// The longest wait, in seconds.
    pub max_wait: u64,
}

with_texts!(Spec { title: "title", description: "description" } => SpecFields);

/// A request parameter, a response field or a member of an object type.
#[derive(Clone, Debug)]
pub struct Member {
    pub doc: Text,
    inner: MemberFields,
}

/// What a member says besides its docs.
#[derive(Clone, Debug, Deserialize)]
pub struct MemberFields {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub range: Option<Bounds<Number>>,
    #[serde(default)]
    pub length: Option<Bounds<u64>>,
    #[serde(default)]
    pub items: Option<Items>,
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<EnumValue>>,
}

with_texts!(Member { doc: "doc" } => MemberFields);

/// Inclusive bounds; either may be absent.
#[derive(Clone, Debug, Deserialize)]
pub struct Bounds<T> {
    pub min: Option<T>,
    pub max: Option<T>,
}

/// Constraints on an array as a whole.
#[derive(Clone, Debug, Deserialize)]
pub struct Items {
    #[serde(default)]
    pub min: Option<u64>,
    #[serde(default)]
    pub max: Option<u64>,
    #[serde(default)]
    pub unique: bool,
}

/// One documented value of an enumeration.
#[derive(Clone, Debug)]
pub struct EnumValue {
    pub doc: Text,
    inner: EnumValueFields,
}

#[derive(Clone, Debug, Deserialize)]
pub struct EnumValueFields {
    pub value: Value,
    #[serde(default)]
    pub name: Option<String>,
}

with_texts!(EnumValue { doc: "doc" } => EnumValueFields);

impl EnumValue {
    /// The value as typed on a command line (`rr`, `1`).
    pub fn text(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// A named type: an object (with `members`) or an enumeration (with `type` and `enum`).
#[derive(Clone, Debug)]
pub struct TypeDef {
    pub doc: Text,
    inner: TypeDefFields,
}

#[derive(Clone, Debug, Deserialize)]
pub struct TypeDefFields {
    #[serde(default)]
    pub members: Option<Vec<Member>>,
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<EnumValue>>,
}

with_texts!(TypeDef { doc: "doc" } => TypeDefFields);

/// A cross-field rule: exactly one of the rule keys is given.
#[derive(Clone, Debug)]
pub struct RuleSpec {
    pub doc: Text,
    inner: RuleFields,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RuleFields {
    #[serde(default)]
    pub exactly_one_of: Option<Vec<String>>,
    #[serde(default)]
    pub at_most_one_of: Option<Vec<String>>,
    #[serde(default)]
    pub at_least_one_of: Option<Vec<String>>,
    #[serde(default)]
    pub less_than: Option<Vec<String>>,
    #[serde(default)]
    pub less_or_equal: Option<Vec<String>>,
    #[serde(default)]
    pub when: Option<Condition>,
    #[serde(default)]
    pub then: Option<Condition>,
}

with_texts!(RuleSpec { doc: "doc" } => RuleFields);

/// A test on one parameter.
#[derive(Clone, Debug, Deserialize)]
pub struct Condition {
    pub param: String,
    #[serde(default)]
    pub equals: Option<Value>,
    #[serde(default)]
    pub not_equals: Option<Value>,
    #[serde(default)]
    pub present: Option<bool>,
}

impl Condition {
    /// `Scheduler = rr`, `Domain is set`.
    pub fn describe(&self) -> String {
        let shown = |value: &Value| match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match (&self.equals, &self.not_equals, self.present) {
            (Some(value), _, _) => format!("{} = {}", self.param, shown(value)),
            (_, Some(value), _) => format!("{} ≠ {}", self.param, shown(value)),
            (_, _, Some(true)) => format!("{} is set", self.param),
            _ => format!("{} is not set", self.param),
        }
    }
}

impl RuleSpec {
    /// The rule in a few words (`exactly one of ProxyId, GroupId`).
    pub fn describe(&self) -> String {
        if let Some(params) = &self.exactly_one_of {
            format!("exactly one of {}", params.join(", "))
        } else if let Some(params) = &self.at_most_one_of {
            format!("at most one of {}", params.join(", "))
        } else if let Some(params) = &self.at_least_one_of {
            format!("at least one of {}", params.join(", "))
        } else if let Some(pair) = &self.less_than {
            format!(
                "{} < {} when both are set",
                pair[0],
                pair.get(1).map_or("?", |s| s)
            )
        } else if let Some(pair) = &self.less_or_equal {
            format!(
                "{} ≤ {} when both are set",
                pair[0],
                pair.get(1).map_or("?", |s| s)
            )
        } else if let (Some(when), Some(then)) = (&self.when, &self.then) {
            format!("when {}: {}", when.describe(), then.describe())
        } else {
            "(a rule this command does not know)".to_owned()
        }
    }
}

/// An error code the action may return.
#[derive(Clone, Debug)]
pub struct ErrorSpec {
    pub description: Text,
    inner: ErrorFields,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ErrorFields {
    pub code: String,
}

with_texts!(ErrorSpec { description: "description" } => ErrorFields);

/// A documented example call.
#[derive(Clone, Debug)]
pub struct Example {
    pub title: Text,
    inner: ExampleFields,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ExampleFields {
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub violations: Vec<String>,
}

with_texts!(Example { title: "title" } => ExampleFields);

/// A scalar type of the spec format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    String,
    Bool,
    Float,
    /// An integer type: its name, and its bounds as `i128`.
    Int {
        name: &'static str,
        min: i128,
        max: i128,
    },
}

// `scalar(name)`, generated by the build script from the generator's table of scalar types.
include!(concat!(env!("OUT_DIR"), "/scalars.rs"));

impl Scalar {
    /// tccli's name of the type, used in skeletons (`Integer`, `String`).
    pub fn tccli_name(self) -> &'static str {
        match self {
            Scalar::String => "String",
            Scalar::Bool => "Boolean",
            Scalar::Float => "Float",
            Scalar::Int { .. } => "Integer",
        }
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
        if let Some(scalar) = scalar(ty) {
            return Shape::Scalar(scalar, enum_values);
        }
        match self.types.get_key_value(ty) {
            Some((name, def)) if def.members.is_some() => Shape::Object(name, def),
            Some((_, def)) => match def.ty.as_deref().and_then(scalar) {
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
    fn unknown_keys_are_ignored_and_docs_are_read_as_specs_readme_defines_them() {
        let spec: Spec = serde_json::from_value(serde_json::json!({
            "action": "A", "version": "v", "title": "Create", "title_zh": "创建",
            "future_key": {"anything": true},
            "request": [
                {"name": "P", "type": "string", "doc": "English doc", "doc_zh": "中文说明", "new": 1},
                {"name": "Q", "type": "string", "doc_zh": "只有中文"},
                {"name": "R", "type": "string", "doc": "English only"},
                {"name": "S", "type": "string"}
            ]
        }))
        .unwrap();
        assert_eq!(spec.title.get(Lang::English), "Create");
        assert_eq!(spec.title.get(Lang::Chinese), "创建");
        let docs = |lang| -> Vec<&str> { spec.request.iter().map(|m| m.doc.get(lang)).collect() };
        assert_eq!(
            docs(Lang::English),
            ["English doc", "只有中文", "English only", ""]
        );
        assert_eq!(
            docs(Lang::Chinese),
            ["中文说明", "只有中文", "English only", ""]
        );
        assert!(spec.request[3].doc.is_empty() && !spec.request[1].doc.is_empty());
    }

    #[test]
    fn the_scalar_table_is_the_generators_with_each_integers_bounds() {
        for spec_scalar in documented_scalar_names() {
            assert!(scalar(spec_scalar).is_some(), "{spec_scalar}");
        }
        assert_eq!(
            scalar("int8"),
            Some(Scalar::Int {
                name: "int8",
                min: -128,
                max: 127
            })
        );
        assert_eq!(
            scalar("uint64"),
            Some(Scalar::Int {
                name: "uint64",
                min: 0,
                max: i128::from(u64::MAX)
            })
        );
        assert_eq!(scalar("string"), Some(Scalar::String));
        assert_eq!(scalar("float"), Some(Scalar::Float));
        assert_eq!(scalar("bool"), Some(Scalar::Bool));
        assert_eq!(scalar("TagPair"), None);
    }

    /// The scalar names specs/README.md lists.
    fn documented_scalar_names() -> [&'static str; 11] {
        [
            "string", "bool", "float", "int8", "int16", "int32", "int64", "uint8", "uint16",
            "uint32", "uint64",
        ]
    }

    #[test]
    fn types_resolve_through_named_types_and_arrays() {
        let spec = load("CreateTCPListeners").unwrap();
        let ports = spec.request_member("Ports").unwrap();
        assert!(matches!(spec.member_shape(ports), Shape::Array("uint64")));
        assert!(matches!(
            spec.shape("uint64", None),
            Shape::Scalar(Scalar::Int { name: "uint64", .. }, None)
        ));
        let scheduler = spec.request_member("Scheduler").unwrap();
        assert!(matches!(
            spec.member_shape(scheduler),
            Shape::Scalar(Scalar::String, Some(values)) if values.len() == 4
        ));
    }
}
