// Conversions between AWS SDK v3 shapes and AWS JSON 1.1 wire shapes.

/** Response members that are blobs (base64 on the wire, Uint8Array in the SDK). */
const BLOB_MEMBERS = new Set([
  'CiphertextBlob', 'Plaintext', 'PublicKey', 'ImportToken', 'EncryptedKeyMaterial', 'Signature', 'Mac',
  'CiphertextForRecipient', 'KeyMaterial', 'SecretBinary',
]);

/** Response members that are timestamps (epoch seconds on the wire, Date in the SDK). */
const DATE_MEMBERS = new Set([
  'CreationDate', 'DeletionDate', 'ValidTo', 'LastUpdatedDate', 'RotationDate', 'NextRotationDate',
  'OnDemandRotationStartDate', 'ParametersValidTo', 'CreatedDate', 'LastChangedDate', 'LastAccessedDate',
  'LastRotatedDate', 'DeletedDate', 'LastModifiedDate', 'LastRotationDate',
]);

const encoder = typeof Buffer !== 'undefined' ? null : new TextEncoder();

/** Base64 of bytes (Buffer in Node, a chunked btoa elsewhere). */
export function toBase64(bytes) {
  if (typeof Buffer !== 'undefined') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Bytes of base64. */
export function fromBase64(text) {
  if (typeof Buffer !== 'undefined') {
    const buf = Buffer.from(text, 'base64');
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength).slice();
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** SDK shapes → wire shapes: Uint8Array → base64, Date → epoch seconds, strings as UTF-8 for blob members. */
export function toWire(value, member) {
  if (value instanceof Uint8Array) return toBase64(value);
  if (value instanceof Date) return value.getTime() / 1000;
  if (typeof value === 'string' && member && BLOB_MEMBERS.has(member)) {
    // The SDK accepts strings for blob members and sends their UTF-8 bytes.
    return toBase64(encoder ? encoder.encode(value) : Buffer.from(value, 'utf8'));
  }
  if (Array.isArray(value)) return value.map((v) => toWire(v));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v, k);
    return out;
  }
  return value;
}

/** Wire shapes → SDK shapes for known blob and timestamp members. */
export function fromWire(value, member) {
  if (member && typeof value === 'string' && BLOB_MEMBERS.has(member)) return fromBase64(value);
  if (member && typeof value === 'number' && DATE_MEMBERS.has(member)) return new Date(value * 1000);
  if (Array.isArray(value)) return value.map((v) => fromWire(v));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromWire(v, k);
    return out;
  }
  return value;
}

/** `{a: "1", b: "2"}` → `["a", "1", "b", "2"]` for the hot paths. */
export function contextPairs(context) {
  if (!context) return [];
  const pairs = [];
  for (const [k, v] of Object.entries(context)) pairs.push(k, String(v));
  return pairs;
}
