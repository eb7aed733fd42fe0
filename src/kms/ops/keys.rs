//! Key lifecycle: create, describe, list, enable, disable, schedule and cancel deletion.

use super::common::{check_policy_text, check_tags, default_key_policy, KeyMetadata};
use super::kms_operation;
use crate::bytes::SecretBytes;
use crate::clock::{epoch_seconds, Timestamp};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::model::{BackingKey, Key, KeyManager, KeyPolicy, KeyState, Origin, RotationSettings, Tag};
use crate::kms::resolve::{require_state, state_error, Use};
use crate::kms::validate;
use crate::simulator::{AccessRequest, AuditDraft, ResourceKind, Simulator};
use crate::world::{CallContext, PARTITION};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Audits the key and checks the caller may perform `action` on it.
pub(crate) fn authorize_key(
    sim: &Simulator,
    ctx: &CallContext,
    action: &str,
    key: &Key,
    audit: &mut AuditDraft,
) -> AwsResult<()> {
    audit.resource(&key.arn, &key.account, "AWS::KMS::Key");
    sim.authorize(ctx, &key_access_request(action, key))
}

/// The authorization question for `action` on `key`: its key policy, grants
/// and tags. Every KMS call and the explain API start from this one shape, so
/// an explanation always matches what the call would decide.
pub(crate) fn key_access_request<'a>(action: &'a str, key: &'a Key) -> AccessRequest<'a> {
    let mut request = AccessRequest::new(action, &key.arn, &key.account, ResourceKind::KmsKey);
    request.key_policy = Some(&key.policy);
    request.grants = &key.grants;
    request.resource_tags = key.tags.iter().map(|t| (t.tag_key.as_str(), t.tag_value.as_str())).collect();
    request
}

/// AWS managed keys refuse management calls.
pub(crate) fn require_customer_managed(key: &Key, operation: &str) -> AwsResult<()> {
    if key.manager == KeyManager::Aws {
        return Err(AwsError::new(
            ErrorCode::UnsupportedOperationException,
            format!("{} is an AWS managed key: {operation} is not supported on AWS managed keys", key.arn),
        ));
    }
    Ok(())
}

/// `CreateKey` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CreateKeyRequest {
    /// `Policy`.
    pub policy: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `KeyUsage`.
    pub key_usage: Option<String>,
    /// `CustomerMasterKeySpec` (deprecated).
    pub customer_master_key_spec: Option<String>,
    /// `KeySpec`.
    pub key_spec: Option<String>,
    /// `Origin`.
    pub origin: Option<String>,
    /// `CustomKeyStoreId`.
    pub custom_key_store_id: Option<String>,
    /// `BypassPolicyLockoutSafetyCheck`.
    pub bypass_policy_lockout_safety_check: Option<bool>,
    /// `Tags`.
    pub tags: Option<Vec<Tag>>,
    /// `MultiRegion`.
    pub multi_region: Option<bool>,
}

/// `CreateKey` / `DescribeKey` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyMetadataResponse {
    /// `KeyMetadata`.
    pub key_metadata: KeyMetadata,
}

