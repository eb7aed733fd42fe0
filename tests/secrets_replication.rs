//! Multi-Region secrets, as "Replicate AWS Secrets Manager secrets across
//! Regions" and the replication API reference describe them: replicas follow
//! every change of the primary (values, labels, rotation, description, tags,
//! resource policy), each encrypted under a key of its own region; replicas
//! are read-only; ReplicationStatus reports each replica; deleting a primary
//! needs its replicas removed first; StopReplicationToReplica promotes one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use kmsim::audit::AuditQuery;
use kmsim::secrets::{RotationEvent, RotationStep};
use kmsim::{AwsError, CallContext, ErrorCode, Service, Simulator};
use serde_json::{json, Value};

const V2: &str = "22222222-2222-2222-2222-222222222222";
const V3: &str = "33333333-3333-3333-3333-333333333333";
const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:rotator";

fn sm(sim: &mut Simulator, ctx: &CallContext, op: &str, input: Value) -> Result<Value, AwsError> {
    sim.call_json(ctx, Service::SecretsManager, op, input)
}

fn kms(sim: &mut Simulator, ctx: &CallContext, op: &str, input: Value) -> Value {
    sim.call_json(ctx, Service::Kms, op, input).unwrap()
}

fn in_region(region: &str) -> CallContext {
    CallContext::new(CallContext::default_root().caller, region)
}

/// A primary "app/db" in us-east-1 replicated to eu-west-1 (under a customer
/// key of that region) and us-west-2 (under its aws/secretsmanager).
fn replicated(sim: &mut Simulator) -> (String, String) {
    let (us, eu) = (CallContext::default_root(), in_region("eu-west-1"));
    let eu_key = kms(sim, &eu, "CreateKey", json!({}))["KeyMetadata"]["Arn"].as_str().unwrap().to_string();
    let out = sm(
        sim,
        &us,
        "CreateSecret",
        json!({
            "Name": "app/db", "SecretString": "v1", "Description": "first", "Tags": [{ "Key": "team", "Value": "a" }],
            "AddReplicaRegions": [{ "Region": "eu-west-1", "KmsKeyId": eu_key }, { "Region": "us-west-2" }],
        }),
    )
    .unwrap();
    let statuses = out["ReplicationStatus"].as_array().unwrap();
    assert_eq!(statuses.len(), 2);
    assert!(statuses.iter().all(|s| s["Status"] == "InSync" && s["StatusMessage"] == "Replication succeeded"));
    (out["ARN"].as_str().unwrap().to_string(), eu_key)
}

fn value(sim: &mut Simulator, region: &str, stage: &str) -> Value {
    sm(sim, &in_region(region), "GetSecretValue", json!({ "SecretId": "app/db", "VersionStage": stage })).unwrap()
}

fn describe(sim: &mut Simulator, region: &str) -> Value {
    sm(sim, &in_region(region), "DescribeSecret", json!({ "SecretId": "app/db" })).unwrap()
}

