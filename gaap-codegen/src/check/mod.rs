//! The second stage: from the spec as written to the checked model.
//!
//! Every problem is recorded in one [`Diagnostics`] and checking goes on, so that an author sees
//! all problems of a file at once; a model is returned only when there is none.

mod builders;
mod errors;
mod members;
mod rules;
mod types;
mod waiters;

use std::collections::{BTreeMap, BTreeSet};

use quote::format_ident;

use members::{CheckedMember, Scope, check_members};
use rules::{RuleScope, check_rules};
use types::{Named, NamedKind, check_enum, enum_base, primitive};

pub use errors::{common_codes, common_error_codes};

use crate::diag::Diagnostics;
use crate::model::{
    Action, Doc, Enum, Field, Idempotency, Presence, Region, RequestIdField, Scalar, Slot, Struct,
    StructRole, Ty, TypeHome, TypeSet,
};
use crate::names;
use crate::spec::{FORMAT_VERSION, RegionSpec, Spec, TypeDef};

/// The object types and enums of several specs, merged into one set for a shared types module.
/// A type defined by several specs must be defined identically in each; an enum open in one
/// (reached from a response) is open; an object type used in any request has a builder. Each
/// spec's problems are reported under its own file. `None` when there was a problem.
pub fn check_shared_types(specs: &[(String, Spec)], all: &mut Diagnostics) -> Option<TypeSet> {
    let before = all.items().len();
    let mut merged = TypeSet::default();
    let mut defined_in: BTreeMap<&str, (&str, &TypeDef)> = BTreeMap::new();
    for (file, spec) in specs {
        let mut diags = Diagnostics::new(file.clone());
        for (name, def) in &spec.types {
            match defined_in.get(name.as_str()) {
                Some((first_file, first_def)) if *first_def != def => diags.error(
                    format!("$.types.{name}"),
                    format!("`{name}` is also defined, differently, in {first_file}"),
                ),
                Some(_) => {}
                None => {
                    defined_in.insert(name, (file, def));
                }
            }
        }
        if let Some(action) = check_action(spec, &mut diags) {
            merge_types(&mut merged, action.types);
        }
        all.extend(diags);
    }
    (all.items().len() == before).then_some(merged)
}

/// Adds the types of `other` not yet in `acc`; an enum open in either is open, an object with a
/// builder in either has it (the definitions are otherwise identical, checked by the caller).
fn merge_types(acc: &mut TypeSet, other: TypeSet) {
    for object in other.objects {
        match acc.objects.iter_mut().find(|o| o.ident == object.ident) {
            Some(existing) => {
                existing.in_requests |= object.in_requests;
                if existing.builder.is_none() {
                    existing.builder = object.builder;
                }
            }
            None => acc.objects.push(object),
        }
    }
    for e in other.enums {
        match acc.enums.iter_mut().find(|x| x.ident == e.ident) {
            Some(existing) => {
                existing.open |= e.open;
                existing.in_requests |= e.in_requests;
            }
            None => acc.enums.push(e),
        }
    }
}

