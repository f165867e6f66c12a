import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import TestSupport
import Testing

@testable import LumbungCore
@testable import PersonalData
@testable import QueryService

/// The household register over HTTP and on the posko's screens: KK numbers sealed, a KK once, a
/// household once per round (409), counts from the register, the BAST with its QR code, and the
/// privacy officer's export and erasure by KK.
@Suite("Households: API, screens, BAST and privacy")
struct HouseholdRoutesTests {
    static let kk1 = "5271050101180001", kk2 = "5271050101180002"

    static func household(_ kk: String, name: String, members: Int, id: String) -> String {
        #"{"incidentId":"gempa-uji","householdId":"\#(id)","warehouseId":"posko-rembiga","kelurahanCode":"\#(Fx.rembiga)","kk":"\#(kk)","headName":"\#(name)","members":\#(members),"vulnerable":{"infants":1,"elderly":0,"disabled":0,"pregnant":0}}"#
    }

    /// The seed, 30 kg of beras at the posko, two households registered there.
    static func setUp(_ client: any TestClientProtocol, _ env: TestEnv) async throws -> AidSeed {
        let seed = AidSeed()
        try await seed.apply(client, env)
        let token = env.token(.aidWriter)
        _ = try await client.command(
            "/v1/aid/shipments", token: token, body: Fx.shipment("SH-HH1", from: seed.gudang, to: seed.posko, quantity: 30))
        _ = try await client.command("/v1/aid/shipments/SH-HH1/receipt", token: token, body: "{}")
        _ = try await client.command(
            "/v1/aid/households", token: token, body: household(kk1, name: "Lalu Ahmad Fauzi", members: 5, id: "HH-T1"))
        _ = try await client.command(
            "/v1/aid/households", token: token, body: household(kk2, name: "Baiq Sumarni", members: 3, id: "HH-T2"))
        return seed
    }

