//! Policies: CreatePolicy; attaching managed policies to users, roles and
//! groups and listing them; inline policies (PutUserPolicy, PutRolePolicy);
//! permissions boundaries (PutUserPermissionsBoundary, PutRolePermissionsBoundary).

use super::groups::Empty;
use super::input::{
    authorize_iam, check_policy_arn, entity_name, entity_path, length, no_such, number, seconds, TagInput,
};
use super::query_operation;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::policy::iam::unique_id;
use crate::policy::{InlinePolicy, ManagedPolicy, PolicyDocument, PolicyKind};
use crate::simulator::{checked_policy, AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Managed policies one user, role or group may have attached (IAM's default quota).
const MAX_ATTACHED: usize = 10;
/// Largest managed policy document, in characters (whitespace included here).
const MAX_MANAGED_POLICY_CHARS: usize = 6144;

/// Which kind of entity a call names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    User,
    Role,
    Group,
}

impl Target {
    fn word(self) -> &'static str {
        match self {
            Target::User => "user",
            Target::Role => "role",
            Target::Group => "group",
        }
    }

    fn quota(self) -> &'static str {
        match self {
            Target::User => "PoliciesPerUser",
            Target::Role => "PoliciesPerRole",
            Target::Group => "PoliciesPerGroup",
        }
    }
}

/// The entity's ARN, if it exists in the caller's account.
fn entity_arn(sim: &Simulator, account: &str, target: Target, name: &str) -> Option<String> {
    match target {
        Target::User => sim.iam.users.iter().find(|u| u.account == account && u.name == name).map(|u| u.arn()),
        Target::Role => sim.iam.role_by_name(account, name).map(|r| r.arn()),
        Target::Group => {
            sim.iam.group(account, name).map(|g| format!("arn:aws:iam::{account}:group{}{}", g.path, g.name))
        }
    }
}

/// Authorizes `action` on the named entity; returns its ARN or `NoSuchEntity`.
fn authorize_entity(sim: &Simulator, ctx: &CallContext, action: &str, target: Target, name: &str) -> AwsResult<String> {
    let account = &ctx.caller.account;
    let found = entity_arn(sim, account, target, name);
    let resource = found.clone().unwrap_or_else(|| format!("arn:aws:iam::{account}:{}/{name}", target.word()));
    authorize_iam(sim, ctx, action, &resource, &[])?;
    found.ok_or_else(|| no_such(target.word(), name))
}

/// The managed policy list of an entity, mutably.
fn attached_mut<'a>(sim: &'a mut Simulator, account: &str, target: Target, name: &str) -> Option<&'a mut Vec<String>> {
    match target {
        Target::User => {
            sim.iam.users.iter_mut().find(|u| u.account == account && u.name == name).map(|u| &mut u.managed_policies)
        }
        Target::Role => {
            sim.iam.roles.iter_mut().find(|r| r.account == account && r.name == name).map(|r| &mut r.managed_policies)
        }
        Target::Group => {
            sim.iam.groups.iter_mut().find(|g| g.account == account && g.name == name).map(|g| &mut g.managed_policies)
        }
    }
}

fn attached(sim: &Simulator, account: &str, target: Target, name: &str) -> Vec<String> {
    match target {
        Target::User => {
            sim.iam.users.iter().find(|u| u.account == account && u.name == name).map(|u| u.managed_policies.clone())
        }
        Target::Role => sim.iam.role_by_name(account, name).map(|r| r.managed_policies.clone()),
        Target::Group => sim.iam.group(account, name).map(|g| g.managed_policies.clone()),
    }
    .unwrap_or_default()
}

fn missing_policy(arn: &str) -> AwsError {
    AwsError::new(ErrorCode::NoSuchEntity, format!("Policy {arn} does not exist or is not attachable."))
}

/// A managed policy in responses.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyOutput {
    /// `PolicyName`.
    pub policy_name: String,
    /// `PolicyId` (`ANPA…`).
    pub policy_id: String,
    /// `Arn`.
    pub arn: String,
    /// `Path`.
    pub path: String,
    /// `DefaultVersionId` (`v1`: versions are not simulated).
    pub default_version_id: String,
    /// `AttachmentCount`.
    pub attachment_count: usize,
    /// `PermissionsBoundaryUsageCount`.
    pub permissions_boundary_usage_count: usize,
    /// `IsAttachable`.
    pub is_attachable: bool,
    /// `Description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `CreateDate` (epoch seconds).
    pub create_date: i64,
    /// `UpdateDate` (epoch seconds).
    pub update_date: i64,
    /// `Tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagInput>>,
}

