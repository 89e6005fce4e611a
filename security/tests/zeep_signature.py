#!/usr/bin/env python3
"""zeep's WS-Security X.509 signatures (BinarySecurityToken) against wws.

Usage:
  zeep_signature.py client WSDL_URL KEY_PEM CERT_PEM [OTHER_KEY_PEM OTHER_CERT_PEM]
      Calls Add(1.5, 2.25) on the service's first port, signed by
      zeep.wsse.signature.BinarySignature over Body and a wsu:Timestamp:
      RSA-SHA256/SHA256 must answer 3.75 (`signed-sha256`); zeep's default
      RSA-SHA1/SHA1 must raise a Fault (`sha1-refused`), or answer 3.75
      when WWS_ZEEP_SHA1=accepted (`sha1-accepted`); with OTHER key and
      cert (one the host does not trust) it must raise a Fault
      (`untrusted-refused`).
  zeep_signature.py verify CERT_PEM < envelope.xml
      Verifies the envelope's signature with zeep.wsse.signature.verify_envelope
      and CERT_PEM; prints the Reference URIs and the elements they name.
  zeep_signature.py selftest KEY_PEM CERT_PEM [--print] [--sha1] [--ttl=SECONDS]
      Signs a small SOAP 1.1 envelope (Timestamp + Body) as BinarySignature
      does (RSA-SHA256/SHA256, or RSA-SHA1/SHA1 with --sha1), verifies it, and
      checks that a tampered Body fails. With --print the signed envelope goes
      to stdout (status lines to stderr). The Timestamp expires after
      --ttl seconds (300 by default; a long one makes a reusable fixture).

Prints `PASS case` or `FAIL case: detail` per case; exit 0 when all pass,
1 otherwise, 77 (and a `SKIPPED:` line on stderr) when zeep or xmlsec cannot
be imported.
"""

import datetime
import os
import sys

try:
    import xmlsec
    import zeep
    from lxml import etree
    from zeep import ns
    from zeep.exceptions import Fault
    from zeep.wsse.compose import Compose
    from zeep.wsse.signature import (
        BinarySignature,
        _make_sign_key,
        _read_file,
        _sign_envelope_with_key_binary,
        verify_envelope,
    )
    from zeep.wsse.utils import WSU, get_security_header

    # zeep >= 4 imports xmlsec lazily and leaves it None when it fails.
    xmlsec.Transform.RSA_SHA256  # noqa: B018
except Exception as exc:  # noqa: BLE001 - any import failure means no peer
    print(f"SKIPPED: zeep or xmlsec cannot be imported: {exc!r}", file=sys.stderr)
    sys.exit(77)

SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"


def timestamp(ttl=300):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    ts = WSU.Timestamp()
    ts.append(WSU.Created(now.isoformat().replace("+00:00", "Z")))
    ts.append(WSU.Expires((now + datetime.timedelta(seconds=ttl)).isoformat().replace("+00:00", "Z")))
    return ts


class TimestampToken:
    """Puts a wsu:Timestamp into wsse:Security. zeep's signature signs the
    Timestamp only when one is already in the header when it runs, so this
    must come before the signature in a Compose."""

    def apply(self, envelope, headers):
        get_security_header(envelope).append(timestamp())
        return envelope, headers

    def verify(self, envelope):
        return envelope


class UnsignedReplyBinarySignature(BinarySignature):
    """BinarySignature that accepts unsigned replies.

    zeep calls `client.wsse.verify(doc)` on every reply, faults included and
    before it looks for a Fault; Signature.verify raises
    SignatureVerificationFailed (no Header) or AttributeError (no Security)
    on an unsigned reply. Our host does not sign replies, so do nothing."""

    def verify(self, envelope):
        return envelope


def signer(key, cert, sha256=True):
    kwargs = {}
    if sha256:
        kwargs = {
            "signature_method": xmlsec.Transform.RSA_SHA256,
            "digest_method": xmlsec.Transform.SHA256,
        }
    # A Compose, not a list: zeep applies a list of wsse objects but then
    # calls `.verify` on the list itself for the reply (AttributeError).
    return Compose([TimestampToken(), UnsignedReplyBinarySignature(key, cert, **kwargs)])


def fault_text(fault):
    code = fault.code
    if hasattr(code, "text"):
        code = code.text
    subcodes = tuple(str(s) for s in (fault.subcodes or []))
    return f"{code} {subcodes} {fault.message}"


