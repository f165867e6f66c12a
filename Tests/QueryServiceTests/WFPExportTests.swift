import DomainKit
import EventLog
import Foundation
import MarketPrices
import Projections
import QueryService
import Testing

@testable import LumbungCore

@Suite("WFP export", .serialized)
struct WFPExportTests {
    /// The daily statistics of a store by commodity name, series and day: one per price level
    /// (WFP's layout has no level, so the levels of one key are compared pooled).
    struct Key: Hashable, CustomStringConvertible {
        var commodity: String, priceType: PriceType, currency: String, unit: String, date: CivilDate
        var description: String { "\(commodity) \(priceType) \(currency)/\(unit) \(date)" }
    }
    struct Stats: Equatable {
        var min: Price, max: Price, mean: Price, median: Price, count: Int, markets: Int
    }

    static func daily(_ services: LumbungServices) throws -> [Key: [Stats]] {
        _ = try services.engine.catchUp()
        return try services.engine.read { snapshot in
            let names = Dictionary(
                uniqueKeysWithValues: try MarketPricesQueries.commodities(try snapshot.view("prices.latest")).map {
                    ($0.commodityId, $0.name)
                })
            var out: [Key: [Stats]] = [:]
            for s in try MarketPricesQueries.daily(try snapshot.view("prices.daily")) {
                let key = Key(
                    commodity: names[s.commodityId] ?? "?", priceType: s.priceType, currency: s.currency, unit: s.unit, date: s.date)
                out[key, default: []].append(
                    Stats(min: s.min, max: s.max, mean: s.mean, median: s.median, count: s.count, markets: s.markets))
            }
            return out
        }
    }

    @Test("the header is WFP's global layout, which the importer reads")
    func header() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/wfp/wfp_food_prices_global_2018.csv")
        let text = try String(contentsOf: fixture, encoding: .utf8)
        let header = try #require(text.split(separator: "\n").first).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(WFPExporter.columns.joined(separator: ",") == header)
        var out: [UInt8] = []
        WFPExporter().header(into: &out)
        #expect(String(decoding: out, as: UTF8.self) == header + "\r\n")
    }

    @Test("seed, export, import into an empty store: the same daily statistics; corrections applied as of the export's end")
    func roundTrip() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let source = try LumbungServices(dataDirectory: dir.appending("source"))
        defer { source.close() }
        _ = try ScenarioSeeder.seed(source, events: 8000)

        let text = try exportText("wfp", source.store)
        let records = try #require(parseCSV(text))
        let reports = try source.store.readAll(EventFilter(types: [MarketPricesEventType.priceReported]), limit: .max)
        #expect(records.count == reports.count + 1)
        #expect(records.dropFirst().allSatisfy { $0.count == 17 && $0[0] == "IDN" && $0[3] == "Kota Mataram" && $0[12] == "actual" })

        // A corrected report is exported at its corrected price; before the correction, at its own.
        let corrections = try source.store.readAll(EventFilter(types: [MarketPricesEventType.priceCorrected]), limit: .max)
        try #require(!corrections.isEmpty, "the scenario has corrections")
        let correction = corrections[0]
        let correctsId = try #require(try correction.dataValue()["correctsEventId"]?.stringValue)
        let corrected = try #require(try correction.dataValue()["price"]?.doubleValue)
        let index = try #require(reports.firstIndex { $0.id.description == correctsId })
        let original = try #require(try reports[index].dataValue()["price"]?.doubleValue)
        #expect(original != corrected)
        #expect(records[index + 1][15] == Price(exactly: corrected)?.description)
        let before = try #require(parseCSV(try exportText("wfp", source.store, EventFilter(toPosition: correction.position - 1))))
        #expect(before[index + 1][15] == Price(exactly: original)?.description)
        #expect(before[index + 1][5] == records[index + 1][5])

        // Import into an empty data directory.
        let file = dir.appending("wfp_food_prices_lumbung.csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let target = try LumbungServices(dataDirectory: dir.appending("target"))
        defer { target.close() }
        let report = try await WFPImporter().run(file: file, into: target.store)
        #expect(report.skipped.isEmpty)
        #expect(report.pricesReported == reports.count)
        #expect(report.marketsRegistered == MarketPricesScenario.markets.count)
        #expect(report.commoditiesRegistered == MarketPricesScenario.commodities.count)

        let expected = try Self.daily(source)
        let actual = try Self.daily(target)
        #expect(expected.count > 100)
        #expect(Set(actual.keys) == Set(expected.keys))
        #expect(actual.values.allSatisfy { $0.count == 1 }, "an import knows one level per price type")
        var pooled = 0
        for (key, levels) in expected {
            let got = actual[key]?.first
            if levels.count == 1 {
                #expect(got == levels[0], "\(key)")
            } else {
                // The source's levels (pasar tradisional, pasar modern) land pooled: the same reports and markets.
                pooled += 1
                #expect(got?.count == levels.map(\.count).reduce(0, +), "\(key)")
                #expect(got?.markets == levels.map(\.markets).reduce(0, +), "\(key)")
                #expect(got?.min == levels.map(\.min).min(), "\(key)")
                #expect(got?.max == levels.map(\.max).max(), "\(key)")
            }
        }
        #expect(pooled > 0, "the scenario has a modern market beside the pasar")
    }
}
