//! Replication: ReplicateSecretToRegions, RemoveRegionsFromReplication,
//! StopReplicationToReplica, and keeping replicas in sync.
//!
//! As AWS documents ("Replicate AWS Secrets Manager secrets across Regions"),
//! a replica is a read-only copy of its primary in another region, with the
//! same ARN but for the region: Secrets Manager replicates the encrypted
//! value and metadata such as the description, tags and resource policy, and
//! every later change to the primary (new versions, staging labels, rotation)
//! propagates to it. Each replica's values are encrypted under a key of its
//! own region: its `KmsKeyId`, else that region's `aws/secretsmanager`.
//! kmsim propagates synchronously, at the end of each call that changed the
//! primary, with the caller's permissions (through Secrets Manager, so KMS
//! audits the calls with `kms:ViaService`). A replica that cannot be updated
//! (its key disabled, say) keeps its last state and shows `Failed` with the
//! reason in the primary's `ReplicationStatus` until a later change succeeds.

use super::secrets_operation;
use super::values::ReplicaRegion;
use super::ReplicationStatus;
use crate::audit::AuditResource;
use crate::bytes::SecretBytes;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::secrets::access::{
    authorize_secret, check_secret_id, marked_for_deletion, open_version, require_primary, seal_value, RESOURCE_TYPE,
};
use crate::secrets::model::{Replica, Secret, SecretVersion, SecretsState};
use crate::simulator::{AuditDraft, Service, Simulator};
use crate::world::{is_region_name, CallContext};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

/// What `ReplicationStatus` says of a replica that is up to date.
const IN_SYNC_MESSAGE: &str = "Replication succeeded";

/// Checks replica regions: valid names, not the primary's, no duplicates.
pub(crate) fn check_regions(ctx: &CallContext, regions: &[ReplicaRegion]) -> AwsResult<()> {
    for (i, r) in regions.iter().enumerate() {
        if !is_region_name(&r.region)
            || r.region == ctx.region
            || regions.iter().skip(i + 1).any(|o| o.region == r.region)
        {
            return Err(AwsError::new(
                ErrorCode::InvalidParameterException,
                format!("Invalid replica Region {}.", r.region),
            ));
        }
    }
    Ok(())
}

fn replica_arn(primary: &Secret, region: &str) -> String {
    primary.arn.replacen(&format!(":{}:", primary.region), &format!(":{region}:"), 1)
}

/// The primary's `ReplicationStatus`: each replica's region, key, status and
/// the day it was last read in its region.
pub(crate) fn replication_statuses(state: &SecretsState, primary: &Secret) -> Vec<ReplicationStatus> {
    primary
        .replicas
        .iter()
        .map(|r| ReplicationStatus {
            region: r.region.clone(),
            kms_key_id: Some(r.kms_key_id.clone().unwrap_or_else(|| "alias/aws/secretsmanager".to_string())),
            status: r.status.clone(),
            status_message: r.status_message.clone(),
            last_accessed_date: state
                .secrets
                .get(&replica_arn(primary, &r.region))
                .filter(|s| s.primary_region.as_deref() == Some(primary.region.as_str()))
                .and_then(|s| s.last_accessed),
        })
        .collect()
}

/// Plaintexts of the primary's versions, decrypted at most once per sync and
/// shared by its replicas (a failure is remembered too).
type Plaintexts = BTreeMap<String, Result<SecretBytes, String>>;

