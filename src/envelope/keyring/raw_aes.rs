//! The raw AES keyring: wraps the data key with a caller-held AES-GCM key.

use super::{EncryptedDataKey, Keyring};
use crate::envelope::cipher::{gcm_open, gcm_seal};
use crate::envelope::format::reader::Reader;
use crate::envelope::format::serialize_context;
use crate::envelope::materials::{DecryptionMaterials, EncryptionMaterials};
use crate::error::{AwsError, AwsResult};
use crate::rng::EntropySource;
use zeroize::Zeroizing;

const TAG_BITS: u32 = 128;
const IV_LEN: u32 = 12;

/// A raw AES keyring (128-, 192- or 256-bit wrapping key).
pub struct RawAesKeyring {
    namespace: String,
    name: String,
    key: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for RawAesKeyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawAesKeyring")
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .field("key_bits", &(self.key.len() * 8))
            .finish_non_exhaustive()
    }
}

impl RawAesKeyring {
    /// A keyring whose EDKs carry `namespace` as provider id and `name` in the provider info.
    pub fn new(namespace: &str, name: &str, wrapping_key: &[u8]) -> AwsResult<Self> {
        if !matches!(wrapping_key.len(), 16 | 24 | 32) {
            return Err(AwsError::validation("raw AES wrapping keys are 128, 192 or 256 bits"));
        }
        // The spec reserves "aws-kms" so a raw key can never pose as KMS.
        if namespace == "aws-kms" {
            return Err(AwsError::validation("the raw AES key namespace must not be \"aws-kms\""));
        }
        Ok(RawAesKeyring {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            key: Zeroizing::new(wrapping_key.to_vec()),
        })
    }

    /// Parses provider info; `Some(iv)` only if it names this key with the expected shape.
    fn matching_iv(&self, info: &[u8]) -> Option<[u8; 12]> {
        let mut r = Reader::new(info);
        if r.take(self.name.len()).ok()? != self.name.as_bytes() {
            return None;
        }
        if r.u32().ok()? != TAG_BITS || r.u32().ok()? != IV_LEN {
            return None;
        }
        let iv = r.array::<12>().ok()?;
        (r.remaining() == 0).then_some(iv)
    }
}

impl Keyring for RawAesKeyring {
    fn on_encrypt(
        &mut self,
        mut materials: EncryptionMaterials,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials> {
        if materials.data_key.is_none() {
            let mut key = Zeroizing::new(vec![0u8; materials.suite.data_key_len()]);
            rng.fill_bytes(key.as_mut_slice())?;
            materials.data_key = Some(key);
        }
        let data_key = materials.data_key.as_ref().ok_or_else(|| AwsError::validation("no data key"))?;
        let mut iv = [0u8; 12];
        rng.fill_bytes(&mut iv)?;
        let aad = serialize_context(&materials.context)?;
        let mut ciphertext = data_key.to_vec();
        let tag = gcm_seal(&self.key, &iv, &aad, &mut ciphertext)?;
        ciphertext.extend_from_slice(&tag);
        let mut provider_info = Vec::with_capacity(self.name.len() + 20);
        provider_info.extend_from_slice(self.name.as_bytes());
        provider_info.extend_from_slice(&TAG_BITS.to_be_bytes());
        provider_info.extend_from_slice(&IV_LEN.to_be_bytes());
        provider_info.extend_from_slice(&iv);
        materials.encrypted_data_keys.push(EncryptedDataKey {
            provider_id: self.namespace.clone(),
            provider_info,
            ciphertext,
        });
        Ok(materials)
    }

    fn on_decrypt(
        &mut self,
        mut materials: DecryptionMaterials,
        edks: &[EncryptedDataKey],
    ) -> AwsResult<DecryptionMaterials> {
        if materials.data_key.is_some() {
            return Ok(materials);
        }
        let aad = serialize_context(&materials.context)?;
        let key_len = materials.suite.data_key_len();
        for edk in edks.iter().filter(|e| e.provider_id == self.namespace) {
            let Some(iv) = self.matching_iv(&edk.provider_info) else { continue };
            let Some((wrapped, tag)) = edk.ciphertext.split_at_checked(key_len) else { continue };
            let Ok(tag) = <[u8; 16]>::try_from(tag) else { continue };
            let mut key = Zeroizing::new(wrapped.to_vec());
            if gcm_open(&self.key, &iv, &aad, key.as_mut_slice(), &tag).is_ok() {
                materials.data_key = Some(key);
                return Ok(materials);
            }
        }
        Err(AwsError::invalid_ciphertext())
    }
}
