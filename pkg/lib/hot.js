// The hot KMS paths (Encrypt, Decrypt, GenerateDataKey): requests are written
// straight into a buffer in wasm memory and results read back from it, one
// wasm call per operation. The frame layout is documented in src/wasm/hot.rs.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SYMMETRIC_DEFAULT = 'SYMMETRIC_DEFAULT';
const NO_DATA = new Uint8Array(0);
/**
 * Ciphertext blobs are carved out of shared slabs of this size, as Node
 * carves small Buffers out of its pool: a fresh ArrayBuffer per blob costs
 * more than the rest of an Encrypt's JS side together. A slab only ever
 * holds ciphertexts (never plaintexts), so a blob's `.buffer` shows nothing
 * secret; a retained blob keeps at most one slab alive.
 */
const SLAB_SIZE = 8192;

/**
 * Hot-path operations over one WasmSimulator.
 * @param {object} wasm the WasmSimulator
 * @param {WebAssembly.Memory} memory the module's memory
 */
export function makeHotPath(wasm, memory) {
  let base = wasm.hotBuffer(0);
  let capacity = wasm.hotCapacity();
  let bytes = new Uint8Array(memory.buffer);
  let view = new DataView(memory.buffer);
  // The last key ARN read back: Rust sends it only when it changes.
  let arn = '';

  /** Makes room for `bound` bytes and refreshes the views if memory grew. */
  function prepare(bound) {
    if (bound > capacity) {
      base = wasm.hotBuffer(bound);
      capacity = wasm.hotCapacity();
    }
    refresh();
  }

  function refresh() {
    // Growing the memory detaches the old buffer (byteLength 0); reading
    // `memory.buffer` on every call would cost more than this check.
    if (bytes.byteLength === 0) {
      bytes = new Uint8Array(memory.buffer);
      view = new DataView(memory.buffer);
    }
  }

  /** Writes `s` as UTF-8 at `at`; returns the bytes written. ASCII is copied directly. */
  function writeText(s, at) {
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return encoder.encodeInto(s, bytes.subarray(at, at + 3 * n)).written;
      bytes[at + i] = c;
    }
    return n;
  }

  /** Writes the context's `(u32 len, UTF-8)` pairs at `at`; returns the bytes written. */
  function writeContext(context, at) {
    let pos = at;
    if (context) {
      for (const key in context) {
        if (!Object.hasOwn(context, key)) continue;
        const v = String(context[key]);
        const kl = writeText(key, pos + 4);
        view.setUint32(pos, kl, true);
        pos += 4 + kl;
        const vl = writeText(v, pos + 4);
        view.setUint32(pos, vl, true);
        pos += 4 + vl;
      }
    }
    return pos - at;
  }

  /** An upper bound on the context's frame size. */
  function contextBound(context) {
    let n = 0;
    if (context) for (const key in context) if (Object.hasOwn(context, key)) n += 8 + 3 * (key.length + String(context[key]).length);
    return n;
  }

  /** Reads the response frame's key ARN (empty: the same as last time); returns the payload's offset. */
  function readArn() {
    refresh();
    const n = bytes[base];
    if (n !== 0) arn = decoder.decode(bytes.subarray(base + 1, base + 1 + n));
    return base + 1 + n;
  }

  let slab = new Uint8Array(0);
  let slabUsed = 0;

  /** Copies the ciphertext at `at..end` of the response into a slab; returns its view. */
  function takeCiphertext(at, end) {
    const len = end - at;
    if (len > SLAB_SIZE >>> 2) return bytes.slice(at, end);
    if (slabUsed + len > slab.length) {
      slab = new Uint8Array(SLAB_SIZE);
      slabUsed = 0;
    }
    const out = slab.subarray(slabUsed, slabUsed + len);
    out.set(bytes.subarray(at, end));
    // Keep views 8-byte aligned, as Node's pool does.
    slabUsed += (len + 7) & ~7;
    return out;
  }

  /** Copies `len` bytes of the response out and wipes them (they may be a plaintext). */
  function takeSecret(at, len) {
    const out = bytes.slice(at, at + len);
    bytes.fill(0, at, at + len);
    return out;
  }

  /** Writes the request frame `key id | data | context`; returns [key id bytes, context bytes]. */
  function writeRequest(keyId, data, context) {
    prepare(3 * keyId.length + data.length + contextBound(context));
    const keyLen = writeText(keyId, base);
    bytes.set(data, base + keyLen);
    return [keyLen, writeContext(context, base + keyLen + data.length)];
  }

  return {
    encrypt(caller, keyId, plaintext, context) {
      const [keyLen, contextLen] = writeRequest(keyId, plaintext, context);
      const len = wasm.hotEncrypt(caller, keyLen, plaintext.length, contextLen);
      const payload = readArn();
      return { CiphertextBlob: takeCiphertext(payload, base + len), KeyId: arn, EncryptionAlgorithm: SYMMETRIC_DEFAULT };
    },

    decrypt(caller, blob, context, keyId) {
      const [keyLen, contextLen] = writeRequest(keyId ?? '', blob, context);
      const len = wasm.hotDecrypt(caller, keyLen, blob.length, contextLen);
      const payload = readArn();
      return { KeyId: arn, Plaintext: takeSecret(payload, base + len - payload), EncryptionAlgorithm: SYMMETRIC_DEFAULT };
    },

    generateDataKey(caller, keyId, keySpec, numberOfBytes, context) {
      const [keyLen, contextLen] = writeRequest(keyId, NO_DATA, context);
      const len = wasm.hotGenerateDataKey(caller, keyLen, contextLen, keySpec ?? '', numberOfBytes ?? -1);
      const payload = readArn();
      const plaintextLen = view.getUint32(payload, true);
      const plaintext = takeSecret(payload + 4, plaintextLen);
      const blob = takeCiphertext(payload + 4 + plaintextLen, base + len);
      return { CiphertextBlob: blob, Plaintext: plaintext, KeyId: arn };
    },
  };
}
