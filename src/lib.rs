//! kmsim: a simulator of AWS KMS, Secrets Manager and SSM Parameter Store,
//! with an IAM / key-policy evaluator, for Rust, Node and browsers.
//!
//! The core is plain Rust: time comes from [`clock::Clock`], randomness from
//! [`rng::EntropySource`], and every failure is an [`error::AwsError`] named
//! as AWS names it. The wasm binding layer (feature `wasm`) only converts.

pub mod clock;
pub mod error;
pub mod policy;
pub mod rng;
pub mod world;

pub use error::{AwsError, AwsResult, ErrorCode};
