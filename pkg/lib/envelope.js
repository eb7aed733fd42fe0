// Envelope encryption (AWS Encryption SDK message format v2) over a simulator:
// keyrings, the caching CMM, one-shot and streaming encrypt / decrypt.
//
// AES paths. Key derivation and commitment, the header and its tag, frame
// order and the final frame, trailing bytes and 0x0578 signatures always run
// in Rust (wasm). The bulk AES-256-GCM of the frames runs either
//   - in wasm (pure-Rust AES-GCM): `cipher: 'wasm'`, and the synchronous API
//     outside Node; or
//   - in a platform engine, many frames per call into wasm ("batches", see
//     src/envelope/batch.rs): Rust plans a run of frames (sequence numbers,
//     IVs, AADs, prefixes, offsets), the engine runs AES-GCM over all of them
//     in one loop, Rust takes the result back. Engines: node:crypto
//     (synchronous; registered by the Node entry, used by every API there) and
//     WebCrypto (asynchronous; encryptAsync / decryptAsync and the Web
//     streams wherever node:crypto is not registered).
// Both paths write byte-identical messages. An engine gets the derived
// per-message content key (HKDF output; never the data key or a KMS key) once
// per message: WebCrypto imports it as a non-extractable CryptoKey and the raw
// copy is zeroed at once; node:crypto keeps the copy and it is zeroed when the
// message ends (finish, abort or failure). On decrypt an engine writes a frame's
// plaintext only after its tag verified, and a batch is released only after
// all its frames verified; the one-shot decrypt releases nothing unless the
// whole message (every tag, the final frame, the signature) checked out.

import { webCryptoEngine } from './webcrypto-platform.js';

const platform = { engine: null, nodeTransform: null };

/**
 * Registers a synchronous frame engine (`cipher`: see pkg/lib/node-platform.js;
 * `name` is ignored, the engine names itself) and, optionally, a Node
 * `stream.Transform` factory. Called by the Node entry point.
 * @internal
 */
export function registerPlatform({ cipher, nodeTransform }) {
  if (cipher && (cipher.sync !== true || ['importKey', 'dropKey', 'seal', 'open'].some((f) => typeof cipher[f] !== 'function'))) {
    throw new TypeError('the platform cipher must be a synchronous frame engine');
  }
  platform.engine = cipher ?? null;
  platform.nodeTransform = nodeTransform ?? null;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** Bytes per frame record in a batch plan; layout in src/wasm/envelope.rs (`RECORD`). */
const RECORD = 128;
/** At most this many frames per batch (src/envelope/batch.rs `MAX_BATCH_FRAMES`). */
const MAX_BATCH_FRAMES = 16384;
/** Plaintext planned per batch. */
const BATCH_BYTES = 4 << 20;
/** Ciphertext handed to one decrypt plan (more when one item needs more). */
const WINDOW_BYTES = 4 << 20;
/** Asynchronous engines: frames in flight at once. */
const IN_FLIGHT = 256;
/** Largest 0x0578 footer: u16 length + DER ECDSA P-384 signature (at most 104 bytes). */
const MAX_FOOTER = 106;
/**
 * One-shot messages shorter than this stay in wasm even on the platform path:
 * below it the extra calls into wasm and the key import cost more than AES in
 * wasm saves (the bytes are the same either way).
 */
const PLATFORM_MIN_BYTES = 2048;

function bytes(value, what) {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`${what} must be a Uint8Array, ArrayBuffer view or string`);
}

function pairs(context, what = 'encryptionContext') {
  if (context === undefined || context === null) return [];
  if (typeof context !== 'object') throw new TypeError(`${what} must be an object of strings`);
  const out = [];
  for (const [k, v] of Object.entries(context)) {
    if (typeof v !== 'string') throw new TypeError(`${what}['${k}'] must be a string`);
    out.push(k, v);
  }
  return out;
}

