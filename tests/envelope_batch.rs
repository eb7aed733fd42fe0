#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]
//! Frames sealed and opened by a host cipher in batches (`plan_seal` /
//! `absorb_sealed`, `plan_open` / `confirm_opened`): byte-identical to the
//! in-Rust path, nothing released from a bad batch, sequence numbers never
//! re-issued, and the required-context check on decrypt.

use kmsim::envelope::batch::body_len;
use kmsim::envelope::cipher::{gcm_open, gcm_seal};
use kmsim::envelope::{
    decrypt, encrypt, AlgorithmSuite, DecryptOptions, Decryptor, EncryptOptions, EncryptionContext, Encryptor,
    MaterialsSource, OpenBatch, RawAesKeyring, SealBatch, MAX_BATCH_FRAMES,
};
use kmsim::error::ErrorCode;
use kmsim::rng::SeededRng;
use proptest::prelude::*;

fn keyring() -> RawAesKeyring {
    RawAesKeyring::new("ns", "k", &[0x42; 32]).unwrap()
}

fn ctx(pairs: &[(&str, &str)]) -> EncryptionContext {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn sample(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + 7) as u8).collect()
}

fn opts(suite: AlgorithmSuite, frame_length: u32) -> EncryptOptions {
    EncryptOptions { suite, frame_length, ..Default::default() }
}

/// What a host does with a seal batch: prefix, AES-GCM, tag, at each offset.
fn host_seal(key: &[u8; 32], batch: &SealBatch, queue: &mut Vec<u8>) -> Vec<u8> {
    let mut region = vec![0u8; batch.region_len];
    for f in &batch.frames {
        let plain: Vec<u8> = queue.drain(..f.content_len as usize).collect();
        region[f.offset..f.offset + f.prefix_len()].copy_from_slice(&f.prefix()[..f.prefix_len()]);
        let mut body = plain;
        let tag = gcm_seal(key, &f.iv(), &f.aad(&batch.message_id), &mut body).unwrap();
        region[f.content_range()].copy_from_slice(&body);
        region[f.tag_range()].copy_from_slice(&tag);
    }
    region
}

/// What a host does with an open batch; `None` on any bad tag.
fn host_open(key: &[u8; 32], batch: &OpenBatch, input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for f in &batch.frames {
        let mut body = input[f.content_range()].to_vec();
        let tag: [u8; 16] = input[f.tag_range()].try_into().unwrap();
        gcm_open(key, &f.iv(), &f.aad(&batch.message_id), &mut body, &tag).ok()?;
        out.extend_from_slice(&body);
    }
    Some(out)
}

/// Encrypts `pt` fed in `chunks`-sized pieces through a host cipher.
fn hosted_encrypt(pt: &[u8], chunk: usize, o: &EncryptOptions, seed: u8) -> Vec<u8> {
    let mut kr = keyring();
    let mut e =
        Encryptor::new(MaterialsSource::keyring(&mut kr), &ctx(&[("a", "b")]), o, &mut SeededRng::new([seed; 32]))
            .unwrap();
    let mut queue = Vec::new();
    let mut out = Vec::new();
    let pieces: Vec<&[u8]> = if pt.is_empty() { vec![] } else { pt.chunks(chunk.max(1)).collect() };
    let n = pieces.len();
    for (i, piece) in pieces.into_iter().enumerate() {
        queue.extend_from_slice(piece);
        // The last piece finishes the message in the same batch (as the JS one-shot does).
        let batch = e.plan_seal(piece.len() as u64, i + 1 == n).unwrap();
        out.extend_from_slice(&batch.header);
        let key = *e.content_key();
        let region = host_seal(&key, &batch, &mut queue);
        assert_eq!(queue.len() as u64, batch.held);
        let footer = if batch.needs_region { e.absorb_sealed(&region).unwrap() } else { Vec::new() };
        out.extend_from_slice(&region);
        out.extend_from_slice(&footer);
    }
    if n == 0 {
        let batch = e.plan_seal(0, true).unwrap();
        out.extend_from_slice(&batch.header);
        let key = *e.content_key();
        let region = host_seal(&key, &batch, &mut queue);
        let footer = if batch.needs_region { e.absorb_sealed(&region).unwrap() } else { Vec::new() };
        out.extend_from_slice(&region);
        out.extend_from_slice(&footer);
    }
    assert_eq!(e.bytes_written(), out.len() as u64);
    assert_eq!(e.plaintext_consumed(), pt.len() as u64);
    out
}

