// Every IAM and STS operation kmsim implements, sent through the real AWS SDK
// v3 IAMClient and STSClient (Query protocol, XML responses): in-process and
// against `kmsim serve`. Errors surface as the SDK's exception classes, and
// CreateAccessKey credentials act as their user: GetCallerIdentity names it,
// KMS refuses it until a policy is attached, a permissions boundary caps it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as IAM from '@aws-sdk/client-iam';
import * as STS from '@aws-sdk/client-sts';
import { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, KMSServiceException } from '@aws-sdk/client-kms';
import { createSimulator, operations } from '../../pkg/node.js';
import { serve } from '../../pkg/bin/kmsim.js';

process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';

const A = '111122223333';
const doc = (...Statement) => JSON.stringify({ Version: '2012-10-17', Statement });

/** Sends commands, remembering which IAM and STS operations were exercised. */
function tracker() {
  const used = { iam: new Set(), sts: new Set() };
  const send = (client, command) => {
    used[client instanceof IAM.IAMClient ? 'iam' : 'sts'].add(command.constructor.name.replace(/Command$/, ''));
    return client.send(command);
  };
  return { used, send };
}

async function rejects(promise, type, name = type.name, status) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof type, `${e.name}: ${e.message} should be a ${type.name}`);
    assert.equal(e.name, name);
    if (status) assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

