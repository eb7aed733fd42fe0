//! Fills the request context from the world and the call: the global
//! `aws:` keys AWS sets for every request, plus the `kms:` keys KMS sets,
//! then the service's own keys (`extra_context`), which win on conflict.

use super::context::{ContextValue, RequestContext};
use super::evaluate::{AuthorizationRequest, ResourceKind};
use super::iam::{IamWorld, ResolvedPrincipal};
use super::principal::PrincipalType;
use std::borrow::Cow;

/// Builds the request context for `request` made by `principal`.
pub fn build_request_context(world: &IamWorld, request: &AuthorizationRequest<'_>, principal: &ResolvedPrincipal<'_>) -> RequestContext {
    let call = request.call;
    let identity = &principal.identity;
    let mut ctx = RequestContext::with_capacity(20 + principal.tags.len() + request.resource_tags.len() + request.extra_context.len());
    if identity.is_service() {
        ctx.push_unchecked("aws:PrincipalServiceName", ContextValue::String(identity.arn.clone()));
        ctx.push_unchecked("aws:PrincipalIsAWSService", ContextValue::Bool(true));
    } else {
        ctx.push_unchecked("aws:PrincipalArn", ContextValue::String(identity.principal_arn.clone()));
        ctx.push_unchecked("aws:PrincipalAccount", ContextValue::String(identity.account.clone()));
        ctx.push_unchecked("aws:PrincipalIsAWSService", ContextValue::Bool(false));
        if let Some(org) = &world.organization {
            if let Some(path) = org.org_path(&identity.account) {
                ctx.push_unchecked("aws:PrincipalOrgID", ContextValue::String(org.id.clone()));
                ctx.push_unchecked("aws:PrincipalOrgPaths", ContextValue::StringList(vec![path]));
            }
        }
    }
    ctx.push_unchecked("aws:PrincipalType", ContextValue::String(identity.kind.context_value().to_string()));
    if identity.kind == PrincipalType::User {
        if let Some(name) = &identity.name {
            ctx.push_unchecked("aws:username", ContextValue::String(name.clone()));
        }
    }
    if let Some(user_id) = &principal.user_id {
        ctx.push_unchecked("aws:userid", ContextValue::String(user_id.clone()));
    }
    for (key, value) in &principal.tags {
        ctx.push_unchecked(format!("aws:PrincipalTag/{key}"), ContextValue::String((*value).to_string()));
    }
    if let Some(mfa) = call.mfa_present {
        ctx.push_unchecked("aws:MultiFactorAuthPresent", ContextValue::Bool(mfa));
    }
    if let Some(ip) = &call.source_ip {
        ctx.push_unchecked("aws:SourceIp", ContextValue::Ip(ip.clone()));
    }
    ctx.push_unchecked("aws:SecureTransport", ContextValue::Bool(call.secure_transport));
    ctx.push_unchecked("aws:CurrentTime", ContextValue::Date(request.now));
    ctx.push_unchecked("aws:EpochTime", ContextValue::Number(request.now.millis().div_euclid(1000) as f64));
    ctx.push_unchecked("aws:RequestedRegion", ContextValue::String(call.region.clone()));
    ctx.push_unchecked("aws:ResourceAccount", ContextValue::String(request.resource_account.to_string()));
    if let Some(org) = &world.organization {
        if let Some(path) = org.org_path(request.resource_account) {
            ctx.push_unchecked("aws:ResourceOrgID", ContextValue::String(org.id.clone()));
            ctx.push_unchecked("aws:ResourceOrgPaths", ContextValue::StringList(vec![path]));
        }
    }
    for (key, value) in request.resource_tags {
        ctx.push_unchecked(format!("aws:ResourceTag/{key}"), ContextValue::String(value.clone()));
    }
    ctx.push_unchecked("aws:ViaAWSService", ContextValue::Bool(call.via_service.is_some()));
    if let Some(via) = &call.via_service {
        // `secretsmanager.us-east-1.amazonaws.com` → the service principal `secretsmanager.amazonaws.com`.
        let service = via.split('.').next().unwrap_or(via);
        let principal_name = format!("{service}.amazonaws.com");
        ctx.push_unchecked("aws:CalledVia", ContextValue::StringList(vec![principal_name.clone()]));
        ctx.push_unchecked("aws:CalledViaFirst", ContextValue::String(principal_name.clone()));
        ctx.push_unchecked("aws:CalledViaLast", ContextValue::String(principal_name));
    }
    if request.resource_kind == ResourceKind::KmsKey {
        if !identity.is_service() {
            ctx.push_unchecked("kms:CallerAccount", ContextValue::String(identity.account.clone()));
        }
        if let Some(via) = &call.via_service {
            ctx.push_unchecked("kms:ViaService", ContextValue::String(via.clone()));
        }
    }
    for (key, value) in request.extra_context {
        ctx.set(Cow::Owned(key.clone()), value.clone());
    }
    ctx
}
