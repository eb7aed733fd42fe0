//! UpdateSecret with a new KmsKeyId: as the UpdateSecret reference and "Change
//! the encryption key for an AWS Secrets Manager secret" describe, the versions
//! labelled AWSCURRENT, AWSPENDING and AWSPREVIOUS are re-encrypted under the
//! new key through KMS (Decrypt under the old, Encrypt under the new) and stay
//! decryptable under the old one; other versions keep only the old key; without
//! kms:Decrypt on the old key or kms:Encrypt on the new one nothing is
//! re-encrypted and the call still succeeds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use kmsim::audit::AuditQuery;
use kmsim::{AwsError, CallContext, ErrorCode, Service, Simulator};
use serde_json::{json, Value};

const ACCOUNT: &str = "123456789012";
const V1: &str = "11111111-1111-1111-1111-111111111111";
const V2: &str = "22222222-2222-2222-2222-222222222222";
const V3: &str = "33333333-3333-3333-3333-333333333333";
const V4: &str = "44444444-4444-4444-4444-444444444444";

fn sm(sim: &mut Simulator, ctx: &CallContext, op: &str, input: Value) -> Result<Value, AwsError> {
    sim.call_json(ctx, Service::SecretsManager, op, input)
}

fn kms(sim: &mut Simulator, ctx: &CallContext, op: &str, input: Value) -> Value {
    sim.call_json(ctx, Service::Kms, op, input).unwrap()
}

fn key(sim: &mut Simulator, ctx: &CallContext, policy: Option<Value>) -> String {
    let input = match policy {
        Some(p) => json!({ "Policy": p.to_string() }),
        None => json!({}),
    };
    kms(sim, ctx, "CreateKey", input)["KeyMetadata"]["Arn"].as_str().unwrap().to_string()
}

/// The default key policy plus an explicit deny of `denied` to everyone.
fn denying(denied: &str) -> Value {
    json!({ "Version": "2012-10-17", "Statement": [
        { "Sid": "Enable IAM User Permissions", "Effect": "Allow",
          "Principal": { "AWS": format!("arn:aws:iam::{ACCOUNT}:root") }, "Action": "kms:*", "Resource": "*" },
        { "Sid": "No", "Effect": "Deny", "Principal": "*", "Action": denied, "Resource": "*" },
    ]})
}

/// A secret under `key` with three versions: V3 AWSCURRENT, V2 AWSPREVIOUS,
/// V1 deprecated (no label).
fn three_versions(sim: &mut Simulator, ctx: &CallContext, key: &str) -> String {
    let arn = sm(
        sim,
        ctx,
        "CreateSecret",
        json!({ "Name": "k", "KmsKeyId": key, "SecretString": "one", "ClientRequestToken": V1 }),
    )
    .unwrap()["ARN"]
        .as_str()
        .unwrap()
        .to_string();
    for (token, value) in [(V2, "two"), (V3, "three")] {
        sm(sim, ctx, "PutSecretValue", json!({ "SecretId": arn, "SecretString": value, "ClientRequestToken": token }))
            .unwrap();
    }
    arn
}

/// `VersionId → KmsKeyIds` from ListSecretVersionIds (deprecated included).
fn key_ids(sim: &mut Simulator, ctx: &CallContext, arn: &str) -> Vec<(String, Vec<String>)> {
    let out = sm(sim, ctx, "ListSecretVersionIds", json!({ "SecretId": arn, "IncludeDeprecated": true })).unwrap();
    let mut rows: Vec<(String, Vec<String>)> = out["Versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let keys = v["KmsKeyIds"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect();
            (v["VersionId"].as_str().unwrap().to_string(), keys)
        })
        .collect();
    rows.sort();
    rows
}

fn value(sim: &mut Simulator, ctx: &CallContext, arn: &str, version: &str) -> Result<String, AwsError> {
    sm(sim, ctx, "GetSecretValue", json!({ "SecretId": arn, "VersionId": version }))
        .map(|v| v["SecretString"].as_str().unwrap().to_string())
}

