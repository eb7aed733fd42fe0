// Cold start in Node: a fresh process from `import 'kmsim'` to the first
// Encrypt answered (module load + wasm compile/instantiate + CreateKey + Encrypt).
// Usage: node benches/cold-start.mjs [runs]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 10);
const entry = fileURLToPath(new URL('../pkg/node.js', import.meta.url));
const child = `
const t0 = performance.now();
const { createSimulator } = await import(${JSON.stringify(entry)});
const t1 = performance.now();
const sim = createSimulator({ seed: 'cold' });
const { KeyMetadata } = sim.kms.createKey();
sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array(32) });
const t2 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, firstEncryptMs: t2 - t0 }));
`;
const samples = [];
for (let i = 0; i < runs; i++) samples.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' })));
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`cold start (median of ${runs} fresh processes): import ${median(samples.map((s) => s.importMs)).toFixed(1)} ms, import → first Encrypt ${median(samples.map((s) => s.firstEncryptMs)).toFixed(1)} ms`);
