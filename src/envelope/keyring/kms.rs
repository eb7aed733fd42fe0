//! The AWS KMS keyring, written against [`KmsDataKeys`] so any KMS — the
//! simulator, a test fake, a real client — can back it.

use super::{EncryptedDataKey, Keyring};
use crate::envelope::format::EncryptionContext;
use crate::envelope::materials::{DecryptionMaterials, EncryptionMaterials};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::rng::EntropySource;
use zeroize::Zeroizing;

/// Provider id of every KMS-wrapped data key.
pub const KMS_PROVIDER_ID: &str = "aws-kms";

/// What `GenerateDataKey` returns.
pub struct KmsGeneratedKey {
    /// The plaintext data key.
    pub plaintext: Zeroizing<Vec<u8>>,
    /// The `CiphertextBlob`.
    pub ciphertext_blob: Vec<u8>,
    /// The `KeyId` of the response: the key ARN.
    pub key_arn: String,
}

impl std::fmt::Debug for KmsGeneratedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KmsGeneratedKey").field("key_arn", &self.key_arn).finish_non_exhaustive()
    }
}

/// The three KMS operations the keyring needs.
pub trait KmsDataKeys {
    /// `GenerateDataKey` with `NumberOfBytes`.
    fn generate_data_key(
        &mut self,
        key_id: &str,
        number_of_bytes: u32,
        context: &EncryptionContext,
        grant_tokens: &[String],
    ) -> AwsResult<KmsGeneratedKey>;
    /// `Encrypt`: returns the `CiphertextBlob` and the key ARN.
    fn encrypt(
        &mut self,
        key_id: &str,
        plaintext: &[u8],
        context: &EncryptionContext,
        grant_tokens: &[String],
    ) -> AwsResult<(Vec<u8>, String)>;
    /// `Decrypt`: returns the plaintext and the ARN of the key that decrypted it.
    fn decrypt(
        &mut self,
        key_id: Option<&str>,
        ciphertext_blob: &[u8],
        context: &EncryptionContext,
        grant_tokens: &[String],
    ) -> AwsResult<(Zeroizing<Vec<u8>>, String)>;
}

impl<T: KmsDataKeys + ?Sized> KmsDataKeys for &mut T {
    fn generate_data_key(
        &mut self,
        key_id: &str,
        n: u32,
        c: &EncryptionContext,
        g: &[String],
    ) -> AwsResult<KmsGeneratedKey> {
        (**self).generate_data_key(key_id, n, c, g)
    }
    fn encrypt(&mut self, key_id: &str, p: &[u8], c: &EncryptionContext, g: &[String]) -> AwsResult<(Vec<u8>, String)> {
        (**self).encrypt(key_id, p, c, g)
    }
    fn decrypt(
        &mut self,
        key_id: Option<&str>,
        b: &[u8],
        c: &EncryptionContext,
        g: &[String],
    ) -> AwsResult<(Zeroizing<Vec<u8>>, String)> {
        (**self).decrypt(key_id, b, c, g)
    }
}

/// A KMS keyring: one generator key plus any number of extra keys, each of
/// which (e.g. in another account) can decrypt the message alone.
#[derive(Debug)]
pub struct KmsKeyring<C> {
    client: C,
    generator: Option<String>,
    key_ids: Vec<String>,
    grant_tokens: Vec<String>,
    discovery: bool,
}

impl<C: KmsDataKeys> KmsKeyring<C> {
    /// A strict keyring: `generator` makes the data key, every `key_ids` entry
    /// also wraps it; on decrypt only EDKs whose ARN is listed are tried.
    pub fn new(client: C, generator: Option<&str>, key_ids: &[&str]) -> Self {
        KmsKeyring {
            client,
            generator: generator.map(str::to_owned),
            key_ids: key_ids.iter().map(|k| (*k).to_owned()).collect(),
            grant_tokens: Vec::new(),
            discovery: false,
        }
    }