/// The replica of `primary` in `region` as it should now be: the primary's
/// metadata and staging labels, with each version's value encrypted under the
/// replica's key. Versions the replica already holds are kept as they are
/// (a version's value never changes); new ones are decrypted from the primary
/// and encrypted for the replica. `Err` holds why it could not be built.
fn build_replica(
    sim: &mut Simulator,
    ctx: &CallContext,
    primary: &Secret,
    existing: Option<&Secret>,
    region: &str,
    kms_key_id: Option<&str>,
    plaintexts: &mut Plaintexts,
) -> Result<Secret, String> {
    let mut replica = primary.clone();
    replica.arn = replica_arn(primary, region);
    replica.region = region.to_string();
    replica.kms_key_id = kms_key_id.map(String::from);
    replica.primary_region = Some(primary.region.clone());
    replica.replicas = Vec::new();
    replica.last_accessed = existing.and_then(|e| e.last_accessed);
    if let Some(existing) = existing {
        replica.created = existing.created;
    }
    let mut versions = Vec::with_capacity(primary.versions.len());
    for version in &primary.versions {
        let mut copy: SecretVersion = version.clone();
        copy.rewrapped = Vec::new();
        let held = existing.and_then(|e| e.version(&version.id));
        copy.last_accessed = held.and_then(|h| h.last_accessed);
        match held {
            Some(held) if held.sealed.is_some() || version.sealed.is_none() => {
                copy.sealed = held.sealed.clone();
                copy.kms_key_arn = held.kms_key_arn.clone();
                copy.rewrapped = held.rewrapped.clone();
            }
            _ if version.sealed.is_none() => copy.kms_key_arn = String::new(),
            _ => {
                if !plaintexts.contains_key(&version.id) {
                    let opened = open_version(sim, ctx, primary, version).map_err(|e| e.message);
                    plaintexts.insert(version.id.clone(), opened);
                }
                let plaintext = match plaintexts.get(&version.id) {
                    Some(Ok(plaintext)) => plaintext,
                    Some(Err(message)) => return Err(message.clone()),
                    None => return Err("the primary's value could not be read".to_string()),
                };
                let (sealed, key_arn) = seal_value(
                    sim,
                    ctx,
                    &replica.arn,
                    &replica.account,
                    region,
                    kms_key_id,
                    &version.id,
                    plaintext.expose(),
                )
                .map_err(|e| e.message)?;
                copy.sealed = Some(sealed);
                copy.kms_key_arn = key_arn;
            }
        }
        versions.push(copy);
    }
    replica.versions = versions;
    Ok(replica)
}

/// Records a replica's status on its primary, and the outcome in the audit
/// trail as a service event in the replica's region.
fn record_status(sim: &mut Simulator, primary_arn: &str, region: &str, outcome: Result<(), String>) {
    let (status, message, event) = match outcome {
        Ok(()) => ("InSync", IN_SYNC_MESSAGE.to_string(), "ReplicationSucceeded"),
        Err(why) => ("Failed", format!("Replication failed: {why}"), "ReplicationFailed"),
    };
    let Some(primary) = sim.secrets.secrets.get_mut(primary_arn) else { return };
    let Some(entry) = primary.replicas.iter_mut().find(|r| r.region == region) else { return };
    entry.status = status.to_string();
    entry.status_message = Some(message.clone());
    let resource = AuditResource {
        arn: replica_arn(primary, region).into(),
        account_id: primary.account.as_str().into(),
        resource_type: RESOURCE_TYPE.into(),
    };
    let details = json!({ "secretId": primary_arn, "replicaRegion": region, "statusMessage": message });
    let now = sim.now();
    sim.record_service_event(Service::SecretsManager, event, now, region, resource, details);
}

