//! Cross-field rules: exactly-one-of groups become slots the type system enforces; the others
//! become checks for `validate()`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::types::{int_literal, ty_name};
use crate::diag::Diagnostics;
use crate::model::{
    Choice, ChoiceVariant, Enum, EnumBase, Field, Literal, ParamRef, Presence, Rule, RuleKind,
    Scalar, Slot, Test, Ty, VariantValue,
};
use crate::names;
use crate::spec::{Condition, RuleSpec};

/// What rules need to know of their struct.
pub struct RuleScope<'a> {
    /// The object type's wire name, or `None` at action level; prefixes choice enum names.
    pub owner: Option<&'a str>,
    /// The enum a field's type refers to.
    pub find_enum: &'a dyn Fn(&Ty) -> Option<Enum>,
    /// Every member name the spec declares, including members that failed their own checks:
    /// a rule naming one of those is not reported again.
    pub declared: &'a [String],
}

impl RuleScope<'_> {
    /// Reports a rule naming `name` unless the name is declared (its member's own problem was
    /// reported already).
    fn unknown_param(&self, at: String, name: &str, diags: &mut Diagnostics) {
        if !self.declared.iter().any(|d| d == name) {
            diags.error(
                at,
                format!("the rule names `{name}`, which is not a parameter here"),
            );
        }
    }
}

/// Groups the fields into slots and checks the remaining rules.
pub fn check_rules(
    fields: Vec<Field>,
    rules: &[RuleSpec],
    path: &str,
    scope: &RuleScope<'_>,
    diags: &mut Diagnostics,
) -> (Vec<Slot>, Vec<Rule>) {
    // Which group (index into `groups`) each field belongs to.
    let mut group_of: BTreeMap<String, usize> = BTreeMap::new();
    let mut groups: Vec<(Choice, &RuleSpec)> = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let at = format!("{path}[{i}]");
        if !one_kind(rule, &at, diags) {
            continue;
        }
        if rule.name.is_some() && rule.exactly_one_of.is_none() {
            diags.error(format!("{at}.name"), "`name` is only for `exactly_one_of`");
        }
        let Some(params) = &rule.exactly_one_of else {
            continue;
        };
        if let Some(choice) = check_choice(rule, params, &fields, &group_of, &at, scope, diags) {
            for variant in &choice.variants {
                group_of.insert(variant.field.wire.clone(), groups.len());
            }
            groups.push((choice, rule));
        }
    }

    let mut slots = Vec::new();
    let mut emitted = vec![false; groups.len()];
    let mut params: BTreeMap<String, ParamRef> = BTreeMap::new();
    for field in &fields {
        match group_of.get(&field.wire) {
            None => {
                params.insert(field.wire.clone(), ParamRef::Field(field.clone()));
                slots.push(Slot::Field(field.clone()));
            }
            Some(&g) if !emitted[g] => {
                emitted[g] = true;
                let choice = groups[g].0.clone();
                for variant in &choice.variants {
                    params.insert(
                        variant.field.wire.clone(),
                        ParamRef::Choice {
                            member: choice.field_ident.clone(),
                            enum_ident: choice.enum_ident.clone(),
                            variant: variant.ident.clone(),
                            field: variant.field.clone(),
                        },
                    );
                }
                slots.push(Slot::Choice(choice));
            }
            Some(_) => {}
        }
    }

    let by_wire: BTreeMap<&str, &Field> = fields.iter().map(|f| (f.wire.as_str(), f)).collect();
    let mut checked = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        if rule.exactly_one_of.is_some() {
            continue;
        }
        let at = format!("{path}[{i}]");
        let resolve =
            |key: &str, names: &[String], diags: &mut Diagnostics| -> Option<Vec<ParamRef>> {
                let mut out = Vec::new();
                for (j, name) in names.iter().enumerate() {
                    match params.get(name) {
                        Some(p) => out.push(p.clone()),
                        None => scope.unknown_param(format!("{at}.{key}[{j}]"), name, diags),
                    }
                }
                (out.len() == names.len()).then_some(out)
            };
        let kind = if let Some(names) = &rule.at_most_one_of {
            need_at_least_two("at_most_one_of", names, &at, diags);
            resolve("at_most_one_of", names, diags).map(RuleKind::AtMostOneOf)
        } else if let Some(names) = &rule.at_least_one_of {
            need_at_least_two("at_least_one_of", names, &at, diags);
            resolve("at_least_one_of", names, diags).map(RuleKind::AtLeastOneOf)
        } else if let Some((key, names, or_equal)) = rule
            .less_than
            .as_ref()
            .map(|n| ("less_than", n, false))
            .or(rule
                .less_or_equal
                .as_ref()
                .map(|n| ("less_or_equal", n, true)))
        {
            check_comparison(key, names, &by_wire, &at, scope, diags).and_then(|float| {
                let refs = resolve(key, names, diags)?;
                let [lhs, rhs]: [ParamRef; 2] = refs.try_into().ok()?;
                Some(RuleKind::LessThan {
                    lhs,
                    rhs,
                    or_equal,
                    float,
                })
            })
        } else if let (Some(when), Some(then)) = (&rule.when, &rule.then) {
            let when =
                check_condition(when, &format!("{at}.when"), &params, &by_wire, scope, diags);
            let then =
                check_condition(then, &format!("{at}.then"), &params, &by_wire, scope, diags);
            when.zip(then)
                .map(|(when, then)| RuleKind::Conditional { when, then })
        } else {
            None
        };
        if let Some(kind) = kind {
            checked.push(Rule {
                kind,
                doc: rule.doc.clone(),
            });
        }
    }
    (slots, checked)
}

