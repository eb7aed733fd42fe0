//! The request context: the global `aws:` keys AWS sets for every request,
//! plus the `kms:` keys KMS sets, then the service's own keys
//! (`extra_context`), which win on conflict.
//!
//! Evaluation reads it through [`LiveContext`], which computes a key only
//! when a condition or variable asks for it and copies nothing;
//! [`build_request_context`] materializes the same values as a
//! [`RequestContext`] (for tests, exports and display), so the two cannot disagree.

use super::compare;
use super::context::{
    ContextLookup, ContextValue, KnownKey, RequestContext, ValueRef, PRINCIPAL_TAG_PREFIX, RESOURCE_TAG_PREFIX,
};
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

/// The request context as evaluation reads it: each key computed on demand
/// from the call, the request, the resolved caller and the world.
#[derive(Clone, Copy)]
pub struct LiveContext<'r> {
    world: &'r IamWorld,
    request: &'r AuthorizationRequest<'r>,
    principal: &'r ResolvedPrincipal<'r>,
}

/// `secretsmanager.us-east-1.amazonaws.com` → the service principal `secretsmanager.amazonaws.com`.
fn via_service_principal(via: &str) -> String {
    let service = via.split('.').next().unwrap_or(via);
    format!("{service}.amazonaws.com")
}

impl<'r> LiveContext<'r> {
    /// The context of `request` made by `principal`.
    pub fn new(
        world: &'r IamWorld,
        request: &'r AuthorizationRequest<'r>,
        principal: &'r ResolvedPrincipal<'r>,
    ) -> LiveContext<'r> {
        LiveContext { world, request, principal }
    }

    /// The value AWS sets for a global or KMS key (`key` as written, for
    /// tag keys), before the service's own keys; `None` when AWS would not set it.
    pub fn computed(&self, known: KnownKey, key: &str) -> Option<ValueRef<'r>> {
        let identity = &self.principal.identity;
        let call = self.request.call;
        let service = identity.is_service();
        let org = self.world.organization.as_ref();
        let text = |s: &'r str| Some(ValueRef::Text(Cow::Borrowed(s)));
        match known {
            KnownKey::PrincipalServiceName if service => text(identity.arn),
            KnownKey::PrincipalIsAwsService => Some(ValueRef::Bool(service)),
            KnownKey::PrincipalArn if !service => Some(ValueRef::Text(identity.principal_arn.text())),
            KnownKey::PrincipalAccount if !service => text(identity.account),
            KnownKey::PrincipalOrgId if !service => {
                let org = org?;
                org.in_tree(identity.account).then(|| ValueRef::Text(Cow::Borrowed(&org.id)))
            }
            KnownKey::PrincipalOrgPaths if !service => {
                org?.org_path(identity.account).map(|p| ValueRef::List1(Cow::Owned(p)))
            }
            KnownKey::PrincipalType => text(identity.kind.context_value()),
            KnownKey::Username if identity.kind == PrincipalType::User => identity.name.and_then(text),
            KnownKey::Userid => self.principal.user_id_text().map(ValueRef::Text),
            KnownKey::PrincipalTag => self.principal.tag(key.get(PRINCIPAL_TAG_PREFIX.len()..)?).and_then(text),
            KnownKey::MultiFactorAuthPresent => call.mfa_present.map(ValueRef::Bool),
            KnownKey::SourceIp => call.source_ip.as_deref().map(ValueRef::Ip),
            KnownKey::SecureTransport => Some(ValueRef::Bool(call.secure_transport)),
            KnownKey::CurrentTime => Some(ValueRef::Date(self.request.now)),
            KnownKey::EpochTime => Some(ValueRef::Number(self.request.now.millis().div_euclid(1000) as f64)),
            KnownKey::RequestedRegion => text(&call.region),
            KnownKey::ResourceAccount => text(self.request.resource_account),
            KnownKey::ResourceOrgId => {
                let org = org?;
                org.in_tree(self.request.resource_account).then(|| ValueRef::Text(Cow::Borrowed(&org.id)))
            }
            KnownKey::ResourceOrgPaths => {
                org?.org_path(self.request.resource_account).map(|p| ValueRef::List1(Cow::Owned(p)))
            }
            KnownKey::ResourceTag => {
                let tag = key.get(RESOURCE_TAG_PREFIX.len()..)?;
                let found = self.request.resource_tags.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(tag));
                found.and_then(|(_, v)| text(v))
            }
            KnownKey::ViaAwsService => Some(ValueRef::Bool(call.via_service.is_some())),
            KnownKey::CalledVia => {
                call.via_service.as_deref().map(|v| ValueRef::List1(Cow::Owned(via_service_principal(v))))
            }
            KnownKey::CalledViaFirst | KnownKey::CalledViaLast => {
                call.via_service.as_deref().map(|v| ValueRef::Text(Cow::Owned(via_service_principal(v))))
            }
            KnownKey::KmsCallerAccount if self.is_kms() && !service => text(identity.account),
            KnownKey::KmsViaService if self.is_kms() => call.via_service.as_deref().and_then(text),
            _ => None,
        }
    }

    fn is_kms(&self) -> bool {
        self.request.resource_kind == ResourceKind::KmsKey
    }
}

