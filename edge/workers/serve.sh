#!/usr/bin/env bash
# Serves the auth Worker (worker.mjs, with the edjwt-edge package) and the origin Worker
# (origin.mjs, reached through the auth Worker's ORIGIN service binding) in workerd on
# 127.0.0.1:PORT, in the foreground until killed:
#
#   EDJWT_KEYS="$(cat public.pem)" EDJWT_ISSUER=https://issuer.example EDJWT_AUDIENCE=api \
#     bash edge/workers/serve.sh 8787
#
# Bindings, passed from this script's environment: EDJWT_KEYS (PEM, JWK or JWKS text),
# EDJWT_ISSUER, EDJWT_AUDIENCE, EDJWT_ANY_AUDIENCE, EDJWT_LEEWAY, EDJWT_REALM (worker.mjs says
# what each means). Builds the package (edge/npm/pack.sh) when the tarball is missing or
# older than its sources, installs it and a pinned workerd from npm into target/workers/ when
# missing or changed, writes target/workers/PORT/config.capnp, then runs
# `workerd serve` in place of this script (its pid is workerd's). EDJWT_WORKER_SCRIPT names
# another module to serve as the auth Worker (bench/ uses it for its pass-through and
# verify-loop Workers).
set -euo pipefail

# workerd whose Linux binary (shipped in @cloudflare/workerd-linux-64) runs on Debian 12's
# glibc 2.36.
WORKERD_VERSION=1.20261123.1
# The newest compatibility date this workerd accepts is its own release date.
COMPATIBILITY_DATE=2026-11-23

PORT="${1:-}"
if ! [[ "$PORT" =~ ^[1-9][0-9]{0,4}$ ]] || ((PORT > 65535)); then
  echo "usage: bash edge/workers/serve.sh PORT" >&2
  exit 2
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EDGE="$(cd "$HERE/.." && pwd)"
ROOT="$(cd "$EDGE/.." && pwd)"
WORK="$ROOT/target/workers"
mkdir -p "$WORK"

version="$(node -p "require('$EDGE/npm/package.json').version")"
tgz="$ROOT/target/npm/edjwt-edge-$version.tgz"
pkg="$WORK/node_modules/edjwt-edge"

# Several servers may start at once: one of them builds and installs, the others wait.
exec 9>"$WORK/.lock"
flock 9
newer="$(find "$EDGE/js" "$EDGE/npm" "$EDGE/dist/edjwt_edge.wasm" -newer "$tgz" -print -quit 2>/dev/null || true)"
if [[ ! -f "$tgz" || ! -f "$EDGE/dist/edjwt_edge.wasm" || -n "$newer" ]]; then
  bash "$EDGE/npm/pack.sh" >&2
fi
sum="$(sha256sum "$tgz" | cut -d' ' -f1)"
if [[ ! -x "$WORK/node_modules/.bin/workerd" || "$(cat "$pkg/.tgz-sha256" 2>/dev/null)" != "$sum" ]]; then
  cat >"$WORK/package.json" <<JSON
{
  "private": true,
  "type": "module",
  "dependencies": {
    "edjwt-edge": "file:../npm/edjwt-edge-$version.tgz",
    "workerd": "$WORKERD_VERSION"
  }
}
JSON
  rm -rf "$pkg"
  (cd "$WORK" && npm install --no-package-lock --no-audit --no-fund --loglevel=error >&2)
  echo "$sum" >"$pkg/.tgz-sha256"
fi
flock -u 9
exec 9>&-

# The package's module for workerd, as its `exports` map names it for the `workerd`
# condition, under the package's name so that `import ... from 'edjwt-edge'` finds it; the
# files it imports by relative names sit beside it.
entry="$(node -p "require('$pkg/package.json').exports['.'].workerd")"
DIR="$WORK/$PORT"
mkdir -p "$DIR"
cp "${EDJWT_WORKER_SCRIPT:-$HERE/worker.mjs}" "$DIR/worker.mjs"
cp "$HERE/origin.mjs" "$DIR/"
cp "$pkg/$entry" "$DIR/edjwt-edge.mjs"
cp "$pkg/edjwt.mjs" "$pkg/handler.mjs" "$pkg/edjwt_edge.wasm" "$DIR/"

binding() { printf '    (name = "%s", fromEnvironment = "%s"),\n' "$1" "$1"; }
cat >"$DIR/config.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "auth", worker = .auth),
    (name = "origin", worker = .origin),
  ],
  sockets = [(name = "http", address = "127.0.0.1:$PORT", http = (), service = "auth")],
);

const auth :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "edjwt-edge", esModule = embed "edjwt-edge.mjs"),
    (name = "edjwt.mjs", esModule = embed "edjwt.mjs"),
    (name = "handler.mjs", esModule = embed "handler.mjs"),
    # A wasm module is compiled once, when the Worker loads; the script imports it compiled.
    (name = "edjwt_edge.wasm", wasm = embed "edjwt_edge.wasm"),
  ],
  bindings = [
$(for b in EDJWT_KEYS EDJWT_ISSUER EDJWT_AUDIENCE EDJWT_ANY_AUDIENCE EDJWT_LEEWAY EDJWT_REALM; do binding "$b"; done)
    (name = "ORIGIN", service = "origin"),
  ],
  compatibilityDate = "$COMPATIBILITY_DATE",
);

const origin :Workerd.Worker = (
  modules = [(name = "origin.mjs", esModule = embed "origin.mjs")],
  compatibilityDate = "$COMPATIBILITY_DATE",
);
CAPNP

exec "$WORK/node_modules/.bin/workerd" serve "$DIR/config.capnp"
