//! Fuzz bodies for every kmsim parser, shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/*.rs`) and the stable smoke test (`tests/fuzz_smoke.rs`,
//! which includes this file with `#[path]`).
//!
//! Each body takes arbitrary bytes and asserts kmsim's invariants, not just
//! "no panic": bad input gets an AWS-named error from the documented set and
//! leaves the simulator state unchanged; good input round-trips. A broken
//! invariant panics, which is what both libFuzzer and the test harness catch.
//! Each target also has `seeds()`: valid inputs to start mutating from.

// A fuzz body's job is to panic on a broken invariant.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![allow(missing_docs)]

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use kmsim::clock::Timestamp;
use kmsim::envelope::{
    self, AlgorithmSuite, DecryptOptions, Decryptor, EncryptOptions, MaterialsSource, RawAesKeyring,
};
use kmsim::error::{AwsError, ErrorCode};
use kmsim::policy::{
    authorize, authorize_fast, load_world, AuthorizationRequest, IamWorld, PolicyDocument, PolicyKind, ResourceKind,
};
use kmsim::protocol::{handle, HttpRequest, HttpResponse, ProtocolOptions};
use kmsim::{CallContext, Caller, Service, Simulator};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One fuzz target: its name (the cargo-fuzz target is `name`), its body and its seeds.
pub struct Target {
    pub name: &'static str,
    pub body: fn(&[u8]),
    pub seeds: fn() -> Vec<Vec<u8>>,
}

/// Every target, in one list (the smoke test and the corpus writer walk it).
pub const TARGETS: &[Target] = &[
    Target { name: "kms_blob", body: kms_blob, seeds: kms_blob_seeds },
    Target { name: "envelope", body: envelope, seeds: envelope_seeds },
    Target { name: "envelope_header", body: envelope_header, seeds: envelope_seeds },
    Target { name: "policy", body: policy, seeds: policy_seeds },
    Target { name: "policy_world", body: policy_world, seeds: policy_world_seeds },
    Target { name: "protocol", body: protocol, seeds: protocol_seeds },
    Target { name: "snapshot", body: snapshot, seeds: snapshot_seeds },
    Target { name: "json_ops", body: json_ops, seeds: json_ops_seeds },
    Target { name: "timestamp", body: timestamp, seeds: timestamp_seeds },
    Target { name: "rotation_schedule", body: rotation_schedule, seeds: rotation_schedule_seeds },
    Target { name: "allowed_pattern", body: allowed_pattern, seeds: allowed_pattern_seeds },
];

// ---------------------------------------------------------------- helpers

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Everything a failed call must leave alone: the clock and the services'
/// state (not the audit trail, which records the failure, nor the random stream).
fn state_of(sim: &Simulator) -> String {
    let s = sim.snapshot();
    serde_json::to_string(&json!({
        "now": s.now,
        "kms": s.kms,
        "secrets": s.secrets,
        "params": s.params,
    }))
    .expect("state serializes")
}

fn ok(sim: &mut Simulator, ctx: &CallContext, service: Service, op: &str, input: Value) -> Value {
    sim.call_json(ctx, service, op, input).unwrap_or_else(|e| panic!("fixture {op}: {e:?}"))
}

fn assert_error_in(e: &AwsError, allowed: &[ErrorCode], what: &str) {
    assert!(allowed.contains(&e.code), "{what}: unexpected error {:?}: {}", e.code, e.message);
    assert!((400..600).contains(&e.http_status()), "{what}: status {}", e.http_status());
}

const ROTATION_FN: &str = "arn:aws:lambda:us-east-1:111122223333:function:fuzz-rotation";
const PLAINTEXT_A: &[u8] = b"fuzz plaintext A";
const PLAINTEXT_B: &[u8] = b"fuzz plaintext B";

/// A simulator holding one of everything: an enabled key with an alias, a
/// disabled key, a secret, a String and a SecureString parameter.
struct World {
    sim: Simulator,
    ctx: CallContext,
    key_a: String,
    key_b: String,
    blob_a: Vec<u8>,
    blob_b: Vec<u8>,
}

fn world() -> World {
    let mut sim = Simulator::seeded("kmsim-fuzz");
    let ctx = CallContext::default_root();
    let key_a = ok(&mut sim, &ctx, Service::Kms, "CreateKey", json!({"Description": "fuzz A"}))["KeyMetadata"]["Arn"]
        .as_str()
        .expect("arn")
        .to_string();
    let key_b = ok(&mut sim, &ctx, Service::Kms, "CreateKey", json!({}))["KeyMetadata"]["Arn"]
        .as_str()
        .expect("arn")
        .to_string();
    ok(&mut sim, &ctx, Service::Kms, "CreateAlias", json!({"AliasName": "alias/fuzz", "TargetKeyId": key_a}));
    let seal = |sim: &mut Simulator, key: &str, pt: &[u8]| {
        let out = ok(
            sim,
            &ctx,
            Service::Kms,
            "Encrypt",
            json!({"KeyId": key, "Plaintext": B64.encode(pt), "EncryptionContext": {"purpose": "fuzz"}}),
        );
        B64.decode(out["CiphertextBlob"].as_str().expect("blob")).expect("base64")
    };
    let blob_a = seal(&mut sim, &key_a, PLAINTEXT_A);
    let blob_b = seal(&mut sim, &key_b, PLAINTEXT_B);
    ok(&mut sim, &ctx, Service::Kms, "DisableKey", json!({"KeyId": key_b}));
    ok(
        &mut sim,
        &ctx,
        Service::SecretsManager,
        "CreateSecret",
        json!({"Name": "fuzz-secret", "SecretString": "s3cret", "KmsKeyId": "alias/fuzz"}),
    );
    ok(&mut sim, &ctx, Service::Ssm, "PutParameter", json!({"Name": "/fuzz/plain", "Value": "v1", "Type": "String"}));
    ok(
        &mut sim,
        &ctx,
        Service::Ssm,
        "PutParameter",
        json!({"Name": "/fuzz/secure", "Value": "v2", "Type": "SecureString", "KeyId": "alias/fuzz"}),
    );
    sim.register_rotation_function(
        ROTATION_FN,
        Box::new(|_: &mut Simulator, _: &CallContext, _: &kmsim::secrets::RotationEvent| Ok(())),
    );
    World { sim, ctx, key_a, key_b, blob_a, blob_b }
}

