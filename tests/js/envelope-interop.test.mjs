// Interop of sim.envelope with the official AWS Encryption SDK for
// JavaScript (@aws-crypto/client-node), both directions: KMS keyrings (the
// official KmsKeyringNode talks to the simulator through the in-process AWS
// SDK v3 request handler) and raw AES keyrings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildClient, CommitmentPolicy, KmsKeyringNode, RawAesKeyringNode, RawAesWrappingSuiteIdentifier, AlgorithmSuiteIdentifier,
} from '@aws-crypto/client-node';
import { KMS } from '@aws-sdk/client-kms';
import { createSimulator } from '../../pkg/node.js';

process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const suites = {
  0x0478: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
  0x0578: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
};
const context = { purpose: 'interop', tenant: 'a' };

function pattern(n) {
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) p[i] = (i * 31 + 7) % 251;
  return p;
}

function withoutPublicKey(ctx) {
  const out = { ...ctx };
  delete out['aws-crypto-public-key'];
  return out;
}

test('KMS keyring: official SDK decrypts kmsim, kmsim decrypts the official SDK', async () => {
  const sim = createSimulator({ seed: 'interop-kms' });
  const a = sim.kms.createKey({}).KeyMetadata.Arn;
  const b = sim.kms.createKey({}).KeyMetadata.Arn;
  const clientProvider = () => new KMS(sim.clientConfig());
  const official = new KmsKeyringNode({ clientProvider, generatorKeyId: a, keyIds: [b] });
  const ours = sim.envelope.kmsKeyring({ generatorKeyId: a, keyIds: [b] });

  for (const suiteId of [0x0478, 0x0578]) {
    for (const size of [0, 1, 5000]) {
      const plaintext = pattern(size);
      const mine = sim.envelope.encrypt(ours, plaintext, { encryptionContext: context, suiteId, frameLength: 1024 }).result;
      const opened = await decrypt(official, mine);
      assert.deepEqual(new Uint8Array(opened.plaintext), plaintext);
      assert.deepEqual(withoutPublicKey(opened.messageHeader.encryptionContext), context);

      const { result } = await encrypt(official, plaintext, { encryptionContext: context, suiteId: suites[suiteId], frameLength: 1024 });
      const back = sim.envelope.decrypt(ours, result);
      assert.deepEqual(back.plaintext, plaintext);
      assert.equal(back.messageHeader.suiteId, suiteId);
      assert.deepEqual(back.messageHeader.encryptedDataKeys.map((e) => e.providerInfo), [a, b]);
    }
  }
  // The official SDK's KMS calls went through the simulator: they are audited.
  assert.ok(sim.audit.events({ eventName: 'GenerateDataKey' }).length >= 6);
  // A keyring naming only the second key decrypts either side's message.
  const onlyB = sim.envelope.kmsKeyring({ keyIds: [b] });
  const { result } = await encrypt(official, 'second key', { encryptionContext: context });
  assert.equal(new TextDecoder().decode(sim.envelope.decrypt(onlyB, result).plaintext), 'second key');
});

test('raw AES keyring: both directions, default suites, streaming decrypt of an official message', async () => {
  const sim = createSimulator({ seed: 'interop-raw' });
  // The official keyring wants an isolated Uint8Array.
  const key = new Uint8Array(32);
  key.set(pattern(32));
  // Ours first: the official keyring may take over (and later zero) its key.
  const ours = sim.envelope.rawAesKeyring({ keyNamespace: 'ns', keyName: 'k1', wrappingKey: key.slice() });
  const official = new RawAesKeyringNode({
    keyName: 'k1', keyNamespace: 'ns', unencryptedMasterKey: key,
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  for (const cipher of ['platform', 'wasm']) {
    const plaintext = pattern(20_000);
    // The official default suite is 0x0578; ours is 0x0478. Each reads the other.
    const theirs = await encrypt(official, plaintext, { encryptionContext: context });
    assert.equal(theirs.messageHeader.suiteId, 0x0578);
    assert.deepEqual(sim.envelope.decrypt(ours, theirs.result, { cipher }).plaintext, plaintext);
    const dec = sim.envelope.decryptor(ours, { cipher });
    const parts = [];
    for (let i = 0; i < theirs.result.length; i += 1500) parts.push(dec.update(theirs.result.subarray(i, i + 1500)));
    parts.push(dec.finish());
    assert.equal(parts.reduce((n, p) => n + p.length, 0), plaintext.length);

    const mine = sim.envelope.encrypt(ours, plaintext, { encryptionContext: context, cipher });
    assert.equal(mine.messageHeader.suiteId, 0x0478);
    const opened = await decrypt(official, mine.result);
    assert.deepEqual(new Uint8Array(opened.plaintext), plaintext);
    assert.deepEqual({ ...opened.messageHeader.encryptionContext }, context);
  }
  // The WebCrypto path (asynchronous API), both directions, signed and unsigned.
  for (const suiteId of [0x0478, 0x0578]) {
    const plaintext = pattern(30_000);
    const theirs = await encrypt(official, plaintext, { encryptionContext: context, suiteId: suites[suiteId] });
    const back = await sim.envelope.decryptAsync(ours, theirs.result, { cipher: 'webcrypto', expectedContext: context });
    assert.deepEqual(back.plaintext, plaintext);
    const mine = await sim.envelope.encryptAsync(ours, plaintext, { encryptionContext: context, suiteId, cipher: 'webcrypto' });
    assert.deepEqual(new Uint8Array((await decrypt(official, mine.result)).plaintext), plaintext);
  }
});
