// Types for `edjwt-edge/edjwt_edge.wasm`, which Workers bundlers import as a compiled module.
declare const wasmModule: WebAssembly.Module;
export default wasmModule;
