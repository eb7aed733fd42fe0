//! Envelope encryption for JS: keyring / CMM descriptions owned by JS, and
//! one-shot and incremental encrypt / decrypt on a [`WasmSimulator`].
//!
//! A KMS keyring borrows the simulator only for one call, so JS holds a
//! *description* ([`EnvelopeMaterials`]: raw AES key, KMS key ids, children,
//! and for a caching CMM the cache itself) and each call builds the live
//! keyring over a [`SharedSimulator`]. Every KMS call goes through
//! `Simulator::invoke`, so policies, key states and the audit trail apply.
//!
//! Frames are sealed by the pure-Rust AES-GCM, or, for encryptors and
//! decryptors made `hosted`, by a JS cipher (node:crypto, WebCrypto) in
//! batches: Rust plans a run of frames (IVs, AADs, prefixes, offsets; see
//! [`RECORD`]), JS runs AES-GCM over all of them in one loop, Rust takes the
//! result back ([`crate::envelope::batch`]). One crossing per batch instead of
//! one per frame. A hosted object hands JS the **derived per-message content
//! key** (HKDF output, not the data key and never a KMS key) on request; the
//! header tag, key commitment, frame order and signatures stay in Rust.

use super::{invalid, set, to_js_error, WasmSimulator};
use crate::clock::Timestamp;
use crate::envelope::batch::{body_len, BatchFrame};
use crate::envelope::cache::{CacheFront, CacheLimits, MaterialsCache};
use crate::envelope::keyring::{Keyring, KmsKeyring, MultiKeyring, RawAesKeyring, SharedSimulator};
use crate::envelope::{
    AlgorithmSuite, DecryptOptions, Decryptor, DefaultCmm, EncryptOptions, EncryptionContext, Encryptor,
    MaterialsSource, MessageInfo,
};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::rng::SeededRng;
use crate::world::CallContext;
use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// What a keyring is made of; built into a live keyring per call.
#[derive(Clone)]
enum KeyringSpec {
    RawAes { namespace: String, name: String, key: Zeroizing<Vec<u8>> },
    Kms { caller: u32, generator: Option<String>, key_ids: Vec<String>, grant_tokens: Vec<String>, discovery: bool },
    Multi { generator: Option<Box<KeyringSpec>>, children: Vec<KeyringSpec> },
}

/// A keyring, or a caching CMM over a keyring, as held by JS.
#[wasm_bindgen]
pub struct EnvelopeMaterials {
    keyring: KeyringSpec,
    cache: Option<MaterialsCache>,
}

#[wasm_bindgen]
impl EnvelopeMaterials {
    /// A raw AES keyring (128-, 192- or 256-bit wrapping key, kept in wasm memory).
    #[wasm_bindgen(js_name = rawAes)]
    pub fn raw_aes(namespace: String, name: String, wrapping_key: &[u8]) -> Result<EnvelopeMaterials, JsValue> {
        RawAesKeyring::new(&namespace, &name, wrapping_key).map_err(|e| to_js_error(&e))?;
        let key = Zeroizing::new(wrapping_key.to_vec());
        Ok(EnvelopeMaterials { keyring: KeyringSpec::RawAes { namespace, name, key }, cache: None })
    }

    /// A KMS keyring calling the simulator as caller handle `caller`.
    pub fn kms(
        caller: u32,
        generator: Option<String>,
        key_ids: Vec<String>,
        grant_tokens: Vec<String>,
        discovery: bool,
    ) -> Result<EnvelopeMaterials, JsValue> {
        if discovery && (generator.is_some() || !key_ids.is_empty()) {
            return Err(invalid("a discovery KMS keyring takes no key ids"));
        }
        if !discovery && generator.is_none() && key_ids.is_empty() {
            return Err(invalid("a KMS keyring needs a generatorKeyId or keyIds"));
        }
        Ok(EnvelopeMaterials {
            keyring: KeyringSpec::Kms { caller, generator, key_ids, grant_tokens, discovery },
            cache: None,
        })
    }

