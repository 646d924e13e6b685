#!/usr/bin/env bash
# Fuzz smoke test for CI, and the driver for longer local runs.
#
#   bash fuzz/ci.sh                      # every target, 30 s each (CI)
#   bash fuzz/ci.sh 600 verify structured   # chosen targets, 10 minutes each
#
# Installs what it needs (nightly toolchain, cargo-fuzz), builds all targets (libFuzzer +
# AddressSanitizer, debug assertions on), writes the seed corpora, then runs the targets one
# at a time (one fuzzer process, -jobs=1 -workers=1) with a 512 MB RSS limit and a 5 s
# per-input timeout, so a crash, a panic, a hang or over-limit memory fails the run. Prints
# libFuzzer's final figures per target; exits non-zero on the first failing target, with the
# reproducer left in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"

SECONDS_PER_TARGET="${1:-30}"
shift $(( $# > 0 ? 1 : 0 ))

step() { printf '\n==> %s\n' "$*"; }

step "toolchain and cargo-fuzz"
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
rustup run nightly rustc --version
cargo fuzz --version

TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    mapfile -t TARGETS < <(cargo +nightly fuzz list)
fi

step "build all targets"
start=$(date +%s)
cargo +nightly fuzz build
echo "built in $(( $(date +%s) - start )) s"
BIN="target/$(rustc -vV | sed -n 's/^host: //p')/release"

step "seed corpora"
python3 seeds.py

mkdir -p logs
summary=()
# Runs the built target $1 for SECONDS_PER_TARGET seconds; $2 labels the build.
run_target() {
    local t="$1" label="$2"
    step "fuzz $t ($label) for ${SECONDS_PER_TARGET} s"
    mkdir -p "corpus/$t" "artifacts/$t"
    rm -f fuzz-0.log
    local status=0
    # The binaries built above, run directly: no rebuild between targets.
    "$BIN/$t" -artifact_prefix="artifacts/$t/" \
        -dict=jwt.dict -max_total_time="$SECONDS_PER_TARGET" -max_len=8192 \
        -rss_limit_mb=512 -timeout=5 -jobs=1 -workers=1 -print_final_stats=1 "corpus/$t" || status=$?
    local log="logs/$t.$label.log"
    cp fuzz-0.log "$log" 2>/dev/null || true
    if [ "$status" -ne 0 ] || grep -qE 'ERROR: libFuzzer|panicked|SUMMARY: ' "$log"; then
        tail -n 60 "$log" || true
        ls -l "artifacts/$t" 2>/dev/null || true
        echo "FAIL: fuzz target $t ($label, exit $status); log: fuzz/$log"
        exit 1
    fi
    local execs rate rss cov
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1)
    local line="$t ($label): ${execs:-?} execs, ${rate:-?} exec/s, ${cov:-?}, peak rss ${rss:-?} MB, 0 crashes"
    echo "$line"
    summary+=("$line")
}
for t in "${TARGETS[@]}"; do
    run_target "$t" default
done

# The core's `opt_size` build (the edge module's) reads JSON with a different outer loop
# and matches member names differently: the JSON, header, JWK and whole-token targets again
# against it.
step "build with the core's opt_size feature"
cargo +nightly fuzz build --features opt_size
for t in diff_json json_claims header jwk structured; do
    if printf '%s\n' "${TARGETS[@]}" | grep -qx "$t"; then
        run_target "$t" opt_size
    fi
done

# The core's `dalek` backend (the C ABI's and the server's default): diff_backends then
# holds it to the strict reference instead of to ed25519-compact.
if printf '%s\n' "${TARGETS[@]}" | grep -qx diff_backends; then
    step "build diff_backends with the core's dalek feature"
    cargo +nightly fuzz build --features dalek diff_backends
    run_target diff_backends dalek
fi

step "summary (${SECONDS_PER_TARGET} s per target, $(( $(date +%s) - start )) s in all)"
printf '%s\n' "${summary[@]}"
echo "${#summary[@]} passed, 0 failed"
