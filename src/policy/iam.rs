//! The IAM world: accounts, users, groups, roles, managed policies,
//! permissions boundaries, role sessions, and the organization.
//!
//! Everything is a plain serde struct (it goes into simulator snapshots);
//! `IamWorld::default()` is an empty world in which only account roots exist.

use super::compare::{same, strip_prefix};
use super::document::PolicyDocument;
use super::evaluate::{authorize, AuthorizationRequest, ResourceKind};
use super::managed;
use super::org::Organization;
use super::principal::{CallerIdentity, PrincipalArn, PrincipalType};
use crate::clock::Timestamp;
use crate::error::{AwsError, ErrorCode};
use crate::world::{CallContext, Caller};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// A tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}

/// An account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// 12-digit id.
    pub id: String,
    /// Optional alias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

/// A named inline policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InlinePolicy {
    /// Name.
    pub name: String,
    /// Document.
    pub document: PolicyDocument,
}

/// A managed policy (customer managed, or AWS managed under `arn:aws:iam::aws:policy/`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    /// ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// Default version's document.
    pub document: PolicyDocument,
}

/// An IAM user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Account.
    pub account: String,
    /// Name.
    pub name: String,
    /// Path (`/` by default).
    #[serde(default = "root_path")]
    pub path: String,
    /// Unique id (`AIDA…`), `aws:userid`.
    #[serde(default)]
    pub unique_id: String,
    /// Tags (`aws:PrincipalTag/…`).
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Group names (same account).
    #[serde(default)]
    pub groups: Vec<String>,
    /// Inline policies.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// Attached managed policy ARNs.
    #[serde(default)]
    pub managed_policies: Vec<String>,
    /// Permissions boundary (managed policy ARN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// Access key ids.
    #[serde(default)]
    pub access_keys: Vec<String>,
}

/// An IAM group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// Account.
    pub account: String,
    /// Name.
    pub name: String,
    /// Path.
    #[serde(default = "root_path")]
    pub path: String,
    /// Inline policies.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// Attached managed policy ARNs.
    #[serde(default)]
    pub managed_policies: Vec<String>,
}

/// An IAM role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    /// Account.
    pub account: String,
    /// Name.
    pub name: String,
    /// Path.
    #[serde(default = "root_path")]
    pub path: String,
    /// Unique id (`AROA…`).
    #[serde(default)]
    pub unique_id: String,
    /// Trust policy (who may assume it).
    pub trust_policy: PolicyDocument,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Inline policies.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// Attached managed policy ARNs.
    #[serde(default)]
    pub managed_policies: Vec<String>,
    /// Permissions boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// Maximum session duration in seconds (3600 by default).
    #[serde(default = "default_max_session")]
    pub max_session_duration: u32,
}

/// An assumed-role session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// `arn:aws:sts::<acct>:assumed-role/<role>/<session>`.
    pub arn: String,
    /// The role's ARN (with path): `aws:PrincipalArn`.
    pub role_arn: String,
    /// Account.
    pub account: String,
    /// Session name.
    pub session_name: String,
    /// Temporary access key id (`ASIA…`).
    pub access_key_id: String,
    /// Session policies (they cap the role's identity policies).
    #[serde(default)]
    pub session_policies: Vec<PolicyDocument>,
    /// Session tags (override role tags of the same key).
    #[serde(default)]
    pub session_tags: Vec<Tag>,
    /// Who assumed it.
    #[serde(default)]
    pub source_arn: String,
    /// When it expires.
    pub expires: Timestamp,
}

fn root_path() -> String {
    "/".to_string()
}

fn default_max_session() -> u32 {
    3600
}

/// Whether `arn` is `arn:aws:iam::<account>:<kind><path><name>`.
fn names_entity(arn: &str, account: &str, kind: &str, path: &str, name: &str) -> bool {
    let rest =
        strip_prefix(arn, "arn:aws:iam::").and_then(|r| strip_prefix(r, account)).and_then(|r| r.strip_prefix(':'));
    let rest = rest.and_then(|r| strip_prefix(r, kind)).and_then(|r| strip_prefix(r, path));
    rest.is_some_and(|r| same(r, name))
}

