//! Aliases: friendly names for keys, per account and region.

use super::keys::{authorize_key, page, Empty};
use super::kms_operation;
use crate::clock::{epoch_seconds, Timestamp};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::model::{Alias, KeyManager, KeyState};
use crate::kms::validate;
use crate::simulator::{AccessRequest, AuditDraft, ResourceKind, Simulator};
use crate::world::{CallContext, PARTITION};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Checks an alias name as AWS does: 1–256 characters matching the API
/// pattern, the `alias/` prefix, then only letters, digits, `/`, `_` and `-`
/// (the `:` the API pattern admits is refused), and never the `alias/aws/`
/// prefix, which only AWS managed keys may use.
fn check_alias_name(name: &str) -> AwsResult<()> {
    validate::length("aliasName", name, 1, 256)?;
    let valid_chars = name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'/' | b'_' | b'-'));
    if !valid_chars {
        return Err(validate::constraint(
            "aliasName",
            name,
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
        ));
    }
    let Some(rest) = name.strip_prefix("alias/") else {
        return Err(AwsError::validation(
            "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
        ));
    };
    if rest.is_empty() || rest.contains(':') {
        return Err(AwsError::validation(format!("{name} contains invalid characters for an alias")));
    }
    if rest.starts_with("aws/") {
        return Err(AwsError::new(
            ErrorCode::NotAuthorizedException,
            format!("{name}: the alias/aws/ prefix is reserved for AWS managed keys"),
        ));
    }
    Ok(())
}

fn alias_arn(ctx: &CallContext, name: &str) -> String {
    format!("arn:{PARTITION}:kms:{}:{}:{name}", ctx.region, ctx.caller.account)
}

/// `CreateAlias` / `UpdateAlias` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AliasTargetRequest {
    /// `AliasName`.
    pub alias_name: String,
    /// `TargetKeyId` (key id or ARN).
    pub target_key_id: String,
}

fn target_key_checks(
    sim: &Simulator,
    ctx: &CallContext,
    target_key_id: &str,
    audit: &mut AuditDraft,
) -> AwsResult<(String, String)> {
    let resolved = sim.kms.resolve(ctx, target_key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    if key.account != ctx.caller.account {
        return Err(AwsError::new(ErrorCode::NotFoundException, "An alias and its key must be in the same account"));
    }
    if key.manager == KeyManager::Aws {
        return Err(AwsError::new(
            ErrorCode::UnsupportedOperationException,
            "Aliases of AWS managed keys cannot be changed",
        ));
    }
    if key.state == KeyState::PendingDeletion {
        return Err(AwsError::new(ErrorCode::KMSInvalidStateException, format!("{} is pending deletion.", key.arn)));
    }
    authorize_key(sim, ctx, "kms:CreateAlias", key, audit)?;
    Ok((key.id.clone(), key.arn.clone()))
}

fn create_alias(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: AliasTargetRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "aliasName": req.alias_name, "targetKeyId": req.target_key_id }));
    check_alias_name(&req.alias_name)?;
    let arn = alias_arn(ctx, &req.alias_name);
    audit.resource(&arn, &ctx.caller.account, "AWS::KMS::Alias");
    let (key_id, _) = target_key_checks(sim, ctx, &req.target_key_id, audit)?;
    sim.authorize(ctx, &AccessRequest::new("kms:CreateAlias", &arn, &ctx.caller.account, ResourceKind::Other))?;
    if sim.kms.aliases.contains_key(&arn) {
        return Err(AwsError::new(
            ErrorCode::AlreadyExistsException,
            format!("An alias with the name {arn} already exists"),
        ));
    }
    let now = sim.now();
    sim.kms.aliases.insert(
        arn.clone(),
        Alias {
            name: req.alias_name,
            arn,
            account: ctx.caller.account.clone(),
            region: ctx.region.clone(),
            target_key_id: key_id,
            creation_date: now,
            last_updated_date: now,
        },
    );
    Ok(Empty {})
}

kms_operation!(
    /// Creates an alias for a customer managed key.
    CreateAlias, read_only = false, AliasTargetRequest => Empty, create_alias
);

