//! The layer-7 family through the typed client: domains of an HTTPS listener with their
//! certificates and authentication, forwarding rules with real servers and custom headers,
//! custom error pages, and the documented errors of doing things out of order.

use gaap::{
    AddRealServersRequest, BindRuleRealServersRequest, CreateCertificateRequest,
    CreateCustomHeaderRequest, CreateDomainErrorPageInfoRequest, CreateDomainRequest,
    CreateHttpsListenerRequest, CreateRuleRequest, CreateTcpListenersRequest,
    DeleteDomainErrorPageInfoRequest, DeleteDomainRequest, DeleteRuleRequest,
    DescribeBlackHeaderRequest, DescribeCertificateDetailRequest, DescribeCertificatesRequest,
    DescribeCustomHeaderRequest, DescribeDomainErrorPageInfoByIdsRequest,
    DescribeDomainErrorPageInfoRequest, DescribeRuleRealServersRequest,
    DescribeRulesByRuleIdsRequest, DescribeRulesRequest, ModifyCertificateAttributesRequest,
    ModifyCertificateRequest, ModifyDomainRequest, ModifyRuleAttributeRequest,
    SetAuthenticationRequest,
};
use serde_json::json;

use crate::support::*;

async fn certificate(client: &gaap::Client, kind: u64, alias: &str) -> String {
    let mut body = json!({"CertificateType": kind, "CertificateContent": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "CertificateAlias": alias});
    if kind == 2 {
        body["CertificateKey"] =
            json!("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----");
    }
    call::<CreateCertificateRequest>(client, body).await["CertificateId"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn domains_rules_headers_and_error_pages_of_an_https_listener() {
    let (_emulator, clock, client) = on_manual_clock().await;
    let server = certificate(&client, 2, "server").await;
    let ca = certificate(&client, 1, "client-ca").await;
    let gaap_cert = certificate(&client, 4, "gaap").await;
    let certificates =
        call::<DescribeCertificatesRequest>(&client, json!({"CertificateType": 2})).await;
    assert_eq!(certificates["TotalCount"], 1);
    assert_eq!(
        certificates["CertificateSet"][0]["CertificateName"],
        "server"
    );
    call::<ModifyCertificateAttributesRequest>(
        &client,
        json!({"CertificateId": server, "CertificateAlias": "site"}),
    )
    .await;
    let detail =
        call::<DescribeCertificateDetailRequest>(&client, json!({"CertificateId": server})).await;
    assert_eq!(detail["CertificateDetail"]["CertificateAlias"], "site");

    let listener = call::<CreateHttpsListenerRequest>(
        &client,
        json!({"ListenerName": "l7", "Port": 443, "CertificateId": server, "ForwardProtocol": "HTTP",
               "ProxyId": PROXY, "AuthType": 1, "ClientCertificateId": ca}),
    )
    .await["ListenerId"]
        .as_str()
        .unwrap()
        .to_owned();
    let domain =
        json!({"ListenerId": listener, "Domain": "www.example.com", "CertificateId": "default"});
    // The listener is still being created.
    assert_eq!(
        fails::<CreateDomainRequest>(&client, domain.clone()).await,
        "FailedOperation.ListenerHasTask"
    );
    settle(&clock);
    call::<CreateDomainRequest>(&client, domain.clone()).await;
    assert_eq!(
        fails::<CreateDomainRequest>(&client, domain).await,
        "FailedOperation.DomainAlreadyExisted"
    );
    // A domain needs an HTTP or HTTPS listener.
    let tcp = strings(
        &call::<CreateTcpListenersRequest>(
            &client,
            json!({"ListenerName": "t", "Ports": [22], "Scheduler": "rr", "HealthCheck": 0,
                   "RealServerType": "IP", "ProxyId": PROXY}),
        )
        .await["ListenerIds"],
    )
    .remove(0);
    assert_eq!(
        fails::<CreateDomainRequest>(
            &client,
            json!({"ListenerId": tcp, "Domain": "a.example.com"})
        )
        .await,
        "FailedOperation.InvalidListenerProtocol"
    );

    // Rename the domain, give it its own certificate and authentication; each change leaves it
    // changing (DomainStatus 1) for a while, when the next is refused.
    call::<ModifyDomainRequest>(
        &client,
        json!({"ListenerId": listener, "OldDomain": "www.example.com", "NewDomain": "api.example.com"}),
    )
    .await;
    let certificates = json!({"ListenerId": listener, "Domain": "api.example.com", "CertificateId": server, "ClientCertificateId": ca});
    assert_eq!(
        fails::<ModifyCertificateRequest>(&client, certificates.clone()).await,
        "FailedOperation.DomainStatusNotInRunning"
    );
    settle(&clock);
    call::<ModifyCertificateRequest>(&client, certificates).await;
    settle(&clock);
    call::<SetAuthenticationRequest>(
        &client,
        json!({"ListenerId": listener, "Domain": "api.example.com", "GaapAuth": 1, "GaapCertificateId": gaap_cert}),
    )
    .await;
    assert_eq!(
        fails::<SetAuthenticationRequest>(
            &client,
            json!({"ListenerId": listener, "Domain": "api.example.com", "GaapAuth": 1, "GaapCertificateId": "cert-nothere"})
        )
        .await,
        "InvalidParameterValue.InvalidCertificateId"
    );

    // Rules under the domain.
    let rule_body = |path: &str| {
        json!({"ListenerId": listener, "Domain": "api.example.com", "Path": path, "RealServerType": "IP",
               "Scheduler": "rr", "HealthCheck": 1, "ForwardProtocol": "HTTP", "ForwardHost": "default",
               "CheckParams": {"DelayLoop": 5, "ConnectTimeout": 2, "Path": "/health", "Method": "GET", "StatusCode": [200]}})
    };
    let rule = call::<CreateRuleRequest>(&client, rule_body("/v1")).await["RuleId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(rule.starts_with("rule-"), "{rule}");
    assert_eq!(
        fails::<CreateRuleRequest>(&client, rule_body("/v1")).await,
        "FailedOperation.RuleAlreadyExisted"
    );
    let mut unknown = rule_body("/v2");
    unknown["Domain"] = json!("nothere.example.com");
    assert_eq!(
        fails::<CreateRuleRequest>(&client, unknown).await,
        "ResourceNotFound"
    );
    settle(&clock);
    call::<ModifyRuleAttributeRequest>(
        &client,
        json!({"ListenerId": listener, "RuleId": rule, "Path": "/v1/", "Scheduler": "lc"}),
    )
    .await;
    settle(&clock);
    call::<CreateCustomHeaderRequest>(
        &client,
        json!({"RuleId": rule, "Headers": [{"HeaderName": "X-Real-Region", "HeaderValue": "hk"}]}),
    )
    .await;
    let headers = call::<DescribeCustomHeaderRequest>(&client, json!({"RuleId": rule})).await;
    assert_eq!(headers["Headers"][0]["HeaderName"], "X-Real-Region");
    let black = call::<DescribeBlackHeaderRequest>(&client, json!({})).await;
    assert!(strings(&black["BlackHeaders"]).contains(&"Host".to_owned()));

    let rs = call::<AddRealServersRequest>(
        &client,
        json!({"ProjectId": 0, "RealServerIP": ["192.0.2.20"], "RealServerName": "app"}),
    )
    .await["RealServerSet"][0]["RealServerId"]
        .as_str()
        .unwrap()
        .to_owned();
    call::<BindRuleRealServersRequest>(
        &client,
        json!({"RuleId": rule, "RealServerBindSet": [{"RealServerId": rs, "RealServerIP": "192.0.2.20", "RealServerPort": 8080}]}),
    )
    .await;
    let servers = call::<DescribeRuleRealServersRequest>(&client, json!({"RuleId": rule})).await;
    assert_eq!(servers["BindRealServerTotalCount"], 1);
    assert_eq!(servers["BindRealServerSet"][0]["RealServerPort"], 8080);

    // Everything, read back: the domain with its aliases, its rule with its real server.
    let rules = call::<DescribeRulesRequest>(&client, json!({"ListenerId": listener})).await;
    assert_eq!(rules["TotalCount"], 1);
    let d = &rules["DomainRuleSet"][0];
    assert_eq!(d["Domain"], "api.example.com");
    assert_eq!(d["CertificateAlias"], "site");
    assert_eq!(d["ClientCertificateAlias"], "client-ca");
    assert_eq!(
        (d["GaapAuth"].clone(), d["GaapCertificateAlias"].clone()),
        (json!(1), json!("gaap"))
    );
    let r = &d["RuleSet"][0];
    assert_eq!(
        (
            r["RuleId"].clone(),
            r["Path"].clone(),
            r["Scheduler"].clone()
        ),
        (json!(rule), json!("/v1/"), json!("lc"))
    );
    assert_eq!(r["Domain"], "api.example.com");
    assert_eq!(r["RealServerSet"][0]["RealServerId"], json!(rs));
    assert_eq!(r["CheckParams"]["Path"], "/health");
    let by_id = call::<DescribeRulesByRuleIdsRequest>(&client, json!({"RuleIds": [rule]})).await;
    assert_eq!(by_id["RuleSet"][0]["ListenerId"], json!(listener));

    // Error pages of the domain.
    let page = call::<CreateDomainErrorPageInfoRequest>(
        &client,
        json!({"ListenerId": listener, "Domain": "api.example.com", "ErrorNos": [502, 504], "Body": "<h1>later</h1>", "NewErrorNo": 503}),
    )
    .await["ErrorPageId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(page.starts_with("errorPage-"), "{page}");
    let pages = call::<DescribeDomainErrorPageInfoRequest>(
        &client,
        json!({"ListenerId": listener, "Domain": "api.example.com"}),
    )
    .await;
    assert_eq!(pages["ErrorPageSet"][0]["NewErrorNo"], 503);
    let by_ids =
        call::<DescribeDomainErrorPageInfoByIdsRequest>(&client, json!({"ErrorPageIds": [page]}))
            .await;
    assert_eq!(by_ids["ErrorPageSet"][0]["ErrorNos"], json!([502, 504]));
    call::<DeleteDomainErrorPageInfoRequest>(&client, json!({"ErrorPageId": page})).await;

    // The wrong order: the rule and the domain still have a real server.
    assert_eq!(
        fails::<DeleteRuleRequest>(
            &client,
            json!({"ListenerId": listener, "RuleId": rule, "Force": 0})
        )
        .await,
        "FailedOperation.RealServerAlreadyBound"
    );
    assert_eq!(
        fails::<DeleteDomainRequest>(
            &client,
            json!({"ListenerId": listener, "Domain": "api.example.com", "Force": 0})
        )
        .await,
        "FailedOperation.RealServerAlreadyBound"
    );
    call::<BindRuleRealServersRequest>(&client, json!({"RuleId": rule, "RealServerBindSet": []}))
        .await;
    call::<DeleteRuleRequest>(
        &client,
        json!({"ListenerId": listener, "RuleId": rule, "Force": 0}),
    )
    .await;
    call::<DeleteDomainRequest>(
        &client,
        json!({"ListenerId": listener, "Domain": "api.example.com", "Force": 0}),
    )
    .await;
    // Deleting (DomainStatus 2), then gone.
    let rules = call::<DescribeRulesRequest>(&client, json!({"ListenerId": listener})).await;
    assert_eq!(rules["DomainRuleSet"][0]["DomainStatus"], 2);
    settle(&clock);
    let rules = call::<DescribeRulesRequest>(&client, json!({"ListenerId": listener})).await;
    assert_eq!(rules["TotalCount"], 0);
}

/// A rule without a `ForwardProtocol` of its own (`default`, or none given) forwards with its
/// listener's, and shows it: a typed read sees a documented protocol, never `default`.
#[tokio::test]
async fn a_rule_without_a_forward_protocol_shows_its_listeners() {
    let (_emulator, clock, client) = on_manual_clock().await;
    let server = certificate(&client, 2, "server").await;
    let listener = call::<CreateHttpsListenerRequest>(
        &client,
        json!({"ListenerName": "tls", "Port": 8443, "CertificateId": server,
               "ForwardProtocol": "HTTPS", "ProxyId": PROXY}),
    )
    .await["ListenerId"]
        .as_str()
        .unwrap()
        .to_owned();
    settle(&clock);
    call::<CreateDomainRequest>(
        &client,
        json!({"ListenerId": listener, "Domain": "tls.example.com"}),
    )
    .await;
    let rule = call::<CreateRuleRequest>(
        &client,
        json!({"ListenerId": listener, "Domain": "tls.example.com", "Path": "/",
               "RealServerType": "IP", "Scheduler": "rr", "HealthCheck": 0}),
    )
    .await["RuleId"]
        .as_str()
        .unwrap()
        .to_owned();
    settle(&clock);
    let shown = |rules: &serde_json::Value| rules["RuleSet"][0]["ForwardProtocol"].clone();
    let by_id = || call::<DescribeRulesByRuleIdsRequest>(&client, json!({"RuleIds": [rule]}));
    assert_eq!(shown(&by_id().await), "HTTPS");
    for (set, expected) in [("HTTP", "HTTP"), ("default", "HTTPS")] {
        call::<ModifyRuleAttributeRequest>(
            &client,
            json!({"ListenerId": listener, "RuleId": rule, "ForwardProtocol": set}),
        )
        .await;
        settle(&clock);
        assert_eq!(shown(&by_id().await), expected, "after {set}");
    }
}

/// A domain holds at most 100 forwarding rules (the emulator's number; the documentation gives
/// none): the 101st is `FailedOperation.LimitNumofRules`.
#[tokio::test]
async fn a_domain_holds_at_most_a_hundred_rules() {
    let emulator = emulator().await;
    let client = build(client_of(&emulator));
    let listener = call::<gaap::CreateHttpListenerRequest>(
        &client,
        json!({"ListenerName": "many", "Port": 8080, "ProxyId": PROXY}),
    )
    .await["ListenerId"]
        .as_str()
        .unwrap()
        .to_owned();
    call::<CreateDomainRequest>(
        &client,
        json!({"ListenerId": listener, "Domain": "rules.example.com"}),
    )
    .await;
    let rule = |i: usize| {
        json!({"ListenerId": listener, "Domain": "rules.example.com", "Path": format!("/r{i}"),
               "RealServerType": "IP", "Scheduler": "rr", "HealthCheck": 0})
    };
    for i in 0..100 {
        call::<CreateRuleRequest>(&client, rule(i)).await;
    }
    assert_eq!(
        fails::<CreateRuleRequest>(&client, rule(100)).await,
        "FailedOperation.LimitNumofRules"
    );
    let rules = call::<DescribeRulesRequest>(&client, json!({"ListenerId": listener})).await;
    assert_eq!(
        rules["DomainRuleSet"][0]["RuleSet"]
            .as_array()
            .unwrap()
            .len(),
        100
    );
}
