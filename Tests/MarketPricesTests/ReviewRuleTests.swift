import DomainKit
import EventLog
import JSON
import Testing

@testable import MarketPrices

@Suite("Review rule: a report held before it is published (no storage)")
struct ReviewRuleTests {
    static func day(_ d: Int) -> CivilDate { CivilDate(year: 2018, month: 8, day: d)! }
    static let recent = [(1, 12000), (2, 12500), (3, 12200)].map { RecentPrice(day: day($0.0), price: Price($0.1), report: nil) }

    @Test func withinTheBandIsPublishedOutsideIsHeldWithTheMedianAndBand() {
        let rule = ReviewRule.standard("beras-medium")
        let ok = rule.check(price: Price(14000), on: Self.day(4), recent: Self.recent)
        #expect(ok.reasons.isEmpty)
        #expect(ok.median == Price(12200))
        #expect(ok.lower == Price(9150) && ok.upper == Price(15250))
        #expect(rule.check(price: Price(15300), on: Self.day(4), recent: Self.recent).reasons == [.outsideBand])
        #expect(rule.check(price: Price(9100), on: Self.day(4), recent: Self.recent).reasons == [.outsideBand])
    }

    @Test func tooFewReportsOrADisabledRuleHoldNothingForTheBand() {
        var rule = ReviewRule.standard("beras-medium")
        #expect(rule.check(price: Price(99000), on: Self.day(4), recent: Array(Self.recent.prefix(2))).reasons.isEmpty)
        // Only the window counts: reports more than windowDays before are not compared with.
        rule.windowDays = 1
        #expect(rule.check(price: Price(99000), on: Self.day(4), recent: Self.recent).reasons.isEmpty)
        rule = .standard("beras-medium")
        rule.enabled = false
        #expect(rule.check(price: Price(99000), on: Self.day(3), recent: Self.recent).reasons.isEmpty)
    }

    @Test func aSecondReportOfADayAndMissedDaysAreHeld() {
        var rule = ReviewRule.standard("beras-medium")
        #expect(rule.check(price: Price(12200), on: Self.day(3), recent: Self.recent).reasons == [.duplicateDay])
        rule.holdDuplicateDay = false
        #expect(rule.check(price: Price(12200), on: Self.day(3), recent: Self.recent).reasons.isEmpty)
        rule.maxGapDays = 5
        #expect(rule.check(price: Price(12200), on: Self.day(12), recent: Self.recent).reasons == [.missedDays])
    }

    @Test func theDeciderHoldsACheckedReportAndDecidesAHeldOneOnce() throws {
        let market = MarketRegistered(marketId: "m", name: "M", kind: .traditional)
        let commodity = CommodityRegistered(commodityId: "beras-medium", name: "Beras", category: "beras", unit: "kg")
        var state = PriceBook.State(market: market, commodity: commodity, recent: Self.recent)
        let report = MarketPricesCommand.ReportPrice(
            eventId: EventID.random(), marketId: "m", commodityId: "beras-medium", price: Price(30000), observedOn: Self.day(4),
            reporter: "e",
            check: true)
        let events = try PriceBook.decide(.reportPrice(report), state)
        guard case .reportHeld(let id, let held)? = events.first else {
            Issue.record("not held: \(events)")
            return
        }
        #expect(held.reasons == [HoldReason.outsideBand])
        // The same report from the log (not checked) is published as it is.
        var unchecked = report
        unchecked.check = false
        guard case .priceReported? = try PriceBook.decide(.reportPrice(unchecked), state).first else {
            Issue.record("an unchecked report was not published")
            return
        }
        state.held = PriceBook.HeldReport(report: held, outcome: nil)
        let approve = MarketPricesCommand.ReviewReport(
            approve: true, heldEventId: id!, marketId: nil, reasonCode: nil, reason: nil, supervisor: "s")
        let approved = try PriceBook.decide(.reviewReport(approve), state)
        state = approved.reduce(state, PriceBook.evolve)
        #expect(state.held?.outcome == "approved")
        #expect(throws: EventLogError.self) { try PriceBook.decide(.reviewReport(approve), state) }
    }
}

@Suite("Disparity between the markets of one level")
struct MarketDisparityTests {
    @Test func cheapestDearestRatioAndCoefficientOfVariation() throws {
        let d = try #require(MarketDisparity(["a": Price(10000), "b": Price(12000), "c": Price(11000)]))
        #expect(d.cheapest == .init(marketId: "a", price: Price(10000)))
        #expect(d.dearest == .init(marketId: "b", price: Price(12000)))
        #expect(d.ratio == 1.2)
        // Population standard deviation 816.5 of a mean of 11,000: 7.4%.
        #expect(d.coefficientOfVariation == 7.4)
        #expect(MarketDisparity(["a": Price(10000)]) == nil)
    }
}

@Suite("The held report's payload, read strictly")
struct ReportHeldPayloadTests {
    static let report =
        #"{"marketId":"m","commodityId":"beras-medium","unit":"kg","price":30000,"currency":"IDR","priceType":"retail","observedOn":"2018-08-04","reporter":"e","source":"api"}"#

    @Test func theReportIsNestedAndReadByItsOwnRules() throws {
        let good = try JSONParser.parse(Array(#"{"report":\#(Self.report),"reasons":["outside-band"],"median":12200}"#.utf8))
        let held = try ReportHeld.read(good)
        #expect(held.report.price == Price(30000))
        #expect(held.reasons == [.outsideBand])
        #expect(held.json["report"]?["observedOn"] == "2018-08-04")
        for (bad, field) in [
            (Self.report.replacingOccurrences(of: "30000", with: "\"tiga puluh ribu\""), "report.price"),
            (Self.report.replacingOccurrences(of: "2018-08-04", with: "2018-02-30"), "report.observedOn"),
        ] {
            let value = try JSONParser.parse(Array(#"{"report":\#(bad),"reasons":["outside-band"]}"#.utf8))
            #expect(throws: EventLogError.self) { try ReportHeld.read(value) }
            do { _ = try ReportHeld.read(value) } catch { #expect(error.field?.hasSuffix(field) == true, "\(error)") }
        }
        let unknownReason = try JSONParser.parse(Array(#"{"report":\#(Self.report),"reasons":["mahal"]}"#.utf8))
        #expect(throws: EventLogError.self) { try ReportHeld.read(unknownReason) }
    }
}
