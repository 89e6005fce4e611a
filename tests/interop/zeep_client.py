#!/usr/bin/env python3
"""zeep client of the wws calculator contract (interop peer).

Usage: zeep_client.py WSDL_URL [--version 1.1|1.2|both]

Loads the WSDL from WSDL_URL (e.g. http://127.0.0.1:PORT/calculator?wsdl),
binds CalculatorService/CalculatorSoap11Port and/or CalculatorSoap12Port and
calls every operation, printing PASS/FAIL per case.

Exit: 0 all passed, 1 any failure, 2 usage, 77 SKIPPED (zeep not importable).
"""

import argparse
import sys
import time

EXIT_SKIPPED = 77
SERVICE = "CalculatorService"
PORTS = {"1.1": "CalculatorSoap11Port", "1.2": "CalculatorSoap12Port"}
ENVELOPE_NS = {"1.1": "http://schemas.xmlsoap.org/soap/envelope/",
               "1.2": "http://www.w3.org/2003/05/soap-envelope"}
TNS = "http://example.org/wws/calculator"
SPECIAL_TEXT = "héllo <&> \"' ünïcødé ✓"
LARGE_TEXT = "x" * (1024 * 1024)

try:
    import zeep
    from zeep.exceptions import Fault
    from zeep.plugins import HistoryPlugin
    from zeep.transports import Transport
except Exception as exc:
    print("=" * 65, file=sys.stderr)
    print(f"SKIPPED: zeep cannot be imported: {exc!r}", file=sys.stderr)
    print("=" * 65, file=sys.stderr)
    sys.exit(EXIT_SKIPPED)


class Cases:
    def __init__(self):
        self.failures = 0

    def report(self, name, ok, detail=""):
        print(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
        if not ok:
            self.failures += 1

    def run(self, name, fn):
        """Run one case; any exception other than what fn expects is a failure."""
        try:
            ok, detail = fn()
        except Exception as exc:  # a case must never abort the others
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        self.report(name, ok, detail)


def received_text_element(history, version):
    """The <text> element of the last EchoResponse as received, or None."""
    envelope = history.last_received["envelope"]
    body = envelope.find(f"{{{ENVELOPE_NS[version]}}}Body")
    if body is None:
        return None
    return body.find(f"{{{TNS}}}EchoResponse/{{{TNS}}}text")


def run_version(client, history, version, cases):
    svc = client.bind(SERVICE, PORTS[version])
    v = f"[{version}]"

    def add():
        result = svc.Add(a=1.5, b=2.25)
        return result == 3.75, f"result {result!r}"

    def divide_fault():
        try:
            result = svc.Divide(a=1, b=0)
        except Fault as fault:
            return fault.message == "division by zero", f"fault reason {fault.message!r}"
        return False, f"no fault, result {result!r}"

    def echo(text):
        def case():
            result = svc.Echo(text=text)
            if result == text:
                return True, ""
            if text == "" and result is None:
                # zeep maps an empty element to None; accept only if the
                # server really sent <text></text> (present, not nil, no content).
                el = received_text_element(history, version)
                nil = el is not None and el.get(
                    "{http://www.w3.org/2001/XMLSchema-instance}nil") in ("true", "1")
                if el is not None and not nil and not (el.text or "") and len(el) == 0:
                    return True, "zeep returned None for an empty <text/> element (accepted)"
                return False, "zeep returned None and the element was missing or nil"
            shown = result if result is None or len(result) < 80 else f"{len(result)} chars"
            return False, f"got {shown!r}"
        return case

    def delay():
        start = time.monotonic()
        result = svc.Delay(milliseconds=50)
        elapsed = time.monotonic() - start
        return result == 50 and elapsed >= 0.05, f"result {result!r} after {elapsed * 1000:.0f} ms"

    cases.run(f"{v} Add(1.5, 2.25) = 3.75", add)
    cases.run(f"{v} Divide(1, 0) raises Fault 'division by zero'", divide_fault)
    cases.run(f"{v} Echo(special and non-ASCII)", echo(SPECIAL_TEXT))
    cases.run(f"{v} Echo(empty)", echo(""))
    cases.run(f"{v} Echo(1 MiB)", echo(LARGE_TEXT))
    cases.run(f"{v} Delay(50) = 50", delay)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wsdl_url")
    parser.add_argument("--version", choices=["1.1", "1.2", "both"], default="both")
    args = parser.parse_args()

    history = HistoryPlugin()
    transport = Transport(timeout=30, operation_timeout=30)
    # Huge text nodes (the 1 MiB Echo) need lxml's huge_tree.
    settings = zeep.Settings(xml_huge_tree=True)
    cases = Cases()
    try:
        client = zeep.Client(args.wsdl_url, transport=transport, plugins=[history],
                             settings=settings)
    except Exception as exc:
        cases.report(f"load WSDL {args.wsdl_url}", False, f"{type(exc).__name__}: {exc}")
        return 1
    versions = ["1.1", "1.2"] if args.version == "both" else [args.version]
    for version in versions:
        try:
            run_version(client, history, version, cases)
        except Exception as exc:
            cases.report(f"[{version}] bind {PORTS[version]}", False, f"{type(exc).__name__}: {exc}")
    print(f"zeep {zeep.__version__}: {'all passed' if cases.failures == 0 else f'{cases.failures} failed'}")
    return 0 if cases.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
