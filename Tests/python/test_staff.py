"""The officer's screens in a real browser and as a browser without script would use them.

`lumbung serve` runs over a fresh data directory; applications are submitted through the API.
Headless Chromium signs in through the sign-in form (a local page posts the key, as an officer
typing it would) and keeps the session cookie in its profile; the queue and an application's
page are then loaded by address, checked against the API, and shot at phone size under
`artifacts/portal/`. The forms are sent by a plain HTTP client with a cookie jar (what a phone
with script off does): status with a reason code, the same form twice (written once), a form
without the session's CSRF token (refused).
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from test_portal import ARTIFACTS, BINARY, Browser, Server, make_key  # noqa: F401


def hidden(page: str, action: str, name: str) -> str:
    form = page[page.index(f'action="{action}"'):]
    form = form[:form.index("</form>")]
    return re.search(f'name="{name}" value="([^"]*)"', form).group(1)


class NoScriptBrowser:
    """urllib with a cookie jar: follows redirects, sends forms url-encoded."""

    def __init__(self, base: str):
        self.base = base
        # The session cookie is Secure on loopback (browsers keep it there over plain HTTP, as the
        # tests' server is reached); urllib sends a Secure cookie only over https unless told.
        self.jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path: str, fields: dict[str, str] | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers={"Accept": "text/html"})
        try:
            with self.opener.open(request, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run swift build --product lumbung first")
    data_dir = tmp_path_factory.mktemp("staff-data")
    token = make_key(data_dir, "documents-writer", "loket-dukcapil-1")
    with Server(data_dir) as server:
        server.token = token
        server.receipts = []
        for nik, kind in (("5271014101900002", "kk"), ("5271015202850003", "ktp-el")):
            submitted = server.post("/v1/documents/applications", {
                "documentType": kind, "office": "dukcapil-mataram", "channel": "counter",
                "applicant": {"nik": nik, "name": "Lalu Ahmad Zaini", "phone": "081234567890", "notify": ["sms"]}}, token)
            server.receipts.append((submitted["receiptNumber"], submitted["pin"]))
        yield server


def test_officer_pages_in_chromium_after_signing_in(office, tmp_path_factory, tmp_path):
    browser = Browser(tmp_path_factory.mktemp("chromium-staff"))
    receipt, _ = office.receipts[0]
    browser.screenshot(office.base + "/petugas/masuk", "petugas-masuk")
    # Without a session the queue sends the browser to the sign-in form.
    assert "Masuk petugas" in browser.dom(office.base + "/petugas/dokumen?kantor=dukcapil-mataram")
    page = browser.submit(tmp_path / "masuk.html", office.base + "/petugas/masuk", {"kunci": office.token})
    browser.dom_after_submit(page)

    queue = browser.dom(office.base + "/petugas/dokumen?kantor=dukcapil-mataram")
    assert "Antrean Dukcapil Kota Mataram" in queue
    for r, _ in office.receipts:
        assert r in queue
    assert "Lalu Ahmad Zaini" not in queue and "5271014101900002" not in queue
    assert "loket-dukcapil-1" in queue
    browser.screenshot(office.base + "/petugas/dokumen?kantor=dukcapil-mataram", "petugas-antrean")

    detail = browser.dom(office.base + f"/petugas/dokumen/{receipt}")
    assert f"Permohonan <span class=\"code\">{receipt}</span>" in detail
    assert 'name="kode"' in detail and 'value="dokumen-tidak-terbaca"' in detail and 'name="eventId"' in detail
    assert "Terbitkan PIN baru" in detail
    assert "Lalu Ahmad Zaini" not in detail, "personal fields open on request only"
    # What the applicant is told, and how: never the number (no worker runs here, so it waits).
    assert "<h2>Pemberitahuan</h2>" in detail and "SMS/WhatsApp · Diajukan · menunggu dikirim" in detail
    assert "081234567890" not in detail and "6281234567890" not in detail
    browser.screenshot(office.base + f"/petugas/dokumen/{receipt}", "petugas-permohonan")


def test_forms_without_script_write_once_and_need_the_session_token(office):
    receipt, pin = office.receipts[1]
    staff = NoScriptBrowser(office.base)
    status, page = staff.open("/petugas/masuk", {"kunci": office.token})
    assert status == 200 and "Halaman petugas" in page  # redirected home, signed in
    path = f"/petugas/dokumen/{receipt}"
    status, page = staff.open(path)
    assert status == 200
    assert "<script" not in page
    action = f"{path}/status"
    form = {"csrf": hidden(page, action, "csrf"), "eventId": hidden(page, action, "eventId"),
            "ke": "revision-requested", "kode": "lampiran-belum-lengkap", "keterangan": "Surat pengantar RT belum ada"}

    status, wrong = staff.open(action, {**form, "csrf": "0" * 64})
    assert status == 403 and "Formulir kedaluwarsa" in wrong

    status, done = staff.open(action, form)
    assert status == 200 and "Persyaratan atau lampiran belum lengkap" in done
    status, again = staff.open(action, form)
    assert status == 200 and "sudah tercatat" in again

    public = office.get(f"/v1/documents/applications/{receipt}?pin={pin}")
    assert public["status"] == "revision-requested"
    assert [e["status"] for e in public["timeline"]] == ["submitted", "revision-requested"], "the resent form wrote once"
    assert public["timeline"][-1]["reasonCode"] == "lampiran-belum-lengkap"


def test_enumerator_form_in_chromium(office, tmp_path_factory, tmp_path):
    admin = make_key(office.data_dir, "prices-writer", "admin-harga")
    office.post("/v1/prices/markets", {"marketId": "pasar-kebon-roek", "name": "Pasar Kebon Roek", "kind": "traditional",
                                       "kelurahanCode": "52.71.01.1005"}, admin)
    for cid, name in (("beras-medium", "Beras Medium"), ("gula-pasir", "Gula Pasir"), ("cabai-rawit", "Cabai Rawit")):
        office.post("/v1/prices/commodities", {"commodityId": cid, "name": name, "category": "pangan", "unit": "kg"}, admin)
    office.post("/v1/prices/reports", {"marketId": "pasar-kebon-roek", "commodityId": "beras-medium", "price": 11750,
                                       "observedOn": "2018-08-05", "reporter": "enumerator-1"}, admin)
    enumerator = make_key(office.data_dir, "prices-writer", "enumerator-kebon-roek")
    browser = Browser(tmp_path_factory.mktemp("chromium-enumerator"))
    browser.dom_after_submit(browser.submit(tmp_path / "masuk.html", office.base + "/petugas/masuk", {"kunci": enumerator}))
    url = office.base + "/petugas/harga?pasar=pasar-kebon-roek"
    dom = browser.dom(url)
    assert "Laporan harga Pasar Kebon Roek" in dom
    assert 'name="harga-gula-pasir"' in dom and 'name="eventId-cabai-rawit"' in dom
    assert "terakhir Rp 11.750" in dom
    browser.screenshot(url, "petugas-harga")


def test_supervisor_review_queue_in_chromium(office, tmp_path_factory, tmp_path):
    writer = make_key(office.data_dir, "prices-writer", "enumerator-cakranegara")
    office.post("/v1/prices/markets", {"marketId": "pasar-cakranegara", "name": "Pasar Cakranegara", "kind": "traditional",
                                       "kelurahanCode": "52.71.03.1005"}, writer)
    office.post("/v1/prices/commodities", {"commodityId": "telur-ayam", "name": "Telur Ayam Ras", "category": "telur",
                                           "unit": "kg"}, writer)
    for day, price in (("01", 22000), ("02", 22500), ("03", 22300)):
        office.post("/v1/prices/reports", {"marketId": "pasar-cakranegara", "commodityId": "telur-ayam", "price": price,
                                           "observedOn": f"2018-08-{day}", "reporter": "enumerator-1"}, writer)
    held = office.post("/v1/prices/reports", {"marketId": "pasar-cakranegara", "commodityId": "telur-ayam", "price": 225000,
                                              "observedOn": "2018-08-04", "reporter": "enumerator-1"}, writer)
    assert held["review"] == "held"
    latest = office.get(f"/v1/prices/latest?marketId=pasar-cakranegara&minPosition={held['position']}")
    assert [p["price"] for p in latest["prices"]] == [22300], "a held report is not public"
    supervisor = make_key(office.data_dir, "prices-supervisor", "supervisor-harga")
    browser = Browser(tmp_path_factory.mktemp("chromium-supervisor"))
    browser.dom_after_submit(browser.submit(tmp_path / "masuk.html", office.base + "/petugas/masuk", {"kunci": supervisor}))
    url = office.base + "/petugas/tinjauan-harga"
    dom = browser.dom(url)
    assert "Telur Ayam Ras · Pasar Cakranegara" in dom
    assert "Rp 225.000" in dom and "median Rp 22.300" in dom
    assert "Setujui dan terbitkan" in dom and 'value="salah-ketik"' in dom
    browser.screenshot(url, "petugas-tinjauan-harga")


def ship(office, admin: str, gudang: tuple[str, str, str], posko: tuple[str, str, str], donation: str, item: str, unit: str,
         donated: int, sent: int, driver: str) -> dict:
    """Registers a gudang and a posko (id, name, kelurahan code), a donation at the gudang, and
    sends `sent` of it to the posko through the API; returns the shipment's answer."""
    try:
        office.get("/v1/aid/incidents/gempa-uji")
    except Exception:
        office.post("/v1/aid/incidents", {"incidentId": "gempa-uji", "name": "Gempa uji", "kind": "gempa-bumi",
                                          "startedAt": "2018-08-05T19:46:00+08:00", "affectedCodes": ["52.71"]}, admin)
    for (wid, name, code), kind in ((gudang, "gudang"), (posko, "posko")):
        office.post("/v1/aid/warehouses", {"warehouseId": wid, "name": name, "kind": kind, "kelurahanCode": code,
                                           "incidentId": "gempa-uji"}, admin)
    office.post("/v1/aid/donations", {"donationId": donation, "warehouseId": gudang[0], "incidentId": "gempa-uji",
                                      "donor": {"name": "BAZNAS NTB", "kind": "ngo"},
                                      "items": [{"item": item, "unit": unit, "quantity": donated}],
                                      "receivedAt": "2018-08-06T10:00:00+08:00"}, admin)
    return office.post("/v1/aid/shipments", {"fromWarehouseId": gudang[0], "toWarehouseId": posko[0], "incidentId": "gempa-uji",
                                             "lines": [{"item": item, "unit": unit, "quantity": sent}],
                                             "vehicle": "DR 8123 AB", "driver": driver,
                                             "dispatchedAt": "2018-08-07T08:00:00+08:00"}, admin)


