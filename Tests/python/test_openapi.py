"""The HTTP API against its OpenAPI description, from outside: the real binary on loopback.

1. `/openapi.yaml` is a valid OpenAPI 3.1 document (openapi-spec-validator).
2. Data seeded through the API: every answer validates against the document's schemas.
3. schemathesis runs every operation against the live server (bounded: examples, coverage and
   fuzzing phases, a few examples per operation) and must find no 5xx, no response outside the
   document (status, content type, headers, schema), and no disagreement between the document
   and the parsers (bodies the document accepts that the server refuses with 400, or the reverse).

Needs `.build/debug/lumbung` (`swift build`; `make test` builds it first).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("LUMBUNG_BINARY", ROOT / ".build" / "debug" / "lumbung"))
SCHEMATHESIS_CONFIG = Path(__file__).resolve().with_name("schemathesis.toml")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_key(data_dir: str, role: str) -> str:
    out = subprocess.run(
        [str(BINARY), "keys", "create", "--data-dir", data_dir, "--role", role, "--name", f"pytest-{role}"],
        check=True, capture_output=True, text=True, timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["token"]


class Server:
    """`lumbung serve` on a free loopback port over a temporary data directory."""

    def __init__(self):
        if not BINARY.exists():
            pytest.fail(f"{BINARY} is missing: run `swift build` first")
        self.dir = tempfile.mkdtemp(prefix="lumbung-openapi-")
        self.tokens = {role: make_key(self.dir, role) for role in
                       ("admin", "auditor", "aid-writer", "documents-writer", "prices-writer")}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.dir, "serve.log"), "w")
        self.proc = subprocess.Popen(
            [str(BINARY), "serve", "--data-dir", self.dir, "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail("lumbung serve did not come up: " + self.serve_log())
            time.sleep(0.2)

    def serve_log(self) -> str:
        try:
            return Path(self.dir, "serve.log").read_text()[-4000:]
        except OSError:
            return ""

    def request(self, method: str, path: str, body=None, role=None, headers=None):
        """(status, headers, parsed body or text)."""
        data = None if body is None else json.dumps(body).encode()
        h = dict(headers or {})
        if data is not None:
            h["Content-Type"] = "application/json"
        if role:
            h["Authorization"] = "Bearer " + self.tokens[role]
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, hdrs, raw = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, hdrs, raw = e.code, e.headers, e.read()
        ctype = hdrs.get("Content-Type", "")
        text = raw.decode()
        parsed = json.loads(text) if ctype.startswith(("application/json", "application/problem+json")) else text
        return status, hdrs, parsed

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    s = Server()
    try:
        yield s
    finally:
        s.stop()
        s.remove()


@pytest.fixture(scope="module")
def document(server):
    status, headers, text = server.request("GET", "/openapi.yaml")
    assert status == 200
    assert headers.get("Content-Type") == "application/yaml"
    return yaml.safe_load(text)


def test_document_is_valid_openapi_31(document):
    from openapi_spec_validator import validate

    assert document["openapi"] == "3.1.0"
    validate(document)
    # Every operation names its roles, and every error response is problem+json.
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            assert "x-lumbung-roles" in op, f"{method} {path}"
            assert "security" in op, f"{method} {path}"
            for status, response in op["responses"].items():
                if {"portal", "staff"} & set(op.get("tags", [])):
                    # The portal's and the staff's pages answer HTML, errors included.
                    assert "$ref" in response or "text/html" in response.get("content", {}) or status == "303", f"{method} {path} {status}"
                    continue
                if int(status) >= 400:
                    if op["operationId"] == "getHealthReady" and status == "503":
                        # A probe's answer (status and reasons) for load balancers, not a problem.
                        assert "application/json" in response["content"], f"{method} {path} {status}"
                        continue
                    ref = response["$ref"].split("/")[-1]
                    assert "application/problem+json" in document["components"]["responses"][ref]["content"]


def test_examples_match_their_schemas(document):
    """Every request body example of the document is valid for its own schema."""
    examples = 0
    for path, item in document["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}) if isinstance(op, dict) else {}
            media = body.get("content", {}).get("application/json")
            if media and "example" in media:
                examples += 1
                name = media["schema"]["$ref"].split("/")[-1]
                expect(document, name, media["example"])
    assert examples >= 13  # every write route


def schema_validator(document, name):
    """A JSON Schema 2020-12 validator of `#/components/schemas/<name>` (refs resolved in the document)."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:lumbung:openapi", resource)
    return Draft202012Validator(
        {"$ref": f"urn:lumbung:openapi#/components/schemas/{name}"}, registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def expect(document, name, value):
    errors = sorted(schema_validator(document, name).iter_errors(value), key=lambda e: list(e.path))
    assert not errors, f"{name}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def seed(server):
    """Data in every domain through the API; returns what later checks need."""
    def ok(method, path, body=None, role=None, status=201):
        got, _, answer = server.request(method, path, body, role)
        assert got == status, f"{method} {path}: {got} {answer}"
        return answer

    ok("POST", "/v1/aid/incidents", {"incidentId": "gempa-lombok-2018", "name": "Gempa Bumi Lombok 2018", "kind": "gempa-bumi",
                                      "startedAt": "2018-07-29T06:47:00+08:00", "affectedCodes": ["52.71"]}, "aid-writer")
    ok("POST", "/v1/aid/incidents/gempa-lombok-2018/impact", {"code": "52.71", "displaced": 20343, "source": "BNPB",
                                                               "reportedAt": "2018-08-12T17:00:00+08:00"}, "aid-writer")
    ok("POST", "/v1/aid/warehouses", {"incidentId": "gempa-lombok-2018", "warehouseId": "gudang-bpbd-mataram", "name": "Gudang BPBD Kota Mataram",
                                       "kind": "gudang", "kelurahanCode": "52.71.02.1002"}, "aid-writer")
    ok("POST", "/v1/aid/warehouses", {"incidentId": "gempa-lombok-2018", "warehouseId": "posko-rembiga", "name": "Posko Rembiga", "kind": "posko",
                                       "kelurahanCode": "52.71.05.1005"}, "aid-writer")
    ok("POST", "/v1/aid/donations", {"incidentId": "gempa-lombok-2018", "donationId": "DN-2018-7K3QF2ZA", "warehouseId": "gudang-bpbd-mataram",
                                      "donor": {"name": "Kementerian Sosial RI", "kind": "government"},
                                      "items": [{"item": "beras", "unit": "kg", "quantity": 500},
                                                {"item": "air mineral", "unit": "dus", "quantity": 40}],
                                      "receivedAt": "2018-08-06T10:00:00+08:00"}, "aid-writer")
    ok("POST", "/v1/aid/shipments", {"incidentId": "gempa-lombok-2018", "shipmentId": "SH-2018-4M2P8RQT", "fromWarehouseId": "gudang-bpbd-mataram",
                                      "toWarehouseId": "posko-rembiga",
                                      "lines": [{"item": "beras", "unit": "kg", "quantity": 200}],
                                      "vehicle": "Truk DR 8123 AB", "driver": "sopir-07"}, "aid-writer")
    ok("POST", "/v1/aid/shipments/SH-2018-4M2P8RQT/receipt",
       {"lines": [{"item": "beras", "unit": "kg", "donationId": "DN-2018-7K3QF2ZA", "quantity": 195}],
        "notes": "5 kg basah"}, "aid-writer")
    ok("POST", "/v1/aid/distributions", {"incidentId": "gempa-lombok-2018", "warehouseId": "posko-rembiga", "kelurahanCode": "52.71.05.1005",
                                          "lines": [{"item": "beras", "unit": "kg", "quantity": 100}],
                                          "households": 20, "people": 71}, "aid-writer")
    ok("POST", "/v1/aid/adjustments", {"warehouseId": "gudang-bpbd-mataram", "item": "air mineral", "unit": "dus",
                                        "donationId": "DN-2018-7K3QF2ZA", "quantity": -2,
                                        "reason": "kemasan rusak"}, "aid-writer")
    for hid, kk, name, members in (("HH-2018-PY000001", "5271050101180001", "Lalu Ahmad", 5),
                                   ("HH-2018-PY000002", "5271050101180002", "Baiq Sari", 3)):
        ok("POST", "/v1/aid/households", {"incidentId": "gempa-lombok-2018", "householdId": hid, "warehouseId": "posko-rembiga",
                                           "kelurahanCode": "52.71.05.1005", "kk": kk, "headName": name,
                                           "members": members,
                                           "vulnerable": {"infants": 1, "elderly": 0, "disabled": 0, "pregnant": 0}},
           "aid-writer")
    served = ok("POST", "/v1/aid/households/served", {"incidentId": "gempa-lombok-2018", "warehouseId": "posko-rembiga", "round": "putaran-1",
                                                      "householdIds": ["HH-2018-PY000001", "HH-2018-PY000002"],
                                                      "lines": [{"item": "beras", "unit": "kg", "quantity": 10}]},
                "aid-writer")
    assert served["distributionId"].startswith("DS-2"), served
    got, _, twice = server.request("POST", "/v1/aid/households/served",
                                   {"incidentId": "gempa-lombok-2018", "warehouseId": "posko-rembiga", "round": "putaran-1",
                                    "householdIds": ["HH-2018-PY000002"],
                                    "lines": [{"item": "beras", "unit": "kg", "quantity": 2}]}, "aid-writer")
    assert got == 409 and served["distributionId"] in json.dumps(twice), twice
    app = ok("POST", "/v1/documents/applications", {"documentType": "kk", "office": "mpp-mataram",
                                                     "channel": "online", "applicant": {"nik": "5271055507900002"}},
             "documents-writer")
    for to in ("verified", "in-process", "signed", "ready"):
        ok("POST", f"/v1/documents/applications/{app['receiptNumber']}/status", {"to": to, "officer": "petugas-3"},
           "documents-writer")
    ok("POST", "/v1/prices/markets", {"marketId": "pasar-kebon-roek", "name": "Pasar Kebon Roek", "kind": "traditional",
                                       "kelurahanCode": "52.71.01.1004", "latitude": -8.5779, "longitude": 116.0846},
       "prices-writer")
    ok("POST", "/v1/prices/markets", {"name": "Pasar Mandalika", "kind": "wholesale"}, "prices-writer")  # id made: pasar-mandalika
    ok("POST", "/v1/prices/commodities", {"commodityId": "beras-medium", "name": "Beras Medium", "category": "beras",
                                           "unit": "kg"}, "prices-writer")
    last = None
    for day in range(1, 10):
        for market in ("pasar-kebon-roek", "pasar-mandalika"):
            last = ok("POST", "/v1/prices/reports", {"marketId": market, "commodityId": "beras-medium",
                                                      "price": 15000 if day == 9 else 12500.5,
                                                      "observedOn": f"2018-08-0{day}", "reporter": "petugas-pasar"},
                      "prices-writer")
    fix = ok("POST", "/v1/prices/corrections", {"correctsEventId": last["eventId"], "price": 14750, "reason": "salah ketik"},
             "prices-writer")
    ok("POST", "/v1/streams/test-py", {"type": "test.noted", "data": {"n": 1}}, "admin")
    return {"receipt": app["receiptNumber"], "pin": app["pin"], "position": fix["position"]}


@pytest.fixture(scope="module")
def seeded(server):
    return seed(server)


def test_answers_match_the_document(server, document, seeded):
    p = seeded["position"]
    reads = [
        ("/health", None, "Health"),
        (f"/v1/aid/stock?minPosition={p}", None, "StockReport"),
        ("/v1/aid/stock/posko-rembiga", None, "StockReport"),
        ("/v1/aid/kelurahan", None, "KelurahanReport"),
        ("/v1/aid/kelurahan/52.71.05.1005", None, "Kelurahan"),
        ("/v1/aid/donors", None, "DonorReport"),
        ("/v1/aid/donors?name=Kementerian%20Sosial%20RI", None, "Donor"),
        ("/v1/aid/donations/DN-2018-7K3QF2ZA/trace", "auditor", "DonationTrace"),
        (f"/v1/documents/applications/{seeded['receipt']}?pin={seeded['pin']}", None, "PublicApplication"),
        ("/v1/documents/queue", "auditor", "QueueSummary"),
        ("/v1/documents/queue?office=mpp-mataram", "documents-writer", "OfficeQueue"),
        ("/v1/documents/processing", None, "ProcessingReport"),
        ("/v1/events?limit=5", "auditor", "EventsPage"),
        ("/v1/streams/test-py", "auditor", "StreamPage"),
        ("/v1/audit/digest", "auditor", "SignedTreeHead"),
        ("/v1/audit/public-key", "auditor", "AuditPublicKey"),
        ("/v1/audit/inclusion?position=1", "auditor", "InclusionProof"),
        (f"/v1/audit/inclusion?position=2&treeSize={p}", "auditor", "InclusionProof"),
        ("/v1/audit/consistency?from=1", "auditor", "ConsistencyProof"),
        (f"/v1/audit/consistency?from=0&to={p}", "auditor", "ConsistencyProof"),
    ]
    for path, role, name in reads:
        status, _, body = server.request("GET", path, role=role)
        assert status == 200, f"{path}: {status} {body}"
        expect(document, name, body)
    _, _, trace = server.request("GET", "/v1/aid/donations/DN-2018-7K3QF2ZA/trace", role="auditor")
    assert trace["balance"]["holds"] is True
    _, _, latest = server.request("GET", "/v1/prices/latest")
    assert any("correction" in x for x in latest["prices"])
    for x in latest["prices"]:
        expect(document, "LatestPrice", x)
    for path, key, name in [("/v1/prices/markets", "markets", "Market"), ("/v1/prices/commodities", "commodities", "Commodity"),
                            ("/v1/prices/daily?commodityId=beras-medium", "daily", "DailyStats"),
                            ("/v1/prices/trend/beras-medium", "series", "TrendSeries"),
                            ("/v1/prices/alerts", "alerts", "PriceAlert")]:
        _, _, body = server.request("GET", path)
        assert body[key], f"{path} is empty"
        for x in body[key]:
            expect(document, name, x)
    # Every event of the export is an Event of the document.
    status, headers, text = server.request("GET", "/v1/export", role="auditor")
    assert status == 200 and headers.get("Content-Type") == "application/x-ndjson"
    for line in text.splitlines():
        expect(document, "Event", json.loads(line))
    # Problems are problem+json with the shared schema.
    for method, path, body, role, want in [
        ("GET", "/v1/events", None, None, 401), ("GET", "/v1/events", None, "aid-writer", 403),
        ("GET", "/v1/aid/kelurahan/00", None, None, 404), ("POST", "/v1/aid/warehouses", {"kind": "x"}, "aid-writer", 400),
        ("GET", "/v1/audit/inclusion?position=999999", None, "auditor", 404),
        ("GET", "/v1/audit/inclusion?position=3&treeSize=2", None, "auditor", 400),
        ("GET", "/v1/audit/consistency?from=x", None, "auditor", 400), ("GET", "/v1/audit/digest", None, "aid-writer", 403),
        ("POST", "/v1/streams/test-py?expectedVersion=no-stream", {"type": "test.noted", "data": {}}, "admin", 409),
        ("POST", "/v1/prices/reports", {"marketId": "pasar-x", "commodityId": "beras-medium", "price": 1, "reporter": "p"},
         "prices-writer", 422),
    ]:
        status, headers, problem = server.request(method, path, body, role)
        assert status == want, f"{method} {path}: {status} {problem}"
        assert headers.get("Content-Type") == "application/problem+json"
        expect(document, "Problem", problem)
        assert problem["status"] == want


def test_subscribe_is_an_event_stream(server):
    """The SSE route, bounded with `to` so that it ends (schemathesis leaves it out: it never ends)."""
    _, _, health = server.request("GET", "/health")
    head = health["headPosition"]
    req = urllib.request.Request(f"{server.base}/v1/subscribe?from=1&to={head}",
                                 headers={"Authorization": "Bearer " + server.tokens["auditor"]})
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.headers.get("Content-Type") == "text/event-stream"
        text = r.read().decode()
    ids = [int(line[4:]) for line in text.splitlines() if line.startswith("id: ")]
    assert ids == list(range(1, head + 1))


def test_schemathesis_finds_nothing(server, document, seeded, tmp_path):
    """schemathesis against the live server, as admin (the key is accepted on every route)."""
    pytest.importorskip("schemathesis", reason="schemathesis is not installed (make deps installs it into .venv)")
    report = tmp_path / "schemathesis.ndjson"
    cmd = [
        sys.executable, str(Path(__file__).resolve().with_name("schemathesis_cli.py")), "--config-file", str(SCHEMATHESIS_CONFIG), "run", f"{server.base}/openapi.yaml",
        "-H", f"Authorization: Bearer {server.tokens['admin']}",
        "--exclude-path", "/v1/subscribe",
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", os.environ.get("LUMBUNG_SCHEMATHESIS_EXAMPLES", "20"),
        "--seed", os.environ.get("LUMBUNG_SCHEMATHESIS_SEED", "20180805"),
        "--workers", "2",
        "--request-timeout", "30",
        "--no-color",
        "--report", "ndjson", "--report-ndjson-path", str(report),
    ]
    started = time.monotonic()
    # In a directory of its own: schemathesis keeps a cache (`.schemathesis/`) where it runs.
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    elapsed = time.monotonic() - started
    sys.stdout.write(out.stdout[-20000:])
    if out.returncode != 0:
        # Errors of the tool itself that say nothing about the API are tolerated: CPython 3.11.7's
        # "AST constructor recursion depth mismatch" (gh-106905) can hit hypothesis while it
        # describes a strategy (schemathesis_cli.py works around it where it can). Every failure
        # of a check, and every other error, fails the test.
        events = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]
        errors = [e["NonFatalError"] for e in events if "NonFatalError" in e]
        known = [e for e in errors if "AST constructor recursion depth mismatch" in json.dumps(e)]
        failures = [e for e in events if "ScenarioFinished" in e and e["ScenarioFinished"].get("status") == "failure"]
        summary = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
        assert not failures and len(known) == len(errors) and "failure" not in summary, (
            f"schemathesis found problems (exit {out.returncode}, {elapsed:.0f} s):\n{out.stdout[-20000:]}\n{out.stderr[-4000:]}"
        )
        sys.stdout.write(f"\nignored {len(known)} error(s) of CPython 3.11.7 inside hypothesis (not of the API)\n")
    # The server is still up and answering.
    status, _, _ = server.request("GET", "/health")
    assert status == 200
