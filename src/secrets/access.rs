//! Finding the secret a request names, asking the authorization seam, and
//! calling KMS on the caller's behalf.

use super::envelope::{self, Sealed};
use super::model::{Secret, SecretVersion, SecretsState, WrappedKey, AWSCURRENT, AWSPENDING, AWSPREVIOUS};
use crate::bytes::SecretBytes;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::{AccessRequest, AuditDraft, ResourceKind, Simulator};
use crate::world::CallContext;
use std::collections::BTreeMap;

/// The CloudTrail resource type of a secret.
pub(crate) const RESOURCE_TYPE: &str = "AWS::SecretsManager::Secret";

/// AWS's message for a secret that does not exist (or that the caller cannot see).
pub(crate) fn not_found() -> AwsError {
    AwsError::new(ErrorCode::ResourceNotFoundException, "Secrets Manager can't find the specified secret.")
}

/// AWS's message for any use of a secret scheduled for deletion.
pub(crate) fn marked_for_deletion() -> AwsError {
    AwsError::new(
        ErrorCode::InvalidRequestException,
        "You can't perform this operation on the secret because it was marked for deletion.",
    )
}

/// Refuses writes to a replica.
pub(crate) fn require_primary(secret: &Secret) -> AwsResult<()> {
    match &secret.primary_region {
        Some(primary) => Err(AwsError::new(
            ErrorCode::InvalidRequestException,
            format!(
                "Operation is not permitted on a replica secret. Call it in the primary secret's Region ({primary})."
            ),
        )),
        None => Ok(()),
    }
}

/// A `SecretId` member must be 1–2048 characters.
pub(crate) fn check_secret_id(secret_id: &str) -> AwsResult<()> {
    super::validate::length("secretId", secret_id, 1, 2048)
}

impl SecretsState {
    /// Resolves a `SecretId` (name, full ARN, or ARN without the random suffix)
    /// to the secret's ARN, as AWS does for the caller's account and region.
    pub fn resolve(&self, ctx: &CallContext, secret_id: &str) -> AwsResult<String> {
        if secret_id.starts_with("arn:") {
            if self.secrets.contains_key(secret_id) {
                return Ok(secret_id.to_string());
            }
            // A partial ARN: everything but the "-xxxxxx" suffix.
            return self
                .secrets
                .keys()
                .find(|arn| {
                    arn.strip_prefix(secret_id)
                        .and_then(|rest| rest.strip_prefix('-'))
                        .is_some_and(|suffix| suffix.len() == 6 && !suffix.contains('-'))
                })
                .cloned()
                .ok_or_else(not_found);
        }
        self.secrets
            .values()
            .find(|s| s.name == secret_id && s.account == ctx.caller.account && s.region == ctx.region)
            .map(|s| s.arn.clone())
            .ok_or_else(not_found)
    }

    /// The secret at `arn`.
    pub(crate) fn get(&self, arn: &str) -> AwsResult<&Secret> {
        self.secrets.get(arn).ok_or_else(not_found)
    }

    /// The secret at `arn`, mutably.
    pub(crate) fn get_mut(&mut self, arn: &str) -> AwsResult<&mut Secret> {
        self.secrets.get_mut(arn).ok_or_else(not_found)
    }
}

/// Notes the secret in the audit draft and asks the seam whether `ctx` may do
/// `action` on it, passing its resource policy, tags and the condition keys
/// Secrets Manager defines.
pub(crate) fn authorize_secret(
    sim: &Simulator,
    ctx: &CallContext,
    action: &str,
    secret: &Secret,
    extra: Vec<(String, String)>,
    audit: &mut AuditDraft,
) -> AwsResult<()> {
    audit.resource(&secret.arn, &secret.account, RESOURCE_TYPE);
    let mut request = secret_access_request(action, secret);
    request.extra_context.extend(extra);
    sim.authorize(ctx, &request)
}

/// The authorization question for `action` on `secret`: its resource policy,
/// tags and the condition keys Secrets Manager fills in for every call. Calls
/// and the explain API share it, so an explanation matches the call.
pub(crate) fn secret_access_request<'a>(action: &'a str, secret: &'a Secret) -> AccessRequest<'a> {
    let mut request = AccessRequest::new(action, &secret.arn, &secret.account, ResourceKind::Secret);
    request.resource_policy = secret.policy.as_deref();
    request.resource_tags = secret.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())).collect();
    let mut context = vec![("secretsmanager:SecretId".to_string(), secret.arn.clone())];
    for tag in &secret.tags {
        context.push((format!("secretsmanager:ResourceTag/{}", tag.key), tag.value.clone()));
    }
    if let Some(lambda) = &secret.rotation_lambda_arn {
        context.push(("secretsmanager:resource/AllowRotationLambdaArn".to_string(), lambda.clone()));
    }
    request.extra_context = context;
    request
}

/// Asks the seam about an action that names no secret (`ListSecrets`, …).
pub(crate) fn authorize_account(sim: &Simulator, ctx: &CallContext, action: &str) -> AwsResult<()> {
    sim.authorize(ctx, &AccessRequest::new(action, "*", &ctx.caller.account, ResourceKind::Other))
}

/// The encryption context Secrets Manager uses for a version.
pub(crate) fn encryption_context(secret_arn: &str, version_id: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("SecretARN".to_string(), secret_arn.to_string()),
        ("SecretVersionId".to_string(), version_id.to_string()),
    ])
}

/// The caller, acting through Secrets Manager in `region`.
pub(crate) fn via(ctx: &CallContext, region: &str) -> CallContext {
    let mut ctx = ctx.clone();
    ctx.region = region.to_string();
    ctx.via("secretsmanager")
}

