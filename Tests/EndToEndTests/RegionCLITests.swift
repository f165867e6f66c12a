import Foundation
import Testing

@Suite("--region: the area a data directory serves (the real binary)")
struct RegionCLITests {
    static func warehouse(_ id: String, _ code: String) -> [String] {
        [
            "--stream", "warehouse-\(id)", "--type", "aid.warehouse-registered", "--data",
            #"{"incidentId":"gempa-uji","warehouseId":"\#(id)","name":"Posko \#(id)","kind":"posko","kelurahanCode":"\#(code)"}"#,
        ]
    }

    @Test(
        "a posko in Lombok Utara is refused by a Mataram deployment and taken by one for NTB; the area is kept, another refused by name, nothing written"
    )
    func regionIsCheckedAndKept() async throws {
        let scratch = try Scratch("region")
        let mataram = scratch.file("mataram")
        let ntb = scratch.file("ntb")
        let tanjung = "52.08.01.2001"  // Tanjung, Kabupaten Lombok Utara (the 2018 epicentre)

        // The default deployment serves Kota Mataram only.
        let refused = try await CLI.run(["append", "--data-dir", mataram] + Self.warehouse("posko-tanjung", tanjung))
        #expect(refused.status == 1, "\(refused)")
        #expect(
            refused.stderr.contains("kelurahanCode")
                && refused.stderr.contains("outside the area this service covers, Kota Mataram (52.71)"))
        #expect(try await CLI.stats(mataram).contains(#""events":0"#))

        // One for all of NTB takes it (once the incident is declared), and keeps its area for the next process.
        let declared = try await CLI.run(
            [
                "append", "--data-dir", ntb, "--region", "52", "--stream", "incident-gempa-uji", "--type", "aid.incident-declared",
                "--data",
                #"{"incidentId":"gempa-uji","name":"Gempa uji","kind":"gempa-bumi","startedAt":"2018-08-05T19:46:00+08:00","affectedCodes":["52.08","52.71"]}"#,
            ])
        #expect(declared.status == 0, "\(declared)")
        let taken = try await CLI.run(["append", "--data-dir", ntb, "--region", "52"] + Self.warehouse("posko-tanjung", tanjung))
        #expect(taken.status == 0, "\(taken)")
        #expect(try String(contentsOfFile: ntb + "/region", encoding: .utf8) == "52\n")
        let again = try await CLI.run(["append", "--data-dir", ntb] + Self.warehouse("posko-sokong", "52.08.01.2002"))
        #expect(again.status == 0, "\(again)")
        // Bali is outside NTB; a desa code that does not exist is not a code at all.
        let bali = try await CLI.run(["append", "--data-dir", ntb] + Self.warehouse("posko-serangan", "51.71.01.1001"))
        #expect(bali.status == 1 && bali.stderr.contains("Serangan (51.71.01.1001) is outside"), "\(bali)")
        let unknown = try await CLI.run(["append", "--data-dir", ntb] + Self.warehouse("posko-x", "52.08.01.2999"))
        #expect(unknown.status == 1 && unknown.stderr.contains("is not the Kepmendagri code of a desa/kelurahan"), "\(unknown)")
        // A kecamatan is not a desa.
        let level = try await CLI.run(["append", "--data-dir", ntb] + Self.warehouse("posko-y", "52.08.01"))
        #expect(level.status == 1 && level.stderr.contains("desa-kelurahan is needed"), "\(level)")

