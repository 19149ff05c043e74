//! The emulated account: every resource of the model, as JSON fields under its id, with its
//! parent, its children in creation order, and the transition it is going through.
//!
//! One `RwLock` guards it (in [`crate::server::Shared`]): an action checks everything it needs
//! and then changes the state under one write lock, so two requests racing for one port cannot
//! both win, and a failed action leaves nothing behind. Reads share the lock.
//!
//! Time: a transitional status (`CREATING`) is given a deadline on the emulator's clock; a
//! request that comes after the earliest deadline first settles every transition due (under the
//! write lock), so every answer shows the state as of its own time.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::clock::Clock;
use crate::config::{Config, Fixture};
use crate::model::{IdFormat, Model};

/// Whether an id names a proxy or a proxy group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetKind {
    /// A proxy (`link-...`), `ProxyId` on the wire.
    Proxy,
    /// A proxy group (`lg-...`), `GroupId` on the wire.
    Group,
}

/// A listener as the emulator holds it: plain data, for tests to inspect
/// ([`Emulator::listeners_on`](crate::Emulator::listeners_on)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    /// `listener-` and eight characters of `[0-9a-z]`.
    pub listener_id: String,
    pub listener_name: String,
    pub port: u16,
    /// `TCP`, `UDP`, `HTTP` or `HTTPS`.
    pub protocol: String,
    /// The proxy or group the listener belongs to.
    pub owner_id: String,
    pub owner_kind: TargetKind,
    /// `rr`, `wrr`, `lc` or `lrtt` (empty for HTTP and HTTPS listeners).
    pub scheduler: String,
    /// `IP` or `DOMAIN` (empty for HTTP and HTTPS listeners).
    pub real_server_type: String,
    /// 1 when health checks are on.
    pub health_check: u64,
    pub delay_loop: u64,
    pub connect_timeout: u64,
    /// The element of `RealServerPorts` paired with this port, when given.
    pub real_server_port: Option<u64>,
    pub client_ip_method: i64,
    pub failover_switch: i64,
    pub healthy_threshold: u64,
    pub unhealthy_threshold: u64,
    /// Unix seconds of the emulator's clock.
    pub create_time: i64,
}

/// One resource.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Resource {
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub fields: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
}

/// A transition under way: `field` becomes `to` at `at` (unix nanoseconds of the emulator's
/// clock); `to` null removes the resource.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Pending {
    pub field: String,
    pub to: Value,
    pub at: i64,
}

pub(crate) struct State {
    pub model: &'static Model,
    resources: HashMap<String, Resource>,
    /// Parent id → children ids, in creation order.
    children: HashMap<String, Vec<String>>,
    /// Kind → creation number → id: every resource of a kind, in creation order.
    by_kind: HashMap<String, BTreeMap<u64, String>>,
    /// Id → creation number.
    order: HashMap<String, u64>,
    next_order: u64,
    next_sequence: HashMap<String, u64>,
    /// Deadlines of the pending transitions, earliest first (stale entries are skipped).
    due: BinaryHeap<Reverse<(i64, String)>>,
    /// The earliest deadline, readable without the lock (`i64::MAX`: none).
    earliest: AtomicI64,
    pub transition_nanos: i64,
    pub clock: Clock,
    /// The client tokens answered, for the actions that have one.
    pub client_tokens: ClientTokens,
}

/// How many client tokens an account remembers (the emulator's choice; the documentation gives
/// no number): beyond it, the oldest is forgotten, so that tokens cannot fill the memory.
pub const MAX_CLIENT_TOKENS: usize = 10_000;

/// A client token's first answer: the fingerprint of the parameters it came with, and the
/// response members (without `RequestId`).
pub(crate) struct Seen {
    pub fingerprint: [u8; 32],
    pub answer: Map<String, Value>,
}

/// The client tokens answered, by action, oldest first. Kept while the emulator runs (a saved
/// state does not hold them; loading one forgets them).
#[derive(Default)]
pub(crate) struct ClientTokens {
    by_action: HashMap<String, HashMap<String, Seen>>,
    order: VecDeque<(String, String)>,
}

