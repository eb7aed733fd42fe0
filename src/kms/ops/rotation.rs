//! Key rotation: automatic (EnableKeyRotation / DisableKeyRotation), on demand,
//! and its history. Every rotation adds a backing-key version; older versions
//! are kept so that every earlier ciphertext still decrypts.

use super::keys::{authorize_key, page, require_customer_managed, KeyIdOnlyRequest};
use super::kms_operation;
use crate::bytes::SecretBytes;
use crate::clock::{epoch_seconds, Timestamp};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::model::{BackingKey, Key, KeyState, Origin, RotationType};
use crate::kms::resolve::{require_state, state_error, Use};
use crate::kms::validate;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// AWS's default automatic rotation period.
pub const DEFAULT_ROTATION_PERIOD_DAYS: u32 = 365;
/// The shortest automatic rotation period AWS accepts.
pub const MIN_ROTATION_PERIOD_DAYS: i64 = 90;
/// The longest automatic rotation period AWS accepts.
pub const MAX_ROTATION_PERIOD_DAYS: i64 = 2560;
/// How many times `RotateKeyOnDemand` may rotate one key (the KMS API Reference's figure).
pub const MAX_ON_DEMAND_ROTATIONS: u32 = 10;

/// Keys with imported material cannot be rotated by KMS (key-state table, notes 6 and 7).
fn refuse_imported(key: &Key) -> AwsResult<()> {
    if key.origin == Origin::External {
        return Err(AwsError::new(
            ErrorCode::UnsupportedOperationException,
            format!("{} origin is EXTERNAL which is not valid for this operation.", key.arn),
        ));
    }
    Ok(())
}

/// The state gate of EnableKeyRotation / DisableKeyRotation: imported keys are
/// unsupported whatever their state; otherwise only enabled keys qualify.
fn rotation_settings_gate(key: &Key, operation: &str) -> AwsResult<()> {
    require_customer_managed(key, operation)?;
    refuse_imported(key)?;
    if key.state == KeyState::Unavailable {
        return Err(AwsError::new(
            ErrorCode::UnsupportedOperationException,
            format!("{} is in a custom key store: {operation} is not supported.", key.arn),
        ));
    }
    require_state(key, Use::Crypto)
}

/// `EnableKeyRotation` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnableKeyRotationRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `RotationPeriodInDays` (90–2560, default 365).
    #[serde(default)]
    pub rotation_period_in_days: Option<i64>,
}

fn enable_key_rotation(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: EnableKeyRotationRequest,
    audit: &mut AuditDraft,
) -> AwsResult<super::keys::Empty> {
    audit.request_parameters =
        Some(json!({ "keyId": req.key_id, "rotationPeriodInDays": req.rotation_period_in_days }));
    let requested = req.rotation_period_in_days.unwrap_or(i64::from(DEFAULT_ROTATION_PERIOD_DAYS));
    validate::range("rotationPeriodInDays", requested, MIN_ROTATION_PERIOD_DAYS, MAX_ROTATION_PERIOD_DAYS)?;
    let period = u32::try_from(requested).unwrap_or(DEFAULT_ROTATION_PERIOD_DAYS);
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:EnableKeyRotation", key, audit)?;
    rotation_settings_gate(key, "EnableKeyRotation")?;
    let now = sim.now();
    let next = match (key.rotation.enabled, key.rotation.period_days, key.rotation.next_rotation) {
        // Changing the period of a key that already rotates keeps the schedule's
        // anchor (the last rotation, or when rotation was turned on) and moves
        // the next date by the difference; a date already past fires at once.
        (true, Some(old_period), Some(old_next)) => {
            let anchor = old_next.plus_days(-i64::from(old_period));
            anchor.plus_days(i64::from(period)).max(now)
        }
        _ => now.plus_days(i64::from(period)),
    };
    let key = sim.kms.key_mut(&resolved.arn)?;
    key.rotation.enabled = true;
    key.rotation.period_days = Some(period);
    key.rotation.next_rotation = Some(next);
    Ok(super::keys::Empty {})
}

kms_operation!(
    /// Turns on automatic rotation every `RotationPeriodInDays` days.
    EnableKeyRotation, read_only = false, EnableKeyRotationRequest => super::keys::Empty, enable_key_rotation
);

fn disable_key_rotation(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: KeyIdOnlyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<super::keys::Empty> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id }));
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:DisableKeyRotation", key, audit)?;
    rotation_settings_gate(key, "DisableKeyRotation")?;
    let key = sim.kms.key_mut(&resolved.arn)?;
    key.rotation.enabled = false;
    key.rotation.period_days = None;
    key.rotation.next_rotation = None;
    Ok(super::keys::Empty {})
}

kms_operation!(
    /// Turns off automatic rotation (on-demand rotation stays possible).
    DisableKeyRotation, read_only = false, KeyIdOnlyRequest => super::keys::Empty, disable_key_rotation
);

