#!/usr/bin/env python3
"""Capture what the foreign peers send and answer into tests/fixtures/wire/.

Usage: capture_fixtures.py [--out DIR]   (default: tests/fixtures/wire)

Runs each foreign client against a foreign server through capture_proxy.py:
  zeep  -> gSOAP server (stock)    zeep requests, gSOAP responses and faults
  PHP   -> spyne server            PHP requests, spyne responses and faults
  PHP   -> gSOAP --proper-soap11   its SOAP 1.1 answers, as peer "gsoapfixed"
  gSOAP -> spyne server            gSOAP client requests
  WCF   -> node-soap server        WCF requests (BasicHttpBinding, SOAP 1.2 without
                                   addressing; SOAP 1.2 + WS-Addressing 1.0 as
                                   peer "wcfwsa"), node-soap responses and faults
  node-soap -> WCF server          node-soap requests, WCF responses and faults
                                   (the proxy serves the contract at ?wsdl)
  JAX-WS -> node-soap server       JAX-WS RI requests
  WCF   -> JAX-WS server           JAX-WS RI responses and faults
(SOAP 1.1 and 1.2 each; the first exchange of a name wins), then saves the raw bodies as
  <peer>-<1.1|1.2>-<case>-<request|response|fault>.xml
and writes README.md with peer versions and the HTTP headers of each file.

Cases: Add, Divide (b = 0, answered by a fault), DivideOk (gSOAP client's
Divide(1, 4)), Echo (the non-ASCII/XML-special text), EchoEmpty, Delay. The
1 MiB Echo is not saved (it is "x" repeated; tests can build it).
A rerun gives the same bytes except in `wcfwsa-*`: WCF writes a fresh
wsa:MessageID per message, and wsa:To names the capture proxy's free port.

Exit: 0 written, 1 a capture failed, 77 SKIPPED (a peer missing; nothing written).
"""

import argparse
import glob
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True
import peers  # noqa: E402

ENV_NS = {"http://schemas.xmlsoap.org/soap/envelope/": "1.1",
          "http://www.w3.org/2003/05/soap-envelope": "1.2"}
TNS = "http://example.org/wws/calculator"
LARGE = 64 * 1024


def local(tag):
    return tag.rsplit("}", 1)[-1]


def body_child(raw):
    """(envelope version, first Body child element) of a raw SOAP message."""
    root = ET.fromstring(raw)
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    version = ENV_NS.get(ns)
    for child in root:
        if local(child.tag) == "Body":
            for el in child:
                return version, el
    return version, None


def case_name(req_el, resp_el):
    op = local(req_el.tag)
    if op == "Echo":
        text = req_el.findtext(f"{{{TNS}}}text") or ""
        if len(text) > LARGE:
            return None
        return "EchoEmpty" if text == "" else "Echo"
    if op == "Divide" and resp_el is not None and local(resp_el.tag) != "Fault":
        return "DivideOk"
    return op


def header(headers, name):
    vals = [v for k, v in headers if k.lower() == name.lower()]
    return vals[0] if vals else None


def classify(capture_dir, client_peer, server_peer, saved, out_dir):
    """Copy each POST exchange of capture_dir into out_dir, first one wins."""
    for meta_path in sorted(glob.glob(os.path.join(capture_dir, "*.json"))):
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
        if meta["method"] != "POST":
            continue
        base = meta_path[: -len(".json")]
        with open(base + "-request.bin", "rb") as f:
            req = f.read()
        with open(base + "-response.bin", "rb") as f:
            resp = f.read()
        version, req_el = body_child(req)
        resp_version, resp_el = body_child(resp)
        if version is None or req_el is None:
            raise RuntimeError(f"{meta_path}: request is not a SOAP envelope")
        case = case_name(req_el, resp_el)
        if case is None:
            continue
        kind = "fault" if resp_el is not None and local(resp_el.tag) == "Fault" else "response"
        entries = [
            (f"{client_peer}-{version}-{case}-request.xml", req, {
                "pairing": f"{client_peer} -> {server_peer}",
                "http": f"{meta['method']} {meta['path']} {meta['request_version']}",
                "content_type": header(meta["request_headers"], "Content-Type"),
                "soapaction": header(meta["request_headers"], "SOAPAction"),
                "other": other_headers(meta["request_headers"]),
            }),
            (f"{server_peer}-{version}-{case}-{kind}.xml", resp, {
                "pairing": f"{client_peer} -> {server_peer}",
                "http": f"{meta['status']} {meta['reason']}",
                "content_type": header(meta["response_headers"], "Content-Type"),
                "soapaction": None,
                "other": other_headers(meta["response_headers"]),
                "envelope": resp_version,
            }),
        ]
        for name, raw, info in entries:
            if name in saved:
                continue
            with open(os.path.join(out_dir, name), "wb") as f:
                f.write(raw)
            info["bytes"] = len(raw)
            saved[name] = info


