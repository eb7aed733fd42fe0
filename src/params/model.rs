//! The state Parameter Store keeps: parameters and their versions
//! (SecureString values as ciphertext only), labels, tags and policies.

use crate::bytes::Blob;
use crate::clock::Timestamp;
use crate::secrets::envelope::Sealed;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Versions a parameter keeps.
pub const MAX_VERSIONS: usize = 100;
/// Labels one version may carry.
pub const MAX_LABELS_PER_VERSION: usize = 10;
/// Largest Standard-tier value, in bytes.
pub const STANDARD_MAX_BYTES: usize = 4096;
/// Largest Advanced-tier value, in bytes.
pub const ADVANCED_MAX_BYTES: usize = 8192;
/// Standard parameters per account and region.
pub const MAX_STANDARD_PARAMETERS: usize = 10_000;

/// Everything Parameter Store holds, across accounts and regions.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ParamsState {
    /// Parameters by ARN.
    pub parameters: BTreeMap<String, Parameter>,
}

/// A tag, shaped as SSM sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// `Key`.
    pub key: String,
    /// `Value`.
    pub value: String,
}

/// How a value is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StoredValue {
    /// String / StringList: the text.
    Plain(String),
    /// SecureString ≤ 4 KB: a KMS `Encrypt` ciphertext blob.
    Kms(Blob),
    /// SecureString > 4 KB (Advanced): envelope-encrypted under a data key.
    Envelope(Sealed),
}

/// A parameter policy and whether it has acted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParamPolicy {
    /// `Expiration`, `ExpirationNotification` or `NoChangeNotification`.
    pub policy_type: String,
    /// The policy's JSON text.
    pub text: String,
    /// When it acts (computed from its attributes).
    pub due: Timestamp,
    /// `Pending` until it acts, then `Finished`.
    pub status: String,
}

/// One version of a parameter.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParamVersion {
    /// 1, 2, …
    pub version: u64,
    /// `String`, `StringList` or `SecureString`.
    pub param_type: String,
    /// The value (ciphertext for SecureString).
    pub value: StoredValue,
    /// The KMS key (ARN) of a SecureString.
    pub key_id: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `AllowedPattern`.
    pub allowed_pattern: Option<String>,
    /// `DataType`.
    pub data_type: String,
    /// `Tier`.
    pub tier: String,
    /// `Labels`.
    pub labels: Vec<String>,
    /// `LastModifiedDate`.
    pub last_modified: Timestamp,
    /// `LastModifiedUser`.
    pub last_modified_user: String,
    /// The policies' texts when this version was written.
    pub policies: Vec<String>,
}

/// A parameter.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameter {
    /// The name (`/a/b` or `name`).
    pub name: String,
    /// `arn:aws:ssm:<region>:<account>:parameter/<name without leading slash>`.
    pub arn: String,
    /// Owner account.
    pub account: String,
    /// Region.
    pub region: String,
    /// Versions, oldest first.
    pub versions: Vec<ParamVersion>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Policies in force.
    pub policies: Vec<ParamPolicy>,
}

impl Parameter {
    /// The latest version.
    pub fn latest(&self) -> Option<&ParamVersion> {
        self.versions.last()
    }

    /// Version `n`.
    pub fn version(&self, n: u64) -> Option<&ParamVersion> {
        self.versions.iter().find(|v| v.version == n)
    }

    /// The version carrying `label`.
    pub fn labelled(&self, label: &str) -> Option<&ParamVersion> {
        self.versions.iter().find(|v| v.labels.iter().any(|l| l == label))
    }
}
