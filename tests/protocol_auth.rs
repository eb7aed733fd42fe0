//! SigV4: AWS's published signature test vectors, requests signed here, and
//! strict-mode authentication errors through `protocol::handle`.

// Test helpers may unwrap and index: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kmsim::audit::AuditQuery;
use kmsim::protocol::sigv4::{read_signature, sign_request, verify, SignatureInfo, SigningParams, VerifyFailure};
use kmsim::protocol::{handle, HttpRequest, HttpResponse, KeyLookup, Principal, ProtocolOptions, StaticPrincipals};
use kmsim::{Caller, Simulator};
use std::sync::Arc;

const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// A request from the AWS SigV4 test suite (`AKIDEXAMPLE`, 2015-08-30, us-east-1, service `service`).
fn suite_request(
    method: &str,
    path: &str,
    extra: &[(&str, &str)],
    signed_headers: &str,
    signature: &str,
) -> HttpRequest {
    let mut request = HttpRequest::new(method, path).with_header("Host", "example.amazonaws.com");
    for (name, value) in extra {
        request = request.with_header(name, value);
    }
    request
        .with_header(
            "Authorization",
            &format!(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signed_headers}, Signature={signature}"
            ),
        )
        .with_header("X-Amz-Date", "20150830T123600Z")
}

fn check_vector(name: &str, request: &HttpRequest) {
    let SignatureInfo::Present(signature) = read_signature(request) else { panic!("{name}: no signature read") };
    assert_eq!(signature.credential.access_key_id, "AKIDEXAMPLE");
    assert_eq!(verify(request, &signature, EXAMPLE_SECRET), Ok(()), "{name}");
    assert!(
        matches!(verify(request, &signature, "wrong secret"), Err(VerifyFailure::Mismatch(_))),
        "{name}: a wrong secret must not verify"
    );
}

