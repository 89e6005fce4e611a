#!/usr/bin/env bash
# Install the foreign SOAP peers the interop tests and benchmarks use.
#
# Usage: tests/interop/install.sh
#   Debian: gsoap libgsoap-dev pkg-config g++ (gSOAP server/client), php-cli
#   php-soap php-xml (PHP ext/soap client), wrk (HTTP load for benchmarks).
#   mono-devel libmono-system-servicemodel4.0a-cil (WCF on Mono, client and
#   server), libjaxws-java (JAX-WS RI, on the installed JDK).
#   tinyproxy (an HTTP proxy for tests/tests/e2e/tinyproxy.rs; not started here).
#   nghttp2-client (h2load: HTTP/2 load for bench_h2).
#   PyPI: zeep (client), spyne (server), pinned below; xmlsec (zeep's X.509
#   signatures) with the lxml whose bundled libxml2 matches its wheel (else
#   import fails: "lxml & xmlsec libxml2 library version mismatch"). Without
#   wheels both are built from source against Debian's libxmlsec1-dev
#   libxml2-dev libxslt1-dev pkg-config (installed then).
#   npm: soap (node-soap), pinned in lib.sh, into $(node_soap_dir) outside the
#   repository (default under $XDG_CACHE_HOME or ~/.cache).
# Idempotent and fast when everything is present: checks first, runs
# apt-get update/install and pip only for what is missing. Installing needs
# root (or passwordless sudo) and the package registries.
# Exit: 0 every peer present, 77 some peer SKIPPED (reasons printed).
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ZEEP_VERSION="${WWS_ZEEP_VERSION:-4.3.3}"
SPYNE_VERSION="${WWS_SPYNE_VERSION:-2.14.0}"
# The xmlsec 1.3.17 and lxml 6.1.3 wheels both bundle libxml2 2.14.6.
XMLSEC_VERSION="${WWS_XMLSEC_VERSION:-1.3.17}"
LXML_VERSION="${WWS_LXML_VERSION:-6.1.3}"
PYTHON="${PYTHON:-python3}"

declare -A DEB_PEERS=(
    [gsoap]="gsoap libgsoap-dev pkg-config g++"
    [php]="php-cli php-soap php-xml"
    [wrk]="wrk"
    [wcf]="mono-devel libmono-system-servicemodel4.0a-cil"
    [jaxws]="libjaxws-java"
    [tinyproxy]="tinyproxy"
    [h2load]="nghttp2-client"
)
skipped=()

sudo_cmd() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 126
    fi
}

deb_missing() {
    local p missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    echo "${missing[@]:-}"
}

apt_updated=0
apt_install() {
    if [ "$apt_updated" -eq 0 ]; then
        sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 \
            || return 1
        apt_updated=1
    fi
    sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "$@" >/dev/null 2>&1
}

if ! command -v dpkg-query >/dev/null; then
    for peer in "${!DEB_PEERS[@]}"; do
        skipped+=("$peer: not a Debian system (no dpkg-query)")
    done
