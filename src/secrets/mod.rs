//! Simulated AWS Secrets Manager. Values are really encrypted through the
//! simulated KMS (envelope encryption, encryption context `SecretARN` +
//! `SecretVersionId`, `kms:ViaService`), so the key's state and policy decide
//! access exactly as in AWS. Operations are types implementing
//! [`crate::simulator::Operation`]; [`dispatch`] finds one by name.

mod access;
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

use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::Simulator;
use crate::world::CallContext;
use serde_json::Value;

macro_rules! secrets_ops {
    ($($op:ident),* $(,)?) => {
        /// Runs a Secrets Manager operation by name with a JSON request.
        pub fn dispatch(sim: &mut Simulator, ctx: &CallContext, operation: &str, input: Value) -> AwsResult<Value> {
            match operation {
                $(stringify!($op) => sim.invoke_json::<ops::$op>(ctx, input),)*
                _ => Err(AwsError::new(
                    ErrorCode::UnknownOperationException,
                    format!("Operation {operation} is not supported by kmsim's Secrets Manager"),
                )),
            }
        }

        /// The names of every Secrets Manager operation [`dispatch`] knows.
        pub const OPERATIONS: &[&str] = &[$(stringify!($op)),*];
    };
}

secrets_ops!(
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
