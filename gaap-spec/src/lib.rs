//! The GAAP spec format: one API action per JSON file, as serde types that mirror the JSON
//! exactly, with [`parse`] (errors carry the JSON path, line and column) and the [`Scalar`] types.
//!
//! This crate owns what a file contains; whether the contents make sense (types exist, ranges
//! are ordered, rules name real parameters) is the business of the generator's `check_action`
//! (`gaap-codegen`). It depends on serde and serde_json only, so that the `gaap` command reads
//! specs at run time with the same model as the generator, without compiling `syn`. The format
//! is documented for spec authors in `specs/README.md`; keep the two in step. Unknown fields are
//! rejected so that a typo (`requried`) is an error instead of a silently ignored constraint.
//!
//! The types also serialize, in the same shape, so that tools (the importer) can write specs.
//!
//! Documentation comes in pairs: `doc` (English, where the API description has it) and `doc_zh`
//! (the Chinese original); likewise `title`/`title_zh`, `description`/`description_zh`. Rustdoc
//! shows the English text first.

mod scalar;

pub use scalar::{IntTy, Scalar};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

/// The version of the spec format this crate reads.
pub const FORMAT_VERSION: u32 = 1;

/// Why spec text does not parse: where (line and column, and the JSON path of the value when
/// the JSON itself is well formed) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line and column of the problem.
    pub position: (usize, usize),
    /// `$.request[2].type`; `$` for the document; empty for a syntax error, whose position says
    /// where.
    pub json_path: String,
    /// What is wrong, without serde_json's trailing position (the position is above).
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (line, column) = self.position;
        if self.json_path.is_empty() {
            write!(f, "{} (line {line}, column {column})", self.message)
        } else {
            write!(
                f,
                "{}: {} (line {line}, column {column})",
                self.json_path, self.message
            )
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses the text of one spec file.
pub fn parse(text: &str) -> Result<Spec, ParseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let spec = serde_path_to_error::deserialize::<_, Spec>(&mut de).map_err(|err| {
        let inner = err.inner();
        let syntax = inner.is_syntax() || inner.is_eof();
        // A syntax error has no meaningful path; its line and column say where.
        let json_path = match err.path().to_string() {
            _ if syntax => String::new(),
            p if p == "." => "$".to_owned(),
            p => format!("$.{p}"),
        };
        let message = strip_position(&inner.to_string());
        ParseError {
            position: (inner.line(), inner.column()),
            json_path,
            message: if syntax {
                format!("invalid JSON: {message}")
            } else {
                message
            },
        }
    })?;
    de.end().map_err(|err| ParseError {
        position: (err.line(), err.column()),
        json_path: "$".to_owned(),
        message: format!("invalid JSON: {}", strip_position(&err.to_string())),
    })?;
    Ok(spec)
}

/// serde_json appends " at line L column C"; [`ParseError`] holds the position itself.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The action a spec's text names (`CreateTCPListeners`), without reading the rest: for build
/// scripts that list the actions and leave the reporting of a bad spec to the generator.
pub fn action_name(text: &str) -> Option<String> {
    let value: Value = serde_json::from_str(text).ok()?;
    value.get("action")?.as_str().map(str::to_owned)
}

/// One API action: a whole spec file.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The spec format version; must be [`FORMAT_VERSION`].
    pub format: u32,
    /// The service's short name, used in the TC3 credential scope (`gaap`).
    pub service: String,
    /// The API version (`2018-05-29`).
    pub version: String,
    /// The action name as sent in `X-TC-Action` (`CreateTCPListeners`).
    pub action: String,
    /// The action's title in the documentation (`Creates a TCP listener.`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The title in the Chinese original (`创建TCP监听器`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title_zh: String,
    /// What the action does.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// What the action does, in the Chinese original.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description_zh: String,
    /// The documented endpoint host (`gaap.tencentcloudapi.com`).
    pub host: String,
    /// Whether the action takes the `Region` common parameter.
    pub region: RegionSpec,
    /// The documented default rate limit, in requests per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<u32>,
    /// Where the facts of this file come from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Request parameters, in documented order.
    pub request: Vec<Member>,
    /// Cross-field rules over the request parameters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleSpec>,
    /// Response fields, `RequestId` included.
    pub response: Vec<Member>,
    /// Named types (objects and enumerations) the parameters and fields refer to.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub types: BTreeMap<String, TypeDef>,
    /// The error codes the action may return, besides the common ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorSpec>,
    /// How the action pages, for paginators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PaginationSpec>,
    /// Waiters that poll this action until a resource reaches a state, by name (`ProxyRunning`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub waiters: BTreeMap<String, WaiterSpec>,
    /// Documented example calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

