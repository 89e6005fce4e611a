#!/usr/bin/env bash
# The script-driven interop cases of issue 6 (run by `cargo xtask interop` and,
# after the Rust tests, by `cargo xtask ci`).
#
# Usage: tests/interop/run.sh
#   1. self-check: the foreign peers against each other (self_check.py, no
#      wws code), so a broken peer is not blamed on wws.
#   2. foreign clients -> our host: starts the wws-host `calculator` example
#      (--report-events) on a free loopback port and runs zeep_client.py,
#      php_client.php, the WCF client (wcf/client.cs on Mono), the JAX-WS RI
#      client (jaxws/Client.java, wsimport'ed from the host's ?wsdl) and the
#      node-soap client (node/client.js) against its ?wsdl or addresses, and
#      gSOAP's calc_client against its addresses, SOAP 1.1 and 1.2 (and
#      WS-Addressing where the peer has it), every case (README.md, "Cases");
#      for the clients that walk away from a Delay (WCF Abort, JAX-WS
#      request timeout, node-soap AbortController and timeout),
#      host_events.py checks that the host cancelled the operation.
#   3. our client -> foreign servers: the wws-proxy `calculator_client`
#      example against gSOAP (stock and --proper-soap11), spyne, WCF
#      (ServiceHost), JAX-WS RI (Endpoint.publish) and node-soap
#      (soap.listen), every operation over SOAP 1.1 and 1.2 (and
#      WS-Addressing where the peer has it), stdout and exit code checked,
#      with a call abandoned (Ctrl-C) and one timed out during a Delay.
#   Closes with a table peer x direction x SOAP version x PASS/FAIL/SKIPPED.
#   The typed-proxy cases (abandon included) are Rust tests,
#   tests/tests/interop_proxy.rs, which start the same servers themselves.
#
# Env: WWS_INTEROP_PROFILE=release builds the examples with --release
#   (default: the dev profile, already built by `cargo test`);
#   WWS_INTEROP_BUDGET: seconds for everything after the build (default 300).
# Every server is started here and stopped on exit (trap), whatever happens.
# Exit: 0 all passed, 1 something failed (a present peer or our side),
#   77 some part SKIPPED (reason printed between ===== lines) and none failed.
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PYTHON="${PYTHON:-python3}"
BUDGET="${WWS_INTEROP_BUDGET:-300}"
SPECIAL_TEXT="héllo <&> \"' ünïcødé ✓"
# An argv string is limited to 128 KiB on Linux; the 1 MiB Echo is a Rust test.
LARGE_TEXT="$(head -c 65536 /dev/zero | tr '\0' 'x')"

work="$(mktemp -d "${TMPDIR:-/tmp}/wws-interop-run.XXXXXX")" || die "mktemp failed"
server_pids=()
results=()
cells=() # "PEER|DIRECTION|VERSION|STATUS" for the closing table
TO_HOST="client -> wws host"
TO_PEER="wws client -> server"

stop_servers() {
    local pid i
    for pid in "${server_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || continue
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    server_pids=()
}
cleanup() {
    stop_servers
    rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM

record() { # STATUS NAME [DETAIL]
    results+=("$(printf '%-8s %s' "$1" "$2")")
    echo "$1 $2${3:+: $3}"
}

section() { printf '\n=== %s\n' "$*"; }

# cell PEER DIRECTION VERSION STATUS [DETAIL]: one cell of the closing table,
# also in the list of results.
cell() {
    cells+=("$1|$2|$3|$4")
    record "$4" "$1 $2 [$3]" "${5:-}"
}

# cell_of PEER DIRECTION VERSION RC: the cell for a script's exit code.
cell_of() {
    case "$4" in
        0) cell "$1" "$2" "$3" PASS ;;
        "$EXIT_SKIPPED") cell "$1" "$2" "$3" SKIPPED ;;
        124) cell "$1" "$2" "$3" FAIL "timed out" ;;
        *) cell "$1" "$2" "$3" FAIL "exit $4" ;;
    esac
}

