#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]
//! The core compiled to wasm32 and run under Node by wasm-bindgen-test: the
//! same simulator code paths as natively, proving nothing in them panics or
//! reads the system time on wasm.
#![cfg(target_arch = "wasm32")]

use kmsim::kms::ops::{
    CreateKey, Decrypt, DecryptRequest, Encrypt, EncryptRequest, GenerateDataKey, GenerateDataKeyRequest,
};
use kmsim::{CallContext, ErrorCode, Simulator, SimulatorConfig};
use std::collections::BTreeMap;
use wasm_bindgen_test::wasm_bindgen_test;

fn context(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
    Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

#[wasm_bindgen_test]
fn seeded_round_trip_and_context_binding() {
    let mut sim = Simulator::seeded("wasm");
    let ctx = CallContext::default_root();
    let key = sim.invoke::<CreateKey>(&ctx, Default::default()).unwrap().key_metadata;
    let sealed = sim
        .invoke::<Encrypt>(
            &ctx,
            EncryptRequest {
                key_id: key.arn.clone(),
                plaintext: b"wasm".to_vec().into(),
                encryption_context: context(&[("a", "b")]),
                ..Default::default()
            },
        )
        .unwrap();
    let opened = sim
        .invoke::<Decrypt>(
            &ctx,
            DecryptRequest {
                ciphertext_blob: sealed.ciphertext_blob.clone(),
                encryption_context: context(&[("a", "b")]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(opened.plaintext.expose(), b"wasm");
    let wrong = sim
        .invoke::<Decrypt>(&ctx, DecryptRequest { ciphertext_blob: sealed.ciphertext_blob, ..Default::default() })
        .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::InvalidCiphertextException);
}

#[wasm_bindgen_test]
fn platform_randomness_works_on_wasm() {
    // Unseeded and frozen: randomness comes from getrandom's wasm_js backend.
    let mut sim = Simulator::new(&SimulatorConfig {
        now: Some(kmsim::clock::Timestamp(0)),
        live_clock: Some(false),
        ..Default::default()
    });
    let ctx = CallContext::default_root();
    let key = sim.invoke::<CreateKey>(&ctx, Default::default()).unwrap().key_metadata;
    let a = sim
        .invoke::<GenerateDataKey>(
            &ctx,
            GenerateDataKeyRequest {
                key_id: key.key_id.clone(),
                key_spec: Some("AES_256".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let b = sim
        .invoke::<GenerateDataKey>(
            &ctx,
            GenerateDataKeyRequest { key_id: key.key_id, key_spec: Some("AES_256".into()), ..Default::default() },
        )
        .unwrap();
    assert_ne!(a.plaintext.expose(), b.plaintext.expose());
}

#[wasm_bindgen_test]
fn clock_jumps_and_snapshots_work_on_wasm() {
    let mut sim = Simulator::seeded("wasm-clock");
    sim.advance_time(365 * 86_400_000);
    assert_eq!(sim.now().to_iso8601(), "2026-01-01T00:00:00Z");
    let snapshot = sim.export_snapshot().unwrap();
    let mut copy = Simulator::seeded("other");
    copy.import_snapshot(&snapshot).unwrap();
    assert_eq!(copy.export_snapshot().unwrap(), snapshot);
    assert!(copy.import_snapshot("{\"format\":\"kmsim-snapshot\",\"version\":99}").is_err());
}

/// The SIMD128 vector-permute AES (the KMS blob cipher here) equals the `aes`
/// crate and the portable lanes on 300 pseudo-random keys, each with 1 to 9
/// blocks (every batch shape).
#[wasm_bindgen_test]
fn simd_vperm_aes_equals_the_aes_crate() {
    use aes::cipher::{BlockCipherEncrypt, KeyInit};
    use kmsim::kms::aes_vperm::{Aes256Vperm, Portable, Simd128};
    // xorshift64*: deterministic, no entropy source needed.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next_byte = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
    };
    for round in 0..300 {
        let key: [u8; 32] = core::array::from_fn(|_| next_byte());
        let blocks: Vec<[u8; 16]> = (0..1 + round % 9).map(|_| core::array::from_fn(|_| next_byte())).collect();
        let reference = aes::Aes256::new(&key.into());
        let expected: Vec<[u8; 16]> = blocks
            .iter()
            .map(|b| {
                let mut block = aes::Block::from(*b);
                reference.encrypt_block(&mut block);
                block.into()
            })
            .collect();
        let mut simd = blocks.clone();
        let cipher = Aes256Vperm::new_with::<Simd128>(&key);
        cipher.encrypt_blocks_with::<Simd128>(&mut simd);
        assert_eq!(simd, expected, "round {round}");
        let mut native = blocks.clone();
        Aes256Vperm::new(&key).encrypt_blocks(&mut native);
        assert_eq!(native, expected, "round {round}");
        let mut portable = blocks;
        Aes256Vperm::new_with::<Portable>(&key).encrypt_blocks_with::<Portable>(&mut portable);
        assert_eq!(portable, expected, "round {round}");
    }
}

/// KMS blobs sealed on wasm (GCM over the SIMD vperm AES) equal an
/// independent `aes-gcm` construction, for plaintexts of every keystream
/// batch shape (1-4 blocks, groups of four, more than one 16-block batch).
#[wasm_bindgen_test]
fn kms_blobs_on_wasm_match_aes_gcm() {
    use aes_gcm::aead::{AeadInOut, KeyInit};
    use aes_gcm::{Aes256Gcm, Nonce};
    use hkdf::Hkdf;
    use hmac::{Hmac, KeyInit as HmacKeyInit, Mac};
    use kmsim::bytes::SecretBytes;
    use kmsim::kms::crypto::{encode_context, open, seal, DerivedKeys};
    use sha2::Sha256;

    let arn = "arn:aws:kms:us-east-1:123456789012:key/wasm-gcm";
    let context: BTreeMap<String, String> = context(&[("app", "wasm"), ("tenant", "t1")]).unwrap();
    for (n, len) in [0usize, 1, 15, 16, 17, 32, 47, 48, 63, 64, 100, 255, 256, 300].into_iter().enumerate() {
        let material = [n as u8 ^ 0xA5; 32];
        let fresh = [n as u8; 12];
        let plaintext: Vec<u8> = (0..len).map(|i| (i * 7 + n) as u8).collect();
        let keys = DerivedKeys::derive(&SecretBytes::new(material.to_vec()), arn, 3).unwrap();
        let ours = seal(&keys, &plaintext, &encode_context(&context), &fresh).unwrap();

        let hkdf = Hkdf::<Sha256>::new(Some(b"kmsim symmetric v1"), &material);
        let (mut enc, mut mac_key) = ([0u8; 32], [0u8; 32]);
        hkdf.expand(b"encryption key", &mut enc).unwrap();
        hkdf.expand(b"synthetic iv key", &mut mac_key).unwrap();
        let mut header = vec![1u8, arn.len() as u8];
        header.extend_from_slice(arn.as_bytes());
        header.extend_from_slice(&3u32.to_be_bytes());
        let mut aad = header.clone();
        aad.extend_from_slice(&encode_context(&context));
        let mut mac = <Hmac<Sha256> as HmacKeyInit>::new_from_slice(&mac_key).unwrap();
        mac.update(&aad);
        mac.update(&fresh);
        mac.update(&plaintext);
        let iv = mac.finalize().into_bytes()[..12].to_vec();
        let mut body = plaintext.clone();
        let tag = Aes256Gcm::new_from_slice(&enc)
            .unwrap()
            .encrypt_inout_detached(&Nonce::try_from(iv.as_slice()).unwrap(), &aad, body.as_mut_slice().into())
            .unwrap();
        let mut theirs = header;
        theirs.extend_from_slice(&iv);
        theirs.extend_from_slice(&body);
        theirs.extend_from_slice(&tag);
        assert_eq!(ours, theirs, "plaintext of {len} bytes");
        assert_eq!(open(&keys, &theirs, &encode_context(&context)).unwrap().expose(), plaintext.as_slice());
    }
}