/// Whether an action takes a region.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RegionSpec {
    /// "本接口不需要传递此参数": never sent.
    None,
    /// Must be sent.
    Required,
    /// Sent when the caller has one.
    Optional,
}

/// A request parameter, a response field or a member of an object type.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The wire name (`DelayLoop`).
    pub name: String,
    /// `string`, `bool`, `float`, `int8`..`int64`, `uint8`..`uint64`, the name of a type under
    /// `types`, any of them followed by `[]` for an array.
    #[serde(rename = "type")]
    pub ty: String,
    /// In a request: must be sent. In a response: always present.
    #[serde(default)]
    pub required: bool,
    /// Documentation, copied from the API description (English where it has one).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
    /// The documentation in the Chinese original.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc_zh: String,
    /// The value is secret (a private key): it is redacted from `Debug` output.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
    /// Inclusive bounds of a number, or of each element of an array of numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<Bounds>,
    /// Bounds of a string's length in characters, or of each string of an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<LengthBounds>,
    /// Bounds of an array's number of elements, and whether elements must be unique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Items>,
    /// The documented values of an enumerated string or integer: generates a Rust enum.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<EnumValue>>,
    /// The Rust name of the generated enum, when the member's own name would not do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enum_name: Option<String>,
    /// An example value, as documented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Inclusive numeric bounds; either may be absent.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Number>,
}

/// Inclusive length bounds; either may be absent.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LengthBounds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

/// Constraints on an array as a whole.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Items {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
}

/// One documented value of an enumeration.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The value on the wire: a string, or an integer for integer parameters.
    pub value: Value,
    /// The Rust variant name; defaults to the value in UpperCamelCase, and is required when that
    /// is no identifier (integers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the value means.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
    /// What the value means, in the Chinese original.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc_zh: String,
}

/// A named type: an object (with `members`) or an enumeration (with `type` and `enum`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
    /// The documentation in the Chinese original.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc_zh: String,
    /// The members of an object type, in documented order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
    /// Cross-field rules over the members of an object type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleSpec>,
    /// The wire type of an enumeration (`string` or an integer type).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// The values of an enumeration.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<EnumValue>>,
}

/// A cross-field rule. Exactly one of the rule keys is given.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Exactly one of these parameters must be set. In a request or object type this becomes a
    /// Rust enum with one variant per parameter, so the type system enforces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exactly_one_of: Option<Vec<String>>,
    /// At most one of these parameters may be set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most_one_of: Option<Vec<String>>,
    /// At least one of these parameters must be set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least_one_of: Option<Vec<String>>,
    /// `[A, B]`: when both are set, A < B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_than: Option<Vec<String>>,
    /// `[A, B]`: when both are set, A <= B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_or_equal: Option<Vec<String>>,
    /// The condition of a conditional rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// What must hold when the condition does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<Condition>,
    /// The Rust name of the enum generated for `exactly_one_of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The sentence of the documentation that states the rule.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
}

/// A test on one parameter: exactly one of `equals`, `not_equals`, `present` is given.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub param: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_equals: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present: Option<bool>,
}

/// An error code the action may return.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    pub code: String,
    /// What the code means (English).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// What the code means, in the Chinese original.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description_zh: String,
}

