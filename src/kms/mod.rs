//! Simulated AWS KMS: symmetric keys, states, aliases, rotation that keeps old
//! material, encryption context bound as AAD, and the audit trail.
//!
//! Operations are types implementing [`crate::simulator::Operation`], named as
//! AWS names them; [`dispatch`] finds one by name for the JSON front ends.

pub mod crypto;
pub mod managed;
pub mod model;
pub mod ops;
mod resolve;
mod schedule;
mod validate;
pub mod wrapping;

pub use model::{Alias, Key, KeyState, KmsState};
pub use resolve::ResolvedKey;

use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::Simulator;
use crate::world::CallContext;
use serde_json::Value;

/// Runs a KMS operation by name with a JSON request.
pub fn dispatch(sim: &mut Simulator, ctx: &CallContext, operation: &str, input: Value) -> AwsResult<Value> {
    macro_rules! route {
        ($($op:ident),* $(,)?) => {
            match operation {
                $(stringify!($op) => sim.invoke_json::<ops::$op>(ctx, input),)*
                _ => Err(AwsError::new(
                    ErrorCode::UnknownOperationException,
                    format!("Operation {operation} is not supported by kmsim's KMS"),
                )),
            }
        };
    }
    route!(
        CreateKey,
        DescribeKey,
        ListKeys,
        EnableKey,
        DisableKey,
        ScheduleKeyDeletion,
        CancelKeyDeletion,
        UpdateKeyDescription,
        CreateAlias,
        UpdateAlias,
        DeleteAlias,
        ListAliases,
        Encrypt,
        Decrypt,
        ReEncrypt,
        GenerateDataKey,
        GenerateDataKeyWithoutPlaintext,
        GenerateRandom,
        EnableKeyRotation,
        DisableKeyRotation,
        GetKeyRotationStatus,
        RotateKeyOnDemand,
        ListKeyRotations,
        TagResource,
        UntagResource,
        ListResourceTags,
        GetKeyPolicy,
        PutKeyPolicy,
        ListKeyPolicies,
        CreateGrant,
        ListGrants,
        ListRetirableGrants,
        RetireGrant,
        RevokeGrant,
        GetParametersForImport,
        ImportKeyMaterial,
        DeleteImportedKeyMaterial,
    )
}

/// The names of every KMS operation [`dispatch`] knows.
pub const OPERATIONS: &[&str] = &[
    "CreateKey",
    "DescribeKey",
    "ListKeys",
    "EnableKey",
    "DisableKey",
    "ScheduleKeyDeletion",
    "CancelKeyDeletion",
    "UpdateKeyDescription",
    "CreateAlias",
    "UpdateAlias",
    "DeleteAlias",
    "ListAliases",
    "Encrypt",
    "Decrypt",
    "ReEncrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateRandom",
    "EnableKeyRotation",
    "DisableKeyRotation",
    "GetKeyRotationStatus",
    "RotateKeyOnDemand",
    "ListKeyRotations",
    "TagResource",
    "UntagResource",
    "ListResourceTags",
    "GetKeyPolicy",
    "PutKeyPolicy",
    "ListKeyPolicies",
    "CreateGrant",
    "ListGrants",
    "ListRetirableGrants",
    "RetireGrant",
    "RevokeGrant",
    "GetParametersForImport",
    "ImportKeyMaterial",
    "DeleteImportedKeyMaterial",
];
