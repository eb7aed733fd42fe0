//! Envelope encryption as Secrets Manager and Parameter Store do it: a data
//! key from the simulated KMS (`GenerateDataKey`, audited by KMS with
//! `kms:ViaService`), the value sealed locally with AES-256-GCM under it, and
//! only the encrypted data key kept. Opening asks KMS to `Decrypt` the data key.

use crate::bytes::{Blob, SecretBytes};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::ops::{Decrypt, DecryptRequest, Encrypt, EncryptRequest, GenerateDataKey, GenerateDataKeyRequest};
use crate::simulator::Simulator;
use crate::world::CallContext;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A value sealed under a KMS data key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sealed {
    /// The data key, encrypted by KMS under the protecting key.
    pub encrypted_data_key: Blob,
    /// The AES-GCM nonce.
    pub iv: Blob,
    /// The value, encrypted, with its 16-byte tag appended.
    pub ciphertext: Blob,
}

fn local_error() -> AwsError {
    AwsError::new(ErrorCode::InternalServiceError, "An error occurred on the server side.")
}

/// Seals `plaintext` under `key_id` with `context`, calling KMS as `via`
/// (a context made with [`CallContext::via`]). Returns the sealed value and the key ARN.
pub(crate) fn seal(
    sim: &mut Simulator,
    via: &CallContext,
    key_id: &str,
    context: &BTreeMap<String, String>,
    plaintext: &[u8],
) -> AwsResult<(Sealed, String)> {
    let data_key = sim.invoke::<GenerateDataKey>(
        via,
        GenerateDataKeyRequest {
            key_id: key_id.to_string(),
            encryption_context: Some(context.clone()),
            key_spec: Some("AES_256".to_string()),
            ..Default::default()
        },
    )?;
    let mut iv = [0u8; 12];
    sim.random_bytes(&mut iv)?;
    let aead = Aes256Gcm::new_from_slice(data_key.plaintext.expose()).map_err(|_| local_error())?;
    let aad = crate::kms::crypto::encode_context(context);
    let nonce = Nonce::try_from(&iv[..]).map_err(|_| local_error())?;
    let mut body = plaintext.to_vec();
    let tag = aead.encrypt_inout_detached(&nonce, &aad, body.as_mut_slice().into()).map_err(|_| local_error())?;
    body.extend_from_slice(&tag);
    Ok((
        Sealed { encrypted_data_key: data_key.ciphertext_blob, iv: Blob(iv.to_vec()), ciphertext: Blob(body) },
        data_key.key_id,
    ))
}

/// Opens a sealed value, asking KMS (as `via`) to decrypt its data key.
pub(crate) fn open(
    sim: &mut Simulator,
    via: &CallContext,
    sealed: &Sealed,
    context: &BTreeMap<String, String>,
) -> AwsResult<SecretBytes> {
    open_with(sim, via, sealed, &sealed.encrypted_data_key, context)
}

/// Asks KMS (as `via`) to decrypt a wrapped data key.
pub(crate) fn unwrap_data_key(
    sim: &mut Simulator,
    via: &CallContext,
    encrypted_data_key: &Blob,
    context: &BTreeMap<String, String>,
) -> AwsResult<SecretBytes> {
    let data_key = sim.invoke::<Decrypt>(
        via,
        DecryptRequest {
            ciphertext_blob: encrypted_data_key.clone(),
            encryption_context: Some(context.clone()),
            ..Default::default()
        },
    )?;
    Ok(data_key.plaintext)
}

/// Asks KMS (as `via`) to `Encrypt` a plaintext data key under `key_id`;
/// returns the wrapped key and the key's ARN.
pub(crate) fn wrap_data_key(
    sim: &mut Simulator,
    via: &CallContext,
    key_id: &str,
    data_key: &SecretBytes,
    context: &BTreeMap<String, String>,
) -> AwsResult<(Blob, String)> {
    let out = sim.invoke::<Encrypt>(
        via,
        EncryptRequest {
            key_id: key_id.to_string(),
            plaintext: data_key.clone(),
            encryption_context: Some(context.clone()),
            ..Default::default()
        },
    )?;
    Ok((out.ciphertext_blob, out.key_id))
}

/// Opens a sealed value whose data key KMS wrapped as `encrypted_data_key`
/// (the original wrapping or a later one under another key).
pub(crate) fn open_with(
    sim: &mut Simulator,
    via: &CallContext,
    sealed: &Sealed,
    encrypted_data_key: &Blob,
    context: &BTreeMap<String, String>,
) -> AwsResult<SecretBytes> {
    let data_key = unwrap_data_key(sim, via, encrypted_data_key, context)?;
    let aead = Aes256Gcm::new_from_slice(data_key.expose()).map_err(|_| local_error())?;
    let aad = crate::kms::crypto::encode_context(context);
    let nonce = Nonce::try_from(sealed.iv.0.as_slice()).map_err(|_| local_error())?;
    let split = sealed.ciphertext.0.len().checked_sub(16).ok_or_else(local_error)?;
    let (body, tag) = sealed.ciphertext.0.split_at_checked(split).ok_or_else(local_error)?;
    let tag = Tag::try_from(tag).map_err(|_| local_error())?;
    let mut plaintext = SecretBytes::new(body.to_vec());
    aead.decrypt_inout_detached(&nonce, &aad, plaintext.expose_mut().into(), &tag).map_err(|_| local_error())?;
    Ok(plaintext)
}
