//! The proc-macro shim: parses the invocation, resolves spec paths against the invoking crate's
//! manifest directory and hands over to `gaap-codegen`, where everything else happens.
//!
//! Use the macros through `gaap_runtime::gaap_api!` and `gaap_runtime::gaap_types!`: those pass
//! the runtime's own path (`$crate`) in brackets before the user's arguments, so the generated
//! code names the runtime correctly however the user depends on it.

use std::path::PathBuf;

use gaap_codegen::Options;
use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{LitStr, Token, bracketed, parse_macro_input};

/// `[runtime] "specs/X.json" (, types = path)?`
struct ActionInput {
    runtime: TokenStream2,
    spec: LitStr,
    shared_types: Option<syn::Path>,
}

fn runtime_path(input: ParseStream<'_>) -> syn::Result<TokenStream2> {
    let content;
    bracketed!(content in input);
    content.parse()
}

impl Parse for ActionInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let runtime = runtime_path(input)?;
        let spec: LitStr = input.parse()?;
        let mut shared_types = None;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            if key != "types" {
                return Err(syn::Error::new(
                    key.span(),
                    "expected `types = path::to::module` after the spec path",
                ));
            }
            input.parse::<Token![=]>()?;
            shared_types = Some(input.parse()?);
            input.parse::<Option<Token![,]>>()?;
        }
        Ok(ActionInput {
            runtime,
            spec,
            shared_types,
        })
    }
}

/// `[runtime] "specs/A.json", "specs/B.json", ...`
struct TypesInput {
    runtime: TokenStream2,
    specs: Punctuated<LitStr, Token![,]>,
}

impl Parse for TypesInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        Ok(TypesInput {
            runtime: runtime_path(input)?,
            specs: Punctuated::parse_terminated(input)?,
        })
    }
}

/// The directory spec paths are relative to: the invoking crate's manifest directory.
///
/// `GAAP_SPEC_BASE_DIR` overrides it for harnesses that compile test cases in a scratch crate
/// (trybuild), where `CARGO_MANIFEST_DIR` points at the scratch crate.
fn base_dir() -> PathBuf {
    std::env::var_os("GAAP_SPEC_BASE_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .unwrap_or_default()
}

#[doc(hidden)]
#[proc_macro]
pub fn expand_action(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as ActionInput);
    let file = input.spec.value();
    let options = Options {
        runtime: input.runtime,
        shared_types: input.shared_types,
        span: input.spec.span(),
    };
    gaap_codegen::expand_action(&file, &base_dir().join(&file), &options).into()
}

#[doc(hidden)]
#[proc_macro]
pub fn expand_types(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as TypesInput);
    let base = base_dir();
    let files: Vec<(String, PathBuf)> = input
        .specs
        .iter()
        .map(|lit| (lit.value(), base.join(lit.value())))
        .collect();
    let options = Options {
        runtime: input.runtime,
        shared_types: None,
        span: input
            .specs
            .first()
            .map_or_else(proc_macro2::Span::call_site, LitStr::span),
    };
    gaap_codegen::expand_types(&files, &options).into()
}

/// `[runtime]`: the runtime's `CommonError` (expanded once, in the runtime).
#[doc(hidden)]
#[proc_macro]
pub fn expand_common_error(input: TokenStream) -> TokenStream {
    let runtime = parse_macro_input!(input with runtime_path);
    let options = Options {
        runtime,
        ..Options::default()
    };
    gaap_codegen::expand_common_error(&options).into()
}
