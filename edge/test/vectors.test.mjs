// The module answers every vector exactly as the native crate does.
//
// `expected_native.json` is the native crate's outcome for each case (written and checked
// by edge/tests/native_codes.rs); tokens come from the vector files themselves:
// tests/vectors/rfc8037.json, tests/vectors/jwt_attacks.json,
// tests/fixtures/interop/tokens.json.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { EDGE, compile, json, tokenIn, variants } from './helpers.mjs';
import { Edjwt, EdjwtError } from '../js/edjwt.mjs';

// Each backend has its own file of expected outcomes (they hold the same verdicts: both backends use the cofactored equation).
const load = (file) => JSON.parse(readFileSync(join(EDGE, 'test', file), 'utf8'));
const EXPECTED = {
  compact: load('expected_native.json'),
  dalek: load('expected_native.dalek.json'),
};
const sources = {};
const source = (path) => (sources[path] ??= json(path));

function payloadOf(token) {
  return Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
}

for (const { name, path } of variants()) {
  describe(name, () => {
    const edjwt = Edjwt.fromModule(compile(path));
    const expected = name.includes('dalek') ? EXPECTED.dalek : EXPECTED.compact;

    for (const group of expected.groups) {
      test(`${group.name}: ${group.cases.length} cases, same outcome as native`, () => {
        const src = source(group.source);
        edjwt.setKeys(group.keys);
        edjwt.setPolicy(group.policy);
        for (const c of group.cases) {
          const id = c.token ?? c.name;
          let result;
          let token = null;
          if (!('authorization' in c)) {
            token = tokenIn(src, id);
            result = edjwt.verify(token, group.now);
          } else if (c.authorization === null) {
            result = edjwt.verifyAuthorization(null, group.now);
          } else {
            token = c.token ? tokenIn(src, id) : '';
            result = edjwt.verifyAuthorization(c.authorization.replace('{token}', token), group.now);
          }
          const what = `${group.name}/${c.name}`;
          assert.equal(result.reason, c.reason, what);
          assert.equal(result.ok ? 'ok' : result.code, c.code, what);
          assert.equal(expected.reasons[c.code] ?? 0, c.reason, what);
          if (result.ok) {
            assert.equal(result.status, 200);
            assert.equal(result.keyIndex, c.keyIndex, what);
            assert.equal(result.sub, c.sub ?? null, what);
            // The claims are the signed payload, byte for byte.
            assert.equal(result.payload, payloadOf(token), what);
          } else {
            assert.ok(result.status === 401 || result.status === 500, what);
            // Built at run time in the module: the core's exact string.
            assert.equal(result.challenge, expected.challenges[c.code], what);
          }
        }
      });
    }

    test(`key texts: ${expected.keys.length} loads, same outcome and count as native`, () => {
      for (const group of expected.keys) {
        edjwt.x.edjwt_keys_clear();
        group.texts.forEach((text, i) => {
          const want = group.results[i];
          let code = 'ok';
          try {
            edjwt.addKeys(text);
          } catch (e) {
            assert.ok(e instanceof EdjwtError, group.name);
            code = e.code;
            assert.equal(e.reason, want.reason, group.name);
            const x = edjwt.x;
            const challenge = edjwt.string(x.edjwt_challenge_ptr(), x.edjwt_challenge_len());
            assert.equal(challenge, expected.challenges[code] ?? '', group.name);
          }
          assert.equal(code, want.code, group.name);
        });
        assert.equal(edjwt.keyCount, group.count, group.name);
      }
    });
  });
}