function concat(parts) {
  if (parts.length === 1) return parts[0];
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `inner.free()`, at most once (finish, then abort, is allowed). */
function freeOnce(inner) {
  let freed = false;
  return () => {
    if (!freed) inner.free();
    freed = true;
  };
}

/** The error a decryptor that already failed keeps giving (its Rust side is gone). */
function invalidCiphertext(message) {
  const err = new Error(message);
  err.name = 'InvalidCiphertextException';
  return err;
}

function internalError(message) {
  const err = new Error(`kmsim envelope: ${message}`);
  err.name = 'KMSInternalException';
  return err;
}

/** Synchronous API: `'platform'` (node:crypto where registered, else wasm) or `'wasm'`. */
function pickSync(choice) {
  if (choice === undefined || choice === 'platform') return platform.engine;
  if (choice === 'wasm') return null;
  if (choice === 'webcrypto') {
    throw new TypeError("cipher 'webcrypto' is asynchronous: use encryptAsync / decryptAsync or the Web streams");
  }
  throw new TypeError("cipher must be 'platform', 'webcrypto' or 'wasm'");
}

/** Asynchronous API: `'platform'` (node:crypto, else WebCrypto, else wasm), `'webcrypto'` or `'wasm'`. */
function pickAsync(choice) {
  if (choice === undefined || choice === 'platform') return platform.engine ?? webCryptoEngine ?? null;
  if (choice === 'wasm') return null;
  if (choice === 'webcrypto') {
    if (!webCryptoEngine) throw new TypeError("cipher 'webcrypto' needs crypto.subtle (a secure context)");
    return webCryptoEngine;
  }
  throw new TypeError("cipher must be 'platform', 'webcrypto' or 'wasm'");
}

function optionalNumber(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`${what} must be a non-negative number`);
  return value;
}

// ---- Running the batch steps with a synchronous or an asynchronous engine.
// The steps below are generators written once: they yield a promise whenever
// an asynchronous engine has work in flight (a synchronous engine never makes
// them yield), and `runSync` / `runAsync` drive them.

function runSync(gen) {
  let step = gen.next();
  while (!step.done) step = gen.next(step.value);
  return step.value;
}

async function runAsync(gen) {
  let step = gen.next();
  while (!step.done) {
    let value;
    try {
      value = await step.value;
    } catch (err) {
      step = gen.throw(err);
      continue;
    }
    step = gen.next(value);
  }
  return step.value;
}

