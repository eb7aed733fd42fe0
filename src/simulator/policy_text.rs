//! Checking resource-policy text before it is stored (key policies, secret
//! policies, trust policies, identity policies): parse it once, reject what
//! AWS rejects, and hand back the parse so it is never parsed again.

use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::policy::{validate, PolicyDocument, PolicyKind, Severity};

/// Findings the validator reports as errors that AWS itself accepts when a
/// policy is stored (they are lint, not grammar), so they must not reject.
const ACCEPTED_BY_AWS: &[&str] = &["NOTPRINCIPAL_WITH_ALLOW", "SET_OPERATOR_ON_SINGLE_VALUED_KEY", "DUPLICATE_SID"];

/// Parses and validates `text` as a policy of `kind`; a grammar error is
/// `code` (`MalformedPolicyDocumentException` for KMS and Secrets Manager,
/// `MalformedPolicyDocument` for IAM) with the first problem as the message.
pub(crate) fn checked_policy(text: &str, kind: PolicyKind, code: ErrorCode) -> AwsResult<PolicyDocument> {
    let document = PolicyDocument::parse(text).map_err(|e| AwsError::new(code, e.message))?;
    let blocking =
        validate(text, kind).into_iter().find(|d| d.severity == Severity::Error && !ACCEPTED_BY_AWS.contains(&d.code));
    match blocking {
        Some(d) => Err(AwsError::new(code, d.message)),
        None => Ok(document),
    }
}
