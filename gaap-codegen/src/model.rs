//! The checked model: a spec after [`check_action`](crate::check_action) has resolved names and
//! types and accepted every constraint. Code generation reads only this; everything here is known
//! to be valid, so the generators have no error paths.

use proc_macro2::Ident;

/// Integer widths of the spec format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntTy {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

impl IntTy {
    /// The Rust primitive's name.
    pub fn rust_name(self) -> &'static str {
        match self {
            IntTy::I8 => "i8",
            IntTy::I16 => "i16",
            IntTy::I32 => "i32",
            IntTy::I64 => "i64",
            IntTy::U8 => "u8",
            IntTy::U16 => "u16",
            IntTy::U32 => "u32",
            IntTy::U64 => "u64",
        }
    }

    /// The smallest and largest value of the type.
    pub fn bounds(self) -> (i128, i128) {
        match self {
            IntTy::I8 => (i8::MIN.into(), i8::MAX.into()),
            IntTy::I16 => (i16::MIN.into(), i16::MAX.into()),
            IntTy::I32 => (i32::MIN.into(), i32::MAX.into()),
            IntTy::I64 => (i64::MIN.into(), i64::MAX.into()),
            IntTy::U8 => (0, u8::MAX.into()),
            IntTy::U16 => (0, u16::MAX.into()),
            IntTy::U32 => (0, u32::MAX.into()),
            IntTy::U64 => (0, u64::MAX.into()),
        }
    }
}

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
    String,
    Bool,
    Float,
    Int(IntTy),
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
    /// The element type of arrays (nested arrays down to their scalar), the type itself otherwise.
    pub fn scalar(&self) -> &Ty {
        match self {
            Ty::Array(inner) => inner.scalar(),
            other => other,
        }
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Ty::Array(_))
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
    pub doc: String,
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
    pub doc: String,
    /// One variant per parameter, in the group's order.
    pub variants: Vec<ChoiceVariant>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceVariant {
    /// The variant (`ProxyId`), also the name of its builder marker.
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
    /// A variant of the parameter's enum (value as documented, for messages).
    Variant {
        ident: Ident,
        value: String,
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
            Literal::Variant { value, .. } => value.clone(),
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

/// A reference to a parameter from a rule: which slot, and for a choice which variant.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamRef {
    pub wire: String,
    pub slot: usize,
    pub variant: Option<usize>,
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

/// A request, response or object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    pub ident: Ident,
    pub wire: String,
    pub doc: String,
    pub role: StructRole,
    pub slots: Vec<Slot>,
    pub rules: Vec<Rule>,
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

#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub ident: Ident,
    /// The wire value as text (`rr`, `1`).
    pub value: String,
    pub doc: String,
}

/// An enumeration of documented values.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub ident: Ident,
    pub doc: String,
    pub base: EnumBase,
    pub variants: Vec<Variant>,
    /// Whether the enum has an `Unknown` variant: enums that appear in responses do, so that a
    /// value the server adds later does not break an older client.
    pub open: bool,
}

/// An error code of the action.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorCode {
    pub ident: Ident,
    pub code: String,
    pub description: String,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    ReadOnly,
    ClientToken,
    None,
}

/// One checked action.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub wire: String,
    pub module: Ident,
    pub title: String,
    pub description: String,
    pub service: String,
    pub version: String,
    pub host: String,
    pub region: Region,
    pub rate_limit: Option<u32>,
    pub idempotency: Idempotency,
    pub request: Struct,
    pub builder: Ident,
    pub response: Struct,
    pub error: Ident,
    /// Enums of request and response members, defined in the action module.
    pub enums: Vec<Enum>,
    /// Object types and named enums of the spec, with the enums of their members.
    pub types: TypeSet,
    pub errors: Vec<ErrorCode>,
    /// Example requests as query strings, for the request's documentation.
    pub example_queries: Vec<String>,
}
