//! Proxies through the typed client: create (CREATING, then RUNNING once the emulator's clock
//! passes the transition time), describe by ids, filters, tags,
//! order and exact paging, modify, close and open, destroy (DESTROYING, then gone), the
//! catalogue checks of CheckProxyCreate and InquiryPriceCreateProxy, statistics.

use gaap::{
    CheckProxyCreateRequest, CloseProxiesRequest, CreateProxyRequest, DescribeProxiesRequest,
    DescribeProxiesStatusRequest, DescribeProxyAndStatisticsListenersRequest,
    DescribeProxyDetailRequest, DescribeProxyStatisticsRequest, DestroyProxiesRequest,
    InquiryPriceCreateProxyRequest, ModifyProxiesAttributeRequest, ModifyProxiesProjectRequest,
    ModifyProxyConfigurationRequest, OpenProxiesRequest,
};
use serde_json::json;

use crate::support::*;

fn proxy(name: &str, project: i64) -> serde_json::Value {
    json!({
        "ProjectId": project, "ProxyName": name, "AccessRegion": "Hongkong", "Bandwidth": 10,
        "Concurrent": 2, "RealServerRegion": "Shanghai",
        "TagSet": [{"TagKey": "team", "TagValue": name}]
    })
}

async fn status(client: &gaap::Client, id: &str) -> String {
    let r = call::<DescribeProxiesStatusRequest>(client, json!({"ProxyIds": [id]})).await;
    r["InstanceStatusSet"][0]["Status"]
        .as_str()
        .unwrap_or("gone")
        .to_owned()
}

