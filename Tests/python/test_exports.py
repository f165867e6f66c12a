"""The analyst's exports, read by the analyst's tools.

Runs the real binary (`.build/debug/lumbung`, built by `swift build`): seeds the 2018 scenario
into a temporary data directory, exports it as ndjson, csv, hxl and wfp, then reads the files
with DuckDB and libhxl and checks that the counts and sums they compute are the store's own
(`lumbung stats`, `lumbung read --all --type T`, `lumbung replay --view kelurahan`).
"""

import collections
import json
import os
import subprocess

import duckdb
import hxl
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("LUMBUNG_BINARY", os.path.join(ROOT, ".build", "debug", "lumbung"))

HXL_TAGS = [
    "#date", "#crisis+code", "#activity", "#activity+code", "#org", "#org+type", "#loc+name", "#loc+code", "#loc+type",
    "#adm3+name", "#adm3+code", "#adm4+name", "#adm4+code", "#item+name", "#item+unit", "#value",
    "#reached+hh", "#reached+ind", "#output+num+targeted", "#output+num+reached", "#meta+position", "#meta+id",
]
CSV_COLUMNS = [
    "position", "stream", "version", "id", "type", "occurredAt", "recordedAt", "actor", "prevHash", "hash",
    "metadata", "data",
]
WFP_COLUMNS = (
    "countryiso3,date,admin1,admin2,market,market_id,latitude,longitude,category,commodity,commodity_id,"
    "unit,priceflag,pricetype,currency,price,usdprice"
).split(",")


