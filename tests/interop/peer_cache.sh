#!/usr/bin/env bash
# Build a compiled interop peer once per hash of what goes into it.
#
# Usage: tests/interop/peer_cache.sh CACHE_ROOT wcf
#          -> CACHE_ROOT/wcf-<key>/{wcf_client.exe,wcf_server.exe} (mcs)
#        tests/interop/peer_cache.sh CACHE_ROOT jaxws-server
#          -> CACHE_ROOT/jaxws-server-<key>/classes: Server.java against the
#             SEI wsimport generates from the contract WSDL file
#        tests/interop/peer_cache.sh CACHE_ROOT jaxws-client WSDL_URL
#          -> CACHE_ROOT/jaxws-client-<key>/classes: Client.java against the
#             classes wsimport generates from WSDL_URL (a live host's ?wsdl)
#   Prints that directory (last stdout line); for jaxws-* also the class
#   path to run with, as "classpath CP" on the line before.
#   <key> hashes the sources, this script, lib.sh, the WSDL (for a URL: its
#   text with the host's address taken out) and the compiler/runtime
#   versions. A hit costs a few milliseconds (plus one GET for a URL); a miss
#   builds under a lock (mcs ≈4 s; wsimport + javac ≈5 s) into a temporary
#   folder. Generated code stays under CACHE_ROOT, never in the repository;
#   older keys of the same peer are removed after a build.
# Exit: 0 ready, 1 build failed, 2 usage, 77 SKIPPED (peer not installed).
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { echo "usage: $0 CACHE_ROOT wcf|jaxws-server|jaxws-client [WSDL_URL]" >&2; exit 2; }
[ $# -ge 2 ] || usage
root="$1"
peer="$2"

# Debian's JAX-WS RI on the JDK (no javax.xml.ws in the JDK since 11).
JAXWS_JARS=(jaxws-rt jaxws-api jaxb-api jws-api javax.activation)
jaxws_classpath() {
    local j cp=""
    for j in "${JAXWS_JARS[@]}"; do cp="$cp${cp:+:}/usr/share/java/$j.jar"; done
    echo "$cp"
}

hash_of() { sha256sum | cut -c1-16; }

case "$peer" in
    wcf)
        [ $# -eq 2 ] || usage
        for tool in mcs mono; do
            command -v "$tool" >/dev/null || skip "WCF: '$tool' not found (run tests/interop/install.sh)"
        done
        [ -f /usr/lib/mono/4.5/System.ServiceModel.dll ] \
            || skip "WCF: System.ServiceModel.dll not installed (libmono-system-servicemodel4.0a-cil)"
        key="$({
            cat "$INTEROP_DIR"/wcf/*.cs "$INTEROP_DIR/peer_cache.sh" "$INTEROP_DIR/lib.sh"
            mcs --version
            mono --version | head -n 1
        } | hash_of)"
        ;;
    jaxws-server | jaxws-client)
        for tool in java javac; do
            command -v "$tool" >/dev/null || skip "JAX-WS: '$tool' not found (a JDK is needed)"
        done
        for j in jaxws-tools "${JAXWS_JARS[@]}"; do
            [ -f "/usr/share/java/$j.jar" ] \
                || skip "JAX-WS: /usr/share/java/$j.jar missing (run tests/interop/install.sh: libjaxws-java)"
        done
        if [ "$peer" = jaxws-server ]; then
            [ $# -eq 2 ] || usage
            wsdl="$(calculator_wsdl)" || die "calculator.wsdl not found (set WWS_CALCULATOR_WSDL)"
            source_file="$INTEROP_DIR/jaxws/Server.java"
        else
            [ $# -eq 3 ] || usage
            wsdl="$3"
            source_file="$INTEROP_DIR/jaxws/Client.java"
            fetched="$(mktemp "${TMPDIR:-/tmp}/wws-wsdl.XXXXXX")" || die "mktemp failed"
            trap 'rm -f "$fetched"' EXIT
            timeout 30 curl -fsS -o "$fetched" "$wsdl" || die "JAX-WS: cannot GET $wsdl"
        fi
        key="$({
            cat "$source_file" "$INTEROP_DIR/peer_cache.sh" "$INTEROP_DIR/lib.sh"
            if [ "$peer" = jaxws-server ]; then
                cat "$wsdl"
            else
                # The host's address changes every run; the contract does not.
                sed -E 's#https?://[^/"]+#ADDRESS#g' "$fetched"
            fi
            java -version 2>&1
            dpkg-query -W -f='${Version}' libjaxws-java 2>/dev/null
        } | hash_of)"
        ;;
    *) usage ;;
esac

mkdir -p "$root" || die "cannot create $root"
root="$(cd "$root" && pwd)"
dir="$root/$peer-$key"

ready() {
    case "$peer" in
        wcf) [ -f "$dir/wcf_client.exe" ] && [ -f "$dir/wcf_server.exe" ] ;;
        jaxws-server) [ -f "$dir/classes/Server.class" ] ;;
        jaxws-client) [ -f "$dir/classes/Client.class" ] ;;
    esac
}

build() { # OUT
    local out="$1" cs
    case "$peer" in
        wcf)
            cs=(-nologo -r:System.ServiceModel.dll -r:System.Runtime.Serialization.dll)
            timeout 300 mcs "${cs[@]}" -out:"$out/wcf_client.exe" \
                "$INTEROP_DIR/wcf/Contract.cs" "$INTEROP_DIR/wcf/client.cs" >&2 \
                && timeout 300 mcs "${cs[@]}" -d:WCF_SERVER -out:"$out/wcf_server.exe" \
                    "$INTEROP_DIR/wcf/Contract.cs" "$INTEROP_DIR/wcf/server.cs" >&2
            ;;
        jaxws-*)
            mkdir -p "$out/gen" "$out/classes" || return 1
            # -extension: the contract's SOAP 1.2 port is skipped without it.
            timeout 300 java -cp /usr/share/java/jaxws-tools.jar com.sun.tools.ws.WsImport \
                -quiet -extension -Xnocompile -s "$out/gen" -d "$out/classes" "$wsdl" >&2 \
                && timeout 300 javac -nowarn -encoding UTF-8 -cp "$(jaxws_classpath)" \
                    -d "$out/classes" $(find "$out/gen" -name '*.java') "$source_file" >&2
            ;;
    esac
}

if ! ready; then
    exec 9>"$root/.lock-$peer"
    flock -w 300 9 || die "$peer cache: lock not acquired within 300 s"
    if ! ready; then
        rm -rf "$root/.build-$peer-"*
        tmp="$root/.build-$peer-$key-$$"
        mkdir -p "$tmp" || die "cannot create $tmp"
        if ! build "$tmp"; then
            rm -rf "$tmp"
            die "$peer: build failed"
        fi
        rm -rf "$dir"
        mv "$tmp" "$dir"
        for old in "$root/$peer"-*; do
            [ "$old" = "$dir" ] || rm -rf "$old"
        done
    fi
    flock -u 9
fi
case "$peer" in
    jaxws-*) echo "classpath $dir/classes:$(jaxws_classpath)" ;;
esac
echo "$dir"
