//! Symmetric encryption under a KMS key, and the ciphertext blob format.
//!
//! Blob (format version 1), all integers big-endian:
//!
//! ```text
//! 0x01 | u8 n | key ARN (n bytes, UTF-8) | u32 backing version | 12-byte IV | ciphertext | 16-byte tag
//! ```
//!
//! The blob is self-describing, so `Decrypt` needs no `KeyId`. The AES-256-GCM
//! AAD is the blob header (everything before the IV) followed by the canonical
//! encryption-context encoding, so changing any byte — header, IV, body, tag
//! or context — fails authentication.
//!
//! The IV is *synthetic*: HMAC-SHA-256 over the header, 12 fresh random bytes,
//! the context and the plaintext. Even if a seeded random stream repeats
//! (restoring a snapshot, then encrypting something else), two different
//! messages never share an IV under one key; identical inputs give identical
//! blobs, which reveals only that they are identical.
//!
//! AES-256-GCM is computed here from an AES block cipher and `ghash`
//! (NIST SP 800-38D, 96-bit IV) rather than through `aes-gcm`, for speed on
//! the hot path: the tag mask and the counter blocks go through the cipher in
//! one batch, and the header is the same for every blob of a backing key
//! version, so GHASH and the IV MAC start from states that have already
//! absorbed it. The block cipher is the `aes` crate (AES instructions where
//! the CPU has them), except on wasm32 with SIMD128, which has none: there it
//! is the constant-time vector-permute AES of [`super::aes_vperm`] (for the
//! three blocks of a short Encrypt, about a fifth of the time of the `aes`
//! crate's bitsliced fallback). Tests check every output against `aes-gcm`.

use crate::bytes::SecretBytes;
use crate::error::AwsError;
use aes::Block;
use ghash::universal_hash::UniversalHash;
use ghash::GHash;
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit as HmacKeyInit, Mac};
use sha2::Sha256;
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// The blob format version this module writes.
pub const BLOB_FORMAT_V1: u8 = 0x01;
const IV_LEN: usize = 12;
const TAG_LEN: usize = 16;
const BLOCK_LEN: usize = 16;
/// Counter blocks computed per batch (on the stack); a 4,096-byte plaintext takes 17 batches.
const KEYSTREAM_BATCH: usize = 16;

/// The AES-256 forward cipher under GCM: the vector-permute AES on wasm32
/// with SIMD128 (no AES instructions there), the `aes` crate elsewhere.
#[derive(Clone)]
struct BlockCipher(
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))] super::aes_vperm::Aes256Vperm,
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))] aes::Aes256,
);

impl BlockCipher {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn new(key: &[u8; 32]) -> Self {
        BlockCipher(super::aes_vperm::Aes256Vperm::new(key))
    }

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    fn new(key: &[u8; 32]) -> Self {
        use aes::cipher::KeyInit;
        BlockCipher(aes::Aes256::new(&(*key).into()))
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn encrypt_blocks(&self, blocks: &mut [[u8; BLOCK_LEN]]) {
        self.0.encrypt_blocks(blocks);
    }

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    fn encrypt_blocks(&self, blocks: &mut [[u8; BLOCK_LEN]]) {
        use aes::cipher::BlockCipherEncrypt;
        self.0.encrypt_blocks(Block::cast_slice_from_core_mut(blocks));
    }
}

/// Sub-keys derived once from a backing key version's material, and the
/// states that already absorbed that version's blob header.
#[derive(Clone)]
pub struct DerivedKeys {
    cipher: BlockCipher,
    /// GHASH keyed with H = AES_K(0¹²⁸), after the header's whole 16-byte blocks.
    ghash_after_header: GHash,
    /// HMAC-SHA-256 for synthetic IVs, after the whole header.
    iv_mac_after_header: Hmac<Sha256>,
    /// The blob header: format, ARN length, ARN, backing version.
    header: Vec<u8>,
}

impl DerivedKeys {
    /// Derives the encryption and IV keys from 32 bytes of material, for the
    /// blobs of backing version `version` of `key_arn`.
    pub fn derive(material: &SecretBytes, key_arn: &str, version: u32) -> Result<Self, AwsError> {
        let hkdf = Hkdf::<Sha256>::new(Some(b"kmsim symmetric v1"), material.expose());
        let mut enc = SecretBytes::zeroed(32);
        let mut mac = SecretBytes::zeroed(32);
        hkdf.expand(b"encryption key", enc.expose_mut()).map_err(|_| AwsError::invalid_ciphertext())?;
        hkdf.expand(b"synthetic iv key", mac.expose_mut()).map_err(|_| AwsError::invalid_ciphertext())?;
        let enc_key: &[u8; 32] = enc.expose().try_into().map_err(|_| AwsError::invalid_ciphertext())?;
        let cipher = BlockCipher::new(enc_key);
        let mut h = [[0u8; BLOCK_LEN]];
        cipher.encrypt_blocks(&mut h);
        let [h_bytes] = &mut h;
        let mut h_block = Block::from(*h_bytes);
        let mut ghash_after_header = GHash::new(&h_block);
        h.zeroize();
        h_block.zeroize();
        let header = blob_header(key_arn, version)?;
        let whole_blocks = header.len() / BLOCK_LEN * BLOCK_LEN;
        ghash_after_header.update_padded(header.get(..whole_blocks).unwrap_or_default());
        let mut iv_mac_after_header =
            <Hmac<Sha256> as HmacKeyInit>::new_from_slice(mac.expose()).map_err(|_| AwsError::invalid_ciphertext())?;
        iv_mac_after_header.update(&header);
        Ok(DerivedKeys { cipher, ghash_after_header, iv_mac_after_header, header })
    }

