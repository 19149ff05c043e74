//! `gaap CreateTCPListeners --help` against its committed snapshot: the help comes from the spec
//! (parameters, types, constraints, documented values, rules, examples, error codes), so a
//! change to the spec or to the help's layout shows here.
//!
//! To accept a change, rewrite the snapshot and review the diff:
//! `GAAP_CLI_UPDATE_SNAPSHOTS=1 cargo test -p gaap-cli --test help_snapshot`.

mod support;

use support::{Home, code, gaap, stdout};

fn check_snapshot(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("GAAP_CLI_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output, first at line {}:\n  expected: {:?}\n  actual:   {:?}\n\
             rewrite it with GAAP_CLI_UPDATE_SNAPSHOTS=1 and review the diff.\n\nactual output:\n{actual}",
            path.display(),
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first),
        );
    }
}

#[test]
fn create_tcp_listeners_help_matches_its_snapshot() {
    let home = Home::new("help");
    let output = gaap(&home, &["CreateTCPListeners", "--help"], &[]);
    assert_eq!(code(&output), 0);
    check_snapshot("CreateTCPListeners.help.txt", &stdout(&output));
    // tccli's spelling gives the same help.
    let tccli_style = gaap(&home, &["CreateTCPListeners", "help"], &[]);
    assert_eq!(stdout(&tccli_style), stdout(&output));
}
