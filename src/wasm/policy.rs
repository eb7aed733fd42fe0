//! The policy engine's explain API for JS: load an IAM world, simulate,
//! explain one decision against the stored resource, validate policy text.
//! Requests and results cross as JSON text.

use super::{invalid, to_js_error, WasmSimulator};
use crate::policy::{ContextValue, PolicyKind, SimulationRequest};
use crate::simulator::Simulator;
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

    /// Findings for `text` used as `kind` (`identity`, `resource`, `keyPolicy`, `trust`, …), as JSON.
    #[wasm_bindgen(js_name = validatePolicy)]
    pub fn validate_policy(text: &str, kind: &str) -> Result<String, JsValue> {
        let kind: PolicyKind = serde_json::from_value(serde_json::Value::String(kind.to_string()))
            .map_err(|_| invalid(format!("unknown policy kind '{kind}'")))?;
        serde_json::to_string(&Simulator::validate_policy(text, kind)).map_err(|e| invalid(e.to_string()))
    }
}
