//! From the reference and the overlay to spec files, the extracted overlay and the records the
//! report is made of.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use gaap_codegen::diag::Diagnostics;
use gaap_codegen::spec::{
    EnumValue, ErrorSpec, Example, FORMAT_VERSION, Member, RegionSpec, RuleSpec, Spec, TypeDef,
};
use heck::ToUpperCamelCase;
use serde::Serialize;
use serde_json::Value;

use crate::extract::{self, Extraction, Kind, LeftOut, Scalar, Subject};
use crate::json::Ordered;
use crate::overlay::{self, EnumNames, Overlay, Patch};
use crate::reference::{ApiMember, Reference};

/// Everything one run produces.
pub struct Import {
    /// `(action, spec text)`, sorted by action.
    pub specs: Vec<(String, String)>,
    /// The extracted overlay: `(path relative to its directory, text)`.
    pub extracted: Vec<(PathBuf, String)>,
    pub records: Records,
}

/// What the report is made of.
#[derive(Default)]
pub struct Records {
    pub subjects: Vec<SubjectRecord>,
    pub rules: Vec<(String, RuleSpec)>,
    pub examples: Vec<ExampleRecord>,
    pub both_sides: Vec<String>,
    pub actions: usize,
    pub types: usize,
}

/// One request parameter or member of a request-side object type, and what was made of its doc.
pub struct SubjectRecord {
    /// The action, or `type X`.
    pub owner: String,
    pub member: String,
    pub doc: String,
    pub findings: Vec<(extract::Finding, Value)>,
    pub left_out: Vec<LeftOut>,
    pub looks_constrained: bool,
    /// The hand-written patch, if any (with its `note`).
    pub hand: Option<Patch>,
}

pub struct ExampleRecord {
    pub action: String,
    pub title: String,
    pub violations: Vec<String>,
    pub note: String,
    pub dropped: Option<String>,
    pub extra: bool,
}

const SOURCE_API: &str = "tccli services/gaap/v20180529/api.json (reference/gaap-2018-05-29.api.json): parameters, types, required flags, documentation";
const SOURCE_EXAMPLES: &str = "tccli services/gaap/v20180529/examples.json (reference/gaap-2018-05-29.examples.json): examples";
const SOURCE_ERRORS: &str = "tencentcloud-sdk-go v1.3.166 gaap/v20180529 (reference/gaap-2018-05-29.error-codes.json): error codes and their descriptions";
const SOURCE_EXTRACTED: &str = "ranges and enumerations extracted from the parameter documentation, checked by hand: specs/constraints-report.md";
const DATETIME_NOTE: &str =
    "Format: `YYYY-MM-DD hh:mm:ss` (a `datetime` in the reference description).";

/// The members of an extracted patch, in spec order.
#[derive(Default, Serialize)]
struct ExtractedPatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<gaap_codegen::spec::Bounds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    length: Option<gaap_codegen::spec::LengthBounds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<gaap_codegen::spec::Items>,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    enum_values: Option<Vec<EnumValue>>,
}

impl ExtractedPatch {
    fn is_empty(&self) -> bool {
        self.range.is_none()
            && self.length.is_none()
            && self.items.is_none()
            && self.enum_values.is_none()
    }
}

/// An example's body and response in documented key order.
type OrderedParts = (Option<Ordered>, Option<Ordered>);

/// A serializable value as an [`Ordered`] tree, in serialization order.
fn ordered<T: Serialize>(value: &T) -> Ordered {
    Ordered::parse(&serde_json::to_string(value).expect("serializes")).expect("reparses")
}

struct Ctx<'a> {
    reference: &'a Reference,
    overlay: &'a Overlay,
    errors: Vec<String>,
    missing_names: BTreeSet<String>,
    records: Records,
}