def test_posko_screens_in_chromium_and_without_script(office, tmp_path_factory, tmp_path):
    """A gudang sends beras on; the posko receives it by the surat jalan's number and hands it out."""
    admin = make_key(office.data_dir, "aid-writer", "admin-bantuan")
    shipped = ship(office, admin, ("gudang-bpbd-ntb", "Gudang BPBD NTB", "52.71.02.1002"),
                   ("posko-rembiga", "Posko Rembiga", "52.71.05.1005"), "DN-2018-PY000001", "beras", "kg", 500, 120, "sopir-03")
    number = shipped["shipmentId"]
    posko = make_key(office.data_dir, "aid-writer", "relawan-rembiga")

    # Without script: receive 118 of 120 kg, hand out 100 kg to 25 households; a resend writes once.
    browser = NoScriptBrowser(office.base)
    status, _ = browser.open("/petugas/masuk", {"kunci": posko})
    assert status == 200
    status, page = browser.open(f"/petugas/bantuan/posko-rembiga/terima?kiriman={number}")
    assert status == 200 and "120 kg" in page, page[:500]
    action = f"/petugas/bantuan/posko-rembiga/terima/{number}"
    status, page = browser.open(action, {"csrf": hidden(page, action, "csrf"), "eventId": hidden(page, action, "eventId"),
                                         "diterima-0": "118", "catatan": "2 kg karung sobek"})
    assert status == 200 and "diterima" in page, page[:500]
    action = "/petugas/bantuan/posko-rembiga/salurkan"
    form = {"csrf": hidden(page, action, "csrf"), "eventId": hidden(page, action, "eventId"), "barang": "beras|kg",
            "jumlah": "100", "kelurahan": "52.71.05.1005", "kk": "25", "jiwa": "96", "tanggal": "2018-08-08"}
    status, page = browser.open(action, form)
    assert status == 200 and "25 KK" in page, page[:500]
    status, page = browser.open(action, form)
    assert "tidak dicatat dua kali" in page
    stock = office.get("/v1/aid/stock/posko-rembiga?item=beras&unit=kg")
    assert stock["totals"][0]["onHand"] == 18

    # In Chromium at phone size: the posko's page with its stock and forms.
    chromium = Browser(tmp_path_factory.mktemp("chromium-posko"))
    chromium.dom_after_submit(chromium.submit(tmp_path / "masuk.html", office.base + "/petugas/masuk", {"kunci": posko}))
    url = office.base + "/petugas/bantuan/posko-rembiga"
    dom = chromium.dom(url)
    assert "Posko Rembiga" in dom and "Salurkan bantuan" in dom and "Terima kiriman" in dom
    assert 'name="eventId"' in dom
    chromium.screenshot(url, "petugas-posko")


