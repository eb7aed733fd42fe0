//! Imported key material: GetParametersForImport, ImportKeyMaterial,
//! DeleteImportedKeyMaterial (keys created with `Origin: EXTERNAL`).

use super::keys::{authorize_key, require_customer_managed, Empty, KeyIdOnlyRequest};
use super::kms_operation;
use crate::bytes::{Blob, SecretBytes};
use crate::clock::{epoch_seconds, Timestamp, DAY_MS};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::model::{BackingKey, ImportParameters, ImportedMaterial, Key, KeyState, Origin};
use crate::kms::resolve::state_error;
use crate::kms::validate;
use crate::kms::wrapping::{self, WrappingAlgorithm};
use crate::rng::hex_encode;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// `ExpirationModel`: the material expires at `ValidTo`.
pub const KEY_MATERIAL_EXPIRES: &str = "KEY_MATERIAL_EXPIRES";
/// `ExpirationModel`: the material never expires.
pub const KEY_MATERIAL_DOES_NOT_EXPIRE: &str = "KEY_MATERIAL_DOES_NOT_EXPIRE";
/// How long an import token and public key stay valid.
pub const IMPORT_PARAMETERS_LIFETIME_MS: i64 = DAY_MS;
/// The latest `ValidTo` AWS accepts, counted from the request.
pub const MAX_VALID_TO_DAYS: i64 = 365;

/// The state gate shared by the three import operations (key-state table,
/// notes 8 and 9): only customer managed EXTERNAL keys, never while pending deletion.
fn import_gate(key: &Key, operation: &str) -> AwsResult<()> {
    require_customer_managed(key, operation)?;
    if key.origin != Origin::External {
        return Err(AwsError::new(
            ErrorCode::UnsupportedOperationException,
            format!("{} origin is {} which is not valid for this operation.", key.arn, key.origin.as_str()),
        ));
    }
    match key.state {
        KeyState::PendingDeletion | KeyState::Unavailable => Err(state_error(key)),
        KeyState::Enabled | KeyState::Disabled | KeyState::PendingImport => Ok(()),
    }
}

/// A commitment to imported material, bound to the key, so that only the same
/// material can ever be imported into it again.
fn material_digest(key_arn: &str, material: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"kmsim imported material v1\0");
    hasher.update(key_arn.as_bytes());
    hasher.update([0u8]);
    hasher.update(material);
    hex_encode(&hasher.finalize())
}

/// `GetParametersForImport` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetParametersForImportRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `WrappingAlgorithm`.
    pub wrapping_algorithm: String,
    /// `WrappingKeySpec`.
    pub wrapping_key_spec: String,
}

/// `GetParametersForImport` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetParametersForImportResponse {
    /// `KeyId` (the key ARN).
    pub key_id: String,
    /// `ImportToken`.
    pub import_token: Blob,
    /// `PublicKey`: the wrapping key, DER-encoded SubjectPublicKeyInfo.
    pub public_key: Blob,
    /// `ParametersValidTo`.
    #[serde(with = "epoch_seconds")]
    pub parameters_valid_to: Timestamp,
}

fn wrapping_key_bits(spec: &str) -> AwsResult<usize> {
    match spec {
        "RSA_2048" => Ok(2048),
        "RSA_3072" => Ok(3072),
        "RSA_4096" => Ok(4096),
        "SM2" => Err(AwsError::new(
            ErrorCode::UnsupportedOperationException,
            "The SM2 wrapping key spec is only available in China Regions.",
        )),
        other => Err(validate::constraint(
            "wrappingKeySpec",
            other,
            "Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, SM2]",
        )),
    }
}

