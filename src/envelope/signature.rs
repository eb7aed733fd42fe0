//! ECDSA P-384 / SHA-384 for suite 0x0578: key generation from injected
//! entropy, the public key as it is stored in the context, signing (RFC 6979,
//! so no randomness after key generation) and verification.

use crate::error::{AwsError, ErrorCode};
use crate::rng::EntropySource;
use base64::Engine;
use p384::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use p384::ecdsa::{Signature, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

/// Draws a P-384 signing key from `rng` (rejection-sampling out-of-range scalars).
pub fn generate_signing_key(rng: &mut dyn EntropySource) -> Result<SigningKey, AwsError> {
    for _ in 0..64 {
        let mut bytes = Zeroizing::new([0u8; 48]);
        rng.fill_bytes(bytes.as_mut_slice())?;
        if let Ok(key) = SigningKey::from_slice(bytes.as_slice()) {
            return Ok(key);
        }
    }
    Err(AwsError::new(ErrorCode::KMSInternalException, "could not draw a P-384 signing key"))
}

/// Base64 of the compressed SEC1 public point: the `aws-crypto-public-key` value.
pub fn public_key_b64(key: &SigningKey) -> String {
    let point = key.verifying_key().to_sec1_point(true);
    base64::engine::general_purpose::STANDARD.encode(point.as_bytes())
}

/// Parses an `aws-crypto-public-key` value.
pub fn parse_public_key(b64: &str) -> Result<VerifyingKey, AwsError> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|_| AwsError::invalid_ciphertext())?;
    VerifyingKey::from_sec1_bytes(&bytes).map_err(|_| AwsError::invalid_ciphertext())
}

/// Signs a SHA-384 digest; returns the DER signature.
pub fn sign_digest(key: &SigningKey, digest: &[u8]) -> Result<Vec<u8>, AwsError> {
    let sig: Signature =
        key.sign_prehash(digest).map_err(|_| AwsError::new(ErrorCode::KMSInternalException, "ECDSA signing failed"))?;
    Ok(sig.to_der().as_bytes().to_vec())
}

/// Verifies a DER signature over a SHA-384 digest.
pub fn verify_digest(key: &VerifyingKey, digest: &[u8], der: &[u8]) -> Result<(), AwsError> {
    let sig = Signature::from_der(der).map_err(|_| AwsError::invalid_ciphertext())?;
    key.verify_prehash(digest, &sig).map_err(|_| AwsError::invalid_ciphertext())
}
