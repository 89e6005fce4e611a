#!/usr/bin/env python3
"""Check that our host cancelled what a foreign client walked away from.

Usage: host_events.py CLIENT_OUTPUT HOST_LOG [--within SECONDS]

CLIENT_OUTPUT holds the client's `cancel-at request=Delay(N) unix_ms=T`
lines (printed when it aborted, timed out or abandoned a call); HOST_LOG is
the stdout of `calculator --report-events`, with lines such as
`event cancelled id=7 request=Delay(N) reason=ChannelFaulted unix_ms=T2`.
For each cancel-at line the host must report `cancelled` with reason
ChannelFaulted for that request within SECONDS (default 2.5) of T, and never
`completed` for it. Waits (at most SECONDS + 1) for the host's line to appear.

Prints PASS/FAIL per cancellation. Exit: 0 all seen, 1 one missing or late,
2 usage.
"""

import argparse
import re
import sys
import time

CANCEL_AT = re.compile(r"^cancel-at request=(\S+) unix_ms=(\d+)\s*$")
EVENT = re.compile(r"^event (started|completed|cancelled) id=(\d+) request=(\S+)"
                   r"(?: reason=(\S+))?.* unix_ms=(\d+)\s*$")
# The cancellation may be told a little before the client's own clock says it
# gave up (a timeout fires in the transport before the line is printed).
EARLY_MS = 250


def events(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = EVENT.match(line.strip())
            if m:
                yield m.group(1), m.group(3), m.group(4), int(m.group(5))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("client_output")
    parser.add_argument("host_log")
    parser.add_argument("--within", type=float, default=2.5)
    args = parser.parse_args()
    limit_ms = int(args.within * 1000)

    with open(args.client_output, encoding="utf-8", errors="replace") as f:
        wanted = [(m.group(1), int(m.group(2))) for m in map(CANCEL_AT.match, f) if m]
    if not wanted:
        print("FAIL host cancellations: the client printed no cancel-at line")
        return 1
    failures = 0
    for request, at in wanted:
        deadline = time.monotonic() + args.within + 1
        found = None
        while found is None:
            for kind, req, reason, t in events(args.host_log):
                if req == request and kind == "cancelled" and t >= at - EARLY_MS:
                    found = (reason, t)
                    break
            if found is None and time.monotonic() >= deadline:
                break
            if found is None:
                time.sleep(0.05)
        completed = [t for kind, req, _, t in events(args.host_log)
                     if req == request and kind == "completed"]
        name = f"host tells {request} ChannelFaulted within {args.within:g} s of the client leaving"
        if found is None:
            print(f"FAIL {name}: no cancelled event")
            failures += 1
        elif found[0] != "ChannelFaulted" or found[1] - at > limit_ms or completed:
            print(f"FAIL {name}: reason {found[0]}, {found[1] - at} ms after, "
                  f"completed {'yes' if completed else 'no'}")
            failures += 1
        else:
            print(f"PASS {name} ({found[1] - at} ms, never completed)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
