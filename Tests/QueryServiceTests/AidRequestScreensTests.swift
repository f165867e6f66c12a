import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import QueryService

@Suite("Staff screens: requests, commitments and donations")
struct AidRequestScreensTests {
    @Test("a posko asks (written once on a resend), a gudang promises, a donation is received; refusals redraw the page, nothing written")
    func requestCommitDonate() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            var posko = StaffBrowser(client: client)
            let poskoKey = try await env.services.keys.create(role: .aidWriter, name: "posko", scope: [seed.posko], actor: "test")
            try await posko.signIn(poskoKey.token)
            let path = "/petugas/bantuan/\(seed.posko)/permintaan"
            let page = try await posko.get(path)
            #expect(page.status == .ok && page.text.contains("Minta barang") && page.text.contains("Gempa uji"), "\(page.text.prefix(300))")
            let ask: [(String, String)] = [
                ("csrf", try StaffBrowser.hidden("csrf", in: page.text, form: path)),
                ("eventId", try StaffBrowser.hidden("eventId", in: page.text, form: path)), ("insiden", "gempa-uji"), ("barang", "beras"),
                ("satuan", "kg"), ("jumlah", "60"), ("prioritas", "tinggi"), ("tanggal", "2030-01-01"),
            ]
            let asked = try await posko.post(path, ask)
            #expect(asked.status == .ok, "\(asked.text.prefix(400))")
            let number = try #require(asked.text.firstMatch(of: /Permintaan (RQ-[0-9A-Z-]+) tercatat/)?.1).description
            let again = try await posko.post(path, ask)
            #expect(again.text.contains("tidak dicatat dua kali"))
            // A bad priority: the page again with the reason, nothing written.
            let head = try env.head()
            let fresh = try await posko.get(path)
            let bad = try await posko.post(
                path,
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: fresh.text, form: path)),
                    ("eventId", try StaffBrowser.hidden("eventId", in: fresh.text, form: path)), ("insiden", "gempa-uji"),
                    ("barang", "beras"), ("satuan", "kg"), ("jumlah", "5"), ("prioritas", "segera"), ("tanggal", "2030-01-01"),
                ])
            #expect(bad.status == .badRequest && bad.text.contains("priority"), "\(bad.text.prefix(400))")
            #expect(try env.head() == head)

            // The gudang sees it and promises 40 kg.
            var gudang = StaffBrowser(client: client)
            let gudangKey = try await env.services.keys.create(role: .aidWriter, name: "gudang", scope: [seed.gudang], actor: "test")
            try await gudang.signIn(gudangKey.token)
            let gudangPath = "/petugas/bantuan/\(seed.gudang)/permintaan"
            let list = try await gudang.get(gudangPath)
            #expect(list.text.contains(number))
            let janji = "\(gudangPath)/\(number)/janji"
            let promised = try await gudang.post(
                janji,
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: list.text, form: janji)),
                    ("eventId", try StaffBrowser.hidden("eventId", in: list.text, form: janji)), ("jumlah-0", "40"),
                ])
            #expect(promised.status == .ok && promised.text.contains("Janji kirim untuk permintaan \(number) tercatat"))
            let over = try await gudang.get(gudangPath)
            let tooMuch = try await gudang.post(
                janji,
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: over.text, form: janji)),
                    ("eventId", try StaffBrowser.hidden("eventId", in: over.text, form: janji)), ("jumlah-0", "21"),
                ])
            #expect(
                tooMuch.status == .unprocessableContent && tooMuch.text.contains("melebihi kekurangan permintaan"),
                "\(tooMuch.text.prefix(400))")

            // A donation handed in at the gudang.
            let donasi = "/petugas/bantuan/\(seed.gudang)/donasi"
            let form = try await gudang.get(gudangPath)
            let donated = try await gudang.post(
                donasi,
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: form.text, form: donasi)),
                    ("eventId", try StaffBrowser.hidden("eventId", in: form.text, form: donasi)), ("insiden", "gempa-uji"),
                    ("donatur", "Karang Taruna Rembiga"), ("jenis", "community"), ("barang", "terpal"), ("satuan", "lembar"),
                    ("jumlah", "25"),
                ])
            #expect(donated.status == .ok && donated.text.contains("Donasi DN-"), "\(donated.text.prefix(400))")
            let stock = try await client.get("/v1/aid/stock/\(seed.gudang)?item=terpal").object()
            #expect(stock.objects("totals").first?.int("onHand") == 25)
        }
    }
}
