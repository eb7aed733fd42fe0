//! Batch simulation, like IAM's `SimulatePrincipalPolicy` and
//! `SimulateCustomPolicy`: every action × every resource, each with its
//! explained [`Decision`]. Works for KMS keys too (key policy, grants).

use super::context::ContextValue;
use super::decision::Decision;
use super::document::PolicyDocument;
use super::evaluate::{authorize, AuthorizationRequest, ResourceKind};
use super::iam::{IamWorld, InlinePolicy, ManagedPolicy, User};
use super::kms::GrantView;
use crate::clock::Timestamp;
use crate::world::{CallContext, Caller};
use serde::{Deserialize, Serialize};

/// A resource to simulate against.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SimulationResource {
    /// ARN (`*` for "any resource").
    pub arn: String,
    /// Owning account (default: the ARN's, else the caller's).
    pub account: Option<String>,
    /// Kind (default: from the ARN's service).
    pub kind: Option<ResourceKind>,
    /// Resource-based policy / key policy.
    pub policy: Option<PolicyDocument>,
    /// Tags.
    pub tags: Vec<(String, String)>,
    /// KMS grants.
    pub grants: Vec<GrantView>,
}

/// A batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulationRequest {
    /// Who, from where.
    pub call: CallContext,
    /// Actions.
    pub actions: Vec<String>,
    /// Resources (empty = `*`).
    #[serde(default)]
    pub resources: Vec<SimulationResource>,
    /// Context entries added to every evaluation.
    #[serde(default)]
    pub context: Vec<(String, ContextValue)>,
    /// Grant tokens.
    #[serde(default)]
    pub grant_tokens: Vec<String>,
    /// Request time.
    #[serde(default)]
    pub now: Timestamp,
}

/// One evaluated pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulationResult {
    /// Action.
    pub action: String,
    /// Resource ARN.
    pub resource: String,
    /// `allowed`, `explicitDeny` or `implicitDeny`, as IAM's EvalDecision.
    pub eval_decision: &'static str,
    /// The explained decision.
    pub decision: Decision,
}

/// The kind a resource ARN suggests.
pub fn kind_from_arn(arn: &str) -> ResourceKind {
    match arn.split(':').nth(2) {
        Some("kms") => ResourceKind::KmsKey,
        Some("secretsmanager") => ResourceKind::Secret,
        Some("ssm") => ResourceKind::Parameter,
        Some("iam") if arn.contains(":role/") => ResourceKind::Role,
        _ => ResourceKind::Other,
    }
}

/// Simulates the caller's own policies (as stored in `world`).
pub fn simulate_principal_policy(world: &IamWorld, request: &SimulationRequest) -> Vec<SimulationResult> {
    let any = [SimulationResource { arn: "*".into(), ..SimulationResource::default() }];
    let resources: &[SimulationResource] = if request.resources.is_empty() { &any } else { &request.resources };
    let mut out = Vec::with_capacity(request.actions.len() * resources.len());
    for action in &request.actions {
        for resource in resources {
            let account = resource
                .account
                .clone()
                .or_else(|| resource.arn.split(':').nth(4).filter(|a| !a.is_empty()).map(str::to_string))
                .unwrap_or_else(|| request.call.caller.account.clone());
            let auth = AuthorizationRequest {
                call: &request.call,
                action,
                resource_arn: &resource.arn,
                resource_account: &account,
                resource_kind: resource.kind.unwrap_or_else(|| kind_from_arn(&resource.arn)),
                resource_policy: resource.policy.as_ref(),
                resource_tags: &resource.tags,
                grants: &resource.grants,
                grant_tokens: &request.grant_tokens,
                extra_context: &request.context,
                now: request.now,
            };
            let decision = authorize(world, &auth);
            let eval_decision = match decision.outcome {
                super::decision::Outcome::Allow => "allowed",
                super::decision::Outcome::ExplicitDeny => "explicitDeny",
                super::decision::Outcome::ImplicitDeny => "implicitDeny",
            };
            out.push(SimulationResult {
                action: action.clone(),
                resource: resource.arn.clone(),
                eval_decision,
                decision,
            });
        }
    }
    out
}

/// Simulates policies given inline, as if attached to the caller (an IAM
/// user; a caller that is not a user becomes `user/SimulatedUser` in its
/// account), optionally with a permissions boundary. Nothing else of a
/// world applies (no organization), like IAM's `SimulateCustomPolicy`.
pub fn simulate_custom_policy(
    policies: &[PolicyDocument],
    boundary: Option<&PolicyDocument>,
    request: &SimulationRequest,
) -> Vec<SimulationResult> {
    let mut world = IamWorld::new();
    let caller = &request.call.caller;
    let account =
        if caller.account.is_empty() { crate::world::DEFAULT_ACCOUNT.to_string() } else { caller.account.clone() };
    let name = caller
        .arn
        .split_once(":user/")
        .and_then(|(_, rest)| rest.rsplit('/').next())
        .unwrap_or("SimulatedUser")
        .to_string();
    let mut user = User::new(&account, &name);
    if let Some((_, rest)) = caller.arn.split_once(":user/") {
        let path_end = rest.len().saturating_sub(name.len());
        user.path = format!("/{}", rest.get(..path_end).unwrap_or(""));
    }
    user.inline_policies = policies
        .iter()
        .enumerate()
        .map(|(i, d)| InlinePolicy { name: format!("PolicyInputList.{}", i + 1), document: d.clone() })
        .collect();
    if let Some(b) = boundary {
        let arn = format!("arn:aws:iam::{account}:policy/SimulatedBoundary");
        world.managed_policies.push(ManagedPolicy {
            arn: arn.clone(),
            name: "PermissionsBoundaryPolicyInputList.1".into(),
            document: b.clone(),
        });
        user.permissions_boundary = Some(arn);
    }
    let mut request = request.clone();
    request.call.caller = Caller { arn: user.arn(), account, access_key_id: None };
    world.users.push(user);
    simulate_principal_policy(&world, &request)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn custom_policy_simulation_covers_kms_key_policies() {
        let identity = PolicyDocument::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}"#,
        )
        .unwrap();
        let key = "arn:aws:kms:us-east-1:123456789012:key/k1";
        let request = SimulationRequest {
            call: CallContext::new(Caller::from_arn("arn:aws:iam::123456789012:user/alice").unwrap(), "us-east-1"),
            actions: vec!["kms:Decrypt".into(), "kms:Encrypt".into()],
            resources: vec![
                SimulationResource {
                    arn: key.into(),
                    policy: Some(super::super::managed::default_key_policy("123456789012")),
                    ..Default::default()
                },
                SimulationResource { arn: key.into(), policy: None, ..Default::default() },
            ],
            context: vec![],
            grant_tokens: vec![],
            now: Timestamp::DEFAULT_START,
        };
        let results = simulate_custom_policy(&[identity], None, &request);
        let decisions: Vec<&str> = results.iter().map(|r| r.eval_decision).collect();
        assert_eq!(decisions, vec!["allowed", "implicitDeny", "implicitDeny", "implicitDeny"]);
    }
}
