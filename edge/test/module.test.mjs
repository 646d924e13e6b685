// The module's shape: zero imports, exactly the documented exports, no memory growth.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { compile, variants } from './helpers.mjs';
import { Edjwt } from '../js/edjwt.mjs';

/** The ABI (edge/README.md): export name → number of parameters. */
const ABI = {
  edjwt_abi_version: 0,
  edjwt_input_ptr: 0,
  edjwt_input_cap: 0,
  edjwt_keys_clear: 0,
  edjwt_keys_load: 1,
  edjwt_keys_count: 0,
  edjwt_policy_reset: 0,
  edjwt_policy_add: 2,
  edjwt_policy_set: 2,
  edjwt_verify: 2,
  edjwt_verify_authorization: 2,
  edjwt_reason: 0,
  edjwt_reason_ptr: 0,
  edjwt_reason_len: 0,
  edjwt_status: 0,
  edjwt_challenge_ptr: 0,
  edjwt_challenge_len: 0,
  edjwt_claims_ptr: 0,
  edjwt_claims_len: 0,
  edjwt_sub_ptr: 0,
  edjwt_sub_len: 0,
  edjwt_key_index: 0,
};
/** Exported by the Rust toolchain, not part of the ABI. */
const LINKER = ['__data_end', '__heap_base'];

for (const { name, path } of variants()) {
  test(`${name}: imports nothing and instantiates with an empty import object`, () => {
    const module = compile(path);
    assert.deepEqual(WebAssembly.Module.imports(module), []);
    const instance = new WebAssembly.Instance(module, {});
    assert.equal(instance.exports.edjwt_abi_version(), 2);
  });

  test(`${name}: exports exactly the documented ABI`, () => {
    const module = compile(path);
    const exports = WebAssembly.Module.exports(module);
    const functions = exports.filter((e) => e.kind === 'function').map((e) => e.name).sort();
    assert.deepEqual(functions, Object.keys(ABI).sort());
    assert.deepEqual(
      exports.filter((e) => e.kind === 'memory').map((e) => e.name),
      ['memory'],
    );
    for (const e of exports.filter((e) => e.kind === 'global')) {
      assert.ok(LINKER.includes(e.name), e.name);
    }
    const instance = new WebAssembly.Instance(module, {});
    for (const [fn, arity] of Object.entries(ABI)) {
      assert.equal(instance.exports[fn].length, arity, fn);
    }
  });

  test(`${name}: memory never grows (no allocator)`, async () => {
    const edjwt = await Edjwt.load(compile(path));
    const before = edjwt.x.memory.buffer.byteLength;
    edjwt.setKeys('{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}');
    edjwt.setPolicy({ issuer: ['a', 'b'], audience: 'c', requireClaims: ['d'] });
    for (let i = 0; i < 50; i++) {
      edjwt.verify('x'.repeat(i * 1000));
      edjwt.verifyAuthorization(`Bearer ${'a.b.c'.repeat(i * 100)}`);
    }
    assert.equal(edjwt.x.memory.buffer.byteLength, before);
    assert.equal(edjwt.bytes.byteLength, before);
  });
}
