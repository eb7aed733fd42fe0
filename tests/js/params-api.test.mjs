// Parameter Store scenarios through the JS API (pkg/node.js over the wasm build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulator } from '../../pkg/node.js';

const errorOf = (fn) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, 'thrown values are Errors');
    return e;
  }
  assert.fail('expected an error');
};

function seeded(seed) {
  const sim = createSimulator({ seed });
  const { KeyMetadata } = sim.kms.createKey({ Description: 'params' });
  sim.ssm.putParameter({ Name: '/app/prod/db/host', Value: 'db.internal', Type: 'String' });
  sim.ssm.putParameter({ Name: '/app/prod/db/password', Value: 'hunter2-secret', Type: 'SecureString', KeyId: KeyMetadata.KeyId });
  sim.ssm.putParameter({ Name: '/app/prod/features', Value: 'a,b,c', Type: 'StringList' });
  sim.ssm.putParameter({ Name: '/app/dev/db/host', Value: 'localhost', Type: 'String' });
  return { sim, key: KeyMetadata };
}

test('String, StringList and SecureString with and without decryption', () => {
  const { sim, key } = seeded('ssm-types');
  const host = sim.ssm.getParameter({ Name: '/app/prod/db/host' }).Parameter;
  assert.equal(host.Value, 'db.internal');
  assert.equal(host.Type, 'String');
  assert.equal(host.Version, 1);
  assert.ok(host.LastModifiedDate instanceof Date);
  assert.equal(host.ARN, 'arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/db/host');
  assert.equal(sim.ssm.getParameter({ Name: '/app/prod/features' }).Parameter.Value, 'a,b,c');

  const sealed = sim.ssm.getParameter({ Name: '/app/prod/db/password' }).Parameter;
  assert.equal(sealed.Type, 'SecureString');
  assert.notEqual(sealed.Value, 'hunter2-secret');
  assert.equal(Buffer.from(sealed.Value, 'base64').includes(Buffer.from('hunter2')), false);
  const open = sim.ssm.getParameter({ Name: '/app/prod/db/password', WithDecryption: true }).Parameter;
  assert.equal(open.Value, 'hunter2-secret');
  // The ciphertext is a real KMS ciphertext under the parameter's key.
  const viaKms = sim.kms.decrypt({
    CiphertextBlob: new Uint8Array(Buffer.from(sealed.Value, 'base64')),
    EncryptionContext: { PARAMETER_ARN: open.ARN },
  });
  assert.equal(Buffer.from(viaKms.Plaintext).toString(), 'hunter2-secret');
  assert.equal(viaKms.KeyId, key.Arn);

  // Default key alias/aws/ssm when no KeyId is given.
  sim.ssm.putParameter({ Name: 'plain-secure', Value: 'v', Type: 'SecureString' });
  assert.equal(sim.ssm.getParameter({ Name: 'plain-secure', WithDecryption: true }).Parameter.Value, 'v');

  const both = sim.ssm.getParameters({ Names: ['/app/prod/db/host', '/app/prod/db/password', '/nope'], WithDecryption: true });
  assert.deepEqual(both.Parameters.map((p) => p.Value).sort(), ['db.internal', 'hunter2-secret']);
  assert.deepEqual(both.InvalidParameters, ['/nope']);
  assert.equal(errorOf(() => sim.ssm.getParameter({ Name: '/nope' })).name, 'ParameterNotFound');
  assert.equal(errorOf(() => sim.ssm.putParameter({ Name: '/app/prod/db/host', Value: 'x', Type: 'String' })).name, 'ParameterAlreadyExists');
  assert.equal(errorOf(() => sim.ssm.putParameter({ Name: 'bad', Value: 'x', Type: 'Secret' })).name, 'ValidationException');
});

