#!/usr/bin/env bash
# Builds and tests the core with the minimum Rust version that Cargo.toml declares
# (`rust-version`), without and with the `std` feature, and checks that the other published
# crates, edjwt-cli and edjwt-tower (which declare the same version), compile with it. Installs that toolchain with rustup
# (minimal profile) when missing. Uses its own target directory, so the stable build's
# artifacts are not rebuilt afterwards.
# Time on the 2-core CI machine from an empty target directory: about 175 s of CPU, 6-8 min
# of wall clock at a load average of 10-20 (installing the toolchain adds about 10 s); again
# with everything built, about 50 s of CPU.
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

# The other published crates declare the same version; they must compile with it.
for crate in cli:edjwt-cli edjwt-tower:edjwt-tower; do
    dir="${crate%%:*}" name="${crate#*:}"
    declared="$(sed -n 's/^rust-version = "\([0-9.]*\)"$/\1/p' "$dir/Cargo.toml" | head -1)"
    [ "$declared" = "$msrv" ] || { echo "$dir/Cargo.toml declares rust-version $declared, the core $msrv" >&2; exit 1; }
    echo "== cargo +$msrv check -p $name --all-features"
    cargo "+$msrv" check --locked -p "$name" --all-features
done