    /// AES-256-GCM: encrypts `body` in place and returns the tag over `aad_tail`
    /// (the AAD after the header) and the ciphertext.
    fn seal_in_place(&self, iv: &[u8; IV_LEN], aad_tail: &[u8], body: &mut [u8]) -> [u8; TAG_LEN] {
        let mask = self.apply_keystream(iv, body);
        xor_block(self.ghash(aad_tail, body), &mask)
    }

    /// AES-256-GCM: decrypts `body` in place and checks the tag in constant
    /// time. On failure `body` is zeroed: no plaintext leaves.
    fn open_in_place(&self, iv: &[u8; IV_LEN], aad_tail: &[u8], body: &mut [u8], tag: &[u8]) -> bool {
        // GHASH covers the ciphertext, so it runs before the body is decrypted.
        let unmasked = self.ghash(aad_tail, body);
        let mask = self.apply_keystream(iv, body);
        let expected = xor_block(unmasked, &mask);
        if bool::from(expected.ct_eq(tag)) {
            return true;
        }
        body.zeroize();
        false
    }

    /// XORs the GCM keystream (counter 2 onwards) into `data` and returns the
    /// tag mask E(J0), computed in the same batch as the first counter blocks.
    fn apply_keystream(&self, iv: &[u8; IV_LEN], data: &mut [u8]) -> [u8; BLOCK_LEN] {
        let mut tag_mask = [0u8; BLOCK_LEN];
        let mut blocks = [[0u8; BLOCK_LEN]; KEYSTREAM_BATCH];
        // Counter 1 is J0 (the tag mask); the data's keystream starts at 2.
        let mut counter: u32 = 1;
        let mut first = true;
        let mut rest = data;
        while first || !rest.is_empty() {
            let skip = usize::from(first);
            let wanted = (rest.len().div_ceil(BLOCK_LEN) + skip).min(KEYSTREAM_BATCH);
            let batch = blocks.get_mut(..wanted).unwrap_or_default();
            for block in batch.iter_mut() {
                *block = counter_block(iv, counter);
                counter = counter.wrapping_add(1);
            }
            self.cipher.encrypt_blocks(batch);
            let mut stream = batch.iter();
            if first {
                if let Some(j0) = stream.next() {
                    tag_mask = *j0;
                }
                first = false;
            }
            for block in stream {
                let take = rest.len().min(BLOCK_LEN);
                let (chunk, tail) = std::mem::take(&mut rest).split_at_mut(take);
                chunk.iter_mut().zip(block.iter()).for_each(|(d, k)| *d ^= k);
                rest = tail;
            }
        }
        blocks.zeroize();
        tag_mask
    }

