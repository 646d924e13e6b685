// Types for the package entry (`edjwt-edge`), the same for every export condition.

export * from './edjwt.js';
export * from './handler.js';

import type { Edjwt } from './edjwt.js';

/** The compiled edge module. */
export declare const wasmModule: WebAssembly.Module;

/** A new instance of the module (its own keys and policy). */
export declare function createEdjwt(): Edjwt;
