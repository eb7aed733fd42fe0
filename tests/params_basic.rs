//! Parameter Store: names, tiers, versions, labels, SecureString through KMS,
//! policies on the virtual clock, filters, tags, routing and snapshots.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use kmsim::audit::AuditQuery;
use kmsim::kms;
use kmsim::params::model::Tag;
use kmsim::params::ops::*;
use kmsim::{CallContext, ErrorCode, Service, Simulator};
use serde_json::json;

fn setup() -> (Simulator, CallContext) {
    (Simulator::seeded("params"), CallContext::default_root())
}

fn put(
    sim: &mut Simulator,
    ctx: &CallContext,
    name: &str,
    value: &str,
    ty: &str,
    overwrite: bool,
) -> kmsim::AwsResult<PutParameterResponse> {
    sim.invoke::<PutParameter>(
        ctx,
        PutParameterRequest {
            name: name.into(),
            value: value.into(),
            param_type: Some(ty.into()),
            overwrite: Some(overwrite),
            ..Default::default()
        },
    )
}

fn get(sim: &mut Simulator, ctx: &CallContext, name: &str, decrypt: bool) -> kmsim::AwsResult<ParameterValue> {
    sim.invoke::<GetParameter>(ctx, GetParameterRequest { name: name.into(), with_decryption: Some(decrypt) })
        .map(|r| r.parameter)
}

