//! Secret values: CreateSecret, PutSecretValue, GetSecretValue,
//! BatchGetSecretValue, ListSecretVersionIds, UpdateSecretVersionStage.

use super::common::{check_name, check_tags, check_token, day_of, new_value, request_tag_context, NewValue, SecretRef};
use super::secrets_operation;
use crate::bytes::SecretBytes;
use crate::clock::{epoch_seconds, Timestamp};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::secrets::access::{
    authorize_account, authorize_secret, check_secret_id, marked_for_deletion, open_version, require_primary,
    seal_value, RESOURCE_TYPE,
};
use crate::secrets::labels::{attach, check_labels, check_room, detach, prune};
use crate::secrets::model::{Secret, SecretVersion, Tag, AWSCURRENT};
use crate::secrets::validate;
use crate::simulator::{AccessRequest, AuditDraft, ResourceKind, Simulator};
use crate::world::{CallContext, PARTITION};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// `ReplicaRegionType`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicaRegion {
    /// `Region`.
    pub region: String,
    /// `KmsKeyId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}

/// `CreateSecret` request.
#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CreateSecretRequest {
    /// `Name`.
    pub name: String,
    /// `ClientRequestToken`.
    pub client_request_token: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `KmsKeyId`.
    pub kms_key_id: Option<String>,
    /// `SecretBinary`.
    pub secret_binary: Option<SecretBytes>,
    /// `SecretString`.
    pub secret_string: Option<String>,
    /// `Tags`.
    pub tags: Option<Vec<Tag>>,
    /// `AddReplicaRegions`.
    pub add_replica_regions: Option<Vec<ReplicaRegion>>,
    /// `ForceOverwriteReplicaSecret`.
    pub force_overwrite_replica_secret: Option<bool>,
}

/// `CreateSecret` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateSecretResponse {
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `Name`.
    pub name: String,
    /// `VersionId` (absent when created without a value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// `ReplicationStatus`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replication_status: Vec<super::ReplicationStatus>,
}

/// Seals `value` as version `version_id` of the secret at `arn` and commits it
/// carrying `stages`. Fails (state untouched) when KMS refuses.
pub(crate) fn add_version(
    sim: &mut Simulator,
    ctx: &CallContext,
    arn: &str,
    version_id: &str,
    value: &NewValue,
    stages: &[String],
) -> AwsResult<()> {
    let now = sim.now();
    let secret = sim.secrets.get(arn)?;
    if secret.version(version_id).is_none() {
        check_room(secret, now)?;
    }
    let (account, region, key) = (secret.account.clone(), secret.region.clone(), secret.kms_key_id.clone());
    let (sealed, key_arn) =
        seal_value(sim, ctx, arn, &account, &region, key.as_deref(), version_id, value.bytes.expose())?;
    let secret = sim.secrets.get_mut(arn)?;
    match secret.version_mut(version_id) {
        Some(placeholder) => {
            placeholder.sealed = Some(sealed);
            placeholder.binary = value.binary;
            placeholder.kms_key_arn = key_arn;
        }
        None => secret.versions.push(SecretVersion {
            id: version_id.to_string(),
            created: now,
            stages: Vec::new(),
            sealed: Some(sealed),
            binary: value.binary,
            kms_key_arn: key_arn,
            last_accessed: None,
            rewrapped: Vec::new(),
        }),
    }
    for label in stages {
        attach(secret, label, version_id);
    }
    secret.last_changed = now;
    prune(secret, now);
    Ok(())
}

/// Whether version `version_id` already holds exactly `value` (decrypting it).
fn same_value(
    sim: &mut Simulator,
    ctx: &CallContext,
    arn: &str,
    version_id: &str,
    value: &NewValue,
) -> AwsResult<bool> {
    let secret = sim.secrets.get(arn)?.clone();
    let Some(version) = secret.version(version_id) else { return Ok(false) };
    if version.sealed.is_none() {
        return Ok(false);
    }
    let stored = open_version(sim, ctx, &secret, version)?;
    Ok(version.binary == value.binary && stored.expose() == value.bytes.expose())
}

/// Six random characters for a secret ARN.
fn arn_suffix(sim: &mut Simulator) -> AwsResult<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 6];
    sim.random_bytes(&mut bytes)?;
    Ok(bytes.iter().filter_map(|b| ALPHABET.get(usize::from(*b) % ALPHABET.len()).map(|c| char::from(*c))).collect())
}

