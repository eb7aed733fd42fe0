//! The explained result of an authorization: the final outcome, what each
//! policy type said, which statements matched, which conditions failed (and
//! whether only because a key was missing), and the path taken through the
//! evaluation flowchart, so a page can draw it with the path lit.

use super::principal::PrincipalMatch;
use crate::error::{AwsError, ErrorCode};
use serde::Serialize;

/// The final outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// Allowed.
    Allow,
    /// Denied by a `Deny` statement.
    ExplicitDeny,
    /// Denied because nothing (or not everything that had to) allowed.
    ImplicitDeny,
}

/// The policy types of the evaluation flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PolicyType {
    /// Service control policies (caller's account).
    ServiceControl,
    /// Resource control policies (resource's account).
    ResourceControl,
    /// Resource-based policy (the key policy for KMS keys).
    ResourceBased,
    /// Identity-based policies.
    IdentityBased,
    /// Permissions boundary.
    PermissionsBoundary,
    /// Session policies.
    Session,
    /// KMS grants.
    Grant,
}

impl PolicyType {
    /// How AWS names the type in AccessDenied messages.
    pub fn phrase(self) -> &'static str {
        match self {
            PolicyType::ServiceControl => "service control policy",
            PolicyType::ResourceControl => "resource control policy",
            PolicyType::ResourceBased => "resource-based policy",
            PolicyType::IdentityBased => "identity-based policy",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::Session => "session policy",
            PolicyType::Grant => "grant",
        }
    }
}

/// What one policy type said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum TypeOutcome {
    /// It allowed.
    Allow,
    /// A statement denied.
    ExplicitDeny,
    /// Present, but nothing allowed.
    ImplicitDeny,
    /// Not part of this request (no such policy, or it does not apply).
    NotApplicable,
}

/// A statement that matched the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchedStatement {
    /// Policy name (inline name, managed policy name, SCP name, `key policy`…).
    pub policy: String,
    /// Sid, or `#<index>`.
    pub statement: String,
    /// `Allow` or `Deny`.
    pub effect: String,
    /// How its `Principal` named the caller, for resource policies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_match: Option<PrincipalMatch>,
}

/// A condition that failed in a statement whose action, resource and principal matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedCondition {
    /// Policy name.
    pub policy: String,
    /// Sid, or `#<index>`.
    pub statement: String,
    /// Operator as written.
    pub operator: String,
    /// Key as written.
    pub key: String,
    /// Whether the key was missing from the request context.
    pub key_missing: bool,
}

/// What one policy type said, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyTypeResult {
    /// The type.
    pub policy_type: PolicyType,
    /// Its outcome.
    pub outcome: TypeOutcome,
    /// Matched statements.
    pub matched: Vec<MatchedStatement>,
    /// Failed conditions.
    pub failed_conditions: Vec<FailedCondition>,
    /// A short note (e.g. which org level did not allow).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A node of the evaluation flowchart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FlowNode {
    /// Any explicit deny in any applicable policy?
    ExplicitDenyCheck,
    /// Do the SCPs allow (every level)?
    ServiceControlPolicies,
    /// Do the RCPs allow (every level)?
    ResourceControlPolicies,
    /// KMS: is there a key policy?
    KeyPolicyPresent,
    /// KMS: may this operation be used cross-account?
    CrossAccountOperation,
    /// Does the resource-based policy allow?
    ResourcePolicy,
    /// Does an identity-based policy allow?
    IdentityPolicies,
    /// Does the permissions boundary allow?
    PermissionsBoundary,
    /// Do the session policies allow?
    SessionPolicies,
    /// KMS: does a grant allow?
    Grants,
    /// The account root acting in its own account.
    RootUser,
    /// The final decision.
    Decision,
}

/// One step on the path through the flowchart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowStep {
    /// The node.
    pub node: FlowNode,
    /// `yes`, `no`, `skipped` or the final outcome.
    pub answer: String,
    /// Why.
    pub note: String,
}

/// The explained decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// Final outcome.
    pub outcome: Outcome,
    /// The policy type that decided a deny (or that granted an allow).
    pub decided_by: Option<PolicyType>,
    /// One-sentence explanation.
    pub reason: String,
    /// Whether the request crossed accounts.
    pub cross_account: bool,
    /// Per policy type.
    pub policies: Vec<PolicyTypeResult>,
    /// The ordered path through the flowchart.
    pub path: Vec<FlowStep>,
}

impl Decision {
    /// Whether the request is allowed.
    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allow
    }

    /// What a policy type said (`NotApplicable` when it was not consulted).
    pub fn type_outcome(&self, policy_type: PolicyType) -> TypeOutcome {
        self.policies
            .iter()
            .find(|p| p.policy_type == policy_type)
            .map(|p| p.outcome)
            .unwrap_or(TypeOutcome::NotApplicable)
    }

    /// The `AccessDeniedException` AWS would return, in AWS's message shape.
    pub fn access_denied_error(&self, request: &super::evaluate::AuthorizationRequest<'_>) -> AwsError {
        AwsError::new(
            ErrorCode::AccessDeniedException,
            self.denied_message(&request.call.caller.arn, request.action, request.resource_arn),
        )
    }

    /// The AccessDenied message for `caller` doing `action` on `resource`.
    pub fn denied_message(&self, caller: &str, action: &str, resource: &str) -> String {
        let head = format!("User: {caller} is not authorized to perform: {action} on resource: {resource}");
        let kind = self.decided_by.unwrap_or(PolicyType::IdentityBased);
        match self.outcome {
            Outcome::ExplicitDeny => {
                let article = if kind.phrase().starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                format!("{head} with an explicit deny in {article} {}", kind.phrase())
            }
            Outcome::ImplicitDeny | Outcome::Allow => {
                format!("{head} because no {} allows the {action} action", kind.phrase())
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn messages_follow_aws_shape() {
        let d = Decision {
            outcome: Outcome::ImplicitDeny,
            decided_by: Some(PolicyType::IdentityBased),
            reason: String::new(),
            cross_account: false,
            policies: vec![],
            path: vec![],
        };
        assert_eq!(
            d.denied_message("arn:aws:iam::111122223333:user/bob", "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k"),
            "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/k because no identity-based policy allows the kms:Decrypt action"
        );
        let e = Decision { outcome: Outcome::ExplicitDeny, decided_by: Some(PolicyType::ResourceBased), ..d };
        assert!(e.denied_message("u", "a", "r").ends_with("with an explicit deny in a resource-based policy"));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["decidedBy"], "resourceBased");
    }
}
