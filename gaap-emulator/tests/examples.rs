//! Every official example request (each example of every action in
//! `reference/gaap-2018-05-29.examples.json`, the body as written) replayed against the built-in
//! emulator, each on the built-in account, and answered exactly as `tests/example-outcomes.json`
//! says: success, or the one code it names (with the reason), which must be one the model lists
//! for the action or a validation code — never `InternalError` or `UnsupportedOperation`. Every
//! success reads into the action's typed response and is exactly its documented response, member
//! by member and nested types included (`common::strict`).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use common::Call;
use gaap::wire::response_from_json;
use gaap::{Action, ActionVisitor};
use gaap_emulator::{Config, Emulator, Throttling};
use serde::Deserialize;
use serde_json::Value;

/// What decoding and validation answer, before the model is reached.
const VALIDATION_CODES: &[&str] = &[
    "MissingParameter",
    "UnknownParameter",
    "InvalidParameter",
    "InvalidParameterValue",
];

/// One example's expected outcome.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// `success`, when no code is expected.
    #[serde(default)]
    outcome: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

/// Whether a success reads into the typed response of `A`.
struct ReadsTyped<'a>(&'a Value);

impl ActionVisitor for ReadsTyped<'_> {
    type Output = Result<(), String>;

    fn visit<A: Action>(self) -> Self::Output {
        response_from_json::<A::Response>(self.0)
            .map(drop)
            .map_err(|err| err.to_string())
    }
}

fn outcomes(root: &Path) -> BTreeMap<String, Vec<Expected>> {
    let text =
        std::fs::read_to_string(root.join("gaap-emulator/tests/example-outcomes.json")).unwrap();
    let mut table: BTreeMap<String, Value> = serde_json::from_str(&text).unwrap();
    table.remove("_doc");
    table
        .into_iter()
        .map(|(action, list)| {
            let list: Vec<Expected> = serde_json::from_value(list)
                .unwrap_or_else(|err| panic!("example-outcomes.json {action}: {err}"));
            (action, list)
        })
        .collect()
}

#[tokio::test]
async fn every_official_example_has_its_expected_outcome() {
    let config = Config::builtin()
        .with_throttling(Throttling::Off)
        .with_transition_time(Duration::ZERO);
    let emulator = Emulator::start_with(config).await.unwrap();
    let initial = emulator.export_state();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let specs = root.join("specs");
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("reference/gaap-2018-05-29.examples.json")).unwrap(),
    )
    .unwrap();
    let mut table = outcomes(&root);
    let state_errors: BTreeMap<String, Vec<String>> = gaap_emulator::introspection::actions()
        .into_iter()
        .map(|a| (a.action, a.state_errors))
        .collect();
    let (mut sent, mut succeeded, mut expected_successes) = (0, 0, 0);
    let mut problems = Vec::new();
    for action in gaap::ACTIONS {
        let examples = reference["actions"][*action]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let expected = table.remove(*action).unwrap_or_default();
        if examples.is_empty() {
            problems.push(format!("{action}: the reference has no example"));
        }
        if expected.len() != examples.len() {
            problems.push(format!(
                "{action}: {} examples, {} expected outcomes",
                examples.len(),
                expected.len()
            ));
            continue;
        }
        for (i, (example, expected)) in examples.iter().zip(&expected).enumerate() {
            let at = format!("{action} example {i}");
            // `POST / HTTP/1.1`, headers, a blank line, the JSON body.
            let input = example["input"].as_str().unwrap_or_default();
            let Some((_, body)) = input.split_once("\n\n") else {
                problems.push(format!("{at}: no body"));
                continue;
            };
            // Each example on the built-in account: its outcome does not depend on the others.
            emulator.load_state(&initial).unwrap();
            let answer = Call::new(action, common::Params::Json(body.to_owned()))
                .send(&emulator)
                .await
                .response();
            sent += 1;
            let got = answer["Error"]["Code"].as_str();
            succeeded += usize::from(got.is_none());
            match (&expected.outcome, &expected.code, got) {
                (Some(outcome), None, None) if outcome == "success" => {
                    expected_successes += 1;
                    if let Some(Err(err)) = gaap::visit_action(action, ReadsTyped(&answer)) {
                        problems.push(format!(
                            "{at}: does not read into the typed response: {err}"
                        ));
                    }
                    for p in common::strict::response_problems(&specs, action, &answer) {
                        problems.push(format!("{at}: {p}"));
                    }
                }
                (None, Some(code), Some(got)) if code == got => {
                    let listed = state_errors.get(*action).is_some_and(|c| c.contains(code));
                    if !listed && !VALIDATION_CODES.contains(&code.as_str()) {
                        problems.push(format!(
                            "{at}: {code} is neither a state error the model lists for {action} nor a validation code"
                        ));
                    }
                    if expected.reason.as_deref().is_none_or(str::is_empty) {
                        problems.push(format!("{at}: {code} is expected without a reason"));
                    }
                }
                (Some(outcome), None, _) if outcome != "success" => {
                    problems.push(format!("{at}: outcome `{outcome}`: `success` or a code"));
                }
                _ => problems.push(format!(
                    "{at}: expected {}, got {}",
                    expected
                        .code
                        .as_deref()
                        .or(expected.outcome.as_deref())
                        .unwrap_or("?"),
                    answer.get("Error").unwrap_or(&Value::from("success"))
                )),
            }
        }
    }
    for action in table.keys() {
        problems.push(format!(
            "example-outcomes.json: {action} is not an action of the SDK"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(succeeded, expected_successes);
    assert!(sent > gaap::ACTIONS.len(), "{sent} examples");
    println!(
        "{sent} examples of {} actions: {succeeded} succeeded, the rest answered their expected code",
        gaap::ACTIONS.len()
    );
}
