#!/usr/bin/env bash
# CI for the npm package and the Workers (edge/npm, edge/workers): installs what it needs,
# packs the package (edge/npm/pack.sh: builds the module), installs the tarball into an empty
# project and type-checks a TypeScript consumer, then runs the auth and origin Workers in
# workerd through serve.sh on loopback ports and drives them with jose-signed tokens. Every
# workerd it starts is stopped. Runs alone or after edge/ci.sh (then the module is built
# already). Run from anywhere (.ci/run calls it):
#
#   bash edge/workers/ci.sh
#
# Measured on 2 cores at load average 14-25 (other builds running): 58-111 s after edge/ci.sh
# (the module built, npm cache warm: pack, npm installs, tsc twice; the workerd tests 4-6 s);
# 155 s alone from an empty target directory and an empty npm cache.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
start=$SECONDS
step() { printf '\n==> workers: %s (%ds)\n' "$*" "$((SECONDS - start))"; }

# Pinned test-only packages (the workerd pin is in serve.sh).
JOSE=jose@6.2.19

step "toolchain: wasm32 target, binaryen (wasm-opt), openssl, node"
rustup target add wasm32-unknown-unknown >/dev/null
missing=()
command -v wasm-opt >/dev/null || missing+=(binaryen)
command -v openssl >/dev/null || missing+=(openssl)
command -v flock >/dev/null || missing+=(util-linux)
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
node --version
npm --version

step "pack: edge/npm/pack.sh"
bash "$ROOT/edge/npm/pack.sh"

step "test dependencies: $JOSE"
npm install --prefix "$ROOT/target/workers-test" --no-package-lock --no-audit --no-fund \
  --loglevel=error "$JOSE"

# Whatever happens to the test runner, no workerd started from this tree outlives this script.
stop_workerds() {
  local pid
  for pid in $(pgrep -f "^$ROOT/target/workers/node_modules/.bin/workerd serve " || true); do
    kill "$pid" 2>/dev/null || true
  done
}
trap stop_workerds EXIT

step "tests: tarball install and tsc, Workers in workerd"
timeout 600 node --test "$ROOT/edge/npm/test/install.test.mjs" \
  "$ROOT/edge/workers/test/workerd.test.mjs"

step "done in $((SECONDS - start))s"
