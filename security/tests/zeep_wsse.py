#!/usr/bin/env python3
"""zeep's WS-Security UsernameToken against a wws host (issue 15 §3).

Usage: zeep_wsse.py WSDL_URL

Calls Add(1.5, 2.25) on both calculator ports with zeep.wsse.username.UsernameToken
as text, as digest, and as digest with a wsu:Timestamp; then with a wrong
password and an unknown user, which must each raise a Fault whose code is
wsse:FailedAuthentication (the same for both). Prints `PASS case` or
`FAIL case: detail` per case; exit 0 when all pass, 1 otherwise, 77 when
zeep cannot be imported.
"""

import datetime
import sys

try:
    import zeep
    from zeep.exceptions import Fault
    from zeep.wsse.username import UsernameToken
    from zeep.wsse.utils import WSU
except Exception as exc:  # noqa: BLE001 - any import failure means no peer
    print(f"SKIPPED: zeep cannot be imported: {exc!r}", file=sys.stderr)
    sys.exit(77)

WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"


def timestamp(ttl=300):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    ts = WSU.Timestamp()
    ts.append(WSU.Created(now.isoformat().replace("+00:00", "Z")))
    ts.append(WSU.Expires((now + datetime.timedelta(seconds=ttl)).isoformat().replace("+00:00", "Z")))
    return ts


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    url = sys.argv[1]
    print(f"zeep {zeep.__version__}")
    failed = 0
    for port in ["CalculatorSoap11Port", "CalculatorSoap12Port"]:
        good = {
            "text": lambda: UsernameToken("alice", "secret"),
            "digest": lambda: UsernameToken("alice", "secret", use_digest=True),
            "digest+timestamp": lambda: UsernameToken(
                "alice", "secret", use_digest=True, timestamp_token=timestamp()
            ),
            "digest+zulu": lambda: UsernameToken(
                "alice", "secret", use_digest=True, zulu_timestamp=True
            ),
        }
        for name, token in good.items():
            case = f"{port} {name}"
            try:
                client = zeep.Client(url, wsse=token())
                result = client.bind("CalculatorService", port).Add(a=1.5, b=2.25)
                if result == 3.75:
                    print(f"PASS {case}")
                else:
                    failed += 1
                    print(f"FAIL {case}: Add = {result!r}")
            except Exception as exc:  # noqa: BLE001
                failed += 1
                print(f"FAIL {case}: {exc!r}")
        codes = {}
        for name, token in {
            "wrong password": lambda: UsernameToken("alice", "guess", use_digest=True),
            "unknown user": lambda: UsernameToken("mallory", "secret", use_digest=True),
        }.items():
            case = f"{port} {name}"
            try:
                client = zeep.Client(url, wsse=token())
                result = client.bind("CalculatorService", port).Add(a=1.5, b=2.25)
                failed += 1
                print(f"FAIL {case}: accepted, Add = {result!r}")
            except Fault as fault:
                code = fault.code
                if hasattr(code, "text"):
                    code = code.text
                subcodes = tuple(str(s) for s in (fault.subcodes or []))
                codes[name] = (str(code), subcodes, fault.message)
                text = f"{code} {subcodes} {fault.message}"
                if "FailedAuthentication" in text:
                    print(f"PASS {case}: {text}")
                else:
                    failed += 1
                    print(f"FAIL {case}: {text}")
            except Exception as exc:  # noqa: BLE001
                failed += 1
                print(f"FAIL {case}: {exc!r}")
        if len(codes) == 2 and len(set(codes.values())) != 1:
            failed += 1
            print(f"FAIL {port} faults differ: {codes}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
