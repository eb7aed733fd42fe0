//! Cryptographic operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom.

use super::kms_operation;
use crate::audit::{RequestParameters, Text};
use crate::bytes::{Blob, SecretBytes};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::crypto::{self, DerivedKeys, EncodedContext, EMPTY_CONTEXT};
use crate::kms::model::Key;
use crate::kms::resolve::{require_state, Use};
use crate::kms::validate;
use crate::simulator::{AccessRequest, AuditDraft, ResourceKind, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

/// The only algorithm of a symmetric key.
pub const SYMMETRIC_DEFAULT: &str = "SYMMETRIC_DEFAULT";

fn check_algorithm(member: &str, algorithm: Option<&str>) -> AwsResult<()> {
    match algorithm {
        None | Some(SYMMETRIC_DEFAULT) => Ok(()),
        Some(a @ ("RSAES_OAEP_SHA_1" | "RSAES_OAEP_SHA_256" | "SM2PKE")) => Err(AwsError::new(
            ErrorCode::InvalidKeyUsageException,
            format!(
                "The encryption algorithm {a} is not compatible with the type of the specified KMS key ({member})."
            ),
        )),
        Some(other) => Err(validate::constraint(
            member,
            other,
            "Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]",
        )),
    }
}

/// The empty encryption context, for requests without one.
static NO_CONTEXT: BTreeMap<String, String> = BTreeMap::new();

/// The request's algorithm as kept in the audit trail (the default is not copied).
fn algorithm_text(algorithm: Option<String>) -> Text {
    match algorithm {
        Some(a) if a != SYMMETRIC_DEFAULT => Text::Owned(a),
        _ => Text::Borrowed(SYMMETRIC_DEFAULT),
    }
}

/// The request's context (empty when it has none), validated, and its
/// canonical encoding (`encoded`, made once for the cipher and the trail).
fn request_context<'a>(
    context: Option<&'a BTreeMap<String, String>>,
    encoded: Option<&'a EncodedContext>,
) -> AwsResult<(&'a BTreeMap<String, String>, &'a [u8])> {
    let context = context.unwrap_or(&NO_CONTEXT);
    validate::encryption_context(context)?;
    // A valid context always encodes; its absence is the empty encoding.
    let bytes = match encoded {
        Some(e) => e.as_bytes(),
        None if context.is_empty() => EMPTY_CONTEXT,
        None => return Err(AwsError::validation("The encryption context is too large")),
    };
    Ok((context, bytes))
}

/// The `requestParameters` of Encrypt and Decrypt: the request's own values,
/// written as JSON when read.
fn crypto_parameters(
    key_id: Option<String>,
    context: Option<&BTreeMap<String, String>>,
    encoded: Option<EncodedContext>,
    algorithm: Option<String>,
) -> RequestParameters {
    match (context, encoded) {
        // Only a context far past the size limit has no encoding: keep it as JSON.
        (Some(context), None) => RequestParameters::Json(crate::audit::raw_parameters(&serde_json::json!({
            "keyId": key_id, "encryptionContext": context, "encryptionAlgorithm": algorithm_text(algorithm),
        }))),
        (_, encoded) => RequestParameters::Crypto {
            key_id,
            encryption_context: encoded,
            encryption_algorithm: algorithm_text(algorithm),
        },
    }
}

fn dry_run_done() -> AwsError {
    AwsError::new(
        ErrorCode::DryRunOperationException,
        "The request would have succeeded, but the DryRun option is set.",
    )
}

/// Authorizes a cryptographic use of `key` with the request's context and tokens.
fn authorize_crypto(
    sim: &Simulator,
    ctx: &CallContext,
    action: &str,
    key: &Key,
    context: &BTreeMap<String, String>,
    grant_tokens: &[String],
    request_alias: Option<&str>,
    audit: &mut AuditDraft,
) -> AwsResult<()> {
    audit.shared_resource(key.audit_resource());
    let mut request = super::keys::key_access_request(action, key);
    request.grant_tokens = grant_tokens;
    request.encryption_context = Some(context);
    request.request_alias = request_alias;
    sim.authorize(ctx, &request)
}

fn derived(key: &Key, version: Option<u32>) -> AwsResult<&DerivedKeys> {
    let backing = match version {
        Some(v) => key.material_version(v),
        None => key.current_material(),
    }
    .ok_or_else(AwsError::invalid_ciphertext)?;
    if let Some(d) = backing.derived.get() {
        return Ok(d);
    }
    let d = DerivedKeys::derive(&backing.material, &key.arn, backing.version)?;
    Ok(backing.derived.get_or_init(|| d))
}

