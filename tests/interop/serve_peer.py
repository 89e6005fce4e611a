#!/usr/bin/env python3
"""Start one foreign calculator server in the foreground (for xtask and benches).

Usage: serve_peer.py gsoap|gsoap-proper-soap11|spyne [PORT]

Builds the gSOAP server if needed, then replaces this process with the server
(same pid, so the caller can stop it with one signal). The server listens on
127.0.0.1:PORT (default 0 = any free port), prints "listening on <port>",
serves SOAP 1.1 at /calculator, SOAP 1.2 at /calculator12 and the contract
WSDL at ?wsdl. gsoap: keep-alive, a thread per connection, stock gSOAP SOAP 1.1
answers (1.2-shaped faults, see README.md); gsoap-proper-soap11: plain SOAP 1.1
answers to 1.1 requests. spyne: HTTP/1.0, a thread per request.

Exit: 1 build failed, 2 usage, 77 SKIPPED; otherwise the server's own.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import peers  # noqa: E402


def main():
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in ("gsoap", "gsoap-proper-soap11", "spyne"):
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    port = sys.argv[2] if len(sys.argv) == 3 else "0"
    if not port.isdigit() or int(port) > 65535:
        print(f"bad port: {port}", file=sys.stderr)
        return 2
    try:
        wsdl = peers.calculator_wsdl()
        if sys.argv[1] == "spyne":
            argv = [sys.executable, os.path.join(peers.HERE, "spyne_server.py"), port,
                    "--wsdl", wsdl]
        else:
            argv = [os.path.join(peers.build_gsoap(), "calc_server")]
            if sys.argv[1] == "gsoap-proper-soap11":
                argv.append("--proper-soap11")
            argv += [port, wsdl]
    except peers.Skipped as why:
        peers.banner_skipped(str(why))
        return peers.EXIT_SKIPPED
    except (RuntimeError, FileNotFoundError) as err:
        print(f"FAIL: {err}", file=sys.stderr)
        return 1
    sys.stdout.flush()
    os.execv(argv[0], argv)


if __name__ == "__main__":
    sys.exit(main())
