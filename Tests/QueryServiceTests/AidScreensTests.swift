import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LumbungCore
@testable import QueryService

/// The gudang's and the posko's day on a phone: send stock on, receive it by the surat jalan's
/// number, hand it out to households; each form written once; a scoped key kept to its warehouse.
@Suite("Staff screens: gudang and posko")
struct AidScreensTests {
    @Test("dispatch from the gudang, receive at the posko, hand out: each form written once; refusals name the reason")
    func dayAtTheGudangAndThePosko() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            var gudang = StaffBrowser(client: client)
            let gudangKey = try await env.services.keys.create(role: .aidWriter, name: "gudang", scope: [seed.gudang], actor: "test")
            try await gudang.signIn(gudangKey.token)
            // The only warehouse of the key opens at once.
            let page = try await gudang.get("/petugas/bantuan")
            #expect(page.status == .ok, "\(page.text.prefix(300))")
            #expect(page.text.contains("beras") && page.text.contains("100 kg"))
            let kirim = "/petugas/bantuan/\(seed.gudang)/kirim"
            let csrf = try StaffBrowser.hidden("csrf", in: page.text, form: kirim)
            let eventID = try StaffBrowser.hidden("eventId", in: page.text, form: kirim)
            let dispatch: [(String, String)] = [
                ("csrf", csrf), ("eventId", eventID), ("ke", seed.posko), ("barang", "beras|kg"), ("jumlah", "30"),
                ("kendaraan", "DR 8123 AB"), ("sopir", "sopir-03"),
            ]
            // A driver by name is refused (nothing written), then by role.
            let head = try env.head()
            let byName = try await gudang.post(kirim, dispatch.map { $0.0 == "sopir" ? ($0.0, "Lalu Ahmad") : $0 })
            #expect(byName.status == .badRequest && byName.text.contains("driver"), "\(byName.text.prefix(400))")
            #expect(try env.head() == head)
            let sent = try await gudang.post(kirim, dispatch)
            #expect(sent.status == .ok)
            let number = try #require(sent.text.firstMatch(of: /Kiriman (SH-[0-9A-Z-]+) berangkat/)?.1).description
            // The same form again: written once.
            let again = try await gudang.post(kirim, dispatch)
            #expect(again.text.contains("tidak dicatat dua kali"))

            // At the posko: the number from the surat jalan opens the shipment.
            var posko = StaffBrowser(client: client)
            let poskoKey = try await env.services.keys.create(role: .aidWriter, name: "posko", scope: [seed.posko], actor: "test")
            try await posko.signIn(poskoKey.token)
            #expect(try await posko.get("/petugas/bantuan/\(seed.gudang)").status == .forbidden)
            #expect(try await posko.get("/petugas/bantuan/\(seed.posko)/terima?kiriman=SH-TIDAK-ADA").status == .notFound)
            let open = try await posko.get("/petugas/bantuan/\(seed.posko)/terima?kiriman=\(number)")
            #expect(open.status == .ok && open.text.contains("30 kg"), "\(open.text.prefix(400))")
            let terima = "/petugas/bantuan/\(seed.posko)/terima/\(number)"
            let receipt: [(String, String)] = [
                ("csrf", try StaffBrowser.hidden("csrf", in: open.text, form: terima)),
                ("eventId", try StaffBrowser.hidden("eventId", in: open.text, form: terima)), ("diterima-0", "28"),
                ("catatan", "2 kg basah"),
            ]
            let afterDispatch = try env.head()
            let tooMany = try await posko.post(terima, receipt.map { $0.0 == "diterima-0" ? ($0.0, "31") : $0 })
            #expect(tooMany.status == .badRequest)
            #expect(try env.head() == afterDispatch)
            let received = try await posko.post(terima, receipt)
            #expect(received.status == .ok && received.text.contains("diterima"), "\(received.text.prefix(400))")
            #expect(received.text.contains("28 kg"))

            // Hand out 20 kg to 4 households in Rembiga; sent twice, written once.
            let salurkan = "/petugas/bantuan/\(seed.posko)/salurkan"
            let handOut: [(String, String)] = [
                ("csrf", try StaffBrowser.hidden("csrf", in: received.text, form: salurkan)),
                ("eventId", try StaffBrowser.hidden("eventId", in: received.text, form: salurkan)), ("barang", "beras|kg"),
                ("jumlah", "20"), ("kelurahan", Fx.rembiga), ("kk", "4"), ("jiwa", "15"), ("tanggal", "2018-08-08"),
            ]
            let more = try await posko.post(salurkan, handOut.map { $0.0 == "jumlah" ? ($0.0, "50") : $0 })
            #expect(more.status == .unprocessableContent, "more than on hand: \(more.status)")
            #expect(more.text.contains("Tidak dicatat"))
            let handed = try await posko.post(salurkan, handOut)
            #expect(handed.status == .ok && handed.text.contains("4 KK"), "\(handed.text.prefix(400))")
            let before = try env.head()
            _ = try await posko.post(salurkan, handOut)
            #expect(try env.head() == before)
            let stock = try await client.get("/v1/aid/stock/\(seed.posko)?item=beras&unit=kg").object()
            #expect(stock.objects("totals").first?.int("onHand") == 8)
            let kel = try await client.get("/v1/aid/kelurahan/\(Fx.rembiga)").object()
            #expect(kel.int("households") == 4)
        }
    }
}

