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

use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::Simulator;
use crate::world::CallContext;
use serde_json::Value;

macro_rules! ssm_ops {
    ($($op:ident),* $(,)?) => {
        /// Runs a Parameter Store operation by name with a JSON request.
        pub fn dispatch(sim: &mut Simulator, ctx: &CallContext, operation: &str, input: Value) -> AwsResult<Value> {
            match operation {
                $(stringify!($op) => sim.invoke_json::<ops::$op>(ctx, input),)*
                _ => Err(AwsError::new(
                    ErrorCode::UnknownOperationException,
                    format!("Operation {operation} is not supported by kmsim's Parameter Store"),
                )),
            }
        }

        /// The names of every Parameter Store operation [`dispatch`] knows.
        pub const OPERATIONS: &[&str] = &[$(stringify!($op)),*];
    };
}

ssm_ops!(
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
