//! The runtime's `Action` and `ActionResponse` impls, which let one generic client send the
//! action, and the request's inherent conveniences (`validate`, `flatten`, `from_flat`).

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, lit};
use crate::model::{Action, Idempotency, Region};

pub fn impls(action: &Action, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let request = &action.request.ident;
    let response = &action.response.ident;
    let error = &action.error;
    let name = lit(&action.wire);
    let version = lit(&action.version);
    let service = lit(&action.service);
    let host = lit(&action.host);
    let region = match action.region {
        Region::None => quote!(#rt::RegionRule::None),
        Region::Required => quote!(#rt::RegionRule::Required),
        Region::Optional => quote!(#rt::RegionRule::Optional),
    };
    let rate_limit = match action.rate_limit {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let idempotency = match &action.idempotency {
        Idempotency::ReadOnly => quote!(#rt::Idempotency::ReadOnly),
        Idempotency::ClientToken(_) => quote!(#rt::Idempotency::ClientToken),
        Idempotency::None => quote!(#rt::Idempotency::None),
    };
    let client_token = match &action.idempotency {
        Idempotency::ClientToken(member) => Some(quote! {
            fn client_token_mut(&mut self) -> ::core::option::Option<&mut ::core::option::Option<::std::string::String>> {
                ::core::option::Option::Some(&mut self.#member)
            }
        }),
        Idempotency::ReadOnly | Idempotency::None => None,
    };
    let request_id = {
        let member = &action.request_id.ident;
        if action.request_id.optional {
            quote!(self.#member.as_deref().unwrap_or_default())
        } else {
            quote!(&self.#member)
        }
    };

    let operations = super::waiters::action_items(action, ctx);

    let server_decoding = super::server_only(
        quote! {
            /// Reads a request back from flattened parameters, as a server would: unknown or
            /// malformed keys, missing required parameters and undocumented enum values are
            /// errors.
            pub fn from_flat<'a, I>(pairs: I) -> ::core::result::Result<Self, #rt::DecodeError>
            where
                I: ::core::iter::IntoIterator<Item = (&'a str, &'a str)>,
            {
                #rt::wire::request_from_flat(pairs)
            }

            /// Reads a request from its JSON body, as a server would.
            pub fn from_json_value(value: &#rt::__private::Value) -> ::core::result::Result<Self, #rt::DecodeError> {
                #rt::wire::request_from_json(value)
            }
        },
        ctx,
    );

    let sensitive_params = sensitive_const(quote!(SENSITIVE_PARAMS), &action.sensitive_params);
    let sensitive_fields = sensitive_const(quote!(SENSITIVE_FIELDS), &action.sensitive_fields);

    quote! {
        #[automatically_derived]
        impl #rt::Action for #request {
            type Response = #response;
            type Error = #error;
            const ACTION: &'static str = #name;
            const VERSION: &'static str = #version;
            const SERVICE: &'static str = #service;
            const HOST: &'static str = #host;
            const REGION: #rt::RegionRule = #region;
            const RATE_LIMIT_PER_SECOND: ::core::option::Option<u32> = #rate_limit;
            const IDEMPOTENCY: #rt::Idempotency = #idempotency;
            #sensitive_params
            #client_token
            #operations
        }

        #[automatically_derived]
        impl #rt::ActionResponse for #response {
            #sensitive_fields
            fn request_id(&self) -> &str {
                #request_id
            }
        }

        impl #request {
            /// Checks every documented constraint the types do not already enforce (ranges,
            /// lengths, array sizes, uniqueness, cross-field rules) and returns all violations.
            pub fn validate(&self) -> ::core::result::Result<(), #rt::ValidationErrors> {
                #rt::Validate::validate(self)
            }

            /// The request as `.N`-flattened parameters (`Ports.0=90`), in documented order.
            pub fn flatten(&self) -> #rt::FlatParams {
                #rt::Flatten::flatten(self)
            }

            #server_decoding
        }
    }
}

/// `const NAME: &[&str] = &[paths];`, or nothing (the trait's empty default) without paths.
fn sensitive_const(name: TokenStream, paths: &[String]) -> TokenStream {
    if paths.is_empty() {
        return TokenStream::new();
    }
    quote!(const #name: &'static [&'static str] = &[#(#paths),*];)
}
