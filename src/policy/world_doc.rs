//! The declarative JSON world document: a lab loads a whole IAM world at once.
//!
//! Schema (every field optional; policies may be given as JSON objects or as strings):
//!
//! ```json
//! {
//!   "accounts": ["111122223333", {"id": "444455556666", "alias": "prod"}],
//!   "organization": {
//!     "id": "o-exampleorgid", "rootId": "r-root", "managementAccount": "999999999999",
//!     "ous": [{"id": "ou-prod", "name": "Prod", "parent": "r-root"}],
//!     "accounts": [{"id": "111122223333", "parent": "ou-prod"}],
//!     "defaultPolicies": true,
//!     "scps": [{"id": "p-deny-kms-delete", "name": "NoKeyDeletion", "document": {…}, "targets": ["ou-prod"]}],
//!     "rcps": [{"id": "p-rcp1", "name": "OrgOnly", "document": {…}, "targets": ["r-root"]}],
//!     "detach": [{"policyId": "p-FullAWSAccess", "targetId": "ou-prod"}]
//!   },
//!   "policies": [{"account": "111122223333", "name": "KmsUse", "path": "/", "document": {…}}],
//!   "users": [{"account": "111122223333", "name": "alice", "path": "/", "tags": {"team": "blue"},
//!              "groups": ["devs"], "inlinePolicies": {"p1": {…}},
//!              "managedPolicies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
//!              "permissionsBoundary": "arn:aws:iam::111122223333:policy/Boundary", "accessKeys": ["AKIA…"]}],
//!   "groups": [{"account": "111122223333", "name": "devs", "inlinePolicies": {…}, "managedPolicies": […]}],
//!   "roles": [{"account": "111122223333", "name": "App", "path": "/", "trustPolicy": {…}, "tags": {…},
//!              "inlinePolicies": {…}, "managedPolicies": […], "permissionsBoundary": "…", "maxSessionDuration": 3600}],
//!   "sessions": [{"role": "arn:aws:iam::111122223333:role/App", "sessionName": "s1",
//!                 "sessionPolicy": {…}, "sessionTags": {"team": "red"}}]
//! }
//! ```
//!
//! `defaultPolicies: false` leaves `FullAWSAccess` off every target (so each
//! level needs an explicit allowing SCP). A role without `trustPolicy` trusts
//! its own account. `sessions` are recorded without a trust check (a lab
//! fixture); use [`IamWorld::assume_role`] to go through STS.

use super::document::PolicyDocument;
use super::iam::{unique_id, Account, Group, IamWorld, InlinePolicy, ManagedPolicy, Role, Session, Tag, User};
use super::managed::AWS_MANAGED_PREFIX;
use super::org::{OrgPolicyKind, Organization, FULL_AWS_ACCESS_ID};
use crate::clock::Timestamp;
use crate::error::AwsError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// An account entry: an id, or an object.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum AccountDoc {
    /// Just the id.
    Id(String),
    /// Id and alias.
    Full {
        /// Id.
        id: String,
        /// Alias.
        #[serde(default)]
        alias: Option<String>,
    },
}

/// An OU entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OuDoc {
    /// `ou-…`.
    pub id: String,
    /// Name (defaults to the id).
    #[serde(default)]
    pub name: Option<String>,
    /// Parent id (root by default).
    #[serde(default)]
    pub parent: Option<String>,
}

/// A member account entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemberDoc {
    /// Account id.
    pub id: String,
    /// Parent id (root by default).
    #[serde(default)]
    pub parent: Option<String>,
}

/// An SCP or RCP with its targets.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgPolicyDoc {
    /// `p-…` (defaults to `p-<name>`).
    #[serde(default)]
    pub id: Option<String>,
    /// Name.
    pub name: String,
    /// Document.
    pub document: PolicyDocument,
    /// Root, OU or account ids.
    #[serde(default)]
    pub targets: Vec<String>,
}

/// A detachment.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DetachDoc {
    /// Policy id.
    pub policy_id: String,
    /// Target id.
    pub target_id: String,
}

