//! The shape every simulated operation shares.

use crate::audit::{AuditResource, AuditResources, RequestParameters};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::world::CallContext;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Simulator;

/// The simulated services.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    /// AWS Key Management Service.
    Kms,
    /// AWS Secrets Manager.
    SecretsManager,
    /// AWS Systems Manager (Parameter Store).
    Ssm,
    /// AWS Identity and Access Management.
    Iam,
    /// AWS Security Token Service.
    Sts,
}

impl Service {
    /// CloudTrail's `eventSource`.
    pub fn event_source(self) -> &'static str {
        match self {
            Service::Kms => "kms.amazonaws.com",
            Service::SecretsManager => "secretsmanager.amazonaws.com",
            Service::Ssm => "ssm.amazonaws.com",
            Service::Iam => "iam.amazonaws.com",
            Service::Sts => "sts.amazonaws.com",
        }
    }

    /// The SigV4 signing name / IAM action prefix (`kms`, `secretsmanager`, …).
    pub fn signing_name(self) -> &'static str {
        match self {
            Service::Kms => "kms",
            Service::SecretsManager => "secretsmanager",
            Service::Ssm => "ssm",
            Service::Iam => "iam",
            Service::Sts => "sts",
        }
    }

    /// From a signing name.
    pub fn from_signing_name(name: &str) -> Option<Self> {
        match name {
            "kms" => Some(Service::Kms),
            "secretsmanager" => Some(Service::SecretsManager),
            "ssm" => Some(Service::Ssm),
            "iam" => Some(Service::Iam),
            "sts" => Some(Service::Sts),
            _ => None,
        }
    }
}

/// What an operation tells the audit trail about itself (never secrets).
#[derive(Debug, Default)]
pub struct AuditDraft {
    /// `requestParameters`.
    pub request_parameters: Option<Value>,
    /// `requestParameters` in their kept form (the cheap one for hot
    /// operations; wins over `request_parameters`).
    pub request_parameters_kept: Option<RequestParameters>,
    /// `responseElements` on success.
    pub response_elements: Option<Value>,
    /// `resources`.
    pub resources: AuditResources,
}

impl AuditDraft {
    /// Notes a touched resource.
    pub fn resource(&mut self, arn: &str, account: &str, resource_type: impl Into<crate::audit::Text>) {
        if !self.resources.iter().any(|r| &*r.arn == arn) {
            self.resources.push(AuditResource {
                arn: arn.into(),
                account_id: account.into(),
                resource_type: resource_type.into(),
            });
        }
    }

    /// Notes a touched resource whose audit entry is already built (shared, not copied).
    pub fn shared_resource(&mut self, resource: &AuditResource) {
        if !self.resources.iter().any(|r| r.arn == resource.arn) {
            self.resources.push(resource.clone());
        }
    }

    /// Sets `requestParameters` from any serializable (typically a borrowed struct).
    pub fn parameters<T: Serialize + ?Sized>(&mut self, value: &T) {
        self.request_parameters_kept = Some(RequestParameters::Json(crate::audit::raw_parameters(value)));
    }
}

/// One operation of one service, typed.
pub trait Operation {
    /// The service it belongs to.
    const SERVICE: Service;
    /// The AWS operation name (`Encrypt`).
    const NAME: &'static str;
    /// Whether it only reads (CloudTrail's `readOnly`).
    const READ_ONLY: bool;
    /// The request (PascalCase fields, as in the AWS SDKs).
    type Request: DeserializeOwned;
    /// The response.
    type Response: Serialize;
    /// Runs it. Must leave the simulator untouched when it fails.
    fn run(
        sim: &mut Simulator,
        ctx: &CallContext,
        request: Self::Request,
        audit: &mut AuditDraft,
    ) -> AwsResult<Self::Response>;
}

/// Turns a request decoding failure into the exception AWS would return:
/// a missing required member is a `ValidationException`, anything else a
/// `SerializationException`.
pub(crate) fn request_error(e: &serde_json::Error) -> AwsError {
    let text = e.to_string();
    if let Some(rest) = text.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return AwsError::validation(format!(
            "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
            lower_first(field)
        ));
    }
    let detail = text.split(" at line ").next().unwrap_or(&text);
    AwsError::new(ErrorCode::SerializationException, format!("Cannot deserialize the request: {detail}"))
}

/// `KeyId` → `keyId`, as AWS names members in validation messages.
pub(crate) fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Declares one [`Operation`]: a unit type named as the AWS operation, in
/// `$service`, that runs `$run`; `map_err = f` rewrites its errors (the Query
/// services name some exceptions differently).
macro_rules! declare_operation {
    ($(#[$doc:meta])* $service:ident, $name:ident, read_only = $ro:expr, $req:ty => $resp:ty, $run:path
        $(, map_err = $map:path)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl crate::simulator::Operation for $name {
            const SERVICE: crate::simulator::Service = crate::simulator::Service::$service;
            const NAME: &'static str = stringify!($name);
            const READ_ONLY: bool = $ro;
            type Request = $req;
            type Response = $resp;
            fn run(
                sim: &mut crate::simulator::Simulator,
                ctx: &crate::world::CallContext,
                request: Self::Request,
                audit: &mut crate::simulator::AuditDraft,
            ) -> crate::error::AwsResult<Self::Response> {
                let result = $run(sim, ctx, request, audit);
                $(let result = result.map_err($map);)?
                result
            }
        }
    };
}
pub(crate) use declare_operation;

/// Declares a service's `dispatch` (operation name → typed operation, JSON in
/// and out) and its `OPERATIONS` list from one list of operation types in `$ops`.
macro_rules! service_dispatch {
    ($label:literal, $ops:ident; $($op:ident),* $(,)?) => {
        #[doc = concat!("Runs a ", $label, " operation by name with a JSON request.")]
        pub fn dispatch(
            sim: &mut crate::simulator::Simulator,
            ctx: &crate::world::CallContext,
            operation: &str,
            input: serde_json::Value,
        ) -> crate::error::AwsResult<serde_json::Value> {
            match operation {
                $(stringify!($op) => sim.invoke_json::<$ops::$op>(ctx, input),)*
                _ => Err(crate::error::AwsError::new(
                    crate::error::ErrorCode::UnknownOperationException,
                    format!("Operation {operation} is not supported by kmsim's {}", $label),
                )),
            }
        }

        #[doc = concat!("The names of every ", $label, " operation [`dispatch`] knows.")]
        pub const OPERATIONS: &[&str] = &[$(stringify!($op)),*];
    };
}
pub(crate) use service_dispatch;
