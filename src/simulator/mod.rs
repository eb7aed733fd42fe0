//! The simulator: one state, one path for every call.
//!
//! Every front end (Rust, the JS API, the AWS SDK request handler, the HTTP
//! server) ends in [`Simulator::invoke`]: catch up on work that came due on
//! the virtual clock, run the operation (which resolves ids, validates,
//! authorizes, then commits — on any error the state is untouched), and
//! append one audit event, success or failure.

mod authorize;
mod explain;
mod operation;
mod policy_text;
mod snapshot;

pub use authorize::{AccessRequest, ResourceKind};
pub(crate) use operation::{declare_operation, service_dispatch};
pub use operation::{AuditDraft, Operation, Service};
pub(crate) use policy_text::checked_policy;
pub use snapshot::{Snapshot, SNAPSHOT_FORMAT, SNAPSHOT_VERSION};

use crate::audit::{AuditEvent, AuditLog, AuditQuery, AuditResource, AuditResources, RequestParameters, UserIdentity};
use crate::clock::{Clock, Timestamp};
use crate::error::{AwsError, AwsResult};
use crate::kms::KmsState;
use crate::rng::{EntropySource, OsEntropy, SeededRng};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::sync::Arc;

/// How to build a simulator.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SimulatorConfig {
    /// A seed makes every id, key and ciphertext reproducible. Any text;
    /// numbers are given as their decimal text.
    pub seed: Option<String>,
    /// Start time (ms since the epoch). A seeded simulator without one starts
    /// at 2025-01-01T00:00:00Z.
    pub now: Option<Timestamp>,
    /// Follow the host's clock (plus whatever set/advance add). Defaults to
    /// true when neither `seed` nor `now` is given, else false (frozen).
    pub live_clock: Option<bool>,
    /// How many audit events to keep (default 10,000).
    pub audit_capacity: Option<usize>,
}

/// The whole simulated cloud.
pub struct Simulator {
    pub(crate) clock: Clock,
    pub(crate) rng: Box<dyn EntropySource>,
    pub(crate) kms: KmsState,
    pub(crate) audit: AuditLog,
    /// The last caller's audit identity, reused while the caller stays the same.
    last_identity: Option<(CallContext, Arc<UserIdentity>)>,
    // [secrets/params] Secrets Manager and Parameter Store state, and the
    // registered rotation functions (code, not state: never snapshotted).
    pub(crate) secrets: crate::secrets::SecretsState,
    pub(crate) params: crate::params::ParamsState,
    pub(crate) rotation_functions: crate::secrets::RotationRegistry,
    // [enforce] The IAM world the policy engine decides with, the IAM / STS
    // layer's own records (access keys, session credentials), and the
    // context keys the world's policies read (derived: never snapshotted).
    pub(crate) iam: crate::policy::IamWorld,
    pub(crate) identity: crate::iam::IdentityState,
    pub(crate) iam_context_keys: Vec<String>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("now", &self.clock.now())
            .field("keys", &self.kms.keys.len())
            .field("audit_events", &self.audit.len())
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// A simulator from `config`, reading live time from `time_source` when the
    /// clock is live (the wasm binding passes `Date.now()`; natively `None`
    /// means the system clock).
    pub fn with_time_source(config: &SimulatorConfig, time_source: Option<Box<dyn crate::clock::TimeSource>>) -> Self {
        let deterministic = config.seed.is_some() || config.now.is_some();
        let live = config.live_clock.unwrap_or(!deterministic);
        let mut clock = match (live, time_source) {
            (true, Some(source)) => Clock::live(source),
            #[cfg(not(target_arch = "wasm32"))]
            (true, None) => Clock::live(Box::new(crate::clock::SystemTimeSource)),
            _ => Clock::frozen(Timestamp::DEFAULT_START),
        };
        if let Some(now) = config.now {
            clock.set(now);
        }
        let rng: Box<dyn EntropySource> = match &config.seed {
            Some(seed) => Box::new(SeededRng::new(SeededRng::seed_from_text(seed))),
            None => Box::new(OsEntropy),
        };
        Simulator {
            clock,
            rng,
            kms: KmsState::default(),
            audit: AuditLog::with_capacity(config.audit_capacity.unwrap_or(crate::audit::DEFAULT_AUDIT_CAPACITY)),
            last_identity: None,
            // [secrets/params]
            secrets: Default::default(),
            params: Default::default(),
            rotation_functions: Default::default(),
            // [enforce]
            iam: Default::default(),
            identity: Default::default(),
            iam_context_keys: Vec::new(),
        }
    }