def test_surat_jalan_qr_code_leads_to_the_public_proof(office, tmp_path_factory, tmp_path):
    """The printed waybill's QR code, read by zbarimg from a Chromium screenshot, opens the proof."""
    import shutil
    import subprocess
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: apt-get install zbar-tools")
    admin = make_key(office.data_dir, "aid-writer", "admin-surat-jalan")
    shipped = ship(office, admin, ("gudang-kota", "Gudang Kota", "52.71.01.1004"), ("posko-ampenan", "Posko Ampenan", "52.71.01.1005"),
                   "DN-2018-PYQR0001", "terpal", "lembar", 40, 25, "sopir-11")
    number, position = shipped["shipmentId"], shipped["position"]
    chromium = Browser(tmp_path_factory.mktemp("chromium-surat-jalan"))
    chromium.dom_after_submit(chromium.submit(tmp_path / "masuk.html", office.base + "/petugas/masuk", {"kunci": admin}))
    url = office.base + f"/petugas/bantuan/gudang-kota/surat-jalan/{number}"
    dom = chromium.dom(url)
    assert "SURAT JALAN" in dom and number in dom and "sopir-11" in dom
    shot = chromium.screenshot(url, "petugas-surat-jalan")
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(shot)], capture_output=True, text=True, timeout=60)
    assert decoded.returncode == 0, f"zbarimg read no QR code in {shot}: {decoded.stderr}"
    link = decoded.stdout.strip().splitlines()[0]
    assert link.endswith(f"/bukti/{position}"), link
    with urllib.request.urlopen(urllib.request.Request(link, headers={"Accept": "text/html"}), timeout=60) as r:
        page = r.read().decode()
    assert "Terbukti" in page and number in page and "aid.shipment-dispatched" in page


