//! Users: CreateUser, GetUser.

use super::input::{
    authorize_iam, boundary_output, check_policy_arn, entity_name, entity_path, no_such, seconds, tag_output,
    world_tags, BoundaryOutput, TagInput,
};
use super::new_principal::{admit_new_principal, PrincipalKind};
use super::query_operation;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::policy::User;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A user in responses.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserOutput {
    /// `Path`.
    pub path: String,
    /// `UserName` (absent for an account root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// `UserId`.
    pub user_id: String,
    /// `Arn`.
    pub arn: String,
    /// `CreateDate` (epoch seconds).
    pub create_date: i64,
    /// `PermissionsBoundary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<BoundaryOutput>,
    /// `Tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagInput>>,
}

/// `{ "User": … }`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserResponse {
    /// `User`.
    pub user: UserOutput,
}

pub(crate) fn user_output(sim: &Simulator, user: &User) -> UserOutput {
    let arn = user.arn();
    UserOutput {
        path: user.path.clone(),
        user_name: Some(user.name.clone()),
        user_id: user.unique_id.clone(),
        create_date: seconds(sim.identity.created.get(&arn).copied().unwrap_or_default()),
        permissions_boundary: boundary_output(user.permissions_boundary.as_ref()),
        tags: tag_output(&user.tags),
        arn,
    }
}

/// `CreateUser` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserRequest {
    /// `UserName`.
    pub user_name: String,
    /// `Path`.
    #[serde(default)]
    pub path: Option<String>,
    /// `PermissionsBoundary` (a managed policy ARN).
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// `Tags`.
    #[serde(default)]
    pub tags: Vec<TagInput>,
}

fn create_user(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: CreateUserRequest,
    audit: &mut AuditDraft,
) -> AwsResult<UserResponse> {
    audit.request_parameters =
        Some(json!({ "userName": req.user_name, "path": req.path, "permissionsBoundary": req.permissions_boundary }));
    entity_name("userName", &req.user_name, 64)?;
    let path = entity_path(req.path)?;
    let tags = world_tags(&req.tags)?;
    if let Some(boundary) = &req.permissions_boundary {
        check_policy_arn(boundary)?;
    }
    let account = ctx.caller.account.clone();
    let mut user = User::new(&account, &req.user_name);
    user.path = path;
    user.unique_id = crate::policy::iam::unique_id("AIDA", &user.arn());
    user.tags = tags;
    user.permissions_boundary = req.permissions_boundary.clone();
    let arn = user.arn();
    admit_new_principal(
        sim,
        ctx,
        PrincipalKind::User,
        &req.user_name,
        &arn,
        &req.tags,
        req.permissions_boundary.as_deref(),
        audit,
    )?;
    sim.iam.upsert_user(user.clone());
    sim.iam_changed();
    Ok(UserResponse { user: user_output(sim, &user) })
}

query_operation!(
    /// Creates an IAM user.
    Iam, CreateUser, read_only = false, CreateUserRequest => UserResponse, create_user
);

/// `GetUser` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserRequest {
    /// `UserName` (default: the caller).
    #[serde(default)]
    pub user_name: Option<String>,
}

fn get_user(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GetUserRequest,
    audit: &mut AuditDraft,
) -> AwsResult<UserResponse> {
    audit.request_parameters = Some(json!({ "userName": req.user_name }));
    let account = ctx.caller.account.clone();
    let name = match req.user_name {
        Some(name) => name,
        None if ctx.caller.is_root() => {
            // The root user, as AWS shows it: no name, the account id as its id.
            authorize_iam(sim, ctx, "iam:GetUser", &ctx.caller.arn, &[])?;
            return Ok(UserResponse {
                user: UserOutput {
                    path: "/".to_string(),
                    user_name: None,
                    user_id: account.clone(),
                    arn: ctx.caller.arn.clone(),
                    create_date: 0,
                    permissions_boundary: None,
                    tags: None,
                },
            });
        }
        None => match sim.iam.user_by_arn(&ctx.caller.arn) {
            Some(user) => user.name.clone(),
            None => {
                return Err(AwsError::new(
                    ErrorCode::ValidationError,
                    "Must specify userName when calling with non-User credentials",
                ))
            }
        },
    };
    entity_name("userName", &name, 64)?;
    let arn_guess = format!("arn:aws:iam::{account}:user/{name}");
    let user = sim.iam.users.iter().find(|u| u.account == account && u.name == name).cloned();
    let resource = user.as_ref().map(User::arn).unwrap_or(arn_guess);
    authorize_iam(sim, ctx, "iam:GetUser", &resource, &[])?;
    let user = user.ok_or_else(|| no_such("user", &name))?;
    audit.resource(&resource, &account, "AWS::IAM::User");
    Ok(UserResponse { user: user_output(sim, &user) })
}

query_operation!(
    /// Describes a user (the caller when no name is given).
    Iam, GetUser, read_only = true, GetUserRequest => UserResponse, get_user
);
