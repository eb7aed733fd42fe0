//! KMS-specific authorization: grants, grant constraints, grant tokens, and
//! which operations may be used across accounts.
//!
//! Grants only ever allow. A grant the KMS layer has just created may not be
//! effective yet (eventual consistency); presenting its grant token makes it
//! usable at once.

use super::context::{starts_with_ignore_case, ContextLookup, ContextValue, RequestContext};
use super::principal::{CallerIdentity, PrincipalType};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Operations AWS KMS lets a principal in another account call on a key
/// (the "Cross-account use: Yes" operations of the KMS API reference).
pub const CROSS_ACCOUNT_OPERATIONS: &[&str] = &[
    "CreateGrant",
    "Decrypt",
    "DeriveSharedSecret",
    "DescribeKey",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "GetKeyRotationStatus",
    "GetPublicKey",
    "ListGrants",
    "ReEncryptFrom",
    "ReEncryptTo",
    "RetireGrant",
    "RevokeGrant",
    "Sign",
    "Verify",
    "VerifyMac",
];

/// Operations a grant may allow.
pub const GRANT_OPERATIONS: &[&str] = &[
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "GetPublicKey",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "VerifyMac",
    "DeriveSharedSecret",
];

/// Whether `action` (`kms:Decrypt`) may be used on a key in another account.
pub fn is_cross_account_action(action: &str) -> bool {
    match kms_operation(action) {
        Some(op) => CROSS_ACCOUNT_OPERATIONS.iter().any(|o| o.eq_ignore_ascii_case(op)),
        None => false,
    }
}

/// `kms:Decrypt` → `Decrypt` (case-insensitive prefix).
pub fn kms_operation(action: &str) -> Option<&str> {
    let colon = action.bytes().position(|b| b == b':')?;
    let (service, op) = (action.get(..colon)?, action.get(colon + 1..)?);
    service.eq_ignore_ascii_case("kms").then_some(op)
}

/// Grant constraints on the encryption context.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantConstraints {
    /// The request's encryption context must equal this exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_context_equals: Option<BTreeMap<String, String>>,
    /// The request's encryption context must include these pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_context_subset: Option<BTreeMap<String, String>>,
}

/// A grant as the policy engine sees it; the KMS layer fills these from its
/// stored grants for the key being used.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantView {
    /// Grant id.
    pub grant_id: String,
    /// Grant name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The grantee: a user, role, session or account-root ARN.
    pub grantee_principal: String,
    /// Who may retire it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retiring_principal: Option<String>,
    /// Allowed operations (`Decrypt`, `GenerateDataKey`, …).
    pub operations: Vec<String>,
    /// Encryption-context constraints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<GrantConstraints>,
    /// The grant token returned by CreateGrant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_token: Option<String>,
    /// Whether the grant has propagated (usable without its token).
    #[serde(default = "yes")]
    pub effective: bool,
}

fn yes() -> bool {
    true
}

/// The request's encryption context, read from `kms:EncryptionContext:<key>` entries.
pub fn request_encryption_context(ctx: &RequestContext) -> Vec<(&str, &str)> {
    encryption_context_in(ctx)
}

/// [`request_encryption_context`] for any context source.
fn encryption_context_in<C: ContextLookup + ?Sized>(ctx: &C) -> Vec<(&str, &str)> {
    const PREFIX: &str = "kms:encryptioncontext:";
    let mut out = Vec::new();
    ctx.for_each_stored(&mut |k, v| {
        if let (true, Some(key), ContextValue::String(s)) =
            (starts_with_ignore_case(k, PREFIX), k.get(PREFIX.len()..), v)
        {
            out.push((key, s.as_str()));
        }
    });
    out
}

/// How a grantee principal names the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GranteeMatch {
    /// It does not.
    None,
    /// Through the caller's account root (IAM policies must then allow).
    Account,
    /// Directly (user, role of a session, session).
    Direct,
}

/// Whether `grantee` names the caller.
pub fn grantee_match(grantee: &str, caller: &CallerIdentity<'_>) -> GranteeMatch {
    if grantee == caller.arn || (caller.kind == PrincipalType::AssumedRole && caller.principal_arn.matches(grantee)) {
        return GranteeMatch::Direct;
    }
    if caller.is_account_root_arn(grantee) {
        return GranteeMatch::Account;
    }
    GranteeMatch::None
}

