//! The emulated account: proxies, proxy groups and their listeners, with the documented
//! semantics of creating, listing and deleting TCP listeners.
//!
//! One `RwLock` guards everything: a create checks the target, its ports and its quota and
//! inserts its listeners under one write lock, so two requests racing for one port cannot both
//! win. Reads (describe, inspection) share the lock. Every operation is a few map lookups, so the
//! lock is held for microseconds.

use std::collections::HashMap;

use crate::config::{Config, Fixture};
use crate::error::{ApiError, code};

/// Whether an id names a proxy or a proxy group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetKind {
    /// A proxy (`link-...`), `ProxyId` on the wire.
    Proxy,
    /// A proxy group (`lg-...`), `GroupId` on the wire.
    Group,
}

impl TargetKind {
    fn noun(self) -> &'static str {
        match self {
            TargetKind::Proxy => "proxy",
            TargetKind::Group => "proxy group",
        }
    }
}

/// A listener as the emulator holds it: plain data, for tests to inspect
/// ([`Emulator::listeners_on`](crate::Emulator::listeners_on)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    /// `listener-` and eight characters of `[0-9a-z]`.
    pub listener_id: String,
    pub listener_name: String,
    pub port: u16,
    /// `TCP`.
    pub protocol: String,
    /// The proxy or group the listener belongs to.
    pub owner_id: String,
    pub owner_kind: TargetKind,
    /// `rr`, `wrr`, `lc` or `lrtt`.
    pub scheduler: String,
    /// `IP` or `DOMAIN`.
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

/// What the emulator fills in when a create leaves a health check parameter out. The
/// emulator's choice: the documentation gives no defaults.
pub(crate) mod defaults {
    pub const DELAY_LOOP: u64 = 5;
    pub const CONNECT_TIMEOUT: u64 = 2;
    pub const HEALTHY_THRESHOLD: u64 = 3;
    pub const UNHEALTHY_THRESHOLD: u64 = 3;
    pub const DESCRIBE_LIMIT: u64 = 20;
}

struct Target {
    kind: TargetKind,
    status: String,
    quota: u32,
    reserved_ports: Vec<u16>,
    /// Port → listener id.
    ports: HashMap<u16, String>,
    /// Listener ids in creation order.
    listeners: Vec<String>,
}

#[derive(Default)]
pub(crate) struct State {
    targets: HashMap<String, Target>,
    listeners: HashMap<String, Listener>,
}

/// The filters of `DescribeTCPListeners`.
pub(crate) struct ListenerQuery<'a> {
    pub owner: Option<(TargetKind, &'a str)>,
    pub listener_id: Option<&'a str>,
    pub listener_name: Option<&'a str>,
    pub port: Option<u64>,
    pub search: Option<&'a str>,
    pub offset: u64,
    pub limit: u64,
}

/// The outcome of `DeleteListeners`, in the documented three lists.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Deletion {
    pub failed: Vec<String>,
    pub succeeded: Vec<String>,
    pub invalid: Vec<String>,
}

impl State {
    pub fn from_config(config: &Config) -> Self {
        let mut state = State::default();
        let fixtures = config
            .proxies
            .iter()
            .map(|f| (TargetKind::Proxy, f))
            .chain(config.groups.iter().map(|f| (TargetKind::Group, f)));
        for (kind, fixture) in fixtures {
            let Fixture {
                id,
                status,
                listener_quota,
                reserved_ports,
            } = fixture;
            state.targets.insert(
                id.clone(),
                Target {
                    kind,
                    status: status.clone(),
                    quota: *listener_quota,
                    reserved_ports: reserved_ports.clone(),
                    ports: HashMap::new(),
                    listeners: Vec::new(),
                },
            );
        }
        state
    }

    fn target(&self, kind: TargetKind, id: &str) -> Result<&Target, ApiError> {
        self.targets
            .get(id)
            .filter(|t| t.kind == kind)
            .ok_or_else(|| not_found(kind, id))
    }

