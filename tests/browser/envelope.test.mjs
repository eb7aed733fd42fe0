// sim.envelope in real headless Chromium (pkg/browser.js, served like a lab
// page): one-shot and Web-streams round trips with KMS and raw AES keyrings,
// the WebCrypto path writing the same bytes as the wasm path, tampered
// messages rejected with nothing released, expectedContext, and the caching
// CMM cutting KMS calls in the audit trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../scripts/serve-www.mjs';
import { launchChromium, openPage } from '../support/chromium.mjs';

let server;
let browser;
let origin;
before(async () => {
  server = await startServer(0);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  server?.close();
});

/** A blank page on the test server's origin (a secure context: 127.0.0.1), with kmsim imported as `window.kmsim`. */
async function kmsimPage() {
  const context = await browser.newContext();
  await context.route(`${origin}/envelope-test.html`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module">
      import * as kmsim from '/pkg/browser.js';
      window.kmsim = kmsim;
      document.body.dataset.ready = 'true';
    </script></body></html>`,
  }));
  const { page, problems } = await openPage(context, `${origin}/envelope-test.html`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  return { page, problems, close: () => context.close() };
}

// Helpers defined inside the page for every evaluate below.
const helpers = `
  window.t = {
    pattern(n, seed = 1) { const o = new Uint8Array(n); for (let i = 0; i < n; i++) o[i] = (i * 31 + seed) & 0xff; return o; },
    concat(parts) { const o = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let at = 0; for (const p of parts) { o.set(p, at); at += p.length; } return o; },
    chunks(data, size) { const o = []; for (let i = 0; i < data.length; i += size) o.push(data.subarray(i, i + size)); return o; },
    equal(a, b) { return a.length === b.length && a.every((x, i) => x === b[i]); },
    async pipe(parts, transform) {
      const readable = new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } });
      const out = [];
      await readable.pipeThrough(transform).pipeTo(new WritableStream({ write(p) { out.push(p); } }));
      return t.concat(out);
    },
    /** Counts crypto.subtle.encrypt / decrypt calls while fn runs. */
    async counting(fn) {
      const s = crypto.subtle, calls = { encrypt: 0, decrypt: 0 };
      const orig = { encrypt: s.encrypt, decrypt: s.decrypt };
      s.encrypt = function (...a) { calls.encrypt++; return orig.encrypt.apply(this, a); };
      s.decrypt = function (...a) { calls.decrypt++; return orig.decrypt.apply(this, a); };
      try { return { value: await fn(), calls }; } finally { delete s.encrypt; delete s.decrypt; }
    },
    /** The error's name, or 'resolved' (and what was released) if nothing failed. */
    async failure(promise) { try { await promise; return 'resolved'; } catch (e) { return e.name; } },
  };
