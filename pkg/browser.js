// Browser entry point: fetches the wasm next to this file (no CDN, works offline
// when served with the page) and initializes it before exporting.
import init from './dist/kmsim.js';
import * as glue from './dist/kmsim.js';
import { makeApi } from './lib/simulator.js';

await init({ module_or_path: new URL('./dist/kmsim_bg.wasm', import.meta.url) });

const api = makeApi(glue);

/** Creates a simulated cloud. See index.d.ts. */
export const createSimulator = api.createSimulator;
/** The kmsim version. */
export const version = api.version;
/** The operations a service implements. */
export const operations = api.operations;
export default api;
