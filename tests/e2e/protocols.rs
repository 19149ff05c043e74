//! UDP, HTTP and HTTPS listeners through the typed client (the TCP ones are in `listeners`):
//! create, the creating status and what it forbids, describe with search and paging, modify,
//! ports shared between TCP, HTTP and HTTPS but not UDP, certificates of HTTPS listeners, TLS
//! settings, statistics.

use gaap::{
    CreateCertificateRequest, CreateHttpListenerRequest, CreateHttpsListenerRequest,
    CreateTcpListenersRequest, CreateUdpListenersRequest, DeleteCertificateRequest,
    DeleteListenersRequest, DescribeHttpListenersRequest, DescribeHttpsListenersRequest,
    DescribeListenerStatisticsRequest, DescribeUdpListenersRequest,
    ModifyHttpListenerAttributeRequest, ModifyHttpsListenerAttributeRequest,
    ModifyUdpListenerAttributeRequest, SetTlsVersionRequest,
};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn udp_listeners_are_created_modified_and_paged() {
    let (_emulator, clock, client) = on_manual_clock().await;
    let created = call::<CreateUdpListenersRequest>(
        &client,
        json!({"ListenerName": "dns", "Ports": [53, 54, 55], "Scheduler": "rr", "RealServerType": "IP",
               "ProxyId": PROXY, "HealthCheck": 1, "CheckType": "PORT", "CheckPort": 53,
               "ContextType": "TEXT", "SendContext": "ping", "RecvContext": "pong"}),
    )
    .await;
    let ids = strings(&created["ListenerIds"]);
    assert_eq!(ids.len(), 3);
    // Modifying a listener that is still being created is refused.
    let rename = json!({"ListenerId": ids[0], "ProxyId": PROXY, "ListenerName": "dns-a"});
    assert_eq!(
        fails::<ModifyUdpListenerAttributeRequest>(&client, rename.clone()).await,
        "FailedOperation.ListenerHasTask"
    );
    settle(&clock);
    call::<ModifyUdpListenerAttributeRequest>(&client, rename).await;
    // Modifying puts it in status 4 (configuration changing) for a while.
    let listed = call::<DescribeUdpListenersRequest>(&client, json!({"ListenerId": ids[0]})).await;
    assert_eq!(listed["ListenerSet"][0]["ListenerStatus"], 4);
    assert_eq!(listed["ListenerSet"][0]["ListenerName"], "dns-a");
    assert_eq!(listed["ListenerSet"][0]["SendContext"], "ping");
    assert_eq!(listed["ListenerSet"][0]["Protocol"], "UDP");
    settle(&clock);
    let page = call::<DescribeUdpListenersRequest>(
        &client,
        json!({"ProxyId": PROXY, "Offset": 1, "Limit": 1}),
    )
    .await;
    assert_eq!(page["TotalCount"], 3);
    assert_eq!(page["ListenerSet"][0]["Port"], 54);
    // A UDP port does not collide with a TCP one; another UDP listener on it does.
    call::<CreateTcpListenersRequest>(
        &client,
        json!({"ListenerName": "t", "Ports": [53], "Scheduler": "rr", "HealthCheck": 0,
               "RealServerType": "IP", "ProxyId": PROXY}),
    )
    .await;
    assert_eq!(
        fails::<CreateUdpListenersRequest>(
            &client,
            json!({"ListenerName": "x", "Ports": [55], "Scheduler": "rr", "RealServerType": "IP", "ProxyId": PROXY})
        )
        .await,
        "InvalidParameterValue.DuplicatedListenerPort"
    );
    let stats = call::<DescribeListenerStatisticsRequest>(
        &client,
        json!({"ListenerId": ids[1], "StartTime": "2019-03-25 12:00:00", "EndTime": "2019-03-25 12:00:00",
               "MetricNames": ["InPackets"], "Granularity": 300}),
    )
    .await;
    assert_eq!(stats["StatisticsData"][0]["MetricData"][0]["Data"], 0.0);
}

