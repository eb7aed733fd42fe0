//! The AWS wire protocols: real AWS SDK clients, boto3 and the aws CLI talk
//! to kmsim through here, unchanged.
//!
//! [`handle`] takes one transport-neutral [`HttpRequest`] and returns one
//! [`HttpResponse`]; the Node server, the in-process SDK request handler and
//! the wasm binding only convert to and from these. It never panics.
//!
//! * **AWS JSON 1.1** (KMS, Secrets Manager, SSM): routed by `X-Amz-Target`
//!   (`TrentService.<Op>`, `secretsmanager.<Op>`, `AmazonSSM.<Op>`); errors
//!   are `{"__type": …, "message": …}` with `x-amzn-ErrorType`.
//! * **AWS Query** (IAM, STS): a form body (or query string) with
//!   `Action=…&Version=…`; the service comes from the SigV4 credential scope,
//!   else the `Host` (`iam.` / `sts.`); responses and errors are XML.
//!   Operations receive the parameters as JSON with every value a string
//!   (`A.member.N` → arrays, `A.entry.N.key/value` → objects); their JSON
//!   output becomes XML (arrays as `<member>`, numeric members named
//!   `…Date`, `…Time`, `Expiration`, `PasswordLastUsed` as ISO-8601).
//! * **Identity**: SigV4 names the access key, region and service; a
//!   [`PrincipalDirectory`] maps keys to principals. With
//!   [`ProtocolOptions::strict_auth`] the signature is verified.
//! * **Control endpoints** under `/_kmsim/` (health, clock, audit, snapshot,
//!   reset) — see [`control`].

pub mod control;
mod encoding;
mod http;
mod identity;
mod json;
mod query;
pub mod sigv4;

pub use http::{HttpRequest, HttpResponse};
pub use identity::{fallback_caller, KeyLookup, Principal, PrincipalDirectory, StaticPrincipals};

use crate::error::{AwsError, ErrorCode};
use crate::simulator::{Service, Simulator};
use crate::world::{is_region_name, CallContext, Caller, DEFAULT_REGION};
use sigv4::{SignatureInfo, VerifyFailure};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The default request body limit: 16 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The `Content-Type` of AWS JSON 1.1 responses.
pub const AMZ_JSON_1_1: &str = "application/x-amz-json-1.1";

/// How [`handle`] treats requests.
#[derive(Clone)]
pub struct ProtocolOptions {
    /// Verify SigV4 signatures and reject unknown access keys. Off by
    /// default: any (or no) signature is accepted and names the caller.
    pub strict_auth: bool,
    /// The region of calls whose signature names none (default `us-east-1`).
    pub default_region: String,
    /// Bodies longer than this are refused with HTTP 413 (default 16 MiB).
    pub max_body_bytes: usize,
    /// The client's address as the transport saw it (`aws:SourceIp`);
    /// an `X-Forwarded-For` header takes precedence.
    pub source_ip: Option<String>,
    /// Whether the request came over TLS (`aws:SecureTransport`); an
    /// `X-Forwarded-Proto` header takes precedence.
    pub secure_transport: bool,
    /// Maps access keys to principals. `None`: the simulator's own IAM access
    /// keys and STS session credentials ([`crate::iam::SimulatorPrincipals`]),
    /// then the fallback rule ([`fallback_caller`]) for keys it does not know.
    pub principals: Option<Arc<dyn PrincipalDirectory + Send + Sync>>,
    /// The request-id sequence (`x-amzn-RequestId`); clones share it.
    pub request_ids: Arc<RequestIdSequence>,
}