def test_bast_qr_code_leads_to_the_public_proof_of_the_households_served(office, tmp_path_factory, tmp_path):
    """The posko registers households and hands aid to them in a round (without script); the
    printed BAST lists them, and its QR code, read by zbarimg from a Chromium screenshot, opens
    the proof of the aid.household-served; a second handout in the round is refused with 409."""
    import shutil
    import subprocess
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: apt-get install zbar-tools")
    admin = make_key(office.data_dir, "aid-writer", "admin-bast")
    shipped = ship(office, admin, ("gudang-bast", "Gudang BAST", "52.71.02.1002"), ("posko-bast", "Posko Karang Pule", "52.71.04.1001"),
                   "DN-2018-PYBAST01", "beras", "kg", 100, 40, "sopir-21")
    office.post(f"/v1/aid/shipments/{shipped['shipmentId']}/receipt", {}, admin)
    browser = NoScriptBrowser(office.base)
    status, _ = browser.open("/petugas/masuk", {"kunci": admin})
    assert status == 200
    base = "/petugas/bantuan/posko-bast/keluarga"
    status, page = browser.open(base)
    assert status == 200 and "Daftarkan keluarga" in page, page[:500]
    for kk, name, members in (("5271040101180001", "Lalu Ahmad Zaini", "5"), ("5271040101180002", "Baiq Nur Aini", "3")):
        status, page = browser.open(base, {"csrf": hidden(page, base, "csrf"), "eventId": hidden(page, base, "eventId"),
                                           "kk": kk, "nama": name, "desa": "52.71.04.1001", "anggota": members, "bayi": "1"})
        assert status == 200 and "terdaftar" in page, page[:800]
    ids = re.findall(r'id="hh-(HH-[0-9A-Z-]+)"', page)
    assert len(ids) == 2, ids
    action = base + "/salurkan"
    form = {"csrf": hidden(page, action, "csrf"), "eventId": hidden(page, action, "eventId"), "putaran": "putaran-1",
            "barang": "beras|kg", "jumlah": "20", **{f"hh-{i}": "1" for i in ids}}
    status, page = browser.open(action, form)
    assert status == 200 and "2 keluarga" in page, page[:800]
    distribution = re.search(r"bast/(DS-[0-9A-Z-]+)", page).group(1)
    form["eventId"], form["jumlah"] = hidden(page, action, "eventId"), "2"
    status, again = browser.open(action, form)
    assert status == 409 and distribution in again, again[:800]

    chromium = Browser(tmp_path_factory.mktemp("chromium-bast"))
    chromium.dom_after_submit(chromium.submit(tmp_path / "masuk.html", office.base + "/petugas/masuk", {"kunci": admin}))
    url = office.base + f"/petugas/bantuan/posko-bast/bast/{distribution}"
    dom = chromium.dom(url)
    assert "BERITA ACARA SERAH TERIMA" in dom and "Lalu Ahmad Zaini" in dom and "8 jiwa" in dom
    assert "5271040101180001" not in dom, "the KK is masked"
    shot = chromium.screenshot(url, "petugas-bast")
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(shot)], capture_output=True, text=True, timeout=60)
    assert decoded.returncode == 0, f"zbarimg read no QR code in {shot}: {decoded.stderr}"
    link = decoded.stdout.strip().splitlines()[0]
    assert "/bukti/" in link, link
    with urllib.request.urlopen(urllib.request.Request(link, headers={"Accept": "text/html"}), timeout=60) as r:
        proof = r.read().decode()
    assert "Terbukti" in proof and distribution in proof and "aid.household-served" in proof
    assert "Lalu Ahmad" not in proof


