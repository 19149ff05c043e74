//! The request builder: a typestate with one type parameter per required parameter and per
//! exactly-one-of group, so that `build()` only compiles once each is set and the parameters of
//! one group cannot both be set. Optional parameters are plain setters.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{Ctx, doc, field_doc};
use crate::model::{Action, Field, Presence, Slot, Ty};
use crate::names::unraw;

/// A typestate slot: a required field or a choice.
struct State<'a> {
    /// The type parameter, named after the parameter (`ListenerName`).
    param: Ident,
    /// The builder's field.
    member: &'a Ident,
    /// The value type once set.
    value_ty: TokenStream,
    /// The wire name(s), for docs.
    label: String,
}

pub fn builder(action: &Action, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let request = &action.request;
    let request_ident = &request.ident;
    let builder = &action.builder;

    let mut states: Vec<State<'_>> = Vec::new();
    let mut optionals: Vec<&Field> = Vec::new();
    for slot in &request.slots {
        match slot {
            Slot::Field(f) if f.presence == Presence::Required => states.push(State {
                // The checked model guarantees the wire name converts; the fallback keeps the
                // generator free of panics all the same.
                param: crate::names::type_ident(&f.wire)
                    .unwrap_or_else(|_| format_ident!("P{}", states.len())),
                member: &f.ident,
                value_ty: ctx.field_ty(f),
                label: f.wire.clone(),
            }),
            Slot::Field(f) => optionals.push(f),
            Slot::Choice(c) => {
                let enum_ident = &c.enum_ident;
                // Named after its parameters, so that compile errors say which they are.
                let wires: Vec<&str> = c.variants.iter().map(|v| v.field.wire.as_str()).collect();
                states.push(State {
                    param: crate::names::type_ident(&wires.join("Or"))
                        .unwrap_or_else(|_| format_ident!("P{}", states.len())),
                    member: &c.field_ident,
                    value_ty: quote!(self::#enum_ident),
                    label: c
                        .variants
                        .iter()
                        .map(|v| v.field.wire.as_str())
                        .collect::<Vec<_>>()
                        .join(" | "),
                });
            }
        }
    }

    // Type parameters must differ; a clash (a parameter literally named `ProxyIdOrGroupId`)
    // falls back to a positional name rather than failing to compile.
    for i in 0..states.len() {
        if states[..i]
            .iter()
            .any(|earlier| earlier.param == states[i].param)
        {
            states[i].param = format_ident!("P{}", i);
        }
    }
    let params: Vec<&Ident> = states.iter().map(|s| &s.param).collect();
    let markers = states.iter().map(|s| {
        let param = &s.param;
        let marker_doc = format!(" Names `{}` in compile errors.", s.label);
        quote! {
            #[doc = #marker_doc]
            pub enum #param {}
        }
    });
    let state_members = states.iter().map(|s| {
        let (member, param) = (s.member, &s.param);
        quote!(#member: #param,)
    });
    let optional_members = optionals.iter().map(|f| {
        let member = &f.ident;
        let ty = ctx.field_ty(f);
        quote!(#member: #ty,)
    });
    let unset = quote!(#rt::builder::Unset);
    let all_unset: Vec<_> = states.iter().map(|_| unset.clone()).collect();
    let init_states = states.iter().map(|s| {
        let member = s.member;
        quote!(#member: #rt::builder::Unset,)
    });
    // Optional parameters live in one struct, so that a required setter, which changes the
    // builder's type, moves one field for all of them: builders are generic, and their size
    // is paid in compile time for every action.
    let optionals_ident = format_ident!("{}Optionals", builder);

    // Moves every field into a builder whose slot `replaced` holds `value`.
    let rebuild = |replaced: usize, value: TokenStream| {
        let moved_states = states.iter().enumerate().map(|(i, s)| {
            let member = s.member;
            if i == replaced {
                quote!(#member: #rt::builder::Set(#value),)
            } else {
                quote!(#member: self.#member,)
            }
        });
        quote!(#builder { #(#moved_states)* optional: self.optional })
    };
    let with_set = |replaced: usize| {
        let args = states.iter().enumerate().map(|(i, s)| {
            if i == replaced {
                let ty = &s.value_ty;
                quote!(#rt::builder::Set<#ty>)
            } else {
                let param = &s.param;
                quote!(#param)
            }
        });
        quote!(#builder<#(#args),*>)
    };

    let mut setters = TokenStream::new();
    let mut state_index = 0;
    for slot in &request.slots {
        match slot {
            Slot::Field(f) if f.presence == Presence::Required => {
                let member = &f.ident;
                let (arg, convert) = setter_arg(&f.ty, ctx);
                let ret = with_set(state_index);
                let body = rebuild(state_index, convert);
                let setter_doc = doc(&format!(
                    "Sets the required `{}`.\n\n{}",
                    f.wire,
                    field_doc(f)
                ));
                setters.extend(quote! {
                    #setter_doc
                    pub fn #member(self, value: #arg) -> #ret {
                        #body
                    }
                });
                state_index += 1;
            }
            Slot::Field(f) => {
                let member = &f.ident;
                let (arg, convert) = setter_arg(&f.ty, ctx);
                let value = if f.presence == Presence::Optional {
                    quote!(::core::option::Option::Some(#convert))
                } else {
                    convert
                };
                let setter_doc = doc(&format!(
                    "Sets the optional `{}`.\n\n{}",
                    f.wire,
                    field_doc(f)
                ));
                setters.extend(quote! {
                    #setter_doc
                    pub fn #member(mut self, value: #arg) -> Self {
                        self.optional.#member = #value;
                        self
                    }
                });
                if f.presence == Presence::Optional {
                    let set_name = format_ident!("set_{}", unraw(member));
                    let ty = ctx.field_ty(f);
                    let set_doc = format!(" Sets or clears the optional `{}`.", f.wire);
                    setters.extend(quote! {
                        #[doc = #set_doc]
                        pub fn #set_name(mut self, value: #ty) -> Self {
                            self.optional.#member = value;
                            self
                        }
                    });
                }
            }
            Slot::Choice(c) => {
                let param = &states[state_index].param;
                let enum_ident = &c.enum_ident;
                let ret = with_set(state_index);
                let group_setter = &c.field_ident;
                let body = rebuild(state_index, quote!(value));
                let group_doc = format!(
                    " Sets the exactly-one-of group `{}`: one of {}.",
                    unraw(enum_ident),
                    states[state_index].label
                );
                setters.extend(quote! {
                    #[doc = #group_doc]
                    pub fn #group_setter(self, value: self::#enum_ident) -> #ret
                    where
                        #param: #rt::builder::Unchosen<self::params::#param>,
                    {
                        #body
                    }
                });
                for v in &c.variants {
                    let setter = &v.setter;
                    let variant = &v.ident;
                    let (arg, convert) = setter_arg(&v.field.ty, ctx);
                    let body = rebuild(state_index, quote!(self::#enum_ident::#variant(#convert)));
                    let others: Vec<_> = c
                        .variants
                        .iter()
                        .filter(|o| o.ident != v.ident)
                        .map(|o| format!("`{}`", o.field.wire))
                        .collect();
                    let setter_doc = doc(&format!(
                        "Sets `{}`, which excludes {}.\n\n{}",
                        v.field.wire,
                        others.join(", "),
                        field_doc(&v.field)
                    ));
                    setters.extend(quote! {
                        #setter_doc
                        pub fn #setter(self, value: #arg) -> #ret
                        where
                            #param: #rt::builder::Unchosen<self::params::#param>,
                        {
                            #body
                        }
                    });
                }
                state_index += 1;
            }
        }
    }

    let build_bounds = states.iter().map(|s| {
        let param = &s.param;
        let ty = &s.value_ty;
        quote!(#param: #rt::builder::Required<self::params::#param, #ty>,)
    });
    let build_states = states.iter().map(|s| {
        let member = s.member;
        quote!(#member: #rt::builder::Required::take(self.#member),)
    });
    let build_optionals = optionals.iter().map(|f| {
        let member = &f.ident;
        quote!(#member: self.optional.#member,)
    });
    let required_list = states
        .iter()
        .map(|s| format!("`{}`", s.label))
        .collect::<Vec<_>>()
        .join(", ");
    let builder_doc = doc(&format!(
        "Builder of [`{request_ident}`], from [`{request_ident}::builder`].\n\n\
         Each type parameter tracks one required parameter ({required_list}): `build()` exists \
         once all are set, and a missing one is a compile error that names it."
    ));
    let marker_mod_doc = format!(
        " Marker types that name the required parameters of `{}` in compile errors.",
        action.wire
    );

    quote! {
        #[doc = #marker_mod_doc]
        pub mod params {
            #(#markers)*
        }

        #builder_doc
        #[must_use = "a builder does nothing until `build()` is called"]
        pub struct #builder<#(#params = #unset),*> {
            #(#state_members)*
            optional: #optionals_ident,
        }

        #[derive(Default)]
        struct #optionals_ident {
            #(#optional_members)*
        }

        impl #builder {
            /// A builder with nothing set.
            pub fn new() -> Self {
                #builder {
                    #(#init_states)*
                    optional: ::core::default::Default::default(),
                }
            }
        }

        #[automatically_derived]
        impl ::core::default::Default for #builder {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<#(#params),*> #builder<#(#params),*> {
            #setters

            /// The request. Compiles once every required parameter is set; call `validate()` on
            /// the result (the client does) to check ranges and cross-field rules.
            pub fn build(self) -> self::#request_ident
            where
                #(#build_bounds)*
            {
                self::#request_ident {
                    #(#build_states)*
                    #(#build_optionals)*
                }
            }
        }

        impl self::#request_ident {
            /// A builder with nothing set.
            pub fn builder() -> #builder<#(#all_unset),*> {
                #builder::new()
            }
        }
    }
}

/// The setter's argument type, and the conversion into the field's type.
fn setter_arg(ty: &Ty, ctx: &Ctx) -> (TokenStream, TokenStream) {
    let field_ty = ctx.ty(ty);
    match ty {
        Ty::String => (
            quote!(impl ::core::convert::Into<::std::string::String>),
            quote!(::core::convert::Into::into(value)),
        ),
        Ty::Array(_) => (
            quote!(impl ::core::convert::Into<#field_ty>),
            quote!(::core::convert::Into::into(value)),
        ),
        _ => (field_ty, quote!(value)),
    }
}
