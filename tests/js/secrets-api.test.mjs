// Secrets Manager scenarios through the JS API (pkg/node.js over the wasm build),
// including rotation functions written in JS and the simulated databases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulator } from '../../pkg/node.js';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:rotator';
const errorOf = (fn) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, 'thrown values are Errors');
    return e;
  }
  assert.fail('expected an error');
};
const currentOf = (describe) => Object.entries(describe.VersionIdsToStages).find(([, s]) => s.includes('AWSCURRENT'))[0];

/** The rotation Lambda AWS's template describes, in JS; `failAt` makes one step throw. */
function templateRotation(failAt, seen = []) {
  return (event, sim) => {
    seen.push(event);
    if (event.Step === failAt) throw new Error(`boom in ${event.Step}`);
    const sm = sim.secretsManager;
    if (event.Step === 'createSecret') {
      const current = sm.getSecretValue({ SecretId: event.SecretId, VersionStage: 'AWSCURRENT' }).SecretString;
      sm.putSecretValue({
        SecretId: event.SecretId,
        ClientRequestToken: event.ClientRequestToken,
        SecretString: `${current}+`,
        VersionStages: ['AWSPENDING'],
      });
    } else if (event.Step === 'finishSecret') {
      const current = currentOf(sm.describeSecret({ SecretId: event.SecretId }));
      sm.updateSecretVersionStage({
        SecretId: event.SecretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: event.ClientRequestToken,
        RemoveFromVersionId: current,
      });
    }
  };
}

test('create, get, put: versions, staging labels and custom labels', () => {
  const sim = createSimulator({ seed: 'sm-basic' });
  const created = sim.secretsManager.createSecret({ Name: 'prod/app/db', SecretString: '{"username":"app","password":"p1"}', Description: 'db creds' });
  assert.match(created.ARN, /^arn:aws:secretsmanager:us-east-1:123456789012:secret:prod\/app\/db-[A-Za-z0-9]{6}$/);
  const first = sim.secretsManager.getSecretValue({ SecretId: 'prod/app/db' });
  assert.equal(JSON.parse(first.SecretString).password, 'p1');
  assert.deepEqual(first.VersionStages, ['AWSCURRENT']);
  assert.ok(first.CreatedDate instanceof Date);
  assert.equal(first.VersionId, created.VersionId);

  const put = sim.secretsManager.putSecretValue({ SecretId: created.ARN, SecretString: '{"username":"app","password":"p2"}' });
  assert.deepEqual(put.VersionStages, ['AWSCURRENT']);
  assert.equal(JSON.parse(sim.secretsManager.getSecretValue({ SecretId: 'prod/app/db' }).SecretString).password, 'p2');
  const previous = sim.secretsManager.getSecretValue({ SecretId: 'prod/app/db', VersionStage: 'AWSPREVIOUS' });
  assert.equal(previous.VersionId, created.VersionId);

  // A custom label, moved by UpdateSecretVersionStage.
  sim.secretsManager.updateSecretVersionStage({ SecretId: 'prod/app/db', VersionStage: 'blue', MoveToVersionId: created.VersionId });
  assert.equal(sim.secretsManager.getSecretValue({ SecretId: 'prod/app/db', VersionStage: 'blue' }).VersionId, created.VersionId);
  sim.secretsManager.updateSecretVersionStage({
    SecretId: 'prod/app/db', VersionStage: 'blue', MoveToVersionId: put.VersionId, RemoveFromVersionId: created.VersionId,
  });
  const versions = sim.secretsManager.listSecretVersionIds({ SecretId: 'prod/app/db' }).Versions;
  assert.equal(versions.length, 2);
  assert.deepEqual(versions.find((v) => v.VersionId === put.VersionId).VersionStages.sort(), ['AWSCURRENT', 'blue']);
  assert.equal(errorOf(() => sim.secretsManager.getSecretValue({ SecretId: 'prod/app/db', VersionStage: 'green' })).name, 'ResourceNotFoundException');

  // Binary secrets come back as bytes.
  sim.secretsManager.createSecret({ Name: 'bin', SecretBinary: new Uint8Array([0, 1, 254, 255]) });
  const bin = sim.secretsManager.getSecretValue({ SecretId: 'bin' });
  assert.ok(bin.SecretBinary instanceof Uint8Array);
  assert.deepEqual([...bin.SecretBinary], [0, 1, 254, 255]);
  assert.equal(bin.SecretString, undefined);

  const e = errorOf(() => sim.secretsManager.createSecret({ Name: 'prod/app/db', SecretString: 'x' }));
  assert.equal(e.name, 'ResourceExistsException');
  assert.equal(e.$metadata.httpStatusCode, 400);
  assert.equal(errorOf(() => sim.secretsManager.getSecretValue({ SecretId: 'nope' })).name, 'ResourceNotFoundException');
});