fn reference(pt: &[u8], o: &EncryptOptions, seed: u8) -> Vec<u8> {
    encrypt(pt, &ctx(&[("a", "b")]), MaterialsSource::keyring(&mut keyring()), o, &mut SeededRng::new([seed; 32]))
        .unwrap()
}

/// Decrypts through a host cipher, feeding `chunk`-sized pieces and holding
/// the unconsumed tail as a host would; only plans once `need` is met, and
/// once more with whatever is left when the input ends.
fn hosted_decrypt(message: &[u8], chunk: usize, options: DecryptOptions) -> Result<Vec<u8>, kmsim::error::AwsError> {
    let mut kr = keyring();
    let mut d = Decryptor::new(MaterialsSource::keyring(&mut kr), options);
    let mut pending: Vec<u8> = Vec::new();
    let mut need = 1usize;
    let mut out = Vec::new();
    let mut calls = 0;
    let pieces: Vec<&[u8]> = message.chunks(chunk.max(1)).collect();
    let last = pieces.len();
    for (i, piece) in pieces.into_iter().chain(std::iter::once(&[][..])).enumerate() {
        pending.extend_from_slice(piece);
        let ending = i == last;
        if pending.is_empty() || (!ending && pending.len() < need) {
            continue;
        }
        loop {
            calls += 1;
            let batch = d.plan_open(&pending)?;
            if !batch.frames.is_empty() {
                let key = *d.content_key().unwrap();
                match host_open(&key, &batch, &pending) {
                    Some(pt) => {
                        d.confirm_opened(batch.frames.len())?;
                        out.extend_from_slice(&pt);
                    }
                    None => return Err(d.reject_opened()),
                }
            }
            pending.drain(..batch.consumed);
            need = batch.need;
            // Done with trailing bytes: plan again so the decryptor rejects them.
            if pending.is_empty() || (need > 0 && pending.len() < need) {
                break;
            }
        }
    }
    assert!(calls <= 2 * (message.len() / chunk.max(1)) + 40, "{calls} plans: no re-sending loop");
    d.finish()?;
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn hosted_sealing_is_byte_identical(len in 0usize..400, chunk in 1usize..120, frame in 1u32..70, signed in any::<bool>()) {
        let suite = if signed { AlgorithmSuite::AesGcm256HkdfSha512CommitEcdsaP384 } else { AlgorithmSuite::AesGcm256HkdfSha512Commit };
        let o = EncryptOptions { plaintext_length: Some(len as u64), ..opts(suite, frame) };
        let pt = sample(len);
        let m = hosted_encrypt(&pt, chunk, &o, 9);
        prop_assert_eq!(&m, &reference(&pt, &o, 9));
        let header_len = m.len() - body_len(len as u64, frame).unwrap() as usize;
        prop_assert!(header_len > 100);
    }

    #[test]
    fn hosted_opening_matches_and_streams(len in 0usize..400, chunk in 1usize..150, frame in 1u32..70, signed in any::<bool>()) {
        let suite = if signed { AlgorithmSuite::AesGcm256HkdfSha512CommitEcdsaP384 } else { AlgorithmSuite::AesGcm256HkdfSha512Commit };
        let pt = sample(len);
        let m = reference(&pt, &opts(suite, frame), 4);
        prop_assert_eq!(hosted_decrypt(&m, chunk, DecryptOptions::default()).unwrap(), pt);
    }
}