# Seconds left of the budget; the build does not count.
deadline=0
remaining() { echo $((deadline - SECONDS)); }

# bounded MAX_SECONDS CMD...: CMD with a timeout of MAX_SECONDS or what is
# left of the budget, whichever is less; 124 when it ran out.
bounded() {
    local max="$1" left
    shift
    left="$(remaining)"
    [ "$left" -lt "$max" ] && max="$left"
    if [ "$max" -le 0 ]; then
        echo "run.sh: time budget of ${BUDGET} s exhausted before: $*" >&2
        return 124
    fi
    timeout -k 5 "$max" "$@"
}

# start_server NAME LOG PORT_SED CMD...: starts CMD in the background, waits
# (at most 30 s) until a stdout line matches PORT_SED, sets $port.
# Returns 0 up, 77 the server skipped (its reasons printed), 1 failed.
start_server() {
    local name="$1" log="$2" port_sed="$3" pid i rc
    shift 3
    port=""
    : >"$log" # exists before the first look, even if the child is slow to open it
    "$@" >"$log" 2>&1 &
    pid=$!
    server_pids+=("$pid")
    for ((i = 0; i < 300; i++)); do
        port="$(sed -n "$port_sed" "$log" | head -n 1)"
        [ -n "$port" ] && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid"
            rc=$?
            if [ "$rc" -eq "$EXIT_SKIPPED" ]; then
                grep -e '^SKIPPED: ' -e '^=====' "$log" >&2
                return "$EXIT_SKIPPED"
            fi
            echo "$name exited ($rc) before listening:" >&2
            tail -n 20 "$log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "$name: no port within 30 s:" >&2
    tail -n 20 "$log" >&2
    return 1
}

# outcome NAME RC: records a client script's exit code.
outcome() {
    case "$2" in
        0) record PASS "$1" ;;
        "$EXIT_SKIPPED") record SKIPPED "$1" ;;
        124) record FAIL "$1" "timed out" ;;
        *) record FAIL "$1" "exit $2" ;;
    esac
}

loud_skip() {
    echo "=================================================================" >&2
    echo "SKIPPED: $*" >&2
    echo "=================================================================" >&2
}

# ---------------------------------------------------------------- build
section "build the wws examples (calculator host, calculator_client)"
profile_flag=()
[ "${WWS_INTEROP_PROFILE:-dev}" = release ] && profile_flag=(--release)
cd "$REPO_ROOT" || die "cannot cd to $REPO_ROOT"
if ! timeout -k 5 900 cargo build "${profile_flag[@]}" -p wws-examples --bin calculator \
    --bin calculator_client --message-format=json-render-diagnostics \
    >"$work/build.json"; then
    die "cargo build of the examples failed"
fi
exe_of() { sed -n "s|.*\"executable\":\"\\([^\"]*/$1\\)\".*|\\1|p" "$work/build.json" | tail -n 1; }
host_bin="$(exe_of calculator)"
client_bin="$(exe_of calculator_client)"
if [ ! -x "$host_bin" ] || [ ! -x "$client_bin" ]; then
    die "example binaries not found in cargo's output"
fi
target_dir="$(cargo metadata --format-version 1 --no-deps \
    | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
[ -n "$target_dir" ] || die "cargo metadata gave no target_directory"
echo "host:   $host_bin"
echo "client: $client_bin"
deadline=$((SECONDS + BUDGET))

wsdl="$(calculator_wsdl)" || die "calculator.wsdl not found (set WWS_CALCULATOR_WSDL)"

# gSOAP binaries, cached by source hash (shared with tests/tests/interop_proxy.rs).
gsoap_dir=""
gsoap_skip=""
gsoap_rc=0
gsoap_out="$(bounded 120 "$INTEROP_DIR/gsoap_cache.sh" "$target_dir/tmp/interop-gsoap" \
    2>"$work/gsoap-build.log")" || gsoap_rc=$?
