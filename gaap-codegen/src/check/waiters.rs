//! Paginators and waiters: the spec's `pagination` block and `waiters`, resolved against the
//! checked request and response. A waiter's path is followed through the response's fields and
//! object types here, at macro time, and every value it compares with is checked against the
//! field's type or enum, so the generated matcher is plain field access that cannot name a
//! missing field.

use std::collections::BTreeMap;

use heck::ToShoutySnakeCase;
use quote::format_ident;
use serde_json::Value;

use super::rules::{RuleScope, check_literal};
use super::types::ty_name;
use crate::diag::Diagnostics;
use crate::model::{
    Acceptor, AcceptorState, Enum, EnumBase, ErrorCode, Field, Leaf, Matcher, NamedRef, Pagination,
    PathStep, Presence, Quantifier, ResponsePath, Scalar, Slot, StepHold, Struct, Ty, TypeHome,
    TypeSet, Waiter,
};
use crate::names;
use crate::spec::{AcceptorSpec, AcceptorStateSpec, PaginationSpec, WaiterSpec};

/// What paths and literals are resolved against.
pub struct Resolve<'a> {
    pub request: &'a Struct,
    pub response: &'a Struct,
    pub types: &'a TypeSet,
    /// The enums of the action module.
    pub action_enums: &'a [Enum],
    pub errors: &'a [ErrorCode],
}

impl Resolve<'_> {
    /// The enum a field's type refers to: in the action module (a response field's own enum),
    /// or in the types module.
    fn find_enum(&self, ty: &Ty) -> Option<Enum> {
        let Ty::Enum(r) = ty.element() else {
            return None;
        };
        let pool = match r.home {
            TypeHome::Local => self.action_enums,
            TypeHome::TypesModule => &self.types.enums,
        };
        pool.iter().find(|e| e.ident == r.ident).cloned()
    }

    fn object(&self, r: &NamedRef) -> Option<&Struct> {
        self.types.objects.iter().find(|o| o.ident == r.ident)
    }
}

/// Checks the `pagination` block.
pub fn check_pagination(
    spec: &PaginationSpec,
    at: &str,
    resolve: &Resolve<'_>,
    diags: &mut Diagnostics,
) -> Option<Pagination> {
    let before = diags.items().len();
    let request_field = |key: &str, name: &str, diags: &mut Diagnostics| -> Option<Field> {
        let at = format!("{at}.{key}");
        let field = resolve.request.slots.iter().find_map(|slot| match slot {
            Slot::Field(f) if f.wire == name => Some(f.clone()),
            _ => None,
        });
        match field {
            Some(f) if matches!(f.ty, Ty::Scalar(Scalar::Int(_))) => Some(f),
            Some(f) => {
                diags.error(
                    at,
                    format!(
                        "`{name}` is of type {}; a paginator sets an integer parameter",
                        ty_name(&f.ty)
                    ),
                );
                None
            }
            None => {
                diags.error(
                    at,
                    format!(
                        "`{name}` is no parameter of the request (one outside any exactly-one-of \
                         group); its parameters: {}",
                        wire_names(resolve.request)
                    ),
                );
                None
            }
        }
    };
    let offset = request_field("offset", &spec.offset, diags);
    let limit = request_field("limit", &spec.limit, diags);
    let response_field = |key: &str, name: &str, diags: &mut Diagnostics| -> Option<Field> {
        let field = resolve
            .response
            .all_fields()
            .find(|f| f.wire == name)
            .cloned();
        if field.is_none() {
            diags.error(
                format!("{at}.{key}"),
                format!(
                    "`{name}` is no field of the response; its fields: {}",
                    wire_names(resolve.response)
                ),
            );
        }
        field
    };
    let total = response_field("total", &spec.total, diags).filter(|f| {
        let ok = matches!(f.ty, Ty::Scalar(Scalar::Int(_)));
        if !ok {
            diags.error(
                format!("{at}.total"),
                format!("`{}` is of type {}, not an integer", f.wire, ty_name(&f.ty)),
            );
        }
        ok
    });
    let items = response_field("items", &spec.items, diags);
    let item = items.as_ref().and_then(|f| match &f.ty {
        Ty::Array(inner) if !inner.is_array() => Some((**inner).clone()),
        other => {
            diags.error(
                format!("{at}.items"),
                format!(
                    "`{}` is of type {}; the items of a page are an array (of anything but \
                     arrays)",
                    f.wire,
                    ty_name(other)
                ),
            );
            None
        }
    });
    if spec.max_page_size == 0 {
        diags.error(
            format!("{at}.max_page_size"),
            "a page holds at least one item",
        );
    }
    if spec.default_page_size == 0 || spec.default_page_size > spec.max_page_size {
        diags.error(
            format!("{at}.default_page_size"),
            format!(
                "the default page size {} is not between 1 and the maximum {}",
                spec.default_page_size, spec.max_page_size
            ),
        );
    }
    if let Some(limit) = &limit
        && let Some(crate::model::Bound::Int(max)) = limit.constraints.max
        && i128::from(spec.max_page_size) > max
    {
        diags.error(
            format!("{at}.max_page_size"),
            format!(
                "{} is above the maximum of `{}` ({max})",
                spec.max_page_size, limit.wire
            ),
        );
    }
    if let Some(limit) = &limit
        && let Ty::Scalar(Scalar::Int(width)) = limit.ty
        && i128::from(spec.max_page_size) > width.bounds().1
    {
        diags.error(
            format!("{at}.max_page_size"),
            format!("{} does not fit `{}`", spec.max_page_size, limit.wire),
        );
    }
    if diags.items().len() != before {
        return None;
    }
    Some(Pagination {
        offset: offset?,
        limit: limit?,
        total: total?,
        items: items?,
        item: action_module_ty(item?, false),
        max_page_size: spec.max_page_size,
        default_page_size: spec.default_page_size,
    })
}

