//! The checked model: a spec after [`check_action`](crate::check_action) has resolved names and
//! types and accepted every constraint. Code generation reads only this; everything here is known
//! to be valid, so the generators have no error paths.

use proc_macro2::Ident;

pub use gaap_spec::{IntTy, Scalar};

/// Where a named type's Rust definition lives, relative to the code that mentions it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeHome {
    /// In the same module.
    Local,
    /// In the action module's `types` submodule (object types and named enums of a spec
    /// expanded without `types = path`).
    TypesModule,
}

/// The type of a member.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Scalar(Scalar),
    Array(Box<Ty>),
    /// An object type, by its Rust name.
    Object(NamedRef),
    /// An enumeration, by its Rust name.
    Enum(NamedRef),
}

/// A reference to a generated named type.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedRef {
    pub ident: Ident,
    pub home: TypeHome,
}

impl Ty {
    /// The element type of arrays (nested arrays down to their innermost element), the type
    /// itself otherwise.
    pub fn element(&self) -> &Ty {
        match self {
            Ty::Array(inner) => inner.element(),
            other => other,
        }
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Ty::Array(_))
    }

    /// Whether the elements of arrays (the type itself otherwise) can be hashed, which decides
    /// how duplicates are found: floats are not `Hash`.
    pub fn element_is_hashable(&self) -> bool {
        !matches!(self.element(), Ty::Scalar(Scalar::Float))
    }
}

/// A checked numeric bound.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    Int(i128),
    Float(f64),
}

/// The constraints on one member, all checked to fit its type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    /// Bounds on the value, or on each element of an array.
    pub min: Option<Bound>,
    pub max: Option<Bound>,
    /// Bounds on a string's length, or on each string of an array.
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// Bounds on an array's number of elements.
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique: bool,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// Documentation in English and in the Chinese original; either may be empty. Rustdoc shows the
/// English text first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Doc {
    pub en: String,
    pub zh: String,
}

impl Doc {
    pub fn new(en: &str, zh: &str) -> Doc {
        Doc {
            en: en.trim().to_owned(),
            zh: zh.trim().to_owned(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.en.is_empty() && self.zh.is_empty()
    }
}

/// How a member is held in its Rust struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// `T`: required in requests, always present in responses.
    Required,
    /// `Option<T>`.
    Optional,
    /// `Vec<T>` of an optional array: empty means absent.
    OptionalArray,
}

/// One member of a request, response or object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub ident: Ident,
    pub wire: String,
    pub doc: Doc,
    pub ty: Ty,
    pub presence: Presence,
    pub sensitive: bool,
    pub constraints: Constraints,
}

/// An exactly-one-of group held as one enum-typed field.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The enum's name (`Target`).
    pub enum_ident: Ident,
    /// The field's name (`target`).
    pub field_ident: Ident,
    /// The sentence of the documentation that states the rule.
    pub doc: String,
    /// One variant per parameter, in the group's order.
    pub variants: Vec<ChoiceVariant>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceVariant {
    /// The variant (`ProxyId`).
    pub ident: Ident,
    /// The builder setter (`proxy_id`).
    pub setter: Ident,
    pub field: Field,
}

/// A slot of a struct: a plain field or an exactly-one-of group, in documented order.
#[derive(Clone, Debug, PartialEq)]
pub enum Slot {
    Field(Field),
    Choice(Choice),
}

/// A literal a rule compares with, checked against the parameter's type.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Str(String),
    Int(i128),
    Float(f64),
    Bool(bool),
    /// A variant of the parameter's enum.
    Variant {
        ident: Ident,
        value: VariantValue,
    },
}

impl Literal {
    /// The literal as the documentation would write it.
    pub fn display(&self) -> String {
        match self {
            Literal::Str(s) => s.clone(),
            Literal::Int(n) => n.to_string(),
            Literal::Float(x) => x.to_string(),
            Literal::Bool(b) => b.to_string(),
            Literal::Variant { value, .. } => value.to_string(),
        }
    }
}

/// A test on one parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    Equals(Literal),
    NotEquals(Literal),
    Present(bool),
}

/// A parameter as a rule reaches it.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamRef {
    /// A plain field of the struct.
    Field(Field),
    /// One parameter of an exactly-one-of group: set when the group's field holds its variant.
    Choice {
        /// The group's field (`target`).
        member: Ident,
        /// The group's enum (`Target`).
        enum_ident: Ident,
        /// The parameter's variant (`ProxyId`).
        variant: Ident,
        field: Field,
    },
}

impl ParamRef {
    /// The parameter as declared.
    pub fn field(&self) -> &Field {
        match self {
            ParamRef::Field(field) | ParamRef::Choice { field, .. } => field,
        }
    }
}

