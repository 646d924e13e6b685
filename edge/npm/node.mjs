// Entry for node, Deno and Bun (the default export condition): the module's bytes are read
// next to this file and compiled once, when the package is first imported.
import { readFile } from 'node:fs/promises';

import { Edjwt } from './edjwt.mjs';

export * from './edjwt.mjs';
export * from './handler.mjs';

/** The compiled edge module. */
export const wasmModule = await WebAssembly.compile(
  await readFile(new URL('./edjwt_edge.wasm', import.meta.url)),
);

/** A new instance of the module (its own keys and policy). */
export function createEdjwt() {
  return Edjwt.fromModule(wasmModule);
}