test('a JS rotation function runs the four steps and moves AWSCURRENT', () => {
  const sim = createSimulator({ seed: 'sm-rotate' });
  const seen = [];
  sim.secretsManager.registerRotationFunction(FN, templateRotation(undefined, seen));
  const { ARN, VersionId: v1 } = sim.secretsManager.createSecret({ Name: 'rot', SecretString: 'v1' });
  const out = sim.secretsManager.rotateSecret({ SecretId: 'rot', RotationLambdaARN: FN, RotationRules: { AutomaticallyAfterDays: 30 } });
  assert.deepEqual(seen.map((e) => e.Step), ['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
  assert.ok(seen.every((e) => e.SecretId === ARN && e.ClientRequestToken === out.VersionId));
  assert.equal(sim.secretsManager.getSecretValue({ SecretId: 'rot' }).SecretString, 'v1+');
  const d = sim.secretsManager.describeSecret({ SecretId: 'rot' });
  assert.equal(d.RotationEnabled, true);
  assert.equal(d.RotationLambdaARN, FN);
  assert.ok(d.LastRotatedDate instanceof Date);
  assert.ok(d.NextRotationDate instanceof Date && d.NextRotationDate > d.LastRotatedDate);
  assert.deepEqual(d.VersionIdsToStages[v1], ['AWSPREVIOUS']);
  assert.deepEqual(d.VersionIdsToStages[out.VersionId], ['AWSCURRENT']);
  // The function's calls were made as its execution role.
  const puts = sim.audit.events({ eventName: 'PutSecretValue' });
  assert.equal(puts.length, 1);
  assert.match(puts[0].userIdentity.arn, /^arn:aws:sts::123456789012:assumed-role\/rotator-rotation-role\/rotator$/);
  // The schedule rotates again when due.
  sim.clock.advance({ days: 31 });
  assert.equal(sim.secretsManager.getSecretValue({ SecretId: 'rot' }).SecretString, 'v1++');
  assert.equal(seen.length, 8);
  // Outside a rotation, calls are the caller's again.
  sim.secretsManager.putSecretValue({ SecretId: 'rot', SecretString: 'manual' });
  assert.equal(sim.audit.events({ eventName: 'PutSecretValue' }).at(-1).userIdentity.arn, 'arn:aws:iam::123456789012:root');
});

test('a throwing step fails the rotation as AWS does: AWSCURRENT stays, AWSPENDING lingers', () => {
  const sim = createSimulator({ seed: 'sm-fail' });
  sim.secretsManager.registerRotationFunction(FN, templateRotation('testSecret'));
  sim.secretsManager.createSecret({ Name: 'rot', SecretString: 'v1' });
  const out = sim.secretsManager.rotateSecret({ SecretId: 'rot', RotationLambdaARN: FN });
  assert.equal(sim.secretsManager.getSecretValue({ SecretId: 'rot' }).SecretString, 'v1');
  const pending = sim.secretsManager.getSecretValue({ SecretId: 'rot', VersionStage: 'AWSPENDING' });
  assert.equal(pending.VersionId, out.VersionId);
  assert.equal(pending.SecretString, 'v1+');
  const failed = sim.audit.events({ eventName: 'RotationFailed' });
  assert.equal(failed.length, 1);
  assert.match(JSON.stringify(failed[0]), /testSecret/);
  assert.match(JSON.stringify(failed[0]), /boom in testSecret/);
  // The next rotation refuses until the pending one is dealt with.
  const again = errorOf(() => sim.secretsManager.rotateSecret({ SecretId: 'rot' }));
  assert.equal(again.name, 'InvalidRequestException');
  // Fixed function, pending label removed by hand: the rotation completes.
  sim.secretsManager.registerRotationFunction(FN, templateRotation());
  sim.secretsManager.updateSecretVersionStage({ SecretId: 'rot', VersionStage: 'AWSPENDING', RemoveFromVersionId: out.VersionId });
  sim.secretsManager.rotateSecret({ SecretId: 'rot' });
  assert.equal(sim.secretsManager.getSecretValue({ SecretId: 'rot' }).SecretString, 'v1+');
  assert.equal(sim.audit.events({ eventName: 'RotationSucceeded' }).length, 1);
});

test('a rotation function whose AWS call fails, a Promise-returning one, and a missing Lambda', () => {
  const sim = createSimulator({ seed: 'sm-fail2' });
  sim.secretsManager.createSecret({ Name: 'rot', SecretString: 'v1' });
  sim.secretsManager.registerRotationFunction(FN, (event, s) => {
    s.secretsManager.getSecretValue({ SecretId: 'does-not-exist' });
  });
  sim.secretsManager.rotateSecret({ SecretId: 'rot', RotationLambdaARN: FN });
  const [failed] = sim.audit.events({ eventName: 'RotationFailed' });
  assert.equal(failed.requestParameters.step, 'createSecret');
  assert.match(failed.requestParameters.message, /^ResourceNotFoundException: /);
  assert.equal(sim.secretsManager.getSecretValue({ SecretId: 'rot' }).SecretString, 'v1');

  sim.secretsManager.createSecret({ Name: 'rot2', SecretString: 'v1' });
  const asyncFn = 'arn:aws:lambda:us-east-1:123456789012:function:async';
  sim.secretsManager.registerRotationFunction(asyncFn, async () => {});
  sim.secretsManager.rotateSecret({ SecretId: 'rot2', RotationLambdaARN: asyncFn });
  assert.match(JSON.stringify(sim.audit.events({ eventName: 'RotationFailed' }).at(-1)), /synchronously/);

  // No such Lambda: RotateSecret answers AccessDeniedException and changes nothing.
  sim.secretsManager.createSecret({ Name: 'rot3', SecretString: 'v1' });
  const e = errorOf(() =>
    sim.secretsManager.rotateSecret({ SecretId: 'rot3', RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:missing' }),
  );
  assert.equal(e.name, 'AccessDeniedException');
  assert.match(e.message, /cannot invoke the specified Lambda function/);
  assert.equal(sim.secretsManager.describeSecret({ SecretId: 'rot3' }).RotationEnabled, false);
  assert.equal(sim.secretsManager.unregisterRotationFunction(FN), true);
  assert.equal(sim.secretsManager.unregisterRotationFunction(FN), false);
  assert.throws(() => sim.secretsManager.registerRotationFunction(FN, 'not a function'), TypeError);
});

test('an app keeps logging in while the built-in database rotation changes its password', () => {
  const sim = createSimulator({ seed: 'sm-db' });
  sim.databases.create({ host: 'db.internal', engine: 'postgres', username: 'admin', password: 'master-pw' });
  sim.secretsManager.createSecret({
    Name: 'master',
    SecretString: JSON.stringify({ engine: 'postgres', host: 'db.internal', username: 'admin', password: 'master-pw' }),
  });
  const masterArn = sim.secretsManager.describeSecret({ SecretId: 'master' }).ARN;
  sim.databases.setPassword({ host: 'db.internal', loginUsername: 'admin', loginPassword: 'master-pw', username: 'app', password: 'app-pw' });
  sim.secretsManager.createSecret({
    Name: 'app',
    SecretString: JSON.stringify({ engine: 'postgres', host: 'db.internal', username: 'app', password: 'app-pw', masterarn: masterArn }),
  });
  const alt = 'arn:aws:lambda:us-east-1:123456789012:function:alternating';
  sim.secretsManager.registerDatabaseRotation(alt, 'alternatingUsers');
  const login = () => {
    const creds = JSON.parse(sim.secretsManager.getSecretValue({ SecretId: 'app' }).SecretString);
    return { ok: sim.databases.login({ host: 'db.internal', username: creds.username, password: creds.password }), creds };
  };
  const users = new Set();
  for (let i = 0; i < 4; i++) {
    const before = login();
    assert.ok(before.ok, `login before rotation ${i}`);
    sim.secretsManager.rotateSecret({ SecretId: 'app', RotationLambdaARN: alt });
    const after = login();
    assert.ok(after.ok, `login after rotation ${i}`);
    assert.notEqual(after.creds.password, before.creds.password);
    users.add(after.creds.username);
    // With alternating users the previous credentials keep working too.
    const prev = JSON.parse(sim.secretsManager.getSecretValue({ SecretId: 'app', VersionStage: 'AWSPREVIOUS' }).SecretString);
    assert.ok(sim.databases.login({ host: 'db.internal', username: prev.username, password: prev.password }));
  }
  assert.deepEqual([...users].sort(), ['app', 'app_clone']);
  const db = sim.databases.get('db.internal');
  assert.deepEqual(db.users.sort(), ['admin', 'app', 'app_clone']);
  // The app's logins all succeeded (asserted above); the only failed ones are
  // setSecret's probes with the not-yet-set pending password, one per rotation.
  assert.equal(db.failedLogins, 4);
  assert.ok(db.logins >= 12);
  assert.equal(JSON.stringify(db).includes('app-pw'), false);
  assert.equal(sim.databases.get('nowhere'), undefined);

  // Single user: the old password stops working once rotated.
  const single = 'arn:aws:lambda:us-east-1:123456789012:function:single';
  sim.secretsManager.registerDatabaseRotation(single, 'singleUser');
  const old = JSON.parse(sim.secretsManager.getSecretValue({ SecretId: 'master' }).SecretString);
  sim.secretsManager.rotateSecret({ SecretId: 'master', RotationLambdaARN: single });
  const fresh = JSON.parse(sim.secretsManager.getSecretValue({ SecretId: 'master' }).SecretString);
  assert.ok(sim.databases.login({ host: 'db.internal', username: 'admin', password: fresh.password }));
  assert.ok(!sim.databases.login({ host: 'db.internal', username: 'admin', password: old.password }));
  assert.throws(() => sim.secretsManager.registerDatabaseRotation(single, 'sideways'), /unknown rotation strategy/);
});

test('a JS rotation function can drive a simulated database itself', () => {
  const sim = createSimulator({ seed: 'sm-db-js' });
  sim.databases.create({ host: 'h', username: 'root', password: 'pw0' });
  sim.secretsManager.createSecret({ Name: 'root', SecretString: JSON.stringify({ host: 'h', username: 'root', password: 'pw0' }) });
  sim.secretsManager.registerRotationFunction(FN, (event, s) => {
    const sm = s.secretsManager;
    const cur = JSON.parse(sm.getSecretValue({ SecretId: event.SecretId }).SecretString);
    if (event.Step === 'createSecret') {
      const { RandomPassword } = sm.getRandomPassword({ PasswordLength: 20, ExcludePunctuation: true });
      sm.putSecretValue({ SecretId: event.SecretId, ClientRequestToken: event.ClientRequestToken, SecretString: JSON.stringify({ ...cur, password: RandomPassword }), VersionStages: ['AWSPENDING'] });
    } else {
      const pending = JSON.parse(sm.getSecretValue({ SecretId: event.SecretId, VersionId: event.ClientRequestToken, VersionStage: 'AWSPENDING' }).SecretString);
      if (event.Step === 'setSecret') {
        s.databases.setPassword({ host: 'h', loginUsername: 'root', loginPassword: cur.password, username: 'root', password: pending.password });
      } else if (event.Step === 'testSecret') {
        if (!s.databases.login({ host: 'h', username: 'root', password: pending.password })) throw new Error('login failed');
      } else {
        const d = sm.describeSecret({ SecretId: event.SecretId });
        sm.updateSecretVersionStage({ SecretId: event.SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: event.ClientRequestToken, RemoveFromVersionId: currentOf(d) });
        assert.ok(s.clock.now() instanceof Date);
      }
    }
  });
  sim.secretsManager.rotateSecret({ SecretId: 'root', RotationLambdaARN: FN });
  const now = JSON.parse(sim.secretsManager.getSecretValue({ SecretId: 'root' }).SecretString);
  assert.equal(now.password.length, 20);
  assert.ok(sim.databases.login({ host: 'h', username: 'root', password: now.password }));
  assert.ok(!sim.databases.login({ host: 'h', username: 'root', password: 'pw0' }));
});

test('deletion window, restore, and purge when the window ends', () => {
  const sim = createSimulator({ seed: 'sm-delete' });
  sim.secretsManager.createSecret({ Name: 'tmp', SecretString: 'v' });
  const del = sim.secretsManager.deleteSecret({ SecretId: 'tmp', RecoveryWindowInDays: 7 });
  assert.equal(del.DeletionDate.getTime() - sim.clock.now().getTime(), 7 * 86_400_000);
  assert.equal(errorOf(() => sim.secretsManager.getSecretValue({ SecretId: 'tmp' })).name, 'InvalidRequestException');
  assert.equal(sim.secretsManager.listSecrets().SecretList.length, 0);
  assert.ok(sim.secretsManager.listSecrets({ IncludePlannedDeletion: true }).SecretList[0].DeletedDate instanceof Date);
  assert.ok(sim.secretsManager.describeSecret({ SecretId: 'tmp' }).DeletedDate instanceof Date);
  sim.secretsManager.restoreSecret({ SecretId: 'tmp' });
  assert.equal(sim.secretsManager.getSecretValue({ SecretId: 'tmp' }).SecretString, 'v');
  assert.equal(sim.secretsManager.describeSecret({ SecretId: 'tmp' }).DeletedDate, undefined);

  sim.secretsManager.deleteSecret({ SecretId: 'tmp', RecoveryWindowInDays: 7 });
  sim.clock.advance({ days: 6 });
  assert.equal(sim.secretsManager.describeSecret({ SecretId: 'tmp' }).Name, 'tmp');
  sim.clock.advance({ days: 1, minutes: 1 });
  assert.equal(errorOf(() => sim.secretsManager.describeSecret({ SecretId: 'tmp' })).name, 'ResourceNotFoundException');
  assert.equal(errorOf(() => sim.secretsManager.restoreSecret({ SecretId: 'tmp' })).name, 'ResourceNotFoundException');
  sim.secretsManager.createSecret({ Name: 'tmp', SecretString: 'again' });

  assert.equal(errorOf(() => sim.secretsManager.deleteSecret({ SecretId: 'tmp', RecoveryWindowInDays: 3 })).name, 'InvalidParameterException');
  sim.secretsManager.deleteSecret({ SecretId: 'tmp', ForceDeleteWithoutRecovery: true });
  assert.equal(errorOf(() => sim.secretsManager.getSecretValue({ SecretId: 'tmp' })).name, 'ResourceNotFoundException');
});

test('tags, policies and a KMS key disabled mid-life', () => {
  const sim = createSimulator({ seed: 'sm-key' });
  const { KeyMetadata } = sim.kms.createKey({ Description: 'secrets' });
  sim.secretsManager.createSecret({ Name: 'k', SecretString: 's3cr3t-value', KmsKeyId: KeyMetadata.Arn, Tags: [{ Key: 'env', Value: 'prod' }] });
  sim.secretsManager.tagResource({ SecretId: 'k', Tags: [{ Key: 'team', Value: 'a' }] });
  sim.secretsManager.untagResource({ SecretId: 'k', TagKeys: ['env'] });
  const d = sim.secretsManager.describeSecret({ SecretId: 'k' });
  assert.deepEqual(d.Tags, [{ Key: 'team', Value: 'a' }]);
  assert.equal(d.KmsKeyId, KeyMetadata.Arn);
  assert.deepEqual(
    sim.secretsManager.listSecrets({ Filters: [{ Key: 'tag-key', Values: ['team'] }] }).SecretList.map((s) => s.Name),
    ['k'],
  );

  sim.kms.disableKey({ KeyId: KeyMetadata.KeyId });
  assert.equal(errorOf(() => sim.secretsManager.getSecretValue({ SecretId: 'k' })).name, 'DecryptionFailure');
  assert.equal(errorOf(() => sim.secretsManager.putSecretValue({ SecretId: 'k', SecretString: 'x' })).name, 'EncryptionFailure');
  sim.kms.enableKey({ KeyId: KeyMetadata.KeyId });
  assert.equal(sim.secretsManager.getSecretValue({ SecretId: 'k' }).SecretString, 's3cr3t-value');
  sim.kms.scheduleKeyDeletion({ KeyId: KeyMetadata.KeyId, PendingWindowInDays: 7 });
  assert.equal(errorOf(() => sim.secretsManager.getSecretValue({ SecretId: 'k' })).name, 'DecryptionFailure');

  // Audit: the calls are recorded, the values never.
  const events = sim.audit.events();
  assert.ok(events.some((e) => e.eventSource === 'secretsmanager.amazonaws.com' && e.eventName === 'GetSecretValue'));
  assert.ok(events.some((e) => e.eventSource === 'kms.amazonaws.com' && e.userIdentity.invokedBy === 'secretsmanager.amazonaws.com'));
  assert.equal(JSON.stringify(events).includes('s3cr3t-value'), false);
});

test('replicas follow the primary, re-encrypted in their region; a key change keeps both keys', () => {
  const sim = createSimulator({ seed: 'sm-replicas' });
  const eu = sim.as({ region: 'eu-west-1' });
  const { ARN } = sim.secretsManager.createSecret({
    Name: 'app/db', SecretString: 'v1', Description: 'first', AddReplicaRegions: [{ Region: 'eu-west-1' }],
  });
  sim.secretsManager.putSecretValue({ SecretId: ARN, SecretString: 'v2' });
  sim.secretsManager.tagResource({ SecretId: ARN, Tags: [{ Key: 'env', Value: 'prod' }] });
  assert.equal(eu.secretsManager.getSecretValue({ SecretId: 'app/db' }).SecretString, 'v2');
  assert.equal(eu.secretsManager.getSecretValue({ SecretId: 'app/db', VersionStage: 'AWSPREVIOUS' }).SecretString, 'v1');
  const replica = eu.secretsManager.describeSecret({ SecretId: 'app/db' });
  assert.deepEqual(replica.Tags, [{ Key: 'env', Value: 'prod' }]);
  assert.equal(replica.PrimaryRegion, 'us-east-1');
  assert.equal(errorOf(() => eu.secretsManager.putSecretValue({ SecretId: 'app/db', SecretString: 'x' })).name, 'InvalidRequestException');
  const [status] = sim.secretsManager.describeSecret({ SecretId: ARN }).ReplicationStatus;
  assert.equal(status.Status, 'InSync');
  assert.ok(status.LastAccessedDate instanceof Date);
  // A new KMS key re-encrypts the labelled versions, keeping the old key too.
  const { KeyMetadata } = sim.kms.createKey({});
  sim.secretsManager.updateSecret({ SecretId: ARN, KmsKeyId: KeyMetadata.Arn });
  const versions = sim.secretsManager.listSecretVersionIds({ SecretId: ARN }).Versions;
  assert.ok(versions.every((v) => v.KmsKeyIds.length === 2 && v.KmsKeyIds[1] === KeyMetadata.Arn));
});

test('NextRotationDate is the end of the rotation window, which opens at midnight for a schedule in days', () => {
  const sim = createSimulator({ seed: 'sm-window' });
  sim.secretsManager.registerRotationFunction(FN, templateRotation());
  sim.secretsManager.createSecret({ Name: 'w', SecretString: 'v1' });
  sim.clock.advance({ hours: 15 });
  sim.secretsManager.rotateSecret({
    SecretId: 'w', RotationLambdaARN: FN, RotateImmediately: false,
    RotationRules: { ScheduleExpression: 'rate(1 day)', Duration: '3h' },
  });
  assert.equal(sim.secretsManager.describeSecret({ SecretId: 'w' }).NextRotationDate.toISOString(), '2025-01-02T02:59:59.000Z');
  sim.clock.advance({ hours: 9 });
  assert.equal(sim.secretsManager.describeSecret({ SecretId: 'w' }).LastRotatedDate.toISOString(), '2025-01-02T00:00:00.000Z');
  const bad = errorOf(() => sim.secretsManager.rotateSecret({
    SecretId: 'w', RotationRules: { ScheduleExpression: 'rate(4 hours)', Duration: '5h' },
  }));
  assert.equal(bad.name, 'InvalidParameterException');
});
