//! The policy document model and its parser.
//!
//! A policy is parsed once into typed statements with pre-lowercased actions,
//! compiled wildcard patterns and pre-converted condition values; requests
//! never touch the JSON again. [`PolicyDocument`] is an `Arc` inside, so the
//! KMS layer can store it with a key and clone it for free.

use super::conditions::Condition;
use super::matching::{ArnPattern, Glob};
use super::variables::Template;
use crate::error::{AwsError, ErrorCode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::sync::Arc;

/// The policy language version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PolicyVersion {
    /// `2012-10-17`: policy variables are substituted.
    #[serde(rename = "2012-10-17")]
    V2012,
    /// `2008-10-17`, or no `Version` at all: `${…}` is literal text.
    #[serde(rename = "2008-10-17")]
    V2008,
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Denies, overriding every allow.
    Deny,
}

/// The kind of a principal entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrincipalKind {
    /// `"AWS"`: accounts, users, roles, sessions.
    #[serde(rename = "AWS")]
    Aws,
    /// `"Service"`: AWS service principals.
    Service,
    /// `"Federated"`: identity providers.
    Federated,
    /// `"CanonicalUser"`: S3 canonical ids.
    CanonicalUser,
}

impl PrincipalKind {
    /// The element key as written in JSON.
    pub fn key(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

/// `Principal` or `NotPrincipal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalElement {
    /// Whether it is `NotPrincipal`.
    pub negated: bool,
    /// `"*"` (or `{"AWS": "*"}`): everyone.
    pub any: bool,
    /// The listed principals.
    pub entries: Vec<(PrincipalKind, String)>,
}

/// `Action` or `NotAction`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionElement {
    /// Whether it is `NotAction`.
    pub negated: bool,
    /// As written.
    pub raw: Vec<String>,
    /// Lowercased and compiled.
    pub patterns: Vec<Glob>,
    /// Whether every pattern is ASCII (then matching may compare lowered bytes).
    pub ascii: bool,
}

/// One `Resource` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourcePattern {
    /// As written.
    pub raw: String,
    /// Variables in it (2012-10-17 only).
    pub template: Option<Template>,
    /// Compiled pattern (unused when `template` is set).
    pub compiled: ArnPattern,
}

/// `Resource` or `NotResource`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceElement {
    /// Whether it is `NotResource`.
    pub negated: bool,
    /// The patterns.
    pub patterns: Vec<ResourcePattern>,
}

/// One statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// Position in the policy (0-based).
    pub index: usize,
    /// `Sid`.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` / `NotPrincipal` (absent in identity policies).
    pub principal: Option<PrincipalElement>,
    /// `Action` / `NotAction`.
    pub action: ActionElement,
    /// `Resource` / `NotResource` (absent in trust policies: matches everything).
    pub resource: Option<ResourceElement>,
    /// `Condition`, flattened: every entry must hold.
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// `Sid`, or `#<index>` when there is none: how explanations name a statement.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) => sid.clone(),
            None => format!("#{}", self.index),
        }
    }
}

/// The parsed contents of a policy.
#[derive(Debug, PartialEq)]
pub struct ParsedPolicy {
    /// The original text, byte for byte.
    pub text: String,
    /// `Version`.
    pub version: PolicyVersion,
    /// Whether `Version` was present.
    pub version_present: bool,
    /// `Id`.
    pub id: Option<String>,
    /// The statements.
    pub statements: Vec<Statement>,
    /// Every context key its conditions and variables read, lowercased:
    /// lets evaluation build only the part of the context it can use.
    pub context_keys: Vec<String>,
}

fn referenced_keys(statements: &[Statement]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut add = |key: &str| {
        let key = key.to_ascii_lowercase();
        if !keys.contains(&key) {
            keys.push(key);
        }
    };
    for statement in statements {
        for condition in &statement.conditions {
            add(&condition.key);
            for value in &condition.values {
                if let Some(t) = &value.template {
                    t.keys().for_each(&mut add);
                }
            }
        }
        if let Some(resource) = &statement.resource {
            for pattern in &resource.patterns {
                if let Some(t) = &pattern.template {
                    t.keys().for_each(&mut add);
                }
            }
        }
    }
    keys
}

/// A parsed policy: cheap to clone, `Send + Sync`, keeps its text.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDocument {
    inner: Arc<ParsedPolicy>,
}

fn malformed(message: impl Into<String>) -> AwsError {
    AwsError::new(ErrorCode::MalformedPolicyDocumentException, message)
}

/// Reads a string-or-array-of-strings element.
pub(crate) fn string_list(value: &Value, element: &str) -> Result<Vec<String>, String> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                _ => Err(format!("{element} must contain only strings")),
            })
            .collect(),
        _ => Err(format!("{element} must be a string or an array of strings")),
    }
}

