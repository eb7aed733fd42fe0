// HTTP front ends over the simulator's wire layer: an in-process request
// handler for AWS SDK for JavaScript v3 clients (no network at all), shared
// by Node and browsers. `kmsim serve` (bin/kmsim.js) uses the same handleHttp.

const utf8 = new TextEncoder();

function bodyBytes(body) {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string') return utf8.encode(body);
  if (body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('kmsim request handler: streaming request bodies are not supported');
}

function pathWithQuery(path, query) {
  if (!query) return path || '/';
  const parts = [];
  for (const [k, v] of Object.entries(query)) {
    for (const value of Array.isArray(v) ? v : [v]) {
      parts.push(value === null || value === undefined ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(value)}`);
    }
  }
  return parts.length ? `${path || '/'}?${parts.join('&')}` : path || '/';
}

/** Flattens `{a: "1"}` into `["a", "1"]`. */
export function flattenHeaders(headers) {
  const flat = [];
  for (const [k, v] of Object.entries(headers ?? {})) flat.push(k, Array.isArray(v) ? v.join(',') : String(v));
  return flat;
}

/** `["a", "1"]` → `{a: "1"}` (lower-case names, as Node and the SDK expect). */
export function headerObject(flat) {
  const out = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i].toLowerCase()] = flat[i + 1];
  return out;
}

/**
 * A `requestHandler` for AWS SDK v3 clients that serves every request from
 * the simulator in-process.
 * @param {(method: string, path: string, headers: string[], body: Uint8Array) => {status: number, headers: string[], body: Uint8Array}} handleHttp
 */
export function makeRequestHandler(handleHttp) {
  return {
    metadata: { handlerProtocol: 'kmsim/in-process' },
    async handle(request) {
      const headers = { ...request.headers };
      if (request.hostname && !Object.keys(headers).some((h) => h.toLowerCase() === 'host')) headers.host = request.hostname;
      const out = handleHttp(request.method, pathWithQuery(request.path, request.query), flattenHeaders(headers), bodyBytes(request.body));
      return { response: { statusCode: out.status, reason: undefined, headers: headerObject(out.headers), body: out.body } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
}