#[test]
fn replicas_follow_every_change_of_the_primary() {
    let mut sim = Simulator::seeded("replicas-follow");
    let us = CallContext::default_root();
    let (arn, eu_key) = replicated(&mut sim);
    let eu_arn = arn.replace(":us-east-1:", ":eu-west-1:");

    sm(&mut sim, &us, "PutSecretValue", json!({ "SecretId": arn, "SecretString": "v2", "ClientRequestToken": V2 }))
        .unwrap();
    for region in ["eu-west-1", "us-west-2"] {
        assert_eq!(value(&mut sim, region, "AWSCURRENT")["SecretString"], "v2", "{region}");
        assert_eq!(value(&mut sim, region, "AWSPREVIOUS")["SecretString"], "v1", "{region}");
    }
    // Each replica's versions are encrypted in its region: under its KmsKeyId,
    // else that region's aws/secretsmanager, with its own ARN as context.
    let listed =
        sm(&mut sim, &in_region("eu-west-1"), "ListSecretVersionIds", json!({ "SecretId": "app/db" })).unwrap();
    assert!(listed["Versions"].as_array().unwrap().iter().all(|v| v["KmsKeyIds"] == json!([eu_key])));
    let listed =
        sm(&mut sim, &in_region("us-west-2"), "ListSecretVersionIds", json!({ "SecretId": "app/db" })).unwrap();
    assert!(listed["Versions"][0]["KmsKeyIds"][0].as_str().unwrap().starts_with("arn:aws:kms:us-west-2:"));
    let sealed_for_eu = sim.audit_events(&AuditQuery::default()).into_iter().any(|e| {
        e.event_name == "GenerateDataKey"
            && e.aws_region == "eu-west-1"
            && e.source_ip_address == "secretsmanager.amazonaws.com"
            && e.request_parameters_value()["encryptionContext"]
                == json!({ "SecretARN": eu_arn, "SecretVersionId": V2 })
    });
    assert!(sealed_for_eu);

    // Staging labels.
    sm(
        &mut sim,
        &us,
        "UpdateSecretVersionStage",
        json!({ "SecretId": arn, "VersionStage": "BLUE", "MoveToVersionId": V2 }),
    )
    .unwrap();
    assert_eq!(value(&mut sim, "eu-west-1", "BLUE")["VersionId"], V2);

    // UpdateSecret: description and value.
    sm(
        &mut sim,
        &us,
        "UpdateSecret",
        json!({ "SecretId": arn, "Description": "second", "SecretString": "v3", "ClientRequestToken": V3 }),
    )
    .unwrap();
    let d = describe(&mut sim, "us-west-2");
    assert_eq!(d["Description"], "second");
    assert_eq!(d["PrimaryRegion"], "us-east-1");
    assert_eq!(d["VersionIdsToStages"], describe(&mut sim, "us-east-1")["VersionIdsToStages"]);
    assert_eq!(value(&mut sim, "us-west-2", "AWSCURRENT")["SecretString"], "v3");

    // Tags and the resource policy.
    sm(&mut sim, &us, "TagResource", json!({ "SecretId": arn, "Tags": [{ "Key": "env", "Value": "prod" }] })).unwrap();
    sm(&mut sim, &us, "UntagResource", json!({ "SecretId": arn, "TagKeys": ["team"] })).unwrap();
    assert_eq!(describe(&mut sim, "eu-west-1")["Tags"], json!([{ "Key": "env", "Value": "prod" }]));
    let policy = json!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::123456789012:root" }, "Action": "secretsmanager:GetSecretValue", "Resource": "*" }]})
    .to_string();
    sm(&mut sim, &us, "PutResourcePolicy", json!({ "SecretId": arn, "ResourcePolicy": policy })).unwrap();
    let got = sm(&mut sim, &in_region("eu-west-1"), "GetResourcePolicy", json!({ "SecretId": "app/db" })).unwrap();
    assert_eq!(got["ResourcePolicy"], json!(policy));
    sm(&mut sim, &us, "DeleteResourcePolicy", json!({ "SecretId": arn })).unwrap();
    let got = sm(&mut sim, &in_region("eu-west-1"), "GetResourcePolicy", json!({ "SecretId": "app/db" })).unwrap();
    assert!(got.get("ResourcePolicy").is_none());

    // Every sync was recorded, in the replica's region.
    let synced =
        sim.audit_events(&AuditQuery::default()).into_iter().filter(|e| e.event_name == "ReplicationSucceeded");
    assert!(synced.filter(|e| e.aws_region == "eu-west-1").count() >= 7);

    // The whole state round-trips through a snapshot byte for byte.
    let json = sim.export_snapshot().unwrap();
    let mut other = Simulator::seeded("other");
    other.import_snapshot(&json).unwrap();
    assert_eq!(other.export_snapshot().unwrap(), json);
    assert_eq!(value(&mut other, "eu-west-1", "AWSCURRENT")["SecretString"], "v3");
}

