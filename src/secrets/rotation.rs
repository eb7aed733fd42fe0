//! Rotation: functions registered under Lambda-style ARNs, and the four-step
//! run (createSecret → setSecret → testSecret → finishSecret) Secrets Manager
//! drives. A function calls back into the simulator like a Lambda calls the
//! AWS APIs, with the credentials of its execution role.

use super::labels::{attach, detach};
use super::model::{RotationFailure, SecretVersion, AWSCURRENT, AWSPENDING};
use crate::audit::AuditResource;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::{Service, Simulator};
use crate::world::{CallContext, Caller};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

/// The four steps of a rotation, named as the event's `Step` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RotationStep {
    /// Create the new value and store it as AWSPENDING.
    #[serde(rename = "createSecret")]
    CreateSecret,
    /// Set the new credentials in the target (database, service).
    #[serde(rename = "setSecret")]
    SetSecret,
    /// Check the new credentials work.
    #[serde(rename = "testSecret")]
    TestSecret,
    /// Move AWSCURRENT to the new version.
    #[serde(rename = "finishSecret")]
    FinishSecret,
}

impl RotationStep {
    /// The step's name in the event (`createSecret`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            RotationStep::CreateSecret => "createSecret",
            RotationStep::SetSecret => "setSecret",
            RotationStep::TestSecret => "testSecret",
            RotationStep::FinishSecret => "finishSecret",
        }
    }
}

/// The event a rotation function receives (as a Lambda does).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationEvent {
    /// `SecretId`: the secret's ARN.
    pub secret_id: String,
    /// `ClientRequestToken`: the id of the version being rotated in.
    pub client_request_token: String,
    /// `Step`.
    pub step: RotationStep,
}

/// A rotation function. It receives the simulator to call back into (with
/// `ctx`, its execution role's identity) and the event; an error fails the rotation.
pub trait RotationFunction {
    /// Runs one step.
    fn invoke(&mut self, sim: &mut Simulator, ctx: &CallContext, event: &RotationEvent) -> AwsResult<()>;
}

impl<F> RotationFunction for F
where
    F: FnMut(&mut Simulator, &CallContext, &RotationEvent) -> AwsResult<()>,
{
    fn invoke(&mut self, sim: &mut Simulator, ctx: &CallContext, event: &RotationEvent) -> AwsResult<()> {
        self(sim, ctx, event)
    }
}

/// The registered rotation functions, by ARN (code, not state: not in snapshots).
#[derive(Default)]
pub struct RotationRegistry {
    functions: BTreeMap<String, Box<dyn RotationFunction>>,
}

impl std::fmt::Debug for RotationRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.functions.keys()).finish()
    }
}

impl Simulator {
    /// Registers a rotation function under a Lambda-style ARN
    /// (`arn:aws:lambda:<region>:<account>:function:<name>`), replacing any.
    pub fn register_rotation_function(&mut self, arn: &str, function: Box<dyn RotationFunction>) {
        self.rotation_functions.functions.insert(arn.to_string(), function);
    }

    /// True when a rotation function is registered under `arn` (a Lambda that exists).
    pub fn has_rotation_function(&self, arn: &str) -> bool {
        self.rotation_functions.functions.contains_key(arn)
    }

    /// Removes a rotation function; true when there was one.
    pub fn unregister_rotation_function(&mut self, arn: &str) -> bool {
        self.rotation_functions.functions.remove(arn).is_some()
    }

    /// The last failed rotation of a secret (by ARN), until one succeeds.
    pub fn secret_rotation_failure(&self, secret_arn: &str) -> Option<RotationFailure> {
        self.secrets.secrets.get(secret_arn).and_then(|s| s.last_rotation_failure.clone())
    }
}

/// The identity a rotation function runs as: an assumed-role session of
/// `<function-name>-rotation-role` in the function's account.
fn role_context(function_arn: &str, fallback_account: &str, region: &str) -> CallContext {
    let parts: Vec<&str> = function_arn.split(':').collect();
    let account = parts.get(4).filter(|a| crate::world::is_account_id(a)).copied().unwrap_or(fallback_account);
    let name = parts.last().copied().unwrap_or("rotation");
    let arn = format!("arn:{}:sts::{account}:assumed-role/{name}-rotation-role/{name}", crate::world::PARTITION);
    let caller = Caller::from_arn(&arn).unwrap_or_else(|| Caller::account_root(account));
    let mut ctx = CallContext::new(caller, region);
    ctx.user_agent = Some("AWS Lambda (kmsim rotation function)".to_string());
    ctx
}

fn rotation_event(sim: &mut Simulator, arn: &str, name: &str, details: serde_json::Value) {
    let Some(secret) = sim.secrets.secrets.get(arn) else { return };
    let resource = AuditResource {
        arn: arn.into(),
        account_id: secret.account.as_str().into(),
        resource_type: super::access::RESOURCE_TYPE.into(),
    };
    let region = secret.region.clone();
    let now = sim.now();
    sim.record_service_event(Service::SecretsManager, name, now, &region, resource, details);
}

