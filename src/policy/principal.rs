//! Who the caller is, and how a `Principal` / `NotPrincipal` element names it.
//!
//! A resource policy can name the caller at different levels, and the level
//! changes the decision (IAM User Guide, "Policy evaluation for requests
//! within a single account"): naming a user ARN or an assumed-role *session*
//! ARN grants directly; naming the *role* ARN grants but stays capped by a
//! permissions boundary or session policy; naming the *account* only
//! delegates to the account's identity policies.

use super::compare::{contains, same, starts_with, strip_prefix};
use super::document::{PrincipalElement, PrincipalKind};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// What kind of principal is calling (`aws:PrincipalType` values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrincipalType {
    /// An account's root user.
    Account,
    /// An IAM user.
    User,
    /// A role session (`assumed-role/…`).
    AssumedRole,
    /// A federated user (`federated-user/…`).
    FederatedUser,
    /// An IAM role calling as its role ARN (rare; treated like a session without session policies).
    Role,
    /// An AWS service principal (`secretsmanager.amazonaws.com`).
    Service,
    /// Something that is none of the above (anonymous).
    Anonymous,
}

impl PrincipalType {
    /// The value AWS puts in `aws:PrincipalType`.
    pub fn context_value(self) -> &'static str {
        match self {
            PrincipalType::Account => "Account",
            PrincipalType::User => "User",
            PrincipalType::AssumedRole | PrincipalType::Role => "AssumedRole",
            PrincipalType::FederatedUser => "FederatedUser",
            PrincipalType::Service => "Service",
            PrincipalType::Anonymous => "Anonymous",
        }
    }
}

/// `aws:PrincipalArn`: the caller's own ARN, or for a role session its role's
/// ARN, kept in pieces so that resolving a caller never formats a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalArn<'a> {
    /// The ARN exactly as the caller signed it.
    Whole(&'a str),
    /// `arn:aws:iam::<account>:role<path><name>`.
    Role {
        /// The role's account.
        account: &'a str,
        /// The role's path (`/` by default).
        path: &'a str,
        /// The role's name.
        name: &'a str,
    },
}

const ROLE_ARN_HEAD: &str = "arn:aws:iam::";

impl<'a> PrincipalArn<'a> {
    /// Whether `text` is this ARN, compared piecewise.
    pub fn matches(&self, text: &str) -> bool {
        match *self {
            PrincipalArn::Whole(arn) => same(arn, text),
            PrincipalArn::Role { account, path, name } => strip_prefix(text, ROLE_ARN_HEAD)
                .and_then(|r| strip_prefix(r, account))
                .and_then(|r| strip_prefix(r, ":role"))
                .and_then(|r| strip_prefix(r, path))
                .is_some_and(|r| same(r, name)),
        }
    }

    /// The ARN as text (formats only for a role session).
    pub fn text(&self) -> Cow<'a, str> {
        match *self {
            PrincipalArn::Whole(arn) => Cow::Borrowed(arn),
            PrincipalArn::Role { account, path, name } => {
                Cow::Owned(format!("{ROLE_ARN_HEAD}{account}:role{path}{name}"))
            }
        }
    }

    /// Whether the ARN contains `:role/aws-service-role/` (a service-linked role).
    pub fn is_service_linked_role(&self) -> bool {
        const NEEDLE: &str = ":role/aws-service-role/";
        match *self {
            PrincipalArn::Whole(arn) => contains(arn, NEEDLE),
            // The needle can straddle the pieces, so render them, but only
            // when some piece could be part of it (almost never).
            PrincipalArn::Role { account, path, name } => {
                let maybe =
                    [account, path, name].iter().any(|p| contains(p, "aws-service-role") || contains(p, ":role"));
                maybe && contains(&self.text(), NEEDLE)
            }
        }
    }
}

impl PartialEq<&str> for PrincipalArn<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.matches(other)
    }
}

impl std::fmt::Display for PrincipalArn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            PrincipalArn::Whole(arn) => f.write_str(arn),
            PrincipalArn::Role { account, path, name } => write!(f, "{ROLE_ARN_HEAD}{account}:role{path}{name}"),
        }
    }
}

impl Serialize for PrincipalArn<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Splits `text` at its first `:` (byte search: these are hot and short).
fn split_colon(text: &str) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == b':')?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// The six fields of an ARN (`arn:partition:service:region:account:resource`),
/// the resource keeping any further colons; `None` when there are fewer.
fn arn_fields(arn: &str) -> Option<[&str; 6]> {
    let (a, rest) = split_colon(arn)?;
    let (partition, rest) = split_colon(rest)?;
    let (service, rest) = split_colon(rest)?;
    let (region, rest) = split_colon(rest)?;
    let (account, resource) = split_colon(rest)?;
    Some([a, partition, service, region, account, resource])
}

/// The text after the last `/` (all of it when there is none).
fn last_segment(text: &str) -> &str {
    match text.bytes().rposition(|b| b == b'/') {
        Some(at) => text.get(at + 1..).unwrap_or(""),
        None => text,
    }
}

