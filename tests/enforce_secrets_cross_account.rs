#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]
//! Cross-account Secrets Manager, as AWS documents it ("Access AWS Secrets
//! Manager secrets from a different account"): a role in account B reads a
//! secret of account A only when the secret's resource policy, the KMS key
//! policy (kms:Decrypt via secretsmanager) and B's identity policy all allow;
//! a secret under the AWS managed key `aws/secretsmanager` never is readable.

use kmsim::simulator::Service;
use kmsim::{CallContext, Caller, Simulator};
use serde_json::{json, Value};

const A: &str = "111122223333";
const B: &str = "444455556666";
const REGION: &str = "us-east-1";

fn root(account: &str) -> CallContext {
    CallContext::new(Caller::account_root(account), REGION)
}

fn call(sim: &mut Simulator, ctx: &CallContext, service: Service, op: &str, input: Value) -> Result<Value, String> {
    sim.call_json(ctx, service, op, input).map_err(|e| format!("{}: {}", e.name(), e.message))
}

fn doc(statements: Value) -> String {
    json!({ "Version": "2012-10-17", "Statement": statements }).to_string()
}

fn role_arn() -> String {
    format!("arn:aws:iam::{B}:role/Reader")
}

struct Lab {
    sim: Simulator,
    session: CallContext,
    key: String,
    secret: String,
}

