//! Real servers and their bindings through the typed client: add (ids `rs-…`, duplicates
//! refused), search, filters and tags, bind to a TCP listener (replacing what was bound, as
//! documented), what is bound and what could be, which proxy uses a real server, and the
//! documented errors of removing or deleting what is still bound.

use gaap::{
    AddRealServersRequest, BindListenerRealServersRequest, CreateTcpListenersRequest,
    DeleteListenersRequest, DescribeListenerRealServersRequest,
    DescribeRealServerStatisticsRequest, DescribeRealServersRequest,
    DescribeRealServersStatusRequest, DescribeTcpListenersRequest, ModifyRealServerNameRequest,
    RemoveRealServersRequest,
};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn real_servers_bind_to_listeners_and_must_be_unbound_before_removal() {
    let (_emulator, clock, client) = on_manual_clock().await;
    let added = call::<AddRealServersRequest>(
        &client,
        json!({"ProjectId": 0, "RealServerIP": ["192.0.2.10", "192.0.2.11", "origin.example.com"],
               "RealServerName": "origin", "TagSet": [{"TagKey": "tier", "TagValue": "db"}]}),
    )
    .await;
    let set = added["RealServerSet"].as_array().unwrap();
    assert_eq!(set.len(), 3);
    assert_eq!(set[2]["RealServerIP"], "origin.example.com");
    let rs: Vec<String> = set
        .iter()
        .map(|r| r["RealServerId"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        rs.iter().all(|id| id.starts_with("rs-") && id.len() == 11),
        "{rs:?}"
    );
    assert_eq!(
        fails::<AddRealServersRequest>(
            &client,
            json!({"ProjectId": 0, "RealServerIP": ["192.0.2.10"], "RealServerName": "again"})
        )
        .await,
        "InvalidParameterValue.DuplicateRS"
    );
    call::<ModifyRealServerNameRequest>(
        &client,
        json!({"RealServerId": rs[1], "RealServerName": "replica"}),
    )
    .await;
    let search = call::<DescribeRealServersRequest>(
        &client,
        json!({"ProjectId": -1, "SearchValue": "192.0.2"}),
    )
    .await;
    assert_eq!(search["TotalCount"], 2);
    let by_name = call::<DescribeRealServersRequest>(
        &client,
        json!({"ProjectId": 0, "Filters": [{"Name": "RealServerName", "Values": ["replica"]}]}),
    )
    .await;
    assert_eq!(by_name["RealServerSet"][0]["RealServerId"], json!(rs[1]));
    let tagged = call::<DescribeRealServersRequest>(
        &client,
        json!({"ProjectId": -1, "TagSet": [{"TagKey": "tier", "TagValue": "db"}], "Limit": 2}),
    )
    .await;
    assert_eq!(
        (
            tagged["TotalCount"].clone(),
            tagged["RealServerSet"].as_array().unwrap().len()
        ),
        (json!(3), 2)
    );

    let listener = strings(
        &call::<CreateTcpListenersRequest>(
            &client,
            json!({"ListenerName": "db", "Ports": [5432], "Scheduler": "wrr", "HealthCheck": 0,
                   "RealServerType": "IP", "ProxyId": PROXY}),
        )
        .await["ListenerIds"],
    )
    .remove(0);
    let bind = |set: serde_json::Value| json!({"ListenerId": listener, "RealServerBindSet": set});
    // Not while the listener is being created.
    let first = bind(
        json!([{"RealServerId": rs[0], "RealServerIP": "192.0.2.10", "RealServerPort": 5432, "RealServerWeight": 3}]),
    );
    assert_eq!(
        fails::<BindListenerRealServersRequest>(&client, first.clone()).await,
        "FailedOperation.ListenerHasTask"
    );
    settle(&clock);
    call::<BindListenerRealServersRequest>(&client, first).await;
    // The IP must be the real server's.
    assert_eq!(
        fails::<BindListenerRealServersRequest>(
            &client,
            bind(json!([{"RealServerId": rs[1], "RealServerIP": "192.0.2.99", "RealServerPort": 5432}]))
        )
        .await,
        "InvalidParameterValue.RealServerNotBelong"
    );
    let bound =
        call::<DescribeListenerRealServersRequest>(&client, json!({"ListenerId": listener})).await;
    assert_eq!(bound["BindRealServerTotalCount"], 1);
    assert_eq!(bound["BindRealServerSet"][0]["RealServerWeight"], 3);
    assert_eq!(bound["TotalCount"], 2, "the two others can still be bound");
    let described =
        call::<DescribeTcpListenersRequest>(&client, json!({"ListenerId": listener})).await;
    assert_eq!(
        described["ListenerSet"][0]["RealServerSet"][0]["RealServerId"],
        json!(rs[0])
    );
    let status =
        call::<DescribeRealServersStatusRequest>(&client, json!({"RealServerIds": [rs[0], rs[1]]}))
            .await;
    assert_eq!(status["RealServerStatusSet"][0]["BindStatus"], 1);
    assert_eq!(status["RealServerStatusSet"][0]["ProxyId"], PROXY);
    assert_eq!(status["RealServerStatusSet"][1]["BindStatus"], 0);

    // Binding replaces: now rs[1] alone.
    call::<BindListenerRealServersRequest>(
        &client,
        bind(
            json!([{"RealServerId": rs[1], "RealServerIP": "192.0.2.11", "RealServerPort": 5433}]),
        ),
    )
    .await;
    let bound =
        call::<DescribeListenerRealServersRequest>(&client, json!({"ListenerId": listener})).await;
    assert_eq!(bound["BindRealServerSet"][0]["RealServerId"], json!(rs[1]));
    assert_eq!(bound["BindRealServerTotalCount"], 1);

    let stats = call::<DescribeRealServerStatisticsRequest>(
        &client,
        json!({"RealServerId": rs[1], "ListenerId": listener, "WithinTime": 1}),
    )
    .await;
    assert!(stats["StatisticsData"].is_array() && stats["RsStatisticsData"].is_array());

    // The wrong order: a bound real server cannot be removed, nor its listener deleted without
    // Force.
    assert_eq!(
        fails::<RemoveRealServersRequest>(&client, json!({"RealServerIds": [rs[1]]})).await,
        "FailedOperation.RealServerAlreadyBound"
    );
    assert_eq!(
        fails::<DeleteListenersRequest>(
            &client,
            json!({"ProxyId": PROXY, "Force": 0, "ListenerIds": [listener]})
        )
        .await,
        "FailedOperation.RealServerAlreadyBound"
    );
    call::<DeleteListenersRequest>(
        &client,
        json!({"ProxyId": PROXY, "Force": 1, "ListenerIds": [listener]}),
    )
    .await;
    call::<RemoveRealServersRequest>(&client, json!({"RealServerIds": rs})).await;
    let left = call::<DescribeRealServersRequest>(&client, json!({"ProjectId": -1})).await;
    assert_eq!(left["TotalCount"], 0);
}

/// A TCP listener binds at most 100 real servers (the emulator's number; the documentation gives
/// none): 101 is `FailedOperation.LimitRealServerNum`, and nothing is bound.
#[tokio::test]
async fn a_listener_binds_at_most_a_hundred_real_servers() {
    let emulator = emulator().await;
    let client = build(client_of(&emulator));
    let ips: Vec<String> = (0..101).map(|i| format!("198.51.100.{i}")).collect();
    let added = call::<AddRealServersRequest>(
        &client,
        json!({"ProjectId": 0, "RealServerIP": ips, "RealServerName": "many"}),
    )
    .await;
    let bind: Vec<serde_json::Value> = added["RealServerSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!({"RealServerId": r["RealServerId"], "RealServerIP": r["RealServerIP"], "RealServerPort": 80}))
        .collect();
    let listener = strings(
        &call::<CreateTcpListenersRequest>(
            &client,
            json!({"ListenerName": "wide", "Ports": [8000], "Scheduler": "rr", "HealthCheck": 0,
                   "RealServerType": "IP", "ProxyId": PROXY}),
        )
        .await["ListenerIds"],
    )
    .remove(0);
    assert_eq!(
        fails::<BindListenerRealServersRequest>(
            &client,
            json!({"ListenerId": listener, "RealServerBindSet": bind})
        )
        .await,
        "FailedOperation.LimitRealServerNum"
    );
    call::<BindListenerRealServersRequest>(
        &client,
        json!({"ListenerId": listener, "RealServerBindSet": bind[..100]}),
    )
    .await;
    let bound =
        call::<DescribeListenerRealServersRequest>(&client, json!({"ListenerId": listener})).await;
    assert_eq!(bound["BindRealServerTotalCount"], 100);
}
