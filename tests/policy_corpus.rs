//! Runs every scenario in `tests/policy-corpus/*.json` and prints a clear
//! diff for each mismatch.
//!
//! A corpus file is a JSON array of scenarios:
//! `{ "name", "doc", "world": <world document>, "request": {…}, "expect": "Allow" | "ExplicitDeny" | "ImplicitDeny",
//!    "decidedBy"?: "<policyType>", "types"?: { "<policyType>": "<TypeOutcome>" } }`
//! or, for STS, `"assumeRole": {"caller", "role", "sessionName", "sessionPolicy"?, "sessionTags"?}` instead of
//! `request`, with `expect` = `Allow` (a session is issued) or `Deny`.

// Test and bench code may stop at the first broken invariant.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kmsim::clock::Timestamp;
use kmsim::policy::world_doc::load_world_value;
use kmsim::policy::{
    authorize, authorize_fast, AuthorizationRequest, ContextValue, GrantView, PolicyDocument, ResourceKind, Tag,
};
use kmsim::world::{CallContext, Caller};
use serde_json::Value;
use std::path::Path;

fn context_value(v: &Value) -> ContextValue {
    match v {
        Value::Bool(b) => ContextValue::Bool(*b),
        Value::Number(n) => ContextValue::Number(n.as_f64().unwrap_or(0.0)),
        Value::Array(items) => ContextValue::StringList(
            items.iter().map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string())).collect(),
        ),
        Value::String(s) => ContextValue::String(s.clone()),
        other => ContextValue::String(other.to_string()),
    }
}

fn kind_of(resource: &str, explicit: Option<&str>) -> ResourceKind {
    match explicit {
        Some("kmsKey") => return ResourceKind::KmsKey,
        Some("secret") => return ResourceKind::Secret,
        Some("parameter") => return ResourceKind::Parameter,
        Some("role") => return ResourceKind::Role,
        Some("other") => return ResourceKind::Other,
        _ => {}
    }
    match resource.split(':').nth(2) {
        Some("kms") => ResourceKind::KmsKey,
        Some("secretsmanager") => ResourceKind::Secret,
        Some("ssm") => ResourceKind::Parameter,
        _ => ResourceKind::Other,
    }
}

fn call_context(r: &Value) -> CallContext {
    let caller_arn = r["caller"].as_str().unwrap_or("arn:aws:iam::111122223333:root");
    let mut caller = Caller::from_arn(caller_arn).unwrap_or_else(|| Caller {
        arn: caller_arn.to_string(),
        account: String::new(),
        access_key_id: None,
    });
    caller.access_key_id = r["accessKeyId"].as_str().map(str::to_string);
    let mut call = CallContext::new(caller, r["region"].as_str().unwrap_or("us-east-1"));
    call.source_ip = r["sourceIp"].as_str().map(str::to_string);
    call.secure_transport = r["secureTransport"].as_bool().unwrap_or(true);
    call.mfa_present = r["mfa"].as_bool();
    if let Some(via) = r["viaService"].as_str() {
        call = call.via(via);
    }
    call
}

fn now_of(r: &Value) -> Timestamp {
    r["now"].as_str().and_then(Timestamp::parse_iso8601).unwrap_or(Timestamp::DEFAULT_START)
}

