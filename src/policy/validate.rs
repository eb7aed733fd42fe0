//! Policy diagnostics in the spirit of IAM Access Analyzer policy validation:
//! errors (the policy is wrong or will not work), warnings (it works but
//! grants more, or less, than it looks) and suggestions (tidy-ups).
//!
//! Validation reads the JSON leniently so one run reports every problem
//! instead of stopping at the first, as [`PolicyDocument::parse`] does.
//!
//! [`PolicyDocument::parse`]: super::document::PolicyDocument::parse

use super::conditions::{Cidr, Operator, SetQualifier};
use super::document::string_list;
use super::variables::Template;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Where a policy is used: decides which elements are required or forbidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PolicyKind {
    /// Attached to a user, group or role.
    Identity,
    /// Attached to a resource (secret policy…).
    Resource,
    /// A KMS key policy.
    KeyPolicy,
    /// An SCP.
    ServiceControl,
    /// An RCP.
    ResourceControl,
    /// A permissions boundary.
    PermissionsBoundary,
    /// A session policy.
    Session,
    /// A role trust policy.
    Trust,
}

impl PolicyKind {
    fn wants_principal(self) -> bool {
        matches!(self, PolicyKind::Resource | PolicyKind::KeyPolicy | PolicyKind::Trust | PolicyKind::ResourceControl)
    }
    fn wants_resource(self) -> bool {
        !matches!(self, PolicyKind::Trust)
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Severity {
    /// The policy is invalid or cannot work as written.
    Error,
    /// It works, but probably not as intended.
    Warning,
    /// A tidy-up.
    Suggestion,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// Severity.
    pub severity: Severity,
    /// Stable code (`NOTPRINCIPAL_WITH_ALLOW`).
    pub code: &'static str,
    /// Human message.
    pub message: String,
    /// Statement index, when the finding is about one.
    pub statement_index: Option<usize>,
    /// Its Sid, when it has one.
    pub sid: Option<String>,
    /// JSON path of the element (`Statement[1].Condition.StringEquals.kms:ViaService`).
    pub path: String,
}

/// Context keys that are always single-valued: set operators on them are an error.
const SINGLE_VALUED: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principaltype",
    "aws:sourceip",
    "aws:securetransport",
    "aws:requestedregion",
    "aws:username",
    "aws:userid",
    "aws:currenttime",
    "aws:epochtime",
    "aws:multifactorauthpresent",
    "aws:multifactorauthage",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:viaawsservice",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:principalisawsservice",
    "kms:viaservice",
    "kms:calleraccount",
    "kms:keyspec",
    "kms:keyusage",
    "kms:keyorigin",
    "kms:requestalias",
    "kms:grantisforawsresource",
    "secretsmanager:secretid",
];
const SINGLE_VALUED_PREFIXES: &[&str] =
    &["aws:principaltag/", "aws:resourcetag/", "aws:requesttag/", "kms:encryptioncontext:"];
/// Context keys that are multivalued: without a set operator they are a warning.
const MULTI_VALUED: &[&str] = &[
    "aws:tagkeys",
    "aws:principalorgpaths",
    "aws:resourceorgpaths",
    "aws:calledvia",
    "aws:principalservicenameslist",
    "kms:encryptioncontextkeys",
    "kms:grantoperations",
    "kms:resourcealiases",
];

fn is_single_valued(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SINGLE_VALUED.contains(&k.as_str()) || SINGLE_VALUED_PREFIXES.iter().any(|p| k.starts_with(p))
}

fn is_multi_valued(key: &str) -> bool {
    MULTI_VALUED.contains(&key.to_ascii_lowercase().as_str())
}

struct Validator {
    kind: PolicyKind,
    out: Vec<Diagnostic>,
    index: Option<usize>,
    sid: Option<String>,
}

impl Validator {
    fn push(&mut self, severity: Severity, code: &'static str, path: String, message: String) {
        self.out.push(Diagnostic { severity, code, message, statement_index: self.index, sid: self.sid.clone(), path });
    }
    fn error(&mut self, code: &'static str, path: String, message: String) {
        self.push(Severity::Error, code, path, message);
    }
    fn warn(&mut self, code: &'static str, path: String, message: String) {
        self.push(Severity::Warning, code, path, message);
    }
}

fn is_valid_action(action: &str) -> bool {
    if action == "*" {
        return true;
    }
    match action.split_once(':') {
        Some((service, name)) => {
            !service.is_empty()
                && service.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*')
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?')
        }
        None => false,
    }
}

fn is_valid_resource(resource: &str) -> bool {
    if resource == "*" {
        return true;
    }
    resource.starts_with("arn:") && resource.splitn(6, ':').count() == 6
}

fn is_valid_aws_principal(value: &str) -> bool {
    if value == "*" || (value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())) {
        return true;
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, service, "", account, resource] => {
            !partition.is_empty()
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && match *service {
                    "iam" => *resource == "root" || resource.starts_with("user/") || resource.starts_with("role/"),
                    "sts" => resource.starts_with("assumed-role/") || resource.starts_with("federated-user/"),
                    _ => false,
                }
                && !resource.contains('*')
        }
        _ => false,
    }
}