# ---------------------------------------------------------------- printing to PDF (A4 print CSS)

PDF_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)


def pdf_objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """A PDF's objects by number: (dictionary, stream decompressed or None). Enough for Chromium's
    (Skia's) output, which writes plain objects with Flate-compressed streams."""
    import zlib
    out = {}
    for m in PDF_OBJECT.finditer(pdf):
        body, stream = m.group(2), None
        start = re.search(rb"stream\r?\n", body)
        if start and body.rstrip().endswith(b"endstream"):
            head, raw = body[:start.start()], body[start.end():body.rstrip().rindex(b"endstream")]
            if b"/FlateDecode" in head:
                raw = zlib.decompressobj().decompress(raw)
            body, stream = head, raw
        out[int(m.group(1))] = (body, stream)
    return out


def to_unicode(cmap: bytes) -> dict[int, str]:
    """A font's ToUnicode CMap: glyph code -> text."""
    table = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(int(dst, 16) + i)
    return table


def pdf_pages(pdf: bytes) -> list[tuple[list[float], str]]:
    """Each page's MediaBox and its text (glyphs mapped through their font's ToUnicode CMap)."""
    objs = pdf_objects(pdf)
    pages = []
    for _, (body, _) in sorted(objs.items()):
        if not re.search(rb"/Type\s*/Page\b", body):
            continue
        box = [float(x) for x in re.search(rb"/MediaBox\s*\[([^\]]*)\]", body).group(1).split()]
        fonts = {}
        font_dict = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
        for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", font_dict.group(1) if font_dict else b""):
            cmap = re.search(rb"/ToUnicode\s+(\d+) 0 R", objs[int(ref)][0])
            fonts[name] = to_unicode(objs[int(cmap.group(1))][1]) if cmap else {}
        refs = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", body).group(1)
        content = b"".join(objs[int(r)][1] or b"" for r in re.findall(rb"(\d+) 0 R", refs))
        text, font = [], {}
        for tok in re.finditer(rb"/(\w+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|(T\*|ET|Td|TD)", content):
            if tok.group(1):
                font = fonts.get(tok.group(1), {})
            elif tok.group(2) is not None:
                glyphs = tok.group(2).decode()
                text.append("".join(font.get(int(glyphs[i:i + 4], 16), "") for i in range(0, len(glyphs), 4)))
            else:
                text.append(" ")
        pages.append((box, "".join(text)))
    return pages


