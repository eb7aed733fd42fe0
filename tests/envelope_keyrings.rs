#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]
//! Keyring and CMM tests: raw AES key sizes, multi-keyring, the KMS keyring
//! against an in-test fake KMS (multi-key, two accounts), and the caching CMM.

use kmsim::clock::Timestamp;
use kmsim::envelope::cache::{CacheLimits, CachingCmm};
use kmsim::envelope::format::serialize_context;
use kmsim::envelope::keyring::kms::KMS_PROVIDER_ID;
use kmsim::envelope::{
    decrypt, encrypt, AlgorithmSuite, DecryptOptions, DefaultCmm, EncryptOptions, EncryptionContext, Keyring,
    KmsDataKeys, KmsGeneratedKey, KmsKeyring, MaterialsSource, MultiKeyring, RawAesKeyring,
};
use kmsim::error::{AwsError, AwsResult, ErrorCode};
use kmsim::rng::SeededRng;
use std::collections::HashMap;
use zeroize::Zeroizing;

fn rng() -> SeededRng {
    SeededRng::new([9; 32])
}

fn ctx(pairs: &[(&str, &str)]) -> EncryptionContext {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// A toy KMS: "encryption" is XOR with a per-key pad plus the ARN and a hash
/// of the context, enough to check routing, context binding and call counts.
#[derive(Default)]
struct FakeKms {
    keys: HashMap<String, u8>,
    aliases: HashMap<String, String>,
    /// ARNs the caller is allowed to use (models cross-account permissions).
    allowed: Vec<String>,
    calls: HashMap<&'static str, usize>,
    grant_tokens_seen: Vec<String>,
}

impl FakeKms {
    fn with_keys(arns: &[&str]) -> Self {
        let mut k = FakeKms::default();
        for (i, arn) in arns.iter().enumerate() {
            k.keys.insert(arn.to_string(), i as u8 + 1);
            k.allowed.push(arn.to_string());
        }
        k
    }
    fn resolve(&self, id: &str) -> AwsResult<String> {
        let arn = self.aliases.get(id).cloned().unwrap_or_else(|| id.to_string());
        if !self.keys.contains_key(&arn) {
            return Err(AwsError::new(ErrorCode::NotFoundException, "no such key"));
        }
        if !self.allowed.contains(&arn) {
            return Err(AwsError::new(ErrorCode::AccessDeniedException, "not allowed"));
        }
        Ok(arn)
    }
    fn seal(&self, arn: &str, pt: &[u8], c: &EncryptionContext) -> Vec<u8> {
        let pad = self.keys[arn];
        let tag = serialize_context(c).unwrap().iter().fold(0u8, |a, b| a.wrapping_mul(31).wrapping_add(*b));
        let mut blob = vec![arn.len() as u8];
        blob.extend(arn.as_bytes());
        blob.push(tag);
        blob.extend(pt.iter().map(|b| b ^ pad));
        blob
    }
}

impl KmsDataKeys for FakeKms {
    fn generate_data_key(
        &mut self,
        key_id: &str,
        n: u32,
        c: &EncryptionContext,
        g: &[String],
    ) -> AwsResult<KmsGeneratedKey> {
        *self.calls.entry("GenerateDataKey").or_default() += 1;
        self.grant_tokens_seen.extend(g.iter().cloned());
        let arn = self.resolve(key_id)?;
        let count = self.calls["GenerateDataKey"] as u8;
        let plaintext = Zeroizing::new(vec![count; n as usize]);
        let ciphertext_blob = self.seal(&arn, &plaintext, c);
        Ok(KmsGeneratedKey { plaintext, ciphertext_blob, key_arn: arn })
    }
    fn encrypt(
        &mut self,
        key_id: &str,
        pt: &[u8],
        c: &EncryptionContext,
        _g: &[String],
    ) -> AwsResult<(Vec<u8>, String)> {
        *self.calls.entry("Encrypt").or_default() += 1;
        let arn = self.resolve(key_id)?;
        Ok((self.seal(&arn, pt, c), arn))
    }
    fn decrypt(
        &mut self,
        key_id: Option<&str>,
        blob: &[u8],
        c: &EncryptionContext,
        _g: &[String],
    ) -> AwsResult<(Zeroizing<Vec<u8>>, String)> {
        *self.calls.entry("Decrypt").or_default() += 1;
        let bad = || AwsError::invalid_ciphertext();
        let n = *blob.first().ok_or_else(bad)? as usize;
        let arn = std::str::from_utf8(blob.get(1..1 + n).ok_or_else(bad)?).map_err(|_| bad())?.to_string();
        if let Some(id) = key_id {
            if self.resolve(id)? != arn {
                return Err(AwsError::new(ErrorCode::IncorrectKeyException, "wrong key"));
            }
        }
        self.resolve(&arn)?;
        let expected = self.seal(&arn, blob.get(2 + n..).ok_or_else(bad)?, c);
        let unsealed: Vec<u8> = blob[2 + n..].iter().map(|b| b ^ self.keys[&arn]).collect();
        if expected[1 + n] != blob[1 + n] {
            return Err(bad());
        }
        Ok((Zeroizing::new(unsealed), arn))
    }
}

const ARN_A: &str = "arn:aws:kms:us-east-1:111111111111:key/aaaaaaaa-0000-0000-0000-000000000001";
const ARN_B: &str = "arn:aws:kms:eu-west-1:222222222222:key/bbbbbbbb-0000-0000-0000-000000000002";

#[test]
fn raw_aes_all_key_sizes_round_trip_and_reject_bad_sizes() {
    for bits in [128usize, 192, 256] {
        let key = vec![7u8; bits / 8];
        let mut kr = RawAesKeyring::new("ns", "name", &key).unwrap();
        let m = encrypt(
            b"hello",
            &ctx(&[("a", "b")]),
            MaterialsSource::keyring(&mut kr),
            &EncryptOptions::default(),
            &mut rng(),
        )
        .unwrap();
        let out = decrypt(&m, MaterialsSource::keyring(&mut kr), &DecryptOptions::default()).unwrap();
        assert_eq!(out.plaintext, b"hello");
        let mut other_name = RawAesKeyring::new("ns", "other", &key).unwrap();
        assert!(decrypt(&m, MaterialsSource::keyring(&mut other_name), &DecryptOptions::default()).is_err());
    }
    assert!(RawAesKeyring::new("ns", "n", &[0; 20]).is_err());
    assert!(RawAesKeyring::new("aws-kms", "n", &[0; 32]).is_err());
}

#[test]
fn multi_keyring_any_member_decrypts() {
    let gen = RawAesKeyring::new("ns", "one", &[1; 32]).unwrap();
    let child = RawAesKeyring::new("ns", "two", &[2; 16]).unwrap();
    let mut multi = MultiKeyring::new(Some(Box::new(gen)), vec![Box::new(child)]).unwrap();
    let m = encrypt(b"multi", &ctx(&[]), MaterialsSource::keyring(&mut multi), &EncryptOptions::default(), &mut rng())
        .unwrap();
    let out = decrypt(&m, MaterialsSource::keyring(&mut multi), &DecryptOptions::default()).unwrap();
    assert_eq!(out.info.encrypted_data_keys.len(), 2);
    for (name, key) in [("one", vec![1u8; 32]), ("two", vec![2u8; 16])] {
        let mut only = RawAesKeyring::new("ns", name, &key).unwrap();
        assert_eq!(
            decrypt(&m, MaterialsSource::keyring(&mut only), &DecryptOptions::default()).unwrap().plaintext,
            b"multi"
        );
    }
    // A multi-keyring whose members know none of the keys fails cleanly.
    let mut stranger =
        MultiKeyring::new(None, vec![Box::new(RawAesKeyring::new("ns", "x", &[3; 32]).unwrap())]).unwrap();
    assert!(decrypt(&m, MaterialsSource::keyring(&mut stranger), &DecryptOptions::default()).is_err());
    // Without a generator there is no data key to wrap.
    assert!(encrypt(b"x", &ctx(&[]), MaterialsSource::keyring(&mut stranger), &EncryptOptions::default(), &mut rng())
        .is_err());
}

#[test]
fn kms_keyring_wraps_under_every_key_and_each_account_decrypts_alone() {
    let mut kms = FakeKms::with_keys(&[ARN_A, ARN_B]);
    kms.aliases.insert("alias/app".into(), ARN_A.into());
    let c = ctx(&[("app", "billing")]);
    let m = {
        let mut kr = KmsKeyring::new(&mut kms, Some("alias/app"), &[ARN_B]).with_grant_tokens(&["gt-1"]);
        encrypt(b"secret", &c, MaterialsSource::keyring(&mut kr), &EncryptOptions::default(), &mut rng()).unwrap()
    };
    assert_eq!(kms.calls["GenerateDataKey"], 1);
    assert_eq!(kms.calls["Encrypt"], 1);
    assert!(kms.grant_tokens_seen.contains(&"gt-1".to_string()));
    let out = decrypt(
        &m,
        MaterialsSource::keyring(&mut KmsKeyring::new(&mut kms, None, &[ARN_A])),
        &DecryptOptions::default(),
    )
    .unwrap();
    let edks = &out.info.encrypted_data_keys;
    assert_eq!(edks.len(), 2);
    assert!(edks.iter().all(|e| e.provider_id == KMS_PROVIDER_ID));
    assert_eq!(edks[0].provider_info, ARN_A.as_bytes(), "provider info is the ARN from the response, not the alias");
    assert_eq!(edks[1].provider_info, ARN_B.as_bytes());
    // Account B alone (cannot use key A) still decrypts through its own EDK.
    kms.allowed = vec![ARN_B.to_string()];
    let out_b = decrypt(
        &m,
        MaterialsSource::keyring(&mut KmsKeyring::new(&mut kms, None, &[ARN_B])),
        &DecryptOptions::default(),
    )
    .unwrap();
    assert_eq!(out_b.plaintext, b"secret");
    // Discovery keyring in account B also finds its way.
    let out_d = decrypt(&m, MaterialsSource::keyring(&mut KmsKeyring::discovery(&mut kms)), &DecryptOptions::default())
        .unwrap();
    assert_eq!(out_d.plaintext, b"secret");
    // Nobody allowed: fails with the KMS error, no plaintext.
    kms.allowed.clear();
    assert!(decrypt(&m, MaterialsSource::keyring(&mut KmsKeyring::discovery(&mut kms)), &DecryptOptions::default())
        .is_err());
}

#[test]
fn strict_kms_keyring_ignores_unlisted_keys_and_discovery_cannot_encrypt() {
    let mut kms = FakeKms::with_keys(&[ARN_A, ARN_B]);
    let m = {
        let mut kr = KmsKeyring::new(&mut kms, Some(ARN_A), &[]);
        encrypt(b"x", &ctx(&[]), MaterialsSource::keyring(&mut kr), &EncryptOptions::default(), &mut rng()).unwrap()
    };
    let before = kms.calls.get("Decrypt").copied().unwrap_or(0);
    assert!(decrypt(
        &m,
        MaterialsSource::keyring(&mut KmsKeyring::new(&mut kms, None, &[ARN_B])),
        &DecryptOptions::default()
    )
    .is_err());
    assert_eq!(kms.calls.get("Decrypt").copied().unwrap_or(0), before, "no call for an unlisted key");
    let mut disc = KmsKeyring::discovery(&mut kms);
    assert!(
        encrypt(b"x", &ctx(&[]), MaterialsSource::keyring(&mut disc), &EncryptOptions::default(), &mut rng()).is_err()
    );
}

/// A KMS that answers Decrypt with a different key's ARN must not be trusted.
#[test]
fn kms_answer_from_an_unexpected_key_is_rejected() {
    struct Liar(FakeKms);
    impl KmsDataKeys for Liar {
        fn generate_data_key(
            &mut self,
            k: &str,
            n: u32,
            c: &EncryptionContext,
            g: &[String],
        ) -> AwsResult<KmsGeneratedKey> {
            self.0.generate_data_key(k, n, c, g)
        }
        fn encrypt(&mut self, k: &str, p: &[u8], c: &EncryptionContext, g: &[String]) -> AwsResult<(Vec<u8>, String)> {
            self.0.encrypt(k, p, c, g)
        }
        fn decrypt(
            &mut self,
            k: Option<&str>,
            b: &[u8],
            c: &EncryptionContext,
            g: &[String],
        ) -> AwsResult<(Zeroizing<Vec<u8>>, String)> {
            self.0.decrypt(k, b, c, g).map(|(p, _)| (p, ARN_B.to_string()))
        }
    }
    let mut liar = Liar(FakeKms::with_keys(&[ARN_A, ARN_B]));
    let m = encrypt(
        b"x",
        &ctx(&[]),
        MaterialsSource::keyring(&mut KmsKeyring::new(&mut liar, Some(ARN_A), &[])),
        &EncryptOptions::default(),
        &mut rng(),
    )
    .unwrap();
    assert!(decrypt(
        &m,
        MaterialsSource::keyring(&mut KmsKeyring::new(&mut liar, None, &[ARN_A])),
        &DecryptOptions::default()
    )
    .is_err());
}

#[test]
fn caching_cmm_cuts_kms_calls_within_limits() {
    let mut kms = FakeKms::with_keys(&[ARN_A]);
    let limits =
        CacheLimits { max_age_ms: 10_000, max_messages: 3, max_bytes: 1_000, capacity: 8, partition: "lab".into() };
    let mut cache = CachingCmm::new(DefaultCmm::new(KmsKeyring::new(&mut kms, Some(ARN_A), &[])), limits).unwrap();
    let c = ctx(&[("lab", "cache")]);
    let at = |ms: i64| EncryptOptions { now: Timestamp(ms), ..Default::default() };
    let mut messages = Vec::new();
    for i in 0..3 {
        messages.push(encrypt(b"0123456789", &c, MaterialsSource::cmm(&mut cache), &at(i), &mut rng()).unwrap());
    }
    let s = cache.stats();
    assert_eq!((s.encrypt_misses, s.encrypt_hits), (1, 2));
    // Message limit reached: a fresh data key.
    encrypt(b"0123456789", &c, MaterialsSource::cmm(&mut cache), &at(4), &mut rng()).unwrap();
    assert_eq!(cache.stats().encrypt_misses, 2);
    // Age limit: an entry at t=4 is stale at t=10_004.
    encrypt(b"x", &c, MaterialsSource::cmm(&mut cache), &at(10_004), &mut rng()).unwrap();
    assert_eq!(cache.stats().encrypt_misses, 3);
    // Byte limit: too big to share.
    encrypt(&[0u8; 2_000], &c, MaterialsSource::cmm(&mut cache), &at(10_005), &mut rng()).unwrap();
    assert_eq!(cache.stats().encrypt_misses, 4);
    // A different context is a different entry.
    encrypt(b"x", &ctx(&[]), MaterialsSource::cmm(&mut cache), &at(10_006), &mut rng()).unwrap();
    assert_eq!(cache.stats().encrypt_misses, 5);
    // Decrypt: the three messages share one data key and EDK: one miss, two hits.
    let d = |ms: i64| DecryptOptions { now: Timestamp(ms), ..Default::default() };
    for m in &messages {
        assert_eq!(decrypt(m, MaterialsSource::cmm(&mut cache), &d(20)).unwrap().plaintext, b"0123456789");
    }
    let s = cache.stats();
    assert_eq!((s.decrypt_misses, s.decrypt_hits), (1, 2));
    drop(cache);
    assert_eq!(kms.calls["GenerateDataKey"], 5);
    assert_eq!(kms.calls["Decrypt"], 1);
}

#[test]
fn caching_cmm_with_signed_suite_still_verifies() {
    let raw = RawAesKeyring::new("ns", "k", &[5; 32]).unwrap();
    let mut cache = CachingCmm::new(DefaultCmm::new(raw), CacheLimits::default()).unwrap();
    let o = EncryptOptions { suite: AlgorithmSuite::AesGcm256HkdfSha512CommitEcdsaP384, ..Default::default() };
    let a = encrypt(b"a", &ctx(&[]), MaterialsSource::cmm(&mut cache), &o, &mut rng()).unwrap();
    let b = encrypt(b"b", &ctx(&[]), MaterialsSource::cmm(&mut cache), &o, &mut rng()).unwrap();
    assert_eq!(cache.stats().encrypt_hits, 1);
    assert_eq!(decrypt(&a, MaterialsSource::cmm(&mut cache), &DecryptOptions::default()).unwrap().plaintext, b"a");
    assert_eq!(decrypt(&b, MaterialsSource::cmm(&mut cache), &DecryptOptions::default()).unwrap().plaintext, b"b");
}

#[test]
fn keyrings_compose_through_boxes() {
    let mut boxed: Box<dyn Keyring> = Box::new(RawAesKeyring::new("ns", "k", &[5; 24]).unwrap());
    let m = encrypt(b"boxed", &ctx(&[]), MaterialsSource::keyring(&mut boxed), &EncryptOptions::default(), &mut rng())
        .unwrap();
    assert_eq!(
        decrypt(&m, MaterialsSource::keyring(&mut boxed), &DecryptOptions::default()).unwrap().plaintext,
        b"boxed"
    );
}
