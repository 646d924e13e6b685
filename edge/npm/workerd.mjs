// Entry for Cloudflare Workers and workerd (the `workerd` and `worker` export conditions):
// the bundler or the workerd config hands over `./edjwt_edge.wasm` as a compiled
// `WebAssembly.Module` (Workers forbid compiling wasm bytes at run time).
import wasmModule from './edjwt_edge.wasm';
import { Edjwt } from './edjwt.mjs';

export * from './edjwt.mjs';
export * from './handler.mjs';
export { wasmModule };

/** A new instance of the module (its own keys and policy). */
export function createEdjwt() {
  return Edjwt.fromModule(wasmModule);
}
