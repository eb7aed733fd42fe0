//! `protocol::handle` never panics and always answers something AWS-shaped,
//! whatever bytes, headers, paths and signatures arrive.

// Test helpers may unwrap and index: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kmsim::protocol::sigv4::{read_signature, verify, SignatureInfo};
use kmsim::protocol::{handle, HttpRequest, ProtocolOptions, StaticPrincipals};
use kmsim::{Caller, Simulator};
use proptest::prelude::*;
use std::sync::Arc;

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("X-Amz-Target".to_string()),
        Just("Authorization".to_string()),
        Just("Content-Type".to_string()),
        Just("X-Amz-Date".to_string()),
        Just("X-Amz-Security-Token".to_string()),
        Just("x-amz-content-sha256".to_string()),
        Just("Host".to_string()),
        Just("X-Forwarded-For".to_string()),
        Just("X-Forwarded-Proto".to_string()),
        Just("User-Agent".to_string()),
        ".{0,12}",
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("TrentService.CreateKey".to_string()),
        Just("TrentService.Encrypt".to_string()),
        Just("TrentService.ListKeys".to_string()),
        Just("secretsmanager.GetSecretValue".to_string()),
        Just("AmazonSSM.GetParameter".to_string()),
        Just("application/x-www-form-urlencoded".to_string()),
        Just("AWS4-HMAC-SHA256 Credential=AKIAALICE/20250101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00".to_string()),
        Just("AWS4-HMAC-SHA256 Credential=111122223333/20250101/eu-west-1/sts/aws4_request, SignedHeaders=;;, Signature=".to_string()),
        Just("AWS4-HMAC-SHA256 Credential=/////, SignedHeaders==, Signature==".to_string()),
        Just("sts.amazonaws.com".to_string()),
        ".{0,40}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/".to_string()),
        Just("/_kmsim/health".to_string()),
        Just("/_kmsim/clock".to_string()),
        Just("/_kmsim/audit?maxResults=2&startTime=x&failed=maybe".to_string()),
        Just("/_kmsim/snapshot".to_string()),
        Just("/?Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%zz".to_string()),
        "/[a-zA-Z0-9%./?&=_-]{0,30}",
        ".{0,30}",
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        Just(b"{\"KeyId\": \"alias/x\", \"Plaintext\": \"aGk=\"}".to_vec()),
        Just(b"Action=CreateUser&Tags.member.1.Key=a&A.B.C.D.E.F.G.H.I.J.K.L.M.N.O.P.Q.R=1&A=2&..=.".to_vec()),
        Just(b"{\"advanceDays\": 1e308, \"set\": [1]}".to_vec()),
        Just(b"{\"format\":\"kmsim-snapshot\",\"version\":1,\"kms\":7}".to_vec()),
        "[\\[\\]{}\":,a-z0-9 ]{0,48}".prop_map(String::into_bytes),
    ]
}

fn request() -> impl Strategy<Value = HttpRequest> {
    (
        prop_oneof![Just("POST".to_string()), Just("GET".to_string()), Just("DELETE".to_string()), ".{0,6}"],
        path(),
        proptest::collection::vec((header_name(), header_value()), 0..6),
        body(),
    )
        .prop_map(|(method, path, headers, body)| HttpRequest { method, path, headers, body })
}

fn options() -> impl Strategy<Value = ProtocolOptions> {
    (any::<bool>(), 0usize..80).prop_map(|(strict_auth, limit)| ProtocolOptions {
        strict_auth,
        max_body_bytes: if limit < 40 { limit } else { 1 << 20 },
        principals: Some(Arc::new(StaticPrincipals::new().with_key("AKIAALICE", "secret", Caller::default_root()))),
        ..Default::default()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn handle_never_panics_and_always_answers(request in request(), options in options()) {
        let mut sim = Simulator::seeded("fuzz");
        let response = handle(&mut sim, &request, &options);
        prop_assert!((200..600).contains(&response.status));
        prop_assert!(response.header("x-amzn-RequestId").is_some());
        prop_assert!(response.header("content-type").is_some());
        if response.status >= 400 && response.header("content-type") == Some("application/x-amz-json-1.1") {
            let body = response.body_json();
            prop_assert!(body["__type"].is_string(), "{}", response.body_text());
            prop_assert_eq!(response.header("x-amzn-ErrorType"), body["__type"].as_str());
        }
        // The simulator is still usable afterwards.
        let follow_up = HttpRequest::new("POST", "/").with_header("X-Amz-Target", "TrentService.ListKeys");
        prop_assert_eq!(handle(&mut sim, &follow_up, &ProtocolOptions::default()).status, 200);
    }

    #[test]
    fn signature_reading_and_verification_never_panic(request in request(), secret in ".{0,20}") {
        if let SignatureInfo::Present(signature) = read_signature(&request) {
            let _ = verify(&request, &signature, &secret);
        }
    }
}
