//! A user's first real GAAP workflow, written as a user of the SDK would write it, against the
//! emulator on loopback: a proxy (waiting until it runs), a listener of each protocol, real
//! servers bound to them, domains and forwarding rules, a certificate, a security policy; then
//! everything read back, changed, and torn down — first in the wrong order, which the API
//! refuses with its documented errors, then in the right one.
//!
//! Time is the emulator's manual clock: where a user's program would sleep between polls, this
//! one moves the clock (`wait`), so the test never sleeps.

use std::time::Duration;

use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler};
use gaap::{
    AddRealServersRequest, Client, CreateCertificateRequest, CreateDomainRequest,
    CreateHttpListenerRequest, CreateHttpsListenerRequest, CreateProxyRequest, CreateRuleRequest,
    CreateSecurityPolicyRequest, CreateTcpListenersRequest, CreateUdpListenersRequest,
    DeleteCertificateRequest, DeleteDomainRequest, DeleteListenersRequest,
    DeleteSecurityPolicyRequest, DescribeHttpListenersRequest, DescribeHttpsListenersRequest,
    DescribeProxiesStatusRequest, DescribeProxyDetailRequest, DescribeRealServersStatusRequest,
    DescribeRulesRequest, DescribeTcpListenersRequest, DescribeUdpListenersRequest,
    DestroyProxiesRequest, Error, ModifyProxiesAttributeRequest, ModifyTcpListenerAttributeRequest,
    RemoveRealServersRequest, StaticProvider,
};
use gaap_emulator::{Config, EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, Emulator, ManualClock};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What the user's program does between two polls: here, the emulator's clock moves a second.
fn wait(clock: &ManualClock) {
    clock.advance(Duration::from_secs(1));
}

/// A request in the JSON form the API reference shows (for the ones with nested objects).
fn from_json<A: gaap::Action>(body: serde_json::Value) -> A {
    gaap::wire::request_from_json(&body).unwrap_or_else(|e| panic!("{}: {e}", A::ACTION))
}

/// The code of a refused call.
fn refused<T, E: gaap::ApiError>(result: Result<T, Error<E>>) -> String {
    match result {
        Err(Error::Api(error)) => error.code().to_owned(),
        Err(other) => panic!("expected a refusal, got {other}"),
        Ok(_) => panic!("expected a refusal, got a success"),
    }
}

async fn proxy_status(client: &Client, proxy: &str) -> Result<Option<String>, BoxError> {
    let status = client
        .send(
            DescribeProxiesStatusRequest::builder()
                .proxy_ids(vec![proxy.to_owned()])
                .build(),
        )
        .await?;
    Ok(status.instance_status_set.first().map(|s| {
        serde_json::to_value(s).unwrap_or_default()["Status"]
            .to_string()
            .trim_matches('"')
            .to_owned()
    }))
}

async fn wait_for_proxy(
    client: &Client,
    clock: &ManualClock,
    proxy: &str,
    wanted: Option<&str>,
) -> Result<(), BoxError> {
    for _ in 0..60 {
        if proxy_status(client, proxy).await?.as_deref() == wanted {
            return Ok(());
        }
        wait(clock);
    }
    Err(format!("{proxy} never became {wanted:?}").into())
}

async fn wait_for_listeners(
    client: &Client,
    clock: &ManualClock,
    proxy: &str,
) -> Result<(), BoxError> {
    for _ in 0..60 {
        let tcp = client
            .send(
                DescribeTcpListenersRequest::builder()
                    .proxy_id(proxy)
                    .build(),
            )
            .await?;
        let udp = client
            .send(
                DescribeUdpListenersRequest::builder()
                    .proxy_id(proxy)
                    .build(),
            )
            .await?;
        let http = client
            .send(
                DescribeHttpListenersRequest::builder()
                    .proxy_id(proxy)
                    .build(),
            )
            .await?;
        let https = client
            .send(
                DescribeHttpsListenersRequest::builder()
                    .proxy_id(proxy)
                    .build(),
            )
            .await?;
        let statuses: Vec<serde_json::Value> = [
            serde_json::to_value(&tcp.listener_set)?,
            serde_json::to_value(&udp.listener_set)?,
            serde_json::to_value(&http.listener_set)?,
            serde_json::to_value(&https.listener_set)?,
        ]
        .iter()
        .flat_map(|set| set.as_array().cloned().unwrap_or_default())
        .map(|l| l["ListenerStatus"].clone())
        .collect();
        if statuses.iter().all(|s| s == 0) {
            return Ok(());
        }
        wait(clock);
    }
    Err("the listeners never ran".into())
}

