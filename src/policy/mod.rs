//! The AWS IAM / KMS key-policy evaluation engine.
//!
//! * [`document`]: parse a policy once ([`PolicyDocument`]).
//! * [`conditions`], [`matching`], [`variables`], [`context`]: the policy language.
//! * [`iam`], [`org`]: the world (users, groups, roles, sessions, SCPs, RCPs).
//! * [`evaluate`]: the decision flow ([`authorize`]) and [`decision`]: its explanation.
//! * [`kms`]: grants and cross-account rules; [`managed`]: policies AWS writes.
//! * [`mod@validate`]: Access-Analyzer-style diagnostics; [`world_doc`]: the JSON
//!   world loader; [`simulate`]: the batch simulate API.
//!
//! # How the service layers use it
//!
//! * Store a key policy (secret policy, trust policy) as a [`PolicyDocument`]
//!   next to the resource: parse it once at `PutKeyPolicy`/`CreateKey` time
//!   (a parse error is the `MalformedPolicyDocumentException` to return) and
//!   clone it freely afterwards (it is an `Arc`). It serializes as its original text.
//! * Keep one [`IamWorld`] per simulator (it is plain serde data, part of the
//!   snapshot); `Default` is an empty world in which account roots still exist.
//! * Keep grants in the KMS layer's own form and build a [`GrantView`] slice
//!   for the key being used on each call (`effective` = propagated, the
//!   token as returned by `CreateGrant`).
//! * On every call: build an [`AuthorizationRequest`] (service keys such as
//!   `kms:EncryptionContext:<k>` go in `extra_context`) and call
//!   [`authorize_fast`] (outcome only) or [`authorize`] (explained); on a deny,
//!   [`Decision::access_denied_error`] is the `AccessDeniedException` to return.
//!
//! Both run the same decision flow; the outcome-only one is compiled without
//! the explanation and allocates nothing for a typical request: the caller is
//! resolved by borrowing from the world ([`IamWorld::principal`]) and context
//! keys are computed only when a condition reads them
//! ([`builder::LiveContext`]; condition keys are recognised at parse time).
//!
//! ```text
//! let decision = authorize(&world, &AuthorizationRequest {
//!     call: &call, action: "kms:Decrypt", resource_arn: &key.arn, resource_account: &key.account,
//!     resource_kind: ResourceKind::KmsKey, resource_policy: Some(&key.policy), resource_tags: &key.tags,
//!     grants: &grant_views, grant_tokens: &request.grant_tokens, extra_context: &ec_keys, now,
//! });
//! if !decision.is_allowed() { return Err(decision.access_denied_error(&request)); }
//! ```

pub mod builder;
pub(crate) mod compare;
pub mod conditions;
pub mod context;
pub mod decision;
pub mod document;
pub mod evaluate;
pub mod iam;
pub mod kms;
pub mod managed;
pub mod matching;
pub mod org;
pub mod principal;
pub mod simulate;
pub mod validate;
pub mod variables;
pub mod world_doc;

pub use context::{ContextValue, RequestContext};
pub use decision::{Decision, FlowNode, FlowStep, Outcome, PolicyType, PolicyTypeResult, TypeOutcome};
pub use document::{Effect, PolicyDocument, PolicyVersion, Statement};
pub use evaluate::{authorize, authorize_fast, AuthorizationRequest, ResourceKind};
pub use iam::{Group, IamWorld, InlinePolicy, ManagedPolicy, Role, Session, Tag, User};
pub use kms::{GrantConstraints, GrantView};
pub use managed::{aws_managed_key_policy, aws_managed_key_policy_text, default_key_policy, default_key_policy_text};
pub use org::{OrgPolicyKind, Organization};
pub use simulate::{
    simulate_custom_policy, simulate_principal_policy, SimulationRequest, SimulationResource, SimulationResult,
};
pub use validate::{validate, Diagnostic, PolicyKind, Severity};
pub use world_doc::{load_world, WorldDocument};
