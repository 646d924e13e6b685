// The auth and origin Workers in workerd, started exactly as a user would:
// `bash edge/workers/serve.sh PORT` with the bindings in its environment. Keys come from
// `openssl genpkey -algorithm Ed25519`, tokens are signed by node `jose` (npm); every answer is
// checked for its status, its exact `WWW-Authenticate` value and body, and accepted ones for
// the origin's JSON. Every workerd started is stopped (its process group killed), also when
// a test fails.
//
//   npm install --prefix target/workers-test jose@6.2.19   # edge/workers/ci.sh does this
//   node --test edge/workers/test/workerd.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { serve } from './helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const JOSE_DIR = process.env.EDJWT_JOSE_DIR ?? join(ROOT, 'target/workers-test');
const { SignJWT } = await import(joseEntry());

function joseEntry() {
  try {
    return pathToFileURL(createRequire(join(JOSE_DIR, 'package.json')).resolve('jose')).href;
  } catch {
    throw new Error(`jose not found in ${JOSE_DIR}: npm install --prefix ${JOSE_DIR} jose@6.2.19`);
  }
}

const ISSUER = 'https://issuer.example';
const AUDIENCE = 'api';
const REALM = 'edjwt';

// ---- keys (openssl) and tokens (jose) ----

const keyDir = mkdtempSync(join(tmpdir(), 'edjwt-workerd-'));
after(() => rmSync(keyDir, { recursive: true, force: true }));

/** A fresh Ed25519 key pair from `openssl genpkey`: the private key (PEM, KeyObject), the public key (PEM, JWK). */
function opensslKey(name) {
  const file = join(keyDir, `${name}.pem`);
  execFileSync('openssl', ['genpkey', '-algorithm', 'Ed25519', '-out', file]);
  const pem = execFileSync('openssl', ['pkey', '-in', file, '-pubout'], { encoding: 'utf8' });
  const privatePem = readFileSync(file, 'utf8');
  const privateKey = createPrivateKey(privatePem);
  return { privateKey, privatePem, pem, jwk: createPublicKey(pem).export({ format: 'jwk' }) };
}

const key1 = opensslKey('key1');
const key2 = opensslKey('key2');
const stranger = opensslKey('stranger');
const JWKS = JSON.stringify({
  keys: [
    { ...key1.jwk, kid: 'k1', use: 'sig', alg: 'EdDSA' },
    { ...key2.jwk, kid: 'k2', use: 'sig', alg: 'EdDSA' },
  ],
});

const now = () => Math.floor(Date.now() / 1000);

/** A token signed with `key`; `claims` replace the defaults (undefined: left out). */
async function mint(key, { kid, ...claims } = {}) {
  const payload = { iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: now(), exp: now() + 600, ...claims };
  for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name];
  const header = { alg: 'EdDSA', typ: 'JWT' };
  if (kid !== undefined) header.kid = kid;
  return new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
}

/** Asserts a 401 with the reason code as body and exactly the challenge for `message`. */
async function assertRejected(res, code, message) {
  assert.equal(res.status, 401);
  assert.equal(
    res.headers.get('www-authenticate'),
    `Bearer realm="${REALM}", error="invalid_token", error_description="${message}"`,
  );
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(await res.text(), `${code}\n`);
}

async function assertAccepted(res, body) {
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.deepEqual(await res.json(), body);
}

const bearer = (token) => ({ authorization: `Bearer ${token}` });

// ---- issuer and audience configured, JWKS with two keys ----

