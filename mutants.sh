#!/usr/bin/env bash
# Mutation testing of the core: cargo-mutants mutates src/ and runs the core's own tests
# (`cargo test -p edjwt --lib --tests`: the unit and integration tests; the doctests are left
# out to keep each mutant short) against every mutant, one at a time. Not part of CI: one
# mutant costs a rebuild and a test run (about a minute on the shared 2-core machine), and
# src/ has over a thousand. docs/mutants.md has the figures and the equivalent mutants.
#
#   bash mutants.sh                          # the files below
#   bash mutants.sh src/policy.rs            # other files
#   SHARD=1/4 bash mutants.sh src/json.rs    # a quarter of them (cargo-mutants --shard)
#   bash mutants.sh src/json.rs --iterate    # only the mutants the last run did not catch
#
# Results in target/mutants/mutants.out/ (caught.txt, missed.txt, unviable.txt, timeout.txt).
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants
files=()
args=()
for arg in "$@"; do
    case "$arg" in
        -*) args+=("$arg") ;; # a cargo-mutants option, e.g. --iterate
        *) files+=("$arg") ;;
    esac
done
if [[ ${#files[@]} -eq 0 ]]; then
    files=(src/bearer.rs src/header.rs src/compact.rs src/numeric_date.rs)
fi
for file in "${files[@]}"; do
    args+=(--file "$file")
done
mkdir -p target/mutants
exec cargo mutants --package edjwt --test-package edjwt -j 1 --gitignore true ${SHARD:+--shard "$SHARD"} \
    --cargo-test-arg=--lib --cargo-test-arg=--tests --output target/mutants "${args[@]}"
