"""The resident portal in a real browser: headless Chromium against the real `lumbung` binary.

The test starts `.build/debug/lumbung serve` on a free loopback port over a seeded data
directory, lets Chromium load each tab (`--dump-dom`), and checks that the DOM shows real data of
that data directory: what the JSON API of the same server says, formatted the Indonesian way by
this file's own formatter (independent of the Swift one). It also submits the Cek Resi form with
a receipt number and PIN made through the API, and with a wrong PIN. A phone-sized screenshot of
every page is kept under `artifacts/portal/` (gitignored).

Seeding: `SEED` below is the one line to change. Until `lumbung seed` is in this branch the data
directory is filled through the HTTP API (`seed_through_api`); afterwards set
`SEED = seed_with_cli`. The checks read their expectations from the API, so they hold for
either seed.
"""

from __future__ import annotations

import json
import re
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "debug" / "lumbung"
ARTIFACTS = ROOT / "artifacts" / "portal"
PHONE = "390,844"
# Screenshots of the portal's pages are taken with script off: every page must work without it.
NO_SCRIPT = "--blink-settings=scriptEnabled=false"


# ---------------------------------------------------------------- seeding


def seed_with_cli(data_dir: Path) -> None:
    """The deterministic 2018 scenario of all three domains, by `lumbung seed`."""
    subprocess.run([str(BINARY), "seed", "--data-dir", str(data_dir), "--seed", "2018"], check=True, timeout=900)


