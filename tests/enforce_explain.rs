#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]
//! The explain API answers exactly what the call decides: it starts from the
//! same authorization question, service-filled condition keys included.

use kmsim::policy::Outcome;
use kmsim::{CallContext, ErrorCode, Service, Simulator};
use serde_json::json;

#[test]
fn explain_sees_the_condition_keys_secrets_manager_fills_in() {
    let mut sim = Simulator::seeded("explain-secret");
    let ctx = CallContext::default_root();
    let created = sim
        .call_json(&ctx, Service::SecretsManager, "CreateSecret", json!({"Name": "app/db", "SecretString": "pw"}))
        .unwrap();
    let arn = created["ARN"].as_str().unwrap().to_string();
    // Denies by a key only Secrets Manager supplies: the call and its explanation must both deny.
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
            "Condition": {"StringEquals": {"secretsmanager:SecretId": arn}}
        }]
    });
    sim.call_json(
        &ctx,
        Service::SecretsManager,
        "PutResourcePolicy",
        json!({"SecretId": arn, "ResourcePolicy": policy.to_string()}),
    )
    .unwrap();

    let call = sim.call_json(&ctx, Service::SecretsManager, "GetSecretValue", json!({"SecretId": arn})).unwrap_err();
    assert_eq!(call.code, ErrorCode::AccessDeniedException);
    let explained = sim.explain(&ctx, "secretsmanager:GetSecretValue", &arn, &[]).unwrap();
    assert_eq!(explained.outcome, Outcome::ExplicitDeny, "{explained:?}");
    // Another action is not covered by the Deny: both allow.
    let other = sim.explain(&ctx, "secretsmanager:DescribeSecret", &arn, &[]).unwrap();
    assert_eq!(other.outcome, Outcome::Allow);
}