/// The caller, resolved from its ARN (and the world, for paths and tags).
/// Borrows everything from the ARN and the world: resolving allocates nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallerIdentity<'a> {
    /// The ARN the request was signed as (session ARN for sessions).
    pub arn: &'a str,
    /// `aws:PrincipalArn`: the role ARN (with path) for sessions, else `arn`.
    pub principal_arn: PrincipalArn<'a>,
    /// The caller's account (empty for service principals).
    pub account: &'a str,
    /// Kind.
    pub kind: PrincipalType,
    /// User, role or federated-user name, when there is one.
    pub name: Option<&'a str>,
    /// Session name for role sessions.
    pub session_name: Option<&'a str>,
}

impl<'a> CallerIdentity<'a> {
    /// Resolves an ARN (or a service principal name) without consulting the world;
    /// role ARNs of sessions get no path here (the world fills it in).
    pub fn from_arn(arn: &'a str, account_hint: &'a str) -> CallerIdentity<'a> {
        let mut identity = CallerIdentity {
            arn,
            principal_arn: PrincipalArn::Whole(arn),
            account: account_hint,
            kind: PrincipalType::Anonymous,
            name: None,
            session_name: None,
        };
        if !starts_with(arn, "arn:") && arn.as_bytes().ends_with(b".amazonaws.com") {
            identity.kind = PrincipalType::Service;
            identity.account = "";
            return identity;
        }
        let [service, account, resource] = match arn_fields(arn) {
            Some(["arn", _, service, _, account, resource]) => [service, account, resource],
            _ => return identity,
        };
        identity.account = account;
        match service {
            "iam" if same(resource, "root") => identity.kind = PrincipalType::Account,
            "iam" if starts_with(resource, "user/") => {
                identity.kind = PrincipalType::User;
                identity.name = Some(last_segment(resource));
            }
            "iam" if starts_with(resource, "role/") => {
                identity.kind = PrincipalType::Role;
                identity.name = Some(last_segment(resource));
            }
            "sts" => {
                if let Some(rest) = strip_prefix(resource, "assumed-role/") {
                    let (role, session) = match rest.bytes().position(|b| b == b'/') {
                        Some(at) => (rest.get(..at).unwrap_or(""), rest.get(at + 1..)),
                        None => (rest, None),
                    };
                    identity.kind = PrincipalType::AssumedRole;
                    identity.name = Some(role);
                    identity.session_name = session;
                    identity.principal_arn = PrincipalArn::Role { account, path: "/", name: role };
                } else if let Some(name) = strip_prefix(resource, "federated-user/") {
                    identity.kind = PrincipalType::FederatedUser;
                    identity.name = Some(name);
                }
            }
            _ => {}
        }
        identity
    }

    /// The account root ARN of the caller's account.
    pub fn account_root_arn(&self) -> String {
        format!("{ROLE_ARN_HEAD}{}:root", self.account)
    }

    /// Whether `text` is the caller's account root ARN (`arn:aws:iam::<acct>:root`).
    pub fn is_account_root_arn(&self, text: &str) -> bool {
        strip_prefix(text, ROLE_ARN_HEAD).and_then(|r| strip_prefix(r, self.account)).is_some_and(|r| same(r, ":root"))
    }

    /// Whether the caller is a session of a service-linked role (path
    /// `/aws-service-role/`): SCPs and RCPs do not apply to those.
    pub fn is_service_linked_role(&self) -> bool {
        self.principal_arn.is_service_linked_role()
    }

    /// Whether the caller is an AWS service principal.
    pub fn is_service(&self) -> bool {
        self.kind == PrincipalType::Service
    }
}

/// How a `Principal` element matched the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PrincipalMatch {
    /// It did not.
    None,
    /// Through the caller's account (delegation to identity policies).
    Account,
    /// Through the role ARN of a session (capped by boundary and session policies).
    Role,
    /// Through the caller's own ARN (user, session, service), or `*`.
    Direct,
}

/// Whether a principal value names `account` (`"111122223333"` or its root ARN:
/// an `arn:` value ending in `:root` whose fifth field is the account).
fn names_account(value: &str, account: &str) -> bool {
    if account.is_empty() {
        return false;
    }
    if same(value, account) {
        return true;
    }
    if !starts_with(value, "arn:") || !value.as_bytes().ends_with(b":root") {
        return false;
    }
    // The usual spelling puts the fifth field at a known offset.
    if let (Some(rest), false) = (strip_prefix(value, ROLE_ARN_HEAD), account.bytes().any(|b| b == b':')) {
        return strip_prefix(rest, account).is_some_and(|r| r.is_empty() || r.starts_with(':'));
    }
    nth_field(value, 4) == Some(account)
}

/// The `n`-th (0-based) `:`-separated field of `text`, whether or not more follow.
fn nth_field(text: &str, n: usize) -> Option<&str> {
    let mut start = 0;
    let mut field = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b':' {
            if field == n {
                return text.get(start..i);
            }
            field += 1;
            start = i + 1;
        }
    }
    if field == n {
        text.get(start..)
    } else {
        None
    }
}

