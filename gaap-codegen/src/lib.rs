//! The GAAP spec format and the generator behind `gaap_api!`, as an ordinary library.
//!
//! A spec goes through three stages, each in its own module:
//!
//! 1. [`spec`] (the `gaap-spec` crate): serde types that mirror the JSON file; parse errors
//!    carry the JSON path, line and column.
//! 2. [`check`](check_action): names, types, constraints and rules resolved into the
//!    [`model`]; every problem is collected into one [`diag::Diagnostics`].
//! 3. `expand`: one generator per artefact (struct, builder, validation, flattening, JSON,
//!    enums, errors, the action impl), each a function from the model to a `TokenStream`.
//!
//! The proc-macro crate only resolves paths and calls [`expand_action`] or [`expand_types`];
//! everything here runs, and is tested, without a compiler in the loop.

pub mod diag;
pub mod model;

mod check;
mod expand;
mod names;

/// The spec format, from its own crate (`gaap-spec`), under the path tools have always used.
pub use gaap_spec as spec;

use std::path::Path;

use proc_macro2::{Span, TokenStream};
use quote::quote;

pub use check::{check_action, check_shared_types, common_codes, common_error_codes};
use diag::Diagnostics;
use spec::Spec;

/// How to expand.
#[derive(Clone)]
pub struct Options {
    /// The path of the runtime crate in the expansion (`$crate` from `gaap_runtime::gaap_api!`,
    /// `::gaap_runtime` otherwise).
    pub runtime: TokenStream,
    /// The module holding the object types, when they are shared between actions
    /// (`types = path`); `None` generates them inside the action's module.
    pub shared_types: Option<syn::Path>,
    /// Where compile errors point.
    pub span: Span,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime: quote!(::gaap_runtime),
            shared_types: None,
            span: Span::call_site(),
        }
    }
}

/// The Rust names `gaap_api!` gives an action: its module and its request type
/// (`CreateTCPListeners` → `create_tcp_listeners`, `CreateTcpListenersRequest`). For tools that
/// refer to generated code, such as build scripts that list every action.
pub fn action_rust_names(action: &str) -> Option<(String, String)> {
    let module = names::snake_ident(action).ok()?;
    let request = names::type_ident(&format!("{action}Request")).ok()?;
    Some((module.to_string(), request.to_string()))
}

/// Parses spec text ([`gaap_spec::parse`]); problems go to `diags`.
pub fn parse_spec(text: &str, diags: &mut Diagnostics) -> Option<Spec> {
    gaap_spec::parse(text)
        .map_err(|err| diags.error_at(err.position, err.json_path, err.message))
        .ok()
}

/// Reads and parses a spec file; `diags` knows the path as the author wrote it, for messages.
pub fn read_spec(path: &Path, diags: &mut Diagnostics) -> Option<Spec> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_spec(&text, diags),
        Err(err) => {
            diags.error(
                "",
                format!(
                    "cannot read the spec file ({err}); the path is relative to the invoking \
                     crate's CARGO_MANIFEST_DIR, resolved as {}",
                    path.display()
                ),
            );
            None
        }
    }
}

/// The code for one action from spec text, or every problem found.
pub fn expand_action_str(
    file: &str,
    text: &str,
    options: &Options,
) -> Result<TokenStream, Diagnostics> {
    let mut diags = Diagnostics::new(file);
    let action = parse_spec(text, &mut diags).and_then(|spec| check_action(&spec, &mut diags));
    match action {
        Some(action) if diags.is_empty() => Ok(expand_checked(&action, options, None)),
        _ => Err(diags),
    }
}

/// The code for one action from a spec file: the generated module, or one `compile_error!`
/// per problem. Includes the file's bytes so that editing it recompiles the invoking crate.
pub fn expand_action(file: &str, path: &Path, options: &Options) -> TokenStream {
    let mut diags = Diagnostics::new(file);
    let action = read_spec(path, &mut diags).and_then(|spec| check_action(&spec, &mut diags));
    match action {
        Some(action) if diags.is_empty() => {
            expand_checked(&action, options, Some(&path.to_string_lossy()))
        }
        _ => diags.to_compile_errors(options.span),
    }
}

fn expand_checked(action: &model::Action, options: &Options, include: Option<&str>) -> TokenStream {
    let types = match &options.shared_types {
        Some(path) => {
            let path = shared_types_from_action_module(path);
            quote!(#path)
        }
        None => quote!(self::types),
    };
    let ctx = expand::Ctx {
        rt: options.runtime.clone(),
        types,
    };
    expand::action(action, &ctx, options.shared_types.is_some(), include)
}

/// The action's code lives one module below the invocation, so a relative `types = path` gets
/// one more `super`.
fn shared_types_from_action_module(path: &syn::Path) -> TokenStream {
    let first = path.segments.first().map(|s| s.ident.to_string());
    match first.as_deref() {
        _ if path.leading_colon.is_some() => quote!(#path),
        Some("crate") | Some("$crate") => quote!(#path),
        Some("self") => {
            let rest = path.segments.iter().skip(1);
            quote!(super #(:: #rest)*)
        }
        _ => quote!(super::#path),
    }
}

/// The runtime's `CommonError`: one variant per common error code of Tencent Cloud API 3.0,
/// which every action's error enum reaches through its `Common` variant. Expanded once, inside
/// the runtime, so that a hundred actions do not each carry the 38 common codes.
pub fn expand_common_error(options: &Options) -> TokenStream {
    expand::common_error_enum(&common_error_codes(), &options.runtime)
}

/// The object types and enums of several specs, generated once so that actions can share them.
/// A type defined by several specs must be defined identically; differences are reported with
/// both files. Enums reachable from any spec's response are open.
pub fn expand_types(files: &[(String, std::path::PathBuf)], options: &Options) -> TokenStream {
    let mut all = Diagnostics::new(files.first().map_or("", |(f, _)| f.as_str()));
    let mut specs = Vec::new();
    let mut includes = TokenStream::new();
    for (file, path) in files {
        let mut diags = Diagnostics::new(file.clone());
        if let Some(spec) = read_spec(path, &mut diags) {
            specs.push((file.clone(), spec));
        }
        all.extend(diags);
        let path = path.to_string_lossy();
        includes.extend(quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        ));
    }
    let merged = check::check_shared_types(&specs, &mut all);
    match merged {
        Some(set) if all.is_empty() => {
            let ctx = expand::Ctx {
                rt: options.runtime.clone(),
                types: quote!(self),
            };
            let body = expand::types(&set, &ctx);
            quote! {
                #includes
                #body
            }
        }
        _ => all.to_compile_errors(options.span),
    }
}
