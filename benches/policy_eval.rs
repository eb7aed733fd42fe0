//! Evaluations per second for a realistic KMS request: a 4-statement key
//! policy (root delegation, admins, a cross-account statement conditioned on
//! kms:ViaService and kms:EncryptionContext, a Deny on aws:SecureTransport
//! false) and a 2-statement identity policy. carol (444455556666) calls
//! kms:Decrypt through Secrets Manager on a key in 111122223333: Allow.
//!
//! Rows:
//! * `authorize_fast`: the engine alone, outcome only (policies parsed once,
//!   the request built once; each call resolves the caller in the IAM world,
//!   evaluates every policy and runs the decision flow).
//! * `authorize`: the same with the full explanation.
//! * `Simulator::authorize_outcome`: what `sim.policy.prepare(...).authorize()`
//!   runs per request in wasm: the stored key looked up by ARN, its access
//!   request built, then `authorize_fast`.
//! * `PolicyDocument::parse`: the one-time cost of storing the key policy.
//!
//! Run: `cargo bench --bench policy_eval` (env: `ITER=<n>` iterations,
//! `ONLY=<substring of a row>`, e.g. for `valgrind --tool=callgrind`).

// Test and bench code may stop at the first broken invariant.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kmsim::clock::Timestamp;
use kmsim::kms::ops::{CreateKey, CreateKeyRequest};
use kmsim::policy::world_doc::load_world;
use kmsim::policy::{
    authorize, authorize_fast, AuthorizationRequest, ContextValue, Outcome, PolicyDocument, ResourceKind,
};
use kmsim::world::{CallContext, Caller};
use kmsim::Simulator;
use std::hint::black_box;
use std::time::Instant;

const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const SECRET: &str = "arn:aws:secretsmanager:us-east-1:111122223333:secret:shared-AbCdEf";

const KEY_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"EnableRoot","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
 {"Sid":"Admins","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/Admin"},"Action":["kms:Create*","kms:Describe*","kms:Enable*","kms:List*","kms:Put*","kms:Update*","kms:Revoke*","kms:Disable*","kms:Get*","kms:Delete*","kms:ScheduleKeyDeletion","kms:CancelKeyDeletion"],"Resource":"*"},
 {"Sid":"CrossAccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.us-east-1.amazonaws.com","kms:EncryptionContext:SecretARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:shared-AbCdEf"}}},
 {"Sid":"DenyPlainHttp","Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;

const WORLD: &str = r#"{"users":[{"account":"444455556666","name":"carol","inlinePolicies":{"kms":{"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"arn:aws:kms:us-east-1:111122223333:key/*"},
    {"Effect":"Deny","Action":"kms:ScheduleKeyDeletion","Resource":"*"}]}}}]}"#;

fn time<F: FnMut() -> bool>(label: &str, iterations: u32, mut f: F) {
    if std::env::var("ONLY").is_ok_and(|only| !label.contains(&only)) {
        return;
    }
    // Warm caches and the branch predictor before timing.
    for _ in 0..iterations / 10 {
        black_box(f());
    }
    let start = Instant::now();
    let mut allowed = 0u32;
    for _ in 0..iterations {
        if black_box(f()) {
            allowed += 1;
        }
    }
    let elapsed = start.elapsed();
    let per = elapsed.as_secs_f64() / f64::from(iterations);
    println!(
        "{label:<48} {:>10.0} evaluations/s  {:>7.3} µs/eval  (allowed {allowed}/{iterations})",
        1.0 / per,
        per * 1e6
    );
}

fn main() {
    let world = load_world(WORLD).expect("world");
    let key_policy = PolicyDocument::parse(KEY_POLICY).expect("key policy");
    let call = CallContext::new(Caller::from_arn("arn:aws:iam::444455556666:user/carol").expect("caller"), "us-east-1")
        .via("secretsmanager");
    let extra = vec![("kms:EncryptionContext:SecretARN".to_string(), ContextValue::String(SECRET.into()))];
    let request = AuthorizationRequest {
        call: &call,
        action: "kms:Decrypt",
        resource_arn: KEY,
        resource_account: "111122223333",
        resource_kind: ResourceKind::KmsKey,
        resource_policy: Some(&key_policy),
        resource_tags: &[],
        grants: &[],
        grant_tokens: &[],
        extra_context: &extra,
        now: Timestamp::DEFAULT_START,
    };
    assert_eq!(authorize_fast(&world, &request), Outcome::Allow);

    // The same request against a key stored in a simulator, as the JS batch API evaluates it.
    let mut sim = Simulator::seeded("policy-bench");
    sim.load_world(WORLD).expect("world");
    let owner = CallContext::new(Caller::account_root("111122223333"), "us-east-1");
    let created = sim
        .invoke::<CreateKey>(&owner, CreateKeyRequest { policy: Some(KEY_POLICY.into()), ..Default::default() })
        .expect("create key");
    let stored_key = created.key_metadata.arn;
    let via_call = call.clone();
    assert_eq!(sim.authorize_outcome(&via_call, "kms:Decrypt", &stored_key, &extra).expect("outcome"), Outcome::Allow);
    let mut no_via = call.clone();
    no_via.via_service = None;
    assert_eq!(
        sim.authorize_outcome(&no_via, "kms:Decrypt", &stored_key, &extra).expect("outcome"),
        Outcome::ImplicitDeny
    );

    let iterations: u32 = std::env::var("ITER").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    time("authorize_fast (cross-account, allowed)", iterations, || {
        authorize_fast(&world, black_box(&request)) == Outcome::Allow
    });
    time("authorize (explained, cross-account, allowed)", iterations, || {
        authorize(&world, black_box(&request)).is_allowed()
    });
    time("Simulator::authorize_outcome (stored key)", iterations, || {
        sim.authorize_outcome(black_box(&via_call), "kms:Decrypt", black_box(&stored_key), black_box(&extra))
            .is_ok_and(|o| o == Outcome::Allow)
    });
    time("PolicyDocument::parse (4-statement key policy)", iterations / 10, || {
        PolicyDocument::parse(black_box(KEY_POLICY)).is_ok()
    });
}