/// Runs one scenario; returns a diff on mismatch.
fn run(scenario: &Value) -> Result<(), String> {
    let mut world = load_world_value(scenario["world"].clone()).map_err(|e| format!("world: {e}"))?;
    let expect = scenario["expect"].as_str().unwrap_or("?");
    if let Some(a) = scenario.get("assumeRole") {
        let call = call_context(a);
        let tags: Vec<Tag> = a["sessionTags"]
            .as_object()
            .map(|m| {
                m.iter().map(|(k, v)| Tag { key: k.clone(), value: v.as_str().unwrap_or("").to_string() }).collect()
            })
            .unwrap_or_default();
        let policy = a.get("sessionPolicy").filter(|p| !p.is_null()).map(|p| {
            if let Value::String(s) = p {
                s.clone()
            } else {
                p.to_string()
            }
        });
        let result = world.assume_role(
            &call,
            a["role"].as_str().unwrap_or(""),
            a["sessionName"].as_str().unwrap_or("session"),
            policy.as_deref(),
            &tags,
            a["durationSeconds"].as_u64().map(|d| d as u32),
            now_of(a),
        );
        let got = if result.is_ok() { "Allow" } else { "Deny" };
        return if got == expect {
            Ok(())
        } else {
            Err(format!("assumeRole: expected {expect}, got {got} ({result:?})"))
        };
    }
    let r = &scenario["request"];
    let call = call_context(r);
    let resource = r["resource"].as_str().unwrap_or("*");
    let resource_account = r["resourceAccount"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| resource.split(':').nth(4).unwrap_or("").to_string());
    let policy = match r.get("resourcePolicy") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(PolicyDocument::parse(s).map_err(|e| format!("resource policy: {e}"))?),
        Some(v) => Some(PolicyDocument::parse(&v.to_string()).map_err(|e| format!("resource policy: {e}"))?),
    };
    let tags: Vec<(String, String)> = r["resourceTags"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default();
    let grants: Vec<GrantView> = match r.get("grants") {
        Some(g) => serde_json::from_value(g.clone()).map_err(|e| format!("grants: {e}"))?,
        None => Vec::new(),
    };
    let tokens: Vec<String> = r["grantTokens"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let extra: Vec<(String, ContextValue)> = r["context"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), context_value(v))).collect())
        .unwrap_or_default();
    let request = AuthorizationRequest {
        call: &call,
        action: r["action"].as_str().unwrap_or(""),
        resource_arn: resource,
        resource_account: &resource_account,
        resource_kind: kind_of(resource, r["resourceKind"].as_str()),
        resource_policy: policy.as_ref(),
        resource_tags: &tags,
        grants: &grants,
        grant_tokens: &tokens,
        extra_context: &extra,
        now: now_of(r),
    };
    let decision = authorize(&world, &request);
    let fast = authorize_fast(&world, &request);
    let json = serde_json::to_value(&decision).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    let got = json["outcome"].as_str().unwrap_or("?");
    if got != expect {
        problems.push(format!("outcome: expected {expect}, got {got}"));
    }
    if fast != decision.outcome {
        problems.push(format!("authorize_fast disagrees: {fast:?} vs {:?}", decision.outcome));
    }
    if let Some(by) = scenario["decidedBy"].as_str() {
        if json["decidedBy"].as_str() != Some(by) {
            problems.push(format!("decidedBy: expected {by}, got {}", json["decidedBy"]));
        }
    }
    if let Some(types) = scenario["types"].as_object() {
        for (t, want) in types {
            let got = json["policies"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["policyType"] == *t))
                .map(|p| p["outcome"].as_str().unwrap_or("?").to_string())
                .unwrap_or_else(|| "NotApplicable".to_string());
            if Some(got.as_str()) != want.as_str() {
                problems.push(format!("{t}: expected {want}, got {got}"));
            }
        }
    }
    if let Some(message) = scenario["message"].as_str() {
        let text = decision.access_denied_error(&request).message;
        if !text.contains(message) {
            problems.push(format!("message: expected to contain {message:?}, got {text:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n    reason: {}\n    path: {}",
            problems.join("\n    "),
            decision.reason,
            decision.path.iter().map(|s| format!("{:?}={}", s.node, s.answer)).collect::<Vec<_>>().join(" → ")
        ))
    }
}

#[test]
fn policy_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/policy-corpus");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("corpus dir").filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    let (mut total, mut failures) = (0usize, Vec::new());
    let mut names = std::collections::HashSet::new();
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "json")) {
        let text = std::fs::read_to_string(file).expect("read corpus file");
        let scenarios: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for scenario in &scenarios {
            total += 1;
            let name = scenario["name"].as_str().unwrap_or("<unnamed>").to_string();
            assert!(names.insert(name.clone()), "duplicate scenario name {name}");
            assert!(scenario["doc"].as_str().is_some_and(|d| !d.is_empty()), "{name}: missing doc");
            if let Err(diff) = run(scenario) {
                failures.push(format!(
                    "✗ {} [{}]\n    {diff}",
                    name,
                    file.file_name().and_then(|f| f.to_str()).unwrap_or("")
                ));
            }
        }
    }
    println!("policy corpus: {} scenarios, {} failed", total, failures.len());
    assert!(total >= 200, "the corpus must hold at least 200 scenarios, found {total}");
    assert!(failures.is_empty(), "\n{}\n{} of {total} scenarios failed", failures.join("\n"), failures.len());
}

