//! The CloudTrail-like audit trail.
//!
//! Every call — successful or not — appends one [`AuditEvent`] shaped like a
//! CloudTrail record. Events carry request parameters (encryption contexts
//! included) but never plaintext, secret values or key material: operations
//! build their `requestParameters` / `responseElements` from non-secret fields only.

use crate::clock::Timestamp;
use crate::kms::crypto::EncodedContext;
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;

/// Text that is usually a constant (`kms.amazonaws.com`): borrowed when it
/// is, so recording an event allocates little.
pub type Text = Cow<'static, str>;

/// Text many events name (a key's ARN, its account): recording an event
/// shares it instead of copying it.
pub type Shared = Arc<str>;

/// One CloudTrail-shaped record.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// `eventVersion`, as CloudTrail writes it.
    pub event_version: Text,
    /// Unique per simulator: derived from the sequence number, so recording
    /// an event never consumes randomness.
    pub event_id: EventId,
    /// When it happened, in simulated time.
    pub event_time: Timestamp,
    /// `kms.amazonaws.com`, `secretsmanager.amazonaws.com`, `ssm.amazonaws.com`, …
    pub event_source: Text,
    /// The operation (`Encrypt`) or service event (`RotateKey`, `DeleteKey`).
    pub event_name: Text,
    /// The region of the call.
    pub aws_region: Text,
    /// Who called (shared between the events of one caller).
    pub user_identity: Arc<UserIdentity>,
    /// `sourceIPAddress`; `AWS Internal` for service events.
    #[serde(rename = "sourceIPAddress")]
    pub source_ip_address: Text,
    /// `userAgent`.
    pub user_agent: Text,
    /// Parameters of the request, without secrets.
    pub request_parameters: RequestParameters,
    /// Non-secret response fields (null when the call failed).
    pub response_elements: Value,
    /// The resources the call touched.
    pub resources: AuditResources,
    /// The AWS exception name when the call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The exception message when the call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// `AwsApiCall` for calls, `AwsServiceEvent` for what the service did on its own.
    pub event_type: Text,
    /// Whether the operation only reads.
    pub read_only: bool,
    /// The account whose trail records it (the resource owner's for cross-account calls).
    pub recipient_account_id: Shared,
    /// `Management` (kmsim records no data events).
    pub event_category: Text,
}

/// An event's `eventID`: a sequence number, written in UUID form
/// (`00000000-0000-4000-8000-<12 hex digits>`) only when the event is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId(pub u64);

impl EventId {
    const PREFIX: &'static str = "00000000-0000-4000-8000-";
}

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{:012x}", Self::PREFIX, self.0)
    }
}

impl Serialize for EventId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        text.strip_prefix(Self::PREFIX)
            .filter(|hex| hex.len() == 12)
            .and_then(|hex| u64::from_str_radix(hex, 16).ok())
            .map(EventId)
            .ok_or_else(|| serde::de::Error::custom(format!("'{text}' is not a kmsim event id")))
    }
}

/// Region names as shared text: the regions AWS has are borrowed, so
/// recording an event for them allocates nothing.
pub fn region_text(region: &str) -> Text {
    const REGIONS: &[&str] = &[
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "ca-central-1",
        "ca-west-1",
        "mx-central-1",
        "sa-east-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-south-1",
        "me-central-1",
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-7",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "us-gov-west-1",
        "us-gov-east-1",
        "cn-north-1",
        "cn-northwest-1",
    ];
    match REGIONS.iter().find(|r| **r == region) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(region.to_string()),
    }
}

/// CloudTrail's `userIdentity` block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    /// `Root`, `IAMUser`, `AssumedRole`, `AWSService`, …
    #[serde(rename = "type")]
    pub identity_type: String,
    /// The principal's ARN (absent for service events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The principal's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The access key used, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// The service acting, for `AWSService` identities or calls made via a service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoked_by: Option<String>,
}

