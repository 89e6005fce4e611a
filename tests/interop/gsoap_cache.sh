#!/usr/bin/env bash
# Build the gSOAP calculator server and client once per source hash.
#
# Usage: tests/interop/gsoap_cache.sh CACHE_ROOT
#   Prints the directory holding calc_server and calc_client (last stdout
#   line): CACHE_ROOT/<key>, where <key> hashes gsoap/{server,client}.cpp,
#   gsoap/build.sh, lib.sh, the calculator WSDL, the gSOAP version and the
#   g++ version. A hit costs a few milliseconds; a miss runs gsoap/build.sh
#   (about 5 s) under a lock, so parallel callers (Rust tests) build once.
#   Other keys under CACHE_ROOT are removed after a build: they are stale.
#   run.sh and tests/tests/interop_proxy.rs use <cargo target dir>/tmp/interop-gsoap.
# Exit: 0 ready, 1 build failed, 2 usage, 77 SKIPPED (gSOAP not installed).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 CACHE_ROOT" >&2; exit 2; }
root="$1"

# Checked on a hit too: the binaries link libgsoap++ dynamically.
for tool in wsdl2h soapcpp2 g++ pkg-config; do
    command -v "$tool" >/dev/null || skip "gSOAP: '$tool' not found (run tests/interop/install.sh)"
done
pkg-config --exists gsoap++ || skip "gSOAP: libgsoap-dev (gsoap++.pc) not installed"
wsdl="$(calculator_wsdl)" || die "calculator.wsdl not found (set WWS_CALCULATOR_WSDL)"

key="$(
    {
        for f in gsoap/server.cpp gsoap/client.cpp gsoap/build.sh lib.sh; do
            sha256sum <"$INTEROP_DIR/$f"
        done
        sha256sum <"$wsdl"
        pkg-config --modversion gsoap++
        g++ --version | head -n 1
    } | sha256sum | cut -c1-16
)"
mkdir -p "$root"
root="$(cd "$root" && pwd)"
dir="$root/$key"

ready() { [ -x "$dir/calc_server" ] && [ -x "$dir/calc_client" ]; }

if ! ready; then
    exec 9>"$root/.lock"
    flock -w 300 9 || die "gSOAP cache: lock $root/.lock not acquired within 300 s"
    if ! ready; then
        # Builds killed half-way left these; nobody else builds while we hold the lock.
        rm -rf "$root"/.build-*
        tmp="$root/.build-$key-$$"
        rc=0
        "$INTEROP_DIR/gsoap/build.sh" "$tmp" >&2 || rc=$?
        if [ "$rc" -ne 0 ]; then
            rm -rf "$tmp"
            exit "$rc"
        fi
        rm -rf "$dir"
        mv "$tmp" "$dir"
        for old in "$root"/*; do
            [ "$old" = "$dir" ] || rm -rf "$old"
        done
    fi
    flock -u 9
fi
echo "$dir"
