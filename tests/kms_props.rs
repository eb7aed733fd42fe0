//! Property tests of the KMS simulation: round trips, rotation retention,
//! tamper rejection, failure atomicity, snapshots and determinism.

// Tests fail by panicking: unwrap, indexing and panic! are the point here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kmsim::bytes::{base64_decode, base64_encode};
use kmsim::clock::DAY_MS;
use kmsim::{CallContext, Service, Simulator};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn call(sim: &mut Simulator, op: &str, request: Value) -> Result<Value, kmsim::AwsError> {
    sim.call_json(&CallContext::default_root(), Service::Kms, op, request)
}

fn new_key(sim: &mut Simulator) -> String {
    call(sim, "CreateKey", json!({})).unwrap()["KeyMetadata"]["KeyId"].as_str().unwrap().to_string()
}

fn kms_state(sim: &Simulator) -> String {
    serde_json::to_string(&sim.snapshot().kms).unwrap()
}

fn context_strategy() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map("[a-zA-Z0-9:_-]{1,12}", "[ -~]{0,16}", 0..5)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn decrypt_inverts_encrypt(plaintext in prop::collection::vec(any::<u8>(), 1..=4096), context in context_strategy()) {
        let mut sim = Simulator::seeded("roundtrip");
        let key = new_key(&mut sim);
        let sealed = call(&mut sim, "Encrypt", json!({"KeyId": key, "Plaintext": base64_encode(&plaintext), "EncryptionContext": context})).unwrap();
        let opened = call(&mut sim, "Decrypt", json!({"CiphertextBlob": sealed["CiphertextBlob"], "EncryptionContext": context})).unwrap();
        prop_assert_eq!(base64_decode(opened["Plaintext"].as_str().unwrap()).unwrap(), plaintext);
        // Any other context fails.
        let mut other = context.clone();
        other.insert("extra".into(), "x".into());
        let wrong = call(&mut sim, "Decrypt", json!({"CiphertextBlob": sealed["CiphertextBlob"], "EncryptionContext": other}));
        prop_assert_eq!(wrong.unwrap_err().name(), "InvalidCiphertextException");
    }

    #[test]
    fn every_earlier_ciphertext_survives_rotations(steps in prop::collection::vec((any::<bool>(), 1u8..=255), 1..12)) {
        let mut sim = Simulator::seeded("rotations");
        let key = new_key(&mut sim);
        call(&mut sim, "EnableKeyRotation", json!({"KeyId": key, "RotationPeriodInDays": 90})).unwrap();
        let mut sealed = Vec::new();
        for (on_demand, byte) in steps {
            let blob = call(&mut sim, "Encrypt", json!({"KeyId": key, "Plaintext": base64_encode(&[byte; 3])})).unwrap();
            sealed.push((blob["CiphertextBlob"].clone(), byte));
            if on_demand {
                // The on-demand cap may be reached; automatic rotation continues regardless.
                let _ = call(&mut sim, "RotateKeyOnDemand", json!({"KeyId": key}));
            } else {
                sim.advance_time(91 * DAY_MS);
            }
        }
        for (blob, byte) in sealed {
            let opened = call(&mut sim, "Decrypt", json!({"CiphertextBlob": blob})).unwrap();
            prop_assert_eq!(opened["Plaintext"].as_str().unwrap(), base64_encode(&[byte; 3]));
        }
    }

    #[test]
    fn a_failing_call_changes_nothing(case in 0usize..12, setup_rotations in 0usize..3) {
        let mut sim = Simulator::seeded("atomic");
        let key = new_key(&mut sim);
        let disabled = new_key(&mut sim);
        for _ in 0..setup_rotations {
            call(&mut sim, "RotateKeyOnDemand", json!({"KeyId": key})).unwrap();
        }
        call(&mut sim, "CreateAlias", json!({"AliasName": "alias/taken", "TargetKeyId": key})).unwrap();
        call(&mut sim, "DisableKey", json!({"KeyId": disabled})).unwrap();
        let before = kms_state(&sim);
        let (op, request) = match case {
            0 => ("Encrypt", json!({"KeyId": disabled, "Plaintext": "AQ=="})),
            1 => ("CreateAlias", json!({"AliasName": "alias/taken", "TargetKeyId": disabled})),
            2 => ("CreateAlias", json!({"AliasName": "alias/aws/x", "TargetKeyId": key})),
            3 => ("TagResource", json!({"KeyId": key, "Tags": [{"TagKey": "aws:x", "TagValue": "y"}]})),
            4 => ("PutKeyPolicy", json!({"KeyId": key, "Policy": "[1,"})),
            5 => ("EnableKeyRotation", json!({"KeyId": key, "RotationPeriodInDays": 3000})),
            6 => ("ScheduleKeyDeletion", json!({"KeyId": key, "PendingWindowInDays": 3})),
            7 => ("CreateGrant", json!({"KeyId": disabled, "GranteePrincipal": "arn:aws:iam::123456789012:root", "Operations": ["Decrypt"]})),
            8 => ("RotateKeyOnDemand", json!({"KeyId": disabled})),
            9 => ("Decrypt", json!({"CiphertextBlob": base64_encode(&[1, 2, 3])})),
            10 => ("GenerateDataKey", json!({"KeyId": key, "NumberOfBytes": 0})),
            _ => ("ImportKeyMaterial", json!({"KeyId": key, "ImportToken": "AQ==", "EncryptedKeyMaterial": "AQ==", "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"})),
        };
        prop_assert!(call(&mut sim, op, request).is_err());
        prop_assert_eq!(kms_state(&sim), before);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn every_single_bit_flip_is_rejected(plaintext in prop::collection::vec(any::<u8>(), 1..24), context in context_strategy()) {
        let mut sim = Simulator::seeded("bitflip");
        let key = new_key(&mut sim);
        let sealed = call(&mut sim, "Encrypt", json!({"KeyId": key, "Plaintext": base64_encode(&plaintext), "EncryptionContext": context})).unwrap();
        let blob = base64_decode(sealed["CiphertextBlob"].as_str().unwrap()).unwrap();
        for bit in 0..blob.len() * 8 {
            let mut flipped = blob.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let result = call(&mut sim, "Decrypt", json!({"CiphertextBlob": base64_encode(&flipped), "EncryptionContext": context}));
            prop_assert_eq!(result.unwrap_err().name(), "InvalidCiphertextException", "bit {}", bit);
        }
    }
}