case "$gsoap_rc" in
    0)
        gsoap_dir="$(tail -n 1 <<<"$gsoap_out")"
        export WWS_GSOAP_BUILD_DIR="$gsoap_dir" # self_check.py uses the same binaries
        ;;
    "$EXIT_SKIPPED")
        gsoap_skip="$(sed -n 's/^SKIPPED: //p' "$work/gsoap-build.log" | head -n 1)"
        # self_check.py must not find older binaries elsewhere: it skips gSOAP too.
        export WWS_GSOAP_BUILD_DIR="$work/gsoap-missing"
        ;;
    *)
        cat "$work/gsoap-build.log" >&2
        record FAIL "gSOAP build" "gsoap_cache.sh exit $gsoap_rc"
        ;;
esac

# WCF (Mono) and JAX-WS RI servers, built once per source hash like gSOAP.
peer_cache="$target_dir/tmp/interop-peers"
declare -A peer_dir=() peer_skip=() peer_cp=()
build_peer() { # PEER [WSDL_URL]: sets peer_dir / peer_cp or peer_skip
    local peer="$1" rc=0 out
    out="$(bounded 180 "$INTEROP_DIR/peer_cache.sh" "$peer_cache" "$@" 2>"$work/$peer-build.log")" \
        || rc=$?
    case "$rc" in
        0)
            peer_dir[$peer]="$(tail -n 1 <<<"$out")"
            peer_cp[$peer]="$(sed -n 's/^classpath //p' <<<"$out")"
            ;;
        "$EXIT_SKIPPED")
            peer_skip[$peer]="$(sed -n 's/^SKIPPED: //p' "$work/$peer-build.log" | head -n 1)"
            ;;
        *)
            cat "$work/$peer-build.log" >&2
            peer_skip[$peer]=""
            record FAIL "$peer build" "peer_cache.sh exit $rc"
            ;;
    esac
}
build_peer wcf
build_peer jaxws-server
node_path="$(node_soap_path)" || node_path=""
node_skip=""
if ! command -v node >/dev/null; then
    node_skip="node-soap: 'node' not found"
elif [ -z "$node_path" ]; then
    node_skip="node-soap: soap@$NODE_SOAP_VERSION not installed in $(node_soap_dir) (run tests/interop/install.sh)"
fi
# Java's own logging (SAAJ's deprecation warnings) stays quiet.
JAVA=(java -Djava.util.logging.config.file=/dev/null)

# ---------------------------------------------------------------- 1
section "1. self-check: foreign clients against foreign servers (no wws code)"
if ! command -v "$PYTHON" >/dev/null; then
    loud_skip "self-check: $PYTHON not found"
    record SKIPPED "self-check"
else
    bounded 60 "$PYTHON" "$INTEROP_DIR/self_check.py"
    outcome "self-check (zeep, PHP, gSOAP clients -> spyne, gSOAP)" $?
fi

# ---------------------------------------------------------------- 2
# peer_unavailable PEER DIRECTION VERSIONS...: SKIPPED (reason printed) or
# FAIL cells when a peer cannot run; SKIP_REASON says why (empty: a failure).
peer_unavailable() {
    local peer="$1" dir="$2" v
    shift 2
    if [ -n "$SKIP_REASON" ]; then
        loud_skip "$SKIP_REASON"
        for v in "$@"; do cell "$peer" "$dir" "$v" SKIPPED; done
    else
        for v in "$@"; do cell "$peer" "$dir" "$v" FAIL "the peer did not build or start"; done
    fi
}

