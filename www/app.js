// The lab page: a KMS round trip on the simulator, with the audit trail.
import { createSimulator, version } from '/pkg/browser.js';

const $ = (id) => document.getElementById(id);
const text = new TextEncoder();
const untext = new TextDecoder();
let sim = null;
let keyId = null;
let ciphertext = null;

$('version').textContent = `v${version()}`;

function show(id, value, ok = true) {
  const el = $(id);
  el.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  el.className = ok ? 'ok' : 'error';
}

function fail(id, error) {
  show(id, `${error.name}: ${error.message}`, false);
}

function parseContext(id) {
  const raw = $(id).value.trim();
  return raw ? JSON.parse(raw) : undefined;
}

function renderAudit() {
  const rows = sim.audit.events().map((e) => {
    const key = e.resources[0]?.ARN.split('/').pop() ?? '';
    return `<tr><td>${new Date(e.eventTime).toISOString()}</td><td>${e.eventName}</td><td>${key}</td><td>${e.errorCode ?? 'ok'}</td></tr>`;
  });
  $('audit').querySelector('tbody').innerHTML = rows.join('');
}

$('create-key').addEventListener('click', () => {
  sim = createSimulator({ seed: $('seed').value });
  try {
    const { KeyMetadata } = sim.kms.createKey({ Description: $('description').value });
    keyId = KeyMetadata.KeyId;
    show('key-output', { KeyId: KeyMetadata.KeyId, Arn: KeyMetadata.Arn, KeyState: KeyMetadata.KeyState });
    $('encrypt').disabled = false;
  } catch (e) {
    fail('key-output', e);
  }
  renderAudit();
});

$('encrypt').addEventListener('click', () => {
  try {
    const out = sim.kms.encrypt({ KeyId: keyId, Plaintext: text.encode($('plaintext').value), EncryptionContext: parseContext('context') });
    ciphertext = out.CiphertextBlob;
    const b64 = btoa(String.fromCharCode(...ciphertext));
    show('encrypt-output', { CiphertextBlob: `${b64.slice(0, 48)}… (${ciphertext.length} bytes)`, KeyId: out.KeyId });
    $('decrypt').disabled = false;
  } catch (e) {
    fail('encrypt-output', e);
  }
  renderAudit();
});

$('decrypt').addEventListener('click', () => {
  try {
    const out = sim.kms.decrypt({ CiphertextBlob: ciphertext, EncryptionContext: parseContext('decrypt-context') });
    show('decrypt-output', { Plaintext: untext.decode(out.Plaintext), KeyId: out.KeyId });
  } catch (e) {
    fail('decrypt-output', e);
  }
  renderAudit();
});

document.body.dataset.ready = 'true';
