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
pub fn build_request_context(world: &IamWorld, request: &AuthorizationRequest<'_>, principal: &ResolvedPrincipal<'_>) -> RequestContext {
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
        if let Some(org) = world.organization.as_ref().filter(|_| want("aws:PrincipalOrgID") || want("aws:PrincipalOrgPaths")) {
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
    if let Some(org) = world.organization.as_ref().filter(|_| want("aws:ResourceOrgID") || want("aws:ResourceOrgPaths")) {
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
        if !identity.is_service() {
            if want("kms:CallerAccount") {
                ctx.push_unchecked("kms:CallerAccount", ContextValue::String(identity.account.clone()));
            }
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