/// The world's snapshot text, computed once.
fn world_snapshot() -> &'static str {
    static SNAPSHOT: OnceLock<String> = OnceLock::new();
    SNAPSHOT.get_or_init(|| world().sim.export_snapshot().expect("export"))
}

/// After any successful change the state must still export, re-import into a
/// fresh simulator byte-identically, and survive the clock moving on.
fn assert_state_healthy(sim: &mut Simulator, what: &str) {
    let exported = sim.export_snapshot().unwrap_or_else(|e| panic!("{what}: export failed: {e:?}"));
    let mut copy = Simulator::seeded("copy");
    copy.import_snapshot(&exported).unwrap_or_else(|e| panic!("{what}: own export does not import: {e:?}\n{exported}"));
    assert_eq!(copy.export_snapshot().expect("re-export"), exported, "{what}: snapshot does not round-trip");
    copy.advance_time(3 * 86_400_000);
    copy.export_snapshot().unwrap_or_else(|e| panic!("{what}: export after time moved failed: {e:?}"));
}

// ---------------------------------------------------------------- KMS ciphertext blobs

const DIRECT_ARN: &str = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000";

fn direct_keys() -> kmsim::kms::crypto::DerivedKeys {
    kmsim::kms::crypto::DerivedKeys::derive(&kmsim::bytes::SecretBytes::new(vec![7; 32]), DIRECT_ARN, 1)
        .expect("derive")
}

/// The canonical encoding of `{"purpose": "fuzz"}`.
fn direct_context() -> Vec<u8> {
    kmsim::kms::crypto::encode_context(&BTreeMap::from([("purpose".to_string(), "fuzz".to_string())]))
}

fn direct_blob() -> Vec<u8> {
    kmsim::kms::crypto::seal(&direct_keys(), PLAINTEXT_A, &direct_context(), &[3; 12]).expect("seal")
}

pub fn kms_blob_seeds() -> Vec<Vec<u8>> {
    let w = world();
    vec![w.blob_a, w.blob_b, direct_blob(), vec![1, 0], Vec::new()]
}

/// `crypto::parse_header` / `open` directly, and `Decrypt` / `ReEncrypt`
/// through the simulator, with `data` as the ciphertext blob.
pub fn kms_blob(data: &[u8]) {
    // The parser alone.
    if let Ok(header) = kmsim::kms::crypto::parse_header(data) {
        assert_eq!(data.first(), Some(&kmsim::kms::crypto::BLOB_FORMAT_V1));
        assert_eq!(data.get(1).map(|n| usize::from(*n)), Some(header.key_arn.len()));
        assert!(
            data.len() >= 2 + header.key_arn.len() + 4 + 12 + 16,
            "header accepted a blob too short for IV and tag"
        );
    }
    match kmsim::kms::crypto::open(&direct_keys(), data, &direct_context()) {
        Ok(pt) => {
            assert_eq!(data, direct_blob().as_slice(), "open accepted a forged blob");
            assert_eq!(pt.expose(), PLAINTEXT_A);
        }
        Err(e) => assert_eq!(e, AwsError::invalid_ciphertext(), "open failed with another error"),
    }

    // Through the simulator.
    let World { mut sim, ctx, key_a, key_b, blob_a, blob_b } = world();
    let before = state_of(&sim);
    let header = kmsim::kms::crypto::parse_header(data).ok().map(|h| h.key_arn.to_string());
    let allowed = [
        ErrorCode::InvalidCiphertextException,
        ErrorCode::NotFoundException,
        ErrorCode::DisabledException,
        ErrorCode::IncorrectKeyException,
        ErrorCode::KMSInvalidStateException,
        ErrorCode::ValidationException,
    ];
    let encoded = B64.encode(data);
    let expect_open = |v: &Value, what: &str| {
        let pt = B64.decode(v["Plaintext"].as_str().expect("plaintext")).expect("base64");
        if data == blob_a.as_slice() {
            assert_eq!(pt, PLAINTEXT_A, "{what}: wrong plaintext");
            assert_eq!(v["KeyId"].as_str(), Some(key_a.as_str()), "{what}: wrong key");
        } else {
            panic!("{what} accepted a blob that was never produced: {data:?}");
        }
    };
    for key_id in [None, Some(key_a.as_str()), Some("alias/fuzz"), Some(key_b.as_str())] {
        let mut request = json!({"CiphertextBlob": encoded, "EncryptionContext": {"purpose": "fuzz"}});
        if let Some(k) = key_id {
            request["KeyId"] = json!(k);
        }
        match sim.call_json(&ctx, Service::Kms, "Decrypt", request) {
            Ok(v) => expect_open(&v, "Decrypt"),
            Err(e) => {
                assert_error_in(&e, &allowed, "Decrypt");
                if header.is_none() && !data.is_empty() && data.len() <= 6144 {
                    assert_eq!(e.code, ErrorCode::InvalidCiphertextException, "unparseable blob: {}", e.message);
                }
                if data == blob_b.as_slice() && key_id.is_none() {
                    assert_eq!(e.code, ErrorCode::DisabledException);
                }
            }
        }
    }
    let request = json!({
        "CiphertextBlob": encoded, "SourceEncryptionContext": {"purpose": "fuzz"},
        "DestinationKeyId": "alias/fuzz", "DestinationEncryptionContext": {"to": "x"},
    });
    match sim.call_json(&ctx, Service::Kms, "ReEncrypt", request) {
        Ok(v) => {
            assert_eq!(data, blob_a.as_slice(), "ReEncrypt accepted a blob that was never produced");
            let again = ok(
                &mut sim,
                &ctx,
                Service::Kms,
                "Decrypt",
                json!({"CiphertextBlob": v["CiphertextBlob"], "EncryptionContext": {"to": "x"}}),
            );
            assert_eq!(B64.decode(again["Plaintext"].as_str().expect("pt")).expect("b64"), PLAINTEXT_A);
        }
        Err(e) => assert_error_in(&e, &allowed, "ReEncrypt"),
    }
    assert_eq!(state_of(&sim), before, "Decrypt/ReEncrypt changed the state");
}