/// Why a grant did or did not apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantCheck {
    /// It allows.
    Allows(GranteeMatch),
    /// Not for this caller.
    OtherGrantee,
    /// Not for this operation.
    OtherOperation,
    /// Not effective yet and no token presented.
    NotYetEffective,
    /// Encryption context does not satisfy the constraints.
    ConstraintFailed,
}

/// Checks one grant against a request.
pub fn check_grant<C: ContextLookup + ?Sized>(
    grant: &GrantView,
    action: &str,
    caller: &CallerIdentity<'_>,
    ctx: &C,
    tokens: &[String],
) -> GrantCheck {
    let Some(op) = kms_operation(action) else {
        return GrantCheck::OtherOperation;
    };
    // The retiring principal may retire without the grant listing RetireGrant.
    let retiring = op.eq_ignore_ascii_case("RetireGrant")
        && grant.retiring_principal.as_deref().is_some_and(|r| grantee_match(r, caller) == GranteeMatch::Direct);
    let grantee = grantee_match(&grant.grantee_principal, caller);
    if grantee == GranteeMatch::None && !retiring {
        return GrantCheck::OtherGrantee;
    }
    if !retiring && !grant.operations.iter().any(|o| o.eq_ignore_ascii_case(op)) {
        return GrantCheck::OtherOperation;
    }
    let token_presented = grant.grant_token.as_ref().is_some_and(|t| tokens.iter().any(|x| x == t));
    if !grant.effective && !token_presented {
        return GrantCheck::NotYetEffective;
    }
    if let Some(constraints) = &grant.constraints {
        let request = encryption_context_in(ctx);
        if let Some(equals) = &constraints.encryption_context_equals {
            let same =
                request.len() == equals.len() && request.iter().all(|(k, v)| equals.get(*k).is_some_and(|x| x == v));
            if !same {
                return GrantCheck::ConstraintFailed;
            }
        }
        if let Some(subset) = &constraints.encryption_context_subset {
            if !subset.iter().all(|(k, v)| request.iter().any(|(rk, rv)| rk == k && rv == v)) {
                return GrantCheck::ConstraintFailed;
            }
        }
    }
    Allows(if retiring { GranteeMatch::Direct } else { grantee })
}

use GrantCheck::Allows;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn grant() -> GrantView {
        GrantView {
            grant_id: "g1".into(),
            grantee_principal: "arn:aws:iam::111122223333:role/App".into(),
            operations: vec!["Decrypt".into()],
            effective: true,
            ..GrantView::default()
        }
    }

    #[test]
    fn grants_match_grantee_operation_and_constraints() {
        let caller = CallerIdentity::from_arn("arn:aws:sts::111122223333:assumed-role/App/s", "111122223333");
        let mut ctx = RequestContext::new();
        ctx.set("kms:EncryptionContext:tenant", ContextValue::String("a".into()));
        assert_eq!(check_grant(&grant(), "kms:Decrypt", &caller, &ctx, &[]), GrantCheck::Allows(GranteeMatch::Direct));
        assert_eq!(check_grant(&grant(), "kms:Encrypt", &caller, &ctx, &[]), GrantCheck::OtherOperation);
        let mut g = grant();
        g.constraints = Some(GrantConstraints {
            encryption_context_subset: Some([("tenant".to_string(), "b".to_string())].into_iter().collect()),
            ..Default::default()
        });
        assert_eq!(check_grant(&g, "kms:Decrypt", &caller, &ctx, &[]), GrantCheck::ConstraintFailed);
        let mut pending = grant();
        pending.effective = false;
        pending.grant_token = Some("tok".into());
        assert_eq!(check_grant(&pending, "kms:Decrypt", &caller, &ctx, &[]), GrantCheck::NotYetEffective);
        assert!(matches!(check_grant(&pending, "kms:Decrypt", &caller, &ctx, &["tok".into()]), GrantCheck::Allows(_)));
        assert!(is_cross_account_action("KMS:decrypt"));
        assert!(!is_cross_account_action("kms:ScheduleKeyDeletion"));
    }
}
