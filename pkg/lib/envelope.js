// Envelope encryption (AWS Encryption SDK message format v2) over a simulator:
// keyrings, the caching CMM, one-shot and streaming encrypt / decrypt.
//
// AES paths: the header, key derivation, key commitment, framing and
// signatures always run in Rust (wasm). Each frame's AES-256-GCM seal/open
// (frames of 2 KiB or more; the header tag and smaller frames are cheaper in
// wasm than a call into JS) runs in node:crypto when the Node entry
// registered it (the default there),
// else in the pure-Rust AES-GCM inside wasm (browsers: WebCrypto is async and
// the frame cipher is synchronous, so browsers use the wasm path). With the
// platform path the derived per-message content key (HKDF output; never the
// data key or a KMS key) is handed to node:crypto for every frame and zeroed
// in JS right after. Both paths produce byte-identical messages.

const platform = { cipher: null, name: null, nodeTransform: null };

/**
 * Registers a synchronous frame cipher (`{ seal, open }`) and, optionally, a
 * Node `stream.Transform` factory. Called by the Node entry point.
 * @internal
 */
export function registerPlatform({ cipher, name, nodeTransform }) {
  platform.cipher = cipher ?? null;
  platform.name = name ?? null;
  platform.nodeTransform = nodeTransform ?? null;
}

const encoder = new TextEncoder();

function bytes(value, what) {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`${what} must be a Uint8Array, ArrayBuffer view or string`);
}

function pairs(context) {
  if (context === undefined || context === null) return [];
  if (typeof context !== 'object') throw new TypeError('encryptionContext must be an object of strings');
  const out = [];
  for (const [k, v] of Object.entries(context)) {
    if (typeof v !== 'string') throw new TypeError(`encryptionContext['${k}'] must be a string`);
    out.push(k, v);
  }
  return out;
}

/** `'platform'` (default: node:crypto where registered, else wasm) or `'wasm'`. */
function pickCipher(choice) {
  if (choice === undefined || choice === 'platform') return platform.cipher ?? undefined;
  if (choice === 'wasm') return undefined;
  throw new TypeError("cipher must be 'platform' or 'wasm'");
}

function optionalNumber(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`${what} must be a non-negative number`);
  return value;
}

/**
 * Builds `sim.envelope` for one simulator facade.
 * @param {object} sim the Simulator facade (for `_fast`: its wasm object and caller handle)
 * @param {object} glue the wasm-bindgen module
 */
