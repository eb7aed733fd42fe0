//! What KMS does on its own as the clock moves: delete keys whose deletion
//! window ended, rotate keys whose rotation date came, expire imported material.

use super::model::{BackingKey, KeyState, KmsState, RotationType};
use crate::audit::AuditResource;
use crate::bytes::SecretBytes;
use crate::clock::Timestamp;
use crate::simulator::{Service, Simulator};
use serde_json::json;

/// One piece of scheduled work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DueWork {
    /// The deletion window ended.
    DeleteKey { arn: String, at: Timestamp },
    /// Automatic rotation is due.
    RotateKey { arn: String, at: Timestamp },
    /// Imported material reached its `ValidTo`.
    ExpireMaterial { arn: String, at: Timestamp },
}

impl DueWork {
    fn at(&self) -> Timestamp {
        match self {
            DueWork::DeleteKey { at, .. } | DueWork::RotateKey { at, .. } | DueWork::ExpireMaterial { at, .. } => *at,
        }
    }
}

impl KmsState {
    /// The earliest work due at or before `until`, if any.
    pub(crate) fn next_due(&self, until: Timestamp) -> Option<DueWork> {
        let mut best: Option<DueWork> = None;
        let mut consider = |work: DueWork| {
            if work.at() <= until && best.as_ref().is_none_or(|b| work.at() < b.at()) {
                best = Some(work);
            }
        };
        for key in self.keys.values() {
            if key.state == KeyState::PendingDeletion {
                if let Some(at) = key.deletion_date {
                    consider(DueWork::DeleteKey { arn: key.arn.clone(), at });
                }
            }
            // AWS rotates enabled keys only; a disabled key's rotation waits until it is enabled.
            if key.rotation.enabled && key.state == KeyState::Enabled {
                if let Some(at) = key.rotation.next_rotation {
                    consider(DueWork::RotateKey { arn: key.arn.clone(), at });
                }
            }
            if let Some(valid_to) = key.imported.as_ref().and_then(|i| i.valid_to) {
                if !key.material.is_empty() && key.state != KeyState::PendingDeletion {
                    consider(DueWork::ExpireMaterial { arn: key.arn.clone(), at: valid_to });
                }
            }
        }
        best
    }
}

impl Simulator {
    /// Runs one piece of due KMS work and audits it at the time it was due.
    pub(crate) fn kms_run_due(&mut self, work: DueWork) {
        match work {
            DueWork::DeleteKey { arn, at } => {
                let Some(key) = self.kms.keys.remove(&arn) else { return };
                self.kms.aliases.retain(|_, a| !(a.target_key_id == key.id && a.account == key.account));
                let resource = key_resource(&key.arn, &key.account);
                self.record_service_event(
                    Service::Kms,
                    "DeleteKey",
                    at,
                    &key.region,
                    resource,
                    json!({"keyId": key.arn}),
                );
            }
            DueWork::RotateKey { arn, at } => {
                let mut material = SecretBytes::zeroed(32);
                let drew = self.random_bytes(material.expose_mut()).is_ok();
                let Some(key) = self.kms.keys.get_mut(&arn) else { return };
                let period = i64::from(key.rotation.period_days.unwrap_or(365));
                key.rotation.next_rotation = Some(at.plus_days(period));
                if !drew {
                    return;
                }
                let version = key.material.last().map_or(1, |m| m.version.saturating_add(1));
                key.material.push(BackingKey::new(version, material, at, Some(RotationType::Automatic)));
                let (region, resource) = (key.region.clone(), key_resource(&key.arn, &key.account));
                self.record_service_event(Service::Kms, "RotateKey", at, &region, resource, json!({"keyId": arn}));
            }
            DueWork::ExpireMaterial { arn, at } => {
                let Some(key) = self.kms.keys.get_mut(&arn) else { return };
                // AWS deletes expired material (all versions) and the key waits for a new import.
                key.material.clear();
                key.state = KeyState::PendingImport;
                let (region, resource) = (key.region.clone(), key_resource(&key.arn, &key.account));
                self.record_service_event(
                    Service::Kms,
                    "DeleteExpiredKeyMaterial",
                    at,
                    &region,
                    resource,
                    json!({"keyId": arn}),
                );
            }
        }
    }
}

/// The audit-trail resource entry for a key.
pub(crate) fn key_resource(arn: &str, account: &str) -> AuditResource {
    AuditResource { arn: arn.into(), account_id: account.into(), resource_type: "AWS::KMS::Key".into() }
}
