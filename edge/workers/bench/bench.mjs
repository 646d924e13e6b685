// Figures for edge/README.md (a benchmark, not a test; not run by CI):
// - requests/s through workerd (serve.sh) with the auth Worker vs the pass-through Worker,
//   `wrk` on loopback, each with the same valid token;
// - time per verification inside workerd (verify-loop.mjs, timed from outside), in node
//   (the package's default entry) and native (the edge crate's host build,
//   examples/verify_time.rs), on the same token through `verifyAuthorization`; both the
//   elapsed time and the CPU time of the process doing the verifications (from
//   /proc/PID/task/*/schedstat for workerd, process.cpuUsage() in node,
//   /proc/thread-self/schedstat natively), which a busy machine inflates much less.
// Needs what edge/workers/ci.sh installs (the packed package, jose in target/workers-test)
// and wrk (Debian's `wrk`).
//
//   node edge/workers/bench/bench.mjs [--seconds 10] [--connections 8] [--n 2000] [--rounds 9]
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { serve } from '../test/helpers.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    n: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '9' },
  },
});
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '../../..');
const N = Number(values.n);
const ROUNDS = Number(values.rounds);
const ISSUER = 'https://issuer.example';
const AUDIENCE = 'api';

const resolveIn = (dir, name) =>
  pathToFileURL(createRequire(join(dir, 'package.json')).resolve(name)).href;
const { SignJWT } = await import(resolveIn(join(ROOT, 'target/workers-test'), 'jose'));
const { createEdjwt } = await import(resolveIn(join(ROOT, 'target/workers'), 'edjwt-edge'));

const dir = mkdtempSync(join(tmpdir(), 'edjwt-bench-'));
const keyFile = join(dir, 'private.pem');
const pubFile = join(dir, 'public.pem');
execFileSync('openssl', ['genpkey', '-algorithm', 'Ed25519', '-out', keyFile]);
execFileSync('openssl', ['pkey', '-in', keyFile, '-pubout', '-out', pubFile]);
const PEM = readFileSync(pubFile, 'utf8');
const now = Math.floor(Date.now() / 1000);
const TOKEN = await new SignJWT({ sub: 'alice', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 3600 })
  .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: 'k1' })
  .sign(createPrivateKey(readFileSync(keyFile)));
const BINDINGS = { EDJWT_KEYS: PEM, EDJWT_ISSUER: ISSUER, EDJWT_AUDIENCE: AUDIENCE };
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function withServer(script, run) {
  const bindings = { ...BINDINGS };
  if (script) bindings.EDJWT_WORKER_SCRIPT = join(HERE, script);
  const server = await serve(bindings);
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

/** wrk's requests/s, after checking that the token is accepted. */
function wrk(server) {
  const out = execFileSync(
    'wrk',
    [
      '-t1',
      `-c${values.connections}`,
      `-d${values.seconds}s`,
      '-H',
      `Authorization: Bearer ${TOKEN}`,
      `http://127.0.0.1:${server.port}/bench`,
    ],
    { encoding: 'utf8' },
  );
  if (/Non-2xx/.test(out)) throw new Error(`wrk saw non-2xx answers:\n${out}`);
  return Number(out.match(/Requests\/sec:\s+([0-9.]+)/)[1]);
}

async function throughput(script) {
  return withServer(script, async (server) => {
    const res = await server.get('/bench', { authorization: `Bearer ${TOKEN}` });
    if (res.status !== 200) throw new Error(`${script ?? 'worker.mjs'}: ${res.status}`);
    await res.arrayBuffer();
    return wrk(server);
  });
}

/** CPU time of every thread of process `pid` so far, in µs (Linux schedstat). */
function cpuUs(pid) {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
  }
  return ns / 1000;
}

/**
 * µs per verification inside workerd: elapsed and workerd's CPU time of a request with
 * n = N less those of one with n = 0, over N.
 */
async function inWorkerd() {
  return withServer('verify-loop.mjs', async (server) => {
    const call = async (n) => {
      const cpu = cpuUs(server.pid);
      const start = process.hrtime.bigint();
      const res = await server.get(`/?n=${n}`, { authorization: `Bearer ${TOKEN}` });
      const body = await res.text();
      if (res.status !== 200 || body !== `${n}\n`) throw new Error(`verify-loop: ${res.status} ${body}`);
      return { wall: Number(process.hrtime.bigint() - start) / 1000, cpu: cpuUs(server.pid) - cpu };
    };
    await call(N); // warm up (tier-up of the wasm code)
    const wall = [];
    const cpu = [];
    for (let r = 0; r < ROUNDS; r++) {
      const empty = await call(0);
      const full = await call(N);
      wall.push((full.wall - empty.wall) / N);
      cpu.push((full.cpu - empty.cpu) / N);
    }
    return { wall: median(wall), cpu: median(cpu) };
  });
}

function inNode() {
  const edjwt = createEdjwt();
  edjwt.setKeys(PEM);
  edjwt.setPolicy({ issuer: ISSUER, audience: AUDIENCE });
  const value = `Bearer ${TOKEN}`;
  const run = (n) => {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (!edjwt.verifyAuthorization(value).ok) throw new Error('node: rejected');
    const used = process.cpuUsage(cpu);
    return {
      wall: Number(process.hrtime.bigint() - start) / 1000 / n,
      cpu: (used.user + used.system) / n,
    };
  };
  run(N);
  const rounds = Array.from({ length: ROUNDS }, () => run(N));
  return { wall: median(rounds.map((r) => r.wall)), cpu: median(rounds.map((r) => r.cpu)) };
}

function native() {
  const out = execFileSync(
    'cargo',
    ['run', '-q', '--release', '-p', 'edjwt-edge', '--example', 'verify_time', '--',
      pubFile, ISSUER, AUDIENCE, TOKEN, String(N), String(ROUNDS)],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const [wall, cpu] = out.trim().split(' ').map(Number);
  return { wall, cpu };
}

try {
  const auth = await throughput(null);
  const pass = await throughput('passthrough.mjs');
  const workerd = await inWorkerd();
  const nodeUs = inNode();
  const nativeUs = native();
  console.log(
    `node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)}; ` +
      `token ${TOKEN.length} bytes; wrk -t1 -c${values.connections} -d${values.seconds}s; ` +
      `${ROUNDS} rounds of ${N} verifications\n`,
  );
  console.log('| Worker | requests/s |\n|---|---:|');
  console.log(`| auth (worker.mjs: verify, then the origin) | ${auth.toFixed(0)} |`);
  console.log(`| pass-through (the origin, unverified) | ${pass.toFixed(0)} |`);
  console.log(`| auth / pass-through | ${(auth / pass).toFixed(2)} |`);
  console.log('\n| where | µs per verifyAuthorization, elapsed | µs, CPU time |\n|---|---:|---:|');
  const row = (where, t) => console.log(`| ${where} | ${t.wall.toFixed(1)} | ${t.cpu.toFixed(1)} |`);
  row('workerd (wasm, V8)', workerd);
  row('node (wasm, V8)', nodeUs);
  row('native (x86_64, the same crate)', nativeUs);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
