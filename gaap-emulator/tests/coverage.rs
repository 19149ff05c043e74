//! `COVERAGE.md`: per action, what the model makes it do, the state errors it answers with, and
//! the tests that call it, found in the test sources (the SDK's end-to-end tests and workflow,
//! and this crate's tests). The file is generated; this test fails when it is stale.
//!
//! Regenerate: `UPDATE_COVERAGE=1 cargo test -p gaap-emulator --test coverage`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const HEADER: &str = "\
# What the emulator carries out

Generated from the resource model (`model/`) and the tests by
`UPDATE_COVERAGE=1 cargo test -p gaap-emulator --test coverage`; the test fails when this file
is stale. Do not edit it by hand.

Every action is decoded and validated through the SDK's generated request type first, so each
also answers the protocol's and validation's codes (`AuthFailure.*`, `RequestLimitExceeded`,
`MissingParameter`, `UnknownParameter`, `InvalidParameter`, `InvalidParameterValue`). The state
errors below are those the model adds, each documented for its action. Every action is also
covered by `examples::every_official_example_is_carried_out` (the official example requests,
replayed) and `model_check` (the model against the specs).
";

/// The test functions of a source file and the actions each names (as `CreateProxyRequest`,
/// `create_proxy::` or `\"CreateProxy\"`); names outside a test function count for the file.
fn tests_naming(
    path: &Path,
    label: &str,
    actions: &[String],
    out: &mut BTreeMap<String, Vec<String>>,
) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let lowered: Vec<(String, String)> = actions
        .iter()
        .map(|a| (a.clone(), a.to_lowercase()))
        .collect();
    let mut current: Option<String> = None;
    let mut attribute_seen = false;
    let mut in_use = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if in_use || trimmed.starts_with("use ") {
            in_use = !trimmed.trim_end().ends_with(';');
            continue;
        }
        if trimmed.starts_with("#[tokio::test") || trimmed.starts_with("#[test") {
            attribute_seen = true;
            continue;
        }
        if let Some(rest) = trimmed
            .strip_prefix("async fn ")
            .or_else(|| trimmed.strip_prefix("fn "))
            .or_else(|| trimmed.strip_prefix("pub async fn "))
            .or_else(|| trimmed.strip_prefix("pub fn "))
        {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            current = attribute_seen.then_some(name);
            attribute_seen = false;
        }
        let words: Vec<String> = trimmed
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        for (action, lower) in &lowered {
            let named = words.iter().any(|w| {
                *w == format!("{lower}request")
                    || w.replace('_', "") == *lower && trimmed.contains("::")
                    || (*w == *lower && trimmed.contains(&format!("\"{action}\"")))
            });
            if named {
                let who = match &current {
                    Some(test) => format!("`{label}::{test}`"),
                    None => format!("`{label}`"),
                };
                let list = out.entry(action.clone()).or_default();
                if !list.contains(&who) {
                    list.push(who);
                }
            }
        }
    }
}

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn table() -> String {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = crate_dir.join("..");
    let coverage = gaap_emulator::coverage();
    let actions: Vec<String> = coverage.iter().map(|c| c.action.clone()).collect();
    let mut tests = BTreeMap::new();
    for path in sources(&root.join("tests/e2e")) {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if stem == "support" || stem == "main" {
            continue;
        }
        tests_naming(&path, &format!("e2e::{stem}"), &actions, &mut tests);
    }
    tests_naming(
        &root.join("tests/workflow.rs"),
        "workflow",
        &actions,
        &mut tests,
    );
    for path in sources(&crate_dir.join("tests")) {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if matches!(stem.as_str(), "coverage" | "examples") {
            continue;
        }
        tests_naming(&path, &format!("emulator::{stem}"), &actions, &mut tests);
    }

    let mut out = String::from(HEADER);
    out.push_str("\n## Resources\n\n| kind | what |\n| --- | --- |\n");
    for (kind, doc) in gaap_emulator::resource_kinds() {
        out.push_str(&format!("| `{kind}` | {doc} |\n"));
    }
    let hand = coverage.iter().filter(|c| c.hand_written).count();
    out.push_str(&format!(
        "\n## Actions\n\n{} actions: {} by an operation of the model, {hand} by hand (marked *by hand*).\n\n",
        coverage.len(),
        coverage.len() - hand
    ));
    out.push_str("| action | what it does | state errors | tests |\n| --- | --- | --- | --- |\n");
    for c in &coverage {
        let errors = if c.state_errors.is_empty() {
            "—".to_owned()
        } else {
            c.state_errors
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let named = tests.get(&c.action).cloned().unwrap_or_default();
        let tests = if named.is_empty() {
            "examples only".to_owned()
        } else {
            named.join(", ")
        };
        out.push_str(&format!(
            "| `{}` | {} | {errors} | {tests} |\n",
            c.action,
            c.operation.replace('|', "/")
        ));
    }
    out
}

#[test]
fn coverage_md_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("COVERAGE.md");
    let fresh = table();
    if std::env::var_os("UPDATE_COVERAGE").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "gaap-emulator/COVERAGE.md is stale: run `UPDATE_COVERAGE=1 cargo test -p gaap-emulator --test coverage`"
    );
}

#[test]
fn every_action_is_called_by_a_test_of_its_own() {
    let fresh = table();
    let uncovered: Vec<&str> = fresh
        .lines()
        .filter(|l| l.ends_with("| examples only |"))
        .collect();
    assert!(uncovered.is_empty(), "{}", uncovered.join("\n"));
}
