//! Simulated AWS Systems Manager Parameter Store. SecureString values are
//! really encrypted through the simulated KMS (encryption context
//! `{"PARAMETER_ARN": <arn>}`, `kms:ViaService` ssm), so the key's state and
//! policy decide who can read them, as in AWS.

pub(crate) mod access;
pub mod model;
pub mod names;
pub mod ops;
pub mod pattern;
pub(crate) mod policies;

pub use model::{ParamVersion, Parameter, ParamsState};

crate::simulator::service_dispatch!(
    "Parameter Store", ops;
    PutParameter,
    GetParameter,
    GetParameters,
    GetParametersByPath,
    DeleteParameter,
    DeleteParameters,
    DescribeParameters,
    GetParameterHistory,
    LabelParameterVersion,
    UnlabelParameterVersion,
    AddTagsToResource,
    RemoveTagsFromResource,
    ListTagsForResource,
);
