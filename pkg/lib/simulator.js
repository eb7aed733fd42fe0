// The JS API over the wasm glue, shared by the Node and browser entry points.
// It converts between AWS SDK v3 shapes (Uint8Array blobs, Date timestamps)
// and the AWS JSON wire shapes the core speaks (base64, epoch seconds).

import { toWire, fromWire } from './shapes.js';
import { makeRequestHandler } from './http.js';
import { makeEnvelope } from './envelope.js';
import { makePolicyApi } from './policy.js';
import { makeHotPath } from './hot.js';

const DEFAULT_CALLER = 0;

/** Turns `CreateKey` into `createKey`. */
const lowerFirst = (name) => name.charAt(0).toLowerCase() + name.slice(1);

/**
 * Builds the public API over an initialized glue module.
 * @param {object} glue the wasm-bindgen module (already initialized)
 */
export function makeApi(glue) {
  // While a JS rotation function of a simulator runs, the simulator itself is
  // lent to the function's scope in the wasm module (the call that started the
  // rotation still holds it): that simulator's calls go to the scope instead,
  // made as the rotation function's execution role. wasm → running callbacks.
  const rotating = new WeakMap();
  const scoped = {
    call: (_caller, service, operation, json) => glue.scopedCall(service, operation, json),
    now: () => glue.scopedNow(),
    databaseLogin: (host, user, password) => glue.scopedDatabaseLogin(host, user, password),
    databaseSetPassword: (...args) => glue.scopedDatabaseSetPassword(...args),
    database: (host) => glue.scopedDatabase(host),
  };

  function createSimulator(options = {}) {
    const config = {};
    if (options.seed !== undefined && options.seed !== null) config.seed = String(options.seed);
    if (options.now !== undefined) config.now = options.now instanceof Date ? options.now.getTime() : Number(options.now);
    if (options.liveClock !== undefined) config.liveClock = Boolean(options.liveClock);
    if (options.auditCapacity !== undefined) config.auditCapacity = Number(options.auditCapacity);
    const wasm = new glue.WasmSimulator(JSON.stringify(config));
    return new Simulator(wasm, DEFAULT_CALLER, makeHotPath(wasm, glue.wasmMemory()));
  }

  class Simulator {
    #wasm;
    #caller;
    #fast;

    constructor(wasm, caller, hot) {
      this.#wasm = wasm;
      this.#caller = caller;
      this.#fast = { hot, caller, wasm };
      const backend = () => (rotating.get(wasm) ? scoped : wasm);
      this.kms = makeKmsClient(this);
      this.secretsManager = makeSecretsClient(this, wasm);
      this.ssm = makeClient(this, 'ssm');
      this.envelope = makeEnvelope(this, glue);
      this.databases = {
        create: ({ host, engine = 'postgres', username, password }) => wasm.createDatabase(host, engine, username, password),
        login: ({ host, username, password }) => backend().databaseLogin(host, username, password),
        setPassword: ({ host, loginUsername, loginPassword, username, password }) =>
          backend().databaseSetPassword(host, loginUsername, loginPassword, username, password),
        get: (host) => {
          const json = backend().database(host);
          return json === undefined || json === null ? undefined : JSON.parse(json);
        },
      };
      this.policy = makePolicyApi(wasm, caller, glue);
      this.clock = {
        now: () => new Date(backend().now()),
        set: (when) => wasm.setTime(when instanceof Date ? when.getTime() : Number(when)),
        advance: ({ days = 0, hours = 0, minutes = 0, seconds = 0, ms = 0 } = {}) =>
          wasm.advanceTime(((days * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000 + ms),
      };
      this.audit = {
        events: (query = {}) => JSON.parse(wasm.auditEvents(JSON.stringify(auditQuery(query)))),
        clear: () => wasm.clearAudit(),
      };
    }

    /** The same simulated cloud, called as another principal or region. */
    as(caller) {
      return new Simulator(this.#wasm, this.#wasm.registerContext(JSON.stringify(caller ?? {})), this.#fast.hot);
    }

    /** Runs any operation by service signing name and AWS operation name. */
    call(service, operation, input = {}) {
      const json = this.#backend.call(this.#caller, service, operation, JSON.stringify(toWire(input)));
      return fromWire(JSON.parse(json));
    }

    /** The JSON 1.1 request/response path without conversions (for wire front ends). */
    callJson(service, operation, json) {
      return this.#backend.call(this.#caller, service, operation, json);
    }

    /** Serves one raw HTTP request as AWS would (used by `kmsim serve`). */
    handleHttp(method, path, headers, body, sourceIp) {
      return this.#wasm.handleHttp(method, path, headers, body, sourceIp);
    }

    /** Sets how HTTP requests are treated (`strictAuth`, `defaultRegion`, `maxBodyBytes`, …). */
    configureProtocol(options) {
      this.#wasm.configureProtocol(JSON.stringify(options ?? {}));
    }

    /** A `requestHandler` for AWS SDK v3 clients: requests never leave the process. */
    requestHandler() {
      return makeRequestHandler((m, p, h, b) => this.#wasm.handleHttp(m, p, h, b, undefined));
    }

    /**
     * Everything an AWS SDK v3 client needs to talk to this simulator in-process:
     * `new KMSClient(sim.clientConfig())`. Credentials are dummies unless given;
     * a 12-digit access key id means that account's root.
     */
    clientConfig({ region = 'us-east-1', accessKeyId = 'AKIAKMSIMEXAMPLE', secretAccessKey = 'kmsim', sessionToken } = {}) {
      return {
        region,
        endpoint: 'https://kmsim.invalid',
        credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
        requestHandler: this.requestHandler(),
        maxAttempts: 1,
      };
    }

    exportSnapshot() {
      return this.#wasm.exportSnapshot();
    }

    importSnapshot(snapshot) {
      this.#wasm.importSnapshot(typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot));
    }

    /** The wasm simulator, or the rotation scope while one of its rotation functions runs. */
    get #backend() {
      return rotating.get(this.#wasm) ? scoped : this.#wasm;
    }

    /** @internal the hot paths used by the KMS client (none inside a rotation function) */
    get _fast() {
      return rotating.get(this.#wasm) ? undefined : this.#fast;
    }
  }

  /** A client object with one method per operation the core implements for `service`. */
  function makeClient(sim, service) {
    const client = {};
    for (const operation of glue.operations(service)) {
      client[lowerFirst(operation)] = (input = {}) => sim.call(service, operation, input);
    }
    return client;
  }

  /**
   * The Secrets Manager client, plus rotation functions: `fn(event, sim)` runs
   * synchronously once per step (`createSecret`, `setSecret`, `testSecret`,
   * `finishSecret`); a throw fails the step. `sim` (this simulator) calls as
   * the function's execution role while the function runs.
   */
  function makeSecretsClient(sim, wasm) {
    const client = makeClient(sim, 'secretsmanager');
    client.registerRotationFunction = (lambdaArn, fn) => {
      if (typeof fn !== 'function') throw new TypeError('registerRotationFunction needs a function (event, sim) => void');
      wasm.registerRotationFunction(lambdaArn, (eventJson) => {
        rotating.set(wasm, (rotating.get(wasm) ?? 0) + 1);
        try {
          const result = fn(JSON.parse(eventJson), sim);
          if (result && typeof result.then === 'function') {
            throw new TypeError('rotation functions run synchronously: return nothing, not a Promise');
          }
        } finally {
          const depth = rotating.get(wasm) - 1;
          if (depth > 0) rotating.set(wasm, depth);
          else rotating.delete(wasm);
        }
      });
    };
    client.registerDatabaseRotation = (lambdaArn, strategy = 'singleUser') => wasm.registerDatabaseRotation(lambdaArn, strategy);
    client.unregisterRotationFunction = (lambdaArn) => wasm.unregisterRotationFunction(lambdaArn);
    return client;
  }

  /** True when `input` has no own fields but `allowed` ones (then the hot path can serve it). */
  function onlyFields(input, allowed) {
    for (const key in input) if (Object.hasOwn(input, key) && !allowed.has(key)) return false;
    return true;
  }
  const ENCRYPT_FIELDS = new Set(['KeyId', 'Plaintext', 'EncryptionContext']);
  const DECRYPT_FIELDS = new Set(['CiphertextBlob', 'EncryptionContext', 'KeyId']);
  const DATA_KEY_FIELDS = new Set(['KeyId', 'KeySpec', 'NumberOfBytes', 'EncryptionContext']);
  const isContext = (c) => c === undefined || (c !== null && typeof c === 'object' && !Array.isArray(c));

  function makeKmsClient(sim) {
    const client = makeClient(sim, 'kms');
    // Hot paths for the common request shapes: one wasm call, bytes through wasm memory.
    // Anything else (grant tokens, DryRun, odd types) takes the general path and its validation.
    client.encrypt = (input = {}) => {
      const fast = sim._fast;
      const { KeyId, Plaintext, EncryptionContext } = input;
      if (fast && typeof KeyId === 'string' && Plaintext instanceof Uint8Array && isContext(EncryptionContext)
          && onlyFields(input, ENCRYPT_FIELDS)) {
        return fast.hot.encrypt(fast.caller, KeyId, Plaintext, EncryptionContext);
      }
      return sim.call('kms', 'Encrypt', input);
    };
    client.decrypt = (input = {}) => {
      const fast = sim._fast;
      const { CiphertextBlob, EncryptionContext, KeyId } = input;
      if (fast && CiphertextBlob instanceof Uint8Array && (KeyId === undefined || (typeof KeyId === 'string' && KeyId !== ''))
          && isContext(EncryptionContext) && onlyFields(input, DECRYPT_FIELDS)) {
        return fast.hot.decrypt(fast.caller, CiphertextBlob, EncryptionContext, KeyId);
      }
      return sim.call('kms', 'Decrypt', input);
    };
    client.generateDataKey = (input = {}) => {
      const fast = sim._fast;
      const { KeyId, KeySpec, NumberOfBytes, EncryptionContext } = input;
      if (fast && typeof KeyId === 'string' && (KeySpec === undefined || (typeof KeySpec === 'string' && KeySpec !== ''))
          && (NumberOfBytes === undefined || (Number.isSafeInteger(NumberOfBytes) && NumberOfBytes >= 0))
          && isContext(EncryptionContext) && onlyFields(input, DATA_KEY_FIELDS)) {
        return fast.hot.generateDataKey(fast.caller, KeyId, KeySpec, NumberOfBytes, EncryptionContext);
      }
      return sim.call('kms', 'GenerateDataKey', input);
    };
    return client;
  }

  function auditQuery(q) {
    const out = { ...q };
    for (const k of ['startTime', 'endTime']) if (out[k] instanceof Date) out[k] = out[k].getTime();
    return out;
  }

  return {
    createSimulator,
    version: () => glue.version(),
    operations: (service) => glue.operations(service),
  };
}
