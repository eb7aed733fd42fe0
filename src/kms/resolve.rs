//! Finding the key a request names (key id, key ARN, alias name or alias ARN),
//! and refusing keys whose state forbids the operation.

use super::model::{Key, KeyState, KmsState};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::world::{is_account_id, CallContext, PARTITION};

/// A key found by a request, with how it was named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedKey {
    /// The key's ARN (the map key in [`KmsState::keys`]).
    pub arn: String,
    /// The alias name the request used, if any (`kms:RequestAlias`).
    pub via_alias: Option<String>,
}

/// What an operation needs of the key's state (the rows of AWS's key-state table);
/// reading metadata, policies, grants and tags needs no check at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Use {
    /// Cryptographic operations: only `Enabled`.
    Crypto,
    /// Changing the key's metadata (tags, description, aliases): any state but `PendingDeletion`.
    Manage,
    /// `CreateGrant`: like cryptographic use, but an `Unavailable` key still takes grants.
    Grant,
}

impl KmsState {
    /// Resolves `key_id` as AWS does for the caller's account and region.
    /// `allow_alias` is false for operations that take only a key id or ARN.
    pub fn resolve(&self, ctx: &CallContext, key_id: &str, allow_alias: bool) -> AwsResult<ResolvedKey> {
        let not_found_invalid = || AwsError::new(ErrorCode::NotFoundException, format!("Invalid keyId '{key_id}'"));
        if key_id.is_empty() || key_id.len() > 2048 {
            return Err(super::validate::length("keyId", key_id, 1, 2048).err().unwrap_or_else(not_found_invalid));
        }
        if let Some(rest) = key_id.strip_prefix("arn:") {
            let parts: Vec<&str> = rest.splitn(5, ':').collect();
            let [partition, service, region, account, resource] = parts.as_slice() else {
                return Err(AwsError::new(ErrorCode::NotFoundException, format!("Invalid arn {key_id}")));
            };
            if *partition != PARTITION || *service != "kms" || !is_account_id(account) || region.is_empty() {
                return Err(AwsError::new(ErrorCode::NotFoundException, format!("Invalid arn {key_id}")));
            }
            if *region != ctx.region {
                return Err(AwsError::new(ErrorCode::NotFoundException, format!("Invalid arn {key_id}: wrong region")));
            }
            if resource.starts_with("key/") {
                return match self.keys.contains_key(key_id) {
                    true => Ok(ResolvedKey { arn: key_id.to_string(), via_alias: None }),
                    false => Err(key_does_not_exist(key_id)),
                };
            }
            if resource.starts_with("alias/") && allow_alias {
                return self.resolve_alias_arn(key_id, resource);
            }
            return Err(not_found_invalid());
        }
        if key_id.starts_with("alias/") {
            if !allow_alias {
                return Err(not_found_invalid());
            }
            let alias_arn = kms_arn(&ctx.region, &ctx.caller.account, "", key_id);
            return self.resolve_alias_arn(&alias_arn, key_id);
        }
        let arn = kms_arn(&ctx.region, &ctx.caller.account, "key/", key_id);
        if self.keys.contains_key(&arn) {
            Ok(ResolvedKey { arn, via_alias: None })
        } else if is_key_id_shaped(key_id) {
            Err(key_does_not_exist(&arn))
        } else {
            Err(not_found_invalid())
        }
    }

    fn resolve_alias_arn(&self, alias_arn: &str, alias_name: &str) -> AwsResult<ResolvedKey> {
        let alias = self
            .aliases
            .get(alias_arn)
            .ok_or_else(|| AwsError::new(ErrorCode::NotFoundException, format!("Alias {alias_arn} is not found.")))?;
        let key_arn = self
            .keys
            .values()
            .find(|k| k.id == alias.target_key_id && k.account == alias.account && k.region == alias.region)
            .map(|k| k.arn.clone())
            .ok_or_else(|| key_does_not_exist(&alias.target_key_id))?;
        Ok(ResolvedKey { arn: key_arn, via_alias: Some(alias_name.to_string()) })
    }

    /// The key at `arn` (resolved moments ago).
    pub(crate) fn key(&self, arn: &str) -> AwsResult<&Key> {
        self.keys.get(arn).ok_or_else(|| key_does_not_exist(arn))
    }

    /// The key at `arn`, mutably.
    pub(crate) fn key_mut(&mut self, arn: &str) -> AwsResult<&mut Key> {
        self.keys.get_mut(arn).ok_or_else(|| key_does_not_exist(arn))
    }

    /// Checks consistency after a snapshot import.
    pub(crate) fn check_consistency(&self) -> AwsResult<()> {
        for (arn, key) in &self.keys {
            if &key.arn != arn {
                return Err(AwsError::validation(format!(
                    "snapshot is corrupted: key {arn} is filed under another ARN"
                )));
            }
            if key.material.iter().any(|m| m.material.len() != 32) {
                return Err(AwsError::validation(format!("snapshot is corrupted: key {arn} has malformed material")));
            }
            if key.state != KeyState::PendingImport && key.material.is_empty() {
                return Err(AwsError::validation(format!("snapshot is corrupted: key {arn} has no material")));
            }
        }
        Ok(())
    }
}

fn is_key_id_shaped(text: &str) -> bool {
    text.len() == 36 || text.starts_with("mrk-")
}

pub(crate) fn key_does_not_exist(what: &str) -> AwsError {
    AwsError::new(ErrorCode::NotFoundException, format!("Key '{what}' does not exist"))
}

/// The exception AWS answers with when `key`'s state forbids the operation.
pub(crate) fn state_error(key: &Key) -> AwsError {
    match key.state {
        KeyState::Disabled => AwsError::new(ErrorCode::DisabledException, format!("{} is disabled.", key.arn)),
        KeyState::PendingDeletion => {
            AwsError::new(ErrorCode::KMSInvalidStateException, format!("{} is pending deletion.", key.arn))
        }
        KeyState::PendingImport => {
            AwsError::new(ErrorCode::KMSInvalidStateException, format!("{} is pending import.", key.arn))
        }
        KeyState::Unavailable | KeyState::Enabled => {
            AwsError::new(ErrorCode::KMSInvalidStateException, format!("{} is unavailable.", key.arn))
        }
    }
}

/// Refuses a key whose state does not allow `usage`, with the exception AWS uses.
pub(crate) fn require_state(key: &Key, usage: Use) -> AwsResult<()> {
    let allowed = match usage {
        Use::Crypto => key.state == KeyState::Enabled,
        Use::Manage => key.state != KeyState::PendingDeletion,
        Use::Grant => matches!(key.state, KeyState::Enabled | KeyState::Unavailable),
    };
    if allowed {
        Ok(())
    } else {
        Err(state_error(key))
    }
}

/// `arn:aws:kms:<region>:<account>:<prefix><id>`, built without the formatting
/// machinery: every Encrypt and Decrypt by key id builds one.
fn kms_arn(region: &str, account: &str, prefix: &str, id: &str) -> String {
    let parts = ["arn:", PARTITION, ":kms:", region, ":", account, ":", prefix, id];
    let mut arn = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|p| arn.push_str(p));
    arn
}
