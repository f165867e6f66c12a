import Testing

@testable import Regions

@Suite("Regions: every Kepmendagri area code of Indonesia")
struct RegionsTests {
    @Test("the whole table is read: 38 provinsi, 514 kabupaten/kota, 7,285 kecamatan, 83,762 desa/kelurahan")
    func counts() {
        #expect(Regions.count == 91_599)
        #expect(Regions.all(.provinsi).count == 38)
        #expect(Regions.all(.kabupatenKota).count == 514)
        #expect(Regions.all(.kecamatan).count == 7_285)
        #expect(Regions.all(.desaKelurahan).count == 83_762)
        // Every code has the length of its level and a parent in the table.
        for level in Region.Level.allCases {
            for region in Regions.all(level) {
                #expect(region.code.count == level.codeLength, "\(region)")
                if let parent = region.parentCode { #expect(Regions.region(parent) != nil, "\(region)") }
            }
        }
    }

    @Test("names as the decree writes them, quoted commas included; parents and ancestors")
    func names() throws {
        #expect(Regions.region("52")?.name == "Nusa Tenggara Barat")
        #expect(Regions.region("52.71")?.name == "Kota Mataram")
        #expect(Regions.region("52.08")?.name == "Kabupaten Lombok Utara")
        let ampenanSelatan = try #require(Regions.region("52.71.01.1004"))
        #expect(ampenanSelatan.name == "Ampenan Selatan" && ampenanSelatan.level == .desaKelurahan)
        #expect(ampenanSelatan.ancestors.map(\.code) == ["52", "52.71", "52.71.01"])
        #expect(Regions.region("12.07.28.1007")?.name == "Lubuk Pakam I,II")
        #expect(Regions.children(of: "52.71").map(\.name) == ["Ampenan", "Mataram", "Cakranegara", "Sekarbela", "Selaparang", "Sandubaya"])
        #expect(Regions.children(of: "52.71").flatMap { Regions.children(of: $0.code) }.count == 50)
        #expect(Regions.region("99") == nil && Regions.region("52.71.01.9999") == nil)
    }

    @Test("population per provinsi and kabupaten/kota")
    func population() throws {
        let mataram = try #require(Regions.population("52.71"))
        #expect(mataram.total == mataram.male + mataram.female)
        #expect(mataram.total > 400_000 && mataram.total < 600_000)
        let indonesia = try #require(Regions.population("0"))
        #expect(indonesia.total > 280_000_000)
        #expect(Regions.population("52.71.01") == nil)
    }

    @Test("a service area admits its own codes only, naming what is wrong")
    func serviceArea() throws {
        let ntb = try ServiceArea(code: "52")
        #expect(try ntb.check("52.08.01.2001").name == Regions.region("52.08.01.2001")?.name)
        #expect(try ntb.check("52.71.01.1004", level: .desaKelurahan).code == "52.71.01.1004")
        let mataram = try ServiceArea()
        #expect(mataram.root.code == "52.71")
        #expect(mataram.villages.count == 50)
        for (code, expected) in [
            ("52.08.01.2001", ServiceArea.Refusal.Code.outside), ("31.71", .outside), ("52.71.99", .unknown), ("x", .unknown),
        ] {
            do {
                _ = try mataram.check(code)
                Issue.record("\(code) was admitted")
            } catch {
                #expect(error.code == expected, "\(code): \(error)")
            }
        }
        do {
            _ = try mataram.check("52.71.01", level: .desaKelurahan)
            Issue.record("a kecamatan was admitted as a kelurahan")
        } catch {
            #expect(error.code == .wrongLevel && error.description.contains("Ampenan"))
        }
        #expect(throws: ServiceArea.Refusal.self) { try ServiceArea(code: "52.71.01.1004") }
        #expect(throws: ServiceArea.Refusal.self) { try ServiceArea(code: "00") }
    }
}
