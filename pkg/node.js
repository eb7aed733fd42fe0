// Node entry point: loads the wasm synchronously from the package folder.
import { readFileSync } from 'node:fs';
import { initSync } from './dist/kmsim.js';
import * as glue from './dist/kmsim.js';
import { makeApi } from './lib/simulator.js';
import { registerPlatform } from './lib/envelope.js';
import { nodeFrameCipher, nodeTransform } from './lib/node-platform.js';

initSync({ module: readFileSync(new URL('./dist/kmsim_bg.wasm', import.meta.url)) });
registerPlatform({ cipher: nodeFrameCipher, name: 'node:crypto', nodeTransform });

const api = makeApi(glue);

/** Creates a simulated cloud. See index.d.ts. */
export const createSimulator = api.createSimulator;
/** The kmsim version. */
export const version = api.version;
/** The operations a service implements. */
export const operations = api.operations;
export default api;