#[test]
fn rotation_of_the_primary_propagates() {
    let mut sim = Simulator::seeded("replicas-rotate");
    let us = CallContext::default_root();
    let (arn, _) = replicated(&mut sim);
    let function = |sim: &mut Simulator, ctx: &CallContext, e: &RotationEvent| -> kmsim::AwsResult<()> {
        let call = |sim: &mut Simulator, op: &str, input: Value| sim.call_json(ctx, Service::SecretsManager, op, input);
        match e.step {
            RotationStep::CreateSecret => {
                call(
                    sim,
                    "PutSecretValue",
                    json!({ "SecretId": e.secret_id, "ClientRequestToken": e.client_request_token,
                        "SecretString": "rotated", "VersionStages": ["AWSPENDING"] }),
                )?;
            }
            RotationStep::FinishSecret => {
                let d = call(sim, "DescribeSecret", json!({ "SecretId": e.secret_id }))?;
                let current = d["VersionIdsToStages"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .find(|(_, s)| s.as_array().unwrap().contains(&json!("AWSCURRENT")))
                    .map(|(id, _)| id.clone());
                call(
                    sim,
                    "UpdateSecretVersionStage",
                    json!({ "SecretId": e.secret_id, "VersionStage": "AWSCURRENT",
                        "MoveToVersionId": e.client_request_token, "RemoveFromVersionId": current }),
                )?;
            }
            _ => {}
        }
        Ok(())
    };
    sim.register_rotation_function(FN, Box::new(function));
    let out = sm(
        &mut sim,
        &us,
        "RotateSecret",
        json!({ "SecretId": arn, "RotationLambdaARN": FN, "RotationRules": { "AutomaticallyAfterDays": 7 } }),
    )
    .unwrap();
    let token = out["VersionId"].as_str().unwrap().to_string();
    let (primary, replica) = (describe(&mut sim, "us-east-1"), describe(&mut sim, "eu-west-1"));
    assert_eq!(replica["VersionIdsToStages"], primary["VersionIdsToStages"], "AWSPENDING gone on both");
    assert_eq!(replica["VersionIdsToStages"][&token], json!(["AWSCURRENT"]));
    assert_eq!(replica["LastRotatedDate"], primary["LastRotatedDate"]);
    assert_eq!(replica["RotationEnabled"], json!(true));
    assert_eq!(value(&mut sim, "eu-west-1", "AWSCURRENT")["SecretString"], "rotated");
    // Scheduled rotations run on the primary only, and propagate too.
    sim.advance_time(8 * 86_400_000);
    let rotations =
        sim.audit_events(&AuditQuery::default()).into_iter().filter(|e| e.event_name == "RotationSucceeded");
    assert!(rotations.clone().all(|e| e.aws_region == "us-east-1"));
    assert_eq!(rotations.count(), 2);
    assert_eq!(
        describe(&mut sim, "us-west-2")["VersionIdsToStages"],
        describe(&mut sim, "us-east-1")["VersionIdsToStages"]
    );
}

#[test]
fn replicas_are_read_only() {
    let mut sim = Simulator::seeded("replicas-read-only");
    replicated(&mut sim);
    let eu = in_region("eu-west-1");
    let before = serde_json::to_string(&sim.snapshot().secrets).unwrap();
    let id = json!("app/db");
    let writes = [
        ("PutSecretValue", json!({ "SecretId": id, "SecretString": "x" })),
        ("UpdateSecret", json!({ "SecretId": id, "Description": "x" })),
        ("UpdateSecretVersionStage", json!({ "SecretId": id, "VersionStage": "X", "MoveToVersionId": V2 })),
        ("TagResource", json!({ "SecretId": id, "Tags": [{ "Key": "k", "Value": "v" }] })),
        ("UntagResource", json!({ "SecretId": id, "TagKeys": ["team"] })),
        (
            "PutResourcePolicy",
            json!({ "SecretId": id, "ResourcePolicy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }),
        ),
        ("DeleteResourcePolicy", json!({ "SecretId": id })),
        ("RotateSecret", json!({ "SecretId": id, "RotationLambdaARN": FN })),
        ("CancelRotateSecret", json!({ "SecretId": id })),
        ("DeleteSecret", json!({ "SecretId": id })),
        ("DeleteSecret", json!({ "SecretId": id, "ForceDeleteWithoutRecovery": true })),
        ("RestoreSecret", json!({ "SecretId": id })),
        ("ReplicateSecretToRegions", json!({ "SecretId": id, "AddReplicaRegions": [{ "Region": "ap-south-1" }] })),
        ("RemoveRegionsFromReplication", json!({ "SecretId": id, "RemoveReplicaRegions": ["us-west-2"] })),
    ];
    for (op, input) in writes {
        let e = sm(&mut sim, &eu, op, input).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequestException, "{op}: {}", e.message);
        assert!(e.message.contains("replica"), "{op}: {}", e.message);
    }
    assert_eq!(serde_json::to_string(&sim.snapshot().secrets).unwrap(), before, "refused writes change nothing");
}

#[test]
fn replication_status_reports_access_and_failures() {
    let mut sim = Simulator::seeded("replicas-status");
    let (us, eu) = (CallContext::default_root(), in_region("eu-west-1"));
    let (arn, eu_key) = replicated(&mut sim);
    let status = |sim: &mut Simulator, region: &str| -> Value {
        let d = describe(sim, "us-east-1");
        d["ReplicationStatus"].as_array().unwrap().iter().find(|s| s["Region"] == region).unwrap().clone()
    };
    assert!(status(&mut sim, "eu-west-1").get("LastAccessedDate").is_none(), "never read there");
    assert_eq!(status(&mut sim, "eu-west-1")["KmsKeyId"], json!(eu_key));
    assert_eq!(status(&mut sim, "us-west-2")["KmsKeyId"], "alias/aws/secretsmanager");
    sim.advance_time(3 * 86_400_000 + 5_000);
    value(&mut sim, "eu-west-1", "AWSCURRENT");
    let day = kmsim::clock::Timestamp::DEFAULT_START.plus_days(3).epoch_seconds();
    assert_eq!(status(&mut sim, "eu-west-1")["LastAccessedDate"], json!(day));
    assert!(status(&mut sim, "us-west-2").get("LastAccessedDate").is_none());

    // The replica's key is disabled: the primary's change still succeeds, the
    // replica keeps its last state and reports why it is behind.
    kms(&mut sim, &eu, "DisableKey", json!({ "KeyId": eu_key }));
    sm(&mut sim, &us, "PutSecretValue", json!({ "SecretId": arn, "SecretString": "v2", "ClientRequestToken": V2 }))
        .unwrap();
    let failed = status(&mut sim, "eu-west-1");
    assert_eq!(failed["Status"], "Failed");
    assert!(failed["StatusMessage"].as_str().unwrap().starts_with("Replication failed: "), "{failed}");
    assert_eq!(status(&mut sim, "us-west-2")["Status"], "InSync");
    assert_eq!(value(&mut sim, "us-west-2", "AWSCURRENT")["SecretString"], "v2");
    kms(&mut sim, &eu, "EnableKey", json!({ "KeyId": eu_key }));
    assert_eq!(value(&mut sim, "eu-west-1", "AWSCURRENT")["SecretString"], "v1", "behind, not broken");
    let failures = sim.audit_events(&AuditQuery::default()).into_iter().filter(|e| e.event_name == "ReplicationFailed");
    assert_eq!(failures.map(|e| e.aws_region).collect::<Vec<_>>(), vec!["eu-west-1".to_string()]);

    // The next change catches the replica up with everything it missed.
    sm(&mut sim, &us, "PutSecretValue", json!({ "SecretId": arn, "SecretString": "v3", "ClientRequestToken": V3 }))
        .unwrap();
    assert_eq!(status(&mut sim, "eu-west-1")["Status"], "InSync");
    assert_eq!(value(&mut sim, "eu-west-1", "AWSCURRENT")["SecretString"], "v3");
    assert_eq!(value(&mut sim, "eu-west-1", "AWSPREVIOUS")["SecretString"], "v2");
}

#[test]
fn deletion_needs_the_replicas_removed_first() {
    let mut sim = Simulator::seeded("replicas-delete");
    let us = CallContext::default_root();
    let (arn, _) = replicated(&mut sim);
    let e = sm(&mut sim, &us, "DeleteSecret", json!({ "SecretId": arn })).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidRequestException);
    let e =
        sm(&mut sim, &us, "DeleteSecret", json!({ "SecretId": arn, "ForceDeleteWithoutRecovery": true })).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidRequestException);
    // Removing a replica deletes it at once.
    let out = sm(
        &mut sim,
        &us,
        "RemoveRegionsFromReplication",
        json!({ "SecretId": arn, "RemoveReplicaRegions": ["eu-west-1"] }),
    )
    .unwrap();
    assert_eq!(out["ReplicationStatus"].as_array().unwrap().len(), 1);
    let gone = sm(&mut sim, &in_region("eu-west-1"), "GetSecretValue", json!({ "SecretId": "app/db" })).unwrap_err();
    assert_eq!(gone.code, ErrorCode::ResourceNotFoundException);
    sm(
        &mut sim,
        &us,
        "RemoveRegionsFromReplication",
        json!({ "SecretId": arn, "RemoveReplicaRegions": ["us-west-2"] }),
    )
    .unwrap();
    // Then the primary goes through its recovery window as usual.
    sm(&mut sim, &us, "DeleteSecret", json!({ "SecretId": arn, "RecoveryWindowInDays": 7 })).unwrap();
    let e = sm(
        &mut sim,
        &us,
        "ReplicateSecretToRegions",
        json!({ "SecretId": arn, "AddReplicaRegions": [{ "Region": "eu-west-1" }] }),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidRequestException, "no replicas for a secret marked for deletion");
    sm(&mut sim, &us, "RestoreSecret", json!({ "SecretId": arn })).unwrap();
    assert_eq!(value(&mut sim, "us-east-1", "AWSCURRENT")["SecretString"], "v1");
}

