//! Enumerations of documented values: the enum, its wire value both ways, and the trait impls
//! that let it sit in any field.
//!
//! An open enum (one that appears in a response) has an `Unknown` variant that keeps a value the
//! spec does not document, so that a newer server does not break an older client. Sent in a
//! request, such a value is a validation error.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, doc, doc_text, int_ty, lit};
use crate::model::{Enum, EnumBase, VariantValue};

pub fn enumeration(e: &Enum, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let ident = &e.ident;
    let values: Vec<_> = e
        .variants
        .iter()
        .map(|v| lit(&v.value.to_string()))
        .collect();
    let listed = e
        .variants
        .iter()
        .map(|v| format!("`{}`", v.value))
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = doc_text(&e.doc);
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("Documented values: {listed}."));
    if e.open {
        text.push_str(" Values the spec does not know are kept in `Unknown`.");
    }
    text.push_str(
        " `#[non_exhaustive]`: a value the API documents later becomes a variant without \
         breaking a `match`.",
    );
    let enum_doc = doc(&text);
    let variant_defs = e.variants.iter().map(|v| {
        let name = &v.ident;
        // One line: the English meaning, the Chinese original in parentheses.
        let meaning = match (v.doc.en.as_str(), v.doc.zh.as_str()) {
            ("", "") => String::new(),
            (en, "") => format!(": {en}"),
            ("", zh) => format!(": {zh}"),
            (en, zh) => format!(": {en} ({zh})"),
        };
        let variant_doc = doc(&format!("`{}`{meaning}", v.value));
        quote! { #variant_doc #name, }
    });
    let names: Vec<_> = e.variants.iter().map(|v| &v.ident).collect();

    let (unknown_ty, base_doc) = match e.base {
        EnumBase::String => (quote!(::std::string::String), "A string"),
        EnumBase::Int(width) => (int_ty(width), "An integer"),
    };
    let unknown_variant = e.open.then(|| {
        let unknown_doc = doc(&format!(
            "{base_doc} value the spec does not document (sent by a newer server)."
        ));
        quote! { #unknown_doc Unknown(#unknown_ty), }
    });
    let derive_copy = (!e.open || matches!(e.base, EnumBase::Int(_))).then(|| quote!(Copy,));

    let (wire_fns, serialize_body, parse_fn, decode_body, flatten_body) = match e.base {
        EnumBase::String => string_base(e, ctx, &names, &values),
        EnumBase::Int(width) => int_base(e, ctx, &names, width),
    };
    let validate_body = if e.open {
        quote! {
            if let Self::Unknown(__value) = self {
                #rt::validate::violation(
                    __at,
                    #rt::Rule::NotDocumented {
                        value: ::std::string::ToString::to_string(__value),
                        allowed: Self::VALUES,
                    },
                    ::core::option::Option::None,
                    __out,
                );
            }
        }
    } else {
        quote! { let _ = (__at, __out); }
    };
    let open_string = e.open && e.base == EnumBase::String;
    // Only a response can leave out an open enum. It reads as `Unknown` of the empty wire value,
    // never as a documented variant: an absent `ListenerStatus` must not read as `Running` (0).
    let absent = e.open.then(|| {
        let empty = match e.base {
            EnumBase::String => quote!(::std::string::String::new()),
            EnumBase::Int(_) => quote!(0),
        };
        super::absent_in_responses(
            quote!(::core::result::Result::Ok(Self::Unknown(#empty))),
            ctx,
        )
    });
    let parse_doc = match (e.open, e.base) {
        (true, EnumBase::String) => {
            "Reads a wire value; a value the spec does not document becomes `Unknown`."
        }
        (true, EnumBase::Int(_)) => {
            "Reads a wire value written as text; an undocumented number becomes `Unknown`, text \
             that is no number gives `None`."
        }
        (false, _) => {
            "Reads a wire value written as text; `None` for a value the spec does not document."
        }
    };
    let parse_ret = if open_string {
        quote!(Self)
    } else {
        quote!(::core::option::Option<Self>)
    };

    let deserialize = super::deserialize_via_json(ident, ctx);
    // Flattening and validation are for what a request holds; an enum only responses carry is
    // never flattened nor validated, and its users do not compile those impls.
    let request_impls = e.in_requests.then(|| {
        quote! {
            #[automatically_derived]
            impl #rt::wire::Flatten for #ident {
                fn flatten_into(&self, __key: &mut ::std::string::String, __out: &mut #rt::wire::FlatParams) {
                    #flatten_body
                }
            }

            #[automatically_derived]
            impl #rt::Validate for #ident {
                fn validate_at(&self, __at: &#rt::Path<'_>, __out: &mut ::std::vec::Vec<#rt::Violation>) {
                    #validate_body
                }
            }
        }
    });
    quote! {
        #enum_doc
        #[derive(Clone, #derive_copy Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #(#variant_defs)*
            #unknown_variant
        }

        impl #ident {
            /// The documented wire values, in documented order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];
            /// The documented variants, in documented order.
            pub const ALL: &'static [Self] = &[#(Self::#names),*];

            #wire_fns

            #[doc = #parse_doc]
            pub fn parse(value: &str) -> #parse_ret {
                #parse_fn
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.wire_value(), f)
            }
        }

        #[automatically_derived]
        impl #rt::__private::serde::Serialize for #ident {
            fn serialize<__S>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: #rt::__private::serde::Serializer,
            {
                #serialize_body
            }
        }

        #deserialize

        #[automatically_derived]
        impl #rt::wire::FromJson for #ident {
            fn from_json(
                __value: &#rt::__private::Value,
                __at: &#rt::Path<'_>,
                __mode: #rt::wire::Mode,
            ) -> ::core::result::Result<Self, #rt::DecodeError> {
                #decode_body
            }
            #absent
        }

        #request_impls
    }
}

