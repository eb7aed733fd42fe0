// KMS Encrypt+Decrypt round trips per second through the JS API in Node
// (issue #3's benchmark): a 32-byte plaintext with a 2-pair encryption
// context, `sim.kms.encrypt` then `sim.kms.decrypt`, every call authorized,
// audited and really encrypted. The baseline in the same run is node:crypto
// AES-256-GCM doing one encrypt + one decrypt of the same 32 bytes with the
// context as AAD (no KMS semantics at all), so the ratio says what the
// simulation costs on top of bare crypto. Medians of ROUNDS rounds of ~MS ms.
// Asserts nothing about speed.
//
// Run: node benches/kms.mjs   (env: ROUNDS=7 MS=1000)
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createSimulator } from '../pkg/node.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const MS = Number(process.env.MS ?? 1000);

/** Round trips per second of `fn`, as the median of ROUNDS rounds. */
function rate(fn) {
  const rates = [];
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < MS) {
      for (let i = 0; i < 256; i++) fn();
      n += 256;
      elapsed = performance.now() - start;
    }
    rates.push((n * 1000) / elapsed);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

const plaintext = new Uint8Array(32).fill(7);
const context = { app: 'bench', tenant: 't1' };

const sim = createSimulator({ seed: 'bench' });
const keyId = sim.kms.createKey({}).KeyMetadata.KeyId;
const kmsRoundTrip = () => {
  const { CiphertextBlob } = sim.kms.encrypt({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: context });
  const { Plaintext } = sim.kms.decrypt({ CiphertextBlob, EncryptionContext: context });
  if (Plaintext.length !== 32) throw new Error('round trip lost bytes');
};

const key = crypto.randomBytes(32);
const aad = Buffer.from(JSON.stringify(context));
const nodeRoundTrip = () => {
  const iv = crypto.randomBytes(12);
  const enc = crypto.createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
  const ct = Buffer.concat([enc.update(plaintext), enc.final()]);
  const tag = enc.getAuthTag();
  const dec = crypto.createDecipheriv('aes-256-gcm', key, iv).setAAD(aad).setAuthTag(tag);
  const pt = Buffer.concat([dec.update(ct), dec.final()]);
  if (pt.length !== 32) throw new Error('round trip lost bytes');
};

// Warm both up before measuring (JIT, wasm tier-up).
for (let i = 0; i < 20000; i++) { kmsRoundTrip(); nodeRoundTrip(); }
const baseline = rate(nodeRoundTrip);
const kmsim = rate(kmsRoundTrip);
const audited = sim.audit.events({ eventName: 'Decrypt', maxResults: 1 }).length;
console.log('KMS Encrypt+Decrypt round trips/s (32 B plaintext, 2-pair context), median of', ROUNDS, 'rounds');
console.log(`  node:crypto AES-256-GCM enc+dec (baseline)  ${baseline.toFixed(0).padStart(9)}/s  1.00x`);
console.log(`  kmsim sim.kms.encrypt + decrypt (wasm)       ${kmsim.toFixed(0).padStart(9)}/s  ${(kmsim / baseline).toFixed(2)}x   (target >= 175,000/s)`);
if (audited !== 1) throw new Error('expected the round trips to be audited');
