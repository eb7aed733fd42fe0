// AES-256-GCM frames through WebCrypto (`crypto.subtle`): asynchronous, so
// only the asynchronous envelope API uses it (encryptAsync / decryptAsync and
// the Web streams). Browsers expose `crypto.subtle` only in secure contexts
// (https, http://localhost, http://127.0.0.1); elsewhere this is `null` and
// the envelope falls back to AES-GCM in wasm (same bytes, slower).
//
// The key imported here is the derived per-message content key (HKDF output,
// never the data key or a KMS key) as a non-extractable CryptoKey; the raw
// copy is zeroed as soon as importKey has taken it (it copies synchronously).
// WebCrypto's AES-GCM decrypt releases nothing unless the tag verifies.

const subtle = globalThis.crypto?.subtle ?? null;

function params(iv, aad) {
  // WebCrypto copies iv and additionalData when the call is made.
  return { name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 };
}

/** The WebCrypto frame engine (see pkg/lib/envelope.js), or null without `crypto.subtle`. */
export const webCryptoEngine = subtle && {
  name: 'webcrypto',
  sync: false,
  importKey(raw) {
    try {
      return subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    } finally {
      raw.fill(0);
    }
  },
  /** A CryptoKey cannot be wiped; dropping the reference is all there is. */
  dropKey() {},
  /** Writes ciphertext‖tag of `plaintext` at `dst[at..]`. */
  async seal(key, iv, aad, plaintext, dst, at) {
    dst.set(new Uint8Array(await subtle.encrypt(params(iv, aad), key, plaintext)), at);
  },
  /** Verifies `sealed` (ciphertext‖tag) and writes its plaintext at `dst[at..]`; rejects on a bad tag. */
  async open(key, iv, aad, sealed, dst, at) {
    dst.set(new Uint8Array(await subtle.decrypt(params(iv, aad), key, sealed)), at);
  },
};
