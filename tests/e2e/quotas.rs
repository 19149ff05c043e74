//! The emulator's limits, so that no sequence of requests exhausts its memory: each kind's quota
//! per account (the emulator's numbers, which the documentation does not give; listed in
//! `gaap-emulator/COVERAGE.md`), answered with the creating action's documented limit code, and
//! at most `MAX_CREATED_PER_REQUEST` resources made by one request. Each test starts from a saved
//! account already at the quota, as a user's test suite can, rather than making thousands of
//! resources through the API.

use gaap::{
    AddRealServersRequest, CreateGlobalDomainRequest, CreateProxyGroupRequest, CreateProxyRequest,
    CreateSecurityRulesRequest, CreateTcpListenersRequest, DescribeRealServersRequest,
    DescribeTaskStatusRequest, OpenSecurityPolicyRequest,
};
use gaap_emulator::{Config, Emulator, Fixture, MAX_CREATED_PER_REQUEST};
use serde_json::{Value, json};

use crate::support::*;

/// The account quota of a kind, as the emulator documents it.
fn quota(kind: &str) -> usize {
    let facts = gaap_emulator::introspection::resource_kinds();
    let limit = facts
        .iter()
        .find(|k| k.kind == kind)
        .and_then(|k| k.account_quota)
        .unwrap_or_else(|| panic!("{kind} has no account quota"));
    usize::try_from(limit).unwrap()
}

/// An emulator whose account holds `resources` (the format of an exported state) and its client.
async fn with_account(resources: Vec<Value>) -> (Emulator, gaap::Client) {
    let state = json!({"format": 1, "resources": resources});
    let emulator = emulator_with(Config::builtin().with_state(state)).await;
    let client = build(client_of(&emulator));
    (emulator, client)
}

fn real_servers(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({"kind": "real_server", "id": format!("rs-q{i:07}"),
                   "fields": {"RealServerIP": format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255)}})
        })
        .collect()
}

#[tokio::test]
async fn real_servers_stop_at_the_account_quota() {
    let limit = quota("real_server");
    let (emulator, client) = with_account(real_servers(limit - 1)).await;
    let add = |ips: &[&str]| json!({"ProjectId": 0, "RealServerIP": ips, "RealServerName": "q"});
    // Two would be one too many: refused whole.
    assert_eq!(
        fails::<AddRealServersRequest>(&client, add(&["192.0.2.1", "192.0.2.2"])).await,
        "LimitExceeded"
    );
    assert_eq!(emulator.resources("real_server").len(), limit - 1);
    call::<AddRealServersRequest>(&client, add(&["192.0.2.1"])).await;
    assert_eq!(
        fails::<AddRealServersRequest>(&client, add(&["192.0.2.3"])).await,
        "LimitExceeded"
    );
    let listed = call::<DescribeRealServersRequest>(&client, json!({"ProjectId": -1})).await;
    assert_eq!(listed["TotalCount"], limit);
}

#[tokio::test]
async fn security_rules_stop_at_the_account_quota() {
    let limit = quota("security_rule");
    let mut account = vec![
        json!({"kind": "proxy", "id": "link-quota001", "fields": {"Status": "RUNNING"}}),
        json!({"kind": "security_policy", "id": "sp-quota001", "parent": "link-quota001",
               "fields": {"Status": "BOUND", "ProxyId": "link-quota001"}}),
    ];
    account.extend((0..limit).map(|i| {
        json!({"kind": "security_rule", "id": format!("sr-q{i:07}"), "parent": "sp-quota001",
               "fields": {"PolicyId": "sp-quota001", "SourceCidr": format!("10.{}.{}.0/24", i >> 8, i & 255)}})
    }));
    let (_emulator, client) = with_account(account).await;
    assert_eq!(
        fails::<CreateSecurityRulesRequest>(
            &client,
            json!({"PolicyId": "sp-quota001",
                   "RuleList": [{"SourceCidr": "192.0.2.0/24", "Action": "ACCEPT", "Protocol": "TCP", "DestPortRange": "22"}]})
        )
        .await,
        "LimitExceeded"
    );
}

#[tokio::test]
async fn global_domains_stop_at_the_account_quota_with_their_own_code() {
    let limit = quota("global_domain");
    let account = (0..limit)
        .map(|i| json!({"kind": "global_domain", "id": format!("dm-q{i:07}"), "fields": {}}))
        .collect();
    let (_emulator, client) = with_account(account).await;
    assert_eq!(
        fails::<CreateGlobalDomainRequest>(
            &client,
            json!({"ProjectId": 0, "DefaultValue": "one.more.example.com"})
        )
        .await,
        "LimitExceeded.Domain"
    );
}

