//! Parameter Store operations, one type per AWS operation.

mod manage;
mod put;
mod read;

pub use manage::*;
pub use put::*;
pub use read::*;

/// Declares an [`crate::simulator::Operation`] for SSM.
macro_rules! ssm_operation {
    ($(#[$doc:meta])* $name:ident, read_only = $ro:expr, $req:ty => $resp:ty, $run:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl crate::simulator::Operation for $name {
            const SERVICE: crate::simulator::Service = crate::simulator::Service::Ssm;
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
pub(crate) use ssm_operation;
