#!/usr/bin/env bash
# Builds target/nginx/ngx_http_auth_edjwt_module.so against the installed Debian nginx:
# installs nginx and nginx-dev (the dynamic-module headers, same version as the binary)
# with apt when missing, builds the C ABI's static library, then runs nginx's own configure
# from nginx-dev's /usr/share/nginx/src (in a copy) with the binary's configure arguments
# (--with-compat among them) and `make modules`.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

need=()
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx)
[ -x /usr/share/nginx/src/configure ] || need+=(nginx-dev)
command -v gcc >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
if [ "${#need[@]}" -gt 0 ]; then
    # Installing the nginx package must not start a system nginx on port 80: without a
    # policy-rc.d of the machine's own, one that denies service starts during the install.
    policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
        || { [ -z "$policy" ] || rm -f "$policy"; exit 1; }
    [ -z "$policy" ] || rm -f "$policy"
fi

# The module's binary signature must match the nginx that loads it.
bin_version="$(dpkg-query -W -f '${Version}' nginx 2>/dev/null || true)"
dev_version="$(dpkg-query -W -f '${Version}' nginx-dev)"
if [ -n "$bin_version" ] && [ "$bin_version" != "$dev_version" ]; then
    echo "nginx $bin_version and nginx-dev $dev_version differ: install the same version" >&2
    exit 1
fi

# The C ABI's default backend is ed25519-dalek; EDJWT_CAPI_BACKEND=compact builds it on
# ed25519-compact (see nginx/README.md, Load). EDJWT_CAPI_FEATURES adds features.
capi_args=()
[ "${EDJWT_CAPI_BACKEND:-}" = compact ] && capi_args+=(--no-default-features)
cargo build --release -p edjwt-capi "${capi_args[@]}" ${EDJWT_CAPI_FEATURES:+--features "$EDJWT_CAPI_FEATURES"}
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
export EDJWT_CAPI_LIB="$target/release/libedjwt_c.a"

build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
# configure writes a Makefile next to itself: run it in a copy, not in /usr/share.
cp -a /usr/share/nginx/src/. "$build/"
cd "$build"
# shellcheck disable=SC1091
. ./conf_flags
./configure "${NGX_CONF_FLAGS[@]}" \
    --with-cc-opt="-g -O2 -fstack-protector-strong -Wformat -Werror=format-security -fPIC -D_FORTIFY_SOURCE=2 -Wall -Werror" \
    --with-ld-opt="-Wl,-z,relro -Wl,-z,now -fPIC" \
    --add-dynamic-module="$root/nginx" >"$build/configure.log" 2>&1 \
    || { cat "$build/configure.log" >&2; exit 1; }
make -s -f objs/Makefile modules >/dev/null

mkdir -p "$target/nginx"
cp objs/ngx_http_auth_edjwt_module.so "$target/nginx/"
echo "built $target/nginx/ngx_http_auth_edjwt_module.so for nginx $dev_version"