impl UserIdentity {
    /// The identity of a caller.
    pub fn of(ctx: &CallContext) -> Self {
        let arn = &ctx.caller.arn;
        let identity_type = if ctx.caller.is_root() {
            "Root"
        } else if arn.contains(":assumed-role/") {
            "AssumedRole"
        } else if arn.contains(":federated-user/") {
            "FederatedUser"
        } else {
            "IAMUser"
        };
        UserIdentity {
            identity_type: identity_type.to_string(),
            arn: Some(arn.clone()),
            account_id: Some(ctx.caller.account.clone()),
            access_key_id: ctx.caller.access_key_id.clone(),
            invoked_by: ctx
                .via_service
                .as_ref()
                .map(|v| v.split('.').next().unwrap_or(v).to_string() + ".amazonaws.com"),
        }
    }

    /// The identity of a service acting on its own (rotation, deletion).
    pub fn service(service_host: &str) -> Self {
        UserIdentity {
            identity_type: "AWSService".to_string(),
            arn: None,
            account_id: None,
            access_key_id: None,
            invoked_by: Some(service_host.to_string()),
        }
    }
}

/// One entry of `resources`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditResource {
    /// The resource ARN.
    #[serde(rename = "ARN")]
    pub arn: Shared,
    /// The owning account.
    #[serde(rename = "accountId")]
    pub account_id: Shared,
    /// `AWS::KMS::Key`, `AWS::SecretsManager::Secret`, `AWS::SSM::Parameter`.
    #[serde(rename = "type")]
    pub resource_type: Text,
}

/// An event's `resources`: nearly always one, kept inline so recording a
/// call allocates nothing for it. Written as a JSON array.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditResources {
    first: Option<AuditResource>,
    rest: Vec<AuditResource>,
}

impl AuditResources {
    /// Appends one.
    pub fn push(&mut self, resource: AuditResource) {
        match self.first {
            None => self.first = Some(resource),
            Some(_) => self.rest.push(resource),
        }
    }

    /// The first, if any.
    pub fn first(&self) -> Option<&AuditResource> {
        self.first.as_ref()
    }

    /// All of them, in order.
    pub fn iter(&self) -> impl Iterator<Item = &AuditResource> {
        self.first.iter().chain(&self.rest)
    }

    /// How many.
    pub fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }
}

impl FromIterator<AuditResource> for AuditResources {
    fn from_iter<I: IntoIterator<Item = AuditResource>>(iter: I) -> Self {
        let mut all = AuditResources::default();
        iter.into_iter().for_each(|r| all.push(r));
        all
    }
}

impl From<Vec<AuditResource>> for AuditResources {
    fn from(resources: Vec<AuditResource>) -> Self {
        resources.into_iter().collect()
    }
}

impl Serialize for AuditResources {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for AuditResources {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<AuditResource>::deserialize(deserializer).map(AuditResources::from)
    }
}

/// An event's `requestParameters`. The hot KMS operations keep the request's
/// values (the key id moved, the context in the canonical encoding the
/// cipher already made) and are written as JSON only when the event is
/// read: ten thousand events of maps and strings cost more to drop than the
/// calls cost to make. Everything else is JSON text already.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum RequestParameters {
    /// JSON text.
    Json(Box<RawValue>),
    /// Encrypt and Decrypt.
    #[serde(rename_all = "camelCase")]
    Crypto {
        /// `keyId`, as the request gave it.
        key_id: Option<String>,
        /// `encryptionContext`.
        encryption_context: Option<EncodedContext>,
        /// `encryptionAlgorithm`.
        encryption_algorithm: Text,
    },
    /// GenerateDataKey and GenerateDataKeyWithoutPlaintext.
    #[serde(rename_all = "camelCase")]
    DataKey {
        /// `keyId`.
        key_id: String,
        /// `encryptionContext`.
        encryption_context: Option<EncodedContext>,
        /// `numberOfBytes`.
        number_of_bytes: Option<i64>,
        /// `keySpec`.
        key_spec: Option<String>,
    },
}

