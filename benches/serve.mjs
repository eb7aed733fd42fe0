// HTTP throughput of `kmsim serve`: KMS Encrypt (32-byte plaintext, 2-pair
// encryption context) over AWS JSON 1.1 from CONNS (16) concurrent keep-alive
// connections, for DURATION s after a WARMUP s warm-up, ROUNDS times.
// The server runs as a child process (`node pkg/bin/kmsim.js serve --port 0`),
// so the load generator (this process) does not share its event loop; on this
// 2-core machine both still compete for the CPU with each other and with
// whatever else runs, so numbers are noisy: each row is the median of ROUNDS.
//
// Rows:
//   node:http floor           a child process answering every POST with a
//                             fixed ~200-byte JSON body: the cost of Node's HTTP
//                             stack alone = the baseline, 1.0x
//   kmsim serve, raw HTTP     hand-built requests with the headers the SDK
//                             sends (X-Amz-Target: TrentService.Encrypt,
//                             Content-Type: application/x-amz-json-1.1, an
//                             Authorization header naming any access key)
//   kmsim serve, SDK v3       the real @aws-sdk/client-kms KMSClient, CONNS
//                             sends in flight (SigV4 signing, serde, middleware)
// "gen CPU" is the load generator's own CPU use (100 % = one core busy): near
// 100 % means the client side, not the server, limits that row (the SDK row).
// Read "x floor" as the share of Node's bare HTTP rate kmsim keeps; requests
// must all answer 200 (errors column must be 0; exits 1 otherwise).
// Asserts nothing about speed.
//
// Run: node benches/serve.mjs   (env: DURATION=10 WARMUP=2 ROUNDS=3 CONNS=16)
import { spawn } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { KMSClient, EncryptCommand } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const DURATION = Number(process.env.DURATION ?? 10);
const WARMUP = Number(process.env.WARMUP ?? 2);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONNS = Number(process.env.CONNS ?? 16);
const bin = fileURLToPath(new URL('../pkg/bin/kmsim.js', import.meta.url));

