// Types for edjwt.mjs, the JS wrapper over the edge module.

/** Text fields of `edjwt_policy_add`. */
export declare const TEXT_FIELD: Readonly<{
  issuer: 1;
  audience: 2;
  subject: 3;
  typ: 4;
  requireClaims: 5;
}>;

/** Number fields of `edjwt_policy_set`. */
export declare const NUMBER_FIELD: Readonly<{
  leeway: 1;
  maxAge: 2;
  requireExp: 3;
  maxTokenLen: 4;
  maxHeaderLen: 5;
  anyAudience: 6;
}>;

/** `len` for `edjwt_verify_authorization` when the request has no such header. */
export declare const NO_HEADER: 0xffffffff;

/** Seconds since the epoch: a number (fractions are cut) or a BigInt. */
export type Seconds = number | bigint;

/** `Edjwt#setPolicy` options; every one is optional. */
export interface PolicyOptions {
  /** Required `iss`: the token's must equal this one (or one of these). */
  issuer?: string | readonly string[] | null;
  /** Required `aud`: the token's must contain this one (or one of these). */
  audience?: string | readonly string[] | null;
  /**
   * Accept a token whose `aud` names any audience. Without it (and without `audience`) a
   * token that carries `aud` is rejected with `wrong-audience`.
   */
  anyAudience?: boolean;
  /** Required `sub`. */
  subject?: string | readonly string[] | null;
  /** Required header `typ`. */
  typ?: string | readonly string[] | null;
  /** Claims that must be present. */
  requireClaims?: string | readonly string[] | null;
  /** Clock skew allowed for `exp`, `nbf`, `iat`, in seconds (default 60). */
  leeway?: number | bigint | null;
  /** Maximum age from `iat`, in seconds (makes `iat` required). */
  maxAge?: number | bigint | null;
  /** Accept tokens without `exp` (default false: `exp` is required). */
  allowMissingExp?: boolean;
  /** Longest token accepted, in bytes (default 8192, at most 65536). */
  maxTokenLen?: number | bigint | null;
  /** Longest header segment accepted, in bytes (default 1024). */
  maxHeaderLen?: number | bigint | null;
}

/** A verification that succeeded. */
export interface Accepted {
  ok: true;
  reason: 0;
  status: 200;
  /** The verified claims JSON, exactly as signed. */
  payload: string;
  /** `JSON.parse(payload)`. */
  readonly claims: Record<string, unknown>;
  /** The verified `sub`, unescaped, or `null` when the token has none. */
  sub: string | null;
  /** Index (load order) of the key that verified the signature. */
  keyIndex: number;
}

interface RejectedBase {
  ok: false;
  /** The stable reason number (the core's, shared with the C ABI). */
  reason: number;
  /** The kebab-case reason code, e.g. `expired`. */
  code: string;
}

/** A token that was missing or rejected. */
export interface TokenRejected extends RejectedBase {
  status: 401;
  /** The RFC 6750 `WWW-Authenticate` value. */
  challenge: string;
}

/** A failure of the server's own (keys, policy, the host's call): no challenge. */
export interface ConfigurationRejected extends RejectedBase {
  status: 500;
  challenge: null;
}

/** A verification that failed. */
export type Rejected = TokenRejected | ConfigurationRejected;

export type VerifyResult = Accepted | Rejected;

/** A key or policy the module refused (a configuration error: fix it, don't retry). */
export declare class EdjwtError extends Error {
  constructor(code: string, reason: number);
  name: 'EdjwtError';
  /** The kebab-case reason code, e.g. `invalid-key`. */
  code: string;
  /** The stable reason number. */
  reason: number;
}

/** One instance of the edge module: one key set and one policy. */
export declare class Edjwt {
  /** Instantiates the module from a `WebAssembly.Module` or from its bytes. */
  static load(source: WebAssembly.Module | BufferSource): Promise<Edjwt>;
  /** Instantiates a compiled module synchronously. */
  static fromModule(module: WebAssembly.Module): Edjwt;
  constructor(instance: WebAssembly.Instance);
  /** Replaces the keys with those in `texts` (each a PEM, a JWK or a JWKS); throws `EdjwtError`. */
  setKeys(...texts: Array<string | readonly string[]>): void;
  /** Adds the key(s) in `text`; throws `EdjwtError` (`invalid-key`, `private-key`, ...). */
  addKeys(text: string): void;
  /** Number of keys held. */
  readonly keyCount: number;
  /** Replaces the policy; throws `EdjwtError` (`invalid-argument`, ...). */
  setPolicy(options?: PolicyOptions): void;
  /** Verifies a compact token at `now` (default: the host's clock). */
  verify(token: string, now?: Seconds): VerifyResult;
  /**
   * Verifies an `Authorization` header value (`null`/`undefined`: the request has none) at
   * `now` (default: the host's clock).
   */
  verifyAuthorization(value: string | null | undefined, now?: Seconds): VerifyResult;
}