/// A deterministic IAM-style unique id (`AIDA…`, `AROA…`, `ASIA…`) derived from `seed`.
pub fn unique_id(prefix: &str, seed: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(seed.as_bytes());
    let mut id = prefix.to_string();
    for byte in digest.iter().take(16) {
        if let Some(c) = ALPHABET.get(usize::from(*byte) % ALPHABET.len()) {
            id.push(char::from(*c));
        }
    }
    id
}

impl User {
    /// A user with no policies.
    pub fn new(account: &str, name: &str) -> User {
        let mut user = User {
            account: account.to_string(),
            name: name.to_string(),
            path: root_path(),
            unique_id: String::new(),
            tags: Vec::new(),
            groups: Vec::new(),
            inline_policies: Vec::new(),
            managed_policies: Vec::new(),
            permissions_boundary: None,
            access_keys: Vec::new(),
        };
        user.unique_id = unique_id("AIDA", &user.arn());
        user
    }

    /// `arn:aws:iam::<acct>:user<path><name>`.
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::{}:user{}{}", self.account, self.path, self.name)
    }
}

impl Role {
    /// A role with a trust policy and nothing else.
    pub fn new(account: &str, name: &str, trust_policy: PolicyDocument) -> Role {
        let mut role = Role {
            account: account.to_string(),
            name: name.to_string(),
            path: root_path(),
            unique_id: String::new(),
            trust_policy,
            tags: Vec::new(),
            inline_policies: Vec::new(),
            managed_policies: Vec::new(),
            permissions_boundary: None,
            max_session_duration: default_max_session(),
        };
        role.unique_id = unique_id("AROA", &role.arn());
        role
    }

    /// `arn:aws:iam::<acct>:role<path><name>`.
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::{}:role{}{}", self.account, self.path, self.name)
    }
}

/// The IAM world.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IamWorld {
    /// Known accounts (roots of any account are known even if not listed).
    pub accounts: Vec<Account>,
    /// The organization, if any.
    pub organization: Option<Organization>,
    /// Users.
    pub users: Vec<User>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Roles.
    pub roles: Vec<Role>,
    /// Managed policies (customer and AWS managed).
    pub managed_policies: Vec<ManagedPolicy>,
    /// Live role sessions.
    pub sessions: Vec<Session>,
}

/// A named policy borrowed from the world, as evaluation sees it.
#[derive(Clone, Copy, Debug)]
pub struct NamedPolicy<'a> {
    /// Display name (inline name, managed policy name, or `session policy`).
    pub name: &'a str,
    /// The document.
    pub document: &'a PolicyDocument,
}

/// The world's record of a caller, when it has one.
#[derive(Clone, Copy, Debug)]
enum Entity<'a> {
    /// Not a user or role the world holds (roots, services, unknown callers).
    None,
    /// An IAM user.
    User(&'a User),
    /// A role, called as its role ARN or through a session (the live session, if found).
    Role { role: &'a Role, session: Option<&'a Session> },
}

/// The caller as the world knows it: identity, tags and the policies that apply.
///
/// Evaluation reads it through its methods, which borrow from the world
/// ([`IamWorld::principal`] allocates nothing). The `user_id`, `tags`,
/// `identity_policies` and `session_policies` fields are the same facts
/// collected, filled by [`IamWorld::resolve_principal`] only.
#[derive(Clone, Debug)]
pub struct ResolvedPrincipal<'a> {
    /// Identity.
    pub identity: CallerIdentity<'a>,
    /// Unique id for `aws:userid` (collected: see [`ResolvedPrincipal::user_id_text`]).
    pub user_id: Option<String>,
    /// Tags, session tags overriding role tags (collected: see [`ResolvedPrincipal::iter_tags`]).
    pub tags: Vec<(&'a str, &'a str)>,
    /// Identity-based policies (collected: see [`ResolvedPrincipal::for_each_identity_policy`]).
    pub identity_policies: Vec<NamedPolicy<'a>>,
    /// Session policies (collected: see [`ResolvedPrincipal::iter_session_policies`]).
    pub session_policies: Vec<NamedPolicy<'a>>,
    /// Permissions boundary.
    pub boundary: Option<NamedPolicy<'a>>,
    /// Whether the world knows this principal (unknown users/roles have no policies).
    pub known: bool,
    world: &'a IamWorld,
    entity: Entity<'a>,
}

