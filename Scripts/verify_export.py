#!/usr/bin/env python3
"""Check a Lumbung export, digest or proof without any Lumbung code.

Needs Python 3 with only `rfc8785` and `cryptography` (pip install rfc8785 cryptography).

  verify_export.py EXPORT.ndjson [--digest DIGEST.json [--public-key HEX|@FILE]] [--partial]
      Recomputes every event's hash = hex(SHA-256(RFC 8785 JCS of the event without "hash")),
      checks positions 1, 2, 3, ... and that each prevHash is the previous event's hash (64 zeros
      for position 1). With --partial the export may start later (its first prevHash is taken as
      given). With --digest (printed by `lumbung audit digest` or GET /v1/audit/digest) it also
      checks the digest's Ed25519 signature (over the JCS of {"rootHash","timestamp","treeSize"}),
      that the export holds exactly treeSize events, and that their RFC 6962 Merkle root
      (leaf = SHA-256(0x00 || the JCS bytes above), node = SHA-256(0x01 || left || right)) is
      the digest's rootHash.

  verify_export.py --prove PROOF.json --digest DIGEST.json [--public-key HEX|@FILE] [--event EVENT.json]
      Checks a proof against a signed digest. An inclusion proof
      {"position","treeSize","leafHash","rootHash","path"} (from `lumbung audit prove`) must be
      for the digest's tree and its path must lead from leafHash to the digest's rootHash
      (RFC 9162 section 2.1.3.2); with --event (one event's JSON, e.g. a line of an export) the
      event must be the proven leaf. A consistency proof {"from","to","fromRoot","toRoot","path"}
      (from `lumbung audit consistency`) must have the digest's tree at one end and verify
      (RFC 9162 section 2.1.4.2).

A digest is checked against a public key the auditor pinned beforehand (the key the city
publishes; `lumbung audit public-key` on the primary), never against the key it carries, which
anyone can make: --public-key HEX or @FILE, else the environment variable LUMBUNG_AUDIT_PUBLIC_KEY
(HEX or @FILE), else the file `lumbung audit pin` writes ($XDG_CONFIG_HOME/lumbung/audit-public-key,
else ~/.config/lumbung/audit-public-key). With --digest and no pinned key it exits 2 saying so.

Prints one line of JSON and exits 0 when everything checks out ({"ok": true, ...}), or exits 1
naming the first bad position ({"ok": false, "position": P, "reason": "..."}; P is null when no
single event can be named). Exit 2 on a usage error or an unreadable file.
"""

import argparse
import os
import hashlib
import json
import re
import sys

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ZERO_HASH = "0" * 64
HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
HEX128 = re.compile(r"\A[0-9a-f]{128}\Z")


class Failure(Exception):
    def __init__(self, position, reason):
        super().__init__(reason)
        self.position = position
        self.reason = reason


def report(result, code):
    print(json.dumps(result, ensure_ascii=False, separators=(",", ":")))
    sys.exit(code)


def usage(message):
    print(f"verify_export: {message}", file=sys.stderr)
    sys.exit(2)


def is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def reject_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate member {key!r}")
        seen[key] = value
    return seen


def parse_json(text):
    return json.loads(text, object_pairs_hook=reject_duplicates)


def read_json_file(path, what):
    try:
        with open(path, "rb") as f:
            return parse_json(f.read().decode("utf-8"))
    except OSError as error:
        usage(f"cannot read the {what} {path}: {error.strerror}")
    except (UnicodeDecodeError, ValueError) as error:
        usage(f"the {what} {path} is not JSON: {error}")


# --- RFC 6962 / RFC 9162 -----------------------------------------------------------------------


def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(leaf):
    return sha256(b"\x00" + leaf)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


EMPTY_ROOT = sha256(b"")


class Frontier:
    """The right edge of the tree: one perfect-subtree root per set bit of size, largest first."""

    def __init__(self):
        self.size = 0
        self.nodes = []

    def append(self, leaf):
        h = leaf
        bits = self.size
        while bits & 1:
            h = node_hash(self.nodes.pop(), h)
            bits >>= 1
        self.nodes.append(h)
        self.size += 1

    def root(self):
        if not self.nodes:
            return EMPTY_ROOT
        r = self.nodes[-1]
        for n in reversed(self.nodes[:-1]):
            r = node_hash(n, r)
        return r


def verify_inclusion(leaf, index, size, path, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, path):
    """RFC 9162 section 2.1.4.2 (equal sizes: empty path, equal roots; size 0: the empty root)."""
    if first > second:
        return False
    if first == second:
        return not path and first_root == second_root
    if first == 0:
        return not path and first_root == EMPTY_ROOT
    if not path:
        return False
    path = list(path)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


# --- Events and digests -----------------------------------------------------------------------


def canonical_without_hash(event):
    body = {key: value for key, value in event.items() if key != "hash"}
    return rfc8785.dumps(body)


def hex32(value, name, position=None):
    if not isinstance(value, str) or not HEX64.match(value):
        raise Failure(position, f"{name} is missing or not 64 lower-case hex digits")
    return bytes.fromhex(value)


