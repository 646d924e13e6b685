#!/usr/bin/env bash
# CI for edjwt-tower: every test with all features, including the HTTP tests that need
# real third-party signers (PyJWT in a venv, node `jose` from npm) and `openssl`; all
# servers are on 127.0.0.1 inside the test process. Installs what it needs itself.
# Measured on the 2-core machine: 47 s and 77 s with the crates already built by the workspace
# test step (the tests themselves about 17 s, the longest the JWKS timing test, 12 s).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "edjwt-tower: tools"
need=()
command -v openssl >/dev/null || need+=(openssl)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
python3 -m venv --help >/dev/null 2>&1 || need+=(python3-venv)
if [ "${#need[@]}" -gt 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${need[@]}"
fi
venv="${EDJWT_TOWER_VENV:-/tmp/edjwt-tower-venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    'pyjwt>=2,<3' 'cryptography>=42'
node_dir="${EDJWT_TOWER_NODE:-/tmp/edjwt-tower-node}"
mkdir -p "$node_dir"
(cd "$node_dir" && npm install --silent --no-audit --no-fund 'jose@5')
"$venv/bin/python" -c 'import jwt; print("PyJWT", jwt.__version__)'
NODE_PATH="$node_dir/node_modules" node -e 'console.log("jose", require("jose/package.json").version)'

step "edjwt-tower: package"
# edjwt is not on crates.io yet: packaged together, cargo resolves it locally.
cargo package -p edjwt -p edjwt-tower --allow-dirty --no-verify --quiet
cargo build -p edjwt-tower --no-default-features

step "edjwt-tower: tests (HTTP on loopback, PyJWT and jose tokens, openssl keys)"
EDJWT_TEST_PYTHON="$venv/bin/python" EDJWT_TEST_NODE_PATH="$node_dir/node_modules" \
    cargo test -p edjwt-tower --all-features -- --include-ignored
