//! AWS Organizations as the policy engine needs it: the OU tree, and the
//! service control policies (SCPs) and resource control policies (RCPs)
//! attached at the root, OUs and accounts.
//!
//! For an SCP or RCP to allow, *every level* from the root down to the
//! account must have an attached policy that allows (IAM User Guide, "Policy
//! evaluation logic"). New targets get the AWS default policies attached
//! (`FullAWSAccess`, `RCPFullAWSAccess`), as AWS does; `RCPFullAWSAccess`
//! cannot be detached in AWS, so RCPs in practice only ever deny.

use super::compare::same;
use super::document::PolicyDocument;
use serde::{Deserialize, Serialize};

/// Id of the AWS default SCP.
pub const FULL_AWS_ACCESS_ID: &str = "p-FullAWSAccess";
/// Id of the AWS default RCP.
pub const RCP_FULL_AWS_ACCESS_ID: &str = "p-RCPFullAWSAccess";

/// The text of `FullAWSAccess`.
pub const FULL_AWS_ACCESS_TEXT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
/// The text of `RCPFullAWSAccess`.
pub const RCP_FULL_AWS_ACCESS_TEXT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// SCP or RCP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrgPolicyKind {
    /// Service control policy: caps principals in member accounts.
    ServiceControl,
    /// Resource control policy: caps resources in member accounts.
    ResourceControl,
}

/// An organizational unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationalUnit {
    /// `ou-…`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Parent: the root id or another OU id.
    pub parent_id: String,
}

/// A member account's place in the tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgAccount {
    /// Account id.
    pub id: String,
    /// Parent: the root id or an OU id.
    pub parent_id: String,
}

/// An SCP or RCP.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgPolicy {
    /// `p-…`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrgPolicyKind,
    /// The policy.
    pub document: PolicyDocument,
}

/// An attachment of a policy to the root, an OU or an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyAttachment {
    /// Policy id.
    pub policy_id: String,
    /// Root id, OU id or account id.
    pub target_id: String,
}

/// An organization.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// `o-…`.
    pub id: String,
    /// The management account (SCPs and RCPs never apply to it).
    pub management_account: String,
    /// `r-…`.
    pub root_id: String,
    /// OUs.
    #[serde(default)]
    pub ous: Vec<OrganizationalUnit>,
    /// Accounts, including the management account.
    #[serde(default)]
    pub accounts: Vec<OrgAccount>,
    /// SCPs and RCPs.
    #[serde(default)]
    pub policies: Vec<OrgPolicy>,
    /// Attachments.
    #[serde(default)]
    pub attachments: Vec<PolicyAttachment>,
}

impl Organization {
    /// A new organization with the default policies attached to its root and
    /// the management account as a member.
    pub fn new(id: &str, root_id: &str, management_account: &str) -> Organization {
        let mut org = Organization {
            id: id.to_string(),
            management_account: management_account.to_string(),
            root_id: root_id.to_string(),
            ous: Vec::new(),
            accounts: Vec::new(),
            policies: Vec::new(),
            attachments: Vec::new(),
        };
        for (pid, name, kind, text) in [
            (FULL_AWS_ACCESS_ID, "FullAWSAccess", OrgPolicyKind::ServiceControl, FULL_AWS_ACCESS_TEXT),
            (RCP_FULL_AWS_ACCESS_ID, "RCPFullAWSAccess", OrgPolicyKind::ResourceControl, RCP_FULL_AWS_ACCESS_TEXT),
        ] {
            if let Ok(document) = PolicyDocument::parse(text) {
                org.policies.push(OrgPolicy { id: pid.to_string(), name: name.to_string(), kind, document });
            }
        }
        org.attach_defaults(root_id);
        org.accounts.push(OrgAccount { id: management_account.to_string(), parent_id: root_id.to_string() });
        org.attach_defaults(management_account);
        org
    }

    fn attach_defaults(&mut self, target: &str) {
        self.attach(FULL_AWS_ACCESS_ID, target);
        self.attach(RCP_FULL_AWS_ACCESS_ID, target);
    }

    /// Adds an OU under `parent_id`, with the default policies attached.
    pub fn add_ou(&mut self, id: &str, name: &str, parent_id: &str) {
        self.ous.push(OrganizationalUnit {
            id: id.to_string(),
            name: name.to_string(),
            parent_id: parent_id.to_string(),
        });
        self.attach_defaults(id);
    }

    /// Adds (or moves) an account under `parent_id`, with the default policies attached.
    pub fn add_account(&mut self, id: &str, parent_id: &str) {
        self.accounts.retain(|a| a.id != id);
        self.accounts.push(OrgAccount { id: id.to_string(), parent_id: parent_id.to_string() });
        self.attach_defaults(id);
    }