def check_digest(digest, pinned_key):
    """Checks a digest's form and signature; returns (treeSize, rootHash bytes)."""
    if not isinstance(digest, dict):
        raise Failure(None, "the digest is not a JSON object")
    size = digest.get("treeSize")
    if not is_integer(size) or size < 0:
        raise Failure(None, "the digest's treeSize is not a non-negative integer")
    root = hex32(digest.get("rootHash"), "the digest's rootHash")
    timestamp = digest.get("timestamp")
    if not isinstance(timestamp, str):
        raise Failure(None, "the digest's timestamp is missing")
    signature = digest.get("signature")
    if not isinstance(signature, str) or not HEX128.match(signature):
        raise Failure(None, "the digest's signature is not 128 lower-case hex digits")
    public_key = digest.get("publicKey")
    if not isinstance(public_key, str) or not HEX64.match(public_key):
        raise Failure(None, "the digest's publicKey is not 64 lower-case hex digits")
    if pinned_key is not None and public_key != pinned_key:
        raise Failure(None, f"the digest was signed by key {public_key}, not by the expected key {pinned_key}")
    signed = rfc8785.dumps({"treeSize": size, "rootHash": digest["rootHash"], "timestamp": timestamp})
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(bytes.fromhex(signature), signed)
    except InvalidSignature:
        raise Failure(None, "the digest's signature is not valid for its public key (the digest was forged or changed)")
    return size, root


