//! Secret metadata: UpdateSecret, DescribeSecret, ListSecrets, DeleteSecret,
//! RestoreSecret, TagResource, UntagResource.

use super::common::{check_tags, check_token, new_value, request_tag_context, Empty, SecretRef};
use super::replication::{replication_statuses, sync_replicas};
use super::secrets_operation;
use super::values::add_version;
use crate::bytes::SecretBytes;
use crate::clock::{epoch_seconds, Timestamp};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::secrets::access::{
    authorize_account, authorize_secret, check_secret_id, marked_for_deletion, require_primary, rewrap_labelled,
};
use crate::secrets::model::{RotationRules, Secret, SecretsState, Tag, AWSCURRENT};
use crate::secrets::validate;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

/// `UpdateSecret` request.
#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateSecretRequest {
    /// `SecretId`.
    pub secret_id: String,
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
}

/// `UpdateSecret` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSecretResponse {
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `Name`.
    pub name: String,
    /// `VersionId` (when a value was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

fn update_secret(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: UpdateSecretRequest,
    audit: &mut AuditDraft,
) -> AwsResult<UpdateSecretResponse> {
    audit.request_parameters = Some(json!({
        "secretId": req.secret_id, "description": req.description, "kmsKeyId": req.kms_key_id,
        "clientRequestToken": req.client_request_token,
    }));
    check_secret_id(&req.secret_id)?;
    check_token(req.client_request_token.as_deref())?;
    if let Some(d) = &req.description {
        validate::length("description", d, 0, 2048)?;
    }
    if let Some(k) = &req.kms_key_id {
        validate::length("kmsKeyId", k, 0, 2048)?;
    }
    let value = new_value(req.secret_string, req.secret_binary)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    let mut extra = Vec::new();
    if let Some(k) = &req.kms_key_id {
        extra.push(("secretsmanager:KmsKeyId".to_string(), k.clone()));
    }
    authorize_secret(sim, ctx, "secretsmanager:UpdateSecret", secret, extra, audit)?;
    if secret.is_deleted() {
        return Err(marked_for_deletion());
    }
    require_primary(secret)?;
    if let Some(token) = &req.client_request_token {
        if value.is_some() && secret.version(token).is_some() {
            return Err(AwsError::new(
                ErrorCode::ResourceExistsException,
                "You can't modify an existing version, you can only create a new version.",
            ));
        }
    }
    let name = secret.name.clone();
    let previous_key = secret.kms_key_id.clone();
    // An empty KmsKeyId means the AWS managed key aws/secretsmanager.
    let new_key = req.kms_key_id.as_ref().map(|k| Some(k.clone()).filter(|k| !k.is_empty()));
    // A new key also protects the versions labelled AWSCURRENT, AWSPENDING and
    // AWSPREVIOUS (their data keys wrapped again, the old wrapping kept). When
    // the caller may not Decrypt under the old key or Encrypt under the new
    // one, AWS leaves those versions as they were and the call still succeeds.
    let rewraps = match &new_key {
        Some(key) if *key != previous_key => {
            let secret = sim.secrets.get(&arn)?.clone();
            rewrap_labelled(sim, ctx, &secret, key.as_deref()).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let now = sim.now();
    // The new key applies to the new version; put it in place first and undo on failure.
    if let Some(key) = &new_key {
        sim.secrets.get_mut(&arn)?.kms_key_id = key.clone();
    }
    let mut version_id = None;
    if let Some(value) = value {
        let id = match req.client_request_token {
            Some(t) => t,
            None => sim.random_uuid()?,
        };
        if let Err(e) = add_version(sim, ctx, &arn, &id, &value, &[AWSCURRENT.to_string()]) {
            sim.secrets.get_mut(&arn)?.kms_key_id = previous_key;
            return Err(e);
        }
        version_id = Some(id);
    }
    let secret = sim.secrets.get_mut(&arn)?;
    for (id, wrapped) in rewraps {
        if let Some(version) = secret.version_mut(&id) {
            version.rewrapped.push(wrapped);
        }
    }
    if let Some(d) = req.description {
        secret.description = Some(d);
    }
    secret.last_changed = now;
    if version_id.is_some() {
        crate::secrets::schedule::manual_update(secret, now);
    }
    sync_replicas(sim, ctx, &arn);
    audit.response_elements = Some(json!({ "arn": arn, "name": name, "versionId": version_id }));
    Ok(UpdateSecretResponse { arn, name, version_id })
}

secrets_operation!(
    /// Changes a secret's description, key, or value (a new AWSCURRENT version).
    UpdateSecret, read_only = false, UpdateSecretRequest => UpdateSecretResponse, update_secret
);

/// A request naming one secret.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SecretIdRequest {
    /// `SecretId`.
    pub secret_id: String,
}

/// `ReplicationStatusType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicationStatus {
    /// `Region`.
    pub region: String,
    /// `KmsKeyId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// `Status`.
    pub status: String,
    /// `StatusMessage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// `LastAccessedDate`: the day the replica was last read in its region.
    #[serde(default, with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub last_accessed_date: Option<Timestamp>,
}