/// Encrypts under the key's current material (the caller has authorized and checked state).
fn seal_with(sim: &mut Simulator, arn: &str, plaintext: &[u8], context: &[u8]) -> AwsResult<Vec<u8>> {
    let mut fresh = [0u8; 12];
    sim.random_bytes(&mut fresh)?;
    let key = sim.kms.key(arn)?;
    let version = key.current_material().map(|m| m.version).ok_or_else(AwsError::invalid_ciphertext)?;
    crypto::seal(derived(key, Some(version))?, plaintext, context, &fresh)
}

fn context_or_empty(context: Option<BTreeMap<String, String>>) -> AwsResult<BTreeMap<String, String>> {
    let context = context.unwrap_or_default();
    validate::encryption_context(&context)?;
    Ok(context)
}

/// `Encrypt` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptRequest {
    /// `KeyId`.
    pub key_id: String,
    /// `Plaintext` (1–4096 bytes).
    pub plaintext: SecretBytes,
    /// `EncryptionContext`.
    #[serde(default)]
    pub encryption_context: Option<BTreeMap<String, String>>,
    /// `GrantTokens`.
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    /// `EncryptionAlgorithm`.
    #[serde(default)]
    pub encryption_algorithm: Option<String>,
    /// `DryRun`.
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// `Encrypt` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptResponse {
    /// `CiphertextBlob`.
    pub ciphertext_blob: Blob,
    /// `KeyId` (the key ARN).
    pub key_id: String,
    /// `EncryptionAlgorithm`.
    pub encryption_algorithm: Text,
}

fn encrypt(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: EncryptRequest,
    audit: &mut AuditDraft,
) -> AwsResult<EncryptResponse> {
    let encoded = req.encryption_context.as_ref().and_then(EncodedContext::new);
    let result = encrypt_request(sim, ctx, &req, encoded.as_ref(), audit);
    audit.request_parameters_kept =
        Some(crypto_parameters(Some(req.key_id), req.encryption_context.as_ref(), encoded, req.encryption_algorithm));
    result
}

fn encrypt_request(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: &EncryptRequest,
    encoded: Option<&EncodedContext>,
    audit: &mut AuditDraft,
) -> AwsResult<EncryptResponse> {
    validate::blob_length("plaintext", req.plaintext.len(), 1, 4096)?;
    let grant_tokens = req.grant_tokens.as_deref().unwrap_or_default();
    validate::grant_tokens(grant_tokens)?;
    check_algorithm("encryptionAlgorithm", req.encryption_algorithm.as_deref())?;
    let (context, context_bytes) = request_context(req.encryption_context.as_ref(), encoded)?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, true)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_crypto(sim, ctx, "kms:Encrypt", key, context, grant_tokens, resolved.via_alias.as_deref(), audit)?;
    require_state(key, Use::Crypto)?;
    if req.dry_run == Some(true) {
        return Err(dry_run_done());
    }
    let blob = seal_with(sim, &resolved.arn, req.plaintext.expose(), context_bytes)?;
    Ok(EncryptResponse {
        ciphertext_blob: Blob(blob),
        key_id: resolved.arn,
        encryption_algorithm: Text::Borrowed(SYMMETRIC_DEFAULT),
    })
}

kms_operation!(
    /// Encrypts up to 4,096 bytes under a key, binding the encryption context.
    Encrypt, read_only = true, EncryptRequest => EncryptResponse, encrypt
);

/// `Decrypt` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DecryptRequest {
    /// `CiphertextBlob` (1–6144 bytes).
    pub ciphertext_blob: Blob,
    /// `EncryptionContext`.
    #[serde(default)]
    pub encryption_context: Option<BTreeMap<String, String>>,
    /// `GrantTokens`.
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    /// `KeyId` (optional for symmetric keys: the blob says which key).
    #[serde(default)]
    pub key_id: Option<String>,
    /// `EncryptionAlgorithm`.
    #[serde(default)]
    pub encryption_algorithm: Option<String>,
    /// `DryRun`.
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// `Decrypt` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DecryptResponse {
    /// `KeyId` (the key ARN).
    pub key_id: String,
    /// `Plaintext`.
    pub plaintext: SecretBytes,
    /// `EncryptionAlgorithm`.
    pub encryption_algorithm: Text,
}