    @Test(
        "register and serve over HTTP: a KK once (409), a household once per round (409), counts from the register; nothing written on refusals"
    )
    func api() async throws {
        try await withRouter { env, client in
            _ = try await Self.setUp(client, env)
            let token = env.token(.aidWriter)
            try env.services.vault.checkpoint()
            for clear in ["Lalu Ahmad Fauzi", Self.kk1] { #expect(DataDirectoryFiles.holding(clear, under: env.directory) == []) }
            let head = try env.head()
            expectProblem(
                try await client.post(
                    "/v1/aid/households", token: token, body: Self.household(Self.kk1, name: "Orang Lain", members: 2, id: "HH-T9")),
                .conflict, field: "kk")
            expectProblem(
                try await client.post("/v1/aid/households", token: token, body: Self.household("123", name: "X", members: 2, id: "HH-T9")),
                .badRequest, field: "kk")
            expectProblem(
                try await client.post(
                    "/v1/aid/households", token: token,
                    body: Self.household(Self.kk1 + "9", name: "X", members: 2, id: "HH-T9").replacingOccurrences(
                        of: Self.kk1 + "9", with: "5271050101189999"
                    )
                    .replacingOccurrences(of: Fx.rembiga, with: "52.01.01.2001")),
                .unprocessableContent, field: "kelurahanCode")
            #expect(try env.head() == head)

            let serve =
                #"{"incidentId":"gempa-uji","distributionId":"DS-HH1","warehouseId":"posko-rembiga","round":"putaran-1","householdIds":["HH-T1","HH-T2"],"lines":[{"item":"beras","unit":"kg","quantity":20}]}"#
            let served = try await client.command("/v1/aid/households/served", token: token, body: serve)
            #expect(served.string("distributionId") == "DS-HH1")
            let kel = try await client.get("/v1/aid/kelurahan/\(Fx.rembiga)").object()
            #expect(kel.int("households") == 2 && kel.int("people") == 8, "\(kel)")
            let afterServe = try env.head()
            let twice = try await client.post(
                "/v1/aid/households/served", token: token,
                body: serve.replacingOccurrences(of: "DS-HH1", with: "DS-HH2").replacingOccurrences(of: "20}", with: "2}"))
            expectProblem(twice, .conflict, field: "householdIds[0]")
            #expect(twice.text.contains("DS-HH1"), "\(twice.text)")
            #expect(try env.head() == afterServe)
            // The analysts' export carries counts, never households; the event-stream exports carry
            // the log as it is (its hash chain needs every event), where a KK and a head's name are
            // ciphertext.
            let hxl = try await client.get("/v1/export?format=hxl", token: env.token(.auditor)).text
            #expect(!hxl.contains("HH-T1") && !hxl.contains("Lalu Ahmad"))
            for format in ["ndjson", "csv"] {
                let stream = try await client.get("/v1/export?format=\(format)", token: env.token(.auditor)).text
                #expect(stream.contains("aid.household-registered"), "\(format)")
                for clear in ["Lalu Ahmad Fauzi", "Baiq Sumarni", Self.kk1, Self.kk2] {
                    #expect(!stream.contains(clear), "\(format): \(clear)")
                }
            }
        }
    }

    @Test(
        "a posko's roster as CSV over HTTP and uploaded on its screen: all or nothing, a refusal naming its line, nothing written; a resent upload writes once"
    )
    func roster() async throws {
        try await withRouter { env, client in
            let seed = try await Self.setUp(client, env)
            let token = env.token(.aidWriter)
            let route = "/v1/aid/households/roster?warehouseId=\(seed.posko)&incidentId=gempa-uji"
            func csv(_ uri: String, _ body: String) async throws -> TestResponse {
                try await client.send(.post, uri, token: token, body: body, headers: [.contentType: "text/csv"])
            }
            let (kk3, kk4, kk5, kk6) = ("5271050101180003", "5271050101180004", "5271050101180005", "5271050101180006")
            let head = try env.head()
            let registered = try await csv(route, "nomor_kk,nama_kepala,anggota\n\(kk3),Lalu Satu,2\n\(Self.kk1),Lalu Dua,3\n")
            expectProblem(registered, .conflict, field: "kk")
            #expect(registered.text.contains("line 3"), "\(registered.text)")
            let badCount = try await csv(route, "kk,nama,anggota,bayi\n\(kk3),Lalu Satu,2,dua\n")
            expectProblem(badCount, .badRequest, field: "infants")
            #expect(badCount.text.contains("line 2"), "\(badCount.text)")
            expectProblem(
                try await csv("/v1/aid/households/roster?incidentId=gempa-uji", "kk,nama,anggota\n"), .badRequest, field: "warehouseId")
            #expect(
                try await csv("/v1/aid/households/roster?warehouseId=posko-tidak-ada&incidentId=gempa-uji", "kk,nama,anggota\n\(kk3),A,1\n")
                    .status == .notFound)
            #expect(
                try await client.send(.post, route, body: "kk,nama,anggota\n\(kk3),A,1\n", headers: [.contentType: "text/csv"]).status
                    == .unauthorized)
            #expect(try env.head() == head)

            let imported = try await csv(route, "kk,nama_kepala,anggota,lansia\n\(kk3),Lalu Satu,2,1\n\(kk4),\"Baiq Dua, S.Pd\",3,0\n")
            #expect(imported.status == .created, "\(imported.text)")
            let answer = try imported.object()
            #expect(answer.int("imported") == 2 && (answer["householdIds"] as? [String])?.count == 2)
            #expect(try env.head() == head + 2)

            // On the posko's screen: the file uploaded as multipart/form-data.
            var posko = StaffBrowser(client: client)
            try await posko.signIn(
                try await env.services.keys.create(role: .aidWriter, name: "posko", scope: [seed.posko], actor: "test").token)
            let base = "/petugas/bantuan/\(seed.posko)/keluarga"
            let page = try await posko.get(base)
            #expect(page.text.contains("action=\"\(base)/impor\" enctype=\"multipart/form-data\""))
            func fields(_ page: String) throws -> [(String, String)] {
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: page, form: base + "/impor")),
                    ("eventId", try StaffBrowser.hidden("eventId", in: page, form: base + "/impor")), ("insiden", "gempa-uji"),
                ]
            }
            let before = try env.head()
            let refused = try await posko.postMultipart(
                base + "/impor", try fields(page.text),
                file: ("berkas", "daftar.csv", "kk,nama,anggota\n\(kk5),Lalu Lima,2\n123,Lalu Enam,2\n"))
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("Tidak dicatat: baris 3 berkas, Nomor KK (kk)"), "\(refused.text)")
            #expect(try env.head() == before)
            let form = try fields(refused.text)
            let file = ("berkas", "daftar.csv", "kk,nama,anggota\n\(kk5),Lalu Lima,2\n\(kk6),Lalu Enam,4\n")
            let done = try await posko.postMultipart(base + "/impor", form, file: file)
            #expect(done.status == .ok && done.text.contains("2 keluarga dari berkas terdaftar."), "\(done.text.prefix(2000))")
            #expect(try env.head() == before + 2)
            let again = try await posko.postMultipart(base + "/impor", form, file: file)
            #expect(again.text.contains("sudah tercatat sebelumnya"))
            #expect(try env.head() == before + 2)
            // Without the session's token: refused, nothing written.
            let forged = try await posko.postMultipart(
                base + "/impor", form.map { $0.0 == "csrf" ? ($0.0, "palsu") : $0 }, file: ("berkas", "daftar.csv", "kk,nama,anggota\n"))
            #expect(forged.status == .forbidden)
            #expect(try env.head() == before + 2)
        }
    }

    @Test("the posko registers and serves households on its screen; the BAST prints with a QR code; forget --kk leaves [dihapus]")
    func screensAndPrivacy() async throws {
        try await withRouter { env, client in
            let seed = try await Self.setUp(client, env)
            var posko = StaffBrowser(client: client)
            try await posko.signIn(
                try await env.services.keys.create(role: .aidWriter, name: "posko", scope: [seed.posko], actor: "test").token)
            let base = "/petugas/bantuan/\(seed.posko)/keluarga"
            // A key of the posko does not reach the gudang's register, on the screens or in the API.
            #expect(try await posko.get("/petugas/bantuan/\(seed.gudang)/keluarga").status == .forbidden)
            let scoped = try await env.services.keys.create(role: .aidWriter, name: "posko-api", scope: [seed.posko], actor: "test")
            expectProblem(
                try await client.post(
                    "/v1/aid/households", token: scoped.token,
                    body: Self.household("5271050101180009", name: "X", members: 1, id: "HH-T8").replacingOccurrences(
                        of: "posko-rembiga", with: seed.gudang)), .forbidden, field: "warehouseId")
            let page = try await posko.get(base)
            #expect(page.status == .ok && page.text.contains("Lalu Ahmad Fauzi") && page.text.contains("0001"), "\(page.text.prefix(300))")
            #expect(!page.text.contains(Self.kk1), "the KK is masked")
            // Register a third household from the form; a bad KK first (nothing written).
            let form: [(String, String)] = [
                ("csrf", try StaffBrowser.hidden("csrf", in: page.text, form: base)),
                ("eventId", try StaffBrowser.hidden("eventId", in: page.text, form: base)), ("kk", "5271050101180003"),
                ("nama", "Inaq Rahmah"), ("desa", Fx.rembiga), ("anggota", "4"), ("lansia", "1"),
            ]
            let head = try env.head()
            let bad = try await posko.post(base, form.map { $0.0 == "kk" ? ($0.0, "52710501") : $0 })
            #expect(bad.status == .badRequest && bad.text.contains("Tidak dicatat"), "\(bad.text.prefix(300))")
            #expect(try env.head() == head)
            let registered = try await posko.post(base, form)
            #expect(registered.status == .ok && registered.text.contains("terdaftar") && registered.text.contains("Inaq Rahmah"))
            _ = try await posko.post(base, form)
            #expect(try env.head() == head + 1, "a resent form writes once")
            let ids = registered.text.matches(of: /id="hh-(HH-[0-9A-Z-]+)"/).map { String($0.1) }
            #expect(ids.count == 3, "\(ids)")

            // Serve all three in round putaran-1.
            let salurkan = "\(base)/salurkan"
            let serve: [(String, String)] =
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: registered.text, form: salurkan)),
                    ("eventId", try StaffBrowser.hidden("eventId", in: registered.text, form: salurkan)), ("putaran", "putaran-1"),
                    ("barang", "beras|kg"), ("jumlah", "15"),
                ] + ids.map { ("hh-\($0)", "1") }
            let handed = try await posko.post(salurkan, serve)
            #expect(handed.status == .ok && handed.text.contains("3 keluarga"), "\(handed.text.prefix(600))")
            let distribution = try #require(handed.text.firstMatch(of: /bast\/(DS-[0-9A-Z-]+)/)?.1).description
            #expect(
                handed.text.contains(
                    "<td>putaran-1</td><td>Rembiga</td><td class=\"num\">1</td><td class=\"num\">3</td><td class=\"num\">12</td>"),
                "\(handed.text)")
            // Again in the same round with a new form: 409, naming the earlier distribution.
            let again = try await posko.post(
                salurkan,
                serve.map {
                    $0.0 == "eventId" ? ($0.0, UUID().uuidString.lowercased()) : $0.0 == "jumlah" ? ($0.0, "3") : $0
                })
            #expect(again.status == .conflict && again.text.contains(distribution), "\(again.status) \(again.text.prefix(600))")

            // The BAST.
            let bast = try await posko.get("/petugas/bantuan/\(seed.posko)/bast/\(distribution)")
            #expect(bast.status == .ok, "\(bast.text.prefix(300))")
            #expect(
                bast.text.contains("BERITA ACARA SERAH TERIMA") && bast.text.contains("@page") && bast.text.contains("<svg class=\"qr\""))
            #expect(bast.text.contains("Lalu Ahmad Fauzi") && bast.text.contains("Inaq Rahmah") && bast.text.contains("12 jiwa"))
            let proof = try #require(bast.text.firstMatch(of: /\/bukti\/([0-9]+)/)?.1).description
            let publicProof = try await client.get("/bukti/\(proof)")
            #expect(publicProof.status == .ok && publicProof.text.contains(distribution) && !publicProof.text.contains("Lalu"))
            #expect(try await posko.get("/petugas/bantuan/\(seed.posko)/bast/DS-TIDAK-ADA").status == .notFound)

            // The privacy officer: export by KK, then forget; the BAST reads [dihapus].
            let privacy = env.token(.privacyOfficer)
            let export = try await client.post("/v1/privacy/export", token: privacy, body: #"{"kk":"\#(Self.kk1)"}"#)
            #expect(export.status == .ok, "\(export.text)")
            let households = try export.object().objects("households")
            #expect(households.count == 1 && households.first?.string("headName") == "Lalu Ahmad Fauzi", "\(export.text)")
            #expect(households.first?.string("kk") == Self.kk1 && households.first?.objects("served").first?.string("round") == "putaran-1")
            let forgot = try await client.post("/v1/privacy/forget", token: privacy, body: #"{"kk":"\#(Self.kk1)"}"#)
            #expect(forgot.status == .ok, "\(forgot.text)")
            let after = try await posko.get("/petugas/bantuan/\(seed.posko)/bast/\(distribution)")
            #expect(after.text.contains("[dihapus]") && !after.text.contains("Lalu Ahmad Fauzi") && after.text.contains("Baiq Sumarni"))
            #expect(after.text.contains("12 jiwa"), "the counts stay")
            expectProblem(
                try await client.post("/v1/privacy/export", token: privacy, body: #"{"kk":"\#(Self.kk1)"}"#), .notFound, field: "kk")
            // The other household's KK still finds it after the master key's rotation that came with the erasure.
            let other = try await client.post("/v1/privacy/export", token: privacy, body: #"{"kk":"\#(Self.kk2)"}"#)
            #expect(other.status == .ok && other.text.contains("Baiq Sumarni"), "\(other.text)")
            // The registration's public proof hides the subject and the sealed fields.
            let registration = try #require(try env.services.store.readStream("household-HH-T2").first)
            let regProof = try await client.get("/bukti/\(registration.position)").text
            #expect(!regProof.contains("subj-") && regProof.contains("[disembunyikan]"), "\(regProof.prefix(2000))")
        }
    }

    @Test("both household forms offer the incidents (the latest declared selected) and write the one picked")
    func formsPickIncident() async throws {
        try await withRouter { env, client in
            let seed = try await Self.setUp(client, env)
            _ = try await client.command("/v1/aid/incidents", token: env.token(.aidWriter), body: IncidentRoutesTests.fire)
            var posko = StaffBrowser(client: client)
            try await posko.signIn(
                try await env.services.keys.create(role: .aidWriter, name: "posko", scope: [seed.posko], actor: "test").token)
            let base = "/petugas/bantuan/\(seed.posko)/keluarga"
            let page = try await posko.get(base)
            for form in ["daftar", "salurkan"] {
                #expect(
                    page.text.contains(
                        "<select id=\"insiden-\(form)\" name=\"insiden\" required><option value=\"kebakaran-uji\" selected>Kebakaran uji</option><option value=\"gempa-uji\">Gempa uji</option></select>"
                    ), "\(form): \(page.text)")
            }
            // Registered for the earlier incident, picked on the form (not the latest).
            let form: [(String, String)] = [
                ("csrf", try StaffBrowser.hidden("csrf", in: page.text, form: base)),
                ("eventId", try StaffBrowser.hidden("eventId", in: page.text, form: base)), ("insiden", "gempa-uji"),
                ("kk", "5271050101180004"), ("nama", "Amaq Sahnan"), ("desa", Fx.rembiga), ("anggota", "2"),
            ]
            // A refusal keeps the incident picked.
            let bad = try await posko.post(base, form.map { $0.0 == "kk" ? ($0.0, "5271") : $0 })
            #expect(bad.status == .badRequest && bad.text.contains("<option value=\"gempa-uji\" selected>"), "\(bad.text.prefix(600))")
            let registered = try await posko.post(base, form)
            #expect(registered.status == .ok && registered.text.contains("Amaq Sahnan"), "\(registered.text.prefix(600))")
            let id = try #require(registered.text.firstMatch(of: /Keluarga (HH-[0-9A-Z-]+) terdaftar/)?.1).description
            let event = try #require(try env.services.store.readStream("household-\(id)").first)
            #expect(try JSONParser.parse(event.data)["incidentId"] == .string("gempa-uji"))
            // Serving for the fire: the posko holds nothing given for it, refused and nothing written.
            let salurkan = "\(base)/salurkan"
            let serve: [(String, String)] = [
                ("csrf", try StaffBrowser.hidden("csrf", in: registered.text, form: salurkan)),
                ("eventId", try StaffBrowser.hidden("eventId", in: registered.text, form: salurkan)), ("insiden", "kebakaran-uji"),
                ("putaran", "putaran-1"), ("barang", "beras|kg"), ("jumlah", "5"), ("hh-\(id)", "1"),
            ]
            let head = try env.head()
            let refused = try await posko.post(salurkan, serve)
            #expect(
                refused.status == .unprocessableContent && refused.text.contains("Tidak dicatat"),
                "\(refused.status) \(refused.text.prefix(600))")
            #expect(try env.head() == head)
            let served = try await posko.post(salurkan, serve.map { $0.0 == "insiden" ? ($0.0, "gempa-uji") : $0 })
            #expect(served.status == .ok && served.text.contains("1 keluarga"), "\(served.text.prefix(600))")
            let distribution = try #require(served.text.firstMatch(of: /bast\/(DS-[0-9A-Z-]+)/)?.1).description
            for record in try env.services.store.readStream("distribution-\(distribution)") {
                #expect(try JSONParser.parse(record.data)["incidentId"] == .string("gempa-uji"), "\(record.type)")
            }
        }
    }

    @Test("a household's kk index lost with the memory (a crash before the vault's checkpoint) is made again from the log")
    func kkIndexRecovered() async throws {
        try await withRouter { env, client in
            try await AidSeed().apply(client, env)
            let vault = env.services.vault
            vault.lock.withLock {
                vault.checkpointTimer?.cancel()
                vault.checkpointTimer = nil
            }
            _ = try await client.command(
                "/v1/aid/households", token: env.token(.aidWriter),
                body: Self.household(Self.kk1, name: "Lalu Ahmad", members: 2, id: "HH-R1"))
            let subject = try #require(try vault.subject(.kk, Self.kk1))
            vault.lock.withLock { vault.pending.removeAll() }
            #expect(try vault.subject(.kk, Self.kk1) == nil)
            #expect(try PrivacyOffice.recoverIndexes(store: env.services.store, vault: vault) == 1)
            #expect(try vault.subject(.kk, Self.kk1) == subject)
        }
    }
}
