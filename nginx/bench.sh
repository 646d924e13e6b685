#!/usr/bin/env bash
# Load benchmark (by hand, not CI): requests/s of one nginx worker serving a small static
# file on 127.0.0.1 with auth_edjwt off, on without cache and on with the verified-token
# cache, for one repeated token and for 1,000 distinct valid tokens (nginx/bench/rotate.lua).
# Usage: bash nginx/bench.sh [seconds per run, default 5] [wrk connections, default 16]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-5}"
conns="${2:-16}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
venv="${EDJWT_NGINX_VENV:-/tmp/edjwt-nginx-venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'pyjwt>=2,<3' 'cryptography>=42'
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
module="$target/nginx/ngx_http_auth_edjwt_module.so"
[ -f "$module" ] || bash nginx/build.sh

dir="$(mktemp -d)"
chmod 755 "$dir"
mkdir -p "$dir/logs" "$dir/html/off" "$dir/html/nocache" "$dir/html/cache"
for d in off nocache cache; do echo ok > "$dir/html/$d/index.html"; done
openssl genpkey -algorithm Ed25519 -out "$dir/private.pem"
openssl pkey -in "$dir/private.pem" -pubout -out "$dir/public.pem"
"$venv/bin/python" - "$dir" <<'PY'
import sys, time, jwt
d = sys.argv[1]
key = open(f"{d}/private.pem").read()
now = int(time.time())
def tok(i):
    return jwt.encode({"iss": "https://issuer.example", "aud": "api", "sub": f"user{i}",
                       "iat": now, "exp": now + 3600, "prefix": f"/tenants/{i}"},
                      key, algorithm="EdDSA", headers={"kid": "k1"})
open(f"{d}/one.txt", "w").write(tok(0) + "\n")
open(f"{d}/mix.txt", "w").write("".join(tok(i) + "\n" for i in range(1000)))
PY
port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$dir/nginx.conf" <<CONF
daemon on;
master_process on;
worker_processes 1;
error_log $dir/logs/error.log warn;
pid $dir/logs/nginx.pid;
load_module $module;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$port;
        root $dir/html;
        auth_edjwt_key_file $dir/public.pem;
        auth_edjwt_issuer https://issuer.example;
        auth_edjwt_audience api;
        location /off/ { auth_edjwt off; }
        location /nocache/ { auth_edjwt "api"; }
        location /cache/ { auth_edjwt "api"; auth_edjwt_cache 4096; }
    }
}
CONF
nginx -p "$dir" -c "$dir/nginx.conf"
trap 'kill -QUIT "$(cat "$dir/logs/nginx.pid")"; sleep 0.5; rm -rf "$dir"' EXIT
sleep 0.3

worker=$(pgrep -P "$(cat "$dir/logs/nginx.pid")" | head -1)
hz=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$worker/stat"; }

# Requests/s, and the worker's CPU time per request (user + system, from /proc): the
# second is what the machine's other load disturbs least.
run() { # path tokens-file -> "requests/s cpu-us-per-request"
    local before after out
    before=$(cpu)
    out=$(EDJWT_TOKENS="$2" wrk -t1 -c"$conns" -d"${secs}s" -s nginx/bench/rotate.lua \
        "http://127.0.0.1:$port$1")
    after=$(cpu)
    awk -v b="$before" -v a="$after" -v hz="$hz" '
        / requests in / { n = $1 }
        /Requests\/sec/ { r = $2 }
        END { printf "%s %.1f\n", r, (a - b) / hz * 1e6 / n }' <<<"$out"
}
check() { # every case must answer 200 (a benchmark of 401s would be meaningless)
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(head -1 "$2")" \
        "http://127.0.0.1:$port$1")
    [ "$code" = 200 ] || { echo "$1 answered $code" >&2; exit 1; }
}
for p in /off/ /nocache/ /cache/; do check "$p" "$dir/one.txt"; check "$p" "$dir/mix.txt"; done

read -r off_rps off_cpu <<<"$(run /off/ "$dir/one.txt")"
printf '%-30s %10s %7s %12s %7s\n' case requests/s ratio "CPU us/req" ratio
printf '%-30s %10s %7s %12s %7s\n' "auth_edjwt off" "$off_rps" 1.000 "$off_cpu" 1.000
for c in "on, cache off, one token:/nocache/:one" "on, cache on, one token:/cache/:one" \
         "on, cache off, 1,000 tokens:/nocache/:mix" "on, cache on, 1,000 tokens:/cache/:mix"; do
    IFS=: read -r name path file <<<"$c"
    read -r r c <<<"$(run "$path" "$dir/$file.txt")"
    printf '%-30s %10s %7s %12s %7s\n' "$name" "$r" \
        "$(awk -v a="$r" -v b="$off_rps" 'BEGIN { printf "%.3f", a / b }')" "$c" \
        "$(awk -v a="$c" -v b="$off_cpu" 'BEGIN { printf "%.2f", a / b }')"
done
if grep -q 'auth_edjwt' "$dir/logs/error.log"; then
    echo "auth_edjwt errors logged:" >&2
    cat "$dir/logs/error.log" >&2
    exit 1
fi
