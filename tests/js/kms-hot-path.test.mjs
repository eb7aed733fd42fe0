// The hot KMS paths (sim.kms.encrypt / decrypt / generateDataKey through the
// shared wasm buffer, src/wasm/hot.rs + pkg/lib/hot.js) against the general
// JSON path: same answers, same errors, buffer growth, non-ASCII text, and
// failures that leave the state as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulator } from '../../pkg/node.js';

const bytes = (s) => new TextEncoder().encode(s);
const text = (b) => new TextDecoder().decode(b);
const errorOf = (fn) => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
};

test('hot and general paths write identical blobs in identically seeded simulators', () => {
  const context = { tenant: 'ünïcødé ✓', 'clé': 'valeur', emoji: '🔑' };
  const run = (hot) => {
    const sim = createSimulator({ seed: 'same' });
    const { KeyMetadata } = sim.kms.createKey();
    const input = { KeyId: KeyMetadata.KeyId, Plaintext: bytes('payload'), EncryptionContext: context };
    // Any extra field (here an empty GrantTokens) sends the call down the general path.
    return hot ? sim.kms.encrypt(input) : sim.kms.encrypt({ ...input, GrantTokens: [] });
  };
  const viaHot = run(true);
  const viaGeneral = run(false);
  assert.deepEqual(viaHot.CiphertextBlob, viaGeneral.CiphertextBlob);
  assert.equal(viaHot.KeyId, viaGeneral.KeyId);
  assert.equal(viaHot.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');

  const sim = createSimulator({ seed: 'same' });
  sim.kms.createKey();
  const opened = sim.kms.decrypt({ CiphertextBlob: viaHot.CiphertextBlob, EncryptionContext: context });
  assert.equal(text(opened.Plaintext), 'payload');
  assert.equal(opened.KeyId, viaHot.KeyId);
  // One character of the context differs: rejected.
  const other = { ...context, emoji: '🔒' };
  assert.equal(errorOf(() => sim.kms.decrypt({ CiphertextBlob: viaHot.CiphertextBlob, EncryptionContext: other })).name,
    'InvalidCiphertextException');
});

test('largest plaintext and a large context grow the buffer; later calls still work', () => {
  const sim = createSimulator({ seed: 'big' });
  const { KeyMetadata } = sim.kms.createKey();
  const plaintext = new Uint8Array(4096).map((_, i) => i % 251);
  const context = {};
  for (let i = 0; i < 40; i++) context[`key-${i}`] = 'v'.repeat(150);
  const sealed = sim.kms.encrypt({ KeyId: KeyMetadata.Arn, Plaintext: plaintext, EncryptionContext: context });
  const opened = sim.kms.decrypt({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: context, KeyId: KeyMetadata.KeyId });
  assert.deepEqual(opened.Plaintext, plaintext);
  const small = sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: bytes('s') });
  assert.equal(text(sim.kms.decrypt({ CiphertextBlob: small.CiphertextBlob }).Plaintext), 's');
});

test('errors carry AWS names and change nothing', () => {
  const sim = createSimulator({ seed: 'errors' });
  const { KeyMetadata } = sim.kms.createKey();
  const other = sim.kms.createKey().KeyMetadata;
  sim.kms.createAlias({ AliasName: 'alias/app', TargetKeyId: KeyMetadata.KeyId });
  const before = sim.exportSnapshot();
  const auditBefore = sim.audit.events().length;
  const cases = [
    [() => sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array(0) }), 'ValidationException'],
    [() => sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array(4097) }), 'ValidationException'],
    [() => sim.kms.encrypt({ KeyId: 'alias/missing', Plaintext: bytes('x') }), 'NotFoundException'],
    [() => sim.kms.encrypt({ KeyId: '', Plaintext: bytes('x') }), 'ValidationException'],
    [() => sim.kms.decrypt({ CiphertextBlob: new Uint8Array([1, 2, 3]) }), 'InvalidCiphertextException'],
    [() => sim.kms.generateDataKey({ KeyId: KeyMetadata.KeyId, NumberOfBytes: 1025 }), 'ValidationException'],
    [() => sim.kms.generateDataKey({ KeyId: KeyMetadata.KeyId, KeySpec: 'AES_512' }), 'ValidationException'],
  ];
  for (const [call, name] of cases) {
    const error = errorOf(call);
    assert.equal(error.name, name, error.message);
    assert.equal(error.$metadata.httpStatusCode, 400);
  }
  // Everything but the audit trail (where each failure is recorded) is as it was: keys, RNG position, clock.
  const state = (json) => {
    const { audit, ...rest } = JSON.parse(json);
    return { rest, events: audit.events.length };
  };
  assert.deepEqual(state(sim.exportSnapshot()).rest, state(before).rest);
  assert.equal(sim.audit.events().length, auditBefore + cases.length);
  assert.ok(sim.audit.events({ failed: true }).length >= cases.length);

  const sealed = sim.kms.encrypt({ KeyId: 'alias/app', Plaintext: bytes('x') });
  assert.equal(sealed.KeyId, KeyMetadata.Arn);
  assert.equal(errorOf(() => sim.kms.decrypt({ CiphertextBlob: sealed.CiphertextBlob, KeyId: other.KeyId })).name,
    'IncorrectKeyException');
});

