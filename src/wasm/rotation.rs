//! Rotation functions written in JS, the built-in database rotation, and the
//! simulated databases it rotates.
//!
//! Re-entrancy: Secrets Manager runs a rotation function with `&mut Simulator`
//! while the JS call into [`WasmSimulator`] that started the rotation still
//! holds wasm-bindgen's borrow of it, so a JS function calling back into the
//! same `WasmSimulator` would fail ("recursive use of an object detected").
//! Instead, for the duration of each step the simulator is *moved* into a
//! thread-local scope (a cheap placeholder stands in), the JS function's calls
//! go to that scope through the `scoped*` functions (the JS API routes a
//! simulator's calls there while one of its rotation functions runs), and the
//! simulator is moved back afterwards. Scopes nest: a rotation started from
//! inside a rotation function takes the simulator out of the scope while it
//! runs and puts it back. No `unsafe` is involved.

use super::{invalid, to_js_error, WasmSimulator};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::secrets::{Database, DatabaseRotation, RotationEvent, RotationFunction, RotationStrategy};
use crate::simulator::{Service, Simulator, SimulatorConfig};
use crate::world::CallContext;
use js_sys::{Function, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// The simulator a running JS rotation function calls into, and the identity
/// (its execution role) those calls are made with.
struct Scope {
    sim: Simulator,
    ctx: CallContext,
}

thread_local! {
    static ACTIVE: RefCell<Option<Scope>> = const { RefCell::new(None) };
}

/// Stands in for the simulator while it is lent to a rotation scope.
fn placeholder() -> Simulator {
    Simulator::new(&SimulatorConfig {
        seed: Some("kmsim-rotation-placeholder".to_string()),
        audit_capacity: Some(1),
        ..Default::default()
    })
}

/// Runs `f` on the scoped simulator, taking it out of the scope meanwhile so
/// that nested rotations can open a scope of their own.
fn with_scope<R>(f: impl FnOnce(&mut Simulator, &CallContext) -> Result<R, JsValue>) -> Result<R, JsValue> {
    let taken = ACTIVE.with(|active| active.borrow_mut().take());
    let Some(mut scope) = taken else {
        return Err(invalid("no rotation function of this simulator is running"));
    };
    let out = f(&mut scope.sim, &scope.ctx);
    ACTIVE.with(|active| *active.borrow_mut() = Some(scope));
    out
}

/// Runs one operation with a JSON request, returning the JSON response (shared
/// by [`WasmSimulator::call`] and [`scoped_call`]).
pub(super) fn call_json_text(
    sim: &mut Simulator,
    ctx: &CallContext,
    service: &str,
    operation: &str,
    input_json: &str,
) -> Result<String, JsValue> {
    let service = Service::from_signing_name(service).ok_or_else(|| {
        to_js_error(&AwsError::new(ErrorCode::UnknownOperationException, format!("unknown service '{service}'")))
    })?;
    let input: serde_json::Value = if input_json.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(input_json).map_err(|e| {
            to_js_error(&AwsError::new(ErrorCode::SerializationException, format!("request is not JSON: {e}")))
        })?
    };
    let output = sim.call_json(ctx, service, operation, input).map_err(|e| to_js_error(&e))?;
    serde_json::to_string(&output).map_err(|e| invalid(e.to_string()))
}

/// A thrown JS value as the error that fails the rotation step: an `Error`
/// named like an AWS exception keeps that name; anything else is reported
/// with its own name and message.
fn js_to_aws(value: &JsValue) -> AwsError {
    let text = |field: &str| Reflect::get(value, &field.into()).ok().and_then(|v| v.as_string());
    let name = text("name");
    let message =
        text("message").or_else(|| value.as_string()).unwrap_or_else(|| "the rotation function threw".to_string());
    match name.as_deref().and_then(ErrorCode::from_name) {
        Some(code) => AwsError::new(code, message),
        None => AwsError::new(
            ErrorCode::InternalServiceError,
            format!("{}: {message}", name.unwrap_or_else(|| "Error".to_string())),
        ),
    }
}

/// A JS function `(eventJson: string) => void` as a [`RotationFunction`].
struct JsRotation {
    function: Function,
}

impl RotationFunction for JsRotation {
    fn invoke(&mut self, sim: &mut Simulator, ctx: &CallContext, event: &RotationEvent) -> AwsResult<()> {
        let event_json =
            serde_json::to_string(event).map_err(|e| AwsError::new(ErrorCode::InternalServiceError, e.to_string()))?;
        let lent = std::mem::replace(sim, placeholder());
        let previous = ACTIVE.with(|active| active.borrow_mut().replace(Scope { sim: lent, ctx: ctx.clone() }));
        let result = self.function.call1(&JsValue::NULL, &JsValue::from_str(&event_json));
        let returned = ACTIVE.with(|active| std::mem::replace(&mut *active.borrow_mut(), previous));
        match returned {
            Some(scope) => *sim = scope.sim,
            None => {
                return Err(AwsError::new(
                    ErrorCode::InternalServiceError,
                    "the simulator was not returned by the rotation function's scope",
                ))
            }
        }
        result.map(|_| ()).map_err(|e| js_to_aws(&e))
    }
}

