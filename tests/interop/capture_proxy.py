#!/usr/bin/env python3
"""Recording HTTP proxy for capturing what SOAP peers send and answer.

Usage: capture_proxy.py PORT UPSTREAM_BASE_URL OUT_DIR [--wsdl FILE]

Listens on 127.0.0.1:PORT (0 = any free port), prints "listening on <port>",
forwards every request to UPSTREAM_BASE_URL (e.g. http://127.0.0.1:8080)
over a fresh connection and records each exchange N as
  OUT_DIR/N.json          method, path, request headers, status, response headers
  OUT_DIR/N-request.bin   request body as received (raw bytes)
  OUT_DIR/N-response.bin  response body as received (raw bytes)
Header names keep the case the peer wrote. In WSDL responses (GET ...?wsdl)
the upstream address is replaced by the proxy's, so clients that load the
WSDL through the proxy keep talking through it. With --wsdl, GET ...?wsdl is
answered by the proxy itself: FILE with http://localhost:8080 replaced by the
proxy's address (for servers that serve no contract WSDL: WCF, JAX-WS).
"""

import argparse
import http.client
import itertools
import json
import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 * 1024 * 1024
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer",
              "upgrade", "proxy-connection", "content-length", "host"}


class Recorder:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    def save(self, meta, req_body, resp_body):
        with self.lock:
            n = next(self.counter)
        base = os.path.join(self.out_dir, f"{n:03d}")
        with open(base + "-request.bin", "wb") as f:
            f.write(req_body)
        with open(base + "-response.bin", "wb") as f:
            f.write(resp_body)
        with open(base + ".json", "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=1)


def read_body(rfile, headers):
    """Body per Content-Length or chunked framing, bounded by MAX_BODY."""
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        chunks, total = [], 0
        while True:
            size_line = rfile.readline(1024)
            if not size_line:
                raise ValueError("connection closed inside chunked body")
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks), True
            total += size
            if total > MAX_BODY:
                raise ValueError("body too large")
            chunks.append(rfile.read(size))
            rfile.readline(1024)
    length = int(headers.get("Content-Length", "0") or "0")
    if length > MAX_BODY:
        raise ValueError("body too large")
    return rfile.read(length), False


def make_handler(upstream, recorder, wsdl_template=None):
    up = urllib.parse.urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def handle_any(self):
            if (wsdl_template is not None and self.command == "GET"
                    and self.path.lower().endswith("?wsdl")):
                own = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
                body = wsdl_template.replace(b"http://localhost:8080", own.encode())
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            try:
                req_body, req_chunked = read_body(self.rfile, self.headers)
            except ValueError as exc:
                self.send_error(400, str(exc))
                return
            fwd_headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
            try:
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                conn.putheader("Host", up.netloc)
                for k, v in fwd_headers.items():
                    conn.putheader(k, v)
                conn.putheader("Content-Length", str(len(req_body)))
                conn.endheaders(req_body)
                resp = conn.getresponse()
                resp_body = resp.read(MAX_BODY + 1)
                resp_headers = resp.getheaders()
                status, reason = resp.status, resp.reason
            except OSError as exc:
                self.send_error(502, f"upstream: {exc}")
                return
            finally:
                conn.close()
            out_body = resp_body
            if self.command == "GET" and self.path.lower().endswith("?wsdl"):
                own = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
                out_body = resp_body.replace(f"http://{up.netloc}".encode(), own.encode())
            recorder.save({
                "method": self.command,
                "path": self.path,
                "request_version": self.request_version,
                "request_headers": list(self.headers.items()),
                "request_chunked": req_chunked,
                "status": status,
                "reason": reason,
                "response_headers": resp_headers,
            }, req_body, resp_body)
            self.send_response(status, reason)
            for k, v in resp_headers:
                if k.lower() not in HOP_BY_HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(out_body)))
            self.end_headers()
            self.wfile.write(out_body)

        do_GET = do_POST = do_PUT = handle_any

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("upstream")
    parser.add_argument("out_dir")
    parser.add_argument("--wsdl", help="answer ?wsdl with this contract file")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    wsdl_template = None
    if args.wsdl:
        with open(args.wsdl, "rb") as f:
            wsdl_template = f.read()
    server = ThreadingHTTPServer(("127.0.0.1", args.port),
                                 make_handler(args.upstream, Recorder(args.out_dir), wsdl_template))
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
