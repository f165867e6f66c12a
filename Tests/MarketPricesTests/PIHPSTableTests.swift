import Testing

@testable import MarketPrices

/// The levels embedded from `pihps-levels.csv` (cut by Fixtures/prices/generate_pihps_table.py) equal the PIHPS CSV.
@Suite struct PIHPSTableTests {
    /// `01/ 08/ 2018` -> `2018-08-01`.
    static func isoDate(_ text: String) -> String? {
        let parts = text.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3 else { return nil }
        return "\(parts[2])-\(parts[1])-\(parts[0])"
    }

    @Test func tableEqualsTheCSV() throws {
        let table = try CSVTable.read(path: Fixture.path("pihps/daily_2018_2024.csv"))
        #expect(table.header.first == "tanggal")
        let columns = try PIHPSTable.commodities.map { c in try #require(table.header.firstIndex(of: c.column), "no column \(c.column)") }
        var expected: [(date: String, prices: [Int?])] = []
        for record in table.records {
            guard let date = Self.isoDate(record.fields[0]), date >= PIHPSTable.firstDate, date <= PIHPSTable.lastDate else { continue }
            let prices: [Int?] = columns.map { i in
                let cell = record.fields[i].trimmingCharacters(in: .whitespaces)
                return cell == "-" || cell.isEmpty ? nil : Int(cell.replacingOccurrences(of: ",", with: ""))
            }
            expected.append((date, prices))
        }
        #expect(expected.count == PIHPSTable.levels.count)
        for (e, s) in zip(expected, PIHPSTable.levels) {
            #expect(e.date == s.date)
            #expect(e.prices == s.prices, "\(e.date)")
        }
        // Spot check: 1 August 2018, Beras Kualitas Medium I, Rp 11,800/kg.
        let aug1 = try #require(PIHPSTable.levels.first { $0.date == "2018-08-01" })
        let km1 = try #require(PIHPSTable.commodities.firstIndex { $0.id == "beras-km1" })
        #expect(aug1.prices[km1] == 11_800)
    }

    @Test func theTwentyOnePIHPSCommodities() {
        let c = PIHPSTable.commodities
        #expect(c.count == 21)
        #expect(Set(c.map(\.id)).count == 21)
        #expect(Set(c.map(\.category)).count == 10)
        #expect(c.filter { $0.unit == "liter" }.map(\.id) == ["minyak-goreng-curah", "minyak-goreng-merk1", "minyak-goreng-merk2"])
        #expect(c.allSatisfy { $0.unit == "kg" || $0.unit == "liter" })
    }

    @Test func scenarioLevelsCarryOverWeekends() {
        let levels = MarketPricesScenario.dailyLevels()
        #expect(levels.count == 34)
        // 29 July 2018 was a Sunday: Friday 27 July's level.
        let jul27 = PIHPSTable.levels.first { $0.date == "2018-07-27" }?.prices.map { $0 ?? 0 }
        #expect(levels[0] == jul27)
        #expect(levels.allSatisfy { $0.allSatisfy { $0 > 0 } })
    }
}
