//! `ClientToken`: the seven actions that have one are idempotent on the emulator as the SDK
//! expects of the real endpoint. Each is sent while the emulator carries it out and then drops
//! the connection (`Fault::DropAfterExecute`): the SDK cannot know the fate of the call, sends it
//! again with the same token (it retries these actions, and only these, after an unknown fate),
//! and gets the first answer — without the action being carried out twice. The same token with
//! other parameters is `FailedOperation.DuplicatedRequest`, as documented.

use gaap::{
    Action, CloseProxiesRequest, CreateProxyRequest, DescribeProxiesStatusRequest,
    DescribeProxyDetailRequest, DestroyProxiesRequest, ModifyProxiesAttributeRequest,
    ModifyProxiesProjectRequest, ModifyProxyConfigurationRequest, OpenProxiesRequest,
};
use gaap_emulator::{Emulator, Fault, FaultRule};
use serde_json::{Value, json};

use crate::support::*;

/// The built-in proxy that is `CLOSED`.
const CLOSED_PROXY: &str = "link-closed01";

/// Sends `body` through the typed client while the emulator drops the connection after
/// carrying it out once: the SDK sends it again, and the answer is the first one.
async fn after_a_lost_answer<A: Action>(
    emulator: &Emulator,
    client: &gaap::Client,
    body: Value,
) -> Value
where
    A::Response: serde::Serialize,
{
    let before = emulator.request_count(A::ACTION);
    emulator
        .faults()
        .inject(FaultRule::new(Fault::DropAfterExecute).action(A::ACTION));
    let answer = call::<A>(client, body).await;
    assert_eq!(emulator.faults().pending(), 0, "{}", A::ACTION);
    assert_eq!(
        emulator.request_count(A::ACTION),
        before + 2,
        "{}: the SDK sends it again after the lost answer",
        A::ACTION
    );
    answer
}

/// The same token with other parameters.
async fn duplicated<A: Action>(client: &gaap::Client, body: Value) {
    assert_eq!(
        fails::<A>(client, body).await,
        "FailedOperation.DuplicatedRequest",
        "{}",
        A::ACTION
    );
}

async fn status(client: &gaap::Client, id: &str) -> Value {
    call::<DescribeProxiesStatusRequest>(client, json!({"ProxyIds": [id]})).await
        ["InstanceStatusSet"][0]["Status"]
        .clone()
}

async fn detail(client: &gaap::Client, id: &str) -> Value {
    call::<DescribeProxyDetailRequest>(client, json!({"ProxyId": id})).await["ProxyDetail"].clone()
}

/// A running proxy of its own.
async fn new_proxy(client: &gaap::Client, clock: &gaap_emulator::ManualClock) -> String {
    let body = json!({"ProjectId": 0, "ProxyName": "p", "AccessRegion": "Hongkong",
                      "RealServerRegion": "Shanghai", "Bandwidth": 10, "Concurrent": 2});
    let id = call::<CreateProxyRequest>(client, body).await["InstanceId"]
        .as_str()
        .unwrap()
        .to_owned();
    settle(clock);
    id
}

#[tokio::test]
async fn create_proxy_makes_one_proxy_after_a_lost_answer() {
    let (emulator, _clock, client) = on_manual_clock().await;
    let body = json!({"ProjectId": 0, "ProxyName": "once", "AccessRegion": "Hongkong",
                      "RealServerRegion": "Shanghai", "Bandwidth": 10, "Concurrent": 2,
                      "ClientToken": "token-create"});
    let first = after_a_lost_answer::<CreateProxyRequest>(&emulator, &client, body.clone()).await;
    let named_once: Vec<Value> = emulator
        .resources("proxy")
        .into_iter()
        .filter(|p| p["fields"]["ProxyName"] == "once")
        .collect();
    assert_eq!(named_once.len(), 1, "carried out once");
    assert_eq!(first["InstanceId"], named_once[0]["id"]);
    // Sent once more by hand: the same answer, still one proxy.
    let again = call::<CreateProxyRequest>(&client, body.clone()).await;
    assert_eq!(again["InstanceId"], first["InstanceId"]);
    assert_eq!(emulator.resources("proxy").len(), named_once.len() + 5);
    let mut other = body;
    other["Bandwidth"] = json!(20);
    duplicated::<CreateProxyRequest>(&client, other).await;
}

