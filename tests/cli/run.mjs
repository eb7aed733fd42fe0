// The seed documents' aws CLI examples and boto3 scripts as scenario tests
// against `kmsim serve` on 127.0.0.1 (port 0: a free one). Needs the venv
// from `scripts/setup.sh --python`: KMSIM_ROOT/.venv/bin/aws and .../python.
//
// Rotation: in AWS, `rotate-secret` naming a Lambda function that does not
// exist fails with AccessDeniedException ("Secrets Manager cannot invoke the
// specified Lambda function…") and changes nothing; kmsim answers the same
// when no rotation function is registered under that ARN. To show the seed's
// "managed Lambda" rotation working, this driver registers kmsim's built-in
// single-user database rotation under
// `…:function:SecretsManagerRDSPostgreSQLRotationSingleUser` on the served
// simulator, with a simulated database for it to rotate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../pkg/bin/kmsim.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(process.env.KMSIM_ROOT ?? join(here, '../..'));
const AWS = join(root, '.venv/bin/aws');
const PYTHON = join(root, '.venv/bin/python');
const ACCOUNT = '123456789012';
const RDS_ROTATOR = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:SecretsManagerRDSPostgreSQLRotationSingleUser`;
const PG_HOST = 'mydb.cluster-abc.us-east-1.rds.amazonaws.com';

let running;
let env;
let work;

before(async () => {
  assert.ok(existsSync(AWS), `${AWS} is missing: run scripts/setup.sh --python`);
  running = await serve({ port: 0, host: '127.0.0.1', region: 'us-east-1', strictAuth: false, maxBodyBytes: 1 << 20, seed: 'cli' }, () => {});
  running.sim.databases.create({ host: PG_HOST, engine: 'postgres', username: 'dbadmin', password: 'InitPass123' });
  running.sim.secretsManager.registerDatabaseRotation(RDS_ROTATOR, 'singleUser');
  work = mkdtempSync(join(tmpdir(), 'kmsim-cli-'));
  const home = join(work, 'home');
  mkdirSync(join(home, '.aws'), { recursive: true });
  writeFileSync(join(home, '.aws', 'config'), '[default]\nregion = us-east-1\noutput = json\n');
  env = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_ACCESS_KEY_ID: 'AKIAKMSIMEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'kmsim-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: `http://127.0.0.1:${running.port}`,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
  };
});
after(() => running?.close());

/**
 * Runs a program without blocking the event loop (the server answering it
 * runs in this process): `{ status, stdout, stderr }`, killed after 60 s.
 */
function run(file, args, options = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(file, args, { env, cwd: work, ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', fail);
    child.on('close', (status) => {
      clearTimeout(timer);
      ok({ status, stdout, stderr });
    });
  });
}