    /// An empty multi-keyring with an optional generator; add children with `addChild`.
    pub fn multi(generator: Option<EnvelopeMaterials>) -> Result<EnvelopeMaterials, JsValue> {
        let generator = match generator {
            Some(EnvelopeMaterials { keyring, cache: None }) => Some(Box::new(keyring)),
            Some(_) => return Err(invalid("a multi-keyring's generator must be a keyring, not a CMM")),
            None => None,
        };
        Ok(EnvelopeMaterials { keyring: KeyringSpec::Multi { generator, children: Vec::new() }, cache: None })
    }

    /// Adds a child keyring to a multi-keyring.
    #[wasm_bindgen(js_name = addChild)]
    pub fn add_child(&mut self, child: &EnvelopeMaterials) -> Result<(), JsValue> {
        match (&mut self.keyring, &child.cache) {
            (KeyringSpec::Multi { children, .. }, None) => {
                children.push(child.keyring.clone());
                Ok(())
            }
            (KeyringSpec::Multi { .. }, Some(_)) => Err(invalid("a multi-keyring's children must be keyrings")),
            _ => Err(invalid("addChild needs a multi-keyring")),
        }
    }

    /// A copy of this keyring (caches are not copied).
    #[wasm_bindgen(js_name = copyKeyring)]
    pub fn copy_keyring(&self) -> EnvelopeMaterials {
        EnvelopeMaterials { keyring: self.keyring.clone(), cache: None }
    }

    /// Whether this is a caching CMM (else a keyring).
    #[wasm_bindgen(js_name = isCmm)]
    pub fn is_cmm(&self) -> bool {
        self.cache.is_some()
    }

    /// A caching CMM in front of this keyring (a copy of it; the cache starts empty).
    pub fn caching(
        &self,
        max_age_ms: f64,
        max_messages: Option<f64>,
        max_bytes: Option<f64>,
        partition: Option<String>,
        capacity: Option<u32>,
    ) -> Result<EnvelopeMaterials, JsValue> {
        if self.cache.is_some() {
            return Err(invalid("cachingMaterialsManager needs a keyring"));
        }
        let defaults = CacheLimits::default();
        let count = |v: Option<f64>, d: u64, what: &str| -> Result<u64, JsValue> {
            match v {
                None => Ok(d),
                Some(v) if v.is_finite() && v >= 1.0 => Ok(v.min(u64::MAX as f64) as u64),
                Some(_) => Err(invalid(format!("{what} must be a positive number"))),
            }
        };
        if !max_age_ms.is_finite() || max_age_ms < 1.0 {
            return Err(invalid("maxAge must be a positive number of milliseconds"));
        }
        let limits = CacheLimits {
            max_age_ms: max_age_ms.min(i64::MAX as f64) as i64,
            max_messages: count(max_messages, defaults.max_messages, "maxMessagesEncrypted")?,
            max_bytes: count(max_bytes, defaults.max_bytes, "maxBytesEncrypted")?,
            capacity: capacity.map_or(defaults.capacity, |c| c as usize),
            partition: partition.unwrap_or_default(),
        };
        let cache = MaterialsCache::new(limits).map_err(|e| to_js_error(&e))?;
        Ok(EnvelopeMaterials { keyring: self.keyring.clone(), cache: Some(cache) })
    }

    /// Cache hits and misses (all zero for a keyring).
    pub fn stats(&self) -> Object {
        let stats = self.cache.as_ref().map(MaterialsCache::stats).unwrap_or_default();
        let out = Object::new();
        set(&out, "encryptHits", &JsValue::from(stats.encrypt_hits as f64));
        set(&out, "encryptMisses", &JsValue::from(stats.encrypt_misses as f64));
        set(&out, "decryptHits", &JsValue::from(stats.decrypt_hits as f64));
        set(&out, "decryptMisses", &JsValue::from(stats.decrypt_misses as f64));
        out
    }
}

