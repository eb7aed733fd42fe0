//! AWS JSON 1.1 through `protocol::handle`: routing, KMS end to end with
//! requests shaped as AWS SDK for JavaScript v3 sends them, and every error path.

// Test helpers may unwrap and index: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kmsim::audit::AuditQuery;
use kmsim::protocol::sigv4::{sign_request, SigningParams};
use kmsim::protocol::{handle, route, HttpRequest, HttpResponse, ProtocolOptions, Route};
use kmsim::{Service, Simulator};
use serde_json::{json, Value};

/// A request as `@aws-sdk/client-kms` v3 sends it, signed with `access_key_id`.
fn sdk_request(target: &str, body: &Value, access_key_id: &str, region: &str) -> HttpRequest {
    let body = body.to_string();
    let mut request = HttpRequest::new("POST", "/")
        .with_header("host", &format!("kms.{region}.amazonaws.com"))
        .with_header("content-type", "application/x-amz-json-1.1")
        .with_header("x-amz-target", target)
        .with_header("x-amz-user-agent", "aws-sdk-js/3.700.0")
        .with_header("user-agent", "aws-sdk-js/3.700.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#20.11.0 api/kms#3.700.0")
        .with_header("amz-sdk-invocation-id", "3f0f2b9e-8f3c-4d3c-9d1e-3c2b1a000001")
        .with_header("amz-sdk-request", "attempt=1; max=3")
        .with_header("content-length", &body.len().to_string())
        .with_body(body);
    sign_request(
        &mut request,
        &SigningParams {
            access_key_id,
            secret_access_key: "not-checked-in-lax-mode",
            session_token: None,
            region,
            service: "kms",
            amz_date: "20250101T000000Z",
        },
    );
    request
}

fn call(sim: &mut Simulator, target: &str, body: Value) -> HttpResponse {
    thread_local! {
        // One front end: one options value, so one request-id sequence.
        static OPTIONS: ProtocolOptions = ProtocolOptions::default();
    }
    let request = sdk_request(target, &body, "AKIAIOSFODNN7EXAMPLE", "us-east-1");
    OPTIONS.with(|options| handle(sim, &request, options))
}

fn assert_error(response: &HttpResponse, name: &str, status: u16) {
    assert_eq!(response.status, status, "{}", response.body_text());
    assert_eq!(response.header("x-amzn-ErrorType"), Some(name));
    let body = response.body_json();
    assert_eq!(body["__type"], name);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert_eq!(body["message"], body["Message"]);
    assert_eq!(response.header("content-type"), Some("application/x-amz-json-1.1"));
}

#[test]
fn targets_route_to_their_services() {
    let request = |target: &str| HttpRequest::new("POST", "/").with_header("X-Amz-Target", target);
    let json = |service: Option<Service>, operation: &str, target: &str| Route::Json {
        service,
        operation: operation.to_string(),
        target: target.to_string(),
    };
    assert_eq!(route(&request("TrentService.Encrypt")), json(Some(Service::Kms), "Encrypt", "TrentService.Encrypt"));
    assert_eq!(
        route(&request("secretsmanager.GetSecretValue")),
        json(Some(Service::SecretsManager), "GetSecretValue", "secretsmanager.GetSecretValue")
    );
    assert_eq!(
        route(&request("AmazonSSM.GetParameter")),
        json(Some(Service::Ssm), "GetParameter", "AmazonSSM.GetParameter")
    );
    assert_eq!(route(&request("DynamoDB_20120810.GetItem")), json(None, "GetItem", "DynamoDB_20120810.GetItem"));
    assert_eq!(route(&HttpRequest::new("GET", "/")), Route::Unroutable);
    assert_eq!(route(&HttpRequest::new("GET", "/_kmsim/health")), Route::Control);
}

#[test]
fn secrets_manager_and_ssm_reach_their_dispatchers() {
    // Whatever those services answer, it must come from them (a JSON body
    // with a request id), not from a routing failure naming another service.
    let mut sim = Simulator::seeded("routing");
    for (target, service) in [("secretsmanager.ListSecrets", "secretsmanager"), ("AmazonSSM.DescribeParameters", "ssm")]
    {
        let response = call(&mut sim, target, json!({}));
        assert!(response.header("x-amzn-RequestId").is_some());
        if response.status != 200 {
            let message = response.body_json()["message"].as_str().unwrap_or_default().to_string();
            assert!(
                message.contains(service) || message.contains("ListSecrets") || message.contains("DescribeParameters"),
                "{message}"
            );
        }
    }
}

