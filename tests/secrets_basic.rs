//! Secrets Manager: values, versions, staging labels, deletion, KMS, audit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use kmsim::audit::AuditQuery;
use kmsim::kms;
use kmsim::secrets::ops::*;
use kmsim::secrets::{RotationEvent, RotationStep};
use kmsim::{CallContext, ErrorCode, Service, Simulator};
use serde_json::json;

const T1: &str = "11111111-1111-1111-1111-111111111111";
const T2: &str = "22222222-2222-2222-2222-222222222222";
const T3: &str = "33333333-3333-3333-3333-333333333333";

fn setup() -> (Simulator, CallContext) {
    (Simulator::seeded("secrets"), CallContext::default_root())
}

fn create(sim: &mut Simulator, ctx: &CallContext, name: &str, value: &str) -> CreateSecretResponse {
    sim.invoke::<CreateSecret>(
        ctx,
        CreateSecretRequest {
            name: name.into(),
            secret_string: Some(value.into()),
            client_request_token: Some(T1.into()),
            ..Default::default()
        },
    )
    .unwrap()
}

fn get(sim: &mut Simulator, ctx: &CallContext, id: &str) -> Result<GetSecretValueResponse, kmsim::AwsError> {
    sim.invoke::<GetSecretValue>(ctx, GetSecretValueRequest { secret_id: id.into(), ..Default::default() })
}

fn put(
    sim: &mut Simulator,
    ctx: &CallContext,
    id: &str,
    value: &str,
    token: &str,
    stages: Option<Vec<&str>>,
) -> kmsim::AwsResult<PutSecretValueResponse> {
    sim.invoke::<PutSecretValue>(
        ctx,
        PutSecretValueRequest {
            secret_id: id.into(),
            secret_string: Some(value.into()),
            client_request_token: Some(token.into()),
            version_stages: stages.map(|s| s.into_iter().map(String::from).collect()),
            ..Default::default()
        },
    )
}

fn describe(sim: &mut Simulator, ctx: &CallContext, id: &str) -> SecretDescription {
    sim.invoke::<DescribeSecret>(ctx, SecretIdRequest { secret_id: id.into() }).unwrap()
}

fn stages(sim: &mut Simulator, ctx: &CallContext, id: &str, version: &str) -> Vec<String> {
    describe(sim, ctx, id).version_ids_to_stages.unwrap().get(version).cloned().unwrap_or_default()
}