/// The KMS key a value of `secret` is sealed under: its `KmsKeyId`, else the
/// AWS managed key `aws/secretsmanager` (created on first use).
pub(crate) fn key_for(sim: &mut Simulator, kms_key_id: Option<&str>, account: &str, region: &str) -> AwsResult<String> {
    match kms_key_id {
        Some(id) => Ok(id.to_string()),
        None => sim.aws_managed_key("secretsmanager", account, region),
    }
}

/// Encrypts a new version's value for the caller. KMS refusals come back as
/// Secrets Manager reports them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal_value(
    sim: &mut Simulator,
    ctx: &CallContext,
    secret_arn: &str,
    account: &str,
    region: &str,
    kms_key_id: Option<&str>,
    version_id: &str,
    value: &[u8],
) -> AwsResult<(Sealed, String)> {
    let key = key_for(sim, kms_key_id, account, region)?;
    let context = encryption_context(secret_arn, version_id);
    envelope::seal(sim, &via(ctx, region), &key, &context, value).map_err(|e| match e.code {
        ErrorCode::AccessDeniedException => {
            AwsError::new(ErrorCode::AccessDeniedException, format!("Access to KMS is not allowed. {}", e.message))
        }
        ErrorCode::NotFoundException => AwsError::new(
            ErrorCode::ResourceNotFoundException,
            format!("Secrets Manager can't find the specified KMS key: {}", e.message),
        ),
        _ => AwsError::new(
            ErrorCode::EncryptionFailure,
            format!("Secrets Manager can't encrypt the secret value using the KMS key: {}: {}", e.name(), e.message),
        ),
    })
}

/// Decrypts a version for the caller. A version re-encrypted after a key
/// change is tried under its newest key first, then the older ones (AWS keeps
/// the old wrapping "to avoid locking you out"). A missing value, a refused or
/// unusable key come back as Secrets Manager reports them (for the newest key).
pub(crate) fn open_version(
    sim: &mut Simulator,
    ctx: &CallContext,
    secret: &Secret,
    version: &SecretVersion,
) -> AwsResult<SecretBytes> {
    let sealed = version.sealed.as_ref().ok_or_else(|| {
        AwsError::new(
            ErrorCode::ResourceNotFoundException,
            format!("Secrets Manager can't find the specified secret value for VersionId: {}", version.id),
        )
    })?;
    let context = encryption_context(&secret.arn, &version.id);
    let via = via(ctx, &secret.region);
    let wrappings = version.rewrapped.iter().rev().map(|w| &w.encrypted_data_key);
    let mut first_error = None;
    for data_key in wrappings.chain(std::iter::once(&sealed.encrypted_data_key)) {
        match envelope::open_with(sim, &via, sealed, data_key, &context) {
            Ok(plaintext) => return Ok(plaintext),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let e = first_error.unwrap_or_else(|| AwsError::new(ErrorCode::InternalServiceError, "no data key"));
    Err(match e.code {
        // AWS managed key policies are read-only and allow only their own
        // account: AWS says so in this case.
        ErrorCode::AccessDeniedException if secret.kms_key_id.is_none() && ctx.caller.account != secret.account => {
            AwsError::new(
                ErrorCode::AccessDeniedException,
                "Access to KMS is not allowed. You can't access a secret from a different AWS account if you encrypt the secret with the default KMS service key.",
            )
        }
        ErrorCode::AccessDeniedException => {
            AwsError::new(ErrorCode::AccessDeniedException, format!("Access to KMS is not allowed. {}", e.message))
        }
        _ => AwsError::new(
            ErrorCode::DecryptionFailure,
            format!(
                "Secrets Manager can't decrypt the protected secret text using the provided KMS key: {}: {}",
                e.name(),
                e.message
            ),
        ),
    })
}

/// Wraps the data key of every version carrying AWSCURRENT, AWSPENDING or
/// AWSPREVIOUS under `kms_key_id` as well (UpdateSecret with a new KmsKeyId),
/// calling KMS `Decrypt` on the current wrapping and `Encrypt` under the new
/// key for the caller, through Secrets Manager. All or nothing: `None` when
/// any call fails (AWS then leaves the existing versions as they are),
/// otherwise the new wrappings by version id (nothing for a version the key
/// already protects).
pub(crate) fn rewrap_labelled(
    sim: &mut Simulator,
    ctx: &CallContext,
    secret: &Secret,
    kms_key_id: Option<&str>,
) -> Option<Vec<(String, WrappedKey)>> {
    let key = key_for(sim, kms_key_id, &secret.account, &secret.region).ok()?;
    let via = via(ctx, &secret.region);
    let labelled = secret.versions.iter().filter(|v| [AWSCURRENT, AWSPENDING, AWSPREVIOUS].iter().any(|l| v.has(l)));
    let mut out = Vec::new();
    for version in labelled {
        let Some(sealed) = &version.sealed else { continue };
        let context = encryption_context(&secret.arn, &version.id);
        let newest = version.rewrapped.last().map_or(&sealed.encrypted_data_key, |w| &w.encrypted_data_key);
        let data_key = envelope::unwrap_data_key(sim, &via, newest, &context).ok()?;
        let (encrypted_data_key, kms_key_arn) = envelope::wrap_data_key(sim, &via, &key, &data_key, &context).ok()?;
        if !version.kms_key_arns().contains(&kms_key_arn) {
            out.push((version.id.clone(), WrappedKey { kms_key_arn, encrypted_data_key }));
        }
    }
    Some(out)
}