/// The printed surat jalan and where its QR code leads.
@Suite("Surat jalan and the public proof of an aid event")
struct WaybillProofTests {
    @Test("the surat jalan carries a QR code of /bukti/{position}; that page proves the dispatch against the signed head")
    func waybillAndProof() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            let shipped = try await client.command(
                "/v1/aid/shipments", token: env.token(.aidWriter),
                body: Fx.shipment("SH-QR1", from: seed.gudang, to: seed.posko, quantity: 30))
            let position = try #require(shipped.uint("position"))
            var browser = StaffBrowser(client: client)
            try await browser.signIn(env.token(.aidWriter))
            let waybill = try await browser.get("/petugas/bantuan/\(seed.posko)/surat-jalan/SH-QR1")
            #expect(waybill.status == .ok, "\(waybill.text.prefix(300))")
            #expect(waybill.text.contains("SURAT JALAN") && waybill.text.contains("sopir-07") && waybill.text.contains("@page"))
            #expect(waybill.text.contains("<svg class=\"qr\""), "no QR code")
            #expect(waybill.text.contains("/bukti/\(position)"))
            #expect(try await browser.get("/petugas/bantuan/\(seed.posko)/surat-jalan/SH-LAIN").status == .notFound)
            // The goods-received note exists once the shipment is received: sent, arrived, lost.
            #expect(try await browser.get("/petugas/bantuan/\(seed.posko)/tanda-terima/SH-QR1").status == .notFound)
            let received = try await client.command(
                "/v1/aid/shipments/SH-QR1/receipt", token: env.token(.aidWriter),
                body: #"{"lines":[{"item":"beras","unit":"kg","donationId":"\#(seed.donation)","quantity":28}],"notes":"2 kg basah"}"#)
            let note = try await browser.get("/petugas/bantuan/\(seed.posko)/tanda-terima/SH-QR1")
            #expect(note.status == .ok && note.text.contains("TANDA TERIMA BARANG") && note.text.contains("2 kg basah"))
            #expect(
                note.text.contains("<td class=\"num\">30</td><td class=\"num\">28</td><td class=\"num\">2</td>"),
                "\(note.text.prefix(2000))")
            #expect(note.text.contains("/bukti/\(try #require(received.uint("position")))"))

            // The public proof: no key needed; the dispatch, proved.
            let proof = try await client.get("/bukti/\(position)", headers: [.accept: "text/html"])
            #expect(proof.status == .ok, "\(proof.text.prefix(300))")
            #expect(proof.text.contains("Terbukti") && proof.text.contains("SH-QR1") && proof.text.contains("aid.shipment-dispatched"))
            // Only aid events are public; a position beyond the head is not there.
            let keyEvent = try #require(try env.services.store.readAll(EventFilter(types: ["auth.key-created"]), limit: 1).first)
            #expect(try await client.get("/bukti/\(keyEvent.position)", headers: [.accept: "text/html"]).status == .notFound)
            #expect(try await client.get("/bukti/\(position + 1000)", headers: [.accept: "text/html"]).status == .notFound)
            #expect(try await client.get("/bukti/nol", headers: [.accept: "text/html"]).status == .notFound)
        }
    }

    @Test("an individual donor who did not agree to be named is Hamba Allah on the public proof")
    func anonymousDonor() {
        let data =
            #"{"incidentId":"gempa-uji","donationId":"DN-1","donor":{"kind":"individual","name":"Baiq Nurul","id":"DR-2018-AAAAAAAA"},"items":[]}"#
        let event = RecordedEvent(
            position: 5, stream: "donation-DN-1", version: 1, id: .random(), type: "aid.donation-received",
            occurredAt: .now(), recordedAt: .now(), metadata: Array("{}".utf8), data: Array(data.utf8), prevHash: .zero, hash: .zero)
        let (shown, hidden) = ProofPages.publicData(event)
        #expect(hidden && shown["donor"]?["name"]?.stringValue == "Hamba Allah")
        #expect(shown["donor"]?["id"]?.stringValue == ProofPages.hiddenMark)
    }
}

/// A donor follows their gift on the portal.
@Suite("Portal: a donation's trace for its donor")
struct DonationTracePageTests {
    @Test("every step with its proof, the balance, and a 404 form for an unknown number")
    func trace() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            let token = env.token(.aidWriter)
            let shipped = try await client.command(
                "/v1/aid/shipments", token: token, body: Fx.shipment("SH-TR1", from: seed.gudang, to: seed.posko, quantity: 30))
            let html: HTTPFields = [.accept: "text/html"]
            let page = try await client.get("/bantuan-bencana/donasi?nomor=\(seed.donation)", headers: html)
            #expect(page.status == .ok, "\(page.text.prefix(300))")
            #expect(page.text.contains("Dikirim dari") && page.text.contains("seimbang"))
            #expect(page.text.contains("/bukti/\(try #require(shipped.uint("position")))"))
            #expect(try await client.get("/bantuan-bencana/donasi/\(seed.donation)", headers: html).text == page.text)
            let unknown = try await client.get("/bantuan-bencana/donasi?nomor=DN-TIDAK-ADA", headers: html)
            #expect(unknown.status == .notFound && unknown.text.contains("Tidak ada donasi"))
            #expect(try await client.get("/bantuan-bencana/donasi", headers: html).text.contains("Nomor donasi"))
        }
    }
}

@Suite("Staff screens: where a posko hands aid out")
struct HandOutPlacesTests {
    @Test("a posko hands out in the desa of its kabupaten/kota: Mataram's 50, or Lombok Utara's from the national table")
    func places() {
        let mataram = AidScreens.desa(near: Fx.rembiga)
        #expect(mataram.count == 50 && mataram.contains { $0.code == Fx.rembiga })
        let lombokUtara = AidScreens.desa(near: "52.08.01.2001")
        #expect(lombokUtara.contains { $0.code == "52.08.01.2001" && $0.name == "Tanjung" })
        #expect(lombokUtara.count > 30 && lombokUtara.allSatisfy { $0.code.hasPrefix("52.08.") })
        #expect(!lombokUtara.contains { $0.code == Fx.rembiga })
    }
}
