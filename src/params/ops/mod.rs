//! Parameter Store operations, one type per AWS operation.

mod manage;
mod put;
mod read;

pub use manage::*;
pub use put::*;
pub use read::*;

/// Declares an [`crate::simulator::Operation`] for SSM.
macro_rules! ssm_operation {
    ($(#[$doc:meta])* $name:ident, $($rest:tt)*) => {
        crate::simulator::declare_operation!($(#[$doc])* Ssm, $name, $($rest)*);
    };
}
pub(crate) use ssm_operation;