`;

test('browser: the platform ciphers are wasm (sync) and WebCrypto (async)', async () => {
  const { page, problems, close } = await kmsimPage();
  const got = await page.evaluate(() => {
    const sim = window.kmsim.createSimulator({ seed: 'b-0' });
    return { sync: sim.envelope.platformCipher, async: sim.envelope.asyncPlatformCipher, secure: window.isSecureContext };
  });
  assert.deepEqual(got, { sync: 'wasm', async: 'webcrypto', secure: true });
  assert.deepEqual(problems, []);
  await close();
});

test('browser: round trips one-shot and streaming with KMS and raw AES keyrings; WebCrypto bytes equal wasm bytes', async () => {
  const { page, problems, close } = await kmsimPage();
  await page.evaluate(helpers);
  const results = await page.evaluate(async () => {
    const { createSimulator } = window.kmsim;
    const setup = (seed) => {
      const sim = createSimulator({ seed });
      const keyId = sim.kms.createKey({ Description: 'envelope' }).KeyMetadata.Arn;
      return {
        sim,
        keyrings: {
          kms: sim.envelope.kmsKeyring({ generatorKeyId: keyId }),
          raw: sim.envelope.rawAesKeyring({ keyNamespace: 'lab', keyName: 'k1', wrappingKey: new Uint8Array(32).fill(9) }),
        },
      };
    };
    const out = [];
    for (const kind of ['kms', 'raw']) {
      for (const suiteId of [0x0478, 0x0578]) {
        for (const [size, frameLength, chunk] of [[0, 4096, 1], [3000, 1024, 700], [100_000, 4096, 8192], [300_000, 4096, 65536]]) {
          const plaintext = t.pattern(size, size + suiteId);
          const options = { encryptionContext: { lab: 'browser', kind }, suiteId, frameLength };
          const r = { kind, suiteId, size, frameLength };
          // The same seed on three simulators: wasm one-shot, WebCrypto one-shot, WebCrypto stream.
          const a = setup('same-seed');
          const viaWasm = a.sim.envelope.encrypt(a.keyrings[kind], plaintext, { ...options, cipher: 'wasm' }).result;
          const b = setup('same-seed');
          const oneShot = await t.counting(() => b.sim.envelope.encryptAsync(b.keyrings[kind], plaintext, options));
          const c = setup('same-seed');
          const streamed = await t.counting(() => t.pipe(t.chunks(plaintext, chunk), c.sim.envelope.encryptStream(c.keyrings[kind], { ...options, plaintextLength: size })));
          r.oneShotEqualsWasm = t.equal(oneShot.value.result, viaWasm);
          r.streamEqualsWasm = t.equal(streamed.value, viaWasm);
          r.subtleEncryptCalls = { oneShot: oneShot.calls.encrypt, stream: streamed.calls.encrypt };
          // Decrypt every way (the reader is another simulator with the same seed: same KMS key).
          const d = setup('same-seed');
          const kr = d.keyrings[kind];
          const async1 = await t.counting(() => d.sim.envelope.decryptAsync(kr, viaWasm));
          r.decryptAsync = t.equal(async1.value.plaintext, plaintext);
          r.subtleDecryptCalls = async1.calls.decrypt;
          r.decryptSync = t.equal(d.sim.envelope.decrypt(kr, oneShot.value.result).plaintext, plaintext);
          r.decryptStream = t.equal(await t.pipe(t.chunks(viaWasm, chunk + 13), d.sim.envelope.decryptStream(kr)), plaintext);
          const dec = d.sim.envelope.decryptor(kr);
          r.decryptor = t.equal(t.concat([...t.chunks(streamed.value, chunk).map((x) => dec.update(x)), dec.finish()]), plaintext);
          out.push(r);
        }
      }
    }
    return out;
  });
  assert.equal(results.length, 16);
  for (const r of results) {
    const label = `${r.kind} 0x${r.suiteId.toString(16)} ${r.size} B / ${r.frameLength}`;
    const frames = Math.floor(Math.max(r.size - 1, 0) / r.frameLength) + 1;
    assert.ok(r.oneShotEqualsWasm, `${label}: encryptAsync (WebCrypto) bytes equal wasm bytes`);
    assert.ok(r.streamEqualsWasm, `${label}: encryptStream (WebCrypto) bytes equal wasm bytes`);
    // Small one-shot messages stay in wasm (same bytes); streams always use WebCrypto.
    assert.equal(r.subtleEncryptCalls.stream, frames, `${label}: one subtle.encrypt per frame`);
    if (r.size >= 2048) {
      assert.equal(r.subtleEncryptCalls.oneShot, frames, label);
      assert.equal(r.subtleDecryptCalls, frames, label);
    }
    for (const how of ['decryptAsync', 'decryptSync', 'decryptStream', 'decryptor']) assert.ok(r[how], `${label}: ${how}`);
  }
  assert.deepEqual(problems, []);
  await close();
});

test('browser: tampered messages are rejected and release nothing; expectedContext is enforced', async () => {
  const { page, problems, close } = await kmsimPage();
  await page.evaluate(helpers);
  const r = await page.evaluate(async () => {
    const sim = window.kmsim.createSimulator({ seed: 'b-tamper' });
    const keyId = sim.kms.createKey({}).KeyMetadata.Arn;
    const kr = sim.envelope.kmsKeyring({ generatorKeyId: keyId });
    const plaintext = t.pattern(50_000);
    const out = { oneShot: [], signed: [], stream: {} };
    for (const suiteId of [0x0478, 0x0578]) {
      const message = (await sim.envelope.encryptAsync(kr, plaintext, { frameLength: 4096, suiteId, encryptionContext: { app: 'x' } })).result;
      for (const at of [3, 300, 5000, 30_000, message.length - 30, message.length - 1]) {
        const bad = message.slice();
        bad[at] ^= 0x10;
        let released = null;
        const name = await t.failure(sim.envelope.decryptAsync(kr, bad).then((v) => { released = v; }));
        (suiteId === 0x0478 ? out.oneShot : out.signed).push({ at, name, released: released !== null });
      }
    }
    // Web stream over a message whose 5th frame is bad: exactly four frames come out, then an error.
    const message = (await sim.envelope.encryptAsync(kr, plaintext, { frameLength: 4096 })).result;
    const frame = 16 + 4096 + 16;
    const header = message.length - (12 * frame + 24 + (50_000 - 12 * 4096) + 16);
    const bad = message.slice();
    bad[header + 4 * frame + 50] ^= 1;
    const pieces = [bad.subarray(0, header), ...t.chunks(bad.subarray(header), frame)];
    const released = [];
    const name = await t.failure(new ReadableStream({ start(c) { for (const p of pieces) c.enqueue(p); c.close(); } })
      .pipeThrough(sim.envelope.decryptStream(kr))
      .pipeTo(new WritableStream({ write(p) { released.push(p); } })));
    const got = t.concat(released);
    out.stream = { name, releasedBytes: got.length, releasedMatches: t.equal(got, plaintext.subarray(0, got.length)) };
    // expectedContext: a subset passes, a different value or a missing key fails (before any KMS Decrypt).
    const decryptsBefore = sim.audit.events({ eventName: 'Decrypt' }).length;
    out.expected = {
      subset: t.equal((await sim.envelope.decryptAsync(kr, message, { expectedContext: {} })).plaintext, plaintext),
      wrongName: await t.failure(sim.envelope.decryptAsync(kr, message, { expectedContext: { app: 'y' } })),
      missing: await sim.envelope.decryptAsync(kr, message, { expectedContext: { tenant: 'a' } }).then(() => 'resolved', (e) => e.message),
    };
    out.expected.kmsDecrypts = sim.audit.events({ eventName: 'Decrypt' }).length - decryptsBefore;
    return out;
  });
  for (const { at, name, released } of [...r.oneShot, ...r.signed]) {
    // A flip inside the KMS ciphertext of the data key is KMS's to refuse (it may name the key).
    const expected = at === 300 ? /^(InvalidCiphertextException|IncorrectKeyException)$/ : /^InvalidCiphertextException$/;
    assert.match(name, expected, `flip at ${at}`);
    assert.equal(released, false);
  }
  assert.deepEqual(r.stream, { name: 'InvalidCiphertextException', releasedBytes: 4 * 4096, releasedMatches: true });
  assert.equal(r.expected.subset, true);
  assert.equal(r.expected.wrongName, 'InvalidCiphertextException');
  assert.match(r.expected.missing, /encryption context does not match the expected context: key 'tenant'/);
  assert.equal(r.expected.kmsDecrypts, 1, 'only the passing decrypt called KMS');
  assert.deepEqual(problems, []);
  await close();
});

test('browser: the caching CMM cuts KMS calls in the audit trail', async () => {
  const { page, problems, close } = await kmsimPage();
  await page.evaluate(helpers);
  const r = await page.evaluate(async () => {
    const sim = window.kmsim.createSimulator({ seed: 'b-cache' });
    const keyId = sim.kms.createKey({}).KeyMetadata.Arn;
    const keyring = sim.envelope.kmsKeyring({ generatorKeyId: keyId });
    const cmm = sim.envelope.cachingMaterialsManager(keyring, { maxAge: 60_000, maxMessagesEncrypted: 5 });
    const count = (eventName) => sim.audit.events({ eventName }).length;
    const context = { encryptionContext: { app: 'cache' } };
    const plaintext = t.pattern(10_000);
    const uncached = [];
    for (let i = 0; i < 10; i++) uncached.push((await sim.envelope.encryptAsync(keyring, plaintext, context)).result);
    const gdkUncached = count('GenerateDataKey');
    const cached = [];
    for (let i = 0; i < 10; i++) cached.push((await sim.envelope.encryptAsync(cmm, plaintext, context)).result);
    const gdkCached = count('GenerateDataKey') - gdkUncached;
    let ok = true;
    for (const m of cached) ok &&= t.equal((await sim.envelope.decryptAsync(cmm, m)).plaintext, plaintext);
    const decryptsCached = count('Decrypt');
    for (const m of uncached) ok &&= t.equal((await sim.envelope.decryptAsync(keyring, m)).plaintext, plaintext);
    return { gdkUncached, gdkCached, decryptsCached, decryptsUncached: count('Decrypt') - decryptsCached, ok, stats: cmm.stats() };
  });
  assert.equal(r.ok, true);
  assert.equal(r.gdkUncached, 10);
  assert.equal(r.gdkCached, 2, 'maxMessagesEncrypted 5: one data key per five messages');
  assert.equal(r.decryptsCached, 2, 'one KMS Decrypt per cached data key');
  assert.equal(r.decryptsUncached, 10);
  assert.deepEqual(r.stats, { encryptHits: 8, encryptMisses: 2, decryptHits: 8, decryptMisses: 2 });
  assert.deepEqual(problems, []);
  await close();
});