#[tokio::test]
async fn http_and_https_listeners_share_tcp_ports_and_need_their_certificates() {
    let (_emulator, clock, client) = on_manual_clock().await;
    let http = call::<CreateHttpListenerRequest>(
        &client,
        json!({"ListenerName": "web", "Port": 80, "ProxyId": PROXY}),
    )
    .await["ListenerId"]
        .as_str()
        .unwrap()
        .to_owned();
    // Still being created: an HTTP listener refuses changes with its own code.
    assert_eq!(
        fails::<ModifyHttpListenerAttributeRequest>(
            &client,
            json!({"ListenerId": http, "ListenerName": "too-soon", "ProxyId": PROXY})
        )
        .await,
        "FailedOperation.ListenerStatusError"
    );
    assert_eq!(
        fails::<CreateTcpListenersRequest>(
            &client,
            json!({"ListenerName": "t", "Ports": [80], "Scheduler": "rr", "HealthCheck": 0,
                   "RealServerType": "IP", "ProxyId": PROXY})
        )
        .await,
        "InvalidParameterValue.DuplicatedListenerPort"
    );
    // An HTTPS listener needs a certificate that exists.
    let https_body = |cert: &str| {
        json!({"ListenerName": "secure", "Port": 443, "CertificateId": cert,
               "ForwardProtocol": "HTTPS", "ProxyId": PROXY, "AuthType": 0})
    };
    assert_eq!(
        fails::<CreateHttpsListenerRequest>(&client, https_body("cert-nothere")).await,
        "InvalidParameterValue.InvalidCertificateId"
    );
    let cert = call::<CreateCertificateRequest>(
        &client,
        json!({"CertificateType": 2, "CertificateContent": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
               "CertificateKey": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
               "CertificateAlias": "site"}),
    )
    .await["CertificateId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(cert.starts_with("cert-"), "{cert}");
    let https = call::<CreateHttpsListenerRequest>(&client, https_body(&cert)).await["ListenerId"]
        .as_str()
        .unwrap()
        .to_owned();
    settle(&clock);

    let listed = call::<DescribeHttpsListenersRequest>(&client, json!({"ProxyId": PROXY})).await;
    assert_eq!(listed["TotalCount"], 1);
    let l = &listed["ListenerSet"][0];
    assert_eq!(
        (
            l["ListenerId"].clone(),
            l["CertificateAlias"].clone(),
            l["ForwardProtocol"].clone()
        ),
        (json!(https), json!("site"), json!("HTTPS"))
    );
    call::<SetTlsVersionRequest>(
        &client,
        json!({"ListenerId": https, "TLSSupportVersion": ["TLSv1.3"], "TLSCiphers": "GAAP_TLS_CIPHERS_STRICT"}),
    )
    .await;
    call::<ModifyHttpsListenerAttributeRequest>(
        &client,
        json!({"ListenerId": https, "ProxyId": PROXY, "ListenerName": "secure-2"}),
    )
    .await;
    let listed = call::<DescribeHttpsListenersRequest>(&client, json!({"ListenerId": https})).await;
    assert_eq!(
        listed["ListenerSet"][0]["TLSSupportVersion"],
        json!(["TLSv1.3"])
    );
    assert_eq!(
        listed["ListenerSet"][0]["TLSCiphers"],
        "GAAP_TLS_CIPHERS_STRICT"
    );
    assert_eq!(listed["ListenerSet"][0]["ListenerName"], "secure-2");
    settle(&clock);

    // A certificate in use cannot be deleted.
    assert_eq!(
        fails::<DeleteCertificateRequest>(&client, json!({"CertificateId": cert})).await,
        "FailedOperation.CertificateIsUsing"
    );

    call::<ModifyHttpListenerAttributeRequest>(
        &client,
        json!({"ListenerId": http, "ListenerName": "web-2", "ProxyId": PROXY}),
    )
    .await;
    let search = call::<DescribeHttpListenersRequest>(
        &client,
        json!({"ProxyId": PROXY, "SearchValue": "web"}),
    )
    .await;
    assert_eq!(search["TotalCount"], 1);
    assert_eq!(search["ListenerSet"][0]["ListenerName"], "web-2");
    // The HTTP listener is in status 4 after its change: deleting it now reports it as invalid.
    let deleted = call::<DeleteListenersRequest>(
        &client,
        json!({"ProxyId": PROXY, "Force": 0, "ListenerIds": [http, https]}),
    )
    .await;
    assert_eq!(deleted["InvalidStatusListenerSet"], json!([http]));
    assert_eq!(deleted["OperationSucceedListenerSet"], json!([https]));
    settle(&clock);
    call::<DeleteListenersRequest>(
        &client,
        json!({"ProxyId": PROXY, "Force": 0, "ListenerIds": [http]}),
    )
    .await;
    call::<DeleteCertificateRequest>(&client, json!({"CertificateId": cert})).await;
}