/// Finds, checks and authorizes the key a blob names; returns its ARN.
#[allow(clippy::too_many_arguments)]
fn open_blob(
    sim: &Simulator,
    ctx: &CallContext,
    action: &str,
    blob: &[u8],
    key_id: Option<&str>,
    (context, context_bytes): (&BTreeMap<String, String>, &[u8]),
    grant_tokens: &[String],
    audit: &mut AuditDraft,
) -> AwsResult<(String, SecretBytes)> {
    validate::blob_length("ciphertextBlob", blob.len(), 1, 6144)?;
    let header = crypto::parse_header(blob)?;
    let mut via_alias = None;
    if let Some(key_id) = key_id {
        let resolved = sim.kms.resolve(ctx, key_id, true)?;
        if resolved.arn != header.key_arn {
            return Err(AwsError::new(
                ErrorCode::IncorrectKeyException,
                "The key ID in the request does not identify a KMS key that can perform this operation.",
            ));
        }
        via_alias = resolved.via_alias;
    }
    let region_ok = header.key_arn.split(':').nth(3) == Some(ctx.region.as_str());
    let key = match sim.kms.keys.get(header.key_arn) {
        Some(key) if region_ok => key,
        _ => return Err(AwsError::invalid_ciphertext()),
    };
    authorize_crypto(sim, ctx, action, key, context, grant_tokens, via_alias.as_deref(), audit)?;
    require_state(key, Use::Crypto)?;
    let plaintext = crypto::open(derived(key, Some(header.version))?, blob, context_bytes)?;
    Ok((key.arn.clone(), plaintext))
}

fn decrypt(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: DecryptRequest,
    audit: &mut AuditDraft,
) -> AwsResult<DecryptResponse> {
    let encoded = req.encryption_context.as_ref().and_then(EncodedContext::new);
    let result = decrypt_request(sim, ctx, &req, encoded.as_ref(), audit);
    audit.request_parameters_kept =
        Some(crypto_parameters(req.key_id, req.encryption_context.as_ref(), encoded, req.encryption_algorithm));
    result
}

fn decrypt_request(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: &DecryptRequest,
    encoded: Option<&EncodedContext>,
    audit: &mut AuditDraft,
) -> AwsResult<DecryptResponse> {
    let grant_tokens = req.grant_tokens.as_deref().unwrap_or_default();
    validate::grant_tokens(grant_tokens)?;
    check_algorithm("encryptionAlgorithm", req.encryption_algorithm.as_deref())?;
    let context = request_context(req.encryption_context.as_ref(), encoded)?;
    let (key_arn, plaintext) = open_blob(
        sim,
        ctx,
        "kms:Decrypt",
        &req.ciphertext_blob.0,
        req.key_id.as_deref(),
        context,
        grant_tokens,
        audit,
    )?;
    if req.dry_run == Some(true) {
        return Err(dry_run_done());
    }
    Ok(DecryptResponse { key_id: key_arn, plaintext, encryption_algorithm: Text::Borrowed(SYMMETRIC_DEFAULT) })
}

kms_operation!(
    /// Decrypts a blob made by Encrypt, GenerateDataKey or ReEncrypt.
    Decrypt, read_only = true, DecryptRequest => DecryptResponse, decrypt
);

/// `ReEncrypt` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReEncryptRequest {
    /// `CiphertextBlob`.
    pub ciphertext_blob: Blob,
    /// `SourceEncryptionContext`.
    #[serde(default)]
    pub source_encryption_context: Option<BTreeMap<String, String>>,
    /// `SourceKeyId`.
    #[serde(default)]
    pub source_key_id: Option<String>,
    /// `DestinationKeyId`.
    pub destination_key_id: String,
    /// `DestinationEncryptionContext`.
    #[serde(default)]
    pub destination_encryption_context: Option<BTreeMap<String, String>>,
    /// `SourceEncryptionAlgorithm`.
    #[serde(default)]
    pub source_encryption_algorithm: Option<String>,
    /// `DestinationEncryptionAlgorithm`.
    #[serde(default)]
    pub destination_encryption_algorithm: Option<String>,
    /// `GrantTokens`.
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    /// `DryRun`.
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// `ReEncrypt` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReEncryptResponse {
    /// `CiphertextBlob`.
    pub ciphertext_blob: Blob,
    /// `SourceKeyId`.
    pub source_key_id: String,
    /// `KeyId` (the destination key ARN).
    pub key_id: String,
    /// `SourceEncryptionAlgorithm`.
    pub source_encryption_algorithm: String,
    /// `DestinationEncryptionAlgorithm`.
    pub destination_encryption_algorithm: String,
}

