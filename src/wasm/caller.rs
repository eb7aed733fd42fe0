//! The caller a JS view names, as JSON: `sim.as({...})` registers one
//! (`registerContext`), and an `authorize` request's `caller` changes the
//! view's (`prepareAuthorization`, which also takes `viaService`).

use crate::world::Caller;
use serde::Deserialize;

/// `CallerOptions` of `pkg/index.d.ts`: who calls (`principal`, an ARN, or
/// `account`, whose root calls) and the facts of the call. Unknown fields are
/// refused: a misspelt `principal` must not silently mean the root.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct CallerOptions {
    pub(super) principal: Option<String>,
    pub(super) account: Option<String>,
    pub(super) region: Option<String>,
    pub(super) source_ip: Option<String>,
    pub(super) secure_transport: Option<bool>,
    pub(super) mfa_present: Option<bool>,
}

impl CallerOptions {
    /// The caller `principal` names, else the root of `account`; `None` when
    /// neither is given.
    pub(super) fn named_caller(&self) -> Result<Option<Caller>, String> {
        match (&self.principal, &self.account) {
            (Some(arn), _) => {
                Caller::from_arn(arn).map(Some).ok_or_else(|| format!("'{arn}' is not an IAM or STS principal ARN"))
            }
            (None, Some(account)) if crate::world::is_account_id(account) => Ok(Some(Caller::account_root(account))),
            (None, Some(account)) => Err(format!("'{account}' is not a 12-digit account id")),
            (None, None) => Ok(None),
        }
    }
}

/// `region`, refused unless it is a region name.
pub(super) fn checked_region(region: String) -> Result<String, String> {
    if crate::world::is_region_name(&region) {
        Ok(region)
    } else {
        Err(format!("'{region}' is not a region name"))
    }
}
