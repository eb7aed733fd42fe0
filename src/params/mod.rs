//! Simulated AWS Systems Manager Parameter Store.

use crate::clock::Timestamp;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::Simulator;
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything Parameter Store holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ParamsState {}

/// Work Parameter Store does on its own.
#[derive(Clone, Debug)]
pub(crate) struct ParamsDue(Timestamp);

impl ParamsDue {
    pub(crate) fn at(&self) -> Timestamp {
        self.0
    }
}

impl ParamsState {
    pub(crate) fn next_due(&self, _until: Timestamp) -> Option<ParamsDue> {
        None
    }
}

impl Simulator {
    pub(crate) fn params_run_due(&mut self, _work: ParamsDue) {}
}

/// Runs a Parameter Store operation by name.
pub fn dispatch(_sim: &mut Simulator, _ctx: &CallContext, operation: &str, _input: Value) -> AwsResult<Value> {
    Err(AwsError::new(ErrorCode::UnknownOperationException, format!("Operation {operation} is not supported")))
}
