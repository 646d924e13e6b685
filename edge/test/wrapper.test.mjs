// The JS wrapper's own behaviour: configuration errors, limits, defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { compile, json, tokenIn, variants } from './helpers.mjs';
import { Edjwt, EdjwtError } from '../js/edjwt.mjs';

const { path } = variants().find((v) => v.name === 'edjwt_edge.wasm');
const attacks = json('tests/vectors/jwt_attacks.json');
const RFC8037_JWK = '{"kty":"OKP","crv":"Ed25519","kid":"rfc8037","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}';
const NOW = 1700000100;

async function configured() {
  const edjwt = await Edjwt.load(compile(path));
  edjwt.setKeys(RFC8037_JWK);
  edjwt.setPolicy({ issuer: 'https://issuer.example', audience: 'api' });
  return edjwt;
}

test('a verified token gives its claims, subject and key', async () => {
  const edjwt = await configured();
  const r = edjwt.verify(tokenIn(attacks, 'ok_basic'), NOW);
  assert.equal(r.ok, true);
  assert.equal(r.sub, 'alice');
  assert.equal(r.claims.aud, 'api');
  assert.equal(r.keyIndex, 0);
  // `now` may be a BigInt, and defaults to the host clock (this token expired in 2023).
  assert.equal(edjwt.verify(tokenIn(attacks, 'ok_basic'), BigInt(NOW)).ok, true);
  assert.equal(edjwt.verify(tokenIn(attacks, 'ok_basic')).code, 'expired');
});

test('a rejected token gives the code, status and RFC 6750 challenge', async () => {
  const edjwt = await configured();
  const r = edjwt.verify(tokenIn(attacks, 'exp_expired'), NOW);
  assert.deepEqual(r, {
    ok: false,
    reason: 11,
    code: 'expired',
    status: 401,
    challenge: 'Bearer error="invalid_token", error_description="token expired"',
  });
  assert.deepEqual(edjwt.verifyAuthorization(undefined, NOW).challenge, 'Bearer');
});

test('key and policy errors throw with the reason code', async () => {
  const edjwt = await configured();
  assert.throws(
    () => edjwt.setKeys('-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n'),
    (e) => e instanceof EdjwtError && e.code === 'private-key' && e.reason === 103,
  );
  // setKeys is all or nothing.
  assert.equal(edjwt.keyCount, 0);
  assert.throws(() => edjwt.addKeys('nonsense'), { code: 'invalid-key' });
  assert.throws(() => edjwt.setPolicy({ maxTokenLen: 65537 }), { code: 'invalid-argument' });
  assert.throws(() => edjwt.setPolicy({ audience: new Array(17).fill('a') }), {
    code: 'invalid-argument',
  });
  assert.throws(() => edjwt.addKeys('x'.repeat(70000)), { code: 'invalid-argument', reason: 201 });
});

test('any audience is an explicit opt-in', async () => {
  const edjwt = await configured();
  const token = tokenIn(attacks, 'ok_basic');
  // `aud` present and no audience configured (RFC 7519 §4.1.3).
  edjwt.setPolicy({});
  const refused = edjwt.verify(token, NOW);
  assert.deepEqual([refused.ok, refused.code, refused.reason], [false, 'wrong-audience', 16]);
  edjwt.setPolicy({ anyAudience: true });
  assert.equal(edjwt.verify(token, NOW).ok, true);
  // A configured audience is still checked.
  edjwt.setPolicy({ anyAudience: true, audience: 'web' });
  assert.equal(edjwt.verify(token, NOW).code, 'wrong-audience');
});

test('a token longer than the input buffer is token-too-large, as natively', async () => {
  const edjwt = await configured();
  edjwt.setPolicy({ maxTokenLen: 65536, issuer: 'https://issuer.example' });
  assert.equal(edjwt.verify('a'.repeat(65537), NOW).code, 'token-too-large');
  assert.equal(edjwt.verify('a'.repeat(65536), NOW).code, 'malformed');
  assert.equal(edjwt.verify('é'.repeat(40000), NOW).code, 'token-too-large');
});

test('the claims of the last verify stay readable until the next one', async () => {
  const edjwt = await configured();
  const ok = edjwt.verify(tokenIn(attacks, 'ok_unknown_claims'), NOW);
  const bad = edjwt.verify(tokenIn(attacks, 'sig_bitflip_S'), NOW);
  assert.equal(bad.code, 'bad-signature');
  // `payload` was copied out when the result was made.
  assert.ok(ok.payload.includes('"sub":"alice"'));
});
