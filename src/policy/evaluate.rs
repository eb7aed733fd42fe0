//! The decision flow, as the IAM User Guide ("Policy evaluation logic",
//! "Cross-account policy evaluation logic") and the KMS Developer Guide
//! ("Key policies", "Grants", "Allowing users in other accounts") describe it:
//!
//! 1. an explicit `Deny` in any applicable policy wins;
//! 2. SCPs of the caller's account must allow at every level of the org tree
//!    (not for the management account, not for service principals);
//! 3. RCPs of the resource's account likewise (only deny in practice);
//! 4. the resource-based policy (key policy), the identity policies, the
//!    permissions boundary and the session policies combine as documented,
//!    including how *what* the resource policy names (user, role, session,
//!    account) changes whether the identity side is needed;
//! 5. for KMS keys: no key policy, no access; identity policies count only if
//!    the key policy delegates to the account; cross-account only for the
//!    listed operations; grants can allow but never deny;
//! 6. otherwise: implicit deny.

use super::builder::LiveContext;
use super::compare;
use super::conditions::Condition;
use super::context::ContextValue;
use super::decision::{
    Decision, FailedCondition, FlowNode, FlowStep, MatchedStatement, Outcome, PolicyType, PolicyTypeResult, TypeOutcome,
};
use super::document::{Effect, PolicyDocument, Statement};
use super::iam::{IamWorld, NamedPolicy, ResolvedPrincipal};
use super::kms::{check_grant, is_cross_account_action, GrantCheck, GrantView, GranteeMatch};
use super::matching::{action_matches, ascii_lowercase_into, lowered_action_matches, ArnPattern};
use super::org::OrgPolicyKind;
use super::principal::{not_principal_excludes, principal_match, CallerIdentity, PrincipalMatch, PrincipalType};
use crate::clock::Timestamp;
use crate::world::CallContext;
use serde::{Deserialize, Serialize};

/// What kind of resource is being accessed (decides KMS rules and RCP applicability).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResourceKind {
    /// A KMS key: the key policy is mandatory.
    KmsKey,
    /// A Secrets Manager secret.
    Secret,
    /// An SSM parameter (RCPs do not apply: SSM does not support them).
    Parameter,
    /// An IAM role as the target of `sts:AssumeRole` (its trust policy is the resource policy).
    Role,
    /// Anything else.
    Other,
}

impl ResourceKind {
    fn supports_rcps(self) -> bool {
        !matches!(self, ResourceKind::Parameter)
    }
}

/// One request to authorize.
#[derive(Clone, Copy, Debug)]
pub struct AuthorizationRequest<'a> {
    /// Caller, region, source IP, TLS, MFA, via-service.
    pub call: &'a CallContext,
    /// `kms:Decrypt`.
    pub action: &'a str,
    /// The resource ARN.
    pub resource_arn: &'a str,
    /// The resource's account.
    pub resource_account: &'a str,
    /// Resource kind.
    pub resource_kind: ResourceKind,
    /// Resource-based policy (key policy, secret policy, trust policy).
    pub resource_policy: Option<&'a PolicyDocument>,
    /// Resource tags (`aws:ResourceTag/…`).
    pub resource_tags: &'a [(String, String)],
    /// KMS grants on the key.
    pub grants: &'a [GrantView],
    /// Grant tokens presented with the request.
    pub grant_tokens: &'a [String],
    /// Service-specific context keys (`kms:EncryptionContext:…`, `aws:RequestTag/…`).
    pub extra_context: &'a [(String, ContextValue)],
    /// Request time.
    pub now: Timestamp,
}

/// What the engine needs about the request while walking statements.
struct Subject<'a> {
    action: &'a str,
    /// `action` ASCII-lowercased, when it is ASCII (it always is in practice).
    action_lowered: Option<&'a [u8]>,
    resource: &'a str,
    ctx: &'a LiveContext<'a>,
    caller: &'a CallerIdentity<'a>,
    has_boundary: bool,
    /// Whether the caller is a service-linked role (read only when there is an organization).
    service_linked: bool,
}

/// The verdict of one set of policies of one type.
#[derive(Clone, Copy, Debug, Default)]
struct SetVerdict {
    deny: bool,
    allow: bool,
    /// For resource policies: the strongest way an allowing statement named the caller.
    level: Option<PrincipalMatch>,
}