fn wrapping_algorithm(name: &str) -> AwsResult<WrappingAlgorithm> {
    if let Some(algorithm) = WrappingAlgorithm::from_name(name) {
        return Ok(algorithm);
    }
    match name {
        "RSAES_PKCS1_V1_5" | "RSA_AES_KEY_WRAP_SHA_1" | "RSA_AES_KEY_WRAP_SHA_256" | "SM2PKE" => Err(AwsError::new(
            ErrorCode::UnsupportedOperationException,
            format!("kmsim does not simulate the {name} wrapping algorithm; use RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1."),
        )),
        other => Err(validate::constraint(
            "wrappingAlgorithm",
            other,
            "Member must satisfy enum value set: [RSAES_PKCS1_V1_5, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_1, RSA_AES_KEY_WRAP_SHA_256, SM2PKE]",
        )),
    }
}

fn get_parameters_for_import(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GetParametersForImportRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GetParametersForImportResponse> {
    audit.request_parameters = Some(json!({
        "keyId": req.key_id, "wrappingAlgorithm": req.wrapping_algorithm, "wrappingKeySpec": req.wrapping_key_spec,
    }));
    let bits = wrapping_key_bits(&req.wrapping_key_spec)?;
    wrapping_algorithm(&req.wrapping_algorithm)?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:GetParametersForImport", key, audit)?;
    import_gate(key, "GetParametersForImport")?;
    // Every check passed: draw the wrapping key seed and the token, then commit.
    let mut seed = [0u8; 32];
    sim.random_bytes(&mut seed)?;
    let mut token = vec![0u8; 64];
    sim.random_bytes(&mut token)?;
    let (private_der, public_der) = wrapping::generate_wrapping_key(&seed, bits)?;
    let valid_to = sim.now().plus_millis(IMPORT_PARAMETERS_LIFETIME_MS);
    let key = sim.kms.key_mut(&resolved.arn)?;
    key.import_parameters = Some(ImportParameters {
        import_token: Blob(token.clone()),
        wrapping_private_key: private_der,
        wrapping_algorithm: req.wrapping_algorithm,
        wrapping_key_spec: req.wrapping_key_spec,
        valid_to,
    });
    audit.response_elements = Some(json!({ "keyId": key.arn, "parametersValidTo": valid_to.to_iso8601() }));
    Ok(GetParametersForImportResponse {
        key_id: key.arn.clone(),
        import_token: Blob(token),
        public_key: Blob(public_der),
        parameters_valid_to: valid_to,
    })
}

kms_operation!(
    /// Returns a public wrapping key and an import token, valid for 24 hours.
    GetParametersForImport, read_only = true, GetParametersForImportRequest => GetParametersForImportResponse,
    get_parameters_for_import
);

/// `ImportKeyMaterial` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportKeyMaterialRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `ImportToken` from the same GetParametersForImport response as the public key.
    pub import_token: Blob,
    /// `EncryptedKeyMaterial`: the 256-bit material wrapped under the public key.
    pub encrypted_key_material: SecretBytes,
    /// `ValidTo`: required for `KEY_MATERIAL_EXPIRES`, refused otherwise.
    #[serde(default, with = "epoch_seconds::option")]
    pub valid_to: Option<Timestamp>,
    /// `ExpirationModel` (default `KEY_MATERIAL_EXPIRES`).
    #[serde(default)]
    pub expiration_model: Option<String>,
}

fn check_expiration(req: &ImportKeyMaterialRequest, now: Timestamp) -> AwsResult<(String, Option<Timestamp>)> {
    let model = req.expiration_model.as_deref().unwrap_or(KEY_MATERIAL_EXPIRES);
    match (model, req.valid_to) {
        (KEY_MATERIAL_EXPIRES, None) => {
            Err(AwsError::validation("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES"))
        }
        (KEY_MATERIAL_EXPIRES, Some(valid_to)) => {
            if valid_to <= now {
                return Err(AwsError::validation("The validTo date must be in the future."));
            }
            if valid_to > now.plus_days(MAX_VALID_TO_DAYS) {
                return Err(AwsError::validation(format!(
                    "The validTo date must be at most {MAX_VALID_TO_DAYS} days from now."
                )));
            }
            Ok((model.to_string(), Some(valid_to)))
        }
        (KEY_MATERIAL_DOES_NOT_EXPIRE, Some(_)) => Err(AwsError::validation(
            "A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE",
        )),
        (KEY_MATERIAL_DOES_NOT_EXPIRE, None) => Ok((model.to_string(), None)),
        (other, _) => Err(validate::constraint(
            "expirationModel",
            other,
            "Member must satisfy enum value set: [KEY_MATERIAL_EXPIRES, KEY_MATERIAL_DOES_NOT_EXPIRE]",
        )),
    }
}

