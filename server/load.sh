#!/usr/bin/env bash
# Bounded load run on loopback: requests per second on GET /api/whoami with edjwt auth on
# (a valid token, then a forged one) and with --no-auth. Not part of CI's pass/fail.
#
#   bash server/load.sh [DURATION]        # default 10s per run; CONNS=16 THREADS=1
#   BACKEND=compact bash server/load.sh   # on ed25519-compact instead of the default dalek
#
# Uses Debian's wrk (installed with apt-get when missing) and the release build. Traffic
# goes to 127.0.0.1 only, and each run stops after DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10s}"
conns="${CONNS:-16}"
threads="${THREADS:-1}"

if ! command -v wrk >/dev/null; then
    apt-get update -qq && apt-get install -y -qq wrk
fi
backend="${BACKEND:-dalek}"
backend_args=()
[ "$backend" = compact ] && backend_args=(--no-default-features)
cargo build -q --release -p edjwt-server-example "${backend_args[@]}"
bin="${CARGO_TARGET_DIR:-target}/release/edjwt-server-example"

tmp="$(mktemp -d)"
pid=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# Keys from openssl, the token signed by openssl (pure Ed25519 over the signing input).
openssl genpkey -algorithm Ed25519 -out "$tmp/private.pem"
openssl pkey -in "$tmp/private.pem" -pubout -out "$tmp/public.pem"
openssl genpkey -algorithm Ed25519 -out "$tmp/other.pem"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now="$(date +%s)"
header="$(printf '%s' '{"alg":"EdDSA","typ":"JWT"}' | b64url)"
claims="$(printf '{"iss":"https://issuer.example","sub":"alice","aud":"api","iat":%d,"exp":%d,"prefix":"projects/alpha/"}' \
    "$now" "$((now + 3600))" | b64url)"
printf '%s.%s' "$header" "$claims" > "$tmp/input"
sign() { openssl pkeyutl -sign -rawin -inkey "$1" -in "$tmp/input" | b64url; }
token="$header.$claims.$(sign "$tmp/private.pem")"
forged="$header.$claims.$(sign "$tmp/other.pem")"

start() {
    "$bin" --listen 127.0.0.1:0 "$@" > "$tmp/stdout" 2> "$tmp/stderr" &
    pid=$!
    for _ in $(seq 100); do
        grep -q '^listening on ' "$tmp/stdout" 2>/dev/null && break
        sleep 0.05
    done
    url="$(sed -n 's/^listening on //p' "$tmp/stdout")/api/whoami"
    [ -n "$url" ] || { cat "$tmp/stderr"; exit 1; }
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
# Server CPU time (user + system, in clock ticks): less sensitive than requests/s to other
# work on the machine.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
run() {
    local label="$1" shown="$2" value="$3" before after requests rps cpu_us
    printf '\n--- %s: wrk -t%s -c%s -d%s --latency -H "Authorization: Bearer %s" %s\n' \
        "$label" "$threads" "$conns" "$duration" "$shown" "$url"
    before="$(cpu_ticks)"
    wrk -t"$threads" -c"$conns" -d"$duration" --latency -H "Authorization: Bearer $value" "$url" \
        | tee "$tmp/wrk"
    after="$(cpu_ticks)"
    requests="$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$tmp/wrk")"
    rps="$(sed -n 's/^Requests\/sec: *//p' "$tmp/wrk")"
    cpu_us="$(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
        'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
    printf '%-30s %10s req/s  %6s us server CPU per request\n' "$label:" "$rps" "$cpu_us" \
        >> "$tmp/summary"
}

# Other work on the machine skews the figures: the 1/5/15-minute load average says how much.
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
start --auth-publickey "$tmp/public.pem" --iss https://issuer.example --aud api
run "auth on, valid token (200)" '<valid>' "$token"
run "auth on, forged token (401)" '<forged>' "$forged"
stop
start --no-auth
run "auth off (--no-auth)" '<valid>' "$token"
stop

printf '\n=== requests/s on GET /api/whoami (%s cores; backend: %s; load average before the runs: %s)\n' \
    "$(nproc)" "$backend" "$load_before"
cat "$tmp/summary"
