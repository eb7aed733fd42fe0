//! Resource policies: PutResourcePolicy, GetResourcePolicy,
//! DeleteResourcePolicy, ValidateResourcePolicy.

use super::common::SecretRef;
use super::secrets_operation;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::secrets::access::{
    authorize_account, authorize_secret, check_secret_id, marked_for_deletion, require_primary,
};
use crate::secrets::validate;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

fn malformed(why: &str) -> AwsError {
    AwsError::new(
        ErrorCode::MalformedPolicyDocumentException,
        format!("This resource policy contains a syntax error: {why}"),
    )
}

/// The statements of a policy document, checked for the basic grammar.
fn statements(policy: &str) -> AwsResult<Vec<Value>> {
    validate::length("resourcePolicy", policy, 1, 20_480)?;
    let doc: Value = serde_json::from_str(policy).map_err(|_| malformed("the document is not valid JSON"))?;
    let statement = doc.get("Statement").ok_or_else(|| malformed("missing Statement"))?;
    let list = match statement {
        Value::Array(items) => items.clone(),
        Value::Object(_) => vec![statement.clone()],
        _ => return Err(malformed("Statement must be an object or an array")),
    };
    for s in &list {
        match s.get("Effect").and_then(Value::as_str) {
            Some("Allow" | "Deny") => {}
            _ => return Err(malformed("each statement needs an Effect of Allow or Deny")),
        }
        if s.get("Action").is_none() && s.get("NotAction").is_none() {
            return Err(malformed("each statement needs an Action or NotAction"));
        }
        if s.get("Principal").is_none() && s.get("NotPrincipal").is_none() {
            return Err(malformed("a resource policy statement needs a Principal"));
        }
    }
    Ok(list)
}

fn is_star(v: &Value) -> bool {
    match v {
        Value::String(s) => s == "*",
        Value::Array(items) => items.iter().any(is_star),
        _ => false,
    }
}

/// Whether a policy grants broad access: an Allow to every principal (`"*"` or
/// `{"AWS": "*"}`) that no condition narrows.
pub(crate) fn is_public(policy: &str) -> AwsResult<bool> {
    Ok(statements(policy)?.iter().any(|s| {
        let allow = s.get("Effect").and_then(Value::as_str) == Some("Allow");
        let everyone = match s.get("Principal") {
            Some(p @ Value::String(_)) => is_star(p),
            Some(Value::Object(map)) => map.get("AWS").is_some_and(is_star),
            _ => false,
        };
        let narrowed = s.get("Condition").and_then(Value::as_object).is_some_and(|c| !c.is_empty());
        allow && everyone && !narrowed
    }))
}

/// `PutResourcePolicy` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutResourcePolicyRequest {
    /// `SecretId`.
    pub secret_id: String,
    /// `ResourcePolicy`.
    pub resource_policy: String,
    /// `BlockPublicPolicy`.
    pub block_public_policy: Option<bool>,
}

fn put_resource_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: PutResourcePolicyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<SecretRef> {
    audit.request_parameters = Some(json!({
        "secretId": req.secret_id, "resourcePolicy": req.resource_policy, "blockPublicPolicy": req.block_public_policy,
    }));
    check_secret_id(&req.secret_id)?;
    let public = is_public(&req.resource_policy)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    authorize_secret(sim, ctx, "secretsmanager:PutResourcePolicy", secret, Vec::new(), audit)?;
    if secret.is_deleted() {
        return Err(marked_for_deletion());
    }
    require_primary(secret)?;
    if public && req.block_public_policy.unwrap_or(false) {
        return Err(AwsError::new(
            ErrorCode::PublicPolicyException,
            "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.",
        ));
    }
    let name = secret.name.clone();
    sim.secrets.get_mut(&arn)?.policy = Some(req.resource_policy);
    super::replication::sync_replicas(sim, ctx, &arn);
    Ok(SecretRef { arn, name })
}

secrets_operation!(
    /// Attaches a resource policy to a secret.
    PutResourcePolicy, read_only = false, PutResourcePolicyRequest => SecretRef, put_resource_policy
);

