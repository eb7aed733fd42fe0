//! Envelope encryption in the AWS Encryption SDK message format, version 2.
//!
//! Messages written here decrypt with the official SDKs (raw AES keyring /
//! raw master key provider, or KMS), and theirs decrypt here. Suites 0x0478
//! (committing, default) and 0x0578 (committing + ECDSA P-384) are supported.
//!
//! Layout: [`format`] (bytes), [`suite`] (key derivation), [`keyring`]
//! (data-key wrapping), [`materials`] / [`cache`] (CMMs), [`stream`]
//! (incremental API), [`batch`] (frames sealed / opened by a host cipher,
//! many per call); [`encrypt`] / [`decrypt`] are the one-shot API.

pub mod batch;
pub mod cache;
pub mod cipher;
pub mod format;
pub mod keyring;
pub mod materials;
pub mod signature;
pub mod stream;
pub mod suite;

pub use batch::{BatchFrame, OpenBatch, SealBatch, MAX_BATCH_FRAMES};
pub use cache::{CacheFront, CacheLimits, CacheStats, CachingCmm, MaterialsCache};
pub use cipher::{AesGcmFrameCipher, FrameCipher};
pub use format::EncryptionContext;
pub use keyring::{
    EncryptedDataKey, Keyring, KmsDataKeys, KmsGeneratedKey, KmsKeyring, MultiKeyring, RawAesKeyring, SharedSimulator,
    SimulatorKms,
};
pub use materials::{CryptoMaterialsManager, DefaultCmm};
pub use stream::{
    DecryptOptions, Decryptor, EncryptOptions, Encryptor, MaterialsSource, MessageInfo, MAX_FRAME_LENGTH,
};
pub use suite::AlgorithmSuite;

use crate::error::AwsResult;
use crate::rng::EntropySource;

/// A decrypted message: plaintext and what its header said.
#[derive(Debug, Clone)]
pub struct DecryptedMessage {
    /// The plaintext.
    pub plaintext: Vec<u8>,
    /// The header (suite, message id, context, EDKs, frame length).
    pub info: MessageInfo,
}

/// Encrypts `plaintext` into one ESDK message.
pub fn encrypt(
    plaintext: &[u8],
    context: &EncryptionContext,
    source: MaterialsSource<'_>,
    options: &EncryptOptions,
    rng: &mut dyn EntropySource,
) -> AwsResult<Vec<u8>> {
    let mut options = options.clone();
    options.plaintext_length = Some(plaintext.len() as u64);
    let mut encryptor = Encryptor::new(source, context, &options, rng)?;
    let mut out = encryptor.update(plaintext)?;
    out.extend_from_slice(&encryptor.finish()?);
    Ok(out)
}

/// Decrypts one whole ESDK message. Nothing is returned unless every frame
/// tag and (for 0x0578) the signature verified and no bytes trail the message.
pub fn decrypt(message: &[u8], source: MaterialsSource<'_>, options: &DecryptOptions) -> AwsResult<DecryptedMessage> {
    let mut decryptor = Decryptor::new(source, options.clone());
    let mut plaintext = decryptor.update(message)?;
    plaintext.extend_from_slice(&decryptor.finish()?);
    let info = decryptor.info().cloned().ok_or_else(crate::error::AwsError::invalid_ciphertext)?;
    Ok(DecryptedMessage { plaintext, info })
}
