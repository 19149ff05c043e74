//! The read-only actions through the typed client: the emulator's own catalogue (regions,
//! prices, countries, headers), resources by tag, the actions that only acknowledge, and an
//! account kept across emulators (export, load, `Config::with_state`).

use gaap::{
    AddRealServersRequest, BanAndRecoverProxyRequest, CreateProxyRequest,
    DescribeAccessRegionsByDestRegionRequest, DescribeAccessRegionsRequest,
    DescribeAuthSignatureRequest, DescribeCountryAreaMappingRequest,
    DescribeCrossBorderProxiesRequest, DescribeDestRegionsRequest, DescribeProxyDetailRequest,
    DescribeRegionAndPriceRequest, DescribeResourcesByTagRequest, DescribeTcpListenersRequest,
};
use gaap_emulator::{Config, Emulator};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn the_catalogue_answers_in_the_documented_shapes() {
    let (_emulator, _clock, client) = on_manual_clock().await;
    let access = call::<DescribeAccessRegionsRequest>(&client, json!({})).await;
    let regions = access["AccessRegionSet"].as_array().unwrap();
    assert_eq!(access["TotalCount"], regions.len());
    assert!(
        regions
            .iter()
            .any(|r| r["RegionId"] == "Hongkong" && r["IDCType"] == "dc")
    );
    let dest = call::<DescribeDestRegionsRequest>(&client, json!({})).await;
    assert!(dest["TotalCount"].as_u64().unwrap() > 10);
    let by_dest = call::<DescribeAccessRegionsByDestRegionRequest>(
        &client,
        json!({"DestRegion": "Hongkong"}),
    )
    .await;
    let first = &by_dest["AccessRegionSet"][0];
    assert!(
        first["BandwidthList"]
            .as_array()
            .unwrap()
            .contains(&json!(10))
    );
    assert!(
        first["ConcurrentList"]
            .as_array()
            .unwrap()
            .contains(&json!(2))
    );
    assert_eq!(
        fails::<DescribeAccessRegionsByDestRegionRequest>(
            &client,
            json!({"DestRegion": "Atlantis"})
        )
        .await,
        "InvalidParameterValue.UnknownDestRegion"
    );
    let price = call::<DescribeRegionAndPriceRequest>(&client, json!({})).await;
    assert_eq!(price["Currency"], "CNY");
    assert_eq!(
        price["BandwidthUnitPrice"][0]["BandwidthRange"],
        json!([1, 50])
    );
    let countries = call::<DescribeCountryAreaMappingRequest>(&client, json!({})).await;
    let list = countries["CountryAreaMappingList"].as_array().unwrap();
    assert!(list.iter().any(|c| c["NationCountryInnerCode"] == "102001"));
    // Nothing to show but a request id, as documented.
    for answer in [
        call::<BanAndRecoverProxyRequest>(&client, json!({})).await,
        call::<DescribeCrossBorderProxiesRequest>(&client, json!({})).await,
        call::<DescribeAuthSignatureRequest>(&client, json!({})).await,
    ] {
        assert!(!answer["RequestId"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn resources_are_found_by_tag() {
    let (_emulator, _clock, client) = on_manual_clock().await;
    let tag = json!([{"TagKey": "cost-centre", "TagValue": "42"}]);
    let proxy = call::<CreateProxyRequest>(
        &client,
        json!({"ProjectId": 0, "ProxyName": "t", "AccessRegion": "Tokyo", "Bandwidth": 10, "Concurrent": 2,
               "RealServerRegion": "Seoul", "TagSet": tag}),
    )
    .await["InstanceId"]
        .clone();
    let rs = call::<AddRealServersRequest>(
        &client,
        json!({"ProjectId": 0, "RealServerIP": ["192.0.2.30"], "RealServerName": "t", "TagSet": tag}),
    )
    .await["RealServerSet"][0]["RealServerId"]
        .clone();
    let all = call::<DescribeResourcesByTagRequest>(
        &client,
        json!({"TagKey": "cost-centre", "TagValue": "42"}),
    )
    .await;
    assert_eq!(all["TotalCount"], 2);
    assert_eq!(
        all["ResourceSet"][0],
        json!({"ResourceType": "Proxy", "ResourceId": proxy})
    );
    assert_eq!(
        all["ResourceSet"][1],
        json!({"ResourceType": "RealServer", "ResourceId": rs})
    );
    let servers = call::<DescribeResourcesByTagRequest>(
        &client,
        json!({"TagKey": "cost-centre", "TagValue": "42", "ResourceType": "RealServer"}),
    )
    .await;
    assert_eq!(servers["TotalCount"], 1);
    let other = call::<DescribeResourcesByTagRequest>(
        &client,
        json!({"TagKey": "cost-centre", "TagValue": "7"}),
    )
    .await;
    assert_eq!(other["TotalCount"], 0);
}

#[tokio::test]
async fn an_account_is_exported_and_a_new_emulator_starts_from_it() {
    let (emulator, clock, client) = on_manual_clock().await;
    let proxy = call::<CreateProxyRequest>(
        &client,
        json!({"ProjectId": 0, "ProxyName": "kept", "AccessRegion": "Tokyo", "Bandwidth": 10, "Concurrent": 2,
               "RealServerRegion": "Seoul"}),
    )
    .await["InstanceId"]
        .as_str()
        .unwrap()
        .to_owned();
    settle(&clock);
    let tcp = create_on_proxy(PROXY, &[8080]);
    let listener = ok(&client, tcp).await.listener_ids[0].clone();
    let saved = emulator.export_state();
    // What a user keeps in a file.
    let text = serde_json::to_string_pretty(&saved).unwrap();

    let prepared = Config::builtin().with_state(serde_json::from_str(&text).unwrap());
    let restored = emulator_with(prepared).await;
    let client = build(client_of(&restored));
    let detail = call::<DescribeProxyDetailRequest>(&client, json!({"ProxyId": proxy})).await;
    assert_eq!(detail["ProxyDetail"]["ProxyName"], "kept");
    let listeners = ok(
        &client,
        DescribeTcpListenersRequest::builder()
            .proxy_id(PROXY)
            .build(),
    )
    .await;
    let ids: Vec<&str> = listeners
        .listener_set
        .iter()
        .map(|l| l.listener_id.as_str())
        .collect();
    assert_eq!(ids, [listener.as_str()]);
    // The same port is still taken.
    assert_eq!(
        code(&client, create_on_proxy(PROXY, &[8080])).await,
        "InvalidParameterValue.DuplicatedListenerPort"
    );
    // Loading replaces the account; a broken state is refused whole, naming the problem.
    let err = restored
        .load_state(
            &json!({"format": 1, "resources": [{"kind": "spaceship", "id": "x", "fields": {}}]}),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown kind `spaceship`"), "{err}");
    restored.load_state(&saved).unwrap();
    assert_eq!(restored.listener_count(), 1);
    let fresh = Emulator::start_with(Config::empty()).await.unwrap();
    fresh.load_state(&saved).unwrap();
    assert_eq!(
        fresh.resource(&proxy).unwrap()["fields"]["ProxyName"],
        "kept"
    );
}
