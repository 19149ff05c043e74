//! Every spec under `specs/` against the reference data it was imported from:
//!
//! - every example request reads into the action's typed request (from the JSON body of a POST
//!   example, or the flattened query of a GET one) and `validate()` reports exactly the
//!   parameter paths the example records as `violations` (an example that breaks a documented
//!   rule says so; the types are not loosened for it);
//! - every example response reads into the typed response;
//! - every action's error enum has a variant for each code the official SDK documents for it;
//! - the crate has all 102 actions of the API.

use std::collections::BTreeMap;
use std::path::Path;

use gaap::wire::{request_from_flat, request_from_json, response_from_json};
use gaap::{Action, ActionVisitor, ApiError};
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Common parameters a GET example may carry besides the action's own.
const COMMON: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Token",
    "Language",
];

fn specs() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(Path::new(ROOT).join("specs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            let spec: Value = serde_json::from_str(&text).unwrap();
            out.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                spec,
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Checks the examples of one spec against the action's types; returns every problem.
struct CheckExamples<'a> {
    file: &'a str,
    examples: &'a [Value],
}

impl ActionVisitor for CheckExamples<'_> {
    type Output = Vec<String>;

    fn visit<A: Action>(self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, example) in self.examples.iter().enumerate() {
            let at = format!("{} example {i} ({})", self.file, example["title"]);
            let request: Result<A, String> = match (&example["body"], &example["query"]) {
                (Value::Null, Value::String(query)) => {
                    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                        .into_owned()
                        .filter(|(k, _)| !COMMON.contains(&k.as_str()))
                        .collect();
                    request_from_flat(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                        .map_err(|e| e.to_string())
                }
                (body, Value::Null) if !body.is_null() => {
                    request_from_json(body).map_err(|e| e.to_string())
                }
                _ => Err("the example has neither a body nor a query, or both".into()),
            };
            match request {
                Err(e) => problems.push(format!("{at}: the request does not read: {e}")),
                Ok(request) => {
                    let mut found: Vec<String> = match request.validate() {
                        Ok(()) => Vec::new(),
                        Err(errors) => errors.violations().iter().map(|v| v.path.clone()).collect(),
                    };
                    let mut recorded: Vec<String> = example["violations"]
                        .as_array()
                        .map(|v| v.iter().map(|p| p.as_str().unwrap().to_owned()).collect())
                        .unwrap_or_default();
                    found.sort();
                    recorded.sort();
                    if found != recorded {
                        let detail = request
                            .validate()
                            .err()
                            .map(|e| e.to_string())
                            .unwrap_or_default();
                        problems.push(format!(
                            "{at}: validate() reports {found:?}, the example records {recorded:?} ({detail})"
                        ));
                    }
                }
            }
            match &example["response"]["Response"] {
                Value::Null => problems.push(format!("{at}: no response")),
                response => {
                    if let Err(e) = response_from_json::<A::Response>(response) {
                        problems.push(format!("{at}: the response does not read: {e}"));
                    }
                }
            }
        }
        problems
    }
}

#[test]
fn every_example_reads_and_validates_as_recorded() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (file, spec) in specs() {
        let action = spec["action"].as_str().unwrap();
        let examples = spec["examples"].as_array().cloned().unwrap_or_default();
        checked += examples.len();
        match gaap::visit_action(
            action,
            CheckExamples {
                file: &file,
                examples: &examples,
            },
        ) {
            Some(found) => problems.extend(found),
            None => problems.push(format!("{file}: the crate has no action {action}")),
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The 104 examples of the reference, the seed's GET example, less the two left out (listed
    // with the reason in specs/constraints-report.md).
    assert_eq!(checked, 104 + 1 - 2, "examples checked");
}

/// Every example of the reference examples file is in a spec, unless the spec says why not.
#[test]
fn every_reference_example_is_imported() {
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("reference/gaap-2018-05-29.examples.json"))
            .unwrap(),
    )
    .unwrap();
    let specs: BTreeMap<String, Value> = specs()
        .into_iter()
        .map(|(_, s)| (s["action"].as_str().unwrap().to_owned(), s))
        .collect();
    let mut missing = Vec::new();
    for (action, examples) in reference["actions"].as_object().unwrap() {
        let bodies: Vec<&Value> = specs[action]["examples"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| &e["body"])
            .collect();
        for example in examples.as_array().unwrap() {
            let input = example["input"].as_str().unwrap();
            let body: Value = serde_json::from_str(input.split_once("\n\n").unwrap().1).unwrap();
            if !bodies.contains(&&body) {
                missing.push(format!("{action}: {}", example["title"]));
            }
        }
    }
    // Dropped examples are listed, with the reason, in specs/constraints-report.md.
    let report =
        std::fs::read_to_string(Path::new(ROOT).join("specs/constraints-report.md")).unwrap();
    missing.retain(|m| !report.contains(&format!("| {} |", m.split(':').next().unwrap())));
    assert!(missing.is_empty(), "not imported: {missing:#?}");
}

struct Codes;

impl ActionVisitor for Codes {
    type Output = &'static [&'static str];

    fn visit<A: Action>(self) -> &'static [&'static str] {
        <A::Error as ApiError>::CODES
    }
}

#[test]
fn every_error_enum_holds_the_documented_codes() {
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(ROOT).join("reference/gaap-2018-05-29.error-codes.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let actions = reference["actions"].as_object().unwrap();
    assert_eq!(actions.len(), 102);
    let mut problems = Vec::new();
    for (action, codes) in actions {
        let Some(ours) = gaap::visit_action(action, Codes) else {
            problems.push(format!("no action {action}"));
            continue;
        };
        for code in codes.as_array().unwrap() {
            let code = code.as_str().unwrap();
            if !ours.contains(&code) {
                problems.push(format!("{action}: no variant for {code}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_crate_has_every_action_of_the_api() {
    assert_eq!(gaap::ACTIONS.len(), 102);
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("reference/gaap-2018-05-29.api.json"))
            .unwrap(),
    )
    .unwrap();
    for action in reference["actions"].as_object().unwrap().keys() {
        assert!(
            gaap::ACTIONS.contains(&action.as_str()),
            "{action} is missing"
        );
    }
}
