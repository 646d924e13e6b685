#!/usr/bin/env bash
# CI for the nginx module: builds it against Debian's nginx (nginx/build.sh installs nginx
# and nginx-dev when missing), runs the Python tests against the real nginx on 127.0.0.1,
# then the same requests once more with nginx under valgrind (master_process off).
# Installs what it needs itself (valgrind, openssl, python3-venv from Debian; PyJWT and
# cryptography from PyPI into a throwaway venv). Measured: 52-61 s on 2 cores with the Cargo
# build cached (module build 20 s, tests 5 s, valgrind run 10 s, venv and pip the rest);
# installing nginx and nginx-dev on a fresh machine adds about 40 s.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "nginx: tools"
need=()
command -v valgrind >/dev/null || need+=(valgrind)
command -v openssl >/dev/null || need+=(openssl)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ "${#need[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
venv="${EDJWT_NGINX_VENV:-/tmp/edjwt-nginx-venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    'pyjwt>=2,<3' 'cryptography>=42'

step "nginx: build the module"
bash nginx/build.sh
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
export EDJWT_NGINX_MODULE="$target/nginx/ngx_http_auth_edjwt_module.so"

step "nginx: tests (real nginx on 127.0.0.1, PyJWT tokens, openssl keys)"
timeout 300 "$venv/bin/python" -m unittest -v nginx/tests/test_module.py

step "nginx: the same requests under valgrind (master_process off)"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
EDJWT_NGINX_VALGRIND="$report" timeout 600 "$venv/bin/python" -m unittest nginx/tests/test_module.py \
    || { cat "$report"; exit 1; }
grep -E 'ERROR SUMMARY|definitely lost|indirectly lost' "$report"
