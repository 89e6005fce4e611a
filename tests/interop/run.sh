#!/usr/bin/env bash
# The script-driven interop cases of issue 6 (run by `cargo xtask interop` and,
# after the Rust tests, by `cargo xtask ci`).
#
# Usage: tests/interop/run.sh
#   1. self-check: the foreign peers against each other (self_check.py, no
#      wws code), so a broken peer is not blamed on wws.
#   2. foreign clients -> our host: starts the wws-host `calculator` example
#      on a free loopback port and runs zeep_client.py and php_client.php
#      against its ?wsdl, and gSOAP's calc_client against its addresses,
#      SOAP 1.1 and 1.2, every case (README.md, "Cases").
#   3. our client -> foreign servers: the wws-proxy `calculator_client`
#      example against gSOAP (stock and --proper-soap11) and spyne, every
#      operation over SOAP 1.1 and 1.2, stdout and exit code checked.
#   The typed-proxy cases (abandon included) are Rust tests,
#   tests/tests/interop_proxy.rs, which start the same servers themselves.
#
# Env: WWS_INTEROP_PROFILE=release builds the examples with --release
#   (default: the dev profile, already built by `cargo test`);
#   WWS_INTEROP_BUDGET: seconds for everything after the build (default 150).
# Every server is started here and stopped on exit (trap), whatever happens.
# Exit: 0 all passed, 1 something failed (a present peer or our side),
#   77 some part SKIPPED (reason printed between ===== lines) and none failed.
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PYTHON="${PYTHON:-python3}"
BUDGET="${WWS_INTEROP_BUDGET:-150}"
SPECIAL_TEXT="héllo <&> \"' ünïcødé ✓"
# An argv string is limited to 128 KiB on Linux; the 1 MiB Echo is a Rust test.
LARGE_TEXT="$(head -c 65536 /dev/zero | tr '\0' 'x')"

work="$(mktemp -d "${TMPDIR:-/tmp}/wws-interop-run.XXXXXX")" || die "mktemp failed"
server_pids=()
results=()

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
section "2. foreign clients -> wws-host calculator example"
host_rc=0
start_server "wws-host calculator" "$work/host.log" \
    's|^ *SOAP 1\.1 *http://127\.0\.0\.1:\([0-9]*\)/calculator$|\1|p' \
    env RUST_LOG=warn "$host_bin" --listen 127.0.0.1:0 || host_rc=$?
if [ "$host_rc" -ne 0 ]; then
    record FAIL "wws-host calculator example starts"
