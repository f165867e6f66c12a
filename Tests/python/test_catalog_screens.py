"""The item catalog, expiry dates and write-offs on the gudang's page, in a real browser.

A fresh `lumbung serve` (its own data directory: once a catalog exists, free-text items are
refused, which the other staff tests rely on) gets a catalog, two lots of beras with their expiry
dates, and a minimum. Headless Chromium at phone size shows the warehouse's alerts (a lot expiring
within 14 days, stock below minimum) as of a day; a plain HTTP client (a phone with script off)
writes the expired lot off through the form, and the trace counts it as written off.
"""

from __future__ import annotations

import json
import urllib.request

from test_portal import BINARY, Browser, Server, make_key  # noqa: F401
from test_staff import NoScriptBrowser, hidden


def test_expiry_alerts_and_write_off_on_the_gudang_page(tmp_path_factory, tmp_path):
    data_dir = tmp_path_factory.mktemp("catalog-data")
    writer = make_key(data_dir, "aid-writer", "petugas-gudang")
    auditor = make_key(data_dir, "auditor", "inspektorat")
    with Server(data_dir) as server:
        server.post("/v1/aid/incidents", {"incidentId": "gempa-uji", "name": "Gempa uji", "kind": "gempa-bumi",
                                          "startedAt": "2018-08-05T19:46:00+08:00", "affectedCodes": ["52.71"]}, writer)
        server.post("/v1/aid/warehouses", {"warehouseId": "gudang-uji", "name": "Gudang Uji", "kind": "gudang",
                                           "kelurahanCode": "52.71.02.1002", "incidentId": "gempa-uji"}, writer)
        server.post("/v1/aid/catalog", {"item": "beras", "name": "Beras medium", "category": "pangan", "baseUnit": "kg",
                                        "packs": [{"unit": "karung", "baseQuantity": 25}], "expires": True}, writer)
        for donation, quantity, expires, hour in (("DN-LATE", 200, "2018-09-30", 8), ("DN-SOON", 40, "2018-08-15", 9)):
            server.post("/v1/aid/donations", {"donationId": donation, "warehouseId": "gudang-uji", "incidentId": "gempa-uji",
                                              "donor": {"name": "BAZNAS NTB", "kind": "ngo"},
                                              "items": [{"item": "beras", "unit": "kg", "quantity": quantity, "expiresOn": expires}],
                                              "receivedAt": f"2018-08-07T0{hour}:00:00+08:00"}, writer)
        server.post("/v1/aid/warehouses/gudang-uji/minimums", {"item": "beras", "unit": "kg", "minimum": 500}, writer)
        alerts = server.get("/v1/aid/alerts?on=2018-08-10")
        assert [e["donationId"] for e in alerts["expiring"]] == ["DN-SOON"]
        assert alerts["expiring"][0]["daysLeft"] == 5
        assert alerts["belowMinimum"][0]["onHand"] == 240

        # In Chromium at phone size: the alerts of 10 August.
        chromium = Browser(tmp_path_factory.mktemp("chromium-catalog"))
        chromium.dom_after_submit(chromium.submit(tmp_path / "masuk.html", server.base + "/petugas/masuk", {"kunci": writer}))
        url = server.base + "/petugas/bantuan/gudang-uji?tanggal=2018-08-10"
        dom = chromium.dom(url)
        assert "Peringatan per 10 Agustus 2018" in dom, dom[:2000]
        assert "kedaluwarsa 15 Agustus 2018 (5 hari lagi)" in dom
        assert "240 kg, di bawah minimum 500 kg" in dom
        assert "Hapus bukukan" in dom
        chromium.screenshot(url, "petugas-gudang-peringatan")

        # Without script: DN-SOON expired on 15 August; write it off, then hand-outs skip nothing.
        browser = NoScriptBrowser(server.base)
        status, _ = browser.open("/petugas/masuk", {"kunci": writer})
        assert status == 200
        status, page = browser.open("/petugas/bantuan/gudang-uji?tanggal=2018-08-20")
        assert status == 200 and "<strong>kedaluwarsa 15 Agustus 2018</strong>" in page, page[:1000]
        action = "/petugas/bantuan/gudang-uji/hapus-buku"
        form = {"csrf": hidden(page, action, "csrf"), "eventId": hidden(page, action, "eventId"),
                "lot": "beras|kg|DN-SOON", "jumlah": "41", "alasan": "kedaluwarsa 15 Agustus"}
        status, refused = browser.open(action, form)
        assert status == 422 and "Tidak dicatat" in refused and "yang ada hanya 40" in refused, refused[:1500]
        form["jumlah"] = "40"
        status, done = browser.open(action, form)
        assert status == 200 and "dihapusbukukan" in done, done[:1500]
        request = urllib.request.Request(server.base + "/v1/aid/donations/DN-SOON/trace",
                                         headers={"Authorization": f"Bearer {auditor}"})
        with urllib.request.urlopen(request, timeout=60) as r:
            trace = json.load(r)
        balance = trace["balance"]["items"][0]
        assert balance["writtenOff"] == 40 and balance["onHand"] == 0 and trace["balance"]["holds"]
        assert trace["steps"][-1]["kind"] == "written-off"


