//! What CreateUser and CreateRole share once they have built the new user or
//! role: the checks that may still refuse it and the records of its creation.

use super::input::{authorize_iam, TagInput};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;

/// The kind of principal a Create call makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PrincipalKind {
    User,
    Role,
}

impl PrincipalKind {
    /// The kind as IAM's messages name it (`User`, `Role`).
    fn noun(self) -> &'static str {
        match self {
            PrincipalKind::User => "User",
            PrincipalKind::Role => "Role",
        }
    }

    /// The action that creates one.
    fn create_action(self) -> &'static str {
        match self {
            PrincipalKind::User => "iam:CreateUser",
            PrincipalKind::Role => "iam:CreateRole",
        }
    }

    /// Its resource type in audit events.
    fn resource_type(self) -> &'static str {
        match self {
            PrincipalKind::User => "AWS::IAM::User",
            PrincipalKind::Role => "AWS::IAM::Role",
        }
    }

    /// Whether `account` already has one called `name`: IAM names are unique
    /// per account and kind, case-insensitively.
    fn name_taken(self, sim: &Simulator, account: &str, name: &str) -> bool {
        match self {
            PrincipalKind::User => {
                sim.iam.users.iter().any(|u| u.account == account && u.name.eq_ignore_ascii_case(name))
            }
            PrincipalKind::Role => {
                sim.iam.roles.iter().any(|r| r.account == account && r.name.eq_ignore_ascii_case(name))
            }
        }
    }
}

/// Admits the new `kind` called `name` (at `arn`, in the caller's account),
/// in this order: the caller may create it (with its `tags`), its name is
/// free, its `permissions_boundary` (if any) is an attachable AWS managed
/// policy. Then the audit event names it and its creation time is recorded;
/// storing the principal itself is the caller's.
pub(super) fn admit_new_principal(
    sim: &mut Simulator,
    ctx: &CallContext,
    kind: PrincipalKind,
    name: &str,
    arn: &str,
    tags: &[TagInput],
    permissions_boundary: Option<&str>,
    audit: &mut AuditDraft,
) -> AwsResult<()> {
    let account = ctx.caller.account.as_str();
    authorize_iam(sim, ctx, kind.create_action(), arn, tags)?;
    if kind.name_taken(sim, account, name) {
        return Err(AwsError::new(
            ErrorCode::EntityAlreadyExists,
            format!("{} with name {name} already exists.", kind.noun()),
        ));
    }
    if let Some(boundary) = permissions_boundary {
        if !sim.iam.ensure_aws_managed(boundary) {
            return Err(AwsError::new(
                ErrorCode::NoSuchEntity,
                format!("Scope ARN: {boundary} does not exist or is not attachable."),
            ));
        }
    }
    audit.resource(arn, account, kind.resource_type());
    sim.identity.created.insert(arn.to_string(), sim.now());
    Ok(())
}