/// `DescribeSecret` response, and an entry of `ListSecrets`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretDescription {
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `Name`.
    pub name: String,
    /// `Description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `KmsKeyId` (absent for the AWS managed key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// `RotationEnabled`.
    pub rotation_enabled: bool,
    /// `RotationLambdaARN`.
    #[serde(rename = "RotationLambdaARN", default, skip_serializing_if = "Option::is_none")]
    pub rotation_lambda_arn: Option<String>,
    /// `RotationRules`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_rules: Option<RotationRules>,
    /// `LastRotatedDate`.
    #[serde(default, with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub last_rotated_date: Option<Timestamp>,
    /// `LastChangedDate`.
    #[serde(with = "epoch_seconds")]
    pub last_changed_date: Timestamp,
    /// `LastAccessedDate`.
    #[serde(default, with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub last_accessed_date: Option<Timestamp>,
    /// `DeletedDate`.
    #[serde(default, with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub deleted_date: Option<Timestamp>,
    /// `NextRotationDate`.
    #[serde(default, with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub next_rotation_date: Option<Timestamp>,
    /// `Tags`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// `VersionIdsToStages` (DescribeSecret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_ids_to_stages: Option<BTreeMap<String, Vec<String>>>,
    /// `SecretVersionsToStages` (ListSecrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_versions_to_stages: Option<BTreeMap<String, Vec<String>>>,
    /// `CreatedDate`.
    #[serde(with = "epoch_seconds")]
    pub created_date: Timestamp,
    /// `PrimaryRegion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_region: Option<String>,
    /// `ReplicationStatus`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replication_status: Vec<ReplicationStatus>,
}

impl SecretDescription {
    /// The description of `secret` (`listing`: as ListSecrets shows it);
    /// `state` holds its replicas.
    pub fn of(state: &SecretsState, secret: &Secret, listing: bool) -> Self {
        let stages = Some(secret.version_stages());
        SecretDescription {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
            description: secret.description.clone(),
            kms_key_id: secret.kms_key_id.clone(),
            rotation_enabled: secret.rotation_enabled,
            rotation_lambda_arn: secret.rotation_lambda_arn.clone(),
            rotation_rules: secret.rotation_rules.clone(),
            last_rotated_date: secret.last_rotated,
            last_changed_date: secret.last_changed,
            last_accessed_date: secret.last_accessed,
            deleted_date: secret.deleted,
            next_rotation_date: secret
                .next_rotation
                .filter(|_| secret.rotation_enabled)
                .map(|start| crate::secrets::schedule::reported_next_rotation(secret.rotation_rules.as_ref(), start)),
            tags: secret.tags.clone(),
            version_ids_to_stages: if listing { None } else { stages.clone() },
            secret_versions_to_stages: if listing { stages } else { None },
            created_date: secret.created,
            primary_region: Some(secret.primary_region.clone().unwrap_or_else(|| secret.region.clone())),
            replication_status: replication_statuses(state, secret),
        }
    }
}