/// Reads condition values: strings, booleans and numbers, single or in an array.
pub(crate) fn condition_values(value: &Value) -> Result<Vec<String>, String> {
    let scalar = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err("condition values must be strings, numbers or booleans".to_string()),
    };
    match value {
        Value::Array(items) => items.iter().map(scalar).collect(),
        other => scalar(other).map(|v| vec![v]),
    }
}

fn parse_principal(value: &Value, negated: bool) -> Result<PrincipalElement, String> {
    let name = if negated { "NotPrincipal" } else { "Principal" };
    let mut element = PrincipalElement { negated, any: false, entries: Vec::new() };
    match value {
        Value::String(s) if s == "*" => element.any = true,
        Value::Object(map) => {
            for (key, values) in map {
                let kind = match key.as_str() {
                    "AWS" => PrincipalKind::Aws,
                    "Service" => PrincipalKind::Service,
                    "Federated" => PrincipalKind::Federated,
                    "CanonicalUser" => PrincipalKind::CanonicalUser,
                    other => return Err(format!("{name} contains an unknown principal type \"{other}\"")),
                };
                for v in string_list(values, name)? {
                    if kind == PrincipalKind::Aws && v == "*" {
                        element.any = true;
                    } else {
                        element.entries.push((kind, v));
                    }
                }
            }
        }
        _ => return Err(format!("{name} must be \"*\" or an object")),
    }
    Ok(element)
}

fn parse_statement(index: usize, value: &Value, variables: bool) -> Result<Statement, String> {
    let map = value.as_object().ok_or_else(|| format!("Statement {index} must be an object"))?;
    for key in map.keys() {
        if !matches!(
            key.as_str(),
            "Sid"
                | "Effect"
                | "Principal"
                | "NotPrincipal"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Condition"
        ) {
            return Err(format!("Statement {index} has an unknown element \"{key}\""));
        }
    }
    let sid = match map.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(format!("Statement {index}: Sid must be a string")),
    };
    let effect = match map.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => return Err(format!("Statement {index}: invalid Effect \"{other}\"")),
        None => return Err(format!("Statement {index} is missing Effect")),
    };
    let principal = match (map.get("Principal"), map.get("NotPrincipal")) {
        (Some(_), Some(_)) => return Err(format!("Statement {index} has both Principal and NotPrincipal")),
        (Some(p), None) => Some(parse_principal(p, false)?),
        (None, Some(p)) => Some(parse_principal(p, true)?),
        (None, None) => None,
    };
    let action = match (map.get("Action"), map.get("NotAction")) {
        (Some(_), Some(_)) => return Err(format!("Statement {index} has both Action and NotAction")),
        (Some(a), None) => (false, string_list(a, "Action")?),
        (None, Some(a)) => (true, string_list(a, "NotAction")?),
        (None, None) => return Err(format!("Statement {index} is missing Action or NotAction")),
    };
    let action = ActionElement {
        negated: action.0,
        patterns: action.1.iter().map(|a| Glob::compile(&a.to_ascii_lowercase())).collect(),
        ascii: action.1.iter().all(|a| a.is_ascii()),
        raw: action.1,
    };
    let resource = match (map.get("Resource"), map.get("NotResource")) {
        (Some(_), Some(_)) => return Err(format!("Statement {index} has both Resource and NotResource")),
        (Some(r), None) => Some((false, string_list(r, "Resource")?)),
        (None, Some(r)) => Some((true, string_list(r, "NotResource")?)),
        (None, None) => None,
    };
    let resource = match resource {
        None => None,
        Some((negated, raws)) => {
            let mut patterns = Vec::with_capacity(raws.len());
            for raw in raws {
                let template = if variables { Template::parse(&raw).map_err(|e| e.0)? } else { None };
                patterns.push(ResourcePattern { compiled: ArnPattern::compile(&raw), template, raw });
            }
            Some(ResourceElement { negated, patterns })
        }
    };
    let mut conditions = Vec::new();
    match map.get("Condition") {
        None => {}
        Some(Value::Object(ops)) => {
            for (op, keys) in ops {
                let keys =
                    keys.as_object().ok_or_else(|| format!("Statement {index}: Condition {op} must be an object"))?;
                for (key, values) in keys {
                    let values = condition_values(values).map_err(|e| format!("Statement {index}: {op} {key}: {e}"))?;
                    conditions.push(Condition::new(op, key, values, variables)?);
                }
            }
        }
        Some(_) => return Err(format!("Statement {index}: Condition must be an object")),
    }
    Ok(Statement { index, sid, effect, principal, action, resource, conditions })
}

