#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]
//! The KMS keyring over the simulator itself: real simulated keys, key
//! policies across two accounts, key states, and the caching CMM's effect on
//! the audit trail.

use kmsim::audit::AuditQuery;
use kmsim::clock::Timestamp;
use kmsim::envelope::cache::{CacheLimits, CachingCmm};
use kmsim::envelope::{
    decrypt, encrypt, DecryptOptions, DefaultCmm, EncryptOptions, EncryptionContext, KmsKeyring, MaterialsSource,
    MultiKeyring, SharedSimulator, SimulatorKms,
};
use kmsim::kms::ops::{CreateKey, CreateKeyRequest, DisableKey, KeyIdOnlyRequest};
use kmsim::rng::SeededRng;
use kmsim::{CallContext, Caller, Simulator};

const ACCOUNT_B: &str = "222233334444";

fn context() -> EncryptionContext {
    [("purpose", "test"), ("tenant", "a")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn create_key(sim: &mut Simulator, ctx: &CallContext, policy: Option<String>) -> String {
    let req = CreateKeyRequest { policy, ..Default::default() };
    sim.invoke::<CreateKey>(ctx, req).unwrap().key_metadata.arn
}

/// A key in account B whose policy also lets account A's root use it for data keys.
fn shared_key_policy() -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[
          {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT_B}:root"}},"Action":"kms:*","Resource":"*"}},
          {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::123456789012:root"}},
            "Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey"],"Resource":"*"}}]}}"#
    )
}

fn count(sim: &Simulator, name: &str, failed: Option<bool>) -> usize {
    let query = AuditQuery { event_name: Some(name.to_string()), failed, ..Default::default() };
    sim.audit_events(&query).len()
}

#[test]
fn two_accounts_each_key_decrypts_alone() {
    let mut sim = Simulator::seeded("env-kms-1");
    let a = CallContext::default_root();
    let b = CallContext::new(Caller::account_root(ACCOUNT_B), "us-east-1");
    let key_a = create_key(&mut sim, &a, None);
    let key_b = create_key(&mut sim, &b, Some(shared_key_policy()));
    let mut rng = SeededRng::new([1; 32]);

    let message = {
        let mut keyring = KmsKeyring::new(SimulatorKms::new(&mut sim, &a), Some(&key_a), &[&key_b]);
        encrypt(
            b"two accounts",
            &context(),
            MaterialsSource::keyring(&mut keyring),
            &EncryptOptions::default(),
            &mut rng,
        )
        .unwrap()
    };
    assert_eq!(count(&sim, "GenerateDataKey", Some(false)), 1);
    assert_eq!(count(&sim, "Encrypt", Some(false)), 1);

    // Account B, knowing only its own key, decrypts alone.
    let mut only_b = KmsKeyring::new(SimulatorKms::new(&mut sim, &b), Some(&key_b), &[]);
    let out = decrypt(&message, MaterialsSource::keyring(&mut only_b), &DecryptOptions::default()).unwrap();
    assert_eq!(out.plaintext, b"two accounts");
    assert_eq!(out.info.encrypted_data_keys.len(), 2);
    let by_b = AuditQuery {
        event_name: Some("Decrypt".into()),
        principal: Some(format!("arn:aws:iam::{ACCOUNT_B}:root")),
        ..Default::default()
    };
    assert_eq!(sim.audit_events(&by_b).len(), 1);

    // A keyring that does not list B's key never asks KMS about it; asking about A's key
    // as B is a cross-account call that A's default key policy does not allow.
    let before = count(&sim, "Decrypt", None);
    let mut a_only = KmsKeyring::new(SimulatorKms::new(&mut sim, &b), Some(&key_a), &[]);
    let denied = decrypt(&message, MaterialsSource::keyring(&mut a_only), &DecryptOptions::default());
    assert!(denied.is_err(), "B may not use A's key under A's default key policy");
    assert_eq!(count(&sim, "Decrypt", None), before + 1);
    let last = sim.audit_events(&AuditQuery { event_name: Some("Decrypt".into()), ..Default::default() });
    let last = last.last().unwrap();
    assert_eq!(last.request_parameters_value()["keyId"], serde_json::json!(key_a));
    assert_eq!(last.error_code.as_deref(), Some("AccessDeniedException"));
}

#[test]
fn disabled_generator_fails_and_is_audited() {
    let mut sim = Simulator::seeded("env-kms-2");
    let a = CallContext::default_root();
    let key = create_key(&mut sim, &a, None);
    let mut rng = SeededRng::new([2; 32]);
    let message = {
        let mut keyring = KmsKeyring::new(SimulatorKms::new(&mut sim, &a), Some(&key), &[]);
        encrypt(b"x", &context(), MaterialsSource::keyring(&mut keyring), &EncryptOptions::default(), &mut rng).unwrap()
    };
    sim.invoke::<DisableKey>(&a, KeyIdOnlyRequest { key_id: key.clone() }).unwrap();
    let mut keyring = KmsKeyring::new(SimulatorKms::new(&mut sim, &a), Some(&key), &[]);
    let err = encrypt(b"x", &context(), MaterialsSource::keyring(&mut keyring), &EncryptOptions::default(), &mut rng)
        .unwrap_err();
    assert_eq!(err.name(), "DisabledException");
    let err = decrypt(&message, MaterialsSource::keyring(&mut keyring), &DecryptOptions::default()).unwrap_err();
    assert_eq!(err.name(), "DisabledException");
    assert_eq!(count(&sim, "GenerateDataKey", Some(true)), 1);
    assert_eq!(count(&sim, "Decrypt", Some(true)), 1);
}