fn resource_matches(statement: &Statement, s: &Subject<'_>) -> bool {
    let Some(element) = &statement.resource else {
        return true;
    };
    let any = element.patterns.iter().any(|p| match &p.template {
        None => p.compiled.matches(s.resource),
        Some(template) => match template.render_tokens(s.ctx, true) {
            Some(tokens) => ArnPattern::from_tokens(tokens).matches(s.resource),
            // An unresolvable variable makes this entry not match.
            None => false,
        },
    });
    any != element.negated
}

/// Whether a statement applies; returns the principal level for resource
/// policies (`Some(Direct)` when principals are not checked).
/// Explaining (`ON`), every failed condition is listed in `failed`;
/// otherwise the first one ends the statement.
fn statement_applies<'p, const ON: bool>(
    statement: &'p Statement,
    s: &Subject<'_>,
    check_principal: bool,
    failed: &mut Vec<(&'p Statement, &'p Condition, bool)>,
) -> Option<PrincipalMatch> {
    let action = &statement.action;
    let action_hit = match (s.action_lowered, action.ascii) {
        (Some(lowered), true) => action.patterns.iter().any(|p| lowered_action_matches(p, lowered, s.action)),
        _ => action.patterns.iter().any(|p| action_matches(p, s.action)),
    };
    if action_hit == statement.action.negated {
        return None;
    }
    if !resource_matches(statement, s) {
        return None;
    }
    let level = if check_principal {
        match &statement.principal {
            // A resource-policy statement without a principal names nobody.
            None => return None,
            Some(p) if p.negated => {
                // NotPrincipal + Deny always applies to principals with a boundary
                // (IAM User Guide, "Permissions boundaries").
                let forced = statement.effect == Effect::Deny && s.has_boundary;
                if !forced && not_principal_excludes(p, s.caller) {
                    return None;
                }
                PrincipalMatch::Direct
            }
            Some(p) => match principal_match(p, s.caller) {
                PrincipalMatch::None => return None,
                level => level,
            },
        }
    } else {
        PrincipalMatch::Direct
    };
    let mut all_pass = true;
    for condition in &statement.conditions {
        let outcome = condition.evaluate_in(s.ctx);
        if !outcome.passed {
            if !ON {
                return None;
            }
            all_pass = false;
            failed.push((statement, condition, outcome.key_missing));
        }
    }
    all_pass.then_some(level)
}

/// Walks one policy's statements, adding what they say to `verdict`.
fn evaluate_policy<const ON: bool>(
    policy: NamedPolicy<'_>,
    s: &Subject<'_>,
    check_principal: bool,
    mut explain: Option<&mut PolicyTypeResult>,
    verdict: &mut SetVerdict,
) {
    for statement in policy.document.statements() {
        let mut failed = Vec::new();
        let applies = statement_applies::<ON>(statement, s, check_principal, &mut failed);
        if let (true, Some(result)) = (ON, explain.as_deref_mut()) {
            for (st, condition, key_missing) in failed {
                result.failed_conditions.push(FailedCondition {
                    policy: policy.name.to_string(),
                    statement: st.label(),
                    operator: condition.operator_name.clone(),
                    key: condition.key.clone(),
                    key_missing,
                });
            }
        }
        let Some(level) = applies else { continue };
        if let (true, Some(result)) = (ON, explain.as_deref_mut()) {
            result.matched.push(MatchedStatement {
                policy: policy.name.to_string(),
                statement: statement.label(),
                effect: format!("{:?}", statement.effect),
                principal_match: check_principal.then_some(level),
            });
        }
        match statement.effect {
            Effect::Deny => verdict.deny = true,
            Effect::Allow => {
                verdict.allow = true;
                verdict.level = Some(verdict.level.map_or(level, |l| l.max(level)));
            }
        }
    }
}

/// Evaluates a set of policies of one type.
fn evaluate_set<'p, const ON: bool>(
    policies: impl IntoIterator<Item = NamedPolicy<'p>>,
    s: &Subject<'_>,
    check_principal: bool,
    mut explain: Option<&mut PolicyTypeResult>,
) -> SetVerdict {
    let mut verdict = SetVerdict::default();
    for policy in policies {
        evaluate_policy::<ON>(policy, s, check_principal, explain.as_deref_mut(), &mut verdict);
    }
    verdict
}

