// The example edge handler: 401 with the RFC 6750 challenge, or the request passed on with
// the verified subject.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO, compile, json, tokenIn, variants } from './helpers.mjs';
import { Edjwt, EdjwtError } from '../js/edjwt.mjs';
import { createHandler, SUBJECT_HEADER } from '../js/handler.mjs';

const { path } = variants().find((v) => v.name === 'edjwt_edge.wasm');
const interop = json('tests/fixtures/interop/tokens.json');
const JWKS = readFileSync(join(REPO, 'tests/fixtures/interop/jwks.json'), 'utf8');
const token = (id) => tokenIn(interop, id);

function setup() {
  const seen = [];
  const handler = createHandler({
    edjwt: Edjwt.fromModule(compile(path)),
    keys: JWKS,
    policy: { issuer: 'https://issuer.example', audience: 'api' },
    now: () => interop.now,
    upstream: async (request) => {
      seen.push(request);
      return new Response('upstream says hi', { status: 200 });
    },
  });
  const call = (authorization, extra = {}) => {
    const headers = { ...extra };
    if (authorization !== undefined) headers.authorization = authorization;
    return handler(new Request('https://api.example/v1/things', { headers }));
  };
  return { call, seen };
}

test('no Authorization header: 401 with a bare Bearer challenge', async () => {
  const { call, seen } = setup();
  const res = await call(undefined);
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  assert.equal(await res.text(), 'missing-token\n');
  assert.equal(seen.length, 0);
});

test('another scheme is a missing token too', async () => {
  const { call } = setup();
  const res = await call('Basic dXNlcjpwYXNz');
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer');
});

test('a valid token passes on with the verified subject', async () => {
  const { call, seen } = setup();
  const res = await call(`Bearer ${token('pyjwt_basic')}`, { [SUBJECT_HEADER]: 'admin' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'upstream says hi');
  assert.equal(seen.length, 1);
  assert.equal(seen[0].headers.get(SUBJECT_HEADER), 'alice');
  assert.equal(seen[0].url, 'https://api.example/v1/things');
});

test('a spoofed subject header never reaches upstream', async () => {
  const { call, seen } = setup();
  const res = await call(`Bearer ${token('pyjwt_unicode')}`, { [SUBJECT_HEADER]: 'admin' });
  assert.equal(res.status, 200);
  assert.equal(decodeURIComponent(seen[0].headers.get(SUBJECT_HEADER)), 'zoë 😀');
});

for (const [id, code, description] of [
  ['pyjwt_expired', 'expired', 'token expired'],
  ['jose_wrong_key', 'bad-signature', 'signature does not match'],
  ['pyjwt_unknown_kid', 'unknown-key', 'unknown signing key'],
  ['jose_wrong_aud', 'wrong-audience', 'wrong audience'],
  ['pyjwt_no_exp', 'missing-claim', 'required claim missing'],
]) {
  test(`${id}: 401 ${code} with the RFC 6750 challenge`, async () => {
    const { call, seen } = setup();
    const res = await call(`Bearer ${token(id)}`);
    assert.equal(res.status, 401);
    assert.equal(
      res.headers.get('www-authenticate'),
      `Bearer error="invalid_token", error_description="${description}"`,
    );
    assert.equal(await res.text(), `${code}\n`);
    assert.equal(seen.length, 0);
  });
}

test('a bearer value that is not one token is malformed', async () => {
  const { call } = setup();
  const res = await call(`Bearer ${token('pyjwt_basic')} extra`);
  assert.equal(res.status, 401);
  assert.equal(await res.text(), 'malformed\n');
});

test('a bad key fails at start-up, not per request', () => {
  assert.throws(
    () =>
      createHandler({
        edjwt: Edjwt.fromModule(compile(path)),
        keys: readFileSync(join(REPO, 'tests/fixtures/interop/key1.private.pem'), 'utf8'),
      }),
    (e) => e instanceof EdjwtError && e.code === 'private-key',
  );
});

test('upstream answers pass through unchanged', async () => {
  const handler = createHandler({
    edjwt: Edjwt.fromModule(compile(path)),
    keys: JWKS,
    policy: { issuer: 'https://issuer.example', audience: 'api' },
    now: () => interop.now,
    upstream: async () => new Response(null, { status: 204 }),
  });
  const res = await handler(
    new Request('https://api.example/', { headers: { authorization: `Bearer ${token('jose_basic')}` } }),
  );
  assert.equal(res.status, 204);
});

test('a realm is the first parameter of every challenge', async () => {
  const handler = createHandler({
    edjwt: Edjwt.fromModule(compile(path)),
    keys: JWKS,
    policy: { issuer: 'https://issuer.example', audience: 'api' },
    now: () => interop.now + 365 * 86400,
    realm: 'api.example',
    upstream: async () => assert.fail('a rejected request went upstream'),
  });
  const call = (authorization) =>
    handler(new Request('https://api.example/', authorization ? { headers: { authorization } } : {}));
  const missing = await call(undefined);
  assert.equal(missing.status, 401);
  assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="api.example"');
  const expired = await call(`Bearer ${token('pyjwt_basic')}`);
  assert.equal(expired.status, 401);
  assert.equal(await expired.text(), 'expired\n');
  assert.equal(
    expired.headers.get('www-authenticate'),
    'Bearer realm="api.example", error="invalid_token", error_description="token expired"',
  );
});

test('a realm is a quoted-string: quotes and backslashes escaped, anything not printable ASCII refused', async () => {
  const handler = createHandler({
    edjwt: Edjwt.fromModule(compile(path)),
    keys: JWKS,
    realm: 'a "b" \\c',
  });
  const res = await handler(new Request('https://api.example/'));
  assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="a \\"b\\" \\\\c"');
  for (const realm of ['a\nb', 'a\u007fb', 'caf\u00e9', 42]) {
    assert.throws(
      () => createHandler({ edjwt: Edjwt.fromModule(compile(path)), keys: JWKS, realm }),
      TypeError,
      String(realm),
    );
  }
});