#[tokio::test]
async fn a_proxy_runs_after_its_transition_and_is_gone_after_destroying() {
    let (_emulator, clock, client) = on_manual_clock().await;
    let created = call::<CreateProxyRequest>(&client, proxy("web", 0)).await;
    let id = created["InstanceId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("link-") && id.len() == 13, "{id}");
    assert_eq!(status(&client, &id).await, "CREATING");
    // A listener cannot be made on a proxy still being created.
    let tcp = req::<gaap::CreateTcpListenersRequest>(json!({
        "ListenerName": "l", "Ports": [80], "Scheduler": "rr", "HealthCheck": 0,
        "RealServerType": "IP", "ProxyId": id
    }));
    assert_eq!(
        code(&client, tcp).await,
        "FailedOperation.ProxyStatusNotInRuning"
    );
    settle(&clock);
    assert_eq!(status(&client, &id).await, "RUNNING");
    let detail = call::<DescribeProxyDetailRequest>(&client, json!({"ProxyId": id})).await;
    let detail = &detail["ProxyDetail"];
    assert_eq!(detail["ProxyName"], "web");
    assert_eq!(detail["AccessRegion"], "Hongkong");
    assert_eq!(detail["AccessRegionInfo"]["RegionId"], "Hongkong");
    assert_eq!(detail["RealServerRegionInfo"]["RegionId"], "Shanghai");
    assert_eq!(
        detail["TagSet"],
        json!([{"TagKey": "team", "TagValue": "web"}])
    );
    assert_eq!(detail["ProxyId"], detail["InstanceId"]);

    // Bigger: ADJUSTING, then RUNNING with the new size.
    call::<ModifyProxyConfigurationRequest>(
        &client,
        json!({"ProxyId": id, "Bandwidth": 20, "Concurrent": 5}),
    )
    .await;
    assert_eq!(status(&client, &id).await, "ADJUSTING");
    settle(&clock);
    let detail = call::<DescribeProxyDetailRequest>(&client, json!({"ProxyId": id})).await;
    assert_eq!(
        (
            detail["ProxyDetail"]["Bandwidth"].clone(),
            detail["ProxyDetail"]["Status"].clone()
        ),
        (json!(20), json!("RUNNING"))
    );

    let destroyed =
        call::<DestroyProxiesRequest>(&client, json!({"Force": 0, "ProxyIds": [id]})).await;
    assert_eq!(destroyed["InvalidStatusInstanceSet"], json!([]));
    assert_eq!(status(&client, &id).await, "DESTROYING");
    settle(&clock);
    assert_eq!(status(&client, &id).await, "gone");
    assert_eq!(
        fails::<DescribeProxyDetailRequest>(&client, json!({"ProxyId": id})).await,
        "ResourceNotFound"
    );
}

#[tokio::test]
async fn describe_pages_exactly_and_filters_by_project_tags_and_ids() {
    let (_emulator, clock, client) = on_manual_clock().await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let r = call::<CreateProxyRequest>(&client, proxy(&format!("p{i}"), 7)).await;
        ids.push(r["InstanceId"].as_str().unwrap().to_owned());
    }
    settle(&clock);
    let filters = json!([{"Name": "ProjectId", "Values": ["7"]}]);
    // Pages of 3, oldest first: every proxy exactly once, TotalCount on every page.
    let mut seen = Vec::new();
    for offset in [0, 3, 6, 9] {
        let page = call::<DescribeProxiesRequest>(
            &client,
            json!({"Filters": filters, "Offset": offset, "Limit": 3, "Order": "asc"}),
        )
        .await;
        assert_eq!(page["TotalCount"], 7);
        // InstanceSet is the old name of ProxySet: the same list.
        assert_eq!(page["InstanceSet"], page["ProxySet"]);
        let got: Vec<String> = page["ProxySet"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["ProxyId"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(got.len(), [3, 3, 1, 0][offset / 3]);
        seen.extend(got);
    }
    assert_eq!(seen, ids, "oldest first, each once");
    // Descending is the documented default.
    let newest =
        call::<DescribeProxiesRequest>(&client, json!({"Filters": filters, "Limit": 1})).await;
    assert_eq!(newest["ProxySet"][0]["ProxyId"], json!(ids[6]));
    // By proxy id, ascending.
    let by_id = call::<DescribeProxiesRequest>(
        &client,
        json!({"Filters": filters, "OrderField": "proxy_id", "Order": "asc", "Limit": 100}),
    )
    .await;
    let mut sorted = ids.clone();
    sorted.sort();
    let got: Vec<String> = by_id["ProxySet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ProxyId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got, sorted);
    // Tags: any of the pairs.
    let tagged = call::<DescribeProxiesRequest>(
        &client,
        json!({"TagSet": [{"TagKey": "team", "TagValue": "p1"}, {"TagKey": "team", "TagValue": "p4"}]}),
    )
    .await;
    assert_eq!(tagged["TotalCount"], 2);
    // Ids.
    let two = call::<DescribeProxiesRequest>(&client, json!({"ProxyIds": [ids[2], ids[5]]})).await;
    assert_eq!(two["TotalCount"], 2);
    // Independent proxies only: none of these is in a group; the built-in ones are not either.
    let grouped = call::<DescribeProxiesRequest>(&client, json!({"Independent": 0})).await;
    assert_eq!(grouped["TotalCount"], 0);
    // A filter the action does not document.
    assert_eq!(
        fails::<DescribeProxiesRequest>(
            &client,
            json!({"Filters": [{"Name": "Colour", "Values": ["red"]}]})
        )
        .await,
        "InvalidParameterValue"
    );

    // Modify: name and project of several at once.
    call::<ModifyProxiesAttributeRequest>(
        &client,
        json!({"ProxyIds": [ids[0], ids[1]], "ProxyName": "renamed"}),
    )
    .await;
    call::<ModifyProxiesProjectRequest>(&client, json!({"ProxyIds": [ids[0]], "ProjectId": 8}))
        .await;
    let seven = call::<DescribeProxiesRequest>(&client, json!({"Filters": filters})).await;
    assert_eq!(seven["TotalCount"], 6);
    let renamed = call::<DescribeProxyDetailRequest>(&client, json!({"ProxyId": ids[1]})).await;
    assert_eq!(renamed["ProxyDetail"]["ProxyName"], "renamed");

    // The simple view lists proxies by project with their listeners.
    let simple =
        call::<DescribeProxyAndStatisticsListenersRequest>(&client, json!({"ProjectId": 8})).await;
    assert_eq!(simple["TotalCount"], 1);
    assert_eq!(simple["ProxySet"][0]["ProxyId"], json!(ids[0]));
    assert_eq!(simple["ProxySet"][0]["ListenerList"], json!([]));
}

#[tokio::test]
async fn closing_and_opening_report_what_could_not_change() {
    let (_emulator, clock, client) = on_manual_clock().await;
    let id = call::<CreateProxyRequest>(&client, proxy("c", 0)).await["InstanceId"]
        .as_str()
        .unwrap()
        .to_owned();
    // Still CREATING: it cannot close, and says so in the list.
    let early =
        call::<CloseProxiesRequest>(&client, json!({"ProxyIds": [id, "link-nothere"]})).await;
    assert_eq!(
        early["InvalidStatusInstanceSet"],
        json!([id, "link-nothere"])
    );
    settle(&clock);
    let closed = call::<CloseProxiesRequest>(&client, json!({"ProxyIds": [id]})).await;
    assert_eq!(closed["InvalidStatusInstanceSet"], json!([]));
    assert_eq!(status(&client, &id).await, "CLOSING");
    settle(&clock);
    assert_eq!(status(&client, &id).await, "CLOSED");
    call::<OpenProxiesRequest>(&client, json!({"ProxyIds": [id]})).await;
    assert_eq!(status(&client, &id).await, "OPENING");
    settle(&clock);
    assert_eq!(status(&client, &id).await, "RUNNING");
}

#[tokio::test]
async fn configurations_are_checked_against_the_catalogue_and_priced() {
    let (_emulator, _clock, client) = on_manual_clock().await;
    let ok = call::<CheckProxyCreateRequest>(
        &client,
        json!({"AccessRegion": "SouthChina", "RealServerRegion": "EastChina", "Bandwidth": 2, "Concurrent": 10}),
    )
    .await;
    assert_eq!(ok["CheckFlag"], 1);
    for (body, expected) in [
        (
            json!({"AccessRegion": "Atlantis", "RealServerRegion": "EastChina", "Bandwidth": 2, "Concurrent": 10}),
            "InvalidParameterValue.UnknownAccessRegion",
        ),
        (
            json!({"AccessRegion": "SouthChina", "RealServerRegion": "Atlantis", "Bandwidth": 2, "Concurrent": 10}),
            "InvalidParameterValue.UnknownDestRegion",
        ),
        (
            json!({"AccessRegion": "SouthChina", "RealServerRegion": "EastChina", "Bandwidth": 3, "Concurrent": 10}),
            "InvalidParameterValue.InvalidBandwidth",
        ),
        (
            json!({"AccessRegion": "SouthChina", "RealServerRegion": "EastChina", "Bandwidth": 2, "Concurrent": 11}),
            "InvalidParameterValue.InvalidConcurrency",
        ),
    ] {
        assert_eq!(
            fails::<CheckProxyCreateRequest>(&client, body).await,
            expected
        );
    }
    let price = call::<InquiryPriceCreateProxyRequest>(
        &client,
        json!({"AccessRegion": "Guangzhou", "RealServerRegion": "Shanghai", "Bandwidth": 10, "Concurrent": 2}),
    )
    .await;
    // 10 Mbps at 12 CNY plus 2 units of concurrency at 2 CNY (the emulator's price list).
    assert_eq!(price["ProxyDailyPrice"], 124.0);
    assert_eq!(price["Currency"], "CNY");
    assert_eq!(price["BandwidthUnitPrice"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn statistics_cover_the_asked_range_and_the_proxy_must_exist() {
    let (_emulator, _clock, client) = on_manual_clock().await;
    let body = |proxy: &str| {
        json!({"ProxyId": proxy, "StartTime": "2019-03-25 12:00:00", "EndTime": "2019-03-25 13:00:00",
               "MetricNames": ["InBandwidth", "Concurrent"], "Granularity": 300})
    };
    let stats = call::<DescribeProxyStatisticsRequest>(&client, body("link-bjkpdum1")).await;
    let data = stats["StatisticsData"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[1]["MetricName"], "Concurrent");
    let points = data[0]["MetricData"].as_array().unwrap();
    // An hour in 5-minute steps, both ends included; 12:00 China time is 04:00 UTC.
    assert_eq!(points.len(), 13);
    assert_eq!(points[0]["Time"], 1_553_486_400);
    assert_eq!(points[12]["Time"], 1_553_486_400 + 3600);
    assert_eq!(
        fails::<DescribeProxyStatisticsRequest>(&client, body("link-nothere")).await,
        "ResourceNotFound"
    );
}

/// What a proxy in the wrong state refuses, each with its documented code: resizing one that is
/// not running, renaming an isolated one, destroying one already being destroyed.
#[tokio::test]
async fn a_proxy_in_the_wrong_state_refuses_with_the_documented_codes() {
    let (_emulator, clock, client) = on_manual_clock().await;
    assert_eq!(
        fails::<ModifyProxyConfigurationRequest>(
            &client,
            json!({"ProxyId": "link-closed01", "Bandwidth": 20})
        )
        .await,
        "FailedOperation.NotSupportScalar"
    );
    assert_eq!(
        fails::<ModifyProxiesAttributeRequest>(
            &client,
            json!({"ProxyIds": ["link-isolated"], "ProxyName": "x"})
        )
        .await,
        "FailedOperation.ResourceCanNotAccess"
    );
    // A closed proxy may be renamed.
    call::<ModifyProxiesAttributeRequest>(
        &client,
        json!({"ProxyIds": ["link-closed01"], "ProxyName": "resting"}),
    )
    .await;
    let id = call::<CreateProxyRequest>(&client, proxy("short-lived", 0)).await["InstanceId"]
        .as_str()
        .unwrap()
        .to_owned();
    // Still creating: listed as in the wrong status, not destroyed.
    let early = call::<DestroyProxiesRequest>(&client, json!({"Force": 0, "ProxyIds": [id]})).await;
    assert_eq!(early["InvalidStatusInstanceSet"], json!([id]));
    settle(&clock);
    call::<DestroyProxiesRequest>(&client, json!({"Force": 0, "ProxyIds": [id]})).await;
    assert_eq!(status(&client, &id).await, "DESTROYING");
    // Destroyed again while it is being destroyed (a new call, so a new ClientToken).
    assert_eq!(
        fails::<DestroyProxiesRequest>(&client, json!({"Force": 0, "ProxyIds": [id]})).await,
        "FailedOperation.ActionIsDoing"
    );
}
