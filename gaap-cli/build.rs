//! Embeds every spec of `../specs` in the binary and writes the registry that maps an action name
//! to its generated request type: adding a spec adds a subcommand, without editing Rust.
//!
//! Writes `$OUT_DIR/registry.rs`: `SPECS`, each action's name with its spec text (sorted by
//! name, for binary search; the text is parsed only for the action a command names), and
//! `visit`, which calls a [`CliVisitor`] with the action's request type. The root crate's
//! `gaap::visit_action` does the same, but its visitor only knows `A: Action`, whose response
//! type is not known to serialize; naming the concrete types here lets the command print the
//! typed response as JSON.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let specs_dir = manifest.join("..").join("specs");
    println!("cargo:rerun-if-changed={}", specs_dir.display());
    let mut actions: Vec<(String, PathBuf)> = std::fs::read_dir(&specs_dir)
        .expect("the specs are in ../specs")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            if path.extension()? != "json" {
                return None;
            }
            Some((action_name(&path)?, path))
        })
        .collect();
    actions.sort();

    let mut specs = String::new();
    let mut arms = String::new();
    for (action, path) in &actions {
        // A spec whose action has no Rust names is refused by the root crate's macro, with the
        // JSON path; here it is only left out.
        let Some((module, request)) = gaap_codegen::action_rust_names(action) else {
            continue;
        };
        let path = path.canonicalize().expect("listed above");
        writeln!(
            specs,
            "    ({action:?}, include_str!({:?})),",
            path.display()
        )
        .unwrap();
        writeln!(
            arms,
            "        {action:?} => ::core::option::Option::Some(visitor.visit::<::gaap::{module}::{request}>()),"
        )
        .unwrap();
    }
    let out = format!(
        r#"/// Every action with the text of its spec, sorted by action name.
pub static SPECS: &[(&str, &str)] = &[
{specs}];

/// Calls `visitor` with the request type of `action`; `None` for an unknown action.
pub fn visit<V: CliVisitor>(action: &str, visitor: V) -> ::core::option::Option<V::Output> {{
    match action {{
{arms}        _ => ::core::option::Option::None,
    }}
}}
"#
    );
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("registry.rs"), out).expect("OUT_DIR is writable");
}

fn action_name(path: &Path) -> Option<String> {
    gaap_codegen::spec::action_name(&std::fs::read_to_string(path).ok()?)
}
