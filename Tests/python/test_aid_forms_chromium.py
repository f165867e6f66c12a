"""The aid forms of the staff screens, filled in and sent by Chromium as an officer at a phone would.

`lumbung serve` runs over a fresh data directory with an item catalog (so free-text items are
refused) and an incident; each test registers its own gudang and posko through the API (`ship`
of test_staff.py) and makes keys scoped to them. Headless Chromium, driven over the DevTools
protocol (`cdp.Chromium`), signs in through the real sign-in page (`/petugas/masuk`, the key typed
into `kunci`), so the session's SameSite=Strict cookie, the CSRF token and the form's event id are
the browser's own; the forms are sent by tapping their buttons.

Each rule is shown refused on the page in Bahasa Indonesia, naming what is wrong, with the HTTP
status of the refusal, and the log's head (`/health`: position and hash) unchanged by it; a
phone-sized screenshot of each refusal goes to `artifacts/portal/`. Where it matters the way through
is taken too. Every refusal must read in Indonesian: none may fall back to the server's English
reason (kept after "Rincian: ").

Because the browser sends every form itself, these tests also see what a plain HTTP client does
not: the Origin a real browser puts on a staff form (`test_a_staff_form_sent_by_chromium_...`).
"""

from __future__ import annotations

import datetime
import http.server
import re
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request

import pytest

from cdp import Chromium
from test_portal import ARTIFACTS, BINARY, Server, make_key
from test_staff import ship

INCIDENT = "gempa-uji"


# ---------------------------------------------------------------- the driver itself