        // The directory's area is chosen once.
        let other = try await CLI.run(["append", "--data-dir", ntb, "--region", "52.71"] + Self.warehouse("posko-z", "52.71.01.1004"))
        #expect(other.status == 1 && other.stderr.contains("serves 52"), "\(other)")
        #expect(try await CLI.stats(ntb).contains(#""events":3"#))
    }

    @Test(
        "seed --region 52: a posko in Lombok Utara supplied from a Mataram gudang, a flood in Kota Bima on its own path, four eyes under two keys"
    )
    func seedForTheProvince() async throws {
        let scratch = try Scratch("region-seed")
        let data = scratch.file("ntb")
        let seeded = try await CLI.run(["seed", "--region", "52", "--no-views", "--data-dir", data])
        #expect(seeded.status == 0, "\(seeded)")
        func read(_ args: [String]) async throws -> [[String: Any]] {
            let r = try await CLI.run(["read", "--data-dir", data] + args)
            #expect(r.status == 0, "\(r)")
            return try r.stdoutText.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        func payload(_ e: [String: Any]) -> [String: Any] { e["data"] as? [String: Any] ?? [:] }
        let incidents = try await read(["--all", "--type", "aid.incident-declared"]).map { payload($0)["incidentId"] as? String ?? "" }
        #expect(incidents == ["gempa-lombok-2018", "kebakaran-bintaro-2018", "banjir-bima-2018"])
        // Across the kabupaten border: from Gudang BPBD Kota Mataram to the posko in Tanjung, for its request.
        let tanjung = try await read(["--stream", "shipment-SH-2018-LU0001"])
        #expect(tanjung.map { $0["type"] as? String ?? "" } == ["aid.shipment-dispatched", "aid.shipment-received"])
        let sent = payload(try #require(tanjung.first))
        #expect(sent["fromWarehouseId"] as? String == "gudang-bpbd-mataram" && sent["toWarehouseId"] as? String == "posko-52.08.01.2001")
        #expect(sent["requestId"] as? String == "RQ-2018-LU0001" && sent["incidentId"] as? String == "gempa-lombok-2018")
        // The flood's own path, every event naming it.
        let flood = try await read(["--all"]).filter { payload($0)["incidentId"] as? String == "banjir-bima-2018" }
        #expect(
            Set(flood.map { $0["type"] as? String ?? "" }) == [
                "aid.incident-declared", "aid.warehouse-registered", "aid.donation-received", "aid.items-requested",
                "aid.request-committed", "aid.shipment-dispatched", "aid.shipment-received", "aid.impact-reported", "aid.aid-distributed",
            ])
        #expect(
            flood.contains { payload($0)["kelurahanCode"] as? String == "52.72.01.1014" && $0["type"] as? String == "aid.aid-distributed" })
        let bima = try await CLI.run(["replay", "--data-dir", data, "--view", "stock", "--id", "gudang-bpbd-kota-bima"])
        #expect(bima.status == 0 && bima.stdoutText.contains("DN-2018-BB0001"), "\(bima)")
        // Four eyes: the write-off under the officer's key, its approval under another.
        let approvals = try await read(["--all", "--type", "aid.adjustment-approved"])
        #expect(approvals.count == 1)
        #expect((approvals.first?["metadata"] as? [String: Any])?["actor"] as? String == "seed:kepala-gudang")
        let pending = try await read(["--all", "--type", "aid.stock-adjusted"]).filter { payload($0)["needsApproval"] as? Bool == true }
        #expect(
            pending.count == 2 && pending.allSatisfy { ($0["metadata"] as? [String: Any])?["actor"] as? String == "seed:petugas-gudang" })
        // Households: registered with the KK and the name sealed, never in clear.
        let households = try await read(["--all", "--type", "aid.household-registered"])
        #expect(households.count == 93)
        #expect(households.allSatisfy { payload($0)["kk"] is [String: Any] && payload($0)["headName"] is [String: Any] })
        let verified = try await CLI.run(["verify", "--data-dir", data])
        #expect(verified.status == 0 && verified.stdoutText.contains(#""ok":true"#), "\(verified)")
    }

    @Test("--region that is no area, or a desa, is a usage error naming it", arguments: ["99", "52.71.01.1004", "NTB"])
    func badRegion(code: String) async throws {
        let scratch = try Scratch("region-bad")
        let r = try await CLI.run(
            ["append", "--data-dir", scratch.file("data"), "--region", code] + RegionCLITests.warehouse("g", "52.71.01.1004"))
        #expect(r.status == 64, "\(r)")
        #expect(r.stderr.contains("--region"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("data") + "/region"))
    }
}
