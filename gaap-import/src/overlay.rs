//! The overlay: hand-written knowledge merged over what the reference says, so that
//! re-importing never loses it. The format is documented in `specs/README.md`.
//!
//! `<overlay>/<Action>.json` patches one action, `<overlay>/types/<Type>.json` one object type
//! (the same everywhere it is used), `<overlay>/enum-names.json` names enumeration variants. The
//! extracted overlay that the importer writes has the same shape.

use std::collections::BTreeMap;
use std::path::Path;

use gaap_codegen::spec::{Member, RegionSpec, RuleSpec};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::json::Ordered;

/// A member patch: keys of a spec member, merged as a JSON merge patch (RFC 7396: an object
/// merges into an object, `null` removes the key, anything else replaces it). The extra key
/// `note` is not merged: it explains the patch in the report.
pub type Patch = Map<String, Value>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionOverlay {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub region: Option<RegionSpec>,
    #[serde(default)]
    pub rate_limit: Option<u32>,
    /// Replaces the generated `sources`.
    #[serde(default)]
    pub sources: Option<Vec<String>>,
    /// Added to the generated `sources` (evidence for `region`, `rate_limit`).
    #[serde(default)]
    pub extra_sources: Vec<String>,
    #[serde(default)]
    pub request: BTreeMap<String, Patch>,
    #[serde(default)]
    pub response: BTreeMap<String, Patch>,
    /// Cross-field rules of the request.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    #[serde(default)]
    pub examples: ExamplesOverlay,
    /// The spec's `pagination` block, written as is but for its `note` (the evidence, printed in
    /// the report).
    #[serde(default)]
    pub pagination: Option<Patch>,
    /// The spec's `waiters`, by name, each written as is but for its `note`.
    #[serde(default)]
    pub waiters: BTreeMap<String, Patch>,
}

/// A block of the overlay written to the spec whole, less its `note`; the note is returned for
/// the report.
pub fn with_note<T: for<'de> Deserialize<'de>>(
    block: &Patch,
    what: &str,
) -> Result<(T, String), String> {
    let mut block = block.clone();
    let note = match block.remove("note") {
        Some(Value::String(note)) => note,
        Some(_) => return Err(format!("{what}: `note` is text")),
        None => String::new(),
    };
    let value = serde_json::from_value(Value::Object(block)).map_err(|e| format!("{what}: {e}"))?;
    Ok((value, note))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplesOverlay {
    /// Examples that are not in the reference (the seed's GET example), placed first, whole.
    #[serde(default)]
    pub extra: Vec<Value>,
    /// One entry per reference example of the action, by position; `null` leaves it as is.
    #[serde(default)]
    pub imported: Vec<Option<ExamplePatch>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplePatch {
    #[serde(default)]
    pub title: Option<String>,
    /// The parameter paths `validate()` reports: the example breaks a documented rule.
    #[serde(default)]
    pub violations: Option<Vec<String>>,
    #[serde(default)]
    pub note: Option<String>,
    /// Leave the example out, for this reason (it cannot be read into the typed request).
    #[serde(default)]
    pub drop: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeOverlay {
    #[serde(default)]
    pub doc: Option<String>,
    #[serde(default)]
    pub members: BTreeMap<String, Patch>,
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// Names of enumeration variants: integer values are named by their documented meaning
/// (`开启` → `Enabled`), string values by themselves (`rr` → `RoundRobin`) when the
/// UpperCamelCase of the value would not do.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumNames {
    #[serde(default)]
    pub integer: BTreeMap<String, String>,
    #[serde(default)]
    pub string: BTreeMap<String, String>,
}

/// A whole overlay directory.
#[derive(Debug, Default)]
pub struct Overlay {
    /// Each action's overlay, with the file as read (key order kept, for examples).
    pub actions: BTreeMap<String, (ActionOverlay, Ordered)>,
    pub types: BTreeMap<String, TypeOverlay>,
    pub names: EnumNames,
}

pub const NAMES_FILE: &str = "enum-names.json";

fn read_json(path: &Path) -> Result<(Value, Ordered), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let ordered = Ordered::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((value, ordered))
}

fn json_files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>, String> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .ok_or_else(|| format!("{}: not a UTF-8 name", path.display()))?
                .to_owned();
            files.push((stem, path));
        }
    }
    files.sort();
    Ok(files)
}

fn typed<T: for<'de> Deserialize<'de>>(value: Value, path: &Path) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("{}: {e}", path.display()))
}

impl Overlay {
    pub fn read(dir: &Path) -> Result<Overlay, String> {
        let mut overlay = Overlay::default();
        for (stem, path) in json_files(dir)? {
            let (value, ordered) = read_json(&path)?;
            if stem == NAMES_FILE.trim_end_matches(".json") {
                overlay.names = typed(value, &path)?;
            } else {
                overlay
                    .actions
                    .insert(stem, (typed(value, &path)?, ordered));
            }
        }
        for (stem, path) in json_files(&dir.join("types"))? {
            let (value, _) = read_json(&path)?;
            overlay.types.insert(stem, typed(value, &path)?);
        }
        Ok(overlay)
    }
}

/// Merges `patch` into `target` (RFC 7396).
pub fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge(target.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// Applies a member patch (its `note` aside).
pub fn apply(member: &Member, patch: &Patch) -> Result<Member, String> {
    let mut value = serde_json::to_value(member).expect("a member serializes");
    let mut patch = patch.clone();
    patch.remove("note");
    merge(&mut value, &Value::Object(patch));
    serde_json::from_value(value).map_err(|e| format!("member `{}`: {e}", member.name))
}