#[test]
fn stop_replication_promotes_the_replica_to_a_standalone_secret() {
    let mut sim = Simulator::seeded("replicas-promote");
    let (us, eu) = (CallContext::default_root(), in_region("eu-west-1"));
    let (arn, _) = replicated(&mut sim);
    sm(&mut sim, &us, "PutSecretValue", json!({ "SecretId": arn, "SecretString": "v2", "ClientRequestToken": V2 }))
        .unwrap();
    let e = sm(&mut sim, &us, "StopReplicationToReplica", json!({ "SecretId": arn })).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidRequestException, "called on the primary");
    sm(&mut sim, &eu, "StopReplicationToReplica", json!({ "SecretId": "app/db" })).unwrap();
    let promoted = describe(&mut sim, "eu-west-1");
    assert_eq!(promoted["PrimaryRegion"], "eu-west-1");
    assert_eq!(promoted["Description"], "first", "it keeps what it had");
    let regions: Vec<Value> = describe(&mut sim, "us-east-1")["ReplicationStatus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Region"].clone())
        .collect();
    assert_eq!(regions, vec![json!("us-west-2")]);
    // Writable now, and no longer following the old primary.
    sm(&mut sim, &eu, "PutSecretValue", json!({ "SecretId": "app/db", "SecretString": "eu-only" })).unwrap();
    sm(&mut sim, &us, "UpdateSecret", json!({ "SecretId": arn, "Description": "us-only", "SecretString": "us-v3" }))
        .unwrap();
    assert_eq!(value(&mut sim, "eu-west-1", "AWSCURRENT")["SecretString"], "eu-only");
    assert_eq!(describe(&mut sim, "eu-west-1")["Description"], "first");
    assert_eq!(value(&mut sim, "eu-west-1", "AWSPREVIOUS")["SecretString"], "v2");
    assert_eq!(value(&mut sim, "us-west-2", "AWSCURRENT")["SecretString"], "us-v3");
}
