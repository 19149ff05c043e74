//! Security policies through the typed client: one per proxy, rules (duplicates refused),
//! closing and opening through tasks polled with DescribeTaskStatus, deleting.

use gaap::{
    CloseSecurityPolicyRequest, CreateSecurityPolicyRequest, CreateSecurityRulesRequest,
    DeleteSecurityPolicyRequest, DeleteSecurityRulesRequest, DescribeProxyDetailRequest,
    DescribeSecurityPolicyDetailRequest, DescribeSecurityRulesRequest, DescribeTaskStatusRequest,
    ModifySecurityRuleRequest, OpenSecurityPolicyRequest,
};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_policy_with_rules_closes_and_opens_through_tasks() {
    let (_emulator, clock, client) = on_manual_clock().await;
    let policy = call::<CreateSecurityPolicyRequest>(
        &client,
        json!({"ProxyId": PROXY, "DefaultAction": "DROP"}),
    )
    .await["PolicyId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(policy.starts_with("sp-"), "{policy}");
    assert_eq!(
        fails::<CreateSecurityPolicyRequest>(
            &client,
            json!({"ProxyId": PROXY, "DefaultAction": "ACCEPT"})
        )
        .await,
        "FailedOperation.ProxySecurityPolicyExisted"
    );
    let proxy = call::<DescribeProxyDetailRequest>(&client, json!({"ProxyId": PROXY})).await;
    assert_eq!(proxy["ProxyDetail"]["PolicyId"], json!(policy));
    let rules = json!([
        {"SourceCidr": "203.0.113.0/24", "Action": "ACCEPT", "AliasName": "office", "Protocol": "TCP", "DestPortRange": "443"},
        {"SourceCidr": "198.51.100.1", "Action": "DROP", "Protocol": "ALL", "DestPortRange": "ALL"}
    ]);
    // Not while the policy is being bound.
    assert_eq!(
        fails::<CreateSecurityRulesRequest>(
            &client,
            json!({"PolicyId": policy, "RuleList": rules})
        )
        .await,
        "FailedOperation.ProxySecurityPolicyOperating"
    );
    settle(&clock);
    let ids = strings(
        &call::<CreateSecurityRulesRequest>(
            &client,
            json!({"PolicyId": policy, "RuleList": rules}),
        )
        .await["RuleIdList"],
    );
    assert_eq!(ids.len(), 2);
    assert!(ids.iter().all(|id| id.starts_with("sr-")), "{ids:?}");
    assert_eq!(
        fails::<CreateSecurityRulesRequest>(
            &client,
            json!({"PolicyId": policy, "RuleList": [{"SourceCidr": "198.51.100.1", "Action": "ACCEPT", "Protocol": "ALL", "DestPortRange": "ALL"}]})
        )
        .await,
        "FailedOperation.ProxySecurityPolicyDuplicatedRule"
    );
    call::<ModifySecurityRuleRequest>(
        &client,
        json!({"PolicyId": policy, "RuleId": ids[1], "AliasName": "blocked", "RuleAction": "ACCEPT"}),
    )
    .await;
    let described =
        call::<DescribeSecurityRulesRequest>(&client, json!({"SecurityRuleIds": [ids[1]]})).await;
    assert_eq!(described["SecurityRuleSet"][0]["Action"], "ACCEPT");
    assert_eq!(described["SecurityRuleSet"][0]["AliasName"], "blocked");

    // Closing runs a task; its status says when it is done.
    let task =
        call::<CloseSecurityPolicyRequest>(&client, json!({"ProxyId": PROXY})).await["TaskId"]
            .as_str()
            .unwrap()
            .to_owned();
    let status = |task: &str| call::<DescribeTaskStatusRequest>(&client, json!({"TaskId": task}));
    assert_eq!(status(&task).await["Status"], "RUNNING");
    let detail =
        call::<DescribeSecurityPolicyDetailRequest>(&client, json!({"PolicyId": policy})).await;
    assert_eq!(detail["Status"], "UNBINDING");
    settle(&clock);
    assert_eq!(status(&task).await["Status"], "SUCCESS");
    let detail =
        call::<DescribeSecurityPolicyDetailRequest>(&client, json!({"PolicyId": policy})).await;
    assert_eq!(
        (detail["Status"].clone(), detail["DefaultAction"].clone()),
        (json!("UNBIND"), json!("DROP"))
    );
    assert_eq!(detail["RuleList"].as_array().unwrap().len(), 2);
    assert_eq!(
        fails::<CloseSecurityPolicyRequest>(&client, json!({"PolicyId": policy})).await,
        "FailedOperation.ProxySecurityAlreadyClose"
    );
    call::<OpenSecurityPolicyRequest>(&client, json!({"PolicyId": policy, "ProxyId": PROXY})).await;
    assert_eq!(
        fails::<OpenSecurityPolicyRequest>(&client, json!({"PolicyId": policy})).await,
        "FailedOperation.ProxySecurityAlreadyOpen"
    );
    settle(&clock);

    call::<DeleteSecurityRulesRequest>(
        &client,
        json!({"PolicyId": policy, "RuleIdList": [ids[0]]}),
    )
    .await;
    let detail =
        call::<DescribeSecurityPolicyDetailRequest>(&client, json!({"PolicyId": policy})).await;
    assert_eq!(detail["RuleList"].as_array().unwrap().len(), 1);
    call::<DeleteSecurityPolicyRequest>(&client, json!({"PolicyId": policy})).await;
    // The policy's rules went with it.
    let gone =
        call::<DescribeSecurityRulesRequest>(&client, json!({"SecurityRuleIds": [ids[1]]})).await;
    assert_eq!(gone["TotalCount"], 0);
}
