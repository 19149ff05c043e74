//! Typestate builders of requests and of object types used in requests: one type parameter per
//! required member and per exactly-one-of group, so that `build()` only compiles once each is
//! set and the members of one group cannot both be set. Optional members are plain setters. The
//! checked model names every type parameter and marker type; this module only prints them.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Ctx, doc, field_doc};
use crate::model::{Builder, BuilderState, Field, Presence, Setters, Slot, Struct, Ty};
use crate::names::unraw;

/// The builder of a struct that has one, its `builder()` constructor, and nothing otherwise.
pub fn builder(s: &Struct, ctx: &Ctx) -> TokenStream {
    match &s.builder {
        Some(b) => builder_of(s, b, ctx),
        None => TokenStream::new(),
    }
}

/// The marker types of the builders of `structs`, in the modules the model gives them
/// (`params`, `params::real_server_bind_set_req`).
pub fn marker_modules<'a>(structs: impl IntoIterator<Item = &'a Struct>) -> TokenStream {
    let mut tree = ModuleTree::default();
    for s in structs {
        let Some(b) = &s.builder else {
            continue;
        };
        let mut node = &mut tree;
        for segment in &b.markers {
            node = &mut node
                .children
                .entry(segment.to_string())
                .or_insert_with(|| (segment.clone(), ModuleTree::default()))
                .1;
        }
        node.owner = Some(s.ident.to_string());
        node.items.extend(markers(s, b));
    }
    tree.print()
}

#[derive(Default)]
struct ModuleTree {
    /// The struct whose markers the module holds, if it holds some.
    owner: Option<String>,
    items: TokenStream,
    children: BTreeMap<String, (Ident, ModuleTree)>,
}

impl ModuleTree {
    fn print(&self) -> TokenStream {
        let mut out = self.items.clone();
        for (ident, child) in self.children.values() {
            let body = child.print();
            let module_doc = match &child.owner {
                Some(owner) => format!(
                    " Marker types that name the required members of `{owner}` in the compile \
                     errors of its builder."
                ),
                None => " Marker types that name the required members of object types in the \
                         compile errors of their builders, one module per type."
                    .to_owned(),
            };
            out.extend(quote! {
                #[doc = #module_doc]
                pub mod #ident {
                    #body
                }
            });
        }
        out
    }
}

fn markers(s: &Struct, b: &Builder) -> TokenStream {
    b.states
        .iter()
        .map(|state| {
            let marker = &state.marker;
            let marker_doc = format!(
                " Names `{}` of `{}` in compile errors.",
                state.label, s.ident
            );
            quote! {
                #[doc = #marker_doc]
                pub enum #marker {}
            }
        })
        .collect()
}