impl Default for RequestParameters {
    fn default() -> Self {
        RequestParameters::Json(null_parameters())
    }
}

impl<'de> Deserialize<'de> for RequestParameters {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Read back (snapshots) as the JSON text it was written as.
        Box::<RawValue>::deserialize(deserializer).map(RequestParameters::Json)
    }
}

/// What to look for in the trail (like CloudTrail's LookupEvents).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AuditQuery {
    /// Events at or after this time.
    pub start_time: Option<Timestamp>,
    /// Events at or before this time.
    pub end_time: Option<Timestamp>,
    /// Only this operation.
    pub event_name: Option<String>,
    /// Only this service (`kms.amazonaws.com`).
    pub event_source: Option<String>,
    /// Only events touching this resource (ARN, or a key id that ends an ARN).
    pub resource: Option<String>,
    /// Only calls by this principal ARN.
    pub principal: Option<String>,
    /// Only failed (true) or successful (false) calls.
    pub failed: Option<bool>,
    /// At most this many, newest last.
    pub max_results: Option<usize>,
}

impl AuditEvent {
    /// `requestParameters` as a JSON value.
    pub fn request_parameters_value(&self) -> Value {
        match &self.request_parameters {
            RequestParameters::Json(raw) => serde_json::from_str(raw.get()).unwrap_or(Value::Null),
            typed => serde_json::to_value(typed).unwrap_or(Value::Null),
        }
    }
}

/// `null`, for events without request parameters.
pub fn null_parameters() -> Box<RawValue> {
    RawValue::from_string("null".to_string()).unwrap_or_else(|_| Box::<RawValue>::default())
}

/// Request parameters as JSON text (`null` if they cannot be serialized).
pub fn raw_parameters<T: Serialize + ?Sized>(value: &T) -> Box<RawValue> {
    serde_json::value::to_raw_value(value).unwrap_or_else(|_| null_parameters())
}

/// Whether `arn` is `wanted`, or ends in `/wanted` (a key id).
fn names_resource(arn: &str, wanted: &str) -> bool {
    arn == wanted || arn.strip_suffix(wanted).is_some_and(|head| head.ends_with('/'))
}

/// The default number of events kept; the oldest go first past it.
pub const DEFAULT_AUDIT_CAPACITY: usize = 10_000;

/// The trail: a bounded, append-only log.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditLog {
    capacity: usize,
    next_sequence: u64,
    events: VecDeque<AuditEvent>,
}

impl Default for AuditLog {
    fn default() -> Self {
        AuditLog::with_capacity(DEFAULT_AUDIT_CAPACITY)
    }
}