test('by path: one level, recursive, with decryption, filters', () => {
  const { sim } = seeded('ssm-path');
  const names = (out) => out.Parameters.map((p) => p.Name).sort();
  assert.deepEqual(names(sim.ssm.getParametersByPath({ Path: '/app/prod' })), ['/app/prod/features']);
  const all = sim.ssm.getParametersByPath({ Path: '/app/prod', Recursive: true });
  assert.deepEqual(names(all), ['/app/prod/db/host', '/app/prod/db/password', '/app/prod/features']);
  assert.notEqual(all.Parameters.find((p) => p.Name.endsWith('password')).Value, 'hunter2-secret');
  const decrypted = sim.ssm.getParametersByPath({ Path: '/app/prod/', Recursive: true, WithDecryption: true });
  assert.equal(decrypted.Parameters.find((p) => p.Name.endsWith('password')).Value, 'hunter2-secret');
  const secureOnly = sim.ssm.getParametersByPath({
    Path: '/app', Recursive: true, ParameterFilters: [{ Key: 'Type', Option: 'Equals', Values: ['SecureString'] }],
  });
  assert.deepEqual(names(secureOnly), ['/app/prod/db/password']);
  // Paging is bounded and complete.
  const seen = [];
  let token;
  for (let page = 0; page < 10; page++) {
    const out = sim.ssm.getParametersByPath({ Path: '/app', Recursive: true, MaxResults: 1, NextToken: token });
    seen.push(...out.Parameters.map((p) => p.Name));
    token = out.NextToken;
    if (!token) break;
  }
  assert.equal(token, undefined);
  assert.equal(seen.length, 4);
  assert.deepEqual(names(sim.ssm.getParametersByPath({ Path: '/nothing/here', Recursive: true })), []);
});

test('versions, history, labels and selectors', () => {
  const { sim } = seeded('ssm-history');
  const v2 = sim.ssm.putParameter({ Name: '/app/prod/db/host', Value: 'db2.internal', Type: 'String', Overwrite: true });
  assert.equal(v2.Version, 2);
  assert.equal(v2.Tier, 'Standard');
  sim.ssm.putParameter({ Name: '/app/prod/db/host', Value: 'db3.internal', Overwrite: true });
  assert.equal(sim.ssm.getParameter({ Name: '/app/prod/db/host' }).Parameter.Version, 3);
  assert.equal(sim.ssm.getParameter({ Name: '/app/prod/db/host:1' }).Parameter.Value, 'db.internal');

  const labelled = sim.ssm.labelParameterVersion({ Name: '/app/prod/db/host', ParameterVersion: 2, Labels: ['stable', 'blue'] });
  assert.deepEqual(labelled, { InvalidLabels: [], ParameterVersion: 2 });
  const stable = sim.ssm.getParameter({ Name: '/app/prod/db/host:stable' }).Parameter;
  assert.equal(stable.Value, 'db2.internal');
  assert.equal(stable.Selector, ':stable');
  // A label moves when put on another version.
  sim.ssm.labelParameterVersion({ Name: '/app/prod/db/host', ParameterVersion: 3, Labels: ['stable'] });
  assert.equal(sim.ssm.getParameter({ Name: '/app/prod/db/host:stable' }).Parameter.Value, 'db3.internal');
  assert.deepEqual(sim.ssm.labelParameterVersion({ Name: '/app/prod/db/host', Labels: ['aws-bad', '1abc'] }).InvalidLabels.sort(), ['1abc', 'aws-bad']);
  const removed = sim.ssm.unlabelParameterVersion({ Name: '/app/prod/db/host', ParameterVersion: 2, Labels: ['blue', 'nope'] });
  assert.deepEqual(removed, { RemovedLabels: ['blue'], InvalidLabels: ['nope'] });

  const history = sim.ssm.getParameterHistory({ Name: '/app/prod/db/host' }).Parameters;
  assert.deepEqual(history.map((h) => h.Version), [1, 2, 3]);
  assert.deepEqual(history.map((h) => h.Value), ['db.internal', 'db2.internal', 'db3.internal']);
  assert.deepEqual(history[2].Labels, ['stable']);
  assert.ok(history.every((h) => h.LastModifiedDate instanceof Date && h.LastModifiedUser === 'arn:aws:iam::123456789012:root'));

  sim.ssm.putParameter({ Name: '/app/prod/db/password', Value: 'second-secret', Type: 'SecureString', Overwrite: true });
  const sealedHistory = sim.ssm.getParameterHistory({ Name: '/app/prod/db/password' }).Parameters;
  assert.ok(sealedHistory.every((h) => !h.Value.includes('secret')));
  const openHistory = sim.ssm.getParameterHistory({ Name: '/app/prod/db/password', WithDecryption: true }).Parameters;
  assert.deepEqual(openHistory.map((h) => h.Value), ['hunter2-secret', 'second-secret']);
  assert.equal(errorOf(() => sim.ssm.getParameter({ Name: '/app/prod/db/host:9' })).name, 'ParameterVersionNotFound');
});

