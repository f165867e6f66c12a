import EventLog
import Foundation
import Testing

@testable import MarketPrices

@Suite struct WFPImporterTests {
    static let cog = Fixture.path("wfp/wfp_food_prices_cog.csv")
    static let global = Fixture.path("wfp/wfp_food_prices_global_2018.csv")

    /// Writes a variant of a fixture (made at test time) under `name` in a fresh directory.
    static func variant(of path: String, name: String, _ change: (inout [String]) -> Void) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        change(&lines)
        let dir = NSTemporaryDirectory() + "wfp-variant-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let out = dir + "/" + name
        try lines.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
        return out
    }

    /// Removes a variant's directory.
    static func remove(variant path: String) {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// The HXL hashtag row HDX puts under the header of the per-country file.
    static let cogHXL =
        "#date,#adm1+name,#adm2+name,#loc+market+name,#loc+market+code,#geo+lat,#geo+lon,#item+type,#item+name,#item+code,#item+unit,#item+price+flag,#item+price+type,#currency,#value,#value+usd"

    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var calls: [(Int, Int)] = []
        func record(_ done: Int, _ total: Int) { lock.withLock { calls.append((done, total)) } }
        var all: [(Int, Int)] { lock.withLock { calls } }
    }

    func event(_ t: TestStore, key: String) throws -> RecordedEvent? {
        guard let p = try t.store.position(of: WFPImporter.eventID(forKey: key)) else { return nil }
        return try t.store.event(at: p)
    }

    @Test func countryFileThenGlobalFileThenAgain() async throws {
        let t = try TestStore()
        let importer = WFPImporter()
        let first = try await importer.run(file: Self.cog, into: t.store)
        #expect(first.rows == 6039)
        #expect(first.marketsRegistered == 13)
        #expect(first.commoditiesRegistered == 19)
        #expect(first.pricesReported == 6039)
        #expect(first.alreadyInLog == 0 && first.skipped.isEmpty && first.duplicateRows == 0)
        #expect(first.batches == 1)
        #expect(try t.store.stats().events == 6071)

        // A known row: line 2, Mikalou, rice, 635 XAF/kg retail on 2011-01-15.
        let row = try #require(try event(t, key: "price|COG|2011-01-15|703|165|KG|retail|XAF"))
        #expect(row.stream == "market-wfp-cog-703-mikalou")
        #expect(row.type == MarketPricesEventType.priceReported)
        let data = try row.dataValue()
        #expect(data["price"] == 635)
        #expect(data["currency"] == "XAF")
        #expect(data["unit"] == "KG")
        #expect(data["priceType"] == "retail")
        #expect(data["observedOn"] == "2011-01-15")
        #expect(data["commodityId"] == "wfp-165-rice-mixed-low-quality-kg")
        #expect(data["reporter"] == "WFP")
        #expect(row.occurredAt == Timestamp("2011-01-15T00:00:00Z"))
        let ouenze = try #require(try event(t, key: "market|wfp-cog-702-ouenze"))
        #expect(
            try ouenze.dataValue() == [
                "marketId": "wfp-cog-702-ouenze", "name": "Ouenzé", "kind": "traditional", "latitude": -4.25, "longitude": 15.28,
                "admin1": "Brazzaville", "admin2": "Brazzaville", "country": "COG",
            ])
        let rice = try #require(try event(t, key: "commodity|wfp-165-rice-mixed-low-quality-kg"))
        #expect(
            try rice.dataValue() == [
                "commodityId": "wfp-165-rice-mixed-low-quality-kg", "name": "Rice (mixed, low quality)", "category": "cereals and tubers",
                "unit": "KG",
            ])

        // Again: nothing new.
        let before = try t.store.stats()
        let again = try await importer.run(file: Self.cog, into: t.store)
        #expect(again.written == 0)
        #expect(again.alreadyInLog == 6071)
        #expect(again.batches == 0)
        #expect(try t.store.stats() == before)

        // The global file: 65 markets in 5 countries, 113 commodities-in-a-unit, 16,324 prices.
        let plan = try importer.plan(file: Self.global)
        #expect(plan.rows == 16324 && plan.markets == 65 && plan.commodities == 113 && plan.prices == 16324)
        // It overlaps the country file: its 1,051 COG rows, 9 markets and 17 of its commodities
        // (16 priced in Congo in 2018, 1 elsewhere) are there already.
        let progress = Progress()
        let global = try await importer.run(plan, into: t.store) { progress.record($0, $1) }
        #expect(global.rows == 16324)
        #expect(global.marketsRegistered == 65 - 9)
        #expect(global.commoditiesRegistered == 113 - 17)
        #expect(global.pricesReported == 16324 - 1051)
        #expect(global.alreadyInLog == 1051 + 9 + 17)
        #expect(global.batches == 2)
        #expect(try t.store.stats().events == 6071 + 56 + 96 + 15273)
        let calls = progress.all
        #expect(calls.last.map { $0 == (16324, 16324) } == true)
        #expect(zip(calls, calls.dropFirst()).allSatisfy { $0.0 <= $1.0 })

        // Known rows of the global file: a wholesale price per 46 kg sack in Nicaragua; a quoted
        // commodity name in 25 kg sacks, in shekels, in Gaza.
        let maize = try #require(try event(t, key: "price|NIC|2018-01-15|2641|67|46 KG|wholesale|NIO")).dataValue()
        #expect(maize["price"] == 403.68)
        #expect(maize["priceType"] == "wholesale")
        #expect(maize["commodityId"] == "wfp-67-maize-white-46-kg")
        #expect(maize["marketId"] == "wfp-nic-2641-managua-oriental")
        let gazaRice = try #require(try event(t, key: "price|PSE|2018-01-15|2007|227|25 KG|retail|ILS")).dataValue()
        #expect(gazaRice["price"] == 152.5)
        #expect(gazaRice["commodityId"] == "wfp-227-rice-small-grain-imported-25-kg")
        let minsk = try #require(try event(t, key: "price|BLR|2018-01-15|2618|459|KG|retail|BYR")).dataValue()
        #expect(minsk["price"] == 2.54)
        // Every imported price passed the rules on the way in (the store is guarded); the markets
        // outside Mataram have no kelurahan.
        let syrian = try #require(try event(t, key: "market|wfp-syr-1949-afrin"))
        #expect(try syrian.dataValue()["kelurahanCode"] == nil)
    }

    @Test func malformedRowStopsWithItsLineAndWritesNothing() async throws {
        let t = try TestStore()
        try t.append(Sample.market(), Sample.commodity())  // a log that is not empty
        // Line 57 (the header is line 1): `...,Retail,XAF,1428,3.14` with the price made "abc".
        let bad = try Self.variant(of: Self.cog, name: "wfp_food_prices_cog.csv") { lines in
            var fields = lines[56].components(separatedBy: ",")
            fields[14] = "abc"
            lines[56] = fields.joined(separator: ",")
        }
        defer { Self.remove(variant: bad) }
        let before = try t.store.stats()
        do {
            _ = try await WFPImporter().run(file: bad, into: t.store)
            Issue.record("imported a malformed file")
        } catch let e as WFPImportError {
            #expect(e.line == 57)
            #expect(e.description.hasPrefix("line 57: price: \"abc\" is not a number"), "\(e.description)")
            #expect(e.description.contains("nothing was written"))
            #expect(e.written == 0)
        }
        #expect(try t.store.stats() == before)

        // skipInvalid imports the rest and lists the line.
        let report = try await WFPImporter().run(file: bad, into: t.store, skipInvalid: true)
        #expect(report.skipped.map(\.line) == [57])
        #expect(report.skipped.first?.reason.contains("price") == true)
        #expect(report.pricesReported == 6038)
        #expect(try t.store.stats().events == before.events + 6038 + 13 + 19)
        // The row itself is not in the log.
        #expect(try event(t, key: "price|COG|2011-04-15|701|66|KG|retail|XAF") == nil)
    }

    @Test func withOrWithoutTheHXLRowImportsTheSame() async throws {
        let plain = try WFPImporter().plan(file: Self.cog)
        let hxlPath = try Self.variant(of: Self.cog, name: "wfp_food_prices_cog.csv") { $0.insert(Self.cogHXL, at: 1) }
        defer { Self.remove(variant: hxlPath) }
        let hxl = try WFPImporter().plan(file: hxlPath)
        #expect(!plain.hadHXLRow)
        #expect(hxl.hadHXLRow)
        #expect(hxl.rows == plain.rows)
        #expect(hxl.events.count == plain.events.count)
        #expect(
            zip(plain.events, hxl.events).allSatisfy {
                $0.event.id == $1.event.id && $0.event.data == $1.event.data && $0.event.stream == $1.event.stream
            })
        #expect(zip(plain.events, hxl.events).allSatisfy { $0.line + 1 == $1.line })
        // Imported after the plain file, the HXL variant adds nothing.
        let t = try TestStore()
        _ = try await WFPImporter().run(plain, into: t.store)
        let before = try t.store.stats()
        let report = try await WFPImporter().run(hxl, into: t.store)
        #expect(report.written == 0)
        #expect(try t.store.stats() == before)
    }

    @Test func rowErrorsNameTheLineAndTheField() throws {
        let header =
            "countryiso3,date,admin1,admin2,market,market_id,latitude,longitude,category,commodity,commodity_id,unit,priceflag,pricetype,currency,price,usdprice"
        let good =
            "IDN,2018-08-06,Nusa Tenggara Barat,Kota Mataram,Pasar Kebon Roek,9001,-8.5651707,116.0779731,cereals and tubers,\"Rice (medium, local)\",52,KG,actual,Retail,IDR,11800,0.82"
        func firstError(_ row: String) -> String? {
            do {
                _ = try WFPImporter().plan(csv: [header, good, row].joined(separator: "\r\n"))
                return nil
            } catch let e as WFPImportError {
                #expect(e.line == 3, "\(e)")
                return e.reason
            } catch {
                return "\(error)"
            }
        }
        func replacing(_ column: Int, _ value: String) -> String {
            var f = [
                "IDN", "2018-08-07", "Nusa Tenggara Barat", "Kota Mataram", "Pasar Mandalika", "9002", "-8.5966", "116.1563",
                "cereals and tubers", "Rice", "52", "KG", "actual", "Retail", "IDR", "11900", "0.83",
            ]
            f[column] = value
            return f.joined(separator: ",")
        }
        #expect(firstError(replacing(15, "11,900"))?.contains("has 18 fields, the header has 17") == true)
        #expect(firstError(replacing(15, "-5"))?.contains("price: -5 is not greater than 0") == true)
        #expect(firstError(replacing(15, "0"))?.contains("price: 0 is not greater than 0") == true)
        #expect(firstError(replacing(15, "1.23456"))?.contains("at most 4 fraction digits") == true)
        #expect(firstError(replacing(1, "07/08/2018"))?.contains("date: \"07/08/2018\" is not a YYYY-MM-DD date") == true)
        #expect(firstError(replacing(13, "Farm Gate"))?.contains("pricetype: \"Farm Gate\" is neither Retail nor Wholesale") == true)
        #expect(firstError(replacing(14, "RP"))?.contains("currency") == true)
        #expect(firstError(replacing(4, ""))?.contains("market: is empty") == true)
        #expect(firstError(replacing(6, "north"))?.contains("latitude: \"north\" is not a number") == true)
        #expect(firstError(replacing(0, "Indonesia"))?.contains("countryiso3") == true)
        #expect(firstError(replacing(15, "11900")) == nil)

        // A good file of these rows: coordinates rounded to 4 decimals, ids stream-safe.
        let plan = try WFPImporter().plan(csv: [header, good, replacing(15, "11900")].joined(separator: "\n"))
        #expect(plan.markets == 2 && plan.commodities == 2 && plan.prices == 2)
        let market = try #require(plan.events.first { $0.kind == .market }).event
        #expect(market.stream == "market-wfp-idn-9001-pasar-kebon-roek")
        #expect(market.dataValue["latitude"] == .number(-8.5652))
        // A repeated row is written once; the same row with another price is refused.
        let twice = try WFPImporter().plan(csv: [header, good, good].joined(separator: "\n"))
        #expect(twice.prices == 1 && twice.duplicateRows == 1)
        let conflicting = good.replacingOccurrences(of: ",11800,", with: ",11850,")
        #expect(throws: WFPImportError.self) { try WFPImporter().plan(csv: [header, good, conflicting].joined(separator: "\n")) }
    }

    @Test func textFieldsFollowThePayloadRules() async throws {
        let header = "countryiso3,date,market,market_id,commodity,commodity_id,unit,pricetype,currency,price"
        func row(market: String, code: String = "703", commodity: String = "Rice", unit: String = "KG") -> String {
            "COG,2018-01-15,\"\(market)\",\(code),\(commodity),165,\(unit),Retail,XAF,635"
        }
        // Accented and other non-ASCII names import; a name of 101 two-byte characters (202 bytes)
        // is longer than the 200 bytes a name may have; a control character is refused where it
        // would be written, not in a code only used to make ids.
        let rows = [
            row(market: "Grand marché/Fond Ntié-Ntié/Nkouikou"), row(market: "Ouenzé", code: "702"),
            row(market: "市场 (Brazzaville)", code: "7\t04"),
            row(market: String(repeating: "é", count: 101), code: "705"), row(market: "Tab\there", code: "706"),
            row(market: "Mikalou", commodity: "Rice\u{7F}"), row(market: String(repeating: "é", count: 100), code: "707"),
            row(market: "\u{A0}", code: "708"),
        ]
        let plan = try WFPImporter().plan(csv: ([header] + rows).joined(separator: "\n"), skipInvalid: true)
        #expect(
            plan.skipped == [
                WFPSkippedLine(line: 5, reason: "market: longer than 200 bytes"),
                WFPSkippedLine(line: 6, reason: "market: must not contain control characters"),
                WFPSkippedLine(line: 7, reason: "commodity: must not contain control characters"),
                WFPSkippedLine(line: 9, reason: "market: is empty"),
            ])
        #expect(plan.prices == 4)
        do {
            _ = try WFPImporter().plan(csv: ([header] + rows).joined(separator: "\n"))
            Issue.record("planned a file with bad rows")
        } catch let e as WFPImportError {
            #expect(e.line == 5 && e.invalid.count == 4)
        }
        // What was planned passes the store's rules.
        let t = try TestStore()
        let report = try await WFPImporter().run(plan, into: t.store)
        #expect(report.pricesReported == 4 && report.marketsRegistered == 4)
    }

    @Test func fileLevelErrors() throws {
        // No price column.
        #expect(throws: WFPImportError.self) {
            try WFPImporter().plan(csv: "date,market,commodity,unit,pricetype,currency\n2018-01-01,M,C,KG,Retail,XAF")
        }
        // A per-country layout whose country nobody says.
        do {
            _ = try WFPImporter().plan(
                csv: "date,market,commodity,unit,pricetype,currency,price\n2018-01-01,M,C,KG,Retail,XAF,1", fileName: "prices.csv")
            Issue.record("planned without a country")
        } catch let e as WFPImportError {
            #expect(e.description.contains("no countryiso3 column"))
        }
        // ... said by the caller.
        let plan = try WFPImporter(country: "COG").plan(
            csv: "date,market,commodity,unit,pricetype,currency,price\n2018-01-01,M,C,KG,Retail,XAF,1")
        #expect(plan.events.first?.event.stream == "market-wfp-cog-m")
        #expect(plan.events.first { $0.kind == .commodity }?.event.dataValue["category"] == "uncategorized")
    }

    @Test func aChangedRowConflictsWithTheImportedOne() async throws {
        let t = try TestStore()
        let header = "countryiso3,date,market,market_id,commodity,commodity_id,unit,pricetype,currency,price"
        let rows = ["COG,2018-01-15,Mikalou,703,Rice,165,KG,Retail,XAF,635", "COG,2018-02-15,Mikalou,703,Rice,165,KG,Retail,XAF,640"]
        _ = try await WFPImporter().run(try WFPImporter().plan(csv: ([header] + rows).joined(separator: "\n")), into: t.store)
        let before = try t.store.stats()
        let changed = try WFPImporter().plan(
            csv: [
                header, rows[0].replacingOccurrences(of: "635", with: "636"), rows[1],
                "COG,2018-03-15,Mikalou,703,Rice,165,KG,Retail,XAF,650",
            ].joined(separator: "\n"))
        do {
            _ = try await WFPImporter().run(changed, into: t.store)
            Issue.record("imported a changed row")
        } catch let e as WFPImportError {
            #expect(e.line == 2)
            #expect(e.reason.contains("already in the log at position"))
        }
        #expect(try t.store.stats() == before)
        let skipping = try WFPImporter().plan(
            csv: [
                header, rows[0].replacingOccurrences(of: "635", with: "636"), rows[1],
                "COG,2018-03-15,Mikalou,703,Rice,165,KG,Retail,XAF,650",
            ].joined(separator: "\n"), skipInvalid: true)
        let report = try await WFPImporter().run(skipping, into: t.store)
        #expect(report.skipped.map(\.line) == [2])
        #expect(report.pricesReported == 1)
        #expect(report.alreadyInLog == 3)
    }

    @Test func idsAreStableAndStreamSafe() {
        #expect(WFPImporter.eventID(forKey: "k") == WFPImporter.eventID(forKey: "k"))
        #expect(WFPImporter.eventID(forKey: "k") != WFPImporter.eventID(forKey: "l"))
        #expect(WFPImporter.eventID(forKey: "k").description.dropFirst(14).first == "5")  // version 5 form
        #expect(
            WFPImporter.marketID(country: "COG", marketCode: "1234", market: "Grand marché/Fond Ntié-Ntié/Nkouikou")
                == "wfp-cog-1234-grand-marche-fond-ntie-ntie-nkouikou")
        #expect(WFPImporter.marketID(country: "SYR", marketCode: nil, market: "Dar'a (XB)") == "wfp-syr-dara-xb")
        #expect(WFPImporter.commodityID(commodityCode: "1", commodity: "Fuel (diesel)", unit: "1.1 KG") == "wfp-1-fuel-diesel-1.1-kg")
    }
}
