//! The state Secrets Manager keeps: secrets, their versions (ciphertext only),
//! rotation settings, replicas, and the simulated databases rotation targets.

use super::database::Database;
use super::envelope::Sealed;
use crate::bytes::Blob;
use crate::clock::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The staging label of the current version.
pub const AWSCURRENT: &str = "AWSCURRENT";
/// The staging label of the version being rotated in.
pub const AWSPENDING: &str = "AWSPENDING";
/// The staging label of the version AWSCURRENT last moved away from.
pub const AWSPREVIOUS: &str = "AWSPREVIOUS";
/// Most versions a secret keeps (deprecated ones beyond this are pruned).
pub const MAX_VERSIONS: usize = 100;
/// Most staging labels on one version.
pub const MAX_LABELS_PER_VERSION: usize = 20;
/// Largest SecretString / SecretBinary, in bytes.
pub const MAX_SECRET_BYTES: usize = 65_536;

/// Everything Secrets Manager holds, across accounts and regions.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SecretsState {
    /// Secrets by ARN.
    pub secrets: BTreeMap<String, Secret>,
    /// Simulated databases (rotation targets) by host name.
    pub databases: BTreeMap<String, Database>,
}

/// A tag, shaped as Secrets Manager sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// `Key`.
    pub key: String,
    /// `Value`.
    pub value: String,
}

/// `RotationRules`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationRules {
    /// `AutomaticallyAfterDays` (1–1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatically_after_days: Option<i64>,
    /// `Duration` (`1h`–`24h`): the rotation window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// `ScheduleExpression`: `rate(N days|hours)` or `cron(...)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_expression: Option<String>,
}

/// The last rotation that failed, kept until a rotation succeeds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationFailure {
    /// When.
    pub at: Timestamp,
    /// The step that failed (`createSecret`, …) or `invoke`.
    pub step: String,
    /// The version (ClientRequestToken) being rotated in.
    pub version_id: String,
    /// What went wrong (never a secret value).
    pub message: String,
}

/// One replica's status, as the primary reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Replica {
    /// The replica's region.
    pub region: String,
    /// The key the replica is encrypted with (as given; `None` = `aws/secretsmanager`).
    pub kms_key_id: Option<String>,
    /// `InSync`, `Failed` or `InProgress`.
    pub status: String,
    /// Why, when it failed.
    pub status_message: Option<String>,
}

/// One version of a secret's value.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretVersion {
    /// The version id (the ClientRequestToken that created it).
    pub id: String,
    /// When it was created.
    pub created: Timestamp,
    /// Its staging labels.
    pub stages: Vec<String>,
    /// The encrypted value; `None` for the placeholder a rotation creates
    /// before its createSecret step stores the value.
    pub sealed: Option<Sealed>,
    /// Whether the value is a SecretBinary (else a SecretString).
    pub binary: bool,
    /// The ARN of the KMS key that protects this version.
    pub kms_key_arn: String,
    /// When it was last read (a date, as AWS rounds it).
    pub last_accessed: Option<Timestamp>,
    /// The same data key wrapped again under the keys the secret was moved to
    /// while this version carried AWSCURRENT, AWSPENDING or AWSPREVIOUS
    /// (UpdateSecret with a new KmsKeyId), newest last. The original wrapping
    /// in `sealed` stays, so either key decrypts the version, as AWS documents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rewrapped: Vec<WrappedKey>,
}

/// A version's data key, encrypted under one more KMS key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedKey {
    /// The ARN of the KMS key.
    pub kms_key_arn: String,
    /// The data key, encrypted by KMS under that key (same encryption context).
    pub encrypted_data_key: Blob,
}

impl SecretVersion {
    /// The ARNs of every KMS key that can decrypt it (`KmsKeyIds`), oldest first.
    pub fn kms_key_arns(&self) -> Vec<String> {
        std::iter::once(self.kms_key_arn.clone())
            .filter(|arn| !arn.is_empty())
            .chain(self.rewrapped.iter().map(|w| w.kms_key_arn.clone()))
            .collect()
    }

    /// Whether it carries `label`.
    pub fn has(&self, label: &str) -> bool {
        self.stages.iter().any(|s| s == label)
    }
}

/// A secret.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    /// `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 chars>`.
    pub arn: String,
    /// The friendly name.
    pub name: String,
    /// Owner account.
    pub account: String,
    /// Region.
    pub region: String,
    /// `Description`.
    pub description: Option<String>,
    /// `KmsKeyId` as given (`None`: the AWS managed key `aws/secretsmanager`).
    pub kms_key_id: Option<String>,
    /// `Tags`.
    pub tags: Vec<Tag>,
    /// `CreatedDate`.
    pub created: Timestamp,
    /// `LastChangedDate`.
    pub last_changed: Timestamp,
    /// `LastAccessedDate` (a day).
    pub last_accessed: Option<Timestamp>,
    /// `LastRotatedDate`.
    pub last_rotated: Option<Timestamp>,
    /// `DeletedDate`: when deletion was requested.
    pub deleted: Option<Timestamp>,
    /// When the secret is purged (set while scheduled for deletion).
    pub deletion_date: Option<Timestamp>,
    /// `RotationEnabled`.
    pub rotation_enabled: bool,
    /// `RotationLambdaARN`.
    pub rotation_lambda_arn: Option<String>,
    /// `RotationRules`.
    pub rotation_rules: Option<RotationRules>,
    /// `NextRotationDate`.
    pub next_rotation: Option<Timestamp>,
    /// The last failed rotation (cleared by a successful one).
    pub last_rotation_failure: Option<RotationFailure>,
    /// Versions, oldest first.
    pub versions: Vec<SecretVersion>,
    /// The resource policy.
    pub policy: Option<String>,
    /// For a replica: the primary's region.
    pub primary_region: Option<String>,
    /// For a primary: its replicas.
    pub replicas: Vec<Replica>,
}

impl Secret {
    /// The version carrying `label`.
    pub fn version_with(&self, label: &str) -> Option<&SecretVersion> {
        self.versions.iter().find(|v| v.has(label))
    }

    /// The version `id`.
    pub fn version(&self, id: &str) -> Option<&SecretVersion> {
        self.versions.iter().find(|v| v.id == id)
    }

    /// The version `id`, mutably.
    pub fn version_mut(&mut self, id: &str) -> Option<&mut SecretVersion> {
        self.versions.iter_mut().find(|v| v.id == id)
    }

    /// `VersionIdsToStages`.
    pub fn version_stages(&self) -> BTreeMap<String, Vec<String>> {
        self.versions.iter().filter(|v| !v.stages.is_empty()).map(|v| (v.id.clone(), v.stages.clone())).collect()
    }

    /// Whether the secret is scheduled for deletion.
    pub fn is_deleted(&self) -> bool {
        self.deletion_date.is_some()
    }

    /// A rotation left unfinished: AWSPENDING on a version that is not AWSCURRENT.
    pub fn unfinished_rotation(&self) -> Option<&SecretVersion> {
        self.versions.iter().find(|v| v.has(AWSPENDING) && !v.has(AWSCURRENT))
    }
}