def seed_through_api(data_dir: Path) -> None:
    """A small, realistic slice of August 2018 written through the HTTP API's commands (markets,
    commodities, 30 days of price reports with the post-earthquake jump; a gudang, posko,
    donations, shipments and distributions), by a temporary server over `data_dir`."""
    token = make_key(data_dir, "admin", "portal-test-seed")
    with Server(data_dir) as server:
        post = lambda path, body: server.post(path, body, token)  # noqa: E731
        markets = [
            ("pasar-kebon-roek", "Pasar Kebon Roek", "traditional", "52.71.01.1005", 1.00),
            ("pasar-cakranegara", "Pasar Cakranegara", "traditional", "52.71.03.1005", 1.02),
            ("pasar-mandalika", "Pasar Mandalika", "wholesale", "52.71.06.1003", 0.90),
        ]
        for market_id, name, kind, kelurahan, _ in markets:
            post("/v1/prices/markets", {"marketId": market_id, "name": name, "kind": kind, "kelurahanCode": kelurahan})
        commodities = [
            ("beras-km1", "Beras Kualitas Medium I", "Beras", "kg", 11750, 0.05),
            ("cabai-rawit-merah", "Cabai Rawit Merah", "Cabai Rawit", "kg", 38000, 0.30),
            ("telur-ayam-rs", "Telur Ayam Ras Segar", "Telur Ayam", "kg", 23500, 0.20),
        ]
        for commodity_id, name, category, unit, _, _ in commodities:
            post("/v1/prices/commodities", {"commodityId": commodity_id, "name": name, "category": category, "unit": unit})
        for day in range(2, 32):  # 2-31 August 2018; the M7.0 struck on the evening of the 5th
            for m, (market_id, _, kind, _, factor) in enumerate(markets):
                for c, (commodity_id, _, _, unit, level, shock) in enumerate(commodities):
                    rise = 0 if day < 6 else shock * max(0.0, 1 - (day - 6) / 20)
                    noise = ((day * 7 + m * 3 + c * 5) % 5 - 2) / 100
                    price = round(level * factor * (1 + rise + noise) / 50) * 50
                    post("/v1/prices/reports", {
                        "marketId": market_id, "commodityId": commodity_id, "unit": unit, "price": price,
                        "priceType": "wholesale" if kind == "wholesale" else "retail",
                        "observedOn": f"2018-08-{day:02d}", "reporter": "Baiq Nurul Hidayati",
                        "source": "Dinas Perdagangan Kota Mataram"})
        post("/v1/aid/incidents", {"incidentId": "gempa-lombok-2018", "name": "Gempa Bumi Lombok 2018", "kind": "gempa-bumi",
                                   "startedAt": "2018-07-29T06:47:00+08:00", "affectedCodes": ["52.71"]})
        post("/v1/aid/warehouses", {"incidentId": "gempa-lombok-2018", "warehouseId": "gudang-bpbd", "name": "Gudang BPBD Kota Mataram", "kind": "gudang",
                                    "kelurahanCode": "52.71.02.1002", "registeredAt": "2018-07-29T01:00:00Z"})
        posko = [("posko-rembiga", "Posko Rembiga", "52.71.05.1005", 180), ("posko-turida", "Posko Turida", "52.71.06.1004", 140),
                 ("posko-bintaro", "Posko Bintaro", "52.71.01.1013", 90)]
        for warehouse_id, name, kelurahan, _ in posko:
            post("/v1/aid/warehouses", {"incidentId": "gempa-lombok-2018", "warehouseId": warehouse_id, "name": name, "kind": "posko", "kelurahanCode": kelurahan,
                                        "registeredAt": "2018-08-05T14:00:00Z"})
        post("/v1/aid/donations", {"incidentId": "gempa-lombok-2018", "warehouseId": "gudang-bpbd", "receivedAt": "2018-08-06T02:00:00Z",
                                   "donor": {"name": "Badan Nasional Penanggulangan Bencana (BNPB)", "kind": "government"},
                                   "items": [{"item": "beras", "unit": "kg", "quantity": 5000},
                                             {"item": "terpal", "unit": "lembar", "quantity": 400}]})
        post("/v1/aid/donations", {"incidentId": "gempa-lombok-2018", "warehouseId": "gudang-bpbd", "receivedAt": "2018-08-06T05:30:00Z",
                                   "donor": {"name": "Palang Merah Indonesia (PMI) Kota Mataram", "kind": "ngo"},
                                   "items": [{"item": "selimut", "unit": "lembar", "quantity": 600},
                                             {"item": "air mineral", "unit": "dus", "quantity": 300}]})
        for i, (warehouse_id, _, kelurahan, households) in enumerate(posko):
            shipment = post("/v1/aid/shipments", {"incidentId": "gempa-lombok-2018", 
                "fromWarehouseId": "gudang-bpbd", "toWarehouseId": warehouse_id, "vehicle": "DR 8123 AB",
                "driver": "sopir-04", "dispatchedAt": f"2018-08-06T0{6 + i}:00:00Z",
                "lines": [{"item": "beras", "unit": "kg", "quantity": households * 5 + 100},
                          {"item": "selimut", "unit": "lembar", "quantity": households},
                          {"item": "terpal", "unit": "lembar", "quantity": households // 2}]})
            post(f"/v1/aid/shipments/{shipment['shipmentId']}/receipt", {"receivedAt": f"2018-08-06T1{i}:00:00Z"})
            post("/v1/aid/distributions", {"incidentId": "gempa-lombok-2018", 
                "warehouseId": warehouse_id, "kelurahanCode": kelurahan, "households": households, "people": round(households * 3.6),
                "distributedAt": f"2018-08-07T0{1 + i}:00:00Z",
                "lines": [{"item": "beras", "unit": "kg", "quantity": households * 5},
                          {"item": "selimut", "unit": "lembar", "quantity": households}]})


# The one line to change once `lumbung seed` is in this branch: SEED = seed_with_cli
SEED = seed_through_api


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_key(data_dir: Path, role: str, name: str, scope: tuple[str, ...] = ()) -> str:
    """A key made by `lumbung keys create`, which prints its token once; `scope` limits it to those
    offices, warehouses/posko or markets (`--scope`, repeated)."""
    out = subprocess.run([str(BINARY), "keys", "create", "--data-dir", str(data_dir), "--role", role, "--name", name,
                          *(f"--scope={s}" for s in scope)],
                         check=True, capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])["token"]


class Server:
    """`lumbung serve` on a free loopback port, ready when /health answers."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--data-dir", str(self.data_dir), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 300  # a deadline for start-up (the views catch up), not a check of speed
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"lumbung serve exited with {self.process.returncode}: {self.output()}")
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=5) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"lumbung serve did not answer /health: {self.output()}")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(self.base + path, timeout=60) as r:
            return json.load(r)

    def post(self, path: str, body: dict, token: str) -> dict:
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            raise AssertionError(f"POST {path} answered {e.code}: {e.read().decode(errors='replace')}") from None


# ---------------------------------------------------------------- the browser


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("Chromium is needed for the portal's browser test: apt-get install chromium, or chromium-browser (make deps does)")


class Browser:
    """Headless Chromium, one process per page, with a throwaway profile."""

    def __init__(self, profile: Path):
        self.binary = chromium_binary()
        self.profile = profile

    def run(self, url: str, *flags: str) -> str:
        command = [self.binary, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
                   "--disable-dev-shm-usage", f"--user-data-dir={self.profile}", "--hide-scrollbars", *flags, url]
        out = subprocess.run(command, capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, f"chromium failed on {url}: {out.stderr[-1500:]}"
        return out.stdout

    def dom(self, url: str, *flags: str) -> str:
        """The DOM of a page after loading. (--dump-dom serializes through script, so it cannot run
        with script off; the pages carry none, and `test_pages_need_no_script` checks that.)"""
        return self.run(url, "--dump-dom", *flags)

    def dom_after_submit(self, page: Path) -> str:
        """The DOM of the page a form submission leads to (script on, for the submitting page only)."""
        return self.run(page.as_uri(), "--dump-dom", "--virtual-time-budget=10000")

    def screenshot(self, url: str, name: str, *flags: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        # Chromium's headless screenshots come out empty with script disabled by blink settings;
        # the pages carry no script (test_pages_need_no_script checks it), so script stays on here.
        self.run(url, f"--screenshot={path}", f"--window-size={PHONE}", *flags)
        assert path.exists() and path.stat().st_size > 0
        return path

    def submit(self, page: Path, action: str, fields: dict[str, str]) -> Path:
        """A local page that POSTs `fields` to `action` as soon as it loads (the form a resident
        fills in, filled by script since --dump-dom cannot type)."""
        inputs = "".join(f'<input name="{k}" value="{v}">' for k, v in fields.items())
        page.write_text(f'<!DOCTYPE html><form method="post" action="{action}">{inputs}</form>'
                        "<script>document.forms[0].submit()</script>", encoding="utf-8")
        return page


# ---------------------------------------------------------------- Indonesian formatting, independently


def ribuan(n: int) -> str:
    """1250 -> 1.250"""
    return f"{n:,}".replace(",", ".")


def rupiah(value: float) -> str:
    """11750 -> Rp 11.750; 11750.5 -> Rp 11.750,50"""
    scaled = round(value * 10000)
    whole, fraction = divmod(abs(scaled), 10000)
    text = ribuan(whole)
    if fraction:
        digits = f"{fraction:04d}".rstrip("0")
        text += "," + digits.ljust(2, "0")
    return ("-Rp " if scaled < 0 else "Rp ") + text


BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]


def tanggal(iso_day: str) -> str:
    """2018-08-10 -> 10 Agustus 2018"""
    y, m, d = (int(p) for p in iso_day.split("-"))
    return f"{d} {BULAN[m - 1]} {y}"


def test_formatter_of_this_file():
    assert ribuan(1250) == "1.250" and ribuan(999) == "999" and ribuan(1234567) == "1.234.567"
    assert rupiah(11750) == "Rp 11.750" and rupiah(11750.5) == "Rp 11.750,50" and rupiah(0.1234) == "Rp 0,1234"
    assert tanggal("2018-08-10") == "10 Agustus 2018"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run swift build --product lumbung first")
    data_dir = tmp_path_factory.mktemp("portal-data")
    SEED(data_dir)
    writer = make_key(data_dir, "documents-writer", "portal-test")
    with Server(data_dir) as server:
        server.documents_token = writer
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    return Browser(tmp_path_factory.mktemp("chromium-profile"))


# ---------------------------------------------------------------- the pages


def test_home_links_the_three_tabs(portal, browser):
    dom = browser.dom(portal.base + "/")
    assert '<html lang="id">' in dom
    assert 'name="viewport"' in dom
    for path, title in (("/cek-resi", "Cek Resi"), ("/harga-pasar", "Harga Pasar"), ("/bantuan-bencana", "Bantuan Bencana")):
        assert f'href="{path}"' in dom and title in dom
    browser.screenshot(portal.base + "/", "beranda")


def test_harga_pasar_shows_latest_prices_trend_and_alerts(portal, browser):
    prices = portal.get("/v1/prices/latest")["prices"]
    assert prices, "the seeded data directory has price reports"
    latest_day = max(p["observedOn"] for p in prices)
    sample = next(p for p in sorted(prices, key=lambda p: (p["commodityId"], p["marketId"])) if p["observedOn"] == latest_day)
    dom = browser.dom(portal.base + "/harga-pasar")
    assert f"Harga terbaru per {tanggal(latest_day)}" in dom
    assert sample["commodityName"] in dom and sample["marketName"] in dom
    assert rupiah(sample["price"]) in dom
    alerts = portal.get("/v1/prices/alerts")["alerts"]
    assert "Peringatan kenaikan harga" in dom
    if alerts:
        assert "naik " in dom and alerts[-1]["commodityName"] in dom
    browser.screenshot(portal.base + "/harga-pasar", "harga-pasar")

    # One commodity and one market, picked by the filter (a GET form).
    url = f"{portal.base}/harga-pasar?komoditas={sample['commodityId']}&pasar={sample['marketId']}"
    dom = browser.dom(url)
    assert f"{sample['commodityName']} di {sample['marketName']}" in dom
    assert rupiah(sample["price"]) in dom

    # The commodity's 30-day trend as inline SVG.
    series = portal.get(f"/v1/prices/trend/{sample['commodityId']}")["series"]
    retail = next((s for s in series if s["priceType"] == "retail"), series[0])
    last = retail["points"][-1]
    url = f"{portal.base}/harga-pasar/{sample['commodityId']}"
    dom = browser.dom(url)
    assert "<svg" in dom and "<polyline" in dom and "<polygon" in dom
    assert f"{tanggal(last['date'])}: median {rupiah(last['median'])}" in dom
    browser.screenshot(url, "harga-pasar-komoditas")


def test_bantuan_bencana_shows_kelurahan_stock_and_donors(portal, browser):
    report = portal.get("/v1/aid/kelurahan")
    assert len(report["kelurahan"]) == 50
    top = max(report["kelurahan"], key=lambda k: k["households"])
    assert top["households"] > 0, "the seeded data directory has distributions"
    dom = browser.dom(portal.base + "/bantuan-bencana")
    assert f">{top['name']}</text>" in dom
    assert f">{ribuan(top['households'])} KK</text>" in dom
    assert f"Kecamatan {top['kecamatanName']}" in dom
    browser.screenshot(portal.base + "/bantuan-bencana", "bantuan-bencana")

    stock = portal.get("/v1/aid/stock")
    warehouse = next(w for w in stock["warehouses"] if any(i["onHand"] > 0 for i in w["items"]))
    item = next(i for i in warehouse["items"] if i["onHand"] > 0)
    dom = browser.dom(portal.base + "/bantuan-bencana/stok")
    assert warehouse["warehouse"]["name"] in dom
    url = f"{portal.base}/bantuan-bencana/gudang/{warehouse['warehouse']['warehouseId']}"
    dom = browser.dom(url)
    assert f"{ribuan(item['onHand'])} {item['unit']}" in dom
    browser.screenshot(url, "bantuan-bencana-gudang")

    donors = portal.get("/v1/aid/donors")["donors"]
    dom = browser.dom(portal.base + "/bantuan-bencana/donatur")
    for donor in donors[:3]:
        assert donor["name"].replace("&", "&amp;") in dom
    browser.screenshot(portal.base + "/bantuan-bencana/donatur", "bantuan-bencana-donatur")

    # A donor follows their gift: every step, each with its public proof, and the balance.
    donation = next(s for w in stock["warehouses"] for i in w["items"] for s in i["lots"])["donationId"]
    url = f"{portal.base}/bantuan-bencana/donasi?nomor={donation}"
    dom = browser.dom(url)
    assert "Dikirim dari" in dom and "Disalurkan di kelurahan" in dom and "seimbang" in dom
    proof = re.search(r'href="(/bukti/[0-9]+)"', dom).group(1)
    with urllib.request.urlopen(portal.base + proof, timeout=60) as r:
        assert "Terbukti" in r.read().decode()
    browser.screenshot(url, "bantuan-bencana-donasi")


def test_cek_resi_shows_status_and_a_wrong_pin_the_friendly_message(portal, browser, tmp_path):
    browser.screenshot(portal.base + "/cek-resi", "cek-resi")
    submitted = portal.post("/v1/documents/applications", {
        "documentType": "kk", "office": "kec-selaparang", "channel": "counter", "applicant": {"nik": "5271054508900003"}},
        portal.documents_token)
    receipt, pin = submitted["receiptNumber"], submitted["pin"]
    portal.post(f"/v1/documents/applications/{receipt}/status", {"to": "verified", "officer": "petugas-selaparang-1"},
                portal.documents_token)

    page = browser.submit(tmp_path / "cek.html", portal.base + "/cek-resi", {"resi": receipt, "pin": pin})
    dom = browser.dom_after_submit(page)
    assert receipt in dom
    assert '<p class="status" id="status">Diverifikasi</p>' in dom
    assert "Kartu Keluarga" in dom and "Kecamatan Selaparang" in dom
    assert "Diajukan" in dom and "WITA" in dom
    assert "5271054508900003" not in dom and pin not in dom
    browser.screenshot(page.as_uri(), "cek-resi-status", "--virtual-time-budget=10000")

    wrong = "000000" if pin != "000000" else "111111"
    page = browser.submit(tmp_path / "salah.html", portal.base + "/cek-resi", {"resi": receipt, "pin": wrong})
    dom = browser.dom_after_submit(page)
    assert "Nomor resi atau PIN tidak cocok. Periksa kembali" in dom
    assert "Diverifikasi" not in dom
    browser.screenshot(page.as_uri(), "cek-resi-salah", "--virtual-time-budget=10000")


def test_pages_need_no_script(portal):
    """No page carries script or loads anything from elsewhere, and the CSP forbids both."""
    for path in ("/", "/cek-resi", "/harga-pasar", "/bantuan-bencana", "/bantuan-bencana/stok", "/bantuan-bencana/donatur",
                 "/bantuan-bencana/donasi"):
        with urllib.request.urlopen(portal.base + path, timeout=60) as r:
            body = r.read().decode()
            assert r.headers["Content-Type"] == "text/html; charset=utf-8"
            assert "default-src 'none'" in r.headers["Content-Security-Policy"]
        assert "<script" not in body, path
        assert 'src="http' not in body and "url(http" not in body and '<link rel="stylesheet"' not in body, path


def test_wrong_pin_is_a_404_over_http(portal):
    request = urllib.request.Request(portal.base + "/cek-resi", data=b"resi=MTR-0000000000&pin=123456", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=60)
    assert caught.value.code == 404
    assert "Nomor resi atau PIN tidak cocok" in caught.value.read().decode()
