// The real AWS SDK for JavaScript v3 KMS client against kmsim: in-process
// (requestHandler, no network) and over HTTP against `kmsim serve`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, DescribeKeyCommand, CreateAliasCommand,
  GenerateDataKeyCommand, ListKeysCommand, DisableKeyCommand, ScheduleKeyDeletionCommand, ReEncryptCommand,
  NotFoundException, InvalidCiphertextException, DisabledException, KMSServiceException, KMSInvalidStateException,
  AlreadyExistsException, IncorrectKeyException,
} from '@aws-sdk/client-kms';
import { createSimulator } from '../../pkg/node.js';
import { serve } from '../../pkg/bin/kmsim.js';

process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';

async function scenario(kms) {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'sdk', Tags: [{ TagKey: 'team', TagValue: 'blue' }] }));
  assert.ok(KeyMetadata.CreationDate instanceof Date);
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/sdk', TargetKeyId: KeyMetadata.KeyId }));
  const sealed = await kms.send(new EncryptCommand({ KeyId: 'alias/sdk', Plaintext: Buffer.from('over the wire'), EncryptionContext: { app: 'sdk' } }));
  assert.equal(sealed.KeyId, KeyMetadata.Arn);
  const opened = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { app: 'sdk' } }));
  assert.equal(Buffer.from(opened.Plaintext).toString(), 'over the wire');
  const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: KeyMetadata.KeyId, KeySpec: 'AES_256' }));
  assert.equal(dataKey.Plaintext.length, 32);
  const { KeyMetadata: second } = await kms.send(new CreateKeyCommand({}));
  const moved = await kms.send(new ReEncryptCommand({ CiphertextBlob: sealed.CiphertextBlob, SourceEncryptionContext: { app: 'sdk' }, DestinationKeyId: second.KeyId }));
  assert.equal(moved.SourceKeyId, KeyMetadata.Arn);
  assert.equal((await kms.send(new ListKeysCommand({ Limit: 1 }))).Truncated, true);

  const rejects = async (command, type) => {
    await assert.rejects(kms.send(command), (e) => {
      assert.ok(e instanceof type, `${e.name} should be a ${type.name}`);
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
  };
  await rejects(new DescribeKeyCommand({ KeyId: 'alias/none' }), NotFoundException);
  await rejects(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }), InvalidCiphertextException);
  await rejects(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, KeyId: second.KeyId, EncryptionContext: { app: 'sdk' } }), IncorrectKeyException);
  // KMS models no ValidationException class: the SDK surfaces it as a KMSServiceException with that name.
  await assert.rejects(kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array(4097) })), (e) => e instanceof KMSServiceException && e.name === 'ValidationException');
  await rejects(new CreateAliasCommand({ AliasName: 'alias/sdk', TargetKeyId: KeyMetadata.KeyId }), AlreadyExistsException);
  await kms.send(new DisableKeyCommand({ KeyId: KeyMetadata.KeyId }));
  await rejects(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from('x') }), DisabledException);
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: second.KeyId, PendingWindowInDays: 7 }));
  await rejects(new EncryptCommand({ KeyId: second.KeyId, Plaintext: Buffer.from('x') }), KMSInvalidStateException);
  return KeyMetadata;
}

test('AWS SDK v3 KMSClient in-process through sim.requestHandler()', async () => {
  const sim = createSimulator({ seed: 'sdk-in-process' });
  const kms = new KMSClient(sim.clientConfig());
  await scenario(kms);
  // Audited like direct calls, with the SDK's user agent.
  const events = sim.audit.events({ eventName: 'Encrypt' });
  assert.ok(events.length >= 1);
  assert.match(events[0].userAgent, /aws-sdk-js/);
});

test('a 12-digit access key id makes the caller that account\'s root', async () => {
  const sim = createSimulator({ seed: 'accounts' });
  const kms = new KMSClient(sim.clientConfig({ accessKeyId: '111122223333' }));
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  assert.equal(KeyMetadata.AWSAccountId, '111122223333');
  assert.match(KeyMetadata.Arn, /^arn:aws:kms:us-east-1:111122223333:key\//);
  const eu = new KMSClient(sim.clientConfig({ accessKeyId: '111122223333', region: 'eu-west-1' }));
  assert.equal((await eu.send(new ListKeysCommand({}))).Keys.length, 0);
});

const servers = [];
after(async () => Promise.all(servers.map((s) => s.close())));

test('kmsim serve: the SDK over HTTP, health, clock endpoints, state saved atomically', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kmsim-serve-'));
  const state = join(dir, 'state.json');
  const running = await serve({ port: 0, host: '127.0.0.1', seed: 'serve', state, region: 'us-east-1', strictAuth: false, maxBodyBytes: 1 << 20 }, () => {});
  servers.push(running);
  const endpoint = `http://127.0.0.1:${running.port}`;
  const kms = new KMSClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
  const key = await scenario(kms);

  const health = await (await fetch(`${endpoint}/_kmsim/health`)).json();
  assert.equal(health.status, 'ok');
  const advanced = await fetch(`${endpoint}/_kmsim/clock`, { method: 'POST', body: JSON.stringify({ advanceDays: 30 }) });
  assert.equal(advanced.status, 200);
  const clock = await (await fetch(`${endpoint}/_kmsim/clock`)).json();
  assert.equal(new Date(clock.now).toISOString(), '2025-01-31T00:00:00.000Z');

  assert.ok(existsSync(state), 'state file written');
  assert.ok(!existsSync(`${state}.tmp-${process.pid}`), 'no temporary file left behind');
  await running.close();
  servers.length = 0;
  const restarted = await serve({ port: 0, host: '127.0.0.1', state, region: 'us-east-1', strictAuth: false, maxBodyBytes: 1 << 20 }, () => {});
  servers.push(restarted);
  const again = new KMSClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${restarted.port}`, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
  const described = await again.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
  assert.equal(described.KeyMetadata.KeyState, 'Disabled', 'state survived the restart');
  assert.equal(JSON.parse(readFileSync(state, 'utf8')).format, 'kmsim-snapshot');

  const huge = await fetch(`http://127.0.0.1:${restarted.port}/`, { method: 'POST', headers: { 'x-amz-target': 'TrentService.Encrypt' }, body: new Uint8Array(2 << 20) }).catch((e) => e);
  assert.ok(huge instanceof Error || huge.status === 413, 'oversize bodies are refused');
});
