// Envelope throughput in headless Chromium (Debian's /usr/bin/chromium via
// playwright-core): kmsim's WebCrypto path (encryptAsync / decryptAsync) vs
// its wasm path (encrypt / decrypt with cipher 'wasm'), against one
// crypto.subtle AES-GCM call over the whole buffer (baseline 1.0). Contenders
// run interleaved; ratios are medians of per-round ratios. Measures and
// prints; asserts nothing. Run: node benches/envelope-browser.mjs (ROUNDS=n, FRAME=n).
import { startServer } from '../scripts/serve-www.mjs';
import { launchChromium, openPage } from '../tests/support/chromium.mjs';

const FRAME = Number(process.env.FRAME ?? 4096);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const sizes = [['1 KiB', 1024], ['1 MiB', 1 << 20], ['64 MiB', 64 << 20]];

const server = await startServer(0);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChromium();
try {
  const context = await browser.newContext();
  await context.route(`${origin}/bench.html`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module">
      import * as kmsim from '/pkg/browser.js';
      window.kmsim = kmsim;
      document.body.dataset.ready = 'true';
    </script></body></html>`,
  }));
  const { page } = await openPage(context, `${origin}/bench.html`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  const version = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? navigator.userAgent);
  console.log(`envelope in headless ${version}; frame length ${FRAME}; ${ROUNDS} interleaved rounds, medians`);
  for (const [label, size] of sizes) {
    const results = await page.evaluate(async ({ size, FRAME, ROUNDS }) => {
      const sim = window.kmsim.createSimulator({ seed: 'bench' });
      const keyring = sim.envelope.rawAesKeyring({ keyNamespace: 'bench', keyName: 'k', wrappingKey: new Uint8Array(32).fill(3) });
      const data = new Uint8Array(size);
      for (let at = 0; at < size; at += 65536) crypto.getRandomValues(data.subarray(at, Math.min(at + 65536, size)));
      const key = await crypto.subtle.importKey('raw', new Uint8Array(32).fill(1), 'AES-GCM', false, ['encrypt', 'decrypt']);
      const iv = new Uint8Array(12);
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data);
      const options = { encryptionContext: { purpose: 'bench' }, frameLength: FRAME };
      const message = sim.envelope.encrypt(keyring, data, { ...options, cipher: 'wasm' }).result;
      const contenders = [
        ['encrypt: crypto.subtle (one call)', () => crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data)],
        ['encrypt: kmsim encryptAsync (WebCrypto)', () => sim.envelope.encryptAsync(keyring, data, { ...options, cipher: 'webcrypto' })],
        ['encrypt: kmsim encrypt (wasm)', () => sim.envelope.encrypt(keyring, data, { ...options, cipher: 'wasm' })],
        ['decrypt: crypto.subtle (one call)', () => crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed)],
        ['decrypt: kmsim decryptAsync (WebCrypto)', () => sim.envelope.decryptAsync(keyring, message, { cipher: 'webcrypto' })],
        ['decrypt: kmsim decrypt (wasm)', () => sim.envelope.decrypt(keyring, message, { cipher: 'wasm' })],
      ];
      const timeRuns = async (fn, n) => {
        const start = performance.now();
        for (let i = 0; i < n; i++) await fn();
        return (performance.now() - start) / 1000 / n;
      };
      const runs = [];
      for (const [, fn] of contenders) runs.push(Math.max(1, Math.min(500, Math.round(0.1 / Math.max(await timeRuns(fn, 1), 1e-6)))));
      const times = contenders.map(() => []);
      for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < contenders.length; i++) times[i].push(await timeRuns(contenders[i][1], runs[i]));
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      return contenders.map(([name], i) => {
        const base = name.startsWith('encrypt') ? 0 : 3;
        return [name, median(times[i]), median(times[i].map((t, r) => times[base][r] / t))];
      });
    }, { size, FRAME, ROUNDS });
    console.log(`\n${label}`);
    for (const [name, secs, ratio] of results) {
      console.log(`  ${name.padEnd(42)} ${(size / secs / 1e6).toFixed(1).padStart(9)} MB/s  ${ratio.toFixed(3).padStart(7)}x  ${(1 / secs).toFixed(0).padStart(7)} msg/s`);
    }
  }
} finally {
  await browser.close();
  server.close();
}