def test_pdf_reader_of_this_file(tmp_path):
    """The reader above against a page whose text and size are known."""
    page = tmp_path / "a4.html"
    page.write_text("<!DOCTYPE html><style>@page { size: A4 }</style><h1>SURAT JALAN</h1><p>1.250 kg, Rembiga</p>"
                    "<style>@page { size: A5 }</style>", encoding="utf-8")
    pdf = tmp_path / "a4.pdf"
    Browser(tmp_path / "profile").run(page.as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    pages = pdf_pages(pdf.read_bytes())
    assert len(pages) == 1 and [round(x) for x in pages[0][0]] == [0, 0, 420, 595], pages
    assert "SURATJALAN1.250kg,Rembiga" in re.sub(r"\s+", "", pages[0][1]), pages


def test_printed_documents_are_a4_pdfs_with_their_text(office, tmp_path_factory, tmp_path):
    """The surat jalan, the goods-received note and the BAST printed by Chromium (--print-to-pdf):
    every page A4 (MediaBox 595 x 842 pt), the document's text in it, the screen's links not."""
    admin = make_key(office.data_dir, "aid-writer", "admin-pdf")
    shipped = ship(office, admin, ("gudang-pdf", "Gudang Cetak", "52.71.03.1004"), ("posko-pdf", "Posko Cakranegara", "52.71.03.1005"),
                   "DN-2018-PYPDF001", "selimut", "lembar", 60, 45, "sopir-14")
    number = shipped["shipmentId"]
    office.post(f"/v1/aid/shipments/{number}/receipt", {"notes": "dua lembar basah"}, admin)
    ids = ["HH-2018-PYPDF001", "HH-2018-PYPDF002"]
    for hid, kk, name, members in zip(ids, ("5271030101180001", "5271030101180002"), ("Lalu Muhammad Zohri", "Baiq Rahmawati"),
                                      (4, 2)):
        office.post("/v1/aid/households", {"incidentId": "gempa-uji", "householdId": hid, "warehouseId": "posko-pdf",
                                           "kelurahanCode": "52.71.03.1005", "kk": kk, "headName": name, "members": members}, admin)
    served = office.post("/v1/aid/households/served", {"incidentId": "gempa-uji", "warehouseId": "posko-pdf", "round": "putaran-1",
                                                       "householdIds": ids,
                                                       "lines": [{"item": "selimut", "unit": "lembar", "quantity": 6}]}, admin)
    distribution = served["distributionId"]

    chromium = Browser(tmp_path_factory.mktemp("chromium-pdf"))
    chromium.dom_after_submit(chromium.submit(tmp_path / "masuk.html", office.base + "/petugas/masuk", {"kunci": admin}))
    documents = {
        "surat-jalan": (f"/petugas/bantuan/gudang-pdf/surat-jalan/{number}",
                        ["SURAT JALAN", number, "sopir-14", "Gudang Cetak", "Posko Cakranegara", "DN-2018-PYPDF001", "Pengirim"]),
        "tanda-terima": (f"/petugas/bantuan/posko-pdf/tanda-terima/{number}",
                         ["TANDA TERIMA BARANG", number, "dua lembar basah", "Susut", "Saksi"]),
        "bast": (f"/petugas/bantuan/posko-pdf/bast/{distribution}",
                 ["BERITA ACARA SERAH TERIMA", distribution, "Lalu Muhammad Zohri", "Baiq Rahmawati", "6 jiwa", "putaran-1"]),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, (path, expected) in documents.items():
        pdf = ARTIFACTS / f"petugas-{name}.pdf"
        pdf.unlink(missing_ok=True)
        chromium.run(office.base + path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-"), name
        pages = pdf_pages(data)
        assert pages, f"{name}: no page in {pdf}"
        for box, _ in pages:
            assert [round(x) for x in box] == [0, 0, 595, 842], f"{name}: a page of {box} pt, not A4"
        text = re.sub(r"\s+", "", "".join(t for _, t in pages))
        for want in expected:
            assert re.sub(r"\s+", "", want) in text, f"{name}: {want!r} not in the PDF's text: {text[:600]}"
        # The print CSS hides the screen's parts: the way back and the hint to print.
        assert "Cetakhalamanini" not in text and "Kembali" not in text, f"{name}: {text[:600]}"
        # The KK numbers stay masked on paper too.
        assert "5271030101180001" not in text