// ---------------------------------------------------------------- envelope messages

const WRAPPING_KEY: [u8; 32] = [0x42; 32];

fn keyring() -> RawAesKeyring {
    RawAesKeyring::new("fuzz-namespace", "fuzz-key", &WRAPPING_KEY).expect("keyring")
}

/// (message, plaintext) pairs: both suites, several frame shapes.
fn envelope_messages() -> &'static [(Vec<u8>, Vec<u8>)] {
    static MESSAGES: OnceLock<Vec<(Vec<u8>, Vec<u8>)>> = OnceLock::new();
    MESSAGES.get_or_init(|| {
        let mut rng = kmsim::rng::SeededRng::new(kmsim::rng::SeededRng::seed_from_text("fuzz-envelope"));
        let context: envelope::EncryptionContext = BTreeMap::from([("purpose".to_string(), "fuzz".to_string())]);
        let cases: [(AlgorithmSuite, u32, &[u8]); 4] = [
            (AlgorithmSuite::AesGcm256HkdfSha512Commit, 16, b"forty bytes of plaintext, in 3 frames.."),
            (AlgorithmSuite::AesGcm256HkdfSha512Commit, 4096, b""),
            (AlgorithmSuite::AesGcm256HkdfSha512CommitEcdsaP384, 8, b"signed, two frames"),
            (AlgorithmSuite::AesGcm256HkdfSha512Commit, 5, b"exactly10!"),
        ];
        cases
            .iter()
            .map(|(suite, frame_length, pt)| {
                let mut k = keyring();
                let options = EncryptOptions { suite: *suite, frame_length: *frame_length, ..Default::default() };
                let message = envelope::encrypt(pt, &context, MaterialsSource::keyring(&mut k), &options, &mut rng)
                    .expect("encrypt");
                (message, pt.to_vec())
            })
            .collect()
    })
}

pub fn envelope_seeds() -> Vec<Vec<u8>> {
    envelope_messages().iter().map(|(m, _)| m.clone()).collect()
}

fn envelope_error(e: &AwsError, what: &str) {
    assert_error_in(e, &[ErrorCode::InvalidCiphertextException, ErrorCode::ValidationException], what);
}

/// One-shot and streaming decryption of `data` with the raw AES keyring.
pub fn envelope(data: &[u8]) {
    let known = envelope_messages().iter().find(|(m, _)| m.as_slice() == data);
    let mut k = keyring();
    let one_shot = envelope::decrypt(
        data,
        MaterialsSource::keyring(&mut k),
        &DecryptOptions { max_encrypted_data_keys: Some(8), ..Default::default() },
    );
    match (&one_shot, known) {
        (Ok(out), Some((_, pt))) => assert_eq!(&out.plaintext, pt, "wrong plaintext"),
        (Ok(_), None) => panic!("decrypt accepted a message that was never produced"),
        (Err(e), Some(_)) => panic!("a valid message failed: {e:?}"),
        (Err(e), None) => envelope_error(e, "decrypt"),
    }
    // Streaming, in uneven chunks: the same verdict and plaintext; nothing
    // after the first error.
    let mut k = keyring();
    let mut d = Decryptor::new(
        MaterialsSource::keyring(&mut k),
        DecryptOptions { max_encrypted_data_keys: Some(8), ..Default::default() },
    );
    let mut released = Vec::new();
    let mut failed = false;
    let mut rest = data;
    let sizes = [1usize, 7, 64, 3, 200, 33];
    let mut i = data.len();
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].min(rest.len());
        i += 1;
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        match d.update(chunk) {
            Ok(pt) => released.extend_from_slice(&pt),
            Err(e) => {
                envelope_error(&e, "update");
                failed = true;
                assert!(d.update(b"").is_err() && d.finish().is_err(), "a failed decryptor recovered");
                break;
            }
        }
    }
    let streamed = if failed {
        None
    } else {
        match d.finish() {
            Ok(pt) => {
                released.extend_from_slice(&pt);
                Some(released.clone())
            }
            Err(e) => {
                envelope_error(&e, "finish");
                None
            }
        }
    };
    match (&one_shot, streamed) {
        (Ok(out), Some(pt)) => assert_eq!(out.plaintext, pt, "streaming and one-shot disagree"),
        (Err(_), None) => {
            // Whatever streaming released must be a prefix of a real plaintext.
            if !released.is_empty() {
                assert!(
                    envelope_messages().iter().any(|(_, pt)| pt.starts_with(&released)),
                    "streaming released plaintext that was never encrypted"
                );
            }
        }
        (a, b) => panic!("one-shot {:?} but streaming {:?}", a.as_ref().map(|_| "ok"), b.map(|_| "ok")),
    }
}

