//! The AWS IAM / KMS key-policy evaluation engine.
//!
//! * [`document`]: parse a policy once ([`PolicyDocument`]).
//! * [`conditions`], [`matching`], [`variables`], [`context`]: the policy language.
//! * [`iam`], [`org`]: the world (users, groups, roles, sessions, SCPs, RCPs).
//! * [`evaluate`]: the decision flow ([`authorize`]) and [`decision`]: its explanation.
//! * [`kms`]: grants and cross-account rules; [`managed`]: policies AWS writes.
//! * [`validate`]: Access-Analyzer-style diagnostics; [`world_doc`]: the JSON
//!   world loader; [`simulate`]: the batch simulate API.

pub mod builder;
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
pub use iam::{IamWorld, ManagedPolicy, Role, Session, Tag, User};
pub use kms::{GrantConstraints, GrantView};
pub use org::{OrgPolicyKind, Organization};
pub use simulate::{simulate_custom_policy, simulate_principal_policy, SimulationRequest, SimulationResource, SimulationResult};
pub use validate::{validate, Diagnostic, PolicyKind, Severity};
pub use world_doc::{load_world, WorldDocument};