/// Validates `text` as a policy of `kind`.
pub fn validate(text: &str, kind: PolicyKind) -> Vec<Diagnostic> {
    let mut v = Validator { kind, out: Vec::new(), index: None, sid: None };
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(e) => {
            v.error("INVALID_JSON", String::new(), format!("The policy is not valid JSON: {e}"));
            return v.out;
        }
    };
    let Some(map) = root.as_object() else {
        v.error("NOT_AN_OBJECT", String::new(), "The policy must be a JSON object.".into());
        return v.out;
    };
    for key in map.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            v.error("UNKNOWN_ELEMENT", key.clone(), format!("Unknown policy element \"{key}\"."));
        }
    }
    let variables = match map.get("Version") {
        Some(Value::String(s)) if s == "2012-10-17" => true,
        Some(Value::String(s)) if s == "2008-10-17" => {
            v.push(
                Severity::Suggestion,
                "OLD_VERSION",
                "Version".into(),
                "Use Version 2012-10-17: 2008-10-17 does not support policy variables.".into(),
            );
            false
        }
        None => {
            v.push(
                Severity::Suggestion,
                "MISSING_VERSION",
                "Version".into(),
                "Add \"Version\": \"2012-10-17\"; without it policy variables are not substituted.".into(),
            );
            false
        }
        Some(other) => {
            v.error("INVALID_VERSION", "Version".into(), format!("Version {other} is not valid: use 2012-10-17."));
            true
        }
    };
    let statements: Vec<&Value> = match map.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(obj @ Value::Object(_)) => vec![obj],
        Some(_) => {
            v.error("INVALID_STATEMENT", "Statement".into(), "Statement must be an object or an array.".into());
            return v.out;
        }
        None => {
            v.error("MISSING_STATEMENT", "Statement".into(), "The policy has no Statement.".into());
            return v.out;
        }
    };
    let mut sids: Vec<String> = Vec::new();
    for (i, statement) in statements.iter().enumerate() {
        v.index = Some(i);
        v.sid = statement.get("Sid").and_then(Value::as_str).map(str::to_string);
        if let Some(sid) = v.sid.clone() {
            if sids.contains(&sid) {
                v.error(
                    "DUPLICATE_SID",
                    format!("Statement[{i}].Sid"),
                    format!("Sid \"{sid}\" is used by more than one statement."),
                );
            }
            sids.push(sid);
        }
        match statement.as_object() {
            Some(s) => validate_statement(&mut v, i, s, variables),
            None => v.error("INVALID_STATEMENT", format!("Statement[{i}]"), "A statement must be an object.".into()),
        }
    }
    v.out
}

