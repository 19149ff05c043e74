//! Proxy groups through the typed client: a group with proxies in several access regions, its
//! details (the numeric status of ProxyGroupDetail), its domain and DNS configuration, closing
//! and opening with its proxies, and deleting in the documented order.

use gaap::{
    CloseProxyGroupRequest, CreateProxyGroupDomainRequest, CreateProxyGroupRequest,
    DeleteProxyGroupRequest, DescribeGroupAndStatisticsProxyRequest,
    DescribeGroupDomainConfigRequest, DescribeProxiesRequest, DescribeProxyGroupDetailsRequest,
    DescribeProxyGroupListRequest, DescribeProxyGroupStatisticsRequest, DestroyProxiesRequest,
    ModifyGroupDomainConfigRequest, ModifyProxyGroupAttributeRequest, OpenProxyGroupRequest,
};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_group_lives_with_its_proxies_and_dies_after_them() {
    let (_emulator, clock, client) = on_manual_clock().await;
    let created = call::<CreateProxyGroupRequest>(
        &client,
        json!({
            "ProjectId": 3, "GroupName": "edge", "RealServerRegion": "Shanghai",
            "TagSet": [{"TagKey": "env", "TagValue": "prod"}],
            "AccessRegionSet": [
                {"AccessRegion": "Guangzhou", "Bandwidth": 10, "Concurrent": 2},
                {"AccessRegion": "Singapore", "Bandwidth": 20, "Concurrent": 5}
            ]
        }),
    )
    .await;
    let group = created["GroupId"].as_str().unwrap().to_owned();
    assert!(group.starts_with("lg-") && group.len() == 11, "{group}");
    let detail =
        |client| call::<DescribeProxyGroupDetailsRequest>(client, json!({"GroupId": group}));
    let creating = detail(&client).await;
    // ProxyGroupDetail.Status is a number: 1 creating, 0 running.
    assert_eq!(creating["ProxyGroupDetail"]["Status"], 1);
    assert_eq!(creating["ProxyGroupDetail"]["ProxyNum"], 2);
    settle(&clock);
    let running = detail(&client).await;
    assert_eq!(running["ProxyGroupDetail"]["Status"], 0);
    assert_eq!(
        running["ProxyGroupDetail"]["RealServerRegionInfo"]["RegionId"],
        "Shanghai"
    );

    // The group's proxies, one per access region, in the group.
    let members = call::<DescribeProxiesRequest>(
        &client,
        json!({"Filters": [{"Name": "GroupId", "Values": [group]}], "Order": "asc"}),
    )
    .await;
    assert_eq!(members["TotalCount"], 2);
    assert_eq!(members["ProxySet"][1]["AccessRegion"], "Singapore");
    assert_eq!(members["ProxySet"][1]["Bandwidth"], 20);
    assert_eq!(members["ProxySet"][1]["GroupId"], json!(group));
    assert_eq!(members["ProxySet"][1]["Status"], "RUNNING");
    let proxies = [
        members["ProxySet"][0]["ProxyId"]
            .as_str()
            .unwrap()
            .to_owned(),
        members["ProxySet"][1]["ProxyId"]
            .as_str()
            .unwrap()
            .to_owned(),
    ];

    // Listed by project and tag; renamed.
    let listed = call::<DescribeProxyGroupListRequest>(
        &client,
        json!({"Offset": 0, "Limit": 10, "ProjectId": 3, "TagSet": [{"TagKey": "env", "TagValue": "prod"}]}),
    )
    .await;
    assert_eq!(listed["TotalCount"], 1);
    assert_eq!(listed["ProxyGroupList"][0]["Status"], "RUNNING");
    call::<ModifyProxyGroupAttributeRequest>(
        &client,
        json!({"GroupId": group, "GroupName": "edge-2"}),
    )
    .await;
    let stats =
        call::<DescribeGroupAndStatisticsProxyRequest>(&client, json!({"ProjectId": 3})).await;
    assert_eq!(stats["GroupSet"][0]["GroupName"], "edge-2");
    assert_eq!(
        stats["GroupSet"][0]["ProxySet"].as_array().unwrap().len(),
        2
    );

    // A domain, and which countries each access region answers.
    call::<CreateProxyGroupDomainRequest>(&client, json!({"GroupId": group})).await;
    call::<ModifyGroupDomainConfigRequest>(
        &client,
        json!({"GroupId": group, "DefaultDnsIp": "198.51.100.7",
               "AccessRegionList": [{"RegionId": "Singapore", "NationCountryInnerList": ["104001"]}]}),
    )
    .await;
    let config = call::<DescribeGroupDomainConfigRequest>(&client, json!({"GroupId": group})).await;
    assert_eq!(config["DefaultDnsIp"], "198.51.100.7");
    assert_eq!(config["AccessRegionCount"], 2);
    let singapore = &config["AccessRegionList"][1];
    assert_eq!(singapore["RegionId"], "Singapore");
    assert_eq!(
        singapore["NationCountryInnerList"][0]["NationCountryName"],
        "新加坡"
    );
    assert_eq!(singapore["ProxyList"][0]["ProxyId"], json!(proxies[1]));
    // The region's zone and continent: Singapore's, South-East Asia in Asia (not the region's
    // area code twice).
    assert_eq!(
        (
            singapore["GeographicalZoneInnerCode"].clone(),
            singapore["ContinentInnerCode"].clone()
        ),
        (json!("10400101"), json!("1"))
    );
    let detail = detail(&client).await;
    assert!(
        detail["ProxyGroupDetail"]["Domain"]
            .as_str()
            .unwrap()
            .starts_with(&group)
    );

    // Closing the group closes its proxies; opening opens them.
    call::<CloseProxyGroupRequest>(&client, json!({"GroupId": group})).await;
    settle(&clock);
    let closed = call::<DescribeProxiesRequest>(&client, json!({"ProxyIds": proxies})).await;
    assert_eq!(closed["ProxySet"][0]["Status"], "CLOSED");
    let again = call::<CloseProxyGroupRequest>(&client, json!({"GroupId": group})).await;
    assert_eq!(again["InvalidStatusInstanceSet"], json!([group]));
    call::<OpenProxyGroupRequest>(&client, json!({"GroupId": group})).await;
    settle(&clock);
    let open = call::<DescribeProxiesRequest>(&client, json!({"ProxyIds": proxies})).await;
    assert_eq!(open["ProxySet"][1]["Status"], "RUNNING");

    let statistics = call::<DescribeProxyGroupStatisticsRequest>(
        &client,
        json!({"GroupId": group, "StartTime": "2026-01-01 00:00:00", "EndTime": "2026-01-01 00:10:00",
               "MetricNames": ["InBandwidth"], "Granularity": 300}),
    )
    .await;
    assert_eq!(
        statistics["StatisticsData"][0]["MetricData"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // The wrong order: the group still has proxies.
    assert_eq!(
        fails::<DeleteProxyGroupRequest>(&client, json!({"GroupId": group, "Force": 0})).await,
        "FailedOperation.DeleteProxyGroupProxyRemained"
    );
    call::<DestroyProxiesRequest>(&client, json!({"Force": 0, "ProxyIds": proxies})).await;
    settle(&clock);
    call::<DeleteProxyGroupRequest>(&client, json!({"GroupId": group, "Force": 0})).await;
    settle(&clock);
    assert_eq!(
        fails::<DescribeProxyGroupDetailsRequest>(&client, json!({"GroupId": group})).await,
        "ResourceNotFound"
    );
}