    /// GHASH over (header ‖ `aad_tail`) and `ciphertext`, before masking.
    fn ghash(&self, aad_tail: &[u8], ciphertext: &[u8]) -> [u8; TAG_LEN] {
        let mut ghash = self.ghash_after_header.clone();
        let header_rest = self.header.get(self.header.len() / BLOCK_LEN * BLOCK_LEN..).unwrap_or_default();
        // The header's last partial block continues with the context encoding.
        let mut joint = [0u8; BLOCK_LEN];
        let (head, tail) = aad_tail.split_at(aad_tail.len().min(BLOCK_LEN - header_rest.len()));
        let joint_len = header_rest.len() + head.len();
        joint.get_mut(..header_rest.len()).unwrap_or_default().copy_from_slice(header_rest);
        joint.get_mut(header_rest.len()..joint_len).unwrap_or_default().copy_from_slice(head);
        ghash.update_padded(joint.get(..joint_len).unwrap_or_default());
        ghash.update_padded(tail);
        ghash.update_padded(ciphertext);
        let aad_bits = ((self.header.len() + aad_tail.len()) as u64) * 8;
        let body_bits = (ciphertext.len() as u64) * 8;
        let mut lengths = Block::default();
        lengths.get_mut(..8).unwrap_or_default().copy_from_slice(&aad_bits.to_be_bytes());
        lengths.get_mut(8..).unwrap_or_default().copy_from_slice(&body_bits.to_be_bytes());
        ghash.update(&[lengths]);
        let mut out = [0u8; TAG_LEN];
        out.copy_from_slice(&ghash.finalize());
        out
    }
}

fn xor_block(mut a: [u8; BLOCK_LEN], b: &[u8; BLOCK_LEN]) -> [u8; BLOCK_LEN] {
    a.iter_mut().zip(b).for_each(|(x, y)| *x ^= y);
    a
}

/// `IV ‖ counter` (the GCM counter block for a 96-bit IV).
fn counter_block(iv: &[u8; IV_LEN], counter: u32) -> [u8; BLOCK_LEN] {
    let mut block = [0u8; BLOCK_LEN];
    block.get_mut(..IV_LEN).unwrap_or_default().copy_from_slice(iv);
    block.get_mut(IV_LEN..).unwrap_or_default().copy_from_slice(&counter.to_be_bytes());
    block
}

/// `0x01 | u8 n | ARN | u32 version`.
fn blob_header(key_arn: &str, version: u32) -> Result<Vec<u8>, AwsError> {
    let arn_len = u8::try_from(key_arn.len()).map_err(|_| AwsError::validation("key ARN is too long"))?;
    let mut header = Vec::with_capacity(2 + key_arn.len() + 4);
    header.push(BLOB_FORMAT_V1);
    header.push(arn_len);
    header.extend_from_slice(key_arn.as_bytes());
    header.extend_from_slice(&version.to_be_bytes());
    Ok(header)
}

/// Canonical, unambiguous encryption-context encoding: u16 pair count, then
/// pairs sorted by key bytes, each as u16-length-prefixed key and value.
/// (`{"ab":"c"}` and `{"a":"bc"}` encode differently.)
pub fn encode_context(context: &BTreeMap<String, String>) -> Vec<u8> {
    let mut out = Vec::with_capacity(encoded_context_len(context));
    encode_context_into(&mut out, context);
    out
}

/// The canonical encoding of the empty context.
pub const EMPTY_CONTEXT: &[u8] = &[0, 0];

fn encoded_context_len(context: &BTreeMap<String, String>) -> usize {
    2 + context.iter().map(|(k, v)| 4 + k.len() + v.len()).sum::<usize>()
}

/// Appends the canonical encoding to `out`.
fn encode_context_into(out: &mut Vec<u8>, context: &BTreeMap<String, String>) {
    push_u16(out, context.len());
    // BTreeMap<String, _> iterates in byte order of the keys.
    for (k, v) in context {
        push_u16(out, k.len());
        out.extend_from_slice(k.as_bytes());
        push_u16(out, v.len());
        out.extend_from_slice(v.as_bytes());
    }
}

fn push_u16(out: &mut Vec<u8>, n: usize) {
    // Callers validate lengths first; saturate rather than wrap if one did not.
    let n = u16::try_from(n).unwrap_or(u16::MAX);
    out.extend_from_slice(&n.to_be_bytes());
}

/// An encryption context in its canonical encoding ([`encode_context`]),
/// computed once per call: it is the AAD the cipher binds and the form the
/// audit trail keeps (one allocation per event, written as the JSON object
/// it was when the trail is read).
#[derive(Clone, PartialEq, Eq)]
pub struct EncodedContext(Box<[u8]>);

impl EncodedContext {
    /// Encodes `context`; `None` if it is too large for the encoding's
    /// 16-bit lengths (far beyond the 8,192-byte limit requests are held to).
    pub fn new(context: &BTreeMap<String, String>) -> Option<Self> {
        let fits = u16::try_from(context.len()).is_ok()
            && context.iter().all(|(k, v)| u16::try_from(k.len().max(v.len())).is_ok());
        fits.then(|| EncodedContext(encode_context(context).into_boxed_slice()))
    }