    /// A simulator from `config` (natively, a live clock reads the system time).
    pub fn new(config: &SimulatorConfig) -> Self {
        Self::with_time_source(config, None)
    }

    /// A deterministic simulator: seeded and frozen at 2025-01-01T00:00:00Z.
    pub fn seeded(seed: &str) -> Self {
        Self::new(&SimulatorConfig { seed: Some(seed.to_string()), ..Default::default() })
    }

    /// The simulated time.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Moves the clock to `at`, firing everything that comes due on the way
    /// (rotations, deletions, expiries) in time order, each audited at the
    /// simulated time AWS would have done it. Moving backwards fires nothing.
    pub fn set_time(&mut self, at: Timestamp) {
        self.run_due_work(at);
        self.clock.set(at);
    }

    /// Advances the clock by `ms` milliseconds (see [`Simulator::set_time`]).
    pub fn advance_time(&mut self, ms: i64) {
        let target = self.now().plus_millis(ms.max(0));
        self.set_time(target);
    }

    /// Fills `dest` from the simulator's entropy source.
    pub(crate) fn random_bytes(&mut self, dest: &mut [u8]) -> AwsResult<()> {
        self.rng.fill_bytes(dest)
    }

    /// A new UUID (v4 layout) from the entropy source.
    pub(crate) fn random_uuid(&mut self) -> AwsResult<String> {
        let mut bytes = [0u8; 16];
        self.random_bytes(&mut bytes)?;
        Ok(uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().to_string())
    }

    /// Runs every piece of scheduled work due at or before `until`, in time order.
    fn run_due_work(&mut self, until: Timestamp) {
        // [secrets/params] KMS, Secrets Manager and Parameter Store work
        // interleaved in time order: KMS work due up to the next Secrets
        // Manager / Parameter Store item runs first, then that item.
        loop {
            let secrets = self.secrets.next_due(until);
            let params = self.params.next_due(until);
            let secrets_at = secrets.as_ref().map(|w| w.at());
            let params_at = params.as_ref().map(|w| w.at());
            let mine = [secrets_at, params_at].into_iter().flatten().min();
            while let Some(due) = self.kms.next_due(mine.unwrap_or(until)) {
                self.kms_run_due(due);
            }
            match (secrets, params) {
                (Some(work), _) if secrets_at == mine => self.secrets_run_due(work),
                (_, Some(work)) => self.params_run_due(work),
                _ => break,
            }
        }
    }

    /// Runs one operation by its typed request: the single path every front end uses.
    pub fn invoke<O: Operation>(&mut self, ctx: &CallContext, request: O::Request) -> AwsResult<O::Response> {
        let now = self.now();
        self.run_due_work(now);
        let mut draft = AuditDraft::default();
        let result = O::run(self, ctx, request, &mut draft);
        let (response_elements, error) = match &result {
            Ok(_) => (draft.response_elements.take().unwrap_or(Value::Null), None),
            Err(e) => (Value::Null, Some(e)),
        };
        self.record_call(O::SERVICE, O::NAME, O::READ_ONLY, ctx, draft, response_elements, error);
        result
    }

    /// Runs one operation from a JSON request (AWS JSON 1.1 shapes: blobs base64,
    /// timestamps epoch seconds) and returns the JSON response.
    pub fn invoke_json<O: Operation>(&mut self, ctx: &CallContext, input: Value) -> AwsResult<Value> {
        let request = match serde_json::from_value::<O::Request>(input) {
            Ok(request) => request,
            Err(e) => {
                let error = operation::request_error(&e);
                let draft = AuditDraft::default();
                self.record_call(O::SERVICE, O::NAME, O::READ_ONLY, ctx, draft, Value::Null, Some(&error));
                return Err(error);
            }
        };
        let response = self.invoke::<O>(ctx, request)?;
        serde_json::to_value(response)
            .map_err(|_| AwsError::new(crate::ErrorCode::KMSInternalException, "response serialization failed"))
    }

