//! Expands every spec under `specs/`: adding a spec file adds its action, without editing Rust.
//!
//! Writes `$OUT_DIR/actions.rs`: one `gaap_types!` over all specs (so an object type used by
//! several actions is one Rust type), one `gaap_api!` per spec, and `visit_action`, which maps
//! an action name to its request type at run time.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=specs");
    let mut specs: Vec<String> = std::fs::read_dir("specs")
        .expect("specs/ is part of the package")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.ends_with(".json").then(|| format!("specs/{name}"))
        })
        .collect();
    specs.sort();

    let mut out = String::new();
    let list: Vec<String> = specs.iter().map(|s| format!("{s:?}")).collect();
    writeln!(
        out,
        "/// Object types and enumerations shared by the actions.\npub mod types {{\n    ::gaap_runtime::gaap_types!({});\n}}",
        list.join(", ")
    )
    .unwrap();
    let mut arms = String::new();
    let mut names = Vec::new();
    for spec in &specs {
        writeln!(
            out,
            "::gaap_runtime::gaap_api!({spec:?}, types = crate::types);"
        )
        .unwrap();
        // A spec whose action cannot be read is reported by the macro, with the JSON path;
        // here it is only left out of the registry.
        let Some(action) = action_name(Path::new(spec)) else {
            continue;
        };
        let Some((module, request)) = gaap_codegen::action_rust_names(&action) else {
            continue;
        };
        writeln!(
            arms,
            "        {action:?} => ::core::option::Option::Some(visitor.visit::<crate::{module}::{request}>()),"
        )
        .unwrap();
        names.push(format!("{action:?}"));
    }
    write!(
        out,
        r#"
/// The names of every action this crate has, sorted by spec file.
pub const ACTIONS: &[&str] = &[{names}];

/// Calls `visitor` with the request type of the action named `action` (`"CreateTCPListeners"`);
/// `None` for an action this crate does not have.
pub fn visit_action<V: ::gaap_runtime::ActionVisitor>(action: &str, visitor: V) -> ::core::option::Option<V::Output> {{
    match action {{
{arms}        _ => ::core::option::Option::None,
    }}
}}
"#,
        names = names.join(", ")
    )
    .unwrap();
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("actions.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn action_name(path: &Path) -> Option<String> {
    gaap_codegen::spec::action_name(&std::fs::read_to_string(path).ok()?)
}
