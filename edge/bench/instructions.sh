#!/usr/bin/env bash
# Machine instructions per verification in V8 (TurboFan only, one thread), counted by
# valgrind's callgrind: repeatable on a busy machine where bench.mjs's times are not. Each
# module runs 20 and 220 verifications; the difference over 200 is the cost of one (V8's
# compilation happens in both runs and cancels out). V8's `--predictable` and fixed seeds
# make repeated runs agree to a few dozen instructions per verification (without them they
# drifted by up to 2%). Needs edge/dist/ and valgrind.
#
#   bash edge/bench/instructions.sh
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIST="$BENCH/../dist"

count() { # kind module n -> instructions
  valgrind --tool=callgrind --smc-check=all --callgrind-out-file=/dev/null \
    node --no-liftoff --single-threaded --predictable --hash-seed=1 --random-seed=1 \
    "$BENCH/ir.mjs" "$1" "$2" "$3" 2>&1 |
    sed -n 's/.*Collected : //p'
}
per_verify() { # kind module -> instructions per verification
  local a b
  a="$(count "$1" "$2" 20)"
  b="$(count "$1" "$2" 220)"
  echo $(((b - a) / 200))
}

echo '| backend | raw verify (instructions) | edge verify (instructions) | edge / raw |'
echo '|---|---:|---:|---:|'
for pair in "edjwt_edge baseline ed25519-compact" \
  "edjwt_edge_opt_size baseline_opt_size ed25519-compact,_opt_size" \
  "edjwt_edge_dalek baseline_dalek ed25519-dalek" \
  "edjwt_edge_nightly baseline_nightly ed25519-compact,_nightly_immediate-abort" \
  "edjwt_edge_opt_size_nightly baseline_opt_size_nightly ed25519-compact,_opt_size,_nightly_immediate-abort"; do
  set -- $pair
  [[ -f "$DIST/$1.wasm" && -f "$DIST/$2.wasm" ]] || continue
  edge="$(per_verify edge "$1")"
  raw="$(per_verify raw "$2")"
  printf '| %s | %d | %d | %s |\n' "${3//_/ }" "$raw" "$edge" \
    "$(awk -v e="$edge" -v r="$raw" 'BEGIN { printf "%.3f", e / r }')"
done
