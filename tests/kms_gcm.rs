//! The KMS blob cipher (AES-256-GCM computed from the block cipher and GHASH,
//! with header states cached per backing version) checked against an
//! independent construction with the `aes-gcm` crate: same blobs, byte for
//! byte, for random keys, ARN lengths (whole and partial header blocks),
//! contexts and plaintext sizes across block boundaries; and each opens the
//! other's blobs.

// Tests fail by panicking: unwrap, indexing and panic! are the point here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit as HmacKeyInit, Mac};
use kmsim::bytes::SecretBytes;
use kmsim::kms::crypto::{encode_context, open, seal, DerivedKeys, EMPTY_CONTEXT};
use proptest::prelude::*;
use sha2::Sha256;
use std::collections::BTreeMap;

/// The blob as the format's doc comment defines it, built with `aes-gcm`.
fn reference_seal(
    material: &[u8],
    arn: &str,
    version: u32,
    plaintext: &[u8],
    context: &BTreeMap<String, String>,
    fresh: &[u8; 12],
) -> Vec<u8> {
    let hkdf = Hkdf::<Sha256>::new(Some(b"kmsim symmetric v1"), material);
    let (mut enc, mut mac_key) = ([0u8; 32], [0u8; 32]);
    hkdf.expand(b"encryption key", &mut enc).unwrap();
    hkdf.expand(b"synthetic iv key", &mut mac_key).unwrap();
    let mut header = vec![1u8, arn.len() as u8];
    header.extend_from_slice(arn.as_bytes());
    header.extend_from_slice(&version.to_be_bytes());
    let mut aad = header.clone();
    aad.extend_from_slice(&encode_context(context));
    let mut mac = <Hmac<Sha256> as HmacKeyInit>::new_from_slice(&mac_key).unwrap();
    mac.update(&aad);
    mac.update(fresh);
    mac.update(plaintext);
    let iv = mac.finalize().into_bytes()[..12].to_vec();
    let mut body = plaintext.to_vec();
    let cipher = Aes256Gcm::new_from_slice(&enc).unwrap();
    let tag = cipher
        .encrypt_inout_detached(&Nonce::try_from(iv.as_slice()).unwrap(), &aad, body.as_mut_slice().into())
        .unwrap();
    let mut blob = header;
    blob.extend_from_slice(&iv);
    blob.extend_from_slice(&body);
    blob.extend_from_slice(&tag);
    blob
}

fn arn_strategy() -> impl Strategy<Value = String> {
    // Header = 2 + ARN + 4 bytes: these lengths put the header's end on and around block boundaries.
    (0usize..40).prop_map(|extra| format!("arn:aws:kms:us-east-1:123456789012:key/{}", "k".repeat(extra)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn blobs_match_an_independent_aes_gcm(
        material in prop::array::uniform32(any::<u8>()),
        arn in arn_strategy(),
        version in any::<u32>(),
        plaintext in prop::collection::vec(any::<u8>(), 0..300),
        context in prop::collection::btree_map("[a-z]{0,20}", "[ -~]{0,40}", 0..4),
        fresh in prop::array::uniform12(any::<u8>()),
    ) {
        let keys = DerivedKeys::derive(&SecretBytes::new(material.to_vec()), &arn, version).unwrap();
        let ours = seal(&keys, &plaintext, &encode_context(&context), &fresh).unwrap();
        let theirs = reference_seal(&material, &arn, version, &plaintext, &context, &fresh);
        prop_assert_eq!(&ours, &theirs);
        let opened = open(&keys, &theirs, &encode_context(&context)).unwrap();
        prop_assert_eq!(opened.expose(), plaintext.as_slice());
    }

    #[test]
    fn a_blob_opens_only_under_its_own_header_keys(
        material in prop::array::uniform32(any::<u8>()),
        plaintext in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        // Same material (as imported into two keys): the header still binds the blob to one key version.
        let arn = "arn:aws:kms:us-east-1:123456789012:key/one";
        let other = "arn:aws:kms:us-east-1:123456789012:key/two";
        let keys = DerivedKeys::derive(&SecretBytes::new(material.to_vec()), arn, 1).unwrap();
        let blob = seal(&keys, &plaintext, EMPTY_CONTEXT, &[0; 12]).unwrap();
        let other_key = DerivedKeys::derive(&SecretBytes::new(material.to_vec()), other, 1).unwrap();
        let other_version = DerivedKeys::derive(&SecretBytes::new(material.to_vec()), arn, 2).unwrap();
        prop_assert!(open(&other_key, &blob, EMPTY_CONTEXT).is_err());
        prop_assert!(open(&other_version, &blob, EMPTY_CONTEXT).is_err());
        prop_assert!(open(&keys, &blob, EMPTY_CONTEXT).is_ok());
    }
}

#[test]
fn largest_plaintext_round_trips_and_matches() {
    let material = [5u8; 32];
    let arn = "arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let context: BTreeMap<String, String> = [("a".to_string(), "b".to_string())].into();
    let plaintext: Vec<u8> = (0..4096u32).map(|i| (i * 7) as u8).collect();
    let keys = DerivedKeys::derive(&SecretBytes::new(material.to_vec()), arn, 9).unwrap();
    let blob = seal(&keys, &plaintext, &encode_context(&context), &[3; 12]).unwrap();
    assert_eq!(blob, reference_seal(&material, arn, 9, &plaintext, &context, &[3; 12]));
    assert_eq!(open(&keys, &blob, &encode_context(&context)).unwrap().expose(), plaintext.as_slice());
    let mut tampered = blob.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert!(open(&keys, &tampered, &encode_context(&context)).is_err());
}
