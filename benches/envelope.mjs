// Envelope encryption throughput in Node: node:crypto AES-256-GCM (baseline
// 1.0) vs kmsim's platform path (node:crypto frames), kmsim's pure-wasm path,
// and the official @aws-crypto/client-node (suite 0x0478, raw AES keyring);
// plus KMS Encrypt+Decrypt round trips through the JS API. Measures and
// prints; asserts nothing. Run: scripts/bench.sh (or node benches/envelope.mjs).
import { createCipheriv, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier, AlgorithmSuiteIdentifier,
} from '@aws-crypto/client-node';
import { createSimulator } from '../pkg/node.js';

const FRAME = Number(process.env.FRAME ?? 4096);
const sizes = [['1 KiB', 1024], ['1 MiB', 1 << 20], ['64 MiB', 64 << 20]];

/** Runs `fn` repeatedly for at least `minMs` (and `minRuns`); returns seconds per run. */
async function time(fn, { minMs = 1000, minRuns = 3 } = {}) {
  await fn(); // warm-up
  let runs = 0;
  const start = performance.now();
  while (runs < minRuns || performance.now() - start < minMs) {
    await fn();
    runs++;
  }
  return (performance.now() - start) / 1000 / runs;
}

const sim = createSimulator({ seed: 'bench' });
const key = new Uint8Array(32);
key.set(randomBytes(32));
const ours = sim.envelope.rawAesKeyring({ keyNamespace: 'bench', keyName: 'k', wrappingKey: key.slice() });
const { encrypt: esdkEncrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const official = new RawAesKeyringNode({
  keyName: 'k', keyNamespace: 'bench', unencryptedMasterKey: key,
  wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
});
const suite0478 = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
const context = { purpose: 'bench' };

const contenders = [
  ['node:crypto AES-256-GCM (one call)', (data) => {
    const c = createCipheriv('aes-256-gcm', key, randomBytes(12));
    c.update(data); c.final(); c.getAuthTag();
  }],
  [`kmsim platform (node:crypto frames, ${FRAME} B)`, (data) => sim.envelope.encrypt(ours, data, { encryptionContext: context, frameLength: FRAME, cipher: 'platform' })],
  ['kmsim platform (1 MiB frames)', (data) => sim.envelope.encrypt(ours, data, { encryptionContext: context, frameLength: 1 << 20, cipher: 'platform' })],
  [`kmsim pure wasm (${FRAME} B frames)`, (data) => sim.envelope.encrypt(ours, data, { encryptionContext: context, frameLength: FRAME, cipher: 'wasm' })],
  [`@aws-crypto/client-node 0x0478 (${FRAME} B frames)`, (data) => esdkEncrypt(official, data, { encryptionContext: context, suiteId: suite0478, frameLength: FRAME })],
];

console.log(`envelope encrypt, Node ${process.version}, ${process.arch}; frame length ${FRAME} unless stated`);
const perMessage = {};
for (const [label, size] of sizes) {
  const data = randomBytes(size);
  const results = [];
  for (const [name, fn] of contenders) {
    const big = size >= 64 << 20;
    const secs = await time(() => fn(data), { minMs: big ? 3000 : 1000, minRuns: big ? 2 : 5 });
    results.push([name, secs]);
  }
  const base = results[0][1];
  console.log(`\n${label}`);
  for (const [name, secs] of results) {
    const mbps = size / secs / 1e6;
    console.log(`  ${name.padEnd(48)} ${mbps.toFixed(1).padStart(9)} MB/s  ${(base / secs).toFixed(3).padStart(7)}x  ${(1 / secs).toFixed(0).padStart(8)} msg/s`);
    if (size === 1024) perMessage[name] = 1 / secs;
  }
}
const esdkName = contenders[4][0];
console.log('\n1 KiB messages/s vs the official ESDK:');
for (const [name] of contenders.slice(1, 4)) {
  console.log(`  ${name.padEnd(48)} ${(perMessage[name] / perMessage[esdkName]).toFixed(1)}x`);
}

// KMS: Encrypt + Decrypt of 32 bytes with a 2-pair context through sim.kms.
const kmsKey = sim.kms.createKey({}).KeyMetadata.KeyId;
const plaintext = new Uint8Array(32).fill(1);
const kmsContext = { app: 'bench', tenant: 't1' };
const rt = await time(() => {
  const { CiphertextBlob } = sim.kms.encrypt({ KeyId: kmsKey, Plaintext: plaintext, EncryptionContext: kmsContext });
  sim.kms.decrypt({ CiphertextBlob, EncryptionContext: kmsContext });
}, { minMs: 2000, minRuns: 100 });
console.log(`\nKMS Encrypt+Decrypt round trips (32 B, 2-pair context, sim.kms): ${(1 / rt).toFixed(0)}/s`);
