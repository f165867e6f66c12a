import DomainKit
import EventLog
import Testing

@testable import MarketPrices

/// The band's recent prices as the rules keep them in the log's decision state (`RecentPrice.coding`,
/// one value per series) against the decider's in-memory fold of the same events.
@Suite struct RecentPricesTests {
    /// Days (from `Sample.day`) of the reports of one series, in the order they are reported: 150
    /// on one day (the bound of 64 binds), then one every other day for 160 days (the 60-day window
    /// binds and the crowded day falls out of it), with late reports (a day already past, and one
    /// older than the window) among them, then 40 on the last day.
    static let days: [Int] = {
        var days = [Int](repeating: 0, count: 150)
        for d in stride(from: 2, through: 160, by: 2) {
            days.append(d)
            if d % 14 == 0 { days.append(d - 5) }
            if d % 40 == 0 { days.append(d - 61) }
        }
        return days + [Int](repeating: 160, count: 40)
    }()

    @Test("the kept recent prices decide as the in-memory fold: a crowded day, the window's edge, late reports, retries")
    func keptDecidesAsTheFold() throws {
        let rules = MarketPricesRules()
        // A narrow band over 30 days with a gap check: most decisions depend on which prices are kept.
        let rule = ReviewRule(
            commodityId: "beras-km1", bandPercent: 4, windowDays: 30, minSamples: 3, holdDuplicateDay: true, maxGapDays: 3, enabled: true)
        try RuleGuard.withScratchState([rules]) {
            var memory = PriceBook.initial
            func apply(_ e: PricesEvent) throws {
                try rules.admit(DomainEvent(stream: e.stream, type: e.type, data: e.data, id: e.id))
                memory = PriceBook.evolve(memory, e)
            }
            for e in [Sample.market(), Sample.commodity(), .reviewRuleSet(rule)] { try apply(e) }
            var held = 0
            var windowBound = false
            for (i, d) in Self.days.enumerated() {
                let day = Sample.day.adding(days: d)
                let price = Price(10_000 + (i * 137) % 900)
                // A report through the API on the same day, new or a retry of a kept one (compared without itself).
                let retry = i % 5 == 0 ? memory.recent.randomElement()?.report : nil
                let command = MarketPricesCommand.reportPrice(
                    MarketPricesCommand.ReportPrice(
                        eventId: retry ?? EventID.random(), marketId: "pasar-kebon-roek", commodityId: "beras-km1", price: price,
                        observedOn: day, reporter: "Baiq", check: true))
                let decided = try rules.decide(command)
                try #require(decided == (try PriceBook.decide(command, memory)), "report \(i) on day \(d)")
                if case .reportHeld = decided.first { held += 1 }

                let before = memory.recent.count
                try apply(Sample.report(price: 10_000 + (i * 71) % 900, on: day))
                let kept = try rules.load(MarketPricesRules.Keys(command)).recent
                try #require(kept == memory.recent, "report \(i) on day \(d)")
                // Fewer kept than the bound allows: the window dropped some.
                if memory.recent.count < min(before + 1, PriceBook.recentCount) { windowBound = true }
            }
            // The series went through both bounds, and the rule both held and published.
            #expect(windowBound)
            #expect(memory.recent.count == PriceBook.recentCount)
            #expect(held > 0 && held < Self.days.count)
        }
    }

    @Test("the binary form of a series' recent prices gives back what was stored, and refuses bytes it did not write")
    func codingRoundTrips() throws {
        let prices = [
            RecentPrice(day: CivilDate(days: -3), price: Price(scaled: 1), report: nil),
            RecentPrice(day: Sample.day, price: Price(scaled: Price.maximum.scaled), report: EventID.random()),
            RecentPrice(day: Sample.day, price: Price(11_800), report: EventID(high: .max, low: 0)),
        ]
        let bytes = try RecentPrice.encode(prices)
        #expect(bytes.count == 1 + 3 * RecentPrice.codedSize)
        #expect(try bytes.withUnsafeBytes { try RecentPrice.decode($0) } == prices)
        #expect(try [UInt8]([RecentPrice.codingVersion]).withUnsafeBytes { try RecentPrice.decode($0) } == [])
        let bad: [[UInt8]] = [
            [], Array(bytes.dropLast()), [2] + bytes.dropFirst(), bytes.enumerated().map { $0.offset == 13 ? 2 : $0.element },
        ]
        for bytes in bad {
            #expect(throws: EventLogError.self) { try bytes.withUnsafeBytes { try RecentPrice.decode($0) } }
        }
    }
}