pub fn run(reference: &Reference, overlay: &Overlay) -> Result<Import, Vec<String>> {
    let mut ctx = Ctx {
        reference,
        overlay,
        errors: Vec::new(),
        missing_names: BTreeSet::new(),
        records: Records::default(),
    };
    let api = &reference.api;

    // Which object types each side of the API uses.
    let mut request_types = BTreeSet::new();
    let mut response_types = BTreeSet::new();
    for action in api.actions.values() {
        reachable(reference, &action.input, &mut request_types);
        reachable(reference, &action.output, &mut response_types);
    }
    for name in overlay.actions.keys() {
        if !api.actions.contains_key(name) {
            ctx.errors.push(format!(
                "overlay: `{name}.json` names no action of the reference"
            ));
        }
    }
    for name in overlay.types.keys() {
        if !request_types.contains(name) && !response_types.contains(name) {
            ctx.errors.push(format!(
                "overlay: `types/{name}.json` names no object type in use"
            ));
        }
    }

    // Object types: built once, so that every spec embeds the same definition.
    let mut types: BTreeMap<String, TypeDef> = BTreeMap::new();
    let mut extracted_files: Vec<(PathBuf, String)> = Vec::new();
    for name in request_types.union(&response_types) {
        let object = &api.objects[name];
        let in_request = request_types.contains(name);
        let in_response = response_types.contains(name);
        if in_request && in_response {
            ctx.records.both_sides.push(name.clone());
        }
        let hand = overlay.types.get(name);
        let siblings: Vec<String> = object.members.iter().map(|m| m.name.clone()).collect();
        let mut members = Vec::new();
        let mut extracted = Vec::new();
        for m in &object.members {
            let required = type_member_required(m, in_request, in_response);
            let base = ctx.member(m, required);
            let owner = format!("type {name}");
            let member = ctx.finish_member(
                base,
                m,
                &owner,
                &siblings,
                in_request,
                hand.and_then(|h| h.members.get(&m.name)),
                &mut extracted,
            );
            members.push(member);
        }
        if let Some(hand) = hand {
            for key in hand.members.keys() {
                if !siblings.contains(key) {
                    ctx.errors
                        .push(format!("overlay types/{name}.json: no member `{key}`"));
                }
            }
        }
        if !extracted.is_empty() {
            let file = Ordered::Object(vec![("members".into(), Ordered::Object(extracted))]);
            extracted_files.push((
                PathBuf::from("types").join(format!("{name}.json")),
                file.pretty() + "\n",
            ));
        }
        types.insert(
            name.clone(),
            TypeDef {
                doc: hand
                    .and_then(|h| h.doc.clone())
                    .unwrap_or_else(|| extract::plain(&object.document)),
                members: Some(members),
                rules: hand.map(|h| h.rules.clone()).unwrap_or_default(),
                ty: None,
                enum_values: None,
            },
        );
    }

    let mut specs = Vec::new();
    for (action_name, action) in &api.actions {
        let (hand, hand_file) = match overlay.actions.get(action_name) {
            Some((hand, file)) => (Some(hand), Some(file)),
            None => (None, None),
        };
        let input = &api.objects[&action.input];
        let output = &api.objects[&action.output];
        let siblings: Vec<String> = input.members.iter().map(|m| m.name.clone()).collect();

        let mut request = Vec::new();
        let mut extracted = Vec::new();
        for m in &input.members {
            let base = ctx.member(m, m.required.unwrap_or(false));
            request.push(ctx.finish_member(
                base,
                m,
                action_name,
                &siblings,
                true,
                hand.and_then(|h| h.request.get(&m.name)),
                &mut extracted,
            ));
        }
        let mut response = Vec::new();
        for m in &output.members {
            let required = m.name == "RequestId" || response_required(m);
            let mut member = ctx.member(m, required);
            if let Some(patch) = hand.and_then(|h| h.response.get(&m.name)) {
                member = ctx.patched(member, patch, action_name);
            }
            response.push(member);
        }
        if let Some(hand) = hand {
            for key in hand.request.keys() {
                if !siblings.contains(key) {
                    ctx.errors.push(format!(
                        "overlay {action_name}.json: no request member `{key}`"
                    ));
                }
            }
            for key in hand.response.keys() {
                if !output.members.iter().any(|m| &m.name == key) {
                    ctx.errors.push(format!(
                        "overlay {action_name}.json: no response member `{key}`"
                    ));
                }
            }
        }
        if !extracted.is_empty() {
            let file = Ordered::Object(vec![("request".into(), Ordered::Object(extracted))]);
            extracted_files.push((
                PathBuf::from(format!("{action_name}.json")),
                file.pretty() + "\n",
            ));
        }

        // Every type the action uses, transitively.
        let mut used = BTreeSet::new();
        reachable(reference, &action.input, &mut used);
        reachable(reference, &action.output, &mut used);
        let action_types: BTreeMap<String, TypeDef> = used
            .iter()
            .map(|name| (name.clone(), types[name].clone()))
            .collect();

        let errors = ctx.errors_of(action_name);
        let (examples, ordered_examples) = ctx.examples(action_name, hand, hand_file);
        let rules = hand.map(|h| h.rules.clone()).unwrap_or_default();
        for rule in &rules {
            ctx.records.rules.push((action_name.clone(), rule.clone()));
        }
        let extracted_any = ctx
            .records
            .subjects
            .iter()
            .any(|s| s.owner == *action_name && !s.findings.is_empty())
            || used.iter().any(|t| {
                let owner = format!("type {t}");
                ctx.records
                    .subjects
                    .iter()
                    .any(|s| s.owner == owner && !s.findings.is_empty())
            });
        let mut sources = vec![SOURCE_API.to_owned()];
        if !examples.is_empty() {
            sources.push(SOURCE_EXAMPLES.to_owned());
        }
        sources.push(SOURCE_ERRORS.to_owned());
        if extracted_any {
            sources.push(SOURCE_EXTRACTED.to_owned());
        }
        if let Some(hand) = hand {
            sources.push(format!(
                "hand-written overlay: specs/overlay/{action_name}.json"
            ));
            sources.extend(hand.extra_sources.iter().cloned());
        }

        let spec = Spec {
            format: FORMAT_VERSION,
            service: reference.api.metadata.service_short_name.clone(),
            version: reference.api.metadata.api_version.clone(),
            action: action_name.clone(),
            title: hand
                .and_then(|h| h.title.clone())
                .unwrap_or_else(|| action.name.clone()),
            description: hand
                .and_then(|h| h.description.clone())
                .unwrap_or_else(|| extract::plain(&action.document)),
            host: format!(
                "{}.tencentcloudapi.com",
                reference.api.metadata.service_short_name
            ),
            region: hand.and_then(|h| h.region).unwrap_or(RegionSpec::None),
            rate_limit: hand.and_then(|h| h.rate_limit),
            sources: hand.and_then(|h| h.sources.clone()).unwrap_or(sources),
            request,
            rules,
            response,
            types: action_types,
            errors,
            examples,
        };
        match write_spec(&spec, &ordered_examples) {
            Ok(text) => specs.push((action_name.clone(), text)),
            Err(problems) => ctx.errors.extend(problems),
        }
    }
    ctx.records.actions = specs.len();
    ctx.records.types = types.len();

    for missing in &ctx.missing_names {
        ctx.errors.push(format!(
            "overlay {}: no variant name for {missing}",
            overlay::NAMES_FILE
        ));
    }
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    extracted_files.sort();
    Ok(Import {
        specs,
        extracted: extracted_files,
        records: ctx.records,
    })
}

