#!/usr/bin/env bash
# CI for the edge module (edge/): installs what it needs, builds the modules, checks them,
# runs the node tests, the host tests of the ABI, the core's test suites on wasm32-wasip1
# under node's WASI, prints sizes and a short speed comparison. Fails on any failure.
# Run from anywhere (.ci/run calls it):
#
#   bash edge/ci.sh
#
# About a minute on 2 cores from an empty target directory, crates downloaded and toolchains
# installed (measured: 62 s).
set -euo pipefail

EDGE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$EDGE/.." && pwd)"
cd "$ROOT"
start=$SECONDS
step() { printf '\n==> edge: %s (%ds)\n' "$*" "$((SECONDS - start))"; }

step "toolchain: wasm32 targets, nightly with rust-src (the *_nightly rows), binaryen (wasm-opt), node"
rustup target add wasm32-unknown-unknown wasm32-wasip1 >/dev/null
# Installed once (not updated on every run): the nightly rows are informational.
rustup run nightly rustc --version >/dev/null 2>&1 ||
  rustup toolchain install nightly --profile minimal >/dev/null
rustup component add rust-src --toolchain nightly >/dev/null
rustup target add wasm32-unknown-unknown --toolchain nightly >/dev/null
if ! command -v wasm-opt >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq binaryen >/dev/null
fi
wasm-opt --version
node --version

step "host: fmt, clippy, ABI and native-outcome tests"
cargo fmt -p edjwt-edge --check
cargo clippy -q -p edjwt-edge --all-targets --no-deps -- -D warnings
cargo clippy -q -p edjwt-edge --target wasm32-unknown-unknown --no-deps -- -D warnings
cargo test -q -p edjwt-edge
cargo test -q -p edjwt-edge --features dalek --test abi --test native_codes

step "build the modules (wasm32-unknown-unknown, profile wasm, wasm-opt -Oz; stable and nightly)"
EDJWT_NIGHTLY=1 bash "$EDGE/build.sh"

step "node tests: zero imports, ABI, every vector against the native outcome, handler"
node --test "$EDGE"/test/*.test.mjs

step "core test suites on wasm32-wasip1 under node:wasi"
bash "$EDGE/wasi/run.sh"

step "speed in V8: edge module vs raw backend module (informational, noisy machine)"
node "$EDGE/bench/bench.mjs" --rounds 7 --n 100

step "done in $((SECONDS - start))s"