fn validate_statement(v: &mut Validator, i: usize, s: &Map<String, Value>, variables: bool) {
    let at = |field: &str| format!("Statement[{i}].{field}");
    for key in s.keys() {
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
            v.error("UNKNOWN_ELEMENT", at(key), format!("Unknown statement element \"{key}\"."));
        }
    }
    let allow = match s.get("Effect").and_then(Value::as_str) {
        Some("Allow") => true,
        Some("Deny") => false,
        Some(other) => {
            v.error("INVALID_EFFECT", at("Effect"), format!("Effect must be Allow or Deny, not \"{other}\"."));
            false
        }
        None => {
            v.error("MISSING_EFFECT", at("Effect"), "The statement has no Effect.".into());
            false
        }
    };
    // Principal.
    let principal =
        s.get("Principal").map(|p| ("Principal", p)).or_else(|| s.get("NotPrincipal").map(|p| ("NotPrincipal", p)));
    if s.contains_key("Principal") && s.contains_key("NotPrincipal") {
        v.error("PRINCIPAL_AND_NOTPRINCIPAL", at("Principal"), "Use Principal or NotPrincipal, not both.".into());
    }
    match (principal, v.kind.wants_principal()) {
        (Some((name, _)), false) => v.error(
            "PRINCIPAL_NOT_ALLOWED",
            at(name),
            format!("{name} is not allowed in a {:?} policy: it applies to whoever it is attached to.", v.kind),
        ),
        (None, true) => v.error(
            "MISSING_PRINCIPAL",
            at("Principal"),
            format!("A {:?} policy statement must name a Principal.", v.kind),
        ),
        _ => {}
    }
    let has_condition = s.get("Condition").is_some_and(|c| c.as_object().is_some_and(|m| !m.is_empty()));
    let mut principal_star = false;
    let mut names_non_root = false;
    if let Some((name, value)) = principal {
        if name == "NotPrincipal" && allow {
            v.error("NOTPRINCIPAL_WITH_ALLOW", at(name), "NotPrincipal with Allow grants access to everyone except the listed principals, including anonymous users.".into());
        }
        match value {
            Value::String(s) if s == "*" => principal_star = true,
            Value::Object(m) => {
                for (ptype, values) in m {
                    match string_list(values, name) {
                        Ok(list) => {
                            for p in list {
                                match ptype.as_str() {
                                    "AWS" if p == "*" => principal_star = true,
                                    "AWS" => {
                                        if !is_valid_aws_principal(&p) {
                                            v.error("INVALID_PRINCIPAL", format!("{}.AWS", at(name)), format!("\"{p}\" is not an account id or an IAM/STS principal ARN (wildcards are not allowed)."));
                                        }
                                        let names_account = p.ends_with(":root")
                                            || (p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()));
                                        if !names_account {
                                            names_non_root = true;
                                        }
                                    }
                                    "Service" => {
                                        if !p.ends_with(".amazonaws.com") && !p.ends_with(".amazonaws.com.cn") {
                                            v.error(
                                                "INVALID_PRINCIPAL",
                                                format!("{}.Service", at(name)),
                                                format!("\"{p}\" is not a service principal."),
                                            );
                                        }
                                    }
                                    "Federated" | "CanonicalUser" => {}
                                    other => v.error(
                                        "INVALID_PRINCIPAL",
                                        at(name),
                                        format!("Unknown principal type \"{other}\"."),
                                    ),
                                }
                            }
                        }
                        Err(e) => v.error("INVALID_PRINCIPAL", at(name), e),
                    }
                }
            }
            _ => v.error("INVALID_PRINCIPAL", at(name), format!("{name} must be \"*\" or an object.")),
        }
        if v.kind == PolicyKind::ResourceControl && !principal_star {
            v.error("RCP_PRINCIPAL", at(name), "A resource control policy must use \"Principal\": \"*\".".into());
        }
        if principal_star
            && allow
            && !has_condition
            && matches!(v.kind, PolicyKind::Resource | PolicyKind::KeyPolicy | PolicyKind::Trust)
        {
            v.warn("PUBLIC_ACCESS", at(name), "\"Principal\": \"*\" without a Condition allows any principal, in any account, and possibly anonymous callers.".into());
        }
    }
    // Action.
    let actions = match (s.get("Action"), s.get("NotAction")) {
        (Some(_), Some(_)) => {
            v.error("ACTION_AND_NOTACTION", at("Action"), "Use Action or NotAction, not both.".into());
            Vec::new()
        }
        (None, None) => {
            v.error("MISSING_ACTION", at("Action"), "The statement has no Action or NotAction.".into());
            Vec::new()
        }
        (Some(a), None) | (None, Some(a)) => {
            let field = if s.contains_key("Action") { "Action" } else { "NotAction" };
            if field == "NotAction" && allow {
                v.warn(
                    "ALLOW_NOTACTION",
                    at(field),
                    "Allow with NotAction grants every action not listed, including those of services added later."
                        .into(),
                );
            }
            match string_list(a, field) {
                Ok(list) => {
                    for action in &list {
                        if !is_valid_action(action) {
                            v.error(
                                "INVALID_ACTION",
                                at(field),
                                format!("\"{action}\" is not a valid action (service:Action)."),
                            );
                        }
                    }
                    list
                }
                Err(e) => {
                    v.error("INVALID_ACTION", at(field), e);
                    Vec::new()
                }
            }
        }
    };
    let lowered: Vec<String> = actions.iter().map(|a| a.to_ascii_lowercase()).collect();
    if v.kind == PolicyKind::ResourceControl {
        if lowered.iter().any(|a| a == "*") {
            v.error(
                "RCP_ACTION_STAR",
                at("Action"),
                "A resource control policy cannot use \"Action\": \"*\"; name the service actions.".into(),
            );
        }
        if allow {
            v.warn(
                "RCP_ALLOW",
                at("Effect"),
                "Customer RCPs restrict with Deny statements; RCPFullAWSAccess already allows everything.".into(),
            );
        }
    }
    let kms_star = lowered.iter().any(|a| a == "kms:*" || a == "*");
    if v.kind == PolicyKind::KeyPolicy && allow && kms_star && (names_non_root || principal_star) {
        v.warn("KMS_STAR_TO_NON_ADMIN", at("Action"), "kms:* gives this principal full control of the key (including PutKeyPolicy and ScheduleKeyDeletion); grant only the operations it needs.".into());
    }
    if allow && lowered.iter().any(|a| a == "*") && v.kind == PolicyKind::Identity {
        v.warn("FULL_ACCESS", at("Action"), "\"Action\": \"*\" grants every action.".into());
    }
    if lowered.iter().any(|a| a.split_once(':').is_some_and(|(svc, _)| svc.contains('*'))) {
        v.warn(
            "WILDCARD_SERVICE",
            at("Action"),
            "A wildcard in the service prefix matches actions of several services.".into(),
        );
    }
    for (idx, a) in lowered.iter().enumerate() {
        if let Some((svc, _)) = a.split_once(':') {
            let star = format!("{svc}:*");
            if *a != star && lowered.contains(&star) {
                v.push(
                    Severity::Suggestion,
                    "REDUNDANT_ACTION",
                    at("Action"),
                    format!(
                        "\"{}\" is already covered by \"{star}\".",
                        actions.get(idx).map(String::as_str).unwrap_or("")
                    ),
                );
            }
        }
    }
    // Resource.
    match (s.get("Resource"), s.get("NotResource")) {
        (Some(_), Some(_)) => {
            v.error("RESOURCE_AND_NOTRESOURCE", at("Resource"), "Use Resource or NotResource, not both.".into())
        }
        (None, None) if v.kind.wants_resource() => {
            v.error("MISSING_RESOURCE", at("Resource"), "The statement has no Resource or NotResource.".into())
        }
        (Some(r), None) | (None, Some(r)) => {
            let field = if s.contains_key("Resource") { "Resource" } else { "NotResource" };
            if field == "NotResource" && allow {
                v.warn(
                    "ALLOW_NOTRESOURCE",
                    at(field),
                    "Allow with NotResource grants access to every resource not listed.".into(),
                );
            }
            match string_list(r, field) {
                Ok(list) => {
                    for resource in list {
                        if !is_valid_resource(&resource) {
                            v.error(
                                "INVALID_ARN",
                                at(field),
                                format!("\"{resource}\" is not \"*\" or a six-part ARN."),
                            );
                        }
                        if variables {
                            if let Err(e) = Template::parse(&resource) {
                                v.error("INVALID_VARIABLE", at(field), e.0);
                            }
                        } else if resource.contains("${") {
                            v.warn("VARIABLE_WITHOUT_VERSION", at(field), "Policy variables are only substituted under Version 2012-10-17; here \"${…}\" is literal text.".into());
                        }
                    }
                }
                Err(e) => v.error("INVALID_ARN", at(field), e),
            }
        }
        _ => {}
    }
    // Condition.
    match s.get("Condition") {
        None => {}
        Some(Value::Object(ops)) => {
            for (op_name, keys) in ops {
                let path = format!("{}.{op_name}", at("Condition"));
                let Some(op) = Operator::parse(op_name) else {
                    v.error("UNKNOWN_OPERATOR", path, format!("\"{op_name}\" is not a condition operator."));
                    continue;
                };
                let Some(keys) = keys.as_object() else {
                    v.error("INVALID_CONDITION", path, "A condition operator must map keys to values.".into());
                    continue;
                };
                for (key, values) in keys {
                    let key_path = format!("{path}.{key}");
                    if op.qualifier != SetQualifier::None && is_single_valued(key) {
                        v.error("SET_OPERATOR_ON_SINGLE_VALUED_KEY", key_path.clone(), format!("{key} is single-valued: ForAllValues/ForAnyValue make no sense on it (ForAllValues would even hold when it is missing)."));
                    }
                    if op.qualifier == SetQualifier::None && is_multi_valued(key) {
                        v.warn("MULTIVALUED_KEY_WITHOUT_SET_OPERATOR", key_path.clone(), format!("{key} is multivalued: use ForAllValues: or ForAnyValue: to say how its values are compared."));
                    }
                    if op.qualifier == SetQualifier::ForAllValues && allow && !op.negated {
                        v.warn("FORALLVALUES_WITH_ALLOW", key_path.clone(), format!("ForAllValues holds when {key} is missing or empty; add a Null condition if the key must be present."));
                    }
                    check_condition_values(v, op, &key_path, values, variables);
                }
            }
        }
        Some(_) => v.error("INVALID_CONDITION", at("Condition"), "Condition must be an object.".into()),
    }
}

