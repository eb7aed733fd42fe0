//! Simulated AWS Secrets Manager. Values are really encrypted through the
//! simulated KMS (envelope encryption, encryption context `SecretARN` +
//! `SecretVersionId`, `kms:ViaService`), so the key's state and policy decide
//! access exactly as in AWS. Operations are types implementing
//! [`crate::simulator::Operation`]; [`dispatch`] finds one by name.

pub(crate) mod access;
pub mod database;
pub mod envelope;
mod labels;
pub mod model;
pub mod ops;
pub mod password;
pub mod rotation;
pub(crate) mod schedule;
pub(crate) mod validate;

pub use database::{Database, DatabaseRotation, RotationStrategy};
pub use model::{Secret, SecretVersion, SecretsState};
pub use rotation::{RotationEvent, RotationFunction, RotationRegistry, RotationStep};

crate::simulator::service_dispatch!(
    "Secrets Manager", ops;
    CreateSecret,
    GetSecretValue,
    BatchGetSecretValue,
    PutSecretValue,
    UpdateSecret,
    DescribeSecret,
    ListSecrets,
    ListSecretVersionIds,
    UpdateSecretVersionStage,
    RotateSecret,
    CancelRotateSecret,
    DeleteSecret,
    RestoreSecret,
    TagResource,
    UntagResource,
    PutResourcePolicy,
    GetResourcePolicy,
    DeleteResourcePolicy,
    ValidateResourcePolicy,
    GetRandomPassword,
    ReplicateSecretToRegions,
    RemoveRegionsFromReplication,
    StopReplicationToReplica,
);