def check_export(path, partial):
    """Checks the chain; returns (events, first position, head hash, Merkle root or None)."""
    frontier = Frontier()
    previous_hash = ZERO_HASH
    first = None
    count = 0
    try:
        export = sys.stdin.buffer if path == "-" else open(path, "rb")
    except OSError as error:
        usage(f"cannot read {path}: {error.strerror}")
    with export:
        for line_number, raw in enumerate(export, 1):
            if not raw.strip():
                continue
            expected = 1 if first is None else first + count
            try:
                event = parse_json(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as error:
                raise Failure(expected, f"line {line_number} is not JSON: {error}")
            if not isinstance(event, dict):
                raise Failure(expected, f"line {line_number} is not a JSON object")
            position = event.get("position")
            if not is_integer(position) or position < 1:
                raise Failure(expected, "position is missing or not a positive integer")
            if first is None and partial:
                expected = position
            if position != expected:
                raise Failure(expected, f"expected position {expected}, found {position} (an event is missing, moved or inserted here)")
            stored = event.get("hash")
            hex32(stored, "hash", position)
            prev_hash = event.get("prevHash")
            hex32(prev_hash, "prevHash", position)
            if (first is not None or position == 1) and prev_hash != previous_hash:
                if position == 1:
                    raise Failure(position, "prevHash of the first event is not 64 zeros")
                raise Failure(position, f"prevHash does not match the hash of position {position - 1}")
            try:
                canonical = canonical_without_hash(event)
            except Exception as error:  # a value JCS cannot represent
                raise Failure(position, f"cannot canonicalize the event: {error}")
            if hashlib.sha256(canonical).hexdigest() != stored:
                raise Failure(position, "hash does not match the event's content (the event was changed)")
            frontier.append(leaf_hash(canonical))
            if first is None:
                first = position
            previous_hash = stored
            count += 1
    root = frontier.root() if count == 0 or first == 1 else None
    return count, first or 0, previous_hash, root


def check_export_against_digest(count, first, root, size, signed_root):
    if count and first != 1:
        raise Failure(1, f"the export starts at position {first}; a digest covers the log from position 1")
    if count != size:
        if count < size:
            reason = f"the export ends after {count} events but the digest signed a tree of {size} (events are missing from the end)"
        else:
            reason = f"the export has {count} events but the digest signed a tree of {size} (export up to position {size} to check it)"
        raise Failure(min(count, size) + 1, reason)
    if root != signed_root:
        raise Failure(None, f"the Merkle root of the export's {count} events is {root.hex()}, not the {signed_root.hex()} the digest signed (the log was rewritten)")


def hash_list(value, name):
    if not isinstance(value, list):
        raise Failure(None, f"the proof's {name} is not an array")
    return [hex32(item, f"{name}[{i}]") for i, item in enumerate(value)]


def check_proof(proof, size, signed_root, event):
    if not isinstance(proof, dict):
        raise Failure(None, "the proof is not a JSON object")
    if "leafHash" in proof:
        position = proof.get("position")
        if not is_integer(position) or position < 1:
            raise Failure(None, "the proof's position is not a positive integer")
        tree_size = proof.get("treeSize")
        if not is_integer(tree_size) or tree_size < 0:
            raise Failure(position, "the proof's treeSize is not a non-negative integer")
        leaf = hex32(proof.get("leafHash"), "leafHash", position)
        root = hex32(proof.get("rootHash"), "rootHash", position)
        path = hash_list(proof.get("path"), "path")
        if tree_size != size or root != signed_root:
            raise Failure(position, f"the proof is for a tree of {tree_size} events, not for the tree of {size} the digest signed")
        if event is not None:
            if not isinstance(event, dict) or event.get("position") != position:
                raise Failure(position, f"the event given is not the event at position {position}")
            if leaf_hash(canonical_without_hash(event)) != leaf:
                raise Failure(position, "the event given is not the proven leaf (its content differs)")
        if not verify_inclusion(leaf, position - 1, tree_size, path, signed_root):
            raise Failure(position, "the inclusion path does not lead to the digest's root")
        return {"ok": True, "position": position, "treeSize": tree_size, "rootHash": signed_root.hex()}
    if "fromRoot" in proof:
        first, second = proof.get("from"), proof.get("to")
        if not is_integer(first) or not is_integer(second) or first < 0 or second < 0:
            raise Failure(None, "the proof's from and to are not non-negative integers")
        first_root = hex32(proof.get("fromRoot"), "fromRoot")
        second_root = hex32(proof.get("toRoot"), "toRoot")
        path = hash_list(proof.get("path"), "path")
        if size == first:
            if first_root != signed_root:
                raise Failure(None, f"the log's tree of {first} events has root {first_root.hex()}, not the {signed_root.hex()} the digest signed (events up to position {first} were changed)")
        elif size == second:
            if second_root != signed_root:
                raise Failure(None, f"the log's tree of {second} events has root {second_root.hex()}, not the {signed_root.hex()} the digest signed")
        else:
            raise Failure(None, f"the proof is from {first} to {second} events; the digest signed a tree of {size}")
        if not verify_consistency(first, second, first_root, second_root, path):
            raise Failure(None, "the consistency proof does not verify")
        return {"ok": True, "from": first, "to": second, "fromRoot": first_root.hex(), "toRoot": second_root.hex()}
    raise Failure(None, "the proof is neither an inclusion proof (leafHash) nor a consistency proof (fromRoot)")


def pinned_key(option):
    """The pinned public key (hex), from --public-key, LUMBUNG_AUDIT_PUBLIC_KEY or the pin file."""
    source, value = "--public-key", option
    if value is None and os.environ.get("LUMBUNG_AUDIT_PUBLIC_KEY"):
        source, value = "LUMBUNG_AUDIT_PUBLIC_KEY", os.environ["LUMBUNG_AUDIT_PUBLIC_KEY"]
    if value is None:
        base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        path = os.path.join(base, "lumbung", "audit-public-key")
        if os.path.exists(path):
            source, value = path, "@" + path
    if value is None:
        usage("no public key is pinned: a digest proves nothing under the key it carries; give --public-key HEX|@FILE "
              "(the key the city publishes), set LUMBUNG_AUDIT_PUBLIC_KEY, or pin it with `lumbung audit pin HEX`")
    if value.startswith("@"):
        try:
            with open(value[1:], encoding="utf-8") as f:
                value = f.read().strip()
        except OSError as error:
            usage(f"cannot read the public key file {value[1:]}: {error.strerror}")
    if not HEX64.match(value):
        usage(f"{source}: a public key is 64 lower-case hex digits")
    return value


def main(argv):
    parser = argparse.ArgumentParser(
        prog="verify_export.py", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export", nargs="?", help="the NDJSON export (- for stdin)")
    parser.add_argument("--digest", help="a signed tree head (JSON)")
    parser.add_argument("--public-key", help="the pinned Ed25519 key (hex, or @FILE) the digest must be signed by")
    parser.add_argument("--prove", help="an inclusion or consistency proof (JSON) to check against --digest")
    parser.add_argument("--event", help="with --prove: the event (JSON) the inclusion proof is about")
    parser.add_argument("--partial", action="store_true", help="accept an export that starts after position 1")
    args = parser.parse_args(argv[1:])
    if args.prove is None and args.export is None:
        usage("give an export to check, or --prove PROOF.json --digest DIGEST.json")
    if args.prove is not None and (args.export is not None or args.digest is None):
        usage("--prove takes a --digest and no export")
    if args.event is not None and args.prove is None:
        usage("--event goes with --prove")
    if args.partial and args.digest is not None:
        usage("--partial cannot go with --digest: a digest covers the log from position 1")
    if args.public_key is not None and args.digest is None:
        usage("--public-key goes with --digest")
    key = pinned_key(args.public_key) if args.digest is not None else None

    digest = read_json_file(args.digest, "digest") if args.digest else None
    proof = read_json_file(args.prove, "proof") if args.prove else None
    event = read_json_file(args.event, "event") if args.event else None
    try:
        signed = check_digest(digest, key) if digest is not None else None
        if proof is not None:
            report(check_proof(proof, signed[0], signed[1], event), 0)
        count, first, head, root = check_export(args.export, args.partial)
        result = {"ok": True, "events": count, "headHash": head}
        if root is not None:
            result["rootHash"] = root.hex()
        if signed is not None:
            check_export_against_digest(count, first, root, signed[0], signed[1])
            result["treeSize"] = signed[0]
            result["signedAt"] = digest["timestamp"]
        report(result, 0)
    except Failure as failure:
        report({"ok": False, "position": failure.position, "reason": failure.reason}, 1)


if __name__ == "__main__":
    main(sys.argv)