else
    host_pid="${server_pids[-1]}"
    wsdl_url="http://127.0.0.1:$port/calculator?wsdl"
    echo "wws host: $wsdl_url"
    echo "--- zeep -> wws host [1.1, 1.2]"
    if command -v "$PYTHON" >/dev/null; then
        bounded 60 "$PYTHON" "$INTEROP_DIR/zeep_client.py" "$wsdl_url" --version both
        outcome "zeep -> wws host (1.1, 1.2)" $?
    else
        loud_skip "zeep: $PYTHON not found"
        record SKIPPED "zeep -> wws host (1.1, 1.2)"
    fi
    echo "--- PHP ext/soap -> wws host [1.1, 1.2]"
    if command -v php >/dev/null; then
        bounded 60 php "$INTEROP_DIR/php_client.php" "$wsdl_url" both
        outcome "PHP ext/soap -> wws host (1.1, 1.2)" $?
    else
        loud_skip "PHP: 'php' not found (run tests/interop/install.sh)"
        record SKIPPED "PHP ext/soap -> wws host (1.1, 1.2)"
    fi
    for version in 1.1 1.2; do
        path=/calculator
        [ "$version" = 1.2 ] && path=/calculator12
        echo "--- gSOAP client -> wws host [$version]"
        if [ -n "$gsoap_dir" ]; then
            bounded 60 "$gsoap_dir/calc_client" "http://127.0.0.1:$port$path" "$version"
            outcome "gSOAP client -> wws host ($version)" $?
        elif [ -n "$gsoap_skip" ]; then
            loud_skip "$gsoap_skip"
            record SKIPPED "gSOAP client -> wws host ($version)"
        else
            record FAIL "gSOAP client -> wws host ($version)" "gSOAP did not build"
        fi
    done
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
# client_case NAME URL VERSION WANT_RC WANT_STDOUT ARGS...
client_case() {
    local name="$1" url="$2" version="$3" want_rc="$4" want="$5" rc got
    shift 5
    local flags=(--url "$url")
    [ "$version" = 1.2 ] && flags+=(--soap12)
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

# client_cases BASE_URL: every operation, SOAP 1.1 and 1.2; returns the failure count.
client_cases() {
    local base="$1" version url fault_code failures=0 t0 ms
    for version in 1.1 1.2; do
        url="$base/calculator"
        fault_code=Client
        if [ "$version" = 1.2 ]; then
            url="$base/calculator12"
            fault_code=Sender
        fi
        local v="[$version]"
        client_case "$v add 1.5 2.25 = 3.75" "$url" "$version" 0 3.75 add 1.5 2.25 || ((failures++))
        client_case "$v divide 1 4 = 0.25" "$url" "$version" 0 0.25 divide 1 4 || ((failures++))
        client_case "$v divide 1 0: fault reason, exit 1" "$url" "$version" 1 \
            "fault: $fault_code: division by zero" divide 1 0 || ((failures++))
        client_case "$v echo special and non-ASCII" "$url" "$version" 0 "$SPECIAL_TEXT" \
            echo "$SPECIAL_TEXT" || ((failures++))
        client_case "$v echo empty" "$url" "$version" 0 "" echo "" || ((failures++))
        client_case "$v echo 64 KiB" "$url" "$version" 0 "$LARGE_TEXT" echo "$LARGE_TEXT" \
            || ((failures++))
        t0="$(date +%s%N)"
        if client_case "$v delay 50 = 50" "$url" "$version" 0 50 delay 50; then
            ms=$((($(date +%s%N) - t0) / 1000000))
            if [ "$ms" -lt 50 ]; then
                echo "FAIL $v delay 50 took $ms ms, less than 50"
                ((failures++))
            fi
        else
            ((failures++))
        fi
    done
    return "$failures"
}

section "3. wws-proxy calculator_client -> foreign servers"
for server in gsoap gsoap-proper-soap11 spyne; do
    name="calculator_client -> $server (1.1, 1.2)"
    echo "--- $name"
    case "$server" in
        gsoap*)
            if [ -z "$gsoap_dir" ]; then
                if [ -n "$gsoap_skip" ]; then
                    loud_skip "$gsoap_skip"
                    record SKIPPED "$name"
                else
                    record FAIL "$name" "gSOAP did not build"
                fi
                continue
            fi
            argv=("$gsoap_dir/calc_server")
            [ "$server" = gsoap-proper-soap11 ] && argv+=(--proper-soap11)
            argv+=(0 "$wsdl")
            ;;
        spyne)
            if ! command -v "$PYTHON" >/dev/null; then
                loud_skip "spyne: $PYTHON not found"
                record SKIPPED "$name"
                continue
            fi
            argv=("$PYTHON" "$INTEROP_DIR/spyne_server.py" 0 --wsdl "$wsdl")
            ;;
    esac
    rc=0
    start_server "$server" "$work/$server.log" 's/^listening on \([0-9]*\)$/\1/p' "${argv[@]}" \
        || rc=$?
    case "$rc" in
        0)
            failures=0
            client_cases "http://127.0.0.1:$port" || failures=$?
            if [ "$failures" -eq 0 ]; then
                record PASS "$name"
            else
                record FAIL "$name" "$failures cases failed"
            fi
            ;;
        "$EXIT_SKIPPED") record SKIPPED "$name" ;;
        *) record FAIL "$name" "server did not start" ;;
    esac
    stop_servers
done

# ---------------------------------------------------------------- summary
section "interop summary (run.sh, $SECONDS s)"
printf '%s\n' "${results[@]}"
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
