// The lab page (www/) in real headless Chromium: a KMS round trip, the
// context-binding failure, and the audit trail, with a screenshot saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../../scripts/serve-www.mjs';
import { launchChromium, openPage } from '../support/chromium.mjs';
import { outputDir } from '../support/pack.mjs';

let server;
let browser;
before(async () => {
  server = await startServer(0);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  server?.close();
});

test('the lab page creates a key, encrypts, decrypts, and refuses a changed context', async () => {
  const { page, problems } = await openPage(browser, `http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.textContent('#version'), /^v\d+\.\d+\.\d+$/);

  await page.click('#create-key');
  await page.waitForFunction(() => document.querySelector('#key-output').textContent.includes('KeyId'));
  const key = JSON.parse(await page.textContent('#key-output'));
  assert.equal(key.KeyState, 'Enabled');
  assert.match(key.Arn, /^arn:aws:kms:us-east-1:123456789012:key\//);

  await page.fill('#plaintext', 'browser round trip');
  await page.click('#encrypt');
  await page.waitForFunction(() => document.querySelector('#encrypt-output').textContent.includes('CiphertextBlob'));
  await page.click('#decrypt');
  await page.waitForFunction(() => document.querySelector('#decrypt-output').textContent.includes('Plaintext'));
  assert.equal(JSON.parse(await page.textContent('#decrypt-output')).Plaintext, 'browser round trip');

  await page.fill('#decrypt-context', '{"purpose":"other"}');
  await page.click('#decrypt');
  await page.waitForFunction(() => document.querySelector('#decrypt-output').className === 'error');
  assert.match(await page.textContent('#decrypt-output'), /^InvalidCiphertextException: /);

  const auditRows = await page.$$eval('#audit tbody tr', (rows) => rows.map((r) => r.textContent));
  assert.equal(auditRows.length, 4);
  assert.match(auditRows[3], /Decrypt.*InvalidCiphertextException/);

  mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: join(outputDir, 'lab-page.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('the same seed gives the same key id in the browser', async () => {
  const ids = [];
  for (let i = 0; i < 2; i++) {
    const { page } = await openPage(browser, `http://127.0.0.1:${server.address().port}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('#create-key');
    await page.waitForFunction(() => document.querySelector('#key-output').textContent.includes('KeyId'));
    ids.push(JSON.parse(await page.textContent('#key-output')).KeyId);
    await page.close();
  }
  assert.equal(ids[0], ids[1]);
});