/** Waits for every promise (so no late write lands after a failure), then fails if any failed. */
async function settle(promises) {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The plaintext a batch's frames consume, in order: bytes held from earlier calls, then `data`. */
class PlainQueue {
  constructor() {
    this.head = EMPTY; // a private copy, at most one frame
    this.data = EMPTY;
    this.at = 0;
  }
  start(data) {
    this.data = data;
    this.at = 0;
  }
  next(length) {
    const { head } = this;
    if (head.length === 0) {
      const out = this.data.subarray(this.at, this.at + length);
      this.at += length;
      return out;
    }
    if (head.length >= length) {
      this.head = head.subarray(length);
      return head.subarray(0, length);
    }
    const out = new Uint8Array(length);
    out.set(head);
    const rest = length - head.length;
    out.set(this.data.subarray(this.at, this.at + rest), head.length);
    this.at += rest;
    this.head = EMPTY;
    return out;
  }
  /** Copies what `data` has left into the held bytes (the caller may reuse its buffer); returns the count held. */
  keep() {
    const rest = this.data.subarray(this.at);
    if (rest.length > 0) {
      const head = new Uint8Array(this.head.length + rest.length);
      head.set(this.head);
      head.set(rest, this.head.length);
      this.head = head;
    }
    this.data = EMPTY;
    this.at = 0;
    return this.head.length;
  }
  clear() {
    this.head.fill(0);
    this.head = EMPTY;
    this.data = EMPTY;
  }
}

/** Output written piece by piece; a pending header shares the next region's buffer. */
class Pieces {
  constructor() {
    this.parts = [];
    this.header = EMPTY;
  }
  putHeader(header) {
    if (header.length) this.header = header;
  }
  reserve(length) {
    const buf = new Uint8Array(this.header.length + length);
    buf.set(this.header);
    const at = this.header.length;
    this.header = EMPTY;
    this.parts.push(buf);
    return [buf, at];
  }
  append(piece) {
    if (piece.length) this.parts.push(piece);
  }
  result() {
    if (this.header.length) this.parts.push(this.header);
    this.header = EMPTY;
    return this.parts.length ? concat(this.parts) : EMPTY;
  }
  wipe() {
    for (const p of this.parts) p.fill(0);
  }
}

/** Output written in place into one buffer of a known maximum size. */
class Fixed {
  constructor(capacity) {
    this.buf = capacity === undefined ? null : new Uint8Array(capacity);
    this.length = 0;
  }
  /** Sizes the buffer on first use when the capacity needs the header. */
  size(capacity) {
    if (this.buf === null) this.buf = new Uint8Array(capacity);
  }
  putHeader(header) {
    this.append(header);
  }
  reserve(length) {
    if (this.length + length > this.buf.length) throw internalError('output larger than planned');
    const at = this.length;
    this.length += length;
    return [this.buf, at];
  }
  append(piece) {
    if (!piece.length) return;
    if (this.length + piece.length > this.buf.length) {
      const grown = new Uint8Array(this.length + piece.length);
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(piece, this.length);
    this.length += piece.length;
  }
  result() {
    return this.buf === null ? EMPTY : this.buf.subarray(0, this.length);
  }
  wipe() {
    this.buf?.fill(0);
  }
}

/** Seals the frames of `plan` into `dst` (region at `base`), reading plaintext from `queue`. */
function* sealFrames(engine, key, plan, queue, dst, base) {
  const { records, count } = plan;
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const inFlight = [];
  for (let i = 0, r = 0; i < count; i++, r += RECORD) {
    const at = base + view.getFloat64(r, true);
    const length = view.getUint32(r + 8, true);
    const prefixLength = records[r + 12];
    const iv = r + records[r + 14];
    dst.set(records.subarray(r + 16, r + 16 + prefixLength), at);
    const pending = engine.seal(
      key, records.subarray(iv, iv + 12), records.subarray(r + 40, r + 40 + records[r + 13]),
      queue.next(length), dst, at + prefixLength,
    );
    if (!engine.sync) {
      inFlight.push(pending);
      if (inFlight.length >= IN_FLIGHT) yield settle(inFlight.splice(0));
    }
  }
  if (inFlight.length) yield settle(inFlight);
}

/** Opens the frames of `plan` found in `input`, writing plaintext back to back into `dst` at `base`. */
function* openFrames(engine, key, plan, input, dst, base) {
  const { records, count } = plan;
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const inFlight = [];
  let out = base;
  for (let i = 0, r = 0; i < count; i++, r += RECORD) {
    const start = view.getFloat64(r, true) + records[r + 12];
    const length = view.getUint32(r + 8, true);
    const iv = r + records[r + 14];
    const pending = engine.open(
      key, records.subarray(iv, iv + 12), records.subarray(r + 40, r + 40 + records[r + 13]),
      input.subarray(start, start + length + 16), dst, out,
    );
    out += length;
    if (!engine.sync) {
      inFlight.push(pending);
      if (inFlight.length >= IN_FLIGHT) yield settle(inFlight.splice(0));
    }
  }
  if (inFlight.length) yield settle(inFlight);
}

/**
 * The message's content key as `engine` holds it: imported from `inner` (a
 * hosted encryptor or decryptor) on first use, then kept for the message.
 */
function engineContentKey(engine, inner) {
  let key = null;
  return {
    /** The key, imported first if need be (`yield*` it: an async engine's import is awaited). */
    *get() {
      if (key === null) key = engine.sync ? engine.importKey(inner.contentKey()) : yield engine.importKey(inner.contentKey());
      return key;
    },
    /** Hands the key back to the engine (which zeroes what it can), if it was imported. */
    drop() {
      if (key !== null) engine.dropKey(key);
      key = null;
    },
  };
}

/**
 * Encryption through a platform engine: Rust (`inner`, a hosted
 * EnvelopeEncryptor) plans batches, the engine seals them.
 */
function hostedEncryptCore(inner, engine) {
  const frameLength = inner.frameLength();
  const suiteId = inner.suiteId();
  // More than (MAX - 2) frames' worth could plan MAX + 1 frames (held bytes + the final frame).
  const step = Math.max(1, Math.min(BATCH_BYTES, (MAX_BATCH_FRAMES - 2) * frameLength));
  const queue = new PlainQueue();
  const contentKey = engineContentKey(engine, inner);
  // After a failed batch the message can only be abandoned (its sequence
  // numbers are used up; Rust never re-issues them).
  let failed = false;
  let freed = false;

  function release() {
    queue.clear();
    contentKey.drop();
    if (!freed) inner.free();
    freed = true;
  }

  /** Plans and seals `data` (ending the message if `finish`) into `out`. */
  function* seal(data, finish, out) {
    if (failed || freed) throw new TypeError('this encryptor failed or was finished / aborted');
    try {
      yield* sealSteps(data, finish, out);
    } catch (err) {
      failed = true;
      release(); // nothing more can come of this message: wipe the key now
      throw err;
    }
  }

  function* sealSteps(data, finish, out) {
    queue.start(data);
    let taken = 0;
    let held = 0;
    do {
      const more = Math.min(step, data.length - taken);
      taken += more;
      const plan = inner.planSeal(more, finish && taken === data.length);
      out.putHeader(plan.header);
      if (plan.count > 0) {
        const k = yield* contentKey.get();
        const [buf, at] = out.reserve(plan.regionLength);
        yield* sealFrames(engine, k, plan, queue, buf, at);
        if (plan.needsRegion) out.append(inner.absorbSealed(buf.subarray(at, at + plan.regionLength)));
      }
      held = plan.held;
    } while (taken < data.length);
    if (queue.keep() !== held) throw internalError('plaintext held by the engine and by Rust differ');
  }

  return {
    sync: engine.sync,
    /** One whole message: `{ result, messageHeader }`. */
    oneShot(plaintext) {
      const run = function* () {
        const out = new Fixed();
        // The header comes with the first plan; size the buffer from it.
        const sizing = {
          putHeader(header) {
            out.size(header.length + inner.bodyLength(plaintext.length) + (suiteId === 0x0578 ? MAX_FOOTER : 0));
            out.putHeader(header);
          },
          reserve: (n) => out.reserve(n),
          append: (p) => out.append(p),
        };
        try {
          yield* seal(plaintext, true, sizing);
          return { result: out.result(), messageHeader: inner.messageHeader() };
        } finally {
          release();
        }
      };
      return engine.sync ? runSync(run()) : runAsync(run());
    },
    update(chunk) {
      const out = new Pieces();
      return engine.sync ? (runSync(seal(chunk, false, out)), out.result())
        : runAsync(seal(chunk, false, out)).then(() => out.result());
    },
    finish() {
      const out = new Pieces();
      if (engine.sync) {
        try {
          runSync(seal(EMPTY, true, out));
          return out.result();
        } finally {
          release();
        }
      }
      return runAsync(seal(EMPTY, true, out)).then(() => out.result()).finally(release);
    },
    messageHeader: () => inner.messageHeader(),
    abort: release,
  };
}

/**
 * Decryption through a platform engine: Rust (`inner`, a hosted
 * EnvelopeDecryptor fed by `w.envelopeDecryptPlan`) parses and checks the
 * message, the engine opens the frames. Input not yet consumed is held here
 * until Rust's `need` is met (then planned once; at the end, regardless).
 */
function hostedDecryptCore(w, inner, materials, engine) {
  let held = [];
  let heldLength = 0;
  let need = 1; // bytes to gather before planning again (Rust says)
  const contentKey = engineContentKey(engine, inner);
  let failed = false;
  let freed = false;

  /** Feeds `chunk` (`end`: the input is over, plan whatever is held); batches are opened into `out`. */
  function* open(chunk, out, end = false) {
    if (failed) throw invalidCiphertext('the message already failed to decrypt');
    if (freed) throw new TypeError('this decryptor was finished or aborted');
    try {
      yield* openSteps(chunk, out, end);
    } catch (err) {
      failed = true;
      release(); // nothing more can come of this message: wipe the key and held input now
      throw err;
    }
  }

  function* openSteps(chunk, out, end) {
    if (chunk.length) {
      held.push(chunk);
      heldLength += chunk.length;
    }
    if (heldLength === 0 || (!end && heldLength < need)) {
      if (chunk.length) held[held.length - 1] = chunk.slice(); // the caller may reuse its buffer
      return;
    }
    let input = concat(held);
    held = [];
    heldLength = 0;
    for (;;) {
      // A bounded window (the glue copies it into wasm memory), unless the next item needs more.
      const window = input.subarray(0, Math.max(WINDOW_BYTES, need));
      const plan = w.envelopeDecryptPlan(inner, materials, window);
      if (plan.count > 0) {
        const k = yield* contentKey.get();
        const [buf, at] = out.reserve(plan.plaintextLength);
        try {
          yield* openFrames(engine, k, plan, window, buf, at);
        } catch {
          buf.fill(0, at, at + plan.plaintextLength);
          throw inner.rejectOpened(); // InvalidCiphertextException, naming no frame
        }
        inner.confirmOpened(plan.count);
      }
      input = input.subarray(plan.consumed);
      need = plan.need;
      // need === 0: the message is complete; anything left is trailing bytes, which Rust rejects.
      if (input.length === 0 || (need > 0 && input.length < need)) break;
      if (plan.consumed === 0 && plan.count === 0 && need <= window.length) throw internalError('no progress decrypting');
    }
    if (input.length) {
      held = [input.slice()];
      heldLength = input.length;
    }
  }

  const release = () => {
    for (const h of held) h.fill(0);
    held = [];
    contentKey.drop();
    if (!freed) inner.free();
    freed = true;
  };

  /** Plans what is held, then ends: a truncated message or trailing bytes fail here. */
  function* end(out) {
    yield* open(EMPTY, out, true);
    inner.finish();
  }

  /**
   * Runs `steps` (a generator filling `out`) on the engine and returns
   * `result()`; a failure wipes what `out` holds. `last`: the message ends
   * here, so the key is released either way.
   */
  function drive(steps, out, result, last) {
    const run = function* () {
      try {
        yield* steps;
        return result();
      } catch (err) {
        out.wipe();
        throw err;
      } finally {
        if (last) release();
      }
    };
    return engine.sync ? runSync(run()) : runAsync(run());
  }

  return {
    sync: engine.sync,
    /** One whole message: nothing is returned unless all of it verified. */
    oneShot(message) {
      const out = new Fixed(message.length); // plaintext is shorter than the message
      const whole = () => {
        inner.finish();
        return { plaintext: out.result(), messageHeader: inner.messageHeader() };
      };
      return drive(open(message, out, true), out, whole, true);
    },
    update(chunk) {
      const out = new Pieces();
      return drive(open(chunk, out), out, () => out.result(), false);
    },
    /** Ends the input; returns the plaintext of frames only planned now (released once the whole message checked out). */
    finish() {
      const out = new Pieces();
      return drive(end(out), out, () => out.result(), true);
    },
    messageHeader: () => inner.messageHeader(),
    abort: release,
  };
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

  // ---- Cores: `update` / `finish` (values for the wasm path and synchronous
  // engines, promises for asynchronous ones), `messageHeader`, `abort`.

  function encryptCore(keyringOrCmm, engine, { encryptionContext, suiteId, frameLength, plaintextLength }) {
    const inner = wasm().envelopeEncryptor(
      materialsOf(keyringOrCmm), pairs(encryptionContext), suiteId, frameLength,
      optionalNumber(plaintextLength, 'plaintextLength'), engine !== null,
    );
    if (engine) return hostedEncryptCore(inner, engine);
    const free = freeOnce(inner);
    return {
      sync: true,
      update: (chunk) => inner.update(chunk),
      finish: () => { try { return inner.finish(); } finally { free(); } },
      messageHeader: () => inner.messageHeader(),
      abort: free,
    };
  }

  function decryptCore(keyringOrCmm, engine, { maxFrameLength, maxEncryptedDataKeys, expectedContext }) {
    const materials = materialsOf(keyringOrCmm);
    const w = wasm();
    const inner = w.envelopeDecryptor(
      maxFrameLength, maxEncryptedDataKeys, pairs(expectedContext, 'expectedContext'), engine !== null,
    );
    if (engine) return hostedDecryptCore(w, inner, materials, engine);
    const free = freeOnce(inner);
    return {
      sync: true,
      update: (chunk) => w.envelopeDecryptUpdate(inner, materials, chunk),
      finish: () => { try { return inner.finish(); } finally { free(); } },
      messageHeader: () => inner.messageHeader(),
      abort: free,
    };
  }

  // ---- One-shot.

  function encryptWith(engine, keyringOrCmm, plaintext, options) {
    const data = bytes(plaintext, 'plaintext');
    const { encryptionContext, suiteId, frameLength } = options;
    if (engine === null || data.length < PLATFORM_MIN_BYTES) {
      return wasm().envelopeEncrypt(materialsOf(keyringOrCmm), data, pairs(encryptionContext), suiteId, frameLength);
    }
    return encryptCore(keyringOrCmm, engine, { ...options, plaintextLength: data.length }).oneShot(data);
  }

  function decryptWith(engine, keyringOrCmm, message, options) {
    const data = bytes(message, 'message');
    const { maxFrameLength, maxEncryptedDataKeys, expectedContext } = options;
    if (engine === null || data.length < PLATFORM_MIN_BYTES) {
      return wasm().envelopeDecrypt(
        materialsOf(keyringOrCmm), data, maxFrameLength, maxEncryptedDataKeys, pairs(expectedContext, 'expectedContext'),
      );
    }
    return decryptCore(keyringOrCmm, engine, options).oneShot(data);
  }

  /** One-shot encrypt: `{ result, messageHeader }`. */
  function encrypt(keyringOrCmm, plaintext, options = {}) {
    return encryptWith(pickSync(options.cipher), keyringOrCmm, plaintext, options);
  }

  /** One-shot decrypt: `{ plaintext, messageHeader }`; throws before releasing anything unauthentic. */
  function decrypt(keyringOrCmm, message, options = {}) {
    return decryptWith(pickSync(options.cipher), keyringOrCmm, message, options);
  }

  /** Asynchronous one-shot encrypt; may use WebCrypto. */
  async function encryptAsync(keyringOrCmm, plaintext, options = {}) {
    return encryptWith(pickAsync(options.cipher), keyringOrCmm, plaintext, options);
  }

  /** Asynchronous one-shot decrypt; may use WebCrypto. Releases nothing unless all of the message verified. */
  async function decryptAsync(keyringOrCmm, message, options = {}) {
    return decryptWith(pickAsync(options.cipher), keyringOrCmm, message, options);
  }

  // ---- Incremental (synchronous).

  function incremental(core) {
    return {
      update: (chunk) => core.update(bytes(chunk, 'chunk')),
      finish: () => core.finish(),
      messageHeader: () => core.messageHeader(),
      abort: () => core.abort(),
    };
  }

  /** An incremental encryptor: `update(chunk)`, `finish()`, `messageHeader()`. */
  function encryptor(keyringOrCmm, options = {}) {
    return incremental(encryptCore(keyringOrCmm, pickSync(options.cipher), options));
  }

  /**
   * An incremental decryptor. For 0x0578, frames are released before the
   * signature is checked; only `finish()` returning proves it (as in the
   * official SDKs' streaming APIs).
   */
  function decryptor(keyringOrCmm, options = {}) {
    return incremental(decryptCore(keyringOrCmm, pickSync(options.cipher), options));
  }

  // ---- Streams.

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

  async function driveAsync(core, chunk, push) {
    const data = bytes(chunk, 'chunk');
    for (let at = 0; at < data.length || at === 0; at += SLICE) {
      const out = await core.update(data.subarray(at, Math.min(at + SLICE, data.length)));
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
      async transform(chunk, controller) {
        try {
          step(core.sync ? drive(core, chunk, (out) => controller.enqueue(out))
            : await driveAsync(core, chunk, (out) => controller.enqueue(out)));
        } catch (err) {
          core.abort();
          throw err;
        }
      },
      async flush(controller) {
        const out = await core.finish();
        if (out.length) controller.enqueue(out);
      },
    });
  }

  /** A Web Streams `TransformStream` from plaintext to one ESDK message. */
  function encryptStream(keyringOrCmm, options = {}) {
    return transformStream(
      () => encryptCore(keyringOrCmm, pickAsync(options.cipher), options),
      { ...options, totalBytes: options.plaintextLength },
    );
  }

  /** A Web Streams `TransformStream` from an ESDK message to plaintext. */
  function decryptStream(keyringOrCmm, options = {}) {
    return transformStream(() => decryptCore(keyringOrCmm, pickAsync(options.cipher), options), options);
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
    encryptAsync,
    decryptAsync,
    encryptor,
    decryptor,
    encryptStream,
    decryptStream,
    /** Node only: a `stream.Transform` from plaintext to one message. */
    encryptNodeStream: (k, options = {}) =>
      nodeStream(() => encryptCore(k, pickSync(options.cipher), options), { ...options, totalBytes: options.plaintextLength }),
    /** Node only: a `stream.Transform` from a message to plaintext. */
    decryptNodeStream: (k, options = {}) => nodeStream(() => decryptCore(k, pickSync(options.cipher), options), options),
    /** Which frame cipher `'platform'` means for the synchronous API: `'node:crypto'` or `'wasm'`. */
    get platformCipher() {
      return platform.engine?.name ?? 'wasm';
    },
    /** Which frame cipher `'platform'` means for the asynchronous API: `'node:crypto'`, `'webcrypto'` or `'wasm'`. */
    get asyncPlatformCipher() {
      return (platform.engine ?? webCryptoEngine)?.name ?? 'wasm';
    },
  };
}