/** `configFor({ accessKeyId, secretAccessKey, sessionToken })`: a client config for those credentials. */
async function scenario(configFor, send) {
  const admin = configFor({ accessKeyId: A, secretAccessKey: 'root' });
  const iam = new IAM.IAMClient(admin);
  const sts = new STS.STSClient(admin);
  const kmsAdmin = new KMSClient(admin);
  const root = await send(sts, new STS.GetCallerIdentityCommand({}));
  assert.equal(root.Arn, `arn:aws:iam::${A}:root`);
  assert.equal(root.Account, A);

  // Users and groups.
  const { User } = await send(iam, new IAM.CreateUserCommand({ UserName: 'alice', Path: '/dev/', Tags: [{ Key: 'team', Value: 'blue' }] }));
  assert.equal(User.Arn, `arn:aws:iam::${A}:user/dev/alice`);
  assert.match(User.UserId, /^AIDA[A-Z0-9]{16,17}$/);
  assert.ok(User.CreateDate instanceof Date && !Number.isNaN(User.CreateDate.getTime()));
  const got = await send(iam, new IAM.GetUserCommand({ UserName: 'alice' }));
  assert.equal(got.User.UserId, User.UserId);
  assert.ok(got.User.CreateDate instanceof Date);
  await rejects(send(iam, new IAM.CreateUserCommand({ UserName: 'alice' })), IAM.EntityAlreadyExistsException, undefined, 409);
  await rejects(send(iam, new IAM.GetUserCommand({ UserName: 'nobody' })), IAM.NoSuchEntityException, undefined, 404);
  const { Group } = await send(iam, new IAM.CreateGroupCommand({ GroupName: 'devs' }));
  assert.equal(Group.Arn, `arn:aws:iam::${A}:group/devs`);
  assert.ok(Group.CreateDate instanceof Date);
  await send(iam, new IAM.AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
  await rejects(send(iam, new IAM.AddUserToGroupCommand({ GroupName: 'nope', UserName: 'alice' })), IAM.NoSuchEntityException);
  await rejects(send(iam, new IAM.CreateGroupCommand({ GroupName: 'devs' })), IAM.EntityAlreadyExistsException);

  // Managed policies.
  const kmsUse = doc({ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' });
  const { Policy } = await send(iam, new IAM.CreatePolicyCommand({ PolicyName: 'kms-use', PolicyDocument: kmsUse, Description: 'use keys' }));
  assert.equal(Policy.Arn, `arn:aws:iam::${A}:policy/kms-use`);
  assert.equal(Policy.DefaultVersionId, 'v1');
  assert.ok(Policy.CreateDate instanceof Date && Policy.UpdateDate instanceof Date);
  const { Policy: decryptOnly } = await send(iam, new IAM.CreatePolicyCommand({ PolicyName: 'decrypt-only', PolicyDocument: doc({ Effect: 'Allow', Action: ['kms:Decrypt', 'sts:*'], Resource: '*' }) }));
  await rejects(send(iam, new IAM.CreatePolicyCommand({ PolicyName: 'bad', PolicyDocument: '{"Statement": [' })), IAM.MalformedPolicyDocumentException);
  await rejects(send(iam, new IAM.CreatePolicyCommand({ PolicyName: 'kms-use', PolicyDocument: kmsUse })), IAM.EntityAlreadyExistsException);

  // Roles.
  const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'sts:AssumeRole' });
  const { Role } = await send(iam, new IAM.CreateRoleCommand({ RoleName: 'App', AssumeRolePolicyDocument: trust, Description: 'the app', MaxSessionDuration: 7200 }));
  assert.equal(Role.Arn, `arn:aws:iam::${A}:role/App`);
  assert.ok(Role.CreateDate instanceof Date);
  const gotRole = await send(iam, new IAM.GetRoleCommand({ RoleName: 'App' }));
  assert.equal(gotRole.Role.MaxSessionDuration, 7200);
  assert.deepEqual(JSON.parse(decodeURIComponent(gotRole.Role.AssumeRolePolicyDocument)), JSON.parse(trust));
  await rejects(send(iam, new IAM.GetRoleCommand({ RoleName: 'Nope' })), IAM.NoSuchEntityException);
  await rejects(send(iam, new IAM.CreateRoleCommand({ RoleName: 'Bad', AssumeRolePolicyDocument: 'not json' })), IAM.MalformedPolicyDocumentException);

  // Access keys act as the user.
  const { AccessKey } = await send(iam, new IAM.CreateAccessKeyCommand({ UserName: 'alice' }));
  assert.match(AccessKey.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(AccessKey.SecretAccessKey.length, 40);
  assert.equal(AccessKey.Status, 'Active');
  assert.ok(AccessKey.CreateDate instanceof Date);
  await rejects(send(iam, new IAM.CreateAccessKeyCommand({ UserName: 'nobody' })), IAM.NoSuchEntityException);
  const asAlice = configFor({ accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey });
  const alice = await send(new STS.STSClient(asAlice), new STS.GetCallerIdentityCommand({}));
  assert.equal(alice.Arn, User.Arn);
  assert.equal(alice.UserId, User.UserId);
  assert.equal(alice.Account, A);

  const { KeyMetadata } = await kmsAdmin.send(new CreateKeyCommand({ Description: 'for alice' }));
  const kmsAlice = new KMSClient(asAlice);
  const encrypt = () => kmsAlice.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from('as alice') }));
  // KMS models no AccessDeniedException: the SDK gives its service exception with that name.
  await rejects(encrypt(), KMSServiceException, 'AccessDeniedException', 400);
  await send(iam, new IAM.AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: Policy.Arn }));
  const sealed = await encrypt();
  assert.equal(Buffer.from((await kmsAlice.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }))).Plaintext).toString(), 'as alice');
  await rejects(send(iam, new IAM.AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: `arn:aws:iam::${A}:policy/none` })), IAM.NoSuchEntityException);
  // A permissions boundary caps the user: Decrypt still, Encrypt no more.
  await send(iam, new IAM.PutUserPermissionsBoundaryCommand({ UserName: 'alice', PermissionsBoundary: decryptOnly.Arn }));
  await rejects(encrypt(), KMSServiceException, 'AccessDeniedException');
  await kmsAlice.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
  // The user's IAM calls are authorized too.
  await rejects(send(new IAM.IAMClient(asAlice), new IAM.CreateUserCommand({ UserName: 'mallory' })), IAM.IAMServiceException, 'AccessDenied', 403);

  // Inline policies, group and role attachments, and the listings.
  await send(iam, new IAM.PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'assume-app', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: Role.Arn }) }));
  await rejects(send(iam, new IAM.PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'bad', PolicyDocument: '{' })), IAM.MalformedPolicyDocumentException);
  await send(iam, new IAM.AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: decryptOnly.Arn }));
  await send(iam, new IAM.AttachRolePolicyCommand({ RoleName: 'App', PolicyArn: Policy.Arn }));
  await send(iam, new IAM.PutRolePolicyCommand({ RoleName: 'App', PolicyName: 'whoami', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }) }));
  await send(iam, new IAM.PutRolePermissionsBoundaryCommand({ RoleName: 'App', PermissionsBoundary: decryptOnly.Arn }));
  assert.equal((await send(iam, new IAM.GetRoleCommand({ RoleName: 'App' }))).Role.PermissionsBoundary.PermissionsBoundaryArn, decryptOnly.Arn);
  await rejects(send(iam, new IAM.AttachRolePolicyCommand({ RoleName: 'Nope', PolicyArn: Policy.Arn })), IAM.NoSuchEntityException);
  const names = (r) => r.AttachedPolicies.map((p) => p.PolicyArn);
  assert.deepEqual(names(await send(iam, new IAM.ListAttachedUserPoliciesCommand({ UserName: 'alice' }))), [Policy.Arn]);
  assert.deepEqual(names(await send(iam, new IAM.ListAttachedRolePoliciesCommand({ RoleName: 'App' }))), [Policy.Arn]);
  const groupPolicies = await send(iam, new IAM.ListAttachedGroupPoliciesCommand({ GroupName: 'devs' }));
  assert.deepEqual(groupPolicies.AttachedPolicies, [{ PolicyName: 'decrypt-only', PolicyArn: decryptOnly.Arn }]);
  assert.equal(groupPolicies.IsTruncated, false);
  await rejects(send(iam, new IAM.ListAttachedGroupPoliciesCommand({ GroupName: 'nope' })), IAM.NoSuchEntityException);

  // STS: alice assumes the role; the session is the role, capped by its boundary.
  const assumed = await send(new STS.STSClient(asAlice), new STS.AssumeRoleCommand({ RoleArn: Role.Arn, RoleSessionName: 'alice-app', DurationSeconds: 3600 }));
  assert.match(assumed.Credentials.AccessKeyId, /^ASIA/);
  assert.ok(assumed.Credentials.Expiration instanceof Date);
  assert.equal(assumed.AssumedRoleUser.Arn, `arn:aws:sts::${A}:assumed-role/App/alice-app`);
  const asApp = configFor({ accessKeyId: assumed.Credentials.AccessKeyId, secretAccessKey: assumed.Credentials.SecretAccessKey, sessionToken: assumed.Credentials.SessionToken });
  const app = await send(new STS.STSClient(asApp), new STS.GetCallerIdentityCommand({}));
  assert.equal(app.Arn, assumed.AssumedRoleUser.Arn);
  assert.equal(app.UserId, assumed.AssumedRoleUser.AssumedRoleId);
  const kmsApp = new KMSClient(asApp);
  await kmsApp.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
  await rejects(kmsApp.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from('x') })), KMSServiceException, 'AccessDeniedException');
  // A role that does not trust the caller, and a request STS rejects.
  await rejects(send(new STS.STSClient(asApp), new STS.AssumeRoleCommand({ RoleArn: Role.Arn, RoleSessionName: 'again' })), STS.STSServiceException, 'AccessDenied', 403);
  await rejects(send(sts, new STS.AssumeRoleCommand({ RoleArn: Role.Arn, RoleSessionName: 'short', DurationSeconds: 60 })), STS.STSServiceException, 'ValidationError', 400);
}

