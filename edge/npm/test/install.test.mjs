// The packed tarball as a user gets it: installed with `npm install <tgz>` into an empty
// temporary project (no workspace links), imported from node through the package name, its
// export conditions resolved, and a TypeScript consumer type-checked with `tsc --noEmit`
// (strict, the package's .d.ts checked too: no skipLibCheck).
//
//   bash edge/npm/pack.sh && node --test edge/npm/test/install.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const { version } = JSON.parse(readFileSync(join(ROOT, 'edge/npm/package.json'), 'utf8'));
const TGZ = join(ROOT, `target/npm/edjwt-edge-${version}.tgz`);
const TYPESCRIPT = 'typescript@5.9.3';

const interop = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/interop/tokens.json'), 'utf8'));
const JWKS = readFileSync(join(ROOT, 'tests/fixtures/interop/jwks.json'), 'utf8');
const token = (id) => interop.cases.find((c) => c.id === id).token;

let project;
const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { cwd: project, encoding: 'utf8', ...options });
const node = (args, env = {}) => run(process.execPath, args, { env: { ...process.env, ...env } });

before(() => {
  assert.ok(lstatSync(TGZ).isFile(), `${TGZ} missing: run bash edge/npm/pack.sh`);
  project = mkdtempSync(join(tmpdir(), 'edjwt-consumer-'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', TGZ, TYPESCRIPT]);
});
after(() => project && rmSync(project, { recursive: true, force: true }));

test('installed as files, not linked', () => {
  const dir = join(project, 'node_modules/edjwt-edge');
  assert.equal(lstatSync(dir).isSymbolicLink(), false);
  const installed = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  assert.equal(installed.name, 'edjwt-edge');
  assert.equal(installed.version, version);
  assert.equal(installed.type, 'module');
  // The licence texts travel with the package, as `license: "MIT OR Apache-2.0"` requires.
  for (const licence of ['LICENSE-MIT', 'LICENSE-APACHE']) {
    assert.equal(
      readFileSync(join(dir, licence), 'utf8'),
      readFileSync(join(ROOT, licence), 'utf8'),
    );
  }
});

test('export conditions: node gets node.mjs, workerd and worker get workerd.mjs', () => {
  const resolve = (conditions) =>
    node([
      ...conditions.map((c) => `--conditions=${c}`),
      '--input-type=module',
      '-e',
      "console.log(import.meta.resolve('edjwt-edge'))",
    ]).trim();
  assert.match(resolve([]), /\/node_modules\/edjwt-edge\/node\.mjs$/);
  assert.match(resolve(['workerd']), /\/node_modules\/edjwt-edge\/workerd\.mjs$/);
  assert.match(resolve(['worker']), /\/node_modules\/edjwt-edge\/workerd\.mjs$/);
});

test('node: import by name, verify, handler', () => {
  writeFileSync(
    join(project, 'check.mjs'),
    `
import { createEdjwt, createHandler, Edjwt, EdjwtError, SUBJECT_HEADER, wasmModule } from 'edjwt-edge';
import { Edjwt as WrapperEdjwt } from 'edjwt-edge/wrapper';
import { createHandler as handlerOnly } from 'edjwt-edge/handler';
import * as entry from 'edjwt-edge';

const { JWKS, TOKEN, NOW } = process.env;
const out = {
  exports: Object.keys(entry).sort(),
  module: wasmModule instanceof WebAssembly.Module,
  imports: WebAssembly.Module.imports(wasmModule).length,
  sameClass: Edjwt === WrapperEdjwt,
  sameHandler: createHandler === handlerOnly,
};
const edjwt = createEdjwt();
edjwt.setKeys(JWKS);
edjwt.setPolicy({ issuer: 'https://issuer.example', audience: 'api' });
out.keyCount = edjwt.keyCount;
const ok = edjwt.verify(TOKEN, Number(NOW));
out.ok = { ok: ok.ok, sub: ok.sub, keyIndex: ok.keyIndex, prefix: ok.claims.prefix };
const late = edjwt.verify(TOKEN, Number(NOW) + 86400);
out.late = { ok: late.ok, code: late.code, status: late.status, challenge: late.challenge };
try {
  createEdjwt().setKeys('not a key');
} catch (e) {
  out.badKey = { isEdjwtError: e instanceof EdjwtError, code: e.code };
}
const seen = [];
const handler = createHandler({
  edjwt: createEdjwt(),
  keys: JWKS,
  policy: { issuer: 'https://issuer.example', audience: 'api' },
  now: () => Number(NOW),
  realm: 'api',
  upstream: (request) => {
    seen.push(request.headers.get(SUBJECT_HEADER));
    return new Response('hi');
  },
});
const accepted = await handler(new Request('https://x.example/', { headers: { authorization: 'Bearer ' + TOKEN } }));
const missing = await handler(new Request('https://x.example/'));
out.handler = {
  accepted: [accepted.status, await accepted.text(), seen],
  missing: [missing.status, missing.headers.get('www-authenticate')],
};
console.log(JSON.stringify(out));
`,
  );
  const out = JSON.parse(
    node(['check.mjs'], { JWKS, TOKEN: token('pyjwt_basic'), NOW: String(interop.now) }),
  );
  assert.deepEqual(out, {
    // Each of these is declared in index.d.ts and used by the TypeScript consumer below.
    exports: [
      'Edjwt',
      'EdjwtError',
      'NO_HEADER',
      'NUMBER_FIELD',
      'SUBJECT_HEADER',
      'TEXT_FIELD',
      'createEdjwt',
      'createHandler',
      'wasmModule',
    ],
    module: true,
    imports: 0,
    sameClass: true,
    sameHandler: true,
    keyCount: 2,
    ok: { ok: true, sub: 'alice', keyIndex: 0, prefix: 'projects/alpha/' },
    late: {
      ok: false,
      code: 'expired',
      status: 401,
      challenge: 'Bearer error="invalid_token", error_description="token expired"',
    },
    badKey: { isEdjwtError: true, code: 'invalid-key' },
    handler: {
      accepted: [200, 'hi', ['alice']],
      missing: [401, 'Bearer realm="api"'],
    },
  });
});

const CONSUMER_TS = `
import {
  createEdjwt,
  createHandler,
  Edjwt as EntryEdjwt,
  EdjwtError,
  NO_HEADER,
  NUMBER_FIELD,
  SUBJECT_HEADER as ENTRY_SUBJECT_HEADER,
  TEXT_FIELD,
  wasmModule,
  type VerifyResult,
} from 'edjwt-edge';
import { Edjwt } from 'edjwt-edge/wrapper';
import { SUBJECT_HEADER } from 'edjwt-edge/handler';
import wasm from 'edjwt-edge/edjwt_edge.wasm';

const module: WebAssembly.Module = wasmModule;
const same: WebAssembly.Module = wasm;
const edjwt: Edjwt = createEdjwt();
const loaded: Promise<EntryEdjwt> = EntryEdjwt.load(wasmModule);
const fields: [1, 6, 0xffffffff, 'x-verified-sub'] = [
  TEXT_FIELD.issuer,
  NUMBER_FIELD.anyAudience,
  NO_HEADER,
  ENTRY_SUBJECT_HEADER,
];
edjwt.setKeys('-----BEGIN PUBLIC KEY-----', ['{"keys":[]}']);
edjwt.setPolicy({ issuer: 'i', audience: ['a', 'b'], leeway: 30, allowMissingExp: true, anyAudience: false });
// @ts-expect-error leeway is a number of seconds
edjwt.setPolicy({ leeway: 'soon' });
// @ts-expect-error no such option
edjwt.setPolicy({ audiences: 'a' });

const r: VerifyResult = edjwt.verifyAuthorization(null, 1700000000n);
if (r.ok) {
  const sub: string | null = r.sub;
  const index: number = r.keyIndex;
  const claims: Record<string, unknown> = r.claims;
  // @ts-expect-error an accepted result has no code
  r.code;
} else {
  const code: string = r.code;
  const reason: number = r.reason;
  if (r.status === 401) {
    const challenge: string = r.challenge;
  } else {
    const status: 500 = r.status;
    const none: null = r.challenge;
  }
  // @ts-expect-error a rejected result has no claims
  r.claims;
}
try {
  edjwt.addKeys('x');
} catch (e) {
  if (e instanceof EdjwtError) {
    const code: string = e.code;
    const reason: number = e.reason;
  }
}

const handle: (request: Request) => Promise<Response> = createHandler({
  edjwt,
  keys: ['k'],
  policy: { issuer: 'i' },
  upstream: async (request: Request) => new Response(request.headers.get(SUBJECT_HEADER)),
  now: () => 0,
  realm: 'api',
});
// @ts-expect-error keys are required
createHandler({ edjwt });

export { module, same, handle, loaded, fields };
`;

for (const [name, compilerOptions] of [
  ['node16 resolution', { module: 'node16', moduleResolution: 'node16' }],
  [
    'bundler resolution, workerd condition',
    { module: 'esnext', moduleResolution: 'bundler', customConditions: ['workerd'] },
  ],
]) {
  test(`TypeScript consumer type-checks (tsc --noEmit, ${name})`, () => {
    writeFileSync(join(project, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          ...compilerOptions,
          target: 'es2022',
          lib: ['es2022', 'dom'],
          strict: true,
          noEmit: true,
          noUnusedLocals: false,
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(project, 'node_modules/typescript/bin/tsc');
    try {
      node([tsc, '--noEmit', '-p', 'tsconfig.json']);
    } catch (e) {
      assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
    }
  });
}

test('tsc rejects a consumer that misuses the types (the check can fail)', () => {
  writeFileSync(
    join(project, 'bad.ts'),
    "import { createEdjwt } from 'edjwt-edge';\nconst n: number = createEdjwt().verify('t').code;\n",
  );
  writeFileSync(
    join(project, 'tsconfig.bad.json'),
    JSON.stringify({
      compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, types: [] },
      files: ['bad.ts'],
    }),
  );
  const tsc = join(project, 'node_modules/typescript/bin/tsc');
  assert.throws(
    () => node([tsc, '--noEmit', '-p', 'tsconfig.bad.json']),
    (e) => /bad\.ts\(2,\d+\): error TS2339: Property 'code' does not exist/.test(e.stdout),
  );
});