/// The organization.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgDoc {
    /// `o-…`.
    #[serde(default = "default_org_id")]
    pub id: String,
    /// `r-…`.
    #[serde(default = "default_root_id")]
    pub root_id: String,
    /// Management account.
    pub management_account: String,
    /// OUs (parents before children).
    #[serde(default)]
    pub ous: Vec<OuDoc>,
    /// Member accounts.
    #[serde(default)]
    pub accounts: Vec<MemberDoc>,
    /// Whether `FullAWSAccess` is attached to every target (true by default).
    #[serde(default = "yes")]
    pub default_policies: bool,
    /// SCPs.
    #[serde(default)]
    pub scps: Vec<OrgPolicyDoc>,
    /// RCPs.
    #[serde(default)]
    pub rcps: Vec<OrgPolicyDoc>,
    /// Detachments applied last.
    #[serde(default)]
    pub detach: Vec<DetachDoc>,
}

fn yes() -> bool {
    true
}
fn default_org_id() -> String {
    "o-exampleorgid".to_string()
}
fn default_root_id() -> String {
    "r-root".to_string()
}
fn root_path() -> String {
    "/".to_string()
}

/// A customer managed policy.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyDoc {
    /// ARN (derived from account, path and name when absent).
    #[serde(default)]
    pub arn: Option<String>,
    /// Account.
    #[serde(default)]
    pub account: Option<String>,
    /// Name.
    pub name: String,
    /// Path.
    #[serde(default = "root_path")]
    pub path: String,
    /// Document.
    pub document: PolicyDocument,
}

/// A user.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserDoc {
    /// Account.
    pub account: String,
    /// Name.
    pub name: String,
    /// Path.
    #[serde(default = "root_path")]
    pub path: String,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Group names.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Inline policies by name.
    #[serde(default)]
    pub inline_policies: BTreeMap<String, PolicyDocument>,
    /// Managed policy ARNs.
    #[serde(default)]
    pub managed_policies: Vec<String>,
    /// Boundary ARN.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// Access keys.
    #[serde(default)]
    pub access_keys: Vec<String>,
}

/// A group.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupDoc {
    /// Account.
    pub account: String,
    /// Name.
    pub name: String,
    /// Path.
    #[serde(default = "root_path")]
    pub path: String,
    /// Inline policies by name.
    #[serde(default)]
    pub inline_policies: BTreeMap<String, PolicyDocument>,
    /// Managed policy ARNs.
    #[serde(default)]
    pub managed_policies: Vec<String>,
}

/// A role.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleDoc {
    /// Account.
    pub account: String,
    /// Name.
    pub name: String,
    /// Path.
    #[serde(default = "root_path")]
    pub path: String,
    /// Trust policy (own account by default).
    #[serde(default)]
    pub trust_policy: Option<PolicyDocument>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Inline policies by name.
    #[serde(default)]
    pub inline_policies: BTreeMap<String, PolicyDocument>,
    /// Managed policy ARNs.
    #[serde(default)]
    pub managed_policies: Vec<String>,
    /// Boundary ARN.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// Max session duration (seconds).
    #[serde(default)]
    pub max_session_duration: Option<u32>,
}

/// A pre-made role session.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionDoc {
    /// Role ARN.
    pub role: String,
    /// Session name.
    pub session_name: String,
    /// Session policy.
    #[serde(default)]
    pub session_policy: Option<PolicyDocument>,
    /// Session tags.
    #[serde(default)]
    pub session_tags: BTreeMap<String, String>,
}

/// The whole document.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct WorldDocument {
    /// Accounts.
    pub accounts: Vec<AccountDoc>,
    /// Organization.
    pub organization: Option<OrgDoc>,
    /// Customer managed policies.
    pub policies: Vec<PolicyDoc>,
    /// Users.
    pub users: Vec<UserDoc>,
    /// Groups.
    pub groups: Vec<GroupDoc>,
    /// Roles.
    pub roles: Vec<RoleDoc>,
    /// Pre-made sessions.
    pub sessions: Vec<SessionDoc>,
}

