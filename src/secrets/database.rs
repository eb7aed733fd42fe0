//! A tiny simulated database as a rotation target, and the built-in rotation
//! functions for it (single user, alternating users), so a lab can show an
//! application that keeps logging in while its password rotates.
//!
//! Secrets for a database follow the AWS JSON shape:
//! `{"engine", "host", "username", "password", "dbname", "port"}`, plus
//! `"masterarn"` (the superuser's secret) for alternating users.

use super::model::{AWSCURRENT, AWSPENDING, AWSPREVIOUS};
use super::ops::{
    DescribeSecret, GetRandomPassword, GetRandomPasswordRequest, GetSecretValue, GetSecretValueRequest, PutSecretValue,
    PutSecretValueRequest, SecretIdRequest, UpdateSecretVersionStage, UpdateSecretVersionStageRequest,
};
use super::rotation::{RotationEvent, RotationFunction, RotationStep};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::Simulator;
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A simulated database: users and (hashed) passwords.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Database {
    /// The host name secrets refer to.
    pub host: String,
    /// The engine name (`postgres`, `mysql`, …): informational.
    pub engine: String,
    /// User → SHA-256 of the password (hex).
    pub users: BTreeMap<String, String>,
    /// The superuser (may manage other users).
    pub master_user: String,
    /// Successful logins.
    pub logins: u64,
    /// Failed logins.
    pub failed_logins: u64,
}

fn digest(password: &str) -> String {
    crate::rng::hex_encode(&Sha256::digest(password.as_bytes()))
}

fn db_error(message: impl Into<String>) -> AwsError {
    AwsError::new(ErrorCode::InvalidRequestException, message)
}

impl Simulator {
    /// Creates (or replaces) a simulated database with one superuser.
    pub fn create_database(&mut self, host: &str, engine: &str, master_user: &str, master_password: &str) {
        let mut users = BTreeMap::new();
        users.insert(master_user.to_string(), digest(master_password));
        self.secrets.databases.insert(
            host.to_string(),
            Database {
                host: host.to_string(),
                engine: engine.to_string(),
                users,
                master_user: master_user.to_string(),
                logins: 0,
                failed_logins: 0,
            },
        );
    }

    /// Tries to log in; counts the attempt.
    pub fn database_login(&mut self, host: &str, user: &str, password: &str) -> bool {
        let Some(db) = self.secrets.databases.get_mut(host) else { return false };
        let ok = db.users.get(user).is_some_and(|d| *d == digest(password));
        if ok {
            db.logins += 1;
        } else {
            db.failed_logins += 1;
        }
        ok
    }

    /// As `login_user` (authenticated with `login_password`), sets `user`'s
    /// password, creating the user if needed. Only the superuser may manage
    /// other users; anyone may change their own password.
    pub fn database_set_password(
        &mut self,
        host: &str,
        login_user: &str,
        login_password: &str,
        user: &str,
        new_password: &str,
    ) -> AwsResult<()> {
        if !self.database_login(host, login_user, login_password) {
            return Err(db_error(format!("database {host}: login failed for {login_user}")));
        }
        let db = self.secrets.databases.get_mut(host).ok_or_else(|| db_error(format!("no database {host}")))?;
        if login_user != user && login_user != db.master_user {
            return Err(db_error(format!("database {host}: {login_user} may not manage {user}")));
        }
        db.users.insert(user.to_string(), digest(new_password));
        Ok(())
    }

    /// The simulated database at `host`.
    pub fn database(&self, host: &str) -> Option<&Database> {
        self.secrets.databases.get(host)
    }
}

/// Which built-in strategy a [`DatabaseRotation`] follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RotationStrategy {
    /// One user whose password changes (brief window where old logins fail).
    SingleUser,
    /// Two users (`name` and `name_clone`) alternate; the superuser changes the idle one.
    AlternatingUsers,
}

/// A built-in rotation function for simulated databases.
#[derive(Clone, Copy, Debug)]
pub struct DatabaseRotation {
    /// The strategy.
    pub strategy: RotationStrategy,
}

fn field<'a>(v: &'a Value, name: &str) -> AwsResult<&'a str> {
    v.get(name).and_then(Value::as_str).ok_or_else(|| db_error(format!("the secret has no {name} field")))
}

fn set_field(v: &mut Value, name: &str, text: String) -> AwsResult<()> {
    let object = v.as_object_mut().ok_or_else(|| db_error("the secret is not a JSON object"))?;
    object.insert(name.to_string(), Value::String(text));
    Ok(())
}

fn get_json(
    sim: &mut Simulator,
    ctx: &CallContext,
    id: &str,
    version_id: Option<&str>,
    stage: &str,
) -> AwsResult<Value> {
    let v = sim.invoke::<GetSecretValue>(
        ctx,
        GetSecretValueRequest {
            secret_id: id.to_string(),
            version_id: version_id.map(str::to_string),
            version_stage: Some(stage.to_string()),
        },
    )?;
    serde_json::from_str(v.secret_string.as_deref().unwrap_or_default()).map_err(|_| db_error("the secret is not JSON"))
}

