#!/usr/bin/env bash
# The tests, as the README gives them (`bash scripts/test.sh`; `.ci/run` calls exactly this):
#   1. every crate of the workspace with all features (the core on its ed25519-dalek backend);
#   2. the core alone on its default ed25519-compact backend, with `std` and without it
#      (`--all-features` never builds that backend, so step 1 alone would not test it).
# The server's PyJWT test is skipped (ignored) unless Python with PyJWT is found; `bash
# server/ci.sh` installs both in a venv and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
step() { printf '\n==> %s (%ds)\n' "$*" "$((SECONDS - start))"; }

step "workspace, all features (ed25519-dalek backend)"
cargo test --workspace --all-features
step "core, default ed25519-compact backend, std"
cargo test -p edjwt --features std
step "core, default backend, no_std (no default features)"
cargo test -p edjwt --no-default-features
step "done"
