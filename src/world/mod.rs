//! Who is calling, from where, in which account and region.
//!
//! Every simulated call carries a [`CallContext`]: the principal making it
//! (default: the calling account's root), the region of the endpoint, and the
//! request facts that policies can test (source IP, TLS, MFA, the service
//! acting on the caller's behalf).

use serde::{Deserialize, Serialize};

/// The partition every ARN lives in.
pub const PARTITION: &str = "aws";
/// The account a call uses when nothing says otherwise (as in the AWS docs).
pub const DEFAULT_ACCOUNT: &str = "123456789012";
/// The region a call uses when nothing says otherwise.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Whether `text` is a 12-digit AWS account id.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `text` looks like an AWS region name (`us-east-1`, `eu-central-2`, `us-gov-west-1`).
pub fn is_region_name(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// The principal making a call, as the policy engine and the audit trail see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Caller {
    /// The caller's ARN: `arn:aws:iam::<acct>:root`, `…:user/<name>`,
    /// `…:role/<name>` (rarely), or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`.
    pub arn: String,
    /// The caller's account.
    pub account: String,
    /// The access key the request was signed with, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
}

impl Caller {
    /// The root user of `account`.
    pub fn account_root(account: &str) -> Self {
        Caller {
            arn: format!("arn:{PARTITION}:iam::{account}:root"),
            account: account.to_string(),
            access_key_id: None,
        }
    }

    /// The default account's root: the caller when nobody says otherwise.
    pub fn default_root() -> Self {
        Self::account_root(DEFAULT_ACCOUNT)
    }

    /// A caller from a principal ARN (root, user, role or assumed-role session).
    /// Returns `None` when the ARN names no IAM or STS principal.
    pub fn from_arn(arn: &str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        let (arn_word, partition, service, region, account, resource) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let principal_like = match service {
            "iam" => resource == "root" || resource.starts_with("user/") || resource.starts_with("role/"),
            "sts" => resource.starts_with("assumed-role/") || resource.starts_with("federated-user/"),
            _ => false,
        };
        if arn_word != "arn"
            || partition != PARTITION
            || !region.is_empty()
            || !is_account_id(account)
            || !principal_like
        {
            return None;
        }
        Some(Caller { arn: arn.to_string(), account: account.to_string(), access_key_id: None })
    }

    /// Whether this is an account's root user.
    pub fn is_root(&self) -> bool {
        self.arn.ends_with(":root")
    }
}

/// Everything about one request that is not its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallContext {
    /// Who is calling.
    pub caller: Caller,
    /// The region of the endpoint called.
    pub region: String,
    /// `aws:SourceIp`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<String>,
    /// `aws:SecureTransport` (true unless a front end says the request came over plain HTTP).
    #[serde(default = "default_true")]
    pub secure_transport: bool,
    /// `aws:MultiFactorAuthPresent`, when the credentials say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_present: Option<bool>,
    /// `userAgent` in the audit trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Set when an AWS service (Secrets Manager, Parameter Store) calls KMS on
    /// the caller's behalf: `kms:ViaService`, e.g. `secretsmanager.us-east-1.amazonaws.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via_service: Option<String>,
}

fn default_true() -> bool {
    true
}

impl CallContext {
    /// A call by `caller` in `region`, over TLS, with nothing else known.
    pub fn new(caller: Caller, region: &str) -> Self {
        CallContext {
            caller,
            region: region.to_string(),
            source_ip: None,
            secure_transport: true,
            mfa_present: None,
            user_agent: None,
            via_service: None,
        }
    }

    /// The default account's root in the default region.
    pub fn default_root() -> Self {
        Self::new(Caller::default_root(), DEFAULT_REGION)
    }

    /// The same caller, now acting through `service` (e.g. `secretsmanager`),
    /// which sets `kms:ViaService` for the KMS calls it makes.
    pub fn via(&self, service: &str) -> Self {
        let mut ctx = self.clone();
        ctx.via_service = Some(format!("{service}.{}.amazonaws.com", self.region));
        ctx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_parse_from_principal_arns() {
        let root = Caller::from_arn("arn:aws:iam::111122223333:root").unwrap();
        assert!(root.is_root());
        assert_eq!(root.account, "111122223333");
        assert!(Caller::from_arn("arn:aws:sts::111122223333:assumed-role/Admin/alice").is_some());
        assert!(Caller::from_arn("arn:aws:iam::111122223333:user/bob").is_some());
        for bad in ["", "arn:aws:s3:::bucket", "arn:aws:iam::1234:root", "arn:aws:iam:us-east-1:111122223333:root"] {
            assert!(Caller::from_arn(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn region_and_account_checks() {
        assert!(is_region_name("us-east-1") && is_region_name("us-gov-west-1"));
        assert!(!is_region_name("useast1") && !is_region_name("us-east-") && !is_region_name("US-EAST-1"));
        assert!(is_account_id("123456789012") && !is_account_id("12345678901a"));
    }
}