describe('EDJWT_KEYS a JWKS, EDJWT_ISSUER, EDJWT_AUDIENCE, EDJWT_LEEWAY=30', () => {
  let server;
  before(async () => {
    server = await serve({
      EDJWT_KEYS: JWKS,
      EDJWT_ISSUER: ISSUER,
      EDJWT_AUDIENCE: AUDIENCE,
      EDJWT_LEEWAY: '30',
    });
  });
  after(() => server?.stop());

  test('accepted: the origin gets the verified subject and the path', async () => {
    const res = await server.get('/v1/things', bearer(await mint(key1, { kid: 'k1' })));
    await assertAccepted(res, { sub: 'alice', path: '/v1/things' });
  });

  test('a client-sent x-verified-sub never reaches the origin', async () => {
    const headers = { ...bearer(await mint(key1, { kid: 'k1' })), 'x-verified-sub': 'admin' };
    await assertAccepted(await server.get('/a', headers), { sub: 'alice', path: '/a' });
    const noSub = { ...bearer(await mint(key1, { sub: undefined })), 'x-verified-sub': 'admin' };
    await assertAccepted(await server.get('/b', noSub), { sub: null, path: '/b' });
  });

  test('the subject is passed on percent-encoded', async () => {
    const token = await mint(key1, { sub: 'ali ce/é\u0000' });
    await assertAccepted(await server.get('/', bearer(token)), {
      sub: 'ali%20ce%2F%C3%A9%00',
      path: '/',
    });
  });

  test('rotation: each kid selects its key, a token without kid tries both', async () => {
    await assertAccepted(await server.get('/k2', bearer(await mint(key2, { kid: 'k2' }))), {
      sub: 'alice',
      path: '/k2',
    });
    await assertAccepted(await server.get('/nokid', bearer(await mint(key2))), {
      sub: 'alice',
      path: '/nokid',
    });
    await assertRejected(
      await server.get('/', bearer(await mint(key2, { kid: 'k1' }))),
      'bad-signature',
      'signature does not match',
    );
    await assertRejected(
      await server.get('/', bearer(await mint(key1, { kid: 'k3' }))),
      'unknown-key',
      'unknown signing key',
    );
  });

  test('forged: signed by a key not in the set', async () => {
    await assertRejected(
      await server.get('/', bearer(await mint(stranger, { kid: 'k1' }))),
      'bad-signature',
      'signature does not match',
    );
  });

  test('expired beyond EDJWT_LEEWAY (30 s; the default 60 s would accept it)', async () => {
    const token = await mint(key1, { iat: now() - 600, exp: now() - 45 });
    await assertRejected(await server.get('/', bearer(token)), 'expired', 'token expired');
  });

  test('not yet valid', async () => {
    const token = await mint(key1, { nbf: now() + 600 });
    await assertRejected(await server.get('/', bearer(token)), 'not-yet-valid', 'token not yet valid');
  });

  test('wrong audience, wrong issuer', async () => {
    await assertRejected(
      await server.get('/', bearer(await mint(key1, { aud: 'other' }))),
      'wrong-audience',
      'wrong audience',
    );
    await assertRejected(
      await server.get('/', bearer(await mint(key1, { iss: 'https://evil.example' }))),
      'wrong-issuer',
      'wrong issuer',
    );
  });

  test('garbage is malformed', async () => {
    await assertRejected(await server.get('/', bearer('garbage')), 'malformed', 'malformed token');
    await assertRejected(await server.get('/', bearer('a.b.c')), 'malformed', 'malformed token');
  });

  test('missing token, or another scheme: Bearer with the realm only', async () => {
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }]) {
      const res = await server.get('/', headers);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), `Bearer realm="${REALM}"`);
      assert.equal(await res.text(), 'missing-token\n');
    }
  });

  test('a 16 KB Authorization header reaches the Worker and is token-too-large', async () => {
    // workerd passes it through; the module's default token limit is 8 KiB.
    const res = await server.get('/', bearer('a'.repeat(16 * 1024)));
    await assertRejected(res, 'token-too-large', 'token too large');
    // Past the module's 64 KiB input buffer too.
    const huge = await server.get('/', bearer('a'.repeat(200 * 1024)));
    await assertRejected(huge, 'token-too-large', 'token too large');
  });

  test('a 1 MB header is refused by workerd itself: 431, no challenge', async () => {
    const res = await server.get('/', bearer('a'.repeat(1024 * 1024)));
    assert.equal(res.status, 431);
    assert.equal(res.headers.get('www-authenticate'), null);
  });
});

// ---- no audience configured ----