impl ContextLookup for LiveContext<'_> {
    fn lookup(&self, key: &str, known: KnownKey) -> Option<ValueRef<'_>> {
        // The service's keys win; among them, the last one given.
        match self.request.extra_context.iter().rev().find(|(k, _)| compare::same_ignore_ascii_case(k, key)) {
            Some((_, value)) => Some(ValueRef::Stored(value)),
            None => self.computed(known, key),
        }
    }

    fn for_each_stored<'s>(&'s self, f: &mut dyn FnMut(&'s str, &'s ContextValue)) {
        // As `RequestContext::set` would store them: a key once, spelled as
        // first given, with its last value.
        let extras = self.request.extra_context;
        for (i, (key, _)) in extras.iter().enumerate() {
            let same = |other: &&(String, ContextValue)| other.0.eq_ignore_ascii_case(key);
            if extras.iter().take(i).any(|e| same(&e)) {
                continue;
            }
            if let Some((_, value)) = extras.iter().rev().find(same) {
                f(key, value);
            }
        }
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

/// Builds only the keys `filter` wants (plus every service-provided extra).
pub fn build_filtered(
    world: &IamWorld,
    request: &AuthorizationRequest<'_>,
    principal: &ResolvedPrincipal<'_>,
    filter: Option<&KeyFilter<'_>>,
) -> RequestContext {
    let want = |key: &str| filter.is_none_or(|f| f.wants(key));
    let want_prefix = |prefix: &str| filter.is_none_or(|f| f.wants_prefix(prefix));
    let live = LiveContext::new(world, request, principal);
    let mut ctx = RequestContext::with_capacity(KnownKey::NAMED.len() + request.extra_context.len());
    for (known, name) in KnownKey::NAMED {
        if want(name) {
            if let Some(value) = live.computed(known, name) {
                ctx.push_unchecked(name, value.to_value());
            }
        }
        if known == KnownKey::Userid && want_prefix(PRINCIPAL_TAG_PREFIX) {
            for (key, value) in principal.iter_tags() {
                ctx.push_unchecked(format!("aws:PrincipalTag/{key}"), ContextValue::String(value.to_string()));
            }
        }
        if known == KnownKey::ResourceOrgPaths && want_prefix(RESOURCE_TAG_PREFIX) {
            for (key, value) in request.resource_tags {
                ctx.push_unchecked(format!("aws:ResourceTag/{key}"), ContextValue::String(value.clone()));
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
    use crate::policy::context::ContextLookup;
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

    #[test]
    fn live_lookups_agree_with_the_built_context() {
        let world = load_world(
            r#"{"organization":{"managementAccount":"999999999999","ous":[{"id":"ou-a","name":"A","parent":"r-root"}],
                  "accounts":[{"id":"111122223333","parent":"ou-a"},{"id":"444455556666","parent":"r-root"}]},
                "users":[{"account":"111122223333","name":"alice","tags":{"team":"blue","Team2":"x"}}],
                "roles":[{"account":"111122223333","name":"App","path":"/svc/","tags":{"team":"blue","tier":"1"}}],
                "sessions":[{"role":"arn:aws:iam::111122223333:role/svc/App","sessionName":"s1","sessionTags":{"TEAM":"red"}}]}"#,
        )
        .unwrap();
        for caller in [
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:sts::111122223333:assumed-role/App/s1",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:user/nobody",
        ] {
            for kind in [ResourceKind::KmsKey, ResourceKind::Secret] {
                let mut call = CallContext::new(Caller::from_arn(caller).unwrap(), "eu-west-1").via("secretsmanager");
                call.source_ip = Some("10.0.0.1".into());
                call.mfa_present = Some(true);
                let extra = vec![
                    ("kms:EncryptionContext:k".to_string(), ContextValue::String("v".into())),
                    ("AWS:RequestedRegion".to_string(), ContextValue::String("overridden".into())),
                ];
                let tags = [("tier".to_string(), "gold".to_string())];
                let request = AuthorizationRequest {
                    call: &call,
                    action: "kms:Decrypt",
                    resource_arn: "arn:aws:kms:eu-west-1:444455556666:key/k",
                    resource_account: "444455556666",
                    resource_kind: kind,
                    resource_policy: None,
                    resource_tags: &tags,
                    grants: &[],
                    grant_tokens: &[],
                    extra_context: &extra,
                    now: Timestamp::DEFAULT_START,
                };
                let principal = world.principal(&call.caller, request.now);
                let built = build_request_context(&world, &request, &principal);
                let live = LiveContext::new(&world, &request, &principal);
                for (key, value) in built.entries() {
                    let upper = key.to_ascii_uppercase();
                    for spelling in [key, upper.as_str()] {
                        assert_eq!(
                            live.lookup_str(spelling).map(|v| v.to_value()).as_ref(),
                            Some(value),
                            "{caller} {key}"
                        );
                    }
                }
                for (_, name) in KnownKey::NAMED {
                    assert_eq!(built.get(name).is_some(), live.lookup_str(name).is_some(), "{caller} {name}");
                }
                for missing in ["aws:PrincipalTag/none", "aws:ResourceTag/none", "kms:EncryptionContext:none", "x:y"] {
                    assert!(live.lookup_str(missing).is_none() && built.get(missing).is_none(), "{missing}");
                }
                let resolved = world.resolve_principal(&call.caller, request.now);
                assert_eq!(resolved.tags, principal.iter_tags().collect::<Vec<_>>());
                assert_eq!(resolved.user_id.as_deref(), principal.user_id_text().as_deref());
            }
        }
    }
}