#[test]
fn body_len_matches_written_messages() {
    for (len, frame) in [(0usize, 16u32), (16, 16), (17, 16), (4096 * 3, 4096), (5000, 4096)] {
        for suite in [AlgorithmSuite::AesGcm256HkdfSha512Commit, AlgorithmSuite::AesGcm256HkdfSha512CommitEcdsaP384] {
            let m = reference(&sample(len), &opts(suite, frame), 1);
            let mut kr = keyring();
            let mut e = Encryptor::new(
                MaterialsSource::keyring(&mut kr),
                &ctx(&[("a", "b")]),
                &opts(suite, frame),
                &mut SeededRng::new([1; 32]),
            )
            .unwrap();
            let header = e.plan_seal(0, false).unwrap().header;
            let footer = if suite.is_signed() {
                m.len() - header.len() - body_len(len as u64, frame).unwrap() as usize
            } else {
                0
            };
            assert!(footer == 0 || (100..=106).contains(&footer), "footer {footer}");
            assert_eq!(header.len() + body_len(len as u64, frame).unwrap() as usize + footer, m.len());
        }
    }
}

#[test]
fn every_bit_flip_is_rejected_by_the_hosted_path_with_no_plaintext() {
    let pt = sample(50);
    let m = reference(&pt, &opts(AlgorithmSuite::AesGcm256HkdfSha512Commit, 16), 2);
    for i in 0..m.len() {
        let mut bad = m.clone();
        bad[i] ^= 0x01;
        assert!(hosted_decrypt(&bad, bad.len(), DecryptOptions::default()).is_err(), "flip at {i}");
    }
    for cut in 0..m.len() {
        assert!(hosted_decrypt(&m[..cut], 7, DecryptOptions::default()).is_err(), "truncated to {cut}");
    }
    let mut long = m.clone();
    long.push(0);
    assert!(hosted_decrypt(&long, 5, DecryptOptions::default()).is_err(), "trailing byte");
}

#[test]
fn a_rejected_batch_poisons_the_decryptor() {
    let m = reference(&sample(100), &opts(AlgorithmSuite::AesGcm256HkdfSha512Commit, 16), 3);
    let mut kr = keyring();
    let mut d = Decryptor::new(MaterialsSource::keyring(&mut kr), DecryptOptions::default());
    let batch = d.plan_open(&m).unwrap();
    assert_eq!(batch.frames.len(), 7);
    assert_eq!(batch.consumed, m.len());
    assert_eq!(batch.need, 0);
    // Unconfirmed: neither finish nor another batch nor update() may proceed.
    assert!(d.finish().is_err());
    let mut kr = keyring();
    let mut d = Decryptor::new(MaterialsSource::keyring(&mut kr), DecryptOptions::default());
    d.plan_open(&m).unwrap();
    assert!(d.plan_open(&[]).is_err());
    assert!(d.finish().is_err());
    let mut kr = keyring();
    let mut d = Decryptor::new(MaterialsSource::keyring(&mut kr), DecryptOptions::default());
    d.plan_open(&m).unwrap();
    let err = d.reject_opened();
    assert_eq!(err.code, ErrorCode::InvalidCiphertextException);
    assert!(d.confirm_opened(7).is_err());
    assert!(d.finish().is_err());
    // Confirming the wrong count is a failure too.
    let mut kr = keyring();
    let mut d = Decryptor::new(MaterialsSource::keyring(&mut kr), DecryptOptions::default());
    d.plan_open(&m).unwrap();
    assert!(d.confirm_opened(6).is_err());
    assert!(d.finish().is_err());
    // The right count, then finish: success, and the plaintext count is right.
    let mut kr = keyring();
    let mut d = Decryptor::new(MaterialsSource::keyring(&mut kr), DecryptOptions::default());
    d.plan_open(&m).unwrap();
    d.confirm_opened(7).unwrap();
    d.finish().unwrap();
    assert_eq!(d.plaintext_released(), 100);
}

