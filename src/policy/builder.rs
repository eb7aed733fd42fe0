//! Fills the request context from the world and the call: the global
//! `aws:` keys AWS sets for every request, plus the `kms:` keys KMS sets,
//! then the service's own keys (`extra_context`), which win on conflict.

use super::context::{ContextValue, RequestContext};
use super::evaluate::{AuthorizationRequest, ResourceKind};
use super::iam::{IamWorld, ResolvedPrincipal};
use super::principal::PrincipalType;
use std::borrow::Cow;

/// The context keys some policy of a request reads (lowercased, borrowed
/// from the parsed policies); `None` means "build everything".
#[derive(Clone, Debug, Default)]
pub struct KeyFilter<'a> {
    keys: Vec<&'a str>,
}

impl<'a> KeyFilter<'a> {
    /// Adds the keys a policy reads.
    pub fn add_policy(&mut self, document: &'a super::document::PolicyDocument) {
        for key in document.context_keys() {
            if !self.keys.contains(&key.as_str()) {
                self.keys.push(key);
            }
        }
    }

    /// Whether `key` is read by some policy.
    pub fn wants(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k.eq_ignore_ascii_case(key))
    }

    /// Whether some key starting with `prefix` (lowercase) is read.
    pub fn wants_prefix(&self, prefix: &str) -> bool {
        self.keys.iter().any(|k| k.starts_with(prefix))
    }
}

/// Builds the full request context for `request` made by `principal`.
pub fn build_request_context(
    world: &IamWorld,
    request: &AuthorizationRequest<'_>,
    principal: &ResolvedPrincipal<'_>,
) -> RequestContext {
    build_filtered(world, request, principal, None)
}

