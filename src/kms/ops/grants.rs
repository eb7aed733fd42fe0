//! Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.
//!
//! Grants are stored and listed as AWS does, and handed to the authorization
//! seam with every key request; enforcing them is the policy engine's job.

use super::keys::{authorize_key, page, Empty};
use super::kms_operation;
use crate::clock::{epoch_seconds, Timestamp};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::model::{Grant, GrantConstraints};
use crate::kms::resolve::{require_state, Use};
use crate::kms::validate;
use crate::rng::hex_encode;
use crate::simulator::{AccessRequest, AuditDraft, ResourceKind, Simulator};
use crate::world::{CallContext, PARTITION};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The most grants one key may carry.
pub const MAX_GRANTS_PER_KEY: usize = 50_000;

/// The grant operations AWS knows, and which of them a symmetric encryption key supports.
const SYMMETRIC_GRANT_OPERATIONS: &[&str] = &[
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
];
const OTHER_GRANT_OPERATIONS: &[&str] =
    &["Sign", "Verify", "GetPublicKey", "GenerateMac", "VerifyMac", "DeriveSharedSecret"];

/// Grant ids are 64 hex digits.
fn is_grant_id_shaped(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_principal(member: &str, principal: &str) -> AwsResult<()> {
    validate::length(member, principal, 1, 256)?;
    if !principal.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(validate::constraint(
            member,
            principal,
            "Member must satisfy regular expression pattern: ^[\\w+=,.@:/-]+$",
        ));
    }
    Ok(())
}

fn check_constraints(constraints: &GrantConstraints) -> AwsResult<()> {
    for context in
        [&constraints.encryption_context_equals, &constraints.encryption_context_subset].into_iter().flatten()
    {
        validate::encryption_context(context)?;
    }
    Ok(())
}

/// `CreateGrant` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGrantRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `GranteePrincipal`.
    pub grantee_principal: String,
    /// `RetiringPrincipal`.
    #[serde(default)]
    pub retiring_principal: Option<String>,
    /// `Operations`.
    pub operations: Vec<String>,
    /// `Constraints`.
    #[serde(default)]
    pub constraints: Option<GrantConstraints>,
    /// `GrantTokens`.
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    /// `Name`: makes the request idempotent.
    #[serde(default)]
    pub name: Option<String>,
    /// `DryRun`.
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// `CreateGrant` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGrantResponse {
    /// `GrantToken`.
    pub grant_token: String,
    /// `GrantId`.
    pub grant_id: String,
}

