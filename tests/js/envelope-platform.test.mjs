// sim.envelope's platform paths in Node: node:crypto frames in batches (every
// API) and WebCrypto frames (the asynchronous API with cipher 'webcrypto'),
// byte-identical to the wasm path; tamper handling with no plaintext
// released; batches larger than one plan; and `expectedContext` on decrypt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulator } from '../../pkg/node.js';
import { nodeFrameCipher } from '../../pkg/lib/node-platform.js';
import { chunks, concat, pattern, pipe } from './support/bytes.mjs';

const wrappingKey = () => new Uint8Array(32).fill(7);
const context = { purpose: 'test', tenant: 'a' };

/** Counts crypto.subtle encrypt / decrypt calls while `fn` runs (proves the WebCrypto path ran). */
async function countingSubtle(fn) {
  const { subtle } = globalThis.crypto;
  const calls = { encrypt: 0, decrypt: 0 };
  const original = { encrypt: subtle.encrypt, decrypt: subtle.decrypt };
  subtle.encrypt = function (...args) { calls.encrypt++; return original.encrypt.apply(this, args); };
  subtle.decrypt = function (...args) { calls.decrypt++; return original.decrypt.apply(this, args); };
  try {
    return { result: await fn(), calls };
  } finally {
    delete subtle.encrypt;
    delete subtle.decrypt;
  }
}

function fresh(seed) {
  const sim = createSimulator({ seed });
  const keyring = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: wrappingKey() });
  return { sim, keyring };
}

test('the platform ciphers in Node: node:crypto for both APIs', () => {
  const { sim } = fresh('p-0');
  assert.equal(sim.envelope.platformCipher, 'node:crypto');
  assert.equal(sim.envelope.asyncPlatformCipher, 'node:crypto');
  assert.throws(() => sim.envelope.encrypt(fresh('p-0').keyring, 'x', { cipher: 'webcrypto' }), TypeError);
  assert.throws(() => sim.envelope.decryptor(fresh('p-0').keyring, { cipher: 'nope' }), TypeError);
});

test('every path writes the same bytes for the same seed, and reads every other path', async () => {
  for (const suiteId of [0x0478, 0x0578]) {
    for (const [size, frameLength, chunk] of [[0, 4096, 1], [2048, 4096, 100], [4096, 4096, 4096], [4097, 4096, 999], [100_000, 4096, 7_777], [20_000, 1000, 65_536]]) {
      const plaintext = pattern(size, size);
      const options = { encryptionContext: context, frameLength, suiteId };
      const label = `suite 0x${suiteId.toString(16)}, ${size} bytes, frames of ${frameLength}`;
      const messages = {};
      { const { sim, keyring } = fresh('same'); messages.wasm = sim.envelope.encrypt(keyring, plaintext, { ...options, cipher: 'wasm' }).result; }
      { const { sim, keyring } = fresh('same'); messages.node = sim.envelope.encrypt(keyring, plaintext, options).result; }
      {
        const { sim, keyring } = fresh('same');
        const { result, calls } = await countingSubtle(() => sim.envelope.encryptAsync(keyring, plaintext, { ...options, cipher: 'webcrypto' }));
        messages.webcrypto = result.result;
        if (size >= 2048) assert.equal(calls.encrypt, Math.floor((size - 1) / frameLength) + 1, `${label}: one subtle.encrypt per frame`);
      }
      {
        const { sim, keyring } = fresh('same');
        const enc = sim.envelope.encryptor(keyring, { ...options, plaintextLength: size });
        messages.nodeIncremental = concat([...chunks(plaintext, chunk).map((c) => enc.update(c)), enc.finish()]);
      }
      {
        const { sim, keyring } = fresh('same');
        const { result, calls } = await countingSubtle(() => pipe(chunks(plaintext, chunk), sim.envelope.encryptStream(keyring, { ...options, cipher: 'webcrypto' })));
        messages.webcryptoStream = result;
        assert.equal(calls.encrypt, Math.floor(Math.max(size - 1, 0) / frameLength) + 1, `${label}: streamed through subtle.encrypt`);
      }
      for (const [name, message] of Object.entries(messages)) assert.deepEqual(message, messages.wasm, `${label}: ${name}`);

      const { sim, keyring } = fresh('reader');
      const m = messages.wasm;
      assert.deepEqual(sim.envelope.decrypt(keyring, m).plaintext, plaintext, `${label}: decrypt node:crypto`);
      assert.deepEqual(sim.envelope.decrypt(keyring, m, { cipher: 'wasm' }).plaintext, plaintext);
      const { result: viaWebCrypto, calls } = await countingSubtle(() => sim.envelope.decryptAsync(keyring, m, { cipher: 'webcrypto' }));
      assert.deepEqual(viaWebCrypto.plaintext, plaintext, `${label}: decryptAsync webcrypto`);
      if (m.length >= 2048) assert.ok(calls.decrypt > 0);
      const dec = sim.envelope.decryptor(keyring);
      assert.deepEqual(concat([...chunks(m, chunk).map((c) => dec.update(c)), dec.finish()]), plaintext, `${label}: decryptor`);
      assert.deepEqual(await pipe(chunks(m, chunk), sim.envelope.decryptStream(keyring, { cipher: 'webcrypto' })), plaintext, `${label}: decryptStream`);
    }
  }
});

