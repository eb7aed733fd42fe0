// Node-only pieces of envelope encryption: AES-256-GCM frames through
// node:crypto (synchronous, so it plugs into the Rust framing as its frame
// cipher) and `stream.Transform` wrappers.
//
// The key each call receives is the derived per-message content key (HKDF
// output, not the data key, never a KMS key). It is a fresh copy made for the
// call; it is zeroed here as soon as node:crypto has taken it.

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Transform } from 'node:stream';

/** The node:crypto frame cipher: `seal` returns ciphertext‖tag, `open` throws on a bad tag. */
export const nodeFrameCipher = {
  seal(key, iv, aad, data) {
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    key.fill(0);
    cipher.setAAD(aad);
    const out = new Uint8Array(data.length + 16);
    const body = cipher.update(data);
    out.set(body, 0);
    const rest = cipher.final();
    out.set(rest, body.length);
    out.set(cipher.getAuthTag(), data.length);
    return out;
  },
  open(key, iv, aad, ciphertext, tag) {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    key.fill(0);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const body = decipher.update(ciphertext);
    const rest = decipher.final(); // throws unless the tag verifies
    if (rest.length === 0) return body;
    const out = new Uint8Array(body.length + rest.length);
    out.set(body, 0);
    out.set(rest, body.length);
    return out;
  },
};

/** Wraps an incremental encryptor / decryptor core as a Node `stream.Transform`. */
export function nodeTransform({ core, drive, step }) {
  return new Transform({
    transform(chunk, _encoding, callback) {
      try {
        step(drive(core, chunk, (out) => this.push(out)));
        callback();
      } catch (err) {
        core.abort();
        callback(err);
      }
    },
    flush(callback) {
      try {
        const out = core.finish();
        if (out.length) this.push(out);
        callback();
      } catch (err) {
        callback(err);
      }
    },
  });
}
