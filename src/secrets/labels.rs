//! How staging labels move between versions, and how deprecated versions go.

use super::model::{Secret, SecretVersion, AWSCURRENT, AWSPREVIOUS, MAX_LABELS_PER_VERSION, MAX_VERSIONS};
use crate::clock::{Timestamp, DAY_MS};
use crate::error::{AwsError, AwsResult, ErrorCode};

/// Attaches `label` to version `to`, taking it from whichever version had it.
/// When AWSCURRENT moves, the version it left gets AWSPREVIOUS (taken from
/// wherever that was), as Secrets Manager does.
pub(crate) fn attach(secret: &mut Secret, label: &str, to: &str) {
    let previous = secret.versions.iter().find(|v| v.id != to && v.has(label)).map(|v| v.id.clone());
    for version in &mut secret.versions {
        if version.id == to {
            if !version.has(label) {
                version.stages.push(label.to_string());
            }
        } else {
            version.stages.retain(|s| s != label);
        }
    }
    if label == AWSCURRENT {
        if let Some(previous) = previous {
            attach(secret, AWSPREVIOUS, &previous);
        }
    }
}

/// Removes `label` from version `from`.
pub(crate) fn detach(secret: &mut Secret, label: &str, from: &str) {
    if let Some(version) = secret.version_mut(from) {
        version.stages.retain(|s| s != label);
    }
}

/// Checks a list of staging labels (1–256 characters each, at most 20).
pub(crate) fn check_labels(labels: &[String]) -> AwsResult<()> {
    if labels.is_empty() || labels.len() > MAX_LABELS_PER_VERSION {
        return Err(super::validate::constraint(
            "versionStages",
            labels.len(),
            "Member must have length between 1 and 20, inclusive",
        ));
    }
    for label in labels {
        super::validate::length("versionStages", label, 1, 256)?;
    }
    Ok(())
}

/// Whether a version may be pruned: no labels and older than a day.
fn prunable(version: &SecretVersion, now: Timestamp) -> bool {
    version.stages.is_empty() && now.millis().saturating_sub(version.created.millis()) >= DAY_MS
}

/// Refuses a new version when the secret holds its maximum and none can be pruned.
pub(crate) fn check_room(secret: &Secret, now: Timestamp) -> AwsResult<()> {
    if secret.versions.len() >= MAX_VERSIONS && !secret.versions.iter().any(|v| prunable(v, now)) {
        return Err(AwsError::new(
            ErrorCode::LimitExceededException,
            format!("You have exceeded the maximum number of versions ({MAX_VERSIONS}) for this secret."),
        ));
    }
    Ok(())
}

/// Drops the oldest deprecated versions (no labels, older than a day) while
/// the secret holds more than the maximum.
pub(crate) fn prune(secret: &mut Secret, now: Timestamp) {
    while secret.versions.len() > MAX_VERSIONS {
        match secret.versions.iter().position(|v| prunable(v, now)) {
            Some(i) => {
                secret.versions.remove(i);
            }
            None => break,
        }
    }
}