/// `{ "Policy": … }`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyResponse {
    /// `Policy`.
    pub policy: PolicyOutput,
}

/// `CreatePolicy` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePolicyRequest {
    /// `PolicyName`.
    pub policy_name: String,
    /// `PolicyDocument`.
    pub policy_document: String,
    /// `Path`.
    #[serde(default)]
    pub path: Option<String>,
    /// `Description`.
    #[serde(default)]
    pub description: Option<String>,
    /// `Tags`.
    #[serde(default)]
    pub tags: Vec<TagInput>,
}

fn create_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: CreatePolicyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<PolicyResponse> {
    audit.request_parameters = Some(json!({
        "policyName": req.policy_name, "path": req.path, "description": req.description, "policyDocument": req.policy_document,
    }));
    entity_name("policyName", &req.policy_name, 128)?;
    let path = entity_path(req.path)?;
    if let Some(description) = &req.description {
        length("description", description, 0, 1000)?;
    }
    length("policyDocument", &req.policy_document, 1, 131_072)?;
    if req.policy_document.chars().count() > MAX_MANAGED_POLICY_CHARS {
        return Err(AwsError::new(
            ErrorCode::LimitExceeded,
            format!("Cannot exceed quota for PolicySize: {MAX_MANAGED_POLICY_CHARS}"),
        ));
    }
    let document = checked_policy(&req.policy_document, PolicyKind::Identity, ErrorCode::MalformedPolicyDocument)?;
    let account = ctx.caller.account.clone();
    let arn = format!("arn:aws:iam::{account}:policy{path}{}", req.policy_name);
    authorize_iam(sim, ctx, "iam:CreatePolicy", &arn, &req.tags)?;
    let prefix = format!("arn:aws:iam::{account}:policy/");
    if sim.iam.managed_policies.iter().any(|p| p.arn.starts_with(&prefix) && p.name == req.policy_name) {
        return Err(AwsError::new(
            ErrorCode::EntityAlreadyExists,
            format!("A policy called {} already exists. Duplicate names are not allowed.", req.policy_name),
        ));
    }
    let now = sim.now();
    audit.resource(&arn, &account, "AWS::IAM::Policy");
    sim.identity.created.insert(arn.clone(), now);
    if let Some(description) = &req.description {
        sim.identity.descriptions.insert(arn.clone(), description.clone());
    }
    sim.iam.upsert_managed_policy(ManagedPolicy { arn: arn.clone(), name: req.policy_name.clone(), document });
    sim.iam_changed();
    Ok(PolicyResponse {
        policy: PolicyOutput {
            policy_name: req.policy_name,
            policy_id: unique_id("ANPA", &arn),
            arn,
            path,
            default_version_id: "v1".to_string(),
            attachment_count: 0,
            permissions_boundary_usage_count: 0,
            is_attachable: true,
            description: req.description,
            create_date: seconds(now),
            update_date: seconds(now),
            tags: (!req.tags.is_empty()).then_some(req.tags),
        },
    })
}

query_operation!(
    /// Creates a customer managed policy.
    Iam, CreatePolicy, read_only = false, CreatePolicyRequest => PolicyResponse, create_policy
);