impl Default for ProtocolOptions {
    fn default() -> Self {
        ProtocolOptions {
            strict_auth: false,
            default_region: DEFAULT_REGION.to_string(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            source_ip: None,
            secure_transport: true,
            principals: None,
            request_ids: Arc::new(RequestIdSequence::default()),
        }
    }
}

impl std::fmt::Debug for ProtocolOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProtocolOptions")
            .field("strict_auth", &self.strict_auth)
            .field("default_region", &self.default_region)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("source_ip", &self.source_ip)
            .field("secure_transport", &self.secure_transport)
            .field("principals", &self.principals.as_ref().map(|_| "<directory>"))
            .finish_non_exhaustive()
    }
}

/// Deterministic request ids: UUID-shaped, from a counter (never from the
/// simulator's random stream, so ids do not disturb seeded runs).
#[derive(Debug)]
pub struct RequestIdSequence {
    next: AtomicU64,
}

impl Default for RequestIdSequence {
    fn default() -> Self {
        RequestIdSequence { next: AtomicU64::new(1) }
    }
}

impl RequestIdSequence {
    /// The next id: `00000000-0000-4000-a000-<counter as 12 hex digits>`.
    pub fn next_id(&self) -> String {
        let sequence = self.next.fetch_add(1, Ordering::Relaxed);
        format!("00000000-0000-4000-a000-{:012x}", sequence & 0xffff_ffff_ffff)
    }
}

/// Which protocol a request speaks and what it asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// A kmsim control endpoint under `/_kmsim/`.
    Control,
    /// AWS JSON 1.1: `service` is `None` when the target's prefix names no
    /// simulated service.
    Json {
        /// The service the target prefix names.
        service: Option<Service>,
        /// The operation after the prefix (may be empty).
        operation: String,
        /// The whole `X-Amz-Target`.
        target: String,
    },
    /// AWS Query: `action` is `None` when the request names none.
    Query {
        /// IAM or STS.
        service: Service,
        /// The `Action` parameter.
        action: Option<String>,
        /// The `Version` parameter.
        version: Option<String>,
    },
    /// Neither a target nor a form: nothing to route to.
    Unroutable,
}

/// STS actions, used to pick STS over IAM when neither the signature nor the host says.
const STS_ACTIONS: &[&str] = &[
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "DecodeAuthorizationMessage",
    "GetAccessKeyInfo",
    "GetCallerIdentity",
    "GetFederationToken",
    "GetSessionToken",
];

/// Decides which protocol and operation `request` is for (no side effects).
pub fn route(request: &HttpRequest) -> Route {
    let path = request.path_only();
    if path == "/_kmsim" || path.starts_with("/_kmsim/") {
        return Route::Control;
    }
    if let Some(target) = request.header("x-amz-target") {
        let target = target.trim();
        let (prefix, operation) = target.split_once('.').unwrap_or((target, ""));
        let service = match prefix {
            "TrentService" => Some(Service::Kms),
            "secretsmanager" => Some(Service::SecretsManager),
            "AmazonSSM" => Some(Service::Ssm),
            _ => None,
        };
        return Route::Json { service, operation: operation.to_string(), target: target.to_string() };
    }
    let params = query::request_params(request);
    let param = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let action = param("Action");
    let scope_service = sigv4::read_signature(request)
        .credential()
        .and_then(|c| Service::from_signing_name(&c.service))
        .filter(|s| matches!(s, Service::Iam | Service::Sts));
    let host = request.header("host").unwrap_or_default().trim().to_ascii_lowercase();
    let host_service = if host.starts_with("sts.") || host.starts_with("sts-") {
        Some(Service::Sts)
    } else if host.starts_with("iam.") {
        Some(Service::Iam)
    } else {
        None
    };
    let is_form =
        request.header("content-type").is_some_and(|ct| ct.to_ascii_lowercase().contains("x-www-form-urlencoded"));
    if action.is_none() && scope_service.is_none() && host_service.is_none() && !is_form {
        return Route::Unroutable;
    }
    let service = scope_service.or(host_service).unwrap_or_else(|| match &action {
        Some(a) if STS_ACTIONS.contains(&a.as_str()) => Service::Sts,
        _ => Service::Iam,
    });
    Route::Query { service, action, version: param("Version") }
}

