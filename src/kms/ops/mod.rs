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
    ($(#[$doc:meta])* $name:ident, read_only = $ro:expr, $req:ty => $resp:ty, $run:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl crate::simulator::Operation for $name {
            const SERVICE: crate::simulator::Service = crate::simulator::Service::Kms;
            const NAME: &'static str = stringify!($name);
            const READ_ONLY: bool = $ro;
            type Request = $req;
            type Response = $resp;
            fn run(
                sim: &mut crate::simulator::Simulator,
                ctx: &crate::world::CallContext,
                request: Self::Request,
                audit: &mut crate::simulator::AuditDraft,
            ) -> crate::error::AwsResult<Self::Response> {
                $run(sim, ctx, request, audit)
            }
        }
    };
}
pub(crate) use kms_operation;