/// Records per-type results and the flow path only when `ON` (explaining):
/// the outcome-only flow is compiled without any of it.
struct Explainer<const ON: bool> {
    policies: Vec<PolicyTypeResult>,
    path: Vec<FlowStep>,
}

impl<const ON: bool> Explainer<ON> {
    fn new() -> Self {
        Explainer { policies: Vec::new(), path: Vec::new() }
    }

    fn slot(&mut self, policy_type: PolicyType) -> Option<&mut PolicyTypeResult> {
        if !ON {
            return None;
        }
        self.policies.push(PolicyTypeResult {
            policy_type,
            outcome: TypeOutcome::NotApplicable,
            matched: Vec::new(),
            failed_conditions: Vec::new(),
            note: None,
        });
        self.policies.last_mut()
    }

    fn set_outcome(&mut self, policy_type: PolicyType, outcome: TypeOutcome, note: Option<String>) {
        if !ON {
            return;
        }
        if let Some(result) = self.policies.iter_mut().rev().find(|p| p.policy_type == policy_type) {
            result.outcome = outcome;
            if note.is_some() {
                result.note = note;
            }
        }
    }

    fn step(&mut self, node: FlowNode, answer: &str, note: impl FnOnce() -> String) {
        if ON {
            self.path.push(FlowStep { node, answer: answer.to_string(), note: note() });
        }
    }
}

fn type_outcome(v: &SetVerdict) -> TypeOutcome {
    if v.deny {
        TypeOutcome::ExplicitDeny
    } else if v.allow {
        TypeOutcome::Allow
    } else {
        TypeOutcome::ImplicitDeny
    }
}

/// Evaluates the org policies of `kind` for `account`: deny anywhere, and
/// whether every level allows. `None` when they do not apply.
fn evaluate_org<const ON: bool>(
    world: &IamWorld,
    account: &str,
    kind: OrgPolicyKind,
    s: &Subject<'_>,
    ex: &mut Explainer<ON>,
    policy_type: PolicyType,
) -> Option<(bool, bool)> {
    let org = world.organization.as_ref()?;
    // Neither applies to the management account or to service-linked roles
    // (IAM User Guide, "Policy evaluation logic"). SCPs bind only principals
    // of member accounts, so never service principals; RCPs bind any caller
    // but exempt kms:RetireGrant (Organizations User Guide, RCPs).
    let exempt = match kind {
        OrgPolicyKind::ServiceControl => s.caller.is_service(),
        OrgPolicyKind::ResourceControl => s.action.eq_ignore_ascii_case("kms:RetireGrant"),
    };
    if compare::same(account, &org.management_account) || exempt || s.service_linked {
        return None;
    }
    // Root first. Trees up to INLINE_LEVELS deep need no allocation.
    const INLINE_LEVELS: usize = 8;
    let mut inline = [""; INLINE_LEVELS];
    let mut depth = 0usize;
    let reached_root = org.walk_up(account, |level| {
        if let Some(slot) = inline.get_mut(depth) {
            *slot = level;
        }
        depth += 1;
    });
    if !reached_root {
        return None;
    }
    let deep;
    let levels: &[&str] = match inline.get_mut(..depth) {
        Some(chain) => {
            chain.reverse();
            chain
        }
        None => {
            deep = org.levels(account)?;
            &deep
        }
    };
    let check_principal = kind == OrgPolicyKind::ResourceControl;
    let mut deny = false;
    let mut every_level_allows = true;
    let mut blocked_at: Option<&str> = None;
    let mut slot = ex.slot(policy_type);
    for level in levels {
        let attached = org.attached(level, kind).map(|p| NamedPolicy { name: &p.name, document: &p.document });
        let verdict = evaluate_set::<ON>(attached, s, check_principal, slot.as_deref_mut());
        deny |= verdict.deny;
        if !verdict.allow && every_level_allows {
            every_level_allows = false;
            blocked_at = Some(level);
        }
    }
    let outcome = if deny {
        TypeOutcome::ExplicitDeny
    } else if every_level_allows {
        TypeOutcome::Allow
    } else {
        TypeOutcome::ImplicitDeny
    };
    if ON {
        ex.set_outcome(policy_type, outcome, blocked_at.map(|l| format!("no attached policy allows at {l}")));
    }
    Some((deny, every_level_allows))
}