    /// `CreateTCPListeners`: one listener per port, all or none. `prototype` carries every field
    /// but the id, the port and the real server port.
    pub fn create_listeners(
        &mut self,
        kind: TargetKind,
        owner_id: &str,
        ports: &[u16],
        real_server_ports: &[u64],
        prototype: &Listener,
        mut new_id: impl FnMut() -> String,
    ) -> Result<Vec<String>, ApiError> {
        let target = self.target(kind, owner_id)?;
        if target.status != "RUNNING" {
            let code = match kind {
                TargetKind::Proxy => code::PROXY_NOT_RUNNING,
                TargetKind::Group => code::GROUP_NOT_RUNNING,
            };
            return Err(not_running(code, kind, owner_id, &target.status));
        }
        if let Some(port) = ports.iter().find(|p| target.reserved_ports.contains(p)) {
            return Err(ApiError::new(
                code::INVALID_LISTENER_PORT,
                format!(
                    "port {port} is not available on {} `{owner_id}`",
                    kind.noun()
                ),
            ));
        }
        if let Some(port) = ports.iter().find(|p| target.ports.contains_key(p)) {
            return Err(ApiError::new(
                code::DUPLICATED_LISTENER_PORT,
                format!(
                    "{} `{owner_id}` already has listener `{}` on port {port}",
                    kind.noun(),
                    target.ports[port]
                ),
            ));
        }
        let after = target.listeners.len() + ports.len();
        if after > target.quota as usize {
            return Err(ApiError::new(
                code::LIMIT_NUM_OF_LISTENER,
                format!(
                    "{} `{owner_id}` holds {} listeners; {} more would exceed its quota of {}",
                    kind.noun(),
                    target.listeners.len(),
                    ports.len(),
                    target.quota
                ),
            ));
        }

        let mut ids = Vec::with_capacity(ports.len());
        for (index, &port) in ports.iter().enumerate() {
            let id = loop {
                let candidate = new_id();
                if !self.listeners.contains_key(&candidate) && !ids.contains(&candidate) {
                    break candidate;
                }
            };
            let listener = Listener {
                listener_id: id.clone(),
                port,
                real_server_port: real_server_ports.get(index).copied(),
                ..prototype.clone()
            };
            self.listeners.insert(id.clone(), listener);
            ids.push(id);
        }
        let target = self
            .targets
            .get_mut(owner_id)
            .expect("the target was found above, under the same lock");
        for (id, &port) in ids.iter().zip(ports) {
            target.ports.insert(port, id.clone());
            target.listeners.push(id.clone());
        }
        Ok(ids)
    }