fn build_keyring<'a>(
    spec: &KeyringSpec,
    shared: &'a SharedSimulator<'_>,
    contexts: &[CallContext],
) -> AwsResult<Box<dyn Keyring + 'a>> {
    Ok(match spec {
        KeyringSpec::RawAes { namespace, name, key } => Box::new(RawAesKeyring::new(namespace, name, key)?),
        KeyringSpec::Kms { caller, generator, key_ids, grant_tokens, discovery } => {
            let ctx = contexts
                .get(*caller as usize)
                .cloned()
                .ok_or_else(|| AwsError::validation("the KMS keyring belongs to another simulator"))?;
            let client = shared.kms(ctx);
            let tokens: Vec<&str> = grant_tokens.iter().map(String::as_str).collect();
            let keyring = if *discovery {
                KmsKeyring::discovery(client)
            } else {
                let ids: Vec<&str> = key_ids.iter().map(String::as_str).collect();
                KmsKeyring::new(client, generator.as_deref(), &ids)
            };
            Box::new(keyring.with_grant_tokens(&tokens))
        }
        KeyringSpec::Multi { generator, children } => {
            let generator = match generator {
                Some(g) => Some(build_keyring(g, shared, contexts)?),
                None => None,
            };
            let children =
                children.iter().map(|c| build_keyring(c, shared, contexts)).collect::<AwsResult<Vec<_>>>()?;
            Box::new(MultiKeyring::new(generator, children)?)
        }
    })
}

