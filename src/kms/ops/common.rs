//! Shapes shared by several KMS operations.

use crate::clock::{epoch_seconds, Timestamp};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::model::{Key, KeyManager, Tag};
use crate::kms::validate;
use serde::{Deserialize, Serialize};

/// `KeyMetadata`, as DescribeKey / CreateKey return it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyMetadata {
    /// `AWSAccountId`.
    #[serde(rename = "AWSAccountId")]
    pub aws_account_id: String,
    /// `KeyId`.
    pub key_id: String,
    /// `Arn`.
    pub arn: String,
    /// `CreationDate`.
    #[serde(with = "epoch_seconds")]
    pub creation_date: Timestamp,
    /// `Enabled`.
    pub enabled: bool,
    /// `Description`.
    pub description: String,
    /// `KeyUsage`.
    pub key_usage: String,
    /// `KeyState`.
    pub key_state: String,
    /// `DeletionDate`.
    #[serde(default, with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<Timestamp>,
    /// `ValidTo`.
    #[serde(default, with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<Timestamp>,
    /// `Origin`.
    pub origin: String,
    /// `ExpirationModel` (EXTERNAL keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_model: Option<String>,
    /// `KeyManager`.
    pub key_manager: KeyManager,
    /// `CustomerMasterKeySpec` (deprecated twin of `KeySpec`).
    pub customer_master_key_spec: String,
    /// `KeySpec`.
    pub key_spec: String,
    /// `EncryptionAlgorithms`.
    pub encryption_algorithms: Vec<String>,
    /// `MultiRegion`.
    pub multi_region: bool,
    /// `PendingDeletionWindowInDays`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_deletion_window_in_days: Option<u32>,
}

impl KeyMetadata {
    /// The metadata of `key`.
    pub fn of(key: &Key) -> Self {
        KeyMetadata {
            aws_account_id: key.account.clone(),
            key_id: key.id.clone(),
            arn: key.arn.clone(),
            creation_date: key.creation_date,
            enabled: key.state == crate::kms::KeyState::Enabled,
            description: key.description.clone(),
            key_usage: key.key_usage.clone(),
            key_state: key.state.as_str().to_string(),
            deletion_date: key.deletion_date,
            valid_to: key.imported.as_ref().and_then(|i| i.valid_to),
            origin: key.origin.as_str().to_string(),
            expiration_model: key.imported.as_ref().map(|i| i.expiration_model.clone()),
            key_manager: key.manager,
            customer_master_key_spec: key.key_spec.clone(),
            key_spec: key.key_spec.clone(),
            encryption_algorithms: vec!["SYMMETRIC_DEFAULT".to_string()],
            multi_region: false,
            pending_deletion_window_in_days: key.pending_window_days,
        }
    }
}

/// The policy AWS gives a key created without one: the account's root (and so
/// IAM policies in the account) may do anything with the key.
pub fn default_key_policy(account: &str) -> String {
    format!(
        r#"{{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {{
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {{
      "AWS" : "arn:aws:iam::{account}:root"
    }},
    "Action" : "kms:*",
    "Resource" : "*"
  }} ]
}}"#
    )
}

/// Checks a tag list as TagResource / CreateKey do.
pub(crate) fn check_tags(tags: &[Tag]) -> AwsResult<()> {
    if tags.len() > 50 {
        return Err(AwsError::new(ErrorCode::TagException, "A key can have at most 50 tags"));
    }
    for (i, tag) in tags.iter().enumerate() {
        validate::length("tags.member.tagKey", &tag.tag_key, 1, 128)?;
        validate::length("tags.member.tagValue", &tag.tag_value, 0, 256)?;
        if tag.tag_key.starts_with("aws:") {
            return Err(AwsError::new(ErrorCode::TagException, "Tag keys beginning with 'aws:' are reserved"));
        }
        if tags.iter().skip(i + 1).any(|t| t.tag_key == tag.tag_key) {
            return Err(AwsError::new(ErrorCode::TagException, format!("Duplicate tag key '{}'", tag.tag_key)));
        }
    }
    Ok(())
}

/// A JSON key policy must at least be a JSON object within 32 KiB.
pub(crate) fn check_policy_text(policy: &str) -> AwsResult<()> {
    validate::length("policy", policy, 1, 32_768)?;
    match serde_json::from_str::<serde_json::Value>(policy) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(AwsError::new(
            ErrorCode::MalformedPolicyDocumentException,
            "The key policy is not a valid JSON policy document.",
        )),
    }
}
