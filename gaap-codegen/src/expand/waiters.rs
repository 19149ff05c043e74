//! Paginators and waiters: the `Paginated` impl of a paged action's request, and one constant
//! plus one matcher function per waiter. The matcher is plain field access over the typed
//! response, written from paths the checker resolved, so it cannot name a missing field.

use proc_macro2::{Ident, Literal as Lit, TokenStream};
use quote::quote;

use super::{Ctx, doc, lit, local};
use crate::model::{
    AcceptorState, Action, Field, IntTy, Leaf, Literal, Matcher, Presence, Quantifier,
    ResponsePath, Scalar, StepHold, Ty, Waiter,
};

/// The `Paginated` impl, when the action pages.
pub fn paginated(action: &Action, ctx: &Ctx) -> TokenStream {
    let Some(p) = &action.pagination else {
        return TokenStream::new();
    };
    let rt = &ctx.rt;
    let request = &action.request.ident;
    let response = &action.response.ident;
    let item = ctx.ty(&p.item);
    let names = [&p.offset, &p.limit, &p.total, &p.items].map(|f| lit(&f.wire));
    let [offset_name, limit_name, total_name, items_name] = names;
    let (max, default) = (p.max_page_size, p.default_page_size);
    let (offset, set_offset) = int_param_access(&p.offset, quote!(offset));
    let (_, set_limit) = int_param_access(&p.limit, quote!(limit));
    let total = total_access(&p.total);
    let items = &p.items.ident;
    quote! {
        #[automatically_derived]
        impl #rt::Paginated for #request {
            type Item = #item;
            const PAGES: #rt::PageSpec = #rt::PageSpec::new(
                #offset_name, #limit_name, #total_name, #items_name, #max, #default,
            );
            fn offset(&self) -> ::core::option::Option<u64> { #offset }
            fn set_offset(&mut self, offset: u64) { #set_offset }
            fn set_limit(&mut self, limit: u64) { #set_limit }
            fn total(response: &#response) -> ::core::option::Option<u64> { #total }
            fn items(response: &#response) -> &[#item] { &response.#items }
            fn into_items(response: #response) -> ::std::vec::Vec<#item> { response.#items }
        }
    }
}

/// The getter and setter bodies of an integer parameter (optional or required), as `u64`.
fn int_param_access(field: &Field, param: TokenStream) -> (TokenStream, TokenStream) {
    let member = &field.ident;
    let optional = field.presence != Presence::Required;
    let Ty::Scalar(Scalar::Int(width)) = field.ty else {
        // The checker accepts integers only.
        return (quote!(::core::option::Option::None), quote!());
    };
    let ty = super::int_ty(width);
    let value = if width == IntTy::U64 {
        quote!(#param)
    } else {
        quote!(<#ty>::try_from(#param).unwrap_or(<#ty>::MAX))
    };
    let get = match (optional, width == IntTy::U64) {
        (true, true) => quote!(self.#member),
        (true, false) => quote!(self.#member.and_then(|__n| u64::try_from(__n).ok())),
        (false, true) => quote!(::core::option::Option::Some(self.#member)),
        (false, false) => quote!(u64::try_from(self.#member).ok()),
    };
    let set = if optional {
        quote!(self.#member = ::core::option::Option::Some(#value);)
    } else {
        quote!(self.#member = #value;)
    };
    (get, set)
}

fn total_access(field: &Field) -> TokenStream {
    let member = &field.ident;
    let unsigned = field.ty == Ty::Scalar(Scalar::Int(IntTy::U64));
    match (field.presence, unsigned) {
        (Presence::Optional, true) => quote!(response.#member),
        (Presence::Optional, false) => {
            quote!(response.#member.and_then(|__n| u64::try_from(__n).ok()))
        }
        (_, true) => quote!(::core::option::Option::Some(response.#member)),
        (_, false) => quote!(u64::try_from(response.#member).ok()),
    }
}

/// The `Action` items that name the waiters and the paginator.
pub fn action_items(action: &Action, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let waiters = (!action.waiters.is_empty()).then(|| {
        let constants = action.waiters.iter().map(|w| &w.constant);
        quote!(const WAITERS: &'static [#rt::Waiter<Self>] = &[#(self::#constants),*];)
    });
    let paginated = action.pagination.as_ref().map(|_| {
        quote! {
            fn visit_paginated<__V: #rt::PaginatedVisitor>(
                visitor: __V,
            ) -> ::core::option::Option<__V::Output> {
                ::core::option::Option::Some(visitor.visit::<Self>())
            }
        }
    });
    quote!(#waiters #paginated)
}

/// One constant and one matcher function per waiter.
pub fn waiters(action: &Action, ctx: &Ctx) -> TokenStream {
    action
        .waiters
        .iter()
        .map(|w| waiter(action, w, ctx))
        .collect()
}

fn waiter(action: &Action, w: &Waiter, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let request = &action.request.ident;
    let constant = &w.constant;
    let matcher = &w.matcher;
    let name = lit(&w.name);
    let (min, max, wait) = (w.min_delay, w.max_delay, w.max_wait);
    let docs = doc(&waiter_doc(action, w));

    let error_tests: Vec<TokenStream> = w
        .acceptors
        .iter()
        .filter_map(|a| match &a.matcher {
            Matcher::Error(code) => {
                let state = state(a.state, ctx);
                let observed = lit(&format!("error {code}"));
                let code = lit(code);
                Some(quote! {
                    if __code == ::core::option::Option::Some(#code) {
                        return ::core::option::Option::Some(#rt::Matched::new(#state, #observed));
                    }
                })
            }
            _ => None,
        })
        .collect();
    let on_error = if error_tests.is_empty() {
        quote!(::core::result::Result::Err(_) => ::core::option::Option::None,)
    } else {
        quote! {
            ::core::result::Result::Err(__error) => {
                let __code = __error.code();
                #(#error_tests)*
                ::core::option::Option::None
            }
        }
    };

    let values: Vec<TokenStream> = w
        .paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let var = local(&format!("p{i}"));
            let fill = path_values(path, &var, 0, quote!(__response));
            quote! {
                let mut #var = ::std::vec::Vec::new();
                #fill
            }
        })
        .collect();
    let path_tests: Vec<TokenStream> = w
        .acceptors
        .iter()
        .filter_map(|a| {
            let state = state(a.state, ctx);
            match &a.matcher {
                Matcher::OneOf {
                    path,
                    quantifier,
                    values,
                } => {
                    let p = &w.paths[*path];
                    let var = local(&format!("p{path}"));
                    let text = lit(&p.text);
                    let pats = patterns(p, values, ctx);
                    Some(match quantifier {
                        Quantifier::Equals | Quantifier::Any => quote! {
                            for __v in &#var {
                                if let ::core::option::Option::Some(__v) = *__v {
                                    if ::core::matches!(__v, #pats) {
                                        return ::core::option::Option::Some(#rt::Matched::new(#state, #rt::waiter::observed(#text, &__v)));
                                    }
                                }
                            }
                        },
                        Quantifier::All => quote! {
                            if let [::core::option::Option::Some(__first), ..] = &#var[..] {
                                let mut __all = true;
                                for __v in &#var {
                                    if !::core::matches!(*__v, ::core::option::Option::Some(#pats)) {
                                        __all = false;
                                        break;
                                    }
                                }
                                if __all {
                                    return ::core::option::Option::Some(#rt::Matched::new(#state, #rt::waiter::observed(#text, __first)));
                                }
                            }
                        },
                    })
                }
                Matcher::Empty { path, empty } => {
                    let var = local(&format!("p{path}"));
                    let observed = lit(&format!(
                        "{} is {}",
                        w.paths[*path].text,
                        if *empty { "empty" } else { "not empty" }
                    ));
                    Some(quote! {
                        let mut __empty = true;
                        for __v in &#var {
                            if let ::core::option::Option::Some(__v) = __v {
                                __empty &= __v.is_empty();
                            }
                        }
                        if __empty == #empty {
                            return ::core::option::Option::Some(#rt::Matched::new(#state, #observed));
                        }
                    })
                }
                Matcher::Error(_) => None,
            }
        })
        .collect();
    let undocumented: Vec<TokenStream> = w
        .paths
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let Leaf::Enum { ty, string } = &p.leaf else {
                return None;
            };
            let var = local(&format!("p{i}"));
            let ty = ctx.ty(ty);
            let text = lit(&p.text);
            // An absent status reads as `Unknown` of the empty wire value (`""`, `0`): not there
            // yet, not a state.
            let pattern = if *string {
                quote!(#ty::Unknown(__x) if !__x.is_empty())
            } else {
                quote!(#ty::Unknown(__x) if *__x != 0)
            };
            Some(quote! {
                for __v in &#var {
                    if let ::core::option::Option::Some(__v) = *__v {
                        if ::core::matches!(__v, #pattern) {
                            return ::core::option::Option::Some(#rt::Matched::new(
                                #rt::AcceptorState::Failure,
                                #rt::waiter::undocumented(#text, &__v),
                            ));
                        }
                    }
                }
            })
        })
        .collect();
    let on_response = if w.paths.is_empty() {
        quote!(::core::result::Result::Ok(_) => ::core::option::Option::None,)
    } else {
        quote! {
            ::core::result::Result::Ok(__response) => {
                #(#values)*
                #(#path_tests)*
                #(#undocumented)*
                ::core::option::Option::None
            }
        }
    };

    quote! {
        #docs
        pub const #constant: #rt::Waiter<#request> = #rt::Waiter {
            name: #name,
            min_delay: ::core::time::Duration::from_secs(#min),
            max_delay: ::core::time::Duration::from_secs(#max),
            max_wait: ::core::time::Duration::from_secs(#wait),
            matcher: #matcher,
        };

        fn #matcher(
            __poll: &#rt::waiter::Poll<#request>,
        ) -> ::core::option::Option<#rt::Matched> {
            match __poll {
                #on_error
                #on_response
            }
        }
    }
}

fn state(state: AcceptorState, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    match state {
        AcceptorState::Success => quote!(#rt::AcceptorState::Success),
        AcceptorState::Failure => quote!(#rt::AcceptorState::Failure),
        AcceptorState::Retry => quote!(#rt::AcceptorState::Retry),
    }
}

/// Statements that push the values at `path` onto `var`, each `Option<V>` (`None` where an
/// optional field on the way is absent), `V` being `&str`, an integer, `bool`, `&Enum` or
/// `&Vec<T>`: plain loops and matches over the fields, no closures, so that each waiter costs
/// little to compile. `at` is an expression of the struct the remaining steps start from.
fn path_values(path: &ResponsePath, var: &Ident, from: usize, at: TokenStream) -> TokenStream {
    let Some(step) = path.steps.get(from) else {
        let value = match path.leaf {
            Leaf::Str => quote!(#at.as_str()),
            Leaf::Int(_) | Leaf::Bool => quote!(*#at),
            Leaf::Enum { .. } | Leaf::Array => quote!(#at),
        };
        return quote!(#var.push(::core::option::Option::Some(#value)););
    };
    let field = &step.ident;
    let next = local(&format!("x{from}"));
    match step.hold {
        StepHold::Value => path_values(path, var, from + 1, quote!((&#at.#field))),
        StepHold::Optional => {
            let rest = path_values(path, var, from + 1, quote!(#next));
            quote! {
                match &#at.#field {
                    ::core::option::Option::Some(#next) => { #rest }
                    ::core::option::Option::None => #var.push(::core::option::Option::None),
                }
            }
        }
        StepHold::Elements => {
            let rest = path_values(path, var, from + 1, quote!(#next));
            quote! {
                for #next in &#at.#field {
                    #rest
                }
            }
        }
    }
}

/// The patterns of `values`, joined with `|`.
fn patterns(path: &ResponsePath, values: &[Literal], ctx: &Ctx) -> TokenStream {
    let pats = values.iter().map(|value| match (value, &path.leaf) {
        (Literal::Variant { ident, .. }, Leaf::Enum { ty, .. }) => {
            let ty = ctx.ty(ty);
            quote!(#ty::#ident)
        }
        (Literal::Str(s), _) => {
            let s = lit(s);
            quote!(#s)
        }
        (Literal::Int(n), _) => {
            let n = Lit::i128_unsuffixed(*n);
            quote!(#n)
        }
        (Literal::Bool(b), _) => quote!(#b),
        // The checker gives a path's values the type of its leaf; floats are refused.
        _ => quote!(_),
    });
    quote!(#(#pats)|*)
}

/// The documentation of a waiter's constant: its own text, the polling, and every acceptor.
fn waiter_doc(action: &Action, w: &Waiter) -> String {
    let mut out = String::new();
    if !w.doc.is_empty() {
        out.push_str(&w.doc);
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "Polls `{}` (the request given to `Client::wait`) every {} to {} s, backing off with \
         jitter, for at most {} s (`with_max_wait` changes it). On each poll, in order:\n\n",
        action.wire, w.min_delay, w.max_delay, w.max_wait
    ));
    for a in &w.acceptors {
        let state = match a.state {
            AcceptorState::Success => "**success**",
            AcceptorState::Failure => "**failure**",
            AcceptorState::Retry => "**retry**",
        };
        let when = match &a.matcher {
            Matcher::Error(code) => format!("the call fails with `{code}`"),
            Matcher::Empty { path, empty } => format!(
                "`{}` is {}",
                w.paths[*path].text,
                if *empty { "empty" } else { "not empty" }
            ),
            Matcher::OneOf {
                path,
                quantifier,
                values,
            } => {
                let values: Vec<String> = values
                    .iter()
                    .map(|v| format!("`{}`", v.display()))
                    .collect();
                let values = values.join(" or ");
                let text = &w.paths[*path].text;
                match quantifier {
                    Quantifier::Equals => format!("`{text}` is {values}"),
                    Quantifier::All => {
                        format!("every `{text}` is {values} (and there is at least one)")
                    }
                    Quantifier::Any => format!("some `{text}` is {values}"),
                }
            }
        };
        out.push_str(&format!("- {state} when {when};\n"));
    }
    if w.paths.iter().any(|p| matches!(p.leaf, Leaf::Enum { .. })) {
        out.push_str(
            "- **failure** when a status read above has a value the documentation does not \
             list (`Unknown`, such as `CREATE_FAILED`);\n",
        );
    }
    out.push_str("- otherwise, **retry**.");
    out
}
