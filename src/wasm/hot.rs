//! The hot KMS paths — Encrypt, Decrypt, GenerateDataKey — over a buffer in
//! wasm memory that JS writes requests into and reads results from.
//!
//! On a 32-byte Encrypt, wasm-bindgen's general conversions cost more than
//! the cryptography: every string crosses with its own allocation and
//! transcoding, every result field is one more JS call. Here one call carries
//! a whole operation. JS (`pkg/lib/hot.js`) writes the request frame at the
//! start of the buffer; Rust parses it into the ordinary request type, runs
//! it through [`crate::simulator::Simulator::invoke`] like every other call
//! (authorization, audit, failure atomicity), and writes the response frame
//! over it.
//!
//! Frames (lengths are little-endian u32):
//!
//! ```text
//! request   key id | data | (len key, len value)* context pairs   lengths passed as arguments
//! response  u8 n | key ARN (n bytes; none when n = 0: the same ARN as the previous response) | payload
//!           Encrypt: blob; Decrypt: plaintext; GenerateDataKey: u32 plaintext length | plaintext | blob
//! ```
//!
//! The buffer never moves during a call: it holds at least [`HOT_MIN`] bytes,
//! more than any response, so JS keeps the address it got from
//! `hotBuffer` until it asks for more room.

use super::{invalid, to_js_error, WasmSimulator};
use crate::bytes::SecretBytes;
use crate::kms::ops::{Decrypt, DecryptRequest, Encrypt, EncryptRequest, GenerateDataKey, GenerateDataKeyRequest};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use zeroize::Zeroize;

/// The buffer's least size: above the largest response (an Encrypt of 4,096
/// bytes under a 255-byte ARN is under 4,700 bytes).
pub(super) const HOT_MIN: usize = 16 * 1024;

/// The buffer itself, owned by one [`WasmSimulator`], and the key ARN of
/// the last response (JS keeps its decoded text: repeating it is one byte).
pub(super) struct HotBuffer(Vec<u8>, String);

impl Default for HotBuffer {
    fn default() -> Self {
        HotBuffer(vec![0; HOT_MIN], String::new())
    }
}

impl Drop for HotBuffer {
    fn drop(&mut self) {
        // Plaintexts pass through it.
        self.0.zeroize();
    }
}

/// Splits `len` bytes off the front of `rest`.
fn take<'a>(rest: &mut &'a [u8], len: usize) -> Result<&'a [u8], JsValue> {
    let (head, tail) =
        rest.split_at_checked(len).ok_or_else(|| invalid("request frame is shorter than its lengths"))?;
    *rest = tail;
    Ok(head)
}

fn text(bytes: &[u8], field: &str) -> Result<String, JsValue> {
    std::str::from_utf8(bytes).map(str::to_string).map_err(|_| invalid(format!("{field} is not valid UTF-8")))
}

/// Reads `(u32 len, bytes)` pairs into an encryption context (`None` when empty, as the SDK omits it).
fn context(mut frame: &[u8]) -> Result<Option<BTreeMap<String, String>>, JsValue> {
    if frame.is_empty() {
        return Ok(None);
    }
    let mut map = BTreeMap::new();
    while !frame.is_empty() {
        let mut pair = [String::new(), String::new()];
        for part in &mut pair {
            let len = take(&mut frame, 4)?;
            let len = u32::from_le_bytes(len.try_into().map_err(|_| invalid("bad length"))?) as usize;
            *part = text(take(&mut frame, len)?, "EncryptionContext")?;
        }
        let [k, v] = pair;
        map.insert(k, v);
    }
    Ok(Some(map))
}

/// A parsed request frame: key id, data, context.
struct Frame {
    key_id: String,
    data: Vec<u8>,
    context: Option<BTreeMap<String, String>>,
}

impl HotBuffer {
    /// Parses the request frame and wipes it from the buffer (it may hold a plaintext).
    fn read(&mut self, key_id_len: usize, data_len: usize, context_len: usize) -> Result<Frame, JsValue> {
        let total = key_id_len
            .checked_add(data_len)
            .and_then(|n| n.checked_add(context_len))
            .ok_or_else(|| invalid("request frame is too long"))?;
        let region = self.0.get_mut(..total).ok_or_else(|| invalid("request frame is longer than the buffer"))?;
        let mut rest: &[u8] = region;
        let parsed = (|| {
            let key_id = text(take(&mut rest, key_id_len)?, "KeyId")?;
            let data = take(&mut rest, data_len)?.to_vec();
            let context = context(take(&mut rest, context_len)?)?;
            Ok(Frame { key_id, data, context })
        })();
        region.zeroize();
        parsed
    }

