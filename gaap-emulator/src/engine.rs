//! The engine: carries out an action as its model binding says, on the state, with the request
//! as JSON (decoded and validated through the SDK's generated type before it gets here), and
//! answers with JSON shaped by the response types of the specs.
//!
//! Every operation checks everything first and changes the state last, under one write lock, so
//! a refused request changes nothing.

use std::collections::HashSet;
use std::sync::RwLock;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use crate::config::MAX_CREATED_PER_REQUEST;
use crate::error::{ApiError, code};
use crate::model::{
    Action, Blocker, BoundBy, CatalogueOp, ClientToken, CreateOp, DeleteOp, DescribeOp, GetOp,
    Model, ModifyOp, Paging, Quota, Reference, ReplaceChildrenOp, Report, Requirement, Scope,
    SetStatusOp, StatisticsOp, Subject, Target, Unique,
};
use crate::state::{Resource, State, read_lock, write_lock};
use crate::statistics::{SeriesParams, series};
use crate::values::{Answer, as_text, catalogue_entry, flag, same, text};

/// A successful answer: response fields, some of them views of resources borrowed from the
/// state, written out (under the lock) without copying the resources into JSON trees first.
pub(crate) struct Reply<'s> {
    members: Vec<(String, Out<'s>)>,
    /// A view whose members are the response's own (`DescribeRules`).
    merged: Option<Shown<'s>>,
}

/// One response field.
pub(crate) enum Out<'s> {
    Value(Value),
    One(Shown<'s>),
    Many(Vec<Shown<'s>>),
}

/// A resource shown as one of its views. `paging` applies to its `all` lists.
#[derive(Clone, Copy)]
pub(crate) struct Shown<'s> {
    state: &'s State,
    resource: &'s Resource,
    view: &'s str,
    paging: Option<(usize, usize)>,
}

impl<'s> Reply<'s> {
    fn new() -> Self {
        Reply {
            members: Vec::new(),
            merged: None,
        }
    }

    fn push(&mut self, field: &str, out: Out<'s>) {
        self.members.push((field.to_owned(), out));
    }

    /// `{"Response": {..., "RequestId": "..."}}`.
    fn body(&self, request_id: &str) -> Result<Vec<u8>, ApiError> {
        struct Inner<'r, 's>(&'r Reply<'s>, &'r str);
        impl Serialize for Inner<'_, '_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                for (field, out) in &self.0.members {
                    map.serialize_entry(field, out)?;
                }
                if let Some(shown) = &self.0.merged {
                    shown.entries(&mut map)?;
                }
                map.serialize_entry("RequestId", self.1)?;
                map.end()
            }
        }
        #[derive(Serialize)]
        struct Envelope<'r, 's> {
            #[serde(rename = "Response")]
            response: Inner<'r, 's>,
        }
        serde_json::to_vec(&Envelope {
            response: Inner(self, request_id),
        })
        .map_err(|err| {
            ApiError::new(
                code::INTERNAL_ERROR,
                format!("the emulator could not write its answer: {err}"),
            )
        })
    }
}

impl From<Answer> for Reply<'_> {
    fn from(answer: Answer) -> Self {
        Reply {
            members: answer
                .into_iter()
                .map(|(k, v)| (k, Out::Value(v)))
                .collect(),
            merged: None,
        }
    }
}

impl Serialize for Out<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Out::Value(value) => value.serialize(serializer),
            Out::One(shown) => shown.serialize(serializer),
            Out::Many(list) => {
                let mut seq = serializer.serialize_seq(Some(list.len()))?;
                for shown in list {
                    seq.serialize_element(shown)?;
                }
                seq.end()
            }
        }
    }
}

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.entries(&mut map)?;
        map.end()
    }
}

impl<'s> Shown<'s> {
    fn new(state: &'s State, resource: &'s Resource, view: &'s str) -> Self {
        Shown {
            state,
            resource,
            view,
            paging: None,
        }
    }

    /// The view's members, in the order the model declares them.
    fn entries<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        let (state, r) = (self.state, self.resource);
        let Some(view) = state.model.resources[&r.kind].views.get(self.view) else {
            return Ok(());
        };
        for f in &view.fields {
            map.serialize_entry(f, r.fields.get(f).unwrap_or(&Value::Null))?;
        }
        for (member, c) in &view.computed {
            use crate::model::Computed as C;
            match c {
                C::Children { kinds, view } => {
                    let list: Vec<Shown<'_>> = state
                        .children_of(&r.id)
                        .filter(|c| kinds.contains(&c.kind))
                        .map(|c| Shown::new(state, c, view))
                        .collect();
                    map.serialize_entry(member, &Out::Many(list))?;
                }
                C::All {
                    kinds,
                    view,
                    except_bound_by,
                } => {
                    let (offset, limit) = self.paging.unwrap_or((0, usize::MAX));
                    let list: Vec<Shown<'_>> =
                        all_except_bound(state, r, kinds, except_bound_by.as_ref())
                            .skip(offset)
                            .take(limit)
                            .map(|x| Shown::new(state, x, view))
                            .collect();
                    map.serialize_entry(member, &Out::Many(list))?;
                }
                other => map.serialize_entry(member, &computed(state, r, other))?,
            }
        }
        Ok(())
    }
}

/// Carries out `action` with `params`; the body of the successful answer.
pub(crate) fn execute(
    lock: &RwLock<State>,
    action: &str,
    params: &Map<String, Value>,
    request_id: &str,
) -> Result<Vec<u8>, ApiError> {
    let model = Model::builtin();
    let Some(binding) = model.actions.get(action) else {
        return Err(ApiError::new(
            code::INTERNAL_ERROR,
            format!("the emulator's model does not bind {action}"),
        ));
    };
    let call = Call { action, params };
    // Each answer is written while the lock that guards what it shows is held.
    let write = |reply: Reply<'_>| reply.body(request_id);
    // Reads share the lock, unless a transition is due: then it is settled first.
    let read = || {
        let state = read_lock(lock);
        let now = state.clock.now_unix_nanos();
        if !state.has_due(now) {
            return state;
        }
        drop(state);
        write_lock(lock).settle(now);
        read_lock(lock)
    };
    let change = || {
        let mut state = write_lock(lock);
        let now = state.clock.now_unix_nanos();
        if state.has_due(now) {
            state.settle(now);
        }
        state
    };
    if let Some(token) = binding.client_token()
        && let Some(value) = text(params, &token.param)
    {
        return idempotent(&mut change(), &call, binding, token, value, request_id);
    }
    match binding {
        Action::Describe(op) => call.describe(&read(), op).and_then(write),
        Action::Get(op) => call.get(&read(), op).and_then(write),
        Action::Catalogue(op) => write(call.catalogue(model, op)?.into()),
        Action::Statistics(op) => write(call.statistics(&read(), op)?.into()),
        Action::Acknowledge(_) => write(Reply::new()),
        Action::Create(op) => call.create(&mut change(), op).and_then(write),
        Action::Modify(op) => write(call.modify(&mut change(), op)?.into()),
        Action::Delete(op) => write(call.delete(&mut change(), op)?.into()),
        Action::SetStatus(op) => write(call.set_status(&mut change(), op)?.into()),
        Action::ReplaceChildren(op) => write(call.replace_children(&mut change(), op)?.into()),
        Action::Custom(op) => {
            drop(read());
            write(crate::custom::run(op.handler, lock, params)?.into())
        }
    }
}

