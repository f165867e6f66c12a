import DomainKit
import EventLog
import JSON
import Projections
import Testing

@testable import MarketPrices

@Suite struct CommandsTests {
    /// 6 August 2018, 09:30 WITA (01:30 UTC).
    static let now = Timestamp("2018-08-06T01:30:00Z")!

    func decide(_ t: TestStore, _ name: String, _ body: JSONValue, now: Timestamp = CommandsTests.now) throws -> Decision {
        let command = try MarketPricesCommand.parse(name, body: body)
        return try t.ruleGuard.withCurrentState(t.store) { try MarketPricesCommand.decide(command, rules: t.rules, now: now) }
    }

    @Test func fullFlowThroughCommands() throws {
        let t = try TestStore()
        let market = try decide(
            t, "register-market",
            [
                "name": "Pasar Kebon Roek", "kind": "traditional", "kelurahanCode": "52.71.01.1005", "latitude": -8.5652,
                "longitude": 116.078,
            ])
        #expect(market.ids["marketId"] == "pasar-kebon-roek")
        #expect(market.events.map(\.stream) == ["market-pasar-kebon-roek"])
        #expect(market.events[0].occurredAt == Self.now)
        #expect(market.secrets.isEmpty)
        try t.append(market.events)

        let commodity = try decide(
            t, "register-commodity", ["commodityId": "beras-km1", "name": "Beras Kualitas Medium I", "category": "Beras", "unit": "kg"])
        #expect(commodity.ids["commodityId"] == "beras-km1")
        try t.append(commodity.events)

        let report = try decide(
            t, "report-price", ["marketId": "pasar-kebon-roek", "commodityId": "beras-km1", "price": 11800, "reporter": "Baiq Nurul"])
        let data = report.events[0].dataValue
        #expect(data["currency"] == "IDR")
        #expect(data["priceType"] == "retail")
        #expect(data["unit"] == "kg")
        #expect(data["observedOn"] == "2018-08-06")
        #expect(data["source"] == "api")
        let reportID = try #require(report.ids["eventId"])
        #expect(report.events[0].id?.description == reportID)
        try t.append(report.events)

        let correction = try decide(t, "correct-price", ["correctsEventId": .string(reportID), "price": 11750, "reason": "salah ketik"])
        #expect(correction.ids["marketId"] == "pasar-kebon-roek")
        #expect(correction.events[0].stream == "market-pasar-kebon-roek")
        try t.append(correction.events)
        #expect(try t.store.stats().events == 4)
    }

    @Test func registerMarketMakesIDsFromNames() throws {
        let t = try TestStore()
        let body: JSONValue = ["name": "Pasar Kebon Roek", "kind": "traditional", "kelurahanCode": "52.71.01.1005"]
        let first = try decide(t, "register-market", body)
        #expect(first.events.count == 1)
        #expect(first.ids["marketId"] == "pasar-kebon-roek")
        #expect(first.events[0].stream == "market-pasar-kebon-roek")
        try t.append(first.events)
        let second = try decide(t, "register-market", body)
        #expect(second.events[0].stream == "market-pasar-kebon-roek-2")
        let commodity = try decide(t, "register-commodity", ["name": "Cabai Rawit Merah", "category": "Cabai Rawit", "unit": "kg"])
        #expect(commodity.events[0].stream == "commodity-cabai-rawit-merah")
    }

    @Test func observedOnDefaultsToTheDayInMataram() throws {
        let t = try TestStore()
        try t.append(Sample.market(), Sample.commodity())
        // 5 August 2018, 17:00 UTC is 6 August, 01:00 WITA.
        let late = Timestamp("2018-08-05T17:00:00Z")!
        let d = try decide(
            t, "report-price", ["marketId": "pasar-kebon-roek", "commodityId": "beras-km1", "price": 11800, "reporter": "r"], now: late)
        #expect(d.events[0].dataValue["observedOn"] == "2018-08-06")
    }

    @Test func clientIDsAreKept() throws {
        let t = try TestStore()
        try t.append(Sample.market(), Sample.commodity())
        let id = "0b7c6a1e-5f1a-4c3e-9d2b-7a8e6f5d4c3b"
        let d = try decide(
            t, "report-price",
            [
                "eventId": .string(id), "marketId": "pasar-kebon-roek", "commodityId": "beras-km1", "price": 11800, "reporter": "r",
                "observedOn": "2018-08-07", "priceType": "wholesale", "currency": "USD", "unit": "karung 25 kg", "source": "sms",
            ])
        #expect(d.ids["eventId"] == id)
        #expect(d.events[0].id?.description == id)
        // Retrying the same request is idempotent.
        try t.append(d.events)
        try t.append(d.events)
        #expect(try t.store.stats().events == 3)
    }

