//! Envelope encryption for JS: keyring / CMM descriptions owned by JS, and
//! one-shot and incremental encrypt / decrypt on a [`WasmSimulator`].
//!
//! A KMS keyring borrows the simulator only for one call, so JS holds a
//! *description* ([`EnvelopeMaterials`]: raw AES key, KMS key ids, children,
//! and for a caching CMM the cache itself) and each call builds the live
//! keyring over a [`SharedSimulator`]. Every KMS call goes through
//! `Simulator::invoke`, so policies, key states and the audit trail apply.
//!
//! Frames are sealed by the pure-Rust AES-GCM unless JS passes a cipher
//! object (used for frames of at least [`PLATFORM_MIN_BYTES`]; the header
//! tag and smaller frames stay in wasm, where they are cheaper) `{ seal(key, iv, aad, data) -> ciphertext‖tag, open(key, iv, aad,
//! ciphertext, tag) -> plaintext }` (node:crypto in Node). That object
//! receives the **derived per-message content key** (HKDF output, not the
//! data key and never a KMS key) for every frame.

use super::{invalid, set, to_js_error, WasmSimulator};
use crate::clock::Timestamp;
use crate::envelope::cache::{CacheFront, CacheLimits, MaterialsCache};
use crate::envelope::cipher::{AesGcmFrameCipher, FrameCipher};
use crate::envelope::keyring::{Keyring, KmsKeyring, MultiKeyring, RawAesKeyring, SharedSimulator};
use crate::envelope::{
    AlgorithmSuite, DecryptOptions, Decryptor, DefaultCmm, EncryptOptions, EncryptionContext, Encryptor,
    MaterialsSource, MessageInfo,
};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::rng::SeededRng;
use crate::world::CallContext;
use js_sys::{Array, Function, Object, Uint8Array};
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

/// A frame cipher implemented by JS callbacks (node:crypto in Node).
#[derive(Clone)]
struct JsFrameCipher {
    target: JsValue,
    seal: Function,
    open: Function,
}

impl JsFrameCipher {
    fn from_js(value: &JsValue) -> Result<Option<Self>, JsValue> {
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        let get = |name: &str| -> Result<Function, JsValue> {
            js_sys::Reflect::get(value, &name.into())?
                .dyn_into::<Function>()
                .map_err(|_| invalid(format!("the frame cipher needs a '{name}' function")))
        };
        Ok(Some(JsFrameCipher { target: value.clone(), seal: get("seal")?, open: get("open")? }))
    }

    fn boxed(this: &Option<Self>) -> Box<dyn FrameCipher> {
        match this {
            Some(c) => Box::new(c.clone()),
            None => Box::new(AesGcmFrameCipher),
        }
    }
}

fn js_args(key: &[u8; 32], iv: &[u8; 12], aad: &[u8], data: &[u8]) -> Array {
    let args = Array::new();
    args.push(&Uint8Array::from(key.as_slice()));
    args.push(&Uint8Array::from(iv.as_slice()));
    args.push(&Uint8Array::from(aad));
    args.push(&Uint8Array::from(data));
    args
}

/// Below this many bytes a call into JS costs more than AES-GCM in wasm, so
/// the header tag and small frames stay in wasm (the bytes are identical).
const PLATFORM_MIN_BYTES: usize = 2048;

impl FrameCipher for JsFrameCipher {
    fn seal(&self, key: &[u8; 32], iv: &[u8; 12], aad: &[u8], buf: &mut [u8]) -> Result<[u8; 16], AwsError> {
        if buf.len() < PLATFORM_MIN_BYTES {
            return AesGcmFrameCipher.seal(key, iv, aad, buf);
        }
        let internal = |m: &str| AwsError::new(ErrorCode::KMSInternalException, format!("platform AES-GCM: {m}"));
        let out = self
            .seal
            .apply(&self.target, &js_args(key, iv, aad, buf))
            .map_err(|_| internal("seal threw"))?
            .dyn_into::<Uint8Array>()
            .map_err(|_| internal("seal must return a Uint8Array"))?;
        if out.length() as usize != buf.len() + 16 {
            return Err(internal("seal returned the wrong length"));
        }
        let split = buf.len() as u32;
        out.subarray(0, split).copy_to(buf);
        let mut tag = [0u8; 16];
        out.subarray(split, split + 16).copy_to(&mut tag);
        Ok(tag)
    }

