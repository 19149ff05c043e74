//! The error enums: each action's, with one variant per code its spec documents, `Common` for
//! the common codes of Tencent Cloud API 3.0 and `Unknown` for any other; and the runtime's one
//! `CommonError`, with one variant per common code. Every variant holds the code, message and
//! request id.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Ctx, doc, doc_text, lit};
use crate::model::{Action, ErrorCode};

/// The variants, `CODES`, `DESCRIPTIONS` and the per-variant pieces both kinds of enum share.
struct Codes<'a> {
    variants: Vec<&'a Ident>,
    indices: Vec<proc_macro2::Literal>,
    codes: Vec<proc_macro2::Literal>,
    descriptions: Vec<proc_macro2::Literal>,
    variant_defs: Vec<TokenStream>,
}

fn codes<'a>(errors: &'a [ErrorCode], rt: &TokenStream, mark_common: bool) -> Codes<'a> {
    Codes {
        variants: errors.iter().map(|e| &e.ident).collect(),
        indices: (0..errors.len())
            .map(proc_macro2::Literal::usize_unsuffixed)
            .collect(),
        codes: errors.iter().map(|e| lit(&e.code)).collect(),
        // The English description where there is one: `description()` returns one text.
        descriptions: errors
            .iter()
            .map(|e| {
                lit(if e.description.en.is_empty() {
                    &e.description.zh
                } else {
                    &e.description.en
                })
            })
            .collect(),
        variant_defs: errors
            .iter()
            .map(|e| {
                let name = &e.ident;
                let origin = if mark_common && e.common {
                    " (also a common code)"
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
            })
            .collect(),
    }
}

/// `Debug`, `PartialEq`, `Eq`, `Display` and `Error` from `meta()` and `description()`.
///
/// Written by hand rather than derived: all variants hold the same `ErrorMeta`, so comparing and
/// printing need no per-variant code, and a hundred actions compile seconds faster.
fn common_impls(ident: &Ident) -> TokenStream {
    let name_lit = lit(&ident.to_string());
    quote! {
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
    }
}

/// `code()`, `message()` and `request_id()`, through `meta()`.
fn accessors() -> TokenStream {
    quote! {
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
    }
}

pub fn error_enum(action: &Action, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let ident = &action.error;
    let Codes {
        variants,
        indices,
        codes,
        descriptions,
        variant_defs,
    } = codes(&action.errors, rt, true);
    let accessors = accessors();
    let impls = common_impls(ident);
    let enum_doc = doc(&format!(
        "An error `{}` returned: one variant per code its documentation lists, `Common` for the \
         common codes of Tencent Cloud API 3.0 it does not list, and `Unknown` for any other \
         code. Every variant keeps the code, the server's message and the request id.",
        action.wire
    ));
    let unknown_doc = doc(&format!(
        "A code the spec of `{}` does not document and that is not a common code; `code()` \
         returns it.",
        action.wire
    ));
    quote! {
        #enum_doc
        #[non_exhaustive]
        pub enum #ident {
            #(#variant_defs)*
            /// A common code of Tencent Cloud API 3.0 (signature, throttling, parameters…),
            /// shared by every action.
            Common(#rt::CommonError),
            #unknown_doc
            Unknown(#rt::ErrorMeta),
        }

        impl #ident {
            /// The codes with a variant of their own (those the action documents), in variant
            /// order; the common ones are `CommonError::CODES` of the runtime.
            pub const CODES: &'static [&'static str] = &[#(#codes),*];
            /// The documented description of each code of `CODES`.
            const DESCRIPTIONS: &'static [&'static str] = &[#(#descriptions),*];
            /// The variant of an error the server returned.
            pub fn from_meta(meta: #rt::ErrorMeta) -> Self {
                // A table lookup and a match on the index instead of a `match` on strings: a
                // hundred actions with fifty codes each compile noticeably faster this way.
                match #rt::action::find_code(Self::CODES, &meta.code) {
                    #(::core::option::Option::Some(#indices) => Self::#variants(meta),)*
                    _ => match #rt::CommonError::from_meta(meta) {
                        ::core::result::Result::Ok(__common) => Self::Common(__common),
                        ::core::result::Result::Err(__meta) => Self::Unknown(__meta),
                    },
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
                    Self::Common(__common) => __common.meta(),
                }
            }

            #accessors

            /// The documented description of the code; `None` for `Unknown`.
            pub fn description(&self) -> ::core::option::Option<&'static str> {
                match self {
                    Self::Unknown(_) => ::core::option::Option::None,
                    Self::Common(__common) => __common.description(),
                    _ => #rt::action::find_code(Self::CODES, self.code())
                        .and_then(|__i| Self::DESCRIPTIONS.get(__i))
                        .copied(),
                }
            }
        }

        #impls

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

/// The runtime's `CommonError`: one variant per common code, without `Unknown` (a code that is
/// not common is the action's business).
pub fn common_error_enum(errors: &[ErrorCode], rt: &TokenStream) -> TokenStream {
    let ident = quote::format_ident!("CommonError");
    let Codes {
        variants,
        indices,
        codes,
        descriptions,
        variant_defs,
    } = codes(errors, rt, false);
    let accessors = accessors();
    let impls = common_impls(&ident);
    quote! {
        /// A common error code of Tencent Cloud API 3.0: one that every action may return
        /// (signature, credentials, throttling, parameters, availability), reached through the
        /// `Common` variant of each action's error enum. Every variant keeps the code, the
        /// server's message and the request id.
        #[non_exhaustive]
        pub enum #ident {
            #(#variant_defs)*
        }

        impl #ident {
            /// Every common code, in variant order.
            pub const CODES: &'static [&'static str] = &[#(#codes),*];
            /// The documented description of each code of `CODES`.
            const DESCRIPTIONS: &'static [&'static str] = &[#(#descriptions),*];

            /// The variant of a common code; `Err` gives back an error whose code is not common.
            pub fn from_meta(meta: #rt::ErrorMeta) -> ::core::result::Result<Self, #rt::ErrorMeta> {
                match #rt::action::find_code(Self::CODES, &meta.code) {
                    #(::core::option::Option::Some(#indices) => ::core::result::Result::Ok(Self::#variants(meta)),)*
                    _ => ::core::result::Result::Err(meta),
                }
            }

            /// The code, message and request id.
            pub fn meta(&self) -> &#rt::ErrorMeta {
                match self {
                    #(Self::#variants(__meta))|* => __meta,
                }
            }

            #accessors

            /// The documented description of the code.
            pub fn description(&self) -> ::core::option::Option<&'static str> {
                #rt::action::find_code(Self::CODES, self.code())
                    .and_then(|__i| Self::DESCRIPTIONS.get(__i))
                    .copied()
            }
        }

        #impls
    }
}
