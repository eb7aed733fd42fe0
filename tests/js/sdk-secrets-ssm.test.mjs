// The real AWS SDK for JavaScript v3 Secrets Manager and SSM clients against
// kmsim: in-process (requestHandler, no network) and over HTTP against
// `kmsim serve` on 127.0.0.1. Every operation the services implement is sent
// through the SDK (its serializers and deserializers), and errors surface as
// the SDK's own exception classes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as SM from '@aws-sdk/client-secrets-manager';
import * as SSM from '@aws-sdk/client-ssm';
import { KMSClient, CreateKeyCommand, DisableKeyCommand, EnableKeyCommand } from '@aws-sdk/client-kms';
import { createSimulator, operations } from '../../pkg/node.js';
import { serve } from '../../pkg/bin/kmsim.js';

process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:sdk-rotator';
const credentials = { accessKeyId: 'AKIAKMSIMEXAMPLE', secretAccessKey: 'kmsim' };

/** A rotation function in JS, as the AWS template Lambda does it. */
function rotation(event, sim) {
  const sm = sim.secretsManager;
  if (event.Step === 'createSecret') {
    const current = sm.getSecretValue({ SecretId: event.SecretId }).SecretString;
    sm.putSecretValue({ SecretId: event.SecretId, ClientRequestToken: event.ClientRequestToken, SecretString: `${current}-rotated`, VersionStages: ['AWSPENDING'] });
  } else if (event.Step === 'finishSecret') {
    const d = sm.describeSecret({ SecretId: event.SecretId });
    const current = Object.entries(d.VersionIdsToStages).find(([, s]) => s.includes('AWSCURRENT'))[0];
    sm.updateSecretVersionStage({ SecretId: event.SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: event.ClientRequestToken, RemoveFromVersionId: current });
  }
}

/** Sends commands, remembering which operations were exercised. */
function tracker() {
  const used = { secretsmanager: new Set(), ssm: new Set() };
  const send = (client, command) => {
    const service = client instanceof SM.SecretsManagerClient ? 'secretsmanager' : 'ssm';
    used[service].add(command.constructor.name.replace(/Command$/, ''));
    return client.send(command);
  };
  return { used, send };
}

async function rejects(promise, type, name = type.name, status = 400) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof type, `${e.name}: ${e.message} should be a ${type.name}`);
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