impl<'a> ResolvedPrincipal<'a> {
    /// `aws:userid`: the account for a root, the unique id for a user or a
    /// role, `<role id>:<session name>` for a session.
    pub fn user_id_text(&self) -> Option<Cow<'a, str>> {
        match (self.identity.kind, self.entity) {
            (PrincipalType::Account, _) => Some(Cow::Borrowed(self.identity.account)),
            (_, Entity::User(user)) => Some(Cow::Borrowed(&user.unique_id)),
            (_, Entity::Role { role, .. }) => Some(match self.identity.session_name {
                Some(s) => Cow::Owned(format!("{}:{s}", role.unique_id)),
                None => Cow::Borrowed(&role.unique_id),
            }),
            _ => None,
        }
    }

    /// The tags before and after session tags, which override them.
    fn tag_layers(&self) -> (&'a [Tag], &'a [Tag]) {
        match self.entity {
            Entity::None => (&[], &[]),
            Entity::User(user) => (&user.tags, &[]),
            Entity::Role { role, session } => (&role.tags, session.map_or(&[][..], |s| &s.session_tags[..])),
        }
    }

    /// The caller's tags (`aws:PrincipalTag/…`) in order: role or user tags
    /// that no session tag overrides, then the session tags (a later session
    /// tag overriding an earlier one with the same key, in any case).
    pub fn iter_tags(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        let (base, over) = self.tag_layers();
        let same = |a: &Tag, b: &Tag| a.key.eq_ignore_ascii_case(&b.key);
        let kept_base = base.iter().filter(move |t| !over.iter().any(|o| same(o, t)));
        let kept_over =
            over.iter().enumerate().filter(move |(i, t)| !over.iter().skip(i + 1).any(|o| same(o, t))).map(|(_, t)| t);
        kept_base.chain(kept_over).map(|t| (t.key.as_str(), t.value.as_str()))
    }

    /// The value of tag `key` (any case), as [`ResolvedPrincipal::iter_tags`] resolves it.
    pub fn tag(&self, key: &str) -> Option<&'a str> {
        let (base, over) = self.tag_layers();
        let find = |tags: &'a [Tag]| tags.iter().rev().find(|t| t.key.eq_ignore_ascii_case(key));
        find(over).or_else(|| find(base)).map(|t| t.value.as_str())
    }

    /// Calls `f` with every identity-based policy, in order: the user's
    /// inline then managed policies, then each group's; or the role's.
    pub fn for_each_identity_policy(&self, mut f: impl FnMut(NamedPolicy<'a>)) {
        match self.entity {
            Entity::None => {}
            Entity::User(user) => {
                self.world.for_each_attached(&user.inline_policies, &user.managed_policies, &mut f);
                for group_name in &user.groups {
                    if let Some(group) = self.world.group(&user.account, group_name) {
                        self.world.for_each_attached(&group.inline_policies, &group.managed_policies, &mut f);
                    }
                }
            }
            Entity::Role { role, .. } => {
                self.world.for_each_attached(&role.inline_policies, &role.managed_policies, &mut f)
            }
        }
    }

    /// The session policies (of the live session of an assumed role).
    pub fn iter_session_policies(&self) -> impl Iterator<Item = NamedPolicy<'a>> {
        let docs = match self.entity {
            Entity::Role { session: Some(session), .. } => &session.session_policies[..],
            _ => &[],
        };
        docs.iter().map(|document| NamedPolicy { name: "session policy", document })
    }

    /// Whether any session policy applies.
    pub fn has_session_policies(&self) -> bool {
        self.iter_session_policies().next().is_some()
    }
}

impl IamWorld {
    /// An empty world.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a user (by account and name).
    pub fn upsert_user(&mut self, user: User) {
        self.users.retain(|u| !(u.account == user.account && u.name == user.name));
        self.users.push(user);
    }

    /// Adds or replaces a role (by account and name).
    pub fn upsert_role(&mut self, role: Role) {
        self.roles.retain(|r| !(r.account == role.account && r.name == role.name));
        self.roles.push(role);
    }

    /// Adds or replaces a group (by account and name).
    pub fn upsert_group(&mut self, group: Group) {
        self.groups.retain(|g| !(g.account == group.account && g.name == group.name));
        self.groups.push(group);
    }

    /// Adds or replaces a managed policy (by ARN).
    pub fn upsert_managed_policy(&mut self, policy: ManagedPolicy) {
        self.managed_policies.retain(|p| p.arn != policy.arn);
        self.managed_policies.push(policy);
    }

