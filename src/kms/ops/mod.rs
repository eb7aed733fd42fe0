//! KMS operations, one type per AWS operation, grouped by concern.

mod aliases;
mod common;
mod crypto;
mod grants;
mod import;
mod keys;
mod policies;
mod rotation;
mod tags;

pub use aliases::*;
pub use common::{default_key_policy, KeyMetadata};
pub use crypto::*;
pub use grants::*;
pub use import::*;
pub use keys::*;
pub use policies::*;
pub use rotation::*;
pub use tags::*;

/// Declares an [`crate::simulator::Operation`] for KMS.
macro_rules! kms_operation {
    ($(#[$doc:meta])* $name:ident, $($rest:tt)*) => {
        crate::simulator::declare_operation!($(#[$doc])* Kms, $name, $($rest)*);
    };
}
pub(crate) use kms_operation;