# cancel_checked PEER VERSION CLIENT_RC OUT [DELAY_MS...]: the client's cell,
# PASS only when its cases passed and the host cancelled each Delay(N) it
# walked away from (cancel-at lines of OUT for those N; all when none given).
cancel_checked() {
    local peer="$1" version="$2" rc="$3" out="$4" ms rc2=0
    shift 4
    if [ "$rc" -ne 0 ]; then
        cell_of "$peer" "$TO_HOST" "$version" "$rc"
        return
    fi
    if [ $# -eq 0 ]; then
        grep '^cancel-at ' "$out" >"$out.cancel"
    else
        : >"$out.cancel"
        for ms in "$@"; do grep "^cancel-at request=Delay($ms) " "$out" >>"$out.cancel"; done
    fi
    bounded 10 "$PYTHON" "$INTEROP_DIR/host_events.py" "$out.cancel" "$work/host.log" || rc2=$?
    if [ "$rc2" -eq 0 ]; then
        cell "$peer" "$TO_HOST" "$version" PASS
    else
        cell "$peer" "$TO_HOST" "$version" FAIL "the host did not report the cancellation"
    fi
}

# mode_rc OUT TAG: 1 when OUT has a FAIL line of TAG ("[soap11]"), else 0.
mode_rc() { if grep -qF "FAIL $2 " "$1"; then echo 1; else echo 0; fi; }

section "2. foreign clients -> wws-host calculator example"
host_rc=0
start_server "wws-host calculator" "$work/host.log" \
    's|^ *SOAP 1\.1 *http://127\.0\.0\.1:\([0-9]*\)/calculator$|\1|p' \
    env RUST_LOG=warn "$host_bin" --listen 127.0.0.1:0 --report-events || host_rc=$?
if [ "$host_rc" -ne 0 ]; then
    record FAIL "wws-host calculator example starts"
    for peer in zeep PHP gSOAP WCF JAX-WS node-soap; do
        cell "$peer" "$TO_HOST" "all" FAIL "the wws host did not start"
    done
else
    host_pid="${server_pids[-1]}"
    base="http://127.0.0.1:$port"
    wsdl_url="$base/calculator?wsdl"
    echo "wws host: $wsdl_url"
    for version in 1.1 1.2; do
        echo "--- zeep -> wws host [$version]"
        if command -v "$PYTHON" >/dev/null; then
            bounded 60 "$PYTHON" "$INTEROP_DIR/zeep_client.py" "$wsdl_url" --version "$version"
            cell_of zeep "$TO_HOST" "$version" $?
        else
            SKIP_REASON="zeep: $PYTHON not found" peer_unavailable zeep "$TO_HOST" "$version"
        fi
        echo "--- PHP ext/soap -> wws host [$version]"
        if command -v php >/dev/null; then
            bounded 60 php "$INTEROP_DIR/php_client.php" "$wsdl_url" "$version"
            cell_of PHP "$TO_HOST" "$version" $?
        else
            SKIP_REASON="PHP: 'php' not found (run tests/interop/install.sh)" \
                peer_unavailable PHP "$TO_HOST" "$version"
        fi
        path=/calculator
        [ "$version" = 1.2 ] && path=/calculator12
        echo "--- gSOAP client -> wws host [$version]"
        if [ -n "$gsoap_dir" ]; then
            bounded 60 "$gsoap_dir/calc_client" "$base$path" "$version"
            cell_of gSOAP "$TO_HOST" "$version" $?
        else
            SKIP_REASON="$gsoap_skip" peer_unavailable gSOAP "$TO_HOST" "$version"
        fi
    done

    # WCF: one run per binding; each aborts a Delay(N) of its own.
    declare -A wcf_versions=([soap11]=1.1 [soap12]=1.2 [soap12-wsa10]=1.2+WSA [soap12-wsa2004]=1.2+WSA2004)
    n=30000
    for binding in soap11 soap12 soap12-wsa10 soap12-wsa2004; do
        version="${wcf_versions[$binding]}"
        n=$((n + 1))
        echo "--- WCF (Mono) client -> wws host [$binding]"
        if [ -n "${peer_dir[wcf]:-}" ]; then
            rc=0
            bounded 60 mono "${peer_dir[wcf]}/wcf_client.exe" "$base" "$binding" --cancel-ms "$n" \
                | tee "$work/wcf-$binding.out" || rc=$?
            cancel_checked WCF "$version" "$rc" "$work/wcf-$binding.out"
        else
            SKIP_REASON="${peer_skip[wcf]:-}" peer_unavailable WCF "$TO_HOST" "$version"
        fi
    done

    # JAX-WS: wsimport from this host's ?wsdl, one JVM for every mode.
    echo "--- JAX-WS RI client -> wws host [soap11, soap11-wsa, soap12, soap12-wsa]"
    jaxws_modes=(soap11 soap11-wsa soap12 soap12-wsa)
    declare -A jaxws_versions=([soap11]=1.1 [soap11-wsa]=1.1+WSA [soap12]=1.2 [soap12-wsa]=1.2+WSA)
    build_peer jaxws-client "$wsdl_url"
    if [ -n "${peer_dir[jaxws-client]:-}" ]; then
        rc=0
        bounded 90 "${JAVA[@]}" -cp "${peer_cp[jaxws-client]}" Client "$wsdl_url" \
            "$(IFS=,; echo "${jaxws_modes[*]}")" --cancel-ms 31000 | tee "$work/jaxws.out" || rc=$?
        k=0
        for mode in "${jaxws_modes[@]}"; do
            mrc="$(mode_rc "$work/jaxws.out" "[$mode]")"
            # a crash of the JVM fails every mode
            [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && mrc="$rc"
            grep -q "^PASS \[$mode\] " "$work/jaxws.out" || mrc=1
            cancel_checked JAX-WS "${jaxws_versions[$mode]}" "$mrc" "$work/jaxws.out" $((31000 + k))
            k=$((k + 1))
        done
    else
        SKIP_REASON="${peer_skip[jaxws-client]:-}" peer_unavailable JAX-WS "$TO_HOST" \
            1.1 1.1+WSA 1.2 1.2+WSA
    fi

    echo "--- node-soap client -> wws host [1.1, 1.2]"
    if [ -z "$node_skip" ]; then
        rc=0
        NODE_PATH="$node_path" bounded 60 node "$INTEROP_DIR/node/client.js" "$wsdl_url" both \
            --cancel-ms 32000 | tee "$work/node.out" || rc=$?
        for version in 1.1 1.2; do
            mrc="$(mode_rc "$work/node.out" "[$version]")"
            [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && mrc="$rc"
            grep -q "^PASS \[$version\] " "$work/node.out" || mrc=1
            if [ "$version" = 1.1 ]; then
                cancel_checked node-soap "$version" "$mrc" "$work/node.out" 32001 32002
            else
                cancel_checked node-soap "$version" "$mrc" "$work/node.out" 32003 32004
            fi
        done
    else
        SKIP_REASON="$node_skip" peer_unavailable node-soap "$TO_HOST" 1.1 1.2
    fi

    # Ctrl-C closes the host gracefully; it must end promptly with status 0.
    kill -INT "$host_pid"
    closed=0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$host_pid" 2>/dev/null || { closed=1; break; }
        sleep 0.1
    done
    if [ "$closed" -eq 1 ] && wait "$host_pid"; then
        record PASS "wws host closes on Ctrl-C (exit 0)"
    else
        tail -n 20 "$work/host.log" >&2
        record FAIL "wws host closes on Ctrl-C (exit 0)" "still running after 10 s or non-zero exit"
    fi
fi
stop_servers

# ---------------------------------------------------------------- 3
# client_case NAME URL FLAGS WANT_RC WANT_STDOUT ARGS...: FLAGS is a
# space-separated list of calculator_client options (--soap12, --wsa).
client_case() {
    local name="$1" url="$2" flags_s="$3" want_rc="$4" want="$5" rc got
    shift 5
    local flags=(--url "$url")
    # shellcheck disable=SC2206 # word splitting of the option list is meant
    [ -n "$flags_s" ] && flags+=($flags_s)
    rc=0
    bounded 30 "$client_bin" "${flags[@]}" "$@" >"$work/client.out" 2>"$work/client.err" || rc=$?
    got="$(cat "$work/client.out")"
    if [ "$rc" -eq "$want_rc" ] && [ "$got" = "$want" ]; then
        echo "PASS $name"
        return 0
    fi
    local shown="$got"
    [ "${#shown}" -gt 100 ] && shown="${#got} chars"
    echo "FAIL $name: exit $rc (want $want_rc), stdout '$shown', stderr: $(head -c 500 "$work/client.err")"
    return 1
}

# same_double GOT WANT: the same xs:double value, the sign of zero included.
same_double() {
    "$PYTHON" -c 'import math, sys
g, w = float(sys.argv[1]), float(sys.argv[2])
sys.exit(0 if g == w and math.copysign(1, g) == math.copysign(1, w) else 1)' "$1" "$2" 2>/dev/null
}

# number_case NAME URL FLAGS WANT A B [ZERO_NOTE]: add A B gives WANT (as a
# double); ZERO_NOTE: the peer is known to write -0 as 0 (README), accepted.
number_case() {
    local name="$1" url="$2" flags_s="$3" want="$4" a="$5" b="$6" note="${7:-}" rc=0 got
    local flags=(--url "$url")
    # shellcheck disable=SC2206
    [ -n "$flags_s" ] && flags+=($flags_s)
    bounded 30 "$client_bin" "${flags[@]}" add "$a" "$b" >"$work/client.out" 2>"$work/client.err" || rc=$?
    got="$(cat "$work/client.out")"
    if [ "$rc" -eq 0 ] && same_double "$got" "$want"; then
        echo "PASS $name"
        return 0
    fi
    if [ "$rc" -eq 0 ] && [ -n "$note" ] && same_double "$got" 0 && same_double "$want" -0; then
        echo "PASS $name: $note"
        return 0
    fi
    echo "FAIL $name: exit $rc, stdout '${got:0:60}', stderr: $(head -c 300 "$work/client.err")"
    return 1
}

# elapsed_ms T0_NS: milliseconds since T0_NS (date +%s%N).
elapsed_ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

# client_cases PEER VERSION URL FLAGS: every case against one endpoint;
# prints PASS/FAIL lines, returns the failure count.
client_cases() {
    local peer="$1" version="$2" url="$3" flags_s="$4" fault_code=Client failures=0 t0 ms rc
    local v="[$version]" zero_note=""
    case "$version" in 1.2*) fault_code=Sender ;; esac
    [ "$peer" = node-soap ] && zero_note="node-soap writes -0 as 0 (JavaScript String(-0)), README"
    client_case "$v add 1.5 2.25 = 3.75" "$url" "$flags_s" 0 3.75 add 1.5 2.25 || ((failures++))
    number_case "$v add 1e308 0 = 1e308" "$url" "$flags_s" 1e308 1e308 0 || ((failures++))
    number_case "$v add -0 -0 = -0" "$url" "$flags_s" -0 -0 -0 "$zero_note" || ((failures++))
    number_case "$v add 5e-324 0 = 5e-324" "$url" "$flags_s" 5e-324 5e-324 0 || ((failures++))
    client_case "$v divide 1 4 = 0.25" "$url" "$flags_s" 0 0.25 divide 1 4 || ((failures++))
    client_case "$v divide 1 0: fault reason, exit 1" "$url" "$flags_s" 1 \
        "fault: $fault_code: division by zero" divide 1 0 || ((failures++))
    client_case "$v add 2 3 = 5 after the fault" "$url" "$flags_s" 0 5 add 2 3 || ((failures++))
    client_case "$v echo special and non-ASCII" "$url" "$flags_s" 0 "$SPECIAL_TEXT" \
        echo "$SPECIAL_TEXT" || ((failures++))
    client_case "$v echo empty" "$url" "$flags_s" 0 "" echo "" || ((failures++))
    client_case "$v echo 64 KiB" "$url" "$flags_s" 0 "$LARGE_TEXT" echo "$LARGE_TEXT" \
        || ((failures++))
    t0="$(date +%s%N)"
    if client_case "$v delay 50 = 50" "$url" "$flags_s" 0 50 delay 50; then
        ms="$(elapsed_ms "$t0")"
        if [ "$ms" -lt 50 ]; then
            echo "FAIL $v delay 50 took $ms ms, less than 50"
            ((failures++))
        fi
    else
        ((failures++))
    fi
    # Abandoned: Ctrl-C during a Delay(3000) ends the client at once (exit 130).
    local flags=(--url "$url")
    # shellcheck disable=SC2206
    [ -n "$flags_s" ] && flags+=($flags_s)
    t0="$(date +%s%N)"
    # timeout itself, not the bounded function: an asynchronous subshell
    # ignores SIGINT, timeout forwards it to the client.
    timeout -k 5 30 "$client_bin" "${flags[@]}" delay 3000 >"$work/abandon.out" 2>&1 &
    local abandon_pid=$!
    sleep 0.5
    kill -INT "$abandon_pid" 2>/dev/null
    rc=0
    wait "$abandon_pid" || rc=$?
    ms="$(elapsed_ms "$t0")"
    if [ "$rc" -eq 130 ] && [ "$ms" -lt 1500 ]; then
        echo "PASS $v delay 3000 abandoned (Ctrl-C) after 500 ms: exit 130 after $ms ms"
    else
        echo "FAIL $v delay 3000 abandoned after 500 ms: exit $rc after $ms ms: $(head -c 300 "$work/abandon.out")"
        ((failures++))
    fi
    t0="$(date +%s%N)"
    rc=0
    bounded 30 "$client_bin" "${flags[@]}" --timeout 0.5 delay 3000 >"$work/client.out" \
        2>"$work/client.err" || rc=$?
    ms="$(elapsed_ms "$t0")"
    if [ "$rc" -eq 1 ] && grep -q "timed out" "$work/client.err" && [ "$ms" -lt 1500 ]; then
        echo "PASS $v --timeout 0.5 delay 3000: timed out after $ms ms"
    else
        echo "FAIL $v --timeout 0.5 delay 3000: exit $rc after $ms ms: $(head -c 300 "$work/client.err")"
        ((failures++))
    fi
    client_case "$v add 1 2 = 3 after the abandon and the timeout" "$url" "$flags_s" 0 3 add 1 2 \
        || ((failures++))
    return "$failures"
}

section "3. wws-proxy calculator_client -> foreign servers"
# Each line: PEER SERVER_KIND then VERSION=PATH:FLAGS entries.
servers=(
    "gSOAP gsoap 1.1=/calculator: 1.2=/calculator12:--soap12"
    "gSOAP-fixed gsoap-proper-soap11 1.1=/calculator: 1.2=/calculator12:--soap12"
    "spyne spyne 1.1=/calculator: 1.2=/calculator12:--soap12"
    "WCF wcf 1.1=/calculator: 1.2=/calculator12:--soap12 1.2+WSA=/calculator12wsa:--soap12,--wsa"
    "JAX-WS jaxws 1.1=/calculator: 1.2=/calculator12:--soap12 1.1+WSA=/calculator:--wsa 1.2+WSA=/calculator12:--soap12,--wsa"
    "node-soap node 1.1=/calculator: 1.2=/calculator12:--soap12"
)
for line in "${servers[@]}"; do
    read -r peer kind specs <<<"$line"
    read -r -a specs <<<"$specs"
    versions=()
    for spec in "${specs[@]}"; do versions+=("${spec%%=*}"); done
    echo "--- calculator_client -> $peer server [${versions[*]}]"
    argv=()
    SKIP_REASON=""
    case "$kind" in
        gsoap*)
            if [ -n "$gsoap_dir" ]; then
                argv=("$gsoap_dir/calc_server")
                [ "$kind" = gsoap-proper-soap11 ] && argv+=(--proper-soap11)
                argv+=(0 "$wsdl")
            else
                SKIP_REASON="$gsoap_skip"
            fi
            ;;
        spyne)
            if command -v "$PYTHON" >/dev/null; then
                argv=("$PYTHON" "$INTEROP_DIR/spyne_server.py" 0 --wsdl "$wsdl")
            else
                SKIP_REASON="spyne: $PYTHON not found"
            fi
            ;;
        wcf)
            if [ -n "${peer_dir[wcf]:-}" ]; then
                argv=(mono "${peer_dir[wcf]}/wcf_server.exe" 0)
            else
                SKIP_REASON="${peer_skip[wcf]:-}"
            fi
            ;;
        jaxws)
            if [ -n "${peer_dir[jaxws-server]:-}" ]; then
                argv=("${JAVA[@]}" -cp "${peer_cp[jaxws-server]}" Server 0)
            else
                SKIP_REASON="${peer_skip[jaxws-server]:-}"
            fi
            ;;
        node)
            if [ -z "$node_skip" ]; then
                argv=(env NODE_PATH="$node_path" node "$INTEROP_DIR/node/server.js" 0 "$wsdl")
            else
                SKIP_REASON="$node_skip"
            fi
            ;;
    esac
    if [ "${#argv[@]}" -eq 0 ]; then
        peer_unavailable "$peer" "$TO_PEER" "${versions[@]}"
        continue
    fi
    rc=0
    start_server "$peer" "$work/$kind.log" 's/^listening on \([0-9]*\)$/\1/p' "${argv[@]}" \
        || rc=$?
    case "$rc" in
        0)
            for spec in "${specs[@]}"; do
                version="${spec%%=*}"
                rest="${spec#*=}"
                path="${rest%%:*}"
                flags="${rest#*:}"
                failures=0
                client_cases "$peer" "$version" "http://127.0.0.1:$port$path" "${flags//,/ }" \
                    || failures=$?
                if [ "$failures" -eq 0 ]; then
                    cell "$peer" "$TO_PEER" "$version" PASS
                else
                    cell "$peer" "$TO_PEER" "$version" FAIL "$failures cases failed"
                fi
            done
            ;;
        "$EXIT_SKIPPED")
            for version in "${versions[@]}"; do cell "$peer" "$TO_PEER" "$version" SKIPPED; done
            ;;
        *)
            for version in "${versions[@]}"; do
                cell "$peer" "$TO_PEER" "$version" FAIL "server did not start"
            done
            ;;
    esac
    stop_servers