#[test]
fn create_get_and_arn_shapes() {
    let (mut sim, ctx) = setup();
    let created = create(&mut sim, &ctx, "prod/db", "s3cr3t");
    assert!(created.arn.starts_with("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-"));
    assert_eq!(created.arn.len(), "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-".len() + 6);
    assert_eq!(created.version_id.as_deref(), Some(T1));
    for id in [created.arn.clone(), "prod/db".to_string(), created.arn[..created.arn.len() - 7].to_string()] {
        let v = get(&mut sim, &ctx, &id).unwrap();
        assert_eq!(v.secret_string.as_deref(), Some("s3cr3t"));
        assert_eq!(v.version_stages, vec!["AWSCURRENT"]);
    }
    assert_eq!(get(&mut sim, &ctx, "nope").unwrap_err().code, ErrorCode::ResourceNotFoundException);
    // Same name again.
    let e = sim
        .invoke::<CreateSecret>(
            &ctx,
            CreateSecretRequest { name: "prod/db".into(), secret_string: Some("x".into()), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ResourceExistsException);
    // Idempotent retry with the same token and value.
    assert_eq!(create(&mut sim, &ctx, "prod/db", "s3cr3t").arn, created.arn);
    // Binary values.
    let b = sim
        .invoke::<CreateSecret>(
            &ctx,
            CreateSecretRequest {
                name: "bin".into(),
                secret_binary: Some(vec![0u8, 1, 2].into()),
                ..Default::default()
            },
        )
        .unwrap();
    let v = get(&mut sim, &ctx, &b.arn).unwrap();
    assert_eq!(v.secret_binary.unwrap().expose(), &[0, 1, 2]);
    assert!(v.secret_string.is_none());
}

#[test]
fn limits_and_validation() {
    let (mut sim, ctx) = setup();
    let big = "x".repeat(65_537);
    let e = sim
        .invoke::<CreateSecret>(
            &ctx,
            CreateSecretRequest { name: "big".into(), secret_string: Some(big), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ValidationException);
    let ok = "x".repeat(65_536);
    sim.invoke::<CreateSecret>(
        &ctx,
        CreateSecretRequest { name: "max".into(), secret_string: Some(ok), ..Default::default() },
    )
    .unwrap();
    let e = sim
        .invoke::<CreateSecret>(
            &ctx,
            CreateSecretRequest {
                name: "both".into(),
                secret_string: Some("a".into()),
                secret_binary: Some(vec![1u8].into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameterException);
    let e = sim
        .invoke::<CreateSecret>(&ctx, CreateSecretRequest { name: "bad name!".into(), ..Default::default() })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameterException);
    let tags = (0..51).map(|i| kmsim::secrets::model::Tag { key: format!("k{i}"), value: "v".into() }).collect();
    let e = sim
        .invoke::<CreateSecret>(&ctx, CreateSecretRequest { name: "t".into(), tags: Some(tags), ..Default::default() })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::LimitExceededException);
    let e = sim
        .invoke::<CreateSecret>(
            &ctx,
            CreateSecretRequest {
                name: "tok".into(),
                client_request_token: Some("short".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ValidationException);
}

#[test]
fn put_secret_value_moves_current_and_previous() {
    let (mut sim, ctx) = setup();
    let arn = create(&mut sim, &ctx, "app", "v1").arn;
    put(&mut sim, &ctx, &arn, "v2", T2, None).unwrap();
    assert_eq!(stages(&mut sim, &ctx, &arn, T1), vec!["AWSPREVIOUS"]);
    assert_eq!(stages(&mut sim, &ctx, &arn, T2), vec!["AWSCURRENT"]);
    put(&mut sim, &ctx, &arn, "v3", T3, None).unwrap();
    assert!(stages(&mut sim, &ctx, &arn, T1).is_empty(), "T1 is deprecated now");
    assert_eq!(stages(&mut sim, &ctx, &arn, T2), vec!["AWSPREVIOUS"]);
    assert_eq!(get(&mut sim, &ctx, &arn).unwrap().secret_string.as_deref(), Some("v3"));
    let prev = sim
        .invoke::<GetSecretValue>(
            &ctx,
            GetSecretValueRequest {
                secret_id: arn.clone(),
                version_stage: Some("AWSPREVIOUS".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(prev.secret_string.as_deref(), Some("v2"));
    let old = sim
        .invoke::<GetSecretValue>(
            &ctx,
            GetSecretValueRequest { secret_id: arn.clone(), version_id: Some(T1.into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(old.secret_string.as_deref(), Some("v1"));
    // Idempotent re-put; conflicting re-put.
    put(&mut sim, &ctx, &arn, "v3", T3, None).unwrap();
    assert_eq!(put(&mut sim, &ctx, &arn, "other", T3, None).unwrap_err().code, ErrorCode::ResourceExistsException);
    // Custom label alongside.
    let t4 = "44444444-4444-4444-4444-444444444444";
    put(&mut sim, &ctx, &arn, "v4", t4, Some(vec!["CANARY"])).unwrap();
    assert_eq!(stages(&mut sim, &ctx, &arn, t4), vec!["CANARY"]);
    assert_eq!(stages(&mut sim, &ctx, &arn, T3), vec!["AWSCURRENT"]);
    // Versions listing.
    let listed = sim
        .invoke::<ListSecretVersionIds>(
            &ctx,
            ListSecretVersionIdsRequest { secret_id: arn.clone(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(listed.versions.len(), 3);
    let all = sim
        .invoke::<ListSecretVersionIds>(
            &ctx,
            ListSecretVersionIdsRequest {
                secret_id: arn.clone(),
                include_deprecated: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(all.versions.len(), 4);
    let paged = sim
        .invoke::<ListSecretVersionIds>(
            &ctx,
            ListSecretVersionIdsRequest {
                secret_id: arn,
                include_deprecated: Some(true),
                max_results: Some(3),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(paged.versions.len(), 3);
    assert!(paged.next_token.is_some());
}

#[test]
fn update_secret_version_stage_rules() {
    let (mut sim, ctx) = setup();
    let arn = create(&mut sim, &ctx, "s", "v1").arn;
    put(&mut sim, &ctx, &arn, "v2", T2, Some(vec!["STAGED"])).unwrap();
    let usvs = |sim: &mut Simulator, stage: &str, remove: Option<&str>, to: Option<&str>| {
        sim.invoke::<UpdateSecretVersionStage>(
            &ctx,
            UpdateSecretVersionStageRequest {
                secret_id: arn.clone(),
                version_stage: stage.into(),
                remove_from_version_id: remove.map(String::from),
                move_to_version_id: to.map(String::from),
            },
        )
    };
    // AWSCURRENT is on T1: moving it without RemoveFromVersionId fails.
    assert_eq!(usvs(&mut sim, "AWSCURRENT", None, Some(T2)).unwrap_err().code, ErrorCode::InvalidParameterException);
    // It cannot be removed outright.
    assert_eq!(usvs(&mut sim, "AWSCURRENT", Some(T1), None).unwrap_err().code, ErrorCode::InvalidParameterException);
    // Wrong RemoveFromVersionId.
    assert_eq!(
        usvs(&mut sim, "AWSCURRENT", Some(T2), Some(T2)).unwrap_err().code,
        ErrorCode::InvalidParameterException
    );
    let before = describe(&mut sim, &ctx, &arn).version_ids_to_stages;
    usvs(&mut sim, "AWSCURRENT", Some(T1), Some(T2)).unwrap();
    assert_eq!(stages(&mut sim, &ctx, &arn, T1), vec!["AWSPREVIOUS"]);
    let s2 = stages(&mut sim, &ctx, &arn, T2);
    assert!(s2.contains(&"AWSCURRENT".to_string()) && s2.contains(&"STAGED".to_string()));
    assert_ne!(before, describe(&mut sim, &ctx, &arn).version_ids_to_stages);
    // Custom label: remove, then attach anywhere.
    usvs(&mut sim, "STAGED", Some(T2), None).unwrap();
    assert_eq!(stages(&mut sim, &ctx, &arn, T2), vec!["AWSCURRENT"]);
    usvs(&mut sim, "STAGED", None, Some(T1)).unwrap();
    assert!(stages(&mut sim, &ctx, &arn, T1).contains(&"STAGED".to_string()));
    // Unknown version.
    assert_eq!(
        usvs(&mut sim, "X", None, Some("99999999-9999-9999-9999-999999999999")).unwrap_err().code,
        ErrorCode::ResourceNotFoundException
    );
}

#[test]
fn deprecated_versions_are_pruned_beyond_one_hundred() {
    let (mut sim, ctx) = setup();
    let arn = create(&mut sim, &ctx, "many", "v").arn;
    for i in 0..120 {
        sim.advance_time(86_400_000 * 2);
        put(&mut sim, &ctx, &arn, &format!("v{i}"), &format!("{i:08}-0000-0000-0000-000000000000"), None).unwrap();
    }
    let all = sim
        .invoke::<ListSecretVersionIds>(
            &ctx,
            ListSecretVersionIdsRequest {
                secret_id: arn.clone(),
                include_deprecated: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(all.versions.len() + all.next_token.map_or(0, |_| 1), 100);
    // The oldest (T1) is gone.
    let e = sim
        .invoke::<GetSecretValue>(
            &ctx,
            GetSecretValueRequest { secret_id: arn, version_id: Some(T1.into()), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn versions_younger_than_a_day_hit_the_limit() {
    let (mut sim, ctx) = setup();
    let arn = create(&mut sim, &ctx, "many", "v").arn;
    for i in 0..99 {
        put(&mut sim, &ctx, &arn, &format!("v{i}"), &format!("{i:08}-0000-0000-0000-000000000000"), None).unwrap();
    }
    let e = put(&mut sim, &ctx, &arn, "boom", T2, None).unwrap_err();
    assert_eq!(e.code, ErrorCode::LimitExceededException);
}

#[test]
fn deletion_window_restore_and_purge() {
    let (mut sim, ctx) = setup();
    let arn = create(&mut sim, &ctx, "gone", "v").arn;
    let e = sim
        .invoke::<DeleteSecret>(
            &ctx,
            DeleteSecretRequest { secret_id: arn.clone(), recovery_window_in_days: Some(6), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameterException);
    let e = sim
        .invoke::<DeleteSecret>(
            &ctx,
            DeleteSecretRequest {
                secret_id: arn.clone(),
                recovery_window_in_days: Some(7),
                force_delete_without_recovery: Some(true),
            },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameterException);
    let d = sim
        .invoke::<DeleteSecret>(
            &ctx,
            DeleteSecretRequest { secret_id: arn.clone(), recovery_window_in_days: Some(7), ..Default::default() },
        )
        .unwrap();
    assert_eq!(d.deletion_date, sim.now().plus_days(7));
    let e = get(&mut sim, &ctx, &arn).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidRequestException);
    assert_eq!(e.message, "You can't perform this operation on the secret because it was marked for deletion.");
    assert_eq!(put(&mut sim, &ctx, &arn, "x", T2, None).unwrap_err().code, ErrorCode::InvalidRequestException);
    assert!(describe(&mut sim, &ctx, &arn).deleted_date.is_some());
    let listed = sim.invoke::<ListSecrets>(&ctx, ListSecretsRequest::default()).unwrap();
    assert!(listed.secret_list.is_empty());
    let listed = sim
        .invoke::<ListSecrets>(&ctx, ListSecretsRequest { include_planned_deletion: Some(true), ..Default::default() })
        .unwrap();
    assert_eq!(listed.secret_list.len(), 1);
    sim.invoke::<RestoreSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    assert_eq!(get(&mut sim, &ctx, &arn).unwrap().secret_string.as_deref(), Some("v"));
    sim.invoke::<DeleteSecret>(
        &ctx,
        DeleteSecretRequest { secret_id: arn.clone(), recovery_window_in_days: Some(7), ..Default::default() },
    )
    .unwrap();
    sim.advance_time(7 * 86_400_000 - 1);
    assert!(sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).is_ok());
    sim.advance_time(1);
    let e = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap_err();
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
    let purge = sim.audit_events(&AuditQuery::default());
    assert!(purge.iter().any(|e| e.event_name == "DeleteSecret" && e.event_type == "AwsServiceEvent"));
    // The name is free again.
    create(&mut sim, &ctx, "gone", "again");
    // Force delete.
    let arn = create(&mut sim, &ctx, "now", "v").arn;
    sim.invoke::<DeleteSecret>(
        &ctx,
        DeleteSecretRequest { secret_id: arn.clone(), force_delete_without_recovery: Some(true), ..Default::default() },
    )
    .unwrap();
    assert_eq!(get(&mut sim, &ctx, &arn).unwrap_err().code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn values_are_encrypted_through_kms_with_the_documented_context() {
    let (mut sim, ctx) = setup();
    let arn = create(&mut sim, &ctx, "enc", "plaintext-marker").arn;
    let snapshot = sim.export_snapshot().unwrap();
    assert!(!snapshot.contains("plaintext-marker"));
    let events = sim.audit_events(&AuditQuery::default());
    let gdk = events.iter().find(|e| e.event_name == "GenerateDataKey").unwrap();
    assert_eq!(gdk.event_source, "kms.amazonaws.com");
    assert_eq!(gdk.request_parameters_value()["encryptionContext"], json!({ "SecretARN": arn, "SecretVersionId": T1 }));
    assert_eq!(gdk.source_ip_address, "secretsmanager.amazonaws.com");
    get(&mut sim, &ctx, &arn).unwrap();
    let events = sim.audit_events(&AuditQuery::default());
    assert!(events.iter().any(|e| e.event_name == "Decrypt" && e.event_source == "kms.amazonaws.com"));
    let json = serde_json::to_string(&events).unwrap();
    assert!(!json.contains("plaintext-marker"), "no secret values in the audit trail");
    assert!(events
        .iter()
        .any(|e| e.event_source == "secretsmanager.amazonaws.com" && e.event_name == "GetSecretValue"));
    // The managed key exists now.
    let key = sim
        .invoke::<kms::ops::DescribeKey>(
            &ctx,
            kms::ops::KeyIdRequest { key_id: "alias/aws/secretsmanager".into(), grant_tokens: None },
        )
        .unwrap();
    assert_eq!(key.key_metadata.key_manager, kms::model::KeyManager::Aws);
}

#[test]
fn customer_key_disabled_mid_life() {
    let (mut sim, ctx) = setup();
    let key = sim.invoke::<kms::ops::CreateKey>(&ctx, Default::default()).unwrap().key_metadata.arn;
    let arn = sim
        .invoke::<CreateSecret>(
            &ctx,
            CreateSecretRequest {
                name: "cmk".into(),
                kms_key_id: Some(key.clone()),
                secret_string: Some("v".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .arn;
    assert_eq!(get(&mut sim, &ctx, &arn).unwrap().secret_string.as_deref(), Some("v"));
    sim.invoke::<kms::ops::DisableKey>(&ctx, kms::ops::KeyIdOnlyRequest { key_id: key.clone() }).unwrap();
    let e = get(&mut sim, &ctx, &arn).unwrap_err();
    assert_eq!(e.code, ErrorCode::DecryptionFailure);
    assert!(describe(&mut sim, &ctx, &arn).kms_key_id.is_some());
    let before = sim.snapshot().secrets.secrets.get(&arn).unwrap().versions.len();
    let e = put(&mut sim, &ctx, &arn, "v2", T2, None).unwrap_err();
    assert_eq!(e.code, ErrorCode::EncryptionFailure);
    assert_eq!(sim.snapshot().secrets.secrets.get(&arn).unwrap().versions.len(), before, "failed put leaves state");
    sim.invoke::<kms::ops::EnableKey>(&ctx, kms::ops::KeyIdOnlyRequest { key_id: key }).unwrap();
    assert_eq!(get(&mut sim, &ctx, &arn).unwrap().secret_string.as_deref(), Some("v"));
}

#[test]
fn failing_calls_leave_state_unchanged() {
    let (mut sim, ctx) = setup();
    let arn = create(&mut sim, &ctx, "stable", "v").arn;
    let before = serde_json::to_value(&sim.snapshot().secrets).unwrap();
    let _ = put(&mut sim, &ctx, &arn, "x", T1, None); // conflicting token
    let _ = sim.invoke::<UpdateSecretVersionStage>(
        &ctx,
        UpdateSecretVersionStageRequest {
            secret_id: arn.clone(),
            version_stage: "AWSCURRENT".into(),
            remove_from_version_id: Some(T1.into()),
            move_to_version_id: None,
        },
    );
    let _ = sim.invoke::<DeleteSecret>(
        &ctx,
        DeleteSecretRequest { secret_id: arn.clone(), recovery_window_in_days: Some(31), ..Default::default() },
    );
    let _ = sim.invoke::<PutResourcePolicy>(
        &ctx,
        PutResourcePolicyRequest {
            secret_id: arn.clone(),
            resource_policy: json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}).to_string(),
            block_public_policy: Some(true),
        },
    );
    let _ = sim.invoke::<TagResource>(
        &ctx,
        TagResourceRequest {
            secret_id: arn.clone(),
            tags: vec![kmsim::secrets::model::Tag { key: "aws:x".into(), value: "v".into() }],
        },
    );
    let _ = sim.invoke::<RotateSecret>(&ctx, RotateSecretRequest { secret_id: arn.clone(), ..Default::default() });
    let after = serde_json::to_value(&sim.snapshot().secrets).unwrap();
    assert_eq!(before, after);
}

#[test]
fn describe_list_filters_tags_and_update() {
    let (mut sim, ctx) = setup();
    let a = create(&mut sim, &ctx, "team/a", "1").arn;
    sim.advance_time(1000);
    let b = sim
        .invoke::<CreateSecret>(
            &ctx,
            CreateSecretRequest {
                name: "team/b".into(),
                description: Some("billing db".into()),
                tags: Some(vec![kmsim::secrets::model::Tag { key: "env".into(), value: "prod".into() }]),
                ..Default::default()
            },
        )
        .unwrap()
        .arn;
    assert!(b.contains("team/b-"));
    let list = |sim: &mut Simulator, key: &str, v: &str| {
        sim.invoke::<ListSecrets>(
            &ctx,
            ListSecretsRequest {
                filters: Some(vec![Filter { key: key.into(), values: vec![v.into()] }]),
                ..Default::default()
            },
        )
        .unwrap()
        .secret_list
        .into_iter()
        .map(|s| s.name)
        .collect::<Vec<_>>()
    };
    assert_eq!(list(&mut sim, "name", "team/"), vec!["team/a", "team/b"]);
    assert_eq!(list(&mut sim, "description", "billing"), vec!["team/b"]);
    assert_eq!(list(&mut sim, "tag-key", "env"), vec!["team/b"]);
    assert_eq!(list(&mut sim, "tag-value", "prod"), vec!["team/b"]);
    assert_eq!(list(&mut sim, "name", "!team/b"), vec!["team/a"]);
    assert_eq!(list(&mut sim, "all", "billing"), vec!["team/b"]);
    let desc = sim
        .invoke::<ListSecrets>(
            &ctx,
            ListSecretsRequest { sort_order: Some("desc".into()), max_results: Some(1), ..Default::default() },
        )
        .unwrap();
    assert_eq!(desc.secret_list[0].name, "team/b");
    let next = sim
        .invoke::<ListSecrets>(
            &ctx,
            ListSecretsRequest {
                sort_order: Some("desc".into()),
                max_results: Some(1),
                next_token: desc.next_token,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(next.secret_list[0].name, "team/a");
    let e = sim
        .invoke::<ListSecrets>(&ctx, ListSecretsRequest { next_token: Some("!!".into()), ..Default::default() })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidNextTokenException);
    // Tags.
    sim.invoke::<TagResource>(
        &ctx,
        TagResourceRequest {
            secret_id: a.clone(),
            tags: vec![kmsim::secrets::model::Tag { key: "k".into(), value: "v".into() }],
        },
    )
    .unwrap();
    assert_eq!(describe(&mut sim, &ctx, &a).tags.len(), 1);
    sim.invoke::<UntagResource>(&ctx, UntagResourceRequest { secret_id: a.clone(), tag_keys: vec!["k".into()] })
        .unwrap();
    assert!(describe(&mut sim, &ctx, &a).tags.is_empty());
    // UpdateSecret: description, and a new value.
    let u = sim
        .invoke::<UpdateSecret>(
            &ctx,
            UpdateSecretRequest {
                secret_id: a.clone(),
                description: Some("d".into()),
                secret_string: Some("2".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let v = get(&mut sim, &ctx, &a).unwrap();
    assert_eq!(v.secret_string.as_deref(), Some("2"));
    assert_eq!(Some(v.version_id), u.version_id);
    assert_eq!(describe(&mut sim, &ctx, &a).description.as_deref(), Some("d"));
    // Secret created without a value has no AWSCURRENT.
    assert_eq!(get(&mut sim, &ctx, &b).unwrap_err().code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn batch_get_secret_value() {
    let (mut sim, ctx) = setup();
    let a = create(&mut sim, &ctx, "a", "1").arn;
    let out = sim
        .invoke::<BatchGetSecretValue>(
            &ctx,
            BatchGetSecretValueRequest { secret_id_list: Some(vec![a, "missing".into()]), ..Default::default() },
        )
        .unwrap();
    assert_eq!(out.secret_values.len(), 1);
    assert_eq!(out.errors[0].error_code, "ResourceNotFoundException");
    let out = sim
        .invoke::<BatchGetSecretValue>(
            &ctx,
            BatchGetSecretValueRequest {
                filters: Some(vec![Filter { key: "name".into(), values: vec!["a".into()] }]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(out.secret_values.len(), 1);
    let e = sim.invoke::<BatchGetSecretValue>(&ctx, BatchGetSecretValueRequest::default()).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameterException);
}

#[test]
fn resource_policies() {
    let (mut sim, ctx) = setup();
    let a = create(&mut sim, &ctx, "p", "1").arn;
    let public = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}).to_string();
    let narrowed = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}}]}).to_string();
    let put_policy = |sim: &mut Simulator, p: &str, block: bool| {
        sim.invoke::<PutResourcePolicy>(
            &ctx,
            PutResourcePolicyRequest {
                secret_id: a.clone(),
                resource_policy: p.into(),
                block_public_policy: Some(block),
            },
        )
    };
    assert_eq!(put_policy(&mut sim, &public, true).unwrap_err().code, ErrorCode::PublicPolicyException);
    assert_eq!(put_policy(&mut sim, "{not json", false).unwrap_err().code, ErrorCode::MalformedPolicyDocumentException);
    put_policy(&mut sim, &narrowed, true).unwrap();
    let got = sim.invoke::<GetResourcePolicy>(&ctx, SecretIdRequest { secret_id: a.clone() }).unwrap();
    assert_eq!(got.resource_policy.as_deref(), Some(narrowed.as_str()));
    put_policy(&mut sim, &public, false).unwrap();
    let v = sim
        .invoke::<ValidateResourcePolicy>(
            &ctx,
            ValidateResourcePolicyRequest { secret_id: None, resource_policy: public },
        )
        .unwrap();
    assert!(!v.policy_validation_passed);
    let v = sim
        .invoke::<ValidateResourcePolicy>(
            &ctx,
            ValidateResourcePolicyRequest { secret_id: Some(a.clone()), resource_policy: narrowed },
        )
        .unwrap();
    assert!(v.policy_validation_passed);
    sim.invoke::<DeleteResourcePolicy>(&ctx, SecretIdRequest { secret_id: a.clone() }).unwrap();
    assert!(sim.invoke::<GetResourcePolicy>(&ctx, SecretIdRequest { secret_id: a }).unwrap().resource_policy.is_none());
}

#[test]
fn random_passwords() {
    let (mut sim, ctx) = setup();
    let p = sim.invoke::<GetRandomPassword>(&ctx, GetRandomPasswordRequest::default()).unwrap().random_password;
    assert_eq!(p.len(), 32);
    assert!(p.chars().any(|c| c.is_ascii_lowercase()) && p.chars().any(|c| c.is_ascii_uppercase()));
    assert!(p.chars().any(|c| c.is_ascii_digit()) && p.chars().any(|c| c.is_ascii_punctuation()));
    let p = sim
        .invoke::<GetRandomPassword>(
            &ctx,
            GetRandomPasswordRequest {
                password_length: Some(64),
                exclude_punctuation: Some(true),
                exclude_characters: Some("abc".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .random_password;
    assert_eq!(p.len(), 64);
    assert!(p.chars().all(|c| c.is_ascii_alphanumeric() && !"abc".contains(c)));
    let p = sim
        .invoke::<GetRandomPassword>(
            &ctx,
            GetRandomPasswordRequest {
                password_length: Some(20),
                exclude_lowercase: Some(true),
                exclude_uppercase: Some(true),
                exclude_punctuation: Some(true),
                include_space: Some(true),
                ..Default::default()
            },
        )
        .unwrap()
        .random_password;
    assert!(p.chars().all(|c| c.is_ascii_digit() || c == ' ') && p.contains(' '));
    for bad in [0, 4097] {
        let e = sim
            .invoke::<GetRandomPassword>(
                &ctx,
                GetRandomPasswordRequest { password_length: Some(bad), ..Default::default() },
            )
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationException);
    }
    let e = sim
        .invoke::<GetRandomPassword>(
            &ctx,
            GetRandomPasswordRequest {
                exclude_lowercase: Some(true),
                exclude_uppercase: Some(true),
                exclude_numbers: Some(true),
                exclude_punctuation: Some(true),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameterException);
    // Deterministic under a seed.
    let mut other = Simulator::seeded("secrets");
    let a = other.invoke::<GetRandomPassword>(&ctx, GetRandomPasswordRequest::default()).unwrap().random_password;
    let mut again = Simulator::seeded("secrets");
    assert_eq!(
        a,
        again.invoke::<GetRandomPassword>(&ctx, GetRandomPasswordRequest::default()).unwrap().random_password
    );
}

#[test]
fn replication() {
    let (mut sim, ctx) = setup();
    let arn = sim
        .invoke::<CreateSecret>(
            &ctx,
            CreateSecretRequest {
                name: "rep".into(),
                secret_string: Some("v".into()),
                add_replica_regions: Some(vec![ReplicaRegion { region: "eu-west-1".into(), kms_key_id: None }]),
                ..Default::default()
            },
        )
        .unwrap()
        .arn;
    let d = describe(&mut sim, &ctx, &arn);
    assert_eq!(d.replication_status[0].status, "InSync");
    let eu = CallContext::new(ctx.caller.clone(), "eu-west-1");
    let replica = get(&mut sim, &eu, "rep").unwrap();
    assert_eq!(replica.secret_string.as_deref(), Some("v"));
    assert!(replica.arn.contains(":eu-west-1:"));
    assert_eq!(put(&mut sim, &eu, "rep", "x", T2, None).unwrap_err().code, ErrorCode::InvalidRequestException);
    assert_eq!(
        sim.invoke::<DeleteSecret>(&ctx, DeleteSecretRequest { secret_id: arn.clone(), ..Default::default() })
            .unwrap_err()
            .code,
        ErrorCode::InvalidRequestException
    );
    sim.invoke::<ReplicateSecretToRegions>(
        &ctx,
        ReplicateSecretToRegionsRequest {
            secret_id: arn.clone(),
            add_replica_regions: vec![ReplicaRegion { region: "us-west-2".into(), kms_key_id: None }],
            ..Default::default()
        },
    )
    .unwrap();
    sim.invoke::<RemoveRegionsFromReplication>(
        &ctx,
        RemoveRegionsFromReplicationRequest {
            secret_id: arn.clone(),
            remove_replica_regions: vec!["us-west-2".into()],
        },
    )
    .unwrap();
    let west = CallContext::new(ctx.caller.clone(), "us-west-2");
    assert_eq!(get(&mut sim, &west, "rep").unwrap_err().code, ErrorCode::ResourceNotFoundException);
    sim.invoke::<StopReplicationToReplica>(&eu, SecretIdRequest { secret_id: "rep".into() }).unwrap();
    put(&mut sim, &eu, "rep", "x", T2, None).unwrap();
    assert!(describe(&mut sim, &ctx, &arn).replication_status.is_empty());
    sim.invoke::<DeleteSecret>(&ctx, DeleteSecretRequest { secret_id: arn, ..Default::default() }).unwrap();
}

#[test]
fn json_routing_and_sdk_shapes() {
    let (mut sim, ctx) = setup();
    let out = sim
        .call_json(
            &ctx,
            Service::SecretsManager,
            "CreateSecret",
            json!({ "Name": "j", "SecretString": "v", "Tags": [{"Key":"a","Value":"b"}] }),
        )
        .unwrap();
    assert!(out["ARN"].as_str().unwrap().contains(":secret:j-"));
    let v = sim.call_json(&ctx, Service::SecretsManager, "GetSecretValue", json!({ "SecretId": "j" })).unwrap();
    assert_eq!(v["SecretString"], "v");
    assert!(v["CreatedDate"].is_number());
    let d = sim.call_json(&ctx, Service::SecretsManager, "DescribeSecret", json!({ "SecretId": "j" })).unwrap();
    assert_eq!(d["Tags"][0]["Key"], "a");
    assert!(d["VersionIdsToStages"].is_object());
    let e = sim.call_json(&ctx, Service::SecretsManager, "Nope", json!({})).unwrap_err();
    assert_eq!(e.code, ErrorCode::UnknownOperationException);
    let e = sim.call_json(&ctx, Service::SecretsManager, "GetSecretValue", json!({ "SecretId": 5 })).unwrap_err();
    assert_eq!(e.code, ErrorCode::SerializationException);
    for op in kmsim::secrets::OPERATIONS {
        let r = sim.call_json(&ctx, Service::SecretsManager, op, json!({}));
        assert!(r.as_ref().map_or_else(|e| e.code != ErrorCode::UnknownOperationException, |_| true), "{op}");
    }
}

#[test]
fn snapshot_round_trip() {
    let (mut sim, ctx) = setup();
    let arn = create(&mut sim, &ctx, "snap", "v").arn;
    let json = sim.export_snapshot().unwrap();
    let mut other = Simulator::seeded("other");
    other.import_snapshot(&json).unwrap();
    assert_eq!(get(&mut other, &ctx, &arn).unwrap().secret_string.as_deref(), Some("v"));
}

#[test]
fn rotation_event_shape() {
    let e =
        RotationEvent { secret_id: "arn".into(), client_request_token: T1.into(), step: RotationStep::CreateSecret };
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({ "SecretId": "arn", "ClientRequestToken": T1, "Step": "createSecret" })
    );
}