/// `GetKeyRotationStatus` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetKeyRotationStatusResponse {
    /// `KeyRotationEnabled`.
    pub key_rotation_enabled: bool,
    /// `KeyId` (the key ARN).
    pub key_id: String,
    /// `RotationPeriodInDays`, while automatic rotation is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_period_in_days: Option<u32>,
    /// `NextRotationDate`, while automatic rotation is on.
    #[serde(default, with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub next_rotation_date: Option<Timestamp>,
    /// `OnDemandRotationStartDate`, while an on-demand rotation is in progress.
    /// kmsim completes on-demand rotations within the call, so it is never set.
    #[serde(default, with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub on_demand_rotation_start_date: Option<Timestamp>,
}

fn get_key_rotation_status(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: KeyIdOnlyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GetKeyRotationStatusResponse> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id }));
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:GetKeyRotationStatus", key, audit)?;
    refuse_imported(key)?;
    if key.state == KeyState::Unavailable {
        return Err(state_error(key));
    }
    let enabled = key.rotation.enabled;
    Ok(GetKeyRotationStatusResponse {
        key_rotation_enabled: enabled,
        key_id: key.arn.clone(),
        rotation_period_in_days: if enabled { key.rotation.period_days } else { None },
        next_rotation_date: if enabled { key.rotation.next_rotation } else { None },
        on_demand_rotation_start_date: None,
    })
}

kms_operation!(
    /// Tells whether automatic rotation is on, its period and the next date.
    GetKeyRotationStatus, read_only = true, KeyIdOnlyRequest => GetKeyRotationStatusResponse, get_key_rotation_status
);

/// `RotateKeyOnDemand` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotateKeyOnDemandResponse {
    /// `KeyId` (the key ARN).
    pub key_id: String,
}

fn rotate_key_on_demand(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: KeyIdOnlyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<RotateKeyOnDemandResponse> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id }));
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:RotateKeyOnDemand", key, audit)?;
    require_customer_managed(key, "RotateKeyOnDemand")?;
    refuse_imported(key)?;
    require_state(key, Use::Crypto)?;
    if key.on_demand_rotations >= MAX_ON_DEMAND_ROTATIONS {
        return Err(AwsError::new(
            ErrorCode::LimitExceededException,
            format!("{} has reached the limit of {MAX_ON_DEMAND_ROTATIONS} on-demand rotations.", key.arn),
        ));
    }
    // Every check passed: draw the new material, then commit.
    let mut material = SecretBytes::zeroed(32);
    sim.random_bytes(material.expose_mut())?;
    let now = sim.now();
    let key = sim.kms.key_mut(&resolved.arn)?;
    let version = key.material.last().map_or(1, |m| m.version.saturating_add(1));
    // On-demand rotations leave the automatic schedule as it was.
    key.material.push(BackingKey::new(version, material, now, Some(RotationType::OnDemand)));
    key.on_demand_rotations = key.on_demand_rotations.saturating_add(1);
    Ok(RotateKeyOnDemandResponse { key_id: key.arn.clone() })
}

kms_operation!(
    /// Rotates the key material now (at most ten times per key); the automatic schedule is unchanged.
    RotateKeyOnDemand, read_only = false, KeyIdOnlyRequest => RotateKeyOnDemandResponse, rotate_key_on_demand
);

/// `ListKeyRotations` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeyRotationsRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `Limit` (1–1000, default 100).
    #[serde(default)]
    pub limit: Option<i64>,
    /// `Marker`.
    #[serde(default)]
    pub marker: Option<String>,
}

/// One completed rotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationsListEntry {
    /// `KeyId` (the key ARN).
    pub key_id: String,
    /// `RotationDate`.
    #[serde(with = "epoch_seconds")]
    pub rotation_date: Timestamp,
    /// `RotationType`: `AUTOMATIC` or `ON_DEMAND`.
    pub rotation_type: RotationType,
}

/// `ListKeyRotations` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeyRotationsResponse {
    /// `Rotations`, oldest first.
    pub rotations: Vec<RotationsListEntry>,
    /// `NextMarker`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// `Truncated`.
    pub truncated: bool,
}

fn list_key_rotations(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListKeyRotationsRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListKeyRotationsResponse> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id, "limit": req.limit }));
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:ListKeyRotations", key, audit)?;
    refuse_imported(key)?;
    let items: Vec<(String, RotationsListEntry)> = key
        .material
        .iter()
        .filter_map(|m| {
            let rotation_type = m.rotation_type?;
            // Zero-padded so that the text order of markers is the version order.
            let sort_key = format!("{:010}", m.version);
            Some((sort_key, RotationsListEntry { key_id: key.arn.clone(), rotation_date: m.created, rotation_type }))
        })
        .collect();
    let (rotations, next_marker) = page(items, req.limit, req.marker.as_deref(), 100, 1000)?;
    Ok(ListKeyRotationsResponse { truncated: next_marker.is_some(), rotations, next_marker })
}

kms_operation!(
    /// Lists the completed rotations of a key, with their dates and types.
    ListKeyRotations, read_only = true, ListKeyRotationsRequest => ListKeyRotationsResponse, list_key_rotations
);