done

# ---------------------------------------------------------------- summary
section "interop summary (run.sh, $SECONDS s)"
printf '%s\n' "${results[@]}"
echo
echo "peer × direction × SOAP version"
printf '| %-11s | %-20s | %-11s | %-7s |\n' peer direction SOAP result
printf '|%s|%s|%s|%s|\n' "-------------" "----------------------" "-------------" "---------"
for c in "${cells[@]}"; do
    IFS='|' read -r c_peer c_dir c_version c_status <<<"$c"
    printf '| %-11s | %-20s | %-11s | %-7s |\n' "$c_peer" "$c_dir" "$c_version" "$c_status"
done
passed="$(printf '%s\n' "${cells[@]}" | grep -c '|PASS$')"
failed="$(printf '%s\n' "${cells[@]}" | grep -c '|FAIL$')"
skipped="$(printf '%s\n' "${cells[@]}" | grep -c '|SKIPPED$')"
echo "cells: $passed passed, $failed failed, $skipped skipped"
if printf '%s\n' "${results[@]}" | grep -q '^FAIL'; then
    echo "interop: FAILED" >&2
    exit 1
fi
if printf '%s\n' "${results[@]}" | grep -q '^SKIPPED'; then
    echo "=================================================================" >&2
    echo "SKIPPED: interop: some peers are missing here (reasons above); the rest passed" >&2
    echo "=================================================================" >&2
    exit "$EXIT_SKIPPED"
fi
echo "interop: all passed"
