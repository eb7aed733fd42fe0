// Envelope encryption throughput in Node: node:crypto AES-256-GCM (baseline
// 1.0) vs kmsim's platform path (node:crypto frames, batched), kmsim's
// pure-wasm path, kmsim's WebCrypto path (encryptAsync), and the official
// @aws-crypto/client-node (suite 0x0478, raw AES keyring); the same for
// decryption; plus KMS Encrypt+Decrypt round trips through the JS API.
//
// "node:crypto per frame (no framing)" is a floor for any ESDK-format
// writer on node:crypto: a plain JS loop making one createCipheriv call per
// frame into one output buffer, with no header, AAD building or wasm at all.
//
// Contenders run interleaved, round after round, and each ratio is the median
// of per-round ratios, so a noisy (shared) machine skews ratios less than
// absolute MB/s. Measures and prints; asserts nothing.
// Run: scripts/bench.sh (or node benches/envelope.mjs). ROUNDS=n, FRAME=n.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier, AlgorithmSuiteIdentifier,
} from '@aws-crypto/client-node';
import { createSimulator } from '../pkg/node.js';

const FRAME = Number(process.env.FRAME ?? 4096);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const sizes = [['1 KiB', 1024], ['1 MiB', 1 << 20], ['64 MiB', 64 << 20]];

const sim = createSimulator({ seed: 'bench' });
const key = new Uint8Array(32);
key.set(randomBytes(32));
const ours = sim.envelope.rawAesKeyring({ keyNamespace: 'bench', keyName: 'k', wrappingKey: key.slice() });
const { encrypt: esdkEncrypt, decrypt: esdkDecrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const official = new RawAesKeyringNode({
  keyName: 'k', keyNamespace: 'bench', unencryptedMasterKey: key,
  wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
});
const suite0478 = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
const context = { purpose: 'bench' };
const iv = randomBytes(12);
const aad = randomBytes(72);

/** One node:crypto call per frame into one buffer: the floor for a framed format. */
function perFrameFloor(data) {
  const frames = Math.max(1, Math.ceil(data.length / FRAME));
  const out = new Uint8Array(data.length + frames * 32);
  for (let i = 0, at = 0; i < frames; i++) {
    const plain = data.subarray(i * FRAME, i * FRAME + FRAME);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(aad);
    out.set(c.update(plain), at + 16);
    c.final();
    out.set(c.getAuthTag(), at + 16 + plain.length);
    at += plain.length + 32;
  }
  return out;
}

const encryptContenders = [
  ['node:crypto AES-256-GCM (one call)', (data) => {
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.update(data); c.final(); c.getAuthTag();
  }],
  [`node:crypto per frame (no framing, ${FRAME} B)`, perFrameFloor],
  [`kmsim platform (node:crypto, ${FRAME} B frames)`, (data) => sim.envelope.encrypt(ours, data, { encryptionContext: context, frameLength: FRAME, cipher: 'platform' })],
  ['kmsim platform (node:crypto, 1 MiB frames)', (data) => sim.envelope.encrypt(ours, data, { encryptionContext: context, frameLength: 1 << 20, cipher: 'platform' })],
  [`kmsim encryptAsync WebCrypto (${FRAME} B)`, (data) => sim.envelope.encryptAsync(ours, data, { encryptionContext: context, frameLength: FRAME, cipher: 'webcrypto' })],
  [`kmsim pure wasm (${FRAME} B frames)`, (data) => sim.envelope.encrypt(ours, data, { encryptionContext: context, frameLength: FRAME, cipher: 'wasm' })],
  [`@aws-crypto/client-node 0x0478 (${FRAME} B)`, (data) => esdkEncrypt(official, data, { encryptionContext: context, suiteId: suite0478, frameLength: FRAME })],
];

function decryptContenders(data) {
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = c.update(data); c.final();
  const tag = c.getAuthTag();
  const message = sim.envelope.encrypt(ours, data, { encryptionContext: context, frameLength: FRAME }).result;
  return [
    ['node:crypto AES-256-GCM (one call)', () => {
      const d = createDecipheriv('aes-256-gcm', key, iv);
      d.setAuthTag(tag); d.update(ct); d.final();
    }],
    [`kmsim platform (node:crypto, ${FRAME} B frames)`, () => sim.envelope.decrypt(ours, message, { cipher: 'platform' })],
    [`kmsim decryptAsync WebCrypto (${FRAME} B)`, () => sim.envelope.decryptAsync(ours, message, { cipher: 'webcrypto' })],
    [`kmsim pure wasm (${FRAME} B frames)`, () => sim.envelope.decrypt(ours, message, { cipher: 'wasm' })],
    [`@aws-crypto/client-node (${FRAME} B)`, () => esdkDecrypt(official, message)],
  ];
}

/** Calls `fn` `n` times; returns seconds per call. */
async function timeRuns(fn, n) {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const r = fn();
    if (r && typeof r.then === 'function') await r; // only the async contenders pay for an await
  }
  return (performance.now() - start) / 1000 / n;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** Interleaved rounds; returns [name, median seconds, median ratio to the first contender]. */
async function compare(contenders) {
  const runs = [];
  for (const [, fn] of contenders) {
    const once = await timeRuns(fn, 1); // warm-up, and calibrate to ~100 ms per round
    runs.push(Math.max(1, Math.min(2000, Math.round(0.1 / Math.max(once, 1e-6)))));
  }
  const times = contenders.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < contenders.length; i++) times[i].push(await timeRuns(contenders[i][1], runs[i]));
  }
  return contenders.map(([name], i) => [
    name, median(times[i]), median(times[i].map((t, r) => times[0][r] / t)),
  ]);
}

