// The npm package as shipped: packed, installed into an empty project, then
// used through ESM import, CJS require, its bin, and its TypeScript types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { scratchProject, packTarball, root } from '../support/pack.mjs';

const roundTrip = (lib) => `
const sim = kmsim.createSimulator({ seed: 7 });
const { KeyMetadata } = sim.kms.createKey({ Description: 'shipped' });
const sealed = sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new TextEncoder().encode('shipped ok'), EncryptionContext: { via: '${lib}' } });
const opened = sim.kms.decrypt({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { via: '${lib}' } });
let errorName = 'none';
try { sim.kms.decrypt({ CiphertextBlob: sealed.CiphertextBlob }); } catch (e) { errorName = e.name; }
console.log(JSON.stringify({ version: kmsim.version(), text: new TextDecoder().decode(opened.Plaintext), errorName }));
`;

function run(dir, file) {
  return JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

test('the tarball ships the wasm, the glue, the entry points and the types, nothing else', () => {
  const listing = execFileSync('tar', ['-tzf', packTarball()], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const file of ['package/node.js', 'package/browser.js', 'package/index.d.ts', 'package/dist/kmsim_bg.wasm', 'package/dist/kmsim.js', 'package/bin/kmsim.js']) {
    assert.ok(listing.includes(file), `${file} missing from ${listing.join(', ')}`);
  }
  assert.ok(!listing.some((f) => f.endsWith('.rs') || f.includes('test')), 'no sources or tests shipped');
});

test('ESM import works from an installed package', () => {
  const dir = scratchProject('esm');
  writeFileSync(join(dir, 'main.mjs'), `import * as kmsim from 'kmsim';\n${roundTrip('esm')}`);
  const out = run(dir, 'main.mjs');
  assert.equal(out.text, 'shipped ok');
  assert.equal(out.errorName, 'InvalidCiphertextException');
  assert.equal(out.version, JSON.parse(readFileSync(join(root, 'pkg/package.json'), 'utf8')).version);
});

test('CJS require works from an installed package', () => {
  const dir = scratchProject('cjs', { type: 'commonjs' });
  writeFileSync(join(dir, 'main.cjs'), `const kmsim = require('kmsim');\n${roundTrip('cjs')}`);
  const out = run(dir, 'main.cjs');
  assert.equal(out.text, 'shipped ok');
  assert.equal(out.errorName, 'InvalidCiphertextException');
});

test('the kmsim bin prints its version', () => {
  const dir = scratchProject('bin');
  const printed = execFileSync(join(dir, 'node_modules/.bin/kmsim'), ['version'], { encoding: 'utf8' }).trim();
  assert.match(printed, /^\d+\.\d+\.\d+$/);
});

test('the TypeScript types check (tsc --noEmit) and catch misuse', () => {
  const dir = scratchProject('types');
  const tsc = join(root, 'node_modules/.bin/tsc');
  assert.ok(existsSync(tsc), 'typescript is a dev dependency');
  const tsconfig = { compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [], skipLibCheck: false } };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  writeFileSync(join(dir, 'good.mts'), `
import { createSimulator, type EncryptOutput, type KeyMetadata } from 'kmsim';
const sim = createSimulator({ seed: 'types', now: new Date(0) });
const meta: KeyMetadata = sim.kms.createKey({ Description: 'typed' }).KeyMetadata;
const out: EncryptOutput = sim.kms.encrypt({ KeyId: meta.Arn, Plaintext: new Uint8Array([1]), EncryptionContext: { k: 'v' } });
const bytes: Uint8Array = sim.kms.decrypt({ CiphertextBlob: out.CiphertextBlob }).Plaintext;
const when: Date = meta.CreationDate;
sim.clock.advance({ days: 365 });
console.log(bytes.length, when.getTime(), sim.audit.events({ eventName: 'Encrypt' }).length);
`);
  execFileSync(tsc, ['-p', dir], { cwd: dir, stdio: 'inherit' });
  writeFileSync(join(dir, 'bad.mts'), `
import { createSimulator } from 'kmsim';
const sim = createSimulator();
const n: number = sim.kms.encrypt({ KeyId: 'k', Plaintext: new Uint8Array() }).CiphertextBlob;
`);
  assert.throws(
    () => execFileSync(tsc, ['-p', dir], { cwd: dir, stdio: 'pipe', encoding: 'utf8' }),
    (e) => /bad\.mts.*Uint8Array.*number/s.test(String(e.stdout)),
  );
});
