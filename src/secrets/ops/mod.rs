//! Secrets Manager operations, one type per AWS operation, grouped by concern.

mod common;
mod manage;
mod policy;
mod random;
mod replication;
mod rotate;
mod values;

pub use common::*;
pub use manage::*;
pub use policy::*;
pub use random::*;
pub use replication::*;
pub use rotate::*;
pub use values::*;

/// Declares an [`crate::simulator::Operation`] for Secrets Manager.
macro_rules! secrets_operation {
    ($(#[$doc:meta])* $name:ident, $($rest:tt)*) => {
        crate::simulator::declare_operation!($(#[$doc])* SecretsManager, $name, $($rest)*);
    };
}
pub(crate) use secrets_operation;
