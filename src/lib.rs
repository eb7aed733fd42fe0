//! kmsim: a simulator of AWS KMS, Secrets Manager and SSM Parameter Store,
//! with an IAM / key-policy evaluator, for Rust, Node and browsers.
//!
//! The core is plain Rust: time comes from [`clock::Clock`], randomness from
//! [`rng::EntropySource`], and every failure is an [`error::AwsError`] named
//! as AWS names it. Every front end ends in [`Simulator::invoke`]. The wasm
//! binding layer (feature `wasm`) only converts.
//!
//! ```
//! use kmsim::{kms, CallContext, Simulator};
//! let mut sim = Simulator::seeded("lab-1");
//! let ctx = CallContext::default_root();
//! let key = sim.invoke::<kms::ops::CreateKey>(&ctx, Default::default()).unwrap().key_metadata;
//! let sealed = sim
//!     .invoke::<kms::ops::Encrypt>(&ctx, kms::ops::EncryptRequest {
//!         key_id: key.key_id.clone(),
//!         plaintext: b"hello".to_vec().into(),
//!         ..Default::default()
//!     })
//!     .unwrap();
//! let opened = sim
//!     .invoke::<kms::ops::Decrypt>(&ctx, kms::ops::DecryptRequest {
//!         ciphertext_blob: sealed.ciphertext_blob,
//!         ..Default::default()
//!     })
//!     .unwrap();
//! assert_eq!(opened.plaintext.expose(), b"hello");
//! ```

pub mod audit;
pub mod bytes;
pub mod clock;
pub mod envelope;
pub mod error;
pub mod iam;
pub mod kms;
pub mod params;
pub mod policy;
pub mod protocol;
pub mod rng;
pub mod secrets;
pub mod simulator;
pub mod world;

#[cfg(feature = "wasm")]
mod wasm;

pub use error::{AwsError, AwsResult, ErrorCode};
pub use simulator::{Operation, Service, Simulator, SimulatorConfig};
pub use world::{CallContext, Caller};

/// The crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
