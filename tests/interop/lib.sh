# shellcheck shell=bash
# Shared helpers for the interop scripts; source it, do not run it.
# Exit-code convention of every script here:
#   0  all cases passed (or the thing was built/installed)
#   1  a peer is present and something failed
#   2  usage error
#   77 SKIPPED: a peer cannot be installed or built here (reason printed)

INTEROP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INTEROP_DIR/../.." && pwd)"
EXIT_SKIPPED=77

skip() {
    echo "=================================================================" >&2
    echo "SKIPPED: $*" >&2
    echo "=================================================================" >&2
    exit "$EXIT_SKIPPED"
}

die() {
    echo "FAIL: $*" >&2
    exit 1
}

# Path of the calculator contract: $WWS_CALCULATOR_WSDL, a copy tracked in the
# repository, or the shared contract next to the checkout.
calculator_wsdl() {
    if [ -n "${WWS_CALCULATOR_WSDL:-}" ]; then
        echo "$WWS_CALCULATOR_WSDL"
        return 0
    fi
    local tracked
    tracked="$(git -C "$REPO_ROOT" ls-files -- '*calculator.wsdl' 2>/dev/null | head -n 1)"
    if [ -n "$tracked" ]; then
        echo "$REPO_ROOT/$tracked"
        return 0
    fi
    if [ -f "$REPO_ROOT/../shared/contracts/calculator.wsdl" ]; then
        echo "$(cd "$REPO_ROOT/../shared/contracts" && pwd)/calculator.wsdl"
        return 0
    fi
    return 1
}

# node-soap: pinned, installed by install.sh outside the repository (npm).
NODE_SOAP_VERSION="${WWS_NODE_SOAP_VERSION:-1.13.0}"
node_soap_dir() {
    local cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}"
    echo "${WWS_NODE_SOAP_DIR:-$cache/wws-interop/node-soap-$NODE_SOAP_VERSION}"
}
# NODE_PATH for the node peers; fails when soap is not installed there.
node_soap_path() {
    local dir
    dir="$(node_soap_dir)/node_modules"
    [ -f "$dir/soap/package.json" ] || return 1
    echo "$dir"
}
