import DomainKit
import EventLog
import JSON
import Projections
import Testing

@testable import MarketPrices

/// Reference prices (HET, HAP): the rules of `set-reference-price`, the `prices.references` view
/// and the checks of latest prices against the references that hold for them.
@Suite struct ReferencePriceTests {
    static let now = Timestamp("2018-08-06T01:30:00Z")!

    func decide(_ t: TestStore, _ body: JSONValue) throws -> Decision {
        let command = try MarketPricesCommand.parse("set-reference-price", body: body)
        return try t.ruleGuard.withCurrentState(t.store) { try MarketPricesCommand.decide(command, rules: t.rules, now: Self.now) }
    }

    func set(_ t: TestStore, _ body: JSONValue) throws {
        try t.append(try decide(t, body).events)
    }

    static func het(
        _ amount: Int = 9450, region: JSONValue = "52", from: String = "2017-09-01", until: JSONValue? = nil,
        commodity: String = "beras-km1", kind: String = "HET", unit: String? = nil
    ) -> JSONValue {
        var body: [String: JSONValue] = [
            "commodityId": .string(commodity), "kind": .string(kind), "region": region, "amount": .number(Double(amount)),
            "validFrom": .string(from), "source": "Permendag 57/M-DAG/PER/8/2017",
        ]
        if let until { body["validUntil"] = until }
        if let unit { body["unit"] = .string(unit) }
        return .object(body.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
    }

    @Test func setsAPriceInTheCommoditysUnitOnItsStream() throws {
        let t = try TestStore()
        try t.append(Sample.commodity())
        let d = try decide(t, Self.het())
        #expect(d.ids["commodityId"] == "beras-km1")
        #expect(d.events.map(\.stream) == ["commodity-beras-km1"])
        #expect(d.events.map(\.type) == [MarketPricesEventType.referencePriceSet])
        let data = d.events[0].dataValue
        #expect(data["unit"] == "kg")
        #expect(data["priceType"] == "retail")
        #expect(data["currency"] == "IDR")
        #expect(data["region"] == "52")
        try t.append(d.events)
        #expect(try t.store.stats().events == 2)
    }

    @Test func badInputIsRefusedByFieldAndNothingIsWritten() throws {
        let t = try TestStore()
        try t.append(Sample.commodity())
        try t.expectRefused(.invalidInput, "region: \"5\" is not a Kepmendagri code") { try set(t, Self.het(region: "5")) }
        try t.expectRefused(.invalidInput, "region: \"52.71.01\" is not a Kepmendagri code") {
            try set(t, Self.het(region: "52.71.01"))
        }
        try t.expectRefused(.invalidInput, "kind:") { try set(t, Self.het(kind: "MAX")) }
        try t.expectRefused(.invalidInput, "validFrom:") { try set(t, Self.het(from: "2017-02-30")) }
        try t.expectRefused(.ruleViolation, "data.commodityId: commodity gula-pasir-lokal is not registered") {
            try set(t, Self.het(commodity: "gula-pasir-lokal"))
        }
        try t.expectRefused(.ruleViolation, "data.amount: 0 is not a price") { try set(t, Self.het(0)) }
        try t.expectRefused(.ruleViolation, "data.validUntil: 2017-08-31 is before validFrom 2017-09-01") {
            try set(t, Self.het(until: "2017-08-31"))
        }
        try t.expectRefused(.ruleViolation, "data.unit: liter is not the unit of") { try set(t, Self.het(unit: "liter")) }
    }

    @Test func overlappingValidityOfOneSeriesIsRefused() throws {
        let t = try TestStore()
        try t.append(Sample.commodity())
        try set(t, Self.het(9000, from: "2017-01-01", until: "2017-06-30"))
        try set(t, Self.het(9450, from: "2017-09-01"))
        // The same first day, a first day inside a closed period, a closed period holding another's first day.
        try t.expectRefused(.ruleViolation, "data.validFrom: the HET of beras-km1 (retail, 52) valid 2017-09-01 on overlaps") {
            try set(t, Self.het(9500, from: "2017-09-01"))
        }
        try t.expectRefused(.ruleViolation, "valid 2017-01-01 to 2017-06-30 overlaps") { try set(t, Self.het(9100, from: "2017-03-01")) }
        try t.expectRefused(.ruleViolation, "valid 2017-09-01 on overlaps") {
            try set(t, Self.het(9100, from: "2017-08-01", until: "2017-09-15"))
        }
        // Another series (region, kind) is free; an open-ended price is ended by a later one.
        try set(t, Self.het(9450, region: "52.71", from: "2017-09-01"))
        try set(t, Self.het(12_500, from: "2017-09-01", kind: "HAP"))
        try set(t, Self.het(10_250, from: "2018-03-01"))
        #expect(try t.store.stats().events == 6)
    }

    @Test func aKeyScopedToMarketsCannotSetOne() throws {
        let t = try TestStore()
        try t.append(Sample.commodity())
        let events = try decide(t, Self.het()).events
        var request = try AppendRequest(events: events, actor: "pencatat")
        request.scope = ["pasar-kebon-roek"]
        try t.expectRefused(.forbidden, "a key scoped to markets cannot set one") { try t.store.appendBlocking(request) }
    }

    @Test func checksJudgeTheLatestPriceByTheMostSpecificRegionOnItsDay() throws {
        let t = try TestStore()
        try t.append(Sample.market(), Sample.commodity(), Sample.market("pasar-luar", kelurahan: nil))
        try set(t, Self.het(9450, region: "52", from: "2017-09-01"))
        try set(t, Self.het(12_000, region: "52.71", from: "2018-08-01", until: "2018-08-31"))
        try set(t, Self.het(10_000, region: .null, from: "2017-09-01"))
        try set(t, Self.het(11_000, region: .null, from: "2017-09-01", kind: "HAP"))
        try t.append(Sample.report(price: 11_800), Sample.report(market: "pasar-luar", price: 10_200))
        let engine = try t.engine()
        try engine.catchUp()
        try engine.read { s in
            let refs = try s.view(PricesViews.references)
            #expect(try MarketPricesQueries.referencePrices(refs, commodityId: "beras-km1").count == 4)
            #expect(try MarketPricesQueries.referencePrices(refs, commodityId: "gula").isEmpty)
            // In August, Kota Mataram's own HET (12,000) holds in Kebon Roek; from September, NTB's.
            let kota = try MarketPricesQueries.applicableReferences(
                refs, commodityId: "beras-km1", priceType: .retail, area: "52.71.01.1005", on: Sample.day)
            #expect(kota.map(\.amount) == [Price(12_000), Price(11_000)])
            let september = try MarketPricesQueries.applicableReferences(
                refs, commodityId: "beras-km1", priceType: .retail, area: "52.71.01.1005", on: CivilDate("2018-09-01")!)
            #expect(september.map(\.amount) == [Price(9450), Price(11_000)])
            // Before any was set, none holds.
            #expect(
                try MarketPricesQueries.applicableReferences(
                    refs, commodityId: "beras-km1", priceType: .retail, area: nil, on: CivilDate("2017-08-31")!
                ).isEmpty)

            let checks = try MarketPricesQueries.referenceChecks(latest: try s.view(PricesViews.latest), references: refs)
            let kebon = try #require(checks.first { $0.price.marketId == "pasar-kebon-roek" })
            #expect(kebon.references.map(\.kind) == [.het, .hap])
            #expect(kebon.references.map(\.above) == [false, true])
            #expect(kebon.references[1].excess == Price(800))
            #expect(kebon.above)
            // A market without a kelurahan is judged by the national prices only.
            let luar = try #require(checks.first { $0.price.marketId == "pasar-luar" })
            #expect(luar.references.map(\.amount) == [Price(10_000), Price(11_000)])
            #expect(luar.references.map(\.above) == [true, false])
            let above = try MarketPricesQueries.referenceChecks(latest: try s.view(PricesViews.latest), references: refs, aboveOnly: true)
            #expect(above.count == 2)
            #expect(
                try MarketPricesQueries.referenceChecks(
                    latest: try s.view(PricesViews.latest), references: refs, marketId: "pasar-kebon-roek"
                ).count == 1)
        }
    }

    @Test func periodsOverlapAsTheRuleSays() {
        let d: (String) -> CivilDate = { CivilDate($0)! }
        let closed = ReferencePeriod(validFrom: d("2018-01-01"), validUntil: d("2018-01-31"))
        let open = ReferencePeriod(validFrom: d("2018-03-01"), validUntil: nil)
        #expect(closed.overlaps(from: d("2018-01-01"), until: nil))
        #expect(closed.overlaps(from: d("2018-01-31"), until: nil))
        #expect(!closed.overlaps(from: d("2018-02-01"), until: nil))
        #expect(closed.overlaps(from: d("2017-12-01"), until: d("2018-01-01")))
        #expect(!closed.overlaps(from: d("2017-12-01"), until: d("2017-12-31")))
        #expect(!open.overlaps(from: d("2018-04-01"), until: nil))
        #expect(!open.overlaps(from: d("2018-02-01"), until: nil))
        #expect(open.overlaps(from: d("2018-02-01"), until: d("2018-03-01")))
    }
}