fn re_encrypt(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ReEncryptRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ReEncryptResponse> {
    audit.request_parameters = Some(json!({
        "sourceKeyId": req.source_key_id, "destinationKeyId": req.destination_key_id,
        "sourceEncryptionContext": req.source_encryption_context,
        "destinationEncryptionContext": req.destination_encryption_context,
    }));
    let grant_tokens = req.grant_tokens.unwrap_or_default();
    validate::grant_tokens(&grant_tokens)?;
    check_algorithm("sourceEncryptionAlgorithm", req.source_encryption_algorithm.as_deref())?;
    check_algorithm("destinationEncryptionAlgorithm", req.destination_encryption_algorithm.as_deref())?;
    let source_context = context_or_empty(req.source_encryption_context)?;
    let destination_context = context_or_empty(req.destination_encryption_context)?;
    let destination = sim.kms.resolve(ctx, &req.destination_key_id, true)?;
    let (source_arn, plaintext) = open_blob(
        sim,
        ctx,
        "kms:ReEncryptFrom",
        &req.ciphertext_blob.0,
        req.source_key_id.as_deref(),
        (&source_context, &crypto::encode_context(&source_context)),
        &grant_tokens,
        audit,
    )?;
    let destination_key = sim.kms.key(&destination.arn)?;
    authorize_crypto(
        sim,
        ctx,
        "kms:ReEncryptTo",
        destination_key,
        &destination_context,
        &grant_tokens,
        destination.via_alias.as_deref(),
        audit,
    )?;
    require_state(destination_key, Use::Crypto)?;
    if req.dry_run == Some(true) {
        return Err(dry_run_done());
    }
    let blob = seal_with(sim, &destination.arn, plaintext.expose(), &crypto::encode_context(&destination_context))?;
    Ok(ReEncryptResponse {
        ciphertext_blob: Blob(blob),
        source_key_id: source_arn,
        key_id: destination.arn,
        source_encryption_algorithm: SYMMETRIC_DEFAULT.to_string(),
        destination_encryption_algorithm: SYMMETRIC_DEFAULT.to_string(),
    })
}

kms_operation!(
    /// Decrypts and re-encrypts under another key (or the same key's newest material) without exposing the plaintext.
    ReEncrypt, read_only = true, ReEncryptRequest => ReEncryptResponse, re_encrypt
);

/// `GenerateDataKey` / `GenerateDataKeyWithoutPlaintext` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyRequest {
    /// `KeyId`.
    pub key_id: String,
    /// `EncryptionContext`.
    #[serde(default)]
    pub encryption_context: Option<BTreeMap<String, String>>,
    /// `NumberOfBytes` (1–1024).
    #[serde(default)]
    pub number_of_bytes: Option<i64>,
    /// `KeySpec` (`AES_256` or `AES_128`).
    #[serde(default)]
    pub key_spec: Option<String>,
    /// `GrantTokens`.
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    /// `DryRun`.
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// `GenerateDataKey` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyResponse {
    /// `CiphertextBlob`.
    pub ciphertext_blob: Blob,
    /// `Plaintext`.
    pub plaintext: SecretBytes,
    /// `KeyId` (the key ARN).
    pub key_id: String,
}

/// `GenerateDataKeyWithoutPlaintext` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyWithoutPlaintextResponse {
    /// `CiphertextBlob`.
    pub ciphertext_blob: Blob,
    /// `KeyId` (the key ARN).
    pub key_id: String,
}

fn data_key_length(req: &GenerateDataKeyRequest) -> AwsResult<usize> {
    match (req.number_of_bytes, req.key_spec.as_deref()) {
        (Some(_), Some(_)) | (None, None) => {
            Err(AwsError::validation("Please specify either number of bytes or key spec."))
        }
        (Some(n), None) => {
            validate::range("numberOfBytes", n, 1, 1024)?;
            Ok(usize::try_from(n).unwrap_or(32))
        }
        (None, Some("AES_256")) => Ok(32),
        (None, Some("AES_128")) => Ok(16),
        (None, Some(other)) => {
            Err(validate::constraint("keySpec", other, "Member must satisfy enum value set: [AES_256, AES_128]"))
        }
    }
}