test('describe, tags, delete', () => {
  const { sim } = seeded('ssm-manage');
  const described = sim.ssm.describeParameters({ ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/app/prod'] }] });
  assert.deepEqual(described.Parameters.map((p) => p.Name).sort(), ['/app/prod/db/host', '/app/prod/db/password', '/app/prod/features']);
  assert.ok(described.Parameters.every((p) => p.Value === undefined && p.LastModifiedDate instanceof Date));
  const secure = sim.ssm.describeParameters({ Filters: [{ Key: 'Type', Values: ['SecureString'] }] }).Parameters;
  assert.equal(secure.length, 1);
  assert.ok(secure[0].KeyId);

  sim.ssm.addTagsToResource({ ResourceType: 'Parameter', ResourceId: '/app/prod/db/host', Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'a' }] });
  sim.ssm.removeTagsFromResource({ ResourceType: 'Parameter', ResourceId: '/app/prod/db/host', TagKeys: ['team'] });
  assert.deepEqual(sim.ssm.listTagsForResource({ ResourceType: 'Parameter', ResourceId: '/app/prod/db/host' }).TagList, [{ Key: 'env', Value: 'prod' }]);

  sim.ssm.deleteParameter({ Name: '/app/dev/db/host' });
  assert.equal(errorOf(() => sim.ssm.getParameter({ Name: '/app/dev/db/host' })).name, 'ParameterNotFound');
  assert.equal(errorOf(() => sim.ssm.deleteParameter({ Name: '/app/dev/db/host' })).name, 'ParameterNotFound');
  assert.deepEqual(sim.ssm.deleteParameters({ Names: ['/app/prod/features', '/gone'] }), { DeletedParameters: ['/app/prod/features'], InvalidParameters: ['/gone'] });
});

test('the SecureString key disabled mid-life; audit trail without values', () => {
  const { sim, key } = seeded('ssm-key');
  sim.kms.disableKey({ KeyId: key.KeyId });
  const e = errorOf(() => sim.ssm.getParameter({ Name: '/app/prod/db/password', WithDecryption: true }));
  assert.equal(e.name, 'InvalidKeyId');
  assert.match(e.message, /disabled/);
  // Without decryption the ciphertext is still readable; String parameters are unaffected.
  assert.equal(sim.ssm.getParameter({ Name: '/app/prod/db/password' }).Parameter.Type, 'SecureString');
  assert.equal(sim.ssm.getParameter({ Name: '/app/prod/db/host' }).Parameter.Value, 'db.internal');
  assert.equal(
    errorOf(() => sim.ssm.putParameter({ Name: '/app/prod/db/password', Value: 'x', Type: 'SecureString', KeyId: key.KeyId, Overwrite: true })).name,
    'InvalidKeyId',
  );
  sim.kms.enableKey({ KeyId: key.KeyId });
  assert.equal(sim.ssm.getParameter({ Name: '/app/prod/db/password', WithDecryption: true }).Parameter.Value, 'hunter2-secret');

  const events = sim.audit.events();
  assert.ok(events.some((ev) => ev.eventSource === 'ssm.amazonaws.com' && ev.eventName === 'GetParameter'));
  assert.ok(events.some((ev) => ev.eventSource === 'kms.amazonaws.com' && ev.eventName === 'Decrypt' && ev.errorCode === 'DisabledException'));
  assert.equal(JSON.stringify(events).includes('hunter2'), false);
});
