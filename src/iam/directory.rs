//! The simulator as a [`PrincipalDirectory`]: IAM access keys name their
//! user (or root), STS session credentials their assumed-role session —
//! until they expire on the virtual clock.

use crate::protocol::{KeyLookup, Principal, PrincipalDirectory};
use crate::simulator::Simulator;
use crate::world::Caller;

/// Looks access keys up in the simulator's own IAM / STS records; what the
/// protocol layer uses when no other directory is configured.
#[derive(Clone, Copy, Debug, Default)]
pub struct SimulatorPrincipals;

impl PrincipalDirectory for SimulatorPrincipals {
    fn lookup(&self, sim: &Simulator, access_key_id: &str, session_token: Option<&str>) -> KeyLookup {
        if let Some(key) = sim.identity.access_key(access_key_id) {
            if key.status != "Active" {
                return KeyLookup::Unknown;
            }
            return KeyLookup::Known(Principal {
                caller: Caller { arn: key.principal_arn.clone(), account: key.account.clone(), access_key_id: None },
                secret_access_key: Some(key.secret_access_key.clone()),
                mfa_present: None,
            });
        }
        if let Some(session) = sim.identity.session(access_key_id) {
            // Session credentials are only valid together with their token.
            if session_token != Some(session.session_token.as_str()) {
                return KeyLookup::Unknown;
            }
            if sim.now() >= session.expiration {
                return KeyLookup::Expired;
            }
            return KeyLookup::Known(Principal {
                caller: Caller {
                    arn: session.session_arn.clone(),
                    account: session.account.clone(),
                    access_key_id: None,
                },
                secret_access_key: Some(session.secret_access_key.clone()),
                mfa_present: None,
            });
        }
        // Keys a world document lists for a user: they name the user, but with
        // no secret known, strict mode cannot verify them.
        if let Some(user) = sim.iam.users.iter().find(|u| u.access_keys.iter().any(|k| k == access_key_id)) {
            return KeyLookup::Known(Principal {
                caller: Caller { arn: user.arn(), account: user.account.clone(), access_key_id: None },
                secret_access_key: None,
                mfa_present: None,
            });
        }
        KeyLookup::Unknown
    }
}