/// The header and context parsers alone: whatever parses re-serializes and re-parses the same.
pub fn envelope_header(data: &[u8]) {
    use kmsim::envelope::format::{context::parse_context, header::parse_header_body, serialize_context};
    if let Ok((header, len)) = parse_header_body(data, Some(16)) {
        assert!(len <= data.len());
        let bytes = header.body_bytes().unwrap_or_else(|e| panic!("parsed header does not serialize: {e:?}"));
        let (again, again_len) = parse_header_body(&bytes, Some(16)).expect("re-serialized header parses");
        assert_eq!(again, header);
        assert_eq!(again_len, bytes.len());
    }
    if let Ok(context) = parse_context(data) {
        let bytes = serialize_context(&context).unwrap_or_else(|e| panic!("parsed context does not serialize: {e:?}"));
        assert_eq!(parse_context(&bytes).expect("re-serialized context parses"), context);
    }
}

// ---------------------------------------------------------------- policies

const ACCOUNT: &str = "111122223333";
const KEY_ARN: &str = "arn:aws:kms:us-east-1:111122223333:key/k1";

pub fn policy_seeds() -> Vec<Vec<u8>> {
    [
        kmsim::policy::default_key_policy_text(ACCOUNT),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["kms:Decrypt","kms:Encrypt"],"Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:tenant":"${aws:username}"},"Bool":{"aws:SecureTransport":"true"}}}]}"#.to_string(),
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"*"},"NotAction":"kms:*","NotResource":"arn:aws:kms:*:*:key/*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","::1/128"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"NumericLessThanEquals":{"kms:GrantConstraintType":"1"},"ForAllValues:StringLike":{"kms:EncryptionContextKeys":["t*"]},"Null":{"aws:PrincipalTag/team":"false"}}}}"#.to_string(),
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/App*"},"StringNotEqualsIfExists":{"kms:ViaService":"ssm.us-east-1.amazonaws.com"}}}]}"#.to_string(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect()
}

fn policy_world_fixture() -> &'static IamWorld {
    static WORLD: OnceLock<IamWorld> = OnceLock::new();
    WORLD.get_or_init(|| {
        load_world(
            r#"{"users":[{"account":"111122223333","name":"alice","tags":{"team":"blue"},"inlinePolicies":{"p":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}}}],
                "roles":[{"account":"111122223333","name":"App"}],
                "sessions":[{"role":"arn:aws:iam::111122223333:role/App","sessionName":"s1"}]}"#,
        )
        .expect("fixture world")
    })
}

const CALLERS: [&str; 4] = [
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/App/s1",
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::444455556666:user/carol",
];

/// `authorize` (explained) and `authorize_fast` must agree on every request.
fn check_authorize(world: &IamWorld, key_policy: Option<&PolicyDocument>, what: &str) {
    let extra = vec![
        ("kms:EncryptionContext:tenant".to_string(), kmsim::policy::ContextValue::String("alice".into())),
        ("kms:EncryptionContextKeys".to_string(), kmsim::policy::ContextValue::StringList(vec!["tenant".into()])),
    ];
    for caller in CALLERS {
        let mut call = CallContext::new(Caller::from_arn(caller).expect("caller"), "us-east-1");
        call.source_ip = Some("10.1.2.3".into());
        for action in ["kms:Decrypt", "kms:CreateGrant", "secretsmanager:GetSecretValue"] {
            for kind in [ResourceKind::KmsKey, ResourceKind::Secret] {
                let request = AuthorizationRequest {
                    call: &call,
                    action,
                    resource_arn: KEY_ARN,
                    resource_account: ACCOUNT,
                    resource_kind: kind,
                    resource_policy: key_policy,
                    resource_tags: &[],
                    grants: &[],
                    grant_tokens: &[],
                    extra_context: &extra,
                    now: Timestamp::DEFAULT_START,
                };
                let full = authorize(world, &request);
                let fast = authorize_fast(world, &request);
                assert_eq!(
                    full.outcome, fast,
                    "{what}: authorize and authorize_fast disagree for {caller} {action} {kind:?}"
                );
                if !full.is_allowed() {
                    let e = full.access_denied_error(&request);
                    assert_eq!(e.code, ErrorCode::AccessDeniedException);
                }
            }
        }
    }
}