impl ClientTokens {
    pub fn get(&self, action: &str, token: &str) -> Option<&Seen> {
        self.by_action.get(action)?.get(token)
    }

    pub fn remember(
        &mut self,
        action: &str,
        token: &str,
        fingerprint: [u8; 32],
        answer: Map<String, Value>,
    ) {
        if self.order.len() >= MAX_CLIENT_TOKENS
            && let Some((old_action, old_token)) = self.order.pop_front()
            && let Some(tokens) = self.by_action.get_mut(&old_action)
        {
            tokens.remove(&old_token);
        }
        self.by_action.entry(action.to_owned()).or_default().insert(
            token.to_owned(),
            Seen {
                fingerprint,
                answer,
            },
        );
        self.order.push_back((action.to_owned(), token.to_owned()));
    }
}

/// The highest next number a loaded sequence may have: half of u64, so that counting on from it
/// never reaches the end of u64 (an account holds far fewer resources).
const MAX_SEQUENCE: u64 = u64::MAX / 2;

/// The state as exported: every resource in creation order, and the id counters.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Exported {
    format: u32,
    resources: Vec<Resource>,
    #[serde(default)]
    sequences: BTreeMap<String, u64>,
}

impl State {
    pub fn empty(model: &'static Model, clock: Clock, transition_nanos: i64) -> Self {
        State {
            model,
            resources: HashMap::new(),
            children: HashMap::new(),
            by_kind: HashMap::new(),
            order: HashMap::new(),
            next_order: 0,
            next_sequence: HashMap::new(),
            due: BinaryHeap::new(),
            earliest: AtomicI64::new(i64::MAX),
            transition_nanos,
            clock,
            client_tokens: ClientTokens::default(),
        }
    }

    /// The account a config describes: its proxies and groups, then its saved state; the
    /// reason when the saved state cannot be loaded.
    pub fn from_config(config: &Config) -> Result<Self, String> {
        let nanos = i64::try_from(config.transition_time.as_nanos()).unwrap_or(i64::MAX);
        let mut state = State::empty(Model::builtin(), config.clock.clone(), nanos);
        let now = config.clock.now_unix_seconds();
        for (kind, fixture) in config
            .groups
            .iter()
            .map(|f| ("group", f))
            .chain(config.proxies.iter().map(|f| ("proxy", f)))
        {
            state.insert_fixture(kind, fixture, now);
        }
        if let Some(saved) = &config.state {
            state.load(saved)?;
        }
        Ok(state)
    }

    fn insert_fixture(&mut self, kind: &str, fixture: &Fixture, now: i64) {
        let def = &self.model.resources[kind];
        let mut fields = self.defaults(kind);
        if let Some(status) = &def.status {
            fields.insert(status.field.clone(), Value::from(fixture.status.clone()));
        }
        if let Some(f) = &def.created_at {
            fields.insert(f.clone(), Value::from(now));
        }
        if let Some(f) = &def.fixture {
            fields.insert(f.name.clone(), Value::from(fixture.id.clone()));
            fields.insert(
                f.listener_quota.clone(),
                Value::from(fixture.listener_quota),
            );
            fields.insert(
                f.reserved_ports.clone(),
                Value::from(fixture.reserved_ports.clone()),
            );
        }
        self.insert(kind, fixture.id.clone(), None, fields);
    }

    /// The default fields of a kind, its id fields left empty.
    pub fn defaults(&self, kind: &str) -> Map<String, Value> {
        self.model.resources[kind].fields.clone()
    }