fn create_grant(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: CreateGrantRequest,
    audit: &mut AuditDraft,
) -> AwsResult<CreateGrantResponse> {
    audit.request_parameters = Some(json!({
        "keyId": req.key_id, "granteePrincipal": req.grantee_principal,
        "retiringPrincipal": req.retiring_principal, "operations": req.operations,
        "constraints": req.constraints, "name": req.name,
    }));
    check_principal("granteePrincipal", &req.grantee_principal)?;
    if let Some(retiring) = &req.retiring_principal {
        check_principal("retiringPrincipal", retiring)?;
    }
    if req.operations.is_empty() {
        return Err(validate::constraint("operations", "[]", "Member must have length greater than or equal to 1"));
    }
    for operation in &req.operations {
        if !SYMMETRIC_GRANT_OPERATIONS.contains(&operation.as_str())
            && !OTHER_GRANT_OPERATIONS.contains(&operation.as_str())
        {
            return Err(validate::constraint(
                "operations.member",
                operation,
                "Member must satisfy enum value set: [Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncryptFrom, ReEncryptTo, Sign, Verify, GetPublicKey, CreateGrant, RetireGrant, DescribeKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateMac, VerifyMac, DeriveSharedSecret]",
            ));
        }
    }
    if let Some(name) = &req.name {
        validate::length("name", name, 1, 256)?;
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'/' | b'_' | b'-')) {
            return Err(validate::constraint(
                "name",
                name,
                "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
            ));
        }
    }
    if let Some(constraints) = &req.constraints {
        check_constraints(constraints)?;
    }
    let grant_tokens = req.grant_tokens.unwrap_or_default();
    validate::grant_tokens(&grant_tokens)?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    audit.resource(&key.arn, &key.account, "AWS::KMS::Key");
    let mut access = super::keys::key_access_request("kms:CreateGrant", key);
    access.grant_tokens = &grant_tokens;
    // The condition keys KMS defines for CreateGrant.
    access.extra_context.extend(req.operations.iter().map(|op| ("kms:GrantOperations".to_string(), op.clone())));
    access.extra_context.push(("kms:GranteePrincipal".to_string(), req.grantee_principal.clone()));
    if let Some(retiring) = &req.retiring_principal {
        access.extra_context.push(("kms:RetiringPrincipal".to_string(), retiring.clone()));
    }
    access.extra_context.push(("kms:GrantIsForAWSResource".to_string(), ctx.via_service.is_some().to_string()));
    if let Some(c) = &req.constraints {
        let kind =
            if c.encryption_context_equals.is_some() { "EncryptionContextEquals" } else { "EncryptionContextSubset" };
        access.extra_context.push(("kms:GrantConstraintType".to_string(), kind.to_string()));
    }
    sim.authorize(ctx, &access)?;
    require_state(key, Use::Grant)?;
    if let Some(unsupported) = req.operations.iter().find(|op| OTHER_GRANT_OPERATIONS.contains(&op.as_str())) {
        return Err(AwsError::validation(format!(
            "Grant operation {unsupported} is not valid for a symmetric encryption KMS key ({}).",
            key.arn
        )));
    }
    let constraints = req.constraints.filter(|c| *c != GrantConstraints::default());
    // A retried CreateGrant with the same name and parameters returns the same grant.
    let existing = req.name.as_ref().and_then(|name| {
        key.grants.iter().position(|g| {
            g.name.as_ref() == Some(name)
                && g.grantee_principal == req.grantee_principal
                && g.retiring_principal == req.retiring_principal
                && g.operations == req.operations
                && g.constraints == constraints
        })
    });
    if existing.is_none() && key.grants.len() >= MAX_GRANTS_PER_KEY {
        return Err(AwsError::new(
            ErrorCode::LimitExceededException,
            format!("{} already has the maximum of {MAX_GRANTS_PER_KEY} grants.", key.arn),
        ));
    }
    if req.dry_run == Some(true) {
        return Err(AwsError::new(
            ErrorCode::DryRunOperationException,
            "The request would have succeeded, but the DryRun option is set.",
        ));
    }
    // Every check passed: draw the token (and id), then commit.
    let mut token_bytes = [0u8; 48];
    sim.random_bytes(&mut token_bytes)?;
    let grant_token = crate::bytes::base64_encode(&token_bytes);
    let new_grant_id = match existing {
        Some(_) => None,
        None => {
            let mut id_bytes = [0u8; 32];
            sim.random_bytes(&mut id_bytes)?;
            Some(hex_encode(&id_bytes))
        }
    };
    let now = sim.now();
    let issuing_account = format!("arn:{PARTITION}:iam::{}:root", ctx.caller.account);
    let key = sim.kms.key_mut(&resolved.arn)?;
    let response = match (existing.and_then(|i| key.grants.get_mut(i)), new_grant_id) {
        (Some(grant), _) => {
            grant.other_tokens.push(grant_token.clone());
            CreateGrantResponse { grant_token, grant_id: grant.grant_id.clone() }
        }
        (None, Some(grant_id)) => {
            key.grants.push(Grant {
                grant_id: grant_id.clone(),
                grant_token: grant_token.clone(),
                name: req.name,
                grantee_principal: req.grantee_principal,
                retiring_principal: req.retiring_principal,
                issuing_account,
                operations: req.operations,
                constraints,
                creation_date: now,
                other_tokens: Vec::new(),
            });
            CreateGrantResponse { grant_token, grant_id }
        }
        (None, None) => return Err(AwsError::new(ErrorCode::KMSInternalException, "grant bookkeeping failed")),
    };
    audit.response_elements = Some(json!({ "grantId": response.grant_id }));
    Ok(response)
}

kms_operation!(
    /// Creates a grant on a key (idempotent for the same `Name` and parameters).
    CreateGrant, read_only = false, CreateGrantRequest => CreateGrantResponse, create_grant
);

