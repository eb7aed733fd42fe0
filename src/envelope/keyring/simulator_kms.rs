//! [`KmsDataKeys`] over the simulator itself: every data-key call of a
//! [`super::KmsKeyring`] goes through [`Simulator::invoke`], so key policies,
//! grants, key states, rotation and the audit trail all apply exactly as for
//! a direct `GenerateDataKey` / `Encrypt` / `Decrypt` call.
//!
//! Two handles: [`SimulatorKms`] borrows the simulator exclusively (one
//! keyring); [`SharedSimulator`] lets several keyrings of one multi-keyring
//! share the borrow, each through its own [`SharedSimulatorKms`].

use super::kms::{KmsDataKeys, KmsGeneratedKey};
use crate::envelope::format::EncryptionContext;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::ops::{Decrypt, DecryptRequest, Encrypt, EncryptRequest, GenerateDataKey, GenerateDataKeyRequest};
use crate::simulator::Simulator;
use crate::world::CallContext;
use std::cell::RefCell;
use zeroize::Zeroizing;

/// The KMS of a simulator, called as `ctx`.
#[derive(Debug)]
pub struct SimulatorKms<'a> {
    sim: &'a mut Simulator,
    ctx: &'a CallContext,
}

impl<'a> SimulatorKms<'a> {
    /// Calls `sim`'s KMS as the caller and region of `ctx`.
    pub fn new(sim: &'a mut Simulator, ctx: &'a CallContext) -> Self {
        SimulatorKms { sim, ctx }
    }
}

/// A simulator borrowed once and shared by several keyrings, one call at a time.
#[derive(Debug)]
pub struct SharedSimulator<'s> {
    sim: RefCell<&'s mut Simulator>,
}

impl<'s> SharedSimulator<'s> {
    /// Shares `sim` for the duration of one envelope operation.
    pub fn new(sim: &'s mut Simulator) -> Self {
        SharedSimulator { sim: RefCell::new(sim) }
    }

    /// A KMS handle calling as `ctx`.
    pub fn kms(&self, ctx: CallContext) -> SharedSimulatorKms<'_, 's> {
        SharedSimulatorKms { shared: self, ctx }
    }

    /// Runs `f` with the simulator (e.g. to read its clock or draw randomness).
    pub fn with<T>(&self, f: impl FnOnce(&mut Simulator) -> AwsResult<T>) -> AwsResult<T> {
        let mut sim = self
            .sim
            .try_borrow_mut()
            .map_err(|_| AwsError::new(ErrorCode::KMSInternalException, "the simulator is already in use"))?;
        f(&mut sim)
    }
}

/// One caller's KMS handle on a [`SharedSimulator`].
#[derive(Debug)]
pub struct SharedSimulatorKms<'a, 's> {
    shared: &'a SharedSimulator<'s>,
    ctx: CallContext,
}

fn kms_context(context: &EncryptionContext) -> Option<EncryptionContext> {
    (!context.is_empty()).then(|| context.clone())
}

fn tokens(grant_tokens: &[String]) -> Option<Vec<String>> {
    (!grant_tokens.is_empty()).then(|| grant_tokens.to_vec())
}

fn generate(
    sim: &mut Simulator,
    ctx: &CallContext,
    key_id: &str,
    number_of_bytes: u32,
    context: &EncryptionContext,
    grant_tokens: &[String],
) -> AwsResult<KmsGeneratedKey> {
    let request = GenerateDataKeyRequest {
        key_id: key_id.to_owned(),
        encryption_context: kms_context(context),
        number_of_bytes: Some(i64::from(number_of_bytes)),
        grant_tokens: tokens(grant_tokens),
        ..Default::default()
    };
    let response = sim.invoke::<GenerateDataKey>(ctx, request)?;
    Ok(KmsGeneratedKey {
        plaintext: Zeroizing::new(response.plaintext.expose().to_vec()),
        ciphertext_blob: response.ciphertext_blob.0,
        key_arn: response.key_id,
    })
}

fn encrypt(
    sim: &mut Simulator,
    ctx: &CallContext,
    key_id: &str,
    plaintext: &[u8],
    context: &EncryptionContext,
    grant_tokens: &[String],
) -> AwsResult<(Vec<u8>, String)> {
    let request = EncryptRequest {
        key_id: key_id.to_owned(),
        plaintext: plaintext.to_vec().into(),
        encryption_context: kms_context(context),
        grant_tokens: tokens(grant_tokens),
        ..Default::default()
    };
    let response = sim.invoke::<Encrypt>(ctx, request)?;
    Ok((response.ciphertext_blob.0, response.key_id))
}

fn decrypt(
    sim: &mut Simulator,
    ctx: &CallContext,
    key_id: Option<&str>,
    ciphertext_blob: &[u8],
    context: &EncryptionContext,
    grant_tokens: &[String],
) -> AwsResult<(Zeroizing<Vec<u8>>, String)> {
    let request = DecryptRequest {
        ciphertext_blob: ciphertext_blob.to_vec().into(),
        encryption_context: kms_context(context),
        grant_tokens: tokens(grant_tokens),
        key_id: key_id.map(str::to_owned),
        ..Default::default()
    };
    let response = sim.invoke::<Decrypt>(ctx, request)?;
    Ok((Zeroizing::new(response.plaintext.expose().to_vec()), response.key_id))
}

impl KmsDataKeys for SimulatorKms<'_> {
    fn generate_data_key(
        &mut self,
        key_id: &str,
        number_of_bytes: u32,
        context: &EncryptionContext,
        grant_tokens: &[String],
    ) -> AwsResult<KmsGeneratedKey> {
        generate(self.sim, self.ctx, key_id, number_of_bytes, context, grant_tokens)
    }

    fn encrypt(
        &mut self,
        key_id: &str,
        plaintext: &[u8],
        context: &EncryptionContext,
        grant_tokens: &[String],
    ) -> AwsResult<(Vec<u8>, String)> {
        encrypt(self.sim, self.ctx, key_id, plaintext, context, grant_tokens)
    }

    fn decrypt(
        &mut self,
        key_id: Option<&str>,
        ciphertext_blob: &[u8],
        context: &EncryptionContext,
        grant_tokens: &[String],
    ) -> AwsResult<(Zeroizing<Vec<u8>>, String)> {
        decrypt(self.sim, self.ctx, key_id, ciphertext_blob, context, grant_tokens)
    }
}

impl KmsDataKeys for SharedSimulatorKms<'_, '_> {
    fn generate_data_key(
        &mut self,
        key_id: &str,
        number_of_bytes: u32,
        context: &EncryptionContext,
        grant_tokens: &[String],
    ) -> AwsResult<KmsGeneratedKey> {
        let ctx = &self.ctx;
        self.shared.with(|sim| generate(sim, ctx, key_id, number_of_bytes, context, grant_tokens))
    }

    fn encrypt(
        &mut self,
        key_id: &str,
        plaintext: &[u8],
        context: &EncryptionContext,
        grant_tokens: &[String],
    ) -> AwsResult<(Vec<u8>, String)> {
        let ctx = &self.ctx;
        self.shared.with(|sim| encrypt(sim, ctx, key_id, plaintext, context, grant_tokens))
    }

    fn decrypt(
        &mut self,
        key_id: Option<&str>,
        ciphertext_blob: &[u8],
        context: &EncryptionContext,
        grant_tokens: &[String],
    ) -> AwsResult<(Zeroizing<Vec<u8>>, String)> {
        let ctx = &self.ctx;
        self.shared.with(|sim| decrypt(sim, ctx, key_id, ciphertext_blob, context, grant_tokens))
    }
}