describe('EDJWT_KEYS a PEM, no EDJWT_AUDIENCE', () => {
  let server;
  before(async () => {
    server = await serve({ EDJWT_KEYS: key1.pem, EDJWT_ISSUER: ISSUER });
  });
  after(() => server?.stop());

  test('a token without aud is accepted', async () => {
    await assertAccepted(await server.get('/x', bearer(await mint(key1, { aud: undefined }))), {
      sub: 'alice',
      path: '/x',
    });
  });

  test('a token carrying aud is wrong-audience', async () => {
    for (const aud of [AUDIENCE, ['a', 'b']]) {
      await assertRejected(
        await server.get('/', bearer(await mint(key1, { aud }))),
        'wrong-audience',
        'wrong audience',
      );
    }
  });
});

describe('EDJWT_KEYS two PEM blocks, one after the other', () => {
  let server;
  before(async () => {
    server = await serve({ EDJWT_KEYS: `${key1.pem}\n${key2.pem}`, EDJWT_AUDIENCE: AUDIENCE });
  });
  after(() => server?.stop());

  test('tokens of either key are accepted, others are bad-signature', async () => {
    for (const key of [key1, key2]) {
      await assertAccepted(await server.get('/r', bearer(await mint(key))), { sub: 'alice', path: '/r' });
    }
    await assertRejected(
      await server.get('/', bearer(await mint(stranger))),
      'bad-signature',
      'signature does not match',
    );
  });
});

describe('EDJWT_ANY_AUDIENCE=1, no EDJWT_AUDIENCE, no EDJWT_ISSUER, EDJWT_REALM', () => {
  let server;
  before(async () => {
    server = await serve({ EDJWT_KEYS: key1.pem, EDJWT_ANY_AUDIENCE: '1', EDJWT_REALM: 'api "v2"' });
  });

  test('the realm, its quotes escaped, in the challenge', async () => {
    const res = await server.get('/');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="api \\"v2\\""');
  });
  after(() => server?.stop());

  test('a token carrying any aud is accepted, with any issuer', async () => {
    const token = await mint(key1, { aud: 'whatever', iss: 'https://anyone.example' });
    await assertAccepted(await server.get('/y', bearer(token)), { sub: 'alice', path: '/y' });
  });
});

// ---- configuration errors: 500 for every request, nothing reaches the origin ----

for (const [name, bindings, logged] of [
  ['no EDJWT_KEYS', { EDJWT_AUDIENCE: AUDIENCE }, 'EDJWT_KEYS is not set'],
  ['EDJWT_KEYS a private key', { EDJWT_KEYS: key1.privatePem }, 'private-key'],
  ['EDJWT_KEYS not a key', { EDJWT_KEYS: 'not a key' }, 'invalid-key'],
  [
    'EDJWT_KEYS PEM blocks with text after them',
    { EDJWT_KEYS: `${key1.pem}\n${key2.pem}\ntrailing` },
    'invalid-key',
  ],
  [
    'EDJWT_LEEWAY not a number',
    { EDJWT_KEYS: key1.pem, EDJWT_LEEWAY: 'soon' },
    'EDJWT_LEEWAY must be a number of seconds',
  ],
  [
    'EDJWT_ANY_AUDIENCE neither 1/true nor 0/false',
    { EDJWT_KEYS: key1.pem, EDJWT_ANY_AUDIENCE: 'yes' },
    'EDJWT_ANY_AUDIENCE must be 1, true, 0 or false',
  ],
]) {
  test(`configuration error (${name}): 500, logged once`, async (t) => {
    const server = await serve(bindings);
    t.after(() => server.stop());
    for (const headers of [{}, bearer(await mint(key1, { aud: undefined }))]) {
      const res = await server.get('/', headers);
      assert.equal(res.status, 500);
      assert.equal(res.headers.get('www-authenticate'), null);
      assert.equal(await res.text(), 'server misconfigured\n');
    }
    const line = `edjwt: configuration refused: ${logged}\n`;
    for (let i = 0; i < 50 && !server.log().includes(line); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(server.log().split(line).length - 1, 1, server.log());
  });
}