fn create_secret(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: CreateSecretRequest,
    audit: &mut AuditDraft,
) -> AwsResult<CreateSecretResponse> {
    let tags = req.tags.unwrap_or_default();
    audit.request_parameters = Some(json!({
        "name": req.name, "description": req.description, "kmsKeyId": req.kms_key_id, "tags": tags,
        "clientRequestToken": req.client_request_token, "addReplicaRegions": req.add_replica_regions,
    }));
    check_name(&req.name)?;
    check_token(req.client_request_token.as_deref())?;
    if let Some(d) = &req.description {
        validate::length("description", d, 0, 2048)?;
    }
    if let Some(k) = &req.kms_key_id {
        validate::length("kmsKeyId", k, 0, 2048)?;
    }
    check_tags(&tags)?;
    let value = new_value(req.secret_string, req.secret_binary)?;
    let replicas = req.add_replica_regions.unwrap_or_default();
    super::replication::check_regions(ctx, &replicas)?;
    let pattern =
        format!("arn:{PARTITION}:secretsmanager:{}:{}:secret:{}-??????", ctx.region, ctx.caller.account, req.name);
    let mut access =
        AccessRequest::new("secretsmanager:CreateSecret", &pattern, &ctx.caller.account, ResourceKind::Secret);
    let mut extra = request_tag_context(&tags);
    extra.push(("secretsmanager:Name".to_string(), req.name.clone()));
    if let Some(k) = &req.kms_key_id {
        extra.push(("secretsmanager:KmsKeyId".to_string(), k.clone()));
    }
    for r in &replicas {
        extra.push(("secretsmanager:AddReplicaRegions".to_string(), r.region.clone()));
    }
    access.extra_context = extra;
    sim.authorize(ctx, &access)?;

    if let Ok(existing) = sim.secrets.resolve(ctx, &req.name) {
        let secret = sim.secrets.get(&existing)?;
        audit.resource(&secret.arn, &secret.account, RESOURCE_TYPE);
        if secret.is_deleted() {
            return Err(AwsError::new(
                ErrorCode::InvalidRequestException,
                "You can't create this secret because a secret with this name is already scheduled for deletion.",
            ));
        }
        // A retry with the same token and value is idempotent.
        if let (Some(token), Some(value)) = (req.client_request_token.as_deref(), value.as_ref()) {
            if secret.version(token).is_some() {
                let name = secret.name.clone();
                if same_value(sim, ctx, &existing, token, value)? {
                    return Ok(CreateSecretResponse {
                        arn: existing,
                        name,
                        version_id: Some(token.to_string()),
                        replication_status: Vec::new(),
                    });
                }
            }
        }
        return Err(AwsError::new(
            ErrorCode::ResourceExistsException,
            format!("The operation failed because the secret {} already exists.", req.name),
        ));
    }

    // Everything checked: draw randomness, encrypt, commit.
    let arn = pattern.trim_end_matches("??????").to_string() + &arn_suffix(sim)?;
    let version_id = match req.client_request_token {
        Some(t) => t,
        None => sim.random_uuid()?,
    };
    let now = sim.now();
    let secret = Secret {
        arn: arn.clone(),
        name: req.name.clone(),
        account: ctx.caller.account.clone(),
        region: ctx.region.clone(),
        description: req.description,
        kms_key_id: req.kms_key_id,
        tags,
        created: now,
        last_changed: now,
        last_accessed: None,
        last_rotated: None,
        deleted: None,
        deletion_date: None,
        rotation_enabled: false,
        rotation_lambda_arn: None,
        rotation_rules: None,
        next_rotation: None,
        last_rotation_failure: None,
        versions: Vec::new(),
        policy: None,
        primary_region: None,
        replicas: Vec::new(),
    };
    audit.resource(&arn, &secret.account, RESOURCE_TYPE);
    sim.secrets.secrets.insert(arn.clone(), secret);
    if let Some(value) = &value {
        if let Err(e) = add_version(sim, ctx, &arn, &version_id, value, &[AWSCURRENT.to_string()]) {
            sim.secrets.secrets.remove(&arn);
            return Err(e);
        }
    }
    let replication_status =
        super::replication::replicate(sim, ctx, &arn, &replicas, req.force_overwrite_replica_secret.unwrap_or(false));
    let version_id = value.map(|_| version_id);
    audit.response_elements = Some(json!({ "arn": arn, "name": req.name, "versionId": version_id }));
    Ok(CreateSecretResponse { arn, name: req.name, version_id, replication_status })
}

