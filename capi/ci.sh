#!/usr/bin/env bash
# CI for the C ABI: the Rust-side tests (default backend), then the release static and
# shared libraries, the C test compiled by gcc against each and run, the static one again
# under valgrind, and the README's proxy example compiled and run. Installs gcc and
# valgrind from Debian when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

step() { printf '\n==> %s\n' "$*"; }

step "capi: tools"
missing=()
command -v gcc >/dev/null || missing+=(gcc)
command -v valgrind >/dev/null || missing+=(valgrind)
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
gcc --version | head -1
valgrind --version

step "capi: Rust tests (ABI, header, vectors.tsv up to date)"
cargo test -p edjwt-capi

step "capi: release libraries"
cargo build --release -p edjwt-capi
lib="${CARGO_TARGET_DIR:-target}/release"
case "$lib" in /*) ;; *) lib="$root/$lib" ;; esac
ls -l "$lib/libedjwt_c.a" "$lib/libedjwt_c.so"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -O1 -g -I capi/include)
# What Rust's system allocator calls: wrapped so the test counts allocations inside the
# library (it must make none).
wrap=-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=posix_memalign,--wrap=aligned_alloc

step "capi: C test against the static library"
gcc "${cflags[@]}" -DEDJWT_TEST_COUNT_ALLOCATIONS capi/tests/c/test_edjwt.c \
    "$lib/libedjwt_c.a" "$wrap" -lpthread -ldl -lm -o "$out/test_edjwt_static"
"$out/test_edjwt_static" "$root"

step "capi: C test against the shared library"
gcc "${cflags[@]}" capi/tests/c/test_edjwt.c -L"$lib" -l:libedjwt_c.so \
    -Wl,-rpath,"$lib" -lpthread -o "$out/test_edjwt_shared"
"$out/test_edjwt_shared" "$root"

step "capi: C test under valgrind"
valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all \
    "$out/test_edjwt_static" "$root"

step "capi: the README's proxy example"
gcc "${cflags[@]}" capi/examples/proxy_auth.c "$lib/libedjwt_c.a" -lpthread -ldl -lm \
    -o "$out/proxy_auth"
key=tests/fixtures/interop/key1.public.pem
token="$(awk -F'\t' '$1 == "interop" && $2 == "pyjwt_basic" { print $4 }' capi/tests/c/vectors.tsv)"
check() {
    local want="$1"; shift
    local got
    got="$("$out/proxy_auth" "$@")"
    echo "$got"
    case "$got" in *"$want"*) ;; *) echo "expected: $want"; exit 1 ;; esac
}
check "pass upstream, X-User: alice" "$key" "Bearer $token" 1700000100
check 'error_description="token expired", log reason=expired' "$key" "Bearer $token"
check "401, WWW-Authenticate: Bearer, log reason=missing-token" "$key"