#[tokio::test]
async fn modify_proxies_attribute_is_not_carried_out_again() {
    let (emulator, _clock, client) = on_manual_clock().await;
    let body = json!({"ProxyIds": [PROXY], "ProxyName": "first", "ClientToken": "token-rename"});
    after_a_lost_answer::<ModifyProxiesAttributeRequest>(&emulator, &client, body.clone()).await;
    assert_eq!(detail(&client, PROXY).await["ProxyName"], "first");
    // Renamed since: the same token again answers without renaming it back.
    call::<ModifyProxiesAttributeRequest>(
        &client,
        json!({"ProxyIds": [PROXY], "ProxyName": "second"}),
    )
    .await;
    call::<ModifyProxiesAttributeRequest>(&client, body.clone()).await;
    assert_eq!(detail(&client, PROXY).await["ProxyName"], "second");
    let mut other = body;
    other["ProxyName"] = json!("third");
    duplicated::<ModifyProxiesAttributeRequest>(&client, other).await;
}

#[tokio::test]
async fn modify_proxies_project_is_not_carried_out_again() {
    let (emulator, _clock, client) = on_manual_clock().await;
    let body = json!({"InstanceIds": [PROXY], "ProjectId": 7, "ClientToken": "token-project"});
    after_a_lost_answer::<ModifyProxiesProjectRequest>(&emulator, &client, body.clone()).await;
    assert_eq!(detail(&client, PROXY).await["ProjectId"], 7);
    call::<ModifyProxiesProjectRequest>(&client, json!({"InstanceIds": [PROXY], "ProjectId": 8}))
        .await;
    call::<ModifyProxiesProjectRequest>(&client, body.clone()).await;
    assert_eq!(detail(&client, PROXY).await["ProjectId"], 8);
    let mut other = body;
    other["ProjectId"] = json!(9);
    duplicated::<ModifyProxiesProjectRequest>(&client, other).await;
}

#[tokio::test]
async fn modify_proxy_configuration_answers_the_retry_of_an_adjusting_proxy() {
    let (emulator, clock, client) = on_manual_clock().await;
    let body = json!({"ProxyId": PROXY, "Bandwidth": 20, "Concurrent": 5,
                      "ClientToken": "token-resize"});
    // Carried out again, the retry would meet the proxy ADJUSTING and be refused.
    after_a_lost_answer::<ModifyProxyConfigurationRequest>(&emulator, &client, body.clone()).await;
    assert_eq!(status(&client, PROXY).await, "ADJUSTING");
    settle(&clock);
    let resized = detail(&client, PROXY).await;
    assert_eq!(
        (resized["Bandwidth"].clone(), resized["Status"].clone()),
        (json!(20), json!("RUNNING"))
    );
    let mut other = body;
    other["Bandwidth"] = json!(50);
    duplicated::<ModifyProxyConfigurationRequest>(&client, other).await;
}

#[tokio::test]
async fn close_proxies_reports_the_first_answer_not_a_closing_proxy() {
    let (emulator, _clock, client) = on_manual_clock().await;
    let body = json!({"ProxyIds": [PROXY], "ClientToken": "token-close"});
    let answer = after_a_lost_answer::<CloseProxiesRequest>(&emulator, &client, body.clone()).await;
    // Carried out again, the proxy (CLOSING by then) would be listed as in the wrong status.
    assert_eq!(answer["InvalidStatusInstanceSet"], json!([]));
    assert_eq!(status(&client, PROXY).await, "CLOSING");
    duplicated::<CloseProxiesRequest>(
        &client,
        json!({"ProxyIds": [PROXY, CLOSED_PROXY], "ClientToken": "token-close"}),
    )
    .await;
}

#[tokio::test]
async fn open_proxies_reports_the_first_answer_not_an_opening_proxy() {
    let (emulator, _clock, client) = on_manual_clock().await;
    let body = json!({"InstanceIds": [CLOSED_PROXY], "ClientToken": "token-open"});
    let answer = after_a_lost_answer::<OpenProxiesRequest>(&emulator, &client, body).await;
    assert_eq!(answer["InvalidStatusInstanceSet"], json!([]));
    assert_eq!(status(&client, CLOSED_PROXY).await, "OPENING");
    duplicated::<OpenProxiesRequest>(
        &client,
        json!({"InstanceIds": [PROXY], "ClientToken": "token-open"}),
    )
    .await;
}

#[tokio::test]
async fn destroy_proxies_reports_the_first_answer_not_a_destroying_proxy() {
    let (emulator, clock, client) = on_manual_clock().await;
    let proxy = new_proxy(&client, &clock).await;
    let body = json!({"ProxyIds": [proxy], "Force": 0, "ClientToken": "token-destroy"});
    let answer =
        after_a_lost_answer::<DestroyProxiesRequest>(&emulator, &client, body.clone()).await;
    assert_eq!(answer["InvalidStatusInstanceSet"], json!([]));
    assert_eq!(status(&client, &proxy).await, "DESTROYING");
    let mut other = body;
    other["Force"] = json!(1);
    duplicated::<DestroyProxiesRequest>(&client, other).await;
    settle(&clock);
    assert_eq!(status(&client, &proxy).await, Value::Null, "gone");
}
