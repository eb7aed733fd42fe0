// sim.policy.authorize / sim.policy.prepare (outcome-only batches) through the JS API:
// every outcome must be the one sim.policy.explain gives for the same request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulator } from '../../pkg/node.js';

const OWNER = '111122223333';
const OTHER = '444455556666';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:shared-AbCdEf';
const VIA = 'secretsmanager.us-east-1.amazonaws.com';
const ALICE = `arn:aws:iam::${OWNER}:user/alice`;
const BOB = `arn:aws:iam::${OWNER}:user/bob`;
const CAROL = `arn:aws:iam::${OTHER}:user/carol`;

const keyPolicy = (crossAccountActions) => ({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'EnableRoot', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWNER}:root` }, Action: 'kms:*', Resource: '*' },
    {
      Sid: 'CrossAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: crossAccountActions, Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': VIA, 'kms:EncryptionContext:SecretARN': SECRET } },
    },
    { Sid: 'DenyPlainHttp', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  ],
});

const WORLD = {
  organization: {
    managementAccount: '999999999999',
    ous: [{ id: 'ou-prod', name: 'Prod', parent: 'r-root' }],
    accounts: [{ id: OWNER, parent: 'ou-prod' }, { id: OTHER, parent: 'ou-prod' }],
    scps: [
      { id: 'p-no-deletion', name: 'NoKeyDeletion', targets: ['ou-prod'],
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:ScheduleKeyDeletion', Resource: '*' }] } },
      { id: 'p-no-encrypt', name: 'NoEncryptInOther', targets: [OTHER],
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*' }] } },
    ],
  },
  users: [
    { account: OWNER, name: 'alice', inlinePolicies: { all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } } },
    { account: OWNER, name: 'bob' },
    {
      account: OTHER, name: 'carol',
      inlinePolicies: {
        kms: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: `arn:aws:kms:us-east-1:${OWNER}:key/*` },
            { Effect: 'Deny', Action: 'kms:ScheduleKeyDeletion', Resource: '*' },
          ],
        },
      },
    },
  ],
};

function setUp() {
  const sim = createSimulator({ seed: 'policy-authorize' });
  sim.policy.loadWorld(WORLD);
  const owner = sim.as({ account: OWNER });
  const key = owner.kms.createKey({ Policy: JSON.stringify(keyPolicy(['kms:Decrypt', 'kms:Encrypt'])) }).KeyMetadata.Arn;
  return { sim, owner, key };
}

/** The cases: a request for the batch API and what explain must also say. */
function cases(key) {
  const ec = { 'kms:EncryptionContext:SecretARN': SECRET };
  return [
    { name: 'root delegation + identity policy', expect: 'Allow', request: { action: 'kms:Decrypt', resource: key, caller: { principal: ALICE } } },
    { name: 'explicit deny in the key policy (plain HTTP)', expect: 'ExplicitDeny', request: { action: 'kms:Decrypt', resource: key, caller: { principal: ALICE, secureTransport: false } } },
    { name: 'explicit deny in an SCP', expect: 'ExplicitDeny', request: { action: 'kms:ScheduleKeyDeletion', resource: key, caller: { principal: ALICE } } },
    { name: 'implicit deny: no identity policy', expect: 'ImplicitDeny', request: { action: 'kms:Decrypt', resource: key, caller: { principal: BOB } } },
    { name: 'cross-account through Secrets Manager', expect: 'Allow', request: { action: 'kms:Decrypt', resource: key, caller: { principal: CAROL, viaService: VIA }, context: ec } },
    { name: 'cross-account, kms:ViaService as a context key', expect: 'Allow', request: { action: 'kms:Decrypt', resource: key, caller: { principal: CAROL }, context: { ...ec, 'kms:ViaService': VIA } } },
    { name: 'cross-account without the service', expect: 'ImplicitDeny', request: { action: 'kms:Decrypt', resource: key, caller: { principal: CAROL }, context: ec } },
    { name: 'cross-account, other encryption context', expect: 'ImplicitDeny', request: { action: 'kms:Decrypt', resource: key, caller: { principal: CAROL, viaService: VIA }, context: { 'kms:EncryptionContext:SecretARN': `${SECRET}x` } } },
    { name: 'cross-account, denied by an SCP of the caller account', expect: 'ExplicitDeny', request: { action: 'kms:Encrypt', resource: key, caller: { principal: CAROL, viaService: VIA }, context: ec } },
    { name: 'cross-account, explicit deny in the identity policy', expect: 'ExplicitDeny', request: { action: 'kms:ScheduleKeyDeletion', resource: key, caller: { principal: CAROL } } },
    { name: 'cross-account operation the key policy does not grant', expect: 'ImplicitDeny', request: { action: 'kms:GenerateDataKey', resource: key, caller: { principal: CAROL, viaService: VIA }, context: ec } },
    { name: 'a resource the simulator does not hold (identity policies only)', expect: 'Allow', request: { action: 'kms:Decrypt', resource: `arn:aws:kms:us-east-1:${OWNER}:key/not-stored`, caller: { principal: ALICE } } },
  ];
}

/** What explain says for a batch request: a view of its caller, `viaService` given as kms:ViaService. */
function explainOutcome(sim, { action, resource, context = {}, caller = {} }) {
  const { viaService, ...view } = caller;
  const extra = viaService ? { ...context, 'kms:ViaService': viaService } : context;
  return sim.as(view).policy.explain(action, resource, extra).outcome;
}

test('authorize agrees with explain on allows, explicit and implicit denies, cross-account and SCPs', () => {
  const { sim, key } = setUp();
  const all = cases(key);
  const outcomes = sim.policy.authorize(all.map((c) => c.request));
  assert.equal(outcomes.length, all.length);
  for (const [i, c] of all.entries()) {
    assert.equal(explainOutcome(sim, c.request), c.expect, `explain: ${c.name}`);
    assert.equal(outcomes[i], c.expect, `authorize: ${c.name}`);
  }
  // The SCP deny is reported as such by explain, and authorize reaches the same outcome.
  const scp = sim.as({ principal: CAROL }).policy.explain('kms:Encrypt', key, { 'kms:EncryptionContext:SecretARN': SECRET, 'kms:ViaService': VIA });
  assert.equal(scp.decidedBy, 'serviceControl');
});

test('a prepared batch is evaluated again, in full, on every call', () => {
  const { sim, owner, key } = setUp();
  const all = cases(key);
  const prepared = sim.policy.prepare(all.map((c) => c.request));
  assert.equal(prepared.length, all.length);
  const codes = prepared.authorize();
  assert.ok(codes instanceof Uint8Array);
  assert.deepEqual([...codes].map((code) => sim.policy.outcomeNames[code]), all.map((c) => c.expect));
  assert.deepEqual(prepared.outcomes(), all.map((c) => c.expect));

  // Change the key policy: the same prepared requests now see the new policy.
  owner.kms.putKeyPolicy({ KeyId: key, PolicyName: 'default', Policy: JSON.stringify(keyPolicy(['kms:Encrypt'])) });
  const after = prepared.outcomes();
  const crossAccount = all.findIndex((c) => c.name === 'cross-account through Secrets Manager');
  assert.equal(after[crossAccount], 'ImplicitDeny');
  for (const [i, c] of all.entries()) assert.equal(after[i], explainOutcome(sim, c.request), `after PutKeyPolicy: ${c.name}`);

  // And the IAM world: alice loses her policy.
  sim.policy.loadWorld({ ...WORLD, users: WORLD.users.map((u) => (u.name === 'alice' ? { account: OWNER, name: 'alice' } : u)) });
  assert.equal(prepared.outcomes()[0], 'ImplicitDeny');
  assert.equal(explainOutcome(sim, all[0].request), 'ImplicitDeny');
  prepared.free();
});

test('requests default to the view caller; bad requests are ValidationExceptions', () => {
  const { sim, key } = setUp();
  const alice = sim.as({ principal: ALICE });
  assert.deepEqual(alice.policy.authorize([{ action: 'kms:Decrypt', resource: key }]), ['Allow']);
  assert.deepEqual(sim.as({ principal: BOB }).policy.authorize([{ action: 'kms:Decrypt', resource: key }]), ['ImplicitDeny']);
  assert.deepEqual(alice.policy.authorize([]), []);
  for (const bad of [
    [{ action: 'Decrypt', resource: key }],
    [{ action: 'kms:', resource: key }],
    [{ action: 'kms:Decrypt' }],
    [{ action: 'kms:Decrypt', resource: key, caller: { principal: 'carol' } }],
    [{ action: 'kms:Decrypt', resource: key, caller: { account: '12' } }],
    [{ action: 'kms:Decrypt', resource: key, caller: { region: 'Mars' } }],
    [{ action: 'kms:Decrypt', resource: key, caller: { viaService: '' } }],
    [{ action: 'kms:Decrypt', resource: key, bogus: 1 }],
  ]) {
    assert.throws(() => alice.policy.authorize(bad), (e) => e.name === 'ValidationException', JSON.stringify(bad));
  }
  assert.throws(() => alice.policy.prepare({ action: 'kms:Decrypt', resource: key }), TypeError);
});
