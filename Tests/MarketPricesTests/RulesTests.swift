import DomainKit
import EventLog
import JSON
import Projections
import Testing

@testable import MarketPrices

/// Every rule and schema check, through `admit` (state unchanged) and through a raw append to a
/// real store guarded by the rules (log unchanged).
@Suite struct RulesTests {
    /// A raw event: stream, type, data.
    struct Raw: CustomTestStringConvertible, Sendable {
        let label: String
        let stream: String
        let type: String
        let data: JSONValue
        let code: EventLogError.Code
        let message: String
        var testDescription: String { label }
    }

    static let reportID = "6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44"

    static func report(_ change: (inout [(key: String, value: JSONValue)]) -> Void = { _ in }) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = [
            ("marketId", "pasar-kebon-roek"), ("commodityId", "beras-km1"), ("unit", "kg"), ("price", 11800), ("currency", "IDR"),
            ("priceType", "retail"), ("observedOn", "2018-08-06"), ("reporter", "Baiq"), ("source", "test"),
        ]
        change(&m)
        return .object(m)
    }

    static func set(_ key: String, _ value: JSONValue?) -> (inout [(key: String, value: JSONValue)]) -> Void {
        { m in
            m.removeAll { $0.key == key }
            if let value { m.append((key, value)) }
        }
    }

    static let cases: [Raw] = [
        // Rules.
        Raw(
            label: "market registered twice", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.marketRegistered,
            data: ["marketId": "pasar-kebon-roek", "name": "Pasar Kebon Roek", "kind": "traditional"], code: .ruleViolation,
            message: "data.marketId: market pasar-kebon-roek is already registered"),
        Raw(
            label: "unknown kelurahan", stream: "market-pasar-baru", type: MarketPricesEventType.marketRegistered,
            data: ["marketId": "pasar-baru", "name": "Pasar Baru", "kind": "traditional", "kelurahanCode": "52.71.01.9999"],
            code: .ruleViolation, message: "data.kelurahanCode: 52.71.01.9999 is not the Kepmendagri code of a desa/kelurahan"),
        Raw(
            label: "commodity registered twice", stream: "commodity-beras-km1", type: MarketPricesEventType.commodityRegistered,
            data: ["commodityId": "beras-km1", "name": "Beras", "category": "Beras", "unit": "kg"], code: .ruleViolation,
            message: "data.commodityId: commodity beras-km1 is already registered"),
        Raw(
            label: "report of an unregistered market", stream: "market-pasar-nowhere", type: MarketPricesEventType.priceReported,
            data: report(set("marketId", "pasar-nowhere")), code: .ruleViolation,
            message: "data.marketId: market pasar-nowhere is not registered"),
        Raw(
            label: "report of an unregistered commodity", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(set("commodityId", "durian")), code: .ruleViolation,
            message: "data.commodityId: commodity durian is not registered"),
        Raw(
            label: "zero price", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(set("price", 0)), code: .ruleViolation, message: "data.price: 0 is not a price"),
        Raw(
            label: "negative price", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(set("price", -11800)), code: .ruleViolation, message: "data.price: -11800 is not a price"),
        Raw(
            label: "correction of an unknown report", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceCorrected,
            data: ["correctsEventId": "00000000-0000-4000-8000-000000000000", "price": 11700, "reason": "salah ketik"],
            code: .ruleViolation,
            message: "data.correctsEventId: 00000000-0000-4000-8000-000000000000 is not the id of a prices.price-reported event"),
        Raw(
            label: "correction of another market's report", stream: "market-pasar-sindu", type: MarketPricesEventType.priceCorrected,
            data: ["correctsEventId": .string(reportID), "price": 11700, "reason": "salah ketik"],
            code: .ruleViolation, message: "is of market pasar-kebon-roek, not of market pasar-sindu"),
        Raw(
            label: "correction to zero", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceCorrected,
            data: ["correctsEventId": .string(reportID), "price": 0, "reason": "salah ketik"],
            code: .ruleViolation, message: "data.price: 0 is not a price"),
        // Schema.
        Raw(
            label: "unknown type", stream: "market-pasar-kebon-roek", type: "prices.price-guessed", data: report(),
            code: .invalidInput, message: "type: prices.price-guessed is not an event type of the prices domain"),
        Raw(
            label: "unknown field", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(set("discount", 5)), code: .invalidInput, message: "data.discount: is not a field of this payload"),
        Raw(
            label: "price not a number", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(set("price", "11,800")), code: .invalidInput, message: "data.price: must be a number"),
        Raw(
            label: "price missing", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(set("price", nil)), code: .invalidInput, message: "data.price: is required"),
        Raw(
            label: "lower-case currency", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(set("currency", "idr")), code: .invalidInput, message: "data.currency: must be an ISO 4217 currency code"),
        Raw(
            label: "currency missing", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(set("currency", nil)), code: .invalidInput, message: "data.currency: is required"),
        Raw(
            label: "bad price type", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(set("priceType", "producer")), code: .invalidInput, message: "data.priceType: must be one of retail, wholesale"),
        Raw(
            label: "impossible date", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(set("observedOn", "2018-02-30")), code: .invalidInput,
            message: "data.observedOn: must be a date written YYYY-MM-DD"),
        Raw(
            label: "empty reporter", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(set("reporter", " ")), code: .invalidInput, message: "data.reporter: must not be empty"),
        Raw(
            label: "report on another market's stream", stream: "market-pasar-sindu", type: MarketPricesEventType.priceReported,
            data: report(), code: .invalidInput,
            message: "stream: a prices.price-reported event of this payload goes on market-pasar-kebon-roek"),
        Raw(
            label: "market id not stream-safe", stream: "market-pasar", type: MarketPricesEventType.marketRegistered,
            data: ["marketId": "pasar kebon", "name": "X", "kind": "traditional"], code: .invalidInput,
            message: "data.marketId: \"pasar kebon\" has a character outside [A-Za-z0-9._:-]"),
        Raw(
            label: "bad market kind", stream: "market-pasar-x", type: MarketPricesEventType.marketRegistered,
            data: ["marketId": "pasar-x", "name": "X", "kind": "mall"], code: .invalidInput, message: "data.kind: must be one of"),
        Raw(
            label: "latitude out of range", stream: "market-pasar-x", type: MarketPricesEventType.marketRegistered,
            data: ["marketId": "pasar-x", "name": "X", "kind": "modern", "latitude": 91], code: .invalidInput,
            message: "data.latitude: 91.0 is not between -90 and 90"),
        Raw(
            label: "bad country", stream: "market-pasar-x", type: MarketPricesEventType.marketRegistered,
            data: ["marketId": "pasar-x", "name": "X", "kind": "modern", "country": "Congo"], code: .invalidInput,
            message: "data.country: must be an ISO 3166-1 alpha-3 country code"),
        Raw(
            label: "commodity without unit", stream: "commodity-gula", type: MarketPricesEventType.commodityRegistered,
            data: ["commodityId": "gula", "name": "Gula", "category": "Gula Pasir"], code: .invalidInput, message: "data.unit: is required"),
        Raw(
            label: "correction without reason", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceCorrected,
            data: ["correctsEventId": .string(reportID), "price": 11700], code: .invalidInput, message: "data.reason: is required"),
        Raw(
            label: "correction naming no UUID", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceCorrected,
            data: ["correctsEventId": "report-1", "price": 11700, "reason": "r"], code: .invalidInput,
            message: "data.correctsEventId: must be an event id"),
        Raw(
            label: "correction off a market stream", stream: "commodity-beras-km1", type: MarketPricesEventType.priceCorrected,
            data: ["correctsEventId": .string(reportID), "price": 11700, "reason": "r"], code: .invalidInput,
            message: "stream: a correction goes on the stream of the corrected report's market"),
    ]

    /// Markets pasar-kebon-roek and pasar-sindu, commodity beras-km1 and report `reportID`.
    static func setUp() throws -> [PricesEvent] {
        guard let id = EventID(reportID) else { throw EventLogError(.invalidInput, "bad id") }
        return [Sample.market(), Sample.market("pasar-sindu", kelurahan: "52.71.03.1006"), Sample.commodity(), Sample.report(id)]
    }

    @Test(arguments: cases) func refusedByAdmit(_ raw: Raw) throws {
        let rules = MarketPricesRules()
        try RuleGuard.withScratchState([rules]) {
            for e in try Self.setUp() {
                try rules.admit(DomainEvent(stream: e.stream, type: e.type, data: e.data, id: e.id))
            }
            let before = try rules.decisions.entries()
            #expect(before.count == 5)  // a market, a commodity, a report's market and its published price (`recent`), ...
            do {
                try rules.admit(DomainEvent(stream: raw.stream, type: raw.type, data: raw.data, id: EventID.random()))
                Issue.record("admitted: \(raw.label)")
            } catch let e as EventLogError {
                #expect(e.code == raw.code, "\(e.message)")
                #expect(e.message.contains(raw.message), "\(e.message)")
                #expect(e.field != nil)
            }
            #expect(try rules.decisions.entries() == before)
        }
    }

    @Test(arguments: cases) func refusedByRawAppend(_ raw: Raw) throws {
        let t = try TestStore()
        try t.append(try Self.setUp().map { try $0.proposed() })
        try t.expectRefused(raw.code, raw.message) {
            let event = try ProposedEvent(stream: raw.stream, type: raw.type, value: raw.data)
            try t.append([event])
        }
        // A batch with a good event and the bad one is refused whole.
        let good = try Sample.report(price: 11_900).proposed()
        try t.expectRefused(raw.code, raw.message) {
            try t.append([good, try ProposedEvent(stream: raw.stream, type: raw.type, value: raw.data)])
        }
    }

    @Test func tooManyFractionDigitsRefusedAtTheDoor() throws {
        let t = try TestStore()
        try t.append(try Self.setUp().map { try $0.proposed() })
        try t.expectRefused(.invalidInput, "at most 4 fraction digits") {
            try t.append([
                try ProposedEvent(
                    stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
                    value: Self.report(Self.set("price", 11800.12345)))
            ])
        }
        // admit checks it too (for data built by hand).
        let rules = MarketPricesRules()
        try RuleGuard.withScratchState([rules]) {
            for e in try Self.setUp() { try rules.admit(DomainEvent(stream: e.stream, type: e.type, data: e.data, id: e.id)) }
            #expect(throws: EventLogError.self) {
                try rules.admit(
                    DomainEvent(
                        stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
                        data: Self.report(Self.set("price", 1.23456))))
            }
        }
    }

    @Test func aBatchMaySetUpAndUseInOneGo() throws {
        // Registration, report and its correction in one atomic request: each checked on the state the earlier leave.
        let t = try TestStore()
        let id = EventID.random()
        try t.append(
            [Sample.market(), Sample.commodity(), Sample.report(id), Sample.correction(of: id, price: 11_700)].map { try $0.proposed() })
        #expect(try t.store.stats().events == 4)
        // The guard's state learned the committed events: registering again is refused.
        try t.expectRefused(.ruleViolation, "already registered") { try t.append(Sample.market()) }
    }

    @Test func ownsEveryPricesType() {
        let rules = MarketPricesRules()
        #expect(rules.owns("prices.price-reported"))
        #expect(rules.owns("prices.anything"))
        #expect(!rules.owns("aid.donation-received"))
    }

    @Test func aTrialWritesNothing() throws {
        let t = try TestStore()
        try t.append(Sample.market())
        let before = try t.store.readDecisions { try $0.decisions.entries() }
        #expect(before.count == 1)
        try t.ruleGuard.trial(t.store) {
            for e in try Self.setUp().dropFirst() {
                try t.rules.admit(DomainEvent(stream: e.stream, type: e.type, data: e.data, id: e.id))
            }
            #expect(try t.rules.decisions.entries().count == 5)
            #expect(try t.rules.market(ofReport: EventID(Self.reportID)!) == "pasar-kebon-roek")
        }
        #expect(try t.store.readDecisions { try $0.decisions.entries() } == before)
    }
}
