//! CreateAccessKey: long-term credentials for a user (or the account root),
//! drawn from the simulator's entropy so seeded runs repeat.

use super::input::{authorize_iam, entity_name, no_such, random_text, seconds, KEY_ID_ALPHABET, SECRET_ALPHABET};
use super::query_operation;
use super::state::AccessKey;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Access keys one user may have (IAM's fixed quota).
const MAX_KEYS_PER_USER: usize = 2;

/// `CreateAccessKey` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccessKeyRequest {
    /// `UserName` (default: the caller).
    #[serde(default)]
    pub user_name: Option<String>,
}

/// The new key, the only time its secret is shown.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKeyOutput {
    /// `UserName`.
    pub user_name: String,
    /// `AccessKeyId` (`AKIA…`).
    pub access_key_id: String,
    /// `Status`.
    pub status: String,
    /// `SecretAccessKey`.
    pub secret_access_key: String,
    /// `CreateDate` (epoch seconds).
    pub create_date: i64,
}

/// `{ "AccessKey": … }`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccessKeyResponse {
    /// `AccessKey`.
    pub access_key: AccessKeyOutput,
}

fn create_access_key(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: CreateAccessKeyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<CreateAccessKeyResponse> {
    audit.request_parameters = Some(json!({ "userName": req.user_name }));
    let account = ctx.caller.account.clone();
    // Without a name the key is the caller's own: a user's, or the root's.
    let (user_name, principal_arn) = match &req.user_name {
        Some(name) => {
            entity_name("userName", name, 64)?;
            let arn = sim.iam.users.iter().find(|u| u.account == account && &u.name == name).map(|u| u.arn());
            let resource = arn.clone().unwrap_or_else(|| format!("arn:aws:iam::{account}:user/{name}"));
            authorize_iam(sim, ctx, "iam:CreateAccessKey", &resource, &[])?;
            (name.clone(), arn.ok_or_else(|| no_such("user", name))?)
        }
        None if ctx.caller.is_root() => {
            authorize_iam(sim, ctx, "iam:CreateAccessKey", &ctx.caller.arn, &[])?;
            (String::new(), ctx.caller.arn.clone())
        }
        None => {
            let user = sim.iam.user_by_arn(&ctx.caller.arn).map(|u| (u.name.clone(), u.arn()));
            let (name, arn) = user.ok_or_else(|| {
                AwsError::new(
                    ErrorCode::ValidationError,
                    "Must specify userName when calling with non-User credentials",
                )
            })?;
            authorize_iam(sim, ctx, "iam:CreateAccessKey", &arn, &[])?;
            (name, arn)
        }
    };
    if sim.identity.access_keys.iter().filter(|k| k.principal_arn == principal_arn).count() >= MAX_KEYS_PER_USER {
        return Err(AwsError::new(
            ErrorCode::LimitExceeded,
            format!("Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS_PER_USER}"),
        ));
    }
    // Checked: draw the secrets, then commit.
    let access_key_id = format!("AKIA{}", random_text(sim, KEY_ID_ALPHABET, 16)?);
    let secret_access_key = random_text(sim, SECRET_ALPHABET, 40)?;
    let now = sim.now();
    let key = AccessKey {
        access_key_id: access_key_id.clone(),
        secret_access_key: secret_access_key.clone(),
        principal_arn: principal_arn.clone(),
        account: account.clone(),
        user_name: user_name.clone(),
        status: "Active".to_string(),
        created: now,
    };
    sim.identity.access_keys.push(key);
    if let Some(user) = sim.iam.users.iter_mut().find(|u| u.account == account && u.arn() == principal_arn) {
        user.access_keys.push(access_key_id.clone());
    }
    audit.resource(&principal_arn, &account, "AWS::IAM::AccessKey");
    // The secret never goes into the audit trail.
    audit.response_elements =
        Some(json!({ "accessKey": { "accessKeyId": access_key_id, "status": "Active", "userName": user_name } }));
    Ok(CreateAccessKeyResponse {
        access_key: AccessKeyOutput {
            user_name,
            access_key_id,
            status: "Active".to_string(),
            secret_access_key,
            create_date: seconds(now),
        },
    })
}

query_operation!(
    /// Creates an access key (ID and secret) for a user.
    Iam, CreateAccessKey, read_only = false, CreateAccessKeyRequest => CreateAccessKeyResponse, create_access_key
);
