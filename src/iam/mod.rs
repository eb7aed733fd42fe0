//! IAM and STS: the operations a lab needs to set up principals and
//! policies (users, groups, roles, managed and inline policies, permissions
//! boundaries, access keys) and to become them (`AssumeRole`,
//! `GetCallerIdentity`).
//!
//! Requests arrive through the Query protocol as JSON whose values are all
//! strings (numbers included); responses are JSON the Query layer renders as
//! XML (timestamps as epoch seconds in members named `…Date` / `Expiration`).
//! Everything they change lives in the policy engine's
//! [`IamWorld`](crate::policy::IamWorld), plus the secrets and dates in
//! [`IdentityState`]. Every call is authorized through the engine
//! (identity policies; for `AssumeRole` also the role's trust policy).

mod access_keys;
mod directory;
mod groups;
mod input;
mod new_principal;
mod policies;
mod roles;
mod service_roles;
mod state;
mod sts;
mod users;

pub use access_keys::*;
pub use directory::SimulatorPrincipals;
pub use groups::*;
pub use policies::*;
pub use roles::*;
pub use state::{AccessKey, IdentityState, SessionCredentials};
pub use sts::*;
pub use users::*;

use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::{Service, Simulator};
use crate::world::CallContext;
use serde_json::Value;

/// Declares an [`crate::simulator::Operation`] for IAM or STS. Errors take
/// the Query services' names (`AccessDenied`, `ValidationError`).
macro_rules! query_operation {
    ($(#[$doc:meta])* $service:ident, $name:ident, $($rest:tt)*) => {
        crate::simulator::declare_operation!($(#[$doc])* $service, $name, $($rest)*, map_err = crate::iam::query_error);
    };
}
pub(crate) use query_operation;

/// Renames the JSON services' exceptions to what IAM and STS return.
pub(crate) fn query_error(error: AwsError) -> AwsError {
    let code = match error.code {
        ErrorCode::AccessDeniedException => ErrorCode::AccessDenied,
        ErrorCode::ValidationException | ErrorCode::SerializationException => ErrorCode::ValidationError,
        ErrorCode::MalformedPolicyDocumentException => ErrorCode::MalformedPolicyDocument,
        other => other,
    };
    AwsError { code, message: error.message }
}

/// The IAM operations kmsim implements (what [`dispatch`] routes).
pub const IAM_OPERATIONS: &[&str] = &[
    "CreateUser",
    "GetUser",
    "CreateGroup",
    "AddUserToGroup",
    "CreateRole",
    "GetRole",
    "CreatePolicy",
    "AttachUserPolicy",
    "AttachRolePolicy",
    "AttachGroupPolicy",
    "PutUserPolicy",
    "PutRolePolicy",
    "PutUserPermissionsBoundary",
    "PutRolePermissionsBoundary",
    "CreateAccessKey",
    "ListAttachedUserPolicies",
    "ListAttachedRolePolicies",
    "ListAttachedGroupPolicies",
];

/// The STS operations kmsim implements.
pub const STS_OPERATIONS: &[&str] = &["GetCallerIdentity", "AssumeRole"];

/// Runs an IAM or STS operation by name, JSON in and out.
pub fn dispatch(
    sim: &mut Simulator,
    ctx: &CallContext,
    service: Service,
    operation: &str,
    input: Value,
) -> AwsResult<Value> {
    macro_rules! route {
        ($($op:ident),* $(,)?) => {
            match operation {
                $(stringify!($op) => sim.invoke_json::<$op>(ctx, input),)*
                _ => Err(AwsError::new(
                    ErrorCode::UnknownOperationException,
                    format!("Operation {operation} is not supported by kmsim's {}", service.signing_name()),
                )),
            }
        };
    }
    let result = match service {
        Service::Sts => route!(GetCallerIdentity, AssumeRole),
        _ => route!(
            CreateUser,
            GetUser,
            CreateGroup,
            AddUserToGroup,
            CreateRole,
            GetRole,
            CreatePolicy,
            AttachUserPolicy,
            AttachRolePolicy,
            AttachGroupPolicy,
            PutUserPolicy,
            PutRolePolicy,
            PutUserPermissionsBoundary,
            PutRolePermissionsBoundary,
            CreateAccessKey,
            ListAttachedUserPolicies,
            ListAttachedRolePolicies,
            ListAttachedGroupPolicies,
        ),
    };
    result.map_err(query_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operation_lists_are_what_dispatch_routes() {
        let mut sim = Simulator::seeded("iam-ops");
        let ctx = CallContext::new(crate::world::Caller::account_root("111122223333"), "us-east-1");
        for (service, names) in [(Service::Iam, IAM_OPERATIONS), (Service::Sts, STS_OPERATIONS)] {
            for name in names {
                let result = dispatch(&mut sim, &ctx, service, name, serde_json::json!({}));
                assert!(
                    !matches!(&result, Err(e) if e.code == ErrorCode::UnknownOperationException),
                    "{name} is listed but not routed"
                );
            }
            let unknown = dispatch(&mut sim, &ctx, service, "Nope", serde_json::json!({})).unwrap_err();
            assert_eq!(unknown.code, ErrorCode::UnknownOperationException);
        }
    }
}
