//! `COVERAGE.md`: per action, what the model makes it do, the state errors it answers with, and
//! the tests that got each answer, from behaviour: every emulator of the test suite counts its
//! answers per (action, code) and, with `GAAP_EMULATOR_ANSWERS` set, records them with the name
//! of its test. The union of the records is committed (`tests/answered.json`), and COVERAGE.md is
//! made from it and the model.
//!
//! - Always: COVERAGE.md is what the model and `answered.json` make; every state error the model
//!   lists was answered by a test of its own (not only by the official examples' replay); every
//!   action was called by a test of its own.
//! - With `COVERAGE_FROM=<dir of records>` (CI, after the whole suite ran with
//!   `GAAP_EMULATOR_ANSWERS=<dir>`): every state error `answered.json` counts as answered by a
//!   test of its own was answered by one this time too. (Not an exact match: which tests see a
//!   protocol code depends on timing, and new tests add answers; `scripts/coverage.sh` refreshes
//!   the record.)
//!
//! Regenerate both files: `scripts/coverage.sh` (runs the suite recording, then
//! `UPDATE_COVERAGE=1 COVERAGE_FROM=<dir> cargo test -p gaap-emulator --test coverage`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use gaap_emulator::introspection;

/// At most this many tests are named per answer: enough to find one, short enough to read.
const TESTS_PER_ANSWER: usize = 3;

/// The official examples' replay: it calls every action, but proves nothing of its own about
/// behaviour a test chose to cause.
const EXAMPLES: &str = "gaap-emulator::examples::";

/// action → code (`OK` for success) → the first tests (sorted) that got it.
type Answered = BTreeMap<String, BTreeMap<String, Vec<String>>>;

const HEADER: &str = "\
# What the emulator carries out

Generated from the resource model (`model/`) and the answers the test suite got
(`tests/answered.json`, recorded by the emulators of the tests) by `scripts/coverage.sh`; the
`coverage` test fails when this file is stale, when a state error of the model was never
answered by a test, or when an action is called by no test of its own. Do not edit it by hand.

Every action is decoded and validated through the SDK's generated request type first, so each
also answers the protocol's and validation's codes (`AuthFailure.*`, `RequestLimitExceeded`,
`MissingParameter`, `UnknownParameter`, `InvalidParameter`, `InvalidParameterValue`). The state
errors below are those the model adds, each documented for its action; a state error in
*italics* was never answered for that action (each code was, for some action). Every action is
also replayed by `examples::every_official_example_has_its_expected_outcome` (the official example
requests, each with its expected outcome) and checked by `model_check` (the model against the
specs).
";

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The union of the records in `dir`.
fn read_records(dir: &Path) -> Answered {
    let mut all: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("COVERAGE_FROM {}: {err}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let record: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let test = record["test"].as_str().unwrap_or("?").to_owned();
        for a in record["answers"].as_array().into_iter().flatten() {
            let action = a["action"].as_str().unwrap_or("?").to_owned();
            let code = a["code"].as_str().unwrap_or("OK").to_owned();
            all.entry(action)
                .or_default()
                .entry(code)
                .or_default()
                .insert(test.clone());
        }
    }
    all.into_iter()
        .map(|(action, codes)| {
            let codes = codes
                .into_iter()
                .map(|(code, tests)| {
                    // Tests of their own first, then the examples' replay.
                    let (own, examples): (Vec<String>, Vec<String>) =
                        tests.into_iter().partition(|t| !t.starts_with(EXAMPLES));
                    let named = own.into_iter().chain(examples).take(TESTS_PER_ANSWER);
                    (code, named.collect())
                })
                .collect();
            (action, codes)
        })
        .collect()
}

fn answered_path() -> PathBuf {
    crate_dir().join("tests/answered.json")
}

fn committed() -> Answered {
    let text = std::fs::read_to_string(answered_path()).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_default()
}

fn own(tests: &[String]) -> impl Iterator<Item = &String> {
    tests.iter().filter(|t| !t.starts_with(EXAMPLES))
}

/// `gaap::e2e::proxies::x` → `` `e2e::proxies::x` ``.
fn short(test: &str) -> String {
    let name = test
        .strip_prefix("gaap::")
        .map(str::to_owned)
        .or_else(|| {
            test.strip_prefix("gaap-emulator::")
                .map(|t| format!("emulator::{t}"))
        })
        .unwrap_or_else(|| test.to_owned());
    format!("`{name}`")
}