fn strategy(name: &str) -> Result<RotationStrategy, JsValue> {
    match name {
        "singleUser" | "single-user" | "SingleUser" => Ok(RotationStrategy::SingleUser),
        "alternatingUsers" | "alternating-users" | "AlternatingUsers" => Ok(RotationStrategy::AlternatingUsers),
        other => Err(invalid(format!("unknown rotation strategy '{other}' (singleUser or alternatingUsers)"))),
    }
}

/// A database as JSON for JS: user names only, never password digests.
fn database_json(db: Option<&Database>) -> Result<Option<String>, JsValue> {
    let Some(db) = db else { return Ok(None) };
    let users: Vec<&String> = db.users.keys().collect();
    let value = serde_json::json!({
        "host": db.host, "engine": db.engine, "users": users, "masterUser": db.master_user,
        "logins": db.logins, "failedLogins": db.failed_logins,
    });
    serde_json::to_string(&value).map(Some).map_err(|e| invalid(e.to_string()))
}

#[wasm_bindgen]
impl WasmSimulator {
    /// Registers a JS rotation function `(eventJson) => void` under a
    /// Lambda-style ARN. It runs synchronously, once per step; a throw fails
    /// the step. While it runs, its calls go through the `scoped*` functions.
    #[wasm_bindgen(js_name = registerRotationFunction)]
    pub fn register_js_rotation_function(&mut self, arn: &str, function: Function) {
        self.sim.register_rotation_function(arn, Box::new(JsRotation { function }));
    }

    /// Registers the built-in database rotation (`singleUser` or `alternatingUsers`).
    #[wasm_bindgen(js_name = registerDatabaseRotation)]
    pub fn register_database_rotation(&mut self, arn: &str, strategy_name: &str) -> Result<(), JsValue> {
        let strategy = strategy(strategy_name)?;
        self.sim.register_rotation_function(arn, Box::new(DatabaseRotation { strategy }));
        Ok(())
    }

    /// Removes a rotation function; true when there was one.
    #[wasm_bindgen(js_name = unregisterRotationFunction)]
    pub fn unregister_js_rotation_function(&mut self, arn: &str) -> bool {
        self.sim.unregister_rotation_function(arn)
    }

    /// Creates (or replaces) a simulated database with one superuser.
    #[wasm_bindgen(js_name = createDatabase)]
    pub fn create_database(&mut self, host: &str, engine: &str, master_user: &str, master_password: &str) {
        self.sim.create_database(host, engine, master_user, master_password);
    }

    /// Tries to log in to a simulated database (counted).
    #[wasm_bindgen(js_name = databaseLogin)]
    pub fn database_login(&mut self, host: &str, user: &str, password: &str) -> bool {
        self.sim.database_login(host, user, password)
    }

    /// As `login_user`, sets `user`'s password (creating the user).
    #[wasm_bindgen(js_name = databaseSetPassword)]
    pub fn database_set_password(
        &mut self,
        host: &str,
        login_user: &str,
        login_password: &str,
        user: &str,
        new_password: &str,
    ) -> Result<(), JsValue> {
        self.sim
            .database_set_password(host, login_user, login_password, user, new_password)
            .map_err(|e| to_js_error(&e))
    }

    /// A simulated database as JSON (user names, login counts), if it exists.
    pub fn database(&self, host: &str) -> Result<Option<String>, JsValue> {
        database_json(self.sim.database(host))
    }
}

/// Inside a rotation function: runs an operation as the function's role.
#[wasm_bindgen(js_name = scopedCall)]
pub fn scoped_call(service: &str, operation: &str, input_json: &str) -> Result<String, JsValue> {
    with_scope(|sim, ctx| call_json_text(sim, ctx, service, operation, input_json))
}

/// Inside a rotation function: the simulated time, ms since the epoch.
#[wasm_bindgen(js_name = scopedNow)]
pub fn scoped_now() -> Result<f64, JsValue> {
    with_scope(|sim, _| Ok(sim.now().millis() as f64))
}

/// Inside a rotation function: logs in to a simulated database.
#[wasm_bindgen(js_name = scopedDatabaseLogin)]
pub fn scoped_database_login(host: &str, user: &str, password: &str) -> Result<bool, JsValue> {
    with_scope(|sim, _| Ok(sim.database_login(host, user, password)))
}

/// Inside a rotation function: sets a database user's password.
#[wasm_bindgen(js_name = scopedDatabaseSetPassword)]
pub fn scoped_database_set_password(
    host: &str,
    login_user: &str,
    login_password: &str,
    user: &str,
    new_password: &str,
) -> Result<(), JsValue> {
    with_scope(|sim, _| {
        sim.database_set_password(host, login_user, login_password, user, new_password).map_err(|e| to_js_error(&e))
    })
}

/// Inside a rotation function: a simulated database as JSON.
#[wasm_bindgen(js_name = scopedDatabase)]
pub fn scoped_database(host: &str) -> Result<Option<String>, JsValue> {
    with_scope(|sim, _| database_json(sim.database(host)))
}
