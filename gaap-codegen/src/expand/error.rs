//! The per-action error enum: one variant per documented code and per common code, `Unknown`
//! for any other, each holding the code, message and request id.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, doc, doc_text, lit};
use crate::model::Action;

pub fn error_enum(action: &Action, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let ident = &action.error;
    let variants: Vec<_> = action.errors.iter().map(|e| &e.ident).collect();
    let name_lit = lit(&ident.to_string());
    let indices = (0..variants.len()).map(proc_macro2::Literal::usize_unsuffixed);
    let codes: Vec<_> = action.errors.iter().map(|e| lit(&e.code)).collect();
    // The English description where there is one: `description()` returns one text.
    let descriptions: Vec<_> = action
        .errors
        .iter()
        .map(|e| {
            lit(if e.description.en.is_empty() {
                &e.description.zh
            } else {
                &e.description.en
            })
        })
        .collect();
    let variant_defs = action.errors.iter().map(|e| {
        let name = &e.ident;
        let origin = if e.common {
            " (common to every action)"
        } else {
            ""
        };
        let description = doc_text(&e.description);
        let text = if description.is_empty() {
            format!("`{}`{origin}.", e.code)
        } else {
            format!("`{}`{origin}: {description}", e.code)
        };
        let variant_doc = doc(&text);
        quote! { #variant_doc #name(#rt::ErrorMeta), }
    });
    let enum_doc = doc(&format!(
        "An error `{}` returned: one variant per code its documentation lists and per common \
         code of Tencent Cloud API 3.0, and `Unknown` for any other code. Every variant keeps the \
         code, the server's message and the request id.",
        action.wire
    ));
    let unknown_doc = doc(&format!(
        "A code the spec of `{}` does not document; `code()` returns it.",
        action.wire
    ));
    quote! {
        #enum_doc
        #[non_exhaustive]
        pub enum #ident {
            #(#variant_defs)*
            #unknown_doc
            Unknown(#rt::ErrorMeta),
        }

        impl #ident {
            /// Every code with its own variant, in variant order.
            pub const CODES: &'static [&'static str] = &[#(#codes),*];
            /// The documented description of each code of `CODES`.
            const DESCRIPTIONS: &'static [&'static str] = &[#(#descriptions),*];
            /// The variant of an error the server returned.
            pub fn from_meta(meta: #rt::ErrorMeta) -> Self {
                // A table lookup and a match on the index instead of a `match` on strings: a
                // hundred actions with fifty codes each compile noticeably faster this way.
                match #rt::action::find_code(Self::CODES, &meta.code) {
                    #(::core::option::Option::Some(#indices) => Self::#variants(meta),)*
                    _ => Self::Unknown(meta),
                }
            }

            /// The variant of a code, with a message and request id.
            pub fn from_code(
                code: impl ::core::convert::Into<::std::string::String>,
                message: impl ::core::convert::Into<::std::string::String>,
                request_id: impl ::core::convert::Into<::std::string::String>,
            ) -> Self {
                Self::from_meta(#rt::ErrorMeta::new(code, message, request_id))
            }

            /// The code, message and request id.
            pub fn meta(&self) -> &#rt::ErrorMeta {
                match self {
                    #(Self::#variants(__meta))|* | Self::Unknown(__meta) => __meta,
                }
            }

            /// The error code as the server sent it.
            pub fn code(&self) -> &str {
                &self.meta().code
            }

            /// The server's message.
            pub fn message(&self) -> &str {
                &self.meta().message
            }

            /// The request id to quote to Tencent Cloud support.
            pub fn request_id(&self) -> &str {
                &self.meta().request_id
            }

            /// The documented description of the code; `None` for `Unknown`.
            pub fn description(&self) -> ::core::option::Option<&'static str> {
                if let Self::Unknown(_) = self {
                    return ::core::option::Option::None;
                }
                #rt::action::find_code(Self::CODES, self.code())
                    .and_then(|__i| Self::DESCRIPTIONS.get(__i))
                    .copied()
            }
        }

        // Written by hand rather than derived: all variants hold the same `ErrorMeta`, so
        // comparing and printing need no per-variant code, and a hundred actions with fifty
        // codes each compile seconds faster.
        #[automatically_derived]
        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_tuple(#name_lit).field(self.meta()).finish()
            }
        }

        #[automatically_derived]
        impl ::core::cmp::PartialEq for #ident {
            fn eq(&self, other: &Self) -> bool {
                ::core::mem::discriminant(self) == ::core::mem::discriminant(other)
                    && self.meta() == other.meta()
            }
        }

        #[automatically_derived]
        impl ::core::cmp::Eq for #ident {}

        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(self.meta(), f)?;
                match self.description() {
                    ::core::option::Option::Some(__d) if !__d.is_empty() => ::core::write!(f, " [{}]", __d),
                    _ => ::core::result::Result::Ok(()),
                }
            }
        }

        #[automatically_derived]
        impl ::std::error::Error for #ident {}

        #[automatically_derived]
        impl #rt::ApiError for #ident {
            const CODES: &'static [&'static str] = #ident::CODES;
            fn from_meta(meta: #rt::ErrorMeta) -> Self {
                Self::from_meta(meta)
            }
            fn meta(&self) -> &#rt::ErrorMeta {
                self.meta()
            }
            fn description(&self) -> ::core::option::Option<&'static str> {
                self.description()
            }
        }
    }
}
