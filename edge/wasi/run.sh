#!/usr/bin/env bash
# The core crate's test suites on wasm32-wasip1, run under node's WASI (node:wasi), with the
# `std` feature (key files are read through WASI). Prints each suite's result; fails if any
# suite fails. Needs the wasm32-wasip1 target (edge/ci.sh adds it). Run from anywhere:
#
#   bash edge/wasi/run.sh            # ed25519-compact
#   bash edge/wasi/run.sh dalek      # the same suites on the ed25519-dalek backend
#
# Not run here: tests/properties.rs (proptest's fork support does not build for WASI),
# tests/stack.rs (threads), tests/backends.rs (compares both backends natively), and the
# tests listed in SKIP below.
set -euo pipefail

WASI="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$WASI/../.." && pwd)"
FEATURES="std${1:+,$1}"

# Tests that cannot pass on wasm32-wasip1, each with the reason:
SKIP=(
  # asserts the slot size of a 64-bit target (40 bytes of bookkeeping per slot)
  memory_is_slots_times_slot_bytes_plus_40
  # spawn threads: wasm32-wasip1 has none
  shared::two_threads_get_what_a_verifier_gets
  shared::replace_keys_while_another_thread_verifies
  # std::env::temp_dir() panics on WASI ("no filesystem on wasm")
  files::oversized_files_are_refused_without_reading_them_whole
)
skip_args=()
for t in "${SKIP[@]}"; do skip_args+=(--skip "$t"); done

# The same dependency versions as the root workspace.
cp "$ROOT/Cargo.lock" "$WASI/Cargo.lock"
cd "$WASI"
mapfile -t binaries < <(cargo test -q --target wasm32-wasip1 --features "$FEATURES" --no-run \
  --message-format=json | node -e '
    let s = "";
    process.stdin.on("data", (d) => (s += d)).on("end", () => {
      for (const line of s.split("\n")) {
        if (!line.startsWith("{")) continue;
        const m = JSON.parse(line);
        if (m.reason === "compiler-artifact" && m.executable && m.target.kind.includes("test"))
          console.log(`${m.target.name} ${m.executable}`);
      }
    });')

failed=0
total=0
for entry in "${binaries[@]}"; do
  name="${entry%% *}"
  wasm="${entry#* }"
  if out="$(node --no-warnings "$WASI/run.mjs" "$wasm" "${skip_args[@]}" 2>&1)"; then
    line="$(grep '^test result' <<<"$out" | tail -1)"
    printf 'wasip1 %-16s %s\n' "$name" "$line"
    n="$(sed -n 's/.* \([0-9]\+\) passed.*/\1/p' <<<"$line")"
    total=$((total + ${n:-0}))
  else
    printf 'wasip1 %-16s FAILED\n%s\n' "$name" "$out"
    failed=1
  fi
done
echo "wasip1 ($FEATURES): ${#binaries[@]} suites, $total tests passed"
exit "$failed"
