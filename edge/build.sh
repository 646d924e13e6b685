#!/usr/bin/env bash
# Builds the edge module and the raw-backend baseline for wasm32-unknown-unknown into
# edge/dist/, as built (*.raw.wasm) and as shipped (*.wasm: wasm-opt -Oz), and prints their
# sizes. Needs the wasm32-unknown-unknown target and binaryen's wasm-opt, and for the
# `*_nightly` rows the nightly toolchain with rust-src (edge/ci.sh installs all of them).
# Run from anywhere:
#
#   bash edge/build.sh
#
# EDJWT_SHIPPED_ONLY=1 builds only the shipped module, edjwt_edge.wasm (edge/npm/pack.sh),
# and leaves the other files in edge/dist/ as they are.
set -euo pipefail

EDGE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$EDGE/.." && pwd)"
DIST="$EDGE/dist"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$TARGET_DIR/wasm32-unknown-unknown/wasm"
mkdir -p "$DIST"
SHIPPED_ONLY="${EDJWT_SHIPPED_ONLY:-0}"
if [[ "$SHIPPED_ONLY" == 1 ]]; then
  rm -f "$DIST"/edjwt_edge.wasm "$DIST"/edjwt_edge.raw.wasm
else
  rm -f "$DIST"/*.wasm
fi

# Rust's wasm32 target enables these proposals; wasm-opt 108 (Debian 12) must be told.
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

ship() { # $1 built .wasm, $2 name in dist/
  cp "$1" "$DIST/$2.raw.wasm"
  wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" --strip-debug --strip-producers \
    "$DIST/$2.raw.wasm" -o "$DIST/$2.wasm"
}

# The nightly rows (`*_nightly`): the same crates built with nightly Rust, `core` rebuilt
# from source (`-Zbuild-std`) with `-Cpanic=immediate-abort` (every panic is a trap: no
# panic entry points, locations or messages), the baselines built the same way so that
# sizes compare like for like. Built when the nightly toolchain with `rust-src` is
# installed (edge/ci.sh installs it); EDJWT_NIGHTLY=0 skips them, EDJWT_NIGHTLY=1 requires
# them. In their own target directory: `core` built from source must not replace the
# stable build's.
NIGHTLY="${EDJWT_NIGHTLY:-auto}"
NIGHTLY_TARGET_DIR="$TARGET_DIR/nightly"
NIGHTLY_OUT="$NIGHTLY_TARGET_DIR/wasm32-unknown-unknown/wasm"
NIGHTLY_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
NIGHTLY_STD=(-Zbuild-std=core,panic_abort)
nightly_ready() {
  local sysroot
  sysroot="$(rustup run nightly rustc --print sysroot 2>/dev/null)" &&
    [[ -d "$sysroot/lib/rustlib/src/rust/library/core" ]] &&
    [[ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown" ]]
}
if [[ "$SHIPPED_ONLY" == 1 ]]; then
  NIGHTLY=0
elif [[ "$NIGHTLY" == auto ]]; then
  if nightly_ready; then NIGHTLY=1; else NIGHTLY=0; fi
  [[ "$NIGHTLY" == 1 ]] || echo "edge/build.sh: no nightly toolchain with rust-src and wasm32: nightly rows skipped" >&2
elif [[ "$NIGHTLY" == 1 ]] && ! nightly_ready; then
  echo "edge/build.sh: EDJWT_NIGHTLY=1 needs the nightly toolchain with rust-src and wasm32-unknown-unknown" >&2
  exit 1
fi

build_edge() { # $1 name, $2 stable|nightly, $3... cargo features args
  local name="$1" toolchain="$2"
  shift 2
  # `cargo rustc --crate-type cdylib`, not `cargo build`: the package is also an `rlib` (for
  # its tests), and cargo runs no LTO for a package with an `rlib` crate type, so `cargo
  # build` would link the crates optimized one by one (measured: 8.5-13.9 KB larger shipped,
  # and slower: the backend is not inlined into the verify path).
  if [[ "$toolchain" == nightly ]]; then
    (cd "$ROOT" && RUSTFLAGS="$NIGHTLY_RUSTFLAGS" cargo +nightly rustc -q -p edjwt-edge \
      --target wasm32-unknown-unknown --profile wasm "${NIGHTLY_STD[@]}" \
      --target-dir "$NIGHTLY_TARGET_DIR" --crate-type cdylib "$@")
    ship "$NIGHTLY_OUT/edjwt_edge.wasm" "$name"
  else
    (cd "$ROOT" && cargo rustc -q -p edjwt-edge --target wasm32-unknown-unknown --profile wasm \
      --crate-type cdylib "$@")
    ship "$OUT/edjwt_edge.wasm" "$name"
  fi
}

build_baseline() { # $1 name, $2 stable|nightly, $3... cargo features args
  local name="$1" toolchain="$2"
  shift 2
  # Its own workspace, with the root's dependency versions.
  cp "$ROOT/Cargo.lock" "$EDGE/baseline/Cargo.lock"
  if [[ "$toolchain" == nightly ]]; then
    (cd "$EDGE/baseline" && RUSTFLAGS="$NIGHTLY_RUSTFLAGS" cargo +nightly build -q \
      --target wasm32-unknown-unknown --profile wasm "${NIGHTLY_STD[@]}" \
      --target-dir "$NIGHTLY_TARGET_DIR" "$@")
    ship "$NIGHTLY_OUT/edjwt_edge_baseline.wasm" "$name"
  else
    (cd "$EDGE/baseline" && CARGO_TARGET_DIR="$TARGET_DIR" cargo build -q \
      --target wasm32-unknown-unknown --profile wasm "$@")
    ship "$OUT/edjwt_edge_baseline.wasm" "$name"
  fi
}

build_edge edjwt_edge stable
if [[ "$SHIPPED_ONLY" == 1 ]]; then
  printf 'edjwt_edge.wasm: %d bytes built, %d shipped\n' "$(stat -c %s "$DIST/edjwt_edge.raw.wasm")" \
    "$(stat -c %s "$DIST/edjwt_edge.wasm")"
  exit 0
fi
build_edge edjwt_edge_opt_size stable --features opt_size
build_edge edjwt_edge_dalek stable --features dalek
build_baseline baseline stable
build_baseline baseline_opt_size stable --features opt_size
build_baseline baseline_dalek stable --features dalek
if [[ "$NIGHTLY" == 1 ]]; then
  build_edge edjwt_edge_nightly nightly
  build_edge edjwt_edge_opt_size_nightly nightly --features opt_size
  build_baseline baseline_nightly nightly
  build_baseline baseline_opt_size_nightly nightly --features opt_size
fi

size() { stat -c %s "$1"; }
printf '\n%-28s %12s %12s\n' "module" "raw bytes" "wasm-opt -Oz"
for wasm in "$DIST"/*.raw.wasm; do
  name="$(basename "$wasm" .raw.wasm)"
  printf '%-28s %12d %12d\n' "$name" "$(size "$wasm")" "$(size "$DIST/$name.wasm")"
done
[[ "$NIGHTLY" == 1 ]] && echo "(*_nightly: nightly Rust, -Zbuild-std=core,panic_abort, -Cpanic=immediate-abort)"
true
