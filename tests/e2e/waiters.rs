//! Waiters against the emulator, on tokio's paused clock: the waiter's delays are virtual, and
//! the emulator's manual clock follows tokio's (see [`linked_client`]), so a transition of 3 s
//! settles between the polls the backoff says, and no test sleeps.

use std::time::Duration;

use gaap::types::ProxyInfoStatus;
use gaap::{
    CloseProxiesRequest, CreateProxyRequest, DescribeProxiesRequest, DescribeProxyDetailRequest,
    DescribeTcpListenersRequest, DestroyProxiesRequest, WaitError, describe_proxies,
    describe_proxy_detail, describe_tcp_listeners,
};
use gaap_emulator::{Config, Emulator, Fixture, ManualClock, Throttling};
use serde_json::json;
use tokio::time::Instant;

use crate::support::*;

/// A proxy as the documentation's CreateProxy example makes one.
fn new_proxy(name: &str) -> CreateProxyRequest {
    req(json!({
        "ProjectId": 0, "ProxyName": name, "AccessRegion": "Hongkong", "Bandwidth": 10,
        "Concurrent": 2, "RealServerRegion": "Shanghai"
    }))
}

fn describe(id: &str) -> DescribeProxiesRequest {
    DescribeProxiesRequest::builder()
        .proxy_ids(vec![id.to_owned()])
        .build()
}

/// An emulator on a manual clock (transitions of 3 s), throttling off unless `config` says
/// otherwise.
pub async fn emulator_on(config: Config) -> (Emulator, ManualClock) {
    let clock = ManualClock::at_system_now();
    match Emulator::start_with(config.with_clock(clock.clone())).await {
        Ok(emulator) => (emulator, clock),
        Err(error) => panic!("the emulator did not start: {error}"),
    }
}

/// Always the largest delay: the polls then come at known instants.
fn no_jitter() -> f64 {
    1.0
}

async fn create_proxy(client: &gaap::Client, name: &str) -> String {
    ok(client, new_proxy(name)).await.instance_id
}

#[tokio::test(start_paused = true)]
async fn a_new_proxy_is_waited_for_from_creating_to_running() {
    let (emulator, clock) = emulator_on(Config::builtin().with_throttling(Throttling::Off)).await;
    let client = linked_client(&emulator, &clock);
    let id = create_proxy(&client, "waited").await;

    let started = Instant::now();
    let done = client
        .wait_with_jitter(describe_proxies::PROXY_RUNNING, describe(&id), no_jitter)
        .await
        .unwrap();

    // Polls at 0 s (CREATING), 2 s (CREATING), then 2 + 4 = 6 s: the transition of 3 s is over.
    assert_eq!(done.polls, 3);
    assert_eq!(done.waited, Duration::from_secs(6));
    assert_eq!(Instant::now() - started, Duration::from_secs(6));
    assert_eq!(emulator.request_count("DescribeProxies"), 3);
    let response = done.response().unwrap();
    assert_eq!(response.proxy_set.len(), 1);
    assert_eq!(response.proxy_set[0].instance_id, id);
    assert_eq!(response.proxy_set[0].status, ProxyInfoStatus::Running);
    assert_eq!(done.observed, "ProxySet[].Status = RUNNING");

    // The same through DescribeProxyDetail: running already, one poll.
    let detail = DescribeProxyDetailRequest::builder().proxy_id(&id).build();
    let done = client
        .wait(describe_proxy_detail::PROXY_RUNNING, detail)
        .await
        .unwrap();
    assert_eq!(done.polls, 1);
}

