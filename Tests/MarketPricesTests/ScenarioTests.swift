import DomainKit
import EventLog
import Foundation
import MataramReference
import Projections
import Testing

@testable import MarketPrices

@Suite struct ScenarioTests {
    static func date(_ text: String) -> CivilDate { CivilDate(text)! }

    /// Appends the scenario in `occurredAt` order in requests of `chunk` events, calling `between` after each.
    static func append(_ events: [ScenarioEvent], to t: TestStore, chunk: Int = 2000, between: () throws -> Void = {}) throws {
        var i = 0
        while i < events.count {
            let part = events[i..<min(events.count, i + chunk)].map(\.event)
            try t.append(part, actor: "scenario")
            try between()
            i += chunk
        }
    }

    /// Every key and value of every database of every view.
    static func dump(_ engine: ProjectionEngine) throws -> [String: [UInt8]] {
        try engine.read { s in
            var out: [String: [UInt8]] = [:]
            for p in engine.projectors {
                let v = try s.view(p.name)
                for db in p.databases {
                    try v.scan(db) { k, value in
                        out["\(p.name)/\(db)/\(k)"] = value
                        return true
                    }
                }
            }
            return out
        }
    }

    @Test func deterministicPerSeed() {
        let a = MarketPricesScenario.scenario(seed: 2018, scale: 0.3)
        let b = MarketPricesScenario.scenario(seed: 2018, scale: 0.3)
        let c = MarketPricesScenario.scenario(seed: 2019, scale: 0.3)
        #expect(a.count == b.count)
        #expect(
            zip(a, b).allSatisfy {
                $0.occurredAt == $1.occurredAt && $0.event.id == $1.event.id && $0.event.data == $1.event.data
                    && $0.event.stream == $1.event.stream
            })
        #expect(zip(a, c).contains { $0.event.id != $1.event.id })
        #expect(zip(a, c).contains { $0.event.data != $1.event.data })
        // Strictly increasing times, every event with an id, all in 2018 between 29 July and 31 August (WITA).
        #expect(zip(a, a.dropFirst()).allSatisfy { $0.occurredAt < $1.occurredAt })
        #expect(a.allSatisfy { $0.event.id != nil && $0.event.occurredAt == $0.occurredAt })
        #expect(a.first.map { CivilDate($0.occurredAt, offsetHours: 8) } == MarketPricesScenario.firstDay)
        #expect(a.last.map { CivilDate($0.occurredAt, offsetHours: 8) } == MarketPricesScenario.lastDay)
        #expect(Set(a.compactMap(\.event.id)).count == a.count)
    }

    @Test func scaleMultipliesTheReports() {
        /// Reports made: published, and the one still held for review at the end (the approved
        /// ones are published, so counted once).
        func reports(_ scale: Double) -> Int {
            let events = MarketPricesScenario.scenario(seed: 1, scale: scale)
            let published = events.count { $0.event.type == MarketPricesEventType.priceReported }
            let held = events.count { $0.event.type == MarketPricesEventType.reportHeld }
            let approved = events.count { $0.event.type == MarketPricesEventType.reportApproved }
            #expect(held - approved == 1, "one report waits for a supervisor at the end")
            return published + held - approved
        }
        let days = 34
        let markets = 8
        #expect(reports(1) == days * markets * 21)
        #expect(reports(2) == days * markets * 42)
        #expect(reports(0.5) == days * markets * 11)
        #expect(reports(0) == days * markets)
    }

    @Test func realisticMarketsAndCommodities() {
        let events = MarketPricesScenario.scenario(seed: 1, scale: 1)
        let markets = events.filter { $0.event.type == MarketPricesEventType.marketRegistered }
        let commodities = events.filter { $0.event.type == MarketPricesEventType.commodityRegistered }
        #expect(markets.count == 8)
        #expect(commodities.count == 21)
        let kebonRoek = markets.first { $0.event.stream == "market-pasar-kebon-roek" }?.event.dataValue
        #expect(kebonRoek?["latitude"] == .number(-8.5652))
        #expect(kebonRoek?["kelurahanCode"] == "52.71.01.1005")
        #expect(markets.allSatisfy { $0.event.dataValue["kelurahanCode"]?.stringValue.flatMap { Mataram.kelurahan(code: $0) } != nil })
        let kinds = Set(markets.compactMap { $0.event.dataValue["kind"]?.stringValue })
        #expect(kinds == ["traditional", "modern", "wholesale"])
        #expect(events.count { $0.event.type == MarketPricesEventType.priceCorrected } >= 3)
    }

    /// The scenario passes the rules when appended in order; the views, folded while appending
    /// (in uneven steps), say what the scenario tells; and rebuilding every view from scratch
    /// gives exactly the same keys and values.
    @Test func passesTheRulesFillsTheViewsAndRebuildsTheSame() throws {
        let t = try TestStore()
        let engine = try t.engine()
        engine.batchSize = 700
        let events = MarketPricesScenario.scenario(seed: 2018, scale: 1)
        try Self.append(events, to: t, chunk: 1777) { try engine.catchUp() }
        #expect(try t.store.stats().events == UInt64(events.count))
        try engine.catchUp()
        let corrections = events.filter { $0.event.type == MarketPricesEventType.priceCorrected }.map(\.event.dataValue)
        try engine.read { s in
            let alerts = try MarketPricesQueries.alerts(try s.view("prices.alerts"), names: try s.view("prices.latest"))
            // The shock of the morning after the M7.0 fires alerts for chili, eggs, rice and oil.
            let shock = alerts.filter { $0.day == MarketPricesScenario.shockDay && $0.priceType == .retail }.map(\.commodityId)
            for c in ["cabai-rawit-merah", "cabai-merah-keriting", "telur-ayam-rs", "beras-km1", "minyak-goreng-curah"] {
                #expect(shock.contains(c), "no alert for \(c) on 6 August: \(shock)")
            }
            // Nothing before the shock, something after the 19 August shocks.
            #expect(
                alerts.allSatisfy { $0.day >= MarketPricesScenario.shockDay }, "\(alerts.filter { $0.day < MarketPricesScenario.shockDay })"
            )
            #expect(alerts.contains { $0.day == MarketPricesScenario.aftershockDay })
            #expect(alerts.allSatisfy { $0.risePercent >= 10 && $0.commodityName != nil })

            // Corrections replaced the typing errors in the daily statistics.
            let daily = try s.view("prices.daily")
            for c in corrections {
                guard let id = c["correctsEventId"]?.stringValue, let eid = EventID(id), let pos = try t.store.position(of: eid),
                    let report = try t.store.event(at: pos), let data = try? report.dataValue(),
                    let commodity = data["commodityId"]?.stringValue, let day = data["observedOn"]?.stringValue.flatMap(CivilDate.init),
                    let typo = data["price"]?.doubleValue
                else {
                    Issue.record("correction of an unreadable report")
                    continue
                }
                let stats = try MarketPricesQueries.daily(daily, on: day, commodityId: commodity)
                #expect(!stats.isEmpty)
                #expect(stats.allSatisfy { $0.max.doubleValue < typo })
            }
            // Prices are at PIHPS levels: beras medium I around Rp 11,800 before the quake.
            let beras = try MarketPricesQueries.daily(daily, on: Self.date("2018-08-01"), commodityId: "beras-km1").first {
                $0.level == .traditionalMarket
            }
            #expect(beras.map { $0.median >= Price(11_300) && $0.median <= Price(12_300) } == true, "\(String(describing: beras))")
            #expect(beras?.count == 6)
            // Each level has its own series: the supermarket's and the wholesale market's.
            let levels = try MarketPricesQueries.daily(daily, on: Self.date("2018-08-01"), commodityId: "beras-km1").map(\.level)
            #expect(Set(levels) == [.traditionalMarket, .modernMarket, .wholesaler])
            // The modern retailer is dearer, the wholesale market cheaper.
            let latest = try MarketPricesQueries.latest(try s.view("prices.latest"), commodityId: "gula-pasir-lokal")
            let ruby = try #require(latest.first { $0.marketId == "ruby-supermarket" })
            let mandalika = try #require(latest.first { $0.marketId == "pasar-mandalika" })
            let dasan = try #require(latest.first { $0.marketId == "pasar-dasan-agung" })
            #expect(mandalika.priceType == .wholesale)
            #expect(ruby.price > dasan.price)
            #expect(dasan.price > mandalika.price)
            // 30 days of trend by default.
            let trend = try MarketPricesQueries.trend(daily, commodityId: "cabai-rawit-merah", priceType: .retail)
            #expect(trend.first?.points.count == 30)
            #expect(trend.first?.to == MarketPricesScenario.lastDay)
        }

        // Rebuild equals incremental.
        let incremental = try Self.dump(engine)
        #expect(incremental.count > 1000)
        for p in engine.projectors { try engine.rebuild(p.name) }
        let rebuilt = try Self.dump(engine)
        #expect(rebuilt.count == incremental.count)
        let differing = incremental.filter { rebuilt[$0.key] != $0.value }.map(\.key).sorted()
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    @Test func theScenarioSetsTheCeilingsOfNTBIn2018AndSomeReportsExceedThem() throws {
        let references = MarketPricesScenario.referencePrices
        #expect(references.count == 8)
        #expect(references.filter { $0.kind == .het }.map(\.amount) == [Price(9450), Price(9450), Price(12_800), Price(12_800)])
        #expect(references.filter { $0.kind == .het }.allSatisfy { $0.region == "52" && $0.validFrom == Self.date("2017-09-01") })
        #expect(references.allSatisfy { $0.source.hasPrefix("Permendag ") })
        let units = Dictionary(uniqueKeysWithValues: MarketPricesScenario.commodities.map { ($0.commodityId, $0.unit) })
        #expect(references.allSatisfy { units[$0.commodityId] == $0.unit })

        let t = try TestStore()
        try Self.append(MarketPricesScenario.scenario(seed: 7, scale: 0.3), to: t)
        let engine = try t.engine()
        try engine.catchUp()
        try engine.read { s in
            #expect(try MarketPricesQueries.referencePrices(try s.view(PricesViews.references)).count == 8)
            let above = try MarketPricesQueries.referenceChecks(
                latest: try s.view(PricesViews.latest), references: try s.view(PricesViews.references), aboveOnly: true)
            // Beras medium traded well above its HET in 2018 (PIHPS: about Rp 11,800 against Rp 9,450).
            #expect(above.contains { $0.price.commodityId == "beras-km1" && $0.references.contains { $0.kind == .het && $0.above } })
            #expect(above.allSatisfy { $0.price.priceType == .retail })
        }
    }

    @Test func theTraditionalMarketsTrendComesWithTheNationalPIHPSSeries() throws {
        let t = try TestStore()
        try Self.append(MarketPricesScenario.scenario(seed: 7, scale: 1), to: t)
        let engine = try t.engine()
        try engine.catchUp()
        try engine.read { s in
            let trend = try MarketPricesQueries.trend(
                try s.view(PricesViews.daily), commodityId: "beras-km1", from: Self.date("2018-07-29"), to: Self.date("2018-08-31"))
            let pasar = try #require(trend.first { $0.level == .traditionalMarket })
            let national = try #require(pasar.national)
            #expect(!national.isEmpty)
            #expect(national.allSatisfy { $0.date >= pasar.from && $0.date <= pasar.to })
            // 1 August 2018, Beras Kualitas Medium I: Rp 11,800 (PIHPS Nasional).
            #expect(national.first { $0.date == Self.date("2018-08-01") }?.price == Price(11_800))
            // Other levels have no national series to compare with.
            #expect(trend.filter { $0.level != .traditionalMarket }.allSatisfy { $0.national == nil })
        }
    }
}
