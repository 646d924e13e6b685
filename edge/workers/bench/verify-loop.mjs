// Benchmark only: verifies the request's Authorization value `n` times (`/?n=N`) with the
// package, as the auth Worker does once, and answers 200 when every verification accepted.
// Timed from outside (workerd's clock does not advance while a request computes): the
// difference between n = N and n = 0 over N is the time of one verification.
import { createEdjwt } from 'edjwt-edge';

let edjwt;

export default {
  fetch(request, env) {
    if (edjwt === undefined) {
      edjwt = createEdjwt();
      edjwt.setKeys(env.EDJWT_KEYS);
      edjwt.setPolicy({ issuer: env.EDJWT_ISSUER, audience: env.EDJWT_AUDIENCE });
    }
    const n = Number(new URL(request.url).searchParams.get('n') ?? 1);
    const value = request.headers.get('authorization');
    let accepted = 0;
    for (let i = 0; i < n; i++) accepted += edjwt.verifyAuthorization(value).ok;
    return new Response(`${accepted}\n`, { status: accepted === n ? 200 : 401 });
  },
};