def lumbung(*args):
    """Runs the binary; returns its stdout, failing the test with its stderr on a non-zero exit."""
    result = subprocess.run([BINARY, *args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"lumbung {' '.join(args)} exited {result.returncode}: {result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A seeded data directory and its exports: {"dir", "ndjson", "csv", "hxl", "wfp"}."""
    if not os.access(BINARY, os.X_OK):
        pytest.fail(f"{BINARY} is missing: run `swift build` first (make test does)")
    root = tmp_path_factory.mktemp("lumbung")
    data = str(root / "data")
    lumbung("seed", "--data-dir", data)
    out = {"dir": data}
    for fmt in ("ndjson", "csv", "hxl", "wfp"):
        path = str(root / f"export.{fmt}")
        lumbung("export", "--data-dir", data, "--format", fmt, "--output", path)
        out[fmt] = path
    return out


def stats(data):
    return json.loads(lumbung("stats", "--data-dir", data))


def test_ndjson_count_is_the_log(store):
    con = duckdb.connect()
    n, first, last = con.execute(
        "SELECT count(*), min(position), max(position) FROM read_json_auto(?, format='newline_delimited')",
        [store["ndjson"]],
    ).fetchone()
    s = stats(store["dir"])
    assert n == s["events"] > 20000
    assert (first, last) == (1, s["headPosition"])


def test_csv_counts_per_type_match_read(store):
    con = duckdb.connect()
    rel = con.execute("SELECT * FROM read_csv_auto(?) LIMIT 0", [store["csv"]])
    assert [d[0] for d in rel.description] == CSV_COLUMNS
    per_type = dict(con.execute(
        "SELECT type, count(*) FROM read_csv_auto(?) GROUP BY type", [store["csv"]]
    ).fetchall())
    assert sum(per_type.values()) == stats(store["dir"])["events"]
    assert len(per_type) >= 10
    for event_type, count in per_type.items():
        lines = lumbung("read", "--data-dir", store["dir"], "--all", "--type", event_type).splitlines()
        assert len(lines) == count, event_type
    # The data column is the event's JSON: DuckDB's JSON functions read it.
    households = con.execute(
        "SELECT sum(CAST(json_extract(data, '$.households') AS BIGINT)) FROM read_csv_auto(?) "
        "WHERE type = 'aid.aid-distributed'", [store["csv"]]
    ).fetchone()[0]
    assert households == kelurahan_report(store["dir"])["totals"]["households"]
    # Positions are the log's, gapless.
    n, lo, hi, distinct_hashes = con.execute(
        "SELECT count(*), min(position), max(position), count(DISTINCT hash) FROM read_csv_auto(?)", [store["csv"]]
    ).fetchone()
    assert (lo, hi) == (1, n) and distinct_hashes == n


def kelurahan_report(data):
    return json.loads(lumbung("replay", "--data-dir", data, "--view", "kelurahan"))


def hxl_relation(con, path):
    """The HXL export in DuckDB: skip the row of names, so the hashtag row names the columns."""
    return con.read_csv(path, skiprows=1, header=True, dtype={"#adm4+code": "VARCHAR", "#adm3+code": "VARCHAR"})


def test_hxl_sums_match_the_kelurahan_view(store):
    con = duckdb.connect()
    movements = hxl_relation(con, store["hxl"])
    assert movements.columns == HXL_TAGS
    con.register("movements", movements)
    activities = dict(con.execute('SELECT "#activity", count(*) FROM movements GROUP BY 1').fetchall())
    assert {"donation", "shipment", "receipt", "distribution"} <= set(activities)

    distributed = {
        (code, item, unit): q
        for code, item, unit, q in con.execute(
            'SELECT "#adm4+code", "#item+name", "#item+unit", sum("#value") FROM movements '
            "WHERE \"#activity\" = 'distribution' GROUP BY 1, 2, 3"
        ).fetchall()
    }
    reached = {
        code: (hh, ind)
        for code, hh, ind in con.execute(
            'SELECT "#adm4+code", coalesce(sum("#reached+hh"), 0), coalesce(sum("#reached+ind"), 0) '
            "FROM movements WHERE \"#activity\" = 'distribution' GROUP BY 1"
        ).fetchall()
    }
    received = {
        (code, item, unit): q
        for code, item, unit, q in con.execute(
            'SELECT "#adm4+code", "#item+name", "#item+unit", sum("#value") FROM movements '
            "WHERE \"#activity\" IN ('donation', 'receipt') AND \"#loc+type\" = 'posko' GROUP BY 1, 2, 3"
        ).fetchall()
    }

    report = kelurahan_report(store["dir"])
    view_distributed, view_received, view_reached = {}, {}, {}
    for k in report["kelurahan"]:
        if k["distributions"]:
            view_reached[k["code"]] = (k["households"], k["people"])
        for item in k["items"]:
            if item["distributed"]:
                view_distributed[(k["code"], item["item"], item["unit"])] = item["distributed"]
            if item["received"]:
                view_received[(k["code"], item["item"], item["unit"])] = item["received"]
    assert len(view_distributed) > 50
    assert distributed == view_distributed
    assert received == view_received
    assert reached == view_reached
    assert sum(hh for hh, _ in reached.values()) == report["totals"]["households"]
    assert sum(ind for _, ind in reached.values()) == report["totals"]["people"]


def hxl_data(path):
    return hxl.data(path, hxl.InputOptions(allow_local=True))


def test_hxl_is_valid_for_libhxl(store):
    dataset = hxl_data(store["hxl"])
    assert [column.display_tag for column in dataset.columns] == HXL_TAGS
    assert [column.header for column in dataset.columns][:4] == ["Date", "Incident", "Activity", "Activity ID"]

    # libhxl's built-in schema: dates are dates, #value and #reached numbers, no stray
    # whitespace, no inconsistent spellings. Only "info" notes (numeric outliers: a large
    # distribution) are allowed.
    problems = []
    hxl.schema(None, callback=problems.append).validate(hxl_data(store["hxl"]))
    serious = [p for p in problems if p.rule.severity in ("error", "warning")]
    assert serious == [], [f"{p.rule.severity} {p.rule.tag_pattern}: {p.value!r} ({p.message})" for p in serious[:5]]

    rows = 0
    per_activity = collections.Counter()
    for row in hxl_data(store["hxl"]):
        rows += 1
        per_activity[row.get("#activity")] += 1
        assert row.get("#date") and row.get("#adm4+code").startswith("52.71.")
        assert int(row.get("#value")) != 0
    con = duckdb.connect()
    assert rows == len(hxl_relation(con, store["hxl"]).fetchall())
    assert per_activity["distribution"] == sum(
        len(json.loads(line)["data"]["lines"])
        for line in lumbung("read", "--data-dir", store["dir"], "--all", "--type", "aid.aid-distributed").splitlines()
    )


def events_of(data, event_type):
    return [json.loads(line)["data"] for line in lumbung("read", "--data-dir", data, "--all", "--type", event_type).splitlines()]


def test_hxl_targeted_and_reached_are_the_requests(store):
    """3W's two figures per incident, desa and item: Targeted (#output+num+targeted) sums what the
    posts asked in requests not cancelled, Reached (#output+num+reached) what arrived in shipments
    naming them; computed here from the log's own events, independently of the exporter."""
    data = store["dir"]
    desa = {w["warehouseId"]: w["kelurahanCode"] for w in events_of(data, "aid.warehouse-registered")}
    cancelled = {c["requestId"] for c in events_of(data, "aid.request-cancelled")}
    requests = {q["requestId"]: q for q in events_of(data, "aid.items-requested")}
    assert len(requests) >= 5 and cancelled, "the scenario makes requests and cancels one"
    want = collections.Counter()
    for q in requests.values():
        if q["requestId"] not in cancelled:
            for line in q["lines"]:
                want[("targeted", q["incidentId"], desa[q["warehouseId"]], line["item"], line["unit"])] += line["quantity"]
    for_request = {s["shipmentId"]: s["requestId"] for s in events_of(data, "aid.shipment-dispatched")
                   if s.get("requestId") and s["requestId"] not in cancelled}
    for r in events_of(data, "aid.shipment-received"):
        if r["shipmentId"] in for_request:
            q = requests[for_request[r["shipmentId"]]]
            for line in r["lines"]:
                want[("reached", q["incidentId"], desa[q["warehouseId"]], line["item"], line["unit"])] += line["quantity"]

    got = collections.Counter()
    requested_rows = 0
    for row in hxl_data(store["hxl"]):
        key = (row.get("#crisis+code"), row.get("#adm4+code"), row.get("#item+name"), row.get("#item+unit"))
        for figure in ("targeted", "reached"):
            value = row.get(f"#output+num+{figure}")
            if value:
                got[(figure, *key)] += int(value)
        if row.get("#activity") == "request":
            requested_rows += 1
            assert row.get("#loc+type") == "posko" and row.get("#activity+code").startswith("RQ-")
        elif row.get("#output+num+reached"):
            assert row.get("#activity") == "receipt"
    assert requested_rows == sum(len(q["lines"]) for q in requests.values())
    assert got == want
    assert any(k[0] == "reached" for k in got) and any(k[0] == "targeted" for k in got)


def test_wfp_imports_back(store, tmp_path):
    con = duckdb.connect()
    wfp = con.read_csv(store["wfp"], header=True, dtype={"price": "VARCHAR"})
    assert wfp.columns == WFP_COLUMNS
    reports = lumbung("read", "--data-dir", store["dir"], "--all", "--type", "prices.price-reported").splitlines()
    assert len(wfp.fetchall()) == len(reports)
    imported = json.loads(lumbung("import", "wfp", "--data-dir", str(tmp_path / "fresh"), store["wfp"]))
    assert imported["pricesReported"] == len(reports)
    assert imported["skipped"] == []
