//! `validate()`: every constraint of every member, then every rule, each violation reported with
//! its parameter path. Nested objects and enums validate themselves through the same trait.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{Ctx, lit};
use crate::model::{
    Bound, Constraints, Field, Literal as RuleLiteral, ParamRef, Presence, Rule, RuleKind, Scalar,
    Slot, Struct, Test, Ty,
};

pub fn validate(s: &Struct, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let ident = &s.ident;
    let fields = s.slots.iter().map(|slot| match slot {
        Slot::Field(f) => field_checks(f, ctx),
        Slot::Choice(c) => {
            let member = &c.field_ident;
            let enum_ident = &c.enum_ident;
            let arms = c.variants.iter().map(|v| {
                let variant = &v.ident;
                let checks = value_checks(&v.field.ty, &v.field.constraints, quote!(__v), ctx);
                let key = lit(&v.field.wire);
                quote! {
                    self::#enum_ident::#variant(__v) => {
                        let __at = __at.field(#key);
                        #checks
                    }
                }
            });
            quote! {
                match &self.#member {
                    #(#arms)*
                }
            }
        }
    });
    let rules = s.rules.iter().map(|rule| rule_check(rule, ctx));
    quote! {
        #[automatically_derived]
        impl #rt::Validate for #ident {
            fn validate_at(&self, __at: &#rt::Path<'_>, __out: &mut ::std::vec::Vec<#rt::Violation>) {
                #(#fields)*
                #(#rules)*
            }
        }
    }
}

/// The checks of one plain field, unwrapping its presence.
fn field_checks(f: &Field, ctx: &Ctx) -> TokenStream {
    let member = &f.ident;
    let checks = value_checks(&f.ty, &f.constraints, quote!(__v), ctx);
    if checks.is_empty() {
        return TokenStream::new();
    }
    let key = lit(&f.wire);
    let bind = match f.presence {
        Presence::Required | Presence::OptionalArray => quote! {
            let __v = &self.#member;
            #checks
        },
        Presence::Optional => quote! {
            if let ::core::option::Option::Some(__v) = &self.#member {
                #checks
            }
        },
    };
    quote! {
        {
            let __at = __at.field(#key);
            #bind
        }
    }
}

