//! JSON for structs: `serde::Serialize` (the request body, PascalCase wire names, absent
//! optionals skipped) and reading back through the runtime's `FromJson`, which also backs
//! `serde::Deserialize`.
//!
//! The impls are written out rather than derived: serde's derive would generate a visitor per
//! type, where these are a list of calls into shared runtime helpers, which keeps a hundred
//! actions cheap to compile.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, lit, local};
use crate::model::{Presence, Slot, Struct, StructRole};

pub fn serialize(s: &Struct, ctx: &Ctx) -> TokenStream {
    let ident = &s.ident;
    let state = local("state");
    let name = lit(&s.wire);
    let count = s.all_fields().count();
    let fields = s.slots.iter().map(|slot| match slot {
        Slot::Field(f) => {
            let key = lit(&f.wire);
            let member = &f.ident;
            match f.presence {
                Presence::Required => quote! {
                    #state.serialize_field(#key, &self.#member)?;
                },
                Presence::Optional => quote! {
                    match &self.#member {
                        ::core::option::Option::Some(__v) => #state.serialize_field(#key, __v)?,
                        ::core::option::Option::None => #state.skip_field(#key)?,
                    }
                },
                Presence::OptionalArray => quote! {
                    if self.#member.is_empty() {
                        #state.skip_field(#key)?;
                    } else {
                        #state.serialize_field(#key, &self.#member)?;
                    }
                },
            }
        }
        Slot::Choice(c) => {
            let member = &c.field_ident;
            let enum_ident = &c.enum_ident;
            let arms = c.variants.iter().map(|v| {
                let variant = &v.ident;
                let key = lit(&v.field.wire);
                let others = c
                    .variants
                    .iter()
                    .filter(|o| o.ident != v.ident)
                    .map(|o| lit(&o.field.wire));
                quote! {
                    self::#enum_ident::#variant(__v) => {
                        #state.serialize_field(#key, __v)?;
                        #(#state.skip_field(#others)?;)*
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
    let rt = &ctx.rt;
    quote! {
        #[automatically_derived]
        impl #rt::__private::serde::Serialize for #ident {
            fn serialize<__S>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: #rt::__private::serde::Serializer,
            {
                use #rt::__private::serde::ser::SerializeStruct as _;
                let mut #state = __serializer.serialize_struct(#name, #count)?;
                #(#fields)*
                #state.end()
            }
        }
    }
}

pub fn from_json(s: &Struct, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let ident = &s.ident;
    let known = s.all_fields().map(|f| lit(&f.wire));
    let fields = s.slots.iter().map(|slot| match slot {
        Slot::Field(f) => {
            let key = lit(&f.wire);
            let member = &f.ident;
            let helper = match f.presence {
                Presence::Required => quote!(required_field),
                Presence::Optional => quote!(optional_field),
                Presence::OptionalArray => quote!(optional_array_field),
            };
            quote! { #member: #rt::wire::#helper(__obj, #key, __at, __mode)?, }
        }
        Slot::Choice(c) => {
            let member = &c.field_ident;
            let enum_ident = &c.enum_ident;
            let params = c.variants.iter().map(|v| lit(&v.field.wire));
            let last = c.variants.len() - 1;
            let arms = c.variants.iter().enumerate().map(|(i, v)| {
                let variant = &v.ident;
                let key = lit(&v.field.wire);
                let pattern = if i == last {
                    quote!(_)
                } else {
                    let i = proc_macro2::Literal::usize_unsuffixed(i);
                    quote!(#i)
                };
                quote! {
                    (#pattern, __v) => self::#enum_ident::#variant(
                        #rt::wire::FromJson::from_json(__v, &__at.field(#key), __mode)?,
                    ),
                }
            });
            quote! {
                #member: match #rt::wire::choice(__obj, &[#(#params),*], __at)? {
                    #(#arms)*
                },
            }
        }
    });
    let deserialize = super::deserialize_via_json(ident, ctx);
    // An object a response leaves out reads as the object read from `{}`.
    let absent = (s.role == StructRole::Object).then(|| {
        super::absent_in_responses(
            quote!(#rt::wire::FromJson::from_json(
                &#rt::__private::Value::Object(::core::default::Default::default()),
                __at,
                __mode,
            )),
            ctx,
        )
    });
    quote! {
        #[automatically_derived]
        impl #rt::wire::FromJson for #ident {
            fn from_json(
                __value: &#rt::__private::Value,
                __at: &#rt::Path<'_>,
                __mode: #rt::wire::Mode,
            ) -> ::core::result::Result<Self, #rt::DecodeError> {
                let __obj = #rt::wire::object(__value, __at)?;
                #rt::wire::deny_unknown(__obj, &[#(#known),*], __at, __mode)?;
                ::core::result::Result::Ok(Self {
                    #(#fields)*
                })
            }
            #absent
        }

        #deserialize
    }
}
