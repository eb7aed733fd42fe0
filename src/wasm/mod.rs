//! The wasm-bindgen boundary. It converts and nothing else: every call goes
//! to [`Simulator`], every error becomes a JS `Error` whose `name` is the AWS
//! exception name (as the AWS SDK for JavaScript v3 throws them).
//!
//! Requests cross as JSON text (AWS JSON 1.1 shapes) except on the hot KMS
//! paths ([`hot`]), which exchange bytes through a buffer in wasm memory.

mod caller;
mod envelope;
mod hot;

use crate::clock::{TimeSource, Timestamp};
use crate::error::AwsError;
use crate::protocol::{HttpRequest, ProtocolOptions};
use crate::simulator::{Simulator, SimulatorConfig};
use crate::world::{CallContext, Caller};
use caller::{checked_region, CallerOptions};
use js_sys::{Object, Reflect, Uint8Array};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

mod policy;
mod rotation;

/// `Date.now()`, the live clock's source in JS hosts.
struct JsDateNow;

impl TimeSource for JsDateNow {
    fn now_millis(&self) -> i64 {
        js_sys::Date::now() as i64
    }
}

/// An AWS error as a JS `Error`, shaped like the AWS SDK v3's service exceptions.
fn to_js_error(error: &AwsError) -> JsValue {
    let js = js_sys::Error::new(&error.message);
    js.set_name(error.name());
    let value: JsValue = js.into();
    let fault = if error.http_status() >= 500 { "server" } else { "client" };
    let metadata = Object::new();
    let _ = Reflect::set(&metadata, &"httpStatusCode".into(), &JsValue::from(error.http_status()));
    let _ = Reflect::set(&value, &"$fault".into(), &fault.into());
    let _ = Reflect::set(&value, &"$metadata".into(), &metadata);
    let _ = Reflect::set(&value, &"__type".into(), &error.name().into());
    value
}

fn invalid(message: impl Into<String>) -> JsValue {
    to_js_error(&AwsError::validation(message))
}

fn set(target: &Object, field: &str, value: &JsValue) {
    let _ = Reflect::set(target, &field.into(), value);
}

/// Pairs `[k1, v1, k2, v2, …]` into a context map.
fn context_from_pairs(pairs: Vec<String>) -> Result<Option<BTreeMap<String, String>>, JsValue> {
    if pairs.is_empty() {
        return Ok(None);
    }
    if pairs.len() % 2 != 0 {
        return Err(invalid("EncryptionContext pairs must come in key/value pairs"));
    }
    let mut map = BTreeMap::new();
    let mut iter = pairs.into_iter();
    while let (Some(k), Some(v)) = (iter.next(), iter.next()) {
        map.insert(k, v);
    }
    Ok(Some(map))
}

/// The registered call context `handle` names (a free function, so callers can
/// borrow it while the simulator itself is borrowed mutably).
fn caller_context(contexts: &[CallContext], handle: u32) -> Result<&CallContext, JsValue> {
    contexts.get(handle as usize).ok_or_else(|| invalid("unknown caller handle"))
}

/// One simulated cloud, owned by JS.
#[wasm_bindgen]
pub struct WasmSimulator {
    sim: Simulator,
    /// Call contexts registered by JS; index 0 is the default account's root.
    contexts: Vec<CallContext>,
    /// How HTTP requests from the SDK handler and `kmsim serve` are treated.
    protocol: ProtocolOptions,
    /// Where the hot KMS paths exchange request and response frames with JS.
    hot: hot::HotBuffer,
}

#[wasm_bindgen]
impl WasmSimulator {
    /// Builds a simulator from a JSON `SimulatorConfig` (`{"seed": "...", "now": ms, "liveClock": bool}`).
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<WasmSimulator, JsValue> {
        let config: SimulatorConfig = if config_json.trim().is_empty() {
            SimulatorConfig::default()
        } else {
            serde_json::from_str(config_json).map_err(|e| invalid(format!("invalid simulator options: {e}")))?
        };
        let sim = Simulator::with_time_source(&config, Some(Box::new(JsDateNow)));
        Ok(WasmSimulator {
            sim,
            contexts: vec![CallContext::default_root()],
            protocol: ProtocolOptions::default(),
            hot: hot::HotBuffer::default(),
        })
    }

    /// Registers a caller (`{"principal": "<arn>"}` or `{"account": "<12 digits>"}`, plus
    /// optional `region`, `sourceIp`, `secureTransport`, `mfaPresent`) and returns its handle.
    /// Unknown fields are refused: a misspelt `principal` must not silently mean the root.
    #[wasm_bindgen(js_name = registerContext)]
    pub fn register_context(&mut self, context_json: &str) -> Result<u32, JsValue> {
        let options: CallerOptions =
            serde_json::from_str(context_json).map_err(|e| invalid(format!("invalid caller: {e}")))?;
        let caller = options.named_caller().map_err(invalid)?.unwrap_or_else(Caller::default_root);
        let region = checked_region(options.region.unwrap_or_else(|| crate::world::DEFAULT_REGION.to_string()))
            .map_err(invalid)?;
        let mut ctx = CallContext::new(caller, &region);
        ctx.source_ip = options.source_ip;
        ctx.secure_transport = options.secure_transport.unwrap_or(true);
        ctx.mfa_present = options.mfa_present;
        self.contexts.push(ctx);
        u32::try_from(self.contexts.len() - 1).map_err(|_| invalid("too many callers"))
    }

    fn context(&self, handle: u32) -> Result<CallContext, JsValue> {
        caller_context(&self.contexts, handle).cloned()
    }