async function secretsScenario(config, westConfig, send) {
  const sm = new SM.SecretsManagerClient(config);
  const west = new SM.SecretsManagerClient(westConfig);
  const kms = new KMSClient(config);
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'secrets' }));

  const created = await send(sm, new SM.CreateSecretCommand({
    Name: 'sdk/db', SecretString: JSON.stringify({ username: 'app', password: 'p1' }), KmsKeyId: KeyMetadata.Arn,
    Description: 'via the SDK', Tags: [{ Key: 'env', Value: 'test' }],
  }));
  assert.match(created.ARN, /:secret:sdk\/db-[A-Za-z0-9]{6}$/);
  const got = await send(sm, new SM.GetSecretValueCommand({ SecretId: 'sdk/db' }));
  assert.equal(JSON.parse(got.SecretString).password, 'p1');
  assert.ok(got.CreatedDate instanceof Date && !Number.isNaN(got.CreatedDate.getTime()));
  assert.deepEqual(got.VersionStages, ['AWSCURRENT']);

  const binary = await send(sm, new SM.CreateSecretCommand({ Name: 'sdk/bin', SecretBinary: new Uint8Array([1, 2, 3, 250]) }));
  const gotBinary = await send(sm, new SM.GetSecretValueCommand({ SecretId: binary.ARN }));
  assert.deepEqual([...gotBinary.SecretBinary], [1, 2, 3, 250]);

  const put = await send(sm, new SM.PutSecretValueCommand({ SecretId: 'sdk/db', SecretString: 'p2', VersionStages: ['AWSCURRENT', 'custom'] }));
  assert.deepEqual(put.VersionStages.sort(), ['AWSCURRENT', 'custom']);
  const updated = await send(sm, new SM.UpdateSecretCommand({ SecretId: 'sdk/db', Description: 'changed', SecretString: 'p3' }));
  assert.ok(updated.VersionId);
  await send(sm, new SM.UpdateSecretVersionStageCommand({ SecretId: 'sdk/db', VersionStage: 'custom', MoveToVersionId: created.VersionId, RemoveFromVersionId: put.VersionId }));
  const versions = await send(sm, new SM.ListSecretVersionIdsCommand({ SecretId: 'sdk/db' }));
  assert.equal(versions.Versions.length, 3);
  assert.ok(versions.Versions.every((v) => v.CreatedDate instanceof Date));
  assert.deepEqual(versions.Versions.find((v) => v.VersionId === created.VersionId).VersionStages, ['custom']);

  const batch = await send(sm, new SM.BatchGetSecretValueCommand({ SecretIdList: ['sdk/db', 'sdk/bin'] }));
  assert.equal(batch.SecretValues.length, 2);
  assert.ok(batch.SecretValues.some((v) => v.SecretString === 'p3'));
  assert.ok(batch.SecretValues.some((v) => v.SecretBinary instanceof Uint8Array && v.SecretBinary.length === 4));

  await send(sm, new SM.TagResourceCommand({ SecretId: 'sdk/db', Tags: [{ Key: 'team', Value: 'blue' }] }));
  await send(sm, new SM.UntagResourceCommand({ SecretId: 'sdk/db', TagKeys: ['env'] }));
  const described = await send(sm, new SM.DescribeSecretCommand({ SecretId: 'sdk/db' }));
  assert.equal(described.Description, 'changed');
  assert.deepEqual(described.Tags, [{ Key: 'team', Value: 'blue' }]);
  for (const field of ['CreatedDate', 'LastChangedDate', 'LastAccessedDate']) assert.ok(described[field] instanceof Date, field);
  const listed = await send(sm, new SM.ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['sdk/'] }], SortOrder: 'asc' }));
  assert.deepEqual(listed.SecretList.map((s) => s.Name), ['sdk/bin', 'sdk/db']);
  assert.ok(listed.SecretList.every((s) => s.SecretVersionsToStages && s.LastChangedDate instanceof Date));

  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
  });
  const validated = await send(sm, new SM.ValidateResourcePolicyCommand({ SecretId: 'sdk/db', ResourcePolicy: policy }));
  assert.equal(validated.PolicyValidationPassed, true);
  await send(sm, new SM.PutResourcePolicyCommand({ SecretId: 'sdk/db', ResourcePolicy: policy }));
  assert.deepEqual(JSON.parse((await send(sm, new SM.GetResourcePolicyCommand({ SecretId: 'sdk/db' }))).ResourcePolicy), JSON.parse(policy));
  await send(sm, new SM.DeleteResourcePolicyCommand({ SecretId: 'sdk/db' }));
  assert.equal((await send(sm, new SM.GetResourcePolicyCommand({ SecretId: 'sdk/db' }))).ResourcePolicy, undefined);

  const { RandomPassword } = await send(sm, new SM.GetRandomPasswordCommand({ PasswordLength: 24, ExcludePunctuation: true }));
  assert.match(RandomPassword, /^[A-Za-z0-9]{24}$/);

  // Rotation with a JS rotation function registered under a Lambda ARN.
  const rotated = await send(sm, new SM.RotateSecretCommand({ SecretId: 'sdk/db', RotationLambdaARN: FN, RotationRules: { AutomaticallyAfterDays: 7 } }));
  assert.equal((await send(sm, new SM.GetSecretValueCommand({ SecretId: 'sdk/db' }))).SecretString, 'p3-rotated');
  const afterRotation = await send(sm, new SM.DescribeSecretCommand({ SecretId: 'sdk/db' }));
  assert.equal(afterRotation.RotationEnabled, true);
  assert.deepEqual(afterRotation.RotationRules, { AutomaticallyAfterDays: 7 });
  assert.ok(afterRotation.LastRotatedDate instanceof Date && afterRotation.NextRotationDate instanceof Date);
  assert.deepEqual(afterRotation.VersionIdsToStages[rotated.VersionId], ['AWSCURRENT']);
  const cancelled = await send(sm, new SM.CancelRotateSecretCommand({ SecretId: 'sdk/db' }));
  assert.equal(cancelled.ARN, created.ARN);
  assert.equal((await send(sm, new SM.DescribeSecretCommand({ SecretId: 'sdk/db' }))).RotationEnabled, false);
  // No such Lambda: AccessDeniedException, which the SDK models only as its service exception.
  await rejects(
    send(sm, new SM.RotateSecretCommand({ SecretId: 'sdk/db', RotationLambdaARN: `${FN}-missing` })),
    SM.SecretsManagerServiceException,
    'AccessDeniedException',
  );

  // Replication to another region, and promoting the replica.
  const replicated = await send(sm, new SM.ReplicateSecretToRegionsCommand({ SecretId: 'sdk/bin', AddReplicaRegions: [{ Region: 'us-west-2' }] }));
  assert.equal(replicated.ReplicationStatus[0].Region, 'us-west-2');
  assert.deepEqual([...(await west.send(new SM.GetSecretValueCommand({ SecretId: 'sdk/bin' }))).SecretBinary], [1, 2, 3, 250]);
  await send(sm, new SM.RemoveRegionsFromReplicationCommand({ SecretId: 'sdk/bin', RemoveReplicaRegions: ['us-west-2'] }));
  await send(sm, new SM.ReplicateSecretToRegionsCommand({ SecretId: 'sdk/bin', AddReplicaRegions: [{ Region: 'us-west-2' }] }));
  const stopped = await send(west, new SM.StopReplicationToReplicaCommand({ SecretId: 'sdk/bin' }));
  assert.match(stopped.ARN, /^arn:aws:secretsmanager:us-west-2:/);

  // Deletion with a recovery window, restore, forced deletion.
  const deleted = await send(sm, new SM.DeleteSecretCommand({ SecretId: 'sdk/db', RecoveryWindowInDays: 7 }));
  assert.ok(deleted.DeletionDate instanceof Date && deleted.DeletionDate > got.CreatedDate);
  await rejects(send(sm, new SM.GetSecretValueCommand({ SecretId: 'sdk/db' })), SM.InvalidRequestException);
  await send(sm, new SM.RestoreSecretCommand({ SecretId: 'sdk/db' }));
  assert.equal((await send(sm, new SM.GetSecretValueCommand({ SecretId: 'sdk/db' }))).SecretString, 'p3-rotated');
  await send(sm, new SM.DeleteSecretCommand({ SecretId: 'sdk/bin', ForceDeleteWithoutRecovery: true }));

  await rejects(send(sm, new SM.GetSecretValueCommand({ SecretId: 'sdk/none' })), SM.ResourceNotFoundException);
  await rejects(send(sm, new SM.CreateSecretCommand({ Name: 'sdk/db', SecretString: 'x' })), SM.ResourceExistsException);
  await rejects(send(sm, new SM.DeleteSecretCommand({ SecretId: 'sdk/db', RecoveryWindowInDays: 1 })), SM.InvalidParameterException);
  await kms.send(new DisableKeyCommand({ KeyId: KeyMetadata.KeyId }));
  await rejects(send(sm, new SM.GetSecretValueCommand({ SecretId: 'sdk/db' })), SM.DecryptionFailure);
  await rejects(send(sm, new SM.PutSecretValueCommand({ SecretId: 'sdk/db', SecretString: 'x' })), SM.EncryptionFailure);
  await kms.send(new EnableKeyCommand({ KeyId: KeyMetadata.KeyId }));
}

