//! RSA wrapping keys for importing key material (GetParametersForImport /
//! ImportKeyMaterial), with real RSAES-OAEP so that labs wrap material exactly
//! as they would for AWS (e.g. with OpenSSL's `pkeyutl -pkeyopt rsa_padding_mode:oaep`).
//!
//! Key generation draws from a ChaCha20 stream seeded by the simulator's
//! entropy source, so a seeded simulator hands out the same wrapping key for
//! the same calls.

use crate::bytes::SecretBytes;
use crate::error::{AwsError, AwsResult, ErrorCode};
use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20::ChaCha20;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::rand_core::{TryCryptoRng, TryRng};
use rsa::{Oaep, RsaPrivateKey, RsaPublicKey};
use std::convert::Infallible;

/// A wrapping algorithm kmsim implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WrappingAlgorithm {
    /// RSAES-OAEP with SHA-1 (hash and MGF1).
    RsaesOaepSha1,
    /// RSAES-OAEP with SHA-256 (hash and MGF1).
    RsaesOaepSha256,
}

impl WrappingAlgorithm {
    /// From the AWS name; `None` for names kmsim does not implement.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "RSAES_OAEP_SHA_1" => Some(WrappingAlgorithm::RsaesOaepSha1),
            "RSAES_OAEP_SHA_256" => Some(WrappingAlgorithm::RsaesOaepSha256),
            _ => None,
        }
    }
}

/// A deterministic stream for RSA key generation and OAEP padding.
struct SeededStream(ChaCha20);

impl SeededStream {
    fn new(seed: &[u8; 32]) -> Self {
        SeededStream(ChaCha20::new(seed.into(), &[0u8; 12].into()))
    }
}

impl TryRng for SeededStream {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        dst.fill(0);
        // The stream only ends after 256 GiB; a key generation never gets there.
        let _ = self.0.try_apply_keystream(dst);
        Ok(())
    }
}

impl TryCryptoRng for SeededStream {}

fn internal(what: &str) -> AwsError {
    AwsError::new(ErrorCode::KMSInternalException, format!("wrapping key {what} failed"))
}

/// A new RSA key pair of `bits` bits from `seed`: (PKCS#8 private key DER,
/// SubjectPublicKeyInfo DER — the `PublicKey` AWS returns).
pub fn generate_wrapping_key(seed: &[u8; 32], bits: usize) -> AwsResult<(SecretBytes, Vec<u8>)> {
    let mut rng = SeededStream::new(seed);
    let private = RsaPrivateKey::new(&mut rng, bits).map_err(|_| internal("generation"))?;
    let private_der = private.to_pkcs8_der().map_err(|_| internal("encoding"))?;
    let public_der = RsaPublicKey::from(&private).to_public_key_der().map_err(|_| internal("encoding"))?;
    Ok((SecretBytes::new(private_der.as_bytes().to_vec()), public_der.as_bytes().to_vec()))
}

/// Unwraps key material with a wrapping private key; `None` when it does not decrypt.
pub fn unwrap_key_material(private_der: &[u8], algorithm: WrappingAlgorithm, wrapped: &[u8]) -> Option<SecretBytes> {
    let private = RsaPrivateKey::from_pkcs8_der(private_der).ok()?;
    let plaintext = match algorithm {
        WrappingAlgorithm::RsaesOaepSha1 => private.decrypt(Oaep::<sha1::Sha1>::new(), wrapped),
        WrappingAlgorithm::RsaesOaepSha256 => private.decrypt(Oaep::<sha2::Sha256>::new(), wrapped),
    };
    plaintext.ok().map(SecretBytes::new)
}

/// Wraps key material under a `PublicKey` from GetParametersForImport, as a
/// lab's client would before ImportKeyMaterial. `seed` drives the OAEP padding.
pub fn wrap_key_material(
    public_key_der: &[u8],
    algorithm: WrappingAlgorithm,
    material: &[u8],
    seed: &[u8; 32],
) -> AwsResult<Vec<u8>> {
    let public = RsaPublicKey::from_public_key_der(public_key_der)
        .map_err(|_| AwsError::validation("the public key is not an RSA SubjectPublicKeyInfo"))?;
    let mut rng = SeededStream::new(seed);
    let wrapped = match algorithm {
        WrappingAlgorithm::RsaesOaepSha1 => public.encrypt(&mut rng, Oaep::<sha1::Sha1>::new(), material),
        WrappingAlgorithm::RsaesOaepSha256 => public.encrypt(&mut rng, Oaep::<sha2::Sha256>::new(), material),
    };
    wrapped.map_err(|_| AwsError::validation("the key material is too long for this wrapping key"))
}