/// Creates the replicas; a region that fails is reported `Failed`, not raised.
pub(crate) fn replicate(
    sim: &mut Simulator,
    ctx: &CallContext,
    primary_arn: &str,
    regions: &[ReplicaRegion],
    force: bool,
) -> Vec<ReplicationStatus> {
    let mut plaintexts = Plaintexts::new();
    for r in regions {
        let Ok(primary) = sim.secrets.get(primary_arn).cloned() else { break };
        let arn = replica_arn(&primary, &r.region);
        let clash =
            sim.secrets.secrets.values().any(|s| {
                s.name == primary.name && s.account == primary.account && s.region == r.region && s.arn != arn
            });
        let outcome = if clash && !force {
            Err(format!("Secret name {} already exists in Region {}.", primary.name, r.region))
        } else {
            build_replica(sim, ctx, &primary, None, &r.region, r.kms_key_id.as_deref(), &mut plaintexts).map(
                |replica| {
                    if force {
                        sim.secrets.secrets.retain(|_, s| {
                            !(s.name == primary.name && s.account == primary.account && s.region == r.region)
                        });
                    }
                    sim.secrets.secrets.insert(arn, replica);
                },
            )
        };
        if let Ok(primary) = sim.secrets.get_mut(primary_arn) {
            primary.replicas.retain(|x| x.region != r.region);
            primary.replicas.push(Replica {
                region: r.region.clone(),
                kms_key_id: r.kms_key_id.clone(),
                status: "InProgress".to_string(),
                status_message: None,
            });
        }
        record_status(sim, primary_arn, &r.region, outcome);
    }
    let Ok(primary) = sim.secrets.get(primary_arn) else { return Vec::new() };
    let wanted: Vec<&str> = regions.iter().map(|r| r.region.as_str()).collect();
    replication_statuses(&sim.secrets, primary).into_iter().filter(|s| wanted.contains(&s.region.as_str())).collect()
}

/// Brings every replica of the primary at `primary_arn` up to date after a
/// change, as the caller (see the module comment). Replicas that failed to be
/// created in the first place stay failed: AWS retries those only when asked
/// again (ReplicateSecretToRegions).
pub(crate) fn sync_replicas(sim: &mut Simulator, ctx: &CallContext, primary_arn: &str) {
    let Ok(primary) = sim.secrets.get(primary_arn).cloned() else { return };
    let mut plaintexts = Plaintexts::new();
    for entry in &primary.replicas {
        let arn = replica_arn(&primary, &entry.region);
        let Some(existing) = sim.secrets.secrets.get(&arn).cloned() else { continue };
        if existing.primary_region.as_deref() != Some(primary.region.as_str()) {
            continue;
        }
        let built = build_replica(
            sim,
            ctx,
            &primary,
            Some(&existing),
            &entry.region,
            entry.kms_key_id.as_deref(),
            &mut plaintexts,
        );
        let outcome = built.map(|replica| {
            sim.secrets.secrets.insert(arn, replica);
        });
        record_status(sim, primary_arn, &entry.region, outcome);
    }
}

/// When a replica is deleted, its primary forgets it.
pub(crate) fn forget_replica(sim: &mut Simulator, replica_arn: &str) {
    let Some((region, rest)) = split_region(replica_arn) else { return };
    for s in sim.secrets.secrets.values_mut() {
        if split_region(&s.arn).is_some_and(|(_, r)| r == rest) {
            s.replicas.retain(|x| x.region != region);
        }
    }
}

/// `(region, the ARN with the region blanked)`.
fn split_region(arn: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = arn.splitn(5, ':').collect();
    let region = parts.get(3)?.to_string();
    Some((region.clone(), arn.replacen(&format!(":{region}:"), "::", 1)))
}

/// `ReplicateSecretToRegions` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReplicateSecretToRegionsRequest {
    /// `SecretId`.
    pub secret_id: String,
    /// `AddReplicaRegions`.
    pub add_replica_regions: Vec<ReplicaRegion>,
    /// `ForceOverwriteReplicaSecret`.
    pub force_overwrite_replica_secret: Option<bool>,
}

/// Response of the replication operations.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicationResponse {
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `ReplicationStatus`.
    pub replication_status: Vec<ReplicationStatus>,
}