/// A documented example call.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Example {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The request as a flattened query string (`Action=...&Ports.0=90`), as GET examples give it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The request as a JSON body, as POST examples give it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The response, `{"Response": {...}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
    /// Parameter paths that `validate()` reports for this example, when the documented example
    /// itself breaks a documented rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// How an action pages: which members hold the offset, the page size, the total and the items.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PaginationSpec {
    /// The request parameter holding the offset (`Offset`): an optional integer.
    pub offset: String,
    /// The request parameter holding the page size (`Limit`): an optional integer.
    pub limit: String,
    /// The response field holding the number of items in all (`TotalCount`): an integer.
    pub total: String,
    /// The response field holding the items of a page (`ProxySet`): an array.
    pub items: String,
    /// The largest page size the action takes (documented; where the documentation gives none,
    /// the chosen one, with the reason in `sources`).
    pub max_page_size: u64,
    /// The page size the action uses when the request gives none (documented).
    pub default_page_size: u64,
}

/// A waiter: polls the action until an acceptor says success or failure.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WaiterSpec {
    /// What the waiter waits for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
    /// The shortest delay between two polls, in seconds.
    pub min_delay: u64,
    /// The longest delay between two polls, in seconds.
    pub max_delay: u64,
    /// The default maximum wait, in seconds.
    pub max_wait: u64,
    /// Tried in order on every poll; the first that matches decides.
    pub acceptors: Vec<AcceptorSpec>,
}

/// What an acceptor says when it matches.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AcceptorStateSpec {
    Success,
    Failure,
    Retry,
}

/// One acceptor: `state` when the response at `path` matches (exactly one of `equals`, `all`,
/// `any`, `empty`), or when the call fails with the `error` code.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AcceptorSpec {
    pub state: AcceptorStateSpec,
    /// Wire names from the response, `.`-separated; `[]` after an array's name goes through its
    /// elements (`ProxySet[].Status`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The value at a path without `[]` is this value (or one of these values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Value>,
    /// Every value at a path through an array is this value (or one of these); never true of no
    /// value at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Value>,
    /// Some value at a path through an array is this value (or one of these).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Value>,
    /// The array at the path (without `[]`) is empty (`true`) or not (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty: Option<bool>,
    /// The call fails with this error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why the acceptor is there: the documentation it comes from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_name_reads_only_the_action() {
        // The rest of the file need not be a valid spec: the generator reports it.
        assert_eq!(
            action_name(r#"{"action": "CreateTCPListeners", "format": "x"}"#).as_deref(),
            Some("CreateTCPListeners")
        );
        assert_eq!(action_name(r#"{"action": 1}"#), None);
        assert_eq!(action_name(r#"{"format": 1}"#), None);
        assert_eq!(action_name("{"), None);
    }

    #[test]
    fn parse_errors_name_the_json_path_and_position() {
        let text = "{\"format\": 1, \"service\": \"gaap\", \"version\": \"v\", \"action\": \"A\",\n\
                    \"host\": \"h\", \"region\": \"none\", \"request\": [{\"name\": \"P\", \"type\": \"string\", \"requried\": true}], \"response\": []}";
        let error = parse(text).unwrap_err();
        assert_eq!(error.json_path, "$.request[0].requried");
        assert!(
            error.message.starts_with("unknown field `requried`"),
            "{error}"
        );
        assert_eq!(error.position.0, 2);

        let error = parse("{\"format\": ").unwrap_err();
        assert_eq!(error.json_path, "");
        assert!(error.message.starts_with("invalid JSON: "), "{error}");

        let parsed =
            parse(&text.replace("\"requried\": true", "\"required\": true")).map(|s| s.action);
        assert_eq!(parsed, Ok("A".to_owned()));
        let trailing = parse(&format!("{} x", text.replace("requried", "required"))).unwrap_err();
        assert_eq!(trailing.json_path, "$");
        assert!(
            trailing
                .message
                .starts_with("invalid JSON: trailing characters"),
            "{trailing}"
        );
    }
}