type Parts = (
    TokenStream,
    TokenStream,
    TokenStream,
    TokenStream,
    TokenStream,
);

fn string_base(
    e: &Enum,
    ctx: &Ctx,
    names: &[&proc_macro2::Ident],
    values: &[proc_macro2::Literal],
) -> Parts {
    let rt = &ctx.rt;
    let unknown_arm = e.open.then(|| quote!(Self::Unknown(__value) => __value,));
    let wire_fns = quote! {
        /// The value as sent on the wire.
        pub fn as_str(&self) -> &str {
            match self {
                #(Self::#names => #values,)*
                #unknown_arm
            }
        }

        fn wire_value(&self) -> &str {
            self.as_str()
        }
    };
    let parse_fn = if e.open {
        quote! {
            match value {
                #(#values => Self::#names,)*
                __other => Self::Unknown(::std::string::ToString::to_string(__other)),
            }
        }
    } else {
        quote! {
            match value {
                #(#values => ::core::option::Option::Some(Self::#names),)*
                _ => ::core::option::Option::None,
            }
        }
    };
    let serialize_body = quote!(__serializer.serialize_str(self.as_str()));
    let known = if e.open {
        quote! {
            match Self::parse(__text) {
                Self::Unknown(_) if __mode == #rt::wire::Mode::Request => ::core::option::Option::None,
                __parsed => ::core::option::Option::Some(__parsed),
            }
        }
    } else {
        quote!(Self::parse(__text))
    };
    let decode_body = quote! {
        let __text = #rt::wire::string_value(__value, __at)?;
        let __known: ::core::option::Option<Self> = #known;
        __known.ok_or_else(|| #rt::DecodeError::new(
            __at,
            #rt::wire::DecodeErrorKind::NotAllowed {
                value: ::std::string::ToString::to_string(__text),
                allowed: Self::VALUES,
            },
        ))
    };
    let flatten_body = quote!(__out.push(::core::clone::Clone::clone(__key), self.as_str()););
    (
        wire_fns,
        serialize_body,
        parse_fn,
        decode_body,
        flatten_body,
    )
}

fn int_base(
    e: &Enum,
    ctx: &Ctx,
    names: &[&proc_macro2::Ident],
    width: crate::model::IntTy,
) -> Parts {
    let rt = &ctx.rt;
    let ty = int_ty(width);
    let numbers: Vec<_> = e.variants.iter().map(|v| value_literal(&v.value)).collect();
    let unknown_arm = e.open.then(|| quote!(Self::Unknown(__value) => *__value,));
    let wire_fns = quote! {
        /// The value as sent on the wire.
        pub fn value(&self) -> #ty {
            match self {
                #(Self::#names => #numbers,)*
                #unknown_arm
            }
        }

        fn wire_value(&self) -> #ty {
            self.value()
        }

        /// The variant of a wire value.
        pub fn from_value(value: #ty) -> ::core::option::Option<Self> {
            match value {
                #(#numbers => ::core::option::Option::Some(Self::#names),)*
                _ => ::core::option::Option::None,
            }
        }
    };
    let parse_fn = if e.open {
        quote! {
            let __parsed: ::core::option::Option<#ty> = value.parse().ok();
            __parsed.map(|__n| Self::from_value(__n).unwrap_or(Self::Unknown(__n)))
        }
    } else {
        quote! {
            value.parse().ok().and_then(Self::from_value)
        }
    };
    let serialize_body =
        quote!(#rt::__private::serde::Serialize::serialize(&self.value(), __serializer));
    let unknown = if e.open {
        quote! {
            if __mode == #rt::wire::Mode::Response {
                return ::core::result::Result::Ok(Self::Unknown(__number));
            }
        }
    } else {
        quote!(let _ = __mode;)
    };
    let decode_body = quote! {
        let __number: #ty = #rt::wire::FromJson::from_json(__value, __at, __mode)?;
        if let ::core::option::Option::Some(__known) = Self::from_value(__number) {
            return ::core::result::Result::Ok(__known);
        }
        #unknown
        ::core::result::Result::Err(#rt::DecodeError::new(
            __at,
            #rt::wire::DecodeErrorKind::NotAllowed {
                value: ::std::string::ToString::to_string(&__number),
                allowed: Self::VALUES,
            },
        ))
    };
    let flatten_body = quote!(__out.push(::core::clone::Clone::clone(__key), ::std::string::ToString::to_string(&self.value())););
    (
        wire_fns,
        serialize_body,
        parse_fn,
        decode_body,
        flatten_body,
    )
}

/// A wire value as a Rust literal: an integer unsuffixed, so that it takes the enum's base type.
fn value_literal(value: &VariantValue) -> proc_macro2::Literal {
    match value {
        VariantValue::Int(n) => proc_macro2::Literal::i128_unsuffixed(*n),
        VariantValue::Str(s) => lit(s),
    }
}
