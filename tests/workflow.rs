//! A user's first real GAAP workflow, written as a user of the SDK would write it, against the
//! emulator on loopback: a proxy (waiting until it runs), a listener of each protocol, real
//! servers bound to them, domains and forwarding rules, a certificate, a security policy; then
//! everything read back, changed, and torn down — first in the wrong order, which the API
//! refuses with its documented errors, then in the right one.
//!
//! Requests are made with the generated builders (nested objects too: `RealServerBindSetReq`,
//! `SecurityPolicyRuleIn`), statuses are read as their typed enumerations (`ProxyStatusStatus`,
//! `ListenerStatus`), errors as their typed variants. Time is the emulator's manual clock: where
//! a user's program would sleep between polls, this one moves the clock (`wait`), so the test
//! never sleeps.

use std::time::Duration;

use gaap::types::{
    ForwardProtocol, HealthCheck, ListenerStatus, ProxyInfoStatus, ProxyStatusStatus,
    RealServerBindSetReq, RealServerType, Scheduler, SecurityPolicyRuleIn,
    SecurityPolicyRuleInProtocol, SecurityPolicyRuleOutProtocol,
};
use gaap::{
    AddRealServersRequest, BindListenerRealServersRequest, BindRuleRealServersRequest, Client,
    CreateCertificateRequest, CreateDomainRequest, CreateHttpListenerRequest,
    CreateHttpsListenerRequest, CreateProxyRequest, CreateRuleRequest, CreateSecurityPolicyRequest,
    CreateSecurityRulesRequest, CreateTcpListenersRequest, CreateUdpListenersRequest,
    DeleteCertificateError, DeleteCertificateRequest, DeleteDomainError, DeleteDomainRequest,
    DeleteListenersRequest, DeleteSecurityPolicyRequest, DescribeHttpListenersRequest,
    DescribeHttpsListenersRequest, DescribeProxiesStatusRequest, DescribeProxyDetailRequest,
    DescribeRealServersStatusRequest, DescribeRulesRequest, DescribeSecurityPolicyDetailRequest,
    DescribeTcpListenersRequest, DescribeUdpListenersRequest, DestroyProxiesError,
    DestroyProxiesRequest, Error, ModifyProxiesAttributeRequest, ModifyTcpListenerAttributeRequest,
    RemoveRealServersError, RemoveRealServersRequest, StaticProvider,
};
use gaap_emulator::{Config, EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, Emulator, ManualClock};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What the user's program does between two polls: here, the emulator's clock moves a second.
fn wait(clock: &ManualClock) {
    clock.advance(Duration::from_secs(1));
}

/// The typed API error of a refused call.
fn refused<T: std::fmt::Debug, E: gaap::ApiError>(result: Result<T, Error<E>>) -> E {
    match result {
        Err(Error::Api(error)) => error,
        Err(other) => panic!("expected a refusal, got {other}"),
        Ok(answer) => panic!("expected a refusal, got {answer:?}"),
    }
}

/// The proxy's status, `None` once it is gone.
async fn proxy_status(client: &Client, proxy: &str) -> Result<Option<ProxyStatusStatus>, BoxError> {
    let status = client
        .send(
            DescribeProxiesStatusRequest::builder()
                .proxy_ids([proxy.to_owned()])
                .build(),
        )
        .await?;
    Ok(status
        .instance_status_set
        .into_iter()
        .next()
        .map(|s| s.status))
}

async fn wait_for_proxy(
    client: &Client,
    clock: &ManualClock,
    proxy: &str,
    wanted: Option<ProxyStatusStatus>,
) -> Result<(), BoxError> {
    for _ in 0..60 {
        if proxy_status(client, proxy).await? == wanted {
            return Ok(());
        }
        wait(clock);
    }
    Err(format!("{proxy} never became {wanted:?}").into())
}

/// Waits until every listener of the proxy, of every protocol, runs.
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
        let statuses: Vec<&ListenerStatus> = tcp
            .listener_set
            .iter()
            .map(|l| &l.listener_status)
            .chain(udp.listener_set.iter().map(|l| &l.listener_status))
            .chain(http.listener_set.iter().map(|l| &l.listener_status))
            .chain(https.listener_set.iter().map(|l| &l.listener_status))
            .collect();
        if statuses.iter().all(|s| **s == ListenerStatus::Running) {
            return Ok(());
        }
        wait(clock);
    }
    Err("the listeners never ran".into())
}

