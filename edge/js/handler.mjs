// An example edge handler: a `fetch(request)` that lets through only requests carrying a
// valid bearer token, and passes them on with the verified subject.
//
// Cloudflare Workers (module syntax), from the npm package (edge/npm; the `workerd` export
// condition gives the .wasm as a compiled module), keys and policy in the Worker's env:
//
//   import { createEdjwt, createHandler } from 'edjwt-edge';
//   let handler;
//   export default {
//     fetch(request, env) {
//       handler ??= createHandler({
//         edjwt: createEdjwt(),
//         keys: env.JWKS,                               // PEM, JWK or JWKS text
//         policy: { issuer: env.ISSUER, audience: env.AUDIENCE },
//         realm: 'api',
//       });
//       return handler(request);
//     },
//   };
//
// Tested in workerd (edge/workers) and node 20; other `fetch`-style hosts (Deno Deploy,
// Fastly's JS runtime, Vercel edge) take the same function but are not tested.

/** The header the verified subject is passed on in. */
export const SUBJECT_HEADER = 'x-verified-sub';

/**
 * A `fetch(request)` function. Options:
 * - `edjwt`: an `Edjwt` instance (one per isolate; keys and policy are set here).
 * - `keys`: key text or an array of texts (PEM, JWK, JWKS); a bad key throws here, at
 *   start-up, not per request.
 * - `policy`: `Edjwt#setPolicy` options.
 * - `upstream(request)`: where accepted requests go (default: the global `fetch`).
 * - `now()`: seconds since the epoch (default: the host's clock).
 * - `realm`: the `realm` of every challenge (RFC 6750 §3: `Bearer realm="api"`,
 *   `Bearer realm="api", error="invalid_token", ...`); none by default. Printable ASCII;
 *   `"` and `\` are escaped.
 *
 * A missing or rejected token gets `401` with the RFC 6750 `WWW-Authenticate` challenge and
 * the reason code as the body (never anything from the token); a configuration error
 * (e.g. no usable key) `500`. An accepted request goes upstream with `x-verified-sub` set to
 * the token's subject, percent-encoded (a client-sent `x-verified-sub` is always removed
 * first).
 */
export function createHandler({ edjwt, keys, policy = {}, upstream, now, realm }) {
  const challenge = challengeWithRealm(realm);
  edjwt.setKeys(keys);
  edjwt.setPolicy(policy);
  const send = upstream ?? ((request) => fetch(request));
  const clock = now ?? (() => Date.now() / 1000);

  return async function handle(request) {
    const result = edjwt.verifyAuthorization(request.headers.get('authorization'), clock());
    if (!result.ok) {
      if (result.status !== 401) {
        return new Response('server misconfigured\n', { status: 500 });
      }
      return new Response(`${result.code}\n`, {
        status: 401,
        headers: {
          'www-authenticate': challenge(result.challenge),
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
        },
      });
    }
    const headers = new Headers(request.headers);
    headers.delete(SUBJECT_HEADER);
    // Percent-encoded: a header value holds neither control characters nor non-Latin-1
    // text, and `alice%00admin` must not read as `alice`.
    if (result.sub !== null) headers.set(SUBJECT_HEADER, encodeURIComponent(result.sub));
    return send(new Request(request, { headers }));
  };
}

/**
 * The module's challenge with `realm="..."` as its first parameter. The realm is written as
 * a quoted-string (RFC 9110 §5.6.4: `"` and `\` escaped with a backslash); it must be
 * printable ASCII (a header value holds no control characters, and non-ASCII text has no
 * portable encoding there), else it is refused at start-up.
 */
function challengeWithRealm(realm) {
  if (realm === undefined || realm === null) return (challenge) => challenge;
  if (typeof realm !== 'string' || !/^[\x20-\x7e]*$/.test(realm)) {
    throw new TypeError('edjwt: realm must be printable ASCII');
  }
  const param = `realm="${realm.replace(/["\\]/g, '\\$&')}"`;
  // The module gives `Bearer` (missing-token) or `Bearer error="invalid_token", ...`.
  return (challenge) =>
    challenge === 'Bearer' ? `Bearer ${param}` : challenge.replace(/^Bearer /, `Bearer ${param}, `);
}
