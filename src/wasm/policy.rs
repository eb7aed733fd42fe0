//! The policy engine's explain API for JS: load an IAM world, simulate,
//! explain one decision against the stored resource, validate policy text,
//! and authorize batches of requests (outcome only).
//! Requests and explanations cross as JSON text; batch outcomes as bytes.

use super::caller::{checked_region, CallerOptions};
use super::{invalid, to_js_error, WasmSimulator};
use crate::policy::{ContextValue, Outcome, PolicyKind, SimulationRequest};
use crate::simulator::Simulator;
use crate::world::CallContext;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// `explain` input: `{"action", "resource", "context"?: {"key": value | [values]}}`.
#[derive(Deserialize)]
struct ExplainInput {
    action: String,
    resource: String,
    #[serde(default)]
    context: serde_json::Map<String, serde_json::Value>,
}

/// Who makes one batch request, as changes to the simulator view's caller:
/// `principal` or `account` replaces the caller, the rest replace one fact each.
/// The options `registerContext` takes, plus `viaService`; nothing else.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CallerInput {
    #[serde(flatten)]
    options: CallerOptions,
    via_service: Option<String>,
}

impl CallerInput {
    /// `base` with these changes, validated as `registerContext` validates callers.
    fn apply(self, base: &CallContext) -> Result<CallContext, String> {
        let mut ctx = base.clone();
        let CallerInput { options, via_service } = self;
        if let Some(caller) = options.named_caller()? {
            ctx.caller = caller;
        }
        if let Some(region) = options.region {
            ctx.region = checked_region(region)?;
        }
        if options.source_ip.is_some() {
            ctx.source_ip = options.source_ip;
        }
        if let Some(secure) = options.secure_transport {
            ctx.secure_transport = secure;
        }
        if options.mfa_present.is_some() {
            ctx.mfa_present = options.mfa_present;
        }
        if let Some(via) = via_service {
            if via.is_empty() {
                return Err("viaService must not be empty".into());
            }
            ctx.via_service = Some(via);
        }
        Ok(ctx)
    }
}

/// One request of an `authorize` batch: `{"action", "resource", "context"?, "caller"?}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorizeInput {
    action: String,
    resource: String,
    #[serde(default)]
    context: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    caller: Option<CallerInput>,
}

/// A request parsed once: evaluating it reads the simulator's state afresh.
struct PreparedRequest {
    call: CallContext,
    action: String,
    resource: String,
    context: Vec<(String, ContextValue)>,
}

/// A batch of authorization requests, parsed and validated once by
/// `prepareAuthorization` and evaluated, in full, by every `authorizePrepared`.
#[wasm_bindgen]
pub struct WasmPreparedRequests {
    requests: Vec<PreparedRequest>,
}

#[wasm_bindgen]
impl WasmPreparedRequests {
    /// How many requests the batch holds.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        u32::try_from(self.requests.len()).unwrap_or(u32::MAX)
    }
}

/// The byte each outcome is reported as (`pkg/lib/policy.js` names them).
fn outcome_code(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Allow => 0,
        Outcome::ExplicitDeny => 1,
        Outcome::ImplicitDeny => 2,
    }
}

/// Plain JSON context values as the engine's: arrays are lists, booleans and numbers keep their type.
fn context_value(value: serde_json::Value) -> ContextValue {
    match value {
        serde_json::Value::Array(items) => ContextValue::StringList(
            items.into_iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect(),
        ),
        serde_json::Value::Bool(b) => ContextValue::Bool(b),
        serde_json::Value::Number(n) => ContextValue::Number(n.as_f64().unwrap_or_default()),
        serde_json::Value::String(s) => ContextValue::String(s),
        other => ContextValue::String(other.to_string()),
    }
}

#[wasm_bindgen]
impl WasmSimulator {
    /// Replaces the IAM world with a world document (JSON text).
    #[wasm_bindgen(js_name = loadWorld)]
    pub fn load_world(&mut self, json: &str) -> Result<(), JsValue> {
        self.sim.load_world(json).map_err(|e| to_js_error(&e))
    }

