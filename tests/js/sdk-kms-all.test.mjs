// Every KMS operation kmsim implements, sent through the real AWS SDK for
// JavaScript v3 KMSClient: in-process (sim.clientConfig()) and over HTTP
// against `kmsim serve` on 127.0.0.1. A realistic key lifecycle (tags,
// aliases, policies, grants and grant tokens, rotation on demand and
// automatic rotation on the virtual clock, imported key material), with
// responses checked as the SDK deserializes them and errors as the SDK's
// exception classes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { publicEncrypt, createPublicKey, randomBytes, constants } from 'node:crypto';
import * as K from '@aws-sdk/client-kms';
import { createSimulator, operations } from '../../pkg/node.js';
import { serve } from '../../pkg/bin/kmsim.js';

process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';

/** A KMSClient that records the name of every command it sends (before serialization). */
function trackedClient(config) {
  const kms = new K.KMSClient(config);
  const used = new Set();
  kms.middlewareStack.add(
    (next, context) => (args) => {
      used.add(context.commandName.replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'kmsimOperationTracker' },
  );
  return { kms, used };
}

async function rejects(promise, type) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof type, `${e.name}: ${e.message} should be a ${type.name}`);
    assert.equal(e.name, type.name);
    assert.equal(e.$metadata.httpStatusCode, 400);
    return true;
  });
}

const isBlob = (v) => v instanceof Uint8Array && v.length > 0;
const text = (blob) => Buffer.from(blob).toString();
const policyOf = (account, extra = []) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }, ...extra],
});