/// `PolicyDocument::parse`, `validate` for every kind, and `authorize` with
/// the document as resource policy.
pub fn policy(data: &[u8]) {
    let text = text(data);
    let parsed = PolicyDocument::parse(&text);
    let json_ok = serde_json::from_str::<Value>(&text).is_ok();
    for kind in [
        PolicyKind::Identity,
        PolicyKind::Resource,
        PolicyKind::KeyPolicy,
        PolicyKind::ServiceControl,
        PolicyKind::ResourceControl,
        PolicyKind::PermissionsBoundary,
    ] {
        let diagnostics = kmsim::policy::validate(&text, kind);
        if !json_ok {
            assert!(
                diagnostics.iter().any(|d| d.severity == kmsim::policy::Severity::Error),
                "invalid JSON validated clean"
            );
        }
    }
    match parsed {
        Ok(doc) => {
            assert!(json_ok);
            assert_eq!(doc.text(), text, "parse changed the text");
            // Serializes as its text; deserializes back to the same parse.
            let value = serde_json::to_value(&doc).expect("serialize");
            assert_eq!(value, Value::String(text.clone()));
            let back: PolicyDocument = serde_json::from_value(value).expect("a parsed policy's text parses again");
            assert_eq!(back.text(), doc.text());
            assert_eq!(back.statements().len(), doc.statements().len());
            assert_eq!(back.context_keys(), doc.context_keys());
            check_authorize(policy_world_fixture(), Some(&doc), "resource policy");
        }
        Err(e) => assert_eq!(e.code, ErrorCode::MalformedPolicyDocumentException, "{}", e.message),
    }
}