/// Answers one HTTP request: routes it, establishes the caller from its
/// signature, runs the operation through [`Simulator::call_json`] and
/// renders the AWS-shaped response. Never panics, whatever the input.
pub fn handle(sim: &mut Simulator, request: &HttpRequest, options: &ProtocolOptions) -> HttpResponse {
    let request_id = options.request_ids.next_id();
    let response = if request.body.len() > options.max_body_bytes {
        // Refused before the body is looked at.
        too_large(&route_by_headers(request), request.body.len(), options.max_body_bytes, &request_id)
    } else {
        match &route(request) {
            Route::Control => control::handle_control(sim, request),
            Route::Json { service, operation, target } => {
                json::handle_json(sim, request, options, *service, operation, target)
            }
            Route::Query { service, action, version } => {
                query::handle_query(sim, request, options, *service, action.as_deref(), version.as_deref(), &request_id)
            }
            Route::Unroutable => json::error_response(&WireError::code(
                ErrorCode::UnknownOperationException,
                "Nothing to route: the request has no X-Amz-Target header and no Action parameter",
            )),
        }
    };
    response.with_header("x-amzn-RequestId", &request_id)
}

/// A cheap routing guess from the path and headers alone (for refusing oversize bodies).
fn route_by_headers(request: &HttpRequest) -> Route {
    let path = request.path_only();
    if path == "/_kmsim" || path.starts_with("/_kmsim/") {
        return Route::Control;
    }
    if request.header("x-amz-target").is_some() {
        return Route::Json { service: None, operation: String::new(), target: String::new() };
    }
    let host = request.header("host").unwrap_or_default().trim().to_ascii_lowercase();
    let service = if host.starts_with("sts.") { Service::Sts } else { Service::Iam };
    let is_form =
        request.header("content-type").is_some_and(|ct| ct.to_ascii_lowercase().contains("x-www-form-urlencoded"));
    if is_form || host.starts_with("sts.") || host.starts_with("iam.") {
        Route::Query { service, action: None, version: None }
    } else {
        Route::Unroutable
    }
}

fn too_large(route: &Route, length: usize, limit: usize, request_id: &str) -> HttpResponse {
    let message = format!("Request body of {length} bytes exceeds the limit of {limit} bytes");
    match route {
        Route::Query { service, .. } => {
            query::error_response(*service, &WireError::new("RequestEntityTooLarge", 413, message), request_id)
        }
        Route::Control => {
            HttpResponse::json(413, &serde_json::json!({"error": "RequestEntityTooLarge", "message": message}))
        }
        _ => json::error_response(&WireError::new("RequestEntityTooLargeException", 413, message)),
    }
}

/// An error as it goes on the wire: any name (not only [`ErrorCode`]s), a status and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WireError {
    pub(crate) name: String,
    pub(crate) status: u16,
    pub(crate) message: String,
}

impl WireError {
    pub(crate) fn new(name: &str, status: u16, message: impl Into<String>) -> Self {
        WireError { name: name.to_string(), status, message: message.into() }
    }

    pub(crate) fn code(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(code.name(), code.http_status(), message)
    }
}

impl From<AwsError> for WireError {
    fn from(error: AwsError) -> Self {
        WireError::code(error.code, error.message)
    }
}

/// Which protocol's names authentication errors take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// AWS JSON 1.1.
    Json,
    /// AWS Query.
    Query,
}

const INVALID_TOKEN_MESSAGE: &str = "The security token included in the request is invalid.";

