#!/usr/bin/env python3
"""Check the foreign peers against each other, without any wws code.

Usage: self_check.py

Runs the zeep, PHP and gSOAP clients against the spyne server and the gSOAP
server, SOAP 1.1 and 1.2, so a broken peer installation is found before it is
blamed on wws. The stock gSOAP server is checked over SOAP 1.2 only: its
SOAP 1.1 faults have the 1.2 shape (see README.md), which no client here
reads; its SOAP 1.1 side is checked with --proper-soap11.

Exit: 0 every available pairing passed, 1 a pairing failed, 77 nothing could
run (every peer SKIPPED).
"""

import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import peers  # noqa: E402


def main():
    results = []  # (pairing, status)
    servers = [
        ("spyne", lambda: peers.spyne_server(), ["1.1", "1.2"]),
        ("gsoap --proper-soap11", lambda: peers.gsoap_server(proper_soap11=True), ["1.1", "1.2"]),
        ("gsoap (stock)", lambda: peers.gsoap_server(), ["1.2"]),
    ]
    for server_name, start, versions in servers:
        try:
            server = start()
        except peers.Skipped as why:
            peers.banner_skipped(str(why))
            results.append((f"* -> {server_name}", "SKIPPED"))
            continue
        except RuntimeError as err:
            print(f"FAIL starting {server_name}: {err}")
            results.append((f"* -> {server_name}", "FAIL"))
            continue
        with server:
            wsdl_url = f"{server.base_url}/calculator?wsdl"
            for client in ("zeep", "php", "gsoap"):
                for version in versions:
                    pairing = f"{client} [{version}] -> {server_name}"
                    print(f"--- {pairing}", flush=True)
                    try:
                        if client == "gsoap":
                            path = "/calculator" if version == "1.1" else "/calculator12"
                            argv = [os.path.join(peers.build_gsoap(), "calc_client"),
                                    server.base_url + path, version]
                        else:
                            argv = peers.client_command(client, wsdl_url, version)
                    except peers.Skipped as why:
                        peers.banner_skipped(str(why))
                        results.append((pairing, "SKIPPED"))
                        continue
                    rc = peers.run_client(argv)
                    status = {0: "PASS", peers.EXIT_SKIPPED: "SKIPPED"}.get(rc, "FAIL")
                    results.append((pairing, status))

    print("\n=== interop self-check")
    for pairing, status in results:
        print(f"{status:8} {pairing}")
    if any(s == "FAIL" for _, s in results):
        return 1
    if all(s == "SKIPPED" for _, s in results):
        return peers.EXIT_SKIPPED
    return 0


if __name__ == "__main__":
    sys.exit(main())
