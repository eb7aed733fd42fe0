// The real AWS SDK v3 IAM, STS and KMS clients against kmsim in-process:
// account A shares a key with account B; B's role (through STS AssumeRole
// credentials) is denied until both the key policy and B's identity policy allow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand, CreateUserCommand, CreateAccessKeyCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { createSimulator } from '../../pkg/node.js';

process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';

const A = '111122223333';
const B = '444455556666';

const keyPolicy = (statements) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const rootOf = (account) => ({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' });

test('a role in account B uses account A\'s key only when both accounts allow', async () => {
  const sim = createSimulator({ seed: 'sdk-iam-sts' });
  // A 12-digit access key id is that account's root (the lenient fallback).
  const asA = sim.clientConfig({ accessKeyId: A });
  const asB = sim.clientConfig({ accessKeyId: B });
  const kmsA = new KMSClient(asA);
  const { KeyMetadata } = await kmsA.send(new CreateKeyCommand({ Policy: keyPolicy([rootOf(A)]) }));
  const sealed = await kmsA.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from('shared secret') }));

  // Account B: a role its own root may assume, then a user with keys who assumes it.
  const iamB = new IAMClient(asB);
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: 'sts:AssumeRole' }] });
  const { Role } = await iamB.send(new CreateRoleCommand({ RoleName: 'Reader', AssumeRolePolicyDocument: trust, MaxSessionDuration: 7200 }));
  assert.equal(Role.Arn, `arn:aws:iam::${B}:role/Reader`);
  assert.ok(Role.CreateDate instanceof Date);
  assert.equal((await iamB.send(new GetRoleCommand({ RoleName: 'Reader' }))).Role.MaxSessionDuration, 7200);
  await iamB.send(new CreateUserCommand({ UserName: 'ops' }));
  await iamB.send(new PutRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'nothing-yet', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }] }) }));
  const { AccessKey } = await iamB.send(new CreateAccessKeyCommand({ UserName: 'ops' }));
  assert.match(AccessKey.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);

  const stsB = new STSClient(asB);
  const { Credentials, AssumedRoleUser } = await stsB.send(new AssumeRoleCommand({ RoleArn: Role.Arn, RoleSessionName: 'lab', DurationSeconds: 900 }));
  assert.match(Credentials.AccessKeyId, /^ASIA/);
  assert.ok(Credentials.Expiration instanceof Date);
  assert.equal(AssumedRoleUser.Arn, `arn:aws:sts::${B}:assumed-role/Reader/lab`);
  const session = sim.clientConfig({ accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken });
  const who = await new STSClient(session).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, AssumedRoleUser.Arn);
  assert.equal(who.Account, B);

  const kmsSession = new KMSClient(session);
  const decrypt = () => kmsSession.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
  // Neither side allows.
  await assert.rejects(decrypt, (e) => e.name === 'AccessDeniedException');
  // A's key policy allows B, but B's role has no kms:Decrypt.
  await kmsA.send(new PutKeyPolicyCommand({ KeyId: KeyMetadata.KeyId, Policy: keyPolicy([rootOf(A), { ...rootOf(B), Action: ['kms:Decrypt', 'kms:DescribeKey'] }]) }));
  await assert.rejects(decrypt, (e) => e.name === 'AccessDeniedException' && /no identity-based policy/.test(e.message));
  // B's identity policy allows too: decrypted.
  await iamB.send(new PutRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'use-a-key', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KeyMetadata.Arn }] }) }));
  const opened = await decrypt();
  assert.equal(Buffer.from(opened.Plaintext).toString(), 'shared secret');

  // The engine explains it, and the denial before was audited.
  const explained = sim.as({ principal: AssumedRoleUser.Arn }).policy.explain('kms:Decrypt', KeyMetadata.Arn);
  assert.equal(explained.outcome, 'Allow');
  assert.ok(explained.crossAccount);
  const denials = sim.audit.events().filter((e) => e.errorCode === 'AccessDeniedException');
  assert.equal(denials.length, 2);
  assert.ok(sim.policy.validate({ Statement: [{ Effect: 'Allow' }] }).length > 0);
});
