// The JS API over the wasm glue, shared by the Node and browser entry points.
// It converts between AWS SDK v3 shapes (Uint8Array blobs, Date timestamps)
// and the AWS JSON wire shapes the core speaks (base64, epoch seconds).

import { toWire, fromWire, contextPairs } from './shapes.js';
import { makeRequestHandler } from './http.js';
import { makePolicyApi } from './policy.js';

const DEFAULT_CALLER = 0;

/** Turns `CreateKey` into `createKey`. */
const lowerFirst = (name) => name.charAt(0).toLowerCase() + name.slice(1);

/**
 * Builds the public API over an initialized glue module.
 * @param {object} glue the wasm-bindgen module (already initialized)
 */
export function makeApi(glue) {
  function createSimulator(options = {}) {
    const config = {};
    if (options.seed !== undefined && options.seed !== null) config.seed = String(options.seed);
    if (options.now !== undefined) config.now = options.now instanceof Date ? options.now.getTime() : Number(options.now);
    if (options.liveClock !== undefined) config.liveClock = Boolean(options.liveClock);
    if (options.auditCapacity !== undefined) config.auditCapacity = Number(options.auditCapacity);
    return new Simulator(new glue.WasmSimulator(JSON.stringify(config)), DEFAULT_CALLER);
  }

  class Simulator {
    #wasm;
    #caller;

    constructor(wasm, caller) {
      this.#wasm = wasm;
      this.#caller = caller;
      this.kms = makeKmsClient(this);
      this.secretsManager = makeClient(this, 'secretsmanager');
      this.ssm = makeClient(this, 'ssm');
      this.policy = makePolicyApi(wasm, caller, glue);
      this.clock = {
        now: () => new Date(wasm.now()),
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
      return new Simulator(this.#wasm, this.#wasm.registerContext(JSON.stringify(caller ?? {})));
    }

    /** Runs any operation by service signing name and AWS operation name. */
    call(service, operation, input = {}) {
      const json = this.#wasm.call(this.#caller, service, operation, JSON.stringify(toWire(input)));
      return fromWire(JSON.parse(json));
    }

    /** The JSON 1.1 request/response path without conversions (for wire front ends). */
    callJson(service, operation, json) {
      return this.#wasm.call(this.#caller, service, operation, json);
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

    /** @internal the hot paths used by the KMS client */
    get _fast() {
      return { wasm: this.#wasm, caller: this.#caller };
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

  function makeKmsClient(sim) {
    const client = makeClient(sim, 'kms');
    // Hot paths: bytes cross the boundary directly when the request is the common shape.
    client.encrypt = (input = {}) => {
      const { KeyId, Plaintext, EncryptionContext, ...rest } = input;
      if (Object.keys(rest).length === 0 && Plaintext instanceof Uint8Array && typeof KeyId === 'string') {
        const { wasm, caller } = sim._fast;
        return wasm.kmsEncrypt(caller, KeyId, Plaintext, contextPairs(EncryptionContext));
      }
      return sim.call('kms', 'Encrypt', input);
    };
    client.decrypt = (input = {}) => {
      const { CiphertextBlob, EncryptionContext, KeyId, ...rest } = input;
      if (Object.keys(rest).length === 0 && CiphertextBlob instanceof Uint8Array && (KeyId === undefined || typeof KeyId === 'string')) {
        const { wasm, caller } = sim._fast;
        return wasm.kmsDecrypt(caller, CiphertextBlob, contextPairs(EncryptionContext), KeyId);
      }
      return sim.call('kms', 'Decrypt', input);
    };
    client.generateDataKey = (input = {}) => {
      const { KeyId, KeySpec, NumberOfBytes, EncryptionContext, ...rest } = input;
      if (Object.keys(rest).length === 0 && typeof KeyId === 'string') {
        const { wasm, caller } = sim._fast;
        return wasm.kmsGenerateDataKey(caller, KeyId, KeySpec, NumberOfBytes, contextPairs(EncryptionContext));
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
