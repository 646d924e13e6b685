#!/usr/bin/env bash
# Builds the shipped edge module (edge/build.sh with EDJWT_SHIPPED_ONLY=1) and packs the npm
# package `edjwt-edge` into target/npm/edjwt-edge-<version>.tgz. The package's JS sources are
# edge/js/*.mjs, copied into a staging directory next to the files of edge/npm/ and the module
# (edge/dist/edjwt_edge.wasm, ed25519-compact, wasm-opt -Oz). Needs what edge/build.sh needs
# (the wasm32-unknown-unknown target, binaryen's wasm-opt) and npm. Run from anywhere:
#
#   bash edge/npm/pack.sh
set -euo pipefail

NPM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EDGE="$(cd "$NPM_DIR/.." && pwd)"
ROOT="$(cd "$EDGE/.." && pwd)"
OUT="$ROOT/target/npm"
STAGE="$OUT/stage"

EDJWT_SHIPPED_ONLY=1 bash "$EDGE/build.sh"

# One version for the crate and the package.
version="$(node -p "require('$NPM_DIR/package.json').version")"
crate_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$EDGE/Cargo.toml" | head -n 1)"
if [[ "$version" != "$crate_version" ]]; then
  echo "pack.sh: edge/npm/package.json version $version != edge/Cargo.toml version $crate_version" >&2
  exit 1
fi

rm -rf "$STAGE"
mkdir -p "$STAGE"
cp "$NPM_DIR"/package.json "$NPM_DIR"/README.md "$NPM_DIR"/*.d.ts "$NPM_DIR"/node.mjs \
  "$NPM_DIR"/workerd.mjs "$EDGE"/js/edjwt.mjs "$EDGE"/js/handler.mjs \
  "$EDGE"/dist/edjwt_edge.wasm "$ROOT"/LICENSE-MIT "$ROOT"/LICENSE-APACHE "$STAGE"/
rm -f "$OUT"/edjwt-edge-*.tgz
tgz="$(cd "$STAGE" && npm pack --silent --pack-destination "$OUT")"
echo "$OUT/$tgz: $(stat -c %s "$OUT/$tgz") bytes"
tar -tzvf "$OUT/$tgz"
