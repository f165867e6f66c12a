#!/usr/bin/env python3
"""Check a Lumbung NDJSON export without any Lumbung code.

Usage: python3 Scripts/verify_chain.py EXPORT.ndjson

For every event (one JSON object per line) it recomputes
    hash = hex(SHA-256(RFC 8785 canonical JSON of the event without "hash")),
checks that each prevHash is the previous event's hash (64 zeros before position 1), and that
positions follow each other. An export that starts after position 1 (`--from`) is checked from
its first event on: that event's prevHash is taken as given.

Prints one line of JSON and exits 0 when everything checks out:
    {"ok": true, "events": N, "headHash": "<hash of the last event>"}
or exits 1 naming the first bad event:
    {"ok": false, "position": P, "reason": "..."}
Exit 2 on a usage error. Needs only the standard library and `rfc8785` (pip install rfc8785).
"""

import hashlib
import json
import re
import sys

import rfc8785

ZERO_HASH = "0" * 64
HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")


def report(result, code):
    print(json.dumps(result, ensure_ascii=False, separators=(",", ":")))
    sys.exit(code)


def bad(position, reason):
    report({"ok": False, "position": position, "reason": reason}, 1)


def is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def check(path):
    previous_hash = None
    previous_position = None
    count = 0
    with open(path, "rb") as export:
        for line_number, raw in enumerate(export, 1):
            if not raw.strip():
                continue
            # Where a problem is reported when the line itself does not say: the position it should have.
            expected = previous_position + 1 if previous_position is not None else line_number
            try:
                event = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as error:
                bad(expected, f"line {line_number} is not JSON: {error}")
            if not isinstance(event, dict):
                bad(expected, f"line {line_number} is not a JSON object")
            position = event.get("position")
            if not is_integer(position) or position < 1:
                bad(expected, f"line {line_number} has no valid position")
            stored_hash = event.get("hash")
            prev_hash = event.get("prevHash")
            if not isinstance(stored_hash, str) or not HEX64.match(stored_hash):
                bad(position, "hash is not 64 lower-case hex digits")
            if not isinstance(prev_hash, str) or not HEX64.match(prev_hash):
                bad(position, "prevHash is not 64 lower-case hex digits")

            if previous_position is None:
                if position == 1 and prev_hash != ZERO_HASH:
                    bad(position, "the first event's prevHash is not 64 zeros")
            else:
                if position != previous_position + 1:
                    bad(position, f"position {position} follows position {previous_position}")
                if prev_hash != previous_hash:
                    bad(position, f"prevHash does not match the hash of position {previous_position}")

            body = {key: value for key, value in event.items() if key != "hash"}
            try:
                canonical = rfc8785.dumps(body)
            except Exception as error:  # a value JCS cannot represent
                bad(position, f"cannot canonicalize: {error}")
            computed = hashlib.sha256(canonical).hexdigest()
            if computed != stored_hash:
                bad(position, f"hash does not match the event's content (computed {computed})")

            previous_hash = stored_hash
            previous_position = position
            count += 1
    report({"ok": True, "events": count, "headHash": previous_hash or ZERO_HASH}, 0)


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    try:
        check(argv[1])
    except OSError as error:
        print(f"verify_chain: cannot read {argv[1]}: {error.strerror}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
