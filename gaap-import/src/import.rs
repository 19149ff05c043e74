//! From the reference and the overlay to spec files, the extracted overlay and the records the
//! report is made of.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use gaap_codegen::diag::Diagnostics;
use gaap_codegen::spec::{
    EnumValue, ErrorSpec, Example, FORMAT_VERSION, Member, PaginationSpec, RegionSpec, RuleSpec,
    Spec, TypeDef, WaiterSpec,
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
    /// Actions with an English description.
    pub english_actions: usize,
    /// Enumerations whose English description lists other values than the spec has.
    pub disagreements: Vec<Disagreement>,
    /// Enumerations shared by several members, as one named type.
    pub shared: Vec<SharedRecord>,
    /// Members with the same name and other values than a shared enumeration of that name.
    pub not_shared: Vec<(String, String, String)>,
    /// Enumerated members among object-type members and response fields, and all of those.
    pub output_enums: (usize, usize),
    /// Paginators and waiters from the overlay: action, what (`pagination`, `waiter X`), a
    /// summary, the note with the evidence.
    pub operations: Vec<OperationRecord>,
}

/// A paginator or waiter of the overlay, for the report.
pub struct OperationRecord {
    pub action: String,
    pub what: String,
    pub summary: String,
    pub note: String,
}

/// An enumeration whose English text lists other values than the Chinese one.
pub struct Disagreement {
    pub owner: String,
    pub member: String,
    pub spec_values: Vec<String>,
    pub english_values: Vec<String>,
    pub english_doc: String,
    pub note: Option<String>,
}

/// A named enumeration made of the identical enumerations of several members.
pub struct SharedRecord {
    pub name: String,
    pub values: Vec<String>,
    pub members: Vec<String>,
}

/// One member whose documentation was read for constraints, and what was made of it.
pub struct SubjectRecord {
    /// The action (`X` for a request parameter, `X response` for a response field), or `type X`.
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
const SOURCE_API_EN: &str = "tccli-intl-en services/gaap/v20180529/api.json (reference/gaap-2018-05-29.intl-en.api.json): documentation in English";
const SOURCE_EXAMPLES: &str = "tccli services/gaap/v20180529/examples.json (reference/gaap-2018-05-29.examples.json): examples";
const SOURCE_ERRORS: &str = "tencentcloud-sdk-go v1.3.166 gaap/v20180529 (reference/gaap-2018-05-29.error-codes.json): error codes and their descriptions";
const SOURCE_EXTRACTED: &str = "ranges and enumerations extracted from the documentation, checked by hand: specs/constraints-report.md";
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

/// Which side of the API a member is on: decides what is extracted from its documentation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// A request parameter or a member of a type used in requests: every constraint.
    Request,
    /// A response field or a member of a type used only in responses: enumerations only.
    Response,
}

