// The packed tarball, installed into a fresh project, bundled by Vite and
// run in headless Chromium: what a lab author building a site would do.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname, normalize } from 'node:path';
import { scratchProject, root } from '../support/pack.mjs';
import { launchChromium, openPage } from '../support/chromium.mjs';

const closers = [];
after(async () => {
  for (const close of closers) await close();
});

test('a Vite build of a page importing kmsim runs a round trip in Chromium', async () => {
  const dir = scratchProject('vite-app');
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><pre id="out">loading</pre><script type="module" src="./main.js"></script></body></html>');
  writeFileSync(join(dir, 'main.js'), `
import { createSimulator } from 'kmsim';
const sim = createSimulator({ seed: 'vite' });
const { KeyMetadata } = sim.kms.createKey({});
const sealed = sim.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new TextEncoder().encode('bundled') });
const opened = sim.kms.decrypt({ CiphertextBlob: sealed.CiphertextBlob });
document.getElementById('out').textContent = new TextDecoder().decode(opened.Plaintext);
`);
  writeFileSync(join(dir, 'vite.config.mjs'), "export default { build: { target: 'es2022', outDir: 'dist' }, logLevel: 'warn' };");
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: dir, stdio: 'inherit' });

  const dist = join(dir, 'dist');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer(async (req, res) => {
    const path = normalize(join(dist, new URL(req.url, 'http://x').pathname === '/' ? 'index.html' : new URL(req.url, 'http://x').pathname));
    try {
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  closers.push(() => new Promise((ok) => server.close(ok)));
  const browser = await launchChromium();
  closers.push(() => browser.close());
  const { page, problems } = await openPage(browser, `http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => document.getElementById('out').textContent !== 'loading', null, { timeout: 20_000 });
  assert.equal(await page.textContent('#out'), 'bundled');
  assert.deepEqual(problems, []);
});