/// A's key and secret; B's role Reader, assumed through STS.
fn lab(seed: &str) -> Lab {
    let mut sim = Simulator::seeded(seed);
    let a = root(A);
    let key = call(&mut sim, &a, Service::Kms, "CreateKey", json!({ "Policy": key_policy(false) })).unwrap()
        ["KeyMetadata"]["Arn"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = call(
        &mut sim,
        &a,
        Service::SecretsManager,
        "CreateSecret",
        json!({ "Name": "shared/db", "SecretString": "s3cr3t", "KmsKeyId": key }),
    )
    .unwrap()["ARN"]
        .as_str()
        .unwrap()
        .to_string();
    let trust = doc(
        json!([{ "Effect": "Allow", "Principal": { "AWS": format!("arn:aws:iam::{B}:root") }, "Action": "sts:AssumeRole" }]),
    );
    call(
        &mut sim,
        &root(B),
        Service::Iam,
        "CreateRole",
        json!({ "RoleName": "Reader", "AssumeRolePolicyDocument": trust }),
    )
    .unwrap();
    let assumed = call(
        &mut sim,
        &root(B),
        Service::Sts,
        "AssumeRole",
        json!({ "RoleArn": role_arn(), "RoleSessionName": "lab" }),
    )
    .unwrap();
    let session_arn = assumed["AssumedRoleUser"]["Arn"].as_str().unwrap().to_string();
    assert_eq!(session_arn, format!("arn:aws:sts::{B}:assumed-role/Reader/lab"));
    let session = CallContext::new(Caller::from_arn(&session_arn).unwrap(), REGION);
    Lab { sim, session, key, secret }
}

/// A's key policy: A's root administers; with `share`, B's role may decrypt through Secrets Manager in `REGION`.
fn key_policy(share: bool) -> String {
    key_policy_via(share, &format!("secretsmanager.{REGION}.amazonaws.com"))
}

fn key_policy_via(share: bool, via: &str) -> String {
    let mut statements = vec![
        json!({ "Sid": "Admin", "Effect": "Allow", "Principal": { "AWS": format!("arn:aws:iam::{A}:root") }, "Action": "kms:*", "Resource": "*" }),
    ];
    if share {
        statements.push(
            json!({ "Sid": "ReaderViaSecretsManager", "Effect": "Allow", "Principal": { "AWS": role_arn() },
            "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
            "Condition": { "StringEquals": { "kms:ViaService": via } } }),
        );
    }
    doc(Value::Array(statements))
}

impl Lab {
    fn set_secret_policy(&mut self, share: bool) {
        let a = root(A);
        if share {
            let policy = doc(
                json!([{ "Effect": "Allow", "Principal": { "AWS": role_arn() }, "Action": "secretsmanager:GetSecretValue", "Resource": "*" }]),
            );
            call(
                &mut self.sim,
                &a,
                Service::SecretsManager,
                "PutResourcePolicy",
                json!({ "SecretId": self.secret, "ResourcePolicy": policy }),
            )
            .unwrap();
        } else {
            call(
                &mut self.sim,
                &a,
                Service::SecretsManager,
                "DeleteResourcePolicy",
                json!({ "SecretId": self.secret }),
            )
            .unwrap();
        }
    }

    fn set_key_policy(&mut self, policy: String) {
        call(
            &mut self.sim,
            &root(A),
            Service::Kms,
            "PutKeyPolicy",
            json!({ "KeyId": self.key, "PolicyName": "default", "Policy": policy }),
        )
        .unwrap();
    }

    /// B's identity policy on the role (replaced each time).
    fn set_identity(&mut self, secrets: bool, kms: bool) {
        let mut statements = vec![json!({ "Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*" })];
        if secrets {
            statements
                .push(json!({ "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": self.secret }));
        }
        if kms {
            statements.push(json!({ "Effect": "Allow", "Action": "kms:Decrypt", "Resource": self.key }));
        }
        call(
            &mut self.sim,
            &root(B),
            Service::Iam,
            "PutRolePolicy",
            json!({ "RoleName": "Reader", "PolicyName": "read-shared", "PolicyDocument": doc(Value::Array(statements)) }),
        )
        .unwrap();
    }

    fn configure(&mut self, secret_policy: bool, key_policy: bool, identity_secrets: bool, identity_kms: bool) {
        self.set_secret_policy(secret_policy);
        self.set_key_policy(key_policy_fn(key_policy));
        self.set_identity(identity_secrets, identity_kms);
    }

    fn get(&mut self, secret_id: &str) -> Result<Value, String> {
        let session = self.session.clone();
        call(&mut self.sim, &session, Service::SecretsManager, "GetSecretValue", json!({ "SecretId": secret_id }))
    }
}

fn key_policy_fn(share: bool) -> String {
    key_policy(share)
}

fn denied_by_secrets_manager(message: &str, secret: &str, because: &str) {
    assert!(message.starts_with("AccessDeniedException: User: arn:aws:sts::444455556666:assumed-role/Reader/lab is not authorized to perform: secretsmanager:GetSecretValue"), "{message}");
    assert!(message.contains(secret), "{message}");
    assert!(message.contains(because), "{message}");
}

fn denied_by_kms(message: &str) {
    assert!(message.starts_with("AccessDeniedException: Access to KMS is not allowed"), "{message}");
}

#[test]
fn all_three_policies_must_allow_and_each_missing_piece_denies() {
    let mut lab = lab("sm-cross-1");
    let secret = lab.secret.clone();

    // Nothing shared yet.
    lab.configure(false, false, false, false);
    denied_by_secrets_manager(&lab.get(&secret).unwrap_err(), &secret, " because no ");

    // Everything allows: the value comes back.
    lab.configure(true, true, true, true);
    let got = lab.get(&secret).unwrap();
    assert_eq!(got["SecretString"], "s3cr3t");
    assert_eq!(got["ARN"], secret.as_str());

    // (a) No resource policy on the secret.
    lab.configure(false, true, true, true);
    denied_by_secrets_manager(&lab.get(&secret).unwrap_err(), &secret, "no resource-based policy allows");

    // (b) The key policy does not allow B: Secrets Manager reports KMS's refusal.
    lab.configure(true, false, true, true);
    denied_by_kms(&lab.get(&secret).unwrap_err());

    // (c) B's identity policy lacks secretsmanager:GetSecretValue …
    lab.configure(true, true, false, true);
    denied_by_secrets_manager(&lab.get(&secret).unwrap_err(), &secret, "no identity-based policy allows");
    // … or kms:Decrypt on the key.
    lab.configure(true, true, true, false);
    denied_by_kms(&lab.get(&secret).unwrap_err());

    // The key policy's kms:ViaService must name Secrets Manager in the secret's Region.
    lab.configure(true, true, true, true);
    lab.set_key_policy(key_policy_via(true, "secretsmanager.eu-west-1.amazonaws.com"));
    denied_by_kms(&lab.get(&secret).unwrap_err());
    lab.set_key_policy(key_policy_via(true, "ssm.us-east-1.amazonaws.com"));
    denied_by_kms(&lab.get(&secret).unwrap_err());
    lab.set_key_policy(key_policy(true));
    assert_eq!(lab.get(&secret).unwrap()["SecretString"], "s3cr3t");

    // Only by ARN: a name resolves in the caller's own account.
    let by_name = lab.get("shared/db").unwrap_err();
    assert!(by_name.starts_with("ResourceNotFoundException"), "{by_name}");

    // The key cannot be used by B directly (the key policy only allows it via Secrets Manager).
    let session = lab.session.clone();
    let key = lab.key.clone();
    let direct = call(&mut lab.sim, &session, Service::Kms, "Encrypt", json!({ "KeyId": key, "Plaintext": "aGk=" }));
    assert!(direct.unwrap_err().starts_with("AccessDeniedException"));

    // Each denial was audited for the caller in B.
    let events = lab.sim.audit_events(&Default::default());
    let denials = events
        .iter()
        .filter(|e| e.error_code.as_deref() == Some("AccessDeniedException") && e.event_name == "GetSecretValue")
        .count();
    assert!(denials >= 6, "{denials} GetSecretValue denials audited");
}

#[test]
fn a_secret_under_the_aws_managed_key_is_never_readable_from_another_account() {
    let mut lab = lab("sm-cross-2");
    let a = root(A);
    let managed = call(
        &mut lab.sim,
        &a,
        Service::SecretsManager,
        "CreateSecret",
        json!({ "Name": "shared/managed", "SecretString": "m" }),
    )
    .unwrap()["ARN"]
        .as_str()
        .unwrap()
        .to_string();
    let policy = doc(
        json!([{ "Effect": "Allow", "Principal": { "AWS": role_arn() }, "Action": "secretsmanager:GetSecretValue", "Resource": "*" }]),
    );
    call(
        &mut lab.sim,
        &a,
        Service::SecretsManager,
        "PutResourcePolicy",
        json!({ "SecretId": managed, "ResourcePolicy": policy }),
    )
    .unwrap();
    // B allows everything it can: kms:Decrypt on any key, the secret.
    let identity = doc(
        json!([{ "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"], "Resource": "*" }]),
    );
    call(
        &mut lab.sim,
        &root(B),
        Service::Iam,
        "PutRolePolicy",
        json!({ "RoleName": "Reader", "PolicyName": "all", "PolicyDocument": identity }),
    )
    .unwrap();
    let message = lab.get(&managed).unwrap_err();
    assert!(message.starts_with("AccessDeniedException: "), "{message}");
    assert_eq!(
        message,
        "AccessDeniedException: Access to KMS is not allowed. You can't access a secret from a different AWS account if you encrypt the secret with the default KMS service key."
    );
    // The managed key's policy cannot be changed to allow B.
    let described =
        call(&mut lab.sim, &a, Service::SecretsManager, "DescribeSecret", json!({ "SecretId": managed })).unwrap();
    assert!(described.get("KmsKeyId").is_none(), "{described}");
    let managed_key =
        call(&mut lab.sim, &a, Service::Kms, "DescribeKey", json!({ "KeyId": "alias/aws/secretsmanager" })).unwrap()
            ["KeyMetadata"]["Arn"]
            .as_str()
            .unwrap()
            .to_string();
    let put = call(
        &mut lab.sim,
        &a,
        Service::Kms,
        "PutKeyPolicy",
        json!({ "KeyId": managed_key, "PolicyName": "default", "Policy": key_policy(true) }),
    );
    assert!(put.is_err(), "the AWS managed key's policy is read-only");
    assert!(lab.get(&managed).is_err());
    // The same secret in A's account is readable by A.
    assert_eq!(
        call(&mut lab.sim, &a, Service::SecretsManager, "GetSecretValue", json!({ "SecretId": managed })).unwrap()
            ["SecretString"],
        "m"
    );
}