    /// Writes a response frame: `u8 n | arn | parts…` (`0` alone for the last ARN again); returns its length.
    fn write(&mut self, arn: &str, parts: &[&[u8]]) -> Result<usize, JsValue> {
        let repeated = crate::policy::compare::same_bytes(arn.as_bytes(), self.1.as_bytes());
        let arn_text = if repeated { "" } else { arn };
        let arn_len = u8::try_from(arn_text.len()).map_err(|_| invalid("key ARN is too long"))?;
        let len = 1 + arn_text.len() + parts.iter().map(|p| p.len()).sum::<usize>();
        let out = self.0.get_mut(..len).ok_or_else(|| invalid("response is larger than the buffer"))?;
        let (first, mut rest) = out.split_at_mut(1);
        first.copy_from_slice(&[arn_len]);
        for part in std::iter::once(arn_text.as_bytes()).chain(parts.iter().copied()) {
            let (dst, tail) = rest.split_at_mut(part.len());
            dst.copy_from_slice(part);
            rest = tail;
        }
        if !repeated {
            arn.clone_into(&mut self.1);
        }
        Ok(len)
    }
}

#[wasm_bindgen]
impl WasmSimulator {
    /// The address of this simulator's hot buffer, grown to at least `len` bytes first.
    #[wasm_bindgen(js_name = hotBuffer)]
    pub fn hot_buffer(&mut self, len: usize) -> usize {
        if len > self.hot.0.len() {
            self.hot.0.zeroize();
            self.hot.0 = vec![0; len];
        }
        self.hot.0.as_ptr() as usize
    }

    /// The hot buffer's size in bytes.
    #[wasm_bindgen(js_name = hotCapacity)]
    pub fn hot_capacity(&self) -> usize {
        self.hot.0.len()
    }

    /// `Encrypt`: request frame `key id | plaintext | context`; response payload: the blob.
    #[wasm_bindgen(js_name = hotEncrypt)]
    pub fn hot_encrypt(
        &mut self,
        caller: u32,
        key_id_len: usize,
        plaintext_len: usize,
        context_len: usize,
    ) -> Result<usize, JsValue> {
        let frame = self.hot.read(key_id_len, plaintext_len, context_len)?;
        let ctx = super::caller_context(&self.contexts, caller)?;
        let request = EncryptRequest {
            key_id: frame.key_id,
            plaintext: SecretBytes::new(frame.data),
            encryption_context: frame.context,
            ..Default::default()
        };
        let response = self.sim.invoke::<Encrypt>(ctx, request).map_err(|e| to_js_error(&e))?;
        self.hot.write(&response.key_id, &[&response.ciphertext_blob.0])
    }

    /// `Decrypt`: request frame `key id (may be empty) | blob | context`; response payload: the plaintext.
    #[wasm_bindgen(js_name = hotDecrypt)]
    pub fn hot_decrypt(
        &mut self,
        caller: u32,
        key_id_len: usize,
        blob_len: usize,
        context_len: usize,
    ) -> Result<usize, JsValue> {
        let frame = self.hot.read(key_id_len, blob_len, context_len)?;
        let ctx = super::caller_context(&self.contexts, caller)?;
        let request = DecryptRequest {
            ciphertext_blob: frame.data.into(),
            encryption_context: frame.context,
            key_id: (key_id_len > 0).then_some(frame.key_id),
            ..Default::default()
        };
        let response = self.sim.invoke::<Decrypt>(ctx, request).map_err(|e| to_js_error(&e))?;
        self.hot.write(&response.key_id, &[response.plaintext.expose()])
    }

    /// `GenerateDataKey`: request frame `key id | (nothing) | context`, with `KeySpec`
    /// (`""` when absent) and `NumberOfBytes` (negative when absent) as arguments;
    /// response payload: `u32 plaintext length | plaintext | blob`.
    #[wasm_bindgen(js_name = hotGenerateDataKey)]
    pub fn hot_generate_data_key(
        &mut self,
        caller: u32,
        key_id_len: usize,
        context_len: usize,
        key_spec: &str,
        number_of_bytes: f64,
    ) -> Result<usize, JsValue> {
        let frame = self.hot.read(key_id_len, 0, context_len)?;
        let ctx = super::caller_context(&self.contexts, caller)?;
        let request = GenerateDataKeyRequest {
            key_id: frame.key_id,
            key_spec: (!key_spec.is_empty()).then(|| key_spec.to_string()),
            // Out-of-range numbers saturate and then fail the operation's own 1–1,024 check.
            number_of_bytes: (number_of_bytes >= 0.0).then_some(number_of_bytes as i64),
            encryption_context: frame.context,
            ..Default::default()
        };
        let response = self.sim.invoke::<GenerateDataKey>(ctx, request).map_err(|e| to_js_error(&e))?;
        let plaintext = response.plaintext.expose();
        let plaintext_len = u32::try_from(plaintext.len()).map_err(|_| invalid("data key is too long"))?;
        self.hot.write(&response.key_id, &[&plaintext_len.to_le_bytes(), plaintext, &response.ciphertext_blob.0])
    }
}

/// The module's linear memory, for JS to read and write hot buffers.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}