#[test]
fn kms_round_trip_through_the_wire() {
    let mut sim = Simulator::seeded("wire");
    let created = call(
        &mut sim,
        "TrentService.CreateKey",
        json!({"Description": "wire test", "Tags": [{"TagKey": "env", "TagValue": "test"}]}),
    );
    assert_eq!(created.status, 200, "{}", created.body_text());
    assert_eq!(created.header("content-type"), Some("application/x-amz-json-1.1"));
    let request_id = created.header("x-amzn-RequestId").unwrap().to_string();
    assert_eq!(request_id.len(), 36);
    let metadata = created.body_json()["KeyMetadata"].clone();
    let key_id = metadata["KeyId"].as_str().unwrap().to_string();
    assert_eq!(metadata["Description"], "wire test");
    assert!(metadata["Arn"].as_str().unwrap().starts_with("arn:aws:kms:us-east-1:123456789012:key/"));
    assert!(metadata["CreationDate"].is_number(), "timestamps are epoch seconds: {metadata}");

    let described = call(&mut sim, "TrentService.DescribeKey", json!({"KeyId": key_id}));
    assert_eq!(described.status, 200);
    assert_eq!(described.body_json()["KeyMetadata"]["KeyId"], key_id.as_str());
    assert_ne!(described.header("x-amzn-RequestId").unwrap(), request_id, "request ids are unique");

    let encrypted = call(
        &mut sim,
        "TrentService.Encrypt",
        json!({"KeyId": key_id, "Plaintext": "aGVsbG8gd2lyZQ==", "EncryptionContext": {"purpose": "test"}}),
    );
    assert_eq!(encrypted.status, 200, "{}", encrypted.body_text());
    let blob = encrypted.body_json()["CiphertextBlob"].as_str().unwrap().to_string();

    let decrypted = call(
        &mut sim,
        "TrentService.Decrypt",
        json!({"CiphertextBlob": blob, "EncryptionContext": {"purpose": "test"}}),
    );
    assert_eq!(decrypted.status, 200, "{}", decrypted.body_text());
    assert_eq!(decrypted.body_json()["Plaintext"], "aGVsbG8gd2lyZQ==");

    let wrong_context = call(
        &mut sim,
        "TrentService.Decrypt",
        json!({"CiphertextBlob": blob, "EncryptionContext": {"purpose": "other"}}),
    );
    assert_error(&wrong_context, "InvalidCiphertextException", 400);

    let missing = call(&mut sim, "TrentService.DescribeKey", json!({"KeyId": "alias/nope"}));
    assert_error(&missing, "NotFoundException", 400);
}

#[test]
fn identity_region_and_request_facts_come_from_the_request() {
    let mut sim = Simulator::seeded("identity");
    let options = ProtocolOptions { source_ip: Some("10.1.2.3".to_string()), ..Default::default() };
    // A 12-digit access key id stands for that account's root.
    let request = sdk_request("TrentService.CreateKey", &json!({}), "111122223333", "eu-west-1");
    let response = handle(&mut sim, &request, &options);
    assert_eq!(response.status, 200, "{}", response.body_text());
    let arn = response.body_json()["KeyMetadata"]["Arn"].as_str().unwrap().to_string();
    assert!(arn.starts_with("arn:aws:kms:eu-west-1:111122223333:key/"), "{arn}");

    let events = sim.audit_events(&AuditQuery { event_name: Some("CreateKey".into()), ..Default::default() });
    let event = events.last().unwrap();
    assert_eq!(event.user_identity.arn.as_deref(), Some("arn:aws:iam::111122223333:root"));
    assert_eq!(event.user_identity.access_key_id.as_deref(), Some("111122223333"));
    assert_eq!(event.source_ip_address, "10.1.2.3");
    assert!(event.user_agent.starts_with("aws-sdk-js/3.700.0 ua/2.1"));
    assert_eq!(event.aws_region, "eu-west-1");

    // X-Forwarded-For wins over the transport's address; no signature means the default root.
    let unsigned = HttpRequest::new("POST", "/")
        .with_header("X-Amz-Target", "TrentService.ListKeys")
        .with_header("X-Forwarded-For", "203.0.113.9, 10.0.0.1");
    assert_eq!(handle(&mut sim, &unsigned, &options).status, 200);
    let events = sim.audit_events(&AuditQuery { event_name: Some("ListKeys".into()), ..Default::default() });
    let event = events.last().unwrap();
    assert_eq!(event.source_ip_address, "203.0.113.9");
    assert_eq!(event.user_identity.arn.as_deref(), Some("arn:aws:iam::123456789012:root"));
    assert_eq!(event.aws_region, "us-east-1");
}