pub fn policy_world_seeds() -> Vec<Vec<u8>> {
    vec![
        br#"{"users":[{"account":"111122223333","name":"alice","tags":{"team":"blue"},"groups":["devs"],"inlinePolicies":{"p":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}},"permissionsBoundary":"arn:aws:iam::111122223333:policy/B"}],
            "groups":[{"account":"111122223333","name":"devs","inlinePolicies":{"g":{"Statement":[{"Effect":"Deny","Action":"kms:CreateGrant","Resource":"*"}]}}}],
            "policies":[{"account":"111122223333","name":"B","document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}],
            "roles":[{"account":"111122223333","name":"App","trustPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}}],
            "sessions":[{"role":"arn:aws:iam::111122223333:role/App","sessionName":"s1","tags":{"team":"red"}}]}"#
            .to_vec(),
        br#"{"users":[],"roles":[]}"#.to_vec(),
        b"{}".to_vec(),
    ]
}

/// `load_world`: whatever loads round-trips through serde and authorizes consistently.
pub fn policy_world(data: &[u8]) {
    let text = text(data);
    match load_world(&text) {
        Ok(world) => {
            let value = serde_json::to_value(&world).expect("world serializes");
            let back: IamWorld =
                serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("world does not re-load: {e}"));
            assert_eq!(serde_json::to_value(&back).expect("again"), value, "world does not round-trip");
            let key_policy =
                PolicyDocument::parse(&kmsim::policy::default_key_policy_text(ACCOUNT)).expect("default policy");
            check_authorize(&world, Some(&key_policy), "loaded world");
        }
        Err(e) => assert!(
            matches!(
                e.code,
                ErrorCode::MalformedPolicyDocumentException | ErrorCode::ValidationException | ErrorCode::InvalidInput
            ),
            "load_world: {:?} {}",
            e.code,
            e.message
        ),
    }
}

// ---------------------------------------------------------------- the wire layer

/// Request encoding: byte 0 = flags (bit 0: strict auth), then
/// `METHOD PATH\nName: value\n…\n\nBODY`.
pub fn encode_request(strict: bool, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = vec![u8::from(strict)];
    out.extend_from_slice(format!("{method} {path}\n").as_bytes());
    for (n, v) in headers {
        out.extend_from_slice(format!("{n}: {v}\n").as_bytes());
    }
    out.push(b'\n');
    out.extend_from_slice(body);
    out
}

fn decode_request(data: &[u8]) -> (bool, HttpRequest) {
    let (flags, rest) = data.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
    let split = rest.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (rest, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n');
    let first = lines.next().unwrap_or_default();
    let (method, path) = first.split_once(' ').unwrap_or((first, "/"));
    let mut request = HttpRequest::new(method, path).with_body(body.to_vec());
    for line in lines {
        let (n, v) = line.split_once(':').unwrap_or((line, ""));
        request.headers.push((n.to_string(), v.trim_start().to_string()));
    }
    (flags & 1 == 1, request)
}

const SIGNED: &str = "AWS4-HMAC-SHA256 Credential=AKIAFUZZ/20250101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000";

pub fn protocol_seeds() -> Vec<Vec<u8>> {
    let json = "application/x-amz-json-1.1";
    let form = "application/x-www-form-urlencoded";
    vec![
        encode_request(false, "POST", "/", &[("X-Amz-Target", "TrentService.CreateKey"), ("Content-Type", json)], b"{\"Description\":\"d\"}"),
        encode_request(false, "POST", "/", &[("X-Amz-Target", "TrentService.Encrypt"), ("Content-Type", json), ("Authorization", SIGNED), ("X-Amz-Date", "20250101T000000Z")], b"{\"KeyId\":\"alias/fuzz\",\"Plaintext\":\"aGk=\"}"),
        encode_request(true, "POST", "/", &[("X-Amz-Target", "TrentService.ListKeys"), ("Authorization", SIGNED), ("Host", "kms.us-east-1.amazonaws.com")], b"{}"),
        encode_request(false, "POST", "/", &[("X-Amz-Target", "secretsmanager.GetSecretValue"), ("Content-Type", json)], b"{\"SecretId\":\"fuzz-secret\"}"),
        encode_request(false, "POST", "/", &[("X-Amz-Target", "AmazonSSM.GetParameter"), ("Content-Type", json)], b"{\"Name\":\"/fuzz/secure\",\"WithDecryption\":true}"),
        encode_request(false, "POST", "/", &[("Host", "iam.amazonaws.com"), ("Content-Type", form)], b"Action=CreateUser&Version=2010-05-08&UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=x"),
        encode_request(false, "POST", "/", &[("Host", "sts.amazonaws.com"), ("Content-Type", form)], b"Action=GetCallerIdentity&Version=2011-06-15"),
        encode_request(false, "GET", "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Credential=AKIA%2F20250101%2Fus-east-1%2Fsts%2Faws4_request", &[], b""),
        encode_request(false, "GET", "/_kmsim/health", &[], b""),
        encode_request(false, "POST", "/_kmsim/clock", &[], b"{\"advanceDays\":1}"),
        encode_request(false, "GET", "/_kmsim/audit?maxResults=2&eventName=Encrypt", &[], b""),
        encode_request(false, "GET", "/_kmsim/snapshot", &[], b""),
        encode_request(false, "POST", "/_kmsim/snapshot", &[], b"{\"format\":\"kmsim-snapshot\",\"version\":1}"),
        encode_request(false, "POST", "/_kmsim/reset", &[], b"{\"seed\":\"x\"}"),
    ]
}

fn xml_well_formed(body: &str) -> bool {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = body.trim();
    if let Some(r) = rest.strip_prefix("<?xml") {
        match r.find("?>") {
            Some(i) => rest = &r[i + 2..],
            None => return false,
        }
    }
    let mut seen_root = false;
    while let Some(open) = rest.find('<') {
        if stack.is_empty() && seen_root && !rest[..open].trim().is_empty() {
            return false;
        }
        let Some(close) = rest[open..].find('>') else { return false };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop() != Some(name.trim()) {
                return false;
            }
        } else if !tag.ends_with('/') {
            if stack.is_empty() && seen_root {
                return false;
            }
            stack.push(tag.split_whitespace().next().unwrap_or_default());
            seen_root = true;
        }
        // Text between tags must have its markup escaped.
        if let Some(next) = rest.find('<') {
            if rest[..next].contains('>') {
                return false;
            }
        }
    }
    stack.is_empty() && seen_root
}

fn check_response(response: &HttpResponse, what: &str) {
    assert!((100..600).contains(&response.status), "{what}: status {}", response.status);
    assert_eq!(
        response.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("x-amzn-RequestId")).count(),
        1,
        "{what}: request id header"
    );
    let content_type =
        response.header("content-type").unwrap_or_else(|| panic!("{what}: no Content-Type")).to_ascii_lowercase();
    if response.status >= 400 {
        let body = std::str::from_utf8(&response.body).unwrap_or_else(|_| panic!("{what}: error body is not UTF-8"));
        if content_type.contains("json") {
            let v: Value =
                serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: error body is not JSON ({e}): {body}"));
            assert!(v.is_object(), "{what}: error body is not an object: {body}");
            if let (Some(t), Some(h)) = (v.get("__type").and_then(Value::as_str), response.header("x-amzn-ErrorType")) {
                assert!(h.starts_with(t), "{what}: x-amzn-ErrorType {h} vs __type {t}");
            }
        } else if content_type.contains("xml") {
            assert!(xml_well_formed(body), "{what}: error body is not well-formed XML: {body}");
            assert!(body.contains("<Code>"), "{what}: XML error without a Code: {body}");
        } else {
            panic!("{what}: error with Content-Type {content_type}");
        }
    } else if content_type.contains("json") && !response.body.is_empty() {
        serde_json::from_slice::<Value>(&response.body)
            .unwrap_or_else(|e| panic!("{what}: JSON body does not parse: {e}"));
    } else if content_type.contains("xml") {
        assert!(xml_well_formed(&String::from_utf8_lossy(&response.body)), "{what}: XML body is not well-formed");
    }
}

/// `protocol::handle`: always a well-formed response; a refused request changes nothing.
pub fn protocol(data: &[u8]) {
    let (strict, request) = decode_request(data);
    let World { mut sim, .. } = world();
    let options = ProtocolOptions { strict_auth: strict, max_body_bytes: 4096, ..Default::default() };
    let before = state_of(&sim);
    let response = handle(&mut sim, &request, &options);
    check_response(&response, "handle");
    if response.status >= 400 {
        assert_eq!(state_of(&sim), before, "a refused request changed the state: {}", response.body_text());
    }
}

// ---------------------------------------------------------------- snapshots

pub fn snapshot_seeds() -> Vec<Vec<u8>> {
    let full = world_snapshot().to_string();
    let empty = Simulator::seeded("empty").export_snapshot().expect("export");
    vec![full.into_bytes(), empty.into_bytes()]
}

/// `import_snapshot`: a rejected snapshot leaves the state byte-identical; an
/// accepted one is a working, re-exportable state.
pub fn snapshot(data: &[u8]) {
    let text = text(data);
    let World { mut sim, ctx, .. } = world();
    let before = sim.export_snapshot().expect("export");
    match sim.import_snapshot(&text) {
        Err(e) => {
            assert_eq!(e.code, ErrorCode::ValidationException, "{}", e.message);
            assert_eq!(sim.export_snapshot().expect("export"), before, "a rejected import changed the state");
        }
        Ok(()) => {
            let _ = sim.call_json(&ctx, Service::Kms, "ListKeys", json!({}));
            let _ =
                sim.call_json(&ctx, Service::Kms, "Decrypt", json!({"CiphertextBlob": B64.encode(b"\x01\x00xxxx")}));
            let _ = sim.call_json(&ctx, Service::SecretsManager, "ListSecrets", json!({}));
            let _ = sim.call_json(&ctx, Service::SecretsManager, "GetSecretValue", json!({"SecretId": "fuzz-secret"}));
            let _ = sim.call_json(
                &ctx,
                Service::Ssm,
                "GetParametersByPath",
                json!({"Path": "/", "Recursive": true, "WithDecryption": true}),
            );
            let _ = sim.call_json(&ctx, Service::Ssm, "DescribeParameters", json!({}));
            assert_state_healthy(&mut sim, "imported snapshot");
        }
    }
}

// ---------------------------------------------------------------- every operation's JSON

fn all_operations() -> Vec<(Service, &'static str)> {
    let mut ops = Vec::new();
    ops.extend(kmsim::kms::OPERATIONS.iter().map(|o| (Service::Kms, *o)));
    ops.extend(kmsim::secrets::OPERATIONS.iter().map(|o| (Service::SecretsManager, *o)));
    ops.extend(kmsim::params::OPERATIONS.iter().map(|o| (Service::Ssm, *o)));
    ops
}

fn service_name(s: Service) -> &'static str {
    match s {
        Service::Kms => "kms",
        Service::SecretsManager => "secretsmanager",
        Service::Ssm => "ssm",
        Service::Iam => "iam",
        Service::Sts => "sts",
    }
}