/// The object types `object` refers to, transitively.
fn reachable(reference: &Reference, object: &str, out: &mut BTreeSet<String>) {
    for m in &reference.api.objects[object].members {
        if reference.api.objects.contains_key(&m.member) && out.insert(m.member.clone()) {
            reachable(reference, &m.member, out);
        }
    }
}

/// Response side: always present (`output_required`, or in some members of the reference
/// `required`) and never null.
fn response_required(m: &ApiMember) -> bool {
    m.output_required.or(m.required).unwrap_or(false) && !m.value_allowed_null.unwrap_or(false)
}

/// Request side: the `required` flag. Response side: [`response_required`]. A type used on both
/// sides is required only where both sides say so (TagPair's members carry one `required` flag
/// and no `output_required`: the one flag speaks for both sides).
fn type_member_required(m: &ApiMember, in_request: bool, in_response: bool) -> bool {
    let mut sides = Vec::new();
    if in_request {
        sides.push(m.required.unwrap_or(false));
    }
    if in_response {
        sides.push(response_required(m));
    }
    !sides.is_empty() && sides.iter().all(|s| *s)
}

fn scalar_of(reference: &Reference, member: &str) -> Result<(String, Scalar), String> {
    Ok(match member {
        "string" | "datetime" => ("string".into(), Scalar::String),
        "int64" | "uint64" => (member.into(), Scalar::Int),
        "float" => ("float".into(), Scalar::Float),
        "bool" => ("bool".into(), Scalar::Other),
        object if reference.api.objects.contains_key(object) => (object.into(), Scalar::Other),
        other => return Err(format!("unknown reference type `{other}`")),
    })
}