secrets_operation!(
    /// Creates a secret, optionally with a first value (labelled AWSCURRENT).
    CreateSecret, read_only = false, CreateSecretRequest => CreateSecretResponse, create_secret
);

/// `PutSecretValue` request.
#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutSecretValueRequest {
    /// `SecretId`.
    pub secret_id: String,
    /// `ClientRequestToken` (the new version's id).
    pub client_request_token: Option<String>,
    /// `SecretBinary`.
    pub secret_binary: Option<SecretBytes>,
    /// `SecretString`.
    pub secret_string: Option<String>,
    /// `VersionStages` (default `[AWSCURRENT]`).
    pub version_stages: Option<Vec<String>>,
    /// `RotationToken` (accepted, not checked).
    pub rotation_token: Option<String>,
}

/// `PutSecretValue` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutSecretValueResponse {
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `Name`.
    pub name: String,
    /// `VersionId`.
    pub version_id: String,
    /// `VersionStages`.
    pub version_stages: Vec<String>,
}

fn put_secret_value(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: PutSecretValueRequest,
    audit: &mut AuditDraft,
) -> AwsResult<PutSecretValueResponse> {
    audit.request_parameters = Some(json!({
        "secretId": req.secret_id, "clientRequestToken": req.client_request_token, "versionStages": req.version_stages,
    }));
    check_secret_id(&req.secret_id)?;
    check_token(req.client_request_token.as_deref())?;
    let stages = req.version_stages.unwrap_or_else(|| vec![AWSCURRENT.to_string()]);
    check_labels(&stages)?;
    let value = new_value(req.secret_string, req.secret_binary)?.ok_or_else(|| {
        AwsError::new(ErrorCode::InvalidParameterException, "You must provide either SecretString or SecretBinary.")
    })?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    let extra = stages.iter().map(|s| ("secretsmanager:VersionStage".to_string(), s.clone())).collect();
    authorize_secret(sim, ctx, "secretsmanager:PutSecretValue", secret, extra, audit)?;
    if secret.is_deleted() {
        return Err(marked_for_deletion());
    }
    require_primary(secret)?;
    let name = secret.name.clone();
    if let Some(token) = req.client_request_token.as_deref() {
        if let Some(existing) = secret.version(token) {
            if existing.sealed.is_some() {
                let current_stages = existing.stages.clone();
                if same_value(sim, ctx, &arn, token, &value)? {
                    return Ok(PutSecretValueResponse {
                        arn,
                        name,
                        version_id: token.to_string(),
                        version_stages: current_stages,
                    });
                }
                return Err(AwsError::new(
                    ErrorCode::ResourceExistsException,
                    "You can't modify an existing version, you can only create a new version.",
                ));
            }
        }
    }
    let version_id = match req.client_request_token {
        Some(t) => t,
        None => sim.random_uuid()?,
    };
    add_version(sim, ctx, &arn, &version_id, &value, &stages)?;
    if stages.iter().any(|s| s == AWSCURRENT) {
        let now = sim.now();
        crate::secrets::schedule::manual_update(sim.secrets.get_mut(&arn)?, now);
    }
    super::replication::sync_replicas(sim, ctx, &arn);
    audit.response_elements =
        Some(json!({ "arn": arn, "name": name, "versionId": version_id, "versionStages": stages }));
    Ok(PutSecretValueResponse { arn, name, version_id, version_stages: stages })
}

secrets_operation!(
    /// Stores a new version of a secret's value.
    PutSecretValue, read_only = false, PutSecretValueRequest => PutSecretValueResponse, put_secret_value
);

/// `GetSecretValue` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetSecretValueRequest {
    /// `SecretId`.
    pub secret_id: String,
    /// `VersionId`.
    pub version_id: Option<String>,
    /// `VersionStage` (default AWSCURRENT).
    pub version_stage: Option<String>,
}

/// `GetSecretValue` response (holds the plaintext: never logged).
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSecretValueResponse {
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `Name`.
    pub name: String,
    /// `VersionId`.
    pub version_id: String,
    /// `SecretBinary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_binary: Option<SecretBytes>,
    /// `SecretString`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_string: Option<String>,
    /// `VersionStages`.
    pub version_stages: Vec<String>,
    /// `CreatedDate`.
    #[serde(with = "epoch_seconds")]
    pub created_date: Timestamp,
}

