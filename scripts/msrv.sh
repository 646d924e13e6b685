#!/usr/bin/env bash
# Builds and tests the core with the minimum Rust version that Cargo.toml declares
# (`rust-version`), without and with the `std` feature, and checks that the other published
# crate, edjwt-cli (which declares the same version), compiles with it. Installs that toolchain with rustup
# (minimal profile) when missing. Uses its own target directory, so the stable build's
# artifacts are not rebuilt afterwards.
# Time on the 2-core CI machine from an empty target directory: about 130 s of CPU, 5-7 min
# of wall clock at a load average of 10-15 (installing the toolchain adds about 10 s).
set -euo pipefail
cd "$(dirname "$0")/.."

msrv="$(sed -n 's/^rust-version = "\([0-9.]*\)"$/\1/p' Cargo.toml | head -1)"
[ -n "$msrv" ] || { echo "no rust-version in Cargo.toml" >&2; exit 1; }
echo "rust-version declared in Cargo.toml: $msrv"
rustup toolchain install "$msrv" --profile minimal --no-self-update
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/msrv"

for features in "--no-default-features" "--features std"; do
    echo "== cargo +$msrv build/test -p edjwt $features"
    # shellcheck disable=SC2086 # two words on purpose
    cargo "+$msrv" build --locked -p edjwt $features
    # shellcheck disable=SC2086
    cargo "+$msrv" test --locked -p edjwt $features
done

cli_msrv="$(sed -n 's/^rust-version = "\([0-9.]*\)"$/\1/p' cli/Cargo.toml | head -1)"
[ "$cli_msrv" = "$msrv" ] || { echo "cli/Cargo.toml declares rust-version $cli_msrv, the core $msrv" >&2; exit 1; }
echo "== cargo +$msrv check -p edjwt-cli"
cargo "+$msrv" check --locked -p edjwt-cli