/// Checks a whole spec. `None` when `diags` received a problem.
pub fn check_action(spec: &Spec, diags: &mut Diagnostics) -> Option<Action> {
    let before = diags.items().len();
    check_header(spec, diags);
    let module = names::snake_ident(&spec.action)
        .map_err(|reason| diags.error("$.action", reason))
        .ok();
    let prefix = names::type_ident(&spec.action)
        .map_err(|reason| diags.error("$.action", reason))
        .ok();

    let mut types = check_named_types(spec, &builders::request_side_types(spec), diags);
    let named = named_table(spec);
    let lookup = |name: &str| named.get(name).cloned();

    let action_scope = Scope {
        owner: None,
        named_home: TypeHome::TypesModule,
        lookup: &lookup,
    };
    let request_members = check_members(&spec.request, "$.request", &action_scope, diags);
    let response_members = check_members(&spec.response, "$.response", &action_scope, diags);
    let request_id = check_request_id(&response_members, spec, diags);

    let mut action_enums: Vec<Enum> = Vec::new();
    let mut enum_origin: BTreeMap<String, String> = BTreeMap::new();
    for (path, list) in [
        ("$.request", &request_members),
        ("$.response", &response_members),
    ] {
        for (i, m) in list.iter().enumerate() {
            if let Some(e) = &m.inline_enum {
                let key = e.ident.to_string();
                match action_enums.iter().find(|other| other.ident == e.ident) {
                    Some(other) if other.base == e.base && other.variants == e.variants => {}
                    Some(_) => diags.error(
                        format!("{path}[{i}].enum"),
                        format!(
                            "the enum `{key}` is also generated for {} with other values; \
                             give one of them an `enum_name`",
                            enum_origin[&key]
                        ),
                    ),
                    None => {
                        enum_origin.insert(key, format!("{path}[{i}]"));
                        action_enums.push(e.clone());
                    }
                }
            }
        }
    }

    let request_fields: Vec<Field> = request_members.into_iter().map(|m| m.field).collect();
    let response_fields: Vec<Field> = response_members.into_iter().map(|m| m.field).collect();
    let find_enum = |ty: &Ty| find_enum(ty, &action_enums, &types.enums);
    let (request_slots, request_rules) = check_rules(
        request_fields,
        &spec.rules,
        "$.rules",
        &RuleScope {
            owner: None,
            find_enum: &find_enum,
            declared: &spec
                .request
                .iter()
                .map(|m| m.name.clone())
                .collect::<Vec<_>>(),
        },
        diags,
    );

    let idempotency = idempotency(&spec.action, &request_slots);
    let errors = errors::check_errors(&spec.errors, diags);
    let (module, prefix) = (module?, prefix?);
    let builder = names::type_ident(&format!("{prefix}RequestBuilder")).ok()?;
    let mut request = Struct {
        ident: names::type_ident(&format!("{prefix}Request")).ok()?,
        wire: format!("{}Request", spec.action),
        doc: Doc::new(&spec.description, &spec.description_zh),
        role: StructRole::Request,
        slots: request_slots,
        rules: request_rules,
        builder: None,
        has_default: false,
        in_requests: true,
    };
    request.builder = builders::builder(
        &request,
        builder,
        vec![names::snake_ident("params").ok()?],
        "$.request",
        diags,
    );
    let response = Struct {
        ident: names::type_ident(&format!("{prefix}Response")).ok()?,
        wire: format!("{}Response", spec.action),
        doc: Doc::new(&format!("The successful response of {}.", spec.action), ""),
        role: StructRole::Response,
        slots: response_fields.into_iter().map(Slot::Field).collect(),
        rules: Vec::new(),
        builder: None,
        has_default: false,
        in_requests: false,
    };
    let error = names::type_ident(&format!("{prefix}Error")).ok()?;

    let taken = check_action_names(&request, &response, &error, &action_enums, diags);
    let mut from_response = Reached::default();
    reached(&response, &types, false, &mut from_response);
    let mut from_request = Reached::default();
    reached(&request, &types, false, &mut from_request);
    for e in &mut action_enums {
        e.open |= from_response.local_enums.contains(&e.ident.to_string());
        e.in_requests |= from_request.local_enums.contains(&e.ident.to_string());
    }
    for e in &mut types.enums {
        e.open |= from_response.type_enums.contains(&e.ident.to_string());
        e.in_requests |= from_request.type_enums.contains(&e.ident.to_string());
    }
    let reexports = reexports(&request, &response, &taken);

    let resolve = waiters::Resolve {
        request: &request,
        response: &response,
        types: &types,
        action_enums: &action_enums,
        errors: &errors,
    };
    let pagination = spec
        .pagination
        .as_ref()
        .and_then(|p| waiters::check_pagination(p, "$.pagination", &resolve, diags));
    let waiters = waiters::check_waiters(&spec.waiters, &resolve, diags);

    if diags.items().len() != before {
        return None;
    }
    let sensitive_params = sensitive_paths(&request, &types);
    let sensitive_fields = sensitive_paths(&response, &types);
    Some(Action {
        wire: spec.action.clone(),
        module,
        title: Doc::new(&spec.title, &spec.title_zh),
        description: Doc::new(&spec.description, &spec.description_zh),
        service: spec.service.clone(),
        version: spec.version.clone(),
        host: spec.host.clone(),
        region: match spec.region {
            RegionSpec::None => Region::None,
            RegionSpec::Required => Region::Required,
            RegionSpec::Optional => Region::Optional,
        },
        rate_limit: spec.rate_limit,
        idempotency,
        request,
        response,
        request_id: request_id?,
        error,
        enums: action_enums,
        reexports,
        types,
        errors,
        example_queries: spec
            .examples
            .iter()
            .filter_map(|e| e.query.clone())
            .collect(),
        pagination,
        waiters,
        sensitive_params,
        sensitive_fields,
    })
}

