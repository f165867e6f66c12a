import Foundation
import JSON
import TestSupport
import Testing

@Suite("privacy by donor id, KK; migrate of legacy applications (the real binary)", .serialized)
struct DonorPrivacyCLITests {
    @Test(
        "a seeded data directory: a clear donor name refused by append; export and forget --donor-id; --kk finds none; migrate links, twice nothing; verify passes"
    )
    func seededDirectory() async throws {
        let scratch = try Scratch("donor-privacy")
        let data = scratch.file("data")
        let seed = try await CLI.run(["seed", "--events", "3000", "--data-dir", data])
        #expect(seed.status == 0, "\(seed)")

        // A raw append with an individual's name in clear: refused naming data.donor.name, nothing written.
        let before = try await CLI.run(["verify", "--data-dir", data])
        let head = try #require(try before.json().first?["events"]?.int ?? before.json().first?["headPosition"]?.int, "\(before)")
        let refused = try await CLI.run([
            "append", "--data-dir", data, "--stream", "donation-DN-2018-CLEAR001", "--type", "aid.donation-received", "--data",
            #"{"incidentId":"gempa-uji","donationId":"DN-2018-CLEAR001","warehouseId":"gudang-bpbd-mataram","donor":{"name":"Dewi Kartika Zulkarnaen","kind":"individual"},"items":[{"item":"beras","unit":"kg","quantity":5}],"receivedAt":"2018-08-07T10:00:00+08:00"}"#,
        ])
        #expect(refused.status != 0 && refused.stderr.contains("data.donor.name"), "\(refused)")
        let after = try await CLI.run(["verify", "--data-dir", data])
        #expect(try after.json().first?["events"]?.int ?? after.json().first?["headPosition"]?.int == head, "\(after)")
        #expect(DataDirectoryFiles.holding("Zulkarnaen", under: data) == [])

        // The scenario's individual donor is sealed under a donor id.
        let donations = try await CLI.run(["read", "--data-dir", data, "--all", "--type", "aid.donation-received"])
        let donorId = try #require(
            try donations.json().compactMap { e -> String? in
                guard e["data"]?["donor"]?["kind"]?.string == "individual" else { return nil }
                #expect(e["data"]?["donor"]?["name"]?["sealed"]?.string == "v1", "\(e)")
                return e["data"]?["donor"]?["id"]?.string
            }.first, "no individual donation in the seeded log")
        let exported = try await CLI.run(["privacy", "export", "--data-dir", data, "--donor-id", donorId])
        #expect(exported.status == 0, "\(exported)")
        let export = try JSONParser.parse(exported.stdout)
        #expect(
            (export["donations"]?.arrayValue?.count ?? 0) > 0 && export["donations"]?[0]?["name"]?.string == "Hamba Allah", "\(exported)")
        let forgot = try await CLI.run(["privacy", "forget", "--data-dir", data, "--donor-id", donorId])
        #expect(forgot.status == 0, "\(forgot)")
        let gone = try await CLI.run(["privacy", "export", "--data-dir", data, "--donor-id", donorId])
        #expect(gone.status != 0 && gone.stderr.contains("no subject is held for this donor id"), "\(gone)")
        let donorSubject = try #require(export["subject"]?.string)
        let erased = try await CLI.run(["privacy", "export", "--data-dir", data, "--subject", donorSubject])
        let erasedExport = try JSONParser.parse(erased.stdout)
        #expect(erasedExport["forgotten"]?.boolValue == true && erasedExport["donations"]?[0]?["name"]?.string == "[dihapus]", "\(erased)")

        // A KK never registered finds no subject.
        let kk = try await CLI.run(["privacy", "forget", "--data-dir", data, "--kk", "5271010101900001"])
        #expect(kk.status != 0 && kk.stderr.contains("no subject is held for this KK"), "\(kk)")
        let badKK = try await CLI.run(["privacy", "export", "--data-dir", data, "--kk", "123"])
        #expect(badKK.status != 0 && badKK.stderr.contains("--kk must be 16 digits"), "\(badKK)")

        // Migrate: the applications written without a subject are linked; a second run links nothing.
        let first = try await CLI.run(["privacy", "migrate", "--data-dir", data])
        #expect(first.status == 0, "\(first)")
        let report = try #require(try first.json().first)
        #expect((report["legacyApplications"]?.int ?? 0) > 0 && report["applicationsLinked"] == report["legacyApplications"], "\(first)")
        let second = try await CLI.run(["privacy", "migrate", "--data-dir", data])
        #expect(second.status == 0, "\(second)")
        let again = try #require(try second.json().first)
        #expect(again["applicationsLinked"]?.int == 0 && again["alreadyLinked"] == report["legacyApplications"], "\(second)")
        #expect(again["position"] == nil || again["position"] == .null)

        // A linked subject's export lists its old applications; forgetting it works.
        let links = try await CLI.run(["read", "--data-dir", data, "--all", "--type", "privacy.legacy-subject-linked"])
        let link = try #require(try links.json().first)
        let subject = try #require(link["data"]?["subject"]?.string)
        #expect(link["data"]?["nikHash"] == nil)
        let legacy = try await CLI.run(["privacy", "export", "--data-dir", data, "--subject", subject])
        #expect(legacy.status == 0, "\(legacy)")
        let receipts = try JSONParser.parse(legacy.stdout)["legacyApplications"]?.arrayValue?.compactMap { $0["receiptNumber"]?.string }
        #expect(receipts == link["data"]?["receiptNumbers"]?.arrayValue?.compactMap(\.string), "\(legacy)")
        let forget = try await CLI.run(["privacy", "forget", "--data-dir", data, "--subject", subject])
        #expect(forget.status == 0, "\(forget)")
        let third = try await CLI.run(["privacy", "migrate", "--data-dir", data])
        #expect(try third.json().first?["forgotten"]?.int == 1, "\(third)")

        let verify = try await CLI.run(["verify", "--data-dir", data])
        #expect(verify.status == 0, "\(verify)")
    }
}