def test_driver_sends_a_form_with_its_strict_cookie_and_reads_the_answer():
    """cdp.Chromium against a page of this process: the SameSite=Strict cookie set on the page is
    sent with the tapped form, with the page's Origin; typed and picked values arrive (an option
    the page does not list too), and the answer's status and text are read."""
    seen: list[tuple[str | None, str | None, dict]] = []

    class Page(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = ('<!DOCTYPE html><html lang="id"><meta charset="utf-8"><form method="post" action="/kirim">'
                    '<input id="nama" name="nama" required><select id="desa" name="desa"><option value="52.71.01.1004">'
                    'Ampenan Selatan</option></select><button type="submit">Kirim</button></form>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", "default-src 'none'")
            self.send_header("Set-Cookie", "sesi=rahasia; HttpOnly; SameSite=Strict; Path=/")
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            fields = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            seen.append((self.headers.get("Cookie"), self.headers.get("Origin"), fields))
            self.send_response(409)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write('<div role="alert">Tidak dicatat: sudah ada.</div>'.encode())

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with Chromium() as page:
            page.open(base + "/")
            assert page.status == 200
            with pytest.raises(AssertionError, match="would not send the form: nama"):
                page.submit("form")  # a required field left empty: the browser keeps the form
            page.fill("#nama", "Baiq Nur Aini").select("#desa", "52.08.01.2001", unlisted=True)
            page.submit("form")
            assert page.status == 409 and page.text() == "Tidak dicatat: sudah ada."
            assert seen == [("sesi=rahasia", base, {"nama": ["Baiq Nur Aini"], "desa": ["52.08.01.2001"]})]
            assert page.screenshot("cdp-driver").stat().st_size > 0
            page.back()
            assert page.status == 200 and page.url == base + "/"
    finally:
        server.shutdown()


# ---------------------------------------------------------------- the server and its data


@pytest.fixture(scope="module")
def depot(tmp_path_factory):
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run swift build --product lumbung first")
    data_dir = tmp_path_factory.mktemp("aid-forms-data")
    admin = make_key(data_dir, "aid-writer", "koordinator-bantuan")
    with Server(data_dir) as server:
        server.admin = admin
        server.post("/v1/aid/incidents", {"incidentId": INCIDENT, "name": "Gempa uji", "kind": "gempa-bumi",
                                          "startedAt": "2018-08-05T19:46:00+08:00", "affectedCodes": ["52.71"]}, admin)
        for item, name, category, unit in (("beras", "Beras medium", "pangan", "kg"), ("terpal", "Terpal plastik", "hunian", "lembar")):
            server.post("/v1/aid/catalog", {"item": item, "name": name, "category": category, "baseUnit": unit,
                                            "expires": False}, admin)
        yield server


def head(server) -> tuple[int, str]:
    """The log's head: its last position and that event's hash."""
    health = server.get("/health")
    return health["headPosition"], health["headHash"]


def on_hand(server, warehouse: str, item: str = "beras", unit: str = "kg") -> int:
    totals = server.get(f"/v1/aid/stock/{warehouse}?item={item}&unit={unit}")["totals"]
    return totals[0]["onHand"] if totals else 0


def sign_in(page: Chromium, server, key: str) -> None:
    """The real sign-in page: the key typed into `kunci`, the form sent."""
    page.open(server.base + "/petugas/masuk")
    page.fill("#kunci", key).submit("form[action='/petugas/masuk']")
    assert page.status == 200 and "Masuk petugas" not in page.evaluate("document.title"), page.text()[:500]


def notice(page: Chromium) -> str:
    """The refusal (or confirmation) at the top of the page."""
    found = page.evaluate("Array.from(document.querySelectorAll('.notice')).map(n => n.innerText).join('\\n')")
    assert found, f"no notice on {page.url}: {page.text()[:800]}"
    return found


ENGLISH = re.compile(r"Rincian: .*\b(is|of|the|not|than|outside|lacks|covers)\b")




def refused(page: Chromium, server, before: tuple[int, str], status: int, shot: str, *expected: str) -> str:
    """The page shows a refusal with `status` naming each of `expected`, nothing was written,
    and a screenshot of it was taken. Returns the notice's text."""
    text = notice(page)
    print(f"{shot} ({page.status}): {text}")  # shown with -s or when the test fails
    assert page.status == status, f"{page.url} answered {page.status}, not {status}: {text}"
    assert text.startswith("Tidak dicatat"), text
    assert not ENGLISH.search(text), f"the refusal is still in English: {text}"
    for want in expected:
        assert want in text, f"{want!r} not in the refusal: {text}"
    assert head(server) == before, f"the refusal wrote to the log: {text}"
    shot_path = page.screenshot(shot, show=".notice")
    assert shot_path.stat().st_size > 0
    return text


def posko_with_stock(server, tag: str, gudang_code: str, posko_code: str, kg: int = 200) -> tuple[str, str, str]:
    """A gudang and a posko of their own (`gudang-<tag>`, `posko-<tag>`); `kg` of beras sent to the
    posko and received there. Returns the gudang, the posko and the shipment's number."""
    gudang, posko = f"gudang-{tag}", f"posko-{tag}"
    shipped = ship(server, server.admin, (gudang, f"Gudang {tag.title()}", gudang_code), (posko, f"Posko {tag.title()}", posko_code),
                   f"DN-2018-PY{tag.upper()[:6]}", "beras", "kg", 1000, kg, "sopir-05")
    server.post(f"/v1/aid/shipments/{shipped['shipmentId']}/receipt", {}, server.admin)
    return gudang, posko, shipped["shipmentId"]


# ---------------------------------------------------------------- a form from the staff pages themselves


def test_a_staff_form_sent_by_chromium_is_taken_as_from_this_site(depot, tmp_path_factory):
    """Chromium sends the Origin of a form posted from a page whose Referrer-Policy is
    `no-referrer` as `null`; the staff screens refuse a form whose Origin is not this host, so
    with that policy every staff form a browser sends is refused (403, "dikirim dari situs lain").
    Signing out, the smallest staff form, shows whether the browser's forms get through."""
    with Chromium(tmp_path_factory.mktemp("chromium-sign-out")) as page:
        sign_in(page, depot, depot.admin)
        page.submit("form[action='/petugas/keluar']")
        assert page.status == 200 and page.url.endswith("/petugas/masuk"), (
            f"signing out answered {page.status} at {page.url}: {page.text()[:600]}")
        page.open(depot.base + "/petugas/bantuan")
        assert page.status == 401 and "Masuk petugas" in page.text(), "signed out: the staff pages ask for the key again"


# ---------------------------------------------------------------- a. one household once a round


def test_a_household_served_twice_in_a_round_is_refused(depot, tmp_path_factory):
    _, posko, _ = posko_with_stock(depot, "kekalik", "52.71.02.1002", "52.71.04.1001")
    key = make_key(depot.data_dir, "aid-writer", "relawan-kekalik", scope=(posko,))
    with Chromium(tmp_path_factory.mktemp("chromium-households")) as page:
        sign_in(page, depot, key)
        url = f"{depot.base}/petugas/bantuan/{posko}/keluarga"
        page.open(url)
        for kk, name, members in (("5271040101180011", "Lalu Ahmad Zaini", "5"), ("5271040101180012", "Baiq Nur Aini", "3")):
            page.fill("#kk", kk).fill("#nama", name).select("#desa", "52.71.04.1001").fill("#anggota", members)
            page.submit("form[action$='/keluarga']")
            assert page.status == 200 and "terdaftar" in notice(page), notice(page)
        ids = re.findall(r'id="hh-(HH-[0-9A-Z-]+)"', page.html())
        assert len(ids) == 2, ids

        # Salurkan kepada keluarga: both households, 20 kg in putaran-1.
        for hid in ids:
            page.check(f"#hh-{hid}")
        page.fill("#putaran", "putaran-1").select("#barang", "beras|kg").fill("#jumlah", "20")
        page.submit("#salurkan")
        done = notice(page)
        assert page.status == 200 and "disalurkan kepada 2 keluarga" in done, done
        distribution = re.search(r"bast/(DS-[0-9A-Z-]+)", done).group(1)
        stock = on_hand(depot, posko)

        # The first household again in the same round, on the form the page drew anew.
        before = head(depot)
        page.check(f"#hh-{ids[0]}")
        page.fill("#putaran", "putaran-1").select("#barang", "beras|kg").fill("#jumlah", "10")
        page.submit("#salurkan")
        text = refused(page, depot, before, 409, "petugas-keluarga-dua-kali", "Tidak dicatat", ids[0], "putaran-1", distribution,
                       "sudah menerima bantuan")
        assert "Keluarga" in text
        assert on_hand(depot, posko) == stock
        # What was typed is kept for the next try.
        assert page.value("#jumlah") == "10" and page.value("#putaran") == "putaran-1"


def test_a_posko_uploads_its_roster_all_or_nothing(depot, tmp_path_factory, tmp_path):
    """Impor daftar keluarga: the roster chosen as a file and uploaded (multipart/form-data) by
    Chromium; a bad line is refused naming it, in Indonesian, and nothing of the file is written;
    the file mended goes in whole."""
    _, posko, _ = posko_with_stock(depot, "pagutan", "52.71.04.1002", "52.71.04.1003")
    key = make_key(depot.data_dir, "aid-writer", "relawan-pagutan", scope=(posko,))
    bad = tmp_path / "daftar-keluarga.csv"
    bad.write_text("nomor_kk,nama_kepala,anggota,bayi,lansia\n"
                   "5271040101180021,Lalu Roster Satu,4,1,0\n"
                   "52710401011800,Baiq Roster Dua,3,0,1\n", encoding="utf-8")
    with Chromium(tmp_path_factory.mktemp("chromium-roster")) as page:
        sign_in(page, depot, key)
        page.open(f"{depot.base}/petugas/bantuan/{posko}/keluarga")
        before = head(depot)
        page.upload("#berkas", bad)
        page.submit("form[action$='/keluarga/impor']")
        text = refused(page, depot, before, 400, "petugas-keluarga-impor-ditolak", "baris 3 berkas", "Nomor KK (kk)")
        assert "5271040101180021" not in page.html(), "nothing of the file is registered"
        good = tmp_path / "daftar-keluarga-benar.csv"
        good.write_text(bad.read_text(encoding="utf-8").replace("52710401011800,", "5271040101180022,"), encoding="utf-8")
        page.upload("#berkas", good)
        page.submit("form[action$='/keluarga/impor']")
        done = notice(page)
        assert page.status == 200 and "2 keluarga dari berkas terdaftar" in done, done
        assert head(depot)[0] == before[0] + 2
        page.screenshot("petugas-keluarga-impor")


# ---------------------------------------------------------------- b. a resent form writes once


def test_b_a_resent_form_writes_once(depot, tmp_path_factory):
    _, posko, _ = posko_with_stock(depot, "dasan", "52.71.03.1004", "52.71.03.1005")
    key = make_key(depot.data_dir, "aid-writer", "relawan-dasan", scope=(posko,))
    with Chromium(tmp_path_factory.mktemp("chromium-resend")) as page:
        sign_in(page, depot, key)
        page.open(f"{depot.base}/petugas/bantuan/{posko}")
        form = "form[action$='/salurkan']"
        drawn = page.value(f"{form} input[name=eventId]")
        typed = {"#jumlah": "30", "#kk": "6", "#jiwa": "21"}
        for selector, value in typed.items():
            page.fill(selector, value)
        page.select("#barang", "beras|kg").select("#kelurahan", "52.71.03.1005")
        page.submit(form)
        assert page.status == 200 and "30 kg beras disalurkan kepada 6 KK (21 jiwa)" in notice(page), notice(page)
        written = head(depot)
        stock = on_hand(depot, posko)
        assert stock == 170

        # The phone's reload of the answer sends the same POST again.
        page.reload()
        assert page.status == 200 and "tidak dicatat dua kali" in notice(page), notice(page)
        assert head(depot) == written

        # Back, and the same drawn form (its event id) sent again with the same values.
        page.back()
        assert page.value(f"{form} input[name=eventId]") != drawn, "the page draws a new form each time"
        page.evaluate(f"document.querySelector(\"{form} input[name=eventId]\").value = '{drawn}'")
        for selector, value in typed.items():
            page.fill(selector, value)
        page.select("#barang", "beras|kg").select("#kelurahan", "52.71.03.1005")
        page.submit(form)
        assert page.status == 200 and "Formulir ini sudah tercatat sebelumnya; tidak dicatat dua kali." in notice(page)
        page.screenshot("petugas-salurkan-dua-kali", show=".notice")
        assert head(depot) == written and on_hand(depot, posko) == stock


# ---------------------------------------------------------------- c. four eyes


def test_c_a_large_write_off_waits_for_a_second_officer(depot, tmp_path_factory):
    gudang, _, _ = posko_with_stock(depot, "sayang", "52.71.05.1005", "52.71.06.1004", kg=100)
    writer = make_key(depot.data_dir, "aid-writer", "petugas-gudang-sayang", scope=(gudang,))
    head_of = make_key(depot.data_dir, "aid-writer", "kepala-gudang-sayang", scope=(gudang,))
    lot = "beras|kg|DN-2018-PYSAYANG"
    url = f"{depot.base}/petugas/bantuan/{gudang}"
    assert on_hand(depot, gudang) == 900
    with Chromium(tmp_path_factory.mktemp("chromium-writer")) as page:
        sign_in(page, depot, writer)
        page.open(url)
        page.click("details:has(form[action$='/hapus-buku']) > summary")
        page.select("#lot-hapus", lot).fill("#jumlah-hapus", "150").fill("#alasan-hapus", "karung basah terendam")
        page.submit("form[action$='/hapus-buku']")
        written = notice(page)
        assert page.status == 200 and "menunggu persetujuan petugas lain" in written, written
        adjustment = re.search(r"Penghapusan (AD-[0-9A-Z-]+)", written).group(1)
        assert on_hand(depot, gudang) == 900, "a pending write-off does not count"
        assert "Menunggu persetujuan" in page.text() and adjustment in page.text()

        # Its writer's own approval is refused.
        before = head(depot)
        page.submit(f"form[action$='/setujui/{adjustment}']")
        refused(page, depot, before, 422, "petugas-setujui-sendiri", "Tidak dicatat", adjustment,
                "dicatat oleh kunci ini sendiri; petugas lain yang harus memutuskan")
        assert on_hand(depot, gudang) == 900

    # The head of the gudang, in another Chromium profile, approves it.
    with Chromium(tmp_path_factory.mktemp("chromium-approver")) as page:
        sign_in(page, depot, head_of)
        page.open(url)
        assert adjustment in page.text() and "petugas lain" in page.text()
        page.submit(f"form[action$='/setujui/{adjustment}']")
        assert page.status == 200 and f"Penyesuaian stok {adjustment} disetujui" in notice(page), notice(page)
        page.screenshot("petugas-setujui-empat-mata", show=".notice")
    assert on_hand(depot, gudang) == 750


# ---------------------------------------------------------------- d. a donation outside the catalog


def test_d_a_donation_of_an_item_not_in_the_catalog_is_refused(depot, tmp_path_factory):
    gudang, _, _ = posko_with_stock(depot, "ampenan", "52.71.01.1004", "52.71.01.1005", kg=10)
    key = make_key(depot.data_dir, "aid-writer", "petugas-gudang-ampenan", scope=(gudang,))
    with Chromium(tmp_path_factory.mktemp("chromium-donation")) as page:
        sign_in(page, depot, key)
        page.open(f"{depot.base}/petugas/bantuan/{gudang}/permintaan")
        form = "form[action$='/donasi']"

        def donate(item: str, unit: str, quantity: str) -> None:
            page.fill("#donatur", "Ikatan Pemuda Ampenan").select("#jenis", "community")
            page.fill("#barang-donasi", item).fill("#satuan-donasi", unit).fill("#jumlah-donasi", quantity)
            page.submit(form)

        before = head(depot)
        donate("mie instan goreng", "dus", "20")
        refused(page, depot, before, 422, "petugas-donasi-di-luar-katalog", "Tidak dicatat", "Barang",
                "mie instan goreng tidak ada dalam katalog barang; pilih barang dari katalog")

        # A cataloged item, in one of its packs' units, goes through.
        donate("terpal", "lembar", "40")
        assert page.status == 200 and re.search(r"Donasi DN-[0-9A-Z-]+ diterima", notice(page)), notice(page)
        assert head(depot)[0] > before[0]
        assert on_hand(depot, gudang, "terpal", "lembar") == 40


# ---------------------------------------------------------------- e. more than there is, more than is lacking


def test_e_a_dispatch_above_stock_and_a_commitment_above_the_need_are_refused(depot, tmp_path_factory):
    gudang, posko, _ = posko_with_stock(depot, "cakra", "52.71.03.1004", "52.71.03.1005", kg=100)
    key = make_key(depot.data_dir, "aid-writer", "petugas-gudang-cakra", scope=(gudang,))
    needed_by = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    asked = depot.post("/v1/aid/requests", {"incidentId": INCIDENT, "warehouseId": posko, "priority": "tinggi",
                                            "neededBy": f"{needed_by}T23:59:00+08:00",
                                            "lines": [{"item": "beras", "unit": "kg", "quantity": 300}]}, depot.admin)
    number = asked["requestId"]
    with Chromium(tmp_path_factory.mktemp("chromium-dispatch")) as page:
        sign_in(page, depot, key)
        page.open(f"{depot.base}/petugas/bantuan/{gudang}")
        form = "form[action$='/kirim']"
        page.select(f"{form} select[name=insiden]", INCIDENT).select("#ke", posko).select("#barang-kirim", "beras|kg")
        page.fill("#jumlah-kirim", "5000").fill("#kendaraan", "DR 8011 AM").fill("#sopir", "sopir-02")
        before = head(depot)
        page.submit(form)
        refused(page, depot, before, 422, "petugas-kirim-melebihi-stok", "Tidak dicatat", "Jumlah", "5000 kg beras",
                "melebihi stok yang ada di", "900")
        assert on_hand(depot, gudang) == 900

        # The posko's request lacks 300 kg; a promise of 400 is refused, one of 300 is written.
        page.open(f"{depot.base}/petugas/bantuan/{gudang}/permintaan")
        commit = f"form[action$='/permintaan/{number}/janji']"
        assert "kurang 300 kg" in page.text()
        page.fill(f"{commit} input[name='jumlah-0']", "400")
        before = head(depot)
        page.submit(commit)
        text = refused(page, depot, before, 422, "petugas-janji-melebihi-kekurangan", "Tidak dicatat", "400", "300", number)
        assert "melebihi kekurangan permintaan" in text, text
        page.fill(f"{commit} input[name='jumlah-0']", "300")
        page.submit(commit)
        assert page.status == 200 and f"Janji kirim untuk permintaan {number} tercatat" in notice(page), notice(page)
        assert depot.get(f"/v1/aid/requests/{number}")["lines"][0]["committed"] == 300


# ---------------------------------------------------------------- f. desa/kelurahan codes


@pytest.mark.parametrize("code, why", [
    ("52.08.01.2001", "outside"),   # Desa Tanjung, Lombok Utara: in the table, outside Kota Mataram
    ("52.71.09.9999", "unknown"),   # no such desa/kelurahan in the Kepmendagri table
])
def test_f_a_desa_code_outside_the_area_or_the_table_is_refused(depot, tmp_path_factory, code, why):
    tag = {"outside": "pejeruk", "unknown": "bintaro"}[why]
    _, posko, _ = posko_with_stock(depot, tag, "52.71.01.1013", "52.71.06.1003")
    key = make_key(depot.data_dir, "aid-writer", f"relawan-{tag}", scope=(posko,))
    with Chromium(tmp_path_factory.mktemp(f"chromium-desa-{why}")) as page:
        sign_in(page, depot, key)

        # Salurkan bantuan: the kelurahan <select> set to a code it does not offer.
        page.open(f"{depot.base}/petugas/bantuan/{posko}")
        form = "form[action$='/salurkan']"
        page.select("#barang", "beras|kg").fill("#jumlah", "10").fill("#kk", "2").fill("#jiwa", "7")
        page.select("#kelurahan", code, unlisted=True)
        before = head(depot)
        page.submit(form)
        text = refused(page, depot, before, 422, f"petugas-salurkan-desa-{why}", "Tidak dicatat", "Kelurahan (kelurahanCode)", code)
        assert ("di luar wilayah layanan" if why == "outside" else "bukan kode") in text, text

        # Daftarkan keluarga: the desa <select> likewise.
        page.open(f"{depot.base}/petugas/bantuan/{posko}/keluarga")
        page.fill("#kk", "527106010118" + ("0091" if why == "outside" else "0092")).fill("#nama", "Lalu Muhammad Zohri")
        page.fill("#anggota", "4").select("#desa", code, unlisted=True)
        before = head(depot)
        page.submit("form[action$='/keluarga']")
        text = refused(page, depot, before, 422, f"petugas-keluarga-desa-{why}", "Tidak dicatat", "Kelurahan (kelurahanCode)", code)
        assert ("di luar wilayah layanan" if why == "outside" else "bukan kode") in text, text


# ---------------------------------------------------------------- the goods-received note's QR code


def test_goods_received_note_qr_code_leads_to_the_public_proof(depot, tmp_path_factory):
    """The posko receives a shipment by its surat jalan's number in Chromium; the printed tanda
    terima barang's QR code, read by zbarimg from a phone screenshot, opens the proof of the
    receipt."""
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: apt-get install zbar-tools")
    gudang, posko = "gudang-monjok", "posko-monjok"
    shipped = ship(depot, depot.admin, (gudang, "Gudang Monjok", "52.71.05.1005"), (posko, "Posko Monjok", "52.71.04.1001"),
                   "DN-2018-PYMONJOK", "terpal", "lembar", 60, 50, "sopir-09")
    number = shipped["shipmentId"]
    key = make_key(depot.data_dir, "aid-writer", "relawan-monjok", scope=(posko,))
    with Chromium(tmp_path_factory.mktemp("chromium-tanda-terima")) as page:
        sign_in(page, depot, key)
        page.open(f"{depot.base}/petugas/bantuan/{posko}")
        page.fill("#kiriman", number).submit("form[action$='/terima']")
        assert page.status == 200 and f"Terima kiriman {number}" in page.text()
        page.fill("#d-0", "48").fill("#catatan", "dua lembar sobek")
        page.submit(f"form[action$='/terima/{number}']")
        assert page.status == 200 and f"Kiriman {number} diterima" in notice(page), notice(page)
        assert on_hand(depot, posko, "terpal", "lembar") == 48

        page.open(f"{depot.base}/petugas/bantuan/{posko}/tanda-terima/{number}")
        assert "TANDA TERIMA BARANG" in page.text() and "dua lembar sobek" in page.text()
        shot = page.screenshot("petugas-tanda-terima", show="figure")
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(shot)], capture_output=True, text=True, timeout=60)
    assert decoded.returncode == 0, f"zbarimg read no QR code in {shot}: {decoded.stderr}"
    link = decoded.stdout.strip().splitlines()[0]
    assert re.search(r"/bukti/[0-9]+$", link), link
    with urllib.request.urlopen(urllib.request.Request(link, headers={"Accept": "text/html"}), timeout=60) as r:
        proof = r.read().decode()
    assert "Terbukti" in proof and number in proof and "aid.shipment-received" in proof, proof[:1500]
    assert ARTIFACTS.joinpath("petugas-tanda-terima.png").stat().st_size > 0
