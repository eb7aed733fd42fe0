//! Keyrings: what wraps and unwraps the per-message data key.

pub mod kms;
pub mod multi;
pub mod raw_aes;
pub mod simulator_kms;

use crate::envelope::materials::{DecryptionMaterials, EncryptionMaterials};
use crate::error::AwsResult;
use crate::rng::EntropySource;

pub use kms::{KmsDataKeys, KmsGeneratedKey, KmsKeyring};
pub use multi::MultiKeyring;
pub use raw_aes::RawAesKeyring;
pub use simulator_kms::{SharedSimulator, SharedSimulatorKms, SimulatorKms};

/// One wrapped copy of the data key, as stored in the header.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EncryptedDataKey {
    /// Who can unwrap it (`aws-kms`, or a raw keyring's namespace).
    pub provider_id: String,
    /// Provider-specific locator (key ARN; raw AES: key name, tag length, IV).
    pub provider_info: Vec<u8>,
    /// The wrapped key.
    pub ciphertext: Vec<u8>,
}

/// A keyring adds encrypted data keys on encrypt and recovers the data key on decrypt.
pub trait Keyring {
    /// Generates the data key if absent, then wraps it, appending an EDK.
    fn on_encrypt(
        &mut self,
        materials: EncryptionMaterials,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials>;
    /// Unwraps the first EDK it can; fails if it can unwrap none.
    fn on_decrypt(
        &mut self,
        materials: DecryptionMaterials,
        edks: &[EncryptedDataKey],
    ) -> AwsResult<DecryptionMaterials>;
}

impl<K: Keyring + ?Sized> Keyring for &mut K {
    fn on_encrypt(
        &mut self,
        materials: EncryptionMaterials,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials> {
        (**self).on_encrypt(materials, rng)
    }
    fn on_decrypt(
        &mut self,
        materials: DecryptionMaterials,
        edks: &[EncryptedDataKey],
    ) -> AwsResult<DecryptionMaterials> {
        (**self).on_decrypt(materials, edks)
    }
}

impl<K: Keyring + ?Sized> Keyring for Box<K> {
    fn on_encrypt(
        &mut self,
        materials: EncryptionMaterials,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials> {
        (**self).on_encrypt(materials, rng)
    }
    fn on_decrypt(
        &mut self,
        materials: DecryptionMaterials,
        edks: &[EncryptedDataKey],
    ) -> AwsResult<DecryptionMaterials> {
        (**self).on_decrypt(materials, edks)
    }
}