#[test]
fn unknown_operations_and_targets() {
    let mut sim = Simulator::seeded("errors");
    assert_error(&call(&mut sim, "TrentService.NoSuchOperation", json!({})), "UnknownOperationException", 400);
    assert_error(&call(&mut sim, "TrentService.", json!({})), "UnknownOperationException", 400);
    assert_error(&call(&mut sim, "TrentService", json!({})), "UnknownOperationException", 400);
    assert_error(&call(&mut sim, "Nope_2014.Encrypt", json!({})), "UnknownOperationException", 400);
    assert_error(
        &handle(&mut sim, &HttpRequest::new("POST", "/"), &ProtocolOptions::default()),
        "UnknownOperationException",
        400,
    );
}

#[test]
fn bodies_that_do_not_deserialize() {
    let mut sim = Simulator::seeded("bodies");
    let raw = |body: &[u8]| {
        HttpRequest::new("POST", "/")
            .with_header("X-Amz-Target", "TrentService.DescribeKey")
            .with_header("Content-Type", "application/x-amz-json-1.1")
            .with_body(body.to_vec())
    };
    let options = ProtocolOptions::default();
    for body in [&b"{not json"[..], b"[1,2]", b"\"text\"", b"42", b"\xff\xfe", b"{\"KeyId\": }"] {
        assert_error(&handle(&mut sim, &raw(body), &options), "SerializationException", 400);
    }
    // Wrong member types.
    assert_error(&call(&mut sim, "TrentService.DescribeKey", json!({"KeyId": 5})), "SerializationException", 400);
    assert_error(
        &call(&mut sim, "TrentService.Encrypt", json!({"KeyId": "k", "Plaintext": "%%%not base64"})),
        "SerializationException",
        400,
    );
    // Missing required members.
    assert_error(&call(&mut sim, "TrentService.Encrypt", json!({"Plaintext": "aGk="})), "ValidationException", 400);
    // An empty body is `{}`: DescribeKey then lacks KeyId; ListKeys succeeds.
    assert_error(&handle(&mut sim, &raw(b""), &options), "ValidationException", 400);
    let list = HttpRequest::new("POST", "/").with_header("X-Amz-Target", "TrentService.ListKeys");
    assert_eq!(handle(&mut sim, &list, &options).status, 200);
    // A content type AWS would not send is tolerated.
    let odd = HttpRequest::new("POST", "/")
        .with_header("X-Amz-Target", "TrentService.ListKeys")
        .with_header("Content-Type", "application/json")
        .with_body(&b"{}"[..]);
    assert_eq!(handle(&mut sim, &odd, &options).status, 200);
}

#[test]
fn oversize_bodies_are_refused_before_parsing() {
    let mut sim = Simulator::seeded("size");
    let options = ProtocolOptions { max_body_bytes: 64, ..Default::default() };
    let request = HttpRequest::new("POST", "/")
        .with_header("X-Amz-Target", "TrentService.CreateKey")
        .with_body(format!("{{\"Description\": \"{}\"}}", "x".repeat(100)));
    let response = handle(&mut sim, &request, &options);
    assert_error(&response, "RequestEntityTooLargeException", 413);
    assert!(sim.audit_events(&AuditQuery::default()).is_empty(), "nothing ran");
    // At the limit is fine.
    let small =
        HttpRequest::new("POST", "/").with_header("X-Amz-Target", "TrentService.ListKeys").with_body(vec![b' '; 64]);
    assert_eq!(handle(&mut sim, &small, &options).status, 200);
}

#[test]
fn request_ids_are_deterministic_per_options() {
    let mut sim = Simulator::seeded("ids");
    let options = ProtocolOptions::default();
    let list = HttpRequest::new("POST", "/").with_header("X-Amz-Target", "TrentService.ListKeys");
    let first = handle(&mut sim, &list, &options);
    let second = handle(&mut sim, &list, &options.clone());
    assert_eq!(first.header("x-amzn-RequestId"), Some("00000000-0000-4000-a000-000000000001"));
    assert_eq!(second.header("x-amzn-RequestId"), Some("00000000-0000-4000-a000-000000000002"));
}