fn create_key(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: CreateKeyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<KeyMetadataResponse> {
    let description = req.description.unwrap_or_default();
    validate::length("description", &description, 0, 8192)?;
    let key_spec = req.key_spec.or(req.customer_master_key_spec).unwrap_or_else(|| "SYMMETRIC_DEFAULT".to_string());
    if key_spec != "SYMMETRIC_DEFAULT" {
        return Err(AwsError::new(
            ErrorCode::UnsupportedOperationException,
            format!("KeySpec {key_spec} is not supported by kmsim yet (only SYMMETRIC_DEFAULT)"),
        ));
    }
    let key_usage = req.key_usage.unwrap_or_else(|| "ENCRYPT_DECRYPT".to_string());
    if key_usage != "ENCRYPT_DECRYPT" {
        return Err(validate::constraint(
            "keyUsage",
            &key_usage,
            "KeyUsage ENCRYPT_DECRYPT is the only usage of a SYMMETRIC_DEFAULT key",
        ));
    }
    let origin = match req.origin.as_deref().unwrap_or("AWS_KMS") {
        "AWS_KMS" => Origin::AwsKms,
        "EXTERNAL" => Origin::External,
        "AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE" => {
            return Err(AwsError::new(ErrorCode::UnsupportedOperationException, "Custom key stores are not simulated"))
        }
        other => {
            return Err(validate::constraint(
                "origin",
                other,
                "Member must satisfy enum value set: [EXTERNAL, AWS_CLOUDHSM, AWS_KMS, EXTERNAL_KEY_STORE]",
            ))
        }
    };
    if req.custom_key_store_id.is_some() {
        return Err(AwsError::new(ErrorCode::UnsupportedOperationException, "Custom key stores are not simulated"));
    }
    if req.multi_region == Some(true) {
        return Err(AwsError::new(ErrorCode::UnsupportedOperationException, "Multi-Region keys are not simulated yet"));
    }
    let tags = req.tags.unwrap_or_default();
    check_tags(&tags)?;
    let policy = match req.policy {
        Some(text) => check_policy_text(&text)?,
        None => check_policy_text(&default_key_policy(&ctx.caller.account))?,
    };
    audit.request_parameters = Some(json!({
        "description": description, "keySpec": key_spec, "keyUsage": key_usage, "origin": origin.as_str(),
        "tags": tags, "bypassPolicyLockoutSafetyCheck": req.bypass_policy_lockout_safety_check.unwrap_or(false),
    }));
    let account_resource = format!("arn:{PARTITION}:kms:{}:{}:key/*", ctx.region, ctx.caller.account);
    sim.authorize(
        ctx,
        &AccessRequest::new("kms:CreateKey", &account_resource, &ctx.caller.account, ResourceKind::Other),
    )?;

    // Everything checked; draw randomness and commit.
    let id = sim.random_uuid()?;
    let mut material = Vec::new();
    if origin == Origin::AwsKms {
        let mut bytes = SecretBytes::zeroed(32);
        sim.random_bytes(bytes.expose_mut())?;
        material.push(BackingKey::new(1, bytes, sim.now(), None));
    }
    let arn = format!("arn:{PARTITION}:kms:{}:{}:key/{id}", ctx.region, ctx.caller.account);
    let key = Key {
        id,
        arn: arn.clone(),
        account: ctx.caller.account.clone(),
        region: ctx.region.clone(),
        description,
        manager: KeyManager::Customer,
        key_usage,
        key_spec,
        origin,
        state: if origin == Origin::External { KeyState::PendingImport } else { KeyState::Enabled },
        creation_date: sim.now(),
        deletion_date: None,
        pending_window_days: None,
        policy: KeyPolicy::new(policy),
        tags,
        material,
        rotation: RotationSettings::default(),
        imported: None,
        grants: Vec::new(),
        on_demand_rotations: 0,
        import_parameters: None,
        imported_material_digest: None,
        audit_entry: Default::default(),
    };
    let metadata = KeyMetadata::of(&key);
    audit.resource(&arn, &key.account, "AWS::KMS::Key");
    audit.response_elements = Some(json!({ "keyMetadata": metadata }));
    sim.kms.keys.insert(arn, key);
    Ok(KeyMetadataResponse { key_metadata: metadata })
}

kms_operation!(
    /// Creates a customer managed key.
    CreateKey, read_only = false, CreateKeyRequest => KeyMetadataResponse, create_key
);

/// A request naming one key (and, for some operations, grant tokens).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyIdRequest {
    /// `KeyId`.
    pub key_id: String,
    /// `GrantTokens`.
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
}

fn describe_key(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: KeyIdRequest,
    audit: &mut AuditDraft,
) -> AwsResult<KeyMetadataResponse> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id }));
    validate::grant_tokens(req.grant_tokens.as_deref().unwrap_or_default())?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, true)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:DescribeKey", key, audit)?;
    Ok(KeyMetadataResponse { key_metadata: KeyMetadata::of(key) })
}

kms_operation!(
    /// Describes a key (by id, ARN, alias name or alias ARN).
    DescribeKey, read_only = true, KeyIdRequest => KeyMetadataResponse, describe_key
);

/// `ListKeys` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListKeysRequest {
    /// `Limit` (1–1000, default 100).
    pub limit: Option<i64>,
    /// `Marker` from a previous page.
    pub marker: Option<String>,
}

/// One entry of `ListKeys`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyListEntry {
    /// `KeyId`.
    pub key_id: String,
    /// `KeyArn`.
    pub key_arn: String,
}

