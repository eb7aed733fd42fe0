//! kmsim's own control endpoints, shared by every HTTP front end:
//!
//! | request | effect |
//! | --- | --- |
//! | `GET /_kmsim/health` | `{"status":"ok","version":…,"now":ms}` |
//! | `GET /_kmsim/clock` | `{"now": ms, "iso": "…"}` |
//! | `POST /_kmsim/clock` | body `{"set": ms or ISO}`, `{"advanceMs": n}` or `{"advanceDays": n}`; answers the new clock |
//! | `GET /_kmsim/audit?eventName=…&eventSource=…&resource=…&principal=…&failed=…&startTime=…&endTime=…&maxResults=…` | `{"events": […]}` |
//! | `DELETE /_kmsim/audit` | forgets the trail |
//! | `GET /_kmsim/snapshot` | the snapshot document |
//! | `POST /_kmsim/snapshot` | body: a snapshot document; replaces the state |
//! | `POST /_kmsim/reset` | 501 until the simulator can reset itself |
//!
//! Errors are JSON: `{"error": <name>, "message": …}`; unknown paths are 404.

use super::encoding::decode_form;
use super::{HttpRequest, HttpResponse};
use crate::audit::AuditQuery;
use crate::clock::{Timestamp, DAY_MS};
use crate::simulator::Simulator;
use serde_json::{json, Value};

/// Answers a request whose path starts with `/_kmsim`.
pub(crate) fn handle_control(sim: &mut Simulator, request: &HttpRequest) -> HttpResponse {
    let endpoint = request.path_only().trim_start_matches("/_kmsim").trim_matches('/');
    let method = request.method.to_ascii_uppercase();
    match (method.as_str(), endpoint) {
        ("GET", "health") => HttpResponse::json(
            200,
            &json!({"status": "ok", "version": crate::VERSION, "now": sim.now().millis()}),
        ),
        ("GET", "clock") => clock_response(sim),
        ("POST", "clock") => set_clock(sim, &request.body),
        ("GET", "audit") => audit(sim, request.query_string()),
        ("DELETE", "audit") => {
            sim.clear_audit();
            HttpResponse::json(200, &json!({"cleared": true}))
        }
        ("GET", "snapshot") => match sim.export_snapshot() {
            Ok(document) => HttpResponse::new(200, "application/json", document),
            Err(error) => failure(500, error.name(), &error.message),
        },
        ("POST", "snapshot") => match std::str::from_utf8(&request.body) {
            Ok(document) => match sim.import_snapshot(document) {
                Ok(()) => HttpResponse::json(200, &json!({"imported": true, "now": sim.now().millis()})),
                Err(error) => failure(400, error.name(), &error.message),
            },
            Err(_) => failure(400, "ValidationException", "the snapshot is not UTF-8 text"),
        },
        ("POST", "reset") => failure(
            501,
            "NotImplemented",
            "reset is not available yet: the simulator has no reset operation (use POST /_kmsim/snapshot with a saved snapshot)",
        ),
        (_, "health" | "clock" | "audit" | "snapshot" | "reset") => {
            failure(405, "MethodNotAllowed", &format!("{method} is not supported on /_kmsim/{endpoint}"))
        }
        _ => failure(404, "NotFound", &format!("no kmsim endpoint at {}", request.path_only())),
    }
}

fn failure(status: u16, name: &str, message: &str) -> HttpResponse {
    HttpResponse::json(status, &json!({"error": name, "message": message}))
}

fn clock_response(sim: &Simulator) -> HttpResponse {
    let now = sim.now();
    HttpResponse::json(200, &json!({"now": now.millis(), "iso": now.to_iso8601_millis()}))
}

/// A time given as milliseconds since the epoch or ISO-8601 text.
fn parse_time(value: &Value) -> Option<Timestamp> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite() && f.abs() < 1e17).map(|f| f.round() as i64))
            .map(Timestamp::from_millis),
        Value::String(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .map(Timestamp::from_millis)
            .or_else(|| Timestamp::parse_iso8601(text.trim())),
        _ => None,
    }
}

/// A whole number from a JSON number (fractions rounded) or numeric text.
fn parse_count(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|f| f.is_finite())
}

fn set_clock(sim: &mut Simulator, body: &[u8]) -> HttpResponse {
    let Ok(Value::Object(command)) = serde_json::from_slice::<Value>(body) else {
        return failure(
            400,
            "ValidationException",
            "expected a JSON object: {\"set\": …}, {\"advanceMs\": n} or {\"advanceDays\": n}",
        );
    };
    if let Some(at) = command.get("set") {
        let Some(at) = parse_time(at) else {
            return failure(
                400,
                "ValidationException",
                "\"set\" must be milliseconds since the epoch or an ISO-8601 time",
            );
        };
        sim.set_time(at);
    } else if let Some(ms) = command.get("advanceMs") {
        let Some(ms) = parse_count(ms).filter(|ms| *ms >= 0.0) else {
            return failure(400, "ValidationException", "\"advanceMs\" must be a non-negative number");
        };
        sim.advance_time(clamp_millis(ms));
    } else if let Some(days) = command.get("advanceDays") {
        let Some(days) = parse_count(days).filter(|d| *d >= 0.0) else {
            return failure(400, "ValidationException", "\"advanceDays\" must be a non-negative number");
        };
        sim.advance_time(clamp_millis(days * DAY_MS as f64));
    } else {
        return failure(400, "ValidationException", "expected \"set\", \"advanceMs\" or \"advanceDays\"");
    }
    clock_response(sim)
}

/// A non-negative millisecond count as `i64`, saturating at about 3 million years.
fn clamp_millis(ms: f64) -> i64 {
    ms.round().clamp(0.0, 1e17) as i64
}

fn audit(sim: &Simulator, raw_query: &str) -> HttpResponse {
    let mut query = AuditQuery::default();
    for (name, value) in decode_form(raw_query) {
        let text = Some(value.clone());
        match name.as_str() {
            "eventName" => query.event_name = text,
            "eventSource" => query.event_source = text,
            "resource" => query.resource = text,
            "principal" => query.principal = text,
            "failed" => query.failed = value.parse::<bool>().ok(),
            "startTime" => query.start_time = parse_time(&Value::String(value)),
            "endTime" => query.end_time = parse_time(&Value::String(value)),
            "maxResults" => query.max_results = value.parse::<usize>().ok(),
            _ => {}
        }
    }
    let events = sim.audit_events(&query);
    HttpResponse::json(200, &json!({ "events": events }))
}