fn kms_events(sim: &Simulator, name: &str) -> Vec<kmsim::audit::AuditEvent> {
    sim.audit_events(&AuditQuery::default())
        .into_iter()
        .filter(|e| e.event_source == "kms.amazonaws.com" && e.event_name == name && e.error_code.is_none())
        .collect()
}

#[test]
fn a_new_key_re_encrypts_the_labelled_versions_and_keeps_the_old_key() {
    let mut sim = Simulator::seeded("rekey");
    let ctx = CallContext::default_root();
    let (k1, k2) = (key(&mut sim, &ctx, None), key(&mut sim, &ctx, None));
    let arn = three_versions(&mut sim, &ctx, &k1);
    sim.clear_audit();

    sm(&mut sim, &ctx, "UpdateSecret", json!({ "SecretId": arn, "KmsKeyId": k2 })).unwrap();
    assert_eq!(
        key_ids(&mut sim, &ctx, &arn),
        vec![
            (V1.to_string(), vec![k1.clone()]),
            (V2.to_string(), vec![k1.clone(), k2.clone()]),
            (V3.to_string(), vec![k1.clone(), k2.clone()]),
        ]
    );
    assert_eq!(sm(&mut sim, &ctx, "DescribeSecret", json!({ "SecretId": arn })).unwrap()["KmsKeyId"], json!(k2));
    // Through KMS, as the caller via Secrets Manager: Decrypt under k1, Encrypt under k2, per labelled version.
    let (decrypts, encrypts) = (kms_events(&sim, "Decrypt"), kms_events(&sim, "Encrypt"));
    assert_eq!((decrypts.len(), encrypts.len()), (2, 2));
    for e in decrypts.iter().chain(&encrypts) {
        assert_eq!(e.source_ip_address, "secretsmanager.amazonaws.com");
        assert_eq!(e.request_parameters_value()["encryptionContext"]["SecretARN"], json!(arn));
    }
    assert!(encrypts.iter().all(|e| e.request_parameters_value()["keyId"] == json!(k2)));

    // Either key opens the labelled versions; the deprecated one needs k1.
    kms(&mut sim, &ctx, "DisableKey", json!({ "KeyId": k1 }));
    assert_eq!(value(&mut sim, &ctx, &arn, V3).unwrap(), "three");
    assert_eq!(value(&mut sim, &ctx, &arn, V2).unwrap(), "two");
    assert_eq!(value(&mut sim, &ctx, &arn, V1).unwrap_err().code, ErrorCode::DecryptionFailure);
    kms(&mut sim, &ctx, "EnableKey", json!({ "KeyId": k1 }));
    kms(&mut sim, &ctx, "DisableKey", json!({ "KeyId": k2 }));
    assert_eq!(value(&mut sim, &ctx, &arn, V3).unwrap(), "three");
    assert_eq!(value(&mut sim, &ctx, &arn, V1).unwrap(), "one");
    kms(&mut sim, &ctx, "EnableKey", json!({ "KeyId": k2 }));

    // New versions are encrypted under k2 only.
    sm(&mut sim, &ctx, "PutSecretValue", json!({ "SecretId": arn, "SecretString": "four", "ClientRequestToken": V4 }))
        .unwrap();
    assert_eq!(key_ids(&mut sim, &ctx, &arn).last().unwrap(), &(V4.to_string(), vec![k2.clone()]));

    // The same key again re-encrypts nothing.
    sim.clear_audit();
    sm(&mut sim, &ctx, "UpdateSecret", json!({ "SecretId": arn, "KmsKeyId": k2 })).unwrap();
    assert!(kms_events(&sim, "Encrypt").is_empty());

    // The state round-trips through a snapshot byte for byte.
    let json = sim.export_snapshot().unwrap();
    let mut other = Simulator::seeded("other");
    other.import_snapshot(&json).unwrap();
    assert_eq!(other.export_snapshot().unwrap(), json);
    assert_eq!(value(&mut other, &ctx, &arn, V3).unwrap(), "three");
}

