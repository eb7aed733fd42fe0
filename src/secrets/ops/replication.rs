//! Replication: ReplicateSecretToRegions, RemoveRegionsFromReplication,
//! StopReplicationToReplica. A replica is a read-only copy of the primary
//! in another region, re-encrypted under a key of that region.

use super::secrets_operation;
use super::values::ReplicaRegion;
use super::ReplicationStatus;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::secrets::access::{
    authorize_secret, check_secret_id, marked_for_deletion, open_version, require_primary, seal_value,
};
use crate::secrets::model::{Replica, Secret, SecretVersion};
use crate::simulator::{AuditDraft, Simulator};
use crate::world::{is_region_name, CallContext};
use serde::{Deserialize, Serialize};
use serde_json::json;

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

/// Copies one version into the replica, re-encrypting it.
fn copy_versions(
    sim: &mut Simulator,
    ctx: &CallContext,
    primary: &Secret,
    replica: &Secret,
) -> AwsResult<Vec<SecretVersion>> {
    let mut out = Vec::new();
    for version in &primary.versions {
        let mut copy = version.clone();
        copy.last_accessed = None;
        if version.sealed.is_some() {
            let plaintext = open_version(sim, ctx, primary, version)?;
            let (sealed, key_arn) = seal_value(
                sim,
                ctx,
                &replica.arn,
                &replica.account,
                &replica.region,
                replica.kms_key_id.as_deref(),
                &version.id,
                plaintext.expose(),
            )?;
            copy.sealed = Some(sealed);
            copy.kms_key_arn = key_arn;
        }
        out.push(copy);
    }
    Ok(out)
}

/// Creates the replicas; a region that fails is reported `Failed`, not raised.
pub(crate) fn replicate(
    sim: &mut Simulator,
    ctx: &CallContext,
    primary_arn: &str,
    regions: &[ReplicaRegion],
    force: bool,
) -> Vec<ReplicationStatus> {
    let mut statuses = Vec::new();
    for r in regions {
        let Ok(primary) = sim.secrets.get(primary_arn).cloned() else { break };
        let arn = replica_arn(&primary, &r.region);
        let clash =
            sim.secrets.secrets.values().any(|s| {
                s.name == primary.name && s.account == primary.account && s.region == r.region && s.arn != arn
            });
        let mut status = ReplicationStatus {
            region: r.region.clone(),
            kms_key_id: Some(r.kms_key_id.clone().unwrap_or_else(|| "alias/aws/secretsmanager".to_string())),
            status: "InSync".to_string(),
            status_message: Some("Replication succeeded".to_string()),
        };
        let outcome = if clash && !force {
            Err(format!("Replication failed: Secret name {} already exists in Region {}.", primary.name, r.region))
        } else {
            let mut replica = primary.clone();
            replica.arn = arn.clone();
            replica.region = r.region.clone();
            replica.kms_key_id = r.kms_key_id.clone();
            replica.primary_region = Some(primary.region.clone());
            replica.replicas = Vec::new();
            replica.policy = None;
            replica.last_accessed = None;
            match copy_versions(sim, ctx, &primary, &replica) {
                Ok(versions) => {
                    replica.versions = versions;
                    if force {
                        sim.secrets.secrets.retain(|_, s| {
                            !(s.name == primary.name && s.account == primary.account && s.region == r.region)
                        });
                    }
                    sim.secrets.secrets.insert(arn, replica);
                    Ok(())
                }
                Err(e) => Err(format!("Replication failed: {}", e.message)),
            }
        };
        if let Err(message) = outcome {
            status.status = "Failed".to_string();
            status.status_message = Some(message);
        }
        if let Ok(primary) = sim.secrets.get_mut(primary_arn) {
            primary.replicas.retain(|x| x.region != r.region);
            primary.replicas.push(Replica {
                region: r.region.clone(),
                kms_key_id: r.kms_key_id.clone(),
                status: status.status.clone(),
                status_message: status.status_message.clone(),
            });
        }
        statuses.push(status);
    }
    statuses
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
    let replication_status = crate::secrets::ops::SecretDescription::of(primary, false).replication_status;
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