    /// Drops sessions that expired before `now`.
    pub fn expire_sessions(&mut self, now: Timestamp) {
        self.sessions.retain(|s| s.expires > now);
    }

    /// Finds a managed policy by ARN; AWS managed policies that are not
    /// stored are not synthesized here (call [`IamWorld::ensure_aws_managed`]).
    pub fn managed_policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.managed_policies.iter().find(|p| same(&p.arn, arn))
    }

    /// Adds an AWS managed policy (`arn:aws:iam::aws:policy/<Name>`) from the
    /// built-in catalogue if it is known and not yet stored; returns whether it exists now.
    pub fn ensure_aws_managed(&mut self, arn: &str) -> bool {
        if self.managed_policy(arn).is_some() {
            return true;
        }
        match managed::aws_managed_policy(arn) {
            Some(policy) => {
                self.managed_policies.push(policy);
                true
            }
            None => false,
        }
    }

    /// Finds a user by ARN (compared piecewise: no ARN is formatted per lookup).
    pub fn user_by_arn(&self, arn: &str) -> Option<&User> {
        self.users.iter().find(|u| names_entity(arn, &u.account, "user", &u.path, &u.name))
    }

    /// Finds a role by account and name (session ARNs carry no path).
    pub fn role_by_name(&self, account: &str, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| same(&r.account, account) && same(&r.name, name))
    }

    /// Finds a role by ARN.
    pub fn role_by_arn(&self, arn: &str) -> Option<&Role> {
        self.roles.iter().find(|r| names_entity(arn, &r.account, "role", &r.path, &r.name))
    }

    /// Finds a group.
    pub fn group(&self, account: &str, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| same(&g.account, account) && same(&g.name, name))
    }

    /// The live session `caller` signs with: by access key first, else the
    /// latest unexpired session with that ARN.
    pub fn session_for(&self, caller: &Caller, now: Timestamp) -> Option<&Session> {
        if let Some(key) = &caller.access_key_id {
            if let Some(s) = self.sessions.iter().find(|s| &s.access_key_id == key && s.arn == caller.arn) {
                return Some(s);
            }
        }
        self.sessions.iter().rev().find(|s| s.arn == caller.arn && s.expires > now)
    }

    fn for_each_attached<'a>(
        &'a self,
        inline: &'a [InlinePolicy],
        managed: &'a [String],
        f: &mut impl FnMut(NamedPolicy<'a>),
    ) {
        for p in inline {
            f(NamedPolicy { name: &p.name, document: &p.document });
        }
        for arn in managed {
            if let Some(p) = self.managed_policy(arn) {
                f(NamedPolicy { name: &p.name, document: &p.document });
            }
        }
    }

    fn boundary<'a>(&'a self, arn: Option<&'a String>) -> Option<NamedPolicy<'a>> {
        let arn = arn?;
        // A boundary naming a policy the world lacks still caps: it allows nothing.
        match self.managed_policy(arn) {
            Some(p) => Some(NamedPolicy { name: &p.name, document: &p.document }),
            None => Some(NamedPolicy { name: arn, document: managed::deny_nothing_allow_nothing() }),
        }
    }

    /// Resolves the caller: kind, tags, identity policies, boundary, session
    /// policies, and the unique id as text ([`ResolvedPrincipal::user_id`]).
    pub fn resolve_principal<'a>(&'a self, caller: &'a Caller, now: Timestamp) -> ResolvedPrincipal<'a> {
        let mut resolved = self.principal(caller, now);
        resolved.user_id = resolved.user_id_text().map(Cow::into_owned);
        resolved.tags = resolved.iter_tags().collect();
        let mut identity_policies = Vec::new();
        resolved.for_each_identity_policy(|p| identity_policies.push(p));
        resolved.identity_policies = identity_policies;
        resolved.session_policies = resolved.iter_session_policies().collect();
        resolved
    }

    /// Resolves the caller as evaluation needs it, allocating nothing (the
    /// collected fields of [`ResolvedPrincipal`] stay empty: use its methods).
    pub fn principal<'a>(&'a self, caller: &'a Caller, now: Timestamp) -> ResolvedPrincipal<'a> {
        let mut identity = CallerIdentity::from_arn(&caller.arn, &caller.account);
        let mut entity = Entity::None;
        let mut boundary = None;
        let known = match identity.kind {
            PrincipalType::Account | PrincipalType::Service => true,
            PrincipalType::User => match self.user_by_arn(&caller.arn) {
                Some(user) => {
                    entity = Entity::User(user);
                    boundary = self.boundary(user.permissions_boundary.as_ref());
                    true
                }
                None => false,
            },
            PrincipalType::AssumedRole | PrincipalType::Role => {
                match self.role_by_name(identity.account, identity.name.unwrap_or_default()) {
                    Some(role) => {
                        identity.principal_arn =
                            PrincipalArn::Role { account: &role.account, path: &role.path, name: &role.name };
                        let session = if identity.kind == PrincipalType::AssumedRole {
                            self.session_for(caller, now)
                        } else {
                            None
                        };
                        entity = Entity::Role { role, session };
                        boundary = self.boundary(role.permissions_boundary.as_ref());
                        true
                    }
                    None => false,
                }
            }
            PrincipalType::FederatedUser | PrincipalType::Anonymous => false,
        };
        ResolvedPrincipal {
            identity,
            user_id: None,
            tags: Vec::new(),
            identity_policies: Vec::new(),
            session_policies: Vec::new(),
            boundary,
            known,
            world: self,
            entity,
        }
    }

    /// `sts:AssumeRole`: checks the trust policy (and, through the normal
    /// flow, the caller's permission to call `sts:AssumeRole`; cross-account
    /// both sides must allow), then records and returns a session. Session
    /// tags also require `sts:TagSession`.
    #[allow(clippy::too_many_arguments)]
    pub fn assume_role(
        &mut self,
        call: &CallContext,
        role_arn: &str,
        session_name: &str,
        session_policy: Option<&str>,
        session_tags: &[Tag],
        duration_seconds: Option<u32>,
        now: Timestamp,
    ) -> Result<Session, AwsError> {
        let valid_name = (2..=64).contains(&session_name.len())
            && session_name.chars().all(|c| c.is_ascii_alphanumeric() || "=,.@-_".contains(c));
        if !valid_name {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{session_name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
            )));
        }
        let role = self
            .role_by_arn(role_arn)
            .ok_or_else(|| {
                AwsError::new(
                    ErrorCode::AccessDeniedException,
                    format!(
                        "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                        call.caller.arn
                    ),
                )
            })?
            .clone();
        let duration = duration_seconds.unwrap_or(3600);
        if duration < 900 || duration > role.max_session_duration {
            return Err(AwsError::validation(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            ));
        }
        let session_doc = match session_policy {
            Some(text) => Some(
                PolicyDocument::parse(text)
                    .map_err(|e| AwsError::new(ErrorCode::MalformedPolicyDocument, e.message))?,
            ),
            None => None,
        };
        let mut extra = Vec::new();
        for tag in session_tags {
            extra
                .push((format!("aws:RequestTag/{}", tag.key), super::context::ContextValue::String(tag.value.clone())));
        }
        if !session_tags.is_empty() {
            extra.push((
                "aws:TagKeys".to_string(),
                super::context::ContextValue::StringList(session_tags.iter().map(|t| t.key.clone()).collect()),
            ));
        }
        let mut actions = vec!["sts:AssumeRole"];
        if !session_tags.is_empty() {
            actions.push("sts:TagSession");
        }
        for action in actions {
            let request = AuthorizationRequest {
                call,
                action,
                resource_arn: role_arn,
                resource_account: &role.account,
                resource_kind: ResourceKind::Role,
                resource_policy: Some(&role.trust_policy),
                resource_tags: &[],
                grants: &[],
                grant_tokens: &[],
                extra_context: &extra,
                now,
            };
            let decision = authorize(self, &request);
            if !decision.is_allowed() {
                return Err(decision.access_denied_error(&request));
            }
        }
        let arn = format!("arn:aws:sts::{}:assumed-role/{}/{}", role.account, role.name, session_name);
        let session = Session {
            access_key_id: unique_id("ASIA", &format!("{arn}@{}", now.millis())),
            arn,
            role_arn: role.arn(),
            account: role.account.clone(),
            session_name: session_name.to_string(),
            session_policies: session_doc.into_iter().collect(),
            session_tags: session_tags.to_vec(),
            source_arn: call.caller.arn.clone(),
            expires: now.plus_millis(i64::from(duration) * 1000),
        };
        self.sessions.push(session.clone());
        Ok(session)
    }
}
