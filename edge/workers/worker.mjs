// The `auth` Worker: verifies the bearer token of every request with the edjwt-edge package
// and passes accepted requests to the `ORIGIN` service binding with `x-verified-sub` set.
//
// Bindings (text, from serve.sh's environment):
//   EDJWT_KEYS          PEM, JWK or JWKS text, or several PEM blocks one after the other
//                       (required)
//   EDJWT_ISSUER        required `iss` (unset or empty: not checked)
//   EDJWT_AUDIENCE      required `aud` (unset or empty: a token carrying `aud` is rejected,
//                       `wrong-audience`, unless EDJWT_ANY_AUDIENCE is set)
//   EDJWT_ANY_AUDIENCE  `1` or `true`: accept a token whose `aud` names any audience
//   EDJWT_LEEWAY        clock skew in seconds (default 60)
//   EDJWT_REALM         the challenges' realm (default `edjwt`)
// A binding that cannot be used (no or bad keys, a leeway that is not a number) answers every
// request 500 and is logged once.
import { createEdjwt, createHandler } from 'edjwt-edge';

// Per isolate: the module is compiled by workerd when the Worker loads, instantiated and
// configured here on the first request.
let handler;
let failure;

export default {
  fetch(request, env) {
    if (handler === undefined && failure === undefined) {
      try {
        handler = configure(env);
      } catch (e) {
        failure = e;
        console.error(`edjwt: configuration refused: ${e.code ?? e.message}`);
      }
    }
    if (failure !== undefined) {
      return new Response('server misconfigured\n', {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      });
    }
    return handler(request);
  },
};

function configure(env) {
  const keys = text(env.EDJWT_KEYS);
  if (keys === undefined) throw new Error('EDJWT_KEYS is not set');
  return createHandler({
    edjwt: createEdjwt(),
    keys: pemBlocks(keys) ?? keys,
    policy: {
      issuer: text(env.EDJWT_ISSUER),
      audience: text(env.EDJWT_AUDIENCE),
      anyAudience: flag(env.EDJWT_ANY_AUDIENCE, 'EDJWT_ANY_AUDIENCE'),
      leeway: seconds(env.EDJWT_LEEWAY, 'EDJWT_LEEWAY'),
    },
    realm: text(env.EDJWT_REALM) ?? 'edjwt',
    upstream: (request) => env.ORIGIN.fetch(request),
  });
}

const PEM_BLOCK = /-----BEGIN [^-]*-----[^-]*-----END [^-]*-----/g;

/**
 * The blocks of a text made only of two or more PEM blocks (and whitespace), for rotation
 * with PEM keys; otherwise `undefined` and the text goes to the module as one key text
 * (which refuses anything around a single block).
 */
function pemBlocks(text) {
  const blocks = text.match(PEM_BLOCK);
  return blocks !== null && blocks.length > 1 && text.replace(PEM_BLOCK, '').trim() === ''
    ? blocks
    : undefined;
}

/** A binding's text; unset (workerd gives `null` for an unset environment variable) or empty: `undefined`. */
function text(value) {
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

function flag(value, name) {
  const v = text(value)?.toLowerCase();
  if (v === undefined || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  throw new Error(`${name} must be 1, true, 0 or false`);
}

function seconds(value, name) {
  const v = text(value);
  if (v === undefined) return undefined;
  if (!/^[0-9]{1,10}$/.test(v)) throw new Error(`${name} must be a number of seconds`);
  return Number(v);
}
