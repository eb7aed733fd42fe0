#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]
//! KMS calls under the policy engine: key policies, IAM delegation,
//! cross-account use, grants, SCPs, kms:ViaService, audit, snapshots.

use kmsim::audit::AuditQuery;
use kmsim::simulator::Service;
use kmsim::{CallContext, Caller, Simulator};
use serde_json::{json, Value};

const A: &str = "111122223333";
const B: &str = "444455556666";

fn as_arn(arn: &str) -> CallContext {
    CallContext::new(Caller::from_arn(arn).unwrap(), "us-east-1")
}

fn root(account: &str) -> CallContext {
    CallContext::new(Caller::account_root(account), "us-east-1")
}

fn call(sim: &mut Simulator, ctx: &CallContext, op: &str, input: Value) -> Result<Value, String> {
    sim.call_json(ctx, Service::Kms, op, input).map_err(|e| format!("{}: {}", e.name(), e.message))
}

fn denied(result: Result<Value, String>) -> String {
    let message = result.expect_err("expected a denial");
    assert!(message.starts_with("AccessDeniedException: User: "), "{message}");
    message
}

fn create_key(sim: &mut Simulator, ctx: &CallContext, policy: Option<String>) -> String {
    let input = match policy {
        Some(p) => json!({ "Policy": p }),
        None => json!({}),
    };
    call(sim, ctx, "CreateKey", input).unwrap()["KeyMetadata"]["Arn"].as_str().unwrap().to_string()
}

fn encrypt(sim: &mut Simulator, ctx: &CallContext, key: &str, context: Value) -> Result<Value, String> {
    call(sim, ctx, "Encrypt", json!({ "KeyId": key, "Plaintext": "aGVsbG8=", "EncryptionContext": context }))
}

fn policy(statements: Value) -> String {
    json!({ "Version": "2012-10-17", "Statement": statements }).to_string()
}

#[test]
fn a_key_policy_without_the_root_statement_denies_even_iam_admins() {
    let mut sim = Simulator::seeded("enforce-1");
    sim.load_world(&format!(
        r#"{{"users":[{{"account":"{A}","name":"admin","managedPolicies":["arn:aws:iam::aws:policy/AdministratorAccess"]}}],
            "roles":[{{"account":"{A}","name":"KeyUser"}}]}}"#
    ))
    .unwrap();
    let key = create_key(
        &mut sim,
        &root(A),
        Some(policy(
            json!([{ "Sid": "Use", "Effect": "Allow", "Principal": { "AWS": format!("arn:aws:iam::{A}:role/KeyUser") },
            "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*" }]),
        )),
    );
    let admin = as_arn(&format!("arn:aws:iam::{A}:user/admin"));
    let message = denied(encrypt(&mut sim, &admin, &key, json!({})));
    assert!(message.ends_with("because no resource-based policy allows the kms:Encrypt action"), "{message}");
    // The root user too: no key policy statement names the account.
    denied(call(&mut sim, &root(A), "DescribeKey", json!({ "KeyId": key })));
    // The role the key policy names needs no IAM policy at all.
    let session = as_arn(&format!("arn:aws:sts::{A}:assumed-role/KeyUser/s1"));
    encrypt(&mut sim, &session, &key, json!({})).unwrap();
    denied(call(&mut sim, &session, "DisableKey", json!({ "KeyId": key })));
}

#[test]
fn with_the_root_statement_iam_policies_decide() {
    let mut sim = Simulator::seeded("enforce-2");
    sim.load_world(&format!(
        r#"{{"users":[{{"account":"{A}","name":"alice","inlinePolicies":{{"use":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}}]}}}}}},
                     {{"account":"{A}","name":"bob"}}]}}"#
    ))
    .unwrap();
    let key = create_key(&mut sim, &root(A), None);
    let alice = as_arn(&format!("arn:aws:iam::{A}:user/alice"));
    let bob = as_arn(&format!("arn:aws:iam::{A}:user/bob"));
    let blob = encrypt(&mut sim, &alice, &key, json!({})).unwrap();
    call(&mut sim, &alice, "Decrypt", json!({ "CiphertextBlob": blob["CiphertextBlob"] })).unwrap();
    let message = denied(call(&mut sim, &bob, "Decrypt", json!({ "CiphertextBlob": blob["CiphertextBlob"] })));
    assert!(message.contains(&format!(
        "User: arn:aws:iam::{A}:user/bob is not authorized to perform: kms:Decrypt on resource: {key}"
    )));
    assert!(message.ends_with("because no identity-based policy allows the kms:Decrypt action"), "{message}");
    // Account-level actions are identity-only: bob may not create keys, alice's policy does not say so either.
    denied(call(&mut sim, &bob, "CreateKey", json!({})));
    denied(call(&mut sim, &alice, "ListKeys", json!({})));
    // The root of the key's account keeps every permission the default key policy gives.
    call(&mut sim, &root(A), "ScheduleKeyDeletion", json!({ "KeyId": key, "PendingWindowInDays": 7 })).unwrap();
}

