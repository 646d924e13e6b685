#!/usr/bin/env bash
# CI for the server example: its unit and HTTP integration tests, including the PyJWT test
# that the plain `cargo test --workspace` leaves ignored. Installs what it needs itself
# (openssl from Debian, PyJWT + cryptography from PyPI into a throwaway venv).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "server: tools"
if ! command -v openssl >/dev/null; then
    apt-get update -qq && apt-get install -y -qq openssl
fi
venv="${EDJWT_SERVER_VENV:-/tmp/edjwt-server-venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || {
        apt-get update -qq && apt-get install -y -qq python3-venv
        python3 -m venv "$venv"
    }
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    'pyjwt>=2,<3' 'cryptography>=42'
"$venv/bin/python" -c 'import jwt, cryptography; print("PyJWT", jwt.__version__, "cryptography", cryptography.__version__)'

step "server: tests (HTTP on loopback, openssl keys and signatures, PyJWT tokens)"
EDJWT_TEST_PYTHON="$venv/bin/python" cargo test -p edjwt-server-example -- --include-ignored
