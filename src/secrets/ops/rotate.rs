//! RotateSecret and CancelRotateSecret.

use super::common::check_token;
use super::secrets_operation;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::secrets::access::{authorize_secret, check_secret_id, marked_for_deletion, require_primary};
use crate::secrets::model::RotationRules;
use crate::secrets::{rotation, schedule, validate};
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// `RotateSecret` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RotateSecretRequest {
    /// `SecretId`.
    pub secret_id: String,
    /// `ClientRequestToken` (the new version's id).
    pub client_request_token: Option<String>,
    /// `RotationLambdaARN`.
    #[serde(rename = "RotationLambdaARN")]
    pub rotation_lambda_arn: Option<String>,
    /// `RotationRules`.
    pub rotation_rules: Option<RotationRules>,
    /// `RotateImmediately` (default true; false runs testSecret only).
    pub rotate_immediately: Option<bool>,
}

/// `RotateSecret` / `CancelRotateSecret` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotateSecretResponse {
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `Name`.
    pub name: String,
    /// `VersionId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

fn rotate_secret(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: RotateSecretRequest,
    audit: &mut AuditDraft,
) -> AwsResult<RotateSecretResponse> {
    audit.request_parameters = Some(json!({
        "secretId": req.secret_id, "clientRequestToken": req.client_request_token,
        "rotationLambdaARN": req.rotation_lambda_arn, "rotationRules": req.rotation_rules,
        "rotateImmediately": req.rotate_immediately,
    }));
    check_secret_id(&req.secret_id)?;
    check_token(req.client_request_token.as_deref())?;
    if let Some(l) = &req.rotation_lambda_arn {
        validate::length("rotationLambdaARN", l, 0, 2048)?;
    }
    if let Some(rules) = &req.rotation_rules {
        schedule::parse(rules)?;
    }
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    let mut extra = Vec::new();
    if let Some(l) = &req.rotation_lambda_arn {
        extra.push(("secretsmanager:RotationLambdaARN".to_string(), l.clone()));
    }
    authorize_secret(sim, ctx, "secretsmanager:RotateSecret", secret, extra, audit)?;
    if secret.is_deleted() {
        return Err(marked_for_deletion());
    }
    require_primary(secret)?;
    let lambda = req.rotation_lambda_arn.clone().or_else(|| secret.rotation_lambda_arn.clone()).ok_or_else(|| {
        AwsError::new(
            ErrorCode::InvalidRequestException,
            "No Lambda rotation function ARN is associated with this secret.",
        )
    })?;
    // As AWS answers when the Lambda function does not exist (or its policy
    // does not let Secrets Manager invoke it): nothing is changed.
    if !sim.has_rotation_function(&lambda) {
        return Err(AwsError::new(
            ErrorCode::AccessDeniedException,
            "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.",
        ));
    }
    if secret.unfinished_rotation().is_some() {
        return Err(AwsError::new(
            ErrorCode::InvalidRequestException,
            "A previous rotation isn't complete. That rotation will be reattempted.",
        ));
    }
    if let Some(token) = &req.client_request_token {
        if secret.version(token).is_some() {
            return Err(AwsError::new(
                ErrorCode::ResourceExistsException,
                "You can't modify an existing version, you can only create a new version.",
            ));
        }
    }
    let name = secret.name.clone();
    let rules = req.rotation_rules.clone().or_else(|| secret.rotation_rules.clone());
    let token = match req.client_request_token {
        Some(t) => t,
        None => sim.random_uuid()?,
    };
    let now = sim.now();
    let secret = sim.secrets.get_mut(&arn)?;
    secret.rotation_enabled = true;
    secret.rotation_lambda_arn = Some(lambda);
    secret.next_rotation = rules.as_ref().and_then(|r| schedule::next_rotation(r, now));
    secret.rotation_rules = rules;
    let immediately = req.rotate_immediately.unwrap_or(true);
    // Failures are recorded on the secret and in the audit trail, as AWS's
    // asynchronous rotation reports them; the call itself succeeds.
    let _ = rotation::rotate(sim, &arn, &token, !immediately);
    audit.response_elements = Some(json!({ "arn": arn, "name": name, "versionId": token }));
    Ok(RotateSecretResponse { arn, name, version_id: immediately.then_some(token) })
}

secrets_operation!(
    /// Configures rotation and rotates (or, with RotateImmediately=false, tests) it.
    RotateSecret, read_only = false, RotateSecretRequest => RotateSecretResponse, rotate_secret
);

fn cancel_rotate_secret(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: super::SecretIdRequest,
    audit: &mut AuditDraft,
) -> AwsResult<RotateSecretResponse> {
    audit.request_parameters = Some(json!({ "secretId": req.secret_id }));
    check_secret_id(&req.secret_id)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    authorize_secret(sim, ctx, "secretsmanager:CancelRotateSecret", secret, Vec::new(), audit)?;
    if secret.is_deleted() {
        return Err(marked_for_deletion());
    }
    require_primary(secret)?;
    if !secret.rotation_enabled {
        return Err(AwsError::new(ErrorCode::InvalidRequestException, "Rotation is not enabled for this secret."));
    }
    let name = secret.name.clone();
    let version_id = secret.unfinished_rotation().map(|v| v.id.clone());
    let secret = sim.secrets.get_mut(&arn)?;
    secret.rotation_enabled = false;
    secret.next_rotation = None;
    super::replication::sync_replicas(sim, ctx, &arn);
    Ok(RotateSecretResponse { arn, name, version_id })
}

secrets_operation!(
    /// Turns automatic rotation off (an unfinished AWSPENDING version stays).
    CancelRotateSecret, read_only = false, super::SecretIdRequest => RotateSecretResponse, cancel_rotate_secret
);
