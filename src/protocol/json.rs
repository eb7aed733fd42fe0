//! AWS JSON 1.1: KMS (`TrentService`), Secrets Manager (`secretsmanager`)
//! and SSM (`AmazonSSM`).

use super::{call_context, Dialect, HttpRequest, HttpResponse, ProtocolOptions, WireError, AMZ_JSON_1_1};
use crate::error::ErrorCode;
use crate::simulator::{Service, Simulator};
use serde_json::{json, Map, Value};

/// Runs one AWS JSON 1.1 request.
pub(crate) fn handle_json(
    sim: &mut Simulator,
    request: &HttpRequest,
    options: &ProtocolOptions,
    service: Option<Service>,
    operation: &str,
    target: &str,
) -> HttpResponse {
    let ctx = match call_context(sim, request, options, Dialect::Json) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(&error),
    };
    let Some(service) = service else {
        return error_response(&WireError::code(
            ErrorCode::UnknownOperationException,
            format!("Unknown operation: the X-Amz-Target '{target}' names no service kmsim simulates"),
        ));
    };
    if operation.is_empty() || !operation.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return error_response(&WireError::code(
            ErrorCode::UnknownOperationException,
            format!("Unknown operation: '{target}'"),
        ));
    }
    let input = match parse_body(&request.body) {
        Ok(input) => input,
        Err(error) => return error_response(&error),
    };
    match sim.call_json(&ctx, service, operation, input) {
        Ok(output) => success_response(&output),
        Err(error) => error_response(&error.into()),
    }
}

/// The request body as a JSON object: empty means `{}`; anything but an
/// object (or `null`) is a `SerializationException`.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, WireError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let detail = e.to_string();
        WireError::code(
            ErrorCode::SerializationException,
            format!("Cannot deserialize the request body: {}", detail.split(" at line ").next().unwrap_or(&detail)),
        )
    })?;
    match value {
        Value::Object(_) => Ok(value),
        Value::Null => Ok(Value::Object(Map::new())),
        _ => Err(WireError::code(
            ErrorCode::SerializationException,
            "Cannot deserialize the request body: expected a JSON object",
        )),
    }
}

/// A 200 with the output object (`{}` for an operation with no output).
fn success_response(output: &Value) -> HttpResponse {
    let body = if output.is_null() { "{}".to_string() } else { output.to_string() };
    HttpResponse::new(200, AMZ_JSON_1_1, body)
}

/// An AWS JSON error: `{"__type", "message", "Message"}`, `x-amzn-ErrorType`
/// and the exception's status.
pub(crate) fn error_response(error: &WireError) -> HttpResponse {
    let body = json!({ "__type": error.name, "message": error.message, "Message": error.message });
    HttpResponse::new(error.status, AMZ_JSON_1_1, body.to_string()).with_header("x-amzn-ErrorType", &error.name)
}