fn check_header(spec: &Spec, diags: &mut Diagnostics) {
    if spec.format != FORMAT_VERSION {
        diags.error(
            "$.format",
            format!(
                "spec format {} is not supported: this generator reads format {FORMAT_VERSION}",
                spec.format
            ),
        );
    }
    for (key, value) in [
        ("service", &spec.service),
        ("version", &spec.version),
        ("host", &spec.host),
    ] {
        if value.trim().is_empty() {
            diags.error(format!("$.{key}"), format!("`{key}` must not be empty"));
        }
    }
    if spec.rate_limit == Some(0) {
        diags.error(
            "$.rate_limit",
            "a rate limit of 0 requests per second allows nothing",
        );
    }
    if spec.host.contains('/') || spec.host.contains(' ') {
        diags.error("$.host", "`host` is a host name, without scheme or path");
    }
}

fn named_table(spec: &Spec) -> BTreeMap<String, Named> {
    spec.types
        .iter()
        .filter_map(|(name, def)| {
            let ident = names::type_ident(name).ok()?;
            let kind = match (&def.members, &def.enum_values, &def.ty) {
                (Some(_), None, None) => NamedKind::Object,
                (None, Some(_), Some(ty)) => {
                    enum_base(&primitive(ty)?)?;
                    NamedKind::Enum
                }
                _ => return None,
            };
            Some((name.clone(), Named { ident, kind }))
        })
        .collect()
}

/// Checks the named types: object types with their members and rules, named enums.
fn check_named_types(
    spec: &Spec,
    request_side: &BTreeSet<String>,
    diags: &mut Diagnostics,
) -> TypeSet {
    let named = named_table(spec);
    let lookup = |name: &str| named.get(name).cloned();
    let mut set = TypeSet::default();
    let mut idents: BTreeMap<String, String> = BTreeMap::new();
    let mut claim = |ident: &str, what: String, at: &str, diags: &mut Diagnostics| {
        if let Some(first) = idents.insert(ident.to_owned(), what.clone()) {
            diags.error(at, format!("{what} and {first} are both `{ident}` in Rust"));
        }
    };

    // Named enums first: object members' rules may compare with their values.
    for (name, def) in &spec.types {
        let at = format!("$.types.{name}");
        let Some(ident) = type_def_ident(name, def, &at, diags) else {
            continue;
        };
        if let (Some(values), Some(ty)) = (&def.enum_values, &def.ty) {
            let Some(base) = primitive(ty).as_ref().and_then(enum_base) else {
                diags.error(
                    format!("{at}.type"),
                    format!("an enumeration is of type string or an integer type, not `{ty}`"),
                );
                continue;
            };
            claim(&ident.to_string(), format!("type `{name}`"), &at, diags);
            let doc = Doc::new(&def.doc, &def.doc_zh);
            if let Some(e) = check_enum(ident, doc, base, values, &format!("{at}.enum"), diags) {
                set.enums.push(e);
            }
        }
    }
    for (name, def) in &spec.types {
        let at = format!("$.types.{name}");
        let Some(members) = &def.members else {
            continue;
        };
        let Ok(ident) = names::type_ident(name) else {
            continue;
        };
        claim(&ident.to_string(), format!("type `{name}`"), &at, diags);
        let scope = Scope {
            owner: Some(name),
            named_home: TypeHome::Local,
            lookup: &lookup,
        };
        let checked: Vec<CheckedMember> =
            check_members(members, &format!("{at}.members"), &scope, diags);
        let mut inline: Vec<Enum> = Vec::new();
        for (i, m) in checked.iter().enumerate() {
            if let Some(e) = &m.inline_enum {
                claim(
                    &e.ident.to_string(),
                    format!("the enum of {at}.members[{i}]"),
                    &format!("{at}.members[{i}]"),
                    diags,
                );
                inline.push(e.clone());
            }
        }
        let fields: Vec<Field> = checked.into_iter().map(|m| m.field).collect();
        let enums_for_rules: Vec<Enum> = set.enums.iter().chain(&inline).cloned().collect();
        let find = |ty: &Ty| find_enum(ty, &enums_for_rules, &[]);
        let (slots, rules) = check_rules(
            fields,
            &def.rules,
            &format!("{at}.rules"),
            &RuleScope {
                owner: Some(name),
                find_enum: &find,
                declared: &members.iter().map(|m| m.name.clone()).collect::<Vec<_>>(),
            },
            diags,
        );
        let mut object = Struct {
            ident,
            wire: name.clone(),
            doc: Doc::new(&def.doc, &def.doc_zh),
            role: StructRole::Object,
            slots,
            rules,
            builder: None,
            has_default: false,
            in_requests: request_side.contains(name),
        };
        object.has_default = builders::has_default(&object);
        if request_side.contains(name) {
            let builder_ident = format_ident!("{}Builder", object.ident);
            // The snake_case of a name that converted to UpperCamelCase always converts.
            if let Ok(module) = names::snake_ident(name) {
                let markers = vec![format_ident!("params"), module];
                object.builder = builders::builder(&object, builder_ident, markers, &at, diags);
            }
            if let Some(b) = &object.builder {
                for ident in [&b.ident, &b.optionals] {
                    claim(
                        &ident.to_string(),
                        format!("the builder of `{name}`"),
                        &at,
                        diags,
                    );
                }
            }
        }
        for choice in object.choices() {
            claim(
                &choice.enum_ident.to_string(),
                format!("the exactly-one-of enum of `{name}`"),
                &format!("{at}.rules"),
                diags,
            );
        }
        set.enums.extend(inline);
        set.objects.push(object);
    }
    check_recursion(&set, diags);
    set
}