    /// Adds a policy (not attached yet).
    pub fn add_policy(&mut self, id: &str, name: &str, kind: OrgPolicyKind, document: PolicyDocument) {
        self.policies.retain(|p| p.id != id);
        self.policies.push(OrgPolicy { id: id.to_string(), name: name.to_string(), kind, document });
    }

    /// Attaches a policy to a target (idempotent).
    pub fn attach(&mut self, policy_id: &str, target_id: &str) {
        if !self.attachments.iter().any(|a| a.policy_id == policy_id && a.target_id == target_id) {
            self.attachments
                .push(PolicyAttachment { policy_id: policy_id.to_string(), target_id: target_id.to_string() });
        }
    }

    /// Detaches a policy from a target. `RCPFullAWSAccess` cannot be detached, as in AWS.
    pub fn detach(&mut self, policy_id: &str, target_id: &str) {
        if policy_id == RCP_FULL_AWS_ACCESS_ID {
            return;
        }
        self.attachments.retain(|a| !(a.policy_id == policy_id && a.target_id == target_id));
    }

    /// Whether `account` is a member.
    pub fn contains_account(&self, account: &str) -> bool {
        self.accounts.iter().any(|a| a.id == account)
    }

    /// Targets from the root down to `account` (root, OUs…, account); `None` when not a member.
    pub fn levels(&self, account: &str) -> Option<Vec<&str>> {
        let mut chain = Vec::new();
        if !self.walk_up(account, |level| chain.push(level)) {
            return None;
        }
        chain.reverse();
        Some(chain)
    }

    /// Whether `account` is a member placed in the tree (what makes
    /// [`Organization::levels`] `Some`), without allocating.
    pub fn in_tree(&self, account: &str) -> bool {
        self.walk_up(account, |_| {})
    }

    /// Visits the targets from `account` up to the root (account, OUs…,
    /// root); returns whether the walk reached the root.
    pub fn walk_up<'a>(&'a self, account: &str, mut visit: impl FnMut(&'a str)) -> bool {
        let Some(member) = self.accounts.iter().find(|a| same(&a.id, account)) else {
            return false;
        };
        visit(&member.id);
        let mut parent = member.parent_id.as_str();
        // Bounded walk: a malformed tree (a cycle) must not loop forever.
        for _ in 0..=self.ous.len() {
            if same(parent, &self.root_id) {
                visit(&self.root_id);
                return true;
            }
            let Some(ou) = self.ous.iter().find(|o| same(&o.id, parent)) else {
                return false;
            };
            visit(&ou.id);
            parent = &ou.parent_id;
        }
        false
    }

    /// `aws:PrincipalOrgPaths` / `aws:ResourceOrgPaths` value: `o-id/r-id/ou-a/ou-b/`.
    pub fn org_path(&self, account: &str) -> Option<String> {
        let levels = self.levels(account)?;
        let mut path = format!("{}/", self.id);
        for level in levels.iter().take(levels.len().saturating_sub(1)) {
            path.push_str(level);
            path.push('/');
        }
        Some(path)
    }

    /// The policies of `kind` attached directly to `target`.
    pub fn attached<'a>(&'a self, target: &'a str, kind: OrgPolicyKind) -> impl Iterator<Item = &'a OrgPolicy> + 'a {
        self.attachments
            .iter()
            .filter(move |a| same(&a.target_id, target))
            .filter_map(move |a| self.policies.iter().find(|p| p.kind == kind && same(&p.id, &a.policy_id)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_paths() {
        let mut org = Organization::new("o-abc", "r-root", "999999999999");
        org.add_ou("ou-prod", "Prod", "r-root");
        org.add_ou("ou-web", "Web", "ou-prod");
        org.add_account("111122223333", "ou-web");
        assert_eq!(org.levels("111122223333").unwrap(), vec!["r-root", "ou-prod", "ou-web", "111122223333"]);
        assert_eq!(org.org_path("111122223333").unwrap(), "o-abc/r-root/ou-prod/ou-web/");
        assert!(org.levels("000000000000").is_none());
        assert_eq!(org.attached("ou-web", OrgPolicyKind::ServiceControl).count(), 1);
        org.detach(FULL_AWS_ACCESS_ID, "ou-web");
        assert_eq!(org.attached("ou-web", OrgPolicyKind::ServiceControl).count(), 0);
        org.detach(RCP_FULL_AWS_ACCESS_ID, "ou-web");
        assert_eq!(org.attached("ou-web", OrgPolicyKind::ResourceControl).count(), 1);
    }
}