/// How `value` (one `AWS` principal entry) names the caller.
fn aws_entry_match(value: &str, caller: &CallerIdentity<'_>) -> PrincipalMatch {
    match caller.kind {
        PrincipalType::Service | PrincipalType::Anonymous => PrincipalMatch::None,
        PrincipalType::Account => {
            if names_account(value, caller.account) {
                PrincipalMatch::Account
            } else {
                PrincipalMatch::None
            }
        }
        _ => {
            if same(value, caller.arn) {
                PrincipalMatch::Direct
            } else if caller.kind == PrincipalType::AssumedRole && caller.principal_arn.matches(value) {
                PrincipalMatch::Role
            } else if names_account(value, caller.account) {
                PrincipalMatch::Account
            } else {
                PrincipalMatch::None
            }
        }
    }
}

/// How a positive `Principal` element names the caller (the strongest entry wins).
pub fn principal_match(element: &PrincipalElement, caller: &CallerIdentity<'_>) -> PrincipalMatch {
    if element.any {
        return PrincipalMatch::Direct;
    }
    let mut best = PrincipalMatch::None;
    for (kind, value) in &element.entries {
        let found = match kind {
            PrincipalKind::Aws => aws_entry_match(value, caller),
            PrincipalKind::Service if caller.is_service() && value.eq_ignore_ascii_case(caller.arn) => {
                PrincipalMatch::Direct
            }
            PrincipalKind::Federated if caller.kind == PrincipalType::FederatedUser && value == caller.arn => {
                PrincipalMatch::Direct
            }
            _ => PrincipalMatch::None,
        };
        best = best.max(found);
    }
    best
}

/// Whether a `NotPrincipal` element excludes the caller: every link of the
/// caller's chain (account, role, session / user) must be listed, because
/// AWS may evaluate each link separately (IAM User Guide, "NotPrincipal").
pub fn not_principal_excludes(element: &PrincipalElement, caller: &CallerIdentity<'_>) -> bool {
    if element.any {
        return true;
    }
    let listed = |wanted: &str, kind: PrincipalKind| element.entries.iter().any(|(k, v)| *k == kind && v == wanted);
    let account_listed =
        || element.entries.iter().any(|(k, v)| *k == PrincipalKind::Aws && names_account(v, caller.account));
    match caller.kind {
        PrincipalType::Service => listed(caller.arn, PrincipalKind::Service),
        PrincipalType::Anonymous => false,
        PrincipalType::Account => account_listed(),
        PrincipalType::User | PrincipalType::FederatedUser | PrincipalType::Role => {
            listed(caller.arn, PrincipalKind::Aws) && account_listed()
        }
        PrincipalType::AssumedRole => {
            listed(caller.arn, PrincipalKind::Aws)
                && element.entries.iter().any(|(k, v)| *k == PrincipalKind::Aws && caller.principal_arn.matches(v))
                && account_listed()
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn element(values: &[&str]) -> PrincipalElement {
        PrincipalElement {
            negated: false,
            any: false,
            entries: values.iter().map(|v| (PrincipalKind::Aws, v.to_string())).collect(),
        }
    }

    #[test]
    fn levels_of_naming() {
        let session = CallerIdentity::from_arn("arn:aws:sts::111122223333:assumed-role/App/s1", "111122223333");
        assert_eq!(session.principal_arn, "arn:aws:iam::111122223333:role/App");
        assert_eq!(
            principal_match(&element(&["arn:aws:sts::111122223333:assumed-role/App/s1"]), &session),
            PrincipalMatch::Direct
        );
        assert_eq!(principal_match(&element(&["arn:aws:iam::111122223333:role/App"]), &session), PrincipalMatch::Role);
        assert_eq!(principal_match(&element(&["111122223333"]), &session), PrincipalMatch::Account);
        assert_eq!(principal_match(&element(&["arn:aws:iam::111122223333:root"]), &session), PrincipalMatch::Account);
        assert_eq!(principal_match(&element(&["arn:aws:iam::444455556666:root"]), &session), PrincipalMatch::None);
        let user = CallerIdentity::from_arn("arn:aws:iam::111122223333:user/ops/bob", "111122223333");
        assert_eq!(user.name, Some("bob"));
        assert_eq!(
            principal_match(&element(&["arn:aws:iam::111122223333:user/ops/bob"]), &user),
            PrincipalMatch::Direct
        );
    }

    #[test]
    fn not_principal_needs_the_whole_chain() {
        let session = CallerIdentity::from_arn("arn:aws:sts::111122223333:assumed-role/App/s1", "111122223333");
        let partial = element(&["arn:aws:sts::111122223333:assumed-role/App/s1", "arn:aws:iam::111122223333:root"]);
        assert!(!not_principal_excludes(&partial, &session));
        let full = element(&[
            "arn:aws:sts::111122223333:assumed-role/App/s1",
            "arn:aws:iam::111122223333:role/App",
            "arn:aws:iam::111122223333:root",
        ]);
        assert!(not_principal_excludes(&full, &session));
        let service = CallerIdentity::from_arn("kms.amazonaws.com", "");
        assert!(service.is_service());
    }
}
