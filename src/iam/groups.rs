//! Groups: CreateGroup, AddUserToGroup.

use super::input::{authorize_iam, entity_name, entity_path, no_such, seconds};
use super::query_operation;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::policy::iam::unique_id;
use crate::policy::Group;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A group in responses.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupOutput {
    /// `Path`.
    pub path: String,
    /// `GroupName`.
    pub group_name: String,
    /// `GroupId` (`AGPA…`).
    pub group_id: String,
    /// `Arn`.
    pub arn: String,
    /// `CreateDate` (epoch seconds).
    pub create_date: i64,
}

/// `{ "Group": … }`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupResponse {
    /// `Group`.
    pub group: GroupOutput,
}

fn group_arn(group: &Group) -> String {
    format!("arn:aws:iam::{}:group{}{}", group.account, group.path, group.name)
}

/// `CreateGroup` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGroupRequest {
    /// `GroupName`.
    pub group_name: String,
    /// `Path`.
    #[serde(default)]
    pub path: Option<String>,
}

fn create_group(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: CreateGroupRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GroupResponse> {
    audit.request_parameters = Some(json!({ "groupName": req.group_name, "path": req.path }));
    entity_name("groupName", &req.group_name, 128)?;
    let path = entity_path(req.path)?;
    let account = ctx.caller.account.clone();
    let group = Group {
        account: account.clone(),
        name: req.group_name.clone(),
        path,
        inline_policies: Vec::new(),
        managed_policies: Vec::new(),
    };
    let arn = group_arn(&group);
    authorize_iam(sim, ctx, "iam:CreateGroup", &arn, &[])?;
    if sim.iam.groups.iter().any(|g| g.account == account && g.name.eq_ignore_ascii_case(&req.group_name)) {
        return Err(AwsError::new(
            ErrorCode::EntityAlreadyExists,
            format!("Group with name {} already exists.", req.group_name),
        ));
    }
    let now = sim.now();
    audit.resource(&arn, &account, "AWS::IAM::Group");
    sim.identity.created.insert(arn.clone(), now);
    let output = GroupOutput {
        path: group.path.clone(),
        group_name: group.name.clone(),
        group_id: unique_id("AGPA", &arn),
        arn,
        create_date: seconds(now),
    };
    sim.iam.upsert_group(group);
    sim.iam_changed();
    Ok(GroupResponse { group: output })
}

query_operation!(
    /// Creates an IAM group.
    Iam, CreateGroup, read_only = false, CreateGroupRequest => GroupResponse, create_group
);

/// `AddUserToGroup` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddUserToGroupRequest {
    /// `GroupName`.
    pub group_name: String,
    /// `UserName`.
    pub user_name: String,
}

/// An empty result (`<…Response>` with metadata only).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Empty {}

fn add_user_to_group(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: AddUserToGroupRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "groupName": req.group_name, "userName": req.user_name }));
    entity_name("groupName", &req.group_name, 128)?;
    entity_name("userName", &req.user_name, 64)?;
    let account = ctx.caller.account.clone();
    let group = sim.iam.group(&account, &req.group_name).cloned();
    let resource =
        group.as_ref().map(group_arn).unwrap_or_else(|| format!("arn:aws:iam::{account}:group/{}", req.group_name));
    authorize_iam(sim, ctx, "iam:AddUserToGroup", &resource, &[])?;
    if group.is_none() {
        return Err(no_such("group", &req.group_name));
    }
    let user = sim
        .iam
        .users
        .iter_mut()
        .find(|u| u.account == account && u.name == req.user_name)
        .ok_or_else(|| no_such("user", &req.user_name))?;
    if !user.groups.contains(&req.group_name) {
        user.groups.push(req.group_name.clone());
    }
    audit.resource(&resource, &account, "AWS::IAM::Group");
    Ok(Empty {})
}

query_operation!(
    /// Adds a user to a group (its policies then apply to the user).
    Iam, AddUserToGroup, read_only = false, AddUserToGroupRequest => Empty, add_user_to_group
);