def other_headers(headers):
    keep = ("Connection", "Keep-Alive", "Transfer-Encoding", "User-Agent", "Server")
    return "; ".join(f"{k}: {v}" for k, v in headers if k in keep or k.lower() in
                     (h.lower() for h in keep))


def capture(server, client_peer, server_peer, argv_for, versions, saved, out_dir, wsdl=None):
    """Run argv_for(proxy_base, version) through a capture proxy; classify.

    wsdl: the proxy answers ?wsdl with this contract (servers that serve none).
    """
    tmp = tempfile.mkdtemp(prefix=f"wws-capture-{client_peer}-")
    try:
        with peers.capture_proxy(server.base_url, tmp, wsdl) as proxy:
            for version in versions:
                print(f"--- {client_peer} [{version}] -> {server_peer}", flush=True)
                rc = peers.run_client(argv_for(proxy.base_url, version))
                if rc not in (0, 1):
                    raise RuntimeError(f"{client_peer} exited {rc}")
        classify(tmp, client_peer, server_peer, saved, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def node_soap_version():
    try:
        path = os.path.join(peers.node_path(), "soap", "package.json")
        with open(path, encoding="utf-8") as f:
            return json.load(f)["version"]
    except (peers.Skipped, OSError, KeyError, ValueError):
        return "not installed"


def versions_table():
    def cmd(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=30,
                                  check=False).stdout.strip()
        except OSError:
            return "not found"

    def dpkg(pkg):
        return cmd(["dpkg-query", "-W", "-f=${Version}", pkg]) or "not installed"

    def pypi(name):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return [
        ("gSOAP (wsdl2h/soapcpp2, libgsoap++)", f"{cmd(['pkg-config', '--modversion', 'gsoap++'])} "
         f"(Debian gsoap {dpkg('gsoap')})"),
        ("zeep", f"{pypi('zeep')} (PyPI), lxml {pypi('lxml')}, requests {pypi('requests')}"),
        ("spyne", f"{pypi('spyne')} (PyPI) on wsgiref"),
        ("Python", sys.version.split()[0]),
        ("PHP ext/soap", f"{cmd(['php', '-r', 'echo PHP_VERSION;'])} "
         f"(Debian php8.2-soap {dpkg('php8.2-soap')})"),
        ("WCF (Mono System.ServiceModel)", f"Mono {dpkg('mono-runtime')} "
         f"(Debian libmono-system-servicemodel4.0a-cil "
         f"{dpkg('libmono-system-servicemodel4.0a-cil')})"),
        ("JAX-WS RI", f"Debian libjaxws-java {dpkg('libjaxws-java')} on "
         f"{(cmd(['java', '-version']) or subprocess.run(['java', '-version'], capture_output=True, text=True, timeout=30, check=False).stderr).splitlines()[0]}"),
        ("node-soap", f"{node_soap_version()} (npm) on Node {cmd(['node', '--version'])}"),
    ]


def write_readme(out_dir, saved):
    lines = [
        "# Wire fixtures: what real SOAP peers send and answer",
        "",
        "Raw HTTP bodies, byte for byte, captured by `tests/interop/capture_fixtures.py`",
        "(a recording proxy between a foreign client and a foreign server; no wws code",
        "involved). Regenerate with `python3 tests/interop/capture_fixtures.py`.",
        "",
        "Name: `<peer>-<SOAP version>-<case>-<request|response|fault>.xml`. Cases:",
        "`Add` (1.5 + 2.25), `Divide` (1 / 0, answered by a fault), `DivideOk` (1 / 4,",
        "gSOAP, WCF, JAX-WS and node-soap clients), `Echo` (`héllo <&> \"' ünïcødé ✓`), `EchoEmpty` (`\"\"`),",
        "`Delay` (50 ms). The 1 MiB Echo is not stored.",
        "",
        "## Peer versions",
        "",
        "| peer | version |",
        "|---|---|",
    ]
    lines += [f"| {p} | {v} |" for p, v in versions_table()]
    lines += [
        "",
        "A rerun of the capture gives the same bytes, except in `wcfwsa-*`: a fresh",
        "`wsa:MessageID` per message and the capture proxy's port in `wsa:To`.",
        "",
        "## What to expect from each peer",
        "",
        "- **gSOAP server (`gsoap-*`, stock build)**: answers a SOAP 1.1 request in a",
        "  *hybrid*: 1.1 envelope namespace, but SOAP 1.2 fault elements (`Code/Value` =",
        "  `SOAP-ENV:Sender`, `Reason/Text`), the 1.2 SOAP-ENC namespace, `Content-Type:",
        "  application/soap+xml; charset=utf-8; action=...` even on 1.1 successes, and HTTP 400",
        "  for the Sender fault (`gsoap-1.1-Divide-fault.xml`). Cause: the generated service",
        "  re-installs its SOAP-1.2-first namespace table after reading the request. A reader",
        "  must be liberal here; zeep, PHP and gSOAP's own client do not find the reason text.",
        "  Faults come with `Connection: close`. Prefixes `SOAP-ENV:`, `ns1:`, unused",
        "  `xsi`/`xsd`/`SOAP-ENC` declarations on the Envelope; an empty string is `<ns1:text/>`.",
        "- **gSOAP server with `--proper-soap11` (`gsoapfixed-*`)**: the same server switched",
        "  back to the request's version: a plain SOAP 1.1 fault (`faultcode`/`faultstring`),",
        "  `text/xml`, HTTP 500.",
        "- **gSOAP client (`gsoap-*-request`)**: `SOAPAction` header (quoted) for both versions;",
        "  1.2 also carries `action=\"...\"` in the Content-Type. Content-Length, no chunking,",
        "  `Connection: keep-alive`; same prefixes and unused declarations as the server.",
        "- **zeep (`zeep-*`)**: prefix `soap-env:`; the operation element declares its own",
        "  namespace as `ns0:`; `<?xml ... encoding='utf-8'?>` with single quotes, no trailing",
        "  newline. 1.2 requests carry the action twice: Content-Type `action` parameter and a",
        "  `SOAPAction` header. zeep turns an empty `<text/>` or `<text></text>` into `None`.",
        "- **PHP ext/soap (`php-*`)**: prefixes `SOAP-ENV:` (1.1) or `env:` (1.2), `ns1:`",
        "  declared on the Envelope, a trailing newline. 1.2 requests have *no* `SOAPAction`",
        "  header: the action is only in the Content-Type.",
        "- **spyne server (`spyne-*`)**: prefixes `soap11env:`/`soap12env:`, `tns:`; SOAP 1.2",
        "  Sender fault with HTTP 500 (SOAP 1.2 Part 2 asks 400) and an empty `<Role/>`;",
        "  the SOAP 1.1 fault has an empty `<faultactor/>`. HTTP/1.0, no keep-alive.",
        "- **WCF client on Mono (`wcf-*-request`, `wcfwsa-*`)**: prefix `s:`, operation element",
        "  in a default namespace. SOAP 1.2 envelopes (not 1.1) start with a UTF-8 BOM. SOAP 1.2",
        "  without addressing carries the action in a `SOAPAction` header and *not* in the",
        "  Content-Type's `action` parameter (SOAP 1.2 Part 2 §7.1, RFC 3902). `wcfwsa-*`",
        "  (Soap12WSAddressing10): `a:Action` and `a:To` with `mustUnderstand=\"1\"`, a",
        "  `MessageID`, `ReplyTo` anonymous; no action in HTTP at all.",
        "- **WCF server on Mono (`wcf-*-response`, `wcf-*-fault`)**: SOAP 1.2 answers start with",
        "  a BOM; faults carry an `Action` header with `mustUnderstand=\"1\"` in",
        "  `http://schemas.microsoft.com/ws/2005/05/addressing/none` (empty in 1.2) even without",
        "  addressing, `xml:lang=\"\"` on the reason, `Connection: close`, and HTTP 500 for the",
        "  SOAP 1.2 Sender fault (Part 2 asks 400).",
        "- **JAX-WS RI client (`jaxws-*-request`)**: `<?xml version='1.0' encoding='UTF-8'?>`,",
        "  prefix `S:`; SOAP 1.2: `application/soap+xml; charset=utf-8;action=\"...\"` and no",
        "  `SOAPAction` header.",
        "- **JAX-WS RI server (`jaxws-*-response`, `jaxws-*-fault`)**: chunked (`Transfer-encoding`),",
        "  the `Fault` element declares the *other* SOAP version's namespace (unused `ns4`), HTTP",
        "  500 for the SOAP 1.2 Sender fault (Part 2 asks 400), `xml:lang=\"en\"` on the reason.",
        "- **node-soap client (`node-*-request`)**: prefix `soap:`, unused `xsi` and `tns`",
        "  declarations on the Envelope, operation element in a default namespace; SOAP 1.2",
        "  (`forceSoap12Headers`): the action only in the Content-Type.",
        "- **node-soap server (`node-*-response`, `node-*-fault`)**: chunked; its answer repeats the",
        "  request's Content-Type (with the request's `action` parameter); the fault's HTTP status",
        "  is whatever the service sets (ours: 500 for 1.1, 400 for the 1.2 Sender fault); it",
        "  writes the double -0 as `0`.",
        "",
        "## Files and their HTTP headers",
        "",
        "| file | captured in | HTTP | Content-Type | SOAPAction | other headers | bytes |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in sorted(saved):
        i = saved[name]

        def cell(v):
            return "—" if v in (None, "") else "`" + str(v).replace("|", "\\|") + "`"

        lines.append(f"| `{name}` | {i['pairing']} | {i['http']} | {cell(i['content_type'])} | "
                     f"{cell(i['soapaction'])} | {cell(i['other'])} | {i['bytes']} |")
    lines.append("")
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(peers.REPO, "tests", "fixtures", "wire"))
    args = parser.parse_args()

    staging = tempfile.mkdtemp(prefix="wws-wire-")
    saved = {}
    try:
        gsoap_bin = os.path.join(peers.build_gsoap(), "calc_client")
        with peers.gsoap_server() as gsoap, peers.spyne_server() as spyne:
            capture(gsoap, "zeep", "gsoap",
                    lambda base, v: peers.client_command("zeep", f"{base}/calculator?wsdl", v),
                    ["1.1", "1.2"], saved, staging)
            capture(spyne, "php", "spyne",
                    lambda base, v: peers.client_command("php", f"{base}/calculator?wsdl", v),
                    ["1.1", "1.2"], saved, staging)
            with peers.gsoap_server(proper_soap11=True) as fixed:
                capture(fixed, "php", "gsoapfixed",
                        lambda base, v: peers.client_command("php", f"{base}/calculator?wsdl", v),
                        ["1.1"], saved, staging)
            capture(spyne, "gsoap", "spyne",
                    lambda base, v: [gsoap_bin,
                                     base + ("/calculator" if v == "1.1" else "/calculator12"), v],
                    ["1.1", "1.2"], saved, staging)
        contract = peers.calculator_wsdl()

        def client(name):
            return lambda base, v: peers.client_command(name, f"{base}/calculator?wsdl", v)

        with peers.node_server() as node, peers.wcf_server() as wcf, \
                peers.jaxws_server() as jaxws:
            capture(node, "wcf", "node", client("wcf"), ["soap11", "soap12"], saved, staging)
            capture(node, "wcfwsa", "node", client("wcf"), ["soap12-wsa10"], saved, staging)
            capture(wcf, "node", "wcf", client("node"), ["1.1", "1.2"], saved, staging,
                    wsdl=contract)
            capture(node, "jaxws", "node", client("jaxws"), ["soap11,soap12"], saved, staging)
            capture(jaxws, "wcf", "jaxws", client("wcf"), ["soap11", "soap12"], saved, staging)
    except peers.Skipped as why:
        peers.banner_skipped(str(why))
        shutil.rmtree(staging, ignore_errors=True)
        return peers.EXIT_SKIPPED
    except (RuntimeError, OSError, ET.ParseError) as err:
        print(f"FAIL: {err}", file=sys.stderr)
        shutil.rmtree(staging, ignore_errors=True)
        return 1

    os.makedirs(args.out, exist_ok=True)
    for old in glob.glob(os.path.join(args.out, "*.xml")):
        if re.match(r"^[a-z]+-1\.[12]-\w+-(request|response|fault)\.xml$", os.path.basename(old)):
            os.remove(old)
    for name in saved:
        shutil.move(os.path.join(staging, name), os.path.join(args.out, name))
    shutil.rmtree(staging, ignore_errors=True)
    write_readme(args.out, saved)
    print(f"wrote {len(saved)} fixtures and README.md to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
