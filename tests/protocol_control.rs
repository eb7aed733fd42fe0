//! The `/_kmsim/` control endpoints through `protocol::handle`.

// Test helpers may unwrap and index: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kmsim::protocol::{handle, HttpRequest, HttpResponse, ProtocolOptions};
use kmsim::Simulator;
use serde_json::{json, Value};

fn send(sim: &mut Simulator, method: &str, path: &str, body: &str) -> HttpResponse {
    handle(sim, &HttpRequest::new(method, path).with_body(body.as_bytes().to_vec()), &ProtocolOptions::default())
}

fn kms(sim: &mut Simulator, target: &str, body: Value) -> Value {
    let request = HttpRequest::new("POST", "/").with_header("X-Amz-Target", target).with_body(body.to_string());
    let response = handle(sim, &request, &ProtocolOptions::default());
    assert_eq!(response.status, 200, "{}", response.body_text());
    response.body_json()
}

#[test]
fn health_reports_the_version() {
    let mut sim = Simulator::seeded("health");
    let response = send(&mut sim, "GET", "/_kmsim/health", "");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body = response.body_json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], kmsim::VERSION);
    assert_eq!(send(&mut sim, "GET", "/_kmsim/health/", "").status, 200);
}

#[test]
fn clock_reads_sets_and_advances() {
    let mut sim = Simulator::seeded("clock");
    let now = send(&mut sim, "GET", "/_kmsim/clock", "").body_json();
    assert_eq!(now, json!({"now": 1_735_689_600_000_i64, "iso": "2025-01-01T00:00:00.000Z"}));

    let advanced = send(&mut sim, "POST", "/_kmsim/clock", r#"{"advanceDays": 2}"#);
    assert_eq!(advanced.status, 200);
    assert_eq!(advanced.body_json()["iso"], "2025-01-03T00:00:00.000Z");
    assert_eq!(
        send(&mut sim, "POST", "/_kmsim/clock", r#"{"advanceMs": 1500}"#).body_json()["iso"],
        "2025-01-03T00:00:01.500Z"
    );
    assert_eq!(
        send(&mut sim, "POST", "/_kmsim/clock", r#"{"set": "2026-06-01T12:00:00Z"}"#).body_json()["iso"],
        "2026-06-01T12:00:00.000Z"
    );
    assert_eq!(
        send(&mut sim, "POST", "/_kmsim/clock", r#"{"set": 1735689600000}"#).body_json()["now"],
        1_735_689_600_000_i64
    );
    assert_eq!(sim.now().millis(), 1_735_689_600_000);

    for bad in
        ["", "[]", r#"{"set": "yesterday"}"#, r#"{"advanceMs": -5}"#, r#"{"advanceDays": "x"}"#, r#"{"other": 1}"#]
    {
        let response = send(&mut sim, "POST", "/_kmsim/clock", bad);
        assert_eq!(response.status, 400, "{bad}");
        assert_eq!(response.body_json()["error"], "ValidationException");
    }
    assert_eq!(sim.now().millis(), 1_735_689_600_000, "rejected commands leave the clock alone");
    // Huge advances saturate instead of overflowing.
    assert_eq!(send(&mut sim, "POST", "/_kmsim/clock", r#"{"advanceDays": 1e300}"#).status, 200);
}

#[test]
fn clock_advances_fire_due_work() {
    let mut sim = Simulator::seeded("due");
    let key = kms(&mut sim, "TrentService.CreateKey", json!({}))["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    kms(&mut sim, "TrentService.ScheduleKeyDeletion", json!({"KeyId": key, "PendingWindowInDays": 7}));
    send(&mut sim, "POST", "/_kmsim/clock", r#"{"advanceDays": 8}"#);
    let request = HttpRequest::new("POST", "/")
        .with_header("X-Amz-Target", "TrentService.DescribeKey")
        .with_body(json!({"KeyId": key}).to_string());
    let response = handle(&mut sim, &request, &ProtocolOptions::default());
    assert_eq!(response.body_json()["__type"], "NotFoundException", "{}", response.body_text());
}

#[test]
fn audit_lists_filters_and_clears() {
    let mut sim = Simulator::seeded("audit");
    kms(&mut sim, "TrentService.CreateKey", json!({}));
    kms(&mut sim, "TrentService.ListKeys", json!({}));
    let request = HttpRequest::new("POST", "/")
        .with_header("X-Amz-Target", "TrentService.DescribeKey")
        .with_body(&b"{\"KeyId\":\"nope\"}"[..]);
    handle(&mut sim, &request, &ProtocolOptions::default());

    let all = send(&mut sim, "GET", "/_kmsim/audit", "").body_json();
    assert_eq!(all["events"].as_array().unwrap().len(), 3);
    let listed = send(&mut sim, "GET", "/_kmsim/audit?eventName=ListKeys", "").body_json();
    assert_eq!(listed["events"].as_array().unwrap().len(), 1);
    assert_eq!(listed["events"][0]["eventName"], "ListKeys");
    let failed = send(&mut sim, "GET", "/_kmsim/audit?failed=true", "").body_json();
    assert_eq!(failed["events"][0]["errorCode"], "NotFoundException");
    let newest = send(&mut sim, "GET", "/_kmsim/audit?maxResults=1&eventSource=kms.amazonaws.com", "").body_json();
    assert_eq!(newest["events"][0]["eventName"], "DescribeKey");
    let later = send(&mut sim, "GET", "/_kmsim/audit?startTime=2030-01-01T00:00:00Z", "").body_json();
    assert_eq!(later["events"], json!([]));

    assert_eq!(send(&mut sim, "DELETE", "/_kmsim/audit", "").status, 200);
    assert_eq!(send(&mut sim, "GET", "/_kmsim/audit", "").body_json()["events"], json!([]));
}

#[test]
fn snapshots_export_and_import() {
    let mut sim = Simulator::seeded("snap");
    let key = kms(&mut sim, "TrentService.CreateKey", json!({}))["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    let exported = send(&mut sim, "GET", "/_kmsim/snapshot", "");
    assert_eq!(exported.status, 200);
    assert_eq!(exported.body_json()["format"], "kmsim-snapshot");

    let mut other = Simulator::seeded("elsewhere");
    let imported = send(&mut other, "POST", "/_kmsim/snapshot", &exported.body_text());
    assert_eq!(imported.status, 200, "{}", imported.body_text());
    let described = kms(&mut other, "TrentService.DescribeKey", json!({"KeyId": key}));
    assert_eq!(described["KeyMetadata"]["KeyId"], key.as_str());

    for bad in ["", "{}", "not json", r#"{"format":"kmsim-snapshot","version":999}"#] {
        let response = send(&mut other, "POST", "/_kmsim/snapshot", bad);
        assert_eq!(response.status, 400, "{bad}");
    }
    assert_eq!(
        kms(&mut other, "TrentService.DescribeKey", json!({"KeyId": key}))["KeyMetadata"]["KeyId"],
        key.as_str()
    );
}

#[test]
fn reset_unknown_paths_and_methods() {
    let mut sim = Simulator::seeded("misc");
    assert_eq!(send(&mut sim, "POST", "/_kmsim/reset", "").status, 501);
    let unknown = send(&mut sim, "GET", "/_kmsim/nothing-here", "");
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.body_json()["error"], "NotFound");
    assert_eq!(send(&mut sim, "GET", "/_kmsim", "").status, 404);
    assert_eq!(send(&mut sim, "PUT", "/_kmsim/clock", "").status, 405);
    assert_eq!(send(&mut sim, "GET", "/_kmsim/reset", "").status, 405);
    // Control paths win over an X-Amz-Target.
    let request = HttpRequest::new("GET", "/_kmsim/health").with_header("X-Amz-Target", "TrentService.ListKeys");
    assert_eq!(handle(&mut sim, &request, &ProtocolOptions::default()).body_json()["status"], "ok");
}