const FLOOR = `
const http = require('node:http');
const body = Buffer.from(JSON.stringify({ CiphertextBlob: 'A'.repeat(160), KeyId: 'k', EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }));
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }); res.end(body); });
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

/** Starts a child server; resolves with { port, child } once it prints its port. */
function startChild(args) {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) ok({ port: Number(m[1]), child });
    });
    child.once('exit', (code) => fail(new Error(`server exited (${code}) before listening: ${out}`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNS });
const amzDate = '20250101T000000Z';
const headersFor = (target, body) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': target,
  'x-amz-date': amzDate,
  authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
  'content-length': Buffer.byteLength(body),
});

/** One raw POST; resolves with { status, body }. */
function post(port, target, body) {
  return new Promise((ok, fail) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: headersFor(target, body) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

/**
 * CONNS loops each sending `send()` back to back: WARMUP s unmeasured, then
 * DURATION s measured. `send` resolves true for a good answer.
 */
async function load(send) {
  const latencies = [];
  let errors = 0;
  let measuring = false;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      const t = performance.now();
      let good;
      try { good = await send(); } catch { good = false; }
      if (!measuring) continue;
      if (stop) break; // a request that straddled the end is not counted
      latencies.push(performance.now() - t);
      if (!good) errors++;
    }
  };
  const workers = Array.from({ length: CONNS }, worker);
  await new Promise((r) => setTimeout(r, WARMUP * 1000));
  measuring = true;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, DURATION * 1000));
  stop = true;
  const secs = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(workers);
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  // CPU of this (load-generator) process: near 100 % means the client, not the server, is the limit
  const clientCpu = (cpu.user + cpu.system) / 1e6 / secs;
  return { rps: latencies.length / secs, p50: q(0.5), p99: q(0.99), errors, n: latencies.length, clientCpu };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function summarize(rs) {
  return {
    rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)),
    errors: rs.reduce((s, r) => s + r.errors, 0), all: rs.map((r) => r.rps), clientCpu: median(rs.map((r) => r.clientCpu)),
  };
}

const plaintext = Buffer.alloc(32, 1).toString('base64');
const context = { app: 'bench', tenant: 't1' };
const results = [];
const children = [];
const contenders = [];
try {
  const floor = await startChild(['-e', FLOOR]);
  children.push(floor.child);
  const floorBody = JSON.stringify({ KeyId: 'k', Plaintext: plaintext, EncryptionContext: context });
  contenders.push(['node:http floor (fixed answer)', async () => (await post(floor.port, 'TrentService.Encrypt', floorBody)).status === 200]);

  const kmsim = await startChild([bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--seed', 'serve-bench']);
  children.push(kmsim.child);
  const created = await post(kmsim.port, 'TrentService.CreateKey', '{}');
  if (created.status !== 200) throw new Error(`CreateKey: ${created.status} ${created.body}`);
  const keyId = JSON.parse(created.body).KeyMetadata.KeyId;
  const body = JSON.stringify({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: context });
  const first = await post(kmsim.port, 'TrentService.Encrypt', body);
  if (first.status !== 200 || !JSON.parse(first.body).CiphertextBlob) throw new Error(`Encrypt: ${first.status} ${first.body}`);
  contenders.push(['kmsim serve, raw HTTP Encrypt', async () => (await post(kmsim.port, 'TrentService.Encrypt', body)).status === 200]);

  const client = new KMSClient({
    endpoint: `http://127.0.0.1:${kmsim.port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    requestHandler: new NodeHttpHandler({ httpAgent: agent }),
    maxAttempts: 1,
  });
  const input = { KeyId: keyId, Plaintext: Buffer.alloc(32, 1), EncryptionContext: context };
  const sdkFirst = await client.send(new EncryptCommand(input));
  if (!sdkFirst.CiphertextBlob) throw new Error('SDK Encrypt returned no CiphertextBlob');
  contenders.push(['kmsim serve, @aws-sdk/client-kms Encrypt', async () => (await client.send(new EncryptCommand(input))).CiphertextBlob !== undefined]);

  // Rounds interleave the contenders, so a burst of load from elsewhere hits them alike.
  const perRound = contenders.map(() => []);
  for (let i = 0; i < ROUNDS; i++) {
    for (const [j, [, send]] of contenders.entries()) perRound[j].push(await load(send));
  }
  client.destroy();
  for (const [j, [name]] of contenders.entries()) results.push([name, summarize(perRound[j])]);
} finally {
  for (const c of children) c.kill();
  agent.destroy();
}

console.log(`kmsim serve: Encrypt (32 B, 2-pair context), ${CONNS} keep-alive connections, ${WARMUP} s warm-up + ${DURATION} s, median of ${ROUNDS} rounds`);
console.log(`Node ${process.version}, ${process.arch}; server in a child process, load generator here (shared 2-core machine: noisy)\n`);
console.log(`  ${''.padEnd(42)} ${'req/s'.padStart(9)} ${'x floor'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'gen CPU'.padStart(8)}   rounds req/s`);
const base = results[0][1].rps;
let failed = false;
for (const [name, r] of results) {
  failed ||= r.errors > 0;
  console.log(`  ${name.padEnd(42)} ${r.rps.toFixed(0).padStart(9)} ${(r.rps / base).toFixed(2).padStart(7)}x ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${String(r.errors).padStart(7)} ${`${(r.clientCpu * 100).toFixed(0)}%`.padStart(8)}   ${r.all.map((x) => x.toFixed(0)).join(' ')}`);
}
const raw = results[1][1].rps;
console.log(`\n  SDK / raw HTTP: ${(results[2][1].rps / raw).toFixed(2)}x`);
if (failed) {
  console.error('errors: some requests did not answer 200');
  process.exit(1);
}
