//! Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies. A key has exactly
//! one policy, named `default`.

use super::common::check_policy_text;
use super::keys::{authorize_key, page, require_customer_managed, Empty};
use super::kms_operation;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::model::KeyPolicy;
use crate::kms::validate;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The name of the only key policy a key has.
pub const DEFAULT_POLICY_NAME: &str = "default";

/// Checks `PolicyName` (optional; when given it must be `default`).
fn check_policy_name(name: Option<&str>) -> AwsResult<()> {
    let Some(name) = name else { return Ok(()) };
    validate::length("policyName", name, 1, 128)?;
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(validate::constraint("policyName", name, "Member must satisfy regular expression pattern: [\\w]+"));
    }
    if name != DEFAULT_POLICY_NAME {
        return Err(AwsError::new(ErrorCode::NotFoundException, format!("No such policy exists: {name}")));
    }
    Ok(())
}

/// `GetKeyPolicy` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetKeyPolicyRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `PolicyName` (only `default`; optional).
    #[serde(default)]
    pub policy_name: Option<String>,
}

/// `GetKeyPolicy` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetKeyPolicyResponse {
    /// `Policy`, exactly as stored.
    pub policy: String,
    /// `PolicyName`.
    pub policy_name: String,
}

fn get_key_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GetKeyPolicyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GetKeyPolicyResponse> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id, "policyName": req.policy_name }));
    check_policy_name(req.policy_name.as_deref())?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:GetKeyPolicy", key, audit)?;
    Ok(GetKeyPolicyResponse { policy: key.policy.text.clone(), policy_name: DEFAULT_POLICY_NAME.to_string() })
}

kms_operation!(
    /// Returns a key's policy document.
    GetKeyPolicy, read_only = true, GetKeyPolicyRequest => GetKeyPolicyResponse, get_key_policy
);

/// `PutKeyPolicy` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutKeyPolicyRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `PolicyName` (only `default`; optional).
    #[serde(default)]
    pub policy_name: Option<String>,
    /// `Policy`: a JSON policy document of at most 32 KiB.
    pub policy: String,
    /// `BypassPolicyLockoutSafetyCheck`.
    #[serde(default)]
    pub bypass_policy_lockout_safety_check: Option<bool>,
}

fn put_key_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: PutKeyPolicyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({
        "keyId": req.key_id, "policyName": req.policy_name, "policy": req.policy,
        "bypassPolicyLockoutSafetyCheck": req.bypass_policy_lockout_safety_check.unwrap_or(false),
    }));
    check_policy_name(req.policy_name.as_deref())?;
    check_policy_text(&req.policy)?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:PutKeyPolicy", key, audit)?;
    require_customer_managed(key, "PutKeyPolicy")?;
    sim.kms.key_mut(&resolved.arn)?.policy = KeyPolicy { text: req.policy };
    Ok(Empty {})
}

kms_operation!(
    /// Replaces a customer managed key's policy (any key state).
    PutKeyPolicy, read_only = false, PutKeyPolicyRequest => Empty, put_key_policy
);

/// `ListKeyPolicies` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeyPoliciesRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `Limit` (1–1000, default 100).
    #[serde(default)]
    pub limit: Option<i64>,
    /// `Marker`.
    #[serde(default)]
    pub marker: Option<String>,
}

/// `ListKeyPolicies` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeyPoliciesResponse {
    /// `PolicyNames`: always `["default"]`.
    pub policy_names: Vec<String>,
    /// `NextMarker`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// `Truncated`.
    pub truncated: bool,
}

fn list_key_policies(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListKeyPoliciesRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListKeyPoliciesResponse> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id, "limit": req.limit }));
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:ListKeyPolicies", key, audit)?;
    let items = vec![(DEFAULT_POLICY_NAME.to_string(), DEFAULT_POLICY_NAME.to_string())];
    let (policy_names, next_marker) = page(items, req.limit, req.marker.as_deref(), 100, 1000)?;
    Ok(ListKeyPoliciesResponse { truncated: next_marker.is_some(), policy_names, next_marker })
}

kms_operation!(
    /// Lists the names of a key's policies (always `default`).
    ListKeyPolicies, read_only = true, ListKeyPoliciesRequest => ListKeyPoliciesResponse, list_key_policies
);
