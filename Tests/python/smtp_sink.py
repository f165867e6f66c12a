"""A real SMTP server for the notification tests: aiosmtpd on 127.0.0.1:PORT; every message
taken is written to DIR/<n>.json as {"from", "to", "subject", "body", "headers"} with the
subject and body decoded. A recipient at @ditolak.example is refused with 550 (no such mailbox). Prints "ready" once it listens; runs until stdin closes or it is killed."""
import email
import email.header
import email.policy
import json
import pathlib
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out: pathlib.Path):
        self.out = out
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A mailbox that does not exist, for the dead-letter tests: a permanent refusal.
        if address.endswith("@ditolak.example"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.count += 1
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "body": msg.get_content(),
            "headers": {k: str(v) for k, v in msg.items()},
        }
        tmp = self.out / f".{self.count}.tmp"
        tmp.write_text(json.dumps(record, ensure_ascii=False))
        tmp.rename(self.out / f"{self.count}.json")
        return "250 OK"


def main() -> None:
    port, out = int(sys.argv[1]), pathlib.Path(sys.argv[2])
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