impl std::fmt::Debug for GetSecretValueResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GetSecretValueResponse")
            .field("arn", &self.arn)
            .field("version_id", &self.version_id)
            .field("version_stages", &self.version_stages)
            .finish_non_exhaustive()
    }
}

/// Reads one value (shared by GetSecretValue and BatchGetSecretValue).
pub(crate) fn read_value(
    sim: &mut Simulator,
    ctx: &CallContext,
    secret_id: &str,
    version_id: Option<&str>,
    version_stage: Option<&str>,
    audit: &mut AuditDraft,
) -> AwsResult<GetSecretValueResponse> {
    check_secret_id(secret_id)?;
    if let Some(v) = version_id {
        validate::length("versionId", v, 32, 64)?;
    }
    if let Some(s) = version_stage {
        validate::length("versionStage", s, 1, 256)?;
    }
    let arn = sim.secrets.resolve(ctx, secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    let mut extra = Vec::new();
    if let Some(s) = version_stage.or(if version_id.is_none() { Some(AWSCURRENT) } else { None }) {
        extra.push(("secretsmanager:VersionStage".to_string(), s.to_string()));
    }
    if let Some(v) = version_id {
        extra.push(("secretsmanager:VersionId".to_string(), v.to_string()));
    }
    authorize_secret(sim, ctx, "secretsmanager:GetSecretValue", secret, extra, audit)?;
    if secret.is_deleted() {
        return Err(marked_for_deletion());
    }
    let version = match (version_id, version_stage) {
        (Some(id), stage) => {
            let v = secret.version(id).ok_or_else(|| {
                AwsError::new(
                    ErrorCode::ResourceNotFoundException,
                    format!("Secrets Manager can't find the specified secret value for VersionId: {id}"),
                )
            })?;
            if let Some(stage) = stage {
                if !v.has(stage) {
                    return Err(AwsError::new(
                        ErrorCode::InvalidRequestException,
                        "You provided a VersionStage that is not associated to the provided VersionId.",
                    ));
                }
            }
            v
        }
        (None, stage) => {
            let stage = stage.unwrap_or(AWSCURRENT);
            secret.version_with(stage).ok_or_else(|| {
                AwsError::new(
                    ErrorCode::ResourceNotFoundException,
                    format!("Secrets Manager can't find the specified secret value for staging label: {stage}"),
                )
            })?
        }
    };
    let (secret, version) = (secret.clone(), version.clone());
    let plaintext = open_version(sim, ctx, &secret, &version)?;
    let (secret_string, secret_binary) = if version.binary {
        (None, Some(plaintext))
    } else {
        let text = String::from_utf8(plaintext.expose().to_vec()).map_err(|_| {
            AwsError::new(ErrorCode::DecryptionFailure, "Secrets Manager can't decrypt the protected secret text.")
        })?;
        (Some(text), None)
    };
    let today = day_of(sim.now());
    let stored = sim.secrets.get_mut(&arn)?;
    stored.last_accessed = Some(today);
    if let Some(v) = stored.version_mut(&version.id) {
        v.last_accessed = Some(today);
    }
    Ok(GetSecretValueResponse {
        arn,
        name: secret.name,
        version_id: version.id,
        secret_binary,
        secret_string,
        version_stages: version.stages,
        created_date: version.created,
    })
}

fn get_secret_value(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GetSecretValueRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GetSecretValueResponse> {
    audit.request_parameters =
        Some(json!({ "secretId": req.secret_id, "versionId": req.version_id, "versionStage": req.version_stage }));
    read_value(sim, ctx, &req.secret_id, req.version_id.as_deref(), req.version_stage.as_deref(), audit)
}

secrets_operation!(
    /// Decrypts and returns a version of a secret's value.
    GetSecretValue, read_only = true, GetSecretValueRequest => GetSecretValueResponse, get_secret_value
);

/// `BatchGetSecretValue` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BatchGetSecretValueRequest {
    /// `SecretIdList` (1–20).
    pub secret_id_list: Option<Vec<String>>,
    /// `Filters`.
    pub filters: Option<Vec<super::Filter>>,
    /// `MaxResults` (1–20).
    pub max_results: Option<i64>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

/// `APIErrorType`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApiError {
    /// `SecretId`.
    pub secret_id: String,
    /// `ErrorCode`.
    pub error_code: String,
    /// `Message`.
    pub message: String,
}

/// `BatchGetSecretValue` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetSecretValueResponse {
    /// `SecretValues`.
    pub secret_values: Vec<GetSecretValueResponse>,
    /// `Errors`.
    pub errors: Vec<ApiError>,
    /// `NextToken`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn batch_get_secret_value(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: BatchGetSecretValueRequest,
    audit: &mut AuditDraft,
) -> AwsResult<BatchGetSecretValueResponse> {
    audit.request_parameters =
        Some(json!({ "secretIdList": req.secret_id_list, "filters": req.filters, "maxResults": req.max_results }));
    let (ids, next_token) = match (req.secret_id_list, req.filters) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(AwsError::new(
                ErrorCode::InvalidParameterException,
                "Either SecretIdList or Filters must be provided, but not both.",
            ))
        }
        (Some(ids), None) => {
            if ids.is_empty() || ids.len() > 20 {
                return Err(validate::constraint(
                    "secretIdList",
                    ids.len(),
                    "Member must have length between 1 and 20, inclusive",
                ));
            }
            if req.max_results.is_some() {
                return Err(AwsError::new(
                    ErrorCode::InvalidParameterException,
                    "MaxResults can only be used with Filters.",
                ));
            }
            (ids, None)
        }
        (None, Some(filters)) => {
            let max = req.max_results.unwrap_or(20);
            validate::range("maxResults", max, 1, 20)?;
            let (entries, next) =
                super::manage::filtered_arns(sim, ctx, &filters, false, max, req.next_token.as_deref())?;
            (entries, next)
        }
    };
    authorize_account(sim, ctx, "secretsmanager:BatchGetSecretValue")?;
    let mut out = BatchGetSecretValueResponse { next_token, ..Default::default() };
    for id in ids {
        match read_value(sim, ctx, &id, None, None, audit) {
            Ok(v) => out.secret_values.push(v),
            Err(e) => out.errors.push(ApiError { secret_id: id, error_code: e.name().to_string(), message: e.message }),
        }
    }
    Ok(out)
}

