#!/usr/bin/env python3
"""Calls one operation with zeep, the contract read from the host's ?wsdl.

Usage: zeep_call.py WSDL_URL SERVICE PORT OPERATION JSON_KWARGS

Prints the result flattened, one `path=value` line per leaf (`result` for
a simple result, `a.b[0].c` inside, `None` for nil/absent, `true`/`false`,
xs:any content as its XML). Exit 0 on a result, 3 on a SOAP fault (printed
as `FAULT code=... message=...`), 77 when zeep cannot be imported.
"""

import json
import sys

try:
    import zeep
    from zeep.exceptions import Fault
    from zeep.helpers import serialize_object
    from lxml import etree
except Exception as exc:  # noqa: BLE001 - any import failure means no peer
    print(f"SKIPPED: zeep cannot be imported: {exc!r}", file=sys.stderr)
    sys.exit(77)


def flat(path, value, out):
    if isinstance(value, dict):
        for key, item in value.items():
            flat(f"{path}.{key}", item, out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            flat(f"{path}[{i}]", item, out)
    elif value is None:
        out.append(f"{path}=None")
    elif isinstance(value, bool):
        out.append(f"{path}={'true' if value else 'false'}")
    elif isinstance(value, etree._Element):
        out.append(f"{path}={etree.tostring(value).decode()}")
    else:
        text = str(value).replace("\\", "\\\\").replace("\n", "\\n")
        out.append(f"{path}={text}")


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    url, service, port, operation, kwargs = sys.argv[1:]
    client = zeep.Client(url)
    bound = client.bind(service, port)
    try:
        result = getattr(bound, operation)(**json.loads(kwargs))
    except Fault as fault:
        print(f"FAULT code={fault.code} message={fault.message}")
        return 3
    out = []
    flat("result", serialize_object(result), out)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