    /// Adds a resource; its id fields and parent field are set here.
    pub fn insert(
        &mut self,
        kind: &str,
        id: String,
        parent: Option<String>,
        mut fields: Map<String, Value>,
    ) {
        let def = &self.model.resources[kind];
        let id_value = match def.id {
            IdFormat::Sequence { .. } => id
                .parse::<u64>()
                .map_or(Value::from(id.clone()), Value::from),
            _ => Value::from(id.clone()),
        };
        for f in &def.id_fields {
            fields.insert(f.clone(), id_value.clone());
        }
        let order = self.next_order;
        self.next_order += 1;
        if let Some(parent) = &parent {
            self.children
                .entry(parent.clone())
                .or_default()
                .push(id.clone());
        }
        self.by_kind
            .entry(kind.to_owned())
            .or_default()
            .insert(order, id.clone());
        self.order.insert(id.clone(), order);
        self.resources.insert(
            id.clone(),
            Resource {
                kind: kind.to_owned(),
                id,
                parent,
                fields,
                pending: None,
            },
        );
    }

    /// A fresh id for a resource of `kind`.
    pub fn new_id(&mut self, kind: &str) -> String {
        match &self.model.resources[kind].id {
            IdFormat::Random { prefix, length } => loop {
                let candidate = random_id(prefix, *length);
                if !self.resources.contains_key(&candidate) {
                    break candidate;
                }
            },
            IdFormat::Sequence { start } => {
                let next = self.next_sequence.entry(kind.to_owned()).or_insert(*start);
                loop {
                    let candidate = next.to_string();
                    // `load` keeps sequences far below the end of u64: this never saturates.
                    *next = next.saturating_add(1);
                    if !self.resources.contains_key(&candidate) {
                        break candidate;
                    }
                }
            }
            IdFormat::Uuid => uuid::Uuid::new_v4().to_string(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Resource> {
        self.resources.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Resource> {
        self.resources.get_mut(id)
    }

    /// The children of `id` of any kind, in creation order.
    pub fn children_of<'s>(&'s self, id: &str) -> impl Iterator<Item = &'s Resource> + 's {
        self.children
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|c| self.resources.get(c))
    }

    /// Every resource of `kind`, in creation order.
    pub fn all_of<'s>(&'s self, kind: &str) -> impl Iterator<Item = &'s Resource> + 's {
        self.by_kind
            .get(kind)
            .into_iter()
            .flat_map(|m| m.values())
            .filter_map(|id| self.resources.get(id))
    }

    pub fn count_of(&self, kind: &str) -> usize {
        self.by_kind.get(kind).map_or(0, BTreeMap::len)
    }

    /// The creation number of a resource (for ordering several kinds together).
    pub fn order_of(&self, id: &str) -> u64 {
        self.order.get(id).copied().unwrap_or(u64::MAX)
    }

    /// Removes a resource and everything under it.
    pub fn remove(&mut self, id: &str) {
        let Some(resource) = self.resources.remove(id) else {
            return;
        };
        if let Some(children) = self.children.remove(id) {
            for child in children {
                self.remove(&child);
            }
        }
        if let Some(parent) = &resource.parent
            && let Some(siblings) = self.children.get_mut(parent)
        {
            siblings.retain(|s| s != id);
        }
        if let Some(order) = self.order.remove(id)
            && let Some(of_kind) = self.by_kind.get_mut(&resource.kind)
        {
            of_kind.remove(&order);
        }
    }

    /// Sets a status field. A transitional value (one the model gives a transition, or one with
    /// an explicit `then`) gets a deadline; with a zero transition time it settles at once.
    pub fn set_status(&mut self, id: &str, field: &str, value: Value, then: Option<Value>) {
        let Some(resource) = self.resources.get(id) else {
            return;
        };
        let then = then.or_else(|| {
            let status = self.model.resources[&resource.kind].status.as_ref()?;
            (status.field == field)
                .then(|| status.transitions.iter().find(|t| t.from == value))
                .flatten()
                .map(|t| t.to.clone())
        });
        let Some(resource) = self.resources.get_mut(id) else {
            return;
        };
        resource.fields.insert(field.to_owned(), value);
        resource.pending = None;
        let Some(to) = then else {
            return;
        };
        if self.transition_nanos == 0 {
            self.finish(id, field, to);
            return;
        }
        let at = self
            .clock
            .now_unix_nanos()
            .saturating_add(self.transition_nanos);
        resource.pending = Some(Pending {
            field: field.to_owned(),
            to,
            at,
        });
        self.due.push(Reverse((at, id.to_owned())));
        self.earliest.fetch_min(at, Ordering::AcqRel);
    }

    fn finish(&mut self, id: &str, field: &str, to: Value) {
        if to.is_null() {
            self.remove(id);
        } else {
            // A settled status may itself be transitional (DESTROYING → gone is one step; the
            // model has no chains, but nothing forbids them).
            self.set_status(id, field, to, None);
        }
    }

    /// Whether a transition may be due at `now` (cheap, without the write lock).
    pub fn has_due(&self, now: i64) -> bool {
        self.earliest.load(Ordering::Acquire) <= now
    }

    /// Settles every transition due at `now`.
    pub fn settle(&mut self, now: i64) {
        while let Some(Reverse((at, _))) = self.due.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((at, id))) = self.due.pop() else {
                break;
            };
            let Some(resource) = self.resources.get_mut(&id) else {
                continue;
            };
            match &resource.pending {
                Some(p) if p.at == at => {
                    let Pending { field, to, .. } = resource
                        .pending
                        .take()
                        .unwrap_or_else(|| unreachable!("matched just above"));
                    self.finish(&id, &field, to);
                }
                // Replaced by a later change: that one has its own entry.
                _ => {}
            }
        }
        let next = self.due.peek().map_or(i64::MAX, |Reverse((at, _))| *at);
        self.earliest.store(next, Ordering::Release);
    }

    /// The state as JSON: see `STATE.md` (in the crate) for the format.
    pub fn export(&self) -> Value {
        let mut ids: Vec<(&u64, &String)> = self.order.iter().map(|(id, o)| (o, id)).collect();
        ids.sort_unstable();
        let exported = Exported {
            format: 1,
            resources: ids
                .into_iter()
                .filter_map(|(_, id)| self.resources.get(id).cloned())
                .collect(),
            sequences: self
                .next_sequence
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
        };
        serde_json::to_value(exported).unwrap_or(Value::Null)
    }

    /// Replaces the whole account with an exported one, after checking it: known kinds, unique
    /// ids, parents that exist and are of a kind the model allows, known fields.
    pub fn load(&mut self, saved: &Value) -> Result<(), String> {
        let exported: Exported = serde_path_to_error::deserialize(saved)
            .map_err(|err| format!("{}: {}", err.path(), err.inner()))?;
        if exported.format != 1 {
            return Err(format!("format {}: only 1 is known", exported.format));
        }
        let mut problems = Vec::new();
        // Id → (position, kind) of its first occurrence: parents are looked up here, once each.
        let mut positions: HashMap<&str, (usize, &str)> =
            HashMap::with_capacity(exported.resources.len());
        for (i, r) in exported.resources.iter().enumerate() {
            if positions.insert(&r.id, (i, &r.kind)).is_some() {
                problems.push(format!("resources[{i}] ({}): the id is given twice", r.id));
            }
        }
        for (i, r) in exported.resources.iter().enumerate() {
            let at = format!("resources[{i}] ({})", r.id);
            let Some(def) = self.model.resources.get(&r.kind) else {
                problems.push(format!("{at}: unknown kind `{}`", r.kind));
                continue;
            };
            for f in r.fields.keys() {
                if !def.fields.contains_key(f) {
                    problems.push(format!("{at}: `{f}` is not a field of {}", r.kind));
                }
            }
            match &r.parent {
                Some(parent) => match positions.get(parent.as_str()) {
                    Some((p, _)) if *p >= i => problems.push(format!(
                        "{at}: parent `{parent}` is not among the resources before it"
                    )),
                    None => problems.push(format!(
                        "{at}: parent `{parent}` is not among the resources before it"
                    )),
                    Some((_, k)) if !def.parents.iter().any(|p| p.kind == *k) => {
                        problems.push(format!("{at}: a {} cannot belong to a {k}", r.kind));
                    }
                    Some(_) => {}
                },
                None if !def.parents.is_empty() && !def.parent_optional => {
                    problems.push(format!("{at}: a {} needs a parent", r.kind));
                }
                None => {}
            }
        }
        for (kind, next) in &exported.sequences {
            match self.model.resources.get(kind).map(|r| &r.id) {
                Some(IdFormat::Sequence { .. }) => {
                    if *next > MAX_SEQUENCE {
                        problems.push(format!(
                            "sequences.{kind}: {next} leaves no room for new ids (at most {MAX_SEQUENCE})"
                        ));
                    }
                }
                Some(_) => problems.push(format!("sequences.{kind}: its ids are not numbers")),
                None => problems.push(format!("sequences.{kind}: unknown kind")),
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let mut fresh = State::empty(self.model, self.clock.clone(), self.transition_nanos);
        for r in exported.resources {
            let Resource {
                kind,
                id,
                parent,
                fields,
                pending,
            } = r;
            // Missing fields take their defaults: a hand-written state may be short.
            let mut all = fresh.defaults(&kind);
            all.extend(fields);
            fresh.insert(&kind, id.clone(), parent, all);
            if let Some(p) = pending {
                fresh.due.push(Reverse((p.at, id.clone())));
                fresh.earliest.fetch_min(p.at, Ordering::AcqRel);
                if let Some(res) = fresh.resources.get_mut(&id) {
                    res.pending = Some(p);
                }
            }
        }
        fresh.next_sequence = exported.sequences.into_iter().collect();
        *self = fresh;
        Ok(())
    }

    // ----- Views for the library's inspection API -----

    pub fn listener_count(&self) -> usize {
        self.model
            .resources
            .iter()
            .filter(|(_, r)| r.listener)
            .map(|(k, _)| self.count_of(k))
            .sum()
    }

    pub fn listener(&self, id: &str) -> Option<Listener> {
        let r = self.resources.get(id)?;
        self.model
            .is_listener(&r.kind)
            .then(|| listener_of(r))
            .flatten()
    }

    pub fn listeners_on(&self, owner_id: &str) -> Vec<Listener> {
        self.children_of(owner_id)
            .filter(|r| self.model.is_listener(&r.kind))
            .filter_map(listener_of)
            .collect()
    }

    pub fn set_status_now(&mut self, id: &str, status: &str) -> bool {
        let Some(r) = self.resources.get(id) else {
            return false;
        };
        let Some(def) = self.model.resources[&r.kind].status.as_ref() else {
            return false;
        };
        let field = def.field.clone();
        if let Some(r) = self.resources.get_mut(id) {
            r.fields.insert(field, Value::from(status));
            r.pending = None;
        }
        true
    }
}

fn listener_of(r: &Resource) -> Option<Listener> {
    let f = &r.fields;
    let text = |name: &str| f.get(name).and_then(Value::as_str).unwrap_or("").to_owned();
    let unsigned = |name: &str| f.get(name).and_then(Value::as_u64).unwrap_or(0);
    let signed = |name: &str| f.get(name).and_then(Value::as_i64).unwrap_or(0);
    let group = text("GroupId");
    let (owner_id, owner_kind) = if group.is_empty() {
        (text("ProxyId"), TargetKind::Proxy)
    } else {
        (group, TargetKind::Group)
    };
    Some(Listener {
        listener_id: r.id.clone(),
        listener_name: text("ListenerName"),
        port: u16::try_from(unsigned("Port")).ok()?,
        protocol: text("Protocol"),
        owner_id,
        owner_kind,
        scheduler: text("Scheduler"),
        real_server_type: text("RealServerType"),
        health_check: unsigned("HealthCheck"),
        delay_loop: unsigned("DelayLoop"),
        connect_timeout: unsigned("ConnectTimeout"),
        real_server_port: f.get("RealServerPort").and_then(Value::as_u64),
        client_ip_method: signed("ClientIPMethod"),
        failover_switch: signed("FailoverSwitch"),
        healthy_threshold: unsigned("HealthyThreshold"),
        unhealthy_threshold: unsigned("UnhealthyThreshold"),
        create_time: signed("CreateTime"),
    })
}

/// The state for reading. Every change is checked before it is made, so a panic cannot leave
/// the state half-done: a poisoned lock still guards a consistent state.
pub(crate) fn read_lock(state: &RwLock<State>) -> RwLockReadGuard<'_, State> {
    state.read().unwrap_or_else(PoisonError::into_inner)
}

