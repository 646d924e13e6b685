// V8 time per verification: the edge module (a full JWT verify: split, base64url, strict
// JSON, header, key selection, signature, claims, policy) against the raw backend module
// (one Ed25519 verify of the same signature over the same bytes), interleaved in one node
// process. Needs edge/dist/ from edge/build.sh.
//
//   node edge/bench/bench.mjs [--rounds 21] [--n 300]
//
// Each round times `n` back-to-back verifications of each module, in alternating order;
// the report gives the median time per verification over the rounds and the median of the
// per-round ratios (edge / raw), which is the figure least affected by a noisy machine.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { DIST, json, tokenIn } from '../test/helpers.mjs';
import { Edjwt } from '../js/edjwt.mjs';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '21' }, n: { type: 'string', default: '300' } },
});
const ROUNDS = Number(values.rounds);
const N = Number(values.n);

const attacks = json('tests/vectors/jwt_attacks.json');
const TOKEN = tokenIn(attacks, 'ok_basic');
const X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
const JWK = `{"kty":"OKP","crv":"Ed25519","kid":"rfc8037","x":"${X}"}`;
const NOW = 1700000100n;

const PAIRS = [
  ['edjwt_edge', 'baseline', 'ed25519-compact'],
  ['edjwt_edge_opt_size', 'baseline_opt_size', 'ed25519-compact, opt_size'],
  ['edjwt_edge_dalek', 'baseline_dalek', 'ed25519-dalek'],
  ['edjwt_edge_nightly', 'baseline_nightly', 'ed25519-compact, nightly immediate-abort'],
  [
    'edjwt_edge_opt_size_nightly',
    'baseline_opt_size_nightly',
    'ed25519-compact, opt_size, nightly immediate-abort',
  ],
];

function module(name) {
  return new WebAssembly.Module(readFileSync(join(DIST, `${name}.wasm`)));
}

/** A function running `n` full JWT verifications in the edge module. */
function edgeRunner(name) {
  const edjwt = Edjwt.fromModule(module(name));
  edjwt.setKeys(JWK);
  edjwt.setPolicy({ issuer: 'https://issuer.example', audience: 'api' });
  const len = edjwt.write(TOKEN);
  const verify = edjwt.x.edjwt_verify;
  return (n) => {
    let failures = 0;
    for (let i = 0; i < n; i++) failures += verify(len, NOW) !== 0;
    if (failures) throw new Error(`${name}: ${failures} verifications failed`);
  };
}

/** The same through the JS wrapper (encode the string, verify, read claims and subject). */
function wrapperRunner(name) {
  const edjwt = Edjwt.fromModule(module(name));
  edjwt.setKeys(JWK);
  edjwt.setPolicy({ issuer: 'https://issuer.example', audience: 'api' });
  return (n) => {
    for (let i = 0; i < n; i++) {
      if (edjwt.verify(TOKEN, NOW).sub !== 'alice') throw new Error(`${name}: failed`);
    }
  };
}

/** A function running `n` raw signature verifications in the baseline module. */
function rawRunner(name) {
  const x = new WebAssembly.Instance(module(name), {}).exports;
  const mem = () => new Uint8Array(x.memory.buffer, x.raw_input_ptr(), 65536);
  mem().set(Buffer.from(X, 'base64url'));
  if (x.raw_set_key() !== 1) throw new Error(`${name}: key refused`);
  const [h, p, s] = TOKEN.split('.');
  const input = Buffer.concat([Buffer.from(s, 'base64url'), Buffer.from(`${h}.${p}`)]);
  mem().set(input);
  const verify = x.raw_verify;
  const len = input.length;
  return (n) => {
    let failures = 0;
    for (let i = 0; i < n; i++) failures += verify(len) !== 1;
    if (failures) throw new Error(`${name}: ${failures} verifications failed`);
  };
}

function time(run, n) {
  const start = process.hrtime.bigint();
  run(n);
  return Number(process.hrtime.bigint() - start) / 1000 / n; // µs per verification
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const rows = [];
for (const [edgeName, rawName, backend] of PAIRS) {
  if (!existsSync(join(DIST, `${edgeName}.wasm`)) || !existsSync(join(DIST, `${rawName}.wasm`))) {
    continue;
  }
  const runners = {
    edge: edgeRunner(edgeName),
    raw: rawRunner(rawName),
    wrapper: wrapperRunner(edgeName),
  };
  // Warm up: let V8 tier the code up (Liftoff → TurboFan) before timing.
  for (const run of Object.values(runners)) run(Math.max(200, N));
  const t = { edge: [], raw: [], wrapper: [] };
  const ratios = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? ['raw', 'edge', 'wrapper'] : ['edge', 'wrapper', 'raw'];
    const round = {};
    for (const k of order) round[k] = time(runners[k], N);
    for (const k of order) t[k].push(round[k]);
    ratios.push(round.edge / round.raw);
  }
  rows.push({
    backend,
    module: `${edgeName}.wasm vs ${rawName}.wasm`,
    raw: median(t.raw),
    edge: median(t.edge),
    ratio: median(ratios),
    wrapper: median(t.wrapper),
  });
}

console.log(
  `node ${process.version} (V8 ${process.versions.v8}), ${ROUNDS} rounds x ${N} verifications, ` +
    `token ok_basic (${TOKEN.length} bytes)\n`,
);
console.log('| backend | raw verify (µs) | edge verify (µs) | edge / raw | via JS wrapper (µs) |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.backend} | ${r.raw.toFixed(1)} | ${r.edge.toFixed(1)} | ${r.ratio.toFixed(3)} | ${r.wrapper.toFixed(1)} |`,
  );
}