def test_request_commit_dispatch_and_four_eyes_in_chromium(tmp_path_factory, tmp_path):
    """A posko asks, a gudang promises and ships against the request, the posko receives it; a
    write-off above the threshold waits until a second officer approves it. Forms as a phone
    without script sends them; the pages in Chromium at phone size."""
    import datetime

    data_dir = tmp_path_factory.mktemp("request-data")
    admin = make_key(data_dir, "aid-writer", "koordinator")
    gudang_key = make_key(data_dir, "aid-writer", "petugas-gudang")
    kepala = make_key(data_dir, "aid-writer", "kepala-gudang")
    posko_key = make_key(data_dir, "aid-writer", "relawan-posko")
    expiry = (datetime.date.today() + datetime.timedelta(days=200)).isoformat()
    with Server(data_dir) as server:
        server.post("/v1/aid/incidents", {"incidentId": "gempa-uji", "name": "Gempa uji", "kind": "gempa-bumi",
                                          "startedAt": "2018-08-05T19:46:00+08:00", "affectedCodes": ["52.71"]}, admin)
        for wid, name, kind, code in (("gudang-uji", "Gudang Uji", "gudang", "52.71.02.1002"),
                                      ("posko-uji", "Posko Uji", "posko", "52.71.05.1005")):
            server.post("/v1/aid/warehouses", {"warehouseId": wid, "name": name, "kind": kind, "kelurahanCode": code,
                                               "incidentId": "gempa-uji"}, admin)
        server.post("/v1/aid/catalog", {"item": "beras", "name": "Beras medium", "category": "pangan", "baseUnit": "kg",
                                        "expires": True}, admin)
        server.post("/v1/aid/donations", {"donationId": "DN-UJI-1", "warehouseId": "gudang-uji", "incidentId": "gempa-uji",
                                          "donor": {"name": "Perum Bulog", "kind": "state-company"},
                                          "items": [{"item": "beras", "unit": "kg", "quantity": 1000, "expiresOn": expiry}]}, admin)

        # The posko asks for 300 kg.
        posko = NoScriptBrowser(server.base)
        assert posko.open("/petugas/masuk", {"kunci": posko_key})[0] == 200
        status, page = posko.open("/petugas/bantuan/posko-uji/permintaan")
        assert status == 200 and "Minta barang" in page, page[:500]
        action = "/petugas/bantuan/posko-uji/permintaan"
        status, page = posko.open(action, {"csrf": hidden(page, action, "csrf"), "eventId": hidden(page, action, "eventId"),
                                           "insiden": "gempa-uji", "barang": "beras", "satuan": "kg", "jumlah": "300",
                                           "prioritas": "tinggi",
                                           "tanggal": (datetime.date.today() + datetime.timedelta(days=3)).isoformat()})
        assert status == 200, page[:800]
        number = __import__("re").search(r"Permintaan (RQ-[0-9A-Z-]+) tercatat", page).group(1)

        # The gudang promises 300 and ships it against the request.
        gudang = NoScriptBrowser(server.base)
        assert gudang.open("/petugas/masuk", {"kunci": gudang_key})[0] == 200
        status, page = gudang.open("/petugas/bantuan/gudang-uji/permintaan")
        assert status == 200 and number in page
        action = f"/petugas/bantuan/gudang-uji/permintaan/{number}/janji"
        status, page = gudang.open(action, {"csrf": hidden(page, action, "csrf"), "eventId": hidden(page, action, "eventId"),
                                            "jumlah-0": "300"})
        assert status == 200 and "Janji kirim" in page, page[:800]
        status, page = gudang.open("/petugas/bantuan/gudang-uji")
        action = "/petugas/bantuan/gudang-uji/kirim"
        status, page = gudang.open(action, {"csrf": hidden(page, action, "csrf"), "eventId": hidden(page, action, "eventId"),
                                            "insiden": "gempa-uji", "ke": "posko-uji", "barang": "beras|kg", "jumlah": "300",
                                            "kendaraan": "DR 8011 AM", "sopir": "sopir-02", "permintaan": number})
        assert status == 200 and "berangkat" in page, page[:800]
        request = server.get(f"/v1/aid/requests/{number}")
        assert request["lines"][0]["committed"] == 300 and request["lines"][0]["dispatched"] == 300

        # A write-off of 150 kg waits; its writer cannot approve it; the head of the gudang does.
        status, page = gudang.open("/petugas/bantuan/gudang-uji")
        action = "/petugas/bantuan/gudang-uji/hapus-buku"
        status, page = gudang.open(action, {"csrf": hidden(page, action, "csrf"), "eventId": hidden(page, action, "eventId"),
                                            "lot": "beras|kg|DN-UJI-1", "jumlah": "150", "alasan": "berkutu"})
        assert status == 200 and "menunggu persetujuan" in page, page[:800]
        adjustment = __import__("re").search(r"Penghapusan (AD-[0-9A-Z-]+)", page).group(1)
        approve = f"/petugas/bantuan/gudang-uji/setujui/{adjustment}"
        status, refused = gudang.open(approve, {"csrf": hidden(page, approve, "csrf"), "eventId": hidden(page, approve, "eventId")})
        assert status == 422 and "Tidak dicatat" in refused
        assert server.get("/v1/aid/stock/gudang-uji?item=beras&unit=kg")["totals"][0]["onHand"] == 700

        chromium = Browser(tmp_path_factory.mktemp("chromium-four-eyes"))
        chromium.dom_after_submit(chromium.submit(tmp_path / "masuk.html", server.base + "/petugas/masuk", {"kunci": kepala}))
        url = server.base + "/petugas/bantuan/gudang-uji"
        dom = chromium.dom(url)
        assert "Menunggu persetujuan" in dom and adjustment in dom and "Tolak" in dom, dom[:2000]
        chromium.screenshot(url, "petugas-gudang-persetujuan")
        chromium.screenshot(server.base + "/petugas/bantuan/gudang-uji/permintaan", "petugas-gudang-permintaan")
        head = NoScriptBrowser(server.base)
        assert head.open("/petugas/masuk", {"kunci": kepala})[0] == 200
        status, page = head.open("/petugas/bantuan/gudang-uji")
        status, page = head.open(approve, {"csrf": hidden(page, approve, "csrf"), "eventId": hidden(page, approve, "eventId")})
        assert status == 200 and "disetujui" in page, page[:800]
        assert server.get("/v1/aid/stock/gudang-uji?item=beras&unit=kg")["totals"][0]["onHand"] == 550