/// An action with a client token, under one write lock: a token already answered with the
/// same parameters gets that answer again (with this request's id) and changes nothing; with
/// other parameters, the action's `duplicate` code. A token's first successful answer is
/// remembered; a refused request is not, so it may be sent again.
fn idempotent(
    state: &mut State,
    call: &Call<'_>,
    binding: &'static Action,
    token: &'static ClientToken,
    value: &str,
    request_id: &str,
) -> Result<Vec<u8>, ApiError> {
    let fingerprint = fingerprint(call.params);
    if let Some(seen) = state.client_tokens.get(call.action, value) {
        if seen.fingerprint != fingerprint {
            return Err(error(
                &token.duplicate,
                format!(
                    "{} `{value}` was sent with other parameters by an earlier {}",
                    token.param, call.action
                ),
            ));
        }
        return Reply::from(seen.answer.clone()).body(request_id);
    }
    let body = match binding {
        Action::Create(op) => call.create(state, op)?.body(request_id)?,
        Action::Modify(op) => Reply::from(call.modify(state, op)?).body(request_id)?,
        Action::Delete(op) => Reply::from(call.delete(state, op)?).body(request_id)?,
        Action::SetStatus(op) => Reply::from(call.set_status(state, op)?).body(request_id)?,
        _ => {
            return Err(error(
                code::INTERNAL_ERROR,
                format!(
                    "the emulator's model gives {} a client token it cannot keep",
                    call.action
                ),
            ));
        }
    };
    // The answer as it was written, less its request id, for the next request with the token.
    let answer = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(mut envelope)) => match envelope.remove("Response") {
            Some(Value::Object(mut response)) => {
                response.remove("RequestId");
                response
            }
            _ => Answer::new(),
        },
        _ => Answer::new(),
    };
    state
        .client_tokens
        .remember(call.action, value, fingerprint, answer);
    Ok(body)
}

/// What identifies a request's parameters: the SHA-256 of their JSON (keys in order), so that
/// a remembered token holds 32 bytes of them, whatever their size.
fn fingerprint(params: &Map<String, Value>) -> [u8; 32] {
    use sha2::Digest;
    let text = serde_json::to_vec(params).unwrap_or_default();
    sha2::Sha256::digest(&text).into()
}

fn error(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(code, message)
}

fn not_found(target: &'static Target, what: &str) -> ApiError {
    error(
        target
            .not_found
            .as_deref()
            .unwrap_or(code::RESOURCE_NOT_FOUND),
        format!("{what} does not exist"),
    )
}