/// Authorizes a request with a full explanation.
pub fn authorize(world: &IamWorld, request: &AuthorizationRequest<'_>) -> Decision {
    run::<true>(world, request)
}

/// Authorizes a request without building the explanation (no per-type
/// results, no path): the hot path for callers that only need `is_allowed`.
pub fn authorize_fast(world: &IamWorld, request: &AuthorizationRequest<'_>) -> Outcome {
    run::<false>(world, request).outcome
}

fn run<const ON: bool>(world: &IamWorld, request: &AuthorizationRequest<'_>) -> Decision {
    let principal = world.principal(&request.call.caller, request.now);
    // Keys are computed when a condition or variable reads them: nothing is built up front.
    let ctx = LiveContext::new(world, request, &principal);
    decide::<ON>(world, request, &principal, &ctx)
}

/// Ends the flow. The reason is worded only when explaining.
fn finish<const ON: bool>(
    ex: Explainer<ON>,
    outcome: Outcome,
    decided_by: Option<PolicyType>,
    reason: impl FnOnce() -> String,
    cross_account: bool,
) -> Decision {
    let mut ex = ex;
    let reason = if ON { reason() } else { String::new() };
    if ON {
        let answer = match outcome {
            Outcome::Allow => "Allow",
            Outcome::ExplicitDeny => "ExplicitDeny",
            Outcome::ImplicitDeny => "ImplicitDeny",
        };
        ex.path.push(FlowStep { node: FlowNode::Decision, answer: answer.to_string(), note: reason.clone() });
    }
    Decision { outcome, decided_by, reason, cross_account, policies: ex.policies, path: ex.path }
}