fn wire_names(s: &Struct) -> String {
    s.all_fields()
        .map(|f| f.wire.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A type as seen from the action module: what an object type's member names `Local` lives in
/// the types module.
fn action_module_ty(ty: Ty, in_object: bool) -> Ty {
    if !in_object {
        return ty;
    }
    match ty {
        Ty::Array(inner) => Ty::Array(Box::new(action_module_ty(*inner, true))),
        Ty::Object(r) => Ty::Object(NamedRef {
            home: TypeHome::TypesModule,
            ..r
        }),
        Ty::Enum(r) => Ty::Enum(NamedRef {
            home: TypeHome::TypesModule,
            ..r
        }),
        scalar => scalar,
    }
}

/// Checks every waiter; names in order.
pub fn check_waiters(
    waiters: &BTreeMap<String, WaiterSpec>,
    resolve: &Resolve<'_>,
    diags: &mut Diagnostics,
) -> Vec<Waiter> {
    let mut out = Vec::new();
    let mut constants: BTreeMap<String, String> = BTreeMap::new();
    for (name, spec) in waiters {
        let at = format!("$.waiters.{name}");
        let Some(waiter) = check_waiter(name, spec, &at, resolve, diags) else {
            continue;
        };
        if let Some(first) = constants.insert(waiter.constant.to_string(), name.clone()) {
            diags.error(
                at,
                format!(
                    "`{name}` and `{first}` are both `{}` in Rust",
                    waiter.constant
                ),
            );
            continue;
        }
        out.push(waiter);
    }
    out
}

fn check_waiter(
    name: &str,
    spec: &WaiterSpec,
    at: &str,
    resolve: &Resolve<'_>,
    diags: &mut Diagnostics,
) -> Option<Waiter> {
    let before = diags.items().len();
    let ident = names::type_ident(name)
        .ok()
        .filter(|ident| names::unraw(ident) == name);
    if ident.is_none() {
        diags.error(
            at,
            format!("the waiter name `{name}` is not in UpperCamelCase (`ProxyRunning`)"),
        );
    }
    if spec.min_delay == 0 {
        diags.error(
            format!("{at}.min_delay"),
            "a waiter waits at least one second between polls",
        );
    }
    if spec.max_delay < spec.min_delay {
        diags.error(
            format!("{at}.max_delay"),
            format!(
                "the longest delay {} is below the shortest {}",
                spec.max_delay, spec.min_delay
            ),
        );
    }
    if spec.max_wait < spec.min_delay {
        diags.error(
            format!("{at}.max_wait"),
            format!(
                "a maximum wait of {} s leaves no time for a second poll after {} s",
                spec.max_wait, spec.min_delay
            ),
        );
    }
    if !spec
        .acceptors
        .iter()
        .any(|a| a.state == AcceptorStateSpec::Success)
    {
        diags.error(
            format!("{at}.acceptors"),
            "a waiter needs an acceptor of state `success`: else it can only fail or time out",
        );
    }
    let mut paths: Vec<ResponsePath> = Vec::new();
    let mut acceptors = Vec::new();
    for (i, acceptor) in spec.acceptors.iter().enumerate() {
        let at = format!("{at}.acceptors[{i}]");
        if let Some(checked) = check_acceptor(acceptor, &at, &mut paths, resolve, diags) {
            acceptors.push(checked);
        }
    }
    if diags.items().len() != before {
        return None;
    }
    let constant = format_ident!("{}", name.to_shouty_snake_case());
    let matcher = format_ident!("__waiter_{}", name.to_shouty_snake_case().to_lowercase());
    Some(Waiter {
        name: name.to_owned(),
        constant,
        matcher,
        doc: spec.doc.clone(),
        min_delay: spec.min_delay,
        max_delay: spec.max_delay,
        max_wait: spec.max_wait,
        paths,
        acceptors,
    })
}

fn check_acceptor(
    spec: &AcceptorSpec,
    at: &str,
    paths: &mut Vec<ResponsePath>,
    resolve: &Resolve<'_>,
    diags: &mut Diagnostics,
) -> Option<Acceptor> {
    let state = match spec.state {
        AcceptorStateSpec::Success => AcceptorState::Success,
        AcceptorStateSpec::Failure => AcceptorState::Failure,
        AcceptorStateSpec::Retry => AcceptorState::Retry,
    };
    let tests = [
        ("equals", spec.equals.is_some()),
        ("all", spec.all.is_some()),
        ("any", spec.any.is_some()),
        ("empty", spec.empty.is_some()),
    ];
    let given: Vec<&str> = tests.iter().filter(|t| t.1).map(|t| t.0).collect();
    match (&spec.path, &spec.error) {
        (None, Some(code)) => {
            if !given.is_empty() {
                diags.error(
                    at,
                    format!(
                        "an `error` acceptor tests the error code only: `{}` goes with a `path`",
                        given.join("`, `")
                    ),
                );
                return None;
            }
            if !resolve.errors.iter().any(|e| &e.code == code) {
                diags.error(
                    format!("{at}.error"),
                    format!(
                        "`{code}` is neither an error code of this action (`errors`) nor a common \
                         code"
                    ),
                );
                return None;
            }
            Some(Acceptor {
                state,
                matcher: Matcher::Error(code.clone()),
            })
        }
        (Some(text), None) => {
            if given.len() != 1 {
                diags.error(
                    at,
                    "an acceptor with a `path` needs exactly one of `equals`, `all`, `any`, `empty`",
                );
                return None;
            }
            let path = resolve_path(text, &format!("{at}.path"), resolve, diags)?;
            let matcher = if let Some(empty) = spec.empty {
                if path.leaf != Leaf::Array || path.iterates() {
                    diags.error(
                        format!("{at}.path"),
                        format!(
                            "`empty` tests an array: `{text}` must end at an array field, \
                             without `[]` anywhere"
                        ),
                    );
                    return None;
                }
                Matcher::Empty {
                    path: intern(paths, path),
                    empty,
                }
            } else {
                let (key, value, quantifier) = if let Some(v) = &spec.equals {
                    ("equals", v, Quantifier::Equals)
                } else if let Some(v) = &spec.all {
                    ("all", v, Quantifier::All)
                } else {
                    ("any", spec.any.as_ref()?, Quantifier::Any)
                };
                match (quantifier, path.iterates()) {
                    (Quantifier::Equals, true) => {
                        diags.error(
                            format!("{at}.path"),
                            format!(
                                "`{text}` goes through an array, so it reaches any number of \
                                 values: compare them with `all` or `any`"
                            ),
                        );
                        return None;
                    }
                    (Quantifier::All | Quantifier::Any, false) => {
                        diags.error(
                            format!("{at}.path"),
                            format!(
                                "`{key}` compares the values of a path through an array \
                                 (`ProxySet[].Status`); `{text}` reaches one value: use `equals`"
                            ),
                        );
                        return None;
                    }
                    _ => {}
                }
                let values =
                    check_values(value, &path, text, &format!("{at}.{key}"), resolve, diags)?;
                Matcher::OneOf {
                    path: intern(paths, path),
                    quantifier,
                    values,
                }
            };
            Some(Acceptor { state, matcher })
        }
        _ => {
            diags.error(
                at,
                "an acceptor has exactly one of `path` (with a test of the value there) and \
                 `error` (an error code)",
            );
            None
        }
    }
}

/// The index of `path` among `paths`, added if new.
fn intern(paths: &mut Vec<ResponsePath>, path: ResponsePath) -> usize {
    match paths.iter().position(|p| p.text == path.text) {
        Some(i) => i,
        None => {
            paths.push(path);
            paths.len() - 1
        }
    }
}

/// Follows a path through the response's fields and object types.
fn resolve_path(
    text: &str,
    at: &str,
    resolve: &Resolve<'_>,
    diags: &mut Diagnostics,
) -> Option<ResponsePath> {
    let segments: Vec<&str> = text.split('.').collect();
    let mut current = resolve.response;
    let mut in_object = false;
    let mut steps = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let (name, through) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (*segment, false),
        };
        let Some(field) = current.all_fields().find(|f| f.wire == name) else {
            diags.error(
                at,
                format!(
                    "`{text}`: `{name}` names no field of {}; its fields: {}",
                    owner_name(current),
                    wire_names(current)
                ),
            );
            return None;
        };
        let (hold, next_ty) = match (&field.ty, through) {
            (Ty::Array(inner), true) if !inner.is_array() => (StepHold::Elements, &**inner),
            (Ty::Array(_), true) => {
                diags.error(
                    at,
                    format!(
                        "`{text}`: `{name}` is an array of arrays, which paths do not go through"
                    ),
                );
                return None;
            }
            (Ty::Array(_), false) if last => (hold_of(field), &field.ty),
            (Ty::Array(_), false) => {
                diags.error(
                    at,
                    format!("`{text}`: `{name}` is an array: write `{name}[]` to go through its elements"),
                );
                return None;
            }
            (other, true) => {
                diags.error(
                    at,
                    format!(
                        "`{text}`: `{name}` is of type {}, not an array, so it takes no `[]`",
                        ty_name(other)
                    ),
                );
                return None;
            }
            (other, false) => (hold_of(field), other),
        };
        steps.push(PathStep {
            ident: field.ident.clone(),
            hold,
        });
        if last {
            let leaf = match next_ty {
                Ty::Scalar(Scalar::String) => Leaf::Str,
                Ty::Scalar(Scalar::Int(width)) => Leaf::Int(*width),
                Ty::Scalar(Scalar::Bool) => Leaf::Bool,
                Ty::Array(_) => Leaf::Array,
                Ty::Enum(r) => {
                    let ty = action_module_ty(Ty::Enum(r.clone()), in_object);
                    let string = resolve
                        .find_enum(&ty)
                        .is_some_and(|e| e.base == EnumBase::String);
                    Leaf::Enum { ty, string }
                }
                Ty::Scalar(Scalar::Float) => {
                    diags.error(
                        at,
                        format!("`{text}` ends at a float, which waiters do not compare"),
                    );
                    return None;
                }
                Ty::Object(r) => {
                    diags.error(
                        at,
                        format!(
                            "`{text}` ends at an object ({}): name one of its fields",
                            r.ident
                        ),
                    );
                    return None;
                }
            };
            return Some(ResponsePath {
                text: text.to_owned(),
                steps,
                leaf,
            });
        }
        match next_ty {
            Ty::Object(r) => match resolve.object(r) {
                Some(object) => {
                    current = object;
                    in_object = true;
                }
                // The type's own problem is reported already.
                None => return None,
            },
            other => {
                diags.error(
                    at,
                    format!(
                        "`{text}`: `{name}` is of type {}, which has no fields",
                        ty_name(other)
                    ),
                );
                return None;
            }
        }
    }
    diags.error(at, "a path names at least one field");
    None
}

