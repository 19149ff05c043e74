//! Every official example request (each example of every action in
//! `reference/gaap-2018-05-29.examples.json`, the body as written) replayed against the
//! emulator: each is answered with a success or with a code the action documents, never
//! `UnsupportedOperation`; every success reads into the action's typed response and has no
//! member the response (`specs/<Action>.json`) lacks.

mod common;

use std::time::Duration;

use common::Call;
use gaap::wire::response_from_json;
use gaap::{Action, ActionVisitor, ApiError};
use gaap_emulator::{Config, Emulator, Throttling};
use serde_json::Value;

/// Checks one answer of `A`: the problem, if any.
struct CheckAnswer<'a> {
    answer: &'a Value,
    response_members: &'a [String],
}

impl ActionVisitor for CheckAnswer<'_> {
    type Output = Option<String>;

    fn visit<A: Action>(self) -> Option<String> {
        if let Some(code) = self.answer["Error"]["Code"].as_str() {
            if code == "UnsupportedOperation" {
                return Some(format!("not carried out: {}", self.answer["Error"]));
            }
            return (!<A::Error as ApiError>::CODES.contains(&code))
                .then(|| format!("undocumented code {code}: {}", self.answer["Error"]));
        }
        if let Err(err) = response_from_json::<A::Response>(self.answer) {
            return Some(format!("does not read into the typed response: {err}"));
        }
        let extra: Vec<&String> = self
            .answer
            .as_object()
            .into_iter()
            .flat_map(|o| o.keys())
            .filter(|k| !self.response_members.contains(k))
            .collect();
        (!extra.is_empty()).then(|| format!("members the response lacks: {extra:?}"))
    }
}

#[tokio::test]
async fn every_official_example_is_carried_out() {
    let config = Config::builtin()
        .with_throttling(Throttling::Off)
        .with_transition_time(Duration::ZERO);
    let emulator = Emulator::start_with(config).await.unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("reference/gaap-2018-05-29.examples.json")).unwrap(),
    )
    .unwrap();
    let dir = root.join("specs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let (mut sent, mut succeeded, mut actions) = (0, 0, 0);
    let mut problems = Vec::new();
    for path in files {
        let spec: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let action = spec["action"].as_str().unwrap();
        let members: Vec<String> = spec["response"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect();
        actions += 1;
        let examples = reference["actions"][action]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if examples.is_empty() {
            problems.push(format!("{action}: the reference has no example"));
        }
        for (i, example) in examples.iter().enumerate() {
            // `POST / HTTP/1.1`, headers, a blank line, the JSON body.
            let input = example["input"].as_str().unwrap_or_default();
            let Some((_, body)) = input.split_once("\n\n") else {
                problems.push(format!("{action} example {i}: no body"));
                continue;
            };
            let answer = Call::new(action, common::Params::Json(body.to_owned()))
                .send(&emulator)
                .await
                .response();
            sent += 1;
            succeeded += usize::from(answer.get("Error").is_none());
            let check = CheckAnswer {
                answer: &answer,
                response_members: &members,
            };
            match gaap::visit_action(action, check) {
                None => problems.push(format!("{action}: not an action of the SDK")),
                Some(Some(problem)) => problems.push(format!("{action} example {i}: {problem}")),
                Some(None) => {}
            }
        }
    }
    assert_eq!(actions, gaap::ACTIONS.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // What the run shows, for whoever reads the output (`--nocapture`).
    println!(
        "{sent} examples of {actions} actions: {succeeded} succeeded, the rest answered a documented code"
    );
    assert!(sent >= actions);
}
