// A small JS wrapper over the edjwt edge module (edge/README.md has the ABI it uses).
//
// The module imports nothing: instantiate it with an empty import object. One instance
// holds one key set and one policy; calls are synchronous and must not interleave (they
// cannot in a JS isolate). Time comes from the caller (`now`, seconds since the epoch),
// defaulting to the host's clock; the module never reads one.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Text fields of `edjwt_policy_add`. */
export const TEXT_FIELD = Object.freeze({
  issuer: 1,
  audience: 2,
  subject: 3,
  typ: 4,
  requireClaims: 5,
});

/** Number fields of `edjwt_policy_set`. */
export const NUMBER_FIELD = Object.freeze({
  leeway: 1,
  maxAge: 2,
  requireExp: 3,
  maxTokenLen: 4,
  maxHeaderLen: 5,
  anyAudience: 6,
});

/** `len` for `edjwt_verify_authorization` when the request has no such header. */
export const NO_HEADER = 0xffffffff;

/** A key or policy the module refused (a configuration error: fix it, don't retry). */
export class EdjwtError extends Error {
  constructor(code, reason) {
    super(`edjwt: ${code}`);
    this.name = 'EdjwtError';
    this.code = code;
    this.reason = reason;
  }
}

/** The module's exports, typed for the wrapper. */
export class Edjwt {
  /**
   * Instantiates the module from a `WebAssembly.Module` (Workers: `import wasm from
   * './edjwt_edge.wasm'`), or from its bytes (`BufferSource`).
   */
  static async load(source) {
    const module =
      source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
    const instance = await WebAssembly.instantiate(module, {});
    return new Edjwt(instance);
  }

  /** Synchronous variant of `load` for a compiled module. */
  static fromModule(module) {
    return new Edjwt(new WebAssembly.Instance(module, {}));
  }

  constructor(instance) {
    this.x = instance.exports;
    if (this.x.edjwt_abi_version() !== 2) {
      throw new Error(`edjwt: unsupported ABI version ${this.x.edjwt_abi_version()}`);
    }
    this.cap = this.x.edjwt_input_cap();
    // The module has no allocator: its memory never grows, so these views stay valid.
    this.bytes = new Uint8Array(this.x.memory.buffer);
    this.input = this.bytes.subarray(this.x.edjwt_input_ptr(), this.x.edjwt_input_ptr() + this.cap);
  }

  /** Writes `text` into the input buffer; its length in bytes, or cap + 1 if it does not fit. */
  write(text) {
    const { read, written } = encoder.encodeInto(String(text), this.input);
    return read < String(text).length ? this.cap + 1 : written;
  }

  string(ptr, len) {
    return decoder.decode(this.bytes.subarray(ptr, ptr + len));
  }

  check(reason) {
    if (reason !== 0) throw new EdjwtError(this.reasonCode(), reason);
  }

  reasonCode() {
    return this.string(this.x.edjwt_reason_ptr(), this.x.edjwt_reason_len());
  }

  /** Replaces the keys with those in `texts` (each a PEM, a JWK or a JWKS). */
  setKeys(...texts) {
    this.x.edjwt_keys_clear();
    try {
      for (const text of texts.flat()) this.addKeys(text);
    } catch (e) {
      this.x.edjwt_keys_clear();
      throw e;
    }
  }

  /** Adds the key(s) in `text`; throws `EdjwtError` (`invalid-key`, `private-key`, ...). */
  addKeys(text) {
    this.check(this.x.edjwt_keys_load(this.write(text)));
  }

  /** Number of keys held. */
  get keyCount() {
    return this.x.edjwt_keys_count();
  }

  /**
   * Replaces the policy. Options (all optional): `issuer`, `audience` (a string or an array:
   * any of them), `subject`, `typ`, `requireClaims` (array), `leeway` (s, default 60),
   * `maxAge` (s), `allowMissingExp` (default false), `anyAudience` (default false),
   * `maxTokenLen` (default 8192, at most 65536), `maxHeaderLen` (default 1024).
   *
   * Audience rule (RFC 7519 §4.1.3): a token that carries `aud` is rejected
   * (`wrong-audience`) unless `audience` names a value it contains. With no `audience`,
   * `anyAudience: true` accepts a token whose `aud` names any audience; a token without
   * `aud` is accepted either way.
   */
  setPolicy(options = {}) {
    this.x.edjwt_policy_reset();
    for (const [name, field] of Object.entries(TEXT_FIELD)) {
      const value = options[name];
      if (value === undefined || value === null) continue;
      for (const v of Array.isArray(value) ? value : [value]) {
        this.check(this.x.edjwt_policy_add(field, this.write(v)));
      }
    }
    for (const name of ['leeway', 'maxAge', 'maxTokenLen', 'maxHeaderLen']) {
      if (options[name] !== undefined && options[name] !== null) {
        this.check(this.x.edjwt_policy_set(NUMBER_FIELD[name], BigInt(options[name])));
      }
    }
    if (options.allowMissingExp) {
      this.check(this.x.edjwt_policy_set(NUMBER_FIELD.requireExp, 0n));
    }
    if (options.anyAudience) {
      this.check(this.x.edjwt_policy_set(NUMBER_FIELD.anyAudience, 1n));
    }
  }

  /** Verifies a compact token. See `result` for what it returns. */
  verify(token, now = Date.now() / 1000) {
    return this.result(this.x.edjwt_verify(this.write(token), seconds(now)));
  }

  /**
   * Verifies the value of an `Authorization` header (`null`/`undefined`: the request has
   * none), as `request.headers.get('authorization')` gives it.
   */
  verifyAuthorization(value, now = Date.now() / 1000) {
    const len = value === null || value === undefined ? NO_HEADER : this.write(value);
    return this.result(this.x.edjwt_verify_authorization(len, seconds(now)));
  }

  /**
   * `{ ok: true, reason: 0, status: 200, payload, claims, sub, keyIndex }` or
   * `{ ok: false, reason, code, status, challenge }`: `reason` is the stable number, `code`
   * the kebab-case reason, `status` 401 (the token) or 500 (the configuration), `challenge`
   * the RFC 6750 `WWW-Authenticate` value for a 401 (`null` for a 500, which carries none);
   * `reason` numbers are the core's stable ones, shared with the C ABI (`EDJWT_ERR_*`);
   * `payload` the verified claims JSON as signed,
   * `claims` that JSON parsed, `sub` the unescaped subject or `null`.
   */
  result(reason) {
    const x = this.x;
    if (reason !== 0) {
      return {
        ok: false,
        reason,
        code: this.reasonCode(),
        status: x.edjwt_status(),
        challenge:
          x.edjwt_challenge_len() === 0
            ? null
            : this.string(x.edjwt_challenge_ptr(), x.edjwt_challenge_len()),
      };
    }
    const payload = this.string(x.edjwt_claims_ptr(), x.edjwt_claims_len());
    const subLen = x.edjwt_sub_len();
    return {
      ok: true,
      reason: 0,
      status: 200,
      payload,
      get claims() {
        return JSON.parse(payload);
      },
      sub: subLen < 0 ? null : this.string(x.edjwt_sub_ptr(), subLen),
      keyIndex: x.edjwt_key_index(),
    };
  }
}

/** Whole seconds as the BigInt an `i64` parameter takes (negative: 0). */
function seconds(now) {
  if (typeof now === 'bigint') return now < 0n ? 0n : now;
  const n = Math.floor(Number(now));
  return BigInt(Number.isFinite(n) && n > 0 ? n : 0);
}
