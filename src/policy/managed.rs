//! Policies AWS writes for you: a few AWS managed IAM policies, the default
//! key policy, and the key policies of AWS managed keys (`aws/secretsmanager`,
//! `aws/ssm`).

use super::document::PolicyDocument;
use super::iam::ManagedPolicy;
use std::sync::OnceLock;

/// The ARN prefix of AWS managed policies.
pub const AWS_MANAGED_PREFIX: &str = "arn:aws:iam::aws:policy/";

/// The AWS managed policies kmsim knows, by name, with the statements that
/// matter for KMS, Secrets Manager and Parameter Store.
const CATALOGUE: &[(&str, &str)] = &[
    ("AdministratorAccess", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#),
    (
        "PowerUserAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization","account:ListRegions","account:GetAccountInformation"],"Resource":"*"}]}"#,
    ),
    (
        "ReadOnlyAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Describe*","kms:Get*","kms:List*","secretsmanager:DescribeSecret","secretsmanager:GetResourcePolicy","secretsmanager:ListSecrets","secretsmanager:ListSecretVersionIds","ssm:Describe*","ssm:Get*","ssm:List*","iam:Get*","iam:List*","sts:GetCallerIdentity"],"Resource":"*"}]}"#,
    ),
    (
        "AWSKeyManagementServicePowerUser",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:CreateAlias","kms:CreateKey","kms:DeleteAlias","kms:Describe*","kms:GenerateRandom","kms:Get*","kms:List*","kms:TagResource","kms:UntagResource","iam:ListGroups","iam:ListRoles","iam:ListUsers"],"Resource":"*"}]}"#,
    ),
    (
        "SecretsManagerReadWrite",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:*","kms:DescribeKey","kms:ListAliases","kms:ListKeys"],"Resource":"*"}]}"#,
    ),
    (
        "AmazonSSMReadOnlyAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:Describe*","ssm:Get*","ssm:List*"],"Resource":"*"}]}"#,
    ),
];

/// An AWS managed policy from the catalogue, by ARN.
pub fn aws_managed_policy(arn: &str) -> Option<ManagedPolicy> {
    let name = arn.strip_prefix(AWS_MANAGED_PREFIX)?;
    let (_, text) = CATALOGUE.iter().find(|(n, _)| *n == name)?;
    let document = PolicyDocument::parse(text).ok()?;
    Some(ManagedPolicy { arn: arn.to_string(), name: name.to_string(), document })
}

/// Names of the catalogued AWS managed policies.
pub fn aws_managed_policy_names() -> impl Iterator<Item = &'static str> {
    CATALOGUE.iter().map(|(n, _)| *n)
}

/// A shared empty policy (allows nothing): what a boundary that names a
/// missing policy amounts to.
pub fn deny_nothing_allow_nothing() -> &'static PolicyDocument {
    static EMPTY: OnceLock<PolicyDocument> = OnceLock::new();
    EMPTY.get_or_init(PolicyDocument::empty)
}

/// The default key policy KMS gives a key created without one: the
/// account may use IAM policies to allow access to the key.
pub fn default_key_policy_text(account: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Id":"key-default-1","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    )
}

/// The key policy of an AWS managed key (`aws/<service>`): any principal of
/// the account may use the key through the service (`kms:ViaService` +
/// `kms:CallerAccount`), and the account may read its metadata directly.
pub fn aws_managed_key_policy_text(account: &str, region: &str, service: &str) -> String {
    let via = format!("{service}.{region}.amazonaws.com");
    let sid = format!(
        "Allow access through {} for all principals in the account that are authorized to use {}",
        service_title(service),
        service_title(service)
    );
    format!(
        r#"{{"Version":"2012-10-17","Id":"auto-{service}-2","Statement":[{{"Sid":"{sid}","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:CreateGrant","kms:DescribeKey"],"Resource":"*","Condition":{{"StringEquals":{{"kms:CallerAccount":"{account}","kms:ViaService":"{via}"}}}}}},{{"Sid":"{sid}","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"kms:GenerateDataKey*","Resource":"*","Condition":{{"StringEquals":{{"kms:CallerAccount":"{account}"}},"StringLike":{{"kms:ViaService":"{via}"}}}}}},{{"Sid":"Allow direct access to key metadata to the account","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"],"Resource":"*"}}]}}"#
    )
}

fn service_title(service: &str) -> &str {
    match service {
        "secretsmanager" => "AWS Secrets Manager",
        "ssm" => "AWS Systems Manager Parameter Store",
        other => other,
    }
}

/// The default key policy, parsed.
pub fn default_key_policy(account: &str) -> PolicyDocument {
    PolicyDocument::parse(&default_key_policy_text(account)).unwrap_or_else(|_| PolicyDocument::empty())
}

/// An AWS managed key's policy, parsed.
pub fn aws_managed_key_policy(account: &str, region: &str, service: &str) -> PolicyDocument {
    PolicyDocument::parse(&aws_managed_key_policy_text(account, region, service))
        .unwrap_or_else(|_| PolicyDocument::empty())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn generated_policies_parse() {
        assert!(PolicyDocument::parse(&default_key_policy_text("111122223333")).is_ok());
        assert!(
            PolicyDocument::parse(&aws_managed_key_policy_text("111122223333", "us-east-1", "secretsmanager")).is_ok()
        );
        assert!(PolicyDocument::parse(&aws_managed_key_policy_text("111122223333", "us-east-1", "ssm")).is_ok());
        for name in aws_managed_policy_names() {
            assert!(aws_managed_policy(&format!("{AWS_MANAGED_PREFIX}{name}")).is_some(), "{name}");
        }
        assert!(aws_managed_policy("arn:aws:iam::aws:policy/Nope").is_none());
        assert!(deny_nothing_allow_nothing().statements().is_empty());
    }
}
