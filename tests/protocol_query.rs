//! AWS Query (IAM, STS) routing and XML error rendering through `protocol::handle`.

// Test helpers may unwrap and index: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kmsim::protocol::{handle, route, HttpRequest, ProtocolOptions, Route};
use kmsim::{Service, Simulator};

fn form(body: &str) -> HttpRequest {
    HttpRequest::new("POST", "/")
        .with_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .with_body(body.as_bytes().to_vec())
}

fn query_route(service: Service, action: Option<&str>, version: Option<&str>) -> Route {
    Route::Query { service, action: action.map(str::to_string), version: version.map(str::to_string) }
}

#[test]
fn the_service_comes_from_the_credential_scope_then_the_host_then_the_action() {
    let scoped = |service: &str| {
        form("Action=ListUsers&Version=2010-05-08").with_header(
            "Authorization",
            &format!("AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=00"),
        )
    };
    assert_eq!(route(&scoped("iam")), query_route(Service::Iam, Some("ListUsers"), Some("2010-05-08")));
    assert_eq!(route(&scoped("sts")), query_route(Service::Sts, Some("ListUsers"), Some("2010-05-08")));
    let hosted = form("Action=GetUser").with_header("Host", "sts.us-east-1.amazonaws.com");
    assert_eq!(route(&hosted), query_route(Service::Sts, Some("GetUser"), None));
    let hosted = form("Action=GetCallerIdentity").with_header("Host", "iam.amazonaws.com");
    assert_eq!(route(&hosted), query_route(Service::Iam, Some("GetCallerIdentity"), None));
    assert_eq!(route(&form("Action=GetCallerIdentity")), query_route(Service::Sts, Some("GetCallerIdentity"), None));
    assert_eq!(route(&form("Action=CreateUser&UserName=a")), query_route(Service::Iam, Some("CreateUser"), None));
    // GET with the parameters in the query string.
    let get = HttpRequest::new("GET", "/?Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(route(&get), query_route(Service::Sts, Some("GetCallerIdentity"), Some("2011-06-15")));
    // A form without an action is still Query (and gets MissingAction).
    assert_eq!(route(&form("Version=2010-05-08")), query_route(Service::Iam, None, Some("2010-05-08")));
}

fn error_parts(body: &str) -> (String, String, String) {
    let element = |tag: &str| {
        body.split(&format!("<{tag}>"))
            .nth(1)
            .and_then(|rest| rest.split(&format!("</{tag}>")).next())
            .unwrap_or_default()
            .to_string()
    };
    (element("Type"), element("Code"), element("RequestId"))
}

#[test]
fn unknown_and_missing_actions_are_query_errors() {
    let mut sim = Simulator::seeded("query");
    let options = ProtocolOptions::default();
    let response = handle(
        &mut sim,
        &form("Action=NoSuchAction&Version=2010-05-08").with_header("Host", "iam.amazonaws.com"),
        &options,
    );
    assert_eq!(response.status, 400);
    assert_eq!(response.header("content-type"), Some("text/xml"));
    let body = response.body_text();
    assert!(body.starts_with("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"), "{body}");
    let (fault, code, request_id) = error_parts(&body);
    assert_eq!((fault.as_str(), code.as_str()), ("Sender", "InvalidAction"));
    assert!(body.contains("Could not find operation NoSuchAction for version 2010-05-08"), "{body}");
    assert_eq!(Some(request_id.as_str()), response.header("x-amzn-RequestId"));

    let sts = handle(&mut sim, &form("Action=No%3CSuch%3E").with_header("Host", "sts.amazonaws.com"), &options);
    assert_eq!(sts.status, 400);
    assert!(sts.body_text().contains("xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\""));
    assert!(!sts.body_text().contains("<Such>"), "escaped: {}", sts.body_text());

    let missing = handle(&mut sim, &form("Version=2010-05-08"), &options);
    assert_eq!(missing.status, 400);
    assert_eq!(error_parts(&missing.body_text()).1, "MissingAction");
}

#[test]
fn oversize_query_bodies_get_xml_413() {
    let mut sim = Simulator::seeded("query-size");
    let options = ProtocolOptions { max_body_bytes: 16, ..Default::default() };
    let response = handle(&mut sim, &form("Action=CreateUser&UserName=someone-with-a-long-name"), &options);
    assert_eq!(response.status, 413);
    assert_eq!(error_parts(&response.body_text()).1, "RequestEntityTooLarge");
}
