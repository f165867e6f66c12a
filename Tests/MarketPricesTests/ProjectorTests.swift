import DomainKit
import EventLog
import Projections
import Testing

@testable import MarketPrices

@Suite struct ProjectorTests {
    static func day(_ d: Int) -> CivilDate { CivilDate(year: 2018, month: 8, day: 1)!.adding(days: d - 1) }

    func setUp(_ t: TestStore) throws {
        try t.append(
            Sample.market("pasar-kebon-roek"), Sample.market("pasar-sindu", kelurahan: "52.71.03.1006"),
            Sample.market("ruby-supermarket", kind: .modern, kelurahan: "52.71.03.1012"), Sample.commodity("beras-km1"),
            Sample.commodity("telur-ayam-rs"))
    }

    @Test func latestPricePerMarketAndCommodity() throws {
        let t = try TestStore()
        try setUp(t)
        let day1 = EventID.random()
        let day2 = EventID.random()
        let lateDay1 = EventID.random()
        try t.append(Sample.report(day1, price: 11_800, on: Self.day(1)))
        try t.append(Sample.report(day2, price: 12_000, on: Self.day(2)))
        try t.append(Sample.report(lateDay1, price: 11_000, on: Self.day(1)))  // late, older day: not the latest
        try t.append(Sample.report(market: "pasar-sindu", price: 11_900, on: Self.day(1)))
        try t.append(Sample.report(market: "pasar-kebon-roek", price: 12_100, on: Self.day(2), type: .wholesale))
        let engine = try t.engine()
        try engine.catchUp()
        try engine.read { s in
            let v = try s.view("prices.latest")
            let kebonRoek = try MarketPricesQueries.latest(v, marketId: "pasar-kebon-roek")
            #expect(kebonRoek.count == 2)  // retail and wholesale
            let retail = try #require(kebonRoek.first { $0.priceType == .retail })
            #expect(retail.price == Price(12_000))
            #expect(retail.eventId == day2.description)
            #expect(retail.observedOn == Self.day(2))
            #expect(retail.marketName == "Pasar pasar-kebon-roek")
            #expect(retail.commodityName == "Beras beras-km1")
            #expect(retail.correction == nil)
            let beras = try MarketPricesQueries.latest(v, commodityId: "beras-km1")
            #expect(beras.count == 3)
            #expect(Set(beras.map(\.marketId)) == ["pasar-kebon-roek", "pasar-sindu"])
            #expect(try MarketPricesQueries.latest(v, commodityId: "telur-ayam-rs").isEmpty)
            #expect(try MarketPricesQueries.latest(v).count == 3)
            #expect(try MarketPricesQueries.markets(v).count == 3)
            #expect(try MarketPricesQueries.commodities(v).map(\.commodityId) == ["beras-km1", "telur-ayam-rs"])
            #expect(try MarketPricesQueries.market(v, id: "ruby-supermarket")?.kind == .modern)
        }
        // The JSON the API answers is the stored entries as they are: equal to encoding `latest`.
        try engine.read { s in
            let v = try s.view("prices.latest")
            for (market, commodity) in [
                ("pasar-kebon-roek", nil), (nil, "beras-km1"), (nil, nil), ("pasar-sindu", "beras-km1"), ("pasar-x", nil),
            ] as [(String?, String?)] {
                let json = try MarketPricesQueries.latestJSON(v, marketId: market, commodityId: commodity)
                let encoded = try ViewCoding.encode(["prices": try MarketPricesQueries.latest(v, marketId: market, commodityId: commodity)])
                #expect(json == encoded, "\(market ?? "-") \(commodity ?? "-")")
            }
        }
        // Correcting the latest report replaces its price; correcting an older one changes nothing here.
        let fix = EventID.random()
        try t.append(Sample.correction(of: day2, price: 12_050, id: fix))
        try t.append(Sample.correction(of: day1, price: 11_850))
        try engine.catchUp()
        try engine.read { s in
            let v = try s.view("prices.latest")
            let retail = try #require(
                try MarketPricesQueries.latest(v, marketId: "pasar-kebon-roek", commodityId: "beras-km1").first { $0.priceType == .retail })
            #expect(retail.price == Price(12_050))
            #expect(
                retail.correction == LatestPrice.Correction(eventId: fix.description, reportedPrice: Price(12_000), reason: "salah ketik"))
            #expect(retail.eventId == day2.description)
        }
    }

    @Test func dailyStatisticsAcrossMarkets() throws {
        let t = try TestStore()
        try setUp(t)
        let high = EventID.random()
        try t.append(
            Sample.report(market: "pasar-kebon-roek", price: 10_000, on: Self.day(6)),
            Sample.report(market: "pasar-sindu", price: 12_000, on: Self.day(6)),
            Sample.report(market: "pasar-sindu", price: 11_000, on: Self.day(6)),
            Sample.report(high, market: "ruby-supermarket", price: 13_001, on: Self.day(6)),
            Sample.report(market: "pasar-kebon-roek", price: 9_000, on: Self.day(6), type: .wholesale),
            Sample.report(market: "pasar-kebon-roek", price: 5, on: Self.day(6), currency: "USD"),
            Sample.report(market: "pasar-kebon-roek", price: 10_500, on: Self.day(7)))
        let engine = try t.engine()
        try engine.catchUp()
        try engine.read { s in
            let v = try s.view("prices.daily")
            let day6 = try MarketPricesQueries.daily(v, on: Self.day(6), commodityId: "beras-km1")
            #expect(day6.count == 4)  // pasar tradisional IDR and USD, pasar modern IDR, pedagang besar IDR
            #expect(
                day6.map(\.level).sorted { $0.rawValue < $1.rawValue } == [
                    .modernMarket, .traditionalMarket, .traditionalMarket, .wholesaler,
                ])
            // The supermarket's price is never pooled with the pasar's.
            let retail = try #require(day6.first { $0.level == .traditionalMarket && $0.currency == "IDR" })
            #expect(retail.min == Price(10_000))
            #expect(retail.max == Price(12_000))
            #expect(retail.mean == Price(11_000))
            #expect(retail.median == Price(11_000))
            #expect(retail.count == 3)
            #expect(retail.markets == 2)
            #expect(retail.unit == "kg")
            let modern = try #require(day6.first { $0.level == .modernMarket })
            #expect(modern.count == 1 && modern.median == Price(13_001) && modern.priceType == .retail)
            let wholesale = try #require(day6.first { $0.priceType == .wholesale })
            #expect(wholesale.count == 1 && wholesale.median == Price(9_000) && wholesale.level == .wholesaler)
            #expect(try MarketPricesQueries.daily(v, commodityId: "beras-km1").count == 5)
            #expect(try MarketPricesQueries.daily(v, commodityId: "beras-km1", from: Self.day(7)).count == 1)
            #expect(try MarketPricesQueries.daily(v, from: Self.day(6), to: Self.day(6)).count == 4)
            #expect(try MarketPricesQueries.daily(v).count == 5)
        }
        // The modern market's price was a typing error: corrected, its level's statistics change, the pasar's do not.
        try t.append(Sample.correction(of: high, market: "ruby-supermarket", price: 9_500))
        try engine.catchUp()
        try engine.read { s in
            let v = try s.view("prices.daily")
            let day6 = try MarketPricesQueries.daily(v, on: Self.day(6), commodityId: "beras-km1")
            let modern = try #require(day6.first { $0.level == .modernMarket })
            #expect(modern.min == Price(9_500) && modern.max == Price(9_500) && modern.median == Price(9_500))
            #expect(modern.count == 1)
            let retail = try #require(day6.first { $0.level == .traditionalMarket && $0.currency == "IDR" })
            #expect(retail.median == Price(11_000) && retail.count == 3)
        }
    }

    @Test func trendDefaultsToThirtyDaysUpToTheLatest() throws {
        let t = try TestStore()
        try setUp(t)
        // 40 days of one report a day, 10000 + 10 * day; 1 August to 9 September.
        try t.append((1...40).map { try Sample.report(price: 10_000 + 10 * $0, on: Self.day($0)).proposed() })
        try t.append(Sample.report(price: 9_000, on: Self.day(10), type: .wholesale))
        let engine = try t.engine()
        try engine.catchUp()
        try engine.read { s in
            let v = try s.view("prices.daily")
            let trend = try MarketPricesQueries.trend(v, commodityId: "beras-km1", priceType: .retail)
            #expect(trend.count == 1)
            let series = try #require(trend.first)
            #expect(series.from == Self.day(11))
            #expect(series.to == Self.day(40))
            #expect(series.points.count == 30)
            #expect(series.points.first?.median == Price(10_110))
            #expect(series.points.last?.median == Price(10_400))
            // Both series; the wholesale one has no point in the default range.
            let both = try MarketPricesQueries.trend(v, commodityId: "beras-km1")
            #expect(both.count == 2)
            #expect(both.first { $0.priceType == .wholesale }?.points.isEmpty == true)
            let ranged = try MarketPricesQueries.trend(v, commodityId: "beras-km1", from: Self.day(5), to: Self.day(10))
            #expect(ranged.first { $0.priceType == .retail }?.points.count == 6)
            #expect(ranged.first { $0.priceType == .wholesale }?.points.map(\.median) == [Price(9_000)])
            #expect(try MarketPricesQueries.trend(v, commodityId: "telur-ayam-rs").isEmpty)
        }
    }

    @Test func alertsWhenTheMedianRisesTenPercent() throws {
        let t = try TestStore()
        try setUp(t)
        // Days 1-7: medians 10000 (two markets, 9900 and 10100); day 3 has no data.
        for d in [1, 2, 4, 5, 6, 7] {
            try t.append(
                Sample.report(market: "pasar-kebon-roek", price: 9_900, on: Self.day(d)),
                Sample.report(market: "pasar-sindu", price: 10_100, on: Self.day(d)))
        }
        // Day 8: +10% exactly. Day 9: +9%. Day 10: +15% but corrected later.
        try t.append(
            Sample.report(market: "pasar-kebon-roek", price: 10_900, on: Self.day(8)),
            Sample.report(market: "pasar-sindu", price: 11_100, on: Self.day(8)))
        try t.append(Sample.report(market: "pasar-kebon-roek", price: 10_900, on: Self.day(9)))
        let typo = EventID.random()
        try t.append(Sample.report(typo, market: "pasar-sindu", price: 11_500, on: Self.day(10)))
        let engine = try t.engine()
        try engine.catchUp()
        try engine.read { s in
            let alerts = try MarketPricesQueries.alerts(try s.view("prices.alerts"), names: try s.view("prices.latest"))
            #expect(alerts.map(\.day) == [Self.day(8), Self.day(10)])
            let first = try #require(alerts.first)
            #expect(first.commodityId == "beras-km1")
            #expect(first.commodityName == "Beras beras-km1")
            #expect(first.median == Price(11_000))
            #expect(first.baseline == Price(10_000))
            #expect(first.risePercent == 10)
            #expect(first.baselineDays == 6)  // day 3 had no data
            #expect(first.count == 2)
            // Day 10's baseline: days 3-9 with data: 10000 x4, 11000, 10900 -> median 10000.
            #expect(alerts.last?.risePercent == 15)
            #expect(try MarketPricesQueries.alerts(try s.view("prices.alerts"), from: Self.day(9)).map(\.day) == [Self.day(10)])
            #expect(try MarketPricesQueries.alerts(try s.view("prices.alerts"), to: Self.day(9)).map(\.day) == [Self.day(8)])
            #expect(try MarketPricesQueries.alerts(try s.view("prices.alerts"), commodityId: "telur-ayam-rs").isEmpty)
        }
        // The correction takes day 10's alert away; a late report on day 1 (raising its median)
        // does not change day 8's baseline enough to matter, but one on day 7 does.
        try t.append(Sample.correction(of: typo, market: "pasar-sindu", price: 10_150))
        try engine.catchUp()
        try engine.read { s in
            let v = try s.view("prices.alerts")
            #expect(try MarketPricesQueries.alerts(v).map(\.day) == [Self.day(8)])
        }
        // A supermarket's prices are another level (pasar modern): they do not move the pasar's baseline.
        for d in 4...7 { try t.append(Sample.report(market: "ruby-supermarket", price: 12_000, on: Self.day(d))) }
        try engine.catchUp()
        try engine.read { s in
            let alerts = try MarketPricesQueries.alerts(try s.view("prices.alerts"))
            #expect(alerts.map(\.day) == [Self.day(8)])
            #expect(alerts.map(\.level) == [.traditionalMarket])
        }
        for d in 4...7 { try t.append(Sample.report(market: "pasar-kebon-roek", price: 12_000, on: Self.day(d))) }
        try engine.catchUp()
        try engine.read { s in
            // Days 4-7 now have medians 10100; baseline of day 8 = median(10000, 10000, 10100 x4) = 10100: +8.9%.
            let v = try s.view("prices.alerts")
            #expect(try MarketPricesQueries.alerts(v).isEmpty)
        }
    }

    @Test("A price shown before its market and commodity were registered gets their names when they are")
    func namesArriveLater() throws {
        let t = try TestStore(guarded: false)  // unguarded: the rules would refuse a report for an unknown market
        try t.append(Sample.report(market: "pasar-sindu", price: 11_900, on: Self.day(1)))
        let engine = try t.engine()
        try engine.catchUp()
        try engine.read { s in
            let entry = try #require(try MarketPricesQueries.latest(s.view("prices.latest")).first)
            #expect(entry.marketName == nil && entry.commodityName == nil)
        }
        try t.append(Sample.market("pasar-sindu"), Sample.commodity("beras-km1"))
        try engine.catchUp()
        try engine.read { s in
            let v = try s.view("prices.latest")
            for entry in [
                try MarketPricesQueries.latest(v, marketId: "pasar-sindu"), try MarketPricesQueries.latest(v, commodityId: "beras-km1"),
            ] {
                #expect(entry.count == 1)
                #expect(entry.first?.marketName == "Pasar pasar-sindu")
                #expect(entry.first?.commodityName == "Beras beras-km1")
            }
        }
    }
    @Test(
        "A correction finds its report in the log; a report made before its market was registered is corrected in the series it was counted in"
    )
    func correctionsFindTheirReport() throws {
        let t = try TestStore(guarded: false)  // unguarded: the rules would refuse a report for an unknown market
        let early = EventID.random()
        let late = EventID.random()
        try t.append(Sample.report(early, market: "pasar-sindu", price: 11_900, on: Self.day(1)))
        // A supermarket: its reports count at the modern-market level once it is known.
        try t.append(Sample.market("pasar-sindu", kind: .modern), Sample.commodity("beras-km1"))
        try t.append(Sample.report(late, market: "pasar-sindu", price: 12_100, on: Self.day(2)))
        try t.append(
            Sample.correction(of: early, market: "pasar-sindu", price: 11_500),
            Sample.correction(of: late, market: "pasar-sindu", price: 12_300))
        try t.append(Sample.correction(of: early, market: "pasar-sindu", price: 11_400))
        let engine = try t.engine()
        try engine.catchUp()
        func check(_ engine: ProjectionEngine) throws {
            try engine.read { s in
                let v = try s.view("prices.daily")
                let day1 = try MarketPricesQueries.daily(v, on: Self.day(1), commodityId: "beras-km1")
                let day2 = try MarketPricesQueries.daily(v, on: Self.day(2), commodityId: "beras-km1")
                // One series each day (the first counted before the market's level was known), one report each.
                #expect(day1.map(\.count) == [1] && day1.first?.min == Price(11_400) && day1.first?.max == Price(11_400), "\(day1)")
                #expect(day2.map(\.count) == [1] && day2.first?.min == Price(12_300), "\(day2)")
                #expect(day1.first?.level != day2.first?.level)
                let latest = try MarketPricesQueries.latest(s.view("prices.latest"), marketId: "pasar-sindu")
                #expect(latest.map(\.price) == [Price(12_300)] && latest.first?.correction?.reportedPrice == Price(12_100))
            }
        }
        try check(engine)
        // Kept only for the corrected report and the one before its market, in each book.
        #expect(try engine.read { s in try s.view("prices.daily").count("reports") } == 2)
        let folded = try Self.books(engine)
        #expect(folded["prices.alerts"] == folded["prices.daily"] && folded["prices.daily"]?["reports"]?.count == 2)
        // Rebuilt together, the two books share one batch (the second view counts nothing itself)...
        try engine.rebuild(["prices.daily", "prices.alerts", "prices.latest"])
        try check(engine)
        #expect(try Self.books(engine) == folded)
        // ...and hold what each holds rebuilt alone.
        try engine.rebuild(["prices.alerts"])
        try engine.rebuild(["prices.daily"])
        try check(engine)
        #expect(try Self.books(engine) == folded)
    }

    /// The observations (`reports`, `tallies`, `markets`) of `prices.daily` and `prices.alerts`.
    static func books(_ engine: ProjectionEngine) throws -> [String: [String: [String: [UInt8]]]] {
        try engine.read { s in
            var out: [String: [String: [String: [UInt8]]]] = [:]
            for name in ["prices.daily", "prices.alerts"] {
                for db in ["reports", "tallies", "markets"] {
                    try s.view(name).scan(db) { key, value in
                        out[name, default: [:]][db, default: [:]][key] = value
                        return true
                    }
                }
            }
            return out
        }
    }
}