fn describe_secret(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: SecretIdRequest,
    audit: &mut AuditDraft,
) -> AwsResult<SecretDescription> {
    audit.request_parameters = Some(json!({ "secretId": req.secret_id }));
    check_secret_id(&req.secret_id)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    authorize_secret(sim, ctx, "secretsmanager:DescribeSecret", secret, Vec::new(), audit)?;
    Ok(SecretDescription::of(&sim.secrets, secret, false))
}

secrets_operation!(
    /// Describes a secret (works while it is scheduled for deletion).
    DescribeSecret, read_only = true, SecretIdRequest => SecretDescription, describe_secret
);

/// `Filter` of ListSecrets / BatchGetSecretValue.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Filter {
    /// `Key`: description, name, tag-key, tag-value, primary-region, owning-service, all.
    pub key: String,
    /// `Values` (prefix matches; a leading `!` negates).
    pub values: Vec<String>,
}

fn check_filters(filters: &[Filter]) -> AwsResult<()> {
    if filters.len() > 10 {
        return Err(validate::constraint("filters", filters.len(), "Member must have length less than or equal to 10"));
    }
    for f in filters {
        if !["description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"]
            .contains(&f.key.as_str())
        {
            return Err(validate::constraint(
                "filters.member.key",
                &f.key,
                "Member must satisfy enum value set: [all, name, tag-key, description, tag-value, primary-region, owning-service]",
            ));
        }
        if f.values.is_empty() || f.values.len() > 10 {
            return Err(validate::constraint(
                "filters.member.values",
                f.values.len(),
                "Member must have length between 1 and 10, inclusive",
            ));
        }
        for v in &f.values {
            validate::length("filters.member.values", v, 1, 512)?;
        }
    }
    Ok(())
}

fn filter_matches(secret: &Secret, filter: &Filter) -> bool {
    filter.values.iter().any(|raw| {
        let (negate, value) = match raw.strip_prefix('!') {
            Some(v) => (true, v),
            None => (false, raw.as_str()),
        };
        let lower = value.to_lowercase();
        let prefix = |field: &str| field.to_lowercase().starts_with(&lower);
        let hit = match filter.key.as_str() {
            "name" => prefix(&secret.name),
            "description" => secret.description.as_deref().is_some_and(prefix),
            "tag-key" => secret.tags.iter().any(|t| prefix(&t.key)),
            "tag-value" => secret.tags.iter().any(|t| prefix(&t.value)),
            "primary-region" => prefix(secret.primary_region.as_deref().unwrap_or(&secret.region)),
            "owning-service" => false,
            _ => {
                prefix(&secret.name)
                    || secret.description.as_deref().is_some_and(prefix)
                    || secret.tags.iter().any(|t| prefix(&t.key) || prefix(&t.value))
            }
        };
        hit != negate
    })
}

/// The secrets of the caller's account and region that pass `filters`, paged.
fn filtered<'a>(
    sim: &'a Simulator,
    ctx: &CallContext,
    filters: &[Filter],
    include_deleted: bool,
) -> AwsResult<Vec<&'a Secret>> {
    check_filters(filters)?;
    Ok(sim
        .secrets
        .secrets
        .values()
        .filter(|s| s.account == ctx.caller.account && s.region == ctx.region)
        .filter(|s| include_deleted || !s.is_deleted())
        .filter(|s| filters.iter().all(|f| filter_matches(s, f)))
        .collect())
}

fn bad_token() -> AwsError {
    AwsError::new(ErrorCode::InvalidNextTokenException, "The NextToken value is invalid.")
}

/// The ARNs of matching secrets, paged (for BatchGetSecretValue).
pub(crate) fn filtered_arns(
    sim: &Simulator,
    ctx: &CallContext,
    filters: &[Filter],
    include_deleted: bool,
    max: i64,
    token: Option<&str>,
) -> AwsResult<(Vec<String>, Option<String>)> {
    let items =
        filtered(sim, ctx, filters, include_deleted)?.into_iter().map(|s| (s.arn.clone(), s.arn.clone())).collect();
    validate::page(items, usize::try_from(max).unwrap_or(20), token, bad_token)
}