fn import_key_material(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ImportKeyMaterialRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({
        "keyId": req.key_id, "validTo": req.valid_to.map(|t| t.to_iso8601()),
        "expirationModel": req.expiration_model.as_deref().unwrap_or(KEY_MATERIAL_EXPIRES),
    }));
    validate::blob_length("importToken", req.import_token.0.len(), 1, 6144)?;
    validate::blob_length("encryptedKeyMaterial", req.encrypted_key_material.len(), 1, 6144)?;
    let now = sim.now();
    let (expiration_model, valid_to) = check_expiration(&req, now)?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:ImportKeyMaterial", key, audit)?;
    import_gate(key, "ImportKeyMaterial")?;
    let parameters = key
        .import_parameters
        .as_ref()
        .filter(|p| bool::from(p.import_token.0.ct_eq(&req.import_token.0)))
        .ok_or_else(|| {
            AwsError::new(
                ErrorCode::InvalidImportTokenException,
                "The import token is not valid for this KMS key. Use the token from the same GetParametersForImport response as the public key.",
            )
        })?;
    if now > parameters.valid_to {
        return Err(AwsError::new(
            ErrorCode::ExpiredImportTokenException,
            "The import token has expired. Call GetParametersForImport for a new token and public key.",
        ));
    }
    let algorithm = wrapping_algorithm(&parameters.wrapping_algorithm)?;
    let material = wrapping::unwrap_key_material(
        parameters.wrapping_private_key.expose(),
        algorithm,
        req.encrypted_key_material.expose(),
    )
    .ok_or_else(|| {
        AwsError::new(
            ErrorCode::InvalidCiphertextException,
            "The encrypted key material could not be decrypted with the wrapping key of this import token.",
        )
    })?;
    if material.len() != 32 {
        return Err(AwsError::new(
            ErrorCode::IncorrectKeyMaterialException,
            "The key material of a SYMMETRIC_DEFAULT key must be 256 bits (32 bytes).",
        ));
    }
    let digest = material_digest(&key.arn, material.expose());
    if key.imported_material_digest.as_ref().is_some_and(|d| d != &digest) {
        return Err(AwsError::new(
            ErrorCode::IncorrectKeyMaterialException,
            "The key material is not the same key material that was previously imported into this KMS key.",
        ));
    }
    let key = sim.kms.key_mut(&resolved.arn)?;
    if key.material.is_empty() {
        // The same material always comes back as version 1, so ciphertexts
        // made before it was deleted or expired decrypt again.
        key.material.push(BackingKey::new(1, material, now, None));
    }
    if key.state == KeyState::PendingImport {
        key.state = KeyState::Enabled;
    }
    key.imported = Some(ImportedMaterial { expiration_model, valid_to });
    key.imported_material_digest = Some(digest);
    Ok(Empty {})
}

kms_operation!(
    /// Imports (or reimports the same) 256-bit material into an EXTERNAL key.
    ImportKeyMaterial, read_only = false, ImportKeyMaterialRequest => Empty, import_key_material
);

fn delete_imported_key_material(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: KeyIdOnlyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id }));
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:DeleteImportedKeyMaterial", key, audit)?;
    import_gate(key, "DeleteImportedKeyMaterial")?;
    let key = sim.kms.key_mut(&resolved.arn)?;
    // On a key that is already PendingImport this changes nothing, as in AWS.
    key.material.clear();
    key.imported = None;
    key.state = KeyState::PendingImport;
    Ok(Empty {})
}

kms_operation!(
    /// Deletes an EXTERNAL key's material; the key becomes PendingImport until the same material is imported again.
    DeleteImportedKeyMaterial, read_only = false, KeyIdOnlyRequest => Empty, delete_imported_key_material
);