fn decide<const ON: bool>(
    world: &IamWorld,
    request: &AuthorizationRequest<'_>,
    principal: &ResolvedPrincipal<'_>,
    ctx: &LiveContext<'_>,
) -> Decision {
    let caller = &principal.identity;
    // Actions are compared case-insensitively with every pattern: lowercase once.
    let mut action_buffer = [0u8; 64];
    let s = Subject {
        action: request.action,
        action_lowered: ascii_lowercase_into(request.action, &mut action_buffer),
        resource: request.resource_arn,
        ctx,
        caller,
        has_boundary: principal.boundary.is_some(),
        service_linked: world.organization.is_some() && caller.is_service_linked_role(),
    };
    let mut ex = Explainer::<ON>::new();
    let is_kms = request.resource_kind == ResourceKind::KmsKey;
    let cross_account = !caller.is_service() && caller.account != request.resource_account;

    // Evaluate every applicable policy once; denies anywhere win.
    let scp =
        evaluate_org(world, caller.account, OrgPolicyKind::ServiceControl, &s, &mut ex, PolicyType::ServiceControl);
    let rcp = if request.resource_kind.supports_rcps() {
        evaluate_org(
            world,
            request.resource_account,
            OrgPolicyKind::ResourceControl,
            &s,
            &mut ex,
            PolicyType::ResourceControl,
        )
    } else {
        None
    };
    let resource = request.resource_policy.map(|doc| {
        let name = if is_kms { "key policy" } else { "resource policy" };
        let v = evaluate_set::<ON>([NamedPolicy { name, document: doc }], &s, true, ex.slot(PolicyType::ResourceBased));
        ex.set_outcome(PolicyType::ResourceBased, type_outcome(&v), None);
        v
    });
    let identity = {
        let mut v = SetVerdict::default();
        let mut slot = ex.slot(PolicyType::IdentityBased);
        principal.for_each_identity_policy(|p| evaluate_policy::<ON>(p, &s, false, slot.as_deref_mut(), &mut v));
        ex.set_outcome(PolicyType::IdentityBased, type_outcome(&v), None);
        v
    };
    let boundary = principal.boundary.map(|b| {
        let v = evaluate_set::<ON>([b], &s, false, ex.slot(PolicyType::PermissionsBoundary));
        ex.set_outcome(PolicyType::PermissionsBoundary, type_outcome(&v), None);
        v
    });
    let session = principal.has_session_policies().then(|| {
        let v = evaluate_set::<ON>(principal.iter_session_policies(), &s, false, ex.slot(PolicyType::Session));
        ex.set_outcome(PolicyType::Session, type_outcome(&v), None);
        v
    });

    // 1. Explicit deny anywhere.
    let deny_source = [
        (scp.is_some_and(|(d, _)| d), PolicyType::ServiceControl),
        (rcp.is_some_and(|(d, _)| d), PolicyType::ResourceControl),
        (resource.is_some_and(|v| v.deny), PolicyType::ResourceBased),
        (identity.deny, PolicyType::IdentityBased),
        (boundary.is_some_and(|v| v.deny), PolicyType::PermissionsBoundary),
        (session.is_some_and(|v| v.deny), PolicyType::Session),
    ]
    .into_iter()
    .find(|(denied, _)| *denied)
    .map(|(_, t)| t);
    if let Some(source) = deny_source {
        ex.step(FlowNode::ExplicitDenyCheck, "yes", || format!("a Deny statement in the {} matched", source.phrase()));
        return finish(
            ex,
            Outcome::ExplicitDeny,
            Some(source),
            || format!("explicit deny in a {}", source.phrase()),
            cross_account,
        );
    }
    ex.step(FlowNode::ExplicitDenyCheck, "no", || "no Deny statement matched".to_string());

    // 2. SCPs.
    match scp {
        None => ex.step(FlowNode::ServiceControlPolicies, "skipped", || "no SCPs apply to this caller".to_string()),
        Some((_, true)) => {
            ex.step(FlowNode::ServiceControlPolicies, "yes", || "every level of the organization allows".to_string())
        }
        Some((_, false)) => {
            ex.step(FlowNode::ServiceControlPolicies, "no", || {
                "some level of the organization has no allowing SCP".to_string()
            });
            return finish(
                ex,
                Outcome::ImplicitDeny,
                Some(PolicyType::ServiceControl),
                || "no service control policy allows".into(),
                cross_account,
            );
        }
    }
    // 3. RCPs.
    match rcp {
        None => ex.step(FlowNode::ResourceControlPolicies, "skipped", || "no RCPs apply to this resource".to_string()),
        Some((_, true)) => {
            ex.step(FlowNode::ResourceControlPolicies, "yes", || "every level of the organization allows".to_string())
        }
        Some((_, false)) => {
            ex.step(FlowNode::ResourceControlPolicies, "no", || {
                "some level of the organization has no allowing RCP".to_string()
            });
            return finish(
                ex,
                Outcome::ImplicitDeny,
                Some(PolicyType::ResourceControl),
                || "no resource control policy allows".into(),
                cross_account,
            );
        }
    }

    // The caller's own side: identity policies capped by boundary and session policies.
    let boundary_ok = boundary.is_none_or(|v| v.allow);
    let session_ok = session.is_none_or(|v| v.allow);
    let is_root = caller.kind == PrincipalType::Account;
    // The root user has every permission in its own account that no policy denies.
    let identity_allows = identity.allow || is_root;
    let identity_side = identity_allows && boundary_ok && session_ok;
    let identity_gap = if !identity_allows {
        PolicyType::IdentityBased
    } else if !boundary_ok {
        PolicyType::PermissionsBoundary
    } else {
        PolicyType::Session
    };
    let level = resource.and_then(|v| v.level);

    if is_kms {
        let sides = CallerSide { identity_side, identity_gap, boundary_ok, session_ok };
        return decide_kms(request, principal, ctx, ex, level, sides, cross_account);
    }

    if caller.is_service() {
        // Service principals act only through resource policies that name them.
        let ok = level == Some(PrincipalMatch::Direct);
        ex.step(FlowNode::ResourcePolicy, if ok { "yes" } else { "no" }, || {
            "service principals need a resource policy naming them".into()
        });
        return if ok {
            finish(
                ex,
                Outcome::Allow,
                Some(PolicyType::ResourceBased),
                || "the resource-based policy allows the service".into(),
                false,
            )
        } else {
            finish(
                ex,
                Outcome::ImplicitDeny,
                Some(PolicyType::ResourceBased),
                || "no resource-based policy allows the service".into(),
                false,
            )
        };
    }

    if cross_account {
        // Both accounts must allow: the resource policy (any naming level) and the caller's side.
        let resource_ok = level.is_some_and(|l| l >= PrincipalMatch::Account);
        ex.step(FlowNode::ResourcePolicy, if resource_ok { "yes" } else { "no" }, || {
            "cross-account: the resource policy must allow the caller".into()
        });
        if !resource_ok {
            return finish(
                ex,
                Outcome::ImplicitDeny,
                Some(PolicyType::ResourceBased),
                || "no resource-based policy allows cross-account access".into(),
                true,
            );
        }
        return identity_step(ex, identity_side, identity_gap, true, is_root);
    }

    if is_root {
        ex.step(FlowNode::RootUser, "yes", || {
            "the account root user is allowed in its own account unless denied".into()
        });
        return finish(ex, Outcome::Allow, Some(PolicyType::IdentityBased), || "account root user".into(), false);
    }
    match level {
        Some(PrincipalMatch::Direct) => {
            // User or session ARN (or `*`): granted directly, not capped by boundary or session policies.
            ex.step(FlowNode::ResourcePolicy, "yes", || "the resource policy names the caller directly".into());
            finish(
                ex,
                Outcome::Allow,
                Some(PolicyType::ResourceBased),
                || "the resource-based policy allows the caller".into(),
                false,
            )
        }
        Some(PrincipalMatch::Role) => {
            // Role ARN: no identity policy needed, but boundary and session policies cap it.
            ex.step(FlowNode::ResourcePolicy, "yes", || "the resource policy names the caller's role".into());
            role_capped(ex, boundary_ok, session_ok)
        }
        _ => {
            ex.step(FlowNode::ResourcePolicy, if level.is_some() { "delegates" } else { "no" }, || {
                if level.is_some() {
                    "the resource policy names the account: identity policies decide".into()
                } else {
                    "no resource policy allows".into()
                }
            });
            identity_step(ex, identity_side, identity_gap, false, false)
        }
    }
}

