//! The model against the specs (`../specs/*.json`): every view is shaped as the response object
//! type it is named after (no member the type lacks, every required and every enumerated member
//! present, every value it can show of an enumerated member documented), every response field
//! an action fills exists in its response with the right type, every request parameter the model
//! names exists, and no request parameter of a create or modify is silently dropped. Test-only:
//! the specs are read from the workspace, not embedded.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::model::{Action, Computed, Model, Target};

struct Member {
    ty: String,
    required: bool,
    /// The documented values, for an enumerated member (its own `enum`, or a named enum type).
    values: Option<Vec<Value>>,
}

struct Spec {
    request: BTreeMap<String, Member>,
    response: BTreeMap<String, Member>,
}

struct Specs {
    actions: BTreeMap<String, Spec>,
    types: BTreeMap<String, BTreeMap<String, Member>>,
}

/// The members of a request, a response or an object type; `types` are the spec's own, for
/// the values of named enumerations.
fn members(list: &Value, types: &Value) -> BTreeMap<String, Member> {
    let values_of = |e: &Value| -> Option<Vec<Value>> {
        Some(e.as_array()?.iter().map(|v| v["value"].clone()).collect())
    };
    list.as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let ty = m["type"].as_str().unwrap_or_default().to_owned();
            let values = values_of(&m["enum"])
                .or_else(|| values_of(&types[ty.trim_end_matches("[]")]["enum"]));
            (
                m["name"].as_str().unwrap_or_default().to_owned(),
                Member {
                    ty,
                    required: m["required"].as_bool().unwrap_or(false),
                    values,
                },
            )
        })
        .collect()
}

fn specs() -> Specs {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut specs = Specs {
        actions: BTreeMap::new(),
        types: BTreeMap::new(),
    };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let spec: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let action = spec["action"].as_str().unwrap().to_owned();
        for (name, ty) in spec["types"].as_object().into_iter().flatten() {
            if ty.get("members").is_some() {
                specs
                    .types
                    .insert(name.clone(), members(&ty["members"], &spec["types"]));
            }
        }
        specs.actions.insert(
            action,
            Spec {
                request: members(&spec["request"], &spec["types"]),
                response: members(&spec["response"], &spec["types"]),
            },
        );
    }
    specs
}

/// The members of a view, and whether each is copied or computed.
fn view_members(model: &Model, kind: &str, view: &str) -> BTreeSet<String> {
    let v = &model.resources[kind].views[view];
    v.fields
        .iter()
        .cloned()
        .chain(v.computed.keys().cloned())
        .collect()
}

/// The members a view must match: those of the spec type, or of `<Action>Response`.
fn shape<'s>(specs: &'s Specs, view: &str) -> Option<&'s BTreeMap<String, Member>> {
    if let Some(t) = specs.types.get(view) {
        return Some(t);
    }
    let action = view.strip_suffix("Response")?;
    specs.actions.get(action).map(|a| &a.response)
}