async function ssmScenario(config, send) {
  const ssm = new SSM.SSMClient(config);
  const kms = new KMSClient(config);
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'params' }));
  const put = await send(ssm, new SSM.PutParameterCommand({ Name: '/sdk/db/host', Value: 'db.internal', Type: 'String', Tags: [{ Key: 'env', Value: 'test' }] }));
  assert.deepEqual(put, { ...put, Version: 1, Tier: 'Standard' });
  await send(ssm, new SSM.PutParameterCommand({ Name: '/sdk/db/password', Value: 'pw-secret', Type: 'SecureString', KeyId: KeyMetadata.KeyId }));
  await send(ssm, new SSM.PutParameterCommand({ Name: '/sdk/list', Value: 'a,b', Type: 'StringList', Description: 'a list' }));
  const v2 = await send(ssm, new SSM.PutParameterCommand({ Name: '/sdk/db/host', Value: 'db2.internal', Overwrite: true }));
  assert.equal(v2.Version, 2);

  const { Parameter } = await send(ssm, new SSM.GetParameterCommand({ Name: '/sdk/db/host' }));
  assert.equal(Parameter.Value, 'db2.internal');
  assert.ok(Parameter.LastModifiedDate instanceof Date && !Number.isNaN(Parameter.LastModifiedDate.getTime()));
  const sealed = await send(ssm, new SSM.GetParameterCommand({ Name: '/sdk/db/password' }));
  assert.notEqual(sealed.Parameter.Value, 'pw-secret');
  const open = await send(ssm, new SSM.GetParameterCommand({ Name: '/sdk/db/password', WithDecryption: true }));
  assert.equal(open.Parameter.Value, 'pw-secret');
  const many = await send(ssm, new SSM.GetParametersCommand({ Names: ['/sdk/db/host', '/sdk/db/password', '/sdk/none'], WithDecryption: true }));
  assert.deepEqual(many.Parameters.map((p) => p.Value).sort(), ['db2.internal', 'pw-secret']);
  assert.deepEqual(many.InvalidParameters, ['/sdk/none']);
  const byPath = await send(ssm, new SSM.GetParametersByPathCommand({ Path: '/sdk', Recursive: true, WithDecryption: true }));
  assert.deepEqual(byPath.Parameters.map((p) => p.Name).sort(), ['/sdk/db/host', '/sdk/db/password', '/sdk/list']);
  assert.equal(byPath.Parameters.find((p) => p.Name === '/sdk/db/password').Value, 'pw-secret');

  const labelled = await send(ssm, new SSM.LabelParameterVersionCommand({ Name: '/sdk/db/host', ParameterVersion: 1, Labels: ['old'] }));
  assert.equal(labelled.ParameterVersion, 1);
  assert.equal((await send(ssm, new SSM.GetParameterCommand({ Name: '/sdk/db/host:old' }))).Parameter.Value, 'db.internal');
  const unlabelled = await send(ssm, new SSM.UnlabelParameterVersionCommand({ Name: '/sdk/db/host', ParameterVersion: 1, Labels: ['old'] }));
  assert.deepEqual(unlabelled.RemovedLabels, ['old']);
  const history = await send(ssm, new SSM.GetParameterHistoryCommand({ Name: '/sdk/db/host' }));
  assert.deepEqual(history.Parameters.map((h) => h.Value), ['db.internal', 'db2.internal']);
  assert.ok(history.Parameters.every((h) => h.LastModifiedDate instanceof Date));
  const described = await send(ssm, new SSM.DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/sdk/'] }] }));
  assert.equal(described.Parameters.length, 3);
  assert.equal(described.Parameters.find((p) => p.Name === '/sdk/list').Description, 'a list');

  await send(ssm, new SSM.AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: '/sdk/db/host', Tags: [{ Key: 'team', Value: 'blue' }] }));
  await send(ssm, new SSM.RemoveTagsFromResourceCommand({ ResourceType: 'Parameter', ResourceId: '/sdk/db/host', TagKeys: ['env'] }));
  const tags = await send(ssm, new SSM.ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/sdk/db/host' }));
  assert.deepEqual(tags.TagList, [{ Key: 'team', Value: 'blue' }]);

  await send(ssm, new SSM.DeleteParameterCommand({ Name: '/sdk/list' }));
  const deleted = await send(ssm, new SSM.DeleteParametersCommand({ Names: ['/sdk/db/host', '/sdk/none'] }));
  assert.deepEqual(deleted.DeletedParameters, ['/sdk/db/host']);
  assert.deepEqual(deleted.InvalidParameters, ['/sdk/none']);

  await rejects(send(ssm, new SSM.GetParameterCommand({ Name: '/sdk/list' })), SSM.ParameterNotFound);
  await rejects(send(ssm, new SSM.PutParameterCommand({ Name: '/sdk/db/password', Value: 'x', Type: 'SecureString' })), SSM.ParameterAlreadyExists);
  await rejects(send(ssm, new SSM.GetParameterCommand({ Name: '/sdk/db/password:7' })), SSM.ParameterVersionNotFound);
  await kms.send(new DisableKeyCommand({ KeyId: KeyMetadata.KeyId }));
  await rejects(send(ssm, new SSM.GetParameterCommand({ Name: '/sdk/db/password', WithDecryption: true })), SSM.InvalidKeyId);
}