fn role_capped<const ON: bool>(mut ex: Explainer<ON>, boundary_ok: bool, session_ok: bool) -> Decision {
    ex.step(FlowNode::PermissionsBoundary, if boundary_ok { "yes" } else { "no" }, || {
        "caps grants to the role ARN".into()
    });
    if !boundary_ok {
        return finish(
            ex,
            Outcome::ImplicitDeny,
            Some(PolicyType::PermissionsBoundary),
            || "no permissions boundary allows".into(),
            false,
        );
    }
    ex.step(FlowNode::SessionPolicies, if session_ok { "yes" } else { "no" }, || "caps grants to the role ARN".into());
    if !session_ok {
        return finish(
            ex,
            Outcome::ImplicitDeny,
            Some(PolicyType::Session),
            || "no session policy allows".into(),
            false,
        );
    }
    finish(
        ex,
        Outcome::Allow,
        Some(PolicyType::ResourceBased),
        || "the resource-based policy allows the caller's role".into(),
        false,
    )
}

fn identity_step<const ON: bool>(
    mut ex: Explainer<ON>,
    identity_side: bool,
    gap: PolicyType,
    cross_account: bool,
    is_root: bool,
) -> Decision {
    if identity_side {
        ex.step(FlowNode::IdentityPolicies, "yes", || {
            if is_root {
                "account root user".into()
            } else {
                "an identity-based policy allows".into()
            }
        });
        ex.step(FlowNode::PermissionsBoundary, "yes", || "absent or allows".into());
        ex.step(FlowNode::SessionPolicies, "yes", || "absent or allow".into());
        return finish(
            ex,
            Outcome::Allow,
            Some(PolicyType::IdentityBased),
            || "identity-based policies allow".into(),
            cross_account,
        );
    }
    let node = match gap {
        PolicyType::PermissionsBoundary => FlowNode::PermissionsBoundary,
        PolicyType::Session => FlowNode::SessionPolicies,
        _ => FlowNode::IdentityPolicies,
    };
    ex.step(node, "no", || format!("no {} allows", gap.phrase()));
    finish(ex, Outcome::ImplicitDeny, Some(gap), || format!("no {} allows", gap.phrase()), cross_account)
}

