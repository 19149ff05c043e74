//! The committed specs are exactly what the importer makes of the committed reference and
//! overlay: nobody hand-edits an imported spec, and nobody forgets to re-import after changing
//! the overlay, the reference or the importer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file under `dir` (recursively), by path relative to `dir`, with its bytes.
fn tree(dir: &Path, filter: &dyn Fn(&Path) -> bool) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if filter(&path) {
                let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn compare(
    what: &str,
    ours: &BTreeMap<PathBuf, Vec<u8>>,
    committed: &BTreeMap<PathBuf, Vec<u8>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, bytes) in ours {
        match committed.get(path) {
            None => problems.push(format!(
                "{what}/{}: produced by the import, not committed",
                path.display()
            )),
            Some(c) if c != bytes => problems.push(format!(
                "{what}/{}: differs from the import",
                path.display()
            )),
            Some(_) => {}
        }
    }
    for path in committed.keys() {
        if !ours.contains_key(path) {
            problems.push(format!(
                "{what}/{}: committed, not produced by the import",
                path.display()
            ));
        }
    }
    problems
}

#[test]
fn the_committed_specs_are_the_import_of_the_committed_reference_and_overlay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gaap-import-up-to-date");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_gaap-import"))
        .arg("--reference")
        .arg(root.join("reference"))
        .arg("--overlay")
        .arg(root.join("specs/overlay"))
        .arg("--out")
        .arg(tmp.join("specs"))
        .arg("--extracted")
        .arg(tmp.join("extracted"))
        .arg("--report")
        .arg(tmp.join("constraints-report.md"))
        .status()
        .unwrap();
    assert!(status.success(), "the import failed");

    let top_level_json = |p: &Path| p.extension().is_some_and(|e| e == "json");
    let specs_only = |p: &Path| top_level_json(p) && p.parent() == Some(&root.join("specs"));
    let mut problems = compare(
        "specs",
        &tree(&tmp.join("specs"), &|p| {
            top_level_json(p) && p.parent() == Some(&tmp.join("specs"))
        }),
        &tree(&root.join("specs"), &specs_only),
    );
    problems.extend(compare(
        "specs/overlay/extracted",
        &tree(&tmp.join("extracted"), &top_level_json),
        &tree(&root.join("specs/overlay/extracted"), &top_level_json),
    ));
    let report = std::fs::read(tmp.join("constraints-report.md")).unwrap();
    if std::fs::read(root.join("specs/constraints-report.md")).ok() != Some(report) {
        problems.push("specs/constraints-report.md differs from the import".into());
    }
    assert!(
        problems.is_empty(),
        "re-run `cargo run -p gaap-import` and commit the result:\n{}",
        problems.join("\n")
    );
}