/** Runs `aws …args`, returning stdout; fails the test on a non-zero exit. */
async function aws(...args) {
  const r = await run(AWS, args);
  assert.equal(r.status, 0, `aws ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
const awsJson = async (...args) => JSON.parse(await aws(...args, '--output', 'json'));
/** Runs `aws …args` expecting failure; returns stderr. */
async function awsFails(...args) {
  const r = await run(AWS, args);
  assert.notEqual(r.status, 0, `aws ${args.join(' ')} should fail; printed ${r.stdout}`);
  return r.stderr;
}
/** Runs a shell pipeline (the seeds' `| base64 --decode > file`). */
async function sh(script) {
  const r = await run('bash', ['-euo', 'pipefail', '-c', script], { env: { ...env, AWS } });
  assert.equal(r.status, 0, `${script} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

test('KMS: create-key, create-alias, fileb:// encrypt/decrypt pipeline, data keys, rotation, deletion', async () => {
  const created = await awsJson('kms', 'create-key', '--description', 'Application encryption key', '--key-usage', 'ENCRYPT_DECRYPT', '--origin', 'AWS_KMS');
  const keyId = created.KeyMetadata.KeyId;
  assert.equal(created.KeyMetadata.KeyState, 'Enabled');
  assert.equal(created.KeyMetadata.Description, 'Application encryption key');
  await aws('kms', 'create-alias', '--alias-name', 'alias/app-encryption', '--target-key-id', keyId);

  writeFileSync(join(work, 'plaintext.txt'), 'the quick brown fox\n');
  await sh('"$AWS" kms encrypt --key-id alias/app-encryption --plaintext fileb://plaintext.txt --output text --query CiphertextBlob | base64 --decode > encrypted.bin');
  const sealed = readFileSync(join(work, 'encrypted.bin'));
  assert.ok(sealed.length > 20 && !sealed.includes(Buffer.from('quick brown')));
  await sh('"$AWS" kms decrypt --ciphertext-blob fileb://encrypted.bin --output text --query Plaintext | base64 --decode > decrypted.txt');
  assert.equal(readFileSync(join(work, 'decrypted.txt'), 'utf8'), 'the quick brown fox\n');

  // Encryption context binds: decrypt needs the same one.
  await sh('"$AWS" kms encrypt --key-id alias/app-encryption --plaintext fileb://plaintext.txt --encryption-context purpose=test,team=blue --output text --query CiphertextBlob | base64 --decode > ctx.bin');
  assert.match((await awsFails('kms', 'decrypt', '--ciphertext-blob', 'fileb://ctx.bin')), /InvalidCiphertextException/);
  const opened = await awsJson('kms', 'decrypt', '--ciphertext-blob', 'fileb://ctx.bin', '--encryption-context', 'purpose=test,team=blue');
  assert.equal(Buffer.from(opened.Plaintext, 'base64').toString(), 'the quick brown fox\n');
  assert.equal(opened.KeyId, created.KeyMetadata.Arn);

  const dataKey = await awsJson('kms', 'generate-data-key', '--key-id', 'alias/app-encryption', '--key-spec', 'AES_256');
  assert.equal(Buffer.from(dataKey.Plaintext, 'base64').length, 32);
  writeFileSync(join(work, 'datakey.bin'), Buffer.from(dataKey.CiphertextBlob, 'base64'));
  const unwrapped = await awsJson('kms', 'decrypt', '--ciphertext-blob', 'fileb://datakey.bin');
  assert.equal(unwrapped.Plaintext, dataKey.Plaintext);

  await aws('kms', 'enable-key-rotation', '--key-id', keyId);
  assert.equal((await awsJson('kms', 'get-key-rotation-status', '--key-id', keyId)).KeyRotationEnabled, true);
  const listed = await awsJson('kms', 'list-keys');
  assert.ok(listed.Keys.some((k) => k.KeyId === keyId));
  assert.equal((await awsJson('kms', 'describe-key', '--key-id', 'alias/app-encryption')).KeyMetadata.KeyId, keyId);
  assert.equal((await aws('kms', 'describe-key', '--key-id', 'alias/app-encryption', '--query', 'KeyMetadata.Arn', '--output', 'text')).trim(), created.KeyMetadata.Arn);

  const scheduled = await awsJson('kms', 'schedule-key-deletion', '--key-id', keyId, '--pending-window-in-days', '7');
  assert.equal(scheduled.KeyState, 'PendingDeletion');
  assert.equal(scheduled.PendingWindowInDays, 7);
  assert.match((await awsFails('kms', 'encrypt', '--key-id', keyId, '--plaintext', 'fileb://plaintext.txt')), /KMSInvalidStateException/);
  assert.match((await awsFails('kms', 'schedule-key-deletion', '--key-id', keyId, '--pending-window-in-days', '3')), /ValidationException|KMSInvalidStateException/);
  await aws('kms', 'cancel-key-deletion', '--key-id', keyId);
  assert.equal((await awsJson('kms', 'describe-key', '--key-id', keyId)).KeyMetadata.KeyState, 'Disabled');
  assert.match((await awsFails('kms', 'describe-key', '--key-id', 'alias/none')), /NotFoundException/);
});

test('Secrets Manager: create, get, put, rotate, tag, list, delete, restore', async () => {
  const created = (await awsJson('secretsmanager', 'create-secret', '--name', 'prod/db/mysql', '--description', 'Production MySQL credentials',
    '--secret-string', '{"username":"admin","password":"P@ssw0rd2024","host":"mydb.cluster-abc.us-east-1.rds.amazonaws.com","port":3306}'));
  assert.match(created.ARN, /^arn:aws:secretsmanager:us-east-1:123456789012:secret:prod\/db\/mysql-/);
  const text = await aws('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db/mysql', '--query', 'SecretString', '--output', 'text');
  assert.equal(JSON.parse(text).password, 'P@ssw0rd2024');
  const full = await awsJson('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db/mysql');
  assert.deepEqual(full.VersionStages, ['AWSCURRENT']);
  assert.equal(typeof full.CreatedDate, 'number', 'the CLI prints timestamps it parsed');

  await aws('secretsmanager', 'put-secret-value', '--secret-id', 'prod/db/mysql', '--secret-string', '{"username":"admin","password":"NewP@ss2025"}');
  assert.equal(JSON.parse((await aws('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db/mysql', '--query', 'SecretString', '--output', 'text'))).password, 'NewP@ss2025');
  const previous = await awsJson('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db/mysql', '--version-stage', 'AWSPREVIOUS');
  assert.equal(JSON.parse(previous.SecretString).password, 'P@ssw0rd2024');

  // No such Lambda: as in AWS, an error, and rotation stays off.
  const denied = (await awsFails('secretsmanager', 'rotate-secret', '--secret-id', 'prod/db/mysql',
    '--rotation-lambda-arn', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:SecretsRotator`, '--rotation-rules', '{"AutomaticallyAfterDays":30}'));
  assert.match(denied, /AccessDeniedException/);
  assert.match(denied, /cannot invoke the specified Lambda function/);
  assert.ok(!(await awsJson('secretsmanager', 'describe-secret', '--secret-id', 'prod/db/mysql')).RotationEnabled);

  await aws('secretsmanager', 'tag-resource', '--secret-id', 'prod/db/mysql', '--tags', 'Key=Environment,Value=Production');
  assert.deepEqual((await awsJson('secretsmanager', 'describe-secret', '--secret-id', 'prod/db/mysql')).Tags, [{ Key: 'Environment', Value: 'Production' }]);
  const listed = await awsJson('secretsmanager', 'list-secrets');
  assert.deepEqual(listed.SecretList.map((s) => s.Name), ['prod/db/mysql']);

  const deleted = await awsJson('secretsmanager', 'delete-secret', '--secret-id', 'prod/db/mysql', '--recovery-window-in-days', '7');
  assert.equal(deleted.Name, 'prod/db/mysql');
  assert.match((await awsFails('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db/mysql')), /InvalidRequestException.*marked for deletion/);
  await aws('secretsmanager', 'restore-secret', '--secret-id', 'prod/db/mysql');
  assert.equal(JSON.parse((await aws('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db/mysql', '--query', 'SecretString', '--output', 'text'))).password, 'NewP@ss2025');
  assert.match((await awsFails('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db/none')), /ResourceNotFoundException/);
  assert.match((await awsFails('secretsmanager', 'create-secret', '--name', 'prod/db/mysql', '--secret-string', 'x')), /ResourceExistsException/);
});

test('Secrets Manager: rotation with the (built-in) RDS PostgreSQL single-user rotation', async () => {
  (await aws('secretsmanager', 'create-secret', '--name', 'prod/rds/postgres', '--secret-string',
    `{"username":"dbadmin","password":"InitPass123","engine":"postgres","host":"${PG_HOST}","port":5432,"dbname":"appdb"}`));
  const rotated = (await awsJson('secretsmanager', 'rotate-secret', '--secret-id', 'prod/rds/postgres',
    '--rotation-lambda-arn', RDS_ROTATOR, '--rotation-rules', '{"ScheduleExpression":"rate(30 days)"}'));
  const current = await awsJson('secretsmanager', 'get-secret-value', '--secret-id', 'prod/rds/postgres');
  assert.equal(current.VersionId, rotated.VersionId);
  const creds = JSON.parse(current.SecretString);
  assert.notEqual(creds.password, 'InitPass123');
  assert.equal(creds.dbname, 'appdb');
  assert.ok(running.sim.databases.login({ host: PG_HOST, username: 'dbadmin', password: creds.password }));
  assert.ok(!running.sim.databases.login({ host: PG_HOST, username: 'dbadmin', password: 'InitPass123' }));
  const described = await awsJson('secretsmanager', 'describe-secret', '--secret-id', 'prod/rds/postgres');
  assert.equal(described.RotationEnabled, true);
  assert.equal(described.RotationRules.ScheduleExpression, 'rate(30 days)');
  assert.equal(typeof described.NextRotationDate, 'number');
  // The seed's other form of rotation rules (shorthand) parses too.
  await aws('secretsmanager', 'rotate-secret', '--secret-id', 'prod/rds/postgres', '--rotation-rules', 'AutomaticallyAfterDays=30');
  assert.equal((await awsJson('secretsmanager', 'describe-secret', '--secret-id', 'prod/rds/postgres')).RotationRules.AutomaticallyAfterDays, 30);
});

test('Parameter Store: put, get, with-decryption, by-path, get-parameters, overwrite, describe, delete', async () => {
  await aws('kms', 'create-key', '--description', 'params');
  const keyId = (await awsJson('kms', 'list-keys')).Keys.at(-1).KeyId;
  await aws('kms', 'create-alias', '--alias-name', 'alias/my-key', '--target-key-id', keyId);
  await aws('ssm', 'put-parameter', '--name', '/my-app/prod/database/host', '--value', 'db.example.com', '--type', 'String', '--description', 'Database host');
  await aws('ssm', 'put-parameter', '--name', '/my-app/prod/database/port', '--value', '5432', '--type', 'String');
  const put = (await awsJson('ssm', 'put-parameter', '--name', '/my-app/prod/database/password', '--value', 'MySecurePassword123',
    '--type', 'SecureString', '--key-id', 'alias/my-key', '--description', 'Database password'));
  assert.deepEqual(put, { Version: 1, Tier: 'Standard' });

  assert.equal((await awsJson('ssm', 'get-parameter', '--name', '/my-app/prod/database/host')).Parameter.Value, 'db.example.com');
  const sealed = (await awsJson('ssm', 'get-parameter', '--name', '/my-app/prod/database/password')).Parameter;
  assert.equal(sealed.Type, 'SecureString');
  assert.notEqual(sealed.Value, 'MySecurePassword123');
  assert.equal((await aws('ssm', 'get-parameter', '--name', '/my-app/prod/database/password', '--with-decryption', '--query', 'Parameter.Value', '--output', 'text')).trim(), 'MySecurePassword123');

  const byPath = await awsJson('ssm', 'get-parameters-by-path', '--path', '/my-app/prod/database', '--recursive', '--with-decryption');
  assert.deepEqual(Object.fromEntries(byPath.Parameters.map((p) => [p.Name, p.Value])), {
    '/my-app/prod/database/host': 'db.example.com',
    '/my-app/prod/database/port': '5432',
    '/my-app/prod/database/password': 'MySecurePassword123',
  });
  const many = await awsJson('ssm', 'get-parameters', '--names', '/my-app/prod/database/host', '/my-app/prod/database/port', '/my-app/nope', '--with-decryption');
  assert.deepEqual(many.Parameters.map((p) => p.Value).sort(), ['5432', 'db.example.com']);
  assert.deepEqual(many.InvalidParameters, ['/my-app/nope']);

  assert.match((await awsFails('ssm', 'put-parameter', '--name', '/my-app/prod/database/host', '--value', 'x', '--type', 'String')), /ParameterAlreadyExists/);
  assert.equal((await awsJson('ssm', 'put-parameter', '--name', '/my-app/prod/database/host', '--value', 'new-db.example.com', '--type', 'String', '--overwrite')).Version, 2);
  assert.equal((await awsJson('ssm', 'get-parameter', '--name', '/my-app/prod/database/host')).Parameter.Value, 'new-db.example.com');
  const history = await awsJson('ssm', 'get-parameter-history', '--name', '/my-app/prod/database/host');
  assert.deepEqual(history.Parameters.map((p) => p.Value), ['db.example.com', 'new-db.example.com']);

  const described = await awsJson('ssm', 'describe-parameters');
  assert.deepEqual(described.Parameters.map((p) => p.Name).sort(), ['/my-app/prod/database/host', '/my-app/prod/database/password', '/my-app/prod/database/port']);
  await aws('ssm', 'delete-parameter', '--name', '/my-app/prod/database/host');
  assert.match((await awsFails('ssm', 'get-parameter', '--name', '/my-app/prod/database/host')), /ParameterNotFound/);

  // The key disabled: decryption fails as AWS reports it.
  await aws('kms', 'disable-key', '--key-id', keyId);
  assert.match((await awsFails('ssm', 'get-parameter', '--name', '/my-app/prod/database/password', '--with-decryption')), /InvalidKeyId/);
  await aws('kms', 'enable-key', '--key-id', keyId);
});

test('boto3: the seeds\' Python examples (tests/cli/boto3_scenarios.py)', async () => {
  const r = await run(PYTHON, [join(here, 'boto3_scenarios.py')], { timeoutMs: 120_000 });
  process.stdout.write(r.stdout.replace(/^/gm, '# '));
  assert.equal(r.status, 0, `boto3_scenarios.py exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^boto3: (\d+) passed, 0 failed$/m);
});