#[test]
fn a_signed_message_with_a_forged_signature_fails_before_any_batch_is_confirmed() {
    let m = reference(&sample(40), &opts(AlgorithmSuite::AesGcm256HkdfSha512CommitEcdsaP384, 16), 5);
    let mut bad = m.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    let mut kr = keyring();
    let mut d = Decryptor::new(MaterialsSource::keyring(&mut kr), DecryptOptions::default());
    // The whole message in one plan: the footer is checked in the same call,
    // so a one-shot host never opens a frame of it.
    assert!(d.plan_open(&bad).is_err());
    assert!(d.finish().is_err());
}

#[test]
fn batches_are_bounded_and_sequence_numbers_never_repeat() {
    let frame = 1u32;
    let len = MAX_BATCH_FRAMES + 10;
    let pt = sample(len);
    let o = opts(AlgorithmSuite::AesGcm256HkdfSha512Commit, frame);
    let mut kr = keyring();
    let mut e = Encryptor::new(MaterialsSource::keyring(&mut kr), &ctx(&[]), &o, &mut SeededRng::new([6; 32])).unwrap();
    assert!(e.plan_seal(len as u64, true).is_err(), "more frames than one batch allows");
    let a = e.plan_seal(MAX_BATCH_FRAMES as u64, false).unwrap();
    assert_eq!(a.frames.len(), MAX_BATCH_FRAMES - 1, "the last full frame is held back");
    let b = e.plan_seal(10, true).unwrap();
    let seqs: Vec<u32> = a.frames.iter().chain(&b.frames).map(|f| f.seq).collect();
    assert_eq!(seqs, (1..=len as u32).collect::<Vec<_>>());
    assert!(b.frames.last().unwrap().is_final);
    assert!(e.plan_seal(0, true).is_err(), "finished");

    // Opening: a message with more frames than a batch comes in several batches.
    let m = reference(&pt, &o, 6);
    let mut kr = keyring();
    let mut d = Decryptor::new(MaterialsSource::keyring(&mut kr), DecryptOptions::default());
    let first = d.plan_open(&m).unwrap();
    assert_eq!(first.frames.len(), MAX_BATCH_FRAMES);
    assert!(first.need > 0 && first.need <= m.len() - first.consumed, "more is already here");
    let key = *d.content_key().unwrap();
    let mut out = host_open(&key, &first, &m).unwrap();
    d.confirm_opened(first.frames.len()).unwrap();
    let rest = &m[first.consumed..];
    let second = d.plan_open(rest).unwrap();
    out.extend(host_open(&key, &second, rest).unwrap());
    d.confirm_opened(second.frames.len()).unwrap();
    assert_eq!(second.need, 0);
    d.finish().unwrap();
    assert_eq!(out, pt);
}

#[test]
fn a_batch_not_handed_back_stops_the_signed_encryptor() {
    let o = opts(AlgorithmSuite::AesGcm256HkdfSha512CommitEcdsaP384, 8);
    let mut kr = keyring();
    let mut e = Encryptor::new(MaterialsSource::keyring(&mut kr), &ctx(&[]), &o, &mut SeededRng::new([7; 32])).unwrap();
    let batch = e.plan_seal(20, false).unwrap();
    assert!(batch.needs_region);
    assert!(e.plan_seal(1, false).is_err(), "the region must come back first");
    assert!(e.absorb_sealed(&vec![0; batch.region_len + 1]).is_err());
    assert!(e.plan_seal(0, true).is_err(), "a wrong region ends the encryptor");
    assert!(e.absorb_sealed(&[]).is_err());
}

#[test]
fn update_and_host_batches_do_not_mix() {
    let o = opts(AlgorithmSuite::AesGcm256HkdfSha512Commit, 8);
    let mut kr = keyring();
    let mut e = Encryptor::new(MaterialsSource::keyring(&mut kr), &ctx(&[]), &o, &mut SeededRng::new([8; 32])).unwrap();
    e.update(b"abc").unwrap();
    assert!(e.plan_seal(3, false).is_err());
    let mut kr = keyring();
    let mut e = Encryptor::new(MaterialsSource::keyring(&mut kr), &ctx(&[]), &o, &mut SeededRng::new([8; 32])).unwrap();
    e.plan_seal(3, false).unwrap();
    assert!(e.update(b"abc").is_err());
    assert!(e.finish().is_err());
    let m = reference(b"hello", &o, 8);
    let mut kr = keyring();
    let mut d = Decryptor::new(MaterialsSource::keyring(&mut kr), DecryptOptions::default());
    d.update(&m[..m.len() - 3]).unwrap();
    assert!(d.plan_open(&m[m.len() - 3..]).is_err());
}