test('messages with more frames than one batch, and one-byte frames', async () => {
  // 2 MiB in 64-byte frames: 32,769 frames, three batches each way.
  const plaintext = pattern(2 << 20, 5);
  const options = { frameLength: 64, encryptionContext: context };
  const a = fresh('many');
  const reference = a.sim.envelope.encrypt(a.keyring, plaintext, { ...options, cipher: 'wasm' }).result;
  const { sim, keyring } = fresh('many');
  const viaNode = sim.envelope.encrypt(keyring, plaintext, options).result;
  const c = fresh('many');
  const viaWebCrypto = (await c.sim.envelope.encryptAsync(c.keyring, plaintext, { ...options, cipher: 'webcrypto' })).result;
  assert.deepEqual(viaNode, reference);
  assert.deepEqual(viaWebCrypto, reference);
  assert.deepEqual(sim.envelope.decrypt(keyring, viaNode).plaintext, plaintext);
  assert.deepEqual((await sim.envelope.decryptAsync(keyring, viaNode, { cipher: 'webcrypto' })).plaintext, plaintext);
  const dec = sim.envelope.decryptor(keyring);
  assert.deepEqual(concat([...chunks(viaNode, 3 << 20).map((x) => dec.update(x)), dec.finish()]), plaintext);

  const tiny = pattern(3000, 9);
  const t1 = fresh('tiny');
  const t2 = fresh('tiny');
  const m = t1.sim.envelope.encrypt(t1.keyring, tiny, { frameLength: 1 }).result;
  assert.deepEqual(m, t2.sim.envelope.encrypt(t2.keyring, tiny, { frameLength: 1, cipher: 'wasm' }).result);
  assert.deepEqual(t1.sim.envelope.decrypt(t1.keyring, m).plaintext, tiny);
});

test('tampering: every path rejects with no plaintext; streams release only verified frames', async () => {
  const { sim, keyring } = fresh('tamper');
  const plaintext = pattern(20_000);
  for (const suiteId of [0x0478, 0x0578]) {
    const message = sim.envelope.encrypt(keyring, plaintext, { frameLength: 4096, suiteId }).result;
    // Header, EDK, first frame body, a middle tag, the final frame, the footer / last byte.
    for (const at of [5, 60, 400, 4600, message.length - 200, message.length - 1]) {
      const bad = message.slice();
      bad[at] ^= 0x40;
      let got;
      assert.throws(() => { got = sim.envelope.decrypt(keyring, bad); }, { name: 'InvalidCiphertextException' }, `node:crypto, byte ${at}`);
      assert.equal(got, undefined);
      await assert.rejects(sim.envelope.decryptAsync(keyring, bad, { cipher: 'webcrypto' }), { name: 'InvalidCiphertextException' }, `webcrypto, byte ${at}`);
    }
    // Truncated, and one trailing byte.
    for (const bad of [message.subarray(0, message.length - 1), concat([message, new Uint8Array(1)])]) {
      assert.throws(() => sim.envelope.decrypt(keyring, bad), { name: 'InvalidCiphertextException' });
      await assert.rejects(sim.envelope.decryptAsync(keyring, bad, { cipher: 'webcrypto' }), { name: 'InvalidCiphertextException' });
      await assert.rejects(pipe(chunks(bad, 3000), sim.envelope.decryptStream(keyring, { cipher: 'webcrypto' })), { name: 'InvalidCiphertextException' });
    }
  }
  // Streaming: a bad third frame; chunks of exactly one frame each, so the
  // first two frames verify and are released, nothing after.
  const message = sim.envelope.encrypt(keyring, plaintext, { frameLength: 4096 }).result;
  const headerLength = message.length - (4 * (16 + 4096 + 16) + 24 + (20_000 - 4 * 4096) + 16);
  const bad = message.slice();
  bad[headerLength + 2 * (16 + 4096 + 16) + 100] ^= 1;
  const pieces = [bad.subarray(0, headerLength), ...chunks(bad.subarray(headerLength), 16 + 4096 + 16)];
  for (const cipher of ['platform', 'webcrypto']) {
    const released = [];
    const stream = new ReadableStream({ start(c) { for (const p of pieces) c.enqueue(p); c.close(); } })
      .pipeThrough(sim.envelope.decryptStream(keyring, { cipher }));
    await assert.rejects(stream.pipeTo(new WritableStream({ write(p) { released.push(p); } })), { name: 'InvalidCiphertextException' });
    assert.deepEqual(concat(released), plaintext.subarray(0, 2 * 4096), cipher);
  }
  const dec = sim.envelope.decryptor(keyring);
  const released = [];
  assert.throws(() => { for (const p of pieces) released.push(dec.update(p)); }, { name: 'InvalidCiphertextException' });
  assert.deepEqual(concat(released), plaintext.subarray(0, 2 * 4096));
  assert.throws(() => dec.update(new Uint8Array(1)));
});

