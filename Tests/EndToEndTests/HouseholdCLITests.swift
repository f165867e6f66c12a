import Foundation
import JSON
import TestSupport
import Testing

@Suite("import households and privacy by KK (the real binary)", .serialized)
struct HouseholdCLITests {
    static let kk1 = "5271050101180001", kk2 = "5271050101180002"

    @Test(
        "a posko's roster imports all or nothing, refusals naming the line; privacy export --kk returns the household, forget --kk erases it"
    )
    func rosterAndPrivacy() async throws {
        let scratch = try Scratch("households")
        let data = scratch.file("data")
        let incident = try await CLI.run([
            "append", "--data-dir", data, "--stream", "incident-gempa-lombok-2018", "--type", "aid.incident-declared", "--data",
            #"{"incidentId":"gempa-lombok-2018","name":"Gempa Bumi Lombok 2018","kind":"gempa-bumi","startedAt":"2018-07-29T06:47:00+08:00","affectedCodes":["52.71"]}"#,
        ])
        #expect(incident.status == 0, "\(incident)")
        let posko = try await CLI.run([
            "append", "--data-dir", data, "--stream", "warehouse-posko-rembiga", "--type", "aid.warehouse-registered", "--data",
            #"{"incidentId":"gempa-lombok-2018","warehouseId":"posko-rembiga","name":"Posko Rembiga","kind":"posko","kelurahanCode":"52.71.05.1005"}"#,
        ])
        #expect(posko.status == 0, "\(posko)")
        func head() async throws -> Int? {
            let v = try await CLI.run(["verify", "--data-dir", data])
            return try v.json().first?["events"]?.int ?? v.json().first?["headPosition"]?.int
        }
        let before = try await head()

        // A bad KK on line 3, a KK twice (lines 2 and 4), an unknown desa on line 2: refused naming the line, nothing written.
        let header = "nomor_kk,nama,anggota,desa,bayi,lansia\n"
        let badKK = try scratch.write(
            "bad-kk.csv", header + "\(Self.kk1),Lalu Ahmad,5,52.71.05.1005,1,0\n52710501,Baiq Sari,3,52.71.05.1005,0,0\n")
        let twice = try scratch.write(
            "twice.csv",
            header + "\(Self.kk1),Lalu Ahmad,5,52.71.05.1005,1,0\n\(Self.kk2),Baiq Sari,3,,0,0\n\(Self.kk1),Lain,2,52.71.05.1005,0,0\n")
        let outside = try scratch.write("outside.csv", header + "\(Self.kk1),Lalu Ahmad,5,52.01.01.2001,1,0\n")
        for (file, says) in [
            (badKK, "line 3: kk"), (twice, "line 4: kk: the same KK number as line 2"), (outside, "line 2: kelurahanCode"),
        ] {
            let r = try await CLI.run([
                "import", "households", file, "--warehouse", "posko-rembiga", "--incident", "gempa-lombok-2018", "--data-dir", data,
            ])
            #expect(r.status != 0 && r.stderr.contains(says), "\(r)")
        }
        #expect(try await head() == before)
        let unknown = try await CLI.run([
            "import", "households", badKK, "--warehouse", "posko-x", "--incident", "gempa-lombok-2018", "--data-dir", data,
        ])
        #expect(unknown.status != 0 && unknown.stderr.contains("--warehouse"), "\(unknown)")

        // The good roster: two households (the second in the posko's own desa), sealed.
        let good = try scratch.write(
            "roster.csv", header + "\(Self.kk1),Lalu Ahmad Fauzi,5,52.71.05.1005,1,0\n\"\(Self.kk2)\",\"Baiq Sari, S.Pd\",3,,0,1\n")
        let imported = try await CLI.run([
            "import", "households", good, "--warehouse", "posko-rembiga", "--incident", "gempa-lombok-2018", "--data-dir", data,
        ])
        #expect(imported.status == 0, "\(imported)")
        let report = try #require(try imported.json().first)
        #expect(report["imported"]?.int == 2 && report["householdIds"]?.arrayValue?.count == 2, "\(imported)")
        #expect(DataDirectoryFiles.holding("Lalu Ahmad Fauzi", under: data) == [])
        // Again: the KK is already registered (409 in the API), naming the line.
        let again = try await CLI.run([
            "import", "households", good, "--warehouse", "posko-rembiga", "--incident", "gempa-lombok-2018", "--data-dir", data,
        ])
        #expect(again.status != 0 && again.stderr.contains("line 2: kk: this KK number is already registered"), "\(again)")

        // Privacy by KK.
        let exported = try await CLI.run(["privacy", "export", "--data-dir", data, "--kk", Self.kk2])
        #expect(exported.status == 0, "\(exported)")
        let export = try JSONParser.parse(exported.stdout)
        let household = export["households"]?[0]
        #expect(household?["headName"]?.string == "Baiq Sari, S.Pd" && household?["kk"]?.string == Self.kk2, "\(exported)")
        #expect(household?["vulnerable"]?["elderly"]?.int == 1 && household?["kelurahanCode"]?.string == "52.71.05.1005")
        let forgot = try await CLI.run(["privacy", "forget", "--data-dir", data, "--kk", Self.kk2])
        #expect(forgot.status == 0, "\(forgot)")
        let gone = try await CLI.run(["privacy", "export", "--data-dir", data, "--kk", Self.kk2])
        #expect(gone.status != 0 && gone.stderr.contains("no subject is held for this KK"), "\(gone)")
        let subject = try #require(export["subject"]?.string)
        let erased = try JSONParser.parse(try await CLI.run(["privacy", "export", "--data-dir", data, "--subject", subject]).stdout)
        #expect(erased["forgotten"]?.boolValue == true && erased["households"]?[0]?["headName"]?.string == "[dihapus]", "\(erased)")
        let verify = try await CLI.run(["verify", "--data-dir", data])
        #expect(verify.status == 0, "\(verify)")
    }
}