#[tokio::test(start_paused = true)]
async fn a_proxy_being_closed_fails_the_running_waiter_with_its_state() {
    let (emulator, clock) = emulator_on(Config::builtin().with_throttling(Throttling::Off)).await;
    let client = linked_client(&emulator, &clock);
    let close = CloseProxiesRequest::builder()
        .proxy_ids(vec![PROXY.to_owned()])
        .build();
    ok(&client, close).await;

    let error = client
        .wait(describe_proxies::PROXY_RUNNING, describe(PROXY))
        .await
        .unwrap_err();
    match &error {
        WaitError::Failed {
            waiter,
            state,
            polls,
            last,
        } => {
            assert_eq!(*waiter, "ProxyRunning");
            assert_eq!(state, "ProxySet[].Status = CLOSING");
            assert_eq!(*polls, 1);
            let response = last.as_ref().as_ref().unwrap();
            assert_eq!(response.proxy_set[0].status, ProxyInfoStatus::Closing);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "waiter ProxyRunning failed after 1 poll(s): ProxySet[].Status = CLOSING, from which the \
         state waited for cannot be reached"
    );

    // Once closed, the proxy is destroyed: ProxyClosed, then ProxyDeleted (an empty list) and,
    // through DescribeProxyDetail, ProxyDeleted on its documented ResourceNotFound.
    let closed = client
        .wait(describe_proxies::PROXY_CLOSED, describe(PROXY))
        .await
        .unwrap();
    assert_eq!(
        closed.response().unwrap().proxy_set[0].status,
        ProxyInfoStatus::Closed
    );
    ok(
        &client,
        req::<DestroyProxiesRequest>(json!({"ProxyIds": [PROXY], "Force": 0})),
    )
    .await;
    let gone = client
        .wait_with_jitter(describe_proxies::PROXY_DELETED, describe(PROXY), no_jitter)
        .await
        .unwrap();
    assert_eq!(gone.observed, "ProxySet is empty");
    assert!(gone.response().unwrap().proxy_set.is_empty());
    let detail = DescribeProxyDetailRequest::builder()
        .proxy_id(PROXY)
        .build();
    let gone = client
        .wait(describe_proxy_detail::PROXY_DELETED, detail)
        .await
        .unwrap();
    assert_eq!(gone.observed, "error ResourceNotFound");
    assert!(matches!(&gone.last, Err(e) if e.code() == Some("ResourceNotFound")));
}

#[tokio::test(start_paused = true)]
async fn an_undocumented_status_is_a_failure_that_names_it() {
    let (emulator, clock) = emulator_on(Config::builtin().with_throttling(Throttling::Off)).await;
    let client = linked_client(&emulator, &clock);
    let id = create_proxy(&client, "doomed").await;
    // The official DescribeProxies example shows a proxy in CREATE_FAILED, which no
    // description documents.
    assert!(emulator.set_status(&id, "CREATE_FAILED"));
    let error = client
        .wait(describe_proxies::PROXY_RUNNING, describe(&id))
        .await
        .unwrap_err();
    let WaitError::Failed { state, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        state,
        "ProxySet[].Status = CREATE_FAILED (a value the documentation does not list)"
    );
}

#[tokio::test(start_paused = true)]
async fn a_waiter_times_out_at_its_maximum_wait_with_the_last_response() {
    // A fixture's status stays as given: this proxy is creating for ever.
    let config = Config::builtin()
        .with_throttling(Throttling::Off)
        .with_proxy(Fixture::with_status("link-stuck001", "CREATING"));
    let (emulator, clock) = emulator_on(config).await;
    let client = linked_client(&emulator, &clock);
    let started = Instant::now();
    let waiter = describe_proxies::PROXY_RUNNING.with_max_wait(Duration::from_secs(60));
    let error = client
        .wait_with_jitter(waiter, describe("link-stuck001"), no_jitter)
        .await
        .unwrap_err();
    // Polls at 0, 2, 6, 14 and 30 s; the next delay (30 s) would end at the deadline, so the
    // waiter gives up at 30 s rather than sleep into it.
    match &error {
        WaitError::TimedOut {
            waiter,
            waited,
            polls,
            last,
        } => {
            assert_eq!(*waiter, "ProxyRunning");
            assert_eq!(*waited, Duration::from_secs(30));
            assert_eq!(*polls, 5);
            let last = last.as_deref().unwrap().as_ref().unwrap();
            assert_eq!(last.proxy_set[0].status, ProxyInfoStatus::Creating);
        }
        other => panic!("{other:?}"),
    }
    assert!(error.is_timeout());
    assert_eq!(
        error.last_response().unwrap().proxy_set[0].status,
        ProxyInfoStatus::Creating
    );
    assert_eq!(Instant::now() - started, Duration::from_secs(30));
    assert_eq!(emulator.request_count("DescribeProxies"), 5);
}

#[tokio::test(start_paused = true)]
async fn a_poll_that_cannot_succeed_ends_the_wait_and_one_the_client_may_retry_does_not() {
    let (emulator, clock) = emulator_on(Config::builtin().with_throttling(Throttling::Off)).await;
    let client = linked_client(&emulator, &clock);
    // DescribeTCPListeners of a proxy that does not exist answers ResourceNotFound: the
    // ListenerDeleted waiter takes it as success, ListenerRunning has no acceptor for it, and an
    // error that polling again will not change ends the wait at once.
    let listeners = DescribeTcpListenersRequest::builder()
        .proxy_id("link-nothere1")
        .build();
    let gone = client
        .wait(describe_tcp_listeners::LISTENER_DELETED, listeners.clone())
        .await
        .unwrap();
    assert_eq!(gone.observed, "error ResourceNotFound");
    let error = client
        .wait(describe_tcp_listeners::LISTENER_RUNNING, listeners)
        .await
        .unwrap_err();
    match &error {
        WaitError::Poll { error, polls, .. } => {
            assert_eq!(error.code(), Some("ResourceNotFound"));
            assert_eq!(*polls, 1);
        }
        other => panic!("{other:?}"),
    }

    // A gateway error is retried by the client, then by the waiter at its next delay.
    emulator
        .faults()
        .inject(gaap_emulator::FaultRule::new(gaap_emulator::Fault::Html5xx(502)).times(3));
    let done = client
        .wait(describe_proxies::PROXY_RUNNING, describe(PROXY))
        .await
        .unwrap();
    assert!(done.polls >= 2, "{}", done.polls);
    assert_eq!(done.observed, "ProxySet[].Status = RUNNING");
}

#[test]
fn waiters_are_found_by_name_for_code_that_only_has_the_action() {
    use gaap::Action as _;
    let names: Vec<&str> = DescribeProxiesRequest::WAITERS
        .iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(names, ["ProxyClosed", "ProxyDeleted", "ProxyRunning"]);
    let running = DescribeProxiesRequest::waiter("ProxyRunning").unwrap();
    assert_eq!(running.min_delay, Duration::from_secs(2));
    assert_eq!(running.max_wait, Duration::from_secs(1200));
    assert!(DescribeProxiesRequest::waiter("ProxyRuning").is_none());
    assert!(gaap::CreateProxyRequest::WAITERS.is_empty());
}

/// The lifecycles the issue names, each followed by its waiter from the state a create leaves it
/// in: a proxy group, an HTTP listener, its domain and rule (the rule through a path of nested
/// arrays, and by id), the rule's deletion, and a task.
#[tokio::test(start_paused = true)]
async fn every_lifecycle_has_a_waiter_that_follows_it() {
    use gaap::{
        CloseSecurityPolicyRequest, CreateDomainRequest, CreateHttpListenerRequest,
        CreateProxyGroupRequest, CreateRuleRequest, CreateSecurityPolicyRequest, DeleteRuleRequest,
        DescribeHttpListenersRequest, DescribeProxyGroupDetailsRequest,
        DescribeRulesByRuleIdsRequest, DescribeRulesRequest, DescribeTaskStatusRequest,
        describe_http_listeners, describe_proxy_group_details, describe_rules,
        describe_rules_by_rule_ids, describe_task_status,
    };
    let (emulator, clock) = emulator_on(Config::builtin().with_throttling(Throttling::Off)).await;
    let client = linked_client(&emulator, &clock);
    // A transition of 3 s, polls 1 s apart then 2 s: at 0 s, 1 s, 3 s.
    let three_polls = |polls: u32, what: &str| assert_eq!(polls, 3, "{what}");

    let group = call::<CreateProxyGroupRequest>(
        &client,
        json!({"ProjectId": 0, "GroupName": "edge", "RealServerRegion": "Shanghai",
               "AccessRegionSet": [{"AccessRegion": "Guangzhou", "Bandwidth": 10, "Concurrent": 2}]}),
    )
    .await["GroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    let details = DescribeProxyGroupDetailsRequest::builder()
        .group_id(&group)
        .build();
    let running = client
        .wait_with_jitter(
            describe_proxy_group_details::GROUP_RUNNING,
            details,
            no_jitter,
        )
        .await
        .unwrap();
    // Proxies and groups poll 2 s apart, then 4 s: at 0 s, 2 s, 6 s.
    assert_eq!(running.polls, 3);
    assert_eq!(running.observed, "ProxyGroupDetail.Status = 0");

    let listener = call::<CreateHttpListenerRequest>(
        &client,
        json!({"ListenerName": "web", "Port": 80, "ProxyId": PROXY}),
    )
    .await["ListenerId"]
        .as_str()
        .unwrap()
        .to_owned();
    let listeners = DescribeHttpListenersRequest::builder()
        .listener_id(&listener)
        .build();
    let running = client
        .wait_with_jitter(
            describe_http_listeners::LISTENER_RUNNING,
            listeners,
            no_jitter,
        )
        .await
        .unwrap();
    three_polls(running.polls, "the listener");
    assert_eq!(running.response().unwrap().listener_set.len(), 1);

    call::<CreateDomainRequest>(
        &client,
        json!({"ListenerId": listener, "Domain": "www.example.com"}),
    )
    .await;
    let rules = DescribeRulesRequest::builder()
        .listener_id(&listener)
        .build();
    let running = client
        .wait_with_jitter(describe_rules::DOMAINS_RUNNING, rules.clone(), no_jitter)
        .await
        .unwrap();
    // The emulator's model gives domains no status of their own (DomainStatus reads 0): one poll.
    assert_eq!(running.polls, 1, "the domain");
    let rule = call::<CreateRuleRequest>(
        &client,
        json!({"ListenerId": listener, "Domain": "www.example.com", "Path": "/", "RealServerType": "IP",
               "Scheduler": "rr", "HealthCheck": 0, "ForwardProtocol": "HTTP", "ForwardHost": "default"}),
    )
    .await["RuleId"]
        .as_str()
        .unwrap()
        .to_owned();
    let running = client
        .wait_with_jitter(describe_rules::RULES_RUNNING, rules, no_jitter)
        .await
        .unwrap();
    three_polls(running.polls, "the rule, through DomainRuleSet[].RuleSet[]");
    assert_eq!(running.observed, "DomainRuleSet[].RuleSet[].RuleStatus = 0");
    let by_id = DescribeRulesByRuleIdsRequest::builder()
        .rule_ids(vec![rule.clone()])
        .build();
    let running = client
        .wait(describe_rules_by_rule_ids::RULE_RUNNING, by_id.clone())
        .await
        .unwrap();
    assert_eq!(running.polls, 1);
    call::<DeleteRuleRequest>(
        &client,
        json!({"ListenerId": listener, "RuleId": rule, "Force": 1}),
    )
    .await;
    let gone = client
        .wait_with_jitter(describe_rules_by_rule_ids::RULE_DELETED, by_id, no_jitter)
        .await
        .unwrap();
    // The emulator deletes a rule at once (no DESTROYING on its way out): one poll.
    assert_eq!(
        (gone.polls, gone.observed.as_str()),
        (1, "RuleSet is empty")
    );

    let policy = call::<CreateSecurityPolicyRequest>(
        &client,
        json!({"ProxyId": PROXY, "DefaultAction": "DROP"}),
    )
    .await["PolicyId"]
        .as_str()
        .unwrap()
        .to_owned();
    // Closing needs the policy bound: the binding takes the transition time.
    tokio::time::sleep(gaap_emulator::DEFAULT_TRANSITION_TIME).await;
    let task =
        call::<CloseSecurityPolicyRequest>(&client, json!({"PolicyId": policy})).await["TaskId"]
            .as_str()
            .unwrap()
            .to_owned();
    let status = DescribeTaskStatusRequest::builder().task_id(&task).build();
    let done = client
        .wait_with_jitter(describe_task_status::TASK_SUCCEEDED, status, no_jitter)
        .await
        .unwrap();
    three_polls(done.polls, "the task");
    assert_eq!(done.observed, "Status = SUCCESS");
}

/// Dropping a wait stops it: no poll is sent afterwards.
#[tokio::test(start_paused = true)]
async fn a_dropped_wait_polls_no_more() {
    let config = Config::builtin()
        .with_throttling(Throttling::Off)
        .with_proxy(Fixture::with_status("link-stuck001", "CREATING"));
    let (emulator, clock) = emulator_on(config).await;
    let client = linked_client(&emulator, &clock);
    let wait = client.wait_with_jitter(
        describe_proxies::PROXY_RUNNING,
        describe("link-stuck001"),
        no_jitter,
    );
    // Polls at 0, 2 and 6 s; dropped at 10 s, while it sleeps until 14 s.
    let cut = tokio::time::timeout(Duration::from_secs(10), wait).await;
    assert!(cut.is_err());
    assert_eq!(emulator.request_count("DescribeProxies"), 3);
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert_eq!(emulator.request_count("DescribeProxies"), 3);
}
