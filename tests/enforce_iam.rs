#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]
//! IAM and STS operations through `Simulator::call_json` and the Query
//! protocol; credentials from CreateAccessKey / AssumeRole act as their principals.

use kmsim::iam::SimulatorPrincipals;
use kmsim::protocol::sigv4::{sign_request, SigningParams};
use kmsim::protocol::{handle, HttpRequest, KeyLookup, PrincipalDirectory, ProtocolOptions};
use kmsim::simulator::Service;
use kmsim::{CallContext, Caller, Simulator};
use serde_json::{json, Value};

const A: &str = "111122223333";
const B: &str = "444455556666";

fn root(account: &str) -> CallContext {
    CallContext::new(Caller::account_root(account), "us-east-1")
}

fn iam(sim: &mut Simulator, ctx: &CallContext, op: &str, input: Value) -> Result<Value, String> {
    sim.call_json(ctx, Service::Iam, op, input).map_err(|e| format!("{}: {}", e.name(), e.message))
}

fn sts(sim: &mut Simulator, ctx: &CallContext, op: &str, input: Value) -> Result<Value, String> {
    sim.call_json(ctx, Service::Sts, op, input).map_err(|e| format!("{}: {}", e.name(), e.message))
}

fn code(result: Result<Value, String>) -> String {
    result.expect_err("expected an error").split(':').next().unwrap().to_string()
}

const KMS_USE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt","kms:DescribeKey"],"Resource":"*"}]}"#;

