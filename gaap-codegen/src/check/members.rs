//! Members (parameters, response fields, object members): names, types, presence, constraints.

use std::collections::BTreeMap;

use serde_json::Number;

use super::types::{self, Named, check_enum, enum_base, int_literal, ty_name};
use crate::diag::Diagnostics;
use crate::model::{
    Bound, Constraints, Doc, Enum, Field, NamedRef, Presence, Scalar, Ty, TypeHome,
};
use crate::names;
use crate::spec::Member;

/// Where the members being checked live.
pub struct Scope<'a> {
    /// The object type's wire name, or `None` for a request or response (action level).
    pub owner: Option<&'a str>,
    /// Where named types live, seen from this scope.
    pub named_home: TypeHome,
    pub lookup: &'a dyn Fn(&str) -> Option<Named>,
}

/// A checked member with the enum its `enum` key defines, if any.
pub struct CheckedMember {
    pub field: Field,
    pub inline_enum: Option<Enum>,
}

/// Checks members in order; reports duplicate names, wire or Rust.
pub fn check_members(
    members: &[Member],
    path: &str,
    scope: &Scope<'_>,
    diags: &mut Diagnostics,
) -> Vec<CheckedMember> {
    let mut out: Vec<CheckedMember> = Vec::new();
    let mut wire_seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rust_seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, member) in members.iter().enumerate() {
        let at = format!("{path}[{i}]");
        if let Some(first) = wire_seen.insert(&member.name, i) {
            diags.error(
                format!("{at}.name"),
                format!("duplicate name `{}`: also {path}[{first}]", member.name),
            );
            continue;
        }
        let Some(checked) = check_member(member, &at, scope, diags) else {
            continue;
        };
        let rust = names::unraw(&checked.field.ident);
        if let Some(first) = rust_seen.insert(rust.clone(), i) {
            diags.error(
                format!("{at}.name"),
                format!(
                    "`{}` and `{}` ({path}[{first}]) are both `{rust}` in Rust",
                    member.name, members[first].name
                ),
            );
            continue;
        }
        out.push(checked);
    }
    out
}

fn check_member(
    member: &Member,
    at: &str,
    scope: &Scope<'_>,
    diags: &mut Diagnostics,
) -> Option<CheckedMember> {
    let before = diags.items().len();
    let ident = names::snake_ident(&member.name)
        .map_err(|reason| diags.error(format!("{at}.name"), reason))
        .ok();
    let mut ty = types::parse_ty(
        &member.ty,
        &format!("{at}.type"),
        scope.named_home.clone(),
        scope.lookup,
        diags,
    );

    let mut inline_enum = None;
    if let (Some(values), Some(declared)) = (&member.enum_values, ty.as_ref()) {
        match enum_base(declared.element()) {
            Some(base) => {
                let enum_wire = match (&member.enum_name, scope.owner) {
                    (Some(name), _) => name.clone(),
                    (None, Some(owner)) => format!("{owner}{}", member.name),
                    (None, None) => member.name.clone(),
                };
                let enum_ident = names::type_ident(&enum_wire)
                    .map_err(|reason| diags.error(format!("{at}.enum_name"), reason))
                    .ok();
                if let Some(enum_ident) = enum_ident {
                    inline_enum = check_enum(
                        enum_ident.clone(),
                        Doc::new(&member.doc, &member.doc_zh),
                        base,
                        values,
                        &format!("{at}.enum"),
                        diags,
                    );
                    ty = Some(replace_scalar(
                        declared,
                        Ty::Enum(NamedRef {
                            ident: enum_ident,
                            home: TypeHome::Local,
                        }),
                    ));
                }
            }
            None => diags.error(
                format!("{at}.enum"),
                format!(
                    "`enum` on a member of type {}: only strings and integers are enumerated",
                    member.ty
                ),
            ),
        }
    } else if member.enum_name.is_some() && member.enum_values.is_none() {
        diags.error(format!("{at}.enum_name"), "`enum_name` without `enum`");
    }

    let constraints = ty
        .as_ref()
        .map(|ty| check_constraints(member, ty, at, diags))
        .unwrap_or_default();

    if diags.items().len() != before {
        return None;
    }
    let (ident, ty) = (ident?, ty?);
    let presence = match (member.required, ty.is_array()) {
        (true, _) => Presence::Required,
        (false, true) => Presence::OptionalArray,
        (false, false) => Presence::Optional,
    };
    Some(CheckedMember {
        field: Field {
            ident,
            wire: member.name.clone(),
            doc: Doc::new(&member.doc, &member.doc_zh),
            ty,
            presence,
            sensitive: member.sensitive,
            constraints,
        },
        inline_enum,
    })
}