impl PolicyDocument {
    /// Parses a policy. Fails with `MalformedPolicyDocumentException` on
    /// invalid JSON, unknown elements, a bad `Version` or `Effect`, or a
    /// statement without `Action`. Unknown condition operators parse (they
    /// never hold) so validation can point at them.
    pub fn parse(text: &str) -> Result<PolicyDocument, AwsError> {
        let root: Value =
            serde_json::from_str(text).map_err(|e| malformed(format!("The policy is not valid JSON: {e}")))?;
        let map = root.as_object().ok_or_else(|| malformed("The policy must be a JSON object"))?;
        for key in map.keys() {
            if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
                return Err(malformed(format!("The policy has an unknown element \"{key}\"")));
            }
        }
        let (version, version_present) = match map.get("Version") {
            None => (PolicyVersion::V2008, false),
            Some(Value::String(v)) if v == "2012-10-17" => (PolicyVersion::V2012, true),
            Some(Value::String(v)) if v == "2008-10-17" => (PolicyVersion::V2008, true),
            Some(other) => {
                return Err(malformed(format!("The policy Version {other} is not supported (use 2012-10-17)")))
            }
        };
        let id = match map.get("Id") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(malformed("Id must be a string")),
        };
        let raw_statements: Vec<&Value> = match map.get("Statement") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(obj @ Value::Object(_)) => vec![obj],
            Some(_) => return Err(malformed("Statement must be an object or an array of objects")),
            None => return Err(malformed("The policy is missing the Statement element")),
        };
        let variables = version == PolicyVersion::V2012;
        let statements = raw_statements
            .into_iter()
            .enumerate()
            .map(|(i, s)| parse_statement(i, s, variables))
            .collect::<Result<Vec<_>, String>>()
            .map_err(malformed)?;
        let context_keys = referenced_keys(&statements);
        Ok(PolicyDocument {
            inner: Arc::new(ParsedPolicy {
                text: text.to_string(),
                version,
                version_present,
                id,
                statements,
                context_keys,
            }),
        })
    }

    /// The original text.
    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// The version (missing = 2008-10-17).
    pub fn version(&self) -> PolicyVersion {
        self.inner.version
    }

    /// `Id`.
    pub fn id(&self) -> Option<&str> {
        self.inner.id.as_deref()
    }

    /// The statements, in order.
    pub fn statements(&self) -> &[Statement] {
        &self.inner.statements
    }

    /// The context keys (lowercased) its conditions and variables read.
    pub fn context_keys(&self) -> &[String] {
        &self.inner.context_keys
    }

    /// The parsed contents.
    pub fn parsed(&self) -> &ParsedPolicy {
        &self.inner
    }

    /// A policy with no statements: allows nothing, denies nothing.
    pub fn empty() -> PolicyDocument {
        let text = r#"{"Version":"2012-10-17","Statement":[]}"#.to_string();
        PolicyDocument {
            inner: Arc::new(ParsedPolicy {
                text,
                version: PolicyVersion::V2012,
                version_present: true,
                id: None,
                statements: Vec::new(),
                context_keys: Vec::new(),
            }),
        }
    }

    /// Whether two handles share one parse (cheap identity check).
    pub fn same_parse(&self, other: &PolicyDocument) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

/// Serialized as its original text, so snapshots keep it byte for byte.
impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.text())
    }
}

/// Deserialized from its text (or, for convenience, from an inline JSON object).
impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let text = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        PolicyDocument::parse(&text).map_err(|e| serde::de::Error::custom(e.message))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn parses_object_or_array_statements_and_keeps_text() {
        let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"KMS:Decrypt","Resource":"*"}}"#;
        let doc = PolicyDocument::parse(text).unwrap();
        assert_eq!(doc.text(), text);
        assert_eq!(doc.statements().len(), 1);
        assert_eq!(doc.statements()[0].action.patterns[0], Glob::Exact("kms:decrypt".into()));
        let copy = doc.clone();
        assert!(copy.same_parse(&doc));
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<PolicyDocument>();
    }

    #[test]
    fn rejects_malformed_documents() {
        for bad in [
            "not json",
            "[]",
            r#"{"Statement":[{"Effect":"Allow","Action":"x","Resource":"*","Bogus":1}]}"#,
            r#"{"Version":"2013-01-01","Statement":[]}"#,
            r#"{"Statement":[{"Effect":"Maybe","Action":"x"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"x","NotAction":"y"}]}"#,
            r#"{"Version":"2012-10-17"}"#,
        ] {
            let err = PolicyDocument::parse(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::MalformedPolicyDocumentException, "{bad}");
        }
    }

    #[test]
    fn variables_only_in_2012() {
        let v12 = PolicyDocument::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"x","Resource":"a/${aws:username}"}]}"#,
        )
        .unwrap();
        assert!(v12.statements()[0].resource.as_ref().unwrap().patterns[0].template.is_some());
        let v08 =
            PolicyDocument::parse(r#"{"Statement":[{"Effect":"Allow","Action":"x","Resource":"a/${aws:username}"}]}"#)
                .unwrap();
        assert!(v08.statements()[0].resource.as_ref().unwrap().patterns[0].template.is_none());
        assert_eq!(v08.version(), PolicyVersion::V2008);
    }

    #[test]
    fn serde_round_trips_as_text() {
        let doc = PolicyDocument::parse(r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#).unwrap();
        let json = serde_json::to_string(&doc).unwrap();
        let back: PolicyDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(back.text(), doc.text());
    }
}