    /// Runs an operation by service and name, JSON in and out (the dispatcher
    /// behind the JS API and every wire front end).
    pub fn call_json(
        &mut self,
        ctx: &CallContext,
        service: Service,
        operation: &str,
        input: Value,
    ) -> AwsResult<Value> {
        let input = if input.is_null() { Value::Object(Default::default()) } else { input };
        match service {
            Service::Kms => crate::kms::dispatch(self, ctx, operation, input),
            // [secrets/params]
            Service::SecretsManager => crate::secrets::dispatch(self, ctx, operation, input),
            Service::Ssm => crate::params::dispatch(self, ctx, operation, input),
            // [enforce]
            Service::Iam | Service::Sts => crate::iam::dispatch(self, ctx, service, operation, input),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn record_call(
        &mut self,
        service: Service,
        name: &'static str,
        read_only: bool,
        ctx: &CallContext,
        draft: AuditDraft,
        response_elements: Value,
        error: Option<&AwsError>,
    ) {
        let recipient =
            draft.resources.first().map_or_else(|| ctx.caller.account.as_str().into(), |r| r.account_id.clone());
        let request_parameters = match (draft.request_parameters_kept, draft.request_parameters) {
            (Some(kept), _) => kept,
            (None, Some(value)) => RequestParameters::Json(crate::audit::raw_parameters(&value)),
            (None, None) => RequestParameters::default(),
        };
        let event = AuditEvent {
            event_version: Cow::Borrowed("1.08"),
            event_id: self.audit.next_event_id(),
            event_time: self.now(),
            event_source: Cow::Borrowed(service.event_source()),
            event_name: Cow::Borrowed(name),
            aws_region: crate::audit::region_text(&ctx.region),
            user_identity: self.identity_of(ctx),
            source_ip_address: match (&ctx.via_service, &ctx.source_ip) {
                (Some(via), _) => {
                    Cow::Owned(via.split('.').next().unwrap_or("AWS Internal").to_string() + ".amazonaws.com")
                }
                (None, Some(ip)) => Cow::Owned(ip.clone()),
                (None, None) => Cow::Borrowed("127.0.0.1"),
            },
            user_agent: ctx.user_agent.clone().map_or(Cow::Borrowed("kmsim"), Cow::Owned),
            request_parameters,
            response_elements,
            resources: draft.resources,
            error_code: error.map(|e| e.name().to_string()),
            error_message: error.map(|e| e.message.clone()),
            event_type: Cow::Borrowed("AwsApiCall"),
            read_only,
            recipient_account_id: recipient,
            event_category: Cow::Borrowed("Management"),
        };
        self.audit.push(event);
    }

    /// The audit identity of `ctx`, shared with the previous event's when the
    /// caller is the same (the common case), so recording does not rebuild it.
    fn identity_of(&mut self, ctx: &CallContext) -> Arc<UserIdentity> {
        if let Some((cached_ctx, identity)) = &self.last_identity {
            if cached_ctx.caller == ctx.caller && cached_ctx.via_service == ctx.via_service {
                return Arc::clone(identity);
            }
        }
        let identity = Arc::new(UserIdentity::of(ctx));
        self.last_identity = Some((ctx.clone(), Arc::clone(&identity)));
        identity
    }

    /// Records something a service did on its own (rotation, deletion, expiry).
    pub(crate) fn record_service_event(
        &mut self,
        service: Service,
        name: &str,
        at: Timestamp,
        region: &str,
        resource: AuditResource,
        details: Value,
    ) {
        let event = AuditEvent {
            event_version: Cow::Borrowed("1.08"),
            event_id: self.audit.next_event_id(),
            event_time: at,
            event_source: Cow::Borrowed(service.event_source()),
            event_name: Cow::Owned(name.to_string()),
            aws_region: crate::audit::region_text(region),
            user_identity: Arc::new(UserIdentity::service(service.event_source())),
            source_ip_address: Cow::Borrowed("AWS Internal"),
            user_agent: Cow::Borrowed("AWS Internal"),
            request_parameters: RequestParameters::Json(crate::audit::raw_parameters(&details)),
            response_elements: Value::Null,
            recipient_account_id: resource.account_id.clone(),
            resources: AuditResources::from_iter([resource]),
            error_code: None,
            error_message: None,
            event_type: Cow::Borrowed("AwsServiceEvent"),
            read_only: false,
            event_category: Cow::Borrowed("Management"),
        };
        self.audit.push(event);
    }

    /// The audit events matching `query`.
    pub fn audit_events(&self, query: &AuditQuery) -> Vec<AuditEvent> {
        self.audit.query(query)
    }

    /// Forgets the audit trail.
    pub fn clear_audit(&mut self) {
        self.audit.clear();
    }
}