/// A checked rule that `validate()` enforces.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleKind {
    AtMostOneOf(Vec<ParamRef>),
    AtLeastOneOf(Vec<ParamRef>),
    /// A < B (or A <= B), when both are set.
    LessThan {
        lhs: ParamRef,
        rhs: ParamRef,
        or_equal: bool,
        float: bool,
    },
    Conditional {
        when: (ParamRef, Test),
        then: (ParamRef, Test),
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub kind: RuleKind,
    pub doc: String,
}

/// What a struct is for: decides decoding strictness of defaults and which helpers it gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StructRole {
    Request,
    Response,
    Object,
}

/// One typestate slot of a builder: a required field or an exactly-one-of group.
#[derive(Clone, Debug, PartialEq)]
pub struct BuilderState {
    /// The slot it tracks: a required field or an exactly-one-of group.
    pub slot: Slot,
    /// The builder's type parameter (`SchedulerState`): distinct from every type the builder's
    /// signatures name, so that rustdoc never shows a parameter that reads like an enum.
    pub param: Ident,
    /// The marker type that names the parameter in compile errors (`params::Scheduler`).
    pub marker: Ident,
    /// The wire name(s) the slot stands for (`ProxyId | GroupId`).
    pub label: String,
}

/// A typestate builder: `build()` compiles once every required member is set.
#[derive(Clone, Debug, PartialEq)]
pub struct Builder {
    pub ident: Ident,
    /// The struct that holds the optional members.
    pub optionals: Ident,
    /// The module of the marker types, relative to the module the builder is in
    /// (`params`, `params::real_server_bind_set_req`).
    pub markers: Vec<Ident>,
    pub states: Vec<BuilderState>,
    /// The setters of each slot of the struct, in slot order.
    pub setters: Vec<Setters>,
}

/// The setters of one slot of a builder.
#[derive(Clone, Debug, PartialEq)]
pub enum Setters {
    /// Those of `states[i]`: the required field's setter, or the group setter and one per member
    /// of an exactly-one-of group; each moves the state to `Set`.
    State(usize),
    /// An optional field's setter (named as the field) and, for an optional scalar, the setter
    /// that takes an `Option` (`set_x`).
    Optional {
        field: Box<Field>,
        set_or_clear: Option<Ident>,
    },
}

/// A request, response or object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    pub ident: Ident,
    pub wire: String,
    pub doc: Doc,
    pub role: StructRole,
    pub slots: Vec<Slot>,
    pub rules: Vec<Rule>,
    /// The typestate builder: requests and object types used in requests have one.
    pub builder: Option<Builder>,
    /// Whether every field has an empty value, so that the struct derives `Default`.
    pub has_default: bool,
    /// Whether a request can hold it (requests, object types reached from one): only then is it
    /// flattened and validated, and only then does it get those impls.
    pub in_requests: bool,
}

impl Struct {
    /// Every plain field, choice variants included, in documented order.
    pub fn all_fields(&self) -> impl Iterator<Item = &Field> {
        self.slots.iter().flat_map(|slot| match slot {
            Slot::Field(f) => std::slice::from_ref(f).iter().collect::<Vec<_>>(),
            Slot::Choice(c) => c.variants.iter().map(|v| &v.field).collect(),
        })
    }

    pub fn choices(&self) -> impl Iterator<Item = &Choice> {
        self.slots.iter().filter_map(|slot| match slot {
            Slot::Choice(c) => Some(c),
            Slot::Field(_) => None,
        })
    }
}

/// The base type of an enumeration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumBase {
    String,
    Int(IntTy),
}

/// A documented wire value of an enumeration, typed by the enum's base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VariantValue {
    Str(String),
    Int(i128),
}

impl std::fmt::Display for VariantValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VariantValue::Str(s) => f.write_str(s),
            VariantValue::Int(n) => write!(f, "{n}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub ident: Ident,
    pub value: VariantValue,
    pub doc: Doc,
}

/// An enumeration of documented values.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub ident: Ident,
    pub doc: Doc,
    pub base: EnumBase,
    pub variants: Vec<Variant>,
    /// Whether the enum has an `Unknown` variant: enums that appear in responses do, so that a
    /// value the server adds later does not break an older client.
    pub open: bool,
    /// Whether a request can hold it: only then is it flattened and validated.
    pub in_requests: bool,
}

/// An error code of the action.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorCode {
    pub ident: Ident,
    pub code: String,
    pub description: Doc,
    /// Whether the code is one of the common codes of every action.
    pub common: bool,
}

/// The definitions that may be shared between actions: object types and enums.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypeSet {
    pub objects: Vec<Struct>,
    pub enums: Vec<Enum>,
}

