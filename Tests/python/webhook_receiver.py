"""A local SMS/WhatsApp gateway for the notification tests: listens on 127.0.0.1:PORT, checks
each POST's HMAC-SHA256 signature (X-Lumbung-Signature: sha256=<hex of HMAC(secret,
"<X-Lumbung-Timestamp>.<body>")>) against the secret in SECRET_FILE, and answers 500 to the first
FAIL_FIRST requests of each Idempotency-Key, then 200; with STALL seconds (optional 5th argument),
the first request of each key waits that long before answering (a gateway that times out). Every request is written to
DIR/<n>.json as {"status", "signatureValid", "idempotencyKey", "body"}. Prints "ready" once it
listens; runs until stdin closes or it is killed."""
import hashlib
import hmac
import json
import pathlib
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    port, secret_file, out, fail_first = int(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3]), int(sys.argv[4])
    stall = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    secret = pathlib.Path(secret_file).read_text().strip().encode()
    lock = threading.Lock()
    seen: dict[str, int] = {}
    count = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            timestamp = self.headers.get("X-Lumbung-Timestamp", "")
            expected = "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            valid = hmac.compare_digest(expected, self.headers.get("X-Lumbung-Signature", ""))
            key = self.headers.get("Idempotency-Key", "")
            with lock:
                seen[key] = seen.get(key, 0) + 1
                status = 500 if (seen[key] <= fail_first or not valid) else 200
                count[0] += 1
                n = count[0]
                first = seen[key] == 1
            record = {"status": status, "signatureValid": valid, "idempotencyKey": key, "body": json.loads(body or b"null")}
            tmp = out / f".{n}.tmp"
            tmp.write_text(json.dumps(record, ensure_ascii=False))
            tmp.rename(out / f"{n}.json")
            if stall and first:
                time.sleep(stall)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