#[test]
fn aws_sigv4_test_suite_vectors_verify() {
    let plain = "host;x-amz-date";
    check_vector(
        "get-vanilla",
        &suite_request("GET", "/", &[], plain, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
    );
    check_vector(
        "get-vanilla-query-order-key-case",
        &suite_request(
            "GET",
            "/?Param2=value2&Param1=value1",
            &[],
            plain,
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
        ),
    );
    let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    check_vector(
        "get-vanilla-query-unreserved",
        &suite_request(
            "GET",
            &format!("/?{unreserved}={unreserved}"),
            &[],
            plain,
            "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
        ),
    );
    for path in ["/ሴ", "/%E1%88%B4"] {
        check_vector(
            "get-utf8",
            &suite_request("GET", path, &[], plain, "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        );
    }
    check_vector(
        "get-header-value-trim",
        &suite_request(
            "GET",
            "/",
            &[("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
            "host;my-header1;my-header2;x-amz-date",
            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
        ),
    );
    check_vector(
        "get-vanilla-with-session-token",
        &suite_request(
            "GET",
            "/",
            &[("X-Amz-Security-Token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267")],
            "host;x-amz-date;x-amz-security-token",
            "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
        ),
    );
    check_vector(
        "post-vanilla",
        &suite_request("POST", "/", &[], plain, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
    );
    let form = suite_request(
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Content-Length", "13"),
            ("x-amz-content-sha256", "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"),
        ],
        "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
        "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b",
    )
    .with_body(&b"Param1=value1"[..]);
    check_vector("post-x-www-form-urlencoded", &form);
    // A body that does not match its declared hash fails.
    let tampered = form.clone().with_body(&b"Param1=value2"[..]);
    let SignatureInfo::Present(signature) = read_signature(&tampered) else { panic!() };
    assert!(matches!(verify(&tampered, &signature, EXAMPLE_SECRET), Err(VerifyFailure::Mismatch(_))));
}

#[test]
fn malformed_and_presigned_signatures_are_read() {
    let missing_parts = HttpRequest::new("GET", "/")
        .with_header("Authorization", "AWS4-HMAC-SHA256 Credential=AK/20250101/eu-west-1/kms/aws4_request");
    match read_signature(&missing_parts) {
        SignatureInfo::Malformed { credential: Some(c), .. } => assert_eq!(c.region, "eu-west-1"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        read_signature(&HttpRequest::new("GET", "/").with_header("Authorization", "Basic dXNlcjpwYXNz")),
        SignatureInfo::Malformed { credential: None, .. }
    ));
    assert_eq!(read_signature(&HttpRequest::new("GET", "/")), SignatureInfo::Absent);
    let presigned = HttpRequest::new(
        "GET",
        "/?Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20250101%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abcd",
    );
    let SignatureInfo::Present(signature) = read_signature(&presigned) else { panic!() };
    assert!(signature.presigned);
    assert_eq!((signature.credential.region.as_str(), signature.credential.service.as_str()), ("us-west-2", "sts"));
}

fn alice() -> Caller {
    Caller::from_arn("arn:aws:iam::111122223333:user/alice").unwrap()
}

fn strict_options() -> ProtocolOptions {
    ProtocolOptions {
        strict_auth: true,
        principals: Some(Arc::new(StaticPrincipals::new().with_key("AKIAALICE", "alice-secret", alice()))),
        ..Default::default()
    }
}

fn signed(target_or_form: &str, body: &str, access_key_id: &str, secret: &str, service: &str) -> HttpRequest {
    let mut request = HttpRequest::new("POST", "/").with_header("Host", &format!("{service}.us-east-1.amazonaws.com"));
    request = if service == "kms" {
        request.with_header("Content-Type", "application/x-amz-json-1.1").with_header("X-Amz-Target", target_or_form)
    } else {
        request.with_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    };
    request = request.with_header("Content-Length", &body.len().to_string()).with_body(body.as_bytes().to_vec());
    sign_request(
        &mut request,
        &SigningParams {
            access_key_id,
            secret_access_key: secret,
            session_token: None,
            region: "us-east-1",
            service,
            amz_date: "20250101T000000Z",
        },
    );
    request
}

fn json_error(response: &HttpResponse) -> (u16, String) {
    (response.status, response.body_json()["__type"].as_str().unwrap_or_default().to_string())
}

fn xml_error(response: &HttpResponse) -> (u16, String) {
    let body = response.body_text();
    let code =
        body.split("<Code>").nth(1).and_then(|rest| rest.split("</Code>").next()).unwrap_or_default().to_string();
    assert!(body.contains("<Type>Sender</Type>") && body.contains("<RequestId>"), "{body}");
    (response.status, code)
}

#[test]
fn strict_mode_accepts_good_signatures_and_names_the_principal() {
    let mut sim = Simulator::seeded("strict");
    // Policies are enforced: alice needs an identity policy to list keys.
    sim.load_world(r#"{"users":[{"account":"111122223333","name":"alice","inlinePolicies":{"kms":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:ListKeys","Resource":"*"}]}}}]}"#).unwrap();
    let options = strict_options();
    let request = signed("TrentService.ListKeys", "{}", "AKIAALICE", "alice-secret", "kms");
    let response = handle(&mut sim, &request, &options);
    assert_eq!(response.status, 200, "{}", response.body_text());
    let events = sim.audit_events(&AuditQuery::default());
    let identity = &events.last().unwrap().user_identity;
    assert_eq!(identity.arn.as_deref(), Some("arn:aws:iam::111122223333:user/alice"));
    assert_eq!(identity.identity_type, "IAMUser");
    assert_eq!(identity.access_key_id.as_deref(), Some("AKIAALICE"));
}

#[test]
fn strict_mode_errors_for_json_services() {
    let mut sim = Simulator::seeded("strict-json");
    let options = strict_options();
    let good = signed("TrentService.ListKeys", "{}", "AKIAALICE", "alice-secret", "kms");

    let tampered = good.clone().with_body(&b"{\"Limit\": 1}"[..]);
    assert_eq!(json_error(&handle(&mut sim, &tampered, &options)), (400, "InvalidSignatureException".into()));
    let wrong_secret = signed("TrentService.ListKeys", "{}", "AKIAALICE", "guess", "kms");
    assert_eq!(json_error(&handle(&mut sim, &wrong_secret, &options)), (400, "InvalidSignatureException".into()));
    let unknown = signed("TrentService.ListKeys", "{}", "AKIAMALLORY", "x", "kms");
    assert_eq!(json_error(&handle(&mut sim, &unknown, &options)), (400, "UnrecognizedClientException".into()));
    let mut unsigned = good.clone();
    unsigned.headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
    assert_eq!(json_error(&handle(&mut sim, &unsigned, &options)), (403, "MissingAuthenticationToken".into()));
    let mut malformed = unsigned.clone();
    malformed.headers.push((
        "Authorization".into(),
        "AWS4-HMAC-SHA256 Credential=AKIAALICE/20250101/us-east-1/kms/aws4_request".into(),
    ));
    assert_eq!(json_error(&handle(&mut sim, &malformed, &options)), (400, "IncompleteSignature".into()));
    let mut undated = good.clone();
    undated.headers.retain(|(name, _)| !name.eq_ignore_ascii_case("x-amz-date"));
    assert_eq!(json_error(&handle(&mut sim, &undated, &options)), (400, "IncompleteSignature".into()));
    // Nothing ran: no audit events for rejected requests.
    assert!(sim.audit_events(&AuditQuery::default()).is_empty());
    // The same requests are fine in lax mode.
    assert_eq!(handle(&mut sim, &unknown, &ProtocolOptions::default()).status, 200);
}

#[test]
fn strict_mode_errors_for_query_services() {
    let mut sim = Simulator::seeded("strict-query");
    let options = strict_options();
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let tampered = signed("", body, "AKIAALICE", "alice-secret", "sts")
        .with_body(&b"Action=GetCallerIdentity&Version=2011-06-16"[..]);
    assert_eq!(xml_error(&handle(&mut sim, &tampered, &options)), (403, "SignatureDoesNotMatch".into()));
    let unknown = signed("", body, "AKIAMALLORY", "x", "sts");
    assert_eq!(xml_error(&handle(&mut sim, &unknown, &options)), (403, "InvalidClientTokenId".into()));
    let unsigned = HttpRequest::new("POST", "/")
        .with_header("Host", "sts.amazonaws.com")
        .with_header("Content-Type", "application/x-www-form-urlencoded")
        .with_body(body.as_bytes().to_vec());
    assert_eq!(xml_error(&handle(&mut sim, &unsigned, &options)), (403, "MissingAuthenticationToken".into()));
    // A correctly signed request gets past authentication (to whatever STS answers).
    let good = signed("", body, "AKIAALICE", "alice-secret", "sts");
    let response = handle(&mut sim, &good, &options);
    assert!(
        !response.body_text().contains("SignatureDoesNotMatch")
            && !response.body_text().contains("InvalidClientTokenId")
    );
}

#[test]
fn directories_name_principals_and_expire_sessions() {
    let mut sim = Simulator::seeded("directory");
    // Policies are enforced: the Admin role needs an identity policy to list keys.
    sim.load_world(r#"{"roles":[{"account":"111122223333","name":"Admin","managedPolicies":["arn:aws:iam::aws:policy/AdministratorAccess"]}]}"#).unwrap();
    let directory = |_: &Simulator, key: &str, token: Option<&str>| match (key, token) {
        ("ASIASESSION", Some("expired")) => KeyLookup::Expired,
        ("ASIASESSION", _) => KeyLookup::Known(Principal {
            caller: Caller::from_arn("arn:aws:sts::111122223333:assumed-role/Admin/bob").unwrap(),
            secret_access_key: None,
            mfa_present: Some(true),
        }),
        _ => KeyLookup::Unknown,
    };
    let options = ProtocolOptions { principals: Some(Arc::new(directory)), ..Default::default() };
    let request = signed("TrentService.ListKeys", "{}", "ASIASESSION", "anything", "kms");
    assert_eq!(handle(&mut sim, &request, &options).status, 200);
    let events = sim.audit_events(&AuditQuery::default());
    let identity = &events.last().unwrap().user_identity;
    assert_eq!(identity.identity_type, "AssumedRole");
    assert_eq!(identity.arn.as_deref(), Some("arn:aws:sts::111122223333:assumed-role/Admin/bob"));

    let expired = request.clone().with_header("X-Amz-Security-Token", "expired");
    assert_eq!(json_error(&handle(&mut sim, &expired, &options)), (400, "ExpiredTokenException".into()));
    // In strict mode a known principal without a secret cannot be verified.
    let strict = ProtocolOptions { strict_auth: true, ..options.clone() };
    assert_eq!(json_error(&handle(&mut sim, &request, &strict)), (400, "UnrecognizedClientException".into()));
}
