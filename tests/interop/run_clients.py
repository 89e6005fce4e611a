#!/usr/bin/env python3
"""Run the foreign clients (zeep, PHP ext/soap) against a calculator service.

Usage: run_clients.py WSDL_URL [--version 1.1|1.2|both] [--client zeep|php ...]

WSDL_URL is the service's ?wsdl (e.g. http://127.0.0.1:PORT/calculator?wsdl,
as the wws example host serves it). Each client binds CalculatorSoap11Port
and/or CalculatorSoap12Port from that WSDL and runs every case.

Exit: 0 every available client passed, 1 a client failed, 2 usage,
77 no client could run (all SKIPPED; reasons printed).
"""

import argparse
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import peers  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wsdl_url")
    parser.add_argument("--version", choices=["1.1", "1.2", "both"], default="both")
    parser.add_argument("--client", action="append", choices=["zeep", "php"],
                        help="run only these clients (default: all)")
    args = parser.parse_args()

    results = []
    for client in args.client or ["zeep", "php"]:
        print(f"--- {client} -> {args.wsdl_url} [{args.version}]", flush=True)
        try:
            argv = peers.client_command(client, args.wsdl_url, args.version)
        except peers.Skipped as why:
            peers.banner_skipped(str(why))
            results.append((client, "SKIPPED"))
            continue
        rc = peers.run_client(argv)
        results.append((client, {0: "PASS", peers.EXIT_SKIPPED: "SKIPPED"}.get(rc, "FAIL")))

    print("\n=== foreign clients")
    for client, status in results:
        print(f"{status:8} {client}")
    if any(s == "FAIL" for _, s in results):
        return 1
    if all(s == "SKIPPED" for _, s in results):
        return peers.EXIT_SKIPPED
    return 0


if __name__ == "__main__":
    sys.exit(main())
