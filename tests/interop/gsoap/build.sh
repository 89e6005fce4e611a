#!/usr/bin/env bash
# Build the gSOAP calculator server and client from the calculator WSDL.
#
# Usage: tests/interop/gsoap/build.sh OUTDIR
#   Generates code with wsdl2h + soapcpp2 in OUTDIR/gen and writes
#   OUTDIR/calc_server and OUTDIR/calc_client. Nothing lands in the repository.
# Exit: 0 built, 1 build failed, 2 usage, 77 SKIPPED (gSOAP not installed).
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out="$(mkdir -p "$1" && cd "$1" && pwd)"
src="$INTEROP_DIR/gsoap"

for tool in wsdl2h soapcpp2 g++ pkg-config; do
    command -v "$tool" >/dev/null || skip "gSOAP: '$tool' not found (run tests/interop/install.sh)"
done
pkg-config --exists gsoap++ || skip "gSOAP: libgsoap-dev (gsoap++.pc) not installed"
wsdl="$(calculator_wsdl)" || die "calculator.wsdl not found (set WWS_CALCULATOR_WSDL)"

share=/usr/share/gsoap
gen="$out/gen"
rm -rf "$gen"
mkdir -p "$gen"
cd "$gen"
wsdl2h -o calc.h -t "$share/WS/typemap.dat" "$wsdl" >wsdl2h.log 2>&1 \
    || { cat wsdl2h.log >&2; die "wsdl2h failed"; }
# -j: C++ proxy/service classes sharing one soap context; -x: no sample XML.
soapcpp2 -j -x -I"$share/import" calc.h >soapcpp2.log 2>&1 \
    || { cat soapcpp2.log >&2; die "soapcpp2 failed"; }

# The library is built with the flags of its .pc file (struct soap layout).
read -r -a cflags <<<"$(pkg-config --cflags gsoap++)"
read -r -a libs <<<"$(pkg-config --libs gsoap++)"
cxx=(g++ -std=c++17 -O2 -Wall -pthread "${cflags[@]}" -I"$gen")

# WITH_PURE_VIRTUAL: the generated service methods become pure virtual, so
# server.cpp must (and does) implement every one.
"${cxx[@]}" -DWITH_PURE_VIRTUAL -o "$out/calc_server" "$src/server.cpp" soapC.cpp soapCalculatorSoap11Service.cpp \
    "${libs[@]}" || die "compiling calc_server failed"
"${cxx[@]}" -o "$out/calc_client" "$src/client.cpp" soapC.cpp soapCalculatorSoap11Proxy.cpp \
    "${libs[@]}" || die "compiling calc_client failed"

echo "built $out/calc_server and $out/calc_client (gSOAP $(pkg-config --modversion gsoap++))"