/// One grant as ListGrants and ListRetirableGrants return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GrantListEntry {
    /// `KeyId` (the key ARN).
    pub key_id: String,
    /// `GrantId`.
    pub grant_id: String,
    /// `Name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `CreationDate`.
    #[serde(with = "epoch_seconds")]
    pub creation_date: Timestamp,
    /// `GranteePrincipal`.
    pub grantee_principal: String,
    /// `RetiringPrincipal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retiring_principal: Option<String>,
    /// `IssuingAccount`.
    pub issuing_account: String,
    /// `Operations`.
    pub operations: Vec<String>,
    /// `Constraints`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<GrantConstraints>,
}

impl GrantListEntry {
    fn of(key_arn: &str, grant: &Grant) -> Self {
        GrantListEntry {
            key_id: key_arn.to_string(),
            grant_id: grant.grant_id.clone(),
            name: grant.name.clone(),
            creation_date: grant.creation_date,
            grantee_principal: grant.grantee_principal.clone(),
            retiring_principal: grant.retiring_principal.clone(),
            issuing_account: grant.issuing_account.clone(),
            operations: grant.operations.clone(),
            constraints: grant.constraints.clone(),
        }
    }
}

/// `ListGrants` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGrantsRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `Limit` (1–100, default 50).
    #[serde(default)]
    pub limit: Option<i64>,
    /// `Marker`.
    #[serde(default)]
    pub marker: Option<String>,
    /// `GrantId`: only this grant.
    #[serde(default)]
    pub grant_id: Option<String>,
    /// `GranteePrincipal`: only grants to this principal.
    #[serde(default)]
    pub grantee_principal: Option<String>,
}

/// `ListGrants` / `ListRetirableGrants` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGrantsResponse {
    /// `Grants`.
    pub grants: Vec<GrantListEntry>,
    /// `NextMarker`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// `Truncated`.
    pub truncated: bool,
}

fn list_grants(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListGrantsRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListGrantsResponse> {
    audit.request_parameters = Some(json!({
        "keyId": req.key_id, "limit": req.limit, "grantId": req.grant_id, "granteePrincipal": req.grantee_principal,
    }));
    if let Some(id) = &req.grant_id {
        validate::length("grantId", id, 1, 128)?;
    }
    if let Some(principal) = &req.grantee_principal {
        check_principal("granteePrincipal", principal)?;
    }
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:ListGrants", key, audit)?;
    // Grants keep their creation order; the index makes a stable marker.
    let items: Vec<(String, GrantListEntry)> = key
        .grants
        .iter()
        .enumerate()
        .filter(|(_, g)| req.grant_id.as_ref().is_none_or(|id| &g.grant_id == id))
        .filter(|(_, g)| req.grantee_principal.as_ref().is_none_or(|p| &g.grantee_principal == p))
        .map(|(i, g)| (format!("{i:010}"), GrantListEntry::of(&key.arn, g)))
        .collect();
    let (grants, next_marker) = page(items, req.limit, req.marker.as_deref(), 50, 100)?;
    Ok(ListGrantsResponse { truncated: next_marker.is_some(), grants, next_marker })
}

kms_operation!(
    /// Lists the grants on a key.
    ListGrants, read_only = true, ListGrantsRequest => ListGrantsResponse, list_grants
);

/// `ListRetirableGrants` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRetirableGrantsRequest {
    /// `RetiringPrincipal`.
    pub retiring_principal: String,
    /// `Limit` (1–100, default 50).
    #[serde(default)]
    pub limit: Option<i64>,
    /// `Marker`.
    #[serde(default)]
    pub marker: Option<String>,
}

fn list_retirable_grants(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListRetirableGrantsRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListGrantsResponse> {
    audit.request_parameters = Some(json!({ "retiringPrincipal": req.retiring_principal, "limit": req.limit }));
    check_principal("retiringPrincipal", &req.retiring_principal)?;
    let account_resource = format!("arn:{PARTITION}:kms:{}:{}:key/*", ctx.region, ctx.caller.account);
    sim.authorize(
        ctx,
        &AccessRequest::new("kms:ListRetirableGrants", &account_resource, &ctx.caller.account, ResourceKind::Other),
    )?;
    let mut items: Vec<(String, GrantListEntry)> = Vec::new();
    for key in sim.kms.keys.values().filter(|k| k.account == ctx.caller.account && k.region == ctx.region) {
        for (i, grant) in key.grants.iter().enumerate() {
            if grant.retiring_principal.as_deref() == Some(req.retiring_principal.as_str()) {
                items.push((format!("{}#{i:010}", key.arn), GrantListEntry::of(&key.arn, grant)));
            }
        }
    }
    let (grants, next_marker) = page(items, req.limit, req.marker.as_deref(), 50, 100)?;
    Ok(ListGrantsResponse { truncated: next_marker.is_some(), grants, next_marker })
}

kms_operation!(
    /// Lists the grants a principal may retire, across the caller's keys in the region.
    ListRetirableGrants, read_only = true, ListRetirableGrantsRequest => ListGrantsResponse, list_retirable_grants
);

/// `RetireGrant` request: a grant token, or a key and grant id.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RetireGrantRequest {
    /// `GrantToken`.
    pub grant_token: Option<String>,
    /// `KeyId` (key id or ARN), with `GrantId`.
    pub key_id: Option<String>,
    /// `GrantId`, with `KeyId`.
    pub grant_id: Option<String>,
    /// `DryRun`.
    pub dry_run: Option<bool>,
}

