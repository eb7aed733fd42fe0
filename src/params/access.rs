//! Asking the authorization seam, and SecureString encryption through the
//! simulated KMS (context `{"PARAMETER_ARN": <arn>}`, `kms:ViaService` ssm).

use super::model::{Parameter, StoredValue};
use crate::bytes::{base64_encode, Blob, SecretBytes};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::ops::{Decrypt, DecryptRequest, Encrypt, EncryptRequest};
use crate::secrets::envelope;
use crate::simulator::{AccessRequest, AuditDraft, ResourceKind, Simulator};
use crate::world::CallContext;
use std::collections::BTreeMap;

/// The CloudTrail resource type of a parameter.
pub(crate) const RESOURCE_TYPE: &str = "AWS::SSM::Parameter";

/// AWS's error for a missing parameter.
pub(crate) fn not_found(name: &str) -> AwsError {
    AwsError::new(ErrorCode::ParameterNotFound, format!("Parameter {name} not found."))
}

/// Notes the parameter and asks the seam whether `ctx` may do `action` on it.
pub(crate) fn authorize_param(
    sim: &Simulator,
    ctx: &CallContext,
    action: &str,
    arn: &str,
    account: &str,
    param: Option<&Parameter>,
    extra: Vec<(String, String)>,
    audit: &mut AuditDraft,
) -> AwsResult<()> {
    audit.resource(arn, account, RESOURCE_TYPE);
    let mut request = AccessRequest::new(action, arn, account, ResourceKind::Parameter);
    if let Some(p) = param {
        request.resource_tags = p.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())).collect();
    }
    request.extra_context = extra;
    sim.authorize(ctx, &request)
}

/// Asks about an action on no particular parameter (`ssm:DescribeParameters`).
pub(crate) fn authorize_account(sim: &Simulator, ctx: &CallContext, action: &str) -> AwsResult<()> {
    sim.authorize(ctx, &AccessRequest::new(action, "*", &ctx.caller.account, ResourceKind::Other))
}

fn context(arn: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("PARAMETER_ARN".to_string(), arn.to_string())])
}

fn via(ctx: &CallContext, region: &str) -> CallContext {
    let mut ctx = ctx.clone();
    ctx.region = region.to_string();
    ctx.via("ssm")
}

/// How Parameter Store reports a KMS refusal.
fn kms_error(e: AwsError) -> AwsError {
    match e.code {
        ErrorCode::AccessDeniedException => AwsError::new(
            ErrorCode::AccessDeniedException,
            format!("{} (Service: AWSKMS; Error Code: AccessDeniedException)", e.message),
        ),
        _ => {
            AwsError::new(ErrorCode::InvalidKeyId, format!("{} (Service: AWSKMS; Error Code: {})", e.message, e.name()))
        }
    }
}

/// Encrypts a SecureString value: KMS `Encrypt` up to 4 KB, envelope above.
/// Returns the stored value and the key ARN.
pub(crate) fn seal(
    sim: &mut Simulator,
    ctx: &CallContext,
    arn: &str,
    account: &str,
    region: &str,
    key_id: Option<&str>,
    value: &str,
) -> AwsResult<(StoredValue, String)> {
    let key = match key_id {
        Some(k) => k.to_string(),
        None => sim.aws_managed_key("ssm", account, region)?,
    };
    let via = via(ctx, region);
    if value.len() <= 4096 {
        let out = sim
            .invoke::<Encrypt>(
                &via,
                EncryptRequest {
                    key_id: key,
                    plaintext: SecretBytes::from(value.as_bytes().to_vec()),
                    encryption_context: Some(context(arn)),
                    ..Default::default()
                },
            )
            .map_err(kms_error)?;
        Ok((StoredValue::Kms(out.ciphertext_blob), out.key_id))
    } else {
        let (sealed, key_arn) = envelope::seal(sim, &via, &key, &context(arn), value.as_bytes()).map_err(kms_error)?;
        Ok((StoredValue::Envelope(sealed), key_arn))
    }
}

/// The value as returned: plaintext when `decrypt`, else (SecureString) the ciphertext in base64.
pub(crate) fn reveal(
    sim: &mut Simulator,
    ctx: &CallContext,
    param: &Parameter,
    value: &StoredValue,
    decrypt: bool,
) -> AwsResult<String> {
    let via = via(ctx, &param.region);
    match (value, decrypt) {
        (StoredValue::Plain(text), _) => Ok(text.clone()),
        (StoredValue::Kms(blob), false) => Ok(base64_encode(&blob.0)),
        (StoredValue::Envelope(sealed), false) => {
            Ok(base64_encode(serde_json::to_string(sealed).unwrap_or_default().as_bytes()))
        }
        (StoredValue::Kms(blob), true) => {
            let out = sim
                .invoke::<Decrypt>(
                    &via,
                    DecryptRequest {
                        ciphertext_blob: Blob(blob.0.clone()),
                        encryption_context: Some(context(&param.arn)),
                        ..Default::default()
                    },
                )
                .map_err(kms_error)?;
            String::from_utf8(out.plaintext.expose().to_vec())
                .map_err(|_| AwsError::new(ErrorCode::InternalServerError, "corrupt value"))
        }
        (StoredValue::Envelope(sealed), true) => {
            let out = envelope::open(sim, &via, sealed, &context(&param.arn)).map_err(kms_error)?;
            String::from_utf8(out.expose().to_vec())
                .map_err(|_| AwsError::new(ErrorCode::InternalServerError, "corrupt value"))
        }
    }
}
