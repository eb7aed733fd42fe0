//! Who the caller is, and how a `Principal` / `NotPrincipal` element names it.
//!
//! A resource policy can name the caller at different levels, and the level
//! changes the decision (IAM User Guide, "Policy evaluation for requests
//! within a single account"): naming a user ARN or an assumed-role *session*
//! ARN grants directly; naming the *role* ARN grants but stays capped by a
//! permissions boundary or session policy; naming the *account* only
//! delegates to the account's identity policies.

use super::document::{PrincipalElement, PrincipalKind};
use serde::{Deserialize, Serialize};

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

/// The caller, resolved from its ARN (and the world, for paths and tags).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallerIdentity {
    /// The ARN the request was signed as (session ARN for sessions).
    pub arn: String,
    /// `aws:PrincipalArn`: the role ARN (with path) for sessions, else `arn`.
    pub principal_arn: String,
    /// The caller's account (empty for service principals).
    pub account: String,
    /// Kind.
    pub kind: PrincipalType,
    /// User, role or federated-user name, when there is one.
    pub name: Option<String>,
    /// Session name for role sessions.
    pub session_name: Option<String>,
}

impl CallerIdentity {
    /// Resolves an ARN (or a service principal name) without consulting the world;
    /// role ARNs of sessions get no path here (the world fills it in).
    pub fn from_arn(arn: &str, account_hint: &str) -> CallerIdentity {
        let mut identity = CallerIdentity {
            arn: arn.to_string(),
            principal_arn: arn.to_string(),
            account: account_hint.to_string(),
            kind: PrincipalType::Anonymous,
            name: None,
            session_name: None,
        };
        if arn.ends_with(".amazonaws.com") && !arn.starts_with("arn:") {
            identity.kind = PrincipalType::Service;
            identity.account = String::new();
            return identity;
        }
        let mut parts = arn.splitn(6, ':');
        let (service, account, resource) =
            match (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some("arn"), Some(_), Some(service), Some(_), Some(account), Some(resource)) => {
                    (service, account, resource)
                }
                _ => return identity,
            };
        identity.account = account.to_string();
        match service {
            "iam" if resource == "root" => identity.kind = PrincipalType::Account,
            "iam" if resource.starts_with("user/") => {
                identity.kind = PrincipalType::User;
                identity.name = resource.rsplit('/').next().map(str::to_string);
            }
            "iam" if resource.starts_with("role/") => {
                identity.kind = PrincipalType::Role;
                identity.name = resource.rsplit('/').next().map(str::to_string);
            }
            "sts" if resource.starts_with("assumed-role/") => {
                let mut pieces = resource.splitn(3, '/').skip(1);
                let role = pieces.next().unwrap_or("");
                identity.kind = PrincipalType::AssumedRole;
                identity.name = Some(role.to_string());
                identity.session_name = pieces.next().map(str::to_string);
                identity.principal_arn = format!("arn:aws:iam::{account}:role/{role}");
            }
            "sts" if resource.starts_with("federated-user/") => {
                identity.kind = PrincipalType::FederatedUser;
                identity.name = resource.strip_prefix("federated-user/").map(str::to_string);
            }
            _ => {}
        }
        identity
    }

    /// The account root ARN of the caller's account.
    pub fn account_root_arn(&self) -> String {
        format!("arn:aws:iam::{}:root", self.account)
    }

    /// Whether the caller is a session of a service-linked role (path
    /// `/aws-service-role/`): SCPs and RCPs do not apply to those.
    pub fn is_service_linked_role(&self) -> bool {
        self.principal_arn.contains(":role/aws-service-role/")
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

/// Whether a principal value names `account` (`"111122223333"` or its root ARN).
fn names_account(value: &str, account: &str) -> bool {
    if account.is_empty() {
        return false;
    }
    value == account
        || (value.starts_with("arn:") && value.ends_with(":root") && value.split(':').nth(4) == Some(account))
}

/// How `value` (one `AWS` principal entry) names the caller.
fn aws_entry_match(value: &str, caller: &CallerIdentity) -> PrincipalMatch {
    match caller.kind {
        PrincipalType::Service | PrincipalType::Anonymous => PrincipalMatch::None,
        PrincipalType::Account => {
            if names_account(value, &caller.account) {
                PrincipalMatch::Account
            } else {
                PrincipalMatch::None
            }
        }
        _ => {
            if value == caller.arn {
                PrincipalMatch::Direct
            } else if caller.kind == PrincipalType::AssumedRole && value == caller.principal_arn {
                PrincipalMatch::Role
            } else if names_account(value, &caller.account) {
                PrincipalMatch::Account
            } else {
                PrincipalMatch::None
            }
        }
    }
}

/// How a positive `Principal` element names the caller (the strongest entry wins).
pub fn principal_match(element: &PrincipalElement, caller: &CallerIdentity) -> PrincipalMatch {
    if element.any {
        return PrincipalMatch::Direct;
    }
    let mut best = PrincipalMatch::None;
    for (kind, value) in &element.entries {
        let found = match kind {
            PrincipalKind::Aws => aws_entry_match(value, caller),
            PrincipalKind::Service if caller.is_service() && value.eq_ignore_ascii_case(&caller.arn) => {
                PrincipalMatch::Direct
            }
            PrincipalKind::Federated if caller.kind == PrincipalType::FederatedUser && value == &caller.arn => {
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
pub fn not_principal_excludes(element: &PrincipalElement, caller: &CallerIdentity) -> bool {
    if element.any {
        return true;
    }
    let listed = |wanted: &str, kind: PrincipalKind| element.entries.iter().any(|(k, v)| *k == kind && v == wanted);
    let account_listed =
        || element.entries.iter().any(|(k, v)| *k == PrincipalKind::Aws && names_account(v, &caller.account));
    match caller.kind {
        PrincipalType::Service => listed(&caller.arn, PrincipalKind::Service),
        PrincipalType::Anonymous => false,
        PrincipalType::Account => account_listed(),
        PrincipalType::User | PrincipalType::FederatedUser | PrincipalType::Role => {
            listed(&caller.arn, PrincipalKind::Aws) && account_listed()
        }
        PrincipalType::AssumedRole => {
            listed(&caller.arn, PrincipalKind::Aws)
                && listed(&caller.principal_arn, PrincipalKind::Aws)
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
        assert_eq!(user.name.as_deref(), Some("bob"));
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