/// Attaches `policy_arn` to an entity (idempotent).
fn attach(
    sim: &mut Simulator,
    ctx: &CallContext,
    target: Target,
    name: &str,
    policy_arn: &str,
    action: &str,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ format!("{}Name", target.word()): name, "policyArn": policy_arn }));
    entity_name(&format!("{}Name", target.word()), name, if target == Target::Group { 128 } else { 64 })?;
    check_policy_arn(policy_arn)?;
    let arn = authorize_entity(sim, ctx, action, target, name)?;
    if sim.iam.managed_policy(policy_arn).is_none() && crate::policy::managed::aws_managed_policy(policy_arn).is_none()
    {
        return Err(missing_policy(policy_arn));
    }
    let account = ctx.caller.account.clone();
    let current = attached(sim, &account, target, name);
    if current.iter().any(|a| a == policy_arn) {
        return Ok(Empty {});
    }
    if current.len() >= MAX_ATTACHED {
        return Err(AwsError::new(
            ErrorCode::LimitExceeded,
            format!("Cannot exceed quota for {}: {MAX_ATTACHED}", target.quota()),
        ));
    }
    // Checked: commit.
    sim.iam.ensure_aws_managed(policy_arn);
    if let Some(list) = attached_mut(sim, &account, target, name) {
        list.push(policy_arn.to_string());
    }
    audit.resource(&arn, &account, format!("AWS::IAM::{}", capitalized(target.word())));
    sim.iam_changed();
    Ok(Empty {})
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// `AttachUserPolicy` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachUserPolicyRequest {
    /// `UserName`.
    pub user_name: String,
    /// `PolicyArn`.
    pub policy_arn: String,
}

/// `AttachRolePolicy` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachRolePolicyRequest {
    /// `RoleName`.
    pub role_name: String,
    /// `PolicyArn`.
    pub policy_arn: String,
}

/// `AttachGroupPolicy` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachGroupPolicyRequest {
    /// `GroupName`.
    pub group_name: String,
    /// `PolicyArn`.
    pub policy_arn: String,
}

fn attach_user_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: AttachUserPolicyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    attach(sim, ctx, Target::User, &req.user_name, &req.policy_arn, "iam:AttachUserPolicy", audit)
}

fn attach_role_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: AttachRolePolicyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    attach(sim, ctx, Target::Role, &req.role_name, &req.policy_arn, "iam:AttachRolePolicy", audit)
}

fn attach_group_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: AttachGroupPolicyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    attach(sim, ctx, Target::Group, &req.group_name, &req.policy_arn, "iam:AttachGroupPolicy", audit)
}

query_operation!(
    /// Attaches a managed policy to a user.
    Iam, AttachUserPolicy, read_only = false, AttachUserPolicyRequest => Empty, attach_user_policy
);
query_operation!(
    /// Attaches a managed policy to a role.
    Iam, AttachRolePolicy, read_only = false, AttachRolePolicyRequest => Empty, attach_role_policy
);
query_operation!(
    /// Attaches a managed policy to a group.
    Iam, AttachGroupPolicy, read_only = false, AttachGroupPolicyRequest => Empty, attach_group_policy
);

/// `ListAttached*Policies` request (the entity name member differs per operation).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAttachedPoliciesRequest {
    /// `UserName` (ListAttachedUserPolicies).
    #[serde(default)]
    pub user_name: Option<String>,
    /// `RoleName` (ListAttachedRolePolicies).
    #[serde(default)]
    pub role_name: Option<String>,
    /// `GroupName` (ListAttachedGroupPolicies).
    #[serde(default)]
    pub group_name: Option<String>,
    /// `PathPrefix`.
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// `Marker`.
    #[serde(default)]
    pub marker: Option<String>,
    /// `MaxItems` (1–1000, default 100).
    #[serde(default)]
    pub max_items: Option<Value>,
}

/// One attached policy.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    /// `PolicyName`.
    pub policy_name: String,
    /// `PolicyArn`.
    pub policy_arn: String,
}

/// `ListAttached*Policies` response.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAttachedPoliciesResponse {
    /// `AttachedPolicies`.
    pub attached_policies: Vec<AttachedPolicy>,
    /// `IsTruncated`.
    pub is_truncated: bool,
    /// `Marker`, when truncated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
}

