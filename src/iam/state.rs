//! What the IAM / STS layer keeps beside the policy engine's [`IamWorld`]:
//! the secrets of access keys and session credentials, and creation dates
//! (the world model holds only what decisions need).
//!
//! [`IamWorld`]: crate::policy::IamWorld

use crate::clock::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A long-term access key (an IAM user's, or an account root's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKey {
    /// `AKIA…`, 20 characters.
    pub access_key_id: String,
    /// The secret (40 characters), needed to verify signatures.
    pub secret_access_key: String,
    /// The principal it signs as (a user or root ARN).
    pub principal_arn: String,
    /// The principal's account.
    pub account: String,
    /// The user name (empty for a root key).
    pub user_name: String,
    /// `Active` or `Inactive`.
    pub status: String,
    /// `CreateDate`.
    pub created: Timestamp,
}

/// Temporary credentials handed out by `AssumeRole`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionCredentials {
    /// `ASIA…`, 20 characters.
    pub access_key_id: String,
    /// The secret.
    pub secret_access_key: String,
    /// The session token the request must carry.
    pub session_token: String,
    /// The session's ARN (`arn:aws:sts::<acct>:assumed-role/<role>/<name>`).
    pub session_arn: String,
    /// The role's account.
    pub account: String,
    /// When they stop working (virtual clock).
    pub expiration: Timestamp,
}

/// The IAM / STS layer's own records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IdentityState {
    /// Long-term access keys.
    pub access_keys: Vec<AccessKey>,
    /// Session credentials, kept after expiry so a late use is `ExpiredToken`.
    pub sessions: Vec<SessionCredentials>,
    /// `CreateDate` of users, groups, roles and policies, by ARN.
    pub created: BTreeMap<String, Timestamp>,
    /// `Description` of roles and policies, by ARN.
    pub descriptions: BTreeMap<String, String>,
}

impl IdentityState {
    /// The long-term key with this id.
    pub fn access_key(&self, access_key_id: &str) -> Option<&AccessKey> {
        self.access_keys.iter().find(|k| k.access_key_id == access_key_id)
    }

    /// The session credentials with this access key id.
    pub fn session(&self, access_key_id: &str) -> Option<&SessionCredentials> {
        self.sessions.iter().find(|s| s.access_key_id == access_key_id)
    }
}