/// Input: `service:Operation\n` then the JSON request (or any bytes).
pub fn json_ops_seeds() -> Vec<Vec<u8>> {
    let w = world();
    let kitchen_sink = json!({
        "KeyId": "alias/fuzz", "TargetKeyId": w.key_a, "AliasName": "alias/fuzz2", "Description": "d",
        "Plaintext": B64.encode(b"hi"), "CiphertextBlob": B64.encode(&w.blob_a), "EncryptionContext": {"purpose": "fuzz"},
        "KeySpec": "AES_256", "NumberOfBytes": 32, "PendingWindowInDays": 7, "GranteePrincipal": "arn:aws:iam::111122223333:user/alice",
        "Operations": ["Decrypt"], "Policy": kmsim::policy::default_key_policy_text(ACCOUNT), "PolicyName": "default",
        "Tags": [{"TagKey": "a", "TagValue": "b"}], "TagKeys": ["a"], "Limit": 5,
        "SecretId": "fuzz-secret", "Name": "/fuzz/plain", "SecretString": "v", "Value": "v3", "Type": "String", "Overwrite": true,
        "Names": ["/fuzz/plain", "/fuzz/secure"], "Path": "/fuzz", "Recursive": true, "WithDecryption": true,
        "RotationLambdaARN": ROTATION_FN, "RotationRules": {"ScheduleExpression": "rate(10 days)"}, "RotateImmediately": false,
        "ResourcePolicy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}", "MaxResults": 3, "VersionStage": "AWSCURRENT",
        "AllowedPattern": "^v.*$", "Labels": ["l1"], "ParameterVersion": 1,
    });
    let mut seeds = Vec::new();
    for (service, op) in all_operations() {
        for body in [kitchen_sink.clone(), json!({})] {
            seeds.push(format!("{}:{op}\n{body}", service_name(service)).into_bytes());
        }
    }
    seeds.push(b"kms:Encrypt\n{\"KeyId\":\"alias/fuzz\",\"Plaintext\":\"\"}".to_vec());
    seeds.push(b"kms:CreateGrant\n{\"KeyId\":\"alias/fuzz\",\"GranteePrincipal\":\"arn:aws:iam::111122223333:role/App\",\"Operations\":[\"Decrypt\",\"Encrypt\"],\"Constraints\":{\"EncryptionContextSubset\":{\"a\":\"b\"}}}".to_vec());
    seeds.push(b"ssm:PutParameter\n{\"Name\":\"/a/b\",\"Value\":\"x\",\"Type\":\"StringList\",\"Tier\":\"Advanced\",\"Policies\":\"[{\\\"Type\\\":\\\"Expiration\\\",\\\"Version\\\":\\\"1.0\\\",\\\"Attributes\\\":{\\\"Timestamp\\\":\\\"2025-01-02T00:00:00Z\\\"}}]\"}".to_vec());
    seeds.push(b"secretsmanager:CreateSecret\n{\"Name\":\"n\",\"SecretBinary\":\"AAEC\",\"AddReplicaRegions\":[{\"Region\":\"eu-west-1\"}]}".to_vec());
    seeds
}

/// `call_json` for every operation of every service: a failure is AWS-named
/// and changes no state; a success leaves a healthy, snapshot-able state.
pub fn json_ops(data: &[u8]) {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let head = text(&data[..split]);
    let body = data.get(split + 1..).unwrap_or_default();
    let (service, op) = head.split_once(':').unwrap_or(("kms", head.as_str()));
    let service = match service {
        "secretsmanager" => Service::SecretsManager,
        "ssm" => Service::Ssm,
        "iam" => Service::Iam,
        "sts" => Service::Sts,
        _ => Service::Kms,
    };
    let input = serde_json::from_slice::<Value>(body).unwrap_or_else(|_| Value::String(text(body)));
    let World { mut sim, ctx, .. } = world();
    let before = state_of(&sim);
    match sim.call_json(&ctx, service, op, input) {
        Err(e) => {
            assert!((400..600).contains(&e.http_status()), "{op}: status {}", e.http_status());
            assert!(!e.name().is_empty());
            assert_eq!(state_of(&sim), before, "{op} failed ({:?}: {}) but changed the state", e.code, e.message);
        }
        Ok(v) => {
            assert!(v.is_object(), "{op}: response is not an object: {v}");
            assert_state_healthy(&mut sim, op);
        }
    }
}

// ---------------------------------------------------------------- timestamps