/// Builds only the keys `filter` wants (plus every service-provided extra):
/// what the engine uses, since no other key can change a decision.
pub fn build_filtered(
    world: &IamWorld,
    request: &AuthorizationRequest<'_>,
    principal: &ResolvedPrincipal<'_>,
    filter: Option<&KeyFilter<'_>>,
) -> RequestContext {
    let want = |key: &str| filter.is_none_or(|f| f.wants(key));
    let want_prefix = |prefix: &str| filter.is_none_or(|f| f.wants_prefix(prefix));
    let call = request.call;
    let identity = &principal.identity;
    let mut ctx = RequestContext::with_capacity(match filter {
        Some(f) => f.keys.len() + request.extra_context.len(),
        None => 20 + principal.tags.len() + request.resource_tags.len() + request.extra_context.len(),
    });
    if identity.is_service() {
        if want("aws:PrincipalServiceName") {
            ctx.push_unchecked("aws:PrincipalServiceName", ContextValue::String(identity.arn.clone()));
        }
        if want("aws:PrincipalIsAWSService") {
            ctx.push_unchecked("aws:PrincipalIsAWSService", ContextValue::Bool(true));
        }
    } else {
        if want("aws:PrincipalArn") {
            ctx.push_unchecked("aws:PrincipalArn", ContextValue::String(identity.principal_arn.clone()));
        }
        if want("aws:PrincipalAccount") {
            ctx.push_unchecked("aws:PrincipalAccount", ContextValue::String(identity.account.clone()));
        }
        if want("aws:PrincipalIsAWSService") {
            ctx.push_unchecked("aws:PrincipalIsAWSService", ContextValue::Bool(false));
        }
        if let Some(org) =
            world.organization.as_ref().filter(|_| want("aws:PrincipalOrgID") || want("aws:PrincipalOrgPaths"))
        {
            if let Some(path) = org.org_path(&identity.account) {
                if want("aws:PrincipalOrgID") {
                    ctx.push_unchecked("aws:PrincipalOrgID", ContextValue::String(org.id.clone()));
                }
                if want("aws:PrincipalOrgPaths") {
                    ctx.push_unchecked("aws:PrincipalOrgPaths", ContextValue::StringList(vec![path]));
                }
            }
        }
    }
    if want("aws:PrincipalType") {
        ctx.push_unchecked("aws:PrincipalType", ContextValue::String(identity.kind.context_value().to_string()));
    }
    if identity.kind == PrincipalType::User {
        if let Some(name) = &identity.name {
            if want("aws:username") {
                ctx.push_unchecked("aws:username", ContextValue::String(name.clone()));
            }
        }
    }
    if let Some(user_id) = &principal.user_id {
        if want("aws:userid") {
            ctx.push_unchecked("aws:userid", ContextValue::String(user_id.clone()));
        }
    }
    for (key, value) in principal.tags.iter().filter(|_| want_prefix("aws:principaltag/")) {
        ctx.push_unchecked(format!("aws:PrincipalTag/{key}"), ContextValue::String((*value).to_string()));
    }
    if let Some(mfa) = call.mfa_present {
        if want("aws:MultiFactorAuthPresent") {
            ctx.push_unchecked("aws:MultiFactorAuthPresent", ContextValue::Bool(mfa));
        }
    }
    if let Some(ip) = &call.source_ip {
        if want("aws:SourceIp") {
            ctx.push_unchecked("aws:SourceIp", ContextValue::Ip(ip.clone()));
        }
    }
    if want("aws:SecureTransport") {
        ctx.push_unchecked("aws:SecureTransport", ContextValue::Bool(call.secure_transport));
    }
    if want("aws:CurrentTime") {
        ctx.push_unchecked("aws:CurrentTime", ContextValue::Date(request.now));
    }
    if want("aws:EpochTime") {
        ctx.push_unchecked("aws:EpochTime", ContextValue::Number(request.now.millis().div_euclid(1000) as f64));
    }
    if want("aws:RequestedRegion") {
        ctx.push_unchecked("aws:RequestedRegion", ContextValue::String(call.region.clone()));
    }
    if want("aws:ResourceAccount") {
        ctx.push_unchecked("aws:ResourceAccount", ContextValue::String(request.resource_account.to_string()));
    }
    if let Some(org) = world.organization.as_ref().filter(|_| want("aws:ResourceOrgID") || want("aws:ResourceOrgPaths"))
    {
        if let Some(path) = org.org_path(request.resource_account) {
            if want("aws:ResourceOrgID") {
                ctx.push_unchecked("aws:ResourceOrgID", ContextValue::String(org.id.clone()));
            }
            if want("aws:ResourceOrgPaths") {
                ctx.push_unchecked("aws:ResourceOrgPaths", ContextValue::StringList(vec![path]));
            }
        }
    }
    for (key, value) in request.resource_tags.iter().filter(|_| want_prefix("aws:resourcetag/")) {
        ctx.push_unchecked(format!("aws:ResourceTag/{key}"), ContextValue::String(value.clone()));
    }
    if want("aws:ViaAWSService") {
        ctx.push_unchecked("aws:ViaAWSService", ContextValue::Bool(call.via_service.is_some()));
    }
    if let Some(via) = &call.via_service {
        // `secretsmanager.us-east-1.amazonaws.com` → the service principal `secretsmanager.amazonaws.com`.
        let service = via.split('.').next().unwrap_or(via);
        let principal_name = format!("{service}.amazonaws.com");
        if want("aws:CalledVia") {
            ctx.push_unchecked("aws:CalledVia", ContextValue::StringList(vec![principal_name.clone()]));
        }
        if want("aws:CalledViaFirst") {
            ctx.push_unchecked("aws:CalledViaFirst", ContextValue::String(principal_name.clone()));
        }
        if want("aws:CalledViaLast") {
            ctx.push_unchecked("aws:CalledViaLast", ContextValue::String(principal_name));
        }
    }
    if request.resource_kind == ResourceKind::KmsKey {
        if !identity.is_service() && want("kms:CallerAccount") {
            ctx.push_unchecked("kms:CallerAccount", ContextValue::String(identity.account.clone()));
        }
        if let Some(via) = &call.via_service {
            if want("kms:ViaService") {
                ctx.push_unchecked("kms:ViaService", ContextValue::String(via.clone()));
            }
        }
    }
    for (key, value) in request.extra_context {
        ctx.set(Cow::Owned(key.clone()), value.clone());
    }
    ctx
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::policy::document::PolicyDocument;
    use crate::policy::world_doc::load_world;
    use crate::world::{CallContext, Caller};

    #[test]
    fn fills_global_and_kms_keys_and_filters_what_no_policy_reads() {
        let world = load_world(
            r#"{"roles":[{"account":"111122223333","name":"App","path":"/svc/","tags":{"team":"blue"}}],
                "sessions":[{"role":"arn:aws:iam::111122223333:role/svc/App","sessionName":"s1","sessionTags":{"team":"red"}}]}"#,
        )
        .unwrap();
        let mut call =
            CallContext::new(Caller::from_arn("arn:aws:sts::111122223333:assumed-role/App/s1").unwrap(), "us-east-1")
                .via("secretsmanager");
        call.source_ip = Some("10.0.0.1".into());
        let extra = vec![("kms:EncryptionContext:k".to_string(), ContextValue::String("v".into()))];
        let request = AuthorizationRequest {
            call: &call,
            action: "kms:Decrypt",
            resource_arn: "arn:aws:kms:us-east-1:444455556666:key/k",
            resource_account: "444455556666",
            resource_kind: ResourceKind::KmsKey,
            resource_policy: None,
            resource_tags: &[("tier".to_string(), "gold".to_string())],
            grants: &[],
            grant_tokens: &[],
            extra_context: &extra,
            now: Timestamp::DEFAULT_START,
        };
        let principal = world.resolve_principal(&call.caller, request.now);
        let ctx = build_request_context(&world, &request, &principal);
        let text = |k: &str| ctx.get(k).and_then(|v| v.single_text()).map(|t| t.into_owned());
        assert_eq!(text("aws:PrincipalArn").as_deref(), Some("arn:aws:iam::111122223333:role/svc/App"));
        assert_eq!(text("aws:PrincipalTag/team").as_deref(), Some("red"));
        assert_eq!(text("aws:PrincipalType").as_deref(), Some("AssumedRole"));
        assert!(ctx.get("aws:username").is_none());
        assert_eq!(text("kms:ViaService").as_deref(), Some("secretsmanager.us-east-1.amazonaws.com"));
        assert_eq!(text("kms:CallerAccount").as_deref(), Some("111122223333"));
        assert_eq!(text("aws:ResourceTag/tier").as_deref(), Some("gold"));
        assert_eq!(text("aws:ResourceAccount").as_deref(), Some("444455556666"));
        assert_eq!(ctx.get("aws:SecureTransport"), Some(&ContextValue::Bool(true)));
        assert!(text("aws:userid").unwrap().ends_with(":s1"));

        let policy = PolicyDocument::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:RequestedRegion}"}}}]}"#,
        )
        .unwrap();
        let mut filter = KeyFilter::default();
        filter.add_policy(&policy);
        let small = build_filtered(&world, &request, &principal, Some(&filter));
        assert!(small.get("aws:PrincipalTag/team").is_some() && small.get("aws:RequestedRegion").is_some());
        assert!(small.get("aws:PrincipalArn").is_none());
        assert!(small.get("kms:EncryptionContext:k").is_some(), "service extras are always kept");
    }
}
