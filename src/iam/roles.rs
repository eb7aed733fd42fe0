//! Roles: CreateRole, GetRole.

use super::input::{
    authorize_iam, boundary_output, check_policy_arn, entity_name, entity_path, length, no_such, number, seconds,
    tag_output, world_tags, BoundaryOutput, TagInput,
};
use super::new_principal::{admit_new_principal, PrincipalKind};
use super::query_operation;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::policy::{PolicyKind, Role};
use crate::simulator::{checked_policy, AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A role in responses.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleOutput {
    /// `Path`.
    pub path: String,
    /// `RoleName`.
    pub role_name: String,
    /// `RoleId` (`AROA…`).
    pub role_id: String,
    /// `Arn`.
    pub arn: String,
    /// `CreateDate` (epoch seconds).
    pub create_date: i64,
    /// `AssumeRolePolicyDocument`, URL-encoded as IAM returns it.
    pub assume_role_policy_document: String,
    /// `Description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `MaxSessionDuration` (seconds).
    pub max_session_duration: u32,
    /// `PermissionsBoundary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<BoundaryOutput>,
    /// `Tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagInput>>,
}

/// `{ "Role": … }`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleResponse {
    /// `Role`.
    pub role: RoleOutput,
}

/// RFC 3986 percent-encoding (IAM returns policy documents this way).
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn role_output(sim: &Simulator, role: &Role) -> RoleOutput {
    let arn = role.arn();
    RoleOutput {
        path: role.path.clone(),
        role_name: role.name.clone(),
        role_id: role.unique_id.clone(),
        create_date: seconds(sim.identity.created.get(&arn).copied().unwrap_or_default()),
        assume_role_policy_document: url_encode(role.trust_policy.text()),
        description: sim.identity.descriptions.get(&arn).cloned(),
        max_session_duration: role.max_session_duration,
        permissions_boundary: boundary_output(role.permissions_boundary.as_ref()),
        tags: tag_output(&role.tags),
        arn,
    }
}

/// `CreateRole` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateRoleRequest {
    /// `RoleName`.
    pub role_name: String,
    /// `AssumeRolePolicyDocument`: the trust policy.
    pub assume_role_policy_document: String,
    /// `Path`.
    #[serde(default)]
    pub path: Option<String>,
    /// `Description`.
    #[serde(default)]
    pub description: Option<String>,
    /// `MaxSessionDuration` (3600–43200 seconds).
    #[serde(default)]
    pub max_session_duration: Option<Value>,
    /// `PermissionsBoundary`.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// `Tags`.
    #[serde(default)]
    pub tags: Vec<TagInput>,
}

fn create_role(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: CreateRoleRequest,
    audit: &mut AuditDraft,
) -> AwsResult<RoleResponse> {
    audit.request_parameters = Some(json!({
        "roleName": req.role_name, "path": req.path, "description": req.description,
        "assumeRolePolicyDocument": req.assume_role_policy_document,
    }));
    entity_name("roleName", &req.role_name, 64)?;
    let path = entity_path(req.path)?;
    let tags = world_tags(&req.tags)?;
    if let Some(description) = &req.description {
        length("description", description, 0, 1000)?;
    }
    let max_session = number("maxSessionDuration", req.max_session_duration.as_ref())?.unwrap_or(3600);
    let max_session = u32::try_from(max_session).ok().filter(|s| (3600..=43_200).contains(s)).ok_or_else(|| {
        AwsError::new(ErrorCode::ValidationError, format!("1 validation error detected: Value '{max_session}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200"))
    })?;
    length("assumeRolePolicyDocument", &req.assume_role_policy_document, 1, 131_072)?;
    let trust =
        checked_policy(&req.assume_role_policy_document, PolicyKind::Trust, ErrorCode::MalformedPolicyDocument)?;
    if let Some(boundary) = &req.permissions_boundary {
        check_policy_arn(boundary)?;
    }
    let account = ctx.caller.account.clone();
    let mut role = Role::new(&account, &req.role_name, trust);
    role.path = path;
    role.unique_id = crate::policy::iam::unique_id("AROA", &role.arn());
    role.tags = tags;
    role.max_session_duration = max_session;
    role.permissions_boundary = req.permissions_boundary.clone();
    let arn = role.arn();
    admit_new_principal(
        sim,
        ctx,
        PrincipalKind::Role,
        &req.role_name,
        &arn,
        &req.tags,
        req.permissions_boundary.as_deref(),
        audit,
    )?;
    if let Some(description) = req.description {
        sim.identity.descriptions.insert(arn, description);
    }
    sim.iam.upsert_role(role.clone());
    sim.iam_changed();
    Ok(RoleResponse { role: role_output(sim, &role) })
}

query_operation!(
    /// Creates a role with a trust policy.
    Iam, CreateRole, read_only = false, CreateRoleRequest => RoleResponse, create_role
);

/// `GetRole` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRoleRequest {
    /// `RoleName`.
    pub role_name: String,
}

fn get_role(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GetRoleRequest,
    audit: &mut AuditDraft,
) -> AwsResult<RoleResponse> {
    audit.request_parameters = Some(json!({ "roleName": req.role_name }));
    entity_name("roleName", &req.role_name, 64)?;
    let account = ctx.caller.account.clone();
    let role = sim.iam.role_by_name(&account, &req.role_name).cloned();
    let resource =
        role.as_ref().map(Role::arn).unwrap_or_else(|| format!("arn:aws:iam::{account}:role/{}", req.role_name));
    authorize_iam(sim, ctx, "iam:GetRole", &resource, &[])?;
    let role = role.ok_or_else(|| no_such("role", &req.role_name))?;
    audit.resource(&resource, &account, "AWS::IAM::Role");
    Ok(RoleResponse { role: role_output(sim, &role) })
}

query_operation!(
    /// Describes a role.
    Iam, GetRole, read_only = true, GetRoleRequest => RoleResponse, get_role
);