    /// Runs any operation: `service` is a signing name (`kms`), `input_json` the
    /// AWS JSON request; returns the AWS JSON response.
    pub fn call(&mut self, context: u32, service: &str, operation: &str, input_json: &str) -> Result<String, JsValue> {
        let ctx = self.context(context)?;
        rotation::call_json_text(&mut self.sim, &ctx, service, operation, input_json)
    }

    /// Sets how HTTP requests are treated: `{"strictAuth": bool, "defaultRegion": "...",
    /// "maxBodyBytes": n, "sourceIp": "...", "secureTransport": bool}`.
    #[wasm_bindgen(js_name = configureProtocol)]
    pub fn configure_protocol(&mut self, options_json: &str) -> Result<(), JsValue> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Options {
            strict_auth: Option<bool>,
            default_region: Option<String>,
            max_body_bytes: Option<usize>,
            source_ip: Option<String>,
            secure_transport: Option<bool>,
        }
        let o: Options =
            serde_json::from_str(options_json).map_err(|e| invalid(format!("invalid protocol options: {e}")))?;
        if let Some(v) = o.strict_auth {
            self.protocol.strict_auth = v;
        }
        if let Some(v) = o.default_region {
            if !crate::world::is_region_name(&v) {
                return Err(invalid(format!("'{v}' is not a region name")));
            }
            self.protocol.default_region = v;
        }
        if let Some(v) = o.max_body_bytes {
            self.protocol.max_body_bytes = v;
        }
        if o.source_ip.is_some() {
            self.protocol.source_ip = o.source_ip;
        }
        if let Some(v) = o.secure_transport {
            self.protocol.secure_transport = v;
        }
        Ok(())
    }

    /// Serves one HTTP request the way AWS would (AWS JSON 1.1, Query, and the
    /// `/_kmsim/` control endpoints). `headers` is `[name1, value1, name2, …]`.
    /// Returns `{ status, headers: [name, value, …], body: Uint8Array }`; never throws.
    #[wasm_bindgen(js_name = handleHttp)]
    pub fn handle_http(
        &mut self,
        method: String,
        path: String,
        headers: Vec<String>,
        body: &[u8],
        source_ip: Option<String>,
    ) -> Object {
        let mut pairs = Vec::with_capacity(headers.len() / 2);
        let mut iter = headers.into_iter();
        while let (Some(name), Some(value)) = (iter.next(), iter.next()) {
            pairs.push((name, value));
        }
        let request = HttpRequest { method, path, headers: pairs, body: body.to_vec() };
        let mut options = self.protocol.clone();
        if source_ip.is_some() {
            options.source_ip = source_ip;
        }
        let response = crate::protocol::handle(&mut self.sim, &request, &options);
        let out = Object::new();
        set(&out, "status", &JsValue::from(response.status));
        let flat = js_sys::Array::new();
        for (name, value) in &response.headers {
            flat.push(&name.into());
            flat.push(&value.into());
        }
        set(&out, "headers", &flat.into());
        set(&out, "body", &Uint8Array::from(response.body.as_slice()).into());
        out
    }

    /// The simulated time, ms since the epoch.
    pub fn now(&self) -> f64 {
        self.sim.now().millis() as f64
    }

    /// Jumps the clock to `ms` (firing what comes due on the way).
    #[wasm_bindgen(js_name = setTime)]
    pub fn set_time(&mut self, ms: f64) -> Result<(), JsValue> {
        if !ms.is_finite() {
            return Err(invalid("time must be a finite number of milliseconds"));
        }
        self.sim.set_time(Timestamp(ms as i64));
        Ok(())
    }

    /// Advances the clock by `ms` (firing what comes due on the way).
    #[wasm_bindgen(js_name = advanceTime)]
    pub fn advance_time(&mut self, ms: f64) -> Result<(), JsValue> {
        if !ms.is_finite() || ms < 0.0 {
            return Err(invalid("advance must be a finite, non-negative number of milliseconds"));
        }
        self.sim.advance_time(ms as i64);
        Ok(())
    }

    /// Audit events matching a JSON `AuditQuery`, as JSON.
    #[wasm_bindgen(js_name = auditEvents)]
    pub fn audit_events(&self, query_json: &str) -> Result<String, JsValue> {
        let query: crate::audit::AuditQuery = if query_json.trim().is_empty() {
            Default::default()
        } else {
            serde_json::from_str(query_json).map_err(|e| invalid(format!("invalid audit query: {e}")))?
        };
        serde_json::to_string(&self.sim.audit_events(&query)).map_err(|e| invalid(e.to_string()))
    }

    /// Forgets the audit trail.
    #[wasm_bindgen(js_name = clearAudit)]
    pub fn clear_audit(&mut self) {
        self.sim.clear_audit();
    }

    /// The whole state as snapshot JSON.
    #[wasm_bindgen(js_name = exportSnapshot)]
    pub fn export_snapshot(&self) -> Result<String, JsValue> {
        self.sim.export_snapshot().map_err(|e| to_js_error(&e))
    }

    /// Replaces the state with a snapshot (rejected whole if invalid).
    #[wasm_bindgen(js_name = importSnapshot)]
    pub fn import_snapshot(&mut self, json: &str) -> Result<(), JsValue> {
        self.sim.import_snapshot(json).map_err(|e| to_js_error(&e))
    }
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// The operations a service implements, by AWS name.
#[wasm_bindgen]
pub fn operations(service: &str) -> Vec<String> {
    let names: &[&str] = match service {
        "kms" => crate::kms::OPERATIONS,
        "secretsmanager" => crate::secrets::OPERATIONS,
        "ssm" => crate::params::OPERATIONS,
        "iam" => crate::iam::IAM_OPERATIONS,
        "sts" => crate::iam::STS_OPERATIONS,
        _ => &[],
    };
    names.iter().map(|s| s.to_string()).collect()
}