/// `ListSecrets` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListSecretsRequest {
    /// `IncludePlannedDeletion`.
    pub include_planned_deletion: Option<bool>,
    /// `MaxResults` (1–100).
    pub max_results: Option<i64>,
    /// `NextToken`.
    pub next_token: Option<String>,
    /// `Filters`.
    pub filters: Option<Vec<Filter>>,
    /// `SortOrder` (`asc` / `desc`, by creation date).
    pub sort_order: Option<String>,
}

/// `ListSecrets` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecretsResponse {
    /// `SecretList`.
    pub secret_list: Vec<SecretDescription>,
    /// `NextToken`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn list_secrets(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListSecretsRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListSecretsResponse> {
    audit.request_parameters = Some(json!({
        "includePlannedDeletion": req.include_planned_deletion, "maxResults": req.max_results,
        "filters": req.filters, "sortOrder": req.sort_order,
    }));
    let max = req.max_results.unwrap_or(100);
    validate::range("maxResults", max, 1, 100)?;
    let descending = match req.sort_order.as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(validate::constraint("sortOrder", other, "Member must satisfy enum value set: [asc, desc]"))
        }
    };
    authorize_account(sim, ctx, "secretsmanager:ListSecrets")?;
    let filters = req.filters.unwrap_or_default();
    let mut secrets = filtered(sim, ctx, &filters, req.include_planned_deletion.unwrap_or(false))?;
    secrets.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.arn.cmp(&b.arn)));
    if descending {
        secrets.reverse();
    }
    let items = secrets
        .into_iter()
        .enumerate()
        .map(|(i, s)| (format!("{i:08}"), SecretDescription::of(&sim.secrets, s, true)))
        .collect();
    let (secret_list, next_token) =
        validate::page(items, usize::try_from(max).unwrap_or(100), req.next_token.as_deref(), bad_token)?;
    Ok(ListSecretsResponse { secret_list, next_token })
}

secrets_operation!(
    /// Lists the secrets of the caller's account and region.
    ListSecrets, read_only = true, ListSecretsRequest => ListSecretsResponse, list_secrets
);

/// `DeleteSecret` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteSecretRequest {
    /// `SecretId`.
    pub secret_id: String,
    /// `RecoveryWindowInDays` (7–30, default 30).
    pub recovery_window_in_days: Option<i64>,
    /// `ForceDeleteWithoutRecovery`.
    pub force_delete_without_recovery: Option<bool>,
}

/// `DeleteSecret` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteSecretResponse {
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `Name`.
    pub name: String,
    /// `DeletionDate`.
    #[serde(with = "epoch_seconds")]
    pub deletion_date: Timestamp,
}

fn delete_secret(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: DeleteSecretRequest,
    audit: &mut AuditDraft,
) -> AwsResult<DeleteSecretResponse> {
    audit.request_parameters = Some(json!({
        "secretId": req.secret_id, "recoveryWindowInDays": req.recovery_window_in_days,
        "forceDeleteWithoutRecovery": req.force_delete_without_recovery,
    }));
    check_secret_id(&req.secret_id)?;
    let force = req.force_delete_without_recovery.unwrap_or(false);
    if force && req.recovery_window_in_days.is_some() {
        return Err(AwsError::new(
            ErrorCode::InvalidParameterException,
            "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
        ));
    }
    let days = req.recovery_window_in_days.unwrap_or(30);
    if !(7..=30).contains(&days) {
        return Err(AwsError::new(
            ErrorCode::InvalidParameterException,
            "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
        ));
    }
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    authorize_secret(sim, ctx, "secretsmanager:DeleteSecret", secret, Vec::new(), audit)?;
    // Replicas go with RemoveRegionsFromReplication (deleted at once), not here.
    require_primary(secret)?;
    if !secret.replicas.is_empty() {
        return Err(AwsError::new(
            ErrorCode::InvalidRequestException,
            "You can't delete secret because it has replica regions. First remove the replicas with RemoveRegionsFromReplication.",
        ));
    }
    if secret.is_deleted() && !force {
        return Err(marked_for_deletion());
    }
    let name = secret.name.clone();
    let now = sim.now();
    if force {
        sim.secrets.secrets.remove(&arn);
        super::replication::forget_replica(sim, &arn);
        return Ok(DeleteSecretResponse { arn, name, deletion_date: now });
    }
    let deletion_date = now.plus_days(days);
    let secret = sim.secrets.get_mut(&arn)?;
    secret.deleted = Some(now);
    secret.deletion_date = Some(deletion_date);
    audit.response_elements = Some(json!({ "arn": arn, "name": name, "deletionDate": deletion_date.to_iso8601() }));
    Ok(DeleteSecretResponse { arn, name, deletion_date })
}