fn replicate_secret_to_regions(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ReplicateSecretToRegionsRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ReplicationResponse> {
    audit.request_parameters = Some(json!({ "secretId": req.secret_id, "addReplicaRegions": req.add_replica_regions }));
    check_secret_id(&req.secret_id)?;
    if req.add_replica_regions.is_empty() {
        return Err(AwsError::new(ErrorCode::InvalidParameterException, "AddReplicaRegions must not be empty."));
    }
    check_regions(ctx, &req.add_replica_regions)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    let extra = req
        .add_replica_regions
        .iter()
        .map(|r| ("secretsmanager:AddReplicaRegions".to_string(), r.region.clone()))
        .collect();
    authorize_secret(sim, ctx, "secretsmanager:ReplicateSecretToRegions", secret, extra, audit)?;
    if secret.is_deleted() {
        return Err(marked_for_deletion());
    }
    require_primary(secret)?;
    let replication_status =
        replicate(sim, ctx, &arn, &req.add_replica_regions, req.force_overwrite_replica_secret.unwrap_or(false));
    Ok(ReplicationResponse { arn, replication_status })
}

secrets_operation!(
    /// Replicates a secret to other regions.
    ReplicateSecretToRegions, read_only = false, ReplicateSecretToRegionsRequest => ReplicationResponse, replicate_secret_to_regions
);

/// `RemoveRegionsFromReplication` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RemoveRegionsFromReplicationRequest {
    /// `SecretId`.
    pub secret_id: String,
    /// `RemoveReplicaRegions`.
    pub remove_replica_regions: Vec<String>,
}

fn remove_regions_from_replication(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: RemoveRegionsFromReplicationRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ReplicationResponse> {
    audit.request_parameters =
        Some(json!({ "secretId": req.secret_id, "removeReplicaRegions": req.remove_replica_regions }));
    check_secret_id(&req.secret_id)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    authorize_secret(sim, ctx, "secretsmanager:RemoveRegionsFromReplication", secret, Vec::new(), audit)?;
    require_primary(secret)?;
    for region in &req.remove_replica_regions {
        if !secret.replicas.iter().any(|r| &r.region == region) {
            return Err(AwsError::new(
                ErrorCode::InvalidParameterException,
                format!("The secret is not replicated to Region {region}."),
            ));
        }
    }
    let targets: Vec<String> = req.remove_replica_regions.iter().map(|r| replica_arn(secret, r)).collect();
    for target in targets {
        sim.secrets.secrets.remove(&target);
    }
    let primary = sim.secrets.get_mut(&arn)?;
    primary.replicas.retain(|r| !req.remove_replica_regions.contains(&r.region));
    let replication_status = replication_statuses(&sim.secrets, sim.secrets.get(&arn)?);
    Ok(ReplicationResponse { arn, replication_status })
}

secrets_operation!(
    /// Deletes replicas (at once, as AWS does).
    RemoveRegionsFromReplication, read_only = false, RemoveRegionsFromReplicationRequest => ReplicationResponse, remove_regions_from_replication
);

/// `StopReplicationToReplica` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StopReplicationToReplicaResponse {
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
}

fn stop_replication_to_replica(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: super::SecretIdRequest,
    audit: &mut AuditDraft,
) -> AwsResult<StopReplicationToReplicaResponse> {
    audit.request_parameters = Some(json!({ "secretId": req.secret_id }));
    check_secret_id(&req.secret_id)?;
    let arn = sim.secrets.resolve(ctx, &req.secret_id)?;
    let secret = sim.secrets.get(&arn)?;
    authorize_secret(sim, ctx, "secretsmanager:StopReplicationToReplica", secret, Vec::new(), audit)?;
    if secret.primary_region.is_none() {
        return Err(AwsError::new(ErrorCode::InvalidRequestException, "The secret is not a replica secret."));
    }
    forget_replica(sim, &arn);
    sim.secrets.get_mut(&arn)?.primary_region = None;
    Ok(StopReplicationToReplicaResponse { arn })
}

secrets_operation!(
    /// Promotes a replica to a standalone secret (call it in the replica's region).
    StopReplicationToReplica, read_only = false, super::SecretIdRequest => StopReplicationToReplicaResponse, stop_replication_to_replica
);