fn cross_account_world(carol_policy: bool) -> String {
    let policies = if carol_policy {
        r#","inlinePolicies":{"use":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:DisableKey","kms:DescribeKey"],"Resource":"*"}]}}"#
    } else {
        ""
    };
    format!(r#"{{"users":[{{"account":"{B}","name":"carol"{policies}}}]}}"#)
}

#[test]
fn cross_account_decrypt_needs_both_accounts() {
    let mut sim = Simulator::seeded("enforce-3");
    let open_to_b = policy(json!([
        { "Sid": "Root", "Effect": "Allow", "Principal": { "AWS": format!("arn:aws:iam::{A}:root") }, "Action": "kms:*", "Resource": "*" },
        { "Sid": "B", "Effect": "Allow", "Principal": { "AWS": format!("arn:aws:iam::{B}:root") }, "Action": "kms:*", "Resource": "*" },
    ]));
    let shared = create_key(&mut sim, &root(A), Some(open_to_b));
    let private = create_key(&mut sim, &root(A), None);
    let sealed_shared = encrypt(&mut sim, &root(A), &shared, json!({})).unwrap()["CiphertextBlob"].clone();
    let sealed_private = encrypt(&mut sim, &root(A), &private, json!({})).unwrap()["CiphertextBlob"].clone();
    let carol = as_arn(&format!("arn:aws:iam::{B}:user/carol"));

    // Key policy allows B, but carol's own account does not: denied.
    sim.load_world(&cross_account_world(false)).unwrap();
    denied(call(&mut sim, &carol, "Decrypt", json!({ "CiphertextBlob": sealed_shared })));
    // Both sides allow: allowed.
    sim.load_world(&cross_account_world(true)).unwrap();
    call(&mut sim, &carol, "Decrypt", json!({ "CiphertextBlob": sealed_shared })).unwrap();
    call(&mut sim, &carol, "DescribeKey", json!({ "KeyId": shared })).unwrap();
    // Carol's policy alone is not enough for a key whose policy does not name B.
    denied(call(&mut sim, &carol, "Decrypt", json!({ "CiphertextBlob": sealed_private })));
    // DisableKey cannot be used across accounts, whatever both sides say.
    let message = denied(call(&mut sim, &carol, "DisableKey", json!({ "KeyId": shared })));
    assert!(message.contains("kms:DisableKey"), "{message}");
    assert_eq!(
        call(&mut sim, &root(A), "DescribeKey", json!({ "KeyId": shared })).unwrap()["KeyMetadata"]["Enabled"],
        true
    );
}

#[test]
fn grants_allow_within_their_encryption_context_constraints() {
    let mut sim = Simulator::seeded("enforce-4");
    sim.load_world(&format!(r#"{{"roles":[{{"account":"{A}","name":"Worker"}}]}}"#)).unwrap();
    let key = create_key(&mut sim, &root(A), None);
    let worker = as_arn(&format!("arn:aws:sts::{A}:assumed-role/Worker/job"));
    denied(encrypt(&mut sim, &worker, &key, json!({ "tenant": "a" })));
    call(
        &mut sim,
        &root(A),
        "CreateGrant",
        json!({ "KeyId": key, "GranteePrincipal": format!("arn:aws:iam::{A}:role/Worker"), "Operations": ["Encrypt", "Decrypt"],
                "Constraints": { "EncryptionContextSubset": { "tenant": "a" } } }),
    )
    .unwrap();
    let sealed = encrypt(&mut sim, &worker, &key, json!({ "tenant": "a", "job": "7" })).unwrap();
    call(
        &mut sim,
        &worker,
        "Decrypt",
        json!({ "CiphertextBlob": sealed["CiphertextBlob"], "EncryptionContext": { "tenant": "a", "job": "7" } }),
    )
    .unwrap();
    denied(encrypt(&mut sim, &worker, &key, json!({ "tenant": "b" })));
    denied(encrypt(&mut sim, &worker, &key, json!({})));
    // The grant allows only its operations.
    denied(call(
        &mut sim,
        &worker,
        "GenerateDataKey",
        json!({ "KeyId": key, "KeySpec": "AES_256", "EncryptionContext": { "tenant": "a" } }),
    ));
}

#[test]
fn an_scp_deny_blocks_even_the_member_account_root() {
    let mut sim = Simulator::seeded("enforce-5");
    let key = create_key(&mut sim, &root(A), None);
    let sealed = encrypt(&mut sim, &root(A), &key, json!({})).unwrap()["CiphertextBlob"].clone();
    sim.load_world(&format!(
        r#"{{"organization":{{"managementAccount":"999999999999","ous":[{{"id":"ou-prod"}}],"accounts":[{{"id":"{A}","parent":"ou-prod"}}],
            "scps":[{{"name":"NoDecrypt","document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}}]}},"targets":["ou-prod"]}}]}}}}"#
    ))
    .unwrap();
    let message = denied(call(&mut sim, &root(A), "Decrypt", json!({ "CiphertextBlob": sealed })));
    assert!(message.ends_with("with an explicit deny in a service control policy"), "{message}");
    encrypt(&mut sim, &root(A), &key, json!({})).unwrap();
}

#[test]
fn secrets_manager_reaches_kms_through_via_service() {
    let mut sim = Simulator::seeded("enforce-6");
    let dev_arn = format!("arn:aws:iam::{A}:user/dev");
    sim.load_world(&format!(
        r#"{{"users":[{{"account":"{A}","name":"dev","inlinePolicies":{{"sm":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}}]}}}}}}]}}"#
    ))
    .unwrap();
    let dev = as_arn(&dev_arn);
    let sm = |sim: &mut Simulator, ctx: &CallContext, op: &str, input: Value| {
        sim.call_json(ctx, Service::SecretsManager, op, input).map_err(|e| format!("{}: {}", e.name(), e.message))
    };
    // The AWS managed key: any principal of the account may use it through Secrets Manager.
    sm(&mut sim, &dev, "CreateSecret", json!({ "Name": "managed", "SecretString": "s3cret" })).unwrap();
    assert_eq!(
        sm(&mut sim, &dev, "GetSecretValue", json!({ "SecretId": "managed" })).unwrap()["SecretString"],
        "s3cret"
    );

    // A customer key with the default policy: dev's IAM policy has no kms:Decrypt.
    let key = create_key(&mut sim, &root(A), None);
    sm(&mut sim, &root(A), "CreateSecret", json!({ "Name": "custom", "SecretString": "s3cret", "KmsKeyId": key }))
        .unwrap();
    let blocked = sm(&mut sim, &dev, "GetSecretValue", json!({ "SecretId": "custom" })).unwrap_err();
    assert!(blocked.contains("kms:Decrypt") || blocked.contains("KMS"), "{blocked}");

    // A key policy granting dev kms:Decrypt only via Secrets Manager: works through it, not directly.
    let via_policy = policy(json!([
        { "Sid": "Root", "Effect": "Allow", "Principal": { "AWS": format!("arn:aws:iam::{A}:root") }, "Action": "kms:*", "Resource": "*" },
        { "Sid": "ViaSM", "Effect": "Allow", "Principal": { "AWS": dev_arn }, "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
          "Condition": { "StringEquals": { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } } },
    ]));
    let via_key = create_key(&mut sim, &root(A), Some(via_policy));
    sm(&mut sim, &root(A), "CreateSecret", json!({ "Name": "via", "SecretString": "s3cret", "KmsKeyId": via_key }))
        .unwrap();
    assert_eq!(sm(&mut sim, &dev, "GetSecretValue", json!({ "SecretId": "via" })).unwrap()["SecretString"], "s3cret");
    denied(call(&mut sim, &dev, "GenerateDataKey", json!({ "KeyId": via_key, "KeySpec": "AES_256" })));
}

#[test]
fn a_denied_call_is_audited_with_its_error() {
    let mut sim = Simulator::seeded("enforce-7");
    let key = create_key(&mut sim, &root(A), None);
    let mallory = as_arn(&format!("arn:aws:iam::{A}:user/mallory"));
    denied(call(&mut sim, &mallory, "DescribeKey", json!({ "KeyId": key })));
    let events = sim.audit_events(&AuditQuery { failed: Some(true), ..Default::default() });
    let event = events.last().unwrap();
    assert_eq!(event.event_name, "DescribeKey");
    assert_eq!(event.error_code.as_deref(), Some("AccessDeniedException"));
    assert!(event
        .error_message
        .as_deref()
        .unwrap()
        .contains("user/mallory is not authorized to perform: kms:DescribeKey"));
    assert_eq!(event.resources.first().map(|r| &*r.arn), Some(key.as_str()));
    // A denied call changes nothing.
    denied(call(&mut sim, &mallory, "DisableKey", json!({ "KeyId": key })));
    assert_eq!(
        call(&mut sim, &root(A), "DescribeKey", json!({ "KeyId": key })).unwrap()["KeyMetadata"]["KeyState"],
        "Enabled"
    );
}

#[test]
fn snapshots_keep_the_iam_world_and_parsed_key_policies() {
    let mut sim = Simulator::seeded("enforce-8");
    sim.load_world(&format!(
        r#"{{"users":[{{"account":"{A}","name":"alice","inlinePolicies":{{"use":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}}]}}}}}}]}}"#
    ))
    .unwrap();
    let key = create_key(&mut sim, &root(A), None);
    let alice = as_arn(&format!("arn:aws:iam::{A}:user/alice"));
    encrypt(&mut sim, &alice, &key, json!({})).unwrap();
    let snapshot = sim.export_snapshot().unwrap();
    let mut copy = Simulator::seeded("other");
    copy.import_snapshot(&snapshot).unwrap();
    assert_eq!(copy.iam(), sim.iam());
    encrypt(&mut copy, &alice, &key, json!({})).unwrap();
    denied(call(&mut copy, &alice, "DisableKey", json!({ "KeyId": key })));
    // An empty world (the default) after reset: alice is unknown again.
    copy.load_world("{}").unwrap();
    denied(encrypt(&mut copy, &alice, &key, json!({})));
}

#[test]
fn malformed_key_policies_are_rejected_at_create_and_put() {
    let mut sim = Simulator::seeded("enforce-9");
    let bad = policy(json!([{ "Effect": "Allow", "Action": "kms:*", "Resource": "*" }]));
    let error = call(&mut sim, &root(A), "CreateKey", json!({ "Policy": bad })).unwrap_err();
    assert!(error.starts_with("MalformedPolicyDocumentException"), "{error}");
    let key = create_key(&mut sim, &root(A), None);
    let error = call(
        &mut sim,
        &root(A),
        "PutKeyPolicy",
        json!({ "KeyId": key, "Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Maybe\"}]}" }),
    )
    .unwrap_err();
    assert!(error.starts_with("MalformedPolicyDocumentException"), "{error}");
    assert_eq!(sim.audit_events(&AuditQuery::default()).len(), 3);
}

#[test]
fn explain_returns_the_engine_decision() {
    let mut sim = Simulator::seeded("enforce-10");
    let key = create_key(&mut sim, &root(A), None);
    let bob = as_arn(&format!("arn:aws:iam::{A}:user/bob"));
    let decision = sim.explain(&bob, "kms:Decrypt", &key, &[]).unwrap();
    assert!(!decision.is_allowed());
    let json = serde_json::to_value(&decision).unwrap();
    assert_eq!(json["outcome"], "ImplicitDeny");
    assert!(sim.explain(&root(A), "kms:Decrypt", &key, &[]).unwrap().is_allowed());
    assert!(sim.explain(&root(A), "nonsense", &key, &[]).is_err());
    let findings = Simulator::validate_policy("{\"Statement\":[]}", kmsim::policy::PolicyKind::KeyPolicy);
    assert!(!findings.is_empty());
}
