import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LumbungCore
@testable import QueryService

/// The warehouse page's alerts (expiring lots, stock below minimum) and the forms that answer them.
@Suite("Staff screens: expiry alerts, write-offs and minimum stock")
struct AidStockScreensTests {
    @Test("the page warns of lots expiring within 14 days and stock below minimum; a write-off above the threshold waits")
    func alertsAndWriteOff() async throws {
        try await withRouter { env, client in
            let (seed, _) = try await CatalogRoutesTests.seed(client, env)
            var officer = StaffBrowser(client: client)
            try await officer.signIn(env.token(.aidWriter))
            let path = "/petugas/bantuan/\(seed.gudang)"
            var page = try await officer.get("\(path)?tanggal=2018-08-05")
            #expect(page.status == .ok)
            #expect(page.text.contains("Peringatan per 5 Agustus 2018"), "\(page.text.prefix(300))")
            #expect(page.text.contains("kedaluwarsa 15 Agustus 2018 (10 hari lagi)"), "\(page.text)")
            #expect(!page.text.contains("DN-LATE</span>"))

            // A minimum of 500 kg: the page now warns that 240 kg is below it.
            let minimum = "\(path)/minimum"
            let set: [(String, String)] = [
                ("csrf", try StaffBrowser.hidden("csrf", in: page.text, form: minimum)),
                ("eventId", try StaffBrowser.hidden("eventId", in: page.text, form: minimum)), ("barang", "beras|kg"), ("minimum", "500"),
            ]
            let head = try env.head()
            let bad = try await officer.post(minimum, set.map { $0.0 == "minimum" ? ($0.0, "banyak") : $0 })
            #expect(bad.status == .badRequest)
            #expect(try env.head() == head)
            let saved = try await officer.post(minimum, set)
            #expect(saved.status == .ok && saved.text.contains("Stok minimum beras"), "\(saved.text.prefix(500))")
            page = try await officer.get("\(path)?tanggal=2018-08-20")
            #expect(page.text.contains("240 kg, di bawah minimum 500 kg"))
            #expect(page.text.contains("<strong>kedaluwarsa 15 Agustus 2018</strong>"))

            // Write off the expired lot: 40 kg is at or below the threshold of 100, so it counts at once.
            let hapus = "\(path)/hapus-buku"
            let form: [(String, String)] = [
                ("csrf", try StaffBrowser.hidden("csrf", in: page.text, form: hapus)),
                ("eventId", try StaffBrowser.hidden("eventId", in: page.text, form: hapus)), ("lot", "beras|kg|DN-SOON"),
                ("jumlah", "40"), ("alasan", "kedaluwarsa"),
            ]
            let tooMuch = try await officer.post(hapus, form.map { $0.0 == "jumlah" ? ($0.0, "41") : $0 })
            #expect(tooMuch.status == .unprocessableContent && tooMuch.text.contains("Tidak dicatat"))
            let done = try await officer.post(hapus, form)
            #expect(done.status == .ok && done.text.contains("dihapusbukukan"), "\(done.text.prefix(500))")
            #expect(try await officer.post(hapus, form).text.contains("tidak dicatat dua kali"))
            // A larger one waits for a second officer.
            page = try await officer.get(path)
            let large: [(String, String)] = [
                ("csrf", try StaffBrowser.hidden("csrf", in: page.text, form: hapus)),
                ("eventId", try StaffBrowser.hidden("eventId", in: page.text, form: hapus)), ("lot", "beras|kg|DN-LATE"),
                ("jumlah", "101"), ("alasan", "berkutu"),
            ]
            let waiting = try await officer.post(hapus, large)
            #expect(waiting.status == .ok && waiting.text.contains("menunggu persetujuan"), "\(waiting.text.prefix(500))")
            #expect(waiting.text.contains("Menunggu persetujuan"))
            // The writer may not reject it either: a second officer decides.
            let id = try #require(waiting.text.firstMatch(of: /Penghapusan (AD-[0-9A-Z-]+)/)?.1).description
            let tolak = "\(path)/tolak/\(id)"
            let reject: [(String, String)] = [
                ("csrf", try StaffBrowser.hidden("csrf", in: waiting.text, form: tolak)),
                ("eventId", try StaffBrowser.hidden("eventId", in: waiting.text, form: tolak)), ("alasan", "tidak sesuai berita acara"),
            ]
            let own = try await officer.post(tolak, reject)
            #expect(own.status == .unprocessableContent)
            #expect(
                own.text.contains("Tidak dicatat: Penolak (rejectedBy): penyesuaian \(id) dicatat oleh kunci ini sendiri"),
                "\(own.text.prefix(600))")
            var second = StaffBrowser(client: client)
            let key = try await env.services.keys.create(role: .aidWriter, name: "kepala gudang", actor: "test")
            try await second.signIn(key.token)
            let page2 = try await second.get(path)
            let decided = try await second.post(
                tolak,
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: page2.text, form: tolak)),
                    ("eventId", try StaffBrowser.hidden("eventId", in: page2.text, form: tolak)), ("alasan", "tidak sesuai berita acara"),
                ])
            #expect(decided.status == .ok && decided.text.contains("ditolak"), "\(decided.text.prefix(600))")
            #expect(!decided.text.contains("Menunggu persetujuan"))
        }
    }

    @Test("the donation form offers the catalog and records the expiry date; a missing one is refused, nothing written")
    func donationWithExpiry() async throws {
        try await withRouter { env, client in
            let (seed, _) = try await CatalogRoutesTests.seed(client, env)
            var officer = StaffBrowser(client: client)
            try await officer.signIn(env.token(.aidWriter))
            let path = "/petugas/bantuan/\(seed.gudang)/permintaan"
            let page = try await officer.get(path)
            #expect(page.text.contains("<datalist id=\"katalog-barang\"><option value=\"beras\">Beras medium</option>"))
            #expect(page.text.contains("wajib untuk beras"))
            let donasi = "/petugas/bantuan/\(seed.gudang)/donasi"
            let form: [(String, String)] = [
                ("csrf", try StaffBrowser.hidden("csrf", in: page.text, form: donasi)),
                ("eventId", try StaffBrowser.hidden("eventId", in: page.text, form: donasi)), ("insiden", "gempa-uji"),
                ("donatur", "Baznas"),
                ("jenis", "ngo"), ("barang", "beras"), ("satuan", "karung"), ("jumlah", "4"),
            ]
            let head = try env.head()
            let missing = try await officer.post(donasi, form)
            #expect(missing.status == .unprocessableContent && missing.text.contains("expiresOn"), "\(missing.text.prefix(500))")
            #expect(try env.head() == head)
            // Received now: an expiry already past is refused too.
            let past = try await officer.post(donasi, form + [("kedaluwarsa", "2019-02-01")])
            #expect(
                past.status == .unprocessableContent && past.text.contains("sebelum donasi diterima"),
                "\(past.text.firstMatch(of: /Tidak dicatat[^<]*/)?.0 ?? "")")
            let expiry = IndonesianFormat.localDay(.now()).adding(days: 200).description
            let ok = try await officer.post(donasi, form + [("kedaluwarsa", expiry)])
            #expect(ok.status == .ok && ok.text.contains("diterima"), "\(ok.status) \(ok.text.suffix(3000))")
            let stock = try await client.get("/v1/aid/stock/\(seed.gudang)?item=beras&unit=karung").object()
            #expect(stock.objects("warehouses").first?.objects("items").first?.objects("lots").first?.string("expiresOn") == expiry)
        }
    }

    @Test("?asOf= shows the warehouse as it stood that day, from the log's history, without forms")
    func asOfDay() async throws {
        try await withRouter { env, client in
            let (seed, _) = try await CatalogRoutesTests.seed(client, env)
            let token = env.token(.aidWriter)
            let sent = try await client.command(
                "/v1/aid/shipments", token: token,
                body:
                    #"{"incidentId":"gempa-uji","fromWarehouseId":"\#(seed.gudang)","toWarehouseId":"\#(seed.posko)","lines":[{"item":"beras","unit":"kg","quantity":240}],"vehicle":"Truk","driver":"sopir-01","dispatchedAt":"2018-08-09T09:00:00+08:00"}"#
            )
            var officer = StaffBrowser(client: client)
            try await officer.signIn(token)
            let path = "/petugas/bantuan/\(seed.gudang)"
            let now = try await officer.get("\(path)?minPosition=\(sent.uint("position") ?? 0)")
            #expect(now.text.contains("Kirim ke gudang atau posko lain") == false, "nothing on hand: no hand-out forms")
            #expect(now.text.contains("<td class=\"num\">0 kg</td>"))
            let then = try await officer.get("\(path)?asOf=2018-08-08")
            #expect(then.status == .ok)
            #expect(then.text.contains("Keadaan per"), "\(then.text.prefix(800))")
            #expect(then.text.contains("<td class=\"num\">240 kg</td>"))
            #expect(!then.text.contains("Terima kiriman") && !then.text.contains("Hapus bukukan"))
            #expect(then.text.contains("Peringatan per 8 Agustus 2018"))
            #expect(try await officer.get("\(path)?asOf=kemarin").status == .badRequest)
        }
    }
}
