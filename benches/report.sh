#!/usr/bin/env bash
# Instruction counts (callgrind), heap allocations and stack peak per verify, for edjwt and
# its peers, with ratios against the raw Ed25519 verify measured in the same run; then the
# paired median time ratios. Usage: bash benches/report.sh [--quick]
# With RUSTFLAGS="-C target-cpu=native" on an AVX-512 IFMA CPU the dalek builds carry
# curve25519-dalek's IFMA backend; valgrind cannot run AVX-512, so use that only for times.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
cargo build -q --release -p edjwt-bench --bin measure
cp "$CARGO_TARGET_DIR/release/measure" /tmp/edjwt-measure-compact
cargo build -q --release -p edjwt-bench --bin measure --features dalek
cp "$CARGO_TARGET_DIR/release/measure" /tmp/edjwt-measure-dalek

# Instructions per verify: (Ir with 21 runs - Ir with 1 run) / 20, setup cancels out.
ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | grep -oP 'Collected : \K[0-9]+'; }
per_verify() { local a b; a=$(ir "$1" "$2" "$3" 1); b=$(ir "$1" "$2" "$3" 21); echo $(( (b - a) / 20 )); }
allocs() { "$1" "$2" "$3" 10 | grep -oP 'allocations_per_verify=\K[0-9.]+'; }
# Peak stack of N=1 minus N=0 (massif samples the stack; the figure is an upper bound).
stack_peak() { valgrind --tool=massif --stacks=yes --heap=no --massif-out-file=/tmp/massif.out "$@" >/dev/null 2>&1; grep -oP 'mem_stacks_B=\K[0-9]+' /tmp/massif.out | sort -n | tail -1; }

C=/tmp/edjwt-measure-compact; D=/tmp/edjwt-measure-dalek
echo "CPU: $(grep -m1 -oP 'model name\s*:\s*\K.*' /proc/cpuinfo); curve25519-dalek backend:" \
  "$($D backend) natively, $(valgrind -q $D backend 2>/dev/null) under valgrind"
echo
floor=$(per_verify $C raw-ed25519-compact typical)
floor_dalek=$(per_verify $C raw-ed25519-dalek typical)
strict_dalek=$(per_verify $C raw-ed25519-dalek-strict typical)
echo "| library | case | instructions | vs raw ed25519-compact | JWT layer (vs own raw backend) | allocations |"
echo "|---|---|---:|---:|---:|---:|"
row() { # bin lib case floor
  local n; n=$(per_verify "$1" "$2" "$3")
  printf '| %s | %s | %d | %.3fx | %+d | %s |\n' "$2" "$3" "$n" "$(echo "$n / $floor" | bc -l)" $((n - $4)) "$(allocs "$1" "$2" "$3")"
}
printf '| raw ed25519-compact | typical | %d | 1.000x | 0 | 0 |\n' "$floor"
printf '| raw ed25519-dalek `verify` | typical | %d | %.3fx | 0 | 0 |\n' "$floor_dalek" "$(echo "$floor_dalek / $floor" | bc -l)"
printf '| raw ed25519-dalek `verify_strict` | typical | %d | %.3fx | %+d | 0 |\n' "$strict_dalek" "$(echo "$strict_dalek / $floor" | bc -l)" $((strict_dalek - floor_dalek))
declare -A raw_compact raw_dalek
for case in small typical large; do
  raw_compact[$case]=$(per_verify $C raw-ed25519-compact $case)
  raw_dalek[$case]=$(per_verify $C raw-ed25519-dalek $case)
done
# "JWT layer" is the cost above the raw verify of the library's own backend on that token.
for lib in edjwt jwt-compact jwt-simple jsonwebtoken; do
  for case in small typical large; do
    f=${raw_compact[$case]}; [ "$lib" = jsonwebtoken ] && f=${raw_dalek[$case]}
    row $C $lib $case "$f"
  done
done
# edjwt on its dalek backend, against raw ed25519-dalek `verify` (non-strict, the cheaper).
for case in small typical large; do row $D edjwt "$case" "${raw_dalek[$case]}" | sed 's/^| edjwt |/| edjwt (dalek backend) |/'; done
echo
# The targets: with the dalek backend one verify at most 0.88x jsonwebtoken's instructions,
# and each backend's JWT layer at most 12k instructions (typical token).
e_dalek=$(per_verify $D edjwt typical); jwt=$(per_verify $C jsonwebtoken typical)
e_compact=$(per_verify $C edjwt typical)
printf 'edjwt (dalek) / jsonwebtoken: %.3fx (target <= 0.88x); JWT layer: dalek %+d, compact %+d (target <= 12000)\n' \
  "$(echo "$e_dalek / $jwt" | bc -l)" $((e_dalek - floor_dalek)) $((e_compact - floor))
printf 'allocations per failed signature: edjwt compact %s, edjwt dalek %s, jsonwebtoken %s\n' \
  "$(allocs $C edjwt bad-signature)" "$(allocs $D edjwt bad-signature)" "$(allocs $C jsonwebtoken bad-signature)"
echo
echo "| rejection | edjwt | edjwt (dalek backend) | jwt-compact | jwt-simple | jsonwebtoken |"
echo "|---|---:|---:|---:|---:|---:|"
for case in garbage wrong-alg unknown-kid bad-signature expired; do
  printf '| %s | %d | %d |' "$case" "$(per_verify $C edjwt $case)" "$(per_verify $D edjwt $case)"
  for lib in jwt-compact jwt-simple jsonwebtoken; do printf ' %d |' "$(per_verify $C $lib $case)"; done
  echo
done
echo
base_stack=$(stack_peak $C edjwt typical 0); one_stack=$(stack_peak $C edjwt typical 1)
echo "stack peak of one edjwt verify (massif, N=1 minus N=0): $((one_stack - base_stack)) bytes"
echo
# Each process interleaves `rounds` batch pairs (alternating which runs first) and prints
# the median ratio. The ratio depends on the process's address layout (ASLR): with the
# dalek backend one fixed layout (`setarch -R`) gave 1.11 and random ones 0.92-1.06, an
# alignment effect on the AVX2 code, not instructions (+3%). So: 11 processes, and the
# median and range of their medians.
rounds=1000; procs=11; [ "${1:-}" = --quick ] && { rounds=300; procs=3; }
paired() { # bin baseline
  local out r mid; out=$(for _ in $(seq "$procs"); do "$1" paired "$2" "$rounds"; done)
  mid=$(((procs + 1) / 2))
  median_of() { echo "$out" | grep -oP "$1=?\K[0-9.]+" | sort -n | sed -n "${mid}p"; }
  r=$(echo "$out" | grep -oP 'ratio \K[0-9.]+' | sort -n)
  printf 'edjwt/%s paired median time ratio %s (median of %d processes; range %s-%s); median µs per verify: edjwt %s, %s %s\n' "$2" \
    "$(echo "$r" | sed -n "${mid}p")" "$procs" "$(echo "$r" | head -1)" "$(echo "$r" | tail -1)" \
    "$(median_of edjwt_us)" "$2" "$(median_of baseline_us)"
}
paired $C raw-ed25519-compact
paired $D raw-ed25519-dalek
paired $D raw-ed25519-dalek-strict
paired $D jsonwebtoken