    fn open(&self, key: &[u8; 32], iv: &[u8; 12], aad: &[u8], buf: &mut [u8], tag: &[u8; 16]) -> Result<(), AwsError> {
        if buf.len() < PLATFORM_MIN_BYTES {
            return AesGcmFrameCipher.open(key, iv, aad, buf, tag);
        }
        let args = js_args(key, iv, aad, buf);
        args.push(&Uint8Array::from(tag.as_slice()));
        let out = self
            .open
            .apply(&self.target, &args)
            .map_err(|_| AwsError::invalid_ciphertext())?
            .dyn_into::<Uint8Array>()
            .map_err(|_| AwsError::invalid_ciphertext())?;
        if out.length() as usize != buf.len() {
            return Err(AwsError::invalid_ciphertext());
        }
        out.copy_to(buf);
        Ok(())
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

/// An incremental encryptor (`update` then `finish`), holding at most one frame.
#[wasm_bindgen]
pub struct EnvelopeEncryptor {
    inner: Encryptor,
}

#[wasm_bindgen]
impl EnvelopeEncryptor {
    /// Encrypts more plaintext; returns the ciphertext ready so far.
    pub fn update(&mut self, chunk: &[u8]) -> Result<Uint8Array, JsValue> {
        let out = self.inner.update(chunk).map_err(|e| to_js_error(&e))?;
        Ok(Uint8Array::from(out.as_slice()))
    }

    /// Ends the message: the final frame (and footer).
    pub fn finish(&mut self) -> Result<Uint8Array, JsValue> {
        let out = self.inner.finish().map_err(|e| to_js_error(&e))?;
        Ok(Uint8Array::from(out.as_slice()))
    }

    /// The message header.
    #[wasm_bindgen(js_name = messageHeader)]
    pub fn message_header(&self) -> Object {
        header_to_js(self.inner.info())
    }
}

enum DecryptState {
    /// The header is not complete yet: input kept here, no decryptor.
    Pending(Vec<u8>),
    Running(Box<Decryptor<'static>>),
    Poisoned,
}

/// An incremental decryptor; fed through `WasmSimulator.envelopeDecryptUpdate`.
#[wasm_bindgen]
pub struct EnvelopeDecryptor {
    state: DecryptState,
    cipher: Option<JsFrameCipher>,
    options: DecryptOptions,
}

#[wasm_bindgen]
impl EnvelopeDecryptor {
    /// Ends the input; throws unless a complete, authentic message was read.
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
}

#[wasm_bindgen]
impl WasmSimulator {
    /// Draws a per-call random stream from the simulator (reproducible when seeded).
    fn envelope_rng(&mut self) -> Result<SeededRng, JsValue> {
        let mut seed = Zeroizing::new([0u8; 32]);
        self.sim.random_bytes(seed.as_mut_slice()).map_err(|e| to_js_error(&e))?;
        Ok(SeededRng::new(*seed))
    }

    /// Encrypts `plaintext` into one ESDK message: `{ result, messageHeader }`.
    #[wasm_bindgen(js_name = envelopeEncrypt)]
    pub fn envelope_encrypt(
        &mut self,
        materials: &mut EnvelopeMaterials,
        plaintext: &[u8],
        encryption_context: Vec<String>,
        suite_id: Option<u16>,
        frame_length: Option<u32>,
        cipher: JsValue,
    ) -> Result<Object, JsValue> {
        let cipher = JsFrameCipher::from_js(&cipher)?;
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
            let mut enc = Encryptor::with_cipher(source, &context, &options, &mut rng, JsFrameCipher::boxed(&cipher))?;
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

    /// Decrypts one whole message: `{ plaintext, messageHeader }`. Nothing is
    /// returned unless every tag (and a 0x0578 signature) verified.
    #[wasm_bindgen(js_name = envelopeDecrypt)]
    pub fn envelope_decrypt(
        &mut self,
        materials: &mut EnvelopeMaterials,
        message: &[u8],
        max_frame_length: Option<u32>,
        max_encrypted_data_keys: Option<u32>,
        cipher: JsValue,
    ) -> Result<Object, JsValue> {
        let cipher = JsFrameCipher::from_js(&cipher)?;
        let options = decrypt_options(self.sim.now(), max_frame_length, max_encrypted_data_keys);
        let contexts = &self.contexts;
        let shared = SharedSimulator::new(&mut self.sim);
        let (plaintext, info) = with_source(materials, &shared, contexts, |source| {
            let mut dec = Decryptor::with_cipher(source, options, JsFrameCipher::boxed(&cipher));
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

    /// Starts an incremental encryption (materials are fetched now).
    #[wasm_bindgen(js_name = envelopeEncryptor)]
    pub fn envelope_encryptor(
        &mut self,
        materials: &mut EnvelopeMaterials,
        encryption_context: Vec<String>,
        suite_id: Option<u16>,
        frame_length: Option<u32>,
        plaintext_length: Option<f64>,
        cipher: JsValue,
    ) -> Result<EnvelopeEncryptor, JsValue> {
        let cipher = JsFrameCipher::from_js(&cipher)?;
        let context = context_from(encryption_context)?;
        let plaintext_length = match plaintext_length {
            Some(n) if n.is_finite() && n >= 0.0 => Some(n as u64),
            Some(_) => return Err(invalid("plaintextLength must be a non-negative number")),
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
        let inner = with_source(materials, &shared, contexts, |source| {
            Encryptor::with_cipher(source, &context, &options, &mut rng, JsFrameCipher::boxed(&cipher))
        })
        .map_err(|e| to_js_error(&e))?;
        Ok(EnvelopeEncryptor { inner })
    }

    /// Starts an incremental decryption.
    #[wasm_bindgen(js_name = envelopeDecryptor)]
    pub fn envelope_decryptor(
        &self,
        max_frame_length: Option<u32>,
        max_encrypted_data_keys: Option<u32>,
        cipher: JsValue,
    ) -> Result<EnvelopeDecryptor, JsValue> {
        Ok(EnvelopeDecryptor {
            state: DecryptState::Pending(Vec::new()),
            cipher: JsFrameCipher::from_js(&cipher)?,
            options: decrypt_options(Timestamp(0), max_frame_length, max_encrypted_data_keys),
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
        let result = match std::mem::replace(&mut decryptor.state, DecryptState::Poisoned) {
            DecryptState::Running(mut d) => d.update(chunk).map(|out| (DecryptState::Running(d), out)),
            DecryptState::Pending(mut buf) => {
                buf.extend_from_slice(chunk);
                let mut options = decryptor.options.clone();
                options.now = self.sim.now();
                let cipher = JsFrameCipher::boxed(&decryptor.cipher);
                let contexts = &self.contexts;
                let shared = SharedSimulator::new(&mut self.sim);
                with_source(materials, &shared, contexts, |source| {
                    let mut d = Decryptor::with_cipher(source, options, cipher);
                    let out = d.update(&buf)?;
                    Ok(match d.detach() {
                        Ok(running) => (DecryptState::Running(Box::new(running)), out),
                        // Header still incomplete: nothing was consumed; keep the input.
                        Err(_) => (DecryptState::Pending(buf), out),
                    })
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
}

fn decrypt_options(now: Timestamp, max_frame_length: Option<u32>, max_edks: Option<u32>) -> DecryptOptions {
    DecryptOptions {
        expected_context: None,
        max_encrypted_data_keys: max_edks.map(|n| n as usize),
        now,
        max_frame_length,
    }
}