fn type_def_ident(
    name: &str,
    def: &TypeDef,
    at: &str,
    diags: &mut Diagnostics,
) -> Option<proc_macro2::Ident> {
    let ident = names::type_ident(name)
        .map_err(|reason| diags.error(at, reason))
        .ok()?;
    match (&def.members, &def.enum_values, &def.ty) {
        (Some(_), None, None) | (None, Some(_), Some(_)) => Some(ident),
        (None, Some(_), None) => {
            diags.error(
                at,
                "an enumeration needs its `type` (string or an integer type)",
            );
            None
        }
        _ => {
            diags.error(
                at,
                "a type is either an object (`members`) or an enumeration (`type` and `enum`)",
            );
            None
        }
    }
}

/// An object type that holds itself without an array between would have infinite size.
fn check_recursion(set: &TypeSet, diags: &mut Diagnostics) {
    let by_name: BTreeMap<String, &Struct> = set
        .objects
        .iter()
        .map(|o| (o.ident.to_string(), o))
        .collect();
    fn direct_objects(s: &Struct) -> Vec<String> {
        s.all_fields()
            .filter_map(|f| match &f.ty {
                Ty::Object(r) => Some(r.ident.to_string()),
                _ => None,
            })
            .collect()
    }
    for object in &set.objects {
        let start = object.ident.to_string();
        let mut stack = direct_objects(object);
        let mut seen = BTreeSet::new();
        while let Some(next) = stack.pop() {
            if next == start {
                diags.error(
                    format!("$.types.{}", object.wire),
                    "the type contains itself without an array in between, which has no finite size",
                );
                break;
            }
            if seen.insert(next.clone())
                && let Some(s) = by_name.get(&next)
            {
                stack.extend(direct_objects(s));
            }
        }
    }
}

fn check_request_id(
    fields: &[CheckedMember],
    spec: &Spec,
    diags: &mut Diagnostics,
) -> Option<RequestIdField> {
    match fields.iter().find(|m| m.field.wire == "RequestId") {
        Some(m) if m.field.ty == Ty::Scalar(Scalar::String) => Some(RequestIdField {
            ident: m.field.ident.clone(),
            optional: m.field.presence == Presence::Optional,
        }),
        Some(_) => {
            diags.error("$.response", "`RequestId` must be of type string");
            None
        }
        // The member's own problem is reported already.
        None if spec.response.iter().any(|m| m.name == "RequestId") => None,
        None => {
            diags.error(
                "$.response",
                "the response needs the `RequestId` field (type string) that every response carries",
            );
            None
        }
    }
}

/// Read-only actions (`Describe…`, `Inquiry…`) may be retried freely; an action whose request
/// has an optional string `ClientToken`, outside any exactly-one-of group, may be retried with
/// the same token, which the client fills when the caller left it empty.
fn idempotency(action: &str, request: &[Slot]) -> Idempotency {
    if action.starts_with("Describe") || action.starts_with("Inquiry") {
        return Idempotency::ReadOnly;
    }
    request
        .iter()
        .find_map(|slot| match slot {
            Slot::Field(f)
                if f.wire == "ClientToken"
                    && f.ty == Ty::Scalar(Scalar::String)
                    && f.presence == Presence::Optional =>
            {
                Some(Idempotency::ClientToken(f.ident.clone()))
            }
            _ => None,
        })
        .unwrap_or(Idempotency::None)
}

/// The enum a field type refers to, among the enums of the field's own module (`local`) or of
/// the types module (`named`).
fn find_enum(ty: &Ty, local: &[Enum], named: &[Enum]) -> Option<Enum> {
    let Ty::Enum(r) = ty.element() else {
        return None;
    };
    let pool = match r.home {
        TypeHome::Local => local,
        TypeHome::TypesModule => named,
    };
    pool.iter().find(|e| e.ident == r.ident).cloned()
}