    /// `DescribeTCPListeners`: the total number of matches and the requested page.
    pub fn describe_listeners(
        &self,
        query: &ListenerQuery<'_>,
    ) -> Result<(u64, Vec<&Listener>), ApiError> {
        let candidates: Box<dyn Iterator<Item = &Listener>> = match (query.owner, query.listener_id)
        {
            (Some((kind, id)), _) => {
                let target = self.target(kind, id)?;
                Box::new(
                    target
                        .listeners
                        .iter()
                        .filter_map(|id| self.listeners.get(id)),
                )
            }
            (None, Some(id)) => Box::new(self.listeners.get(id).into_iter()),
            // The spec's rules make one of the three required; an empty answer otherwise.
            (None, None) => Box::new(std::iter::empty()),
        };
        let matches: Vec<&Listener> = candidates
            .filter(|l| query.listener_id.is_none_or(|id| l.listener_id == id))
            .filter(|l| {
                query
                    .listener_name
                    .is_none_or(|name| l.listener_name == name)
            })
            .filter(|l| query.port.is_none_or(|port| u64::from(l.port) == port))
            .filter(|l| {
                query.search.is_none_or(|text| {
                    l.listener_name.contains(text) || l.port.to_string().contains(text)
                })
            })
            .collect();
        let total = matches.len() as u64;
        let offset = usize::try_from(query.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        let page = matches.into_iter().skip(offset).take(limit).collect();
        Ok((total, page))
    }

    /// `DeleteListeners`: removes the listeners of `owner_id` among `ids`; ids that do not exist
    /// or belong elsewhere are "invalid", as documented.
    pub fn delete_listeners(
        &mut self,
        kind: TargetKind,
        owner_id: &str,
        ids: &[String],
    ) -> Result<Deletion, ApiError> {
        let target = self.target(kind, owner_id)?;
        if target.status != "RUNNING" {
            let code = match kind {
                TargetKind::Proxy => code::INSTANCE_NOT_RUNNING,
                TargetKind::Group => code::GROUP_NOT_RUNNING,
            };
            return Err(not_running(code, kind, owner_id, &target.status));
        }
        let mut outcome = Deletion::default();
        for id in ids {
            let belongs = self
                .listeners
                .get(id)
                .is_some_and(|l| l.owner_id == owner_id && l.owner_kind == kind);
            if !belongs {
                outcome.invalid.push(id.clone());
                continue;
            }
            if let Some(listener) = self.listeners.remove(id) {
                let target = self
                    .targets
                    .get_mut(owner_id)
                    .expect("the target was found above, under the same lock");
                target.ports.remove(&listener.port);
                target.listeners.retain(|l| l != id);
                outcome.succeeded.push(id.clone());
            }
        }
        Ok(outcome)
    }

    pub fn listener_count(&self) -> usize {
        self.listeners.len()
    }

    pub fn listener(&self, id: &str) -> Option<&Listener> {
        self.listeners.get(id)
    }

    pub fn listeners_on(&self, owner_id: &str) -> Vec<Listener> {
        self.targets
            .get(owner_id)
            .map(|t| {
                t.listeners
                    .iter()
                    .filter_map(|id| self.listeners.get(id).cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn status(&self, id: &str) -> Option<&str> {
        self.targets.get(id).map(|t| t.status.as_str())
    }

    pub fn set_status(&mut self, id: &str, status: &str) -> bool {
        match self.targets.get_mut(id) {
            Some(target) => {
                target.status = status.to_owned();
                true
            }
            None => false,
        }
    }
}

fn not_found(kind: TargetKind, id: &str) -> ApiError {
    ApiError::new(
        code::RESOURCE_NOT_FOUND,
        format!("{} `{id}` does not exist", kind.noun()),
    )
}

fn not_running(code: &'static str, kind: TargetKind, id: &str, status: &str) -> ApiError {
    ApiError::new(
        code,
        format!("{} `{id}` is {status}, not RUNNING", kind.noun()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prototype(owner: &str, kind: TargetKind) -> Listener {
        Listener {
            listener_id: String::new(),
            listener_name: "l".into(),
            port: 0,
            protocol: "TCP".into(),
            owner_id: owner.into(),
            owner_kind: kind,
            scheduler: "rr".into(),
            real_server_type: "IP".into(),
            health_check: 1,
            delay_loop: 5,
            connect_timeout: 2,
            real_server_port: None,
            client_ip_method: 0,
            failover_switch: 0,
            healthy_threshold: 3,
            unhealthy_threshold: 3,
            create_time: 0,
        }
    }

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("listener-{n:08}")
        }
    }

    fn state() -> State {
        State::from_config(
            &Config::empty()
                .with_proxy(Fixture::running("link-a").quota(3).reserve_ports([22]))
                .with_group(Fixture::with_status("lg-b", "CLOSED")),
        )
    }

    #[test]
    fn creates_are_all_or_nothing_and_respect_ports_and_quota() {
        let mut s = state();
        let p = prototype("link-a", TargetKind::Proxy);
        let mut next = ids();
        let made = s
            .create_listeners(
                TargetKind::Proxy,
                "link-a",
                &[80, 443],
                &[8080],
                &p,
                &mut next,
            )
            .unwrap();
        assert_eq!(made, ["listener-00000001", "listener-00000002"]);
        assert_eq!(s.listener(&made[0]).unwrap().real_server_port, Some(8080));
        assert_eq!(s.listener(&made[1]).unwrap().real_server_port, None);
        let err = |r: Result<Vec<String>, ApiError>| r.unwrap_err().code;
        assert_eq!(
            err(s.create_listeners(TargetKind::Proxy, "link-a", &[81, 443], &[], &p, &mut next)),
            code::DUPLICATED_LISTENER_PORT
        );
        assert_eq!(
            err(s.create_listeners(TargetKind::Proxy, "link-a", &[22], &[], &p, &mut next)),
            code::INVALID_LISTENER_PORT
        );
        assert_eq!(
            err(s.create_listeners(TargetKind::Proxy, "link-a", &[81, 82], &[], &p, &mut next)),
            code::LIMIT_NUM_OF_LISTENER
        );
        assert_eq!(s.listener_count(), 2, "failed creates leave nothing behind");
        assert_eq!(
            err(s.create_listeners(TargetKind::Group, "link-a", &[81], &[], &p, &mut next)),
            code::RESOURCE_NOT_FOUND,
            "a proxy id is no group id"
        );
        assert_eq!(
            err(s.create_listeners(TargetKind::Group, "lg-b", &[81], &[], &p, &mut next)),
            code::GROUP_NOT_RUNNING
        );
    }

    #[test]
    fn ids_that_collide_are_drawn_again() {
        let mut s = state();
        let p = prototype("link-a", TargetKind::Proxy);
        let mut draws = ["listener-same", "listener-same", "listener-other"].into_iter();
        let made = s
            .create_listeners(TargetKind::Proxy, "link-a", &[1, 2], &[], &p, || {
                draws.next().unwrap().to_owned()
            })
            .unwrap();
        assert_eq!(made, ["listener-same", "listener-other"]);
    }

    #[test]
    fn delete_sorts_ids_into_the_documented_lists_and_frees_ports() {
        let mut s = state();
        let p = prototype("link-a", TargetKind::Proxy);
        let mut next = ids();
        let made = s
            .create_listeners(TargetKind::Proxy, "link-a", &[80], &[], &p, &mut next)
            .unwrap();
        let outcome = s
            .delete_listeners(
                TargetKind::Proxy,
                "link-a",
                &[made[0].clone(), "listener-nope".into(), made[0].clone()],
            )
            .unwrap();
        assert_eq!(outcome.succeeded, made);
        assert_eq!(
            outcome.invalid,
            ["listener-nope".to_owned(), made[0].clone()]
        );
        assert!(outcome.failed.is_empty());
        s.create_listeners(TargetKind::Proxy, "link-a", &[80], &[], &p, &mut next)
            .unwrap();
    }

    #[test]
    fn describe_filters_and_pages() {
        let mut s = state();
        let p = prototype("link-a", TargetKind::Proxy);
        let mut next = ids();
        s.create_listeners(
            TargetKind::Proxy,
            "link-a",
            &[80, 8080, 443],
            &[],
            &p,
            &mut next,
        )
        .unwrap();
        let query = |search, offset, limit| ListenerQuery {
            owner: Some((TargetKind::Proxy, "link-a")),
            listener_id: None,
            listener_name: None,
            port: None,
            search,
            offset,
            limit,
        };
        let (total, page) = s.describe_listeners(&query(Some("80"), 0, 20)).unwrap();
        assert_eq!(total, 2);
        assert_eq!(page.iter().map(|l| l.port).collect::<Vec<_>>(), [80, 8080]);
        let (total, page) = s.describe_listeners(&query(None, 1, 1)).unwrap();
        assert_eq!((total, page[0].port), (3, 8080));
        let (total, page) = s
            .describe_listeners(&query(None, u64::MAX, u64::MAX))
            .unwrap();
        assert_eq!((total, page.len()), (3, 0));
    }
}
