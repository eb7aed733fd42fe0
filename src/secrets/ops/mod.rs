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
    ($(#[$doc:meta])* $name:ident, read_only = $ro:expr, $req:ty => $resp:ty, $run:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl crate::simulator::Operation for $name {
            const SERVICE: crate::simulator::Service = crate::simulator::Service::SecretsManager;
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
pub(crate) use secrets_operation;
