//! Encryption / decryption materials and the cryptographic materials
//! manager (CMM) that produces them from a keyring.

use crate::clock::Timestamp;
use crate::envelope::format::context::RESERVED_PREFIX;
use crate::envelope::format::{EncryptionContext, PUBLIC_KEY_CONTEXT_KEY};
use crate::envelope::keyring::{EncryptedDataKey, Keyring};
use crate::envelope::signature::{generate_signing_key, parse_public_key, public_key_b64};
use crate::envelope::suite::AlgorithmSuite;
use crate::error::{AwsError, AwsResult};
use crate::rng::EntropySource;
use p384::ecdsa::{SigningKey, VerifyingKey};
use zeroize::Zeroizing;

/// Everything needed to write one message.
#[derive(Clone)]
pub struct EncryptionMaterials {
    /// The suite.
    pub suite: AlgorithmSuite,
    /// The context to store (including `aws-crypto-public-key` for signed suites).
    pub context: EncryptionContext,
    /// Wrapped copies of the data key.
    pub encrypted_data_keys: Vec<EncryptedDataKey>,
    /// The plaintext data key.
    pub data_key: Option<Zeroizing<Vec<u8>>>,
    /// The ECDSA key for signed suites.
    pub signing_key: Option<SigningKey>,
}

impl std::fmt::Debug for EncryptionMaterials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptionMaterials")
            .field("suite", &self.suite)
            .field("context", &self.context)
            .field("encrypted_data_keys", &self.encrypted_data_keys.len())
            .field("has_data_key", &self.data_key.is_some())
            .finish_non_exhaustive()
    }
}

impl EncryptionMaterials {
    /// Materials with no data key yet.
    pub fn new(suite: AlgorithmSuite, context: EncryptionContext) -> Self {
        EncryptionMaterials { suite, context, encrypted_data_keys: Vec::new(), data_key: None, signing_key: None }
    }
}

/// Everything needed to read one message.
#[derive(Clone)]
pub struct DecryptionMaterials {
    /// The suite.
    pub suite: AlgorithmSuite,
    /// The context stored in the message.
    pub context: EncryptionContext,
    /// The plaintext data key, once a keyring has found it.
    pub data_key: Option<Zeroizing<Vec<u8>>>,
    /// The ECDSA verification key for signed suites.
    pub verification_key: Option<VerifyingKey>,
}

impl std::fmt::Debug for DecryptionMaterials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecryptionMaterials")
            .field("suite", &self.suite)
            .field("context", &self.context)
            .field("has_data_key", &self.data_key.is_some())
            .finish_non_exhaustive()
    }
}

impl DecryptionMaterials {
    /// Materials with no data key yet.
    pub fn new(suite: AlgorithmSuite, context: EncryptionContext) -> Self {
        DecryptionMaterials { suite, context, data_key: None, verification_key: None }
    }
}

/// What a caller asks a CMM for when encrypting.
#[derive(Debug, Clone, Copy)]
pub struct EncryptionRequest<'r> {
    /// The caller's context.
    pub context: &'r EncryptionContext,
    /// The suite to use.
    pub suite: AlgorithmSuite,
    /// The plaintext length, when known (the caching CMM needs it to cache).
    pub plaintext_length: Option<u64>,
    /// The current time (only the caching CMM reads it).
    pub now: Timestamp,
}

/// What a caller asks a CMM for when decrypting.
#[derive(Debug, Clone, Copy)]
pub struct DecryptionRequest<'r> {
    /// The message's suite.
    pub suite: AlgorithmSuite,
    /// The message's EDKs.
    pub encrypted_data_keys: &'r [EncryptedDataKey],
    /// The message's stored context.
    pub context: &'r EncryptionContext,
    /// The current time (only the caching CMM reads it).
    pub now: Timestamp,
}

/// A cryptographic materials manager.
pub trait CryptoMaterialsManager {
    /// Materials for a new message.
    fn get_encryption_materials(
        &mut self,
        request: &EncryptionRequest<'_>,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials>;
    /// Materials for an existing message.
    fn decrypt_materials(&mut self, request: &DecryptionRequest<'_>) -> AwsResult<DecryptionMaterials>;
}

impl<M: CryptoMaterialsManager + ?Sized> CryptoMaterialsManager for &mut M {
    fn get_encryption_materials(
        &mut self,
        request: &EncryptionRequest<'_>,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials> {
        (**self).get_encryption_materials(request, rng)
    }
    fn decrypt_materials(&mut self, request: &DecryptionRequest<'_>) -> AwsResult<DecryptionMaterials> {
        (**self).decrypt_materials(request)
    }
}

/// The default CMM: asks one keyring, and handles the signing key.
#[derive(Debug)]
pub struct DefaultCmm<K> {
    keyring: K,
}

impl<K: Keyring> DefaultCmm<K> {
    /// Wraps a keyring.
    pub fn new(keyring: K) -> Self {
        DefaultCmm { keyring }
    }
}

impl<K: Keyring> CryptoMaterialsManager for DefaultCmm<K> {
    fn get_encryption_materials(
        &mut self,
        request: &EncryptionRequest<'_>,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials> {
        if request.context.keys().any(|k| k.starts_with(RESERVED_PREFIX)) {
            return Err(AwsError::validation("encryption context keys starting with \"aws-crypto-\" are reserved"));
        }
        let mut materials = EncryptionMaterials::new(request.suite, request.context.clone());
        if request.suite.is_signed() {
            let key = generate_signing_key(rng)?;
            materials.context.insert(PUBLIC_KEY_CONTEXT_KEY.to_owned(), public_key_b64(&key));
            materials.signing_key = Some(key);
        }
        let materials = self.keyring.on_encrypt(materials, rng)?;
        let key_ok = materials.data_key.as_ref().is_some_and(|k| k.len() == request.suite.data_key_len());
        if !key_ok || materials.encrypted_data_keys.is_empty() {
            return Err(AwsError::validation("the keyring produced no usable data key"));
        }
        Ok(materials)
    }

    fn decrypt_materials(&mut self, request: &DecryptionRequest<'_>) -> AwsResult<DecryptionMaterials> {
        let mut materials = DecryptionMaterials::new(request.suite, request.context.clone());
        match (request.suite.is_signed(), request.context.get(PUBLIC_KEY_CONTEXT_KEY)) {
            (true, Some(b64)) => materials.verification_key = Some(parse_public_key(b64)?),
            (false, None) => {}
            _ => return Err(AwsError::invalid_ciphertext()),
        }
        let materials = self.keyring.on_decrypt(materials, request.encrypted_data_keys)?;
        match &materials.data_key {
            Some(k) if k.len() == request.suite.data_key_len() => Ok(materials),
            _ => Err(AwsError::invalid_ciphertext()),
        }
    }
}