else
    for peer in gsoap php wrk wcf jaxws tinyproxy h2load; do
        read -r -a pkgs <<<"${DEB_PEERS[$peer]}"
        absent="$(deb_missing "${pkgs[@]}")"
        if [ -z "$absent" ]; then
            echo "present $peer: $(dpkg-query -W -f='${Package} ${Version}  ' "${pkgs[@]}")"
            continue
        fi
        read -r -a absent_list <<<"$absent"
        if apt_install "${absent_list[@]}"; then
            echo "installed $peer: $absent"
        elif [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
            skipped+=("$peer: Debian packages missing ($absent) and not root (no sudo)")
        else
            skipped+=("$peer: apt-get install $absent failed (registry unreachable?)")
        fi
    done
fi

# JAX-WS RI runs on the installed JDK; Debian's default-jdk is not pulled in here.
if ! command -v javac >/dev/null || ! command -v java >/dev/null; then
    skipped+=("jaxws: no JDK (java, javac) on PATH")
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    skipped+=("node-soap: node or npm not found")
else
    soap_dir="$(node_soap_dir)"
    if node_soap_path >/dev/null; then
        echo "present node-soap: $NODE_SOAP_VERSION in $soap_dir (node $(node --version))"
    elif mkdir -p "$soap_dir" \
        && { [ -f "$soap_dir/package.json" ] || echo '{"private": true}' >"$soap_dir/package.json"; } \
        && (cd "$soap_dir" && timeout 300 npm install --no-audit --no-fund --silent \
            "soap@$NODE_SOAP_VERSION" >/dev/null 2>&1) \
        && node_soap_path >/dev/null; then
        echo "installed node-soap: $NODE_SOAP_VERSION in $soap_dir"
    else
        skipped+=("node-soap: npm install soap@$NODE_SOAP_VERSION into $soap_dir failed (registry unreachable?)")
    fi
fi

py_has() { "$PYTHON" -c "import $1" >/dev/null 2>&1; }
py_version() { "$PYTHON" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null; }

if ! command -v "$PYTHON" >/dev/null; then
    skipped+=("zeep, spyne, xmlsec: $PYTHON not found")
else
    for spec in "zeep==$ZEEP_VERSION" "spyne==$SPYNE_VERSION"; do
        name="${spec%%==*}"
        if py_has "$name"; then
            echo "present $name: $(py_version "$name") ($("$PYTHON" --version 2>&1))"
            continue
        fi
        if "$PYTHON" -m pip install -q --disable-pip-version-check --root-user-action=ignore \
            "$spec" >/dev/null 2>&1 && py_has "$name"; then
            echo "installed $name: $(py_version "$name")"
        else
            skipped+=("$name: pip install $spec failed or '$name' does not import on $("$PYTHON" --version 2>&1)")
        fi
    done
    # `import xmlsec` also fails when lxml's libxml2 is not xmlsec's.
    xmlsec_pip=("$PYTHON" -m pip install -q --disable-pip-version-check --root-user-action=ignore)
    xmlsec_specs=("lxml==$LXML_VERSION" "xmlsec==$XMLSEC_VERSION")
    xmlsec_debs=(libxmlsec1-dev libxml2-dev libxslt1-dev pkg-config)
    if py_has xmlsec; then
        echo "present xmlsec: $(py_version xmlsec) (lxml $(py_version lxml))"
    elif "${xmlsec_pip[@]}" "${xmlsec_specs[@]}" >/dev/null 2>&1 && py_has xmlsec; then
        echo "installed xmlsec: $(py_version xmlsec) (lxml $(py_version lxml), wheels)"
    else
        absent="$(deb_missing "${xmlsec_debs[@]}")"
        read -r -a absent_list <<<"$absent"
        if [ -n "$absent" ] && ! apt_install "${absent_list[@]}"; then
            skipped+=("xmlsec: no usable wheels and apt-get install $absent failed (not root, or registry unreachable?)")
        elif timeout 1800 "${xmlsec_pip[@]}" --force-reinstall --no-deps --no-binary lxml,xmlsec \
            "${xmlsec_specs[@]}" >/dev/null 2>&1 && py_has xmlsec; then
            echo "installed xmlsec: $(py_version xmlsec) (lxml $(py_version lxml), built from source)"
        else
            skipped+=("xmlsec: pip install ${xmlsec_specs[*]} (wheels, then --no-binary lxml,xmlsec) failed or 'xmlsec' does not import on $("$PYTHON" --version 2>&1)")
        fi
    fi
fi

if [ "${#skipped[@]}" -gt 0 ]; then
    echo "=================================================================" >&2
    for s in "${skipped[@]}"; do echo "SKIPPED: $s" >&2; done
    echo "=================================================================" >&2
    exit "$EXIT_SKIPPED"
fi
echo "all interop peers present"
