//! KMS operations through the JSON path (fixture scenarios) and the typed path.

// Tests fail by panicking: unwrap, indexing and panic! are the point here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kmsim::audit::AuditQuery;
use kmsim::bytes::base64_encode;
use kmsim::clock::DAY_MS;
use kmsim::kms::wrapping::{wrap_key_material, WrappingAlgorithm};
use kmsim::{kms, CallContext, Service, Simulator};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn ctx() -> CallContext {
    CallContext::default_root()
}

fn call(sim: &mut Simulator, op: &str, request: Value) -> Result<Value, kmsim::AwsError> {
    sim.call_json(&ctx(), Service::Kms, op, request)
}

fn ok(sim: &mut Simulator, op: &str, request: Value) -> Value {
    call(sim, op, request).unwrap_or_else(|e| panic!("{op} failed: {e}"))
}

fn err(sim: &mut Simulator, op: &str, request: Value) -> String {
    match call(sim, op, request) {
        Ok(v) => panic!("{op} unexpectedly succeeded: {v}"),
        Err(e) => e.name().to_string(),
    }
}

/// Replaces `${name}` strings with saved values.
fn substitute(value: &Value, vars: &BTreeMap<String, Value>) -> Value {
    match value {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                vars.get(name).cloned().unwrap_or_else(|| panic!("unknown variable {name}"))
            } else {
                value.clone()
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, vars)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), substitute(v, vars))).collect()),
        other => other.clone(),
    }
}

/// `actual` contains `expected`: objects by key, arrays element by element (same length).
fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e.iter().all(|(k, v)| a.get(k).is_some_and(|av| contains(av, v))),
        (Value::Array(a), Value::Array(e)) => a.len() == e.len() && a.iter().zip(e).all(|(x, y)| contains(x, y)),
        (Value::Number(a), Value::Number(e)) => a.as_f64() == e.as_f64(),
        (a, e) => a == e,
    }
}