fn bound(id: &str, ip: &str, port: u64) -> RealServerBindSetReq {
    RealServerBindSetReq::builder()
        .real_server_id(id)
        .real_server_port(port)
        .real_server_ip(ip)
        .build()
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
    assert_eq!(
        proxy_status(&client, &proxy).await?,
        Some(ProxyStatusStatus::Creating)
    );
    wait_for_proxy(&client, &clock, &proxy, Some(ProxyStatusStatus::Running)).await?;

    // A certificate for HTTPS, then a listener of each protocol.
    let certificate = client
        .send(
            CreateCertificateRequest::builder()
                .certificate_type(gaap::create_certificate::CertificateType::ServerSsl)
                .certificate_content("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")
                .certificate_alias("shop")
                .certificate_key(
                    "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
                )
                .build(),
        )
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
        .send(
            CreateUdpListenersRequest::builder()
                .proxy_id(&proxy)
                .listener_name("dns")
                .ports([53])
                .scheduler(Scheduler::RoundRobin)
                .real_server_type(RealServerType::Ip)
                .build(),
        )
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
        .send(
            CreateHttpsListenerRequest::builder()
                .proxy_id(&proxy)
                .listener_name("secure")
                .port(443)
                .certificate_id(&certificate)
                .forward_protocol(ForwardProtocol::Http)
                .build(),
        )
        .await?
        .listener_id;
    wait_for_listeners(&client, &clock, &proxy).await?;

    // Real servers, bound to the TCP and UDP listeners.
    let servers = client
        .send(
            AddRealServersRequest::builder()
                .project_id(0)
                .real_server_ip(["192.0.2.1".to_owned(), "192.0.2.2".to_owned()])
                .real_server_name("origin")
                .build(),
        )
        .await?
        .real_server_set;
    let (rs1, rs2) = (
        servers[0].real_server_id.clone(),
        servers[1].real_server_id.clone(),
    );
    for (listener, port) in [(&tcp, 22), (&udp, 53)] {
        client
            .send(
                BindListenerRealServersRequest::builder()
                    .listener_id(listener)
                    .real_server_bind_set([
                        bound(&rs1, "192.0.2.1", port),
                        bound(&rs2, "192.0.2.2", port),
                    ])
                    .build(),
            )
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
            .send(
                CreateRuleRequest::builder()
                    .listener_id(listener)
                    .domain(domain)
                    .path("/")
                    .real_server_type(RealServerType::Ip)
                    .scheduler(gaap::create_rule::Scheduler::RoundRobin)
                    .health_check(HealthCheck::Disabled)
                    .build(),
            )
            .await?
            .rule_id;
        rules.push(rule);
    }
    wait(&clock);
    wait(&clock);
    wait(&clock);
    for rule in &rules {
        client
            .send(
                BindRuleRealServersRequest::builder()
                    .rule_id(rule)
                    .real_server_bind_set([bound(&rs1, "192.0.2.1", 8080)])
                    .build(),
            )
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
        .send(
            CreateSecurityRulesRequest::builder()
                .policy_id(&policy)
                .rule_list([SecurityPolicyRuleIn::builder()
                    .source_cidr("203.0.113.0/24")
                    .action("ACCEPT")
                    .protocol(SecurityPolicyRuleInProtocol::Tcp)
                    .dest_port_range("22")
                    .build()])
                .build(),
        )
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
    assert_eq!(detail.status, ProxyInfoStatus::Running);
    assert_eq!(detail.policy_id.as_deref(), Some(policy.as_str()));
    let security = client
        .send(
            DescribeSecurityPolicyDetailRequest::builder()
                .policy_id(&policy)
                .build(),
        )
        .await?;
    assert_eq!(
        security.status,
        gaap::describe_security_policy_detail::Status::Bound
    );
    assert_eq!(
        security.rule_list[0].protocol,
        SecurityPolicyRuleOutProtocol::Tcp
    );
    let tcp_listeners = client
        .send(
            DescribeTcpListenersRequest::builder()
                .proxy_id(&proxy)
                .build(),
        )
        .await?;
    assert_eq!(tcp_listeners.total_count, 1);
    assert_eq!(tcp_listeners.listener_set[0].real_server_set.len(), 2);
    assert_eq!(
        tcp_listeners.listener_set[0].listener_status,
        ListenerStatus::Running
    );
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
                .real_server_ids([rs1.clone(), rs2.clone()])
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

    // Changes: the listener adjusts its configuration for a while.
    client
        .send(
            ModifyTcpListenerAttributeRequest::builder()
                .listener_id(&tcp)
                .proxy_id(&proxy)
                .listener_name("ssh-bastion")
                .build(),
        )
        .await?;
    let adjusting = client
        .send(
            DescribeTcpListenersRequest::builder()
                .listener_id(&tcp)
                .build(),
        )
        .await?;
    assert_eq!(
        adjusting.listener_set[0].listener_status,
        ListenerStatus::Adjusting
    );
    client
        .send(
            ModifyProxiesAttributeRequest::builder()
                .proxy_ids([proxy.clone()])
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
            .proxy_ids([proxy.clone()])
            .build()
    };
    assert!(matches!(
        refused(
            client
                .send(destroy(gaap::destroy_proxies::Force::NotForced))
                .await
        ),
        DestroyProxiesError::FailedOperationRealServerAlreadyBound(_)
    ));
    assert!(matches!(
        refused(
            client
                .send(
                    RemoveRealServersRequest::builder()
                        .real_server_ids([rs1.clone()])
                        .build()
                )
                .await
        ),
        RemoveRealServersError::FailedOperationRealServerAlreadyBound(_)
    ));
    assert!(matches!(
        refused(
            client
                .send(
                    DeleteCertificateRequest::builder()
                        .certificate_id(&certificate)
                        .build()
                )
                .await
        ),
        DeleteCertificateError::FailedOperationCertificateIsUsing(_)
    ));
    assert!(matches!(
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
        DeleteDomainError::FailedOperationRealServerAlreadyBound(_)
    ));

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
                .listener_ids([tcp.clone(), udp.clone(), http.clone(), https.clone()])
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
                .real_server_ids([rs1, rs2])
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
    assert_eq!(
        proxy_status(&client, &proxy).await?,
        Some(ProxyStatusStatus::Destroying)
    );
    wait_for_proxy(&client, &clock, &proxy, None).await?;
    assert!(emulator.resource(&proxy).is_none());
    Ok(())
}
