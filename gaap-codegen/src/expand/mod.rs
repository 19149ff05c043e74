//! The third stage: Rust code from the checked model, one module per artefact. Each generator
//! is a function from the model to a `TokenStream`; none can fail.
//!
//! Generated code names everything by absolute or `self::` paths (`::std::string::String`,
//! `self::Scheduler`), so it neither depends on the invoking module's imports nor is confused by
//! builder type parameters that share a name with a type.

mod action;
mod builder;
mod enums;
mod error;

pub use error::common_error_enum;
mod flatten;
mod json;
mod structs;
mod validate;
mod waiters;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Action, Bound, Doc, Field, IntTy, Presence, Scalar, Ty, TypeHome, TypeSet};

/// Paths the generated code needs.
#[derive(Clone)]
pub struct Ctx {
    /// The runtime crate (`$crate` when expanded through `gaap_runtime::gaap_api!`).
    pub rt: TokenStream,
    /// Where `TypeHome::TypesModule` types live, as seen from the action module: `self::types`,
    /// or the shared module given with `types = path`.
    pub types: TokenStream,
}

impl Ctx {
    /// The Rust type of a member type.
    pub fn ty(&self, ty: &Ty) -> TokenStream {
        match ty {
            Ty::Scalar(scalar) => scalar_ty(*scalar),
            Ty::Array(inner) => {
                let inner = self.ty(inner);
                quote!(::std::vec::Vec<#inner>)
            }
            Ty::Object(r) | Ty::Enum(r) => {
                let ident = &r.ident;
                match r.home {
                    TypeHome::Local => quote!(self::#ident),
                    TypeHome::TypesModule => {
                        let types = &self.types;
                        quote!(#types::#ident)
                    }
                }
            }
        }
    }

    /// The type of a field as held in its struct.
    pub fn field_ty(&self, field: &Field) -> TokenStream {
        let ty = self.ty(&field.ty);
        match field.presence {
            Presence::Required | Presence::OptionalArray => ty,
            Presence::Optional => quote!(::core::option::Option<#ty>),
        }
    }
}

/// The Rust type of a scalar, from the model's table.
pub fn scalar_ty(scalar: Scalar) -> TokenStream {
    let segments = scalar.rust_path().iter().map(|s| format_ident!("{}", s));
    if scalar.rust_path().len() == 1 {
        quote!(#(#segments)*)
    } else {
        quote!(#(::#segments)*)
    }
}

pub fn int_ty(width: IntTy) -> TokenStream {
    scalar_ty(Scalar::Int(width))
}

/// The text of a documentation: the English text first, then the Chinese original.
pub fn doc_text(doc: &Doc) -> String {
    [doc.en.as_str(), doc.zh.as_str()]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `#[doc = "..."]` lines for a text; nothing for an empty text.
pub fn doc(text: &str) -> TokenStream {
    let text = text.trim();
    if text.is_empty() {
        return TokenStream::new();
    }
    text.lines()
        .map(|line| {
            let line = format!(" {}", line.trim_end());
            quote!(#[doc = #line])
        })
        .collect()
}

/// A string literal.
pub fn lit(s: &str) -> Literal {
    Literal::string(s)
}

/// The documentation of a field: its own text, then its wire name and constraints.
pub fn field_doc(field: &Field) -> String {
    let mut out = doc_text(&field.doc);
    out_facts(&mut out, &field_facts(field));
    out
}

fn out_facts(out: &mut String, facts: &str) {
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(facts);
}

/// What the documentation of a field says beyond its own text, on one line: wire name and
/// constraints.
pub fn field_facts(field: &Field) -> String {
    let mut facts = vec![format!("Wire name: `{}`.", field.wire)];
    let c = &field.constraints;
    let element = if field.ty.is_array() {
        "each element "
    } else {
        ""
    };
    let bound = |b: &Option<Bound>| match b {
        Some(Bound::Int(n)) => n.to_string(),
        Some(Bound::Float(x)) => x.to_string(),
        None => String::new(),
    };
    if c.min.is_some() || c.max.is_some() {
        facts.push(format!(
            "Range of {element}value: [{}, {}].",
            or_inf(bound(&c.min), "-∞"),
            or_inf(bound(&c.max), "∞")
        ));
    }
    if c.min_length.is_some() || c.max_length.is_some() {
        facts.push(format!(
            "Length of {element}value in characters: [{}, {}].",
            c.min_length.map_or("0".into(), |n| n.to_string()),
            c.max_length.map_or("∞".into(), |n| n.to_string())
        ));
    }
    if c.min_items.is_some() || c.max_items.is_some() {
        facts.push(format!(
            "Number of elements: [{}, {}].",
            c.min_items.map_or("0".into(), |n| n.to_string()),
            c.max_items.map_or("∞".into(), |n| n.to_string())
        ));
    }
    if c.unique {
        facts.push("Elements must be unique.".into());
    }
    if field.presence == Presence::OptionalArray {
        facts.push("Optional: an empty list is not sent.".into());
    }
    if field.sensitive {
        facts.push("Sensitive: redacted from `Debug` output.".into());
    }
    facts.join(" ")
}

fn or_inf(s: String, inf: &str) -> String {
    if s.is_empty() { inf.to_owned() } else { s }
}

/// The code for one action: its module, plus `pub use` of its main types.
pub fn action(
    action: &Action,
    ctx: &Ctx,
    shared_types: bool,
    include_path: Option<&str>,
) -> TokenStream {
    let module = &action.module;
    let request = &action.request.ident;
    let response = &action.response.ident;
    let error_ident = &action.error;
    let title = doc_text(&action.title);
    let module_doc = doc(&format!(
        "`{}`{}\n\nGenerated from the spec of `{}` (API version {}).",
        action.wire,
        if title.is_empty() {
            String::new()
        } else {
            format!(": {title}")
        },
        action.wire,
        action.version
    ));
    let rebuild = include_path.map(|path| {
        let path = lit(path);
        quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    });
    let has_types = !(action.types.objects.is_empty() && action.types.enums.is_empty());
    let types_module = (!shared_types && has_types).then(|| {
        let local = Ctx {
            rt: ctx.rt.clone(),
            types: quote!(self),
        };
        let body = types(&action.types, &local);
        quote! {
            /// Object types and enumerations of this action's parameters and response.
            pub mod types {
                #body
            }
        }
    });
    let body = action_items(action, ctx);
    let reexports = (!action.reexports.is_empty()).then(|| {
        let types = &ctx.types;
        let names = &action.reexports;
        quote!(pub use #types::{#(#names),*};)
    });
    quote! {
        #module_doc
        pub mod #module {
            #rebuild
            #reexports
            #body
            #types_module
        }
        pub use self::#module::{#request, #response, #error_ident};
    }
}

fn action_items(action: &Action, ctx: &Ctx) -> TokenStream {
    let mut out = TokenStream::new();
    out.extend(structs::definition(&action.request, ctx));
    out.extend(json::serialize(&action.request, ctx));
    out.extend(json::from_json(&action.request, ctx));
    out.extend(flatten::flatten(&action.request, ctx));
    out.extend(validate::validate(&action.request, ctx));
    out.extend(builder::marker_modules([&action.request]));
    out.extend(builder::builder(&action.request, ctx));
    out.extend(structs::definition(&action.response, ctx));
    out.extend(server_only(json::serialize(&action.response, ctx), ctx));
    out.extend(json::from_json(&action.response, ctx));
    for e in &action.enums {
        out.extend(enums::enumeration(e, ctx));
    }
    out.extend(error::error_enum(action, ctx));
    out.extend(action::impls(action, ctx));
    out.extend(waiters::paginated(action, ctx));
    out.extend(waiters::waiters(action, ctx));
    out
}

/// Object types and enums, for a types module.
pub fn types(set: &TypeSet, ctx: &Ctx) -> TokenStream {
    let mut out = TokenStream::new();
    for object in &set.objects {
        out.extend(structs::definition(object, ctx));
        let serialize = json::serialize(object, ctx);
        out.extend(if object.in_requests {
            serialize
        } else {
            server_only(serialize, ctx)
        });
        out.extend(json::from_json(object, ctx));
        if object.in_requests {
            out.extend(flatten::flatten(object, ctx));
            out.extend(validate::validate(object, ctx));
        }
        out.extend(builder::builder(object, ctx));
    }
    for e in &set.enums {
        out.extend(enums::enumeration(e, ctx));
    }
    out.extend(builder::marker_modules(&set.objects));
    out
}

/// `items`, compiled only with the runtime's `server` feature: what only a server or a tool that
/// prints responses uses (a response's `Serialize`, a request's `from_flat`).
pub fn server_only(items: TokenStream, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    quote!(#rt::__private::server_only! { #items })
}

/// `serde::Deserialize` through the runtime's `FromJson` (read leniently, as a response), shared
/// by every generated struct and enum.
pub fn deserialize_via_json(ident: &Ident, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    quote! {
        #[automatically_derived]
        impl<'de> #rt::__private::serde::Deserialize<'de> for #ident {
            fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
            where
                __D: #rt::__private::serde::Deserializer<'de>,
            {
                #rt::wire::deserialize_via_json(__deserializer)
            }
        }
    }
}

/// `FromJson::absent` of a generated type: in a response, a documented field the server leaves
/// out reads as `value` (an expression of type `Result<Self, DecodeError>` that may use `__at`
/// and `__mode`); a request must send it.
pub fn absent_in_responses(value: TokenStream, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    quote! {
        fn absent(
            __at: &#rt::Path<'_>,
            __mode: #rt::wire::Mode,
        ) -> ::core::result::Result<Self, #rt::DecodeError> {
            if __mode == #rt::wire::Mode::Response {
                #value
            } else {
                ::core::result::Result::Err(#rt::DecodeError::new(
                    __at,
                    #rt::wire::DecodeErrorKind::Missing,
                ))
            }
        }
    }
}

/// `__`-prefixed identifiers for generated locals, so that they never shadow anything a user
/// could name.
pub fn local(name: &str) -> Ident {
    format_ident!("__{}", name)
}