/// `ListKeys` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeysResponse {
    /// `Keys`.
    pub keys: Vec<KeyListEntry>,
    /// `NextMarker`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// `Truncated`.
    pub truncated: bool,
}

/// Pages `items` (already in order) after `marker`: AWS markers are opaque; ours
/// are the last item's sort key, base64-encoded.
pub(crate) fn page<T, K: AsRef<str>>(
    items: Vec<(K, T)>,
    limit: Option<i64>,
    marker: Option<&str>,
    default_limit: i64,
    max_limit: i64,
) -> AwsResult<(Vec<T>, Option<String>)> {
    let limit = limit.unwrap_or(default_limit);
    validate::range("limit", limit, 1, max_limit)?;
    let after = match marker {
        Some(m) => Some(
            crate::bytes::base64_decode(m)
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| AwsError::new(ErrorCode::InvalidMarkerException, "Invalid marker"))?,
        ),
        None => None,
    };
    let mut rest: Vec<(K, T)> =
        items.into_iter().filter(|(k, _)| after.as_deref().is_none_or(|a| k.as_ref() > a)).collect();
    let limit = usize::try_from(limit).unwrap_or(100);
    let next = if rest.len() > limit {
        rest.truncate(limit);
        rest.last().map(|(k, _)| crate::bytes::base64_encode(k.as_ref().as_bytes()))
    } else {
        None
    };
    Ok((rest.into_iter().map(|(_, t)| t).collect(), next))
}

fn list_keys(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListKeysRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListKeysResponse> {
    audit.request_parameters = Some(json!({ "limit": req.limit, "marker": req.marker }));
    let account_resource = format!("arn:{PARTITION}:kms:{}:{}:key/*", ctx.region, ctx.caller.account);
    sim.authorize(
        ctx,
        &AccessRequest::new("kms:ListKeys", &account_resource, &ctx.caller.account, ResourceKind::Other),
    )?;
    let items: Vec<(String, KeyListEntry)> = sim
        .kms
        .keys
        .values()
        .filter(|k| k.account == ctx.caller.account && k.region == ctx.region)
        .map(|k| (k.arn.clone(), KeyListEntry { key_id: k.id.clone(), key_arn: k.arn.clone() }))
        .collect();
    let (keys, next_marker) = page(items, req.limit, req.marker.as_deref(), 100, 1000)?;
    Ok(ListKeysResponse { truncated: next_marker.is_some(), keys, next_marker })
}

kms_operation!(
    /// Lists the keys of the caller's account and region.
    ListKeys, read_only = true, ListKeysRequest => ListKeysResponse, list_keys
);

/// The empty response of operations that return nothing.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Empty {}

/// A request naming one key by id or ARN only.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyIdOnlyRequest {
    /// `KeyId`.
    pub key_id: String,
}

fn set_enabled(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: KeyIdOnlyRequest,
    audit: &mut AuditDraft,
    enable: bool,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id }));
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    let (action, name) = if enable { ("kms:EnableKey", "EnableKey") } else { ("kms:DisableKey", "DisableKey") };
    authorize_key(sim, ctx, action, key, audit)?;
    require_customer_managed(key, name)?;
    match key.state {
        KeyState::Enabled | KeyState::Disabled => {}
        // AWS accepts the call, but the state only changes once the key is available again.
        KeyState::Unavailable => return Ok(Empty {}),
        KeyState::PendingDeletion | KeyState::PendingImport => return Err(state_error(key)),
    }
    let now = sim.now();
    let key = sim.kms.key_mut(&resolved.arn)?;
    key.state = if enable { KeyState::Enabled } else { KeyState::Disabled };
    // A disabled key is not rotated. Re-enabled with its material older than
    // the rotation period, AWS rotates it at once, then keeps the period.
    if enable && key.rotation.next_rotation.is_some_and(|next| next < now) {
        key.rotation.next_rotation = Some(now);
    }
    Ok(Empty {})
}

fn enable_key(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: KeyIdOnlyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    set_enabled(sim, ctx, req, audit, true)
}

fn disable_key(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: KeyIdOnlyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    set_enabled(sim, ctx, req, audit, false)
}

kms_operation!(
    /// Enables a key.
    EnableKey, read_only = false, KeyIdOnlyRequest => Empty, enable_key
);
kms_operation!(
    /// Disables a key.
    DisableKey, read_only = false, KeyIdOnlyRequest => Empty, disable_key
);