#[test]
fn users_groups_policies_and_their_errors() {
    let mut sim = Simulator::seeded("iam-1");
    let admin = root(A);
    let user = iam(
        &mut sim,
        &admin,
        "CreateUser",
        json!({ "UserName": "alice", "Tags": [{ "Key": "team", "Value": "blue" }] }),
    )
    .unwrap();
    assert_eq!(user["User"]["Arn"], format!("arn:aws:iam::{A}:user/alice"));
    assert!(user["User"]["UserId"].as_str().unwrap().starts_with("AIDA"));
    assert!(user["User"]["CreateDate"].is_number());
    assert_eq!(code(iam(&mut sim, &admin, "CreateUser", json!({ "UserName": "ALICE" }))), "EntityAlreadyExists");
    assert_eq!(code(iam(&mut sim, &admin, "GetUser", json!({ "UserName": "nobody" }))), "NoSuchEntity");
    assert_eq!(code(iam(&mut sim, &admin, "CreateUser", json!({ "UserName": "bad name" }))), "ValidationError");
    assert_eq!(iam(&mut sim, &admin, "GetUser", json!({ "UserName": "alice" })).unwrap()["User"]["UserName"], "alice");

    let policy =
        iam(&mut sim, &admin, "CreatePolicy", json!({ "PolicyName": "KmsUse", "PolicyDocument": KMS_USE })).unwrap();
    let policy_arn = policy["Policy"]["Arn"].as_str().unwrap().to_string();
    assert_eq!(policy_arn, format!("arn:aws:iam::{A}:policy/KmsUse"));
    assert_eq!(policy["Policy"]["DefaultVersionId"], "v1");
    assert!(policy["Policy"]["PolicyId"].as_str().unwrap().starts_with("ANPA"));
    assert_eq!(
        code(iam(&mut sim, &admin, "CreatePolicy", json!({ "PolicyName": "KmsUse", "PolicyDocument": KMS_USE }))),
        "EntityAlreadyExists"
    );
    assert_eq!(
        code(iam(
            &mut sim,
            &admin,
            "CreatePolicy",
            json!({ "PolicyName": "Bad", "PolicyDocument": "{\"Statement\":[{\"Effect\":\"Allow\"}]}" })
        )),
        "MalformedPolicyDocument"
    );
    assert_eq!(
        code(iam(&mut sim, &admin, "AttachUserPolicy", json!({ "UserName": "alice", "PolicyArn": "nope" }))),
        "InvalidInput"
    );
    assert_eq!(
        code(iam(
            &mut sim,
            &admin,
            "AttachUserPolicy",
            json!({ "UserName": "alice", "PolicyArn": format!("arn:aws:iam::{A}:policy/Missing") })
        )),
        "NoSuchEntity"
    );

    iam(&mut sim, &admin, "CreateGroup", json!({ "GroupName": "devs" })).unwrap();
    iam(&mut sim, &admin, "AddUserToGroup", json!({ "GroupName": "devs", "UserName": "alice" })).unwrap();
    iam(&mut sim, &admin, "AttachGroupPolicy", json!({ "GroupName": "devs", "PolicyArn": policy_arn })).unwrap();
    iam(
        &mut sim,
        &admin,
        "AttachUserPolicy",
        json!({ "UserName": "alice", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess" }),
    )
    .unwrap();
    let listed =
        iam(&mut sim, &admin, "ListAttachedUserPolicies", json!({ "UserName": "alice", "MaxItems": "1" })).unwrap();
    assert_eq!(
        listed["AttachedPolicies"],
        json!([{ "PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess" }])
    );
    assert_eq!(listed["IsTruncated"], false);
    let groups = iam(&mut sim, &admin, "ListAttachedGroupPolicies", json!({ "GroupName": "devs" })).unwrap();
    assert_eq!(groups["AttachedPolicies"][0]["PolicyArn"], policy_arn);

    // The group's policy now lets alice use a key whose policy delegates to IAM.
    let alice = CallContext::new(Caller::from_arn(&format!("arn:aws:iam::{A}:user/alice")).unwrap(), "us-east-1");
    let key = sim.call_json(&admin, Service::Kms, "CreateKey", json!({})).unwrap()["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    sim.call_json(&alice, Service::Kms, "Encrypt", json!({ "KeyId": key, "Plaintext": "aGk=" })).unwrap();
    // A permissions boundary that allows nothing of KMS caps it.
    iam(
        &mut sim,
        &admin,
        "PutUserPermissionsBoundary",
        json!({ "UserName": "alice", "PermissionsBoundary": "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess" }),
    )
    .unwrap();
    let error =
        sim.call_json(&alice, Service::Kms, "Encrypt", json!({ "KeyId": key, "Plaintext": "aGk=" })).unwrap_err();
    assert_eq!(error.name(), "AccessDeniedException");
    // Alice may not administer IAM: IAM names the denial AccessDenied.
    assert_eq!(code(iam(&mut sim, &alice, "CreateUser", json!({ "UserName": "eve" }))), "AccessDenied");
    assert!(sim.iam().user_by_arn(&format!("arn:aws:iam::{A}:user/eve")).is_none());
}

#[test]
fn roles_inline_policies_access_keys_and_limits() {
    let mut sim = Simulator::seeded("iam-2");
    let admin = root(A);
    let trust = json!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Principal": { "AWS": format!("arn:aws:iam::{A}:root") }, "Action": "sts:AssumeRole" }] }).to_string();
    let role = iam(&mut sim, &admin, "CreateRole", json!({ "RoleName": "App", "AssumeRolePolicyDocument": trust, "MaxSessionDuration": "7200", "Description": "app" })).unwrap();
    assert!(role["Role"]["RoleId"].as_str().unwrap().starts_with("AROA"));
    assert_eq!(role["Role"]["MaxSessionDuration"], 7200);
    assert!(role["Role"]["AssumeRolePolicyDocument"].as_str().unwrap().starts_with("%7B%22"));
    assert_eq!(iam(&mut sim, &admin, "GetRole", json!({ "RoleName": "App" })).unwrap()["Role"]["Description"], "app");
    assert_eq!(code(iam(&mut sim, &admin, "GetRole", json!({ "RoleName": "Nope" }))), "NoSuchEntity");
    assert_eq!(
        code(iam(&mut sim, &admin, "CreateRole", json!({ "RoleName": "X", "AssumeRolePolicyDocument": "{}" }))),
        "MalformedPolicyDocument"
    );
    assert_eq!(
        code(iam(
            &mut sim,
            &admin,
            "CreateRole",
            json!({ "RoleName": "Y", "AssumeRolePolicyDocument": trust, "MaxSessionDuration": "60" })
        )),
        "ValidationError"
    );
    iam(
        &mut sim,
        &admin,
        "PutRolePolicy",
        json!({ "RoleName": "App", "PolicyName": "kms", "PolicyDocument": KMS_USE }),
    )
    .unwrap();
    iam(
        &mut sim,
        &admin,
        "AttachRolePolicy",
        json!({ "RoleName": "App", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess" }),
    )
    .unwrap();
    assert_eq!(
        iam(&mut sim, &admin, "ListAttachedRolePolicies", json!({ "RoleName": "App" })).unwrap()["AttachedPolicies"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    iam(
        &mut sim,
        &admin,
        "PutRolePermissionsBoundary",
        json!({ "RoleName": "App", "PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" }),
    )
    .unwrap();

    iam(&mut sim, &admin, "CreateUser", json!({ "UserName": "bob" })).unwrap();
    iam(&mut sim, &admin, "PutUserPolicy", json!({ "UserName": "bob", "PolicyName": "p", "PolicyDocument": KMS_USE }))
        .unwrap();
    let first = iam(&mut sim, &admin, "CreateAccessKey", json!({ "UserName": "bob" })).unwrap();
    let id = first["AccessKey"]["AccessKeyId"].as_str().unwrap();
    assert!(id.starts_with("AKIA") && id.len() == 20, "{id}");
    assert_eq!(first["AccessKey"]["SecretAccessKey"].as_str().unwrap().len(), 40);
    iam(&mut sim, &admin, "CreateAccessKey", json!({ "UserName": "bob" })).unwrap();
    assert_eq!(code(iam(&mut sim, &admin, "CreateAccessKey", json!({ "UserName": "bob" }))), "LimitExceeded");
    // The key names bob.
    match SimulatorPrincipals.lookup(&sim, id, None) {
        KeyLookup::Known(p) => assert_eq!(p.caller.arn, format!("arn:aws:iam::{A}:user/bob")),
        other => panic!("{other:?}"),
    }
    // Secrets never reach the audit trail.
    let trail = serde_json::to_string(&sim.audit_events(&Default::default())).unwrap();
    assert!(!trail.contains(first["AccessKey"]["SecretAccessKey"].as_str().unwrap()));
}

fn setup_cross_account_role(sim: &mut Simulator) {
    // Role Reader in B trusts account A; A's user dev may assume it.
    let trust = json!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Principal": { "AWS": format!("arn:aws:iam::{A}:root") }, "Action": "sts:AssumeRole" }] }).to_string();
    iam(sim, &root(B), "CreateRole", json!({ "RoleName": "Reader", "AssumeRolePolicyDocument": trust })).unwrap();
    iam(sim, &root(A), "CreateUser", json!({ "UserName": "dev" })).unwrap();
}

#[test]
fn assume_role_needs_the_trust_policy_and_the_callers_permission() {
    let mut sim = Simulator::seeded("sts-1");
    setup_cross_account_role(&mut sim);
    let dev = CallContext::new(Caller::from_arn(&format!("arn:aws:iam::{A}:user/dev")).unwrap(), "us-east-1");
    let role_arn = format!("arn:aws:iam::{B}:role/Reader");
    let assume = json!({ "RoleArn": role_arn, "RoleSessionName": "lab", "DurationSeconds": "900" });
    // Trusted, but dev's own account does not allow sts:AssumeRole.
    assert_eq!(code(sts(&mut sim, &dev, "AssumeRole", assume.clone())), "AccessDenied");
    assert!(sim.iam().sessions.is_empty());
    iam(&mut sim, &root(A), "PutUserPolicy", json!({ "UserName": "dev", "PolicyName": "assume",
        "PolicyDocument": json!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn }] }).to_string() }))
        .unwrap();
    let out = sts(&mut sim, &dev, "AssumeRole", assume.clone()).unwrap();
    let creds = &out["Credentials"];
    let akid = creds["AccessKeyId"].as_str().unwrap();
    assert!(akid.starts_with("ASIA") && akid.len() == 20);
    assert_eq!(out["AssumedRoleUser"]["Arn"], format!("arn:aws:sts::{B}:assumed-role/Reader/lab"));
    assert!(out["AssumedRoleUser"]["AssumedRoleId"].as_str().unwrap().ends_with(":lab"));
    assert_eq!(creds["Expiration"].as_i64().unwrap(), sim.now().millis() / 1000 + 900);
    // An account that the trust policy does not name is refused.
    assert_eq!(code(sts(&mut sim, &root("777788889999"), "AssumeRole", assume)), "AccessDenied");
    assert_eq!(
        code(sts(&mut sim, &dev, "AssumeRole", json!({ "RoleArn": role_arn, "RoleSessionName": "x" }))),
        "ValidationError"
    );

    // The credentials map to the session, until they expire on the virtual clock.
    let token = creds["SessionToken"].as_str().unwrap();
    match SimulatorPrincipals.lookup(&sim, akid, Some(token)) {
        KeyLookup::Known(p) => assert_eq!(p.caller.arn, format!("arn:aws:sts::{B}:assumed-role/Reader/lab")),
        other => panic!("{other:?}"),
    }
    assert_eq!(SimulatorPrincipals.lookup(&sim, akid, Some("wrong")), KeyLookup::Unknown);

    // Through the wire: a strictly verified GetCallerIdentity signed with the session's secret.
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let mut request = HttpRequest::new("POST", "/")
        .with_header("Host", "sts.us-east-1.amazonaws.com")
        .with_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .with_body(body.as_bytes().to_vec());
    sign_request(
        &mut request,
        &SigningParams {
            access_key_id: akid,
            secret_access_key: creds["SecretAccessKey"].as_str().unwrap(),
            session_token: Some(token),
            region: "us-east-1",
            service: "sts",
            amz_date: "20250101T000000Z",
        },
    );
    let options = ProtocolOptions { strict_auth: true, ..Default::default() };
    let response = handle(&mut sim, &request, &options);
    let text = response.body_text();
    assert_eq!(response.status, 200, "{text}");
    assert!(text.contains(&format!("<Arn>arn:aws:sts::{B}:assumed-role/Reader/lab</Arn>")), "{text}");
    assert!(text.contains(&format!("<Account>{B}</Account>")), "{text}");
    sim.advance_time(901_000);
    assert_eq!(SimulatorPrincipals.lookup(&sim, akid, Some(token)), KeyLookup::Expired);
    let expired = handle(&mut sim, &request, &options);
    assert!(expired.body_text().contains("<Code>ExpiredToken</Code>"), "{}", expired.body_text());
}

#[test]
fn get_caller_identity_and_query_xml() {
    let mut sim = Simulator::seeded("sts-2");
    let me = sts(&mut sim, &root(A), "GetCallerIdentity", json!({})).unwrap();
    assert_eq!(me, json!({ "UserId": A, "Account": A, "Arn": format!("arn:aws:iam::{A}:root") }));
    // CreateUser over the Query protocol (lenient auth: the default root).
    let request = HttpRequest::new("POST", "/")
        .with_header("Host", "iam.amazonaws.com")
        .with_header("Content-Type", "application/x-www-form-urlencoded")
        .with_body(&b"Action=CreateUser&Version=2010-05-08&UserName=zed&Tags.member.1.Key=k&Tags.member.1.Value=v"[..]);
    let response = handle(&mut sim, &request, &ProtocolOptions::default());
    let text = response.body_text();
    assert_eq!(response.status, 200, "{text}");
    assert!(text.contains("<CreateUserResult><User>") && text.contains("<UserName>zed</UserName>"), "{text}");
    assert!(text.contains("<CreateDate>2025-01-01T00:00:00Z</CreateDate>"), "{text}");
    assert!(text.contains("<Tags><member><Key>k</Key><Value>v</Value></member></Tags>"), "{text}");
    let again = handle(&mut sim, &request, &ProtocolOptions::default());
    assert_eq!(again.status, 409);
    assert!(again.body_text().contains("<Code>EntityAlreadyExists</Code>"));
}

#[test]
fn permissions_boundaries_must_name_an_existing_policy() {
    let mut sim = Simulator::seeded("boundaries");
    let admin = root(A);
    let missing = format!("arn:aws:iam::{A}:policy/NoSuchPolicy");
    let err =
        iam(&mut sim, &admin, "CreateUser", json!({ "UserName": "bob", "PermissionsBoundary": missing })).unwrap_err();
    assert!(err.starts_with("NoSuchEntity: Scope ARN:"), "{err}");
    assert!(iam(&mut sim, &admin, "GetUser", json!({ "UserName": "bob" })).unwrap_err().starts_with("NoSuchEntity"));
    let err = iam(&mut sim, &admin, "CreateRole", json!({
        "RoleName": "r", "AssumeRolePolicyDocument": json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "sts:AssumeRole"}]}).to_string(),
        "PermissionsBoundary": missing,
    }))
    .unwrap_err();
    assert!(err.starts_with("NoSuchEntity: Scope ARN:"), "{err}");

    iam(&mut sim, &admin, "CreateUser", json!({ "UserName": "bob" })).unwrap();
    let err = iam(
        &mut sim,
        &admin,
        "PutUserPermissionsBoundary",
        json!({ "UserName": "bob", "PermissionsBoundary": missing }),
    )
    .unwrap_err();
    assert!(err.starts_with("NoSuchEntity: Policy "), "{err}");
    // An AWS managed policy from the catalogue is attachable without being created first.
    let read_only = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    iam(&mut sim, &admin, "PutUserPermissionsBoundary", json!({ "UserName": "bob", "PermissionsBoundary": read_only }))
        .unwrap();
    let user = iam(&mut sim, &admin, "GetUser", json!({ "UserName": "bob" })).unwrap();
    assert_eq!(user["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"], read_only, "{user}");
}