/// How the action's region is handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    None,
    Required,
    Optional,
}

/// How safe a retry is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Idempotency {
    ReadOnly,
    /// The request carries an optional string `ClientToken`, held in this field.
    ClientToken(Ident),
    None,
}

/// The response's `RequestId` field, a string.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestIdField {
    pub ident: Ident,
    /// Held as `Option<String>` (the spec does not mark it required).
    pub optional: bool,
}

/// One checked action.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub wire: String,
    pub module: Ident,
    pub title: Doc,
    pub description: Doc,
    pub service: String,
    pub version: String,
    pub host: String,
    pub region: Region,
    pub rate_limit: Option<u32>,
    pub idempotency: Idempotency,
    pub request: Struct,
    pub response: Struct,
    pub request_id: RequestIdField,
    pub error: Ident,
    /// Enums of request and response members, defined in the action module.
    pub enums: Vec<Enum>,
    /// Named enums the request and response members use directly, re-exported into the action
    /// module so that everything a request needs is found beside it.
    pub reexports: Vec<Ident>,
    /// Object types and named enums of the spec, with the enums of their members.
    pub types: TypeSet,
    pub errors: Vec<ErrorCode>,
    /// Example requests as query strings, for the request's documentation.
    pub example_queries: Vec<String>,
    /// How the action pages, when it does.
    pub pagination: Option<Pagination>,
    /// The action's waiters, in name order.
    pub waiters: Vec<Waiter>,
    /// The `.N`-flattened paths of the request's `sensitive` members (`*` for an array index),
    /// for the runtime to redact wherever the values appear.
    pub sensitive_params: Vec<String>,
    /// The same for the response.
    pub sensitive_fields: Vec<String>,
}

/// How an action pages: the members, checked to have the types a paginator needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    /// The request's offset: an optional integer.
    pub offset: Field,
    /// The request's page size: an optional integer.
    pub limit: Field,
    /// The response's total count: an integer.
    pub total: Field,
    /// The response's items: an array.
    pub items: Field,
    /// The element type of `items`, as seen from the action module.
    pub item: Ty,
    pub max_page_size: u64,
    pub default_page_size: u64,
}

/// How a step of a path holds the next value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepHold {
    /// `T`: always there.
    Value,
    /// `Option<T>`.
    Optional,
    /// `Vec<T>`, gone through element by element (`Name[]`).
    Elements,
}

/// One step of a path: a field, and how it holds what comes next.
#[derive(Clone, Debug, PartialEq)]
pub struct PathStep {
    pub ident: Ident,
    pub hold: StepHold,
}

/// What a path ends at.
#[derive(Clone, Debug, PartialEq)]
pub enum Leaf {
    Str,
    Int(IntTy),
    Bool,
    /// An enum of the response (open: it has `Unknown`), by its type as seen from the action
    /// module; `string` when its wire values are strings.
    Enum {
        ty: Ty,
        string: bool,
    },
    /// An array, for `empty`.
    Array,
}

/// A checked path through the response (`ProxySet[].Status`).
#[derive(Clone, Debug, PartialEq)]
pub struct ResponsePath {
    /// As the spec writes it, for messages.
    pub text: String,
    pub steps: Vec<PathStep>,
    pub leaf: Leaf,
}

impl ResponsePath {
    /// Whether the path goes through an array (so it reaches any number of values).
    pub fn iterates(&self) -> bool {
        self.steps.iter().any(|s| s.hold == StepHold::Elements)
    }
}

/// How the values at a path are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    /// The one value at a path without `[]`.
    Equals,
    /// Every value, and there is at least one.
    All,
    /// At least one value.
    Any,
}

/// What an acceptor tests.
#[derive(Clone, Debug, PartialEq)]
pub enum Matcher {
    /// The values at `waiter.paths[path]` are among `values`.
    OneOf {
        path: usize,
        quantifier: Quantifier,
        values: Vec<Literal>,
    },
    /// The array at `waiter.paths[path]` is empty (`true`) or not.
    Empty { path: usize, empty: bool },
    /// The call failed with this error code (documented for the action, or common).
    Error(String),
}

/// What an acceptor says when it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: Matcher,
}

/// A checked waiter.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiter {
    /// The name in the spec (`ProxyRunning`).
    pub name: String,
    /// The constant in the action module (`PROXY_RUNNING`).
    pub constant: Ident,
    /// The matcher function.
    pub matcher: Ident,
    pub doc: String,
    /// Seconds.
    pub min_delay: u64,
    pub max_delay: u64,
    pub max_wait: u64,
    /// Every distinct path the acceptors read.
    pub paths: Vec<ResponsePath>,
    pub acceptors: Vec<Acceptor>,
}