fn check_condition_values(v: &mut Validator, op: Operator, path: &str, values: &Value, variables: bool) {
    use super::conditions::BaseOp::*;
    let list = match super::document::condition_values(values) {
        Ok(list) => list,
        Err(e) => {
            v.error("INVALID_CONDITION_VALUE", path.to_string(), e);
            return;
        }
    };
    for value in list {
        if variables && value.contains("${") {
            if let Err(e) = Template::parse(&value) {
                v.error("INVALID_VARIABLE", path.to_string(), e.0);
            }
            continue;
        }
        let ok = match op.base {
            NumericEquals | NumericLessThan | NumericLessThanEquals | NumericGreaterThan | NumericGreaterThanEquals => {
                value.trim().parse::<f64>().is_ok()
            }
            DateEquals | DateLessThan | DateLessThanEquals | DateGreaterThan | DateGreaterThanEquals => {
                super::conditions::parse_date_ms(&value).is_some()
            }
            Bool | Null => value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"),
            IpAddress => Cidr::parse(&value).is_some(),
            BinaryEquals => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.decode(&value).is_ok()
            }
            _ => true,
        };
        if !ok {
            v.error(
                "INVALID_CONDITION_VALUE",
                path.to_string(),
                format!("\"{value}\" is not a valid value for this operator."),
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn codes(text: &str, kind: PolicyKind) -> Vec<&'static str> {
        validate(text, kind).into_iter().map(|d| d.code).collect()
    }

    #[test]
    fn reports_errors() {
        assert_eq!(codes("{", PolicyKind::Identity), vec!["INVALID_JSON"]);
        let c = codes(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:Decrypt","Resource":"*"}]}"#,
            PolicyKind::KeyPolicy,
        );
        assert!(c.contains(&"NOTPRINCIPAL_WITH_ALLOW"), "{c:?}");
        let c = codes(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}"#,
            PolicyKind::Identity,
        );
        assert!(c.contains(&"PRINCIPAL_NOT_ALLOWED"), "{c:?}");
        let c = codes(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms"}]}"#,
            PolicyKind::KeyPolicy,
        );
        assert!(c.contains(&"MISSING_PRINCIPAL") && c.contains(&"INVALID_ARN"), "{c:?}");
        let c = codes(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:x","Resource":"*","Condition":{"StringEqualz":{"a":"b"},"ForAllValues:StringEquals":{"aws:SourceIp":"1"},"NumericLessThan":{"n":"x"}}},{"Sid":"a","Effect":"Deny","Action":"s3:x","Resource":"*","Bogus":1}]}"#,
            PolicyKind::Identity,
        );
        for want in [
            "UNKNOWN_OPERATOR",
            "SET_OPERATOR_ON_SINGLE_VALUED_KEY",
            "INVALID_CONDITION_VALUE",
            "DUPLICATE_SID",
            "UNKNOWN_ELEMENT",
        ] {
            assert!(c.contains(&want), "{want} missing from {c:?}");
        }
        assert!(codes(r#"{"Version":"2013-01-01","Statement":[]}"#, PolicyKind::Identity).contains(&"INVALID_VERSION"));
    }

    #[test]
    fn reports_warnings_with_positions() {
        let d = validate(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},{"Sid":"App","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/App"},"Action":"kms:*","Resource":"*"},{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}"#,
            PolicyKind::KeyPolicy,
        );
        let kms = d.iter().find(|d| d.code == "KMS_STAR_TO_NON_ADMIN").unwrap();
        assert_eq!((kms.statement_index, kms.sid.as_deref(), kms.severity), (Some(1), Some("App"), Severity::Warning));
        assert!(d.iter().any(|d| d.code == "PUBLIC_ACCESS" && d.statement_index == Some(2)));
        assert!(!d.iter().any(|d| d.severity == Severity::Error), "{d:?}");
    }

    #[test]
    fn clean_default_key_policy() {
        let text = crate::policy::managed::default_key_policy_text("111122223333");
        assert!(validate(&text, PolicyKind::KeyPolicy).is_empty());
    }
}