fn hold_of(field: &Field) -> StepHold {
    match field.presence {
        Presence::Optional => StepHold::Optional,
        Presence::Required | Presence::OptionalArray => StepHold::Value,
    }
}

fn owner_name(s: &Struct) -> String {
    match s.role {
        crate::model::StructRole::Response => "the response".to_owned(),
        _ => format!("`{}`", s.wire),
    }
}

/// A value, or an array of values, of the path's leaf type.
fn check_values(
    value: &Value,
    path: &ResponsePath,
    text: &str,
    at: &str,
    resolve: &Resolve<'_>,
    diags: &mut Diagnostics,
) -> Option<Vec<crate::model::Literal>> {
    let ty = match &path.leaf {
        Leaf::Str => Ty::Scalar(Scalar::String),
        Leaf::Int(width) => Ty::Scalar(Scalar::Int(*width)),
        Leaf::Bool => Ty::Scalar(Scalar::Bool),
        Leaf::Enum { ty, .. } => ty.clone(),
        Leaf::Array => {
            diags.error(
                at,
                format!(
                    "`{text}` ends at an array: test it with `empty`, or go through it with `[]`"
                ),
            );
            return None;
        }
    };
    let field = Field {
        ident: format_ident!("value"),
        wire: text.to_owned(),
        doc: Default::default(),
        ty,
        presence: Presence::Required,
        sensitive: false,
        constraints: Default::default(),
    };
    let find = |ty: &Ty| resolve.find_enum(ty);
    let scope = RuleScope {
        owner: None,
        find_enum: &find,
        declared: &[],
    };
    let list: Vec<(String, &Value)> = match value {
        Value::Array(values) if values.is_empty() => {
            diags.error(at, "an empty list of values matches nothing");
            return None;
        }
        Value::Array(values) => values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{at}[{i}]"), v))
            .collect(),
        single => vec![(at.to_owned(), single)],
    };
    let before = diags.items().len();
    let literals: Vec<_> = list
        .iter()
        .filter_map(|(at, v)| check_literal(v, &field, at, &scope, diags))
        .collect();
    (diags.items().len() == before).then_some(literals)
}
