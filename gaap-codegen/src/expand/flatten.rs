//! `.N` flattening of structs: each member under its wire name, in documented order; the
//! runtime's impls for `Option` and `Vec` leave out absent values and number array elements.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, lit};
use crate::model::{Slot, Struct};

pub fn flatten(s: &Struct, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let ident = &s.ident;
    let fields = s.slots.iter().map(|slot| match slot {
        Slot::Field(f) => {
            let key = lit(&f.wire);
            let member = &f.ident;
            quote! { #rt::wire::flatten_field(__key, #key, &self.#member, __out); }
        }
        Slot::Choice(c) => {
            let member = &c.field_ident;
            let enum_ident = &c.enum_ident;
            let arms = c.variants.iter().map(|v| {
                let variant = &v.ident;
                let key = lit(&v.field.wire);
                quote! {
                    self::#enum_ident::#variant(__v) => #rt::wire::flatten_field(__key, #key, __v, __out),
                }
            });
            quote! {
                match &self.#member {
                    #(#arms)*
                }
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #rt::wire::Flatten for #ident {
            fn flatten_into(&self, __key: &mut ::std::string::String, __out: &mut #rt::wire::FlatParams) {
                #(#fields)*
            }
        }
    }
}
