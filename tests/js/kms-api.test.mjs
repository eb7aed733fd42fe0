// The KMS scenarios through the JS API in Node (pkg/node.js over the wasm build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulator, operations } from '../../pkg/node.js';

const bytes = (s) => new TextEncoder().encode(s);
const text = (b) => new TextDecoder().decode(b);
const errorName = (fn) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, 'thrown values are Errors');
    return e.name;
  }
  return 'no error';
};

test('create, encrypt, decrypt with encryption context bound as AAD', () => {
  const sim = createSimulator({ seed: 'api' });
  const { KeyMetadata } = sim.kms.createKey({ Description: 'app' });
  assert.equal(KeyMetadata.KeyState, 'Enabled');
  assert.ok(KeyMetadata.CreationDate instanceof Date);
  const sealed = sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: bytes('secret'), EncryptionContext: { ab: 'c' } });
  assert.equal(sealed.KeyId, KeyMetadata.Arn);
  assert.equal(text(sim.kms.decrypt({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { ab: 'c' } }).Plaintext), 'secret');
  assert.equal(errorName(() => sim.kms.decrypt({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { a: 'bc' } })), 'InvalidCiphertextException');
  assert.equal(errorName(() => sim.kms.decrypt({ CiphertextBlob: sealed.CiphertextBlob })), 'InvalidCiphertextException');
});

test('the generic path and the hot path agree', () => {
  const sim = createSimulator({ seed: 'paths' });
  const { KeyMetadata } = sim.kms.createKey();
  const viaGeneric = sim.call('kms', 'Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: bytes('x'), GrantTokens: [] });
  assert.ok(viaGeneric.CiphertextBlob instanceof Uint8Array);
  assert.equal(text(sim.kms.decrypt({ CiphertextBlob: viaGeneric.CiphertextBlob }).Plaintext), 'x');
  assert.equal(text(sim.call('kms', 'Decrypt', { CiphertextBlob: viaGeneric.CiphertextBlob }).Plaintext), 'x');
});

test('errors carry AWS names, messages and SDK-style metadata, and leave state alone', () => {
  const sim = createSimulator({ seed: 'errors' });
  const before = sim.exportSnapshot();
  let caught;
  try {
    sim.kms.describeKey({ KeyId: '11111111-2222-3333-4444-555555555555' });
  } catch (e) {
    caught = e;
  }
  assert.equal(caught.name, 'NotFoundException');
  assert.match(caught.message, /does not exist/);
  assert.equal(caught.$fault, 'client');
  assert.equal(caught.$metadata.httpStatusCode, 400);
  const { KeyMetadata } = sim.kms.createKey();
  assert.equal(errorName(() => sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array(4097) })), 'ValidationException');
  assert.equal(errorName(() => sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array(0) })), 'ValidationException');
  assert.equal(errorName(() => sim.call('kms', 'Encrypt', { KeyId: 5 })), 'SerializationException');
  assert.equal(errorName(() => sim.call('kms', 'Encrypt', {})), 'ValidationException');
  assert.equal(errorName(() => sim.call('kms', 'NoSuchOperation', {})), 'UnknownOperationException');
  assert.equal(errorName(() => sim.kms.generateDataKey({ KeyId: KeyMetadata.KeyId })), 'ValidationException');
  assert.equal(errorName(() => sim.kms.generateDataKey({ KeyId: KeyMetadata.KeyId, NumberOfBytes: 1025 })), 'ValidationException');
  assert.notEqual(before, sim.exportSnapshot());
});

test('disabled and pending-deletion keys refuse cryptography with the AWS exceptions', () => {
  const sim = createSimulator({ seed: 'states' });
  const { KeyMetadata } = sim.kms.createKey();
  const KeyId = KeyMetadata.KeyId;
  const sealed = sim.kms.encrypt({ KeyId, Plaintext: bytes('a') });
  sim.kms.disableKey({ KeyId });
  assert.equal(errorName(() => sim.kms.encrypt({ KeyId, Plaintext: bytes('a') })), 'DisabledException');
  assert.equal(errorName(() => sim.kms.decrypt({ CiphertextBlob: sealed.CiphertextBlob })), 'DisabledException');
  sim.kms.enableKey({ KeyId });
  const scheduled = sim.kms.scheduleKeyDeletion({ KeyId, PendingWindowInDays: 7 });
  assert.equal(scheduled.KeyState, 'PendingDeletion');
  assert.ok(scheduled.DeletionDate instanceof Date);
  assert.equal(errorName(() => sim.kms.decrypt({ CiphertextBlob: sealed.CiphertextBlob })), 'KMSInvalidStateException');
  assert.equal(sim.kms.cancelKeyDeletion({ KeyId }).KeyId, KeyMetadata.Arn);
  assert.equal(sim.kms.describeKey({ KeyId }).KeyMetadata.KeyState, 'Disabled');
  sim.kms.scheduleKeyDeletion({ KeyId, PendingWindowInDays: 7 });
  sim.clock.advance({ days: 7 });
  assert.equal(errorName(() => sim.kms.describeKey({ KeyId })), 'NotFoundException');
  const deletion = sim.audit.events({ eventName: 'DeleteKey' });
  assert.equal(deletion.length, 1);
  assert.equal(deletion[0].eventType, 'AwsServiceEvent');
});

