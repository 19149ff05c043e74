//! Global domains and their DNS records through the typed client: create, describe with
//! filters, tags and paging, records that name proxies and countries, disable before delete,
//! records before the domain.

use gaap::{
    CreateGlobalDomainDnsRequest, CreateGlobalDomainRequest, DeleteGlobalDomainDnsRequest,
    DeleteGlobalDomainRequest, DescribeGlobalDomainDnsRequest, DescribeGlobalDomainsRequest,
    DisableGlobalDomainRequest, EnableGlobalDomainRequest, ModifyGlobalDomainAttributeRequest,
    ModifyGlobalDomainDnsRequest,
};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_global_domain_resolves_to_proxies_and_is_deleted_in_order() {
    let (_emulator, clock, client) = on_manual_clock().await;
    let mut domains = Vec::new();
    for alias in ["a", "b", "c"] {
        let id = call::<CreateGlobalDomainRequest>(
            &client,
            json!({"ProjectId": 0, "DefaultValue": "198.51.100.1", "Alias": alias,
                   "TagSet": [{"TagKey": "site", "TagValue": alias}]}),
        )
        .await["DomainId"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(id.starts_with("dm-") && id.len() == 11, "{id}");
        domains.push(id);
    }
    let page = call::<DescribeGlobalDomainsRequest>(
        &client,
        json!({"ProjectId": 0, "Offset": 2, "Limit": 2}),
    )
    .await;
    assert_eq!(page["TotalCount"], 3);
    assert_eq!(page["Domains"][0]["DomainId"], json!(domains[2]));
    let filtered = call::<DescribeGlobalDomainsRequest>(
        &client,
        json!({"ProjectId": 0, "Offset": 0, "Limit": 10, "Filters": [{"Name": "Alias", "Values": ["b"]}]}),
    )
    .await;
    assert_eq!(filtered["Domains"][0]["DomainId"], json!(domains[1]));
    let tagged = call::<DescribeGlobalDomainsRequest>(
        &client,
        json!({"ProjectId": 0, "Offset": 0, "Limit": 10, "TagSet": [{"TagKey": "site", "TagValue": "c"}]}),
    )
    .await;
    assert_eq!(tagged["TotalCount"], 1);
    let domain = domains[0].clone();
    call::<ModifyGlobalDomainAttributeRequest>(
        &client,
        json!({"DomainId": domain, "ProjectId": 0, "Alias": "main", "DefaultValue": "198.51.100.2"}),
    )
    .await;

    call::<CreateGlobalDomainDnsRequest>(
        &client,
        json!({"DomainId": domain, "ProxyIdList": [PROXY], "NationCountryInnerCodes": ["102001", "104001"]}),
    )
    .await;
    assert_eq!(
        fails::<CreateGlobalDomainDnsRequest>(
            &client,
            json!({"DomainId": domain, "ProxyIdList": ["link-nothere"], "NationCountryInnerCodes": ["102001"]})
        )
        .await,
        "ResourceNotFound"
    );
    let dns = call::<DescribeGlobalDomainDnsRequest>(&client, json!({"DomainId": domain})).await;
    let record = &dns["GlobalDnsList"][0];
    // 2: being created.
    assert_eq!(record["Status"], 2);
    assert_eq!(record["CountryAreaList"][1]["NationCountryName"], "新加坡");
    assert_eq!(record["AccessList"][0]["ProxyId"], PROXY);
    let record_id = record["DnsRecordId"].as_u64().unwrap();
    settle(&clock);
    call::<ModifyGlobalDomainDnsRequest>(
        &client,
        json!({"DnsRecordId": record_id, "DomainId": domain, "ProxyIdList": [PROXY, "link-hwera8lq"],
               "NationCountryInnerCodes": ["102001"]}),
    )
    .await;
    settle(&clock);
    let dns = call::<DescribeGlobalDomainDnsRequest>(&client, json!({"DomainId": domain})).await;
    assert_eq!(dns["GlobalDnsList"][0]["Status"], 1);
    assert_eq!(
        dns["GlobalDnsList"][0]["AccessList"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let listed = call::<DescribeGlobalDomainsRequest>(
        &client,
        json!({"ProjectId": 0, "Offset": 0, "Limit": 1, "Filters": [{"Name": "DomainId", "Values": [domain]}]}),
    )
    .await;
    // Two proxies answer for it now.
    assert_eq!(listed["Domains"][0]["ProxyCount"], 2);
    assert_eq!(listed["Domains"][0]["Alias"], "main");

    // The wrong order: an enabled domain, then one with records.
    assert_eq!(
        fails::<DeleteGlobalDomainRequest>(&client, json!({"DomainId": domain})).await,
        "FailedOperation"
    );
    call::<DisableGlobalDomainRequest>(&client, json!({"DomainId": domain})).await;
    settle(&clock);
    assert_eq!(
        fails::<DeleteGlobalDomainRequest>(&client, json!({"DomainId": domain})).await,
        "ResourceInUse"
    );
    call::<DeleteGlobalDomainDnsRequest>(&client, json!({"DnsRecordId": record_id})).await;
    settle(&clock);
    call::<DeleteGlobalDomainRequest>(&client, json!({"DomainId": domain})).await;
    // Enable and disable move through their transitional statuses.
    call::<DisableGlobalDomainRequest>(&client, json!({"DomainId": domains[1]})).await;
    let closing = call::<DescribeGlobalDomainsRequest>(
        &client,
        json!({"ProjectId": 0, "Offset": 0, "Limit": 1, "Filters": [{"Name": "DomainId", "Values": [domains[1]]}]}),
    )
    .await;
    assert_eq!(closing["Domains"][0]["Status"], 2);
    settle(&clock);
    call::<EnableGlobalDomainRequest>(&client, json!({"DomainId": domains[1]})).await;
    settle(&clock);
    let open = call::<DescribeGlobalDomainsRequest>(
        &client,
        json!({"ProjectId": 0, "Offset": 0, "Limit": 10}),
    )
    .await;
    assert_eq!(open["TotalCount"], 2);
    assert_eq!(open["Domains"][0]["Status"], 0);
}