fn list_attached(
    sim: &mut Simulator,
    ctx: &CallContext,
    target: Target,
    req: ListAttachedPoliciesRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListAttachedPoliciesResponse> {
    let name = match target {
        Target::User => req.user_name,
        Target::Role => req.role_name,
        Target::Group => req.group_name,
    };
    let member = format!("{}Name", target.word());
    let name = name.ok_or_else(|| {
        AwsError::new(ErrorCode::ValidationError, format!("1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"))
    })?;
    audit.request_parameters = Some(json!({ member.clone(): name, "pathPrefix": req.path_prefix }));
    entity_name(&member, &name, 128)?;
    let max_items = number("maxItems", req.max_items.as_ref())?.unwrap_or(100);
    if !(1..=1000).contains(&max_items) {
        return Err(AwsError::new(ErrorCode::ValidationError, format!("1 validation error detected: Value '{max_items}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000")));
    }
    let action = format!("iam:ListAttached{}Policies", capitalized(target.word()));
    authorize_entity(sim, ctx, &action, target, &name)?;
    let prefix = req.path_prefix.unwrap_or_else(|| "/".to_string());
    let all: Vec<AttachedPolicy> = attached(sim, &ctx.caller.account, target, &name)
        .into_iter()
        .filter(|arn| policy_path(arn).starts_with(&prefix))
        .map(|arn| AttachedPolicy {
            policy_name: arn.rsplit('/').next().unwrap_or_default().to_string(),
            policy_arn: arn,
        })
        .collect();
    let start = match req.marker {
        Some(marker) => marker
            .parse::<usize>()
            .ok()
            .filter(|m| *m <= all.len())
            .ok_or_else(|| AwsError::new(ErrorCode::InvalidInput, "Invalid Marker."))?,
        None => 0,
    };
    let take = usize::try_from(max_items).unwrap_or(100);
    let page: Vec<AttachedPolicy> = all.iter().skip(start).take(take).cloned().collect();
    let next = start + page.len();
    let truncated = next < all.len();
    Ok(ListAttachedPoliciesResponse {
        attached_policies: page,
        is_truncated: truncated,
        marker: truncated.then(|| next.to_string()),
    })
}

/// `/path/` of a policy ARN (`arn:aws:iam::a:policy/path/Name` → `/path/`).
fn policy_path(arn: &str) -> String {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or_default();
    let rest = resource.strip_prefix("policy").unwrap_or(resource);
    match rest.rfind('/') {
        Some(i) => rest.get(..=i).unwrap_or("/").to_string(),
        None => "/".to_string(),
    }
}

fn list_attached_user(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListAttachedPoliciesRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListAttachedPoliciesResponse> {
    list_attached(sim, ctx, Target::User, req, audit)
}

fn list_attached_role(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListAttachedPoliciesRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListAttachedPoliciesResponse> {
    list_attached(sim, ctx, Target::Role, req, audit)
}

fn list_attached_group(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListAttachedPoliciesRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListAttachedPoliciesResponse> {
    list_attached(sim, ctx, Target::Group, req, audit)
}

query_operation!(
    /// Lists the managed policies attached to a user.
    Iam, ListAttachedUserPolicies, read_only = true, ListAttachedPoliciesRequest => ListAttachedPoliciesResponse, list_attached_user
);
query_operation!(
    /// Lists the managed policies attached to a role.
    Iam, ListAttachedRolePolicies, read_only = true, ListAttachedPoliciesRequest => ListAttachedPoliciesResponse, list_attached_role
);
query_operation!(
    /// Lists the managed policies attached to a group.
    Iam, ListAttachedGroupPolicies, read_only = true, ListAttachedPoliciesRequest => ListAttachedPoliciesResponse, list_attached_group
);

/// `PutUserPolicy` / `PutRolePolicy` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutInlinePolicyRequest {
    /// `UserName` (PutUserPolicy).
    #[serde(default)]
    pub user_name: Option<String>,
    /// `RoleName` (PutRolePolicy).
    #[serde(default)]
    pub role_name: Option<String>,
    /// `PolicyName`.
    pub policy_name: String,
    /// `PolicyDocument`.
    pub policy_document: String,
}

fn required(value: Option<String>, member: &str) -> AwsResult<String> {
    value.ok_or_else(|| AwsError::new(ErrorCode::ValidationError, format!("1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null")))
}

fn put_inline(
    sim: &mut Simulator,
    ctx: &CallContext,
    target: Target,
    req: PutInlinePolicyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    let member = format!("{}Name", target.word());
    let name = required(if target == Target::User { req.user_name } else { req.role_name }, &member)?;
    audit.request_parameters =
        Some(json!({ member.clone(): name, "policyName": req.policy_name, "policyDocument": req.policy_document }));
    entity_name(&member, &name, 64)?;
    entity_name("policyName", &req.policy_name, 128)?;
    length("policyDocument", &req.policy_document, 1, 131_072)?;
    let document: PolicyDocument =
        checked_policy(&req.policy_document, PolicyKind::Identity, ErrorCode::MalformedPolicyDocument)?;
    let action = format!("iam:Put{}Policy", capitalized(target.word()));
    let arn = authorize_entity(sim, ctx, &action, target, &name)?;
    let account = ctx.caller.account.clone();
    let policy = InlinePolicy { name: req.policy_name, document };
    let list = match target {
        Target::User => {
            sim.iam.users.iter_mut().find(|u| u.account == account && u.name == name).map(|u| &mut u.inline_policies)
        }
        _ => sim.iam.roles.iter_mut().find(|r| r.account == account && r.name == name).map(|r| &mut r.inline_policies),
    };
    if let Some(list) = list {
        list.retain(|p| p.name != policy.name);
        list.push(policy);
    }
    audit.resource(&arn, &account, format!("AWS::IAM::{}", capitalized(target.word())));
    sim.iam_changed();
    Ok(Empty {})
}

fn put_user_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: PutInlinePolicyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    put_inline(sim, ctx, Target::User, req, audit)
}

fn put_role_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: PutInlinePolicyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    put_inline(sim, ctx, Target::Role, req, audit)
}

query_operation!(
    /// Adds or replaces an inline policy of a user.
    Iam, PutUserPolicy, read_only = false, PutInlinePolicyRequest => Empty, put_user_policy
);
query_operation!(
    /// Adds or replaces an inline policy of a role.
    Iam, PutRolePolicy, read_only = false, PutInlinePolicyRequest => Empty, put_role_policy
);

/// `PutUserPermissionsBoundary` / `PutRolePermissionsBoundary` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutBoundaryRequest {
    /// `UserName` (PutUserPermissionsBoundary).
    #[serde(default)]
    pub user_name: Option<String>,
    /// `RoleName` (PutRolePermissionsBoundary).
    #[serde(default)]
    pub role_name: Option<String>,
    /// `PermissionsBoundary`: a managed policy ARN.
    pub permissions_boundary: String,
}