export function makeEnvelope(sim, glue) {
  const { EnvelopeMaterials } = glue;
  const wasm = () => sim._fast.wasm;

  class Keyring {
    /** @internal */
    constructor(materials, kind) {
      this._materials = materials;
      this.kind = kind;
    }
  }

  class CachingMaterialsManager {
    /** @internal */
    constructor(materials) {
      this._materials = materials;
      this.kind = 'caching-cmm';
    }
    /** `{ encryptHits, encryptMisses, decryptHits, decryptMisses }`. */
    stats() {
      return this._materials.stats();
    }
  }

  function materialsOf(keyringOrCmm) {
    const m = keyringOrCmm?._materials;
    if (!(m instanceof EnvelopeMaterials)) throw new TypeError('expected a keyring or materials manager from sim.envelope');
    return m;
  }

  function rawAesKeyring({ keyNamespace, keyName, wrappingKey } = {}) {
    if (typeof keyNamespace !== 'string' || typeof keyName !== 'string') throw new TypeError('keyNamespace and keyName must be strings');
    return new Keyring(EnvelopeMaterials.rawAes(keyNamespace, keyName, bytes(wrappingKey, 'wrappingKey')), 'raw-aes');
  }

  function kmsKeyring({ generatorKeyId, keyIds = [], grantTokens = [], discovery = false } = {}) {
    return new Keyring(
      EnvelopeMaterials.kms(sim._fast.caller, generatorKeyId ?? undefined, [...keyIds], [...grantTokens], Boolean(discovery)),
      'kms',
    );
  }

  function multiKeyring({ generator, children = [] } = {}) {
    const multi = EnvelopeMaterials.multi(generator ? cloneOf(generator) : undefined);
    for (const child of children) multi.addChild(materialsOf(child));
    return new Keyring(multi, 'multi');
  }

  // `multi(generator)` takes ownership on the Rust side, so hand it a copy.
  function cloneOf(keyring) {
    const m = materialsOf(keyring);
    if (m.isCmm()) throw new TypeError("a multi-keyring's generator must be a keyring");
    return m.copyKeyring();
  }

  function cachingMaterialsManager(keyring, { maxAge, maxMessagesEncrypted, maxBytesEncrypted, partition, capacity } = {}) {
    if (typeof maxAge !== 'number') throw new TypeError('maxAge (milliseconds) is required');
    return new CachingMaterialsManager(
      materialsOf(keyring).caching(maxAge, maxMessagesEncrypted, maxBytesEncrypted, partition, capacity),
    );
  }

  /** One-shot encrypt: `{ result, messageHeader }`. */
  function encrypt(keyringOrCmm, plaintext, { encryptionContext, suiteId, frameLength, cipher } = {}) {
    return wasm().envelopeEncrypt(
      materialsOf(keyringOrCmm), bytes(plaintext, 'plaintext'), pairs(encryptionContext),
      suiteId, frameLength, pickCipher(cipher),
    );
  }

  /** One-shot decrypt: `{ plaintext, messageHeader }`; throws before releasing anything unauthentic. */
  function decrypt(keyringOrCmm, message, { maxFrameLength, maxEncryptedDataKeys, cipher } = {}) {
    return wasm().envelopeDecrypt(
      materialsOf(keyringOrCmm), bytes(message, 'message'), maxFrameLength, maxEncryptedDataKeys, pickCipher(cipher),
    );
  }

  /** An incremental encryptor: `update(chunk)`, `finish()`, `messageHeader()`. */
  function encryptor(keyringOrCmm, { encryptionContext, suiteId, frameLength, plaintextLength, cipher } = {}) {
    const inner = wasm().envelopeEncryptor(
      materialsOf(keyringOrCmm), pairs(encryptionContext), suiteId, frameLength,
      optionalNumber(plaintextLength, 'plaintextLength'), pickCipher(cipher),
    );
    return {
      update: (chunk) => inner.update(bytes(chunk, 'chunk')),
      finish: () => { try { return inner.finish(); } finally { inner.free(); } },
      messageHeader: () => inner.messageHeader(),
      abort: () => inner.free(),
    };
  }

  /**
   * An incremental decryptor. For 0x0578, frames are released before the
   * signature is checked; only `finish()` returning proves it (as in the
   * official SDKs' streaming APIs).
   */
  function decryptor(keyringOrCmm, { maxFrameLength, maxEncryptedDataKeys, cipher } = {}) {
    const materials = materialsOf(keyringOrCmm);
    const w = wasm();
    const inner = w.envelopeDecryptor(maxFrameLength, maxEncryptedDataKeys, pickCipher(cipher));
    return {
      update: (chunk) => w.envelopeDecryptUpdate(inner, materials, bytes(chunk, 'chunk')),
      finish: () => { try { return inner.finish(); } finally { inner.free(); } },
      messageHeader: () => inner.messageHeader(),
      abort: () => inner.free(),
    };
  }

  // Splits big chunks so one call never holds more than this much output.
  const SLICE = 1 << 20;

  function drive(core, chunk, push) {
    const data = bytes(chunk, 'chunk');
    for (let at = 0; at < data.length || at === 0; at += SLICE) {
      const out = core.update(data.subarray(at, Math.min(at + SLICE, data.length)));
      if (out.length) push(out);
      if (data.length === 0) break;
    }
    return data.length;
  }

  function progress(onProgress, totalBytes) {
    let bytesDone = 0;
    return (n) => {
      bytesDone += n;
      if (onProgress) onProgress(totalBytes === undefined ? { bytesDone } : { bytesDone, totalBytes });
    };
  }

  function transformStream(makeCore, { onProgress, totalBytes }) {
    let core;
    const step = progress(onProgress, totalBytes);
    return new TransformStream({
      start() { core = makeCore(); },
      transform(chunk, controller) {
        try {
          step(drive(core, chunk, (out) => controller.enqueue(out)));
        } catch (err) {
          core.abort();
          throw err;
        }
      },
      flush(controller) {
        const out = core.finish();
        if (out.length) controller.enqueue(out);
      },
    });
  }

  /** A Web Streams `TransformStream` from plaintext to one ESDK message. */
  function encryptStream(keyringOrCmm, options = {}) {
    return transformStream(() => encryptor(keyringOrCmm, options), { ...options, totalBytes: options.plaintextLength });
  }

  /** A Web Streams `TransformStream` from an ESDK message to plaintext. */
  function decryptStream(keyringOrCmm, options = {}) {
    return transformStream(() => decryptor(keyringOrCmm, options), options);
  }

  function nodeStream(makeCore, { onProgress, totalBytes }) {
    if (!platform.nodeTransform) throw new Error('Node streams are only available from the Node entry point');
    const core = makeCore();
    return platform.nodeTransform({ core, drive, step: progress(onProgress, totalBytes) });
  }

  return {
    rawAesKeyring,
    kmsKeyring,
    multiKeyring,
    cachingMaterialsManager,
    encrypt,
    decrypt,
    encryptor,
    decryptor,
    encryptStream,
    decryptStream,
    /** Node only: a `stream.Transform` from plaintext to one message. */
    encryptNodeStream: (k, options = {}) =>
      nodeStream(() => encryptor(k, options), { ...options, totalBytes: options.plaintextLength }),
    /** Node only: a `stream.Transform` from a message to plaintext. */
    decryptNodeStream: (k, options = {}) => nodeStream(() => decryptor(k, options), options),
    /** Which frame cipher `'platform'` means here: `'node:crypto'` or `'wasm'`. */
    get platformCipher() {
      return platform.name ?? 'wasm';
    },
  };
}