/// Checks that the types of the action module have distinct names; returns every name taken.
fn check_action_names(
    request: &Struct,
    response: &Struct,
    error: &proc_macro2::Ident,
    enums: &[Enum],
    diags: &mut Diagnostics,
) -> BTreeSet<String> {
    let mut taken: BTreeMap<String, &str> = BTreeMap::new();
    for (ident, what) in [
        (&request.ident, "the request type"),
        (&response.ident, "the response type"),
        (error, "the error type"),
    ] {
        taken.insert(ident.to_string(), what);
    }
    if let Some(builder) = &request.builder {
        taken.insert(builder.ident.to_string(), "the request builder");
        taken.insert(builder.optionals.to_string(), "the request builder");
    }
    for e in enums {
        if let Some(what) = taken.get(&e.ident.to_string()) {
            diags.error(
                "$.request",
                format!(
                    "the enum `{}` has the name of {what}; give it an `enum_name`",
                    e.ident
                ),
            );
        }
    }
    for e in enums {
        taken.insert(e.ident.to_string(), "an enum of a member");
    }
    for choice in request.choices() {
        if let Some(what) = taken.get(&choice.enum_ident.to_string()) {
            diags.error(
                "$.rules",
                format!(
                    "the exactly-one-of enum `{}` has the name of {what}; give the rule another `name`",
                    choice.enum_ident
                ),
            );
        }
    }
    let mut names: BTreeSet<String> = taken.into_keys().collect();
    names.extend(request.choices().map(|c| c.enum_ident.to_string()));
    names
}

/// The named enums that request and response members use directly, in order of first use,
/// except those whose name an item of the action module has already.
fn reexports(
    request: &Struct,
    response: &Struct,
    taken: &BTreeSet<String>,
) -> Vec<proc_macro2::Ident> {
    let mut out: Vec<proc_macro2::Ident> = Vec::new();
    for field in request.all_fields().chain(response.all_fields()) {
        if let Ty::Enum(r) = field.ty.element()
            && r.home == TypeHome::TypesModule
            && !taken.contains(&r.ident.to_string())
            && !out.contains(&r.ident)
        {
            out.push(r.ident.clone());
        }
    }
    out
}

/// What a struct reaches through its fields, by Rust name: the enums of the action module, the
/// enums and object types of the types module.
#[derive(Default)]
struct Reached {
    local_enums: BTreeSet<String>,
    type_enums: BTreeSet<String>,
    objects: BTreeSet<String>,
}

/// Collects what `s` reaches, object types followed through their members. An enum reached
/// from a response is open (has `Unknown`); one reached from a request is flattened and
/// validated.
fn reached(s: &Struct, types: &TypeSet, in_types_module: bool, out: &mut Reached) {
    for field in s.all_fields() {
        match field.ty.element() {
            Ty::Enum(r) if r.home == TypeHome::Local && !in_types_module => {
                out.local_enums.insert(r.ident.to_string());
            }
            Ty::Enum(r) => {
                out.type_enums.insert(r.ident.to_string());
            }
            Ty::Object(r) if out.objects.insert(r.ident.to_string()) => {
                if let Some(object) = types.objects.iter().find(|o| o.ident == r.ident) {
                    reached(object, types, true, out);
                }
            }
            _ => {}
        }
    }
}

/// The `.N`-flattened paths of the `sensitive` members of `s`, through its object types, `*`
/// for an array index: what the generated `Debug` redacts, for the runtime to redact wherever
/// else the values appear.
fn sensitive_paths(s: &Struct, types: &TypeSet) -> Vec<String> {
    fn walk(s: &Struct, prefix: &str, types: &TypeSet, depth: usize, out: &mut Vec<String>) {
        // Object types may refer to each other; a spec's nesting is shallow.
        if depth > 16 {
            return;
        }
        for field in s.all_fields() {
            let mut path = if prefix.is_empty() {
                field.wire.clone()
            } else {
                format!("{prefix}.{}", field.wire)
            };
            let mut ty = &field.ty;
            while let Ty::Array(inner) = ty {
                path.push_str(".*");
                ty = inner;
            }
            if field.sensitive {
                out.push(path);
            } else if let Ty::Object(named) = ty
                && let Some(object) = types.objects.iter().find(|o| o.ident == named.ident)
            {
                walk(object, &path, types, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(s, "", types, 0, &mut out);
    out
}