pub fn timestamp_seeds() -> Vec<Vec<u8>> {
    [
        "2025-01-01T00:00:00Z",
        "2024-02-29T23:59:60.999+00:00",
        "1970-01-01",
        "9999-12-31t23:59:59.1234z",
        "0000-01-01 00:00",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// `Timestamp::parse_iso8601`: whatever parses prints and re-parses to the same instant.
pub fn timestamp(data: &[u8]) {
    let text = text(data);
    if let Some(t) = Timestamp::parse_iso8601(&text) {
        let printed = t.to_iso8601_millis();
        assert_eq!(Timestamp::parse_iso8601(&printed), Some(t), "{text:?} -> {printed} does not re-parse");
        let seconds = Timestamp::parse_iso8601(&t.to_iso8601()).expect("seconds form parses");
        assert_eq!(seconds.millis(), t.millis().div_euclid(1000) * 1000);
    }
}

// ---------------------------------------------------------------- rotation schedules

pub fn rotation_schedule_seeds() -> Vec<Vec<u8>> {
    [
        "rate(10 days)",
        "rate(4 hours)\n2h",
        "cron(0 16 1,15 * ? *)",
        "cron(0 8-10/2 ? JAN-MAR MON#2 2025-2030)\n4h",
        "cron(5/10 * L * ? *)",
        "cron(0 0 29 FEB ? *)",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// `RotateSecret` with `ScheduleExpression` (and `Duration` after a newline):
/// rejected → `InvalidParameterException` (or `ValidationException` for a
/// `Duration` outside its 2–3 character length) and no change; accepted → the
/// schedule runs as the clock moves.
pub fn rotation_schedule(data: &[u8]) {
    let text = text(data);
    let (expression, duration) = match text.split_once('\n') {
        Some((e, d)) => (e.to_string(), Some(d.to_string())),
        None => (text.clone(), None),
    };
    let World { mut sim, ctx, .. } = world();
    let before = state_of(&sim);
    let mut rules = json!({"ScheduleExpression": expression});
    if let Some(d) = duration {
        rules["Duration"] = json!(d);
    }
    let request = json!({"SecretId": "fuzz-secret", "RotationLambdaARN": ROTATION_FN, "RotationRules": rules, "RotateImmediately": false});
    match sim.call_json(&ctx, Service::SecretsManager, "RotateSecret", request) {
        Err(e) => {
            assert_error_in(
                &e,
                &[
                    ErrorCode::InvalidParameterException,
                    ErrorCode::InvalidRequestException,
                    ErrorCode::ValidationException,
                ],
                "RotateSecret",
            );
            assert_eq!(state_of(&sim), before, "a rejected schedule changed the state");
        }
        Ok(_) => {
            let described =
                ok(&mut sim, &ctx, Service::SecretsManager, "DescribeSecret", json!({"SecretId": "fuzz-secret"}));
            assert_eq!(described["RotationEnabled"], json!(true));
            sim.advance_time(86_400_000);
            assert_state_healthy(&mut sim, "rotation schedule");
        }
    }
}

// ---------------------------------------------------------------- AllowedPattern

pub fn allowed_pattern_seeds() -> Vec<Vec<u8>> {
    [
        r"^\d+$\n12345",
        "^[a-z]{3,5}$\nabcd",
        "^(dev|prod)-[0-9]+$\nprod-12",
        r"^[^\s]+$\nno-spaces",
        "(?:a|b)*c?{2,}\naab",
        "^.*$\n",
    ]
    .iter()
    .map(|s| s.replace("\\n", "\n").into_bytes())
    .collect()
}

/// `Pattern::compile` / `is_match` directly, and `PutParameter` with that
/// `AllowedPattern`: it succeeds exactly when the pattern compiles and matches.
pub fn allowed_pattern(data: &[u8]) {
    use kmsim::params::pattern::Pattern;
    let text = text(data);
    let (pattern, value) = text.split_once('\n').unwrap_or((text.as_str(), "v"));
    let compiled = Pattern::compile(pattern);
    let matches = match &compiled {
        Ok(p) => Some(p.is_match(value)),
        Err(e) => {
            assert_eq!(e.code, ErrorCode::InvalidAllowedPatternException);
            None
        }
    };
    // A literal, anchored, matches itself and nothing longer.
    if !value.is_empty() && value.len() < 64 && value.chars().all(|c| c.is_ascii_alphanumeric()) {
        let p = Pattern::compile(&format!("^{value}$")).expect("literal compiles");
        assert!(p.is_match(value) && !p.is_match(&format!("{value}x")), "literal {value}");
    }
    let World { mut sim, ctx, .. } = world();
    let before = state_of(&sim);
    let request = json!({"Name": "/fuzz/pattern", "Value": value, "Type": "String", "AllowedPattern": pattern});
    match sim.call_json(&ctx, Service::Ssm, "PutParameter", request) {
        Ok(_) => {
            assert_eq!(matches, Some(true), "PutParameter accepted {value:?} against {pattern:?}");
            assert_state_healthy(&mut sim, "PutParameter");
        }
        Err(e) => {
            assert_eq!(state_of(&sim), before, "a rejected PutParameter changed the state");
            if e.code == ErrorCode::InvalidAllowedPatternException {
                assert!(matches.is_none(), "{pattern:?} compiles but PutParameter said invalid");
            }
            if e.code == ErrorCode::ParameterPatternMismatchException {
                assert_eq!(matches, Some(false), "{value:?} matches {pattern:?} but PutParameter said no");
            }
        }
    }
}