#[test]
fn declared_plaintext_length_is_enforced_when_planning() {
    let o = EncryptOptions { plaintext_length: Some(10), ..opts(AlgorithmSuite::AesGcm256HkdfSha512Commit, 4) };
    let mut kr = keyring();
    let mut e = Encryptor::new(MaterialsSource::keyring(&mut kr), &ctx(&[]), &o, &mut SeededRng::new([9; 32])).unwrap();
    e.plan_seal(6, false).unwrap();
    assert!(e.plan_seal(5, true).is_err());
}

#[test]
fn expected_context_is_required_with_a_clear_error() {
    let o = opts(AlgorithmSuite::AesGcm256HkdfSha512Commit, 16);
    let m = encrypt(
        b"x",
        &ctx(&[("tenant", "a"), ("app", "b")]),
        MaterialsSource::keyring(&mut keyring()),
        &o,
        &mut SeededRng::new([1; 32]),
    )
    .unwrap();
    let check = |want: &[(&str, &str)]| {
        let options = DecryptOptions { expected_context: Some(ctx(want)), ..Default::default() };
        decrypt(&m, MaterialsSource::keyring(&mut keyring()), &options)
    };
    assert!(check(&[("tenant", "a")]).is_ok());
    assert!(check(&[("tenant", "a"), ("app", "b")]).is_ok());
    for bad in [&[("tenant", "b")][..], &[("tenant", "a"), ("region", "x")][..]] {
        let err = check(bad).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidCiphertextException);
        assert!(err.message.contains("encryption context does not match"), "{}", err.message);
        assert!(!err.message.contains("\"b\"") && !err.message.contains("'b'"), "values stay out: {}", err.message);
    }
    // The hosted path checks it too, and before opening any frame.
    let mut kr = keyring();
    let options = DecryptOptions { expected_context: Some(ctx(&[("tenant", "z")])), ..Default::default() };
    let mut d = Decryptor::new(MaterialsSource::keyring(&mut kr), options);
    let err = d.plan_open(&m).unwrap_err();
    assert!(err.message.contains("'tenant'"), "{}", err.message);
}

#[test]
fn a_large_header_fed_in_small_pieces_is_planned_a_logarithmic_number_of_times() {
    let big = "v".repeat(40_000);
    let o = opts(AlgorithmSuite::AesGcm256HkdfSha512Commit, 4096);
    let m = encrypt(
        b"x",
        &ctx(&[("big", &big)]),
        MaterialsSource::keyring(&mut keyring()),
        &o,
        &mut SeededRng::new([2; 32]),
    )
    .unwrap();
    let mut kr = keyring();
    let mut d = Decryptor::new(MaterialsSource::keyring(&mut kr), DecryptOptions::default());
    // The host holds everything from the start: nothing is consumed before the header parses.
    let (mut held, mut need, mut plans, mut read) = (0usize, 1usize, 0, false);
    for piece in m.chunks(100) {
        held += piece.len();
        if held < need {
            continue;
        }
        plans += 1;
        let batch = d.plan_open(&m[..held]).unwrap();
        if batch.consumed > 0 {
            read = true;
            break;
        }
        assert!(batch.need >= 2 * held, "an incomplete header asks for twice what it got");
        need = batch.need;
    }
    if !read {
        // The input ended: plan once more with whatever is held.
        plans += 1;
        assert!(d.plan_open(&m).unwrap().consumed > 0);
    }
    assert!(plans <= 12, "{plans} plans for a {}-byte header", m.len());
    assert!(d.content_key().is_some(), "the header was read");
}