def client_mode(args):
    if len(args) not in (3, 5):
        print(__doc__, file=sys.stderr)
        return 2
    url, key, cert = args[:3]
    print(f"zeep {zeep.__version__}, xmlsec {xmlsec.__version__}")
    failed = 0

    def call(wsse):
        client = zeep.Client(url, wsse=wsse)
        return client.service.Add(a=1.5, b=2.25)

    case = "signed-sha256"
    try:
        result = call(signer(key, cert))
        if result == 3.75:
            print(f"PASS {case}")
        else:
            failed += 1
            print(f"FAIL {case}: Add = {result!r}")
    except Exception as exc:  # noqa: BLE001
        failed += 1
        print(f"FAIL {case}: {exc!r}")

    refused = []
    if os.environ.get("WWS_ZEEP_SHA1") == "accepted":
        # A host that allows RSA-SHA1/SHA-1 (zeep's default) must answer.
        case = "sha1-accepted"
        try:
            result = call(signer(key, cert, False))
            if result == 3.75:
                print(f"PASS {case}")
            else:
                failed += 1
                print(f"FAIL {case}: Add = {result!r}")
        except Exception as exc:  # noqa: BLE001
            failed += 1
            print(f"FAIL {case}: {exc!r}")
    else:
        refused.append(("sha1-refused", key, cert, False))
    if len(args) == 5:
        refused.append(("untrusted-refused", args[3], args[4], True))
    for case, k, c, sha256 in refused:
        try:
            result = call(signer(k, c, sha256))
            failed += 1
            print(f"FAIL {case}: accepted, Add = {result!r}")
        except Fault as fault:
            print(f"PASS {case}: {fault_text(fault)}")
        except Exception as exc:  # noqa: BLE001
            failed += 1
            print(f"FAIL {case}: {exc!r}")
    return 1 if failed else 0


def references(envelope):
    """(URI, element name) for each ds:Reference of the first ds:Signature."""
    out = []
    for ref in envelope.iterfind(f".//{{{ns.DS}}}SignedInfo/{{{ns.DS}}}Reference"):
        uri = ref.get("URI") or ""
        target = "?"
        if uri.startswith("#"):
            found = envelope.xpath("//*[@wsu:Id=$id]", namespaces={"wsu": ns.WSU}, id=uri[1:])
            target = etree.QName(found[0]).text if found else "(no element with this wsu:Id)"
        out.append((uri, target))
    return out


def verify(envelope, cert, case="verified", out=sys.stdout):
    refs = references(envelope)
    for uri, target in refs:
        print(f"reference {uri} -> {target}", file=out)
    # verify_envelope checks the references it finds, not what they cover.
    if not any(t.endswith("}Body") for _, t in refs):
        print("note: the soap Body is not referenced", file=out)
    try:
        verify_envelope(envelope, cert)
    except Exception as exc:  # noqa: BLE001
        print(f"FAIL {case}: {exc!r}", file=out)
        return False
    print(f"PASS {case}", file=out)
    return True


def verify_mode(args):
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        envelope = etree.fromstring(sys.stdin.buffer.read())
    except etree.XMLSyntaxError as exc:
        print(f"FAIL verified: not XML: {exc}")
        return 1
    return 0 if verify(envelope, args[0]) else 1


def sample_envelope(ttl):
    E = "{%s}" % SOAP11_NS
    env = etree.Element(E + "Envelope", nsmap={"soap": SOAP11_NS})
    header = etree.SubElement(env, E + "Header")
    body = etree.SubElement(env, E + "Body")
    add = etree.SubElement(body, "{http://example.org/wws/calculator}Add",
                           nsmap={"c": "http://example.org/wws/calculator"})
    etree.SubElement(add, "{http://example.org/wws/calculator}a").text = "1.5"
    etree.SubElement(add, "{http://example.org/wws/calculator}b").text = "2.25"
    del header
    get_security_header(env).append(timestamp(ttl))
    return env


def selftest_mode(args):
    flags = {a for a in args if a.startswith("--")}
    args = [a for a in args if not a.startswith("--")]
    ttl = 300
    for f in [f for f in flags if f.startswith("--ttl=")]:
        flags.discard(f)
        ttl = int(f[len("--ttl="):]) if f[len("--ttl="):].isdigit() else -1
    if len(args) != 2 or flags - {"--print", "--sha1"} or ttl <= 0:
        print(__doc__, file=sys.stderr)
        return 2
    key_file, cert = args
    out = sys.stderr if "--print" in flags else sys.stdout
    print(f"zeep {zeep.__version__}, xmlsec {xmlsec.__version__}", file=out)
    methods = (xmlsec.Transform.RSA_SHA1, xmlsec.Transform.SHA1) if "--sha1" in flags else (
        xmlsec.Transform.RSA_SHA256, xmlsec.Transform.SHA256)
    envelope = sample_envelope(ttl)
    key = _make_sign_key(_read_file(key_file), _read_file(cert), None)
    _sign_envelope_with_key_binary(envelope, key, *methods)
    # What goes on the wire, then re-parsed as a receiver would.
    wire = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
    ok = verify(etree.fromstring(wire), cert, "selftest-verified", out)
    tampered = etree.fromstring(wire)
    tampered.find(".//{http://example.org/wws/calculator}a").text = "100"
    try:
        verify_envelope(tampered, cert)
        ok = False
        print("FAIL selftest-tamper: a changed Body verified", file=out)
    except Exception as exc:  # noqa: BLE001
        print(f"PASS selftest-tamper: {exc!r}", file=out)
    if "--print" in flags:
        sys.stdout.buffer.write(wire + b"\n")
    return 0 if ok else 1


def main():
    modes = {"client": client_mode, "verify": verify_mode, "selftest": selftest_mode}
    if len(sys.argv) < 2 or sys.argv[1] not in modes:
        print(__doc__, file=sys.stderr)
        return 2
    return modes[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