fn replace_scalar(ty: &Ty, scalar: Ty) -> Ty {
    match ty {
        Ty::Array(inner) => Ty::Array(Box::new(replace_scalar(inner, scalar))),
        _ => scalar,
    }
}

fn check_constraints(member: &Member, ty: &Ty, at: &str, diags: &mut Diagnostics) -> Constraints {
    let mut c = Constraints::default();
    let scalar = ty.element();
    if let Some(range) = &member.range {
        let path = format!("{at}.range");
        match scalar {
            Ty::Scalar(Scalar::Int(width)) => {
                let bound = |n: &Option<Number>, key: &str, diags: &mut Diagnostics| {
                    let n = n.as_ref()?;
                    let value = int_literal(&serde_json::Value::Number(n.clone()), *width);
                    if value.is_none() {
                        diags.error(
                            format!("{path}.{key}"),
                            format!(
                                "{n} is not a value of the member's type {}",
                                ty_name(scalar)
                            ),
                        );
                    }
                    value
                };
                let min = bound(&range.min, "min", diags);
                let max = bound(&range.max, "max", diags);
                check_order(min, max, &path, diags);
                c.min = min.map(Bound::Int);
                c.max = max.map(Bound::Int);
            }
            Ty::Scalar(Scalar::Float) => {
                let min = range.min.as_ref().and_then(Number::as_f64);
                let max = range.max.as_ref().and_then(Number::as_f64);
                check_order(min, max, &path, diags);
                c.min = min.map(Bound::Float);
                c.max = max.map(Bound::Float);
            }
            _ => diags.error(
                &path,
                format!(
                    "`range` on a member of type {}: only numbers have ranges",
                    ty_name(ty)
                ),
            ),
        }
        if range.min.is_none() && range.max.is_none() {
            diags.error(&path, "`range` needs `min`, `max` or both");
        }
    }
    if let Some(length) = &member.length {
        let path = format!("{at}.length");
        if *scalar != Ty::Scalar(Scalar::String) {
            diags.error(
                &path,
                format!(
                    "`length` on a member of type {}: only strings have a length",
                    ty_name(ty)
                ),
            );
        }
        check_order(length.min, length.max, &path, diags);
        if length.min.is_none() && length.max.is_none() {
            diags.error(&path, "`length` needs `min`, `max` or both");
        }
        c.min_length = length.min;
        c.max_length = length.max;
    }
    if let Some(items) = &member.items {
        let path = format!("{at}.items");
        if !ty.is_array() {
            diags.error(
                &path,
                format!(
                    "`items` on a member of type {}: only arrays have items",
                    ty_name(ty)
                ),
            );
        }
        check_order(items.min, items.max, &path, diags);
        if items.unique && matches!(scalar, Ty::Object(_)) {
            diags.error(
                &path,
                "`unique` on an array of objects: only arrays of scalars can be checked for duplicates",
            );
        }
        c.min_items = items.min;
        c.max_items = items.max;
        c.unique = items.unique;
    }
    c
}

fn check_order<T: PartialOrd + std::fmt::Display>(
    min: Option<T>,
    max: Option<T>,
    path: &str,
    diags: &mut Diagnostics,
) {
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        diags.error(path, format!("min {min} is greater than max {max}"));
    }
}