    /// `SimulatePrincipalPolicy`-style batch: a `SimulationRequest` in, results out (JSON).
    pub fn simulate(&self, request_json: &str) -> Result<String, JsValue> {
        let request: SimulationRequest = serde_json::from_str(request_json).map_err(|e| invalid(e.to_string()))?;
        serde_json::to_string(&self.sim.simulate(&request)).map_err(|e| invalid(e.to_string()))
    }

    /// The explained decision for the caller registered as `context` (JSON).
    pub fn explain(&self, context: u32, input_json: &str) -> Result<String, JsValue> {
        let ctx = self.context(context)?;
        let input: ExplainInput = serde_json::from_str(input_json).map_err(|e| invalid(e.to_string()))?;
        let extra: Vec<(String, ContextValue)> =
            input.context.into_iter().map(|(k, v)| (k, context_value(v))).collect();
        let decision = self.sim.explain(&ctx, &input.action, &input.resource, &extra).map_err(|e| to_js_error(&e))?;
        serde_json::to_string(&decision).map_err(|e| invalid(e.to_string()))
    }

    /// Parses and validates a batch of requests (a JSON array of
    /// `{"action", "resource", "context"?, "caller"?}`) made by the caller
    /// registered as `context`, for `authorizePrepared` to evaluate.
    #[wasm_bindgen(js_name = prepareAuthorization)]
    pub fn prepare_authorization(&self, context: u32, requests_json: &str) -> Result<WasmPreparedRequests, JsValue> {
        let base = self.context(context)?;
        let inputs: Vec<AuthorizeInput> =
            serde_json::from_str(requests_json).map_err(|e| invalid(format!("invalid authorization requests: {e}")))?;
        let mut requests = Vec::with_capacity(inputs.len());
        for (index, input) in inputs.into_iter().enumerate() {
            let at = |message: String| invalid(format!("request {index}: {message}"));
            if input.action.split_once(':').is_none_or(|(service, name)| service.is_empty() || name.is_empty()) {
                return Err(at(format!("action {:?} is not service:Action", input.action)));
            }
            let call = match input.caller {
                Some(caller) => caller.apply(&base).map_err(at)?,
                None => base.clone(),
            };
            let context = input.context.into_iter().map(|(k, v)| (k, context_value(v))).collect();
            requests.push(PreparedRequest { call, action: input.action, resource: input.resource, context });
        }
        Ok(WasmPreparedRequests { requests })
    }

    /// Evaluates every request of `prepared` against the simulator as it is
    /// now (world, keys, secrets, clock): one byte per request, 0 = Allow,
    /// 1 = ExplicitDeny, 2 = ImplicitDeny. No explanation is built.
    #[wasm_bindgen(js_name = authorizePrepared)]
    pub fn authorize_prepared(&self, prepared: &WasmPreparedRequests) -> Result<Vec<u8>, JsValue> {
        prepared
            .requests
            .iter()
            .map(|r| {
                let outcome = self.sim.authorize_outcome(&r.call, &r.action, &r.resource, &r.context);
                outcome.map(outcome_code).map_err(|e| to_js_error(&e))
            })
            .collect()
    }

    /// Findings for `text` used as `kind` (`identity`, `resource`, `keyPolicy`, `trust`, …), as JSON.
    #[wasm_bindgen(js_name = validatePolicy)]
    pub fn validate_policy(text: &str, kind: &str) -> Result<String, JsValue> {
        let kind: PolicyKind = serde_json::from_value(serde_json::Value::String(kind.to_string()))
            .map_err(|_| invalid(format!("unknown policy kind '{kind}'")))?;
        serde_json::to_string(&Simulator::validate_policy(text, kind)).map_err(|e| invalid(e.to_string()))
    }
}
