#!/usr/bin/env bash
# Builds the edge module and the raw-backend baseline for wasm32-unknown-unknown into
# edge/dist/, as built (*.raw.wasm) and as shipped (*.wasm: wasm-opt -Oz), and prints their
# sizes. Needs the wasm32-unknown-unknown target and binaryen's wasm-opt (edge/ci.sh
# installs both). Run from anywhere:
#
#   bash edge/build.sh
set -euo pipefail

EDGE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$EDGE/.." && pwd)"
DIST="$EDGE/dist"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$TARGET_DIR/wasm32-unknown-unknown/wasm"
mkdir -p "$DIST"
rm -f "$DIST"/*.wasm

# Rust's wasm32 target enables these proposals; wasm-opt 108 (Debian 12) must be told.
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

ship() { # $1 built .wasm, $2 name in dist/
  cp "$1" "$DIST/$2.raw.wasm"
  wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" --strip-debug --strip-producers \
    "$DIST/$2.raw.wasm" -o "$DIST/$2.wasm"
}

build_edge() { # $1 name, $2... cargo features args
  local name="$1"
  shift
  # `cargo rustc --crate-type cdylib`, not `cargo build`: the package is also an `rlib` (for
  # its tests), and cargo runs no LTO for a package with an `rlib` crate type, so `cargo
  # build` would link the crates optimized one by one (measured: 8.5-13.9 KB larger shipped,
  # and slower: the backend is not inlined into the verify path).
  (cd "$ROOT" && cargo rustc -q -p edjwt-edge --target wasm32-unknown-unknown --profile wasm \
    --crate-type cdylib "$@")
  ship "$OUT/edjwt_edge.wasm" "$name"
}

build_baseline() { # $1 name, $2... cargo features args
  local name="$1"
  shift
  # Its own workspace, with the root's dependency versions.
  cp "$ROOT/Cargo.lock" "$EDGE/baseline/Cargo.lock"
  (cd "$EDGE/baseline" && CARGO_TARGET_DIR="$TARGET_DIR" cargo build -q \
    --target wasm32-unknown-unknown --profile wasm "$@")
  ship "$OUT/edjwt_edge_baseline.wasm" "$name"
}

build_edge edjwt_edge
build_edge edjwt_edge_opt_size --features opt_size
build_edge edjwt_edge_dalek --features dalek
build_baseline baseline
build_baseline baseline_opt_size --features opt_size
build_baseline baseline_dalek --features dalek

size() { stat -c %s "$1"; }
printf '\n%-22s %12s %12s\n' "module" "raw bytes" "wasm-opt -Oz"
for wasm in "$DIST"/*.raw.wasm; do
  name="$(basename "$wasm" .raw.wasm)"
  printf '%-22s %12d %12d\n' "$name" "$(size "$wasm")" "$(size "$DIST/$name.wasm")"
done