    /// The encoding's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The pairs, in key order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut rest = self.0.get(2..).unwrap_or_default();
        let mut next_text = move || {
            let (len, tail) = rest.split_first_chunk::<2>()?;
            let (text, tail) = tail.split_at_checked(usize::from(u16::from_be_bytes(*len)))?;
            rest = tail;
            std::str::from_utf8(text).ok()
        };
        std::iter::from_fn(move || Some((next_text()?, next_text()?)))
    }
}

impl std::fmt::Debug for EncodedContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.pairs()).finish()
    }
}

impl serde::Serialize for EncodedContext {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.pairs())
    }
}

/// The parsed header of a blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobHeader<'a> {
    /// The key ARN the blob names.
    pub key_arn: &'a str,
    /// The backing key version.
    pub version: u32,
}

/// Reads a blob's header, or fails with the one `InvalidCiphertextException`.
pub fn parse_header(blob: &[u8]) -> Result<BlobHeader<'_>, AwsError> {
    split_blob(blob).map(|parts| parts.header)
}

struct BlobParts<'a> {
    header: BlobHeader<'a>,
    header_bytes: &'a [u8],
    iv: &'a [u8],
    body_and_tag: &'a [u8],
}

fn split_blob(blob: &[u8]) -> Result<BlobParts<'_>, AwsError> {
    let bad = AwsError::invalid_ciphertext;
    let (&format, rest) = blob.split_first().ok_or_else(bad)?;
    if format != BLOB_FORMAT_V1 {
        return Err(bad());
    }
    let (&arn_len, rest) = rest.split_first().ok_or_else(bad)?;
    let (arn, rest) = rest.split_at_checked(usize::from(arn_len)).ok_or_else(bad)?;
    let (version, rest) = rest.split_at_checked(4).ok_or_else(bad)?;
    let header_len = 2 + usize::from(arn_len) + 4;
    let header_bytes = blob.get(..header_len).ok_or_else(bad)?;
    let (iv, body_and_tag) = rest.split_at_checked(IV_LEN).ok_or_else(bad)?;
    if body_and_tag.len() < TAG_LEN {
        return Err(bad());
    }
    let key_arn = std::str::from_utf8(arn).map_err(|_| bad())?;
    let version = u32::from_be_bytes(version.try_into().map_err(|_| bad())?);
    Ok(BlobParts { header: BlobHeader { key_arn, version }, header_bytes, iv, body_and_tag })
}

/// Encrypts `plaintext` under a backing key version (whose header `keys`
/// carries), binding `context` (its canonical encoding). `fresh` is 12
/// random bytes from the simulator's entropy source.
pub fn seal(keys: &DerivedKeys, plaintext: &[u8], context: &[u8], fresh: &[u8; IV_LEN]) -> Result<Vec<u8>, AwsError> {
    let mut mac = keys.iv_mac_after_header.clone();
    mac.update(context);
    mac.update(fresh);
    mac.update(plaintext);
    let digest = mac.finalize().into_bytes();
    let mut iv = [0u8; IV_LEN];
    iv.copy_from_slice(digest.get(..IV_LEN).ok_or_else(AwsError::invalid_ciphertext)?);

    let mut blob = Vec::with_capacity(keys.header.len() + IV_LEN + plaintext.len() + TAG_LEN);
    blob.extend_from_slice(&keys.header);
    blob.extend_from_slice(&iv);
    let body_start = blob.len();
    blob.extend_from_slice(plaintext);
    let body = blob.get_mut(body_start..).ok_or_else(AwsError::invalid_ciphertext)?;
    let tag = keys.seal_in_place(&iv, context, body);
    blob.extend_from_slice(&tag);
    Ok(blob)
}