impl DatabaseRotation {
    fn create(&self, sim: &mut Simulator, ctx: &CallContext, e: &RotationEvent) -> AwsResult<()> {
        let mut current = get_json(sim, ctx, &e.secret_id, None, AWSCURRENT)?;
        if get_json(sim, ctx, &e.secret_id, Some(&e.client_request_token), AWSPENDING).is_ok() {
            return Ok(());
        }
        let password = sim
            .invoke::<GetRandomPassword>(
                ctx,
                GetRandomPasswordRequest { exclude_characters: Some("/@\"'\\".to_string()), ..Default::default() },
            )?
            .random_password;
        if self.strategy == RotationStrategy::AlternatingUsers {
            let user = field(&current, "username")?.to_string();
            let next = match user.strip_suffix("_clone") {
                Some(base) => base.to_string(),
                None => format!("{user}_clone"),
            };
            set_field(&mut current, "username", next)?;
        }
        set_field(&mut current, "password", password)?;
        sim.invoke::<PutSecretValue>(
            ctx,
            PutSecretValueRequest {
                secret_id: e.secret_id.clone(),
                client_request_token: Some(e.client_request_token.clone()),
                secret_string: Some(current.to_string()),
                version_stages: Some(vec![AWSPENDING.to_string()]),
                ..Default::default()
            },
        )?;
        Ok(())
    }

    fn set(&self, sim: &mut Simulator, ctx: &CallContext, e: &RotationEvent) -> AwsResult<()> {
        let pending = get_json(sim, ctx, &e.secret_id, Some(&e.client_request_token), AWSPENDING)?;
        let (host, user, password) =
            (field(&pending, "host")?, field(&pending, "username")?, field(&pending, "password")?);
        if sim.database_login(host, user, password) {
            return Ok(());
        }
        match self.strategy {
            RotationStrategy::SingleUser => {
                for stage in [AWSCURRENT, AWSPREVIOUS] {
                    if let Ok(old) = get_json(sim, ctx, &e.secret_id, None, stage) {
                        let old_password = field(&old, "password")?;
                        if sim.database_set_password(host, user, old_password, user, password).is_ok() {
                            return Ok(());
                        }
                    }
                }
                Err(db_error(format!(
                    "setSecret: unable to log in to {host} as {user} with the current or previous password"
                )))
            }
            RotationStrategy::AlternatingUsers => {
                let master_arn = field(&pending, "masterarn")?;
                let master = get_json(sim, ctx, master_arn, None, AWSCURRENT)?;
                let (mu, mp) = (field(&master, "username")?, field(&master, "password")?);
                sim.database_set_password(host, mu, mp, user, password)
            }
        }
    }

    fn test(&self, sim: &mut Simulator, ctx: &CallContext, e: &RotationEvent) -> AwsResult<()> {
        let pending = get_json(sim, ctx, &e.secret_id, Some(&e.client_request_token), AWSPENDING)?;
        let (host, user, password) =
            (field(&pending, "host")?, field(&pending, "username")?, field(&pending, "password")?);
        if sim.database_login(host, user, password) {
            Ok(())
        } else {
            Err(db_error(format!("testSecret: unable to log in to {host} as {user} with the pending password")))
        }
    }

    fn finish(sim: &mut Simulator, ctx: &CallContext, e: &RotationEvent) -> AwsResult<()> {
        let described = sim.invoke::<DescribeSecret>(ctx, SecretIdRequest { secret_id: e.secret_id.clone() })?;
        let current = described
            .version_ids_to_stages
            .unwrap_or_default()
            .into_iter()
            .find(|(_, stages)| stages.iter().any(|s| s == AWSCURRENT))
            .map(|(id, _)| id);
        if current.as_deref() == Some(e.client_request_token.as_str()) {
            return Ok(());
        }
        sim.invoke::<UpdateSecretVersionStage>(
            ctx,
            UpdateSecretVersionStageRequest {
                secret_id: e.secret_id.clone(),
                version_stage: AWSCURRENT.to_string(),
                move_to_version_id: Some(e.client_request_token.clone()),
                remove_from_version_id: current,
            },
        )?;
        Ok(())
    }
}

impl RotationFunction for DatabaseRotation {
    fn invoke(&mut self, sim: &mut Simulator, ctx: &CallContext, event: &RotationEvent) -> AwsResult<()> {
        match event.step {
            RotationStep::CreateSecret => self.create(sim, ctx, event),
            RotationStep::SetSecret => self.set(sim, ctx, event),
            RotationStep::TestSecret => self.test(sim, ctx, event),
            RotationStep::FinishSecret => Self::finish(sim, ctx, event),
        }
    }
}