function report(label, size, results) {
  console.log(`\n${label}`);
  for (const [name, secs, ratio] of results) {
    const mbps = size / secs / 1e6;
    console.log(`  ${name.padEnd(46)} ${mbps.toFixed(1).padStart(9)} MB/s  ${ratio.toFixed(3).padStart(7)}x  ${(1 / secs).toFixed(0).padStart(8)} msg/s`);
  }
}

console.log(`envelope, Node ${process.version}, ${process.arch}; frame length ${FRAME} unless stated; ${ROUNDS} interleaved rounds, medians`);
const perMessage = {};
for (const [label, size] of sizes) {
  const data = randomBytes(size);
  const results = await compare(encryptContenders.map(([name, fn]) => [name, () => fn(data)]));
  report(`encrypt ${label}`, size, results);
  if (size === 1024) for (const [name, secs] of results) perMessage[name] = 1 / secs;
}
const esdkName = encryptContenders.at(-1)[0];
console.log('\n1 KiB messages/s vs the official ESDK:');
for (const [name] of encryptContenders.slice(2, -1)) {
  console.log(`  ${name.padEnd(46)} ${(perMessage[name] / perMessage[esdkName]).toFixed(1)}x`);
}
for (const [label, size] of sizes) {
  const data = randomBytes(size);
  report(`decrypt ${label}`, size, await compare(decryptContenders(data)));
}

// KMS: Encrypt + Decrypt of 32 bytes with a 2-pair context through sim.kms.
const kmsKey = sim.kms.createKey({}).KeyMetadata.KeyId;
const plaintext = new Uint8Array(32).fill(1);
const kmsContext = { app: 'bench', tenant: 't1' };
const rt = await timeRuns(() => {
  const { CiphertextBlob } = sim.kms.encrypt({ KeyId: kmsKey, Plaintext: plaintext, EncryptionContext: kmsContext });
  sim.kms.decrypt({ CiphertextBlob, EncryptionContext: kmsContext });
}, 20000);
console.log(`\nKMS Encrypt+Decrypt round trips (32 B, 2-pair context, sim.kms): ${(1 / rt).toFixed(0)}/s`);