#[test]
fn wrong_context_is_refused_by_kms() {
    let mut sim = Simulator::seeded("env-kms-3");
    let a = CallContext::default_root();
    let key = create_key(&mut sim, &a, None);
    let mut rng = SeededRng::new([3; 32]);
    let mut keyring = KmsKeyring::new(SimulatorKms::new(&mut sim, &a), Some(&key), &[]);
    let message =
        encrypt(b"ctx", &context(), MaterialsSource::keyring(&mut keyring), &EncryptOptions::default(), &mut rng)
            .unwrap();
    // Flip one byte of the stored context value ("test" -> "tesu"): the header
    // no longer parses to the context KMS bound the data key to.
    let at = message.windows(4).position(|w| w == b"test").unwrap();
    let mut tampered = message.clone();
    tampered[at + 3] = b'u';
    assert!(decrypt(&tampered, MaterialsSource::keyring(&mut keyring), &DecryptOptions::default()).is_err());
    assert_eq!(count(&sim, "Decrypt", Some(true)), 1, "KMS saw and refused the altered context");
}

#[test]
fn caching_cmm_cuts_generate_data_key_calls() {
    let mut sim = Simulator::seeded("env-kms-4");
    let a = CallContext::default_root();
    let key = create_key(&mut sim, &a, None);
    let mut rng = SeededRng::new([4; 32]);
    let limits = CacheLimits { max_age_ms: 60_000, max_messages: 3, ..Default::default() };
    let mut messages = Vec::new();
    {
        let keyring = KmsKeyring::new(SimulatorKms::new(&mut sim, &a), Some(&key), &[]);
        let mut cmm = CachingCmm::new(DefaultCmm::new(keyring), limits).unwrap();
        for i in 0..7u8 {
            let options = EncryptOptions { now: Timestamp(1_000), ..Default::default() };
            messages.push(encrypt(&[i; 10], &context(), MaterialsSource::cmm(&mut cmm), &options, &mut rng).unwrap());
        }
        // 7 messages, at most 3 per data key: 3 misses.
        assert_eq!(cmm.stats().encrypt_misses, 3);
        assert_eq!(cmm.stats().encrypt_hits, 4);
        for m in &messages {
            let options = DecryptOptions { now: Timestamp(1_000), ..Default::default() };
            decrypt(m, MaterialsSource::cmm(&mut cmm), &options).unwrap();
        }
        assert_eq!(cmm.stats().decrypt_misses, 3);
    }
    assert_eq!(count(&sim, "GenerateDataKey", None), 3);
    assert_eq!(count(&sim, "Decrypt", None), 3);

    // Without the cache: one GenerateDataKey per message.
    sim.clear_audit();
    let mut keyring = KmsKeyring::new(SimulatorKms::new(&mut sim, &a), Some(&key), &[]);
    for i in 0..7u8 {
        encrypt(&[i; 10], &context(), MaterialsSource::keyring(&mut keyring), &EncryptOptions::default(), &mut rng)
            .unwrap();
    }
    assert_eq!(count(&sim, "GenerateDataKey", None), 7);
}

#[test]
fn shared_simulator_backs_a_multi_keyring_of_two_callers() {
    let mut sim = Simulator::seeded("env-kms-5");
    let a = CallContext::default_root();
    let b = CallContext::new(Caller::account_root(ACCOUNT_B), "us-east-1");
    let key_a = create_key(&mut sim, &a, None);
    let key_b = create_key(&mut sim, &b, None);
    let mut rng = SeededRng::new([5; 32]);
    let message = {
        let shared = SharedSimulator::new(&mut sim);
        let gen = KmsKeyring::new(shared.kms(a.clone()), Some(&key_a), &[]);
        let child = KmsKeyring::new(shared.kms(b.clone()), Some(&key_b), &[]);
        let mut multi = MultiKeyring::new(Some(Box::new(gen)), vec![Box::new(child)]).unwrap();
        encrypt(b"multi", &context(), MaterialsSource::keyring(&mut multi), &EncryptOptions::default(), &mut rng)
            .unwrap()
    };
    let encrypt_by_b = AuditQuery {
        event_name: Some("Encrypt".into()),
        principal: Some(format!("arn:aws:iam::{ACCOUNT_B}:root")),
        ..Default::default()
    };
    assert_eq!(sim.audit_events(&encrypt_by_b).len(), 1);
    let mut only_b = KmsKeyring::new(SimulatorKms::new(&mut sim, &b), Some(&key_b), &[]);
    let out = decrypt(&message, MaterialsSource::keyring(&mut only_b), &DecryptOptions::default()).unwrap();
    assert_eq!(out.plaintext, b"multi");
}

#[test]
fn oversized_frame_length_is_refused() {
    let mut sim = Simulator::seeded("env-kms-6");
    let a = CallContext::default_root();
    let key = create_key(&mut sim, &a, None);
    let mut rng = SeededRng::new([6; 32]);
    let mut keyring = KmsKeyring::new(SimulatorKms::new(&mut sim, &a), Some(&key), &[]);
    let too_big = EncryptOptions { frame_length: 0x8000_0000, ..Default::default() };
    assert!(encrypt(b"x", &context(), MaterialsSource::keyring(&mut keyring), &too_big, &mut rng).is_err());
    let options = EncryptOptions { frame_length: 1 << 20, ..Default::default() };
    let message = encrypt(b"x", &context(), MaterialsSource::keyring(&mut keyring), &options, &mut rng).unwrap();
    let strict = DecryptOptions { max_frame_length: Some(4096), ..Default::default() };
    let err = decrypt(&message, MaterialsSource::keyring(&mut keyring), &strict).unwrap_err();
    assert!(err.message.contains("frame length"), "{}", err.message);
    assert!(decrypt(&message, MaterialsSource::keyring(&mut keyring), &DecryptOptions::default()).is_ok());
}
