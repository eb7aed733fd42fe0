//! Export and import of the whole simulator state as one versioned JSON document.

use crate::audit::AuditLog;
use crate::clock::Timestamp;
use crate::error::{AwsError, AwsResult};
use crate::kms::KmsState;
use crate::rng::{OsEntropy, RngState, SeededRng};
use serde::{Deserialize, Serialize};

use super::Simulator;

/// The `format` field of every snapshot.
pub const SNAPSHOT_FORMAT: &str = "kmsim-snapshot";
/// The snapshot version this build writes and reads.
pub const SNAPSHOT_VERSION: u32 = 1;

/// Everything a simulator holds. Contains key material: treat a snapshot as a secret.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Snapshot {
    /// Always [`SNAPSHOT_FORMAT`].
    pub format: String,
    /// [`SNAPSHOT_VERSION`].
    pub version: u32,
    /// The simulated time when taken.
    pub now: Timestamp,
    /// Where the seeded random stream stood (absent for platform randomness).
    pub rng: Option<RngState>,
    /// KMS.
    pub kms: KmsState,
    /// The audit trail.
    pub audit: AuditLog,
    /// Secrets Manager (ciphertext only) and its simulated databases.
    #[serde(default)]
    pub secrets: crate::secrets::SecretsState,
    /// Parameter Store (SecureString values as ciphertext only).
    #[serde(default)]
    pub params: crate::params::ParamsState,
    /// The IAM world (accounts, users, roles, policies, sessions, organization).
    #[serde(default)]
    pub iam: crate::policy::IamWorld,
    /// IAM access keys and STS session credentials (secrets included).
    #[serde(default)]
    pub identity: crate::iam::IdentityState,
}

impl Simulator {
    /// The whole state as a snapshot document.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            format: SNAPSHOT_FORMAT.to_string(),
            version: SNAPSHOT_VERSION,
            now: self.now(),
            rng: self.rng.state(),
            kms: self.kms.clone(),
            audit: self.audit.clone(),
            secrets: self.secrets.clone(),
            params: self.params.clone(),
            iam: self.iam.clone(),
            identity: self.identity.clone(),
        }
    }

    /// The whole state as snapshot JSON.
    pub fn export_snapshot(&self) -> AwsResult<String> {
        serde_json::to_string(&self.snapshot())
            .map_err(|e| AwsError::validation(format!("snapshot export failed: {e}")))
    }

    /// Replaces the whole state with a snapshot. A malformed, corrupted or
    /// wrong-version snapshot is rejected and the current state kept intact.
    pub fn import_snapshot(&mut self, json: &str) -> AwsResult<()> {
        // Checked as a value first for clear format/version errors; then read
        // again from the text itself, so raw JSON inside (audit parameters) keeps its bytes.
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| AwsError::validation(format!("snapshot is not valid JSON: {e}")))?;
        let format = value.get("format").and_then(|v| v.as_str());
        if format != Some(SNAPSHOT_FORMAT) {
            return Err(AwsError::validation("not a kmsim snapshot (the format field is missing or wrong)"));
        }
        let version = value.get("version").and_then(|v| v.as_u64());
        if version != Some(u64::from(SNAPSHOT_VERSION)) {
            return Err(AwsError::validation(format!(
                "unsupported snapshot version {}: this build reads version {SNAPSHOT_VERSION}",
                version.map_or_else(|| "(missing)".to_string(), |v| v.to_string())
            )));
        }
        let snapshot: Snapshot =
            serde_json::from_str(json).map_err(|e| AwsError::validation(format!("snapshot is corrupted: {e}")))?;
        // The clock drives day arithmetic everywhere; outside 1970..=9999 it overflows.
        if !(0..=Timestamp::LATEST.millis()).contains(&snapshot.now.millis()) {
            return Err(AwsError::validation("snapshot is corrupted: now is outside 1970-01-01..9999-12-31"));
        }
        snapshot.kms.check_consistency()?;
        let rng: Box<dyn crate::rng::EntropySource> = match &snapshot.rng {
            Some(state) => Box::new(SeededRng::from_state(state)?),
            None => Box::new(OsEntropy),
        };
        // Everything validated: commit.
        self.rng = rng;
        self.kms = snapshot.kms;
        self.audit = snapshot.audit;
        self.secrets = snapshot.secrets;
        self.params = snapshot.params;
        self.iam = snapshot.iam;
        self.identity = snapshot.identity;
        self.iam_changed();
        self.clock.set(snapshot.now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::kms::ops::{CreateKey, Encrypt, EncryptRequest};
    use crate::{CallContext, Simulator};

    #[test]
    fn export_import_export_is_byte_identical_with_audit_parameters() {
        let mut sim = Simulator::seeded("snapshot");
        let ctx = CallContext::default_root();
        let key = sim.invoke::<CreateKey>(&ctx, Default::default()).unwrap().key_metadata;
        // Keys out of alphabetical order in the recorded parameters: a re-serialization
        // through serde_json::Value would reorder them.
        let context = [("zeta", "1"), ("alpha", "2")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let request = EncryptRequest {
            key_id: key.key_id,
            plaintext: b"x".to_vec().into(),
            encryption_context: Some(context),
            ..Default::default()
        };
        sim.invoke::<Encrypt>(&ctx, request).unwrap();
        let first = sim.export_snapshot().unwrap();
        let mut copy = Simulator::seeded("other");
        copy.import_snapshot(&first).unwrap();
        assert_eq!(copy.export_snapshot().unwrap(), first);
    }
}