#[tokio::test]
async fn proxies_stop_at_the_account_quota_also_when_a_group_makes_them() {
    let limit = quota("proxy");
    let account = (0..limit - 1)
        .map(|i| json!({"kind": "proxy", "id": format!("link-q{i:07}"), "fields": {}}))
        .collect();
    let (emulator, client) = with_account(account).await;
    // A group with two proxies would make one too many.
    assert_eq!(
        fails::<CreateProxyGroupRequest>(
            &client,
            json!({"ProjectId": 0, "GroupName": "g", "RealServerRegion": "Shanghai",
                   "AccessRegionSet": [{"AccessRegion": "Hongkong", "Bandwidth": 10, "Concurrent": 2},
                                       {"AccessRegion": "Singapore", "Bandwidth": 10, "Concurrent": 2}]})
        )
        .await,
        "LimitExceeded"
    );
    assert!(emulator.resources("group").is_empty(), "nothing made");
    let proxy = json!({"ProjectId": 0, "ProxyName": "last", "AccessRegion": "Hongkong",
                       "RealServerRegion": "Shanghai", "Bandwidth": 10, "Concurrent": 2});
    call::<CreateProxyRequest>(&client, proxy.clone()).await;
    assert_eq!(
        fails::<CreateProxyRequest>(&client, proxy).await,
        "LimitExceeded"
    );
}

#[tokio::test]
async fn one_request_makes_at_most_a_thousand_resources() {
    let big = Fixture::running("link-big00001").quota(10_000);
    let emulator = emulator_with(Config::builtin().with_proxy(big)).await;
    let client = build(client_of(&emulator));
    let ips: Vec<String> = (0..=MAX_CREATED_PER_REQUEST)
        .map(|i| format!("10.0.{}.{}", i >> 8, i & 255))
        .collect();
    assert_eq!(
        fails::<AddRealServersRequest>(
            &client,
            json!({"ProjectId": 0, "RealServerIP": ips, "RealServerName": "bulk"})
        )
        .await,
        "InvalidParameterValue"
    );
    assert!(emulator.resources("real_server").is_empty(), "nothing made");
    let ports: Vec<u64> = (1..=MAX_CREATED_PER_REQUEST as u64 + 1).collect();
    let listeners = |ports: &[u64]| {
        json!({"ListenerName": "bulk", "Ports": ports, "Scheduler": "rr", "HealthCheck": 0,
               "RealServerType": "IP", "ProxyId": "link-big00001"})
    };
    assert_eq!(
        fails::<CreateTcpListenersRequest>(&client, listeners(&ports)).await,
        "InvalidParameterValue"
    );
    // A thousand is fine.
    call::<CreateTcpListenersRequest>(&client, listeners(&ports[..MAX_CREATED_PER_REQUEST])).await;
    assert_eq!(
        emulator.listeners_on("link-big00001").len(),
        MAX_CREATED_PER_REQUEST
    );
}

#[tokio::test]
async fn the_oldest_tasks_are_forgotten_beyond_the_quota() {
    let limit = quota("task");
    let mut account = vec![
        json!({"kind": "proxy", "id": "link-quota002", "fields": {"Status": "RUNNING"}}),
        json!({"kind": "security_policy", "id": "sp-quota002", "parent": "link-quota002",
               "fields": {"Status": "UNBIND", "ProxyId": "link-quota002"}}),
    ];
    account.extend((0..limit).map(
        |i| json!({"kind": "task", "id": format!("task-{i:07}"), "fields": {"Status": "SUCCESS"}}),
    ));
    let (emulator, client) = with_account(account).await;
    let task = call::<OpenSecurityPolicyRequest>(
        &client,
        json!({"PolicyId": "sp-quota002", "ProxyId": "link-quota002"}),
    )
    .await["TaskId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        call::<DescribeTaskStatusRequest>(&client, json!({"TaskId": task})).await["Status"],
        json!("SUCCESS"),
        "zero transition time: done at once"
    );
    assert_eq!(
        fails::<DescribeTaskStatusRequest>(&client, json!({"TaskId": "task-0000000"})).await,
        "ResourceNotFound"
    );
    call::<DescribeTaskStatusRequest>(&client, json!({"TaskId": "task-0000001"})).await;
    assert_eq!(emulator.resources("task").len(), limit);
}