/// `GetResourcePolicy` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetResourcePolicyResponse {
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `Name`.
    pub name: String,
    /// `ResourcePolicy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_policy: Option<String>,
}

fn get_resource_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: super::SecretIdRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GetResourcePolicyResponse> {
    audit.request_parameters = Some(json!({ "secretId": req.secret_id }));
    check_secret_id(&req.secret_id)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    authorize_secret(sim, ctx, "secretsmanager:GetResourcePolicy", secret, Vec::new(), audit)?;
    Ok(GetResourcePolicyResponse { arn, name: secret.name.clone(), resource_policy: secret.policy.clone() })
}

secrets_operation!(
    /// Returns a secret's resource policy.
    GetResourcePolicy, read_only = true, super::SecretIdRequest => GetResourcePolicyResponse, get_resource_policy
);

fn delete_resource_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: super::SecretIdRequest,
    audit: &mut AuditDraft,
) -> AwsResult<SecretRef> {
    audit.request_parameters = Some(json!({ "secretId": req.secret_id }));
    check_secret_id(&req.secret_id)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    authorize_secret(sim, ctx, "secretsmanager:DeleteResourcePolicy", secret, Vec::new(), audit)?;
    if secret.is_deleted() {
        return Err(marked_for_deletion());
    }
    require_primary(secret)?;
    let name = secret.name.clone();
    sim.secrets.get_mut(&arn)?.policy = None;
    super::replication::sync_replicas(sim, ctx, &arn);
    Ok(SecretRef { arn, name })
}

secrets_operation!(
    /// Removes a secret's resource policy.
    DeleteResourcePolicy, read_only = false, super::SecretIdRequest => SecretRef, delete_resource_policy
);

/// `ValidateResourcePolicy` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ValidateResourcePolicyRequest {
    /// `SecretId` (optional).
    pub secret_id: Option<String>,
    /// `ResourcePolicy`.
    pub resource_policy: String,
}

/// `ValidationErrorsEntry`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidationErrorsEntry {
    /// `CheckName`.
    pub check_name: String,
    /// `ErrorMessage`.
    pub error_message: String,
}

/// `ValidateResourcePolicy` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidateResourcePolicyResponse {
    /// `PolicyValidationPassed`.
    pub policy_validation_passed: bool,
    /// `ValidationErrors`.
    pub validation_errors: Vec<ValidationErrorsEntry>,
}

fn validate_resource_policy(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ValidateResourcePolicyRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ValidateResourcePolicyResponse> {
    audit.request_parameters = Some(json!({ "secretId": req.secret_id, "resourcePolicy": req.resource_policy }));
    match &req.secret_id {
        Some(id) => {
            check_secret_id(id)?;
            let arn = sim.secrets.resolve(ctx, id)?;
            let secret = sim.secrets.get(&arn)?;
            authorize_secret(sim, ctx, "secretsmanager:ValidateResourcePolicy", secret, Vec::new(), audit)?;
        }
        None => authorize_account(sim, ctx, "secretsmanager:ValidateResourcePolicy")?,
    }
    let mut errors = Vec::new();
    match is_public(&req.resource_policy) {
        Ok(true) => errors.push(ValidationErrorsEntry {
            check_name: "BROAD_ACCESS_CHECK".to_string(),
            error_message: "The resource policy grants broad access to the secret.".to_string(),
        }),
        Ok(false) => {}
        Err(e) if e.code == ErrorCode::ValidationException => return Err(e),
        Err(e) => {
            errors.push(ValidationErrorsEntry { check_name: "SYNTAX_CHECK".to_string(), error_message: e.message })
        }
    }
    Ok(ValidateResourcePolicyResponse { policy_validation_passed: errors.is_empty(), validation_errors: errors })
}

secrets_operation!(
    /// Checks a resource policy's syntax and whether it grants broad access.
    ValidateResourcePolicy, read_only = true, ValidateResourcePolicyRequest => ValidateResourcePolicyResponse, validate_resource_policy
);