function assertCoverage(used) {
  for (const service of ['secretsmanager', 'ssm']) {
    const missing = operations(service).filter((op) => !used[service].has(op));
    assert.deepEqual(missing, [], `${service} operations not exercised through the SDK`);
  }
}

test('in-process: every Secrets Manager and SSM operation through the SDK v3 clients', async () => {
  const sim = createSimulator({ seed: 'sdk-in-process' });
  sim.secretsManager.registerRotationFunction(FN, rotation);
  const { used, send } = tracker();
  await secretsScenario(sim.clientConfig(), sim.clientConfig({ region: 'us-west-2' }), send);
  await ssmScenario(sim.clientConfig(), send);
  assertCoverage(used);
  // The SDK's calls are in the audit trail; no secret value is.
  const events = sim.audit.events();
  assert.ok(events.some((e) => e.eventName === 'RotateSecret' && e.eventSource === 'secretsmanager.amazonaws.com'));
  assert.ok(events.some((e) => e.eventName === 'GetParametersByPath'));
  assert.equal(/pw-secret|p3-rotated/.test(JSON.stringify(events)), false);
});

const running = await serve({ port: 0, host: '127.0.0.1', region: 'us-east-1', strictAuth: false, maxBodyBytes: 1 << 20, seed: 'sdk-http' }, () => {});
after(() => running.close());

test('over HTTP against kmsim serve: every operation, SDK exception classes', async () => {
  running.sim.secretsManager.registerRotationFunction(FN, rotation);
  const endpoint = `http://127.0.0.1:${running.port}`;
  const config = { region: 'us-east-1', endpoint, credentials, maxAttempts: 1 };
  const { used, send } = tracker();
  await secretsScenario(config, { ...config, region: 'us-west-2' }, send);
  await ssmScenario(config, send);
  assertCoverage(used);
  // State lives in the served simulator.
  assert.equal(running.sim.secretsManager.getSecretValue({ SecretId: 'sdk/db' }).SecretString, 'p3-rotated');
});