#[test]
fn an_empty_key_id_moves_the_secret_to_the_aws_managed_key() {
    let mut sim = Simulator::seeded("rekey-managed");
    let ctx = CallContext::default_root();
    let k1 = key(&mut sim, &ctx, None);
    let arn = three_versions(&mut sim, &ctx, &k1);
    sm(&mut sim, &ctx, "UpdateSecret", json!({ "SecretId": arn, "KmsKeyId": "" })).unwrap();
    let described = sm(&mut sim, &ctx, "DescribeSecret", json!({ "SecretId": arn })).unwrap();
    assert!(described.get("KmsKeyId").is_none(), "{described}");
    let managed = kms(&mut sim, &ctx, "DescribeKey", json!({ "KeyId": "alias/aws/secretsmanager" }))["KeyMetadata"]
        ["Arn"]
        .as_str()
        .unwrap()
        .to_string();
    let rows = key_ids(&mut sim, &ctx, &arn);
    assert_eq!(rows[2], (V3.to_string(), vec![k1.clone(), managed.clone()]));
    assert_eq!(rows[0], (V1.to_string(), vec![k1]));
}

#[test]
fn without_decrypt_on_the_old_key_or_encrypt_on_the_new_the_versions_stay_as_they_were() {
    for (old_policy, new_policy) in [(None, Some(denying("kms:Encrypt"))), (Some(denying("kms:Decrypt")), None)] {
        let mut sim = Simulator::seeded("rekey-denied");
        let ctx = CallContext::default_root();
        let k1 = key(&mut sim, &ctx, None);
        let arn = three_versions(&mut sim, &ctx, &k1);
        if let Some(policy) = old_policy {
            kms(
                &mut sim,
                &ctx,
                "PutKeyPolicy",
                json!({ "KeyId": k1, "PolicyName": "default", "Policy": policy.to_string() }),
            );
        }
        let k2 = key(&mut sim, &ctx, new_policy);
        let before = key_ids(&mut sim, &ctx, &arn);
        sim.clear_audit();
        // The call succeeds (the key changes for new versions) …
        sm(&mut sim, &ctx, "UpdateSecret", json!({ "SecretId": arn, "KmsKeyId": k2 })).unwrap();
        assert_eq!(sm(&mut sim, &ctx, "DescribeSecret", json!({ "SecretId": arn })).unwrap()["KmsKeyId"], json!(k2));
        // … but no version was re-encrypted, and KMS shows the refused call.
        assert_eq!(key_ids(&mut sim, &ctx, &arn), before);
        let refused = sim
            .audit_events(&AuditQuery::default())
            .into_iter()
            .filter(|e| {
                e.event_source == "kms.amazonaws.com" && e.error_code.as_deref() == Some("AccessDeniedException")
            })
            .count();
        assert_eq!(refused, 1);
    }
}

#[test]
fn a_failing_update_leaves_the_versions_and_the_key_unchanged() {
    let mut sim = Simulator::seeded("rekey-fail");
    let ctx = CallContext::default_root();
    let k1 = key(&mut sim, &ctx, None);
    let arn = three_versions(&mut sim, &ctx, &k1);
    // k2 lets the labelled versions be re-encrypted (Encrypt) but refuses the
    // new value's data key (GenerateDataKey): the whole call must fail cleanly.
    let k2 = key(&mut sim, &ctx, Some(denying("kms:GenerateDataKey")));
    let before = serde_json::to_string(&sim.snapshot().secrets).unwrap();
    let e = sm(&mut sim, &ctx, "UpdateSecret", json!({ "SecretId": arn, "KmsKeyId": k2, "SecretString": "new" }))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AccessDeniedException);
    assert_eq!(serde_json::to_string(&sim.snapshot().secrets).unwrap(), before);
    assert_eq!(kms_events(&sim, "Encrypt").len(), 2, "the re-encryption ran, and was discarded");
}
