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

use crate::bytes::SecretBytes;
use crate::error::AwsError;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit as HmacKeyInit, Mac};
use sha2::Sha256;
use std::collections::BTreeMap;

/// The blob format version this module writes.
pub const BLOB_FORMAT_V1: u8 = 0x01;
const IV_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Sub-keys derived once from a backing key's material.
#[derive(Clone)]
pub struct DerivedKeys {
    aead: Aes256Gcm,
    iv_mac: Hmac<Sha256>,
}

impl DerivedKeys {
    /// Derives the encryption and IV keys from 32 bytes of material.
    pub fn derive(material: &SecretBytes) -> Result<Self, AwsError> {
        let hkdf = Hkdf::<Sha256>::new(Some(b"kmsim symmetric v1"), material.expose());
        let mut enc = SecretBytes::zeroed(32);
        let mut mac = SecretBytes::zeroed(32);
        hkdf.expand(b"encryption key", enc.expose_mut()).map_err(|_| AwsError::invalid_ciphertext())?;
        hkdf.expand(b"synthetic iv key", mac.expose_mut()).map_err(|_| AwsError::invalid_ciphertext())?;
        let aead = Aes256Gcm::new_from_slice(enc.expose()).map_err(|_| AwsError::invalid_ciphertext())?;
        let iv_mac =
            <Hmac<Sha256> as HmacKeyInit>::new_from_slice(mac.expose()).map_err(|_| AwsError::invalid_ciphertext())?;
        Ok(DerivedKeys { aead, iv_mac })
    }
}

/// Canonical, unambiguous encryption-context encoding: u16 pair count, then
/// pairs sorted by key bytes, each as u16-length-prefixed key and value.
/// (`{"ab":"c"}` and `{"a":"bc"}` encode differently.)
pub fn encode_context(context: &BTreeMap<String, String>) -> Vec<u8> {
    let mut out = Vec::with_capacity(encoded_context_len(context));
    encode_context_into(&mut out, context);
    out
}

fn encoded_context_len(context: &BTreeMap<String, String>) -> usize {
    2 + context.iter().map(|(k, v)| 4 + k.len() + v.len()).sum::<usize>()
}

/// Appends the canonical encoding to `out` (one buffer for header and context on the hot path).
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

fn aad(header_bytes: &[u8], context: &BTreeMap<String, String>) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header_bytes.len() + encoded_context_len(context));
    aad.extend_from_slice(header_bytes);
    encode_context_into(&mut aad, context);
    aad
}

/// Encrypts `plaintext` under a backing key version of `key_arn`, binding `context`.
/// `fresh` is 12 random bytes from the simulator's entropy source.
pub fn seal(
    keys: &DerivedKeys,
    key_arn: &str,
    version: u32,
    plaintext: &[u8],
    context: &BTreeMap<String, String>,
    fresh: &[u8; 12],
) -> Result<Vec<u8>, AwsError> {
    let arn_len = u8::try_from(key_arn.len()).map_err(|_| AwsError::validation("key ARN is too long"))?;
    let mut blob = Vec::with_capacity(2 + key_arn.len() + 4 + IV_LEN + plaintext.len() + TAG_LEN);
    blob.push(BLOB_FORMAT_V1);
    blob.push(arn_len);
    blob.extend_from_slice(key_arn.as_bytes());
    blob.extend_from_slice(&version.to_be_bytes());
    let header_len = blob.len();
    let aad = aad(&blob, context);

    let mut mac = keys.iv_mac.clone();
    mac.update(&aad);
    mac.update(fresh);
    mac.update(plaintext);
    let digest = mac.finalize().into_bytes();
    let iv = digest.get(..IV_LEN).ok_or_else(AwsError::invalid_ciphertext)?;
    blob.extend_from_slice(iv);

    let body_start = blob.len();
    blob.extend_from_slice(plaintext);
    let nonce = Nonce::try_from(iv).map_err(|_| AwsError::invalid_ciphertext())?;
    let body = blob.get_mut(body_start..).ok_or_else(AwsError::invalid_ciphertext)?;
    let tag =
        keys.aead.encrypt_inout_detached(&nonce, &aad, body.into()).map_err(|_| AwsError::invalid_ciphertext())?;
    blob.extend_from_slice(&tag);
    debug_assert_eq!(header_len + IV_LEN + plaintext.len() + TAG_LEN, blob.len());
    Ok(blob)
}

/// Decrypts a blob whose header has been resolved to `keys`. Every failure is
/// the same `InvalidCiphertextException`.
pub fn open(keys: &DerivedKeys, blob: &[u8], context: &BTreeMap<String, String>) -> Result<SecretBytes, AwsError> {
    let parts = split_blob(blob)?;
    let (body, tag) = parts
        .body_and_tag
        .split_at_checked(parts.body_and_tag.len() - TAG_LEN)
        .ok_or_else(AwsError::invalid_ciphertext)?;
    let aad = aad(parts.header_bytes, context);
    let nonce = Nonce::try_from(parts.iv).map_err(|_| AwsError::invalid_ciphertext())?;
    let tag = Tag::try_from(tag).map_err(|_| AwsError::invalid_ciphertext())?;
    let mut plaintext = SecretBytes::new(body.to_vec());
    keys.aead
        .decrypt_inout_detached(&nonce, &aad, plaintext.expose_mut().into(), &tag)
        .map_err(|_| AwsError::invalid_ciphertext())?;
    Ok(plaintext)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(byte: u8) -> DerivedKeys {
        DerivedKeys::derive(&SecretBytes::new(vec![byte; 32])).unwrap()
    }

    fn ctx(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    const ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn round_trip_binds_context_and_key() {
        let k = keys(7);
        let c = ctx(&[("purpose", "test")]);
        let blob = seal(&k, ARN, 3, b"hello", &c, &[1; 12]).unwrap();
        assert_eq!(parse_header(&blob).unwrap(), BlobHeader { key_arn: ARN, version: 3 });
        assert_eq!(open(&k, &blob, &c).unwrap().expose(), b"hello");
        assert!(open(&k, &blob, &ctx(&[])).is_err());
        assert!(open(&k, &blob, &ctx(&[("purpose", "test"), ("x", "y")])).is_err());
        assert!(open(&keys(8), &blob, &c).is_err());
    }

    #[test]
    fn context_encoding_is_unambiguous() {
        assert_ne!(encode_context(&ctx(&[("ab", "c")])), encode_context(&ctx(&[("a", "bc")])));
        assert_eq!(encode_context(&ctx(&[])), vec![0, 0]);
    }

    #[test]
    fn same_random_different_plaintext_gives_different_iv() {
        let k = keys(1);
        let a = seal(&k, ARN, 1, b"aaaa", &ctx(&[]), &[9; 12]).unwrap();
        let b = seal(&k, ARN, 1, b"bbbb", &ctx(&[]), &[9; 12]).unwrap();
        let iv = |blob: &[u8]| blob[2 + ARN.len() + 4..2 + ARN.len() + 16].to_vec();
        assert_ne!(iv(&a), iv(&b));
    }

    #[test]
    fn every_truncation_is_rejected_without_panicking() {
        let k = keys(2);
        let blob = seal(&k, ARN, 1, b"x", &ctx(&[]), &[0; 12]).unwrap();
        for len in 0..blob.len() {
            let err = open(&k, &blob[..len], &ctx(&[])).unwrap_err();
            assert_eq!(err, AwsError::invalid_ciphertext());
        }
    }
}
