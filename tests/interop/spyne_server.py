#!/usr/bin/env python3
"""spyne calculator server of the wws reference contract (interop peer).

Usage: spyne_server.py PORT [--wsdl FILE]

Serves SOAP 1.1 at /calculator and SOAP 1.2 at /calculator12 on
127.0.0.1:PORT (0 = any free port), one thread per connection (wsgiref,
HTTP/1.0: no keep-alive), and prints "listening on <port>" when ready.

GET <path>?wsdl answers the contract WSDL itself (FILE, default: the shared
calculator.wsdl) with http://localhost:8080 replaced by this server's
address, not spyne's generated WSDL: clients then pick the ports by the
contract's names (CalculatorSoap11Port / CalculatorSoap12Port).

Exit: 0 on SIGTERM/SIGINT, 2 usage, 77 SKIPPED when spyne cannot be imported.
"""

import argparse
import logging
import os
import signal
import socketserver
import subprocess
import sys
import time
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

EXIT_SKIPPED = 77
TNS = "http://example.org/wws/calculator"
MAX_DELAY_MS = 600_000
MAX_BODY_BYTES = 16 * 1024 * 1024

try:
    from spyne import Application, Double, Fault, Integer32, ServiceBase, Unicode, rpc
    from spyne.protocol.soap import Soap11, Soap12
    from spyne.server.wsgi import WsgiApplication
except Exception as exc:  # ImportError, or spyne broken on this Python
    print("=" * 65, file=sys.stderr)
    print(f"SKIPPED: spyne cannot be imported: {exc!r}", file=sys.stderr)
    print("=" * 65, file=sys.stderr)
    sys.exit(EXIT_SKIPPED)


# Required, non-nillable: the contract's elements have minOccurs=1 and no nil.
ReqDouble = Double(min_occurs=1, nillable=False)
ReqInt = Integer32(min_occurs=1, nillable=False)
ReqText = Unicode(min_occurs=1, nillable=False)


class CalculatorService(ServiceBase):
    """The four operations; names and child elements as in calculator.wsdl."""

    @rpc(ReqDouble, ReqDouble, _returns=ReqDouble, _out_variable_name="result")
    def Add(ctx, a, b):
        return a + b

    @rpc(ReqDouble, ReqDouble, _returns=ReqDouble, _out_variable_name="result")
    def Divide(ctx, a, b):
        if b == 0:
            raise Fault(faultcode="Client", faultstring="division by zero")
        return a / b

    @rpc(ReqText, _returns=ReqText, _out_variable_name="text")
    def Echo(ctx, text):
        # An empty <text/> arrives as ""; None would mean nil, which the
        # contract does not allow, so never echo it back as nil.
        return "" if text is None else text

    @rpc(ReqInt, _returns=ReqInt, _out_variable_name="milliseconds")
    def Delay(ctx, milliseconds):
        if milliseconds < 0 or milliseconds > MAX_DELAY_MS:
            raise Fault(faultcode="Client", faultstring="milliseconds out of range")
        time.sleep(milliseconds / 1000.0)
        return milliseconds


def make_app(protocol):
    app = Application(
        [CalculatorService],
        tns=TNS,
        name="Calculator",
        in_protocol=protocol(validator="lxml"),
        out_protocol=protocol(),
    )
    return WsgiApplication(app, max_content_length=MAX_BODY_BYTES)


def default_wsdl():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    env = os.environ.get("WWS_CALCULATOR_WSDL")
    if env:
        return env
    try:
        tracked = subprocess.run(
            ["git", "-C", repo, "ls-files", "--", "*calculator.wsdl"],
            capture_output=True, text=True, check=False, timeout=10,
        ).stdout.split()
        if tracked:
            return os.path.join(repo, tracked[0])
    except OSError:
        pass
    return os.path.join(os.path.dirname(repo), "shared", "contracts", "calculator.wsdl")


class Router:
    """WSGI app: /calculator12 → SOAP 1.2, anything else → SOAP 1.1, ?wsdl → contract."""

    def __init__(self, wsdl_bytes):
        self.soap11 = make_app(Soap11)
        self.soap12 = make_app(Soap12)
        self.wsdl_bytes = wsdl_bytes

    def __call__(self, environ, start_response):
        if environ.get("QUERY_STRING", "").lower() == "wsdl":
            if environ.get("REQUEST_METHOD") != "GET":
                start_response("405 Method Not Allowed", [("Content-Length", "0")])
                return [b""]
            start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8"),
                                      ("Content-Length", str(len(self.wsdl_bytes)))])
            return [self.wsdl_bytes]
        path = environ.get("PATH_INFO", "")
        if path.rstrip("/").endswith("/calculator12"):
            return self.soap12(environ, start_response)
        return self.soap11(environ, start_response)


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, fmt, *args):  # keep test output readable
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--wsdl", default=None, help="contract WSDL to serve at ?wsdl")
    args = parser.parse_args()
    if not 0 <= args.port <= 65535:
        parser.error("port out of range")

    logging.basicConfig(level=logging.WARNING)
    # spyne logs every fault it sends at ERROR with a traceback; they are expected here.
    logging.getLogger("spyne").setLevel(logging.CRITICAL)

    wsdl_path = args.wsdl or default_wsdl()
    try:
        with open(wsdl_path, "rb") as f:
            wsdl_template = f.read()
    except OSError as exc:
        print(f"cannot read WSDL {wsdl_path}: {exc}", file=sys.stderr)
        return 1

    router = Router(b"")
    server = make_server("127.0.0.1", args.port, router,
                         server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    port = server.server_address[1]
    router.wsdl_bytes = wsdl_template.replace(
        b"http://localhost:8080", f"http://127.0.0.1:{port}".encode())

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"listening on {port}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