fn run_fixture(name: &str) {
    let path = format!("{}/tests/fixtures/kms/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let mut sim = Simulator::seeded(name);
    let mut vars = BTreeMap::new();
    for (i, step) in fixture["steps"].as_array().unwrap().iter().enumerate() {
        if let Some(days) = step.get("advance_days").and_then(Value::as_i64) {
            sim.advance_time(days * DAY_MS);
            continue;
        }
        let op = step["op"].as_str().unwrap();
        let request = substitute(&step["request"], &vars);
        let events_before = sim.audit_events(&AuditQuery::default()).len();
        let result = call(&mut sim, op, request);
        let events_after = sim.audit_events(&AuditQuery::default());
        assert_eq!(events_after.len(), events_before + 1, "{name} step {i} ({op}): exactly one audit event");
        assert_eq!(events_after.last().unwrap().event_name, op);
        let expect = substitute(&step["expect"], &vars);
        match (&result, expect.get("ok"), expect.get("error")) {
            (Ok(value), Some(wanted), None) => {
                assert!(contains(value, wanted), "{name} step {i} ({op}): got {value}, wanted ⊇ {wanted}");
                if let Some(saves) = step.get("save").and_then(Value::as_object) {
                    for (var, pointer) in saves {
                        let saved = value
                            .pointer(pointer.as_str().unwrap())
                            .unwrap_or_else(|| panic!("{name} step {i} ({op}): nothing at {pointer} in {value}"));
                        vars.insert(var.clone(), saved.clone());
                    }
                }
            }
            (Err(e), None, Some(wanted)) => {
                assert_eq!(Some(e.name()), wanted.as_str(), "{name} step {i} ({op}): {e}");
                assert!(events_after.last().unwrap().error_code.as_deref() == Some(e.name()));
            }
            (other, _, _) => panic!("{name} step {i} ({op}): got {other:?}, wanted {expect}"),
        }
    }
}

#[test]
fn fixture_lifecycle() {
    run_fixture("lifecycle");
}

#[test]
fn fixture_aliases() {
    run_fixture("aliases");
}

#[test]
fn fixture_rotation() {
    run_fixture("rotation");
}

#[test]
fn fixture_grants() {
    run_fixture("grants");
}

#[test]
fn fixture_tags_policies() {
    run_fixture("tags_policies");
}

#[test]
fn every_listed_operation_dispatches() {
    let mut sim = Simulator::seeded("dispatch");
    for op in kms::OPERATIONS {
        // An empty request reaches the operation: it fails validation, never UnknownOperationException.
        if let Err(e) = call(&mut sim, op, json!({})) {
            assert_ne!(e.name(), "UnknownOperationException", "{op}");
        }
    }
    assert_eq!(err(&mut sim, "Teleport", json!({})), "UnknownOperationException");
    assert_eq!(kms::OPERATIONS.len(), 37);
}

fn new_key(sim: &mut Simulator, request: Value) -> (String, String) {
    let created = ok(sim, "CreateKey", request);
    let md = &created["KeyMetadata"];
    (md["KeyId"].as_str().unwrap().to_string(), md["Arn"].as_str().unwrap().to_string())
}

fn encrypt(sim: &mut Simulator, key: &str, plaintext: &[u8]) -> String {
    ok(sim, "Encrypt", json!({"KeyId": key, "Plaintext": base64_encode(plaintext)}))["CiphertextBlob"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn rotation_keeps_old_material_and_new_encryptions_use_the_newest() {
    let mut sim = Simulator::seeded("rotation-material");
    let (key, _) = new_key(&mut sim, json!({}));
    let mut blobs = vec![encrypt(&mut sim, &key, b"v1")];
    ok(&mut sim, "RotateKeyOnDemand", json!({"KeyId": key}));
    blobs.push(encrypt(&mut sim, &key, b"v2"));
    ok(&mut sim, "EnableKeyRotation", json!({"KeyId": key, "RotationPeriodInDays": 90}));
    // Five years in one jump: every 90-day rotation fires, in order.
    sim.advance_time(5 * 365 * DAY_MS);
    let rotations = ok(&mut sim, "ListKeyRotations", json!({"KeyId": key}))["Rotations"].as_array().unwrap().clone();
    assert_eq!(rotations.len(), 1 + (5 * 365) / 90);
    assert_eq!(rotations[0]["RotationType"], "ON_DEMAND");
    assert!(rotations[1..].iter().all(|r| r["RotationType"] == "AUTOMATIC"));
    let dates: Vec<f64> = rotations.iter().map(|r| r["RotationDate"].as_f64().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]));
    assert!(dates[1..].windows(2).all(|w| (w[1] - w[0] - 90.0 * 86_400.0).abs() < 1e-6));
    let rotate_events = sim.audit_events(&AuditQuery { event_name: Some("RotateKey".into()), ..Default::default() });
    assert_eq!(rotate_events.len(), rotations.len() - 1);
    assert!(rotate_events.iter().all(|e| e.event_type == "AwsServiceEvent"));
    blobs.push(encrypt(&mut sim, &key, b"v3"));
    for (blob, expected) in blobs.iter().zip([&b"v1"[..], b"v2", b"v3"]) {
        let opened = ok(&mut sim, "Decrypt", json!({"CiphertextBlob": blob}));
        assert_eq!(opened["Plaintext"], base64_encode(expected));
    }
    // The newest blob names the newest backing version.
    let newest = kmsim::bytes::base64_decode(blobs.last().unwrap()).unwrap();
    let header = kms::crypto::parse_header(&newest).unwrap();
    assert_eq!(header.version as usize, rotations.len() + 1);
}

#[test]
fn disabled_key_does_not_rotate_until_enabled() {
    let mut sim = Simulator::seeded("rotation-disabled");
    let (key, _) = new_key(&mut sim, json!({}));
    ok(&mut sim, "EnableKeyRotation", json!({"KeyId": key, "RotationPeriodInDays": 90}));
    ok(&mut sim, "DisableKey", json!({"KeyId": key}));
    sim.advance_time(200 * DAY_MS);
    assert_eq!(sim.audit_events(&AuditQuery { event_name: Some("RotateKey".into()), ..Default::default() }).len(), 0);
    // Re-enabled with material older than the period: rotated at once, then every 90 days from then.
    ok(&mut sim, "EnableKey", json!({"KeyId": key}));
    let enabled_at = sim.now().millis() as f64 / 1000.0;
    let rotations = ok(&mut sim, "ListKeyRotations", json!({"KeyId": key}))["Rotations"].as_array().unwrap().clone();
    assert_eq!(rotations.len(), 1);
    assert_eq!(rotations[0]["RotationDate"].as_f64(), Some(enabled_at));
    sim.advance_time(89 * DAY_MS);
    assert_eq!(ok(&mut sim, "ListKeyRotations", json!({"KeyId": key}))["Rotations"].as_array().unwrap().len(), 1);
    sim.advance_time(DAY_MS);
    assert_eq!(ok(&mut sim, "ListKeyRotations", json!({"KeyId": key}))["Rotations"].as_array().unwrap().len(), 2);
}

#[test]
fn aws_managed_keys_refuse_management_but_allow_reads() {
    let mut sim = Simulator::seeded("managed");
    let arn = sim.aws_managed_key("secretsmanager", "123456789012", "us-east-1").unwrap();
    let described = ok(&mut sim, "DescribeKey", json!({"KeyId": "alias/aws/secretsmanager"}));
    assert_eq!(described["KeyMetadata"]["KeyManager"], "AWS");
    assert_eq!(ok(&mut sim, "GetKeyPolicy", json!({"KeyId": arn}))["PolicyName"], "default");
    ok(&mut sim, "ListKeyPolicies", json!({"KeyId": arn}));
    ok(&mut sim, "ListResourceTags", json!({"KeyId": arn}));
    ok(&mut sim, "ListGrants", json!({"KeyId": arn}));
    let status = ok(&mut sim, "GetKeyRotationStatus", json!({"KeyId": arn}));
    assert_eq!(status["KeyRotationEnabled"], true);
    assert_eq!(status["RotationPeriodInDays"], 365);
    for (op, request) in [
        ("DisableKey", json!({"KeyId": arn})),
        ("ScheduleKeyDeletion", json!({"KeyId": arn})),
        ("UpdateKeyDescription", json!({"KeyId": arn, "Description": "x"})),
        ("EnableKeyRotation", json!({"KeyId": arn})),
        ("DisableKeyRotation", json!({"KeyId": arn})),
        ("RotateKeyOnDemand", json!({"KeyId": arn})),
        ("TagResource", json!({"KeyId": arn, "Tags": [{"TagKey": "a", "TagValue": "b"}]})),
        ("UntagResource", json!({"KeyId": arn, "TagKeys": ["a"]})),
        (
            "PutKeyPolicy",
            json!({"KeyId": arn, "Policy": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#}),
        ),
        (
            "GetParametersForImport",
            json!({"KeyId": arn, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}),
        ),
        ("CreateAlias", json!({"AliasName": "alias/mine", "TargetKeyId": arn})),
    ] {
        // The AWS managed key policy lets the account only Describe*/Get*/List*/RevokeGrant
        // (and use the key through the service), so with policies enforced even the
        // account root is denied management before the key's kind is looked at.
        // GetParametersForImport matches the policy's kms:Get*, and CreateAlias checks the key's kind first.
        let wanted = if matches!(op, "GetParametersForImport" | "CreateAlias") {
            "UnsupportedOperationException"
        } else {
            "AccessDeniedException"
        };
        assert_eq!(err(&mut sim, op, request), wanted, "{op}");
    }
    // Automatic yearly rotation.
    sim.advance_time(366 * DAY_MS);
    assert_eq!(ok(&mut sim, "ListKeyRotations", json!({"KeyId": arn}))["Rotations"].as_array().unwrap().len(), 1);
}

fn get_parameters(sim: &mut Simulator, key: &str, algorithm: &str) -> (Vec<u8>, String) {
    let params = ok(
        sim,
        "GetParametersForImport",
        json!({"KeyId": key, "WrappingAlgorithm": algorithm, "WrappingKeySpec": "RSA_2048"}),
    );
    let public = kmsim::bytes::base64_decode(params["PublicKey"].as_str().unwrap()).unwrap();
    (public, params["ImportToken"].as_str().unwrap().to_string())
}

#[test]
fn import_lifecycle_with_rsa_oaep() {
    let mut sim = Simulator::seeded("import");
    let (key, arn) = new_key(&mut sim, json!({"Origin": "EXTERNAL"}));
    let (aws_key, _) = new_key(&mut sim, json!({}));
    assert_eq!(err(&mut sim, "Encrypt", json!({"KeyId": key, "Plaintext": "AQ=="})), "KMSInvalidStateException");
    assert_eq!(err(&mut sim, "EnableKey", json!({"KeyId": key})), "KMSInvalidStateException");
    assert_eq!(
        err(
            &mut sim,
            "GetParametersForImport",
            json!({"KeyId": aws_key, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"})
        ),
        "UnsupportedOperationException"
    );
    assert_eq!(
        err(
            &mut sim,
            "GetParametersForImport",
            json!({"KeyId": key, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_1024"})
        ),
        "ValidationException"
    );
    assert_eq!(err(&mut sim, "DeleteImportedKeyMaterial", json!({"KeyId": aws_key})), "UnsupportedOperationException");
    let (public, token) = get_parameters(&mut sim, &key, "RSAES_OAEP_SHA_256");
    let material = [7u8; 32];
    let wrapped = wrap_key_material(&public, WrappingAlgorithm::RsaesOaepSha256, &material, &[1; 32]).unwrap();
    let wrapped_b64 = base64_encode(&wrapped);
    let valid_to = (sim.now().plus_days(30).millis() / 1000) as f64;
    // ValidTo rules.
    assert_eq!(
        err(
            &mut sim,
            "ImportKeyMaterial",
            json!({"KeyId": key, "ImportToken": token, "EncryptedKeyMaterial": wrapped_b64})
        ),
        "ValidationException"
    );
    assert_eq!(
        err(
            &mut sim,
            "ImportKeyMaterial",
            json!({"KeyId": key, "ImportToken": token, "EncryptedKeyMaterial": wrapped_b64, "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE", "ValidTo": valid_to})
        ),
        "ValidationException"
    );
    let too_late = (sim.now().plus_days(366).millis() / 1000) as f64;
    assert_eq!(
        err(
            &mut sim,
            "ImportKeyMaterial",
            json!({"KeyId": key, "ImportToken": token, "EncryptedKeyMaterial": wrapped_b64, "ValidTo": too_late})
        ),
        "ValidationException"
    );
    // Token and wrapping checks.
    assert_eq!(
        err(
            &mut sim,
            "ImportKeyMaterial",
            json!({"KeyId": key, "ImportToken": base64_encode(b"forged"), "EncryptedKeyMaterial": wrapped_b64, "ValidTo": valid_to})
        ),
        "InvalidImportTokenException"
    );
    assert_eq!(
        err(
            &mut sim,
            "ImportKeyMaterial",
            json!({"KeyId": key, "ImportToken": token, "EncryptedKeyMaterial": base64_encode(&[9; 256]), "ValidTo": valid_to})
        ),
        "InvalidCiphertextException"
    );
    let short = wrap_key_material(&public, WrappingAlgorithm::RsaesOaepSha256, &[1; 16], &[2; 32]).unwrap();
    assert_eq!(
        err(
            &mut sim,
            "ImportKeyMaterial",
            json!({"KeyId": key, "ImportToken": token, "EncryptedKeyMaterial": base64_encode(&short), "ValidTo": valid_to})
        ),
        "IncorrectKeyMaterialException"
    );
    ok(
        &mut sim,
        "ImportKeyMaterial",
        json!({"KeyId": key, "ImportToken": token, "EncryptedKeyMaterial": wrapped_b64, "ValidTo": valid_to}),
    );
    let md = ok(&mut sim, "DescribeKey", json!({"KeyId": key}))["KeyMetadata"].clone();
    assert_eq!(md["KeyState"], "Enabled");
    assert_eq!(md["ExpirationModel"], "KEY_MATERIAL_EXPIRES");
    assert_eq!(md["ValidTo"].as_f64(), Some(valid_to));
    let blob = encrypt(&mut sim, &key, b"imported");
    // Delete → PendingImport; reimport the same material → old ciphertexts decrypt again.
    ok(&mut sim, "DeleteImportedKeyMaterial", json!({"KeyId": key}));
    assert_eq!(ok(&mut sim, "DescribeKey", json!({"KeyId": key}))["KeyMetadata"]["KeyState"], "PendingImport");
    assert_eq!(err(&mut sim, "Decrypt", json!({"CiphertextBlob": blob})), "KMSInvalidStateException");
    ok(&mut sim, "DeleteImportedKeyMaterial", json!({"KeyId": key}));
    let other = wrap_key_material(&public, WrappingAlgorithm::RsaesOaepSha256, &[8u8; 32], &[3; 32]).unwrap();
    assert_eq!(
        err(
            &mut sim,
            "ImportKeyMaterial",
            json!({"KeyId": key, "ImportToken": token, "EncryptedKeyMaterial": base64_encode(&other), "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"})
        ),
        "IncorrectKeyMaterialException"
    );
    ok(
        &mut sim,
        "ImportKeyMaterial",
        json!({"KeyId": key, "ImportToken": token, "EncryptedKeyMaterial": wrapped_b64, "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}),
    );
    assert_eq!(ok(&mut sim, "Decrypt", json!({"CiphertextBlob": blob}))["Plaintext"], base64_encode(b"imported"));
    // The token expires after 24 hours.
    sim.advance_time(DAY_MS + 1);
    assert_eq!(
        err(
            &mut sim,
            "ImportKeyMaterial",
            json!({"KeyId": key, "ImportToken": token, "EncryptedKeyMaterial": wrapped_b64, "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"})
        ),
        "ExpiredImportTokenException"
    );
    // SHA-1 OAEP works too, and a fresh token for an Enabled key allows a reimport that sets an expiry.
    let (public1, token1) = get_parameters(&mut sim, &key, "RSAES_OAEP_SHA_1");
    let wrapped1 = wrap_key_material(&public1, WrappingAlgorithm::RsaesOaepSha1, &material, &[4; 32]).unwrap();
    let soon = (sim.now().plus_days(2).millis() / 1000) as f64;
    ok(
        &mut sim,
        "ImportKeyMaterial",
        json!({"KeyId": arn, "ImportToken": token1, "EncryptedKeyMaterial": base64_encode(&wrapped1), "ValidTo": soon}),
    );
    // Expiry on the virtual clock deletes the material.
    sim.advance_time(3 * DAY_MS);
    assert_eq!(ok(&mut sim, "DescribeKey", json!({"KeyId": key}))["KeyMetadata"]["KeyState"], "PendingImport");
    let expired =
        sim.audit_events(&AuditQuery { event_name: Some("DeleteExpiredKeyMaterial".into()), ..Default::default() });
    assert_eq!(expired.len(), 1);
    ok(&mut sim, "ScheduleKeyDeletion", json!({"KeyId": key}));
    assert_eq!(
        err(
            &mut sim,
            "GetParametersForImport",
            json!({"KeyId": key, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"})
        ),
        "KMSInvalidStateException"
    );
    assert_eq!(err(&mut sim, "DeleteImportedKeyMaterial", json!({"KeyId": key})), "KMSInvalidStateException");
    ok(&mut sim, "CancelKeyDeletion", json!({"KeyId": key}));
    assert_eq!(ok(&mut sim, "DescribeKey", json!({"KeyId": key}))["KeyMetadata"]["KeyState"], "PendingImport");
}

#[test]
fn unsimulated_wrapping_algorithms_are_refused_honestly() {
    let mut sim = Simulator::seeded("wrap-algos");
    let (key, _) = new_key(&mut sim, json!({"Origin": "EXTERNAL"}));
    for (algorithm, expected) in [
        ("RSA_AES_KEY_WRAP_SHA_256", "UnsupportedOperationException"),
        ("RSAES_PKCS1_V1_5", "UnsupportedOperationException"),
        ("ROT13", "ValidationException"),
    ] {
        let request = json!({"KeyId": key, "WrappingAlgorithm": algorithm, "WrappingKeySpec": "RSA_2048"});
        assert_eq!(err(&mut sim, "GetParametersForImport", request), expected, "{algorithm}");
    }
}

#[test]
fn crypto_validation_and_incorrect_key() {
    let mut sim = Simulator::seeded("crypto-validation");
    let (a, _) = new_key(&mut sim, json!({}));
    let (b, _) = new_key(&mut sim, json!({}));
    let blob = encrypt(&mut sim, &a, b"x");
    assert_eq!(err(&mut sim, "Decrypt", json!({"CiphertextBlob": blob, "KeyId": b})), "IncorrectKeyException");
    assert_eq!(
        err(&mut sim, "Encrypt", json!({"KeyId": a, "Plaintext": base64_encode(&[0; 4097])})),
        "ValidationException"
    );
    ok(&mut sim, "Encrypt", json!({"KeyId": a, "Plaintext": base64_encode(&[0; 4096])}));
    assert_eq!(err(&mut sim, "GenerateDataKey", json!({"KeyId": a, "NumberOfBytes": 1025})), "ValidationException");
    assert_eq!(err(&mut sim, "GenerateDataKey", json!({"KeyId": a})), "ValidationException");
    assert_eq!(err(&mut sim, "GenerateRandom", json!({"NumberOfBytes": 0})), "ValidationException");
    assert_eq!(
        err(&mut sim, "Encrypt", json!({"KeyId": a, "Plaintext": "AQ==", "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"})),
        "InvalidKeyUsageException"
    );
    let re = ok(
        &mut sim,
        "ReEncrypt",
        json!({"CiphertextBlob": blob, "DestinationKeyId": b, "DestinationEncryptionContext": {"k": "v"}}),
    );
    let opened =
        ok(&mut sim, "Decrypt", json!({"CiphertextBlob": re["CiphertextBlob"], "EncryptionContext": {"k": "v"}}));
    assert_eq!(opened["Plaintext"], base64_encode(b"x"));
}

#[test]
fn audit_is_queryable_and_holds_no_plaintext() {
    let mut sim = Simulator::seeded("audit");
    let (key, arn) = new_key(&mut sim, json!({}));
    let secret = b"correct horse battery staple";
    let start = sim.now();
    sim.advance_time(1000);
    let blob = encrypt(&mut sim, &key, secret);
    ok(&mut sim, "Decrypt", json!({"CiphertextBlob": blob}));
    let data_key = ok(&mut sim, "GenerateDataKey", json!({"KeyId": key, "KeySpec": "AES_256"}));
    let random = ok(&mut sim, "GenerateRandom", json!({"NumberOfBytes": 32}));
    let _ = err(&mut sim, "Encrypt", json!({"KeyId": "alias/none", "Plaintext": base64_encode(secret)}));
    // Policies are enforced: alice needs an IAM policy (the default key policy delegates to IAM).
    sim.load_world(r#"{"users":[{"account":"123456789012","name":"alice","inlinePolicies":{"kms":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:DescribeKey","Resource":"*"}]}}}]}"#).unwrap();
    let other = CallContext::new(kmsim::Caller::from_arn("arn:aws:iam::123456789012:user/alice").unwrap(), "us-east-1");
    sim.call_json(&other, Service::Kms, "DescribeKey", json!({"KeyId": key})).unwrap();
    let trail = serde_json::to_string(&sim.audit_events(&AuditQuery::default())).unwrap();
    for secret_b64 in [
        base64_encode(secret),
        data_key["Plaintext"].as_str().unwrap().to_string(),
        random["Plaintext"].as_str().unwrap().to_string(),
    ] {
        assert!(!trail.contains(&secret_b64), "plaintext leaked into the audit trail");
    }
    let q = |query: AuditQuery| sim.audit_events(&query);
    assert_eq!(q(AuditQuery { event_name: Some("Encrypt".into()), ..Default::default() }).len(), 2);
    assert_eq!(q(AuditQuery { start_time: Some(start), end_time: Some(start), ..Default::default() }).len(), 1);
    assert_eq!(q(AuditQuery { resource: Some(key.clone()), ..Default::default() }).len(), 5);
    assert_eq!(q(AuditQuery { resource: Some(arn), failed: Some(false), ..Default::default() }).len(), 5);
    let alice = q(AuditQuery { principal: Some("arn:aws:iam::123456789012:user/alice".into()), ..Default::default() });
    assert_eq!(alice.len(), 1);
    assert_eq!(alice[0].user_identity.identity_type, "IAMUser");
    let failed = q(AuditQuery { failed: Some(true), ..Default::default() });
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].error_code.as_deref(), Some("NotFoundException"));
}

#[test]
fn crypto_request_parameters_read_as_cloudtrail_writes_them() {
    // Encrypt, Decrypt and GenerateDataKey keep their request fields and
    // write the JSON only when read: same text before and after a snapshot.
    let mut sim = Simulator::seeded("kept-parameters");
    let (key, _) = new_key(&mut sim, json!({}));
    let context = json!({"b": "2", "a": "quote\"and\\slash"});
    let blob =
        ok(&mut sim, "Encrypt", json!({"KeyId": key, "Plaintext": base64_encode(b"x"), "EncryptionContext": context}));
    ok(&mut sim, "Decrypt", json!({"CiphertextBlob": blob["CiphertextBlob"], "EncryptionContext": context}));
    ok(&mut sim, "GenerateDataKey", json!({"KeyId": key, "NumberOfBytes": 16}));
    let _ = err(
        &mut sim,
        "Encrypt",
        json!({"KeyId": key, "Plaintext": base64_encode(b"x"), "EncryptionAlgorithm": "RSAES_OAEP_SHA_1"}),
    );
    let parameters = |sim: &Simulator| {
        sim.audit_events(&AuditQuery::default())
            .iter()
            .skip(1)
            .map(|e| e.request_parameters_value())
            .collect::<Vec<_>>()
    };
    let expected = vec![
        json!({"keyId": key, "encryptionContext": {"a": "quote\"and\\slash", "b": "2"}, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}),
        json!({"keyId": null, "encryptionContext": {"a": "quote\"and\\slash", "b": "2"}, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}),
        json!({"keyId": key, "encryptionContext": null, "numberOfBytes": 16, "keySpec": null}),
        json!({"keyId": key, "encryptionContext": null, "encryptionAlgorithm": "RSAES_OAEP_SHA_1"}),
    ];
    assert_eq!(parameters(&sim), expected);
    let exported = sim.export_snapshot().unwrap();
    let mut restored = Simulator::seeded("other");
    restored.import_snapshot(&exported).unwrap();
    assert_eq!(parameters(&restored), expected);
    assert_eq!(restored.export_snapshot().unwrap(), exported);
}

#[test]
fn typed_invoke_matches_json_path() {
    let mut sim = Simulator::seeded("typed");
    let key = sim.invoke::<kms::ops::CreateKey>(&ctx(), Default::default()).unwrap().key_metadata;
    sim.invoke::<kms::ops::TagResource>(
        &ctx(),
        kms::ops::TagResourceRequest {
            key_id: key.key_id.clone(),
            tags: vec![kms::model::Tag { tag_key: "k".into(), tag_value: "v".into() }],
        },
    )
    .unwrap();
    let grant = sim
        .invoke::<kms::ops::CreateGrant>(
            &ctx(),
            kms::ops::CreateGrantRequest {
                key_id: key.arn.clone(),
                grantee_principal: "arn:aws:iam::123456789012:role/r".into(),
                operations: vec!["Decrypt".into()],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(grant.grant_id.len(), 64);
    sim.invoke::<kms::ops::RevokeGrant>(
        &ctx(),
        kms::ops::RevokeGrantRequest { key_id: key.key_id.clone(), grant_id: grant.grant_id, dry_run: None },
    )
    .unwrap();
    let status = sim
        .invoke::<kms::ops::GetKeyRotationStatus>(&ctx(), kms::ops::KeyIdOnlyRequest { key_id: key.key_id.clone() })
        .unwrap();
    assert!(!status.key_rotation_enabled);
}