test('generateDataKey on the hot path: sizes, plaintext decrypts the blob, no plaintext left behind', () => {
  const sim = createSimulator({ seed: 'gdk' });
  const { KeyMetadata } = sim.kms.createKey();
  const a = sim.kms.generateDataKey({ KeyId: KeyMetadata.KeyId, KeySpec: 'AES_256', EncryptionContext: { p: 'q' } });
  assert.equal(a.Plaintext.length, 32);
  assert.equal(a.KeyId, KeyMetadata.Arn);
  const b = sim.kms.generateDataKey({ KeyId: KeyMetadata.KeyId, NumberOfBytes: 7 });
  assert.equal(b.Plaintext.length, 7);
  assert.deepEqual(sim.kms.decrypt({ CiphertextBlob: a.CiphertextBlob, EncryptionContext: { p: 'q' } }).Plaintext, a.Plaintext);
  // Results are copies, not views of wasm memory: later calls do not change them.
  const copy = Uint8Array.from(a.Plaintext);
  for (let i = 0; i < 5; i++) sim.kms.generateDataKey({ KeyId: KeyMetadata.KeyId, NumberOfBytes: 32 });
  assert.deepEqual(a.Plaintext, copy);
  assert.notEqual(a.Plaintext.buffer.byteLength, 0);
  const events = sim.audit.events({ eventName: 'GenerateDataKey' });
  assert.equal(events.length, 7);
  assert.ok(!JSON.stringify(events).includes(Buffer.from(a.Plaintext).toString('base64')));
});

test('a caller view uses the same buffer under its own identity', () => {
  const sim = createSimulator({ seed: 'views' });
  const { KeyMetadata } = sim.kms.createKey();
  const stranger = sim.as({ principal: 'arn:aws:iam::444455556666:user/mallory' });
  const error = errorOf(() => stranger.kms.encrypt({ KeyId: KeyMetadata.Arn, Plaintext: bytes('x') }));
  assert.equal(error.name, 'AccessDeniedException');
  assert.match(error.message, /arn:aws:iam::444455556666:user\/mallory is not authorized to perform: kms:Encrypt/);
  const sealed = sim.kms.encrypt({ KeyId: KeyMetadata.Arn, Plaintext: bytes('ok') });
  assert.equal(text(sim.kms.decrypt({ CiphertextBlob: sealed.CiphertextBlob }).Plaintext), 'ok');
});

test('blobs share slabs of ciphertext only: independent bytes, no plaintext behind them', () => {
  const sim = createSimulator({ seed: 'slab' });
  const { KeyMetadata } = sim.kms.createKey();
  const secret = bytes('plaintext-marker-0123456789');
  const blobs = [];
  for (let i = 0; i < 200; i++) {
    blobs.push(sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: secret }).CiphertextBlob);
    blobs.push(sim.kms.generateDataKey({ KeyId: KeyMetadata.KeyId, KeySpec: 'AES_256' }).CiphertextBlob);
  }
  // Several blobs per slab, and slabs are replaced as they fill.
  const slabs = new Set(blobs.map((b) => b.buffer));
  assert.ok(slabs.size > 1 && slabs.size < blobs.length, `${slabs.size} slabs for ${blobs.length} blobs`);
  const marker = text(secret);
  for (const slab of slabs) assert.ok(!Buffer.from(slab).toString('latin1').includes(marker), 'a plaintext sits in a slab');
  // Each blob is its own bytes: changing one changes no other, and every other still decrypts.
  const copies = blobs.map((b) => b.slice());
  blobs[0].fill(0);
  for (let i = 1; i < blobs.length; i++) assert.deepEqual(blobs[i], copies[i]);
  assert.equal(text(sim.kms.decrypt({ CiphertextBlob: blobs[2] }).Plaintext), marker);
  // Decrypted plaintexts and data keys own their memory.
  const opened = sim.kms.decrypt({ CiphertextBlob: copies[0] }).Plaintext;
  assert.equal(opened.byteLength, opened.buffer.byteLength);
  const dataKey = sim.kms.generateDataKey({ KeyId: KeyMetadata.KeyId, NumberOfBytes: 1024 }).Plaintext;
  assert.equal(dataKey.byteLength, dataKey.buffer.byteLength);
});