#[test]
fn every_view_has_the_shape_of_its_type() {
    let model = Model::builtin();
    let specs = specs();
    let mut problems = Vec::new();
    for (kind, r) in &model.resources {
        for view in r.views.keys() {
            let Some(shape) = shape(&specs, view) else {
                problems.push(format!(
                    "{kind}.{view}: no spec type or action response of that name"
                ));
                continue;
            };
            let have = view_members(model, kind, view);
            for m in &have {
                if !shape.contains_key(m) {
                    problems.push(format!("{kind}.{view}: `{m}` is not a member of {view}"));
                }
            }
            for (m, member) in shape {
                if member.required && m != "RequestId" && !have.contains(m) {
                    problems.push(format!("{kind}.{view}: required member `{m}` is missing"));
                }
                // An enumeration left out reads as `Unknown` of nothing, not the real state.
                if member.values.is_some() && !have.contains(m) {
                    problems.push(format!("{kind}.{view}: enumerated member `{m}` is missing"));
                }
            }
            // Nested views are shown as the member's element type.
            for (m, c) in &r.views[view].computed {
                let nested = match c {
                    Computed::Children { view, .. } | Computed::All { view, .. } => Some(view),
                    _ => None,
                };
                if let (Some(nested), Some(member)) = (nested, shape.get(m))
                    && member.ty.trim_end_matches("[]") != nested
                {
                    problems.push(format!(
                        "{kind}.{view}.{m}: shown as {nested}, the spec says {}",
                        member.ty
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn target_params(t: &Target) -> Vec<&str> {
    let mut out: Vec<&str> = t.params.iter().map(String::as_str).collect();
    out.extend(t.parent_param.as_deref());
    out.extend(t.match_fields.keys().map(String::as_str));
    out.extend(t.belongs.keys().map(String::as_str));
    out
}

#[test]
fn every_binding_names_what_its_action_has() {
    let model = Model::builtin();
    let specs = specs();
    let mut problems = Vec::new();
    for (name, action) in &model.actions {
        let Some(spec) = specs.actions.get(name) else {
            problems.push(format!("{name}: no spec"));
            continue;
        };
        let mut params: Vec<&str> = Vec::new();
        // (response field, expected type or "" for any)
        let mut outputs: Vec<(String, String)> = Vec::new();
        // Parameters consumed otherwise than as fields of the same name.
        let mut consumed: Vec<&str> = Vec::new();
        let mut copied_into: Option<Vec<&str>> = None;
        match action {
            Action::Create(op) => {
                params.extend(op.parent_params.iter().map(String::as_str));
                if let Some(t) = &op.parent_target {
                    params.extend(target_params(t));
                }
                if let Some(e) = &op.each {
                    params.push(&e.param);
                    params.extend(e.paired.keys().map(String::as_str));
                }
                params.extend(op.set.keys().map(String::as_str));
                params.extend(op.references.iter().map(|r| r.param.as_str()));
                params.extend(op.spawn.iter().map(|s| s.param.as_str()));
                params.extend(op.requires.iter().filter_map(|r| r.unless.as_deref()));
                consumed = params.clone();
                consumed.retain(|p| !op.set.contains_key(*p));
                copied_into = Some(vec![op.resource.as_str()]);
                for (field, what) in &op.returns {
                    let ty = match what.as_str() {
                        "id" | "parent_id" => String::new(),
                        "ids" => String::new(),
                        view => view.to_owned(),
                    };
                    outputs.push((field.clone(), ty));
                }
            }
            Action::Describe(op) => {
                params.extend(op.scope.iter().map(String::as_str));
                params.extend(op.ids.iter().map(String::as_str));
                params.extend(op.match_fields.keys().map(String::as_str));
                params.extend(op.project.iter().map(|p| p.param.as_str()));
                params.extend(op.search.iter().map(|s| s.param.as_str()));
                params.extend(op.filters.iter().map(|f| f.param.as_str()));
                params.extend(op.tags.as_deref());
                params.extend(op.independent.as_deref());
                if let Some(p) = &op.paging {
                    params.extend([p.offset.as_str(), p.limit.as_str()]);
                }
                if let Some(o) = &op.order {
                    params.extend([o.param.as_str(), o.field_param.as_str()]);
                }
                for l in &op.list {
                    outputs.push((l.clone(), format!("{}[]", op.view)));
                }
                outputs.extend(op.total.iter().map(|t| (t.clone(), String::new())));
                // Every parameter of a describe selects something.
                for p in spec.request.keys() {
                    if !params.contains(&p.as_str()) {
                        problems.push(format!("{name}: parameter {p} selects nothing"));
                    }
                }
            }
            Action::Get(op) => {
                params.extend(target_params(&op.target));
                if let Some(p) = &op.paging {
                    params.extend([p.offset.as_str(), p.limit.as_str()]);
                }
                match &op.field {
                    Some(f) => outputs.push((f.clone(), op.view.clone())),
                    None => {
                        for k in &op.resources {
                            for m in view_members(model, k, &op.view) {
                                outputs.push((m, String::new()));
                            }
                        }
                    }
                }
            }
            Action::Modify(op) => {
                params.extend(target_params(&op.target));
                params.extend(op.set.keys().map(String::as_str));
                params.extend(op.ignore.iter().map(String::as_str));
                params.extend(op.references.iter().map(|r| r.param.as_str()));
                params.extend(op.blocked_by.iter().filter_map(|b| b.unless.as_deref()));
                consumed = target_params(&op.target);
                consumed.extend(op.ignore.iter().map(String::as_str));
                consumed.extend(op.blocked_by.iter().filter_map(|b| b.unless.as_deref()));
                copied_into = Some(op.resources.iter().map(String::as_str).collect());
                outputs.extend(op.returns.keys().map(|f| (f.clone(), String::new())));
            }
            Action::Delete(op) => {
                params.extend(target_params(&op.target));
                params.extend(op.blocked_by.iter().filter_map(|b| b.unless.as_deref()));
                if let Some(r) = &op.report {
                    outputs.extend(r.succeeded.iter().map(|s| (s.clone(), String::new())));
                    outputs.push((r.invalid.clone(), String::new()));
                    outputs.push((r.failed.clone(), String::new()));
                }
            }
            Action::SetStatus(op) => {
                params.extend(target_params(&op.target));
                if let Some(r) = &op.report {
                    outputs.push((r.invalid.clone(), String::new()));
                    outputs.push((r.failed.clone(), String::new()));
                }
                outputs.extend(op.task.iter().map(|t| (t.field.clone(), String::new())));
            }
            Action::ReplaceChildren(op) => {
                params.extend(target_params(&op.target));
                params.push(&op.param);
            }
            Action::Catalogue(op) => {
                outputs.extend(op.output.keys().map(|f| (f.clone(), String::new())));
                outputs.extend(op.counts.keys().map(|f| (f.clone(), String::new())));
            }
            Action::Statistics(op) => {
                params.extend(target_params(&op.target));
                params.extend([
                    op.metrics.as_str(),
                    op.granularity.as_str(),
                    op.start.as_str(),
                    op.end.as_str(),
                ]);
                outputs.push((op.field.clone(), "MetricStatisticsInfo[]".into()));
            }
            Action::Acknowledge(_) | Action::Custom(_) => {}
        }
        // The idempotency token: every action that has one binds it, and it is no field.
        match (
            action.client_token(),
            spec.request.contains_key("ClientToken"),
        ) {
            (Some(t), _) => {
                params.push(&t.param);
                consumed.push(&t.param);
            }
            (None, true) => problems.push(format!(
                "{name}: has a ClientToken parameter, which the model does not bind"
            )),
            (None, false) => {}
        }
        for p in &params {
            if !spec.request.contains_key(*p) {
                problems.push(format!(
                    "{name}: names parameter {p}, which the request lacks"
                ));
            }
        }
        for (field, ty) in &outputs {
            match spec.response.get(field) {
                None => problems.push(format!("{name}: fills {field}, which the response lacks")),
                Some(m) if !ty.is_empty() && m.ty != *ty => problems.push(format!(
                    "{name}: fills {field} as {ty}, the response has {}",
                    m.ty
                )),
                Some(_) => {}
            }
        }
        // Parameters of a create or modify that are neither consumed nor a field are lost.
        if let Some(kinds) = copied_into {
            let set: BTreeMap<&str, &str> = match action {
                Action::Create(op) => op
                    .set
                    .iter()
                    .map(|(a, b)| (a.as_str(), b.as_str()))
                    .collect(),
                Action::Modify(op) => op
                    .set
                    .iter()
                    .map(|(a, b)| (a.as_str(), b.as_str()))
                    .collect(),
                _ => BTreeMap::new(),
            };
            for p in spec.request.keys() {
                if consumed.contains(&p.as_str()) {
                    continue;
                }
                let field = set.get(p.as_str()).copied().unwrap_or(p);
                for k in &kinds {
                    if !model.resources[*k].fields.contains_key(field) {
                        problems.push(format!(
                            "{name}: parameter {p} is dropped: {k} has no field {field}"
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_catalogue_has_the_shapes_of_the_types() {
    let model = Model::builtin();
    let specs = specs();
    let mut problems = Vec::new();
    for (entry, ty) in [
        ("AccessRegions", "RegionDetail"),
        ("DestRegions", "RegionDetail"),
        ("AccessRegionDetails", "AccessRegionDetial"),
        ("BandwidthUnitPrice", "BandwidthPriceGradient"),
        ("CountryAreaMapping", "CountryAreaMap"),
    ] {
        let shape = &specs.types[ty];
        for (i, element) in model.catalogue[entry]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let object = element.as_object().unwrap();
            for k in object.keys() {
                if !shape.contains_key(k) {
                    problems.push(format!("{entry}[{i}]: `{k}` is not a member of {ty}"));
                }
            }
            for (m, member) in shape {
                if member.required && !object.contains_key(m) {
                    problems.push(format!("{entry}[{i}]: required `{m}` is missing"));
                }
            }
        }
    }
    // Both region lists name the same regions, and every access region has its sizes.
    let ids = |entry: &str| -> Vec<String> {
        model.catalogue[entry]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["RegionId"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids("AccessRegions"), ids("AccessRegionDetails"));
    // Every access region is in a country of the mapping (its zone and continent codes).
    for id in ids("AccessRegions") {
        let code = model.catalogue["AccessRegionCountries"][&id].as_str();
        let known = model.catalogue["CountryAreaMapping"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["NationCountryInnerCode"].as_str() == code);
        assert!(known, "{id}: no country of CountryAreaMapping ({code:?})");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_broken_model_is_refused_with_every_problem_named() {
    let resources = r#"{"format": 1, "resources": {
        "thing": {"doc": "", "id": {"random": {"prefix": "t-", "length": 4}}, "id_fields": ["Nope"],
                  "fields": {"A": 1}, "views": {"V": {"fields": ["B"]}}}
    }}"#;
    let actions = r#"{"format": 1, "actions": {
        "X": {"op": "get", "resources": ["ghost"], "target": {"params": ["Id"]}, "view": "V"}
    }}"#;
    let problems = Model::parse(resources, actions, "{}").unwrap_err();
    let all = problems.join("\n");
    for expected in [
        "resource thing: id field `Nope` is not a field",
        "resource thing: view V: `B` is not a field of thing",
        "action X: unknown resource kind `ghost`",
    ] {
        assert!(all.contains(expected), "{all}");
    }
    // Statuses: a value the model does not document, and transitions that come back.
    let cycle = r#"{"format": 1, "resources": {
        "thing": {"doc": "", "id": "uuid", "fields": {"S": 1}, "status": {"field": "S", "initial": 3,
                  "values": [1, 2], "transitions": [{"from": 1, "to": 2}, {"from": 2, "to": 1}]}}
    }}"#;
    let problems = Model::parse(cycle, r#"{"format": 1, "actions": {}}"#, "{}")
        .unwrap_err()
        .join("\n");
    for expected in [
        "resource thing: status 3 is not one of its documented values",
        "resource thing: the transitions from 1 come back to it (a cycle)",
    ] {
        assert!(problems.contains(expected), "{problems}");
    }
    // A hand-written handler the emulator lacks.
    let unknown_handler = Model::parse(
        r#"{"format": 1, "resources": {}}"#,
        r#"{"format": 1, "actions": {"X": {"op": "custom", "handler": "teleport", "doc": ""}}}"#,
        "{}",
    )
    .unwrap_err()
    .join("\n");
    assert!(
        unknown_handler.contains("model/actions.json") && unknown_handler.contains("teleport"),
        "{unknown_handler}"
    );
    let typo = Model::parse(
        r#"{"format": 1, "resources": {}, "extra": 1}"#,
        actions,
        "{}",
    )
    .unwrap_err()
    .join("\n");
    assert!(
        typo.contains("model/resources.json") && typo.contains("extra"),
        "{typo}"
    );
}

#[test]
fn the_statuses_a_config_may_give_are_the_documented_ones() {
    let model = Model::builtin();
    let specs = specs();
    let mut checked = 0;
    for (kind, r) in &model.resources {
        let Some(status) = r.status.as_ref().filter(|s| !s.values.is_empty()) else {
            continue;
        };
        // The views that show the status field as it is stored: together they document exactly
        // the values the model lists (`ProxyStatus` documents fewer than `ProxyInfo`).
        let mut documented: Vec<Value> = Vec::new();
        for (view_name, view) in &r.views {
            if !view.fields.contains(&status.field) {
                continue;
            }
            let values = shape(&specs, view_name)
                .and_then(|s| s.get(&status.field))
                .and_then(|m| m.values.clone())
                .unwrap_or_else(|| panic!("{kind}.{view_name}.{}: not enumerated", status.field));
            for v in values {
                if !documented.contains(&v) {
                    documented.push(v);
                }
            }
            checked += 1;
        }
        let mut ours = status.values.clone();
        ours.sort_by_key(Value::to_string);
        documented.sort_by_key(Value::to_string);
        assert_eq!(ours, documented, "{kind}.{}", status.field);
    }
    assert!(checked >= 3, "the proxy's and the group's statuses");
}

/// Where values come from (`CreateProxy.ProxyType`, `its default`), and the values; `None` for a
/// source that may hold any value.
type Sources = Vec<(String, Option<Vec<Value>>)>;

/// The values the model can store in a field of a kind: its default, the statuses it passes
/// through, the constants and statuses actions set, and the documented values of every request
/// parameter copied into it (`None` when a parameter copied into it is not enumerated, so any
/// value may arrive: such a field cannot be checked).
fn storable_values(model: &Model, specs: &Specs, kind: &str, field: &str) -> Sources {
    let r = &model.resources[kind];
    let mut out: Sources = Vec::new();
    if let Some(v) = r.fields.get(field).filter(|v| !v.is_null()) {
        out.push(("its default".into(), Some(vec![v.clone()])));
    }
    if let Some(s) = r.status.as_ref().filter(|s| s.field == field) {
        // Where a transition starts is set by an action (below) or by a config (the statuses
        // it may give are checked by `the_statuses_a_config_may_give_are_the_documented_ones`).
        let mut values = vec![s.initial.clone()];
        values.extend(
            s.transitions
                .iter()
                .map(|t| t.to.clone())
                .filter(|v| !v.is_null()),
        );
        out.push(("its statuses".into(), Some(values)));
    }
    for (name, action) in &model.actions {
        let spec = &specs.actions[name];
        // Parameters copied into the field, and constants and statuses set.
        let (kinds, set, constants, statuses): (Vec<&str>, _, _, Vec<&Value>) = match action {
            Action::Create(op) => (
                vec![op.resource.as_str()],
                Some(&op.set),
                Some(&op.constants),
                Vec::new(),
            ),
            Action::Modify(op) => (
                op.resources.iter().map(String::as_str).collect(),
                Some(&op.set),
                Some(&op.constants),
                op.status.iter().collect(),
            ),
            Action::Delete(op) => (
                op.resources.iter().map(String::as_str).collect(),
                None,
                None,
                op.status.iter().collect(),
            ),
            Action::SetStatus(op) => (
                op.resources.iter().map(String::as_str).collect(),
                None,
                None,
                std::iter::once(&op.to).chain(op.then.as_ref()).collect(),
            ),
            _ => continue,
        };
        if let Action::SetStatus(op) = action
            && let Some(c) = &op.cascade
            && c.kind == kind
            && model.resources[kind]
                .status
                .as_ref()
                .is_some_and(|s| s.field == field)
        {
            let values = std::iter::once(&c.to).chain(c.then.as_ref()).cloned();
            out.push((format!("{name} (cascade)"), Some(values.collect())));
        }
        if !kinds.contains(&kind) {
            continue;
        }
        if r.status.as_ref().is_some_and(|s| s.field == field) && !statuses.is_empty() {
            out.push((name.clone(), Some(statuses.into_iter().cloned().collect())));
        }
        if let Some(v) = constants.and_then(|c| c.get(field)) {
            out.push((format!("{name} (constant)"), Some(vec![v.clone()])));
        }
        let Some(set) = set else { continue };
        for (param, member) in &spec.request {
            let target = set.get(param).unwrap_or(param);
            if target == field {
                out.push((format!("{name}.{param}"), member.values.clone()));
            }
        }
        // Arrays of objects whose members become fields (`RuleList` of CreateSecurityRules).
        if let Action::Create(op) = action
            && let Some(each) = op.each.as_ref().filter(|e| e.field.is_none())
            && let Some(element) = spec
                .request
                .get(&each.param)
                .and_then(|m| specs.types.get(m.ty.trim_end_matches("[]")))
            && let Some(member) = element.get(field)
        {
            out.push((
                format!("{name}.{}[].{field}", each.param),
                member.values.clone(),
            ));
        }
    }
    out
}

#[test]
fn every_value_the_model_can_store_in_an_enumerated_view_field_is_documented() {
    let model = Model::builtin();
    let specs = specs();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (kind, r) in &model.resources {
        for (view_name, view) in &r.views {
            let Some(shape) = shape(&specs, view_name) else {
                continue;
            };
            let mut members: Vec<(&String, Sources)> = Vec::new();
            for f in &view.fields {
                members.push((f, storable_values(model, &specs, kind, f)));
            }
            for (m, c) in &view.computed {
                let values = match c {
                    Computed::Const(v) => vec![("a constant".to_owned(), Some(vec![v.clone()]))],
                    Computed::Field(f) => storable_values(model, &specs, kind, f),
                    Computed::Inherit {
                        field,
                        when,
                        from,
                        otherwise,
                    } => {
                        // Its own values but `when`, then an ancestor's, then `otherwise`.
                        let mut all: Sources = storable_values(model, &specs, kind, field)
                            .into_iter()
                            .map(|(source, values)| {
                                let kept =
                                    values.map(|v| v.into_iter().filter(|x| x != when).collect());
                                (source, kept)
                            })
                            .collect();
                        for ancestor in model.ancestors(kind) {
                            if model.resources[ancestor].fields.contains_key(from) {
                                all.extend(storable_values(model, &specs, ancestor, from));
                            }
                        }
                        all.push(("its fallback".to_owned(), Some(vec![otherwise.clone()])));
                        all
                    }
                    Computed::Map {
                        values, default, ..
                    } => {
                        let mut all: Vec<Value> = values.values().cloned().collect();
                        all.push(default.clone());
                        vec![("its table".to_owned(), Some(all))]
                    }
                    _ => continue,
                };
                members.push((m, values));
            }
            for (member, sources) in members {
                let Some(documented) = shape.get(member).and_then(|m| m.values.as_ref()) else {
                    continue;
                };
                for (source, values) in sources {
                    let Some(values) = values else {
                        // A free request parameter copied in: what a caller sends is shown.
                        continue;
                    };
                    for v in values {
                        // An array field holds elements of the enumeration.
                        let elements = match &v {
                            Value::Array(items) => items.clone(),
                            other => vec![other.clone()],
                        };
                        for e in elements {
                            checked += 1;
                            if !documented.contains(&e) {
                                problems.push(format!(
                                    "{kind}.{view_name}.{member}: {e} (from {source}) is not documented ({})",
                                    documented
                                        .iter()
                                        .map(Value::to_string)
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 100, "{checked} values checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