fn generate_data_key_inner(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GenerateDataKeyRequest,
    audit: &mut AuditDraft,
    action: &str,
) -> AwsResult<(Vec<u8>, SecretBytes, String)> {
    let encoded = req.encryption_context.as_ref().and_then(EncodedContext::new);
    let result = generate_data_key_request(sim, ctx, &req, encoded.as_ref(), audit, action);
    audit.request_parameters_kept = Some(match (&req.encryption_context, encoded) {
        (Some(context), None) => RequestParameters::Json(crate::audit::raw_parameters(&json!({
            "keyId": req.key_id, "encryptionContext": context,
            "numberOfBytes": req.number_of_bytes, "keySpec": req.key_spec,
        }))),
        (_, encoded) => RequestParameters::DataKey {
            key_id: req.key_id,
            encryption_context: encoded,
            number_of_bytes: req.number_of_bytes,
            key_spec: req.key_spec,
        },
    });
    result
}

fn generate_data_key_request(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: &GenerateDataKeyRequest,
    encoded: Option<&EncodedContext>,
    audit: &mut AuditDraft,
    action: &str,
) -> AwsResult<(Vec<u8>, SecretBytes, String)> {
    let length = data_key_length(req)?;
    let grant_tokens = req.grant_tokens.as_deref().unwrap_or_default();
    validate::grant_tokens(grant_tokens)?;
    let (context, context_bytes) = request_context(req.encryption_context.as_ref(), encoded)?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, true)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_crypto(sim, ctx, action, key, context, grant_tokens, resolved.via_alias.as_deref(), audit)?;
    require_state(key, Use::Crypto)?;
    if req.dry_run == Some(true) {
        return Err(dry_run_done());
    }
    let mut data_key = SecretBytes::zeroed(length);
    sim.random_bytes(data_key.expose_mut())?;
    let blob = seal_with(sim, &resolved.arn, data_key.expose(), context_bytes)?;
    Ok((blob, data_key, resolved.arn))
}

fn generate_data_key(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GenerateDataKeyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GenerateDataKeyResponse> {
    let (blob, plaintext, key_id) = generate_data_key_inner(sim, ctx, req, audit, "kms:GenerateDataKey")?;
    Ok(GenerateDataKeyResponse { ciphertext_blob: Blob(blob), plaintext, key_id })
}

fn generate_data_key_without_plaintext(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GenerateDataKeyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GenerateDataKeyWithoutPlaintextResponse> {
    let (blob, _plaintext, key_id) =
        generate_data_key_inner(sim, ctx, req, audit, "kms:GenerateDataKeyWithoutPlaintext")?;
    Ok(GenerateDataKeyWithoutPlaintextResponse { ciphertext_blob: Blob(blob), key_id })
}

kms_operation!(
    /// Returns a fresh data key in plaintext and encrypted under a KMS key.
    GenerateDataKey, read_only = true, GenerateDataKeyRequest => GenerateDataKeyResponse, generate_data_key
);
kms_operation!(
    /// Returns a fresh data key encrypted under a KMS key only.
    GenerateDataKeyWithoutPlaintext, read_only = true, GenerateDataKeyRequest => GenerateDataKeyWithoutPlaintextResponse,
    generate_data_key_without_plaintext
);

/// `GenerateRandom` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GenerateRandomRequest {
    /// `NumberOfBytes` (1–1024).
    pub number_of_bytes: Option<i64>,
    /// `CustomKeyStoreId`.
    pub custom_key_store_id: Option<String>,
}

/// `GenerateRandom` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateRandomResponse {
    /// `Plaintext`.
    pub plaintext: SecretBytes,
}

fn generate_random(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GenerateRandomRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GenerateRandomResponse> {
    audit.request_parameters = Some(json!({ "numberOfBytes": req.number_of_bytes }));
    let n = req.number_of_bytes.ok_or_else(|| AwsError::validation("NumberOfBytes is required"))?;
    validate::range("numberOfBytes", n, 1, 1024)?;
    if req.custom_key_store_id.is_some() {
        return Err(AwsError::new(ErrorCode::UnsupportedOperationException, "Custom key stores are not simulated"));
    }
    let resource = "*";
    sim.authorize(ctx, &AccessRequest::new("kms:GenerateRandom", resource, &ctx.caller.account, ResourceKind::Other))?;
    let mut bytes = SecretBytes::zeroed(usize::try_from(n).unwrap_or(32));
    sim.random_bytes(bytes.expose_mut())?;
    Ok(GenerateRandomResponse { plaintext: bytes })
}

kms_operation!(
    /// Returns random bytes.
    GenerateRandom, read_only = true, GenerateRandomRequest => GenerateRandomResponse, generate_random
);
