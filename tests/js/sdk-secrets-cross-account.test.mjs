// Cross-account Secrets Manager through the real AWS SDK v3 clients, as AWS
// documents it ("Access AWS Secrets Manager secrets from a different
// account"): account A's secret, encrypted with A's customer managed key, is
// read by a role in account B (STS AssumeRole credentials) only when the
// secret's resource policy, the key policy (kms:Decrypt via Secrets Manager)
// and B's identity policy all allow. Under the AWS managed key
// aws/secretsmanager it never is. In-process and against `kmsim serve`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as SM from '@aws-sdk/client-secrets-manager';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { KMSClient, CreateKeyCommand, PutKeyPolicyCommand, DescribeKeyCommand, KMSServiceException } from '@aws-sdk/client-kms';
import { createSimulator } from '../../pkg/node.js';
import { serve } from '../../pkg/bin/kmsim.js';

process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';

const A = '111122223333';
const B = '444455556666';
const REGION = 'us-east-1';
const ROLE = `arn:aws:iam::${B}:role/Reader`;
const SESSION = `arn:aws:sts::${B}:assumed-role/Reader/lab`;
const doc = (...Statement) => JSON.stringify({ Version: '2012-10-17', Statement });
const admin = { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'kms:*', Resource: '*' };
const keyPolicy = (share, via = `secretsmanager.${REGION}.amazonaws.com`) => doc(admin, ...(share
  ? [{ Sid: 'ReaderViaSecretsManager', Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*', Condition: { StringEquals: { 'kms:ViaService': via } } }]
  : []));

async function deniedBySecretsManager(promise, secretArn, because) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof SM.SecretsManagerServiceException, `${e.name}: ${e.message}`);
    assert.equal(e.name, 'AccessDeniedException');
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.ok(e.message.startsWith(`User: ${SESSION} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secretArn} because no `), e.message);
    if (because) assert.ok(e.message.includes(because), e.message);
    return true;
  });
}

async function deniedByKms(promise, message = /^Access to KMS is not allowed/) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof SM.SecretsManagerServiceException, `${e.name}: ${e.message}`);
    assert.equal(e.name, 'AccessDeniedException');
    assert.match(e.message, message);
    return true;
  });
}

