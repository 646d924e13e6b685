// Benchmark only: the auth Worker's place taken by one that passes every request to the
// origin unverified (the same work minus the verification).
export default {
  fetch(request, env) {
    return env.ORIGIN.fetch(request);
  },
};