/// The state for changing (see [`read_lock`] on poisoning).
pub(crate) fn write_lock(state: &RwLock<State>) -> RwLockWriteGuard<'_, State> {
    state.write().unwrap_or_else(PoisonError::into_inner)
}

/// `prefix` and `length` random characters of `[0-9a-z]`, as the API's ids look.
pub(crate) fn random_id(prefix: &str, length: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut id = String::with_capacity(prefix.len() + length);
    id.push_str(prefix);
    let mut random = uuid::Uuid::new_v4().as_u128();
    for i in 0..length {
        if i % 24 == 23 {
            random = uuid::Uuid::new_v4().as_u128();
        }
        id.push(char::from(DIGITS[(random % 36) as usize]));
        random /= 36;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    const SECOND: i64 = 1_000_000_000;

    fn account(clock: &ManualClock, transition_nanos: i64) -> State {
        State::empty(
            Model::builtin(),
            Clock::from(clock.clone()),
            transition_nanos,
        )
    }

    fn add(state: &mut State, kind: &str, parent: Option<&str>) -> String {
        let id = state.new_id(kind);
        let fields = state.defaults(kind);
        state.insert(kind, id.clone(), parent.map(str::to_owned), fields);
        id
    }

    #[test]
    fn transitions_settle_at_their_deadline_and_a_gone_resource_takes_its_children() {
        let clock = ManualClock::at(1_700_000_000);
        let mut s = account(&clock, 3 * SECOND);
        let proxy = add(&mut s, "proxy", None);
        let listener = add(&mut s, "tcp_listener", Some(&proxy));
        s.set_status(&proxy, "Status", Value::from("CREATING"), None);
        assert_eq!(s.get(&proxy).unwrap().fields["Status"], "CREATING");
        let now = clock.now_unix_nanos();
        assert!(!s.has_due(now));
        clock.advance(std::time::Duration::from_secs(3));
        assert!(s.has_due(clock.now_unix_nanos()));
        s.settle(clock.now_unix_nanos());
        assert_eq!(s.get(&proxy).unwrap().fields["Status"], "RUNNING");
        assert!(!s.has_due(i64::MAX - 1));
        // A later change replaces a pending one: only the last counts.
        s.set_status(&proxy, "Status", Value::from("CLOSING"), None);
        s.set_status(&proxy, "Status", Value::from("DESTROYING"), None);
        clock.advance(std::time::Duration::from_secs(3));
        s.settle(clock.now_unix_nanos());
        assert!(s.get(&proxy).is_none() && s.get(&listener).is_none());
        assert_eq!(s.count_of("tcp_listener"), 0);
    }

    #[test]
    fn zero_transition_time_settles_at_once() {
        let clock = ManualClock::at(0);
        let mut s = account(&clock, 0);
        let proxy = add(&mut s, "proxy", None);
        s.set_status(&proxy, "Status", Value::from("CREATING"), None);
        assert_eq!(s.get(&proxy).unwrap().fields["Status"], "RUNNING");
        assert!(s.get(&proxy).unwrap().pending.is_none());
    }

    #[test]
    fn an_exported_account_loads_back_the_same() {
        let clock = ManualClock::at(1_700_000_000);
        let mut s = account(&clock, SECOND);
        let proxy = add(&mut s, "proxy", None);
        let listener = add(&mut s, "tcp_listener", Some(&proxy));
        s.set_status(&listener, "ListenerStatus", Value::from(1), None);
        let dns_parent = add(&mut s, "global_domain", None);
        let record = add(&mut s, "global_dns", Some(&dns_parent));
        assert_eq!(record, "1000");
        let exported = s.export();
        let mut other = account(&clock, SECOND);
        other.load(&exported).unwrap();
        assert_eq!(other.export(), exported);
        // The pending transition came along, and the sequence goes on.
        clock.advance(std::time::Duration::from_secs(1));
        other.settle(clock.now_unix_nanos());
        assert_eq!(other.get(&listener).unwrap().fields["ListenerStatus"], 0);
        assert_eq!(other.new_id("global_dns"), "1001");
        assert_eq!(other.listeners_on(&proxy).len(), 1);
    }

    #[test]
    fn a_bad_account_is_refused_whole_with_every_problem() {
        let clock = ManualClock::at(0);
        let mut s = account(&clock, 0);
        let kept = add(&mut s, "proxy", None);
        let err = s
            .load(&serde_json::json!({"format": 1, "resources": [
                {"kind": "rocket", "id": "r", "fields": {}},
                {"kind": "tcp_listener", "id": "l", "fields": {"Colour": "red"}},
                {"kind": "rule", "id": "x", "parent": "l", "fields": {}}
            ]}))
            .unwrap_err();
        for expected in [
            "unknown kind `rocket`",
            "`Colour` is not a field of tcp_listener",
            "a tcp_listener needs a parent",
            "a rule cannot belong to a tcp_listener",
        ] {
            assert!(err.contains(expected), "{err}");
        }
        assert!(s.get(&kept).is_some(), "nothing changed");
        // Ids given twice, a parent given after its child, and sequences that cannot go on.
        let err = s
            .load(&serde_json::json!({"format": 1, "resources": [
                {"kind": "proxy", "id": "p", "fields": {}},
                {"kind": "proxy", "id": "p", "fields": {}},
                {"kind": "tcp_listener", "id": "l", "parent": "later", "fields": {}},
                {"kind": "proxy", "id": "later", "fields": {}}
            ], "sequences": {"global_dns": u64::MAX, "proxy": 1, "rocket": 1}}))
            .unwrap_err();
        for expected in [
            "resources[1] (p): the id is given twice",
            "parent `later` is not among the resources before it",
            "sequences.global_dns: 18446744073709551615 leaves no room for new ids",
            "sequences.proxy: its ids are not numbers",
            "sequences.rocket: unknown kind",
        ] {
            assert!(err.contains(expected), "{expected}: {err}");
        }
        assert!(s.get(&kept).is_some(), "nothing changed");
    }

    #[test]
    fn client_tokens_are_forgotten_oldest_first_beyond_the_limit() {
        let mut tokens = ClientTokens::default();
        for i in 0..=MAX_CLIENT_TOKENS {
            tokens.remember("CreateProxy", &format!("t{i}"), [0; 32], Map::new());
        }
        assert!(
            tokens.get("CreateProxy", "t0").is_none(),
            "the oldest is forgotten"
        );
        assert!(tokens.get("CreateProxy", "t1").is_some());
        assert!(
            tokens
                .get("CreateProxy", &format!("t{MAX_CLIENT_TOKENS}"))
                .is_some()
        );
        assert!(
            tokens.get("DestroyProxies", "t1").is_none(),
            "tokens are per action"
        );
        assert_eq!(tokens.order.len(), MAX_CLIENT_TOKENS);
    }

    #[test]
    fn random_ids_look_like_the_apis() {
        let id = random_id("listener-", 8);
        let suffix = id.strip_prefix("listener-").unwrap();
        assert_eq!(suffix.len(), 8);
        assert!(
            suffix
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        );
        assert_ne!(random_id("rs-", 8), random_id("rs-", 8));
        assert_eq!(random_id("x-", 30).len(), 32);
    }
}
