//! Properties of the decision flow that must hold for every policy set:
//! adding an Allow statement never turns an Allow into a deny, adding a Deny
//! never turns a deny into an Allow, and statement order never matters.

// Test and bench code may stop at the first broken invariant.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kmsim::clock::Timestamp;
use kmsim::policy::world_doc::load_world_value;
use kmsim::policy::{
    authorize, validate, AuthorizationRequest, ContextValue, Outcome, PolicyDocument, PolicyKind, ResourceKind,
};
use kmsim::world::{CallContext, Caller};
use proptest::prelude::*;
use serde_json::{json, Value};

const A: &str = "111122223333";
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/k1";

fn statement(resource_policy: bool) -> impl Strategy<Value = Value> {
    // Allows and unconditional statements are weighted up so that Allow
    // outcomes are common enough for the properties to bite.
    let effect = prop_oneof![3 => Just("Allow"), 1 => Just("Deny")];
    let action = prop::sample::select(vec!["kms:Decrypt", "kms:*", "kms:Encrypt", "*", "kms:Gen*", "KMS:DECRYPT"]);
    let resource = prop::sample::select(vec![
        "*",
        KEY,
        "arn:aws:kms:us-east-1:111122223333:key/other",
        "arn:aws:kms:*:111122223333:key/*",
    ]);
    let principal = prop::sample::select(vec![
        json!({"AWS": format!("arn:aws:iam::{A}:root")}),
        json!({"AWS": format!("arn:aws:iam::{A}:user/alice")}),
        json!({"AWS": format!("arn:aws:iam::{A}:role/App")}),
        json!({"AWS": format!("arn:aws:sts::{A}:assumed-role/App/s1")}),
        json!({"AWS": "arn:aws:iam::444455556666:root"}),
        json!("*"),
    ]);
    let condition = prop_oneof![3 => Just(Value::Null), 2 => prop::sample::select(vec![
        json!({"Bool": {"aws:SecureTransport": "true"}}),
        json!({"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}),
        json!({"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["tenant"]}}),
        json!({"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["tenant"]}}),
        json!({"StringNotEquals": {"kms:EncryptionContext:tenant": "b"}}),
        json!({"StringEqualsIfExists": {"aws:PrincipalTag/team": "blue"}}),
    ])];
    let not_action = any::<bool>();
    (effect, action, resource, principal, condition, not_action).prop_map(move |(e, a, r, p, c, na)| {
        let mut s = json!({"Effect": e, "Resource": r});
        s[if na && !resource_policy { "NotAction" } else { "Action" }] = json!(a);
        if resource_policy {
            s["Principal"] = p;
        }
        if !c.is_null() {
            s["Condition"] = c;
        }
        s
    })
}

#[derive(Clone, Debug)]
struct Case {
    identity: Vec<Value>,
    key_policy: Vec<Value>,
    boundary: Option<Vec<Value>>,
    caller: &'static str,
    action: &'static str,
    secure: bool,
    via: bool,
    tenant: Option<&'static str>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(statement(false), 0..4),
        (any::<bool>(), prop::collection::vec(statement(true), 0..4)).prop_map(|(delegate, mut statements)| {
            if delegate {
                statements.insert(0, json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "kms:*", "Resource": "*"}));
            }
            statements
        }),
        prop::option::of(prop::collection::vec(statement(false), 0..3)),
        prop::sample::select(vec![
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:sts::111122223333:assumed-role/App/s1",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::444455556666:user/carol",
        ]),
        prop::sample::select(vec!["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ScheduleKeyDeletion"]),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(prop::sample::select(vec!["a", "b"])),
    )
        .prop_map(|(identity, key_policy, boundary, caller, action, secure, via, tenant)| Case {
            identity,
            key_policy,
            boundary,
            caller,
            action,
            secure,
            via,
            tenant,
        })
}

fn doc(statements: &[Value]) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn decide(c: &Case) -> Outcome {
    let mut world = json!({
        "policies": [],
        "users": [
            {"account": A, "name": "alice", "tags": {"team": "blue"}, "inlinePolicies": {"p": doc(&c.identity)}},
            {"account": "444455556666", "name": "carol", "inlinePolicies": {"p": doc(&c.identity)}}
        ],
        "roles": [{"account": A, "name": "App", "inlinePolicies": {"p": doc(&c.identity)}}],
        "sessions": [{"role": format!("arn:aws:iam::{A}:role/App"), "sessionName": "s1"}]
    });
    if let Some(b) = &c.boundary {
        world["policies"] = json!([{"account": A, "name": "B", "document": doc(b)}]);
        world["users"][0]["permissionsBoundary"] = json!(format!("arn:aws:iam::{A}:policy/B"));
        world["roles"][0]["permissionsBoundary"] = json!(format!("arn:aws:iam::{A}:policy/B"));
    }
    let world = load_world_value(world).expect("world");
    let key_policy = PolicyDocument::parse(&doc(&c.key_policy).to_string()).expect("key policy");
    let mut call = CallContext::new(Caller::from_arn(c.caller).expect("caller"), "us-east-1");
    call.secure_transport = c.secure;
    if c.via {
        call = call.via("secretsmanager");
    }
    let mut extra = Vec::new();
    if let Some(t) = c.tenant {
        extra.push(("kms:EncryptionContext:tenant".to_string(), ContextValue::String(t.to_string())));
        extra.push(("kms:EncryptionContextKeys".to_string(), ContextValue::StringList(vec!["tenant".into()])));
    }
    let request = AuthorizationRequest {
        call: &call,
        action: c.action,
        resource_arn: KEY,
        resource_account: A,
        resource_kind: ResourceKind::KmsKey,
        resource_policy: Some(&key_policy),
        resource_tags: &[],
        grants: &[],
        grant_tokens: &[],
        extra_context: &extra,
        now: Timestamp::DEFAULT_START,
    };
    authorize(&world, &request).outcome
}

#[test]
fn generated_cases_reach_every_outcome() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = [0usize; 3];
    for _ in 0..300 {
        let c = case().new_tree(&mut runner).expect("case").current();
        match decide(&c) {
            Outcome::Allow => seen[0] += 1,
            Outcome::ExplicitDeny => seen[1] += 1,
            Outcome::ImplicitDeny => seen[2] += 1,
        }
    }
    // The properties only mean something if every outcome shows up often.
    assert!(seen.iter().all(|n| *n >= 30), "outcome spread too narrow: {seen:?}");
}

fn with_effect(mut s: Value, effect: &str) -> Value {
    s["Effect"] = json!(effect);
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn adding_an_allow_never_turns_allow_into_deny(c in case(), extra_id in statement(false), extra_key in statement(true), where_ in 0u8..3) {
        let before = decide(&c);
        let mut after = c.clone();
        match where_ {
            0 => after.identity.push(with_effect(extra_id, "Allow")),
            1 => after.key_policy.push(with_effect(extra_key, "Allow")),
            _ => if let Some(b) = after.boundary.as_mut() { b.push(with_effect(extra_id, "Allow")) },
        }
        if before == Outcome::Allow {
            prop_assert_eq!(decide(&after), Outcome::Allow);
        }
    }

    #[test]
    fn adding_a_deny_never_turns_deny_into_allow(c in case(), extra_id in statement(false), extra_key in statement(true), where_ in 0u8..3) {
        let before = decide(&c);
        let mut after = c.clone();
        match where_ {
            0 => after.identity.push(with_effect(extra_id, "Deny")),
            1 => after.key_policy.push(with_effect(extra_key, "Deny")),
            _ => if let Some(b) = after.boundary.as_mut() { b.push(with_effect(extra_id, "Deny")) },
        }
        if before != Outcome::Allow {
            prop_assert_ne!(decide(&after), Outcome::Allow);
        }
    }

    #[test]
    fn statement_order_never_matters(c in case()) {
        let before = decide(&c);
        let mut reversed = c.clone();
        reversed.identity.reverse();
        reversed.key_policy.reverse();
        if let Some(b) = reversed.boundary.as_mut() { b.reverse(); }
        prop_assert_eq!(decide(&reversed), before);
    }

    #[test]
    fn parsing_and_validation_never_panic(text in "\\PC{0,200}", kind in 0usize..8) {
        let _ = PolicyDocument::parse(&text);
        let kinds = [PolicyKind::Identity, PolicyKind::Resource, PolicyKind::KeyPolicy, PolicyKind::ServiceControl,
                     PolicyKind::ResourceControl, PolicyKind::PermissionsBoundary, PolicyKind::Session, PolicyKind::Trust];
        let _ = validate(&text, kinds[kind]);
    }

    #[test]
    fn near_valid_policies_never_panic(resource in "[a-z:*?/${}.0-9]{0,40}", action in "[a-zA-Z:*?]{0,20}", key in "[a-zA-Z:/*]{0,20}", value in "[a-z0-9.:/*${}+-]{0,30}") {
        let text = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource,
            "Condition": {"StringLike": {key.clone(): value.clone()}, "DateLessThan": {key.clone(): value.clone()}, "IpAddress": {key: value}}}]}).to_string();
        if let Ok(doc) = PolicyDocument::parse(&text) {
            let statements = serde_json::from_str::<Value>(&text).unwrap()["Statement"].as_array().cloned().unwrap();
            let c = Case { identity: statements.clone(), key_policy: vec![], boundary: None, caller: "arn:aws:iam::111122223333:user/alice",
                           action: "kms:Decrypt", secure: true, via: false, tenant: None };
            // Whatever the patterns, evaluation must terminate with some outcome.
            let _ = decide(&c);
            prop_assert_eq!(doc.text(), text.as_str());
        }
        let _ = validate(&text, PolicyKind::Identity);
    }
}