fn put_boundary(
    sim: &mut Simulator,
    ctx: &CallContext,
    target: Target,
    req: PutBoundaryRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    let member = format!("{}Name", target.word());
    let name = required(if target == Target::User { req.user_name } else { req.role_name }, &member)?;
    audit.request_parameters = Some(json!({ member.clone(): name, "permissionsBoundary": req.permissions_boundary }));
    entity_name(&member, &name, 64)?;
    check_policy_arn(&req.permissions_boundary)?;
    let action = format!("iam:Put{}PermissionsBoundary", capitalized(target.word()));
    let arn = authorize_entity(sim, ctx, &action, target, &name)?;
    if !sim.iam.ensure_aws_managed(&req.permissions_boundary) {
        return Err(missing_policy(&req.permissions_boundary));
    }
    let account = ctx.caller.account.clone();
    let boundary = Some(req.permissions_boundary);
    match target {
        Target::User => {
            if let Some(u) = sim.iam.users.iter_mut().find(|u| u.account == account && u.name == name) {
                u.permissions_boundary = boundary;
            }
        }
        _ => {
            if let Some(r) = sim.iam.roles.iter_mut().find(|r| r.account == account && r.name == name) {
                r.permissions_boundary = boundary;
            }
        }
    }
    audit.resource(&arn, &account, format!("AWS::IAM::{}", capitalized(target.word())));
    sim.iam_changed();
    Ok(Empty {})
}

fn put_user_boundary(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: PutBoundaryRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    put_boundary(sim, ctx, Target::User, req, audit)
}

fn put_role_boundary(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: PutBoundaryRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    put_boundary(sim, ctx, Target::Role, req, audit)
}

query_operation!(
    /// Sets a user's permissions boundary.
    Iam, PutUserPermissionsBoundary, read_only = false, PutBoundaryRequest => Empty, put_user_boundary
);
query_operation!(
    /// Sets a role's permissions boundary.
    Iam, PutRolePermissionsBoundary, read_only = false, PutBoundaryRequest => Empty, put_role_boundary
);
