import EventLog
import Regions
import Testing

@testable import MarketPrices

/// The decider, pure: decide and evolve over the state of what a command touches, without storage.
@Suite struct PriceBookTests {
    static let market = MarketRegistered(
        marketId: "pasar-kebon-roek", name: "Pasar pasar-kebon-roek", kind: .traditional, kelurahanCode: "52.71.01.1005")
    static let commodity = CommodityRegistered(commodityId: "beras-km1", name: "Beras beras-km1", category: "Beras", unit: "kg")

    /// The state of a report on market pasar-kebon-roek and commodity beras-km1, both registered.
    func registered() -> PriceBook.State {
        var s = PriceBook.initial
        s = PriceBook.evolve(s, .marketRegistered(Self.market))
        s = PriceBook.evolve(s, .commodityRegistered(Self.commodity))
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

    @Test("the band's recent prices are bounded: 60 days, and at most the latest 64 of a crowded series")
    func recentIsBounded() {
        var s = PriceBook.initial
        for i in 0..<300 { s = PriceBook.evolve(s, Sample.report(price: 10_000 + i)) }
        #expect(s.recent.count == PriceBook.recentCount)
        #expect(s.recent.last?.price == Price(10_299) && s.recent.first?.price == Price(10_236))
    }

    @Test func evolveRegistersAndRemembersReports() {
        var s = registered()
        let id = EventID.random()
        s = PriceBook.evolve(s, Sample.report(id))
        #expect(s.market?.kind == .traditional)
        #expect(s.commodity?.unit == "kg")
        #expect(s.reportMarket == "pasar-kebon-roek")
        // A correction changes nothing the rules look at; a second registration is ignored.
        let again = PriceBook.evolve(
            PriceBook.evolve(s, Sample.correction(of: id, price: 11_700)),
            .marketRegistered(
                MarketRegistered(marketId: "pasar-kebon-roek", name: "Other", kind: .modern)))
        #expect(again.market?.name == "Pasar pasar-kebon-roek")
        #expect(again == s)
        // A report without an id (the log makes one) is not known by id yet.
        #expect(PriceBook.evolve(registered(), Sample.report(nil)).reportMarket == nil)
    }

    @Test func registrationsNeedTheirIds() {
        // The command layer makes ids from names; the decider refuses a registration without one.
        #expect(throws: EventLogError.self) {
            _ = try PriceBook.decide(
                .registerMarket(MarketRegistered(marketId: "", name: "Pasar Kebon Roek", kind: .traditional)), .initial)
        }
        #expect(throws: EventLogError.self) {
            _ = try PriceBook.decide(
                .registerCommodity(CommodityRegistered(commodityId: "", name: "Gula", category: "Gula", unit: "kg")), .initial)
        }
    }

    @Test func registerTwiceIsRefused() throws {
        let s = registered()
        expectViolation("already registered") {
            _ = try PriceBook.decide(.registerMarket(MarketRegistered(marketId: "pasar-kebon-roek", name: "X", kind: .modern)), s)
        }
        expectViolation("already registered") {
            _ = try PriceBook.decide(
                .registerCommodity(CommodityRegistered(commodityId: "beras-km1", name: "X", category: "Beras", unit: "kg")), s)
        }
        let first = try PriceBook.decide(.registerMarket(Self.market), .initial)
        #expect(first == [PricesEvent.marketRegistered(Self.market)])
        #expect(first[0].stream == "market-pasar-kebon-roek")
    }

    @Test func kelurahanMustExistWhenGiven() throws {
        let s = PriceBook.initial
        expectViolation("52.71.09.9999 is not the Kepmendagri code of a desa/kelurahan") {
            _ = try PriceBook.decide(
                .registerMarket(MarketRegistered(marketId: "x", name: "X", kind: .traditional, kelurahanCode: "52.71.09.9999")), s)
        }
        // A real desa outside the deployment's area: refused by the default (Mataram), taken by one for NTB.
        let tanjung = MarketRegistered(marketId: "pasar-tanjung", name: "Pasar Tanjung", kind: .traditional, kelurahanCode: "52.08.01.2001")
        expectViolation("Tanjung (52.08.01.2001) is outside the area this service covers, Kota Mataram (52.71)") {
            _ = try PriceBook.decide(.registerMarket(tanjung), s)
        }
        var ntb = PriceBook.initial
        ntb.area = try ServiceArea(code: "52")
        #expect(try PriceBook.decide(.registerMarket(tanjung), ntb) == [.marketRegistered(tanjung)])
        // Without a kelurahan (a market elsewhere, as WFP's): allowed.
        let events = try PriceBook.decide(
            .registerMarket(
                MarketRegistered(
                    marketId: "wfp-cog-703-mikalou", name: "Mikalou", kind: .traditional, admin1: "Brazzaville", country: "COG")), s)
        #expect(events.count == 1)
    }

    @Test func reportNeedsRegisteredMarketCommodityAndPositivePrice() throws {
        let s = registered()
        let ok = MarketPricesCommand.ReportPrice(
            marketId: "pasar-kebon-roek", commodityId: "beras-km1", price: Price(11_800), observedOn: Sample.day, reporter: "r")
        let events = try PriceBook.decide(.reportPrice(ok), s)
        guard case .priceReported(_, let r) = events[0] else {
            Issue.record("not a report")
            return
        }
        #expect(r.unit == "kg")  // the commodity's unit by default
        #expect(r.currency == "IDR")
        #expect(r.priceType == .retail)

        var noMarket = s
        noMarket.market = nil
        var badMarket = ok
        badMarket.marketId = "pasar-nowhere"
        expectViolation("market pasar-nowhere is not registered") { _ = try PriceBook.decide(.reportPrice(badMarket), noMarket) }
        var noCommodity = s
        noCommodity.commodity = nil
        var badCommodity = ok
        badCommodity.commodityId = "durian"
        expectViolation("commodity durian is not registered") { _ = try PriceBook.decide(.reportPrice(badCommodity), noCommodity) }
        var zero = ok
        zero.price = Price(0)
        expectViolation("data.price: 0 is not a price") { _ = try PriceBook.decide(.reportPrice(zero), s) }
        var negative = ok
        negative.price = Price(-5)
        expectViolation("-5 is not a price") { _ = try PriceBook.decide(.reportPrice(negative), s) }
        // The rule also holds for events decided elsewhere (the rules decide an event as its command).
        expectViolation("-5 is not a price") { _ = try PriceBook.decide(try Sample.report(price: -5).command, s) }
    }

    @Test func correctionMustNameAReportOfTheSameMarket() throws {
        let report = EventID.random()
        let s = PriceBook.evolve(registered(), Sample.report(report))
        let events = try PriceBook.decide(.correctPrice(.init(correctsEventId: report, price: Price(11_700), reason: "salah ketik")), s)
        #expect(events[0].stream == "market-pasar-kebon-roek")

        expectViolation("is not the id of a prices.price-reported event") {
            _ = try PriceBook.decide(.correctPrice(.init(correctsEventId: EventID.random(), price: Price(1), reason: "r")), .initial)
        }
        expectViolation("is of market pasar-kebon-roek, not of market pasar-sindu") {
            _ = try PriceBook.decide(try Sample.correction(of: report, market: "pasar-sindu", price: 11_700).command, s)
        }
        expectViolation("is of market pasar-kebon-roek, not of market pasar-sindu") {
            _ = try PriceBook.decide(
                .correctPrice(.init(correctsEventId: report, marketId: "pasar-sindu", price: Price(1), reason: "r")), s)
        }
        expectViolation("0 is not a price") { _ = try PriceBook.decide(try Sample.correction(of: report, price: 0).command, s) }
    }

    @Test func reportWithoutDateIsRefusedByTheDecider() {
        let s = registered()
        do {
            _ = try PriceBook.decide(
                .reportPrice(.init(marketId: "pasar-kebon-roek", commodityId: "beras-km1", price: Price(1), reporter: "r")), s)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.field == "observedOn")
        }
    }

    @Test func anEventIsDecidedAsTheCommandThatMakesIt() throws {
        let id = EventID.random()
        let s = registered()
        for event in [Sample.report(id), PricesEvent.marketRegistered(Self.market), .commodityRegistered(Self.commodity)] {
            let state = event.type == MarketPricesEventType.priceReported ? s : PriceBook.initial
            #expect(try PriceBook.decide(try event.command, state) == [event])
        }
        let withReport = PriceBook.evolve(s, Sample.report(id))
        let correction = Sample.correction(of: id, price: 11_700)
        #expect(try PriceBook.decide(try correction.command, withReport) == [correction])
    }
}
