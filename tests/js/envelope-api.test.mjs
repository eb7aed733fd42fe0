// sim.envelope: keyrings, caching CMM, one-shot and streaming ESDK messages,
// the node:crypto and wasm frame ciphers (byte-identical), tamper handling
// and bounded memory while streaming.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createSimulator } from '../../pkg/node.js';
import { chunks, concat, pattern, pipe } from './support/bytes.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const wrappingKey = () => new Uint8Array(32).fill(7);
const context = { purpose: 'test', tenant: 'a' };

test('the Node entry uses node:crypto as its platform cipher', () => {
  const sim = createSimulator({ seed: 'env-0' });
  assert.equal(sim.envelope.platformCipher, 'node:crypto');
});

test('raw AES: one-shot round trip, both suites, header shape', () => {
  const sim = createSimulator({ seed: 'env-1' });
  const keyring = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k1', wrappingKey: wrappingKey() });
  for (const suiteId of [0x0478, 0x0578]) {
    const plaintext = pattern(10_000);
    const { result, messageHeader } = sim.envelope.encrypt(keyring, plaintext, { encryptionContext: context, suiteId, frameLength: 1024 });
    assert.equal(result[0], 2, 'message format version 2');
    assert.equal(messageHeader.suiteId, suiteId);
    assert.equal(messageHeader.frameLength, 1024);
    assert.equal(messageHeader.encryptedDataKeys[0].providerId, 'ns');
    const out = sim.envelope.decrypt(keyring, result);
    assert.deepEqual(out.plaintext, plaintext);
    assert.equal(out.messageHeader.encryptionContext.tenant, 'a');
    assert.equal('aws-crypto-public-key' in out.messageHeader.encryptionContext, suiteId === 0x0578);
  }
  // Strings are UTF-8.
  const { result } = sim.envelope.encrypt(keyring, 'héllo');
  assert.equal(new TextDecoder().decode(sim.envelope.decrypt(keyring, result).plaintext), 'héllo');
});

test('a wrong keyring or a tampered message is rejected with no plaintext', () => {
  const sim = createSimulator({ seed: 'env-2' });
  const keyring = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k1', wrappingKey: wrappingKey() });
  const other = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k1', wrappingKey: new Uint8Array(32).fill(8) });
  const plaintext = pattern(5000);
  for (const cipher of ['platform', 'wasm']) {
    // Frames of 2500 bytes: large enough for node:crypto on the platform path.
    const { result } = sim.envelope.encrypt(keyring, plaintext, { frameLength: 2500, cipher });
    assert.throws(() => sim.envelope.decrypt(other, result, { cipher }), { name: 'InvalidCiphertextException' });
    for (const at of [result.length - 1, result.length - 600, 40]) {
      const bad = result.slice();
      bad[at] ^= 1;
      let got;
      assert.throws(() => { got = sim.envelope.decrypt(keyring, bad, { cipher }); }, (err) => {
        assert.ok(err instanceof Error);
        assert.ok(/InvalidCiphertext|Malformed|Validation/.test(err.name), err.name);
        return true;
      });
      assert.equal(got, undefined);
    }
    // Streaming: the tampered frame's plaintext is never emitted.
    const bad = result.slice();
    bad[result.length - 100] ^= 1; // inside the second frame
    const emitted = [];
    const dec = sim.envelope.decryptor(keyring, { cipher });
    assert.throws(() => { for (const c of chunks(bad, 700)) emitted.push(dec.update(c)); });
    const total = emitted.reduce((n, p) => n + p.length, 0);
    assert.equal(total, 2500, 'only the frame before the tampered one');
    assert.deepEqual(concat(emitted), plaintext.subarray(0, total));
  }
});

test('platform (node:crypto) and wasm frame ciphers write byte-identical messages', () => {
  for (const suiteId of [0x0478, 0x0578]) {
    const messages = [];
    for (const cipher of ['platform', 'wasm']) {
      const sim = createSimulator({ seed: 'same-seed' });
      const keyring = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: wrappingKey() });
      const plaintext = pattern(9000);
      const oneShot = sim.envelope.encrypt(keyring, plaintext, { encryptionContext: context, frameLength: 4096, suiteId, cipher }).result;
      const enc = sim.envelope.encryptor(keyring, { encryptionContext: context, frameLength: 4096, suiteId, cipher });
      const streamed = concat([...chunks(plaintext, 777).map((c) => enc.update(c)), enc.finish()]);
      messages.push({ oneShot, streamed });
      // And each path reads the other's.
      for (const c2 of ['platform', 'wasm']) assert.deepEqual(sim.envelope.decrypt(keyring, oneShot, { cipher: c2 }).plaintext, plaintext);
    }
    if (suiteId === 0x0478) {
      assert.deepEqual(messages[0].oneShot, messages[1].oneShot);
      assert.deepEqual(messages[0].streamed, messages[1].streamed);
    } else {
      // ECDSA signatures are randomized (p384 uses the simulator's RNG too, so
      // with the same seed they match as well).
      assert.deepEqual(messages[0].oneShot, messages[1].oneShot);
    }
  }
});