fn busy_simulator(seed: &str) -> (Simulator, Vec<Value>) {
    let mut sim = Simulator::seeded(seed);
    let mut outputs = Vec::new();
    let key = new_key(&mut sim);
    outputs.push(json!(key));
    call(&mut sim, "CreateAlias", json!({"AliasName": "alias/a", "TargetKeyId": key})).unwrap();
    call(&mut sim, "EnableKeyRotation", json!({"KeyId": key})).unwrap();
    outputs.push(
        call(&mut sim, "Encrypt", json!({"KeyId": "alias/a", "Plaintext": "aGk=", "EncryptionContext": {"a": "b"}}))
            .unwrap(),
    );
    outputs.push(
        call(
            &mut sim,
            "CreateGrant",
            json!({"KeyId": key, "GranteePrincipal": "arn:aws:iam::123456789012:root", "Operations": ["Decrypt"]}),
        )
        .unwrap(),
    );
    outputs.push(call(&mut sim, "RotateKeyOnDemand", json!({"KeyId": key})).unwrap());
    sim.advance_time(400 * DAY_MS);
    outputs
        .push(call(&mut sim, "GenerateDataKeyWithoutPlaintext", json!({"KeyId": key, "KeySpec": "AES_128"})).unwrap());
    outputs.push(call(&mut sim, "GenerateRandom", json!({"NumberOfBytes": 16})).unwrap());
    outputs.push(json!(new_key(&mut sim)));
    (sim, outputs)
}

#[test]
fn same_seed_same_calls_same_results() {
    let (a, out_a) = busy_simulator("determinism");
    let (b, out_b) = busy_simulator("determinism");
    assert_eq!(out_a, out_b);
    assert_eq!(a.export_snapshot().unwrap(), b.export_snapshot().unwrap());
    let (_, out_c) = busy_simulator("another seed");
    assert_ne!(out_a[0], out_c[0]);
}

#[test]
fn snapshot_round_trip_is_exact_and_continues_identically() {
    let (mut original, _) = busy_simulator("snapshot");
    let exported = original.export_snapshot().unwrap();
    let mut restored = Simulator::seeded("unrelated");
    restored.import_snapshot(&exported).unwrap();
    assert_eq!(restored.export_snapshot().unwrap(), exported);
    // Both continue identically, and the restored one decrypts the original's ciphertexts.
    let key = new_key(&mut original);
    assert_eq!(new_key(&mut restored), key);
    let blob = call(&mut original, "Encrypt", json!({"KeyId": key, "Plaintext": "AQID"})).unwrap();
    assert_eq!(call(&mut restored, "Encrypt", json!({"KeyId": key, "Plaintext": "AQID"})).unwrap(), blob);
    let opened = call(&mut restored, "Decrypt", json!({"CiphertextBlob": blob["CiphertextBlob"]})).unwrap();
    assert_eq!(opened["Plaintext"], "AQID");
}

#[test]
fn bad_snapshots_are_rejected_and_state_kept() {
    let (mut sim, _) = busy_simulator("bad-snapshots");
    let before = sim.export_snapshot().unwrap();
    let mut document: Value = serde_json::from_str(&before).unwrap();
    let mut wrong_version = document.clone();
    wrong_version["version"] = json!(99);
    let mut bad_material = document.clone();
    let keys = bad_material["kms"]["keys"].as_object_mut().unwrap();
    let first = keys.values_mut().next().unwrap();
    first["material"][0]["material"] = json!("AAAA");
    let mut misfiled = document.clone();
    let keys = misfiled["kms"]["keys"].as_object_mut().unwrap();
    let first = keys.values_mut().next().unwrap();
    first["arn"] = json!("arn:aws:kms:us-east-1:123456789012:key/elsewhere");
    document["kms"]["keys"] = json!("not a map");
    for bad in [
        "{".to_string(),
        "{}".to_string(),
        wrong_version.to_string(),
        bad_material.to_string(),
        misfiled.to_string(),
        document.to_string(),
        before.replace("\"format\":\"kmsim-snapshot\"", "\"format\":\"other\""),
    ] {
        assert!(sim.import_snapshot(&bad).is_err());
        assert_eq!(sim.export_snapshot().unwrap(), before);
    }
    let _ = new_key(&mut sim);
}