/// A field name in words, for messages: `Port` → `port`, `RealServerIP` → `real server ip`.
fn words(field: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = field.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev_lower = i > 0 && chars[i - 1].is_lowercase();
        if i > 0 && c.is_uppercase() && (prev_lower || next_lower) {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

struct Call<'a> {
    action: &'a str,
    params: &'a Map<String, Value>,
}

impl Call<'_> {
    fn flag(&self, name: &Option<String>) -> bool {
        name.as_deref().is_some_and(|n| flag(self.params, n))
    }

    /// The ids a target names, each checked to exist and be of one of `kinds`.
    fn targets(
        &self,
        state: &State,
        kinds: &[String],
        target: &'static Target,
        unknown_ok: bool,
    ) -> Result<Vec<String>, ApiError> {
        let named = target.params.iter().find_map(|p| {
            let v = self.params.get(p)?;
            match v {
                Value::Array(a) if a.is_empty() => None,
                Value::Null => None,
                _ => Some((p, v)),
            }
        });
        let ids = if let (None, Some(parent_param)) = (named, &target.parent_param) {
            let parent = text(self.params, parent_param).unwrap_or("");
            if state.get(parent).is_none() {
                return Err(error(
                    target
                        .parent_not_found
                        .as_deref()
                        .or(target.not_found.as_deref())
                        .unwrap_or(code::RESOURCE_NOT_FOUND),
                    format!("{parent_param} `{parent}` does not exist"),
                ));
            }
            let found = state.children_of(parent).find(|r| {
                kinds.contains(&r.kind)
                    && target.match_fields.iter().all(|(param, field)| {
                        match (self.params.get(param), r.fields.get(field)) {
                            (Some(p), Some(f)) => same(p, f),
                            _ => false,
                        }
                    })
            });
            match found {
                Some(r) => vec![r.id.clone()],
                None => {
                    let what: Vec<String> = target
                        .match_fields
                        .keys()
                        .map(|p| {
                            format!(
                                "{p} `{}`",
                                self.params.get(p).map(as_text).unwrap_or_default()
                            )
                        })
                        .collect();
                    return Err(not_found(
                        target,
                        &format!("{} on {parent_param} `{parent}`", what.join(", ")),
                    ));
                }
            }
        } else {
            let mut ids = Vec::new();
            let Some((param, value)) = named else {
                return Err(error(
                    code::MISSING_PARAMETER,
                    format!("one of {} is required", target.params.join(", ")),
                ));
            };
            match value {
                Value::Array(items) => ids.extend(items.iter().map(as_text)),
                other => ids.push(as_text(other)),
            }
            for id in &ids {
                let known = state.get(id).is_some_and(|r| kinds.contains(&r.kind));
                if !known && !unknown_ok {
                    return Err(not_found(target, &format!("{param} `{id}`")));
                }
            }
            ids
        };
        for param in target.belongs.keys() {
            if let Some(owner) = text(self.params, param)
                && state.get(owner).is_none()
            {
                let kind = state
                    .model
                    .resources
                    .values()
                    .flat_map(|r| &r.parents)
                    .find(|p| p.field == *param)
                    .map_or_else(|| param.clone(), |p| state.model.noun(&p.kind));
                return Err(not_found(target, &format!("{kind} `{owner}`")));
            }
        }
        // Where the answer has lists, a resource of another owner is reported, not refused.
        if !unknown_ok {
            for id in &ids {
                if let Some(param) = self.foreign(state, target, id) {
                    let given = self.params.get(param).map(as_text).unwrap_or_default();
                    return Err(not_found(target, &format!("`{id}` on {param} `{given}`")));
                }
            }
        }
        Ok(ids)
    }

    /// The `belongs` parameter that `id` does not belong to, if any.
    fn foreign(&self, state: &State, target: &'static Target, id: &str) -> Option<&'static str> {
        let r = state.get(id)?;
        target.belongs.iter().find_map(|(param, field)| {
            let given = self.params.get(param).filter(|v| !as_text(v).is_empty())?;
            (!r.fields.get(field).is_some_and(|f| same(f, given))).then_some(param.as_str())
        })
    }

    fn subject<'s>(&self, state: &'s State, id: &str, of: Subject) -> Option<&'s Resource> {
        let target = state.get(id)?;
        match of {
            Subject::Owner => None,
            Subject::Target => Some(target),
            Subject::Parent => state.get(target.parent.as_deref()?),
            Subject::Grandparent => {
                let parent = state.get(target.parent.as_deref()?)?;
                state.get(parent.parent.as_deref()?)
            }
        }
    }

    /// The requirements on the owner a target names (`ProxyId` of `DeleteListeners`).
    fn require_owner(
        &self,
        state: &State,
        target: &'static Target,
        reqs: &'static [Requirement],
    ) -> Result<(), ApiError> {
        let owner = target
            .belongs
            .keys()
            .find_map(|p| text(self.params, p))
            .and_then(|id| state.get(id));
        let Some(owner) = owner else { return Ok(()) };
        for req in reqs.iter().filter(|r| r.of == Subject::Owner) {
            if !self.flag(&req.unless) {
                check_requirement(state.model, owner, req)?;
            }
        }
        Ok(())
    }

    fn require(
        &self,
        state: &State,
        id: &str,
        reqs: &'static [Requirement],
    ) -> Result<(), ApiError> {
        self.require_each(state, id, reqs)
    }

    fn require_each(
        &self,
        state: &State,
        id: &str,
        reqs: impl IntoIterator<Item = &'static Requirement>,
    ) -> Result<(), ApiError> {
        for req in reqs {
            if self.flag(&req.unless) {
                continue;
            }
            let Some(subject) = self.subject(state, id, req.of) else {
                continue;
            };
            check_requirement(state.model, subject, req)?;
        }
        Ok(())
    }

    fn references(&self, state: &State, refs: &'static [Reference]) -> Result<(), ApiError> {
        for r in refs {
            let values: Vec<String> = match self.params.get(&r.param) {
                Some(Value::Array(items)) => items.iter().map(as_text).collect(),
                Some(v) => vec![as_text(v)],
                None => Vec::new(),
            };
            for v in values {
                if v.is_empty() || r.except.contains(&v) {
                    continue;
                }
                if !state.get(&v).is_some_and(|res| r.kinds.contains(&res.kind)) {
                    return Err(error(&r.error, format!("{} `{v}` does not exist", r.param)));
                }
            }
        }
        Ok(())
    }

    /// The request's parameters into the fields of the same name (or the name `set` gives),
    /// except those in `skip`; then the constants.
    fn copy_params(
        &self,
        def: &crate::model::Resource,
        set: &std::collections::BTreeMap<String, String>,
        skip: &HashSet<&str>,
        constants: &Map<String, Value>,
        into: &mut Map<String, Value>,
    ) {
        for (param, value) in self.params {
            if skip.contains(param.as_str()) {
                continue;
            }
            let field = set.get(param).unwrap_or(param);
            if def.fields.contains_key(field) {
                into.insert(field.clone(), value.clone());
            }
        }
        for (f, v) in constants {
            into.insert(f.clone(), v.clone());
        }
    }

    // ----- create -----

    fn create<'s>(
        &self,
        state: &'s mut State,
        op: &'static CreateOp,
    ) -> Result<Reply<'s>, ApiError> {
        let model = state.model;
        let def = &model.resources[&op.resource];
        // The parent.
        let mut parent: Option<(String, String)> = None; // (id, field)
        for p in &op.parent_params {
            if let Some(id) = text(self.params, p) {
                let Some(found) = state.get(id) else {
                    let kind = def
                        .parents
                        .iter()
                        .find(|d| d.field == *p)
                        .map_or_else(|| p.clone(), |d| model.noun(&d.kind));
                    return Err(error(
                        code::RESOURCE_NOT_FOUND,
                        format!("{kind} `{id}` does not exist"),
                    ));
                };
                if !def
                    .parents
                    .iter()
                    .any(|d| d.field == *p && d.kind == found.kind)
                {
                    return Err(error(
                        op.parent_kind_error
                            .as_deref()
                            .unwrap_or(code::RESOURCE_NOT_FOUND),
                        format!(
                            "{p} `{id}` is a {}, not a parent of a {}",
                            found.kind, op.resource
                        ),
                    ));
                }
                parent = Some((id.to_owned(), p.clone()));
                break;
            }
        }
        if let Some(t) = &op.parent_target {
            let kinds: Vec<String> = def.parents.iter().map(|p| p.kind.clone()).collect();
            let id = self.targets(state, &kinds, t, false)?.remove(0);
            let kind = state.get(&id).map(|r| r.kind.clone()).unwrap_or_default();
            let field = def
                .parents
                .iter()
                .find(|p| p.kind == kind)
                .map(|p| p.field.clone())
                .unwrap_or_default();
            parent = Some((id, field));
        }
        if let Some((pid, _)) = &parent {
            for req in &op.requires {
                if self.flag(&req.unless) {
                    continue;
                }
                let subject = match req.of {
                    Subject::Target | Subject::Parent | Subject::Owner => state.get(pid),
                    Subject::Grandparent => state
                        .get(pid)
                        .and_then(|p| p.parent.as_deref())
                        .and_then(|g| state.get(g)),
                };
                if let Some(subject) = subject {
                    check_requirement(state.model, subject, req)?;
                }
            }
        }
        self.references(state, &op.references)?;

        // How many: within what one request and the account may hold, checked before anything
        // is built (a 10 MB body of ports must not cost gigabytes first).
        let array_len = |param: &str| {
            self.params
                .get(param)
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        };
        let count = op.each.as_ref().map_or(1, |each| array_len(&each.param));
        let spawned = op
            .spawn
            .as_ref()
            .map_or(0, |s| array_len(&s.param).saturating_mul(count));
        per_request(count.saturating_add(spawned))?;
        account_quota(
            state,
            &op.resource,
            count,
            op.account_quota_error.as_deref(),
        )?;
        if let Some(s) = &op.spawn {
            account_quota(
                state,
                &s.resource,
                spawned,
                op.account_quota_error.as_deref(),
            )?;
        }

        // The fields of each resource to make.
        let now = state.clock.now_unix_seconds();
        let mut base = state.defaults(&op.resource);
        let skip: HashSet<&str> = op
            .each
            .iter()
            .flat_map(|e| {
                std::iter::once(e.param.as_str()).chain(e.paired.keys().map(String::as_str))
            })
            .chain(op.spawn.iter().map(|s| s.param.as_str()))
            .chain(op.client_token.iter().map(|t| t.param.as_str()))
            .collect();
        self.copy_params(def, &op.set, &skip, &op.constants, &mut base);
        if let Some(f) = &def.created_at {
            base.insert(f.clone(), Value::from(now));
        }
        if let Some((pid, field)) = &parent {
            base.insert(field.clone(), Value::from(pid.clone()));
        }
        let mut elements = Vec::new();
        match &op.each {
            None => elements.push(base),
            Some(each) => {
                let items = match self.params.get(&each.param) {
                    Some(Value::Array(items)) => items.clone(),
                    _ => Vec::new(),
                };
                for pp in each.paired.keys() {
                    if let Some(Value::Array(values)) = self.params.get(pp)
                        && !values.is_empty()
                        && values.len() != items.len()
                    {
                        return Err(error(
                            code::INVALID_PARAMETER_VALUE,
                            format!(
                                "{pp} has {} elements and {} {}: one for each",
                                values.len(),
                                each.param,
                                items.len()
                            ),
                        ));
                    }
                }
                for (i, item) in items.into_iter().enumerate() {
                    let mut fields = base.clone();
                    match (&each.field, item) {
                        (Some(f), v) => {
                            fields.insert(f.clone(), v);
                        }
                        (None, Value::Object(members)) => {
                            for (m, v) in members {
                                if def.fields.contains_key(&m) {
                                    fields.insert(m, v);
                                }
                            }
                        }
                        (None, _) => {}
                    }
                    for (pp, pf) in &each.paired {
                        if let Some(Value::Array(values)) = self.params.get(pp)
                            && let Some(v) = values.get(i)
                        {
                            fields.insert(pf.clone(), v.clone());
                        }
                    }
                    elements.push(fields);
                }
            }
        }
        let parent_id = parent.as_ref().map(|p| p.0.as_str());
        for u in &op.unique {
            check_unique(state, u, parent_id, &elements, None)?;
        }
        if let (Some(q), Some(pid)) = (&op.quota, parent_id) {
            check_quota(state, q, pid, elements.len())?;
        }
        if let (Some(r), Some(pid)) = (&op.refused, parent_id)
            && let Some(p) = state.get(pid)
        {
            let refused = p.fields.get(&r.parent_field).and_then(Value::as_array);
            for e in &elements {
                if let (Some(v), Some(list)) = (e.get(&r.field), refused)
                    && list.iter().any(|x| same(x, v))
                {
                    return Err(error(
                        &r.error,
                        format!("{} {} is not available on `{pid}`", r.field, as_text(v)),
                    ));
                }
            }
        }

        // Everything is checked: make them.
        let mut ids = Vec::with_capacity(elements.len());
        for fields in elements {
            let id = state.new_id(&op.resource);
            state.insert(
                &op.resource,
                id.clone(),
                parent_id.map(str::to_owned),
                fields,
            );
            if let Some(r) = state.get_mut(&id) {
                let filled: Vec<(String, String)> = op
                    .templates
                    .iter()
                    .map(|(f, t)| (f.clone(), fill(t, &r.fields)))
                    .collect();
                for (f, v) in filled {
                    r.fields.insert(f, Value::from(v));
                }
            }
            if let Some(status) = &def.status {
                state.set_status(&id, &status.field, status.initial.clone(), None);
            }
            ids.push(id);
        }
        if let Some(spawn) = &op.spawn
            && let Some(Value::Array(items)) = self.params.get(&spawn.param)
        {
            let child_def = &model.resources[&spawn.resource];
            let parent_field = child_def
                .parents
                .iter()
                .find(|p| p.kind == op.resource)
                .map(|p| p.field.clone());
            for new_parent in ids.clone() {
                for item in items {
                    let mut fields = state.defaults(&spawn.resource);
                    if let Value::Object(members) = item {
                        for (m, v) in members {
                            if child_def.fields.contains_key(m) {
                                fields.insert(m.clone(), v.clone());
                            }
                        }
                    }
                    let inherited: Vec<(String, Value)> = spawn
                        .inherit
                        .iter()
                        .filter_map(|(child_field, parent_field)| {
                            let v = state.get(&new_parent)?.fields.get(parent_field)?.clone();
                            Some((child_field.clone(), v))
                        })
                        .collect();
                    fields.extend(inherited);
                    if let Some(f) = &child_def.created_at {
                        fields.insert(f.clone(), Value::from(now));
                    }
                    if let Some(f) = &parent_field {
                        fields.insert(f.clone(), Value::from(new_parent.clone()));
                    }
                    let id = state.new_id(&spawn.resource);
                    state.insert(
                        &spawn.resource,
                        id.clone(),
                        Some(new_parent.clone()),
                        fields,
                    );
                    if let Some(status) = &child_def.status {
                        state.set_status(&id, &status.field, status.initial.clone(), None);
                    }
                }
            }
        }
        let parent = parent_id.map(str::to_owned);
        Ok(self.returns(state, op, ids, parent))
    }

    fn returns<'s>(
        &self,
        state: &'s State,
        op: &'static CreateOp,
        ids: Vec<String>,
        parent: Option<String>,
    ) -> Reply<'s> {
        let model = state.model;
        let mut reply = Reply::new();
        let id_value = |id: &String| match state.get(id) {
            Some(r) => model.resources[&r.kind]
                .id_fields
                .first()
                .and_then(|f| r.fields.get(f).cloned())
                .unwrap_or_else(|| Value::from(id.clone())),
            None => Value::from(id.clone()),
        };
        for (field, what) in &op.returns {
            let out = match what.as_str() {
                "id" => Out::Value(ids.first().map(id_value).unwrap_or(Value::Null)),
                "ids" => Out::Value(Value::Array(ids.iter().map(id_value).collect())),
                "parent_id" => Out::Value(parent.clone().map_or(Value::Null, Value::from)),
                view => {
                    let (view, many) = match view.strip_suffix("[]") {
                        Some(v) => (v, true),
                        None => (view, false),
                    };
                    let mut shown: Vec<Shown<'s>> = ids
                        .iter()
                        .filter_map(|id| state.get(id))
                        .map(|r| Shown::new(state, r, view))
                        .collect();
                    match (many, shown.is_empty()) {
                        (true, _) => Out::Many(shown),
                        (false, false) => Out::One(shown.remove(0)),
                        (false, true) => Out::Value(Value::Null),
                    }
                }
            };
            reply.push(field, out);
        }
        reply
    }

    // ----- describe -----

    fn describe<'s>(
        &self,
        state: &'s State,
        op: &'static DescribeOp,
    ) -> Result<Reply<'s>, ApiError> {
        let mut candidates: Vec<&Resource> = Vec::new();
        let scope = op
            .scope
            .iter()
            .find_map(|p| text(self.params, p).map(|v| (p, v)));
        if let Some((param, parent)) = scope {
            let known = state.get(parent).is_some_and(|p| {
                op.resources.iter().any(|k| {
                    state.model.resources[k]
                        .parents
                        .iter()
                        .any(|d| d.kind == p.kind && d.field == *param)
                })
            });
            if !known {
                let kind = op
                    .resources
                    .iter()
                    .flat_map(|k| &state.model.resources[k].parents)
                    .find(|d| d.field == *param)
                    .map_or_else(|| param.to_string(), |d| state.model.noun(&d.kind));
                return match &op.not_found {
                    Some(c) => Err(error(c, format!("{kind} `{parent}` does not exist"))),
                    None => Ok(self.listed(op, Vec::new(), 0, state)),
                };
            }
            candidates.extend(
                state
                    .children_of(parent)
                    .filter(|r| op.resources.contains(&r.kind)),
            );
        } else if op.resources.len() == 1 {
            candidates.extend(state.all_of(&op.resources[0]));
        } else {
            for k in &op.resources {
                candidates.extend(state.all_of(k));
            }
            candidates.sort_by_key(|r| state.order_of(&r.id));
        }
        let ids: Option<HashSet<String>> = op.ids.iter().find_map(|p| match self.params.get(p) {
            Some(Value::Array(items)) if !items.is_empty() => {
                Some(items.iter().map(as_text).collect())
            }
            Some(Value::String(s)) if !s.is_empty() => Some(std::iter::once(s.clone()).collect()),
            _ => None,
        });
        let filters = self.filters(op)?;
        let tags: Vec<(String, String)> = op
            .tags
            .as_ref()
            .and_then(|t| self.params.get(t))
            .and_then(Value::as_array)
            .map(|pairs| pairs.iter().map(tag_pair).collect())
            .unwrap_or_default();
        let search = op
            .search
            .as_ref()
            .and_then(|s| text(self.params, &s.param).map(|v| (s, v.trim_matches('\''))));
        let independent = op
            .independent
            .as_ref()
            .and_then(|p| self.params.get(p))
            .and_then(Value::as_i64);
        let project = op.project.as_ref().and_then(|p| {
            let v = self.params.get(&p.param)?;
            (!same(v, &p.all)).then_some((&p.field, v))
        });
        let mut matches: Vec<&Resource> = candidates
            .into_iter()
            .filter(|r| ids.as_ref().is_none_or(|ids| ids.contains(&r.id)))
            .filter(|r| {
                op.match_fields.iter().all(|(param, field)| {
                    match self.params.get(param).filter(|v| !v.is_null()) {
                        None => true,
                        Some(v) => r.fields.get(field).is_some_and(|f| same(f, v)),
                    }
                })
            })
            .filter(|r| project.is_none_or(|(f, v)| r.fields.get(f).is_some_and(|x| same(x, v))))
            .filter(|r| {
                search.is_none_or(|(s, needle)| {
                    s.fields
                        .iter()
                        .any(|f| r.fields.get(f).is_some_and(|v| as_text(v).contains(needle)))
                })
            })
            .filter(|r| {
                filters.iter().all(|(field, values)| {
                    let v = r.fields.get(*field).map(as_text).unwrap_or_default();
                    values.contains(&v)
                })
            })
            .filter(|r| tags.is_empty() || has_any_tag(r, op.tags.as_deref(), &tags))
            .filter(|r| match independent {
                Some(1) => r.parent.is_none(),
                Some(0) => r.parent.is_some(),
                _ => true,
            })
            .collect();
        if let Some(order) = &op.order {
            let descending = match text(self.params, &order.param) {
                Some("asc") => false,
                Some("desc") => true,
                Some(other) => {
                    return Err(error(
                        code::INVALID_PARAMETER_VALUE,
                        format!("{} `{other}`: asc or desc", order.param),
                    ));
                }
                None => order.default_descending,
            };
            let field = match text(self.params, &order.field_param) {
                Some(name) => order.fields.get(name).ok_or_else(|| {
                    error(
                        code::INVALID_PARAMETER_VALUE,
                        format!(
                            "{} `{name}`: one of {}",
                            order.field_param,
                            order.fields.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    )
                })?,
                None => &order.default_field,
            };
            matches.sort_by(|a, b| {
                let ordering = compare(a.fields.get(field), b.fields.get(field))
                    .then_with(|| state.order_of(&a.id).cmp(&state.order_of(&b.id)));
                if descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            });
        }
        let total = matches.len();
        let (offset, limit) = self.page(op.paging.as_ref());
        let page: Vec<&Resource> = matches.into_iter().skip(offset).take(limit).collect();
        Ok(self.listed(op, page, total, state))
    }

    fn page(&self, paging: Option<&Paging>) -> (usize, usize) {
        let Some(p) = paging else {
            return (0, usize::MAX);
        };
        let number = |name: &str| {
            self.params
                .get(name)
                .and_then(|v| v.as_u64().or_else(|| as_text(v).parse().ok()))
        };
        let offset = number(&p.offset).unwrap_or(0);
        let limit = number(&p.limit).unwrap_or(p.default).min(p.max);
        (
            usize::try_from(offset).unwrap_or(usize::MAX),
            usize::try_from(limit).unwrap_or(usize::MAX),
        )
    }

    fn listed<'s>(
        &self,
        op: &'static DescribeOp,
        page: Vec<&'s Resource>,
        total: usize,
        state: &'s State,
    ) -> Reply<'s> {
        let mut reply = Reply::new();
        let shown: Vec<Shown<'s>> = page
            .into_iter()
            .map(|r| Shown::new(state, r, &op.view))
            .collect();
        for list in &op.list {
            reply.push(list, Out::Many(shown.clone()));
        }
        if let Some(t) = &op.total {
            reply.push(t, Out::Value(Value::from(total)));
        }
        reply
    }

    /// The filters of the request: (field, accepted values), an unknown name refused.
    fn filters(
        &self,
        op: &'static DescribeOp,
    ) -> Result<Vec<(&'static String, Vec<String>)>, ApiError> {
        let Some(spec) = &op.filters else {
            return Ok(Vec::new());
        };
        let Some(Value::Array(filters)) = self.params.get(&spec.param) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (i, f) in filters.iter().enumerate() {
            let name = f.get("Name").map(as_text).unwrap_or_default();
            let Some(field) = spec.names.get(&name) else {
                return Err(error(
                    code::INVALID_PARAMETER_VALUE,
                    format!(
                        "{}[{i}].Name `{name}` is not a filter of {}: {}",
                        spec.param,
                        self.action,
                        spec.names.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            };
            let values = f
                .get("Values")
                .and_then(Value::as_array)
                .map(|v| v.iter().map(as_text).collect())
                .unwrap_or_default();
            out.push((field, values));
        }
        Ok(out)
    }

    // ----- get -----

    fn get<'s>(&self, state: &'s State, op: &'static GetOp) -> Result<Reply<'s>, ApiError> {
        let id = self
            .targets(state, &op.resources, &op.target, false)?
            .remove(0);
        self.require(state, &id, &op.requires)?;
        let Some(r) = state.get(&id) else {
            return Err(not_found(&op.target, &id));
        };
        let shown = Shown {
            paging: op.paging.as_ref().map(|p| self.page(Some(p))),
            ..Shown::new(state, r, &op.view)
        };
        let mut reply = Reply::new();
        match &op.field {
            Some(field) => reply.push(field, Out::One(shown)),
            None => reply.merged = Some(shown),
        }
        Ok(reply)
    }

    // ----- modify -----

    fn modify(&self, state: &mut State, op: &'static ModifyOp) -> Result<Answer, ApiError> {
        let ids = self.targets(state, &op.resources, &op.target, false)?;
        self.require_owner(state, &op.target, &op.requires)?;
        let model = state.model;
        let mut skip: HashSet<&str> = op.ignore.iter().map(String::as_str).collect();
        skip.extend(op.target.params.iter().map(String::as_str));
        skip.extend(op.target.parent_param.as_deref());
        skip.extend(op.target.match_fields.keys().map(String::as_str));
        skip.extend(op.target.belongs.keys().map(String::as_str));
        skip.extend(op.client_token.iter().map(|t| t.param.as_str()));
        let mut changes: Vec<(String, Map<String, Value>)> = Vec::new();
        for id in &ids {
            self.require(state, id, &op.requires)?;
            self.references(state, &op.references)?;
            self.blockers(state, id, &op.blocked_by)?;
            let Some(r) = state.get(id) else { continue };
            let def = &model.resources[&r.kind];
            let mut fields = Map::new();
            self.copy_params(def, &op.set, &skip, &op.constants, &mut fields);
            for (f, template) in &op.templates {
                fields.insert(f.clone(), Value::from(fill(template, &r.fields)));
            }
            if !op.unique.is_empty() {
                let mut after = r.fields.clone();
                after.extend(fields.clone());
                for u in &op.unique {
                    check_unique(
                        state,
                        u,
                        r.parent.as_deref(),
                        std::slice::from_ref(&after),
                        Some(id),
                    )?;
                }
            }
            changes.push((id.clone(), fields));
        }
        for (id, fields) in changes {
            if let Some(r) = state.get_mut(&id) {
                r.fields.extend(fields);
            }
            if let Some(status) = &op.status {
                let field = state
                    .get(&id)
                    .and_then(|r| model.resources[&r.kind].status.as_ref())
                    .map(|s| s.field.clone());
                if let Some(field) = field {
                    state.set_status(&id, &field, status.clone(), None);
                }
            }
        }
        let mut answer = Answer::new();
        for (field, what) in &op.returns {
            let value = match (what.as_str(), ids.first().and_then(|id| state.get(id))) {
                ("id", Some(r)) => Value::from(r.id.clone()),
                (f, Some(r)) => r.fields.get(f).cloned().unwrap_or(Value::Null),
                (_, None) => Value::Null,
            };
            answer.insert(field.clone(), value);
        }
        Ok(answer)
    }

    fn blockers(
        &self,
        state: &State,
        id: &str,
        blockers: &'static [Blocker],
    ) -> Result<(), ApiError> {
        for b in blockers {
            if self.flag(&b.unless) {
                continue;
            }
            if let Some(found) = blocker(state, id, b) {
                return Err(error(
                    &b.error,
                    format!("`{id}` still has {} `{}`", found.kind, found.id),
                ));
            }
        }
        Ok(())
    }

    // ----- delete -----

    fn delete(&self, state: &mut State, op: &'static DeleteOp) -> Result<Answer, ApiError> {
        let unknown_ok = op.report.as_ref().is_some_and(|r| r.unknown_is_invalid);
        let ids = self.targets(state, &op.resources, &op.target, unknown_ok)?;
        self.require_owner(state, &op.target, &op.requires)?;
        let mut lists = Lists::default();
        let mut go = Vec::new();
        let mut seen = HashSet::new();
        for id in ids {
            if !seen.insert(id.clone())
                || state.get(&id).is_none()
                || self.foreign(state, &op.target, &id).is_some()
            {
                lists.invalid.push(id);
                continue;
            }
            // A requirement of the whole request refuses it even where the answer has lists.
            let whole = op.requires.iter().filter(|r| r.whole_request);
            self.require_each(state, &id, whole)?;
            let reportable = op.requires.iter().filter(|r| !r.whole_request);
            match (self.require_each(state, &id, reportable), &op.report) {
                (Ok(()), _) => {}
                (Err(_), Some(_)) => {
                    lists.invalid.push(id);
                    continue;
                }
                (Err(e), None) => return Err(e),
            }
            // A blocker (bound real servers, children) is the documented error even where the
            // answer has lists: it names what is in the way.
            self.blockers(state, &id, &op.blocked_by)?;
            go.push(id);
        }
        for id in &go {
            match &op.status {
                Some(status) => {
                    let field = state
                        .get(id)
                        .and_then(|r| state.model.resources[&r.kind].status.as_ref())
                        .map(|s| s.field.clone());
                    match field {
                        Some(f) => state.set_status(id, &f, status.clone(), None),
                        None => state.remove(id),
                    }
                }
                None => state.remove(id),
            }
        }
        lists.succeeded = go;
        Ok(lists.answer(op.report.as_ref()))
    }

    // ----- set status -----

    fn set_status(&self, state: &mut State, op: &'static SetStatusOp) -> Result<Answer, ApiError> {
        let unknown_ok = op.report.as_ref().is_some_and(|r| r.unknown_is_invalid);
        let ids = self.targets(state, &op.resources, &op.target, unknown_ok)?;
        self.require_owner(state, &op.target, &op.requires)?;
        let model = state.model;
        let mut lists = Lists::default();
        let mut go = Vec::new();
        for id in ids {
            let Some(r) = state
                .get(&id)
                .filter(|_| self.foreign(state, &op.target, &id).is_none())
            else {
                lists.invalid.push(id);
                continue;
            };
            let Some(status) = model.resources[&r.kind].status.as_ref() else {
                continue;
            };
            let current = r.fields.get(&status.field).cloned().unwrap_or(Value::Null);
            let allowed = op.from.iter().any(|f| same(f, &current));
            if !allowed {
                if op.report.is_some() {
                    lists.invalid.push(id);
                    continue;
                }
                return Err(error(
                    &op.error,
                    format!("`{id}` is {}, not {}", as_text(&current), join(&op.from)),
                ));
            }
            self.require(state, &id, &op.requires)?;
            go.push((id, status.field.clone()));
        }
        for (id, field) in &go {
            state.set_status(id, field, op.to.clone(), op.then.clone());
            if let Some(c) = &op.cascade {
                let children: Vec<(String, String)> = state
                    .children_of(id)
                    .filter(|r| r.kind == c.kind)
                    .filter_map(|r| {
                        let s = model.resources[&r.kind].status.as_ref()?;
                        let cur = r.fields.get(&s.field)?;
                        c.from
                            .iter()
                            .any(|f| same(f, cur))
                            .then(|| (r.id.clone(), s.field.clone()))
                    })
                    .collect();
                for (child, f) in children {
                    state.set_status(&child, &f, c.to.clone(), c.then.clone());
                }
            }
        }
        lists.succeeded = go.into_iter().map(|(id, _)| id).collect();
        let mut answer = lists.answer(op.report.as_ref());
        if let Some(task) = &op.task {
            forget_oldest(state, &task.kind);
            let id = state.new_id(&task.kind);
            let fields = state.defaults(&task.kind);
            state.insert(&task.kind, id.clone(), None, fields);
            if let Some(s) = &model.resources[&task.kind].status {
                state.set_status(&id, &s.field, s.initial.clone(), None);
            }
            answer.insert(task.field.clone(), Value::from(id));
        }
        Ok(answer)
    }

    // ----- replace children -----

    fn replace_children(
        &self,
        state: &mut State,
        op: &'static ReplaceChildrenOp,
    ) -> Result<Answer, ApiError> {
        let id = self
            .targets(state, &op.resources, &op.target, false)?
            .remove(0);
        self.require(state, &id, &op.requires)?;
        let model = state.model;
        let def = &model.resources[&op.child];
        let given = self
            .params
            .get(&op.param)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        per_request(given)?;
        let replaced = state
            .children_of(&id)
            .filter(|r| r.kind == op.child)
            .count();
        account_quota(
            state,
            &op.child,
            given.saturating_sub(replaced),
            op.account_quota_error.as_deref(),
        )?;
        let items: Vec<Map<String, Value>> = match self.params.get(&op.param) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_object().cloned())
                .collect(),
            _ => Vec::new(),
        };
        if let Some(q) = &op.quota
            && items.len() as u64 > q.default
        {
            return Err(error(
                &q.error,
                format!("at most {} {} per {id}", q.default, op.child),
            ));
        }
        for (i, item) in items.iter().enumerate() {
            for r in &op.references {
                let v = item.get(&r.param).map(as_text).unwrap_or_default();
                if !state.get(&v).is_some_and(|res| r.kinds.contains(&res.kind)) {
                    return Err(error(
                        &r.error,
                        format!("{}[{i}].{} `{v}` does not exist", op.param, r.param),
                    ));
                }
            }
            for c in &op.consistent {
                let reference = item.get(&c.reference).map(as_text).unwrap_or_default();
                let expected = state
                    .get(&reference)
                    .and_then(|r| r.fields.get(&c.field))
                    .cloned()
                    .unwrap_or(Value::Null);
                let given = item.get(&c.member).cloned().unwrap_or(Value::Null);
                if !same(&given, &expected) {
                    return Err(error(
                        &c.error,
                        format!(
                            "{}[{i}].{} `{}` is not the {} of `{reference}` (`{}`)",
                            op.param,
                            c.member,
                            as_text(&given),
                            c.field,
                            as_text(&expected)
                        ),
                    ));
                }
            }
        }
        let old: Vec<String> = state
            .children_of(&id)
            .filter(|r| r.kind == op.child)
            .map(|r| r.id.clone())
            .collect();
        for o in old {
            state.remove(&o);
        }
        for item in items {
            let mut fields = state.defaults(&op.child);
            for (m, v) in item {
                if def.fields.contains_key(&m) {
                    fields.insert(m, v);
                }
            }
            let child = state.new_id(&op.child);
            state.insert(&op.child, child, Some(id.clone()), fields);
        }
        Ok(Answer::new())
    }

    // ----- catalogue and statistics -----

    fn catalogue(&self, model: &Model, op: &'static CatalogueOp) -> Result<Answer, ApiError> {
        let mut answer = Answer::new();
        for (field, entry) in &op.output {
            answer.insert(
                field.clone(),
                model.catalogue.get(entry).cloned().unwrap_or(Value::Null),
            );
        }
        for (field, list) in &op.counts {
            let n = answer
                .get(list)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            answer.insert(field.clone(), Value::from(n));
        }
        Ok(answer)
    }

    fn statistics(&self, state: &State, op: &'static StatisticsOp) -> Result<Answer, ApiError> {
        self.targets(state, &op.resources, &op.target, false)?;
        let names = SeriesParams {
            granularity: &op.granularity,
            start: &op.start,
            end: &op.end,
        };
        let points = series(self.params, &names)?;
        let metrics: Vec<Value> = self
            .params
            .get(&op.metrics)
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .map(|n| {
                        serde_json::json!({"MetricName": as_text(n), "MetricData": points.clone()})
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(std::iter::once((op.field.clone(), Value::Array(metrics))).collect())
    }
}

#[derive(Default)]
struct Lists {
    succeeded: Vec<String>,
    invalid: Vec<String>,
    failed: Vec<String>,
}

impl Lists {
    fn answer(self, report: Option<&Report>) -> Answer {
        let mut answer = Answer::new();
        if let Some(r) = report {
            if let Some(s) = &r.succeeded {
                answer.insert(s.clone(), Value::from(self.succeeded));
            }
            answer.insert(r.invalid.clone(), Value::from(self.invalid));
            answer.insert(r.failed.clone(), Value::from(self.failed));
        }
        answer
    }
}

fn join(values: &[Value]) -> String {
    values.iter().map(as_text).collect::<Vec<_>>().join(" or ")
}

fn check_requirement(
    model: &Model,
    subject: &Resource,
    req: &'static Requirement,
) -> Result<(), ApiError> {
    let value = subject
        .fields
        .get(&req.field)
        .cloned()
        .unwrap_or(Value::Null);
    let ok = (req.is_in.is_empty() || req.is_in.iter().any(|v| same(v, &value)))
        && !req.not_in.iter().any(|v| same(v, &value));
    if ok {
        return Ok(());
    }
    let expected = if req.is_in.is_empty() {
        format!("not {}", join(&req.not_in))
    } else {
        join(&req.is_in)
    };
    Err(error(
        req.error.for_kind(&subject.kind),
        format!(
            "{} `{}` has {} {}, not {expected}",
            model.noun(&subject.kind),
            subject.id,
            req.field,
            as_text(&value)
        ),
    ))
}

fn check_unique(
    state: &State,
    u: &'static Unique,
    parent: Option<&str>,
    new: &[Map<String, Value>],
    except: Option<&str>,
) -> Result<(), ApiError> {
    let key = |fields: &Map<String, Value>| -> Option<Vec<String>> {
        u.fields
            .iter()
            .map(|f| fields.get(f).filter(|v| !v.is_null()).map(as_text))
            .collect()
    };
    let existing: Vec<&Resource> = match (u.scope, parent) {
        (Scope::Parent, Some(p)) => state
            .children_of(p)
            .filter(|r| u.among.contains(&r.kind))
            .collect(),
        (Scope::Parent, None) => Vec::new(),
        (Scope::Account, _) => u.among.iter().flat_map(|k| state.all_of(k)).collect(),
    };
    let mut taken: std::collections::HashMap<Vec<String>, String> = existing
        .into_iter()
        .filter(|r| Some(r.id.as_str()) != except)
        .filter_map(|r| Some((key(&r.fields)?, r.id.clone())))
        .collect();
    for fields in new {
        let Some(k) = key(fields) else { continue };
        if let Some(owner) = taken.get(&k) {
            let what: Vec<String> = u
                .fields
                .iter()
                .zip(&k)
                .map(|(f, v)| format!("{} {v}", words(f)))
                .collect();
            let place = parent.and_then(|p| state.get(p)).map_or_else(
                || "the account".to_owned(),
                |p| format!("{} `{}`", state.model.noun(&p.kind), p.id),
            );
            let kind = state.get(owner).map_or_else(String::new, |o| {
                if state.model.is_listener(&o.kind) {
                    "listener ".to_owned()
                } else {
                    format!("{} ", state.model.noun(&o.kind))
                }
            });
            return Err(error(
                &u.error,
                format!(
                    "{place} already has {kind}`{owner}` with {}",
                    what.join(", ")
                ),
            ));
        }
        taken.insert(k, "this request".into());
    }
    Ok(())
}

/// The most resources one request may create (`MAX_CREATED_PER_REQUEST`).
fn per_request(count: usize) -> Result<(), ApiError> {
    if count > MAX_CREATED_PER_REQUEST {
        return Err(error(
            code::INVALID_PARAMETER_VALUE,
            format!(
                "the request would create {count} resources; the emulator creates at most \
                 {MAX_CREATED_PER_REQUEST} in one request"
            ),
        ));
    }
    Ok(())
}

/// The account holds at most its quota of a kind: `adding` more must fit.
fn account_quota(
    state: &State,
    kind: &str,
    adding: usize,
    error_code: Option<&'static str>,
) -> Result<(), ApiError> {
    let Some(q) = state.model.resources[kind]
        .account_quota
        .as_ref()
        .filter(|q| !q.forget_oldest)
    else {
        return Ok(());
    };
    let held = state.count_of(kind);
    if (held as u64).saturating_add(adding as u64) > q.limit {
        return Err(error(
            error_code.unwrap_or(code::LIMIT_EXCEEDED),
            format!(
                "the account holds {held} {kind_noun}s; {adding} more would exceed the emulator's \
                 quota of {}",
                q.limit,
                kind_noun = state.model.noun(kind)
            ),
        ));
    }
    Ok(())
}

/// For a kind whose quota forgets the oldest: makes room for one more.
fn forget_oldest(state: &mut State, kind: &str) {
    let Some(q) = state.model.resources[kind]
        .account_quota
        .as_ref()
        .filter(|q| q.forget_oldest)
    else {
        return;
    };
    while state.count_of(kind) as u64 >= q.limit.max(1) {
        let Some(oldest) = state.all_of(kind).next().map(|r| r.id.clone()) else {
            return;
        };
        state.remove(&oldest);
    }
}

fn check_quota(
    state: &State,
    q: &'static Quota,
    parent: &str,
    adding: usize,
) -> Result<(), ApiError> {
    let Some(p) = state.get(parent) else {
        return Ok(());
    };
    let limit = q
        .limit_field
        .as_ref()
        .and_then(|f| p.fields.get(f))
        .and_then(Value::as_u64)
        .unwrap_or(q.default);
    let held = state
        .children_of(parent)
        .filter(|r| q.among.contains(&r.kind))
        .count();
    if (held + adding) as u64 > limit {
        let what = if q.among.iter().all(|k| state.model.is_listener(k)) {
            "listeners".to_owned()
        } else {
            format!("{}s", state.model.noun(&q.among[0]))
        };
        return Err(error(
            &q.error,
            format!(
                "{} `{parent}` holds {held} {what}; {adding} more would exceed its quota of {limit}",
                state.model.noun(&p.kind)
            ),
        ));
    }
    Ok(())
}

/// The first resource that blocks a change of `id`.
fn blocker<'s>(state: &'s State, id: &str, b: &Blocker) -> Option<&'s Resource> {
    if let Some(child) = state.children_of(id).find(|c| b.children.contains(&c.kind)) {
        return Some(child);
    }
    if !b.descendants.is_empty() {
        let mut stack: Vec<&Resource> = state.children_of(id).collect();
        while let Some(r) = stack.pop() {
            if b.descendants.contains(&r.kind) {
                return Some(r);
            }
            stack.extend(state.children_of(&r.id));
        }
    }
    for kind in &b.referrers {
        let found = state.all_of(kind).find(|r| {
            b.fields.iter().any(|f| match r.fields.get(f) {
                Some(Value::String(s)) => s == id,
                Some(Value::Array(items)) => items.iter().any(|v| v.as_str() == Some(id)),
                _ => false,
            })
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

fn tag_pair(v: &Value) -> (String, String) {
    (
        v.get("TagKey").map(as_text).unwrap_or_default(),
        v.get("TagValue").map(as_text).unwrap_or_default(),
    )
}

fn has_any_tag(r: &Resource, field: Option<&str>, wanted: &[(String, String)]) -> bool {
    let Some(Value::Array(held)) = field.and_then(|f| r.fields.get(f)) else {
        return false;
    };
    held.iter().map(tag_pair).any(|pair| wanted.contains(&pair))
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(std::cmp::Ordering::Equal),
        (x, y) => as_text(x.unwrap_or(&Value::Null)).cmp(&as_text(y.unwrap_or(&Value::Null))),
    }
}

/// `{Field}` holes filled with the fields' text.
fn fill(template: &str, fields: &Map<String, Value>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &rest[start + 1..start + end];
        out.push_str(&fields.get(name).map(as_text).unwrap_or_default());
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// The value of a computed member other than a list of views (see [`Shown::entries`]).
fn computed(state: &State, r: &Resource, c: &crate::model::Computed) -> Value {
    use crate::model::Computed as C;
    let model = state.model;
    match c {
        C::Const(v) => v.clone(),
        C::Field(f) => r.fields.get(f).cloned().unwrap_or(Value::Null),
        C::Map {
            field,
            values,
            default,
        } => r
            .fields
            .get(field)
            .and_then(|v| values.get(&as_text(v)))
            .cloned()
            .unwrap_or_else(|| default.clone()),
        C::Children { kinds, view } => Value::Array(
            state
                .children_of(&r.id)
                .filter(|c| kinds.contains(&c.kind))
                .filter_map(|c| serde_json::to_value(Shown::new(state, c, view)).ok())
                .collect(),
        ),
        C::All {
            kinds,
            view,
            except_bound_by,
        } => Value::Array(
            all_except_bound(state, r, kinds, except_bound_by.as_ref())
                .filter_map(|x| serde_json::to_value(Shown::new(state, x, view)).ok())
                .collect(),
        ),
        C::Count { kinds } => Value::from(
            state
                .children_of(&r.id)
                .filter(|c| kinds.contains(&c.kind))
                .count(),
        ),
        C::DistinctCount { kinds, field } => {
            let mut distinct = HashSet::new();
            for child in state.children_of(&r.id).filter(|c| kinds.contains(&c.kind)) {
                match child.fields.get(field) {
                    Some(Value::Array(items)) => distinct.extend(items.iter().map(as_text)),
                    Some(v) => {
                        distinct.insert(as_text(v));
                    }
                    None => {}
                }
            }
            Value::from(distinct.len())
        }
        C::CountAll {
            kinds,
            except_bound_by,
        } => Value::from(all_except_bound(state, r, kinds, except_bound_by.as_ref()).count()),
        C::Lookup {
            kind,
            id_field,
            field,
        } => r
            .fields
            .get(id_field)
            .and_then(Value::as_str)
            .and_then(|id| state.get(id))
            .filter(|x| &x.kind == kind)
            .and_then(|x| x.fields.get(field).cloned())
            .unwrap_or(Value::Null),
        C::ParentField(field) => r
            .parent
            .as_deref()
            .and_then(|p| state.get(p))
            .and_then(|p| p.fields.get(field).cloned())
            .unwrap_or(Value::Null),
        C::Catalogue { entry, key, field } => r
            .fields
            .get(field)
            .and_then(|wanted| catalogue_entry(&model.catalogue, entry, key, wanted))
            .cloned()
            .unwrap_or(Value::Null),
        C::Inherit {
            field,
            when,
            from,
            otherwise,
        } => {
            let own = r
                .fields
                .get(field)
                .filter(|v| !v.is_null() && !same(v, when));
            if let Some(v) = own {
                return v.clone();
            }
            let mut at = r.parent.as_deref().and_then(|p| state.get(p));
            while let Some(a) = at {
                if let Some(v) = a.fields.get(from).filter(|v| !v.is_null()) {
                    return v.clone();
                }
                at = a.parent.as_deref().and_then(|p| state.get(p));
            }
            otherwise.clone()
        }
        C::ChildField { kind, field } => state
            .children_of(&r.id)
            .find(|c| &c.kind == kind)
            .and_then(|c| c.fields.get(field).cloned())
            .unwrap_or(Value::Null),
        C::LookupEach {
            kind,
            ids_field,
            field,
            id_member,
            value_member,
        } => Value::Array(
            r.fields
                .get(ids_field)
                .and_then(Value::as_array)
                .map(|ids| {
                    ids.iter()
                        .map(|id| {
                            let v = id
                                .as_str()
                                .and_then(|id| state.get(id))
                                .filter(|x| &x.kind == kind)
                                .and_then(|x| x.fields.get(field).cloned())
                                .unwrap_or(Value::from(""));
                            serde_json::json!({ id_member.as_str(): id, value_member.as_str(): v })
                        })
                        .collect()
                })
                .unwrap_or_default(),
        ),
    }
}

/// Every resource of `kinds`, less those bound (named by the `field` of a child of `r` of the
/// kind `bound_by` says).
fn all_except_bound<'s>(
    state: &'s State,
    r: &'s Resource,
    kinds: &'s [String],
    bound_by: Option<&'s BoundBy>,
) -> impl Iterator<Item = &'s Resource> + 's {
    let bound: HashSet<String> = bound_by
        .map(|b| {
            state
                .children_of(&r.id)
                .filter(|c| c.kind == b.kind)
                .filter_map(|c| c.fields.get(&b.field).and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    kinds
        .iter()
        .flat_map(move |k| state.all_of(k))
        .filter(move |x| !bound.contains(&x.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_fields() {
        let fields: Map<String, Value> =
            serde_json::from_value(serde_json::json!({"GroupId": "lg-1"})).unwrap();
        assert_eq!(
            fill("{GroupId}.group.example", &fields),
            "lg-1.group.example"
        );
        assert_eq!(fill("a{Missing}b{", &fields), "ab{");
    }

    #[test]
    fn fields_read_as_words() {
        assert_eq!(words("Port"), "port");
        assert_eq!(words("RealServerIP"), "real server ip");
        assert_eq!(words("SourceCidr"), "source cidr");
        let model = Model::builtin();
        assert_eq!(model.noun("group"), "proxy group");
        assert_eq!(model.noun("tcp_listener"), "tcp listener");
        assert!(model.is_listener("https_listener") && !model.is_listener("rule"));
    }
}
