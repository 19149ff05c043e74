//! Rust names for wire names: case conversion (heck), keyword escaping, and the check that the
//! result is an identifier at all.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Keywords that can be used as raw identifiers (`r#type`).
const RAW_ABLE_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be identifiers even as raw identifiers.
const FORBIDDEN: &[&str] = &["crate", "self", "Self", "super", "_"];

fn ident(candidate: &str, wire: &str, case: &str) -> Result<Ident, String> {
    let valid_shape = candidate
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_shape || FORBIDDEN.contains(&candidate) {
        return Err(format!(
            "`{wire}` is `{candidate}` in {case}, which is not a valid Rust identifier; \
             give the member a name made of ASCII letters and digits that starts with a letter"
        ));
    }
    if RAW_ABLE_KEYWORDS.contains(&candidate) {
        Ok(Ident::new_raw(candidate, Span::call_site()))
    } else {
        Ok(Ident::new(candidate, Span::call_site()))
    }
}

/// The Rust name of a type or variant (`TCPListener` → `TcpListener`, `rr` → `Rr`).
pub fn type_ident(wire: &str) -> Result<Ident, String> {
    ident(&wire.to_upper_camel_case(), wire, "UpperCamelCase")
}

/// The Rust name of a field, module or method (`ClientIPMethod` → `client_ip_method`).
pub fn snake_ident(wire: &str) -> Result<Ident, String> {
    ident(&wire.to_snake_case(), wire, "snake_case")
}

/// The Rust name of an error code's variant: its dotted segments joined in UpperCamelCase
/// (`InvalidParameterValue.DuplicatedListenerPort` →
/// `InvalidParameterValueDuplicatedListenerPort`).
pub fn error_variant_ident(code: &str) -> Result<Ident, String> {
    let joined: String = code.split('.').map(|s| s.to_upper_camel_case()).collect();
    ident(&joined, code, "UpperCamelCase")
}

/// An identifier as written, without raw prefix, for messages and string names.
pub fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_acronyms_as_words() {
        assert_eq!(snake_ident("ClientIPMethod").unwrap(), "client_ip_method");
        assert_eq!(
            snake_ident("CreateTCPListeners").unwrap(),
            "create_tcp_listeners"
        );
        assert_eq!(type_ident("TCPListener").unwrap(), "TcpListener");
        assert_eq!(type_ident("rr").unwrap(), "Rr");
        assert_eq!(
            error_variant_ident("InvalidParameterValue.DuplicatedListenerPort").unwrap(),
            "InvalidParameterValueDuplicatedListenerPort"
        );
    }

    #[test]
    fn escapes_keywords() {
        assert_eq!(snake_ident("Type").unwrap().to_string(), "r#type");
        assert_eq!(unraw(&snake_ident("Type").unwrap()), "type");
    }

    #[test]
    fn rejects_what_is_no_identifier() {
        assert!(snake_ident("9Lives").is_err());
        assert!(snake_ident("").is_err());
        assert!(snake_ident("Self").is_err());
        assert!(type_ident("监听器").is_err());
        assert!(type_ident("-").is_err());
    }
}