/// Exports every request scenario, resolved into plain policy lists and
/// string context values, for the differential harness in
/// `tests/differential/policy/run.mjs`. Runs only when
/// `KMSIM_POLICY_EXPORT=<file>` is set.
#[test]
fn export_for_differential() {
    use kmsim::policy::builder::build_request_context;
    use kmsim::policy::OrgPolicyKind;
    let Ok(target) = std::env::var("KMSIM_POLICY_EXPORT") else { return };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/policy-corpus");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("corpus dir").filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    let mut out = Vec::new();
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "json")) {
        let scenarios: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("json");
        for s in scenarios.iter().filter(|s| s.get("request").is_some()) {
            let world = load_world_value(s["world"].clone()).expect("world");
            let r = &s["request"];
            let call = call_context(r);
            let resource = r["resource"].as_str().unwrap_or("*");
            let resource_account = resource.split(':').nth(4).unwrap_or("").to_string();
            let kind = kind_of(resource, r["resourceKind"].as_str());
            let tags: Vec<(String, String)> = r["resourceTags"]
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
                .unwrap_or_default();
            let extra: Vec<(String, ContextValue)> = r["context"]
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), context_value(v))).collect())
                .unwrap_or_default();
            let request = AuthorizationRequest {
                call: &call,
                action: r["action"].as_str().unwrap_or(""),
                resource_arn: resource,
                resource_account: &resource_account,
                resource_kind: kind,
                resource_policy: None,
                resource_tags: &tags,
                grants: &[],
                grant_tokens: &[],
                extra_context: &extra,
                now: now_of(r),
            };
            let principal = world.resolve_principal(&call.caller, request.now);
            let ctx = build_request_context(&world, &request, &principal);
            let mut context = serde_json::Map::new();
            for (k, v) in ctx.entries() {
                let text = match v {
                    ContextValue::StringList(items) => json_list(items),
                    ContextValue::Bool(b) => Value::String(b.to_string()),
                    ContextValue::Number(n) => Value::String(kmsim::policy::context::format_number(*n)),
                    ContextValue::Date(t) => Value::String(t.to_iso8601()),
                    ContextValue::String(x) | ContextValue::Ip(x) | ContextValue::Binary(x) => Value::String(x.clone()),
                };
                context.insert(k.to_string(), text);
            }
            let policy_json = |d: &PolicyDocument| serde_json::from_str::<Value>(d.text()).unwrap_or(Value::Null);
            let org_levels = |account: &str, kind: OrgPolicyKind| -> Value {
                let Some(org) = &world.organization else { return Value::Array(vec![]) };
                if account == org.management_account {
                    return Value::Array(vec![]);
                }
                let Some(levels) = org.levels(account) else { return Value::Array(vec![]) };
                Value::Array(
                    levels
                        .iter()
                        .map(|level| {
                            let policies: Vec<Value> = org
                                .attached(level, kind)
                                .filter(|p| p.name != "RCPFullAWSAccess")
                                .map(|p| serde_json::json!({"name": p.name, "policy": policy_json(&p.document)}))
                                .collect();
                            serde_json::json!({"orgIdentifier": level, "policies": policies})
                        })
                        .collect(),
                )
            };
            out.push(serde_json::json!({
                "name": s["name"],
                "doc": s["doc"],
                "expect": s["expect"],
                "principal": call.caller.arn,
                "principalKnown": principal.known,
                "action": request.action,
                "resource": resource,
                "resourceAccount": resource_account,
                "kmsKey": kind == ResourceKind::KmsKey,
                "hasGrants": r.get("grants").is_some_and(|g| g.as_array().is_some_and(|a| !a.is_empty())),
                "resourcePolicy": r.get("resourcePolicy").cloned().unwrap_or(Value::Null),
                "identityPolicies": principal.identity_policies.iter().map(|p| serde_json::json!({"name": p.name, "policy": policy_json(p.document)})).collect::<Vec<_>>(),
                "permissionBoundaryPolicies": principal.boundary.iter().map(|p| serde_json::json!({"name": p.name, "policy": policy_json(p.document)})).collect::<Vec<_>>(),
                "sessionPolicy": principal.session_policies.first().map(|p| policy_json(p.document)),
                "serviceControlPolicies": org_levels(&call.caller.account, OrgPolicyKind::ServiceControl),
                "resourceControlPolicies": if kind == ResourceKind::Parameter { Value::Array(vec![]) } else { org_levels(&resource_account, OrgPolicyKind::ResourceControl) },
                "context": context,
            }));
        }
    }
    std::fs::write(&target, serde_json::to_string_pretty(&out).expect("json")).expect("write export");
    println!("exported {} scenarios to {target}", out.len());
}

fn json_list(items: &[String]) -> Value {
    Value::Array(items.iter().map(|i| Value::String(i.clone())).collect())
}