fn tags(map: &BTreeMap<String, String>) -> Vec<Tag> {
    map.iter().map(|(k, v)| Tag { key: k.clone(), value: v.clone() }).collect()
}

fn inline(map: &BTreeMap<String, PolicyDocument>) -> Vec<InlinePolicy> {
    map.iter().map(|(name, document)| InlinePolicy { name: name.clone(), document: document.clone() }).collect()
}

fn bad(message: String) -> AwsError {
    AwsError::validation(message)
}

impl WorldDocument {
    /// Parses the JSON text of a world document.
    pub fn parse(text: &str) -> Result<WorldDocument, AwsError> {
        serde_json::from_str(text).map_err(|e| bad(format!("invalid world document: {e}")))
    }

    /// Builds the world, checking references (groups, managed policies, roles).
    pub fn into_world(self) -> Result<IamWorld, AwsError> {
        let mut world = IamWorld::new();
        for account in &self.accounts {
            world.accounts.push(match account {
                AccountDoc::Id(id) => Account { id: id.clone(), alias: None },
                AccountDoc::Full { id, alias } => Account { id: id.clone(), alias: alias.clone() },
            });
        }
        for p in &self.policies {
            let arn = match (&p.arn, &p.account) {
                (Some(arn), _) => arn.clone(),
                (None, Some(account)) => format!("arn:aws:iam::{account}:policy{}{}", p.path, p.name),
                (None, None) => return Err(bad(format!("policy {} needs an arn or an account", p.name))),
            };
            world.managed_policies.push(ManagedPolicy { arn, name: p.name.clone(), document: p.document.clone() });
        }
        let mut referenced: Vec<String> = Vec::new();
        for g in &self.groups {
            referenced.extend(g.managed_policies.iter().cloned());
            world.groups.push(Group {
                account: g.account.clone(),
                name: g.name.clone(),
                path: g.path.clone(),
                inline_policies: inline(&g.inline_policies),
                managed_policies: g.managed_policies.clone(),
            });
        }
        for u in &self.users {
            for group in &u.groups {
                if world.group(&u.account, group).is_none() {
                    return Err(bad(format!("user {} is in unknown group {group}", u.name)));
                }
            }
            referenced.extend(u.managed_policies.iter().cloned());
            referenced.extend(u.permissions_boundary.iter().cloned());
            let mut user = User::new(&u.account, &u.name);
            user.path = u.path.clone();
            user.unique_id = unique_id("AIDA", &user.arn());
            user.tags = tags(&u.tags);
            user.groups = u.groups.clone();
            user.inline_policies = inline(&u.inline_policies);
            user.managed_policies = u.managed_policies.clone();
            user.permissions_boundary = u.permissions_boundary.clone();
            user.access_keys = u.access_keys.clone();
            world.users.push(user);
        }
        for r in &self.roles {
            referenced.extend(r.managed_policies.iter().cloned());
            referenced.extend(r.permissions_boundary.iter().cloned());
            let trust = match &r.trust_policy {
                Some(doc) => doc.clone(),
                None => PolicyDocument::parse(&format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:root"}},"Action":"sts:AssumeRole"}}]}}"#,
                    r.account
                ))?,
            };
            let mut role = Role::new(&r.account, &r.name, trust);
            role.path = r.path.clone();
            role.unique_id = unique_id("AROA", &role.arn());
            role.tags = tags(&r.tags);
            role.inline_policies = inline(&r.inline_policies);
            role.managed_policies = r.managed_policies.clone();
            role.permissions_boundary = r.permissions_boundary.clone();
            if let Some(max) = r.max_session_duration {
                role.max_session_duration = max;
            }
            world.roles.push(role);
        }
        for arn in referenced {
            if world.managed_policy(&arn).is_none() {
                if arn.starts_with(AWS_MANAGED_PREFIX) {
                    if !world.ensure_aws_managed(&arn) {
                        return Err(bad(format!("unknown AWS managed policy {arn}")));
                    }
                } else {
                    return Err(bad(format!("unknown managed policy {arn}")));
                }
            }
        }
        for s in &self.sessions {
            let role = world.role_by_arn(&s.role).ok_or_else(|| bad(format!("session for unknown role {}", s.role)))?;
            let arn = format!("arn:aws:sts::{}:assumed-role/{}/{}", role.account, role.name, s.session_name);
            let session = Session {
                access_key_id: unique_id("ASIA", &arn),
                role_arn: role.arn(),
                account: role.account.clone(),
                session_name: s.session_name.clone(),
                session_policies: s.session_policy.iter().cloned().collect(),
                session_tags: tags(&s.session_tags),
                source_arn: String::new(),
                expires: Timestamp(i64::MAX / 2),
                arn,
            };
            world.sessions.push(session);
        }
        if let Some(o) = self.organization {
            let mut org = Organization::new(&o.id, &o.root_id, &o.management_account);
            for ou in &o.ous {
                org.add_ou(&ou.id, ou.name.as_deref().unwrap_or(&ou.id), ou.parent.as_deref().unwrap_or(&o.root_id));
            }
            for member in &o.accounts {
                org.add_account(&member.id, member.parent.as_deref().unwrap_or(&o.root_id));
            }
            if !o.default_policies {
                org.attachments.retain(|a| a.policy_id != FULL_AWS_ACCESS_ID);
            }
            for (list, kind) in [(&o.scps, OrgPolicyKind::ServiceControl), (&o.rcps, OrgPolicyKind::ResourceControl)] {
                for p in list {
                    let id = p.id.clone().unwrap_or_else(|| format!("p-{}", p.name));
                    org.add_policy(&id, &p.name, kind, p.document.clone());
                    for target in &p.targets {
                        org.attach(&id, target);
                    }
                }
            }
            for d in &o.detach {
                org.detach(&d.policy_id, &d.target_id);
            }
            world.organization = Some(org);
        }
        Ok(world)
    }
}

