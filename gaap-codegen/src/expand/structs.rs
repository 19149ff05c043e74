//! Struct definitions (request, response, object types), their `Debug`, and the enums of
//! exactly-one-of groups.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, doc, doc_text, field_doc, lit};
use crate::model::{Choice, Slot, Struct, StructRole};
use crate::names::unraw;

pub fn definition(s: &Struct, ctx: &Ctx) -> TokenStream {
    let ident = &s.ident;
    let struct_doc = doc(&struct_doc(s));
    let fields = s.slots.iter().map(|slot| match slot {
        Slot::Field(f) => {
            let name = &f.ident;
            let ty = ctx.field_ty(f);
            let field_doc = doc(&field_doc(f));
            quote! { #field_doc pub #name: #ty, }
        }
        Slot::Choice(c) => {
            let name = &c.field_ident;
            let ty = &c.enum_ident;
            let params: Vec<_> = c
                .variants
                .iter()
                .map(|v| format!("`{}`", v.field.wire))
                .collect();
            let field_doc = doc(&format!("Exactly one of {}.", params.join(", ")));
            quote! { #field_doc pub #name: self::#ty, }
        }
    });
    let debug_fields = s.slots.iter().map(|slot| {
        let (name, redacted) = match slot {
            Slot::Field(f) => (&f.ident, f.sensitive),
            Slot::Choice(c) => (&c.field_ident, false),
        };
        let label = lit(&unraw(name));
        if redacted {
            quote!(.field(#label, &"<redacted>"))
        } else {
            quote!(.field(#label, &self.#name))
        }
    });
    let label = lit(&ident.to_string());
    let default = (s.role == StructRole::Object && s.has_default).then(|| quote!(Default,));
    let choices = s.choices().map(|c| choice_enum(c, ctx));
    quote! {
        #struct_doc
        #[derive(Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #ident {
            #(#fields)*
        }

        #[automatically_derived]
        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#label) #(#debug_fields)* .finish()
            }
        }

        #(#choices)*
    }
}

fn struct_doc(s: &Struct) -> String {
    let mut parts = vec![doc_text(&s.doc)];
    match s.role {
        StructRole::Request => parts.push(format!(
            "Built with [`{0}::builder`]; `#[non_exhaustive]`, so that a parameter the API adds \
             later is no breaking change.",
            s.ident
        )),
        StructRole::Response => parts.push(
            "`#[non_exhaustive]`: a field the API adds later is no breaking change. To make one \
             in a test, read it from JSON (`serde_json::from_value`), as the client reads it: \
             every field is read leniently, so `{}` gives an empty response whose fields can then \
             be set."
                .to_owned(),
        ),
        StructRole::Object => {
            parts.push(format!("Object type `{}`.", s.wire));
            parts.push(if s.builder.is_some() {
                format!(
                    "Built with [`{0}::builder`]; `#[non_exhaustive]`, so that a member the API \
                     adds later is no breaking change.",
                    s.ident
                )
            } else {
                "`#[non_exhaustive]`: a member the API adds later is no breaking change. Read \
                 from responses; to make one in a test, read it from JSON \
                 (`serde_json::from_value`), leniently as the client does."
                    .to_owned()
            });
        }
    }
    parts.retain(|p| !p.is_empty());
    parts.join("\n\n")
}

fn choice_enum(c: &Choice, ctx: &Ctx) -> TokenStream {
    let ident = &c.enum_ident;
    let params: Vec<_> = c
        .variants
        .iter()
        .map(|v| format!("`{}`", v.field.wire))
        .collect();
    let mut text = format!(
        "Exactly one of {}: the API requires one of them and refuses both.",
        params.join(", ")
    );
    if !c.doc.is_empty() {
        text = format!("{text}\n\n{}", c.doc);
    }
    let enum_doc = doc(&text);
    let variants = c.variants.iter().map(|v| {
        let name = &v.ident;
        let ty = ctx.ty(&v.field.ty);
        let variant_doc = doc(&field_doc(&v.field));
        quote! { #variant_doc #name(#ty), }
    });
    quote! {
        #enum_doc
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #ident {
            #(#variants)*
        }
    }
}
