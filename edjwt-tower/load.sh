#!/usr/bin/env bash
# Load figures for edjwt-tower's README (by hand, not in CI): GET /hello on 127.0.0.1 with
# the layer off, on with the verified-token cache (the default 256 tokens, and 2,048), and
# on without it; one repeated token, then 1,000 distinct tokens (a Lua script cycles
# through them). Requests/s and p99 latency, with their ratios to "off".
#
#   bash edjwt-tower/load.sh [DURATION]   # default 10s per run; CONNS=64 THREADS=2
#
# Uses Debian's wrk (installed with apt-get when missing) and the release build of
# examples/hello.rs. Keys and tokens from openssl. Traffic goes to 127.0.0.1 only, each
# run stops after DURATION, and the server is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10s}"
conns="${CONNS:-64}"
threads="${THREADS:-2}"

if ! command -v wrk >/dev/null; then
    apt-get update -qq && apt-get install -y -qq wrk
fi
cargo build -q --release -p edjwt-tower --example hello
bin="${CARGO_TARGET_DIR:-target}/release/examples/hello"

tmp="$(mktemp -d)"
pid=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

openssl genpkey -algorithm Ed25519 -out "$tmp/private.pem"
openssl pkey -in "$tmp/private.pem" -pubout -out "$tmp/public.pem"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now="$(date +%s)"
header="$(printf '%s' '{"alg":"EdDSA","typ":"JWT"}' | b64url)"
mint() {
    local claims
    claims="$(printf '{"iss":"https://issuer.example","sub":"user-%d","aud":"api","iat":%d,"exp":%d}' \
        "$1" "$now" "$((now + 3600))" | b64url)"
    printf '%s.%s' "$header" "$claims" > "$tmp/input"
    printf '%s.%s.%s\n' "$header" "$claims" \
        "$(openssl pkeyutl -sign -rawin -inkey "$tmp/private.pem" -in "$tmp/input" | b64url)"
}
mint 0 > "$tmp/one.txt"
for i in $(seq 1 1000); do mint "$i"; done > "$tmp/many.txt"
cat > "$tmp/tokens.lua" <<'LUA'
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
local i = math.random(#tokens)
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. tokens[i] })
end
LUA

start() {
    "$bin" "$tmp/public.pem" "$1" > "$tmp/stdout" 2> "$tmp/stderr" &
    pid=$!
    for _ in $(seq 100); do
        grep -q '^listening on ' "$tmp/stdout" 2>/dev/null && break
        sleep 0.05
    done
    url="$(sed -n 's/^listening on //p' "$tmp/stdout")/hello"
    [ -n "$url" ] || { cat "$tmp/stderr"; exit 1; }
}
stop() {
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    grep '^accepted' "$tmp/stderr" | sed 's/^/  layer counters: /' || true
}
# p99 from wrk's --latency table, in milliseconds.
p99_ms() {
    sed -n 's/^ *99% *//p' "$tmp/wrk" | awk '{
        v = $1; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; printf "%.2f", v }'
}
run() {
    local mode="$1" tokens="$2" rps p99 status
    TOKENS="$tmp/$tokens.txt" wrk -t"$threads" -c"$conns" -d"$duration" --latency \
        -s "$tmp/tokens.lua" "$url" | tee "$tmp/wrk"
    if grep -q 'Non-2xx' "$tmp/wrk"; then status="NON-2xx ANSWERS"; else status="all 200"; fi
    rps="$(sed -n 's/^Requests\/sec: *//p' "$tmp/wrk")"
    p99="$(p99_ms)"
    echo "$mode $tokens $rps $p99 $status" >> "$tmp/results"
}

printf 'wrk -t%s -c%s -d%s --latency -s tokens.lua http://127.0.0.1:PORT/hello\n' \
    "$threads" "$conns" "$duration"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for mode in off cache cache2048 nocache; do
    for tokens in one many; do
        printf '\n--- layer %s, %s token(s)\n' "$mode" "$tokens"
        start "$mode"
        run "$mode" "$tokens"
        stop
    done
done
printf '\nload average before: %s, after: %s\n\n' "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-5s %12s %8s %10s %8s  %s\n' layer tokens 'req/s' ratio 'p99 ms' ratio answers
awk '
    $1 == "off" { rps[$2] = $3; p99[$2] = $4 }
    { printf "%-8s %-5s %12s %8.3f %10s %8.2f  %s %s\n", $1, ($2 == "one" ? "1" : "1000"),
        $3, $3 / rps[$2], $4, $4 / p99[$2], $5, $6 }
' "$tmp/results"
