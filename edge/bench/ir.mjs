// Runs `n` verifications of the bench token in one module, for instructions.sh (callgrind):
//
//   node bench/ir.mjs edge edjwt_edge 220
//   node bench/ir.mjs raw baseline 220
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DIST, json, tokenIn } from '../test/helpers.mjs';
import { Edjwt } from '../js/edjwt.mjs';

const [kind, name, count] = process.argv.slice(2);
const N = Number(count);
const TOKEN = tokenIn(json('tests/vectors/jwt_attacks.json'), 'ok_basic');
const X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
const module = new WebAssembly.Module(readFileSync(join(DIST, `${name}.wasm`)));
let failures = 0;
if (kind === 'edge') {
  const e = Edjwt.fromModule(module);
  e.setKeys(`{"kty":"OKP","crv":"Ed25519","kid":"rfc8037","x":"${X}"}`);
  e.setPolicy({ issuer: 'https://issuer.example', audience: 'api' });
  const len = e.write(TOKEN);
  for (let i = 0; i < N; i++) failures += e.x.edjwt_verify(len, 1700000100n) !== 0;
} else {
  const x = new WebAssembly.Instance(module, {}).exports;
  const mem = () => new Uint8Array(x.memory.buffer, x.raw_input_ptr(), 65536);
  mem().set(Buffer.from(X, 'base64url'));
  x.raw_set_key();
  const [h, p, s] = TOKEN.split('.');
  const input = Buffer.concat([Buffer.from(s, 'base64url'), Buffer.from(`${h}.${p}`)]);
  mem().set(input);
  for (let i = 0; i < N; i++) failures += x.raw_verify(input.length) !== 1;
}
if (failures) throw new Error(`${name}: ${failures} verifications failed`);