/// Decrypts a blob whose header has been resolved to `keys`, with `context`
/// in its canonical encoding. Every failure is the same `InvalidCiphertextException`.
pub fn open(keys: &DerivedKeys, blob: &[u8], context: &[u8]) -> Result<SecretBytes, AwsError> {
    let parts = split_blob(blob)?;
    if !crate::policy::compare::same_bytes(parts.header_bytes, &keys.header) {
        return Err(AwsError::invalid_ciphertext());
    }
    let (body, tag) = parts
        .body_and_tag
        .split_at_checked(parts.body_and_tag.len() - TAG_LEN)
        .ok_or_else(AwsError::invalid_ciphertext)?;
    let iv: &[u8; IV_LEN] = parts.iv.try_into().map_err(|_| AwsError::invalid_ciphertext())?;
    let mut plaintext = SecretBytes::new(body.to_vec());
    if keys.open_in_place(iv, context, plaintext.expose_mut(), tag) {
        Ok(plaintext)
    } else {
        Err(AwsError::invalid_ciphertext())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(byte: u8) -> DerivedKeys {
        keys_for(byte, ARN, 3)
    }

    fn keys_for(byte: u8, arn: &str, version: u32) -> DerivedKeys {
        DerivedKeys::derive(&SecretBytes::new(vec![byte; 32]), arn, version).unwrap()
    }

    fn ctx(pairs: &[(&str, &str)]) -> Vec<u8> {
        encode_context(&map(pairs))
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    const ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn round_trip_binds_context_and_key() {
        let k = keys(7);
        let c = ctx(&[("purpose", "test")]);
        let blob = seal(&k, b"hello", &c, &[1; 12]).unwrap();
        assert_eq!(parse_header(&blob).unwrap(), BlobHeader { key_arn: ARN, version: 3 });
        assert_eq!(open(&k, &blob, &c).unwrap().expose(), b"hello");
        assert!(open(&k, &blob, &ctx(&[])).is_err());
        assert!(open(&k, &blob, &ctx(&[("purpose", "test"), ("x", "y")])).is_err());
        assert!(open(&keys(8), &blob, &c).is_err());
    }

    #[test]
    fn context_encoding_is_unambiguous() {
        assert_ne!(ctx(&[("ab", "c")]), ctx(&[("a", "bc")]));
        assert_eq!(ctx(&[]), EMPTY_CONTEXT);
    }

    #[test]
    fn encoded_context_reads_back_its_pairs() {
        let pairs = [("", "empty key"), ("a", ""), ("z", "last"), ("é", "ünï")];
        let encoded = EncodedContext::new(&map(&pairs)).unwrap();
        assert_eq!(encoded.as_bytes(), ctx(&pairs));
        assert_eq!(encoded.pairs().collect::<Vec<_>>(), pairs);
        assert_eq!(format!("{encoded:?}"), format!("{:?}", map(&pairs)));
        assert!(EncodedContext::new(&map(&[("k", &"v".repeat(70_000))])).is_none());
    }

    #[test]
    fn same_random_different_plaintext_gives_different_iv() {
        let k = keys(1);
        let a = seal(&k, b"aaaa", &ctx(&[]), &[9; 12]).unwrap();
        let b = seal(&k, b"bbbb", &ctx(&[]), &[9; 12]).unwrap();
        let iv = |blob: &[u8]| blob[2 + ARN.len() + 4..2 + ARN.len() + 16].to_vec();
        assert_ne!(iv(&a), iv(&b));
    }

    #[test]
    fn every_truncation_is_rejected_without_panicking() {
        let k = keys(2);
        let blob = seal(&k, b"x", &ctx(&[]), &[0; 12]).unwrap();
        for len in 0..blob.len() {
            let err = open(&k, &blob[..len], &ctx(&[])).unwrap_err();
            assert_eq!(err, AwsError::invalid_ciphertext());
        }
    }
}
