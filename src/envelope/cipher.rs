//! AES-GCM: the [`FrameCipher`] seam for the bulk path, and the key-size
//! dispatch the raw AES keyring uses for wrapping.

use crate::error::AwsError;
use aes_gcm::aead::consts::{U12, U16};
use aes_gcm::aead::inout::InOutBuf;
use aes_gcm::aes::{Aes128, Aes192, Aes256};
use aes_gcm::{AeadInOut, AesGcm, KeyInit};

/// Seals and opens one frame (or the header tag) with AES-256-GCM.
///
/// The default is [`AesGcmFrameCipher`] (pure Rust). A JS host can supply
/// its own (node:crypto) through this trait; every implementation must
/// produce byte-identical output, which the tests check.
pub trait FrameCipher {
    /// Encrypts `buf` in place and returns the 16-byte tag.
    fn seal(&self, key: &[u8; 32], iv: &[u8; 12], aad: &[u8], buf: &mut [u8]) -> Result<[u8; 16], AwsError>;
    /// Verifies `tag` and decrypts `buf` in place. On error the contents of
    /// `buf` are unspecified and must be discarded by the caller.
    fn open(&self, key: &[u8; 32], iv: &[u8; 12], aad: &[u8], buf: &mut [u8], tag: &[u8; 16]) -> Result<(), AwsError>;
}

/// The pure-Rust AES-256-GCM (`aes-gcm` crate).
#[derive(Debug, Default, Clone, Copy)]
pub struct AesGcmFrameCipher;

impl FrameCipher for AesGcmFrameCipher {
    fn seal(&self, key: &[u8; 32], iv: &[u8; 12], aad: &[u8], buf: &mut [u8]) -> Result<[u8; 16], AwsError> {
        gcm_seal(key, iv, aad, buf)
    }

    fn open(&self, key: &[u8; 32], iv: &[u8; 12], aad: &[u8], buf: &mut [u8], tag: &[u8; 16]) -> Result<(), AwsError> {
        gcm_open(key, iv, aad, buf, tag)
    }
}

fn seal_with<A: AeadInOut<NonceSize = U12, TagSize = U16> + KeyInit>(
    key: &[u8],
    iv: &[u8; 12],
    aad: &[u8],
    buf: &mut [u8],
) -> Result<[u8; 16], AwsError> {
    let cipher = A::new_from_slice(key).map_err(|_| AwsError::validation("bad AES key length"))?;
    let tag = cipher
        .encrypt_inout_detached(&(*iv).into(), aad, InOutBuf::from(buf))
        .map_err(|_| AwsError::validation("AES-GCM input too long"))?;
    tag.as_slice().try_into().map_err(|_| AwsError::validation("AES-GCM tag length"))
}

fn open_with<A: AeadInOut<NonceSize = U12, TagSize = U16> + KeyInit>(
    key: &[u8],
    iv: &[u8; 12],
    aad: &[u8],
    buf: &mut [u8],
    tag: &[u8; 16],
) -> Result<(), AwsError> {
    let cipher = A::new_from_slice(key).map_err(|_| AwsError::validation("bad AES key length"))?;
    // aes-gcm checks the tag in constant time before releasing anything.
    cipher
        .decrypt_inout_detached(&(*iv).into(), aad, InOutBuf::from(buf), &(*tag).into())
        .map_err(|_| AwsError::invalid_ciphertext())
}

/// AES-GCM seal with a 128-, 192- or 256-bit key.
pub fn gcm_seal(key: &[u8], iv: &[u8; 12], aad: &[u8], buf: &mut [u8]) -> Result<[u8; 16], AwsError> {
    match key.len() {
        16 => seal_with::<AesGcm<Aes128, U12>>(key, iv, aad, buf),
        24 => seal_with::<AesGcm<Aes192, U12>>(key, iv, aad, buf),
        32 => seal_with::<AesGcm<Aes256, U12>>(key, iv, aad, buf),
        _ => Err(AwsError::validation("AES keys are 16, 24 or 32 bytes")),
    }
}

/// AES-GCM open with a 128-, 192- or 256-bit key.
pub fn gcm_open(key: &[u8], iv: &[u8; 12], aad: &[u8], buf: &mut [u8], tag: &[u8; 16]) -> Result<(), AwsError> {
    match key.len() {
        16 => open_with::<AesGcm<Aes128, U12>>(key, iv, aad, buf, tag),
        24 => open_with::<AesGcm<Aes192, U12>>(key, iv, aad, buf, tag),
        32 => open_with::<AesGcm<Aes256, U12>>(key, iv, aad, buf, tag),
        _ => Err(AwsError::validation("AES keys are 16, 24 or 32 bytes")),
    }
}
