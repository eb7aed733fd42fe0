//! The authorization seam: every operation asks here before it acts.
//!
//! Each call names the principal (in the [`CallContext`]), the action, the
//! resource and the request facts a policy can test. Until the policy engine
//! is wired in, every request is allowed.

use crate::error::AwsResult;
use crate::kms::model::{Grant, KeyPolicy};
use crate::world::CallContext;
use std::collections::BTreeMap;

use super::Simulator;

/// The kind of resource being acted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// A KMS key (its key policy is mandatory).
    KmsKey,
    /// A Secrets Manager secret.
    Secret,
    /// An SSM parameter.
    Parameter,
    /// Anything else (account-level actions such as `kms:CreateKey`).
    Other,
}

/// One authorization question.
#[derive(Clone, Debug)]
pub struct AccessRequest<'a> {
    /// `kms:Decrypt`, `secretsmanager:GetSecretValue`, …
    pub action: &'a str,
    /// The resource ARN (`*` for account-level actions).
    pub resource_arn: &'a str,
    /// The resource's account.
    pub resource_account: &'a str,
    /// What the resource is.
    pub kind: ResourceKind,
    /// The key policy, for KMS keys.
    pub key_policy: Option<&'a KeyPolicy>,
    /// The resource's tags (`aws:ResourceTag/*`).
    pub resource_tags: Vec<(&'a str, &'a str)>,
    /// Grants on the key.
    pub grants: &'a [Grant],
    /// Grant tokens sent with the request.
    pub grant_tokens: &'a [String],
    /// The encryption context (`kms:EncryptionContext:*`, `kms:EncryptionContextKeys`).
    pub encryption_context: Option<&'a BTreeMap<String, String>>,
    /// The alias used in the request (`kms:RequestAlias`).
    pub request_alias: Option<&'a str>,
    /// The resource-based policy attached to the resource (a secret's
    /// resource policy), evaluated alongside identity policies.
    pub resource_policy: Option<&'a str>,
    /// Further condition keys the request carries, e.g.
    /// `secretsmanager:SecretId`, `secretsmanager:VersionStage`,
    /// `secretsmanager:ResourceTag/<key>`, `aws:RequestTag/<key>`, `aws:TagKeys`
    /// (several values for a multivalued key appear as several pairs), and
    /// `ssm:Overwrite`, `ssm:Recursive`, `ssm:Policies`.
    pub extra_context: Vec<(String, String)>,
}

impl<'a> AccessRequest<'a> {
    /// A question about `action` on `resource_arn` with nothing else known.
    pub fn new(action: &'a str, resource_arn: &'a str, resource_account: &'a str, kind: ResourceKind) -> Self {
        AccessRequest {
            action,
            resource_arn,
            resource_account,
            kind,
            key_policy: None,
            resource_tags: Vec::new(),
            grants: &[],
            grant_tokens: &[],
            encryption_context: None,
            request_alias: None,
            resource_policy: None,
            extra_context: Vec::new(),
        }
    }
}

impl Simulator {
    /// Decides whether `ctx`'s caller may do `request`; a deny is an `AccessDeniedException`.
    pub(crate) fn authorize(&self, ctx: &CallContext, request: &AccessRequest<'_>) -> AwsResult<()> {
        let _ = (ctx, request);
        Ok(())
    }
}