test('aliases resolve in Encrypt and DescribeKey; duplicates are refused', () => {
  const sim = createSimulator({ seed: 'aliases' });
  const { KeyMetadata } = sim.kms.createKey();
  sim.kms.createAlias({ AliasName: 'alias/app', TargetKeyId: KeyMetadata.KeyId });
  assert.equal(sim.kms.describeKey({ KeyId: 'alias/app' }).KeyMetadata.KeyId, KeyMetadata.KeyId);
  assert.equal(sim.kms.encrypt({ KeyId: 'alias/app', Plaintext: bytes('p') }).KeyId, KeyMetadata.Arn);
  assert.equal(errorName(() => sim.kms.createAlias({ AliasName: 'alias/app', TargetKeyId: KeyMetadata.KeyId })), 'AlreadyExistsException');
  assert.equal(errorName(() => sim.kms.createAlias({ AliasName: 'app', TargetKeyId: KeyMetadata.KeyId })), 'ValidationException');
  assert.equal(sim.kms.listAliases().Aliases.length, 1);
});

test('seeded simulators are deterministic; snapshots round-trip exactly and reject corruption', () => {
  const run = () => {
    const sim = createSimulator({ seed: 42 });
    const { KeyMetadata } = sim.kms.createKey();
    const sealed = sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: bytes('same'), EncryptionContext: { a: '1' } });
    return { sim, id: KeyMetadata.KeyId, blob: Buffer.from(sealed.CiphertextBlob).toString('hex') };
  };
  const a = run();
  const b = run();
  assert.equal(a.id, b.id);
  assert.equal(a.blob, b.blob);
  const snapshot = a.sim.exportSnapshot();
  const copy = createSimulator({ seed: 'other' });
  copy.importSnapshot(snapshot);
  assert.equal(copy.exportSnapshot(), snapshot);
  assert.equal(text(copy.kms.decrypt({ CiphertextBlob: Buffer.from(a.blob, 'hex') , EncryptionContext: { a: '1' } }).Plaintext), 'same');
  const before = copy.exportSnapshot();
  assert.equal(errorName(() => copy.importSnapshot('{"format":"kmsim-snapshot","version":2}')), 'ValidationException');
  assert.equal(errorName(() => copy.importSnapshot(snapshot.slice(0, snapshot.length / 2))), 'ValidationException');
  assert.equal(copy.exportSnapshot(), before);
});

test('the clock jumps a year; the audit trail answers queries and holds no plaintext', () => {
  const sim = createSimulator({ seed: 'clock', now: new Date('2030-01-01T00:00:00Z') });
  assert.equal(sim.clock.now().toISOString(), '2030-01-01T00:00:00.000Z');
  const { KeyMetadata } = sim.kms.createKey();
  sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: bytes('TOP-SECRET-PLAINTEXT'), EncryptionContext: { dept: 'hr' } });
  sim.clock.advance({ days: 365 });
  assert.equal(sim.clock.now().toISOString(), '2031-01-01T00:00:00.000Z');
  try {
    sim.kms.encrypt({ KeyId: 'alias/missing', Plaintext: bytes('x') });
  } catch {}
  const all = sim.audit.events();
  assert.deepEqual(all.map((e) => e.eventName), ['CreateKey', 'Encrypt', 'Encrypt']);
  assert.equal(all[1].requestParameters.encryptionContext.dept, 'hr');
  assert.equal(all[2].errorCode, 'NotFoundException');
  assert.equal(sim.audit.events({ resource: KeyMetadata.KeyId }).length, 2);
  assert.equal(sim.audit.events({ failed: true }).length, 1);
  assert.equal(sim.audit.events({ startTime: new Date('2030-06-01') }).length, 1);
  const serialized = JSON.stringify(all);
  assert.ok(!serialized.includes('TOP-SECRET') && !serialized.includes(Buffer.from('TOP-SECRET-PLAINTEXT').toString('base64')));
});

test('callers: another account cannot see this account\'s keys by id', () => {
  const sim = createSimulator({ seed: 'callers' });
  const { KeyMetadata } = sim.kms.createKey();
  const other = sim.as({ account: '111122223333' });
  assert.equal(errorName(() => other.kms.describeKey({ KeyId: KeyMetadata.KeyId })), 'NotFoundException');
  const euro = sim.as({ region: 'eu-west-1' });
  assert.equal(euro.kms.listKeys().Keys.length, 0);
  assert.equal(errorName(() => sim.as({ principal: 'not-an-arn' })), 'ValidationException');
  // A misspelt field is refused rather than read as the default root.
  assert.equal(errorName(() => sim.as({ principa1: 'arn:aws:iam::123456789012:user/x' })), 'ValidationException');
});

test('every KMS operation the core lists is callable from JS', () => {
  const sim = createSimulator({ seed: 'ops' });
  for (const op of operations('kms')) {
    const method = op.charAt(0).toLowerCase() + op.slice(1);
    assert.equal(typeof sim.kms[method], 'function', method);
  }
});