#[tokio::test]
async fn a_users_first_workflow_from_proxy_to_teardown() -> Result<(), BoxError> {
    let clock = ManualClock::at_system_now();
    let emulator = Emulator::start_with(Config::builtin().with_clock(clock.clone())).await?;
    let client = Client::builder()
        .credentials(StaticProvider::new(EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY))
        .endpoint(emulator.endpoint())
        .no_proxy()
        .build()?;

    // A proxy from Hong Kong to Shanghai; it runs after a while.
    let created = client
        .send(
            CreateProxyRequest::builder()
                .project_id(0)
                .proxy_name("shop")
                .access_region("Hongkong")
                .real_server_region("Shanghai")
                .bandwidth(10)
                .concurrent(2)
                .build(),
        )
        .await?;
    let proxy = created.instance_id;
    wait_for_proxy(&client, &clock, &proxy, Some("RUNNING")).await?;

    // A certificate for HTTPS, then a listener of each protocol.
    let certificate = client
        .send(from_json::<CreateCertificateRequest>(serde_json::json!({
            "CertificateType": 2, "CertificateAlias": "shop",
            "CertificateContent": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "CertificateKey": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"
        })))
        .await?
        .certificate_id;
    let tcp = client
        .send(
            CreateTcpListenersRequest::builder()
                .proxy_id(&proxy)
                .listener_name("ssh")
                .ports([22])
                .scheduler(Scheduler::RoundRobin)
                .health_check(HealthCheck::Enabled)
                .real_server_type(RealServerType::Ip)
                .delay_loop(10)
                .connect_timeout(5)
                .build(),
        )
        .await?
        .listener_ids
        .remove(0);
    let udp = client
        .send(from_json::<CreateUdpListenersRequest>(serde_json::json!({
            "ProxyId": proxy, "ListenerName": "dns", "Ports": [53], "Scheduler": "rr", "RealServerType": "IP"
        })))
        .await?
        .listener_ids
        .remove(0);
    let http = client
        .send(
            CreateHttpListenerRequest::builder()
                .proxy_id(&proxy)
                .listener_name("web")
                .port(80)
                .build(),
        )
        .await?
        .listener_id;
    let https = client
        .send(from_json::<CreateHttpsListenerRequest>(serde_json::json!({
            "ProxyId": proxy, "ListenerName": "secure", "Port": 443, "CertificateId": certificate,
            "ForwardProtocol": "HTTP"
        })))
        .await?
        .listener_id;
    wait_for_listeners(&client, &clock, &proxy).await?;

    // Real servers, bound to the TCP and UDP listeners.
    let servers = client
        .send(from_json::<AddRealServersRequest>(serde_json::json!({
            "ProjectId": 0, "RealServerIP": ["192.0.2.1", "192.0.2.2"], "RealServerName": "origin"
        })))
        .await?
        .real_server_set;
    let (rs1, rs2) = (
        servers[0].real_server_id.clone(),
        servers[1].real_server_id.clone(),
    );
    for (listener, port) in [(&tcp, 22), (&udp, 53)] {
        client
            .send(from_json::<gaap::BindListenerRealServersRequest>(
                serde_json::json!({
                    "ListenerId": listener,
                    "RealServerBindSet": [
                        {"RealServerId": rs1, "RealServerIP": "192.0.2.1", "RealServerPort": port},
                        {"RealServerId": rs2, "RealServerIP": "192.0.2.2", "RealServerPort": port}
                    ]
                }),
            ))
            .await?;
    }

    // Domains and rules on the HTTP and HTTPS listeners, real servers on the rules.
    let mut rules = Vec::new();
    for (listener, domain) in [(&http, "www.example.com"), (&https, "shop.example.com")] {
        client
            .send(
                CreateDomainRequest::builder()
                    .listener_id(listener)
                    .domain(domain)
                    .build(),
            )
            .await?;
        let rule = client
            .send(from_json::<CreateRuleRequest>(serde_json::json!({
                "ListenerId": listener, "Domain": domain, "Path": "/", "RealServerType": "IP",
                "Scheduler": "rr", "HealthCheck": 0
            })))
            .await?
            .rule_id;
        rules.push(rule);
    }
    wait(&clock);
    wait(&clock);
    wait(&clock);
    for rule in &rules {
        client
            .send(from_json::<gaap::BindRuleRealServersRequest>(serde_json::json!({
                "RuleId": rule,
                "RealServerBindSet": [{"RealServerId": rs1, "RealServerIP": "192.0.2.1", "RealServerPort": 8080}]
            })))
            .await?;
    }

    // A security policy that drops everything but the office.
    let policy = client
        .send(
            CreateSecurityPolicyRequest::builder()
                .proxy_id(&proxy)
                .default_action("DROP")
                .build(),
        )
        .await?
        .policy_id;
    for _ in 0..3 {
        wait(&clock);
    }
    client
        .send(from_json::<gaap::CreateSecurityRulesRequest>(serde_json::json!({
            "PolicyId": policy,
            "RuleList": [{"SourceCidr": "203.0.113.0/24", "Action": "ACCEPT", "Protocol": "TCP", "DestPortRange": "22"}]
        })))
        .await?;

    // Everything, read back.
    let detail = client
        .send(
            DescribeProxyDetailRequest::builder()
                .proxy_id(&proxy)
                .build(),
        )
        .await?
        .proxy_detail;
    assert_eq!(detail.policy_id.as_deref(), Some(policy.as_str()));
    let tcp_listeners = client
        .send(
            DescribeTcpListenersRequest::builder()
                .proxy_id(&proxy)
                .build(),
        )
        .await?;
    assert_eq!(tcp_listeners.total_count, 1);
    assert_eq!(tcp_listeners.listener_set[0].real_server_set.len(), 2);
    let udp_listeners = client
        .send(
            DescribeUdpListenersRequest::builder()
                .listener_id(&udp)
                .build(),
        )
        .await?;
    assert_eq!(
        udp_listeners.listener_set[0].real_server_set[1].real_server_id,
        rs2
    );
    let https_rules = client
        .send(DescribeRulesRequest::builder().listener_id(&https).build())
        .await?;
    assert_eq!(https_rules.domain_rule_set[0].domain, "shop.example.com");
    assert_eq!(
        https_rules.domain_rule_set[0].rule_set[0]
            .real_server_set
            .len(),
        1
    );
    let https_listeners = client
        .send(
            DescribeHttpsListenersRequest::builder()
                .proxy_id(&proxy)
                .build(),
        )
        .await?;
    assert_eq!(https_listeners.listener_set[0].certificate_alias, "shop");
    let bound = client
        .send(
            DescribeRealServersStatusRequest::builder()
                .real_server_ids(vec![rs1.clone(), rs2.clone()])
                .build(),
        )
        .await?;
    assert_eq!(bound.real_server_status_set.len(), 2);
    assert!(
        bound
            .real_server_status_set
            .iter()
            .all(|s| s.proxy_id == proxy)
    );

    // Changes.
    client
        .send(
            ModifyTcpListenerAttributeRequest::builder()
                .listener_id(&tcp)
                .proxy_id(&proxy)
                .listener_name("ssh-bastion")
                .build(),
        )
        .await?;
    client
        .send(
            ModifyProxiesAttributeRequest::builder()
                .proxy_ids(vec![proxy.clone()])
                .proxy_name("shop-2")
                .build(),
        )
        .await?;
    let renamed = client
        .send(
            DescribeProxyDetailRequest::builder()
                .proxy_id(&proxy)
                .build(),
        )
        .await?
        .proxy_detail;
    assert_eq!(renamed.proxy_name, "shop-2");
    wait_for_listeners(&client, &clock, &proxy).await?;

    // Tear down in the wrong order first: the API says what is in the way.
    let destroy = |force| {
        DestroyProxiesRequest::builder()
            .force(force)
            .proxy_ids(vec![proxy.clone()])
            .build()
    };
    assert_eq!(
        refused(
            client
                .send(destroy(gaap::destroy_proxies::Force::NotForced))
                .await
        ),
        "FailedOperation.RealServerAlreadyBound"
    );
    assert_eq!(
        refused(
            client
                .send(
                    RemoveRealServersRequest::builder()
                        .real_server_ids(vec![rs1.clone()])
                        .build()
                )
                .await
        ),
        "FailedOperation.RealServerAlreadyBound"
    );
    assert_eq!(
        refused(
            client
                .send(
                    DeleteCertificateRequest::builder()
                        .certificate_id(&certificate)
                        .build()
                )
                .await
        ),
        "FailedOperation.CertificateIsUsing"
    );
    assert_eq!(
        refused(
            client
                .send(
                    DeleteDomainRequest::builder()
                        .listener_id(&https)
                        .domain("shop.example.com")
                        .force(gaap::delete_domain::Force::NotForced)
                        .build()
                )
                .await
        ),
        "FailedOperation.RealServerAlreadyBound"
    );

    // Then in the right one.
    for (listener, domain) in [(&http, "www.example.com"), (&https, "shop.example.com")] {
        client
            .send(
                DeleteDomainRequest::builder()
                    .listener_id(listener)
                    .domain(domain)
                    .force(gaap::delete_domain::Force::Forced)
                    .build(),
            )
            .await?;
    }
    let deleted = client
        .send(
            DeleteListenersRequest::builder()
                .proxy_id(&proxy)
                .listener_ids(vec![tcp.clone(), udp.clone(), http.clone(), https.clone()])
                .force(gaap::delete_listeners::Force::Allowed)
                .build(),
        )
        .await?;
    assert_eq!(deleted.operation_succeed_listener_set.len(), 4);
    client
        .send(
            DeleteSecurityPolicyRequest::builder()
                .policy_id(&policy)
                .build(),
        )
        .await?;
    client
        .send(
            RemoveRealServersRequest::builder()
                .real_server_ids(vec![rs1, rs2])
                .build(),
        )
        .await?;
    client
        .send(
            DeleteCertificateRequest::builder()
                .certificate_id(&certificate)
                .build(),
        )
        .await?;
    client
        .send(destroy(gaap::destroy_proxies::Force::NotForced))
        .await?;
    wait_for_proxy(&client, &clock, &proxy, None).await?;
    assert!(emulator.resource(&proxy).is_none());
    Ok(())
}