test('streaming: Web streams across frame boundaries, with progress', async () => {
  const sim = createSimulator({ seed: 'env-3' });
  const keyring = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: wrappingKey() });
  for (const [size, frameLength, chunkSize] of [[0, 4096, 1], [4096, 4096, 4096], [4097, 4096, 100], [100_000, 1000, 3333], [65536, 512, 65536]]) {
    const plaintext = pattern(size, size);
    const progress = [];
    const message = await pipe(chunks(plaintext, chunkSize), sim.envelope.encryptStream(keyring, {
      encryptionContext: context, frameLength, plaintextLength: size, onProgress: (p) => progress.push(p),
    }));
    if (size > 0) {
      assert.equal(progress.at(-1).bytesDone, size);
      assert.equal(progress.at(-1).totalBytes, size);
      assert.ok(progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1].bytesDone));
    }
    assert.deepEqual(sim.envelope.decrypt(keyring, message).plaintext, plaintext, `one-shot decrypt of ${size}`);
    const dprog = [];
    const back = await pipe(chunks(message, 1000), sim.envelope.decryptStream(keyring, { onProgress: (p) => dprog.push(p), totalBytes: message.length }));
    assert.deepEqual(back, plaintext);
    assert.equal(dprog.at(-1).bytesDone, message.length);
  }
});

test('streaming: a truncated message errors the stream', async () => {
  const sim = createSimulator({ seed: 'env-4' });
  const keyring = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: wrappingKey() });
  const { result } = sim.envelope.encrypt(keyring, pattern(10_000), { frameLength: 1000 });
  await assert.rejects(pipe([result.subarray(0, result.length - 10)], sim.envelope.decryptStream(keyring)), { name: 'InvalidCiphertextException' });
  await assert.rejects(pipe([result.subarray(0, 20)], sim.envelope.decryptStream(keyring)), /header/);
});

test('Node stream.Transform helpers', async () => {
  const { Readable } = await import('node:stream');
  const sim = createSimulator({ seed: 'env-5' });
  const keyring = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: wrappingKey() });
  const plaintext = pattern(50_000);
  const collect = async (stream) => concat((await stream.toArray()).map((b) => new Uint8Array(b)));
  const ticks = [];
  const message = await collect(Readable.from(chunks(plaintext, 4000)).pipe(sim.envelope.encryptNodeStream(keyring, { frameLength: 1024, onProgress: (p) => ticks.push(p) })));
  assert.equal(ticks.at(-1).bytesDone, plaintext.length);
  const back = await collect(Readable.from(chunks(message, 999)).pipe(sim.envelope.decryptNodeStream(keyring)));
  assert.deepEqual(back, plaintext);
});

test('KMS keyring through the simulator: audit trail, multi-keyring, disabled key', () => {
  const sim = createSimulator({ seed: 'env-6' });
  const a = sim.kms.createKey({}).KeyMetadata.Arn;
  const b = sim.kms.createKey({}).KeyMetadata.Arn;
  const keyring = sim.envelope.kmsKeyring({ generatorKeyId: a, keyIds: [b] });
  const { result, messageHeader } = sim.envelope.encrypt(keyring, 'kms', { encryptionContext: context });
  assert.deepEqual(messageHeader.encryptedDataKeys.map((e) => e.providerInfo), [a, b]);
  assert.equal(sim.audit.events({ eventName: 'GenerateDataKey' }).length, 1);
  assert.equal(sim.audit.events({ eventName: 'Encrypt' }).length, 1);
  const onlyB = sim.envelope.kmsKeyring({ keyIds: [b] });
  assert.equal(new TextDecoder().decode(sim.envelope.decrypt(onlyB, result).plaintext), 'kms');
  const raw = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: wrappingKey() });
  const multi = sim.envelope.multiKeyring({ generator: keyring, children: [raw] });
  const m2 = sim.envelope.encrypt(multi, 'multi').result;
  assert.equal(new TextDecoder().decode(sim.envelope.decrypt(raw, m2).plaintext), 'multi');
  sim.kms.disableKey({ KeyId: a });
  assert.throws(() => sim.envelope.encrypt(keyring, 'x'), { name: 'DisabledException' });
  assert.equal(sim.audit.events({ eventName: 'GenerateDataKey', failed: true }).length, 1);
});