test('expectedContext: decrypt fails unless every expected pair is in the message, before any KMS call', async () => {
  const sim = createSimulator({ seed: 'expect' });
  const keyId = sim.kms.createKey({}).KeyMetadata.Arn;
  const keyring = sim.envelope.kmsKeyring({ generatorKeyId: keyId });
  const plaintext = pattern(10_000);
  const message = sim.envelope.encrypt(keyring, plaintext, { encryptionContext: { tenant: 'a', app: 'orders' } }).result;
  const decrypts = () => sim.audit.events({ eventName: 'Decrypt' }).length;

  for (const expectedContext of [{}, { tenant: 'a' }, { tenant: 'a', app: 'orders' }]) {
    assert.deepEqual(sim.envelope.decrypt(keyring, message, { expectedContext }).plaintext, plaintext);
    assert.deepEqual((await sim.envelope.decryptAsync(keyring, message, { expectedContext, cipher: 'webcrypto' })).plaintext, plaintext);
    assert.deepEqual(sim.envelope.decrypt(keyring, message, { expectedContext, cipher: 'wasm' }).plaintext, plaintext);
  }
  const before = decrypts();
  for (const expectedContext of [{ tenant: 'b' }, { tenant: 'a', region: 'eu' }]) {
    const key = Object.keys(expectedContext).find((k) => expectedContext[k] !== { tenant: 'a', app: 'orders' }[k]);
    const check = (err) => {
      assert.equal(err.name, 'InvalidCiphertextException');
      assert.match(err.message, /encryption context does not match the expected context/);
      assert.ok(err.message.includes(`'${key}'`), err.message);
      assert.ok(!err.message.includes("'b'") && !err.message.includes("'eu'"), 'values are not echoed');
      return true;
    };
    assert.throws(() => sim.envelope.decrypt(keyring, message, { expectedContext }), check);
    assert.throws(() => sim.envelope.decrypt(keyring, message, { expectedContext, cipher: 'wasm' }), check);
    await assert.rejects(sim.envelope.decryptAsync(keyring, message, { expectedContext, cipher: 'webcrypto' }), check);
    const dec = sim.envelope.decryptor(keyring, { expectedContext });
    assert.throws(() => dec.update(message), check);
    await assert.rejects(pipe(chunks(message, 1000), sim.envelope.decryptStream(keyring, { expectedContext })), check);
  }
  assert.equal(decrypts(), before, 'a mismatch is caught before KMS Decrypt');
  assert.throws(() => sim.envelope.decrypt(keyring, message, { expectedContext: { tenant: 1 } }), TypeError);
});

test('incremental objects: finish then abort is harmless; a finished encryptor refuses more', () => {
  const { sim, keyring } = fresh('life');
  const enc = sim.envelope.encryptor(keyring, { frameLength: 1024 });
  const m = concat([enc.update(pattern(5000)), enc.finish()]);
  enc.abort();
  assert.throws(() => enc.update(pattern(1)), TypeError);
  const dec = sim.envelope.decryptor(keyring);
  assert.deepEqual(concat([dec.update(m), dec.finish()]), pattern(5000));
  dec.abort();
});

test('a large header arriving in small pieces is planned a logarithmic number of times', () => {
  const { sim, keyring } = fresh('big-header');
  const plaintext = pattern(9000);
  const message = sim.envelope.encrypt(keyring, plaintext, { encryptionContext: { big: 'v'.repeat(40_000) } }).result;
  const w = sim._fast.wasm;
  const original = w.envelopeDecryptPlan;
  let plans = 0;
  w.envelopeDecryptPlan = function (...args) { plans++; return original.apply(this, args); };
  try {
    const dec = sim.envelope.decryptor(keyring);
    const out = concat([...chunks(message, 100).map((c) => dec.update(c)), dec.finish()]);
    assert.deepEqual(out, plaintext);
    // ~40 KB of header in 100-byte pieces: without the doubling it would be ~400 plans.
    assert.ok(plans < 30, `${plans} plans`);
  } finally {
    delete w.envelopeDecryptPlan;
  }
});

test('the content key handed to node:crypto is wiped when each message ends, failed or not', async () => {
  const { sim, keyring } = fresh('wipe');
  const keys = [];
  const original = nodeFrameCipher.importKey;
  nodeFrameCipher.importKey = (raw) => { keys.push(raw); return original(raw); };
  try {
    const m = sim.envelope.encrypt(keyring, pattern(10_000)).result;
    sim.envelope.decrypt(keyring, m);
    const enc = sim.envelope.encryptor(keyring);
    enc.update(pattern(9000));
    enc.abort();
    const bad = m.slice();
    bad[m.length - 20] ^= 1;
    const dec = sim.envelope.decryptor(keyring);
    assert.throws(() => dec.update(bad), { name: 'InvalidCiphertextException' });
    assert.throws(() => dec.update(new Uint8Array(1)), { name: 'InvalidCiphertextException' });
    assert.equal(keys.length, 4);
    for (const key of keys) {
      assert.equal(key.length, 32);
      assert.ok(key.every((b) => b === 0), 'wiped');
    }
  } finally {
    nodeFrameCipher.importKey = original;
  }
});