/// A rule gives exactly one kind: one list key, or `when` with `then`.
fn one_kind(rule: &RuleSpec, at: &str, diags: &mut Diagnostics) -> bool {
    let kinds = [
        rule.exactly_one_of.is_some(),
        rule.at_most_one_of.is_some(),
        rule.at_least_one_of.is_some(),
        rule.less_than.is_some(),
        rule.less_or_equal.is_some(),
        rule.when.is_some() || rule.then.is_some(),
    ];
    let count = kinds.iter().filter(|k| **k).count();
    if count != 1 {
        diags.error(
            at,
            "a rule needs exactly one of `exactly_one_of`, `at_most_one_of`, `at_least_one_of`, \
             `less_than`, `less_or_equal`, or `when` with `then`",
        );
        return false;
    }
    if rule.when.is_some() != rule.then.is_some() {
        diags.error(at, "`when` and `then` go together");
        return false;
    }
    true
}

fn need_at_least_two(key: &str, names: &[String], at: &str, diags: &mut Diagnostics) {
    if names.len() < 2 {
        diags.error(
            format!("{at}.{key}"),
            "the rule needs at least two parameters",
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn check_choice(
    rule: &RuleSpec,
    params: &[String],
    fields: &[Field],
    group_of: &BTreeMap<String, usize>,
    at: &str,
    scope: &RuleScope<'_>,
    diags: &mut Diagnostics,
) -> Option<Choice> {
    let before = diags.items().len();
    need_at_least_two("exactly_one_of", params, at, diags);
    let mut variants = Vec::new();
    for (j, name) in params.iter().enumerate() {
        let path = format!("{at}.exactly_one_of[{j}]");
        let Some(field) = fields.iter().find(|f| &f.wire == name) else {
            scope.unknown_param(path, name, diags);
            continue;
        };
        if field.presence == Presence::Required {
            diags.error(
                path,
                format!("`{name}` is required, so it cannot be one of exactly-one-of"),
            );
            continue;
        }
        if field.sensitive {
            // The choice is an enum whose `Debug` shows its value; only struct fields redact.
            diags.error(
                path,
                format!("`{name}` is sensitive, so it cannot be one of exactly-one-of"),
            );
            continue;
        }
        if group_of.contains_key(name)
            || variants
                .iter()
                .any(|v: &ChoiceVariant| &v.field.wire == name)
        {
            diags.error(
                path,
                format!("`{name}` is already in an exactly-one-of group"),
            );
            continue;
        }
        let Ok(ident) = names::type_ident(name) else {
            continue;
        };
        let mut field = field.clone();
        // Inside the choice the value is always present.
        field.presence = Presence::Required;
        variants.push(ChoiceVariant {
            ident,
            setter: field.ident.clone(),
            field,
        });
    }
    let base = rule.name.clone().unwrap_or_else(|| params.join("Or"));
    let enum_wire = match scope.owner {
        Some(owner) => format!("{owner}{base}"),
        None => base.clone(),
    };
    let enum_ident = names::type_ident(&enum_wire)
        .map_err(|reason| diags.error(format!("{at}.name"), reason))
        .ok();
    let field_ident = names::snake_ident(&base)
        .map_err(|reason| diags.error(format!("{at}.name"), reason))
        .ok();
    if diags.items().len() != before {
        return None;
    }
    Some(Choice {
        enum_ident: enum_ident?,
        field_ident: field_ident?,
        doc: rule.doc.clone(),
        variants,
    })
}

/// `[A, B]` of numeric scalars of one kind; returns whether they are floats.
fn check_comparison(
    key: &str,
    names: &[String],
    fields: &BTreeMap<&str, &Field>,
    at: &str,
    scope: &RuleScope<'_>,
    diags: &mut Diagnostics,
) -> Option<bool> {
    if names.len() != 2 {
        diags.error(
            format!("{at}.{key}"),
            "the rule compares exactly two parameters: [A, B]",
        );
        return None;
    }
    let mut kinds = Vec::new();
    for (j, name) in names.iter().enumerate() {
        let Some(field) = fields.get(name.as_str()) else {
            scope.unknown_param(format!("{at}.{key}[{j}]"), name, diags);
            return None;
        };
        match &field.ty {
            Ty::Scalar(Scalar::Int(_)) => kinds.push(false),
            Ty::Scalar(Scalar::Float) => kinds.push(true),
            other => {
                diags.error(
                    format!("{at}.{key}[{j}]"),
                    format!(
                        "`{name}` is of type {}; only numbers are compared",
                        ty_name(other)
                    ),
                );
                return None;
            }
        }
    }
    if kinds[0] != kinds[1] {
        diags.error(format!("{at}.{key}"), "an integer is compared with a float");
        return None;
    }
    Some(kinds[0])
}

fn check_condition(
    condition: &Condition,
    at: &str,
    params: &BTreeMap<String, ParamRef>,
    fields: &BTreeMap<&str, &Field>,
    scope: &RuleScope<'_>,
    diags: &mut Diagnostics,
) -> Option<(ParamRef, Test)> {
    let Some(param) = params.get(&condition.param) else {
        scope.unknown_param(format!("{at}.param"), &condition.param, diags);
        return None;
    };
    let field = fields.get(condition.param.as_str())?;
    let tests = [
        condition.equals.is_some(),
        condition.not_equals.is_some(),
        condition.present.is_some(),
    ];
    if tests.iter().filter(|t| **t).count() != 1 {
        diags.error(
            at,
            "a condition needs exactly one of `equals`, `not_equals`, `present`",
        );
        return None;
    }
    let test = if let Some(present) = condition.present {
        if field.presence == Presence::Required && matches!(param, ParamRef::Field(_)) {
            diags.error(
                format!("{at}.present"),
                format!("`{}` is required, so it is always present", condition.param),
            );
            return None;
        }
        Test::Present(present)
    } else if let Some(value) = &condition.equals {
        Test::Equals(check_literal(
            value,
            field,
            &format!("{at}.equals"),
            scope,
            diags,
        )?)
    } else {
        let value = condition.not_equals.as_ref()?;
        Test::NotEquals(check_literal(
            value,
            field,
            &format!("{at}.not_equals"),
            scope,
            diags,
        )?)
    };
    Some((param.clone(), test))
}

pub(super) fn check_literal(
    value: &Value,
    field: &Field,
    at: &str,
    scope: &RuleScope<'_>,
    diags: &mut Diagnostics,
) -> Option<Literal> {
    let mismatch = |diags: &mut Diagnostics| {
        diags.error(
            at,
            format!(
                "{value} is not a value of `{}`, of type {}",
                field.wire,
                ty_name(&field.ty)
            ),
        );
        None
    };
    match &field.ty {
        Ty::Scalar(Scalar::String) => match value {
            Value::String(s) => Some(Literal::Str(s.clone())),
            _ => mismatch(diags),
        },
        Ty::Scalar(Scalar::Bool) => match value {
            Value::Bool(b) => Some(Literal::Bool(*b)),
            _ => mismatch(diags),
        },
        Ty::Scalar(Scalar::Float) => match value.as_f64() {
            Some(x) => Some(Literal::Float(x)),
            None => mismatch(diags),
        },
        Ty::Scalar(Scalar::Int(width)) => match int_literal(value, *width) {
            Some(n) => Some(Literal::Int(n)),
            None => mismatch(diags),
        },
        Ty::Enum(_) => {
            let Some(e) = (scope.find_enum)(&field.ty) else {
                return mismatch(diags);
            };
            let wanted = match (e.base, value) {
                (EnumBase::String, Value::String(s)) => Some(VariantValue::Str(s.clone())),
                (EnumBase::Int(width), v) => int_literal(v, width).map(VariantValue::Int),
                _ => None,
            };
            match wanted.and_then(|w| e.variants.iter().find(|v| v.value == w)) {
                Some(variant) => Some(Literal::Variant {
                    ident: variant.ident.clone(),
                    value: variant.value.clone(),
                }),
                None => {
                    let values: Vec<_> = e.variants.iter().map(|v| v.value.to_string()).collect();
                    diags.error(
                        at,
                        format!(
                            "{value} is not one of the documented values of `{}`: {}",
                            field.wire,
                            values.join(", ")
                        ),
                    );
                    None
                }
            }
        }
        Ty::Array(_) | Ty::Object(_) => {
            diags.error(
                at,
                format!(
                    "`{}` is of type {}; rules compare scalar parameters only",
                    field.wire,
                    ty_name(&field.ty)
                ),
            );
            None
        }
    }
}