/** The whole lifecycle; `advanceDays(n)` moves the simulator's clock. */
async function scenario(kms, advanceDays) {
  // Keys: create, describe, list, update, tags.
  const { KeyMetadata: key } = await kms.send(new K.CreateKeyCommand({ Description: 'all ops', Tags: [{ TagKey: 'env', TagValue: 'test' }] }));
  const account = key.AWSAccountId;
  assert.match(account, /^\d{12}$/);
  assert.ok(key.CreationDate instanceof Date && !Number.isNaN(key.CreationDate.getTime()));
  assert.equal(key.KeyState, 'Enabled');
  assert.equal(key.KeyManager, 'CUSTOMER');
  assert.deepEqual(key.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
  const described = await kms.send(new K.DescribeKeyCommand({ KeyId: key.KeyId }));
  assert.equal(described.KeyMetadata.Arn, key.Arn);
  assert.ok(described.KeyMetadata.CreationDate instanceof Date);
  const listed = await kms.send(new K.ListKeysCommand({}));
  assert.ok(listed.Keys.some((k) => k.KeyArn === key.Arn));
  await kms.send(new K.UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: 'renamed' }));
  assert.equal((await kms.send(new K.DescribeKeyCommand({ KeyId: key.Arn }))).KeyMetadata.Description, 'renamed');
  await kms.send(new K.TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'team', TagValue: 'blue' }] }));
  await kms.send(new K.UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['env'] }));
  assert.deepEqual((await kms.send(new K.ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags, [{ TagKey: 'team', TagValue: 'blue' }]);

  // Aliases.
  await kms.send(new K.CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: key.KeyId }));
  const { KeyMetadata: other } = await kms.send(new K.CreateKeyCommand({ Description: 'other' }));
  await rejects(kms.send(new K.CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: other.KeyId })), K.AlreadyExistsException);
  await kms.send(new K.UpdateAliasCommand({ AliasName: 'alias/app', TargetKeyId: other.KeyId }));
  const aliases = await kms.send(new K.ListAliasesCommand({ KeyId: other.KeyId }));
  assert.equal(aliases.Aliases.length, 1);
  assert.equal(aliases.Aliases[0].AliasArn, `arn:aws:kms:us-east-1:${account}:alias/app`);
  assert.ok(aliases.Aliases[0].CreationDate instanceof Date && aliases.Aliases[0].LastUpdatedDate instanceof Date);
  await kms.send(new K.DeleteAliasCommand({ AliasName: 'alias/app' }));
  await rejects(kms.send(new K.DescribeKeyCommand({ KeyId: 'alias/app' })), K.NotFoundException);
  await rejects(kms.send(new K.DeleteAliasCommand({ AliasName: 'alias/app' })), K.NotFoundException);
  await kms.send(new K.CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: key.KeyId }));

  // Cryptography.
  const sealed = await kms.send(new K.EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('hello'), EncryptionContext: { app: 'all' } }));
  assert.ok(isBlob(sealed.CiphertextBlob));
  assert.equal(sealed.KeyId, key.Arn);
  assert.equal(sealed.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
  const opened = await kms.send(new K.DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { app: 'all' } }));
  assert.ok(opened.Plaintext instanceof Uint8Array);
  assert.equal(text(opened.Plaintext), 'hello');
  await rejects(kms.send(new K.DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob })), K.InvalidCiphertextException);
  await rejects(kms.send(new K.DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, KeyId: other.KeyId, EncryptionContext: { app: 'all' } })), K.IncorrectKeyException);
  const moved = await kms.send(new K.ReEncryptCommand({ CiphertextBlob: sealed.CiphertextBlob, SourceEncryptionContext: { app: 'all' }, DestinationKeyId: other.Arn }));
  assert.equal(moved.SourceKeyId, key.Arn);
  assert.equal(moved.KeyId, other.Arn);
  assert.equal(text((await kms.send(new K.DecryptCommand({ CiphertextBlob: moved.CiphertextBlob }))).Plaintext), 'hello');
  const dataKey = await kms.send(new K.GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));
  assert.equal(dataKey.Plaintext.length, 32);
  assert.ok(isBlob(dataKey.CiphertextBlob));
  assert.deepEqual([...(await kms.send(new K.DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob }))).Plaintext], [...dataKey.Plaintext]);
  const sealedKey = await kms.send(new K.GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, NumberOfBytes: 16 }));
  assert.equal(sealedKey.Plaintext, undefined);
  assert.equal((await kms.send(new K.DecryptCommand({ CiphertextBlob: sealedKey.CiphertextBlob }))).Plaintext.length, 16);
  const random = await kms.send(new K.GenerateRandomCommand({ NumberOfBytes: 48 }));
  assert.ok(random.Plaintext instanceof Uint8Array && random.Plaintext.length === 48);

  // Key policies.
  assert.deepEqual((await kms.send(new K.ListKeyPoliciesCommand({ KeyId: key.KeyId }))).PolicyNames, ['default']);
  const original = JSON.parse((await kms.send(new K.GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default' }))).Policy);
  assert.equal(original.Statement[0].Principal.AWS, `arn:aws:iam::${account}:root`);
  const newPolicy = policyOf(account, [{ Sid: 'Reader', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:role/Reader` }, Action: 'kms:Decrypt', Resource: '*' }]);
  await kms.send(new K.PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: newPolicy }));
  assert.deepEqual(JSON.parse((await kms.send(new K.GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy), JSON.parse(newPolicy));
  await rejects(kms.send(new K.PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: '{"Statement": [' })), K.MalformedPolicyDocumentException);

  // Grants and grant tokens.
  const grantee = `arn:aws:iam::${account}:role/App`;
  const retiring = `arn:aws:iam::${account}:role/Retirer`;
  const grant = await kms.send(new K.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: grantee, RetiringPrincipal: retiring, Operations: ['Encrypt', 'Decrypt'], Name: 'app' }));
  assert.match(grant.GrantId, /^[0-9a-f]{64}$/);
  assert.ok(grant.GrantToken.length > 0);
  const viaToken = await kms.send(new K.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('t'), GrantTokens: [grant.GrantToken] }));
  assert.ok(isBlob(viaToken.CiphertextBlob));
  const grants = await kms.send(new K.ListGrantsCommand({ KeyId: key.KeyId }));
  assert.equal(grants.Grants.length, 1);
  assert.equal(grants.Grants[0].GranteePrincipal, grantee);
  assert.ok(grants.Grants[0].CreationDate instanceof Date);
  assert.deepEqual(grants.Grants[0].Operations.sort(), ['Decrypt', 'Encrypt']);
  const retirable = await kms.send(new K.ListRetirableGrantsCommand({ RetiringPrincipal: retiring }));
  assert.deepEqual(retirable.Grants.map((g) => g.GrantId), [grant.GrantId]);
  await kms.send(new K.RetireGrantCommand({ GrantToken: grant.GrantToken }));
  await rejects(kms.send(new K.RetireGrantCommand({ GrantToken: grant.GrantToken })), K.InvalidGrantTokenException);
  const second = await kms.send(new K.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: grantee, Operations: ['GenerateDataKey'] }));
  await kms.send(new K.RevokeGrantCommand({ KeyId: key.KeyId, GrantId: second.GrantId }));
  assert.equal((await kms.send(new K.ListGrantsCommand({ KeyId: key.KeyId }))).Grants.length, 0);
  await rejects(kms.send(new K.RevokeGrantCommand({ KeyId: key.KeyId, GrantId: second.GrantId })), K.NotFoundException);

  // Rotation: on demand, then automatic on the clock.
  assert.equal((await kms.send(new K.GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).KeyRotationEnabled, false);
  const onDemand = await kms.send(new K.RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
  assert.ok(onDemand.KeyId.endsWith(key.KeyId));
  await kms.send(new K.EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
  const status = await kms.send(new K.GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
  assert.equal(status.KeyRotationEnabled, true);
  assert.equal(status.RotationPeriodInDays, 90);
  assert.ok(status.NextRotationDate instanceof Date);
  await advanceDays(200);
  const rotations = (await kms.send(new K.ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations;
  assert.deepEqual(rotations.map((r) => r.RotationType), ['ON_DEMAND', 'AUTOMATIC', 'AUTOMATIC']);
  assert.ok(rotations.every((r) => r.RotationDate instanceof Date && r.KeyId === key.Arn));
  assert.ok(rotations[1].RotationDate < rotations[2].RotationDate);
  // Ciphertext from before every rotation still opens.
  assert.equal(text((await kms.send(new K.DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { app: 'all' } }))).Plaintext), 'hello');
  await kms.send(new K.DisableKeyRotationCommand({ KeyId: key.KeyId }));
  assert.equal((await kms.send(new K.GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).KeyRotationEnabled, false);
  // On-demand rotations are limited (10 per key).
  const { KeyMetadata: busy } = await kms.send(new K.CreateKeyCommand({}));
  for (let i = 0; i < 10; i++) await kms.send(new K.RotateKeyOnDemandCommand({ KeyId: busy.KeyId }));
  await rejects(kms.send(new K.RotateKeyOnDemandCommand({ KeyId: busy.KeyId })), K.LimitExceededException);

  // Imported key material.
  const { KeyMetadata: ext } = await kms.send(new K.CreateKeyCommand({ Origin: 'EXTERNAL', Description: 'byok' }));
  assert.equal(ext.KeyState, 'PendingImport');
  assert.equal(ext.Origin, 'EXTERNAL');
  const params = await kms.send(new K.GetParametersForImportCommand({ KeyId: ext.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
  assert.ok(isBlob(params.PublicKey) && isBlob(params.ImportToken));
  assert.ok(params.ParametersValidTo instanceof Date && params.ParametersValidTo > key.CreationDate);
  const publicKey = createPublicKey({ key: Buffer.from(params.PublicKey), format: 'der', type: 'spki' });
  assert.equal(publicKey.asymmetricKeyDetails.modulusLength, 2048);
  const wrap = (material) => publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
  const material = randomBytes(32);
  await kms.send(new K.ImportKeyMaterialCommand({ KeyId: ext.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrap(material), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
  assert.equal((await kms.send(new K.DescribeKeyCommand({ KeyId: ext.KeyId }))).KeyMetadata.KeyState, 'Enabled');
  const byok = await kms.send(new K.EncryptCommand({ KeyId: ext.KeyId, Plaintext: Buffer.from('imported') }));
  assert.equal(text((await kms.send(new K.DecryptCommand({ CiphertextBlob: byok.CiphertextBlob }))).Plaintext), 'imported');
  await rejects(kms.send(new K.EnableKeyRotationCommand({ KeyId: ext.KeyId })), K.UnsupportedOperationException);
  await kms.send(new K.DeleteImportedKeyMaterialCommand({ KeyId: ext.KeyId }));
  assert.equal((await kms.send(new K.DescribeKeyCommand({ KeyId: ext.KeyId }))).KeyMetadata.KeyState, 'PendingImport');
  await rejects(kms.send(new K.DecryptCommand({ CiphertextBlob: byok.CiphertextBlob })), K.KMSInvalidStateException);
  // Only the same material may come back.
  const again = await kms.send(new K.GetParametersForImportCommand({ KeyId: ext.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
  const wrapAgain = (m) => publicEncrypt({ key: createPublicKey({ key: Buffer.from(again.PublicKey), format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, m);
  await rejects(kms.send(new K.ImportKeyMaterialCommand({ KeyId: ext.KeyId, ImportToken: again.ImportToken, EncryptedKeyMaterial: wrapAgain(randomBytes(32)), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })), K.IncorrectKeyMaterialException);
  await kms.send(new K.ImportKeyMaterialCommand({ KeyId: ext.KeyId, ImportToken: again.ImportToken, EncryptedKeyMaterial: wrapAgain(material), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
  assert.equal(text((await kms.send(new K.DecryptCommand({ CiphertextBlob: byok.CiphertextBlob }))).Plaintext), 'imported');

  // States: disable / enable, schedule and cancel deletion.
  await kms.send(new K.DisableKeyCommand({ KeyId: key.KeyId }));
  await rejects(kms.send(new K.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })), K.DisabledException);
  await kms.send(new K.EnableKeyCommand({ KeyId: key.KeyId }));
  const scheduled = await kms.send(new K.ScheduleKeyDeletionCommand({ KeyId: other.KeyId, PendingWindowInDays: 7 }));
  assert.ok(scheduled.DeletionDate instanceof Date);
  assert.equal(scheduled.KeyState, 'PendingDeletion');
  assert.equal(scheduled.PendingWindowInDays, 7);
  await rejects(kms.send(new K.EncryptCommand({ KeyId: other.KeyId, Plaintext: Buffer.from('x') })), K.KMSInvalidStateException);
  const cancelled = await kms.send(new K.CancelKeyDeletionCommand({ KeyId: other.KeyId }));
  assert.equal(cancelled.KeyId, other.Arn);
  assert.equal((await kms.send(new K.DescribeKeyCommand({ KeyId: other.KeyId }))).KeyMetadata.KeyState, 'Disabled');
  await rejects(kms.send(new K.DescribeKeyCommand({ KeyId: '00000000-0000-0000-0000-000000000000' })), K.NotFoundException);
  return { key, account };
}

function assertEveryOperation(used) {
  assert.deepEqual([...used].sort(), [...operations('kms')].sort(), 'the operations sent through the SDK are exactly operations("kms")');
  assert.equal(used.size, 37);
}

test('in-process: every KMS operation through the SDK v3 KMSClient', async () => {
  const sim = createSimulator({ seed: 'sdk-kms-all' });
  const { kms, used } = trackedClient(sim.clientConfig());
  const { key } = await scenario(kms, async (days) => sim.clock.advance({ days }));
  assertEveryOperation(used);
  // The SDK's calls are audited, the automatic rotations as service events.
  assert.equal(sim.audit.events({ eventName: 'RotateKey' }).length, 2);
  assert.ok(sim.audit.events({ eventName: 'ImportKeyMaterial' }).every((e) => e.userAgent && /aws-sdk-js/.test(e.userAgent)));
  assert.equal(sim.kms.describeKey({ KeyId: key.KeyId }).KeyMetadata.Description, 'renamed');
});

const running = await serve({ port: 0, host: '127.0.0.1', region: 'us-east-1', strictAuth: false, maxBodyBytes: 1 << 20, seed: 'sdk-kms-all-http' }, () => {});
after(() => running.close());

test('over HTTP against kmsim serve: every KMS operation through the SDK v3 KMSClient', async () => {
  const endpoint = `http://127.0.0.1:${running.port}`;
  const { kms, used } = trackedClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'AKIAKMSIMEXAMPLE', secretAccessKey: 'kmsim' }, maxAttempts: 1 });
  const { key } = await scenario(kms, async (days) => {
    const res = await fetch(`${endpoint}/_kmsim/clock`, { method: 'POST', body: JSON.stringify({ advanceDays: days }) });
    assert.equal(res.status, 200);
  });
  assertEveryOperation(used);
  // The state lives in the served simulator.
  assert.equal(running.sim.kms.listKeyRotations({ KeyId: key.KeyId }).Rotations.length, 3);
});