/// Establishes who is calling from the request's signature and transport facts.
pub(crate) fn call_context(
    sim: &Simulator,
    request: &HttpRequest,
    options: &ProtocolOptions,
    dialect: Dialect,
) -> Result<CallContext, WireError> {
    let signature = sigv4::read_signature(request);
    let credential = signature.credential().cloned();
    let session_token = match &signature {
        SignatureInfo::Present(s) => s.session_token.clone(),
        _ => request.header("x-amz-security-token").map(str::to_string),
    };
    let lookup = match (&credential, &options.principals) {
        (Some(c), Some(directory)) => directory.lookup(sim, &c.access_key_id, session_token.as_deref()),
        // No directory configured: the simulator's own IAM access keys and STS sessions.
        (Some(c), None) => crate::iam::SimulatorPrincipals.lookup(sim, &c.access_key_id, session_token.as_deref()),
        (None, _) => KeyLookup::Unknown,
    };
    if lookup == KeyLookup::Expired {
        return Err(match dialect {
            Dialect::Json => {
                WireError::new("ExpiredTokenException", 400, "The security token included in the request is expired")
            }
            Dialect::Query => {
                WireError::code(ErrorCode::ExpiredToken, "The security token included in the request is expired")
            }
        });
    }
    let (caller, mfa_present) = if options.strict_auth {
        strict_identity(request, &signature, lookup, dialect)?
    } else {
        match (lookup, &credential) {
            (KeyLookup::Known(principal), _) => (principal.caller, principal.mfa_present),
            (_, Some(c)) => (fallback_caller(&c.access_key_id), None),
            (_, None) => (Caller::default_root(), None),
        }
    };
    let mut caller = caller;
    if let Some(c) = &credential {
        caller.access_key_id = Some(c.access_key_id.clone());
    }
    let region = credential
        .as_ref()
        .map(|c| c.region.as_str())
        .filter(|r| is_region_name(r))
        .unwrap_or(options.default_region.as_str());
    let mut ctx = CallContext::new(caller, region);
    ctx.mfa_present = mfa_present;
    ctx.source_ip = request
        .header("x-forwarded-for")
        .and_then(|list| list.split(',').next())
        .map(|ip| ip.trim().to_string())
        .filter(|ip| !ip.is_empty())
        .or_else(|| options.source_ip.clone());
    ctx.secure_transport = match request.header("x-forwarded-proto") {
        Some(proto) => proto.trim().eq_ignore_ascii_case("https"),
        None => options.secure_transport,
    };
    ctx.user_agent = request.header("user-agent").or_else(|| request.header("x-amz-user-agent")).map(str::to_string);
    Ok(ctx)
}

fn strict_identity(
    request: &HttpRequest,
    signature: &SignatureInfo,
    lookup: KeyLookup,
    dialect: Dialect,
) -> Result<(Caller, Option<bool>), WireError> {
    let signature = match signature {
        SignatureInfo::Absent => {
            return Err(WireError::code(ErrorCode::MissingAuthenticationToken, "Missing Authentication Token"));
        }
        SignatureInfo::Malformed { reason, .. } => {
            return Err(WireError::code(ErrorCode::IncompleteSignature, reason.clone()));
        }
        SignatureInfo::Present(signature) => signature,
    };
    let unrecognized = || match dialect {
        Dialect::Json => WireError::code(ErrorCode::UnrecognizedClientException, INVALID_TOKEN_MESSAGE),
        Dialect::Query => WireError::code(ErrorCode::InvalidClientTokenId, INVALID_TOKEN_MESSAGE),
    };
    let KeyLookup::Known(principal) = lookup else {
        return Err(unrecognized());
    };
    let Some(secret) = principal.secret_access_key.as_deref() else {
        return Err(unrecognized());
    };
    match sigv4::verify(request, signature, secret) {
        Ok(()) => Ok((principal.caller, principal.mfa_present)),
        Err(VerifyFailure::Incomplete(message)) => Err(WireError::code(ErrorCode::IncompleteSignature, message)),
        Err(VerifyFailure::Mismatch(message)) => Err(match dialect {
            Dialect::Json => WireError::code(ErrorCode::InvalidSignatureException, message),
            Dialect::Query => WireError::code(ErrorCode::SignatureDoesNotMatch, message),
        }),
    }
}
