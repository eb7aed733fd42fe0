//! The authorization seam: every operation asks here before it acts.
//!
//! Each call names the principal (in the [`CallContext`]), the action, the
//! resource and the request facts a policy can test. The policy engine
//! ([`crate::policy`]) decides: the key policy (or secret policy), the
//! caller's identity policies, boundary and session policies, SCPs / RCPs and
//! KMS grants. The hot path asks for the outcome only; the explained
//! [`Decision`] is built only to word a denial.

use crate::error::AwsResult;
use crate::kms::model::{Grant, KeyPolicy};
use crate::policy::{
    authorize as engine_authorize, authorize_fast, AuthorizationRequest, ContextValue, Decision, GrantConstraints,
    GrantView, IamWorld, Outcome, PolicyDocument, ResourceKind as EngineKind,
};
use crate::world::CallContext;
use std::borrow::Cow;
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
    /// `ssm:Overwrite`, `ssm:Recursive`, `ssm:Policies`, `kms:GrantOperations`.
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

/// Keys whose values form a set even when there is only one value
/// (the engine's set operators need a list to say "for all values").
const MULTIVALUED_KEYS: &[&str] =
    &["aws:TagKeys", "kms:EncryptionContextKeys", "kms:GrantOperations", "kms:ResourceAliases"];

/// The context keys any policy of the IAM world reads (lowercased): with the
/// key policy's own keys, what decides which service keys are worth building.
pub(crate) fn world_context_keys(world: &IamWorld) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut add = |doc: &PolicyDocument| {
        for key in doc.context_keys() {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    };
    for user in &world.users {
        user.inline_policies.iter().for_each(|p| add(&p.document));
    }
    for group in &world.groups {
        group.inline_policies.iter().for_each(|p| add(&p.document));
    }
    for role in &world.roles {
        role.inline_policies.iter().for_each(|p| add(&p.document));
        add(&role.trust_policy);
    }
    world.managed_policies.iter().for_each(|p| add(&p.document));
    for session in &world.sessions {
        session.session_policies.iter().for_each(&mut add);
    }
    if let Some(org) = &world.organization {
        org.policies.iter().for_each(|p| add(&p.document));
    }
    keys
}

/// Converts the seam's string pairs to engine context values: repeated keys
/// and known set-valued keys become lists.
fn context_values(pairs: &[(String, String)], out: &mut Vec<(String, ContextValue)>) {
    for (key, value) in pairs {
        match out.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some((_, ContextValue::StringList(list))) => list.push(value.clone()),
            Some((_, existing)) => {
                let first = existing.single_text().map(|t| t.into_owned()).unwrap_or_default();
                *existing = ContextValue::StringList(vec![first, value.clone()]);
            }
            None if MULTIVALUED_KEYS.iter().any(|m| m.eq_ignore_ascii_case(key)) => {
                out.push((key.clone(), ContextValue::StringList(vec![value.clone()])));
            }
            None => out.push((key.clone(), ContextValue::String(value.clone()))),
        }
    }
}

/// The engine's view of a stored grant.
fn grant_view(grant: &Grant) -> GrantView {
    GrantView {
        grant_id: grant.grant_id.clone(),
        name: grant.name.clone(),
        grantee_principal: grant.grantee_principal.clone(),
        retiring_principal: grant.retiring_principal.clone(),
        operations: grant.operations.clone(),
        constraints: grant.constraints.as_ref().map(|c| GrantConstraints {
            encryption_context_equals: c.encryption_context_equals.clone(),
            encryption_context_subset: c.encryption_context_subset.clone(),
        }),
        grant_token: Some(grant.grant_token.clone()),
        // The simulator's grants take effect at once (no propagation delay).
        effective: true,
    }
}

impl Simulator {
    /// Whether some policy that can apply to `doc`'s resource reads a key
    /// starting with `prefix` (lowercase): unread keys cannot change a decision.
    fn reads_key(&self, doc: Option<&PolicyDocument>, prefix: &str) -> bool {
        doc.is_some_and(|d| d.context_keys().iter().any(|k| k.starts_with(prefix)))
            || self.iam_context_keys.iter().any(|k| k.starts_with(prefix))
    }

    /// The aliases pointing at the key `key_arn` (`kms:ResourceAliases`).
    fn key_aliases(&self, key_arn: &str) -> Vec<String> {
        let Some((prefix, id)) = key_arn.split_once(":key/") else { return Vec::new() };
        self.kms
            .aliases
            .values()
            .filter(|a| a.target_key_id == id && a.arn.starts_with(prefix))
            .map(|a| a.name.clone())
            .collect()
    }