/// Parses and builds a world from JSON text.
pub fn load_world(text: &str) -> Result<IamWorld, AwsError> {
    WorldDocument::parse(text)?.into_world()
}

/// Builds a world from an already-parsed JSON value.
pub fn load_world_value(value: serde_json::Value) -> Result<IamWorld, AwsError> {
    let doc: WorldDocument = serde_json::from_value(value).map_err(|e| bad(format!("invalid world document: {e}")))?;
    doc.into_world()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn loads_a_small_world() {
        let world = load_world(
            r#"{
              "accounts": ["111122223333"],
              "organization": {"managementAccount": "999999999999", "ous": [{"id": "ou-a"}], "accounts": [{"id": "111122223333", "parent": "ou-a"}],
                               "scps": [{"name": "Deny", "document": {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:ScheduleKeyDeletion","Resource":"*"}]}, "targets": ["ou-a"]}]},
              "policies": [{"account": "111122223333", "name": "B", "document": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"}],
              "groups": [{"account": "111122223333", "name": "devs", "managedPolicies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}],
              "users": [{"account": "111122223333", "name": "alice", "groups": ["devs"], "tags": {"team": "blue"}, "permissionsBoundary": "arn:aws:iam::111122223333:policy/B"}],
              "roles": [{"account": "111122223333", "name": "App"}],
              "sessions": [{"role": "arn:aws:iam::111122223333:role/App", "sessionName": "s1", "sessionTags": {"team": "red"}}]
            }"#,
        )
        .unwrap();
        assert_eq!(world.users.len(), 1);
        assert!(world.managed_policy("arn:aws:iam::aws:policy/ReadOnlyAccess").is_some());
        assert_eq!(world.organization.as_ref().unwrap().attached("ou-a", OrgPolicyKind::ServiceControl).count(), 2);
        assert_eq!(world.sessions.len(), 1);
        assert!(load_world(r#"{"users":[{"account":"1","name":"x","groups":["nope"]}]}"#).is_err());
        assert!(load_world(r#"{"bogus": 1}"#).is_err());
        // The world round-trips through serde (snapshots).
        let json = serde_json::to_string(&world).unwrap();
        let back: IamWorld = serde_json::from_str(&json).unwrap();
        assert_eq!(back, world);
    }
}