function assertCoverage(used) {
  for (const service of ['iam', 'sts']) {
    assert.ok(operations(service).length > 0, `operations('${service}') lists what kmsim implements`);
    assert.deepEqual([...used[service]].sort(), [...operations(service)].sort(), `${service} operations sent through the SDK`);
  }
  assert.equal(used.iam.size, 18);
  assert.equal(used.sts.size, 2);
}

test('in-process: every IAM and STS operation through the SDK v3 clients', async () => {
  const sim = createSimulator({ seed: 'sdk-iam-sts-all' });
  const { used, send } = tracker();
  await scenario((credentials) => sim.clientConfig(credentials), send);
  assertCoverage(used);
  // The secret of the access key never reaches the audit trail.
  const events = sim.audit.events();
  assert.ok(events.some((e) => e.eventName === 'CreateAccessKey' && e.eventSource === 'iam.amazonaws.com'));
  assert.ok(events.some((e) => e.eventName === 'AssumeRole' && e.eventSource === 'sts.amazonaws.com'));
});

const running = await serve({ port: 0, host: '127.0.0.1', region: 'us-east-1', strictAuth: false, maxBodyBytes: 1 << 20, seed: 'sdk-iam-sts-http' }, () => {});
after(() => running.close());

test('over HTTP against kmsim serve: every IAM and STS operation, SDK exception classes', async () => {
  const endpoint = `http://127.0.0.1:${running.port}`;
  const { used, send } = tracker();
  await scenario(
    ({ accessKeyId, secretAccessKey, sessionToken }) => ({
      region: 'us-east-1', endpoint, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    }),
    send,
  );
  assertCoverage(used);
  assert.ok(running.sim.audit.events({ eventName: 'AttachUserPolicy' }).length >= 1);
});