fn fail(sim: &mut Simulator, arn: &str, token: &str, step: &str, message: String) -> AwsError {
    let failure = RotationFailure {
        at: sim.now(),
        step: step.to_string(),
        version_id: token.to_string(),
        message: message.clone(),
    };
    if let Some(secret) = sim.secrets.secrets.get_mut(arn) {
        secret.last_rotation_failure = Some(failure);
    }
    rotation_event(
        sim,
        arn,
        "RotationFailed",
        json!({ "secretId": arn, "versionId": token, "step": step, "message": message }),
    );
    AwsError::new(ErrorCode::InvalidRequestException, format!("Rotation failed at {step}: {message}"))
}

/// Runs a rotation of the secret at `arn` into version `token`: the four
/// steps, or only testSecret when `test_only` (RotateImmediately=false).
/// A failure leaves AWSPENDING where it is and AWSCURRENT untouched, and is
/// recorded (DescribeSecret shows the lingering AWSPENDING; the audit trail a
/// `RotationFailed` event).
/// Replicas then catch up with whatever the rotation changed (labels, the new
/// version, LastRotatedDate), as the function's execution role.
pub(crate) fn rotate(sim: &mut Simulator, arn: &str, token: &str, test_only: bool) -> AwsResult<()> {
    let result = run(sim, arn, token, test_only);
    if let Ok(secret) = sim.secrets.get(arn) {
        let lambda = secret.rotation_lambda_arn.clone().unwrap_or_default();
        let ctx = role_context(&lambda, &secret.account, &secret.region);
        crate::secrets::ops::sync_replicas(sim, &ctx, arn);
    }
    result
}

fn run(sim: &mut Simulator, arn: &str, token: &str, test_only: bool) -> AwsResult<()> {
    let now = sim.now();
    let secret = sim.secrets.get_mut(arn)?;
    let lambda = secret.rotation_lambda_arn.clone().unwrap_or_default();
    let (account, region) = (secret.account.clone(), secret.region.clone());
    let placeholder = secret.version(token).is_none();
    if placeholder {
        secret.versions.push(SecretVersion {
            id: token.to_string(),
            created: now,
            stages: Vec::new(),
            sealed: None,
            binary: false,
            kms_key_arn: String::new(),
            last_accessed: None,
            rewrapped: Vec::new(),
        });
    }
    attach(secret, AWSPENDING, token);
    rotation_event(
        sim,
        arn,
        "RotationStarted",
        json!({ "secretId": arn, "versionId": token, "rotationLambdaARN": lambda }),
    );
    let cleanup = |sim: &mut Simulator| {
        if let Ok(secret) = sim.secrets.get_mut(arn) {
            if placeholder {
                secret.versions.retain(|v| v.id != token);
            } else {
                detach(secret, AWSPENDING, token);
            }
        }
    };
    let Some(mut function) = sim.rotation_functions.functions.remove(&lambda) else {
        let e = fail(
            sim,
            arn,
            token,
            "invoke",
            format!("Secrets Manager cannot invoke the specified Lambda function {lambda}."),
        );
        if test_only {
            cleanup(sim);
        }
        return Err(e);
    };
    let ctx = role_context(&lambda, &account, &region);
    // [enforce] Policies are enforced: the function's execution role must exist.
    sim.ensure_rotation_role(&ctx);
    let steps: &[RotationStep] = if test_only {
        &[RotationStep::TestSecret]
    } else {
        &[RotationStep::CreateSecret, RotationStep::SetSecret, RotationStep::TestSecret, RotationStep::FinishSecret]
    };
    let mut outcome = Ok(());
    for step in steps {
        let event = RotationEvent { secret_id: arn.to_string(), client_request_token: token.to_string(), step: *step };
        if let Err(e) = function.invoke(sim, &ctx, &event) {
            outcome = Err((step.as_str(), format!("{}: {}", e.name(), e.message)));
            break;
        }
    }
    sim.rotation_functions.functions.entry(lambda).or_insert(function);
    if test_only {
        cleanup(sim);
        return match outcome {
            Ok(()) => Ok(()),
            Err((step, message)) => Err(fail(sim, arn, token, step, message)),
        };
    }
    if let Err((step, message)) = outcome {
        return Err(fail(sim, arn, token, step, message));
    }
    let finished = sim.secrets.get(arn)?.version(token).is_some_and(|v| v.has(AWSCURRENT));
    if !finished {
        let message = format!("finishSecret returned, but AWSCURRENT is not on version {token}.");
        return Err(fail(sim, arn, token, "finishSecret", message));
    }
    let now = sim.now();
    let secret = sim.secrets.get_mut(arn)?;
    detach(secret, AWSPENDING, token);
    secret.last_rotated = Some(now);
    secret.last_rotation_failure = None;
    rotation_event(sim, arn, "RotationSucceeded", json!({ "secretId": arn, "versionId": token }));
    Ok(())
}