fn int_bound(b: Option<Bound>) -> TokenStream {
    match b {
        Some(Bound::Int(n)) => {
            let n = Literal::i128_suffixed(n);
            quote!(::core::option::Option::Some(#n))
        }
        _ => quote!(::core::option::Option::None),
    }
}

fn float_bound(b: Option<Bound>) -> TokenStream {
    match b {
        Some(Bound::Float(x)) => {
            let x = Literal::f64_suffixed(x);
            quote!(::core::option::Option::Some(#x))
        }
        _ => quote!(::core::option::Option::None),
    }
}

fn u64_bound(b: Option<u64>) -> TokenStream {
    match b {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    }
}

/// Checks of a value `v` (an expression of type `&T`) of type `ty`, located at `__at`. Array
/// constraints apply to the array; range and length to each element.
fn value_checks(ty: &Ty, c: &Constraints, v: TokenStream, ctx: &Ctx) -> TokenStream {
    value_checks_at(ty, c, v, ctx, 0)
}

fn value_checks_at(
    ty: &Ty,
    c: &Constraints,
    v: TokenStream,
    ctx: &Ctx,
    depth: usize,
) -> TokenStream {
    let rt = &ctx.rt;
    match ty {
        Ty::Array(inner) => {
            let mut out = TokenStream::new();
            if depth == 0 && (c.min_items.is_some() || c.max_items.is_some()) {
                let (min, max) = (u64_bound(c.min_items), u64_bound(c.max_items));
                out.extend(quote!(#rt::validate::items(#v, #min, #max, &__at, __out);));
            }
            let element = format_ident!("__e{}", depth);
            let index = format_ident!("__i{}", depth);
            let element_checks = value_checks_at(inner, c, quote!(#element), ctx, depth + 1);
            if !element_checks.is_empty() {
                out.extend(quote! {
                    for (#index, #element) in ::core::iter::Iterator::enumerate((#v).iter()) {
                        let __at = __at.index(#index);
                        #element_checks
                    }
                });
            }
            // Duplicates last, so that violations read in element order first.
            if depth == 0 && c.unique {
                let check = if ty.element_is_hashable() {
                    quote!(unique)
                } else {
                    quote!(unique_floats)
                };
                out.extend(quote!(#rt::validate::#check(#v, &__at, __out);));
            }
            out
        }
        Ty::Scalar(Scalar::Int(_)) if c.min.is_some() || c.max.is_some() => {
            let (min, max) = (int_bound(c.min), int_bound(c.max));
            quote!(#rt::validate::int_range(*#v, #min, #max, &__at, __out);)
        }
        Ty::Scalar(Scalar::Float) if c.min.is_some() || c.max.is_some() => {
            let (min, max) = (float_bound(c.min), float_bound(c.max));
            quote!(#rt::validate::float_range(*#v, #min, #max, &__at, __out);)
        }
        Ty::Scalar(Scalar::String) if c.min_length.is_some() || c.max_length.is_some() => {
            let (min, max) = (u64_bound(c.min_length), u64_bound(c.max_length));
            quote!(#rt::validate::length(#v, #min, #max, &__at, __out);)
        }
        Ty::Object(_) | Ty::Enum(_) => {
            quote!(#rt::Validate::validate_at(#v, &__at, __out);)
        }
        _ => TokenStream::new(),
    }
}

/// What a rule needs of one parameter: whether it is set, and its value as `Option<&T>`.
struct ParamAccess {
    present: TokenStream,
    value: TokenStream,
    field: Field,
}

fn access(p: &ParamRef) -> ParamAccess {
    match p {
        ParamRef::Field(f) => {
            let member = &f.ident;
            let (present, value) = match f.presence {
                Presence::Required => (
                    quote!(true),
                    quote!(::core::option::Option::Some(&self.#member)),
                ),
                Presence::Optional => (
                    quote!(self.#member.is_some()),
                    quote!(self.#member.as_ref()),
                ),
                Presence::OptionalArray => (
                    quote!(!self.#member.is_empty()),
                    quote!(::core::option::Option::Some(&self.#member)),
                ),
            };
            ParamAccess {
                present,
                value,
                field: f.clone(),
            }
        }
        ParamRef::Choice {
            member,
            enum_ident,
            variant,
            field,
        } => ParamAccess {
            present: quote!(::core::matches!(self.#member, self::#enum_ident::#variant(_))),
            value: quote! {
                if let self::#enum_ident::#variant(__v) = &self.#member {
                    ::core::option::Option::Some(__v)
                } else {
                    ::core::option::Option::None
                }
            },
            field: field.clone(),
        },
    }
}

fn doc_expr(rule: &Rule) -> TokenStream {
    if rule.doc.is_empty() {
        quote!(::core::option::Option::None)
    } else {
        let doc = lit(&rule.doc);
        quote!(::core::option::Option::Some(#doc))
    }
}

fn names_expr(params: &[ParamRef]) -> TokenStream {
    let names = params.iter().map(|p| lit(&p.field().wire));
    quote!(&[#(#names),*])
}

fn rule_check(rule: &Rule, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let doc = doc_expr(rule);
    match &rule.kind {
        RuleKind::AtMostOneOf(params) | RuleKind::AtLeastOneOf(params) => {
            let present = params.iter().map(|p| access(p).present);
            let names = names_expr(params);
            let (failed, violation) = match &rule.kind {
                RuleKind::AtMostOneOf(_) => (
                    quote!(__present > 1),
                    quote!(#rt::Rule::AtMostOneOf { params: #names, present: __present }),
                ),
                _ => (
                    quote!(__present == 0),
                    quote!(#rt::Rule::AtLeastOneOf { params: #names }),
                ),
            };
            quote! {
                {
                    let __present = [#(#present),*].iter().filter(|__p| **__p).count();
                    if #failed {
                        #rt::validate::violation(__at, #violation, #doc, __out);
                    }
                }
            }
        }
        RuleKind::LessThan {
            lhs,
            rhs,
            or_equal,
            float,
        } => {
            let (a, b) = (access(lhs).value, access(rhs).value);
            let lhs_key = lit(&lhs.field().wire);
            let other = lit(&rhs.field().wire);
            let (convert, number, fails) = if *float {
                (
                    quote!((*__a, *__b)),
                    quote!(#rt::validate::Number::Float),
                    if *or_equal {
                        quote!(::core::option::Option::is_none_or(
                            __a.partial_cmp(&__b),
                            |__o| __o == ::core::cmp::Ordering::Greater
                        ))
                    } else {
                        quote!(
                            __a.partial_cmp(&__b)
                                != ::core::option::Option::Some(::core::cmp::Ordering::Less)
                        )
                    },
                )
            } else {
                (
                    quote!((i128::from(*__a), i128::from(*__b))),
                    quote!(#rt::validate::Number::Int),
                    if *or_equal {
                        quote!(__a > __b)
                    } else {
                        quote!(__a >= __b)
                    },
                )
            };
            quote! {
                if let (::core::option::Option::Some(__a), ::core::option::Option::Some(__b)) = (#a, #b) {
                    let (__a, __b) = #convert;
                    if #fails {
                        #rt::validate::violation(
                            &__at.field(#lhs_key),
                            #rt::Rule::LessThan {
                                other: #other,
                                or_equal: #or_equal,
                                actual: #number(__a),
                                other_value: #number(__b),
                            },
                            #doc,
                            __out,
                        );
                    }
                }
            }
        }
        RuleKind::Conditional { when, then } => {
            let (when_param, when_test) = when;
            let (then_param, then_test) = then;
            let w = access(when_param);
            let t = access(then_param);
            let holds = test_expr(&w, when_test, ctx);
            let broken = {
                let ok = test_expr(&t, then_test, ctx);
                quote!(!(#ok))
            };
            let condition = lit(&condition_text(&when_param.field().wire, when_test));
            let requirement = lit(&requirement_text(then_test));
            let then_key = lit(&then_param.field().wire);
            quote! {
                if #holds && #broken {
                    #rt::validate::violation(
                        &__at.field(#then_key),
                        #rt::Rule::Conditional {
                            condition: #condition,
                            requirement: #requirement,
                        },
                        #doc,
                        __out,
                    );
                }
            }
        }
    }
}

/// The condition of a rule as a sentence: "RealServerType is DOMAIN", "ProxyId is not set".
fn condition_text(param: &str, test: &Test) -> String {
    match test {
        Test::Equals(l) => format!("{param} is {}", l.display()),
        Test::NotEquals(l) => format!("{param} is not {}", l.display()),
        Test::Present(true) => format!("{param} is set"),
        Test::Present(false) => format!("{param} is not set"),
    }
}

/// What a rule requires, as a sentence: "must not be wrr", "must be set".
fn requirement_text(test: &Test) -> String {
    match test {
        Test::Equals(l) => format!("must be {}", l.display()),
        Test::NotEquals(l) => format!("must not be {}", l.display()),
        Test::Present(true) => "must be set".to_owned(),
        Test::Present(false) => "must not be set".to_owned(),
    }
}

/// A boolean expression: whether the parameter passes the test. An absent parameter equals
/// nothing and differs from everything.
fn test_expr(p: &ParamAccess, test: &Test, ctx: &Ctx) -> TokenStream {
    let value = &p.value;
    match test {
        Test::Present(true) => p.present.clone(),
        Test::Present(false) => {
            let present = &p.present;
            quote!(!(#present))
        }
        Test::Equals(l) => {
            let eq = literal_eq(&p.field, l, ctx);
            quote!(::core::option::Option::is_some_and(#value, |__x| #eq))
        }
        Test::NotEquals(l) => {
            let eq = literal_eq(&p.field, l, ctx);
            quote!(!::core::option::Option::is_some_and(#value, |__x| #eq))
        }
    }
}

/// Whether `__x` (a `&T`) equals the literal.
fn literal_eq(field: &Field, l: &RuleLiteral, ctx: &Ctx) -> TokenStream {
    match l {
        RuleLiteral::Str(s) => {
            let s = lit(s);
            quote!(__x.as_str() == #s)
        }
        RuleLiteral::Int(n) => {
            let n = Literal::i128_unsuffixed(*n);
            quote!(*__x == #n)
        }
        RuleLiteral::Float(x) => {
            let x = Literal::f64_unsuffixed(*x);
            quote!(*__x == #x)
        }
        RuleLiteral::Bool(true) => quote!(*__x),
        RuleLiteral::Bool(false) => quote!(!*__x),
        RuleLiteral::Variant { ident, .. } => {
            let enum_path = ctx.ty(field.ty.element());
            quote!(*__x == #enum_path::#ident)
        }
    }
}