/// The path of a state's marker type from the builder's module.
fn marker_path(b: &Builder, state: &BuilderState) -> TokenStream {
    let modules = &b.markers;
    let marker = &state.marker;
    quote!(self #(::#modules)* ::#marker)
}

/// The type a state holds once set.
fn state_value_ty(state: &BuilderState, ctx: &Ctx) -> TokenStream {
    match &state.slot {
        Slot::Field(f) => ctx.field_ty(f),
        Slot::Choice(c) => {
            let enum_ident = &c.enum_ident;
            quote!(self::#enum_ident)
        }
    }
}

/// The builder's field that holds a state's value.
fn state_member(state: &BuilderState) -> Ident {
    match &state.slot {
        Slot::Field(f) => f.ident.clone(),
        Slot::Choice(c) => c.field_ident.clone(),
    }
}

fn builder_of(s: &Struct, b: &Builder, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let ident = &s.ident;
    let builder = &b.ident;
    let optionals_ident = &b.optionals;
    let unset = quote!(#rt::builder::Unset);

    let params: Vec<&Ident> = b.states.iter().map(|st| &st.param).collect();
    let members: Vec<Ident> = b.states.iter().map(state_member).collect();
    let value_tys: Vec<TokenStream> = b.states.iter().map(|st| state_value_ty(st, ctx)).collect();
    let optionals: Vec<&Field> = s
        .slots
        .iter()
        .filter_map(|slot| match slot {
            Slot::Field(f) if f.presence != Presence::Required => Some(f),
            _ => None,
        })
        .collect();
    let optional_members = optionals.iter().map(|f| {
        let member = &f.ident;
        let ty = ctx.field_ty(f);
        quote!(#member: #ty,)
    });
    let all_unset: Vec<_> = b.states.iter().map(|_| unset.clone()).collect();

    // Moves every field into a builder whose state `replaced` holds `value`.
    let rebuild = |replaced: usize, value: TokenStream| {
        let moved = members.iter().enumerate().map(|(i, member)| {
            if i == replaced {
                quote!(#member: #rt::builder::Set(#value),)
            } else {
                quote!(#member: self.#member,)
            }
        });
        quote!(#builder { #(#moved)* optional: self.optional })
    };
    // The builder's type once state `replaced` is set.
    let with_set = |replaced: usize| {
        let args = params.iter().enumerate().map(|(i, param)| {
            if i == replaced {
                let ty = &value_tys[i];
                quote!(#rt::builder::Set<#ty>)
            } else {
                quote!(#param)
            }
        });
        quote!(#builder<#(#args),*>)
    };

    let mut setters = TokenStream::new();
    for slot_setters in &b.setters {
        let (i, state) = match slot_setters {
            Setters::Optional {
                field,
                set_or_clear,
            } => {
                setters.extend(optional_setters(field, set_or_clear.as_ref(), ctx));
                continue;
            }
            Setters::State(i) => (*i, &b.states[*i]),
        };
        match &state.slot {
            Slot::Field(f) => {
                let member = &f.ident;
                let (arg, convert) = setter_arg(&f.ty, ctx);
                let ret = with_set(i);
                let body = rebuild(i, convert);
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
            }
            Slot::Choice(c) => {
                let param = params[i];
                let marker = marker_path(b, state);
                let enum_ident = &c.enum_ident;
                let ret = with_set(i);
                let group_setter = &c.field_ident;
                let body = rebuild(i, quote!(value));
                let members: Vec<String> = c
                    .variants
                    .iter()
                    .map(|v| format!("`{}`", v.field.wire))
                    .collect();
                let group_doc = format!(
                    " Sets the exactly-one-of group [`{}`]: one of {}.",
                    unraw(enum_ident),
                    members.join(", ")
                );
                setters.extend(quote! {
                    #[doc = #group_doc]
                    pub fn #group_setter(self, value: self::#enum_ident) -> #ret
                    where
                        #param: #rt::builder::Unchosen<#marker>,
                    {
                        #body
                    }
                });
                for v in &c.variants {
                    let setter = &v.setter;
                    let variant = &v.ident;
                    let (arg, convert) = setter_arg(&v.field.ty, ctx);
                    let body = rebuild(i, quote!(self::#enum_ident::#variant(#convert)));
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
                            #param: #rt::builder::Unchosen<#marker>,
                        {
                            #body
                        }
                    });
                }
            }
        }
    }

    let build_bounds = b.states.iter().zip(&value_tys).map(|(st, ty)| {
        let param = &st.param;
        let marker = marker_path(b, st);
        quote!(#param: #rt::builder::Required<#marker, #ty>,)
    });
    let build_states = members
        .iter()
        .map(|member| quote!(#member: #rt::builder::Required::take(self.#member),));
    let build_optionals = optionals.iter().map(|f| {
        let member = &f.ident;
        quote!(#member: self.optional.#member,)
    });
    let state_fields = members
        .iter()
        .zip(&params)
        .map(|(member, param)| quote!(#member: #param,));
    let init_states = members.iter().map(|member| quote!(#member: #unset,));
    let required_list = b
        .states
        .iter()
        .map(|st| format!("`{}`", st.label))
        .collect::<Vec<_>>()
        .join(", ");
    let what = if s.role == crate::model::StructRole::Request {
        "parameter"
    } else {
        "member"
    };
    let builder_doc = doc(&if b.states.is_empty() {
        format!("Builder of [`{ident}`], from [`{ident}::builder`]. Every {what} is optional.")
    } else {
        format!(
            "Builder of [`{ident}`], from [`{ident}::builder`].\n\n\
             Each type parameter tracks one required {what} ({required_list}): `build()` exists \
             once all are set, and a missing one is a compile error that names it."
        )
    });
    let build_doc = if s.role == crate::model::StructRole::Request {
        " The request. Compiles once every required parameter is set; call `validate()` on the \
         result (the client does) to check ranges and cross-field rules."
    } else {
        " The value. Compiles once every required member is set; the request that carries it \
         validates its ranges and rules."
    };

    quote! {
        #builder_doc
        #[must_use = "a builder does nothing until `build()` is called"]
        pub struct #builder<#(#params = #unset),*> {
            #(#state_fields)*
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

            #[doc = #build_doc]
            pub fn build(self) -> self::#ident
            where
                #(#build_bounds)*
            {
                self::#ident {
                    #(#build_states)*
                    #(#build_optionals)*
                }
            }
        }

        impl self::#ident {
            /// A builder with nothing set.
            pub fn builder() -> #builder<#(#all_unset),*> {
                #builder::new()
            }
        }
    }
}

/// `x(value)` and, for an optional scalar, `set_x(Option<value>)`.
fn optional_setters(f: &Field, set_or_clear: Option<&Ident>, ctx: &Ctx) -> TokenStream {
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
    let mut out = quote! {
        #setter_doc
        pub fn #member(mut self, value: #arg) -> Self {
            self.optional.#member = #value;
            self
        }
    };
    if let Some(set_name) = set_or_clear {
        let ty = ctx.field_ty(f);
        let set_doc = format!(" Sets or clears the optional `{}`.", f.wire);
        out.extend(quote! {
            #[doc = #set_doc]
            pub fn #set_name(mut self, value: #ty) -> Self {
                self.optional.#member = value;
                self
            }
        });
    }
    out
}

/// The setter's argument type, and the conversion into the field's type.
fn setter_arg(ty: &Ty, ctx: &Ctx) -> (TokenStream, TokenStream) {
    let field_ty = ctx.ty(ty);
    match ty {
        Ty::Scalar(crate::model::Scalar::String) | Ty::Array(_) => (
            quote!(impl ::core::convert::Into<#field_ty>),
            quote!(::core::convert::Into::into(value)),
        ),
        _ => (field_ty, quote!(value)),
    }
}