impl Ctx<'_> {
    /// A member as the reference describes it.
    fn member(&mut self, m: &ApiMember, required: bool) -> Member {
        if m.disabled {
            self.errors.push(format!(
                "{}: marked `disabled` in the reference; decide in the importer what that means",
                m.name
            ));
        }
        let (scalar, _) = scalar_of(self.reference, &m.member).unwrap_or_else(|e| {
            self.errors.push(format!("{}: {e}", m.name));
            ("string".into(), Scalar::String)
        });
        let ty = match m.ty.as_str() {
            "list" => format!("{scalar}[]"),
            _ => scalar,
        };
        let mut doc = extract::plain(&m.document);
        if m.member == "datetime" {
            doc = if doc.is_empty() {
                DATETIME_NOTE.to_owned()
            } else {
                format!("{doc}\n\n{DATETIME_NOTE}")
            };
        }
        Member {
            name: m.name.clone(),
            ty,
            required,
            doc,
            sensitive: false,
            range: None,
            length: None,
            items: None,
            enum_values: None,
            enum_name: None,
            example: None,
        }
    }

    fn patched(&mut self, member: Member, patch: &Patch, owner: &str) -> Member {
        match overlay::apply(&member, patch) {
            Ok(member) => member,
            Err(e) => {
                self.errors.push(format!("overlay of {owner}: {e}"));
                member
            }
        }
    }

    /// Extraction (request side only), then the extracted patch, then the hand-written one.
    #[allow(clippy::too_many_arguments)]
    fn finish_member(
        &mut self,
        base: Member,
        m: &ApiMember,
        owner: &str,
        siblings: &[String],
        request_side: bool,
        hand: Option<&Patch>,
        extracted_out: &mut Vec<(String, Ordered)>,
    ) -> Member {
        let mut member = base;
        if request_side {
            let scalar = scalar_of(self.reference, &m.member)
                .map(|(_, s)| s)
                .unwrap_or(Scalar::Other);
            let extraction: Extraction = extract::extract(&Subject {
                name: &m.name,
                scalar,
                is_array: m.ty == "list",
                doc: &m.document,
                siblings,
            });
            let mut patch = ExtractedPatch::default();
            let mut findings = Vec::new();
            for finding in extraction.findings {
                let shown = match &finding.kind {
                    Kind::Range(b) => {
                        patch.range = Some(b.clone());
                        serde_json::to_value(b).expect("serializes")
                    }
                    Kind::Length(b) => {
                        patch.length = Some(b.clone());
                        serde_json::to_value(b).expect("serializes")
                    }
                    Kind::Items(b) => {
                        patch.items = Some(b.clone());
                        serde_json::to_value(b).expect("serializes")
                    }
                    Kind::Enum(values) => {
                        let named = self.name_variants(values, &format!("{owner}.{}", m.name));
                        patch.enum_values = Some(named.clone());
                        serde_json::to_value(named).expect("serializes")
                    }
                };
                findings.push((finding, shown));
            }
            if !patch.is_empty() {
                let as_patch = match serde_json::to_value(&patch).expect("serializes") {
                    Value::Object(map) => map,
                    _ => unreachable!("a struct serializes to an object"),
                };
                member = self.patched(member, &as_patch, owner);
                extracted_out.push((m.name.clone(), ordered(&patch)));
            }
            self.records.subjects.push(SubjectRecord {
                owner: owner.to_owned(),
                member: m.name.clone(),
                doc: extract::plain(&m.document),
                findings,
                left_out: extraction.left_out,
                looks_constrained: extraction.looks_constrained,
                hand: hand.cloned(),
            });
        }
        if let Some(hand) = hand {
            member = self.patched(member, hand, owner);
        }
        member
    }

    fn name_variants(&mut self, values: &[(Value, String)], at: &str) -> Vec<EnumValue> {
        let names: &EnumNames = &self.overlay.names;
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, (value, meaning)) in values.iter().enumerate() {
            let name = match value {
                Value::String(s) => names.string.get(s).cloned().or_else(|| camel(s)),
                _ => names.integer.get(meaning).cloned().or_else(|| {
                    meaning
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == ' ')
                        .then(|| camel(meaning))
                        .flatten()
                }),
            };
            let name = match name {
                Some(name) => name,
                None => {
                    let what = match value {
                        Value::String(s) => format!("string value `{s}` (at {at})"),
                        _ => format!("integer meaning `{meaning}` (at {at})"),
                    };
                    self.missing_names.insert(what);
                    format!("Missing{i}")
                }
            };
            if !seen.insert(name.clone()) {
                self.errors.push(format!(
                    "{at}: two values are named `{name}`; rename one in the overlay"
                ));
            }
            out.push(EnumValue {
                value: value.clone(),
                name: Some(name),
                doc: meaning.clone(),
            });
        }
        out
    }

    fn errors_of(&mut self, action: &str) -> Vec<ErrorSpec> {
        let Some(codes) = self.reference.errors.actions.get(action) else {
            self.errors
                .push(format!("{action}: no error codes in the reference"));
            return Vec::new();
        };
        codes
            .iter()
            .map(|code| ErrorSpec {
                code: code.clone(),
                description: self
                    .reference
                    .errors
                    .descriptions
                    .get(code)
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// The overlay's extra examples, then the reference's, patched; with each request and
    /// response in documented key order.
    fn examples(
        &mut self,
        action: &str,
        hand: Option<&overlay::ActionOverlay>,
        hand_file: Option<&Ordered>,
    ) -> (Vec<Example>, Vec<OrderedParts>) {
        let mut examples = Vec::new();
        let mut ordered_parts = Vec::new();
        let typed_extra = hand
            .map(|h| h.examples.extra.as_slice())
            .unwrap_or_default();
        if let Some(Ordered::Array(items)) = hand_file
            .and_then(|f| f.get("examples"))
            .and_then(|e| e.get("extra"))
        {
            for (item, typed) in items.iter().zip(typed_extra) {
                match serde_json::from_value::<Example>(typed.clone()) {
                    Ok(example) => {
                        self.records.examples.push(ExampleRecord {
                            action: action.to_owned(),
                            title: example.title.clone(),
                            violations: example.violations.clone(),
                            note: example.note.clone(),
                            dropped: None,
                            extra: true,
                        });
                        examples.push(example);
                        ordered_parts
                            .push((item.get("body").cloned(), item.get("response").cloned()));
                    }
                    Err(e) => self
                        .errors
                        .push(format!("overlay {action}.json: examples.extra: {e}")),
                }
            }
        }
        let reference = self
            .reference
            .examples
            .actions
            .get(action)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let patches = hand
            .map(|h| h.examples.imported.as_slice())
            .unwrap_or_default();
        if patches.len() > reference.len() {
            self.errors.push(format!(
                "overlay {action}.json: {} example patches for {} reference examples",
                patches.len(),
                reference.len()
            ));
        }
        for (i, ex) in reference.iter().enumerate() {
            let patch = patches.get(i).and_then(Option::as_ref);
            let (body, response) = match (ex.body(), ex.response()) {
                (Ok(b), Ok(r)) => (b, r),
                (Err(e), _) | (_, Err(e)) => {
                    self.errors.push(format!("{action}: {e}"));
                    continue;
                }
            };
            let title = patch
                .and_then(|p| p.title.clone())
                .unwrap_or_else(|| ex.title.clone());
            let violations = patch.and_then(|p| p.violations.clone()).unwrap_or_default();
            let note = patch.and_then(|p| p.note.clone()).unwrap_or_default();
            let dropped = patch.and_then(|p| p.drop.clone());
            self.records.examples.push(ExampleRecord {
                action: action.to_owned(),
                title: title.clone(),
                violations: violations.clone(),
                note: note.clone(),
                dropped: dropped.clone(),
                extra: false,
            });
            if dropped.is_some() {
                continue;
            }
            examples.push(Example {
                title,
                query: None,
                body: Some(body.to_value()),
                response: Some(response.to_value()),
                violations,
                note,
            });
            ordered_parts.push((Some(body), Some(response)));
        }
        (examples, ordered_parts)
    }
}

fn camel(value: &str) -> Option<String> {
    let name = value.to_upper_camel_case();
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric());
    valid.then_some(name)
}

/// The spec's text, checked by the generator: every problem is an error of the import.
fn write_spec(spec: &Spec, ordered_examples: &[OrderedParts]) -> Result<String, Vec<String>> {
    let mut tree = ordered(spec);
    if let Some(Ordered::Array(examples)) = tree.get_mut("examples") {
        for (example, (body, response)) in examples.iter_mut().zip(ordered_examples) {
            for (key, value) in [("body", body), ("response", response)] {
                if let (Some(slot), Some(value)) = (example.get_mut(key), value) {
                    *slot = value.clone();
                }
            }
        }
    }
    let text = tree.pretty() + "\n";
    let file = format!("specs/{}.json", spec.action);
    let mut diags = Diagnostics::new(file);
    let reread = gaap_codegen::parse_spec(&text, &mut diags);
    if let Some(reread) = &reread {
        if reread != spec {
            diags.error("$", "the written spec does not read back to the same spec");
        }
        gaap_codegen::check_action(reread, &mut diags);
    }
    if diags.is_empty() {
        Ok(text)
    } else {
        Err(diags.items().iter().map(ToString::to_string).collect())
    }
}
