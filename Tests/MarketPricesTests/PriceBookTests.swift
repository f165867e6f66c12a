import EventLog
import Testing
@testable import MarketPrices

/// The decider, pure: decide and evolve without storage.
@Suite struct PriceBookTests {
    func registered() -> PriceBook.State {
        var s = PriceBook.State()
        s = PriceBook.evolve(s, Sample.market())
        s = PriceBook.evolve(s, Sample.commodity())
        return s
    }

    func expectViolation(_ text: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected a rule violation containing \(text)")
        } catch let error as EventLogError {
            #expect(error.code == .ruleViolation, "\(error.message)")
            #expect(error.message.contains(text), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func evolveRegistersAndRemembersReports() {
        var s = registered()
        let id = EventID.random()
        s = PriceBook.evolve(s, Sample.report(id))
        #expect(s.markets["pasar-kebon-roek"]?.kind == .traditional)
        #expect(s.commodities["beras-km1"]?.unit == "kg")
        #expect(s.market(ofReport: id) == "pasar-kebon-roek")
        #expect(s.reportCount == 1)
        // A correction changes nothing the rules look at; a second registration is ignored.
        let again = PriceBook.evolve(PriceBook.evolve(s, Sample.correction(of: id, price: 11_700)), .marketRegistered(
            MarketRegistered(marketId: "pasar-kebon-roek", name: "Other", kind: .modern)))
        #expect(again.markets["pasar-kebon-roek"]?.name == "Pasar pasar-kebon-roek")
        #expect(again.reportCount == 1)
    }

    @Test func registerMarketMakesIDsFromNames() throws {
        var s = PriceBook.State()
        let command = MarketPricesCommand.registerMarket(MarketRegistered(marketId: "", name: "Pasar Kebon Roek", kind: .traditional, kelurahanCode: "52.71.01.1005"))
        let first = try PriceBook.decide(command, s)
        #expect(first.count == 1)
        guard case .marketRegistered(let m) = first[0] else { Issue.record("not a registration"); return }
        #expect(m.marketId == "pasar-kebon-roek")
        #expect(first[0].stream == "market-pasar-kebon-roek")
        s = PriceBook.evolve(s, first[0])
        let second = try PriceBook.decide(command, s)
        #expect(second[0].stream == "market-pasar-kebon-roek-2")
        let commodity = try PriceBook.decide(.registerCommodity(CommodityRegistered(commodityId: "", name: "Cabai Rawit Merah", category: "Cabai Rawit", unit: "kg")), s)
        #expect(commodity[0].stream == "commodity-cabai-rawit-merah")
    }

    @Test func registerTwiceIsRefused() {
        let s = registered()
        expectViolation("already registered") {
            _ = try PriceBook.decide(.registerMarket(MarketRegistered(marketId: "pasar-kebon-roek", name: "X", kind: .modern)), s)
        }
        expectViolation("already registered") {
            _ = try PriceBook.decide(.registerCommodity(CommodityRegistered(commodityId: "beras-km1", name: "X", category: "Beras", unit: "kg")), s)
        }
    }

    @Test func kelurahanMustExistWhenGiven() throws {
        let s = PriceBook.State()
        expectViolation("52.71.09.9999 is not a kelurahan of Kota Mataram") {
            _ = try PriceBook.decide(.registerMarket(MarketRegistered(marketId: "x", name: "X", kind: .traditional, kelurahanCode: "52.71.09.9999")), s)
        }
        // Without a kelurahan (a market elsewhere, as WFP's): allowed.
        let events = try PriceBook.decide(
            .registerMarket(MarketRegistered(marketId: "wfp-cog-703-mikalou", name: "Mikalou", kind: .traditional, admin1: "Brazzaville", country: "COG")), s)
        #expect(events.count == 1)
    }

    @Test func reportNeedsRegisteredMarketCommodityAndPositivePrice() throws {
        let s = registered()
        let ok = MarketPricesCommand.ReportPrice(marketId: "pasar-kebon-roek", commodityId: "beras-km1", price: Price(11_800), observedOn: Sample.day, reporter: "r")
        let events = try PriceBook.decide(.reportPrice(ok), s)
        guard case .priceReported(_, let r) = events[0] else { Issue.record("not a report"); return }
        #expect(r.unit == "kg")  // the commodity's unit by default
        #expect(r.currency == "IDR")
        #expect(r.priceType == .retail)

        var badMarket = ok
        badMarket.marketId = "pasar-nowhere"
        expectViolation("market pasar-nowhere is not registered") { _ = try PriceBook.decide(.reportPrice(badMarket), s) }
        var badCommodity = ok
        badCommodity.commodityId = "durian"
        expectViolation("commodity durian is not registered") { _ = try PriceBook.decide(.reportPrice(badCommodity), s) }
        var zero = ok
        zero.price = Price(0)
        expectViolation("data.price: 0 is not a price") { _ = try PriceBook.decide(.reportPrice(zero), s) }
        var negative = ok
        negative.price = Price(-5)
        expectViolation("-5 is not a price") { _ = try PriceBook.decide(.reportPrice(negative), s) }
        // The rule also holds for events decided elsewhere (validate).
        expectViolation("-5 is not a price") { try PriceBook.validate(Sample.report(price: -5), s) }
    }

    @Test func correctionMustNameAReportOfTheSameMarket() throws {
        var s = registered()
        s = PriceBook.evolve(s, Sample.market("pasar-sindu"))
        let report = EventID.random()
        s = PriceBook.evolve(s, Sample.report(report))
        let events = try PriceBook.decide(.correctPrice(.init(correctsEventId: report, price: Price(11_700), reason: "salah ketik")), s)
        #expect(events[0].stream == "market-pasar-kebon-roek")

        let unknown = EventID.random()
        expectViolation("is not the id of a prices.price-reported event") {
            _ = try PriceBook.decide(.correctPrice(.init(correctsEventId: unknown, price: Price(1), reason: "r")), s)
        }
        expectViolation("is of market pasar-kebon-roek, not of market pasar-sindu") {
            try PriceBook.validate(Sample.correction(of: report, market: "pasar-sindu", price: 11_700), s)
        }
        expectViolation("is of market pasar-kebon-roek, not of market pasar-sindu") {
            _ = try PriceBook.decide(.correctPrice(.init(correctsEventId: report, marketId: "pasar-sindu", price: Price(1), reason: "r")), s)
        }
        expectViolation("0 is not a price") { try PriceBook.validate(Sample.correction(of: report, price: 0), s) }
    }

    @Test func reportWithoutDateIsRefusedByTheDecider() {
        let s = registered()
        do {
            _ = try PriceBook.decide(.reportPrice(.init(marketId: "pasar-kebon-roek", commodityId: "beras-km1", price: Price(1), reporter: "r")), s)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.field == "observedOn")
        }
    }
}
