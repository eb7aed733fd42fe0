// Byte and Web-stream helpers shared by the envelope tests.

/** `n` bytes of a repeating pattern (different seeds, different bytes). */
export function pattern(n, seed = 1) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

/** The parts joined into one array. */
export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** `data` cut into views of `size` bytes (the last may be shorter). */
export function chunks(data, size) {
  const out = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/** Pipes `parts` through a TransformStream and returns everything it wrote, joined. */
export async function pipe(parts, transform) {
  const readable = new ReadableStream({
    start(controller) {
      for (const c of parts) controller.enqueue(c);
      controller.close();
    },
  });
  const out = [];
  const reader = readable.pipeThrough(transform).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    out.push(value);
  }
  return concat(out);
}