fn table(answered: &Answered) -> String {
    let actions = introspection::actions();
    let mut out = String::from(HEADER);
    out.push_str(
        "\n## Resources\n\nEach kind's account quota is the emulator's own limit (the documentation \
         gives none), answered with the creating action's documented limit code (`LimitExceeded`, \
         `LimitExceeded.Domain`); one request creates at most `MAX_CREATED_PER_REQUEST` (1,000) \
         resources.\n\n| kind | what | account quota |\n| --- | --- | --- |\n",
    );
    for k in introspection::resource_kinds() {
        let quota = match (k.account_quota, k.forget_oldest) {
            (Some(n), false) => n.to_string(),
            (Some(n), true) => format!("the last {n} (older ones are forgotten)"),
            (None, _) => "bounded by its parent's".to_owned(),
        };
        out.push_str(&format!("| `{}` | {} | {quota} |\n", k.kind, k.doc));
    }
    let hand = actions.iter().filter(|c| c.hand_written).count();
    out.push_str(&format!(
        "\n## Actions\n\n{} actions: {} by an operation of the model, {hand} by hand (marked *by hand*).\n\n",
        actions.len(),
        actions.len() - hand
    ));
    out.push_str("| action | what it does | state errors | tests |\n| --- | --- | --- | --- |\n");
    let none = BTreeMap::new();
    for c in &actions {
        let got = answered.get(&c.action).unwrap_or(&none);
        let errors = if c.state_errors.is_empty() {
            "—".to_owned()
        } else {
            c.state_errors
                .iter()
                .map(|e| match got.get(e).map(|t| own(t).count()) {
                    Some(n) if n > 0 => format!("`{e}`"),
                    _ => format!("*`{e}`*"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut tests: Vec<&String> = got.values().flat_map(|t| own(t)).collect();
        tests.sort();
        tests.dedup();
        let tests = if tests.is_empty() {
            "examples only".to_owned()
        } else {
            let shown: Vec<String> = tests
                .iter()
                .take(TESTS_PER_ANSWER)
                .map(|t| short(t))
                .collect();
            shown.join(", ")
        };
        out.push_str(&format!(
            "| `{}` | {} | {errors} | {tests} |\n",
            c.action,
            c.operation.replace('|', "/")
        ));
    }
    out.push_str("\n## State errors and a test that got each\n\n| code | actions | test |\n| --- | --- | --- |\n");
    for (code, (actions, test)) in state_errors(answered) {
        let test = test.map_or_else(|| "**never answered**".to_owned(), |t| short(&t));
        out.push_str(&format!("| `{code}` | {} | {test} |\n", actions.join(", ")));
    }
    out
}

/// Every state error of the model: the actions that list it, and a test of its own that got it.
fn state_errors(answered: &Answered) -> BTreeMap<String, (Vec<String>, Option<String>)> {
    let mut out: BTreeMap<String, (Vec<String>, Option<String>)> = BTreeMap::new();
    for c in introspection::actions() {
        for e in &c.state_errors {
            let entry = out.entry(e.clone()).or_default();
            entry.0.push(c.action.clone());
            let test = answered
                .get(&c.action)
                .and_then(|codes| codes.get(e))
                .and_then(|tests| own(tests).next().cloned());
            if entry.1.is_none() {
                entry.1 = test;
            }
        }
    }
    out
}

#[test]
fn coverage_md_is_made_from_the_model_and_the_answers() {
    let path = crate_dir().join("COVERAGE.md");
    if std::env::var_os("UPDATE_COVERAGE").is_some() {
        let from = std::env::var_os("COVERAGE_FROM").expect(
            "UPDATE_COVERAGE needs COVERAGE_FROM, the records of a whole run: use scripts/coverage.sh",
        );
        let answered = read_records(Path::new(&from));
        let mut json = serde_json::to_string_pretty(&answered).unwrap();
        json.push('\n');
        std::fs::write(answered_path(), json).unwrap();
        std::fs::write(&path, table(&answered)).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == table(&committed()),
        "gaap-emulator/COVERAGE.md is stale: run scripts/coverage.sh"
    );
}

#[test]
fn every_state_error_the_committed_answers_cover_is_answered_this_run() {
    // Only after a whole run recorded (CI): otherwise there is nothing to compare with.
    let Some(from) = std::env::var_os("COVERAGE_FROM") else {
        return;
    };
    if std::env::var_os("UPDATE_COVERAGE").is_some() {
        return;
    }
    // The committed record is no snapshot to match answer for answer: which tests see a
    // protocol code such as `RequestLimitExceeded` depends on timing, and a new test adds
    // answers. What must hold in every run is the claim COVERAGE.md makes: each state error it
    // names as answered by a test of its own was answered by one this time too.
    let fresh = state_errors(&read_records(Path::new(&from)));
    let lost: Vec<String> = state_errors(&committed())
        .into_iter()
        .filter(|(code, (_, test))| {
            test.is_some() && fresh.get(code).is_none_or(|(_, now)| now.is_none())
        })
        .map(|(code, (actions, test))| {
            format!(
                "{code} ({}): committed as answered by {}, answered by no test this run",
                actions.join(", "),
                test.unwrap_or_default()
            )
        })
        .collect();
    assert!(lost.is_empty(), "{}", lost.join("\n"));
}

#[test]
fn every_state_error_of_the_model_was_answered_by_a_test() {
    let never: Vec<String> = state_errors(&committed())
        .into_iter()
        .filter(|(_, (_, test))| test.is_none())
        .map(|(code, (actions, _))| format!("{code} (listed by {})", actions.join(", ")))
        .collect();
    assert!(
        never.is_empty(),
        "state errors no test got (write a test that causes one, then run scripts/coverage.sh):\n{}",
        never.join("\n")
    );
}

#[test]
fn every_action_is_called_by_a_test_of_its_own() {
    let answered = committed();
    let uncovered: Vec<String> = introspection::actions()
        .into_iter()
        .filter(|c| {
            answered
                .get(&c.action)
                .is_none_or(|codes| codes.values().all(|tests| own(tests).next().is_none()))
        })
        .map(|c| c.action)
        .collect();
    assert!(uncovered.is_empty(), "{}", uncovered.join("\n"));
}