    /// Builds the engine's request for `request` and hands it to `decide`.
    fn with_engine_request<R>(
        &self,
        ctx: &CallContext,
        request: &AccessRequest<'_>,
        extra: &[(String, ContextValue)],
        decide: impl FnOnce(&AuthorizationRequest<'_>) -> R,
    ) -> R {
        // A secret's policy is parsed per call: Secrets Manager calls are not
        // the hot path, and the stored text is what AWS returns verbatim.
        let secret_policy = match (request.key_policy, request.resource_policy) {
            (None, Some(text)) => Some(PolicyDocument::parse(text).unwrap_or_else(|_| PolicyDocument::empty())),
            _ => None,
        };
        let policy = match request.key_policy {
            Some(key_policy) => Some(key_policy.document()),
            None => secret_policy.as_ref(),
        };
        let kind = match request.kind {
            ResourceKind::KmsKey => EngineKind::KmsKey,
            ResourceKind::Secret => EngineKind::Secret,
            ResourceKind::Parameter => EngineKind::Parameter,
            ResourceKind::Other => EngineKind::Other,
        };
        let tags: Vec<(String, String)> =
            request.resource_tags.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        let grants: Vec<GrantView> = request.grants.iter().map(grant_view).collect();
        let mut context: Vec<(String, ContextValue)> = Vec::new();
        if let Some(ec) = request.encryption_context {
            // Grant constraints read the context too, so grants force it.
            if !grants.is_empty() || self.reads_key(policy, "kms:encryptioncontext:") {
                for (k, v) in ec {
                    context.push((format!("kms:EncryptionContext:{k}"), ContextValue::String(v.clone())));
                }
            }
            if self.reads_key(policy, "kms:encryptioncontextkeys") {
                context.push((
                    "kms:EncryptionContextKeys".to_string(),
                    ContextValue::StringList(ec.keys().cloned().collect()),
                ));
            }
        }
        if let Some(alias) = request.request_alias {
            if self.reads_key(policy, "kms:requestalias") {
                context.push(("kms:RequestAlias".to_string(), ContextValue::String(alias.to_string())));
            }
        }
        if request.kind == ResourceKind::KmsKey && self.reads_key(policy, "kms:resourcealiases") {
            context.push((
                "kms:ResourceAliases".to_string(),
                ContextValue::StringList(self.key_aliases(request.resource_arn)),
            ));
        }
        context_values(&request.extra_context, &mut context);
        // Nothing of the service's own: the caller's extras are the whole context, uncopied.
        let context: Cow<'_, [(String, ContextValue)]> = if context.is_empty() {
            Cow::Borrowed(extra)
        } else {
            context.extend(extra.iter().cloned());
            Cow::Owned(context)
        };
        let engine = AuthorizationRequest {
            call: ctx,
            action: request.action,
            resource_arn: request.resource_arn,
            resource_account: request.resource_account,
            resource_kind: kind,
            resource_policy: policy,
            resource_tags: &tags,
            grants: &grants,
            grant_tokens: request.grant_tokens,
            extra_context: &context,
            now: self.now(),
        };
        decide(&engine)
    }

    /// Decides whether `ctx`'s caller may do `request`; a deny is an
    /// `AccessDeniedException` in AWS's wording.
    pub(crate) fn authorize(&self, ctx: &CallContext, request: &AccessRequest<'_>) -> AwsResult<()> {
        self.with_engine_request(ctx, request, &[], |engine| {
            if authorize_fast(&self.iam, engine) == Outcome::Allow {
                return Ok(());
            }
            // Denied: only now is the explained decision worth building.
            Err(engine_authorize(&self.iam, engine).access_denied_error(engine))
        })
    }

    /// The outcome of `request`, unexplained (what [`Simulator::authorize_outcome`] returns).
    pub(crate) fn outcome(
        &self,
        ctx: &CallContext,
        request: &AccessRequest<'_>,
        extra: &[(String, ContextValue)],
    ) -> Outcome {
        self.with_engine_request(ctx, request, extra, |engine| authorize_fast(&self.iam, engine))
    }

    /// The explained decision for `request` (what [`Simulator::explain`] returns).
    pub(crate) fn decide(
        &self,
        ctx: &CallContext,
        request: &AccessRequest<'_>,
        extra: &[(String, ContextValue)],
    ) -> Decision {
        self.with_engine_request(ctx, request, extra, |engine| engine_authorize(&self.iam, engine))
    }
}
