//! Type expressions (`uint64[]`, `TagPair`) and enumerations.

use std::collections::BTreeSet;

use proc_macro2::Ident;
use serde_json::Value;

use crate::diag::Diagnostics;
use crate::model::{
    Doc, Enum, EnumBase, IntTy, NamedRef, Scalar, Ty, TypeHome, Variant, VariantValue,
};
use crate::names;
use crate::spec::EnumValue;

/// What a named type under `types` is.
#[derive(Clone, Debug)]
pub enum NamedKind {
    Object,
    Enum,
}

/// A named type as other members see it.
#[derive(Clone, Debug)]
pub struct Named {
    pub ident: Ident,
    pub kind: NamedKind,
}

/// The scalar type a spec names (`uint64`), if any.
pub fn primitive(name: &str) -> Option<Ty> {
    Scalar::from_spec(name).map(Ty::Scalar)
}

/// Resolves a type expression; `lookup` finds named types.
pub fn parse_ty(
    text: &str,
    path: &str,
    home: TypeHome,
    lookup: &dyn Fn(&str) -> Option<Named>,
    diags: &mut Diagnostics,
) -> Option<Ty> {
    let mut base = text.trim();
    let mut depth = 0;
    while let Some(inner) = base.strip_suffix("[]") {
        base = inner.trim_end();
        depth += 1;
    }
    let scalar = match primitive(base) {
        Some(ty) => ty,
        None => match lookup(base) {
            Some(Named {
                ident,
                kind: NamedKind::Object,
            }) => Ty::Object(NamedRef { ident, home }),
            Some(Named {
                ident,
                kind: NamedKind::Enum,
            }) => Ty::Enum(NamedRef { ident, home }),
            None => {
                diags.error(
                    path,
                    format!(
                        "unknown type `{text}`: expected one of {}, or a type defined under `types`, \
                         optionally followed by `[]`",
                        Scalar::ALL.map(Scalar::spec_name).join(", ")
                    ),
                );
                return None;
            }
        },
    };
    let mut ty = scalar;
    for _ in 0..depth {
        ty = Ty::Array(Box::new(ty));
    }
    Some(ty)
}

/// The enum base of a scalar type, if it can be enumerated.
pub fn enum_base(scalar: &Ty) -> Option<EnumBase> {
    match scalar {
        Ty::Scalar(Scalar::String) => Some(EnumBase::String),
        Ty::Scalar(Scalar::Int(width)) => Some(EnumBase::Int(*width)),
        _ => None,
    }
}

/// Checks an integer literal against a width; returns it as `i128`.
pub fn int_literal(value: &Value, width: IntTy) -> Option<i128> {
    let n = match value {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))?,
        _ => return None,
    };
    let (min, max) = width.bounds();
    (min..=max).contains(&n).then_some(n)
}

/// Checks the values of an enumeration and names its variants.
pub fn check_enum(
    ident: Ident,
    doc: Doc,
    base: EnumBase,
    values: &[EnumValue],
    path: &str,
    diags: &mut Diagnostics,
) -> Option<Enum> {
    let before = diags.items().len();
    if values.is_empty() {
        diags.error(path, "an enumeration needs at least one value");
    }
    let mut variants = Vec::new();
    let mut seen_values = BTreeSet::new();
    let mut seen_idents = BTreeSet::new();
    for (i, value) in values.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let typed = match (base, &value.value) {
            (EnumBase::String, Value::String(s)) => VariantValue::Str(s.clone()),
            (EnumBase::Int(width), v) => match int_literal(v, width) {
                Some(n) => VariantValue::Int(n),
                None => {
                    diags.error(
                        format!("{at}.value"),
                        format!(
                            "enum value {} is not of the parameter's type {}",
                            value.value,
                            Scalar::Int(width).spec_name()
                        ),
                    );
                    continue;
                }
            },
            (EnumBase::String, v) => {
                diags.error(
                    format!("{at}.value"),
                    format!("enum value {v} is not of the parameter's type string"),
                );
                continue;
            }
        };
        let text = typed.to_string();
        if !seen_values.insert(text.clone()) {
            diags.error(
                format!("{at}.value"),
                format!("enum value `{text}` is listed twice"),
            );
        }
        let name_source = value.name.as_deref().unwrap_or(&text);
        let variant = match names::type_ident(name_source) {
            Ok(ident) => ident,
            Err(reason) => {
                let hint = if value.name.is_none() {
                    "; give the value a `name`"
                } else {
                    ""
                };
                diags.error(format!("{at}.name"), format!("{reason}{hint}"));
                continue;
            }
        };
        if variant == "Unknown" {
            diags.error(
                format!("{at}.name"),
                "`Unknown` is reserved for values the spec does not document; choose another name",
            );
            continue;
        }
        if !seen_idents.insert(variant.to_string()) {
            diags.error(
                format!("{at}.name"),
                format!("two values of this enumeration are both named `{variant}` in Rust"),
            );
        }
        variants.push(Variant {
            ident: variant,
            value: typed,
            doc: Doc::new(&value.doc, &value.doc_zh),
        });
    }
    (diags.items().len() == before).then_some(Enum {
        ident,
        doc,
        base,
        variants,
        open: false,
        in_requests: false,
    })
}

/// The spec name of a type, for messages.
pub fn ty_name(ty: &Ty) -> String {
    match ty {
        Ty::Scalar(scalar) => scalar.spec_name().into(),
        Ty::Array(inner) => format!("{}[]", ty_name(inner)),
        Ty::Object(named) | Ty::Enum(named) => names::unraw(&named.ident),
    }
}
