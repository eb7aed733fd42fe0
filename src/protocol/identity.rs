//! Who a signed request comes from: the principal-directory hook and the
//! fallback rules used until IAM access keys and STS sessions exist.

use crate::simulator::Simulator;
use crate::world::{is_account_id, Caller, DEFAULT_ACCOUNT};
use std::collections::HashMap;

/// The principal behind an access key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The caller (its `access_key_id` is filled in by the protocol layer).
    pub caller: Caller,
    /// The secret access key, needed to verify signatures in strict mode.
    pub secret_access_key: Option<String>,
    /// `aws:MultiFactorAuthPresent`, when the credentials say (STS sessions).
    pub mfa_present: Option<bool>,
}

/// What a directory knows about an access key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyLookup {
    /// A known key and its principal.
    Known(Principal),
    /// A key that exists but whose session credentials have expired
    /// (`ExpiredTokenException` / `ExpiredToken`).
    Expired,
    /// Nobody has this key.
    Unknown,
}

/// Maps access keys (IAM users' keys, STS session credentials) to principals.
///
/// The simulator's IAM / STS layer provides one; until then
/// [`StaticPrincipals`] and closures serve. `session_token` is the request's
/// `X-Amz-Security-Token`, if any.
pub trait PrincipalDirectory {
    /// Looks up `access_key_id` in the simulator's state.
    fn lookup(&self, sim: &Simulator, access_key_id: &str, session_token: Option<&str>) -> KeyLookup;
}

impl<F> PrincipalDirectory for F
where
    F: Fn(&Simulator, &str, Option<&str>) -> KeyLookup,
{
    fn lookup(&self, sim: &Simulator, access_key_id: &str, session_token: Option<&str>) -> KeyLookup {
        self(sim, access_key_id, session_token)
    }
}

/// A fixed table of access keys (tests, local setups).
#[derive(Clone, Debug, Default)]
pub struct StaticPrincipals {
    keys: HashMap<String, Principal>,
}

impl StaticPrincipals {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key for `caller` with its secret (builder style).
    pub fn with_key(mut self, access_key_id: &str, secret_access_key: &str, caller: Caller) -> Self {
        self.keys.insert(
            access_key_id.to_string(),
            Principal { caller, secret_access_key: Some(secret_access_key.to_string()), mfa_present: None },
        );
        self
    }
}

impl PrincipalDirectory for StaticPrincipals {
    fn lookup(&self, _sim: &Simulator, access_key_id: &str, _session_token: Option<&str>) -> KeyLookup {
        match self.keys.get(access_key_id) {
            Some(principal) => KeyLookup::Known(principal.clone()),
            None => KeyLookup::Unknown,
        }
    }
}

/// The lenient rule for keys no directory knows: a 12-digit access key id is
/// that account's root, any other key the default account's root.
pub fn fallback_caller(access_key_id: &str) -> Caller {
    if is_account_id(access_key_id) {
        Caller::account_root(access_key_id)
    } else {
        Caller::account_root(DEFAULT_ACCOUNT)
    }
}