test('caching materials manager: stats, limits and fewer GenerateDataKey calls', () => {
  const sim = createSimulator({ seed: 'env-7' });
  const key = sim.kms.createKey({}).KeyMetadata.Arn;
  const keyring = sim.envelope.kmsKeyring({ generatorKeyId: key });
  const cmm = sim.envelope.cachingMaterialsManager(keyring, { maxAge: 60_000, maxMessagesEncrypted: 4, partition: 'p' });
  const messages = [];
  for (let i = 0; i < 10; i++) messages.push(sim.envelope.encrypt(cmm, pattern(100, i), { encryptionContext: context }).result);
  assert.deepEqual(cmm.stats(), { encryptHits: 7, encryptMisses: 3, decryptHits: 0, decryptMisses: 0 });
  assert.equal(sim.audit.events({ eventName: 'GenerateDataKey' }).length, 3);
  for (const m of messages) sim.envelope.decrypt(cmm, m);
  assert.equal(cmm.stats().decryptMisses, 3);
  assert.equal(sim.audit.events({ eventName: 'Decrypt' }).length, 3);
  // maxAge is in milliseconds of simulated time.
  sim.clock.advance({ ms: 60_001 });
  sim.envelope.encrypt(cmm, 'later', { encryptionContext: context });
  assert.equal(cmm.stats().encryptMisses, 4);
  // maxBytesEncrypted.
  const small = sim.envelope.cachingMaterialsManager(keyring, { maxAge: 60_000, maxBytesEncrypted: 150 });
  sim.envelope.encrypt(small, pattern(100));
  sim.envelope.encrypt(small, pattern(100));
  assert.equal(small.stats().encryptMisses, 2);
  assert.throws(() => sim.envelope.cachingMaterialsManager(keyring, {}), TypeError);
});

test('the decryptor refuses frame lengths above the limit before buffering a frame', () => {
  const sim = createSimulator({ seed: 'env-8' });
  const keyring = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: wrappingKey() });
  const { result } = sim.envelope.encrypt(keyring, pattern(10), { frameLength: 1 << 20 });
  assert.throws(() => sim.envelope.decrypt(keyring, result, { maxFrameLength: 65536 }), /frame length/);
  assert.throws(() => sim.envelope.encrypt(keyring, 'x', { frameLength: 2 ** 31 }), /frame length/);
  assert.equal(sim.envelope.decrypt(keyring, result).plaintext.length, 10);
});

test('streaming 10 MiB keeps memory bounded', async () => {
  const sim = createSimulator({ seed: 'env-9' });
  const keyring = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: wrappingKey() });
  const total = 10 * 1024 * 1024;
  const chunk = pattern(64 * 1024, 3);
  gc();
  const base = process.memoryUsage().arrayBuffers;
  let peak = 0;
  let samples = 0;
  // Live memory, not garbage awaiting collection: collect before every 16th
  // sample (twice: node:crypto cipher objects release their buffers in a
  // second pass).
  const sample = () => {
    if (++samples % 16 !== 0) return;
    gc();
    gc();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
  };
  let sent = 0;
  const source = new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
      sample();
    },
  }, { highWaterMark: 2 });
  let received = 0;
  await source
    .pipeThrough(sim.envelope.encryptStream(keyring, { frameLength: 4096 }))
    .pipeThrough(sim.envelope.decryptStream(keyring))
    .pipeTo(new WritableStream({
      write(piece) {
        for (let i = 0; i < piece.length; i += 4099) assert.equal(piece[i], chunk[(received + i) % chunk.length]);
        received += piece.length;
        sample();
      },
    }));
  assert.equal(received, total);
  // The whole message would be > 10 MiB; the pipeline holds a few chunks.
  assert.ok(samples > 100);
  assert.ok(peak < total / 8, `peak extra arrayBuffers ${peak} bytes`);
});