/// `ScheduleKeyDeletion` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduleKeyDeletionRequest {
    /// `KeyId`.
    pub key_id: String,
    /// `PendingWindowInDays` (7–30, default 30).
    #[serde(default)]
    pub pending_window_in_days: Option<i64>,
}

/// `ScheduleKeyDeletion` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduleKeyDeletionResponse {
    /// `KeyId` (the ARN).
    pub key_id: String,
    /// `DeletionDate`.
    #[serde(with = "epoch_seconds")]
    pub deletion_date: Timestamp,
    /// `KeyState`.
    pub key_state: String,
    /// `PendingWindowInDays`.
    pub pending_window_in_days: u32,
}

fn schedule_key_deletion(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ScheduleKeyDeletionRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ScheduleKeyDeletionResponse> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id, "pendingWindowInDays": req.pending_window_in_days }));
    let days = req.pending_window_in_days.unwrap_or(30);
    validate::range("pendingWindowInDays", days, 7, 30)?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:ScheduleKeyDeletion", key, audit)?;
    require_customer_managed(key, "ScheduleKeyDeletion")?;
    if key.state == KeyState::PendingDeletion {
        return Err(AwsError::new(ErrorCode::KMSInvalidStateException, format!("{} is pending deletion.", key.arn)));
    }
    let days = u32::try_from(days).unwrap_or(30);
    let deletion_date = sim.now().plus_days(i64::from(days));
    let key = sim.kms.key_mut(&resolved.arn)?;
    key.state = KeyState::PendingDeletion;
    key.deletion_date = Some(deletion_date);
    key.pending_window_days = Some(days);
    audit.response_elements = Some(
        json!({ "keyId": key.arn, "deletionDate": deletion_date.to_iso8601(), "keyState": "PendingDeletion", "pendingWindowInDays": days }),
    );
    Ok(ScheduleKeyDeletionResponse {
        key_id: key.arn.clone(),
        deletion_date,
        key_state: "PendingDeletion".to_string(),
        pending_window_in_days: days,
    })
}

kms_operation!(
    /// Schedules a key's deletion after a 7–30 day window.
    ScheduleKeyDeletion, read_only = false, ScheduleKeyDeletionRequest => ScheduleKeyDeletionResponse, schedule_key_deletion
);

/// `CancelKeyDeletion` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CancelKeyDeletionResponse {
    /// `KeyId` (the ARN).
    pub key_id: String,
}

fn cancel_key_deletion(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: KeyIdOnlyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<CancelKeyDeletionResponse> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id }));
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:CancelKeyDeletion", key, audit)?;
    require_customer_managed(key, "CancelKeyDeletion")?;
    if key.state != KeyState::PendingDeletion {
        return Err(AwsError::new(
            ErrorCode::KMSInvalidStateException,
            format!("{} is not pending deletion.", key.arn),
        ));
    }
    let key = sim.kms.key_mut(&resolved.arn)?;
    // As in AWS, a key whose deletion is cancelled comes back Disabled
    // (or PendingImport if it has no material).
    key.state = if key.material.is_empty() { KeyState::PendingImport } else { KeyState::Disabled };
    key.deletion_date = None;
    key.pending_window_days = None;
    Ok(CancelKeyDeletionResponse { key_id: key.arn.clone() })
}

kms_operation!(
    /// Cancels a scheduled deletion; the key comes back disabled.
    CancelKeyDeletion, read_only = false, KeyIdOnlyRequest => CancelKeyDeletionResponse, cancel_key_deletion
);

/// `UpdateKeyDescription` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateKeyDescriptionRequest {
    /// `KeyId`.
    pub key_id: String,
    /// `Description`.
    pub description: String,
}

fn update_key_description(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: UpdateKeyDescriptionRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id, "description": req.description }));
    validate::length("description", &req.description, 0, 8192)?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:UpdateKeyDescription", key, audit)?;
    require_customer_managed(key, "UpdateKeyDescription")?;
    require_state(key, Use::Manage)?;
    sim.kms.key_mut(&resolved.arn)?.description = req.description;
    Ok(Empty {})
}

kms_operation!(
    /// Replaces a key's description.
    UpdateKeyDescription, read_only = false, UpdateKeyDescriptionRequest => Empty, update_key_description
);