/** `configFor(credentials)`: an SDK client config for those credentials. */
async function scenario(configFor) {
  const asA = configFor({ accessKeyId: A, secretAccessKey: 'a' });
  const asB = configFor({ accessKeyId: B, secretAccessKey: 'b' });
  const kmsA = new KMSClient(asA);
  const smA = new SM.SecretsManagerClient(asA);
  const { KeyMetadata: key } = await kmsA.send(new CreateKeyCommand({ Description: 'shares secrets', Policy: keyPolicy(false) }));
  const { ARN: secret } = await smA.send(new SM.CreateSecretCommand({ Name: 'shared/db', SecretString: 's3cr3t', KmsKeyId: key.Arn }));

  // Account B: role Reader, assumed through STS.
  const iamB = new IAMClient(asB);
  await iamB.send(new CreateRoleCommand({ RoleName: 'Reader', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: 'sts:AssumeRole' }) }));
  const { Credentials, AssumedRoleUser } = await new STSClient(asB).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'lab' }));
  assert.equal(AssumedRoleUser.Arn, SESSION);
  const smB = new SM.SecretsManagerClient(configFor({ accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken }));
  const get = (id = secret) => smB.send(new SM.GetSecretValueCommand({ SecretId: id }));

  const configure = async ({ secretPolicy, keyShared, identitySecrets, identityKms }) => {
    if (secretPolicy) {
      await smA.send(new SM.PutResourcePolicyCommand({ SecretId: secret, ResourcePolicy: doc({ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }) }));
    } else {
      await smA.send(new SM.DeleteResourcePolicyCommand({ SecretId: secret }));
    }
    await kmsA.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: keyPolicy(keyShared) }));
    const statements = [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }];
    if (identitySecrets) statements.push({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secret });
    if (identityKms) statements.push({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.Arn });
    await iamB.send(new PutRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'read-shared', PolicyDocument: doc(...statements) }));
  };
  const all = { secretPolicy: true, keyShared: true, identitySecrets: true, identityKms: true };

  // Nothing shared: denied.
  await configure({ secretPolicy: false, keyShared: false, identitySecrets: false, identityKms: false });
  await deniedBySecretsManager(get(), secret);
  // All three allow: the value.
  await configure(all);
  const got = await get();
  assert.equal(got.SecretString, 's3cr3t');
  assert.equal(got.ARN, secret);
  assert.ok(got.CreatedDate instanceof Date);
  // (a) no resource policy on the secret.
  await configure({ ...all, secretPolicy: false });
  await deniedBySecretsManager(get(), secret, 'because no resource-based policy allows the secretsmanager:GetSecretValue action');
  // (b) the key policy does not allow B.
  await configure({ ...all, keyShared: false });
  await deniedByKms(get());
  // (c) B's identity policy lacks secretsmanager:GetSecretValue, or kms:Decrypt.
  await configure({ ...all, identitySecrets: false });
  await deniedBySecretsManager(get(), secret, 'because no identity-based policy allows the secretsmanager:GetSecretValue action');
  await configure({ ...all, identityKms: false });
  await deniedByKms(get());
  // kms:ViaService must be Secrets Manager in the secret's Region.
  await configure(all);
  await kmsA.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: keyPolicy(true, 'secretsmanager.eu-west-1.amazonaws.com') }));
  await deniedByKms(get());
  await kmsA.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: keyPolicy(true) }));
  assert.equal((await get()).SecretString, 's3cr3t');
  // Only by ARN: a bare name resolves in B's own account.
  await assert.rejects(get('shared/db'), (e) => e instanceof SM.ResourceNotFoundException);

  // The AWS managed key aws/secretsmanager: never readable from B, whatever the policies.
  const { ARN: managed } = await smA.send(new SM.CreateSecretCommand({ Name: 'shared/managed', SecretString: 'm' }));
  await smA.send(new SM.PutResourcePolicyCommand({ SecretId: managed, ResourcePolicy: doc({ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }) }));
  await iamB.send(new PutRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'read-shared', PolicyDocument: doc({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'kms:Decrypt'], Resource: '*' }) }));
  await deniedByKms(get(managed), /^Access to KMS is not allowed\. You can't access a secret from a different AWS account if you encrypt the secret with the default KMS service key\.$/);
  const managedKey = (await kmsA.send(new DescribeKeyCommand({ KeyId: 'alias/aws/secretsmanager' }))).KeyMetadata;
  assert.equal(managedKey.KeyManager, 'AWS');
  await assert.rejects(kmsA.send(new PutKeyPolicyCommand({ KeyId: managedKey.KeyId, PolicyName: 'default', Policy: keyPolicy(true) })), (e) => e instanceof KMSServiceException);
  assert.equal((await smA.send(new SM.GetSecretValueCommand({ SecretId: managed }))).SecretString, 'm');
  assert.equal((await get()).SecretString, 's3cr3t');
}

test('in-process: cross-account GetSecretValue needs the resource policy, the key policy and the identity policy', async () => {
  const sim = createSimulator({ seed: 'sdk-secrets-cross' });
  await scenario((credentials) => sim.clientConfig(credentials));
  const denials = sim.audit.events({ eventName: 'GetSecretValue' }).filter((e) => e.errorCode === 'AccessDeniedException');
  assert.ok(denials.length >= 6, `${denials.length} denials audited`);
  assert.ok(denials.every((e) => e.userIdentity.arn === SESSION));
});

const running = await serve({ port: 0, host: '127.0.0.1', region: REGION, strictAuth: false, maxBodyBytes: 1 << 20, seed: 'sdk-secrets-cross-http' }, () => {});
after(() => running.close());

test('over HTTP against kmsim serve: the same cross-account rules', async () => {
  const endpoint = `http://127.0.0.1:${running.port}`;
  await scenario(({ accessKeyId, secretAccessKey, sessionToken }) => ({
    region: REGION, endpoint, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
  }));
});
