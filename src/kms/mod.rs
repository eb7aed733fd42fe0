//! Simulated AWS KMS: symmetric keys, states, aliases, rotation that keeps old
//! material, encryption context bound as AAD, and the audit trail.
//!
//! Operations are types implementing [`crate::simulator::Operation`], named as
//! AWS names them; [`dispatch`] finds one by name for the JSON front ends.

#[doc(hidden)]
pub mod aes_vperm;
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

crate::simulator::service_dispatch!(
"KMS", ops;
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
);