fn update_alias(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: AliasTargetRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "aliasName": req.alias_name, "targetKeyId": req.target_key_id }));
    check_alias_name(&req.alias_name)?;
    let arn = alias_arn(ctx, &req.alias_name);
    audit.resource(&arn, &ctx.caller.account, "AWS::KMS::Alias");
    let alias = sim
        .kms
        .aliases
        .get(&arn)
        .ok_or_else(|| AwsError::new(ErrorCode::NotFoundException, format!("Alias {arn} is not found.")))?;
    let (key_id, _) = target_key_checks(sim, ctx, &req.target_key_id, audit)?;
    // AWS requires the new key to be of the same type and usage; all symmetric keys qualify today.
    let _ = alias;
    sim.authorize(ctx, &AccessRequest::new("kms:UpdateAlias", &arn, &ctx.caller.account, ResourceKind::Other))?;
    let now = sim.now();
    if let Some(alias) = sim.kms.aliases.get_mut(&arn) {
        alias.target_key_id = key_id;
        alias.last_updated_date = now;
    }
    Ok(Empty {})
}

kms_operation!(
    /// Points an existing alias at another key.
    UpdateAlias, read_only = false, AliasTargetRequest => Empty, update_alias
);

/// `DeleteAlias` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteAliasRequest {
    /// `AliasName`.
    pub alias_name: String,
}

fn delete_alias(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: DeleteAliasRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "aliasName": req.alias_name }));
    check_alias_name(&req.alias_name)?;
    let arn = alias_arn(ctx, &req.alias_name);
    audit.resource(&arn, &ctx.caller.account, "AWS::KMS::Alias");
    if !sim.kms.aliases.contains_key(&arn) {
        return Err(AwsError::new(ErrorCode::NotFoundException, format!("Alias {arn} is not found.")));
    }
    sim.authorize(ctx, &AccessRequest::new("kms:DeleteAlias", &arn, &ctx.caller.account, ResourceKind::Other))?;
    sim.kms.aliases.remove(&arn);
    Ok(Empty {})
}

kms_operation!(
    /// Deletes an alias (the key is untouched).
    DeleteAlias, read_only = false, DeleteAliasRequest => Empty, delete_alias
);

/// `ListAliases` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListAliasesRequest {
    /// `KeyId`: only aliases of this key.
    pub key_id: Option<String>,
    /// `Limit` (1–100, default 50).
    pub limit: Option<i64>,
    /// `Marker`.
    pub marker: Option<String>,
}

/// One alias in `ListAliases`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AliasListEntry {
    /// `AliasName`.
    pub alias_name: String,
    /// `AliasArn`.
    pub alias_arn: String,
    /// `TargetKeyId`.
    pub target_key_id: String,
    /// `CreationDate`.
    #[serde(with = "epoch_seconds")]
    pub creation_date: Timestamp,
    /// `LastUpdatedDate`.
    #[serde(with = "epoch_seconds")]
    pub last_updated_date: Timestamp,
}

/// `ListAliases` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAliasesResponse {
    /// `Aliases`.
    pub aliases: Vec<AliasListEntry>,
    /// `NextMarker`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// `Truncated`.
    pub truncated: bool,
}

fn list_aliases(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListAliasesRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListAliasesResponse> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id, "limit": req.limit }));
    let only_key = match &req.key_id {
        Some(id) => Some(sim.kms.key(&sim.kms.resolve(ctx, id, false)?.arn)?.id.clone()),
        None => None,
    };
    let account_resource = format!("arn:{PARTITION}:kms:{}:{}:alias/*", ctx.region, ctx.caller.account);
    sim.authorize(
        ctx,
        &AccessRequest::new("kms:ListAliases", &account_resource, &ctx.caller.account, ResourceKind::Other),
    )?;
    let items: Vec<(String, AliasListEntry)> = sim
        .kms
        .aliases
        .values()
        .filter(|a| a.account == ctx.caller.account && a.region == ctx.region)
        .filter(|a| only_key.as_ref().is_none_or(|k| &a.target_key_id == k))
        .map(|a| {
            (
                a.arn.clone(),
                AliasListEntry {
                    alias_name: a.name.clone(),
                    alias_arn: a.arn.clone(),
                    target_key_id: a.target_key_id.clone(),
                    creation_date: a.creation_date,
                    last_updated_date: a.last_updated_date,
                },
            )
        })
        .collect();
    let (aliases, next_marker) = page(items, req.limit, req.marker.as_deref(), 50, 100)?;
    Ok(ListAliasesResponse { truncated: next_marker.is_some(), aliases, next_marker })
}

kms_operation!(
    /// Lists the aliases of the caller's account and region.
    ListAliases, read_only = true, ListAliasesRequest => ListAliasesResponse, list_aliases
);