impl AuditLog {
    /// A log keeping at most `capacity` events (at least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        AuditLog { capacity: capacity.max(1), next_sequence: 1, events: VecDeque::new() }
    }

    /// The next event id.
    pub fn next_event_id(&mut self) -> EventId {
        let seq = self.next_sequence;
        self.next_sequence = self.next_sequence.saturating_add(1);
        EventId(seq)
    }

    /// Appends an event, dropping the oldest past capacity.
    pub fn push(&mut self, mut event: AuditEvent) {
        if event.event_id == EventId::default() {
            event.event_id = self.next_event_id();
        }
        if self.events.len() >= self.capacity {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }

    /// All events kept, oldest first.
    pub fn events(&self) -> impl Iterator<Item = &AuditEvent> {
        self.events.iter()
    }

    /// How many events are kept.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Forgets every event (the sequence keeps counting).
    pub fn clear(&mut self) {
        self.events.clear();
    }

    /// The events matching `query`, oldest first (the newest `max_results`).
    pub fn query(&self, query: &AuditQuery) -> Vec<AuditEvent> {
        let matches = |e: &&AuditEvent| {
            query.start_time.is_none_or(|t| e.event_time >= t)
                && query.end_time.is_none_or(|t| e.event_time <= t)
                && query.event_name.as_ref().is_none_or(|n| e.event_name == n.as_str())
                && query.event_source.as_ref().is_none_or(|s| e.event_source == s.as_str())
                && query.principal.as_ref().is_none_or(|p| e.user_identity.arn.as_ref() == Some(p))
                && query.failed.is_none_or(|f| e.error_code.is_some() == f)
                && query.resource.as_ref().is_none_or(|r| e.resources.iter().any(|res| names_resource(&res.arn, r)))
        };
        let found: Vec<AuditEvent> = self.events.iter().filter(matches).cloned().collect();
        match query.max_results {
            Some(max) if found.len() > max => found.into_iter().rev().take(max).rev().collect(),
            _ => found,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &'static str, at: i64, resource: &str, error: Option<&str>) -> AuditEvent {
        AuditEvent {
            event_version: "1.08".into(),
            event_id: EventId::default(),
            event_time: Timestamp(at),
            event_source: "kms.amazonaws.com".into(),
            event_name: name.into(),
            aws_region: "us-east-1".into(),
            user_identity: Arc::new(UserIdentity::of(&CallContext::default_root())),
            source_ip_address: "127.0.0.1".into(),
            user_agent: "test".into(),
            request_parameters: RequestParameters::default(),
            response_elements: Value::Null,
            resources: AuditResources::from(vec![AuditResource {
                arn: resource.into(),
                account_id: "123456789012".into(),
                resource_type: "AWS::KMS::Key".into(),
            }]),
            error_code: error.map(String::from),
            error_message: None,
            event_type: "AwsApiCall".into(),
            read_only: false,
            recipient_account_id: "123456789012".into(),
            event_category: "Management".into(),
        }
    }

    #[test]
    fn queries_filter_by_time_name_resource_and_outcome() {
        let mut log = AuditLog::with_capacity(10);
        log.push(event("Encrypt", 1, "arn:aws:kms:us-east-1:123456789012:key/a", None));
        log.push(event("Decrypt", 2, "arn:aws:kms:us-east-1:123456789012:key/b", Some("DisabledException")));
        log.push(event("Encrypt", 3, "arn:aws:kms:us-east-1:123456789012:key/b", None));
        let names = |q: AuditQuery| log.query(&q).iter().map(|e| e.event_name.clone()).collect::<Vec<_>>();
        assert_eq!(names(AuditQuery { event_name: Some("Encrypt".into()), ..Default::default() }).len(), 2);
        assert_eq!(names(AuditQuery { resource: Some("b".into()), ..Default::default() }), ["Decrypt", "Encrypt"]);
        assert_eq!(names(AuditQuery { failed: Some(true), ..Default::default() }), ["Decrypt"]);
        assert_eq!(
            names(AuditQuery { start_time: Some(Timestamp(2)), end_time: Some(Timestamp(2)), ..Default::default() }),
            ["Decrypt"]
        );
        assert_eq!(log.query(&AuditQuery { max_results: Some(1), ..Default::default() })[0].event_time, Timestamp(3));
        let ids: Vec<_> = log.events().map(|e| e.event_id).collect();
        assert_eq!(ids.len(), 3);
        assert!(ids[0] != ids[1]);
    }

    #[test]
    fn event_ids_read_and_write_their_uuid_form() {
        let text = serde_json::to_string(&EventId(255)).unwrap();
        assert_eq!(text, "\"00000000-0000-4000-8000-0000000000ff\"");
        assert_eq!(serde_json::from_str::<EventId>(&text).unwrap(), EventId(255));
        for bad in ["\"00000000-0000-4000-8000-ff\"", "\"x\"", "\"00000000-0000-4000-8000-00000000000g\""] {
            assert!(serde_json::from_str::<EventId>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn capacity_drops_the_oldest() {
        let mut log = AuditLog::with_capacity(2);
        for t in 0..5 {
            log.push(event("Encrypt", t, "k", None));
        }
        assert_eq!(log.len(), 2);
        assert_eq!(log.events().next().map(|e| e.event_time), Some(Timestamp(3)));
    }
}