/// What the caller's own account says: identity policies capped by the
/// boundary and session policies, and which of them fell short.
#[derive(Clone, Copy, Debug)]
struct CallerSide {
    identity_side: bool,
    identity_gap: PolicyType,
    boundary_ok: bool,
    session_ok: bool,
}

fn decide_kms<const ON: bool>(
    request: &AuthorizationRequest<'_>,
    principal: &ResolvedPrincipal<'_>,
    ctx: &LiveContext<'_>,
    mut ex: Explainer<ON>,
    level: Option<PrincipalMatch>,
    sides: CallerSide,
    cross_account: bool,
) -> Decision {
    let CallerSide { identity_side, identity_gap, boundary_ok, session_ok } = sides;
    let caller = &principal.identity;
    if request.resource_policy.is_none() {
        ex.step(FlowNode::KeyPolicyPresent, "no", || "a KMS key without a key policy cannot be used".into());
        return finish(
            ex,
            Outcome::ImplicitDeny,
            Some(PolicyType::ResourceBased),
            || "the KMS key has no key policy".into(),
            cross_account,
        );
    }
    ex.step(FlowNode::KeyPolicyPresent, "yes", || "the key has a key policy".into());
    if cross_account {
        let ok = is_cross_account_action(request.action);
        ex.step(FlowNode::CrossAccountOperation, if ok { "yes" } else { "no" }, || {
            format!("{} cross-account", request.action)
        });
        if !ok {
            return finish(
                ex,
                Outcome::ImplicitDeny,
                Some(PolicyType::ResourceBased),
                || format!("{} cannot be used on a key in another account", request.action),
                true,
            );
        }
    }
    // The allow the key policy (plus IAM) gives, before grants.
    let (policy_allows, gap) = if caller.is_service() {
        (level == Some(PrincipalMatch::Direct), PolicyType::ResourceBased)
    } else if cross_account {
        match level {
            Some(l) if l >= PrincipalMatch::Account => (identity_side, identity_gap),
            _ => (false, PolicyType::ResourceBased),
        }
    } else {
        match level {
            Some(PrincipalMatch::Direct) => (true, PolicyType::ResourceBased),
            Some(PrincipalMatch::Role) => (
                boundary_ok && session_ok,
                if boundary_ok { PolicyType::Session } else { PolicyType::PermissionsBoundary },
            ),
            Some(PrincipalMatch::Account) => (identity_side, identity_gap),
            _ => (false, PolicyType::ResourceBased),
        }
    };
    ex.step(FlowNode::ResourcePolicy, if level.is_some() { "yes" } else { "no" }, || match level {
        Some(PrincipalMatch::Account) => "the key policy delegates to the account: IAM policies decide".into(),
        Some(_) => "the key policy names the caller".into(),
        None => "the key policy does not allow the caller".into(),
    });
    if level == Some(PrincipalMatch::Account) || cross_account {
        ex.step(FlowNode::IdentityPolicies, if identity_side { "yes" } else { "no" }, || {
            "IAM policies (capped by boundary and session policies)".into()
        });
    }
    if policy_allows {
        return finish(
            ex,
            Outcome::Allow,
            Some(if level == Some(PrincipalMatch::Account) {
                PolicyType::IdentityBased
            } else {
                PolicyType::ResourceBased
            }),
            || "the key policy allows".into(),
            cross_account,
        );
    }
    // Grants: allow only, never deny.
    let explaining = ON;
    let mut grant_slot = ex.slot(PolicyType::Grant);
    let mut granted = false;
    for grant in request.grants {
        let check = check_grant(grant, request.action, caller, ctx, request.grant_tokens);
        let allows = match check {
            GrantCheck::Allows(GranteeMatch::Direct) => true,
            // A grant to an account root works like a key policy delegation.
            GrantCheck::Allows(GranteeMatch::Account) => identity_side,
            _ => false,
        };
        if let Some(slot) = grant_slot.as_deref_mut() {
            if allows {
                slot.matched.push(MatchedStatement {
                    policy: "grant".into(),
                    statement: grant.grant_id.clone(),
                    effect: "Allow".into(),
                    principal_match: None,
                });
            } else if check != GrantCheck::OtherGrantee {
                slot.note = Some(format!("grant {}: {check:?}", grant.grant_id));
            }
        }
        if allows {
            granted = true;
            if !explaining {
                break;
            }
        }
    }
    let grant_outcome = if request.grants.is_empty() {
        TypeOutcome::NotApplicable
    } else if granted {
        TypeOutcome::Allow
    } else {
        TypeOutcome::ImplicitDeny
    };
    ex.set_outcome(PolicyType::Grant, grant_outcome, None);
    ex.step(FlowNode::Grants, if granted { "yes" } else { "no" }, || {
        format!("{} grant(s) on the key", request.grants.len())
    });
    if granted {
        return finish(ex, Outcome::Allow, Some(PolicyType::Grant), || "a grant allows".into(), cross_account);
    }
    finish(ex, Outcome::ImplicitDeny, Some(gap), || format!("no {} allows", gap.phrase()), cross_account)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::policy::managed::default_key_policy;
    use crate::policy::world_doc::load_world;
    use crate::world::Caller;

    fn request<'a>(call: &'a CallContext, policy: Option<&'a PolicyDocument>) -> AuthorizationRequest<'a> {
        AuthorizationRequest {
            call,
            action: "kms:Decrypt",
            resource_arn: "arn:aws:kms:us-east-1:111122223333:key/k",
            resource_account: "111122223333",
            resource_kind: ResourceKind::KmsKey,
            resource_policy: policy,
            resource_tags: &[],
            grants: &[],
            grant_tokens: &[],
            extra_context: &[],
            now: Timestamp::DEFAULT_START,
        }
    }

    #[test]
    fn explains_the_path_and_each_policy_type() {
        let world = load_world(
            r#"{"users":[{"account":"111122223333","name":"alice","inlinePolicies":{"use":{"Version":"2012-10-17","Statement":[{"Sid":"Use","Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}}}]}"#,
        )
        .unwrap();
        let call = CallContext::new(Caller::from_arn("arn:aws:iam::111122223333:user/alice").unwrap(), "us-east-1");
        let key_policy = default_key_policy("111122223333");
        let req = request(&call, Some(&key_policy));
        let decision = authorize(&world, &req);
        assert_eq!(decision.outcome, Outcome::ImplicitDeny);
        assert_eq!(decision.decided_by, Some(PolicyType::IdentityBased));
        assert_eq!(decision.type_outcome(PolicyType::ResourceBased), TypeOutcome::Allow);
        let identity = decision.policies.iter().find(|p| p.policy_type == PolicyType::IdentityBased).unwrap();
        assert_eq!(identity.failed_conditions.len(), 1);
        assert!(identity.failed_conditions[0].key_missing);
        assert_eq!(identity.failed_conditions[0].statement, "Use");
        let nodes: Vec<FlowNode> = decision.path.iter().map(|s| s.node).collect();
        assert_eq!(nodes.first(), Some(&FlowNode::ExplicitDenyCheck));
        assert_eq!(nodes.last(), Some(&FlowNode::Decision));
        assert!(nodes.contains(&FlowNode::KeyPolicyPresent));
        let message = decision.access_denied_error(&req).message;
        assert!(message.ends_with("because no identity-based policy allows the kms:Decrypt action"), "{message}");
        assert_eq!(authorize_fast(&world, &req), Outcome::ImplicitDeny);
        let json = serde_json::to_value(&decision).unwrap();
        assert_eq!(json["policies"][0]["policyType"], "resourceBased");
        assert_eq!(json["path"][0]["node"], "explicitDenyCheck");
    }

    #[test]
    fn kms_key_without_policy_and_unknown_principals() {
        let world = IamWorld::default();
        let root = CallContext::new(Caller::account_root("111122223333"), "us-east-1");
        assert_eq!(authorize_fast(&world, &request(&root, None)), Outcome::ImplicitDeny);
        let key_policy = default_key_policy("111122223333");
        assert_eq!(authorize_fast(&world, &request(&root, Some(&key_policy))), Outcome::Allow);
        let ghost = CallContext::new(Caller::from_arn("arn:aws:iam::111122223333:user/ghost").unwrap(), "us-east-1");
        assert_eq!(authorize_fast(&world, &request(&ghost, Some(&key_policy))), Outcome::ImplicitDeny);
    }
}
