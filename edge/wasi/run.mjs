// Runs a wasm32-wasip1 program (a cargo test binary) under node's WASI and exits with its
// exit code:
//
//   node edge/wasi/run.mjs path/to/test.wasm [test args...]
//
// The repository root is preopened at its own absolute path, so tests that open
// `env!("CARGO_MANIFEST_DIR")/...` files find them; the environment is passed through.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';

const [wasmPath, ...args] = process.argv.slice(2);
if (!wasmPath) {
  console.error('usage: node edge/wasi/run.mjs TEST.wasm [ARGS...]');
  process.exit(2);
}
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const wasi = new WASI({
  version: 'preview1',
  args: [wasmPath, ...args],
  env: process.env,
  preopens: { [repo]: repo, '/tmp': '/tmp' },
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
let code;
try {
  code = wasi.start(instance);
} catch (e) {
  // A trap (a panic under panic=abort is `unreachable`): the test failed.
  console.error(`${wasmPath}: ${e}`);
  code = 101;
}
process.exit(code);