#[test]
fn put_get_versions_and_overwrite() {
    let (mut sim, ctx) = setup();
    let r = put(&mut sim, &ctx, "/app/db/host", "db1", "String", false).unwrap();
    assert_eq!((r.version, r.tier.as_str()), (1, "Standard"));
    let e = put(&mut sim, &ctx, "/app/db/host", "db2", "String", false).unwrap_err();
    assert_eq!(e.code, ErrorCode::ParameterAlreadyExists);
    assert_eq!(put(&mut sim, &ctx, "/app/db/host", "db2", "String", true).unwrap().version, 2);
    let p = get(&mut sim, &ctx, "/app/db/host", false).unwrap();
    assert_eq!((p.value.as_str(), p.version), ("db2", 2));
    assert_eq!(p.arn, "arn:aws:ssm:us-east-1:123456789012:parameter/app/db/host");
    assert_eq!(get(&mut sim, &ctx, "/app/db/host:1", false).unwrap().value, "db1");
    assert_eq!(get(&mut sim, &ctx, "/app/db/host:1", false).unwrap().selector.as_deref(), Some(":1"));
    assert_eq!(get(&mut sim, &ctx, &p.arn, false).unwrap().value, "db2");
    assert_eq!(get(&mut sim, &ctx, "/app/db/host:9", false).unwrap_err().code, ErrorCode::ParameterVersionNotFound);
    assert_eq!(get(&mut sim, &ctx, "/nope", false).unwrap_err().code, ErrorCode::ParameterNotFound);
    // Type needed on create.
    let e = sim
        .invoke::<PutParameter>(&ctx, PutParameterRequest { name: "x".into(), value: "v".into(), ..Default::default() })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ValidationException);
    // StringList.
    put(&mut sim, &ctx, "list", "a,b,c", "StringList", false).unwrap();
    assert_eq!(get(&mut sim, &ctx, "list", false).unwrap().param_type, "StringList");
    // History.
    let h = sim
        .invoke::<GetParameterHistory>(
            &ctx,
            GetParameterHistoryRequest { name: "/app/db/host".into(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(h.parameters.iter().map(|p| p.value.as_str()).collect::<Vec<_>>(), vec!["db1", "db2"]);
    assert_eq!(h.parameters[0].last_modified_user, "arn:aws:iam::123456789012:root");
}

#[test]
fn name_rules() {
    let (mut sim, ctx) = setup();
    for bad in ["a b", "no/leading/slash", "/trailing/", "aws-thing", "/SSM/x", "/Aws", "bad:name", "/a//b"] {
        let e = put(&mut sim, &ctx, bad, "v", "String", false).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationException, "{bad}");
    }
    let deep = (0..16).map(|i| format!("/l{i}")).collect::<String>();
    assert_eq!(
        put(&mut sim, &ctx, &deep, "v", "String", false).unwrap_err().code,
        ErrorCode::HierarchyLevelLimitExceededException
    );
    let ok = (0..15).map(|i| format!("/l{i}")).collect::<String>();
    put(&mut sim, &ctx, &ok, "v", "String", false).unwrap();
    let prefix = "arn:aws:ssm:us-east-1:123456789012:parameter/".len();
    let longest = format!("/{}", "a".repeat(1011 - prefix));
    put(&mut sim, &ctx, &longest, "v", "String", false).unwrap();
    let too_long = format!("/{}", "a".repeat(1012 - prefix));
    assert_eq!(put(&mut sim, &ctx, &too_long, "v", "String", false).unwrap_err().code, ErrorCode::ValidationException);
    put(&mut sim, &ctx, "My_param.1-x", "v", "String", false).unwrap();
}

#[test]
fn tiers_and_sizes() {
    let (mut sim, ctx) = setup();
    let four_k = "x".repeat(4096);
    assert_eq!(put(&mut sim, &ctx, "s", &four_k, "String", false).unwrap().tier, "Standard");
    let over = "x".repeat(4097);
    assert_eq!(put(&mut sim, &ctx, "s2", &over, "String", false).unwrap_err().code, ErrorCode::ValidationException);
    let adv = |sim: &mut Simulator, name: &str, value: &str, tier: &str| {
        sim.invoke::<PutParameter>(
            &ctx,
            PutParameterRequest {
                name: name.into(),
                value: value.into(),
                param_type: Some("String".into()),
                tier: Some(tier.into()),
                overwrite: Some(true),
                ..Default::default()
            },
        )
    };
    assert_eq!(adv(&mut sim, "a", &over, "Advanced").unwrap().tier, "Advanced");
    assert_eq!(adv(&mut sim, "a", &"x".repeat(8193), "Advanced").unwrap_err().code, ErrorCode::ValidationException);
    assert_eq!(adv(&mut sim, "it", "small", "Intelligent-Tiering").unwrap().tier, "Standard");
    assert_eq!(adv(&mut sim, "it", &over, "Intelligent-Tiering").unwrap().tier, "Advanced");
    // No downgrade.
    assert_eq!(adv(&mut sim, "it", "small", "Standard").unwrap_err().code, ErrorCode::ValidationException);
    assert_eq!(adv(&mut sim, "it", "small", "Intelligent-Tiering").unwrap().tier, "Advanced");
    assert_eq!(adv(&mut sim, "x", "v", "Premium").unwrap_err().code, ErrorCode::ValidationException);
    // Advanced SecureString above 4 KB uses envelope encryption and still round-trips.
    let big = "s".repeat(6000);
    sim.invoke::<PutParameter>(
        &ctx,
        PutParameterRequest {
            name: "bigsecret".into(),
            value: big.clone(),
            param_type: Some("SecureString".into()),
            tier: Some("Advanced".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(get(&mut sim, &ctx, "bigsecret", true).unwrap().value, big);
    assert_ne!(get(&mut sim, &ctx, "bigsecret", false).unwrap().value, big);
}

#[test]
fn secure_strings_are_encrypted_through_kms() {
    let (mut sim, ctx) = setup();
    put(&mut sim, &ctx, "/app/password", "hunter2-marker", "SecureString", false).unwrap();
    let plain = get(&mut sim, &ctx, "/app/password", true).unwrap();
    assert_eq!(plain.value, "hunter2-marker");
    let sealed = get(&mut sim, &ctx, "/app/password", false).unwrap();
    assert_ne!(sealed.value, "hunter2-marker");
    // The ciphertext is a real KMS blob: KMS (via ssm) decrypts it with the PARAMETER_ARN context.
    let blob = kmsim::bytes::base64_decode(&sealed.value).unwrap();
    let opened = sim
        .invoke::<kms::ops::Decrypt>(
            &ctx.via("ssm"),
            kms::ops::DecryptRequest {
                ciphertext_blob: blob.clone().into(),
                encryption_context: Some([("PARAMETER_ARN".to_string(), plain.arn.clone())].into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(opened.plaintext.expose(), b"hunter2-marker");
    // Without the context the blob does not open; called directly (not via ssm), the
    // aws/ssm key policy (kms:ViaService) refuses before any decryption is tried.
    let wrong = sim.invoke::<kms::ops::Decrypt>(
        &ctx.via("ssm"),
        kms::ops::DecryptRequest { ciphertext_blob: blob.clone().into(), ..Default::default() },
    );
    assert_eq!(wrong.unwrap_err().code, ErrorCode::InvalidCiphertextException);
    let direct = sim.invoke::<kms::ops::Decrypt>(
        &ctx,
        kms::ops::DecryptRequest { ciphertext_blob: blob.into(), ..Default::default() },
    );
    assert_eq!(direct.unwrap_err().code, ErrorCode::AccessDeniedException);
    let events = sim.audit_events(&AuditQuery::default());
    let enc = events.iter().find(|e| e.event_name == "Encrypt").unwrap();
    assert_eq!(enc.request_parameters_value()["encryptionContext"], json!({ "PARAMETER_ARN": plain.arn }));
    assert_eq!(enc.source_ip_address, "ssm.amazonaws.com");
    assert!(!sim.export_snapshot().unwrap().contains("hunter2-marker"));
    let all = serde_json::to_string(&events).unwrap();
    assert!(!all.contains("hunter2-marker"));
    assert!(events.iter().any(|e| e.event_source == "ssm.amazonaws.com" && e.event_name == "GetParameter"));
    let d = sim.invoke::<DescribeParameters>(&ctx, DescribeParametersRequest::default()).unwrap();
    assert!(d.parameters[0].key_id.as_deref().unwrap().starts_with("arn:aws:kms:us-east-1:123456789012:key/"));
    // KeyId on a String parameter is refused.
    let e = sim
        .invoke::<PutParameter>(
            &ctx,
            PutParameterRequest {
                name: "k".into(),
                value: "v".into(),
                param_type: Some("String".into()),
                key_id: Some("alias/x".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ValidationException);
    // An unknown key.
    let e = sim
        .invoke::<PutParameter>(
            &ctx,
            PutParameterRequest {
                name: "k".into(),
                value: "v".into(),
                param_type: Some("SecureString".into()),
                key_id: Some("alias/none".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidKeyId);
}

#[test]
fn key_disabled_mid_life() {
    let (mut sim, ctx) = setup();
    let key = sim.invoke::<kms::ops::CreateKey>(&ctx, Default::default()).unwrap().key_metadata.arn;
    sim.invoke::<PutParameter>(
        &ctx,
        PutParameterRequest {
            name: "/s".into(),
            value: "v".into(),
            param_type: Some("SecureString".into()),
            key_id: Some(key.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    sim.invoke::<kms::ops::DisableKey>(&ctx, kms::ops::KeyIdOnlyRequest { key_id: key.clone() }).unwrap();
    assert_eq!(get(&mut sim, &ctx, "/s", true).unwrap_err().code, ErrorCode::InvalidKeyId);
    assert!(get(&mut sim, &ctx, "/s", false).is_ok(), "reading the ciphertext needs no key");
    assert_eq!(
        sim.invoke::<DescribeParameters>(&ctx, DescribeParametersRequest::default()).unwrap().parameters.len(),
        1
    );
    let before = serde_json::to_value(&sim.snapshot().params).unwrap();
    assert_eq!(put(&mut sim, &ctx, "/s", "v2", "SecureString", true).unwrap_err().code, ErrorCode::InvalidKeyId);
    assert_eq!(serde_json::to_value(&sim.snapshot().params).unwrap(), before);
    sim.invoke::<kms::ops::EnableKey>(&ctx, kms::ops::KeyIdOnlyRequest { key_id: key }).unwrap();
    assert_eq!(get(&mut sim, &ctx, "/s", true).unwrap().value, "v");
}

#[test]
fn labels() {
    let (mut sim, ctx) = setup();
    put(&mut sim, &ctx, "/p", "v1", "String", false).unwrap();
    put(&mut sim, &ctx, "/p", "v2", "String", true).unwrap();
    let label = |sim: &mut Simulator, v: Option<u64>, labels: &[&str]| {
        sim.invoke::<LabelParameterVersion>(
            &ctx,
            LabelParameterVersionRequest {
                name: "/p".into(),
                parameter_version: v,
                labels: labels.iter().map(|s| s.to_string()).collect(),
            },
        )
    };
    let r = label(&mut sim, Some(1), &["prod", "1bad", "awsx", "ok_label", "has/slash"]).unwrap();
    assert_eq!(r.invalid_labels, vec!["1bad", "awsx", "has/slash"]);
    assert_eq!(get(&mut sim, &ctx, "/p:prod", false).unwrap().value, "v1");
    // The label moves to version 2 (the default: latest).
    assert_eq!(label(&mut sim, None, &["prod"]).unwrap().parameter_version, 2);
    assert_eq!(get(&mut sim, &ctx, "/p:prod", false).unwrap().value, "v2");
    let h = sim
        .invoke::<GetParameterHistory>(&ctx, GetParameterHistoryRequest { name: "/p".into(), ..Default::default() })
        .unwrap();
    assert_eq!(h.parameters[0].labels, vec!["ok_label"]);
    assert_eq!(h.parameters[1].labels, vec!["prod"]);
    // Ten labels per version.
    let nine: Vec<String> = (0..9).map(|i| format!("l{i}")).collect();
    label(&mut sim, Some(2), &nine.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
    assert_eq!(
        label(&mut sim, Some(2), &["one-more"]).unwrap_err().code,
        ErrorCode::ParameterVersionLabelLimitExceeded
    );
    assert_eq!(label(&mut sim, Some(7), &["x"]).unwrap_err().code, ErrorCode::ParameterVersionNotFound);
    let u = sim
        .invoke::<UnlabelParameterVersion>(
            &ctx,
            LabelParameterVersionRequest {
                name: "/p".into(),
                parameter_version: Some(2),
                labels: vec!["prod".into(), "absent".into()],
            },
        )
        .unwrap();
    assert_eq!((u.removed_labels, u.invalid_labels), (vec!["prod".to_string()], vec!["absent".to_string()]));
    assert_eq!(get(&mut sim, &ctx, "/p:prod", false).unwrap_err().code, ErrorCode::ParameterVersionNotFound);
}

#[test]
fn one_hundred_versions() {
    let (mut sim, ctx) = setup();
    for i in 0..100 {
        put(&mut sim, &ctx, "/v", &format!("v{i}"), "String", true).unwrap();
    }
    sim.invoke::<LabelParameterVersion>(
        &ctx,
        LabelParameterVersionRequest { name: "/v".into(), parameter_version: Some(1), labels: vec!["keep".into()] },
    )
    .unwrap();
    let e = put(&mut sim, &ctx, "/v", "v100", "String", true).unwrap_err();
    assert_eq!(e.code, ErrorCode::ParameterMaxVersionLimitExceeded);
    sim.invoke::<UnlabelParameterVersion>(
        &ctx,
        LabelParameterVersionRequest { name: "/v".into(), parameter_version: Some(1), labels: vec!["keep".into()] },
    )
    .unwrap();
    assert_eq!(put(&mut sim, &ctx, "/v", "v100", "String", true).unwrap().version, 101);
    assert_eq!(get(&mut sim, &ctx, "/v:1", false).unwrap_err().code, ErrorCode::ParameterVersionNotFound);
    assert_eq!(get(&mut sim, &ctx, "/v:2", false).unwrap().value, "v1");
}

#[test]
fn allowed_pattern_and_data_type() {
    let (mut sim, ctx) = setup();
    let with = |sim: &mut Simulator, value: &str, pattern: Option<&str>| {
        sim.invoke::<PutParameter>(
            &ctx,
            PutParameterRequest {
                name: "/n".into(),
                value: value.into(),
                param_type: Some("String".into()),
                allowed_pattern: pattern.map(String::from),
                overwrite: Some(true),
                ..Default::default()
            },
        )
    };
    with(&mut sim, "123", Some(r"^\d+$")).unwrap();
    assert_eq!(
        with(&mut sim, "12a", None).unwrap_err().code,
        ErrorCode::ParameterPatternMismatchException,
        "the pattern stays"
    );
    assert_eq!(with(&mut sim, "1", Some("(")).unwrap_err().code, ErrorCode::InvalidAllowedPatternException);
    let ami = |sim: &mut Simulator, value: &str| {
        sim.invoke::<PutParameter>(
            &ctx,
            PutParameterRequest {
                name: "/ami".into(),
                value: value.into(),
                param_type: Some("String".into()),
                data_type: Some("aws:ec2:image".into()),
                overwrite: Some(true),
                ..Default::default()
            },
        )
    };
    ami(&mut sim, "ami-0123456789abcdef0").unwrap();
    assert_eq!(ami(&mut sim, "not-an-ami").unwrap_err().code, ErrorCode::ValidationException);
    assert_eq!(get(&mut sim, &ctx, "/ami", false).unwrap().data_type, "aws:ec2:image");
}

/// `^((a*)*)*(b*)*$` made the old matcher exponential: a value of a few
/// thousand characters never finished. Matching must now be instant (a hang is
/// this test's failure mode), with the right answers.
#[test]
fn nested_quantifiers_in_allowed_pattern_do_not_hang() {
    let (mut sim, ctx) = setup();
    let with = |sim: &mut Simulator, value: String| {
        sim.invoke::<PutParameter>(
            &ctx,
            PutParameterRequest {
                name: "/nested".into(),
                value,
                param_type: Some("String".into()),
                allowed_pattern: Some("^((a*)*)*(b*)*$".into()),
                overwrite: Some(true),
                ..Default::default()
            },
        )
    };
    let long = "a".repeat(3000);
    with(&mut sim, format!("{long}bbb")).unwrap();
    let e = with(&mut sim, format!("{long}c")).unwrap_err();
    assert_eq!(e.code, ErrorCode::ParameterPatternMismatchException);
    assert_eq!(get(&mut sim, &ctx, "/nested", false).unwrap().version, 1, "the mismatch stored nothing");
}

#[test]
fn policies_act_on_the_virtual_clock() {
    let (mut sim, ctx) = setup();
    let policies = json!([
        {"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2025-01-11T00:00:00.000Z"}},
        {"Type":"ExpirationNotification","Version":"1.0","Attributes":{"Before":"2","Unit":"Days"}},
        {"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"3","Unit":"Days"}}
    ])
    .to_string();
    let req = |tier: &str| PutParameterRequest {
        name: "/exp".into(),
        value: "v".into(),
        param_type: Some("String".into()),
        tier: Some(tier.into()),
        policies: Some(policies.clone()),
        ..Default::default()
    };
    assert_eq!(sim.invoke::<PutParameter>(&ctx, req("Standard")).unwrap_err().code, ErrorCode::ValidationException);
    assert_eq!(sim.invoke::<PutParameter>(&ctx, req("Intelligent-Tiering")).unwrap().tier, "Advanced");
    let d = sim.invoke::<DescribeParameters>(&ctx, DescribeParametersRequest::default()).unwrap();
    assert_eq!(d.parameters[0].policies.len(), 3);
    assert!(d.parameters[0].policies.iter().all(|p| p.policy_status == "Pending"));
    sim.advance_time(3 * 86_400_000);
    let names = |sim: &Simulator| {
        sim.audit_events(&AuditQuery::default())
            .into_iter()
            .filter(|e| e.event_type == "AwsServiceEvent")
            .map(|e| e.event_name.into_owned())
            .collect::<Vec<_>>()
    };
    assert!(names(&sim).contains(&"NoChangeNotification".to_string()));
    assert!(!names(&sim).contains(&"ExpirationNotification".to_string()));
    sim.advance_time(5 * 86_400_000);
    assert!(names(&sim).contains(&"ExpirationNotification".to_string()));
    assert!(get(&mut sim, &ctx, "/exp", false).is_ok());
    sim.advance_time(2 * 86_400_000);
    assert_eq!(get(&mut sim, &ctx, "/exp", false).unwrap_err().code, ErrorCode::ParameterNotFound);
    assert!(names(&sim).contains(&"Expiration".to_string()));
    // Bad policies.
    let bad = |p: serde_json::Value| PutParameterRequest {
        name: "/bad".into(),
        value: "v".into(),
        param_type: Some("String".into()),
        tier: Some("Advanced".into()),
        policies: Some(p.to_string()),
        ..Default::default()
    };
    let e =
        sim.invoke::<PutParameter>(&ctx, bad(json!([{"Type":"Nope","Version":"1.0","Attributes":{}}]))).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidPolicyTypeException);
    let e = sim
        .invoke::<PutParameter>(
            &ctx,
            bad(json!([{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2020-01-01T00:00:00Z"}}])),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidPolicyAttributeException);
    let e = sim
        .invoke::<PutParameter>(
            &ctx,
            bad(json!([{"Type":"ExpirationNotification","Version":"1.0","Attributes":{"Before":"1","Unit":"Days"}}])),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::IncompatiblePolicyException);
    let e = sim
        .invoke::<PutParameter>(
            &ctx,
            bad(json!((0..11)
                .map(|_| json!({"Type":"NoChangeNotification","Attributes":{"After":"1"}}))
                .collect::<Vec<_>>())),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PoliciesLimitExceededException);
}

#[test]
fn by_path_get_parameters_and_deletes() {
    let (mut sim, ctx) = setup();
    for n in ["/app/a", "/app/b", "/app/sub/c", "/other/d"] {
        put(&mut sim, &ctx, n, n, "String", false).unwrap();
    }
    put(&mut sim, &ctx, "/app/secret", "s", "SecureString", false).unwrap();
    let by = |sim: &mut Simulator, recursive: bool, filters: Option<Vec<ParameterStringFilter>>| {
        sim.invoke::<GetParametersByPath>(
            &ctx,
            GetParametersByPathRequest {
                path: "/app".into(),
                recursive: Some(recursive),
                parameter_filters: filters,
                with_decryption: Some(true),
                ..Default::default()
            },
        )
        .unwrap()
        .parameters
        .into_iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
    };
    assert_eq!(by(&mut sim, false, None), vec!["/app/a", "/app/b", "/app/secret"]);
    assert_eq!(by(&mut sim, true, None), vec!["/app/a", "/app/b", "/app/secret", "/app/sub/c"]);
    let only_secure =
        vec![ParameterStringFilter { key: "Type".into(), option: None, values: Some(vec!["SecureString".into()]) }];
    assert_eq!(by(&mut sim, true, Some(only_secure)), vec!["/app/secret"]);
    let page = sim
        .invoke::<GetParametersByPath>(
            &ctx,
            GetParametersByPathRequest {
                path: "/app".into(),
                recursive: Some(true),
                max_results: Some(2),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(page.parameters.len(), 2);
    let rest = sim
        .invoke::<GetParametersByPath>(
            &ctx,
            GetParametersByPathRequest {
                path: "/app".into(),
                recursive: Some(true),
                next_token: page.next_token,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(rest.parameters.len(), 2);
    let e = sim
        .invoke::<GetParametersByPath>(&ctx, GetParametersByPathRequest { path: "app".into(), ..Default::default() })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ValidationException);
    let e = sim
        .invoke::<GetParametersByPath>(
            &ctx,
            GetParametersByPathRequest { path: "/app".into(), max_results: Some(11), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ValidationException);
    let g = sim
        .invoke::<GetParameters>(
            &ctx,
            GetParametersRequest { names: vec!["/app/a".into(), "/missing".into()], with_decryption: None },
        )
        .unwrap();
    assert_eq!(g.parameters.len(), 1);
    assert_eq!(g.invalid_parameters, vec!["/missing"]);
    let e = sim
        .invoke::<GetParameters>(
            &ctx,
            GetParametersRequest { names: (0..11).map(|i| format!("/x{i}")).collect(), with_decryption: None },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ValidationException);
    // Describe filters.
    let d = |sim: &mut Simulator, f: ParameterStringFilter| {
        sim.invoke::<DescribeParameters>(
            &ctx,
            DescribeParametersRequest { parameter_filters: Some(vec![f]), ..Default::default() },
        )
        .map(|r| r.parameters.into_iter().map(|p| p.name).collect::<Vec<_>>())
    };
    assert_eq!(
        d(
            &mut sim,
            ParameterStringFilter {
                key: "Name".into(),
                option: Some("BeginsWith".into()),
                values: Some(vec!["/other".into()])
            }
        )
        .unwrap(),
        vec!["/other/d"]
    );
    assert_eq!(
        d(
            &mut sim,
            ParameterStringFilter {
                key: "Path".into(),
                option: Some("OneLevel".into()),
                values: Some(vec!["/app".into()])
            }
        )
        .unwrap()
        .len(),
        3
    );
    assert_eq!(
        d(&mut sim, ParameterStringFilter { key: "Bogus".into(), option: None, values: None }).unwrap_err().code,
        ErrorCode::InvalidFilterKey
    );
    assert_eq!(
        d(&mut sim, ParameterStringFilter { key: "Path".into(), option: Some("Equals".into()), values: None })
            .unwrap_err()
            .code,
        ErrorCode::InvalidFilterOption
    );
    let old = sim
        .invoke::<DescribeParameters>(
            &ctx,
            DescribeParametersRequest {
                filters: Some(vec![ParametersFilter { key: "Type".into(), values: vec!["SecureString".into()] }]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(old.parameters.len(), 1);
    // Deletes.
    sim.invoke::<DeleteParameter>(&ctx, DeleteParameterRequest { name: "/app/a".into() }).unwrap();
    assert_eq!(
        sim.invoke::<DeleteParameter>(&ctx, DeleteParameterRequest { name: "/app/a".into() }).unwrap_err().code,
        ErrorCode::ParameterNotFound
    );
    let dd = sim
        .invoke::<DeleteParameters>(&ctx, DeleteParametersRequest { names: vec!["/app/b".into(), "/gone".into()] })
        .unwrap();
    assert_eq!((dd.deleted_parameters, dd.invalid_parameters), (vec!["/app/b".to_string()], vec!["/gone".to_string()]));
}

#[test]
fn tags() {
    let (mut sim, ctx) = setup();
    sim.invoke::<PutParameter>(
        &ctx,
        PutParameterRequest {
            name: "/t".into(),
            value: "v".into(),
            param_type: Some("String".into()),
            tags: Some(vec![Tag { key: "env".into(), value: "dev".into() }]),
            ..Default::default()
        },
    )
    .unwrap();
    let e = sim
        .invoke::<PutParameter>(
            &ctx,
            PutParameterRequest {
                name: "/t".into(),
                value: "v".into(),
                overwrite: Some(true),
                tags: Some(vec![Tag { key: "a".into(), value: "b".into() }]),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ValidationException);
    let list = |sim: &mut Simulator| {
        sim.invoke::<ListTagsForResource>(
            &ctx,
            ListTagsForResourceRequest { resource_type: "Parameter".into(), resource_id: "/t".into() },
        )
        .unwrap()
        .tag_list
    };
    assert_eq!(list(&mut sim).len(), 1);
    sim.invoke::<AddTagsToResource>(
        &ctx,
        AddTagsToResourceRequest {
            resource_type: "Parameter".into(),
            resource_id: "/t".into(),
            tags: vec![Tag { key: "env".into(), value: "prod".into() }, Tag { key: "team".into(), value: "x".into() }],
        },
    )
    .unwrap();
    assert_eq!(
        list(&mut sim),
        vec![Tag { key: "env".into(), value: "prod".into() }, Tag { key: "team".into(), value: "x".into() }]
    );
    sim.invoke::<RemoveTagsFromResource>(
        &ctx,
        RemoveTagsFromResourceRequest {
            resource_type: "Parameter".into(),
            resource_id: "/t".into(),
            tag_keys: vec!["env".into()],
        },
    )
    .unwrap();
    assert_eq!(list(&mut sim).len(), 1);
    let e = sim
        .invoke::<ListTagsForResource>(
            &ctx,
            ListTagsForResourceRequest { resource_type: "Document".into(), resource_id: "/t".into() },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidResourceType);
    let e = sim
        .invoke::<ListTagsForResource>(
            &ctx,
            ListTagsForResourceRequest { resource_type: "Parameter".into(), resource_id: "/none".into() },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidResourceId);
    let many = (0..51).map(|i| Tag { key: format!("k{i}"), value: "v".into() }).collect();
    let e = sim
        .invoke::<AddTagsToResource>(
            &ctx,
            AddTagsToResourceRequest { resource_type: "Parameter".into(), resource_id: "/t".into(), tags: many },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::TooManyTagsError);
    let f = ParameterStringFilter { key: "tag:team".into(), option: None, values: Some(vec!["x".into()]) };
    let d = sim
        .invoke::<DescribeParameters>(
            &ctx,
            DescribeParametersRequest { parameter_filters: Some(vec![f]), ..Default::default() },
        )
        .unwrap();
    assert_eq!(d.parameters.len(), 1);
}

#[test]
fn failing_calls_leave_state_unchanged_and_json_routing() {
    let (mut sim, ctx) = setup();
    put(&mut sim, &ctx, "/a", "v", "String", false).unwrap();
    let before = serde_json::to_value(&sim.snapshot().params).unwrap();
    let _ = put(&mut sim, &ctx, "/a", "v2", "String", false);
    let _ = put(&mut sim, &ctx, "/awsx", "v", "String", false);
    let _ = sim.invoke::<LabelParameterVersion>(
        &ctx,
        LabelParameterVersionRequest { name: "/a".into(), parameter_version: Some(5), labels: vec!["x".into()] },
    );
    let _ = sim.invoke::<DeleteParameter>(&ctx, DeleteParameterRequest { name: "/zzz".into() });
    assert_eq!(serde_json::to_value(&sim.snapshot().params).unwrap(), before);
    let out = sim
        .call_json(&ctx, Service::Ssm, "PutParameter", json!({ "Name": "/j", "Value": "v", "Type": "SecureString" }))
        .unwrap();
    assert_eq!(out, json!({ "Version": 1, "Tier": "Standard" }));
    let g = sim.call_json(&ctx, Service::Ssm, "GetParameter", json!({ "Name": "/j", "WithDecryption": true })).unwrap();
    assert_eq!(g["Parameter"]["Value"], "v");
    assert_eq!(g["Parameter"]["Type"], "SecureString");
    assert!(g["Parameter"]["LastModifiedDate"].is_number());
    let e = sim.call_json(&ctx, Service::Ssm, "GetParameter", json!({ "Name": "/nope" })).unwrap_err();
    assert_eq!(e.name(), "ParameterNotFound");
    for op in kmsim::params::OPERATIONS {
        let r = sim.call_json(&ctx, Service::Ssm, op, json!({}));
        assert!(r.as_ref().map_or_else(|e| e.code != ErrorCode::UnknownOperationException, |_| true), "{op}");
    }
    // Snapshot round trip.
    let json = sim.export_snapshot().unwrap();
    let mut other = Simulator::seeded("x");
    other.import_snapshot(&json).unwrap();
    assert_eq!(get(&mut other, &ctx, "/j", true).unwrap().value, "v");
}