secrets_operation!(
    /// Reads the AWSCURRENT values of up to 20 secrets.
    BatchGetSecretValue, read_only = true, BatchGetSecretValueRequest => BatchGetSecretValueResponse, batch_get_secret_value
);

/// `ListSecretVersionIds` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListSecretVersionIdsRequest {
    /// `SecretId`.
    pub secret_id: String,
    /// `MaxResults` (1–100).
    pub max_results: Option<i64>,
    /// `NextToken`.
    pub next_token: Option<String>,
    /// `IncludeDeprecated`.
    pub include_deprecated: Option<bool>,
}

/// `SecretVersionsListEntry`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretVersionsListEntry {
    /// `VersionId`.
    pub version_id: String,
    /// `VersionStages`.
    pub version_stages: Vec<String>,
    /// `LastAccessedDate`.
    #[serde(default, with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub last_accessed_date: Option<Timestamp>,
    /// `CreatedDate`.
    #[serde(with = "epoch_seconds")]
    pub created_date: Timestamp,
    /// `KmsKeyIds`.
    pub kms_key_ids: Vec<String>,
}

/// `ListSecretVersionIds` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecretVersionIdsResponse {
    /// `Versions`.
    pub versions: Vec<SecretVersionsListEntry>,
    /// `NextToken`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `Name`.
    pub name: String,
}

fn list_secret_version_ids(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListSecretVersionIdsRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListSecretVersionIdsResponse> {
    audit.request_parameters = Some(
        json!({ "secretId": req.secret_id, "maxResults": req.max_results, "includeDeprecated": req.include_deprecated }),
    );
    check_secret_id(&req.secret_id)?;
    let max = req.max_results.unwrap_or(100);
    validate::range("maxResults", max, 1, 100)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    authorize_secret(sim, ctx, "secretsmanager:ListSecretVersionIds", secret, Vec::new(), audit)?;
    let include_deprecated = req.include_deprecated.unwrap_or(false);
    let items: Vec<(String, SecretVersionsListEntry)> = secret
        .versions
        .iter()
        .enumerate()
        .filter(|(_, v)| include_deprecated || !v.stages.is_empty())
        .map(|(i, v)| {
            (
                format!("{i:06}"),
                SecretVersionsListEntry {
                    version_id: v.id.clone(),
                    version_stages: v.stages.clone(),
                    last_accessed_date: v.last_accessed,
                    created_date: v.created,
                    kms_key_ids: v.kms_key_arns(),
                },
            )
        })
        .collect();
    let (versions, next_token) =
        validate::page(items, usize::try_from(max).unwrap_or(100), req.next_token.as_deref(), || {
            AwsError::new(ErrorCode::InvalidNextTokenException, "The NextToken value is invalid.")
        })?;
    Ok(ListSecretVersionIdsResponse { versions, next_token, arn, name: secret.name.clone() })
}

secrets_operation!(
    /// Lists a secret's versions (deprecated ones on request).
    ListSecretVersionIds, read_only = true, ListSecretVersionIdsRequest => ListSecretVersionIdsResponse, list_secret_version_ids
);

/// `UpdateSecretVersionStage` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateSecretVersionStageRequest {
    /// `SecretId`.
    pub secret_id: String,
    /// `VersionStage`.
    pub version_stage: String,
    /// `RemoveFromVersionId`.
    pub remove_from_version_id: Option<String>,
    /// `MoveToVersionId`.
    pub move_to_version_id: Option<String>,
}