secrets_operation!(
    /// Schedules a secret's deletion (or deletes it at once).
    DeleteSecret, read_only = false, DeleteSecretRequest => DeleteSecretResponse, delete_secret
);

fn restore_secret(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: SecretIdRequest,
    audit: &mut AuditDraft,
) -> AwsResult<SecretRef> {
    audit.request_parameters = Some(json!({ "secretId": req.secret_id }));
    check_secret_id(&req.secret_id)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    authorize_secret(sim, ctx, "secretsmanager:RestoreSecret", secret, Vec::new(), audit)?;
    require_primary(secret)?;
    let name = secret.name.clone();
    let secret = sim.secrets.get_mut(&arn)?;
    secret.deleted = None;
    secret.deletion_date = None;
    Ok(SecretRef { arn, name })
}

secrets_operation!(
    /// Cancels a scheduled deletion.
    RestoreSecret, read_only = false, SecretIdRequest => SecretRef, restore_secret
);

/// `TagResource` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TagResourceRequest {
    /// `SecretId`.
    pub secret_id: String,
    /// `Tags`.
    pub tags: Vec<Tag>,
}

fn tag_resource(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: TagResourceRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "secretId": req.secret_id, "tags": req.tags }));
    check_secret_id(&req.secret_id)?;
    check_tags(&req.tags)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    authorize_secret(sim, ctx, "secretsmanager:TagResource", secret, request_tag_context(&req.tags), audit)?;
    if secret.is_deleted() {
        return Err(marked_for_deletion());
    }
    require_primary(secret)?;
    let mut tags = secret.tags.clone();
    for tag in req.tags {
        match tags.iter_mut().find(|t| t.key == tag.key) {
            Some(t) => t.value = tag.value,
            None => tags.push(tag),
        }
    }
    check_tags(&tags)?;
    sim.secrets.get_mut(&arn)?.tags = tags;
    sync_replicas(sim, ctx, &arn);
    Ok(Empty {})
}

secrets_operation!(
    /// Adds or replaces tags.
    TagResource, read_only = false, TagResourceRequest => Empty, tag_resource
);

/// `UntagResource` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UntagResourceRequest {
    /// `SecretId`.
    pub secret_id: String,
    /// `TagKeys`.
    pub tag_keys: Vec<String>,
}

fn untag_resource(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: UntagResourceRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "secretId": req.secret_id, "tagKeys": req.tag_keys }));
    check_secret_id(&req.secret_id)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    let extra = req.tag_keys.iter().map(|k| ("aws:TagKeys".to_string(), k.clone())).collect();
    authorize_secret(sim, ctx, "secretsmanager:UntagResource", secret, extra, audit)?;
    if secret.is_deleted() {
        return Err(marked_for_deletion());
    }
    require_primary(secret)?;
    sim.secrets.get_mut(&arn)?.tags.retain(|t| !req.tag_keys.contains(&t.key));
    sync_replicas(sim, ctx, &arn);
    Ok(Empty {})
}

secrets_operation!(
    /// Removes tags.
    UntagResource, read_only = false, UntagResourceRequest => Empty, untag_resource
);
