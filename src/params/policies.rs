//! Parameter policies (Advanced tier): Expiration deletes the parameter at its
//! timestamp; ExpirationNotification and NoChangeNotification raise events
//! (recorded in the audit trail) as the virtual clock passes them.

use super::model::{ParamPolicy, ParamsState};
use crate::audit::AuditResource;
use crate::clock::{Timestamp, DAY_MS};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::{Service, Simulator};
use serde_json::{json, Value};

/// Most policies on one parameter.
pub const MAX_POLICIES: usize = 10;

fn attribute_error(why: &str) -> AwsError {
    AwsError::new(ErrorCode::InvalidPolicyAttributeException, why.to_string())
}

fn amount(attrs: &Value, field: &str) -> AwsResult<i64> {
    let n = attrs
        .get(field)
        .and_then(|v| v.as_str().and_then(|s| s.parse::<i64>().ok()).or_else(|| v.as_i64()))
        .filter(|n| *n > 0)
        .ok_or_else(|| attribute_error(&format!("Attribute {field} must be a positive whole number.")))?;
    let unit = attrs.get("Unit").and_then(Value::as_str).unwrap_or("Days");
    match unit {
        "Days" => Ok(n.saturating_mul(DAY_MS)),
        "Hours" => Ok(n.saturating_mul(3_600_000)),
        _ => Err(attribute_error("Attribute Unit must be Days or Hours.")),
    }
}

/// Parses the `Policies` member (a JSON array of policies) at time `now`.
/// Returns the policies with their due times (`expiration` known first).
pub(crate) fn parse(text: &str, now: Timestamp) -> AwsResult<Vec<ParamPolicy>> {
    let list: Vec<Value> = serde_json::from_str(text).map_err(|_| {
        AwsError::new(ErrorCode::InvalidPolicyTypeException, "Policies must be a JSON array of policy objects.")
    })?;
    if list.len() > MAX_POLICIES {
        return Err(AwsError::new(
            ErrorCode::PoliciesLimitExceededException,
            format!("You specified more than the maximum number of allowed policies for the parameter. The maximum is {MAX_POLICIES}."),
        ));
    }
    let mut expiration: Option<Timestamp> = None;
    for p in &list {
        if p.get("Type").and_then(Value::as_str) == Some("Expiration") {
            let ts = p
                .get("Attributes")
                .and_then(|a| a.get("Timestamp"))
                .and_then(Value::as_str)
                .and_then(Timestamp::parse_iso8601)
                .ok_or_else(|| attribute_error("Expiration needs an ISO-8601 Timestamp attribute."))?;
            if ts <= now {
                return Err(attribute_error("The Expiration Timestamp must be in the future."));
            }
            expiration = Some(ts);
        }
    }
    let mut out = Vec::new();
    for p in list {
        let kind = p.get("Type").and_then(Value::as_str).unwrap_or_default().to_string();
        let attrs = p.get("Attributes").cloned().unwrap_or(Value::Null);
        let due = match kind.as_str() {
            "Expiration" => expiration.ok_or_else(|| attribute_error("Expiration needs a Timestamp."))?,
            "ExpirationNotification" => {
                let at = expiration.ok_or_else(|| {
                    AwsError::new(ErrorCode::IncompatiblePolicyException, "ExpirationNotification needs an Expiration policy.")
                })?;
                at.plus_millis(-amount(&attrs, "Before")?)
            }
            "NoChangeNotification" => now.plus_millis(amount(&attrs, "After")?),
            other => {
                return Err(AwsError::new(
                    ErrorCode::InvalidPolicyTypeException,
                    format!("The policy type {other} is not supported. Use Expiration, ExpirationNotification or NoChangeNotification."),
                ))
            }
        };
        if out.iter().any(|q: &ParamPolicy| q.policy_type == kind) {
            return Err(AwsError::new(
                ErrorCode::IncompatiblePolicyException,
                format!("Only one {kind} policy is allowed."),
            ));
        }
        out.push(ParamPolicy { policy_type: kind, text: p.to_string(), due, status: "Pending".to_string() });
    }
    Ok(out)
}

/// A policy that came due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParamsDue {
    arn: String,
    index: usize,
    at: Timestamp,
}

impl ParamsDue {
    /// When it is due.
    pub(crate) fn at(&self) -> Timestamp {
        self.at
    }
}

impl ParamsState {
    /// The earliest pending policy due at or before `until`.
    pub(crate) fn next_due(&self, until: Timestamp) -> Option<ParamsDue> {
        let mut best: Option<ParamsDue> = None;
        for p in self.parameters.values() {
            for (index, policy) in p.policies.iter().enumerate() {
                if policy.status == "Pending" && policy.due <= until && best.as_ref().is_none_or(|b| policy.due < b.at)
                {
                    best = Some(ParamsDue { arn: p.arn.clone(), index, at: policy.due });
                }
            }
        }
        best
    }
}

impl Simulator {
    /// Acts on one due policy, audited at the time it came due.
    pub(crate) fn params_run_due(&mut self, work: ParamsDue) {
        if work.at > self.now() {
            self.clock.set(work.at);
        }
        let Some(param) = self.params.parameters.get_mut(&work.arn) else { return };
        let Some(policy) = param.policies.get_mut(work.index) else { return };
        policy.status = "Finished".to_string();
        let kind = policy.policy_type.clone();
        let resource = AuditResource {
            arn: param.arn.as_str().into(),
            account_id: param.account.as_str().into(),
            resource_type: super::access::RESOURCE_TYPE.into(),
        };
        let (region, name) = (param.region.clone(), param.name.clone());
        if kind == "Expiration" {
            self.params.parameters.remove(&work.arn);
        }
        self.record_service_event(
            Service::Ssm,
            &kind,
            work.at,
            &region,
            resource,
            json!({ "name": name, "policyType": kind, "action": if kind == "Expiration" { "Expired" } else { "Notified" } }),
        );
    }
}
