#!/usr/bin/env node
// kmsim serve: one loopback port for KMS, Secrets Manager, SSM, IAM and STS
// (like LocalStack's edge port), for the aws CLI, boto3 and any SDK.
import { createServer } from 'node:http';
import { readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { createSimulator, version } from '../node.js';

const usage = `usage: kmsim serve [--port 4566] [--host 127.0.0.1] [--seed S] [--state FILE]
                   [--strict-auth] [--region us-east-1] [--max-body-bytes N]
       kmsim version`;

function parseArgs(argv) {
  const opts = { port: 4566, host: '127.0.0.1', region: 'us-east-1', strictAuth: false, maxBodyBytes: 16 * 1024 * 1024 };
  const [command, ...rest] = argv;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--port') opts.port = Number(value());
    else if (arg === '--host') opts.host = value();
    else if (arg === '--seed') opts.seed = value();
    else if (arg === '--state') opts.state = value();
    else if (arg === '--region') opts.region = value();
    else if (arg === '--strict-auth') opts.strictAuth = true;
    else if (arg === '--max-body-bytes') opts.maxBodyBytes = Number(value());
    else throw new Error(`unknown option ${arg}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('--port must be 0-65535');
  return { command, opts };
}

/** Writes the file next to itself and renames it into place: never a half-written state file. */
function saveAtomically(file, text) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export async function serve(opts, log = console.log) {
  const sim = createSimulator(opts.seed !== undefined ? { seed: opts.seed } : {});
  if (opts.state && existsSync(opts.state)) sim.importSnapshot(readFileSync(opts.state, 'utf8'));
  sim.configureProtocol({ strictAuth: opts.strictAuth, defaultRegion: opts.region, maxBodyBytes: opts.maxBodyBytes });
  let dirty = false;
  const save = () => {
    if (opts.state && dirty) {
      saveAtomically(opts.state, sim.exportSnapshot());
      dirty = false;
    }
  };
  const server = createServer((req, res) => {
    const chunks = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > opts.maxBodyBytes) {
        refused = true;
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'RequestEntityTooLargeException', message: `Request body exceeds ${opts.maxBodyBytes} bytes` }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
      const body = Buffer.concat(chunks);
      const out = sim.handleHttp(req.method, req.url, headers, body, req.socket.remoteAddress ?? undefined);
      const responseHeaders = {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': '*',
        'access-control-expose-headers': 'x-amzn-requestid,x-amzn-errortype',
      };
      for (let i = 0; i + 1 < out.headers.length; i += 2) responseHeaders[out.headers[i]] = out.headers[i + 1];
      if (req.method === 'OPTIONS') {
        res.writeHead(204, responseHeaders);
        res.end();
        return;
      }
      res.writeHead(out.status, responseHeaders);
      res.end(Buffer.from(out.body.buffer, out.body.byteOffset, out.body.byteLength));
      if (req.method !== 'GET') {
        dirty = true;
        save();
      }
    });
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host, ok);
  });
  const { port } = server.address();
  log(`kmsim ${version()} listening on http://${opts.host}:${port} (KMS, Secrets Manager, SSM, IAM, STS)${opts.state ? `; state in ${opts.state}` : ''}`);
  const close = () =>
    new Promise((ok) => {
      save();
      server.close(() => ok());
      server.closeAllConnections?.();
    });
  return { server, port, sim, close };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain || process.argv[1]?.endsWith('/kmsim')) {
  try {
    const { command, opts } = parseArgs(process.argv.slice(2));
    if (command === 'version') console.log(version());
    else if (command === 'serve') {
      const running = await serve(opts);
      for (const signal of ['SIGINT', 'SIGTERM']) {
        process.on(signal, async () => {
          await running.close();
          process.exit(0);
        });
      }
    } else {
      console.error(usage);
      process.exit(command ? 2 : 0);
    }
  } catch (e) {
    console.error(`kmsim: ${e.message}\n${usage}`);
    process.exit(2);
  }
}