/// An action's parts before the spec is assembled.
struct ActionParts {
    name: String,
    request: Vec<Member>,
    response: Vec<Member>,
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
        let side = if in_request {
            Side::Request
        } else {
            Side::Response
        };
        let hand = overlay.types.get(name);
        let siblings: Vec<String> = object.members.iter().map(|m| m.name.clone()).collect();
        let mut members = Vec::new();
        let mut extracted = Vec::new();
        for m in &object.members {
            let required = type_member_required(m, in_request, in_response);
            let en = reference.api_en.member(name, &m.name);
            let base = ctx.member(m, en, required);
            let owner = format!("type {name}");
            let member = ctx.finish_member(
                base,
                m,
                en,
                &owner,
                &siblings,
                side,
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
        let en_doc = reference
            .api_en
            .objects
            .get(name)
            .map(|o| extract::plain(&o.document))
            .unwrap_or_default();
        types.insert(
            name.clone(),
            TypeDef {
                doc: hand.and_then(|h| h.doc.clone()).unwrap_or(en_doc),
                doc_zh: extract::plain(&object.document),
                members: Some(members),
                rules: hand.map(|h| h.rules.clone()).unwrap_or_default(),
                ty: None,
                enum_values: None,
            },
        );
    }

    // Every action's members, before enumerations are shared.
    let mut parts = Vec::new();
    for (action_name, action) in &api.actions {
        let hand = overlay.actions.get(action_name).map(|(hand, _)| hand);
        let en_action = reference.api_en.actions.get(action_name);
        if en_action.is_some() {
            ctx.records.english_actions += 1;
        }
        let input = &api.objects[&action.input];
        let output = &api.objects[&action.output];
        let mut request = Vec::new();
        let mut response = Vec::new();
        let mut extracted: Vec<(String, Ordered)> = Vec::new();
        let mut extracted_response: Vec<(String, Ordered)> = Vec::new();
        for (side, object, out, extracted) in [
            (Side::Request, input, &mut request, &mut extracted),
            (
                Side::Response,
                output,
                &mut response,
                &mut extracted_response,
            ),
        ] {
            let siblings: Vec<String> = object.members.iter().map(|m| m.name.clone()).collect();
            let (owner, en_object, patches) = match side {
                Side::Request => (
                    action_name.clone(),
                    en_action.map(|a| a.input.as_str()),
                    hand.map(|h| &h.request),
                ),
                Side::Response => (
                    format!("{action_name} response"),
                    en_action.map(|a| a.output.as_str()),
                    hand.map(|h| &h.response),
                ),
            };
            for m in &object.members {
                let required = match side {
                    Side::Request => m.required.unwrap_or(false),
                    Side::Response => m.name == "RequestId" || response_required(m),
                };
                let en = en_object.and_then(|o| reference.api_en.member(o, &m.name));
                let base = ctx.member(m, en, required);
                out.push(ctx.finish_member(
                    base,
                    m,
                    en,
                    &owner,
                    &siblings,
                    side,
                    patches.and_then(|p| p.get(&m.name)),
                    extracted,
                ));
            }
            if let Some(patches) = patches {
                for key in patches.keys() {
                    if !siblings.contains(key) {
                        let what = match side {
                            Side::Request => "request",
                            Side::Response => "response",
                        };
                        ctx.errors.push(format!(
                            "overlay {action_name}.json: no {what} member `{key}`"
                        ));
                    }
                }
            }
        }
        let mut file = Vec::new();
        if !extracted.is_empty() {
            file.push(("request".into(), Ordered::Object(extracted)));
        }
        if !extracted_response.is_empty() {
            file.push(("response".into(), Ordered::Object(extracted_response)));
        }
        if !file.is_empty() {
            extracted_files.push((
                PathBuf::from(format!("{action_name}.json")),
                Ordered::Object(file).pretty() + "\n",
            ));
        }
        parts.push(ActionParts {
            name: action_name.clone(),
            request,
            response,
        });
    }

    ctx.records.output_enums = count_output_enums(&types, &parts);
    share_enums(&mut types, &mut parts, &mut ctx.records);

    let mut specs = Vec::new();
    for part in parts {
        let action_name = &part.name;
        let action = &api.actions[action_name];
        let en_action = reference.api_en.actions.get(action_name);
        let (hand, hand_file) = match overlay.actions.get(action_name) {
            Some((hand, file)) => (Some(hand), Some(file)),
            None => (None, None),
        };

        // Every type the action uses, transitively, named enumerations included.
        let mut used = BTreeSet::new();
        for m in part.request.iter().chain(&part.response) {
            used_types(&types, base_type(&m.ty), &mut used);
        }
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
        let response_owner = format!("{action_name} response");
        let extracted_any = ctx.records.subjects.iter().any(|s| {
            (s.owner == *action_name || s.owner == response_owner) && !s.findings.is_empty()
        }) || used.iter().any(|t| {
            let owner = format!("type {t}");
            ctx.records
                .subjects
                .iter()
                .any(|s| s.owner == owner && !s.findings.is_empty())
        });
        let mut sources = vec![SOURCE_API.to_owned()];
        if en_action.is_some() {
            sources.push(SOURCE_API_EN.to_owned());
        }
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

        let (pagination, waiters) = match hand {
            Some(hand) => match operations(action_name, hand, &mut ctx.records) {
                Ok(found) => found,
                Err(problem) => {
                    ctx.errors.push(problem);
                    (None, BTreeMap::new())
                }
            },
            None => (None, BTreeMap::new()),
        };

        let spec = Spec {
            format: FORMAT_VERSION,
            service: reference.api.metadata.service_short_name.clone(),
            version: reference.api.metadata.api_version.clone(),
            action: action_name.clone(),
            title: hand
                .and_then(|h| h.title.clone())
                .or_else(|| en_action.map(|a| a.name.clone()))
                .unwrap_or_default(),
            title_zh: action.name.clone(),
            description: hand
                .and_then(|h| h.description.clone())
                .or_else(|| en_action.map(|a| extract::plain(&a.document)))
                .unwrap_or_default(),
            description_zh: extract::plain(&action.document),
            host: format!(
                "{}.tencentcloudapi.com",
                reference.api.metadata.service_short_name
            ),
            region: hand.and_then(|h| h.region).unwrap_or(RegionSpec::None),
            rate_limit: hand.and_then(|h| h.rate_limit),
            sources: hand.and_then(|h| h.sources.clone()).unwrap_or(sources),
            request: part.request,
            rules,
            response: part.response,
            types: action_types,
            errors,
            pagination,
            waiters,
            examples,
        };
        match write_spec(&spec, &ordered_examples) {
            Ok(text) => specs.push((action_name.clone(), text)),
            Err(problems) => ctx.errors.extend(problems),
        }
    }
    ctx.records.actions = specs.len();
    ctx.records.types = types.values().filter(|t| t.members.is_some()).count();

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

/// The overlay's `pagination` and `waiters` of an action, their notes recorded for the report.
fn operations(
    action: &str,
    hand: &overlay::ActionOverlay,
    records: &mut Records,
) -> Result<(Option<PaginationSpec>, BTreeMap<String, WaiterSpec>), String> {
    let file = format!("overlay {action}.json");
    let pagination = match &hand.pagination {
        Some(block) => {
            let (p, note): (PaginationSpec, String) =
                overlay::with_note(block, &format!("{file}: pagination"))?;
            records.operations.push(OperationRecord {
                action: action.to_owned(),
                what: "pagination".to_owned(),
                summary: format!(
                    "`{}`/`{}`, `{}` of `{}`, at most {} a page ({} by default)",
                    p.offset, p.limit, p.total, p.items, p.max_page_size, p.default_page_size
                ),
                note,
            });
            Some(p)
        }
        None => None,
    };
    let mut waiters = BTreeMap::new();
    for (name, block) in &hand.waiters {
        let (w, note): (WaiterSpec, String) =
            overlay::with_note(block, &format!("{file}: waiters.{name}"))?;
        let acceptors: Vec<String> = w
            .acceptors
            .iter()
            .map(|a| {
                let mut shown = a.clone();
                shown.doc.clear();
                serde_json::to_string(&shown).unwrap_or_default()
            })
            .collect();
        records.operations.push(OperationRecord {
            action: action.to_owned(),
            what: format!("waiter {name}"),
            summary: format!(
                "every {}–{} s, at most {} s: {}",
                w.min_delay,
                w.max_delay,
                w.max_wait,
                acceptors.join(", ")
            ),
            note,
        });
        waiters.insert(name.clone(), w);
    }
    Ok((pagination, waiters))
}

/// A member's type without its `[]`s.
fn base_type(ty: &str) -> &str {
    ty.trim_end_matches("[]")
}

/// `name` and the types it refers to, transitively, among `types`.
fn used_types(types: &BTreeMap<String, TypeDef>, name: &str, out: &mut BTreeSet<String>) {
    let Some(def) = types.get(name) else {
        return;
    };
    if out.insert(name.to_owned()) {
        for m in def.members.iter().flatten() {
            used_types(types, base_type(&m.ty), out);
        }
    }
}

/// (Enumerated members, all members) among the members of object types and response fields.
fn count_output_enums(types: &BTreeMap<String, TypeDef>, parts: &[ActionParts]) -> (usize, usize) {
    let members = types
        .values()
        .flat_map(|t| t.members.iter().flatten())
        .chain(parts.iter().flat_map(|p| &p.response));
    let mut count = (0, 0);
    for m in members {
        count.1 += 1;
        if m.enum_values.is_some() {
            count.0 += 1;
        }
    }
    count
}

/// The kind of wire type that sharing compares: integers of any width are one kind, since the
/// reference gives the same 0/1 switch as `int64` in one place and `uint64` in another.
fn wire_kind(ty: &str) -> &str {
    if ty.starts_with("int") || ty.starts_with("uint") {
        "integer"
    } else {
        ty
    }
}

/// The wire type of a shared enumeration: the members' own when they agree, `int64` when their
/// integer widths differ (every documented value fits; the wire reads either width).
fn shared_wire_type<'a>(mut types: impl Iterator<Item = &'a str>) -> String {
    let first = types.next().unwrap_or("string");
    if types.all(|t| t == first) {
        first.to_owned()
    } else {
        "int64".to_owned()
    }
}

/// What makes an enumeration differ from the shared one of the same member name.
fn difference(
    ours: &(String, String, Vec<(String, String)>),
    shared: &(String, String, Vec<(String, String)>),
) -> String {
    let values = |v: &[(String, String)]| {
        v.iter()
            .map(|(value, _)| format!("`{value}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let names = |v: &[(String, String)]| {
        v.iter()
            .map(|(value, name)| format!("`{value}` {name}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if ours.1 != shared.1 {
        format!("wire type {} where the shared one is {}", ours.1, shared.1)
    } else if values(&ours.2) != values(&shared.2) {
        format!(
            "values {} where the shared ones are {}",
            values(&ours.2),
            values(&shared.2)
        )
    } else {
        format!(
            "the same values mean other things: {} where the shared type has {}",
            names(&ours.2),
            names(&shared.2)
        )
    }
}

/// Where an enumerated member is, for the sharing pass.
struct Occurrence<'a> {
    /// `type X.M`, `Action.M`, `Action response.M`.
    location: String,
    member: &'a mut Member,
}

/// Makes one named enumeration of the identical enumerations of several members: the same
/// member name, the same wire type, the same values with the same variant names. A request
/// parameter and the response field that carries its value then have one Rust type
/// (`Scheduler` of `CreateTCPListeners` and of `TCPListener`). The type is named after the
/// member; when several groups of one member name differ, the group with the most members
/// takes the name and the others stay per member (listed in the report). A member named by
/// hand (`enum_name`) stays as it is.
fn share_enums(
    types: &mut BTreeMap<String, TypeDef>,
    parts: &mut [ActionParts],
    records: &mut Records,
) {
    let object_names: BTreeSet<String> = types.keys().map(|k| k.to_upper_camel_case()).collect();
    let mut occurrences: Vec<Occurrence<'_>> = Vec::new();
    for (name, def) in types.iter_mut() {
        for m in def.members.iter_mut().flatten() {
            occurrences.push(Occurrence {
                location: format!("type {name}.{}", m.name),
                member: m,
            });
        }
    }
    for part in parts.iter_mut() {
        for m in &mut part.request {
            occurrences.push(Occurrence {
                location: format!("{}.{}", part.name, m.name),
                member: m,
            });
        }
        for m in &mut part.response {
            occurrences.push(Occurrence {
                location: format!("{} response.{}", part.name, m.name),
                member: m,
            });
        }
    }
    occurrences.retain(|o| o.member.enum_values.is_some() && o.member.enum_name.is_none());

    // Groups of identical enumerations, keyed by member name, wire type and values.
    type Key = (String, String, Vec<(String, String)>);
    let key_of = |m: &Member| -> Key {
        let values = m
            .enum_values
            .iter()
            .flatten()
            .map(|v| (v.value.to_string(), v.name.clone().unwrap_or_default()))
            .collect();
        (
            m.name.clone(),
            wire_kind(base_type(&m.ty)).to_owned(),
            values,
        )
    };
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, o) in occurrences.iter().enumerate() {
        groups.entry(key_of(o.member)).or_default().push(i);
    }
    // Per member name, the largest group of two or more takes the name.
    let mut by_name: BTreeMap<String, Vec<(&Key, &Vec<usize>)>> = BTreeMap::new();
    for (key, members) in &groups {
        by_name
            .entry(key.0.clone())
            .or_default()
            .push((key, members));
    }
    let mut chosen: Vec<(String, Vec<usize>)> = Vec::new();
    for (member_name, mut candidates) in by_name {
        candidates.sort_by_key(|(_, members)| std::cmp::Reverse(members.len()));
        let type_name = member_name.to_upper_camel_case();
        let (winner, rest) = candidates.split_first().expect("a name has a group");
        if winner.1.len() < 2 || object_names.contains(&type_name) {
            continue;
        }
        chosen.push((member_name.clone(), winner.1.clone()));
        for (key, members) in rest {
            let why = difference(key, winner.0);
            for &i in members.iter() {
                records.not_shared.push((
                    occurrences[i].location.clone(),
                    type_name.clone(),
                    why.clone(),
                ));
            }
        }
    }

    let mut new_types = Vec::new();
    for (member_name, indices) in chosen {
        let type_name = member_name.to_upper_camel_case();
        let first = &occurrences[indices[0]].member;
        let def = TypeDef {
            doc: first.doc.clone(),
            doc_zh: first.doc_zh.clone(),
            members: None,
            rules: Vec::new(),
            ty: Some(shared_wire_type(
                indices
                    .iter()
                    .map(|&i| base_type(&occurrences[i].member.ty)),
            )),
            enum_values: first.enum_values.clone(),
        };
        records.shared.push(SharedRecord {
            name: type_name.clone(),
            values: def
                .enum_values
                .iter()
                .flatten()
                .map(|v| v.value.to_string())
                .collect(),
            members: indices
                .iter()
                .map(|&i| occurrences[i].location.clone())
                .collect(),
        });
        for &i in &indices {
            let member = &mut *occurrences[i].member;
            let depth = member.ty.len() - base_type(&member.ty).len();
            member.ty = format!("{type_name}{}", &member.ty[member.ty.len() - depth..]);
            member.enum_values = None;
        }
        new_types.push((type_name, def));
    }
    types.extend(new_types);
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
    /// A member as the reference describes it: the English documentation, where there is one,
    /// as `doc`, the Chinese original as `doc_zh`.
    fn member(&mut self, m: &ApiMember, en: Option<&ApiMember>, required: bool) -> Member {
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
        let mut doc = en
            .map(|en| extract::plain(&en.document))
            .unwrap_or_default();
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
            doc_zh: extract::plain(&m.document),
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

    /// Extraction from the Chinese documentation (every kind on the request side, enumerations
    /// on the response side), then the extracted patch, then the hand-written one; then the
    /// English meaning of each value, and the check that the English text lists the same
    /// values.
    #[allow(clippy::too_many_arguments)]
    fn finish_member(
        &mut self,
        base: Member,
        m: &ApiMember,
        en: Option<&ApiMember>,
        owner: &str,
        siblings: &[String],
        side: Side,
        hand: Option<&Patch>,
        extracted_out: &mut Vec<(String, Ordered)>,
    ) -> Member {
        let mut member = base;
        let scalar = scalar_of(self.reference, &m.member)
            .map(|(_, s)| s)
            .unwrap_or(Scalar::Other);
        let extraction: Extraction = extract::extract(&Subject {
            name: &m.name,
            scalar,
            is_array: m.ty == "list",
            doc: &m.document,
            siblings,
            enums_only: side == Side::Response,
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
        let is_subject = side == Side::Request
            || !findings.is_empty()
            || !extraction.left_out.is_empty()
            || hand.is_some();
        if is_subject {
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
        if let (Some(values), Some(en)) = (&mut member.enum_values, en) {
            let english = extract::english_values(&en.document, scalar);
            for v in values.iter_mut() {
                if let Some((_, meaning)) = english.iter().find(|(e, _)| *e == v.value)
                    && v.doc.is_empty()
                {
                    v.doc = meaning.clone();
                }
            }
            let shown = |v: &Value| v.as_str().map_or(v.to_string(), str::to_owned);
            let ours: Vec<String> = values.iter().map(|v| shown(&v.value)).collect();
            let theirs: Vec<String> = english.iter().map(|(v, _)| shown(v)).collect();
            // The English text disagrees when it lists a value the spec lacks, or does not
            // mention at all a value the spec has (a value it mentions without backticks, as
            // `RECOVER_FAILED: the unblocking fails`, still counts as listed).
            let words: BTreeSet<&str> = en
                .document
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
                .collect();
            let extra = theirs.iter().any(|v| !ours.contains(v));
            let missing = ours.iter().any(|v| !words.contains(v.as_str()));
            if theirs.len() >= 2 && (extra || missing) {
                let (mut ours, mut theirs) = (ours, theirs);
                ours.sort();
                theirs.sort();
                self.records.disagreements.push(Disagreement {
                    owner: owner.to_owned(),
                    member: m.name.clone(),
                    spec_values: ours,
                    english_values: theirs,
                    english_doc: extract::plain(&en.document),
                    note: hand
                        .and_then(|h| h.get("note"))
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                });
            }
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
                doc: String::new(),
                doc_zh: meaning.clone(),
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
                description: String::new(),
                description_zh: self
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
