// Types for handler.mjs, the fetch handler.

import type { Edjwt, PolicyOptions, Seconds } from './edjwt.js';

/** The header the verified subject is passed on in (percent-encoded). */
export declare const SUBJECT_HEADER: 'x-verified-sub';

/** `createHandler` options. */
export interface HandlerOptions {
  /** An `Edjwt` instance (one per isolate); its keys and policy are set here. */
  edjwt: Edjwt;
  /** Key text or texts (PEM, JWK, JWKS); a bad key throws `EdjwtError` here. */
  keys: string | readonly string[];
  /** `Edjwt#setPolicy` options. */
  policy?: PolicyOptions;
  /** Where accepted requests go (default: the global `fetch`). */
  upstream?: (request: Request) => Response | Promise<Response>;
  /** Seconds since the epoch (default: the host's clock). */
  now?: () => Seconds;
  /**
   * The `realm` of every `WWW-Authenticate` challenge (RFC 6750 §3): printable ASCII, `"`
   * and `\` escaped; none by default. Anything else throws `TypeError` here.
   */
  realm?: string;
}

/** A `fetch(request)` function that lets through only requests with a valid bearer token. */
export declare function createHandler(options: HandlerOptions): (request: Request) => Promise<Response>;