    @Test func parseErrorsNameTheField() {
        func expectInvalid(_ name: String, _ body: JSONValue, _ field: String, _ text: String) {
            do {
                _ = try MarketPricesCommand.parse(name, body: body)
                Issue.record("parsed \(name) \(body)")
            } catch {
                #expect(error.code == .invalidInput)
                #expect(error.field == field, "\(error.message)")
                #expect(error.message.contains(text), "\(error.message)")
            }
        }
        expectInvalid(
            "report-price", ["marketId": "m", "commodityId": "c", "price": "11.800", "reporter": "r"], "price", "price: must be a number")
        expectInvalid("report-price", ["marketId": "m", "commodityId": "c", "reporter": "r"], "price", "price: is required")
        expectInvalid(
            "report-price", ["marketId": "m", "commodityId": "c", "price": 1, "reporter": "r", "currency": "rupiah"], "currency", "ISO 4217"
        )
        expectInvalid(
            "report-price", ["marketId": "m", "commodityId": "c", "price": 1, "reporter": "r", "observedOn": "06/08/2018"], "observedOn",
            "YYYY-MM-DD")
        expectInvalid("report-price", ["marketId": "m", "commodityId": "c", "price": 1], "reporter", "reporter: is required")
        expectInvalid("register-market", ["name": "Pasar", "kind": "bazaar"], "kind", "kind: must be one of")
        expectInvalid("register-market", ["kind": "modern"], "name", "name: is required")
        expectInvalid("register-commodity", ["name": "Gula", "unit": "kg"], "category", "category: is required")
        expectInvalid("correct-price", ["correctsEventId": "abc", "price": 1, "reason": "r"], "correctsEventId", "must be an event id")
        expectInvalid(
            "correct-price", ["correctsEventId": "6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44", "price": 1], "reason", "reason: is required")
        expectInvalid(
            "report-price", ["marketId": "m", "commodityId": "c", "price": 1, "reporter": "r", "colour": "red"], "colour", "is not a field")
        expectInvalid("close-market", [:], "command", "is not a command of the prices domain")
    }

    @Test func decideRefusesWhatTheRulesRefuse() throws {
        let t = try TestStore()
        try t.append(Sample.market(), Sample.commodity())
        for (name, body, text) in [
            (
                "report-price", ["marketId": "pasar-x", "commodityId": "beras-km1", "price": 1, "reporter": "r"] as JSONValue,
                "market pasar-x is not registered"
            ),
            (
                "report-price", ["marketId": "pasar-kebon-roek", "commodityId": "beras-km1", "price": -1, "reporter": "r"],
                "-1 is not a price"
            ),
            ("register-market", ["marketId": "pasar-kebon-roek", "name": "X", "kind": "modern"], "already registered"),
            ("register-market", ["name": "X", "kind": "modern", "kelurahanCode": "52.71"], "a desa-kelurahan is needed"),
            (
                "correct-price", ["correctsEventId": "6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44", "price": 1, "reason": "r"],
                "is not the id of a prices.price-reported"
            ),
        ] {
            do {
                _ = try decide(t, name, body)
                Issue.record("decided \(name)")
            } catch let e as EventLogError {
                #expect(e.code == .ruleViolation, "\(e.message)")
                #expect(e.message.contains(text), "\(e.message)")
            }
        }
        #expect(try t.store.stats().events == 2)
    }

    @Test func domainBundlesEverything() throws {
        let domain = MarketPricesDomain()
        #expect(domain.projectors.map(\.name) == ["prices.latest", "prices.daily", "prices.alerts", "prices.references", "prices.review"])
        #expect(MarketPricesDomain.viewNames == domain.projectors.map(\.name))
        #expect(MarketPricesDomain.eventTypes == MarketPricesEventType.all)
        #expect(
            MarketPricesDomain.commandNames == [
                "register-market", "register-commodity", "report-price", "correct-price", "set-reference-price", "approve-report",
                "reject-report", "set-review-rule",
            ])
        #expect(MarketPricesDomain.name == "prices")
        let command = try domain.parse("register-commodity", body: ["name": "Gula Pasir Lokal", "category": "Gula Pasir", "unit": "kg"])
        let decision = try domain.decide(command, now: Self.now)
        #expect(decision.ids["commodityId"] == "gula-pasir-lokal")
    }
}