fn retire_grant(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: RetireGrantRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id, "grantId": req.grant_id }));
    let (key_arn, grant_id) = match (&req.grant_token, &req.key_id, &req.grant_id) {
        (Some(token), _, _) => {
            validate::length("grantToken", token, 1, 8192)?;
            let found = sim.kms.keys.values().find_map(|k| {
                k.grants.iter().find(|g| g.has_token(token)).map(|g| (k.arn.clone(), g.grant_id.clone()))
            });
            let (arn, id) = found.ok_or_else(|| {
                AwsError::new(
                    ErrorCode::InvalidGrantTokenException,
                    "The grant token is not valid or its grant no longer exists.",
                )
            })?;
            if req.grant_id.as_ref().is_some_and(|given| given != &id) {
                return Err(AwsError::new(
                    ErrorCode::InvalidGrantIdException,
                    "The grant ID does not match the grant token.",
                ));
            }
            (arn, id)
        }
        (None, Some(key_id), Some(grant_id)) => {
            let arn = sim.kms.resolve(ctx, key_id, false)?.arn;
            (arn, grant_id.clone())
        }
        _ => return Err(AwsError::validation("Either GrantToken, or both KeyId and GrantId, must be specified.")),
    };
    let key = sim.kms.key(&key_arn)?;
    authorize_key(sim, ctx, "kms:RetireGrant", key, audit)?;
    if !key.grants.iter().any(|g| g.grant_id == grant_id) {
        return Err(grant_not_found(&grant_id));
    }
    if req.dry_run == Some(true) {
        return Err(AwsError::new(
            ErrorCode::DryRunOperationException,
            "The request would have succeeded, but the DryRun option is set.",
        ));
    }
    sim.kms.key_mut(&key_arn)?.grants.retain(|g| g.grant_id != grant_id);
    Ok(Empty {})
}

kms_operation!(
    /// Retires a grant (by its token, or by key and grant id).
    RetireGrant, read_only = false, RetireGrantRequest => Empty, retire_grant
);

fn grant_not_found(grant_id: &str) -> AwsError {
    if is_grant_id_shaped(grant_id) {
        AwsError::new(ErrorCode::NotFoundException, format!("Grant ID {grant_id} not found"))
    } else {
        AwsError::new(ErrorCode::InvalidGrantIdException, format!("Invalid grant ID {grant_id}"))
    }
}

/// `RevokeGrant` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeGrantRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `GrantId`.
    pub grant_id: String,
    /// `DryRun`.
    #[serde(default)]
    pub dry_run: Option<bool>,
}

fn revoke_grant(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: RevokeGrantRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id, "grantId": req.grant_id }));
    validate::length("grantId", &req.grant_id, 1, 128)?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:RevokeGrant", key, audit)?;
    if !key.grants.iter().any(|g| g.grant_id == req.grant_id) {
        return Err(grant_not_found(&req.grant_id));
    }
    if req.dry_run == Some(true) {
        return Err(AwsError::new(
            ErrorCode::DryRunOperationException,
            "The request would have succeeded, but the DryRun option is set.",
        ));
    }
    sim.kms.key_mut(&resolved.arn)?.grants.retain(|g| g.grant_id != req.grant_id);
    Ok(Empty {})
}

kms_operation!(
    /// Revokes a grant (any key state).
    RevokeGrant, read_only = false, RevokeGrantRequest => Empty, revoke_grant
);
