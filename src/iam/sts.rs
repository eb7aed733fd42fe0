//! STS: GetCallerIdentity, AssumeRole.

use super::input::{length, number, random_text, seconds, world_tags, TagInput, KEY_ID_ALPHABET, SECRET_ALPHABET};
use super::query_operation;
use super::state::SessionCredentials;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::policy::iam::unique_id;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// `GetCallerIdentity` request (no members).
#[derive(Debug, Default, Deserialize)]
pub struct GetCallerIdentityRequest {}

/// `GetCallerIdentity` response.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetCallerIdentityResponse {
    /// `UserId`: the account id for a root, `AIDA…` for a user, `AROA…:<session>` for a session.
    pub user_id: String,
    /// `Account`.
    pub account: String,
    /// `Arn`.
    pub arn: String,
}

fn get_caller_identity(
    sim: &mut Simulator,
    ctx: &CallContext,
    _req: GetCallerIdentityRequest,
    _audit: &mut AuditDraft,
) -> AwsResult<GetCallerIdentityResponse> {
    // No permission is needed: AWS answers even when every action is denied.
    let resolved = sim.iam.resolve_principal(&ctx.caller, sim.now());
    let user_id = resolved.user_id.unwrap_or_else(|| {
        // A principal the world does not know: a stable id from its ARN.
        let prefix = if ctx.caller.arn.contains(":assumed-role/") { "AROA" } else { "AIDA" };
        unique_id(prefix, &ctx.caller.arn)
    });
    Ok(GetCallerIdentityResponse { user_id, account: ctx.caller.account.clone(), arn: ctx.caller.arn.clone() })
}

query_operation!(
    /// Who the credentials of the request belong to.
    Sts, GetCallerIdentity, read_only = true, GetCallerIdentityRequest => GetCallerIdentityResponse, get_caller_identity
);

/// `AssumeRole` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleRequest {
    /// `RoleArn`.
    pub role_arn: String,
    /// `RoleSessionName`.
    pub role_session_name: String,
    /// `Policy`: an inline session policy.
    #[serde(default)]
    pub policy: Option<String>,
    /// `Tags`: session tags (need `sts:TagSession` too).
    #[serde(default)]
    pub tags: Vec<TagInput>,
    /// `DurationSeconds` (900 up to the role's maximum; default 3600).
    #[serde(default)]
    pub duration_seconds: Option<Value>,
    /// `ExternalId` (accepted; not evaluated).
    #[serde(default)]
    pub external_id: Option<String>,
}

/// `Credentials`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CredentialsOutput {
    /// `AccessKeyId` (`ASIA…`).
    pub access_key_id: String,
    /// `SecretAccessKey`.
    pub secret_access_key: String,
    /// `SessionToken`.
    pub session_token: String,
    /// `Expiration` (epoch seconds).
    pub expiration: i64,
}

/// `AssumedRoleUser`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumedRoleUser {
    /// `AssumedRoleId`: `AROA…:<session name>`.
    pub assumed_role_id: String,
    /// `Arn`: `arn:aws:sts::<acct>:assumed-role/<role>/<session>`.
    pub arn: String,
}

/// `AssumeRole` response.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleResponse {
    /// `Credentials`.
    pub credentials: CredentialsOutput,
    /// `AssumedRoleUser`.
    pub assumed_role_user: AssumedRoleUser,
}

fn assume_role(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: AssumeRoleRequest,
    audit: &mut AuditDraft,
) -> AwsResult<AssumeRoleResponse> {
    audit.request_parameters = Some(json!({
        "roleArn": req.role_arn, "roleSessionName": req.role_session_name,
        "durationSeconds": req.duration_seconds, "tags": req.tags,
    }));
    length("roleArn", &req.role_arn, 20, 2048)?;
    if let Some(policy) = &req.policy {
        length("policy", policy, 1, 2048)?;
    }
    let tags = world_tags(&req.tags)?;
    let duration = match number("durationSeconds", req.duration_seconds.as_ref())? {
        Some(d) => Some(u32::try_from(d).map_err(|_| {
            AwsError::new(ErrorCode::ValidationError, format!("1 validation error detected: Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"))
        })?),
        None => None,
    };
    let now = sim.now();
    // The engine checks the trust policy and the caller's sts:AssumeRole
    // (and sts:TagSession for tags); on success the session is recorded.
    let session =
        sim.iam.assume_role(ctx, &req.role_arn, &req.role_session_name, req.policy.as_deref(), &tags, duration, now)?;
    let secrets = (|| -> AwsResult<(String, String, String)> {
        let id = format!("ASIA{}", random_text(sim, KEY_ID_ALPHABET, 16)?);
        let secret = random_text(sim, SECRET_ALPHABET, 40)?;
        let token = format!("IQoJb3JpZ2luX2VjE{}", random_text(sim, SECRET_ALPHABET, 180)?);
        Ok((id, secret, token))
    })();
    let (access_key_id, secret_access_key, session_token) = match secrets {
        Ok(s) => s,
        Err(e) => {
            // No entropy: undo the recorded session so the failed call changes nothing.
            sim.iam.sessions.retain(|s| !(s.arn == session.arn && s.access_key_id == session.access_key_id));
            return Err(e);
        }
    };
    // The session is found by the access key the caller signs with.
    if let Some(s) =
        sim.iam.sessions.iter_mut().rev().find(|s| s.arn == session.arn && s.access_key_id == session.access_key_id)
    {
        s.access_key_id = access_key_id.clone();
    }
    sim.identity.sessions.push(SessionCredentials {
        access_key_id: access_key_id.clone(),
        secret_access_key: secret_access_key.clone(),
        session_token: session_token.clone(),
        session_arn: session.arn.clone(),
        account: session.account.clone(),
        expiration: session.expires,
    });
    sim.iam_changed();
    let role_id = sim.iam.role_by_arn(&session.role_arn).map(|r| r.unique_id.clone()).unwrap_or_default();
    let assumed_role_id = format!("{role_id}:{}", session.session_name);
    audit.resource(&session.role_arn, &session.account, "AWS::IAM::Role");
    // Never the secret or the token in the audit trail.
    audit.response_elements = Some(json!({
        "credentials": { "accessKeyId": access_key_id, "expiration": seconds(session.expires) },
        "assumedRoleUser": { "assumedRoleId": assumed_role_id, "arn": session.arn },
    }));
    Ok(AssumeRoleResponse {
        credentials: CredentialsOutput {
            access_key_id,
            secret_access_key,
            session_token,
            expiration: seconds(session.expires),
        },
        assumed_role_user: AssumedRoleUser { assumed_role_id, arn: session.arn },
    })
}

query_operation!(
    /// Assumes a role: temporary credentials for a role session.
    Sts, AssumeRole, read_only = false, AssumeRoleRequest => AssumeRoleResponse, assume_role
);