fn update_secret_version_stage(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: UpdateSecretVersionStageRequest,
    audit: &mut AuditDraft,
) -> AwsResult<SecretRef> {
    audit.request_parameters = Some(json!({
        "secretId": req.secret_id, "versionStage": req.version_stage,
        "removeFromVersionId": req.remove_from_version_id, "moveToVersionId": req.move_to_version_id,
    }));
    check_secret_id(&req.secret_id)?;
    validate::length("versionStage", &req.version_stage, 1, 256)?;
    for id in [&req.remove_from_version_id, &req.move_to_version_id].into_iter().flatten() {
        validate::length("versionId", id, 32, 64)?;
    }
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    let extra = vec![("secretsmanager:VersionStage".to_string(), req.version_stage.clone())];
    authorize_secret(sim, ctx, "secretsmanager:UpdateSecretVersionStage", secret, extra, audit)?;
    if secret.is_deleted() {
        return Err(marked_for_deletion());
    }
    require_primary(secret)?;
    let label = req.version_stage.as_str();
    let holder = secret.version_with(label).map(|v| v.id.clone());
    for id in [&req.remove_from_version_id, &req.move_to_version_id].into_iter().flatten() {
        if secret.version(id).is_none() {
            return Err(AwsError::new(
                ErrorCode::ResourceNotFoundException,
                format!("Secrets Manager can't find the specified secret version: {id}"),
            ));
        }
    }
    if let Some(remove) = &req.remove_from_version_id {
        if holder.as_deref() != Some(remove.as_str()) {
            return Err(AwsError::new(
                ErrorCode::InvalidParameterException,
                format!("The staging label {label} is not attached to version {remove}."),
            ));
        }
    }
    match &req.move_to_version_id {
        Some(to) => {
            if let Some(holder) = &holder {
                if holder != to && req.remove_from_version_id.as_deref() != Some(holder.as_str()) {
                    return Err(AwsError::new(
                        ErrorCode::InvalidParameterException,
                        format!("The staging label {label} is currently attached to version {holder}, so you must explicitly reference that version in RemoveFromVersionId."),
                    ));
                }
            }
            let target = secret.version(to).map(|v| v.stages.len()).unwrap_or(0);
            if holder.as_deref() != Some(to.as_str()) && target >= crate::secrets::model::MAX_LABELS_PER_VERSION {
                return Err(AwsError::new(
                    ErrorCode::LimitExceededException,
                    "A secret version can have at most 20 staging labels.",
                ));
            }
            let to = to.clone();
            let now = sim.now();
            let secret = sim.secrets.get_mut(&arn)?;
            attach(secret, label, &to);
            secret.last_changed = now;
        }
        None => {
            let Some(remove) = &req.remove_from_version_id else {
                return Err(AwsError::new(
                    ErrorCode::InvalidParameterException,
                    "You must specify MoveToVersionId, RemoveFromVersionId, or both.",
                ));
            };
            if label == AWSCURRENT {
                return Err(AwsError::new(
                    ErrorCode::InvalidParameterException,
                    "You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.",
                ));
            }
            let remove = remove.clone();
            let now = sim.now();
            let secret = sim.secrets.get_mut(&arn)?;
            detach(secret, label, &remove);
            secret.last_changed = now;
        }
    }
    super::replication::sync_replicas(sim, ctx, &arn);
    let name = sim.secrets.get(&arn)?.name.clone();
    Ok(SecretRef { arn, name })
}

secrets_operation!(
    /// Moves (or removes) a staging label.
    UpdateSecretVersionStage, read_only = false, UpdateSecretVersionStageRequest => SecretRef, update_secret_version_stage
);
