#!/usr/bin/env bash
# Packages every publishable crate as `cargo publish` would (and builds each package from its
# own files), then prints each package's size and file count. Fails when a package lacks the
# licence texts or holds what users should not download: build output, tests, fixtures, keys.
# `edjwt-cli` and `edjwt-tower` depend on `edjwt` by version: packaged together, cargo
# verifies them against the `edjwt` package just made instead of looking for it on crates.io
# (docs/releasing.md).
# Time on the 2-core CI machine at a load average of about 15: from an empty target
# directory 38 s of CPU, 114 s of wall clock for edjwt and edjwt-cli, and edjwt-tower's
# dependencies add about 25 s of CPU; again with the dependencies built, about 20 s.
set -euo pipefail
cd "$(dirname "$0")/.."

crates=(edjwt edjwt-cli edjwt-tower)
args=()
for c in "${crates[@]}"; do args+=(-p "$c"); done
# Cargo verifies the dependents against the new edjwt package through a local registry. It
# treats a registry crate of a version it has seen as unchanged: it reuses the sources
# unpacked under $CARGO_HOME/registry/src/-<hash>/ (local registries have no host name) and
# the artifacts built from them, so a second run would build the dependents with the
# previous run's edjwt. Remove both for this workspace's crates; their dependencies stay
# built. The packages build in a target directory of their own so the clean costs the
# workspace build nothing.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/package-check"
for c in "${crates[@]}"; do
    rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/"$c"-[0-9]*
done
cargo clean -q "${args[@]}"
# --allow-dirty: CI may run on a tree with generated files; what goes in is the include list.
cargo package --locked --allow-dirty "${args[@]}"

dir="$CARGO_TARGET_DIR/package"
status=0
printf '\n%-24s %10s %6s\n' package bytes files
for c in "${crates[@]}"; do
    version="$(cargo pkgid -p "$c" | sed 's/.*[@#]//')"
    crate="$dir/$c-$version.crate"
    files="$(tar -tzf "$crate" | sed "s|^$c-$version/||")"
    printf '%-24s %10d %6d\n' "$c-$version" "$(stat -c %s "$crate")" "$(wc -l <<<"$files")"
    for licence in LICENSE-MIT LICENSE-APACHE README.md; do
        grep -qx "$licence" <<<"$files" || { echo "FAIL: $c has no $licence" >&2; status=1; }
    done
    # No build output, test suites, fixtures or key material in a package.
    if bad="$(grep -E '(^|/)(target|tests|fixtures|node_modules|dist)/|\.(pem|der|wasm|so|a|o|rlib|crate)$' <<<"$files")"; then
        echo "FAIL: $c packages files users do not need:" >&2
        echo "$bad" >&2
        status=1
    fi
    # The largest file in the package: a source file is well under 64 KiB.
    while read -r size name; do
        if [ "$size" -gt 65536 ]; then echo "FAIL: $c: $name is $size bytes" >&2; status=1; fi
    done < <(tar -tvzf "$crate" | awk '{print $3, $6}')
done
exit "$status"
