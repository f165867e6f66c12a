#!/usr/bin/env python3
"""An independent check of a Lumbung JetStream stream, with no Lumbung code.

Reads every message of the stream with nats-py (an ephemeral pull consumer, from sequence 1),
and checks what DESIGN section 3 promises of the log, using only rfc8785 and hashlib:
- message N carries the event at position N (the stream's sequence is the log's position);
- each event's prevHash is the previous event's hash (64 zeros for the first);
- each event's hash is SHA-256 of the RFC 8785 (JCS) form of the event without "hash";
- the message id (Nats-Msg-Id) is the event's id; no position appears twice.

Usage: verify_stream.py --servers nats://127.0.0.1:4222[,...] --stream LUMBUNG [--expect N]
Prints {"ok": true, "count": N, "headHash": "..."} and exits 0, or prints the first problem and
exits 1.
"""
import argparse
import asyncio
import hashlib
import json
import sys

import nats
from nats.js.api import AckPolicy, ConsumerConfig
import rfc8785


def event_hash(event):
    body = {k: v for k, v in event.items() if k != "hash"}
    return hashlib.sha256(rfc8785.dumps(body)).hexdigest()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", required=True)
    parser.add_argument("--stream", default="LUMBUNG")
    parser.add_argument("--subject", default="lumbung.>")
    parser.add_argument("--expect", type=int, default=None)
    args = parser.parse_args()

    nc = await nats.connect(servers=args.servers.split(","), connect_timeout=10, max_reconnect_attempts=20)
    js = nc.jetstream(timeout=10)
    info = await js.stream_info(args.stream)
    last = info.state.last_seq
    expect = args.expect if args.expect is not None else last
    # Cumulative acks: acking a batch's last message lets the consumer deliver the next ones.
    sub = await js.pull_subscribe(
        args.subject, stream=args.stream, config=ConsumerConfig(ack_policy=AckPolicy.ALL, max_ack_pending=10000))

    prev = "0" * 64
    count = 0
    problem = None
    while count < expect and problem is None:
        try:
            msgs = await sub.fetch(batch=min(1000, expect - count), timeout=10)
        except asyncio.TimeoutError:
            problem = f"timed out after {count} messages (expected {expect})"
            break
        for msg in msgs:
            seq = msg.metadata.sequence.stream
            event = json.loads(msg.data)
            if seq != count + 1:
                problem = f"message {seq} came after {count}: a gap or a duplicate"
            elif event.get("position") != seq:
                problem = f"message {seq} carries position {event.get('position')}"
            elif event.get("prevHash") != prev:
                problem = f"position {seq}: prevHash is not the hash of position {seq - 1}"
            elif event_hash(event) != event.get("hash"):
                problem = f"position {seq}: hash does not match the event's content"
            elif (msg.headers or {}).get("Nats-Msg-Id") != event.get("id"):
                problem = f"position {seq}: Nats-Msg-Id is not the event id"
            if problem:
                break
            prev = event["hash"]
            count += 1
        if msgs and problem is None:
            await msgs[-1].ack()
    await nc.close()
    if problem is None and last != expect:
        problem = f"the stream's last sequence is {last}, expected {expect}"
    if problem:
        print(json.dumps({"ok": False, "count": count, "problem": problem}))
        sys.exit(1)
    print(json.dumps({"ok": True, "count": count, "headHash": prev}))


if __name__ == "__main__":
    asyncio.run(main())
