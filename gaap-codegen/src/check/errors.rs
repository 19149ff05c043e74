//! Error codes: the action's own (each a variant of the action's error enum), and the common
//! codes every action may return (the runtime's one shared `CommonError`, which every action's
//! enum reaches through its `Common` variant).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diag::Diagnostics;
use crate::model::{Doc, ErrorCode};
use crate::names;
use crate::spec::ErrorSpec;

/// The common error codes of Tencent Cloud API 3.0, copied from the public documentation (see
/// `data/common-error-codes.json`, identical to the project's reference copy).
const COMMON_ERROR_CODES: &str = include_str!("../../data/common-error-codes.json");

#[derive(Deserialize)]
struct CommonCodes {
    codes: BTreeMap<String, String>,
}

/// The common codes and their descriptions, sorted by code.
pub fn common_codes() -> Vec<(String, String)> {
    // The file is part of this crate and covered by a unit test; an unreadable copy yields no
    // common codes rather than a panic in a user's build.
    serde_json::from_str::<CommonCodes>(COMMON_ERROR_CODES)
        .map(|c| c.codes.into_iter().collect())
        .unwrap_or_default()
}

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.split('.').all(|segment| {
            segment
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// The action's own codes in spec order. A listed code that is also a common one keeps its
/// variant (marked `common`, with the common English description when the spec has none); the
/// common codes it does not list are reached through `CommonError`.
pub fn check_errors(errors: &[ErrorSpec], diags: &mut Diagnostics) -> Vec<ErrorCode> {
    let mut out: Vec<ErrorCode> = Vec::new();
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_ident: BTreeMap<String, String> = BTreeMap::new();
    for (i, error) in errors.iter().enumerate() {
        let at = format!("$.errors[{i}].code");
        if !valid_code(&error.code) {
            diags.error(
                at,
                format!(
                    "`{}` is no error code: codes are dot-separated words of letters and digits \
                     (`InvalidParameterValue.DuplicatedListenerPort`)",
                    error.code
                ),
            );
            continue;
        }
        if by_code.contains_key(&error.code) {
            diags.error(at, format!("error code `{}` is listed twice", error.code));
            continue;
        }
        let ident = match names::error_variant_ident(&error.code) {
            Ok(ident) => ident,
            Err(reason) => {
                diags.error(at, reason);
                continue;
            }
        };
        if ident == "Unknown" {
            diags.error(at, "`Unknown` is the variant for undocumented codes");
            continue;
        }
        if let Some(other) = by_ident.insert(ident.to_string(), error.code.clone()) {
            diags.error(
                at,
                format!("`{}` and `{other}` are both `{ident}` in Rust", error.code),
            );
            continue;
        }
        by_code.insert(error.code.clone(), out.len());
        out.push(ErrorCode {
            ident,
            code: error.code.clone(),
            description: Doc::new(&error.description, &error.description_zh),
            common: false,
        });
    }
    for (code, description) in common_codes() {
        if let Some(&i) = by_code.get(&code) {
            out[i].common = true;
            if out[i].description.en.is_empty() {
                out[i].description.en = description;
            }
        }
    }
    out
}

/// The variants of the runtime's `CommonError`: every common code, sorted by code.
pub fn common_error_codes() -> Vec<ErrorCode> {
    common_codes()
        .into_iter()
        // Every common code makes a valid identifier (unit test below); a copy of the file that
        // did not would lose that code rather than break every user's build.
        .filter_map(|(code, description)| {
            let ident = names::error_variant_ident(&code).ok()?;
            Some(ErrorCode {
                ident,
                code,
                description: Doc::new(&description, ""),
                common: true,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_codes_are_readable() {
        let codes = common_codes();
        assert_eq!(codes.len(), 38);
        assert!(codes.iter().any(|(c, _)| c == "RequestLimitExceeded"));
    }

    #[test]
    fn every_common_code_is_a_variant_of_common_error() {
        let variants = common_error_codes();
        assert_eq!(variants.len(), common_codes().len());
        assert!(
            variants
                .iter()
                .any(|v| v.code == "AuthFailure.SignatureFailure"
                    && v.ident == "AuthFailureSignatureFailure"
                    && !v.description.en.is_empty())
        );
    }

    #[test]
    fn an_action_has_its_own_codes_and_keeps_listed_common_ones() {
        let mut diags = Diagnostics::new("x.json");
        let errors = vec![
            ErrorSpec {
                code: "InvalidParameterValue.DuplicatedListenerPort".into(),
                description: String::new(),
                description_zh: "监听器端口已存在。".into(),
            },
            ErrorSpec {
                code: "InternalError".into(),
                description: String::new(),
                description_zh: "内部错误。".into(),
            },
        ];
        let codes = check_errors(&errors, &mut diags);
        assert!(diags.is_empty());
        assert_eq!(
            codes[0].code,
            "InvalidParameterValue.DuplicatedListenerPort"
        );
        assert!(!codes[0].common);
        assert!(codes[1].common, "InternalError is also a common code");
        assert_eq!(codes[1].description.zh, "内部错误。");
        assert_eq!(
            codes[1].description.en, "Internal error.",
            "a listed common code keeps its own description and gains the common English one"
        );
        assert_eq!(codes.len(), 2, "the other common codes are CommonError's");
    }

    #[test]
    fn malformed_and_duplicate_codes_are_reported() {
        let mut diags = Diagnostics::new("x.json");
        let spec = |code: &str| ErrorSpec {
            code: code.into(),
            description: String::new(),
            description_zh: String::new(),
        };
        check_errors(&[spec("A..B"), spec("Foo"), spec("Foo")], &mut diags);
        let paths: Vec<_> = diags.items().iter().map(|d| d.json_path.as_str()).collect();
        assert_eq!(paths, ["$.errors[0].code", "$.errors[2].code"]);
    }
}