/// Builds the live keyring (and cache front) and hands `f` the materials source.
fn with_source<T>(
    materials: &mut EnvelopeMaterials,
    shared: &SharedSimulator<'_>,
    contexts: &[CallContext],
    f: impl FnOnce(MaterialsSource<'_>) -> AwsResult<T>,
) -> AwsResult<T> {
    let mut keyring = build_keyring(&materials.keyring, shared, contexts)?;
    match &mut materials.cache {
        Some(cache) => {
            let mut front = CacheFront { cache, inner: DefaultCmm::new(&mut keyring) };
            f(MaterialsSource::cmm(&mut front))
        }
        None => f(MaterialsSource::keyring(&mut keyring)),
    }
}

/// Bytes per frame record in a batch plan handed to JS. Layout (little-endian):
/// `0..8` frame offset (f64: in the region when sealing, in the input when
/// opening), `8..12` content length (u32), `12` prefix length, `13` AAD
/// length, `14` where the IV starts in this record, `15` final-frame flag,
/// `16..40` the frame prefix, `40..120` the AAD. `pkg/lib/envelope.js` reads it.
const RECORD: usize = 128;
const RECORD_PREFIX: usize = 16;
const RECORD_AAD: usize = 40;

fn put(record: &mut [u8], at: usize, bytes: &[u8]) -> AwsResult<()> {
    record
        .get_mut(at..at + bytes.len())
        .ok_or_else(|| AwsError::validation("batch record overflow"))?
        .copy_from_slice(bytes);
    Ok(())
}

/// Packs a batch's frames into [`RECORD`]-byte records.
fn records(frames: &[BatchFrame], message_id: &[u8; 32]) -> AwsResult<Uint8Array> {
    let mut out = vec![0u8; frames.len() * RECORD];
    for (frame, record) in frames.iter().zip(out.chunks_exact_mut(RECORD)) {
        let prefix_len = frame.prefix_len();
        let aad = frame.aad(message_id);
        let small = |n: usize| u8::try_from(n).map_err(|_| AwsError::validation("batch record field"));
        put(record, 0, &(frame.offset as f64).to_le_bytes())?;
        put(record, 8, &frame.content_len.to_le_bytes())?;
        put(
            record,
            12,
            &[
                small(prefix_len)?,
                small(aad.len())?,
                small(RECORD_PREFIX + frame.iv_offset_in_prefix())?,
                u8::from(frame.is_final),
            ],
        )?;
        put(record, RECORD_PREFIX, frame.prefix().get(..prefix_len).unwrap_or_default())?;
        put(record, RECORD_AAD, &aad)?;
    }
    Ok(Uint8Array::from(out.as_slice()))
}

fn js_count(value: f64, what: &str) -> Result<u64, JsValue> {
    if (0.0..=9_007_199_254_740_991.0).contains(&value) && value.fract() == 0.0 {
        Ok(value as u64)
    } else {
        Err(invalid(format!("{what} must be a non-negative integer")))
    }
}

fn suite_from(id: Option<u16>) -> Result<AlgorithmSuite, JsValue> {
    match id {
        None => Ok(AlgorithmSuite::default()),
        Some(id) => AlgorithmSuite::from_id(id)
            .ok_or_else(|| invalid(format!("unsupported suiteId 0x{id:04x} (use 0x0478 or 0x0578)"))),
    }
}

fn context_from(pairs: Vec<String>) -> Result<EncryptionContext, JsValue> {
    Ok(super::context_from_pairs(pairs)?.unwrap_or_default())
}

/// The header as a JS object, shaped like `@aws-crypto`'s `messageHeader`.
fn header_to_js(info: &MessageInfo) -> Object {
    let out = Object::new();
    set(&out, "version", &JsValue::from(2));
    set(&out, "suiteId", &JsValue::from(info.suite.id()));
    set(&out, "messageId", &Uint8Array::from(info.message_id.as_slice()).into());
    let context = Object::new();
    for (k, v) in &info.context {
        set(&context, k, &v.into());
    }
    set(&out, "encryptionContext", &context.into());
    let edks = Array::new();
    for e in &info.encrypted_data_keys {
        let edk = Object::new();
        set(&edk, "providerId", &e.provider_id.as_str().into());
        set(&edk, "providerInfo", &String::from_utf8_lossy(&e.provider_info).as_ref().into());
        set(&edk, "rawInfo", &Uint8Array::from(e.provider_info.as_slice()).into());
        set(&edk, "encryptedDataKey", &Uint8Array::from(e.ciphertext.as_slice()).into());
        edks.push(&edk);
    }
    set(&out, "encryptedDataKeys", &edks.into());
    set(&out, "contentType", &JsValue::from(2));
    set(&out, "frameLength", &JsValue::from(info.frame_length));
    out
}

fn frame_length_from(frame_length: Option<u32>) -> u32 {
    frame_length.unwrap_or(EncryptOptions::default().frame_length)
}

/// An incremental encryptor (`update` then `finish`), holding at most one
/// frame; or, made with `hosted`, one whose frames a JS cipher seals in
/// batches (`planSeal` / `absorbSealed`).
#[wasm_bindgen]
pub struct EnvelopeEncryptor {
    inner: Encryptor,
    hosted: bool,
}

#[wasm_bindgen]
impl EnvelopeEncryptor {
    fn data_mode(&self) -> Result<(), JsValue> {
        if self.hosted {
            return Err(invalid("this encryptor seals through a host cipher (planSeal)"));
        }
        Ok(())
    }

    fn host_mode(&self) -> Result<(), JsValue> {
        if !self.hosted {
            return Err(invalid("this encryptor seals in wasm (update / finish)"));
        }
        Ok(())
    }

    /// Encrypts more plaintext; returns the ciphertext ready so far.
    pub fn update(&mut self, chunk: &[u8]) -> Result<Uint8Array, JsValue> {
        self.data_mode()?;
        let out = self.inner.update(chunk).map_err(|e| to_js_error(&e))?;
        Ok(Uint8Array::from(out.as_slice()))
    }

    /// Ends the message: the final frame (and footer).
    pub fn finish(&mut self) -> Result<Uint8Array, JsValue> {
        self.data_mode()?;
        let out = self.inner.finish().map_err(|e| to_js_error(&e))?;
        Ok(Uint8Array::from(out.as_slice()))
    }

    /// The message header.
    #[wasm_bindgen(js_name = messageHeader)]
    pub fn message_header(&self) -> Object {
        header_to_js(self.inner.info())
    }

    /// The frame length (cheaper than `messageHeader().frameLength`).
    #[wasm_bindgen(js_name = frameLength)]
    pub fn frame_length(&self) -> u32 {
        self.inner.info().frame_length
    }

    /// The algorithm suite id (cheaper than `messageHeader().suiteId`).
    #[wasm_bindgen(js_name = suiteId)]
    pub fn suite_id(&self) -> u16 {
        self.inner.info().suite.id()
    }

    /// Hosted only: plans the frames `more` new plaintext bytes complete
    /// (with `finish`, the final frame too). Returns `{ header, records,
    /// count, regionLength, plaintextLength, held, needsRegion }`; see
    /// [`RECORD`] for the records.
    #[wasm_bindgen(js_name = planSeal)]
    pub fn plan_seal(&mut self, more: f64, finish: bool) -> Result<Object, JsValue> {
        self.host_mode()?;
        let more = js_count(more, "the plaintext length")?;
        let batch = self.inner.plan_seal(more, finish).map_err(|e| to_js_error(&e))?;
        let out = Object::new();
        set(&out, "header", &Uint8Array::from(batch.header.as_slice()).into());
        set(&out, "records", &records(&batch.frames, &batch.message_id).map_err(|e| to_js_error(&e))?.into());
        set(&out, "count", &JsValue::from(batch.frames.len() as f64));
        set(&out, "regionLength", &JsValue::from(batch.region_len as f64));
        set(&out, "plaintextLength", &JsValue::from(batch.plaintext_len as f64));
        set(&out, "held", &JsValue::from(batch.held as f64));
        set(&out, "needsRegion", &JsValue::from(batch.needs_region));
        Ok(out)
    }

    /// Hosted only: takes back a sealed region (signed suites hash it);
    /// returns the footer when the region ended the message.
    #[wasm_bindgen(js_name = absorbSealed)]
    pub fn absorb_sealed(&mut self, region: &[u8]) -> Result<Uint8Array, JsValue> {
        self.host_mode()?;
        let footer = self.inner.absorb_sealed(region).map_err(|e| to_js_error(&e))?;
        Ok(Uint8Array::from(footer.as_slice()))
    }

    /// Hosted only: a copy of the derived per-message content key (HKDF
    /// output, never the data key) for the host's AES-GCM. The caller wipes it.
    #[wasm_bindgen(js_name = contentKey)]
    pub fn content_key(&self) -> Result<Uint8Array, JsValue> {
        self.host_mode()?;
        Ok(Uint8Array::from(self.inner.content_key().as_slice()))
    }

    /// Length of all frames of a message holding `plaintext_length` bytes
    /// (header and footer excluded), for sizing an output buffer once.
    #[wasm_bindgen(js_name = bodyLength)]
    pub fn body_length(&self, plaintext_length: f64) -> Result<f64, JsValue> {
        let n = js_count(plaintext_length, "the plaintext length")?;
        body_len(n, self.inner.info().frame_length)
            .map(|n| n as f64)
            .ok_or_else(|| invalid("the message would be too long"))
    }
}

enum DecryptState {
    /// The header is not complete yet: input kept here, no decryptor.
    Pending(Vec<u8>),
    Running(Box<Decryptor<'static>>),
    Poisoned,
}

/// An incremental decryptor; fed through `WasmSimulator.envelopeDecryptUpdate`,
/// or, made with `hosted`, through `WasmSimulator.envelopeDecryptPlan` with a
/// JS cipher opening the frames.
#[wasm_bindgen]
pub struct EnvelopeDecryptor {
    state: DecryptState,
    options: DecryptOptions,
    hosted: bool,
}

#[wasm_bindgen]
impl EnvelopeDecryptor {
    /// Ends the input; throws unless a complete, authentic message was read
    /// (and, hosted, every planned batch was confirmed).
    pub fn finish(&mut self) -> Result<Uint8Array, JsValue> {
        match &mut self.state {
            DecryptState::Running(d) => {
                let out = d.finish().map_err(|e| to_js_error(&e))?;
                Ok(Uint8Array::from(out.as_slice()))
            }
            DecryptState::Pending(_) => Err(to_js_error(&AwsError::new(
                ErrorCode::InvalidCiphertextException,
                "the message ended before its header was complete",
            ))),
            DecryptState::Poisoned => Err(to_js_error(&AwsError::invalid_ciphertext())),
        }
    }

    /// The message header, once read and authenticated (else `undefined`).
    #[wasm_bindgen(js_name = messageHeader)]
    pub fn message_header(&self) -> JsValue {
        match &self.state {
            DecryptState::Running(d) => d.info().map_or(JsValue::UNDEFINED, |i| header_to_js(i).into()),
            _ => JsValue::UNDEFINED,
        }
    }

    /// Hosted only: every tag of the last planned batch (`count` frames) verified.
    #[wasm_bindgen(js_name = confirmOpened)]
    pub fn confirm_opened(&mut self, count: u32) -> Result<(), JsValue> {
        match &mut self.state {
            DecryptState::Running(d) if self.hosted => d.confirm_opened(count as usize).map_err(|e| {
                self.state = DecryptState::Poisoned;
                to_js_error(&e)
            }),
            _ => {
                self.state = DecryptState::Poisoned;
                Err(to_js_error(&AwsError::invalid_ciphertext()))
            }
        }
    }

    /// Hosted only: a tag failed (or the host did): the decryptor is done
    /// for; returns the error to throw, which names no frame.
    #[wasm_bindgen(js_name = rejectOpened)]
    pub fn reject_opened(&mut self) -> JsValue {
        let err = match &mut self.state {
            DecryptState::Running(d) => d.reject_opened(),
            _ => AwsError::invalid_ciphertext(),
        };
        self.state = DecryptState::Poisoned;
        to_js_error(&err)
    }

    /// Hosted only, once the header is read: a copy of the derived
    /// per-message content key for the host's AES-GCM. The caller wipes it.
    #[wasm_bindgen(js_name = contentKey)]
    pub fn content_key(&self) -> Result<Uint8Array, JsValue> {
        match &self.state {
            DecryptState::Running(d) if self.hosted => d
                .content_key()
                .map(|k| Uint8Array::from(k.as_slice()))
                .ok_or_else(|| invalid("the header has not been read")),
            _ => Err(invalid("no content key: not a hosted decryptor past its header")),
        }
    }
}

#[wasm_bindgen]
impl WasmSimulator {
    /// Draws a per-call random stream from the simulator (reproducible when seeded).
    fn envelope_rng(&mut self) -> Result<SeededRng, JsValue> {
        let mut seed = Zeroizing::new([0u8; 32]);
        self.sim.random_bytes(seed.as_mut_slice()).map_err(|e| to_js_error(&e))?;
        Ok(SeededRng::new(*seed))
    }

    /// Encrypts `plaintext` into one ESDK message in wasm: `{ result, messageHeader }`.
    #[wasm_bindgen(js_name = envelopeEncrypt)]
    pub fn envelope_encrypt(
        &mut self,
        materials: &mut EnvelopeMaterials,
        plaintext: &[u8],
        encryption_context: Vec<String>,
        suite_id: Option<u16>,
        frame_length: Option<u32>,
    ) -> Result<Object, JsValue> {
        let context = context_from(encryption_context)?;
        let options = EncryptOptions {
            suite: suite_from(suite_id)?,
            frame_length: frame_length_from(frame_length),
            plaintext_length: Some(plaintext.len() as u64),
            now: self.sim.now(),
        };
        let mut rng = self.envelope_rng()?;
        let contexts = &self.contexts;
        let shared = SharedSimulator::new(&mut self.sim);
        let (message, info) = with_source(materials, &shared, contexts, |source| {
            let mut enc = Encryptor::new(source, &context, &options, &mut rng)?;
            let mut out = enc.update(plaintext)?;
            out.extend_from_slice(&enc.finish()?);
            Ok((out, enc.info().clone()))
        })
        .map_err(|e| to_js_error(&e))?;
        let out = Object::new();
        set(&out, "result", &Uint8Array::from(message.as_slice()).into());
        set(&out, "messageHeader", &header_to_js(&info).into());
        Ok(out)
    }

    /// Decrypts one whole message in wasm: `{ plaintext, messageHeader }`.
    /// Nothing is returned unless every tag (and a 0x0578 signature) verified
    /// and every `expected_context` pair is in the message's context.
    #[wasm_bindgen(js_name = envelopeDecrypt)]
    pub fn envelope_decrypt(
        &mut self,
        materials: &mut EnvelopeMaterials,
        message: &[u8],
        max_frame_length: Option<u32>,
        max_encrypted_data_keys: Option<u32>,
        expected_context: Vec<String>,
    ) -> Result<Object, JsValue> {
        let options = decrypt_options(self.sim.now(), max_frame_length, max_encrypted_data_keys, expected_context)?;
        let contexts = &self.contexts;
        let shared = SharedSimulator::new(&mut self.sim);
        let (plaintext, info) = with_source(materials, &shared, contexts, |source| {
            let mut dec = Decryptor::new(source, options);
            let mut plaintext = Zeroizing::new(dec.update(message)?);
            plaintext.extend_from_slice(&dec.finish()?);
            let info = dec.info().cloned().ok_or_else(AwsError::invalid_ciphertext)?;
            Ok((plaintext, info))
        })
        .map_err(|e| to_js_error(&e))?;
        let out = Object::new();
        set(&out, "plaintext", &Uint8Array::from(plaintext.as_slice()).into());
        set(&out, "messageHeader", &header_to_js(&info).into());
        Ok(out)
    }

    /// Starts an incremental encryption (materials are fetched now). With
    /// `hosted`, a JS cipher seals the frames in batches (`planSeal`).
    #[wasm_bindgen(js_name = envelopeEncryptor)]
    pub fn envelope_encryptor(
        &mut self,
        materials: &mut EnvelopeMaterials,
        encryption_context: Vec<String>,
        suite_id: Option<u16>,
        frame_length: Option<u32>,
        plaintext_length: Option<f64>,
        hosted: bool,
    ) -> Result<EnvelopeEncryptor, JsValue> {
        let context = context_from(encryption_context)?;
        let plaintext_length = match plaintext_length {
            Some(n) => Some(js_count(n, "plaintextLength")?),
            None => None,
        };
        let options = EncryptOptions {
            suite: suite_from(suite_id)?,
            frame_length: frame_length_from(frame_length),
            plaintext_length,
            now: self.sim.now(),
        };
        let mut rng = self.envelope_rng()?;
        let contexts = &self.contexts;
        let shared = SharedSimulator::new(&mut self.sim);
        let inner =
            with_source(materials, &shared, contexts, |source| Encryptor::new(source, &context, &options, &mut rng))
                .map_err(|e| to_js_error(&e))?;
        Ok(EnvelopeEncryptor { inner, hosted })
    }

    /// Starts an incremental decryption. With `hosted`, a JS cipher opens the
    /// frames in batches (`envelopeDecryptPlan`).
    #[wasm_bindgen(js_name = envelopeDecryptor)]
    pub fn envelope_decryptor(
        &self,
        max_frame_length: Option<u32>,
        max_encrypted_data_keys: Option<u32>,
        expected_context: Vec<String>,
        hosted: bool,
    ) -> Result<EnvelopeDecryptor, JsValue> {
        Ok(EnvelopeDecryptor {
            state: DecryptState::Pending(Vec::new()),
            options: decrypt_options(Timestamp(0), max_frame_length, max_encrypted_data_keys, expected_context)?,
            hosted,
        })
    }

    /// Feeds ciphertext to `decryptor`; returns the plaintext of every frame
    /// completed and verified so far. `materials` is used until the header is read.
    #[wasm_bindgen(js_name = envelopeDecryptUpdate)]
    pub fn envelope_decrypt_update(
        &mut self,
        decryptor: &mut EnvelopeDecryptor,
        materials: &mut EnvelopeMaterials,
        chunk: &[u8],
    ) -> Result<Uint8Array, JsValue> {
        if decryptor.hosted {
            decryptor.state = DecryptState::Poisoned;
            return Err(invalid("this decryptor opens frames through a host cipher (envelopeDecryptPlan)"));
        }
        let result = match std::mem::replace(&mut decryptor.state, DecryptState::Poisoned) {
            DecryptState::Running(mut d) => d.update(chunk).map(|out| (DecryptState::Running(d), out)),
            DecryptState::Pending(mut buf) => {
                buf.extend_from_slice(chunk);
                self.first_decrypt_step(&decryptor.options, materials, |d| d.update(&buf)).map(|(running, out)| {
                    // Header still incomplete: nothing was consumed; keep the input.
                    (running.map_or(DecryptState::Pending(buf), DecryptState::Running), out)
                })
            }
            DecryptState::Poisoned => Err(AwsError::invalid_ciphertext()),
        };
        match result {
            Ok((state, out)) => {
                decryptor.state = state;
                let out = Zeroizing::new(out);
                Ok(Uint8Array::from(out.as_slice()))
            }
            Err(e) => Err(to_js_error(&e)),
        }
    }

    /// Hosted: parses `input` (the bytes JS holds: its unconsumed tail plus
    /// new data) without decrypting; returns `{ records, count, consumed,
    /// need, plaintextLength }`. JS opens the frames, then calls
    /// `confirmOpened(count)` or `rejectOpened()`, and keeps `input[consumed..]`.
    #[wasm_bindgen(js_name = envelopeDecryptPlan)]
    pub fn envelope_decrypt_plan(
        &mut self,
        decryptor: &mut EnvelopeDecryptor,
        materials: &mut EnvelopeMaterials,
        input: &[u8],
    ) -> Result<Object, JsValue> {
        if !decryptor.hosted {
            decryptor.state = DecryptState::Poisoned;
            return Err(invalid("this decryptor opens frames in wasm (envelopeDecryptUpdate)"));
        }
        let result = match std::mem::replace(&mut decryptor.state, DecryptState::Poisoned) {
            DecryptState::Running(mut d) => d.plan_open(input).map(|batch| (DecryptState::Running(d), batch)),
            DecryptState::Pending(_) => {
                self.first_decrypt_step(&decryptor.options, materials, |d| d.plan_open(input)).map(
                    |(running, batch)| {
                        // Header still incomplete: JS keeps the input and sends it again.
                        (running.map_or(DecryptState::Pending(Vec::new()), DecryptState::Running), batch)
                    },
                )
            }
            DecryptState::Poisoned => Err(AwsError::invalid_ciphertext()),
        };
        let (state, batch) = result.map_err(|e| to_js_error(&e))?;
        decryptor.state = state;
        let out = Object::new();
        set(&out, "records", &records(&batch.frames, &batch.message_id).map_err(|e| to_js_error(&e))?.into());
        set(&out, "count", &JsValue::from(batch.frames.len() as f64));
        set(&out, "consumed", &JsValue::from(batch.consumed as f64));
        set(&out, "need", &JsValue::from(batch.need as f64));
        set(&out, "plaintextLength", &JsValue::from(batch.plaintext_len() as f64));
        Ok(out)
    }
}

impl WasmSimulator {
    /// Runs `step` on a new decryptor for a message whose header has not been
    /// read in full yet; returns the decryptor, detached, once the header is
    /// complete (`None` while it is not), and what the step produced.
    fn first_decrypt_step<T>(
        &mut self,
        options: &DecryptOptions,
        materials: &mut EnvelopeMaterials,
        step: impl FnOnce(&mut Decryptor<'_>) -> AwsResult<T>,
    ) -> AwsResult<(Option<Box<Decryptor<'static>>>, T)> {
        let mut options = options.clone();
        options.now = self.sim.now();
        let contexts = &self.contexts;
        let shared = SharedSimulator::new(&mut self.sim);
        with_source(materials, &shared, contexts, |source| {
            let mut d = Decryptor::new(source, options);
            let out = step(&mut d)?;
            Ok((d.detach().ok().map(Box::new), out))
        })
    }
}

fn decrypt_options(
    now: Timestamp,
    max_frame_length: Option<u32>,
    max_edks: Option<u32>,
    expected_context: Vec<String>,
) -> Result<DecryptOptions, JsValue> {
    Ok(DecryptOptions {
        expected_context: super::context_from_pairs(expected_context)?,
        max_encrypted_data_keys: max_edks.map(|n| n as usize),
        now,
        max_frame_length,
    })
}