    /// A discovery keyring: cannot encrypt; decrypts any `aws-kms` EDK the
    /// client can decrypt, asking for the key named in the EDK.
    pub fn discovery(client: C) -> Self {
        KmsKeyring { client, generator: None, key_ids: Vec::new(), grant_tokens: Vec::new(), discovery: true }
    }

    /// Grant tokens passed to every call.
    pub fn with_grant_tokens(mut self, tokens: &[&str]) -> Self {
        self.grant_tokens = tokens.iter().map(|t| (*t).to_owned()).collect();
        self
    }

    /// The wrapped client.
    pub fn client_mut(&mut self) -> &mut C {
        &mut self.client
    }

    fn may_decrypt_with(&self, arn: &str) -> bool {
        self.discovery || self.generator.as_deref() == Some(arn) || self.key_ids.iter().any(|k| k == arn)
    }
}

fn edk(arn: String, blob: Vec<u8>) -> AwsResult<EncryptedDataKey> {
    if arn.is_empty() {
        return Err(AwsError::new(ErrorCode::KMSInternalException, "KMS returned no key ARN"));
    }
    Ok(EncryptedDataKey { provider_id: KMS_PROVIDER_ID.to_owned(), provider_info: arn.into_bytes(), ciphertext: blob })
}

impl<C: KmsDataKeys> Keyring for KmsKeyring<C> {
    fn on_encrypt(
        &mut self,
        mut materials: EncryptionMaterials,
        _rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials> {
        if self.discovery {
            return Err(AwsError::validation("a discovery KMS keyring cannot encrypt"));
        }
        let len = materials.suite.data_key_len();
        let mut wrap_with: Vec<String> = Vec::new();
        match (&materials.data_key, &self.generator) {
            (None, Some(generator)) => {
                let number_of_bytes = u32::try_from(len).map_err(|_| AwsError::validation("key length"))?;
                let generated = self.client.generate_data_key(
                    generator,
                    number_of_bytes,
                    &materials.context,
                    &self.grant_tokens,
                )?;
                if generated.plaintext.len() != len {
                    return Err(AwsError::new(
                        ErrorCode::KMSInternalException,
                        "KMS returned a data key of the wrong length",
                    ));
                }
                materials.encrypted_data_keys.push(edk(generated.key_arn, generated.ciphertext_blob)?);
                materials.data_key = Some(generated.plaintext);
            }
            (None, None) => {
                return Err(AwsError::validation("a KMS keyring without a generator cannot create a data key"))
            }
            (Some(_), Some(generator)) => wrap_with.push(generator.clone()),
            (Some(_), None) => {}
        }
        wrap_with.extend(self.key_ids.iter().cloned());
        let data_key = materials.data_key.clone().ok_or_else(|| AwsError::validation("no data key"))?;
        for key_id in wrap_with {
            let (blob, arn) = self.client.encrypt(&key_id, &data_key, &materials.context, &self.grant_tokens)?;
            materials.encrypted_data_keys.push(edk(arn, blob)?);
        }
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
        let mut last_error = None;
        for e in edks.iter().filter(|e| e.provider_id == KMS_PROVIDER_ID) {
            let Ok(arn) = std::str::from_utf8(&e.provider_info) else { continue };
            if !self.may_decrypt_with(arn) {
                continue;
            }
            match self.client.decrypt(Some(arn), &e.ciphertext, &materials.context, &self.grant_tokens) {
                // The answer must come from the key the EDK names, or an attacker's key could stand in.
                Ok((plaintext, used)) if used == arn && plaintext.len() == materials.suite.data_key_len() => {
                    materials.data_key = Some(plaintext);
                    return Ok(materials);
                }
                Ok(_) => last_error = Some(AwsError::invalid_ciphertext()),
                Err(err) => last_error = Some(err),
            }
        }
        Err(last_error.unwrap_or_else(AwsError::invalid_ciphertext))
    }
}
