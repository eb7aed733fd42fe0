//! The IAM world as the simulator holds it, and the explain API: load a
//! world document, run IAM-style simulations, explain one decision against
//! the real stored resource, validate policy text.

use super::authorize::{world_context_keys, AccessRequest, ResourceKind};
use super::Simulator;
use crate::error::{AwsError, AwsResult};
use crate::policy::{
    load_world, simulate_principal_policy, validate, ContextValue, Decision, Diagnostic, IamWorld, Outcome, PolicyKind,
    SimulationRequest, SimulationResult,
};
use crate::world::CallContext;

impl Simulator {
    /// Replaces the IAM world (accounts, users, groups, roles, managed
    /// policies, sessions, organization) with a world document. The document
    /// names no KMS keys: keys are made through KMS calls. An invalid document
    /// leaves the current world as it was.
    pub fn load_world(&mut self, json: &str) -> AwsResult<()> {
        let world = load_world(json)?;
        self.iam = world;
        self.iam_changed();
        Ok(())
    }

    /// The IAM world, read-only.
    pub fn iam(&self) -> &IamWorld {
        &self.iam
    }

    /// Recomputes what is derived from the IAM world (the context keys its
    /// policies read); called after every change to it.
    pub(crate) fn iam_changed(&mut self) {
        self.iam_context_keys = world_context_keys(&self.iam);
    }

    /// IAM-style `SimulatePrincipalPolicy` against the simulator's world:
    /// every action × resource with its explained decision.
    pub fn simulate(&self, request: &SimulationRequest) -> Vec<SimulationResult> {
        simulate_principal_policy(&self.iam, request)
    }

    /// Explains whether `ctx`'s caller may do `action` on `resource_arn`,
    /// using the stored resource when the simulator has it (a KMS key's
    /// policy, grants and tags; a secret's policy and tags; a parameter's
    /// tags); anything else is judged on identity policies alone. `context`
    /// adds condition keys (`kms:EncryptionContext:…`, `kms:ViaService` via
    /// `ctx.via_service`, …).
    pub fn explain(
        &self,
        ctx: &CallContext,
        action: &str,
        resource_arn: &str,
        context: &[(String, ContextValue)],
    ) -> AwsResult<Decision> {
        self.with_access_request(ctx, action, resource_arn, |request| self.decide(ctx, request, context))
    }

    /// The outcome [`Simulator::explain`] would explain, without building the
    /// explanation: the same request against the same stored resource, the
    /// whole decision flow, nothing remembered between calls.
    pub fn authorize_outcome(
        &self,
        ctx: &CallContext,
        action: &str,
        resource_arn: &str,
        context: &[(String, ContextValue)],
    ) -> AwsResult<Outcome> {
        self.with_access_request(ctx, action, resource_arn, |request| self.outcome(ctx, request, context))
    }

    /// Builds the authorization question for `action` on `resource_arn`
    /// (the stored key or secret when there is one) and hands it to `judge`.
    fn with_access_request<R>(
        &self,
        ctx: &CallContext,
        action: &str,
        resource_arn: &str,
        judge: impl FnOnce(&AccessRequest<'_>) -> R,
    ) -> AwsResult<R> {
        // `service:Action`: a colon neither first nor last.
        if action.bytes().position(|b| b == b':').is_none_or(|colon| colon == 0 || colon + 1 == action.len()) {
            return Err(AwsError::validation(format!("action {action:?} is not service:Action")));
        }
        if let Some(key) = self.kms.keys.get(resource_arn) {
            return Ok(judge(&crate::kms::ops::key_access_request(action, key)));
        }
        if let Some(secret) = self.secrets.secrets.get(resource_arn) {
            return Ok(judge(&crate::secrets::access::secret_access_request(action, secret)));
        }
        let account = resource_arn.split(':').nth(4).filter(|a| !a.is_empty()).unwrap_or(&ctx.caller.account);
        let kind = match resource_arn.split(':').nth(2) {
            Some("ssm") => ResourceKind::Parameter,
            _ => ResourceKind::Other,
        };
        Ok(judge(&AccessRequest::new(action, resource_arn, account, kind)))
    }

    /// Access-Analyzer-style findings for policy text used as `kind`.
    pub fn validate_policy(text: &str, kind: PolicyKind) -> Vec<Diagnostic> {
        validate(text, kind)
    }
}
