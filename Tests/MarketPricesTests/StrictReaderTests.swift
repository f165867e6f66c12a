import DomainKit
import EventLog
import Foundation
import JSON
import Testing

@testable import MarketPrices

/// The one payload reader's rules on the prices payloads: strings counted in UTF-8 bytes, no
/// control characters, no unknown fields, required fields, enumerations. Each refusal names the
/// field's path (`data.<field>` for an event, `<field>` for a command's body) and writes nothing.
@Suite struct StrictReaderTests {
    /// A raw event refused with `field` and a message containing `text`.
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let stream: String
        let type: String
        let data: JSONValue
        let field: String
        let text: String
        var testDescription: String { label }
    }

    static let reportID = "6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44"
    /// 101 two-byte characters: 202 bytes, though only 101 characters.
    static let longName = String(repeating: "é", count: 101)

    static func market(_ change: [String: JSONValue]) -> JSONValue {
        var m: [String: JSONValue] = ["marketId": "pasar-baru", "name": "Pasar Baru", "kind": "traditional"]
        for (k, v) in change { m[k] = v }
        return .object(m.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
    }

    static func report(_ change: [String: JSONValue?]) -> JSONValue {
        var m: [String: JSONValue] = [
            "marketId": "pasar-kebon-roek", "commodityId": "beras-km1", "unit": "kg", "price": 11800, "currency": "IDR",
            "priceType": "retail", "observedOn": "2018-08-06", "reporter": "Baiq", "source": "test",
        ]
        for (k, v) in change { m[k] = v }
        return .object(m.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
    }

    static let cases: [Case] = [
        Case(
            label: "unknown field", stream: "commodity-gula", type: MarketPricesEventType.commodityRegistered,
            data: ["commodityId": "gula", "name": "Gula", "category": "Gula", "unit": "kg", "colour": "white"],
            field: "data.colour", text: "is not a field"),
        Case(
            label: "control character in a name", stream: "market-pasar-baru", type: MarketPricesEventType.marketRegistered,
            data: market(["name": "Pasar\u{7}Baru"]), field: "data.name", text: "must not contain control characters"),
        Case(
            label: "line break in a reporter", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(["reporter": "Baiq\nNurul"]), field: "data.reporter", text: "must not contain control characters"),
        Case(
            label: "DEL in a unit", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(["unit": "kg\u{7F}"]), field: "data.unit", text: "must not contain control characters"),
        Case(
            label: "too long in bytes, not in characters", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(["reporter": .string(longName)]), field: "data.reporter", text: "is 202 bytes, longer than the 200 allowed"),
        Case(
            label: "reason too long in bytes", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceCorrected,
            data: ["correctsEventId": .string(reportID), "price": 11700, "reason": .string(String(repeating: "é", count: 1001))],
            field: "data.reason", text: "is 2002 bytes, longer than the 2000 allowed"),
        Case(
            label: "missing required field", stream: "commodity-gula", type: MarketPricesEventType.commodityRegistered,
            data: ["commodityId": "gula", "name": "Gula", "unit": "kg"], field: "data.category", text: "is required"),
        Case(
            label: "missing price", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(["price": nil]), field: "data.price", text: "is required"),
        Case(
            label: "price type outside the list", stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
            data: report(["priceType": "farm-gate"]), field: "data.priceType", text: "must be one of retail, wholesale"),
        Case(
            label: "market kind outside the list", stream: "market-pasar-baru", type: MarketPricesEventType.marketRegistered,
            data: market(["kind": "mall"]), field: "data.kind", text: "must be one of traditional, modern, wholesale"),
    ]

    /// Markets pasar-kebon-roek, commodity beras-km1 and report `reportID`.
    static func setUp(_ t: TestStore) throws {
        guard let id = EventID(reportID) else { throw EventLogError(.invalidInput, "bad id") }
        try t.append(Sample.market(), Sample.commodity(), Sample.report(id))
    }

    @Test(arguments: cases) func refusedThroughTheStore(_ c: Case) throws {
        let t = try TestStore()
        try Self.setUp(t)
        let before = try t.store.stats()
        do {
            try t.append([try ProposedEvent(stream: c.stream, type: c.type, value: c.data)])
            Issue.record("appended: \(c.label)")
        } catch let e as EventLogError {
            #expect(e.code == .invalidInput, "\(e.message)")
            #expect(e.field == c.field, "\(e.message)")
            #expect(e.message.contains(c.text), "\(e.message)")
        }
        #expect(try t.store.stats() == before)
    }

    @Test(arguments: cases) func refusedByAdmitWithTheStateUnchanged(_ c: Case) throws {
        let rules = MarketPricesRules()
        try RuleGuard.withScratchState([rules]) {
            do {
                try rules.admit(DomainEvent(stream: c.stream, type: c.type, data: c.data, id: EventID.random()))
                Issue.record("admitted: \(c.label)")
            } catch let e as EventLogError {
                #expect(e.field == c.field, "\(e.message)")
                #expect(e.message.hasPrefix("\(c.field): "), "\(e.message)")
            }
            #expect(try rules.decisions.entries().isEmpty)
        }
    }

    @Test func theLimitsAreBytesInclusive() throws {
        let t = try TestStore()
        try Self.setUp(t)
        // 200 bytes (100 two-byte characters) and a 2000-byte reason pass; tabs and line breaks are
        // control characters, other Unicode is text.
        let fits = String(repeating: "é", count: 100)
        try t.append([
            try ProposedEvent(
                stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceReported,
                value: Self.report(["reporter": .string(fits)]))
        ])
        try t.append([
            try ProposedEvent(
                stream: "market-pasar-kebon-roek", type: MarketPricesEventType.priceCorrected,
                value: ["correctsEventId": .string(Self.reportID), "price": 11700, "reason": .string(String(repeating: "é", count: 1000))])
        ])
        try t.append([
            try ProposedEvent(
                stream: "market-pasar-ouenze", type: MarketPricesEventType.marketRegistered,
                value: Self.market(["marketId": "pasar-ouenze", "name": "Ouenzé — marché 市场"]))
        ])
        #expect(try t.store.stats().events == 6)
    }

    @Test func commandBodiesNameTheFieldAlone() {
        func refusal(_ name: String, _ body: JSONValue) -> EventLogError? {
            do {
                _ = try MarketPricesCommand.parse(name, body: body)
                return nil
            } catch {
                return error
            }
        }
        let report: [(key: String, value: JSONValue)] = [("marketId", "m"), ("commodityId", "c"), ("price", 1), ("reporter", "r")]
        for (name, body, field, text) in [
            ("report-price", .object(report + [("colour", "red")]), "colour", "is not a field"),
            ("report-price", .object(report + [("unit", "kg\t25")]), "unit", "must not contain control characters"),
            ("report-price", .object(report + [("source", .string(Self.longName))]), "source", "is 202 bytes, longer than the 200 allowed"),
            ("report-price", .object(report + [("priceType", "grosir")]), "priceType", "must be one of retail, wholesale"),
            ("register-commodity", ["name": "Gula", "unit": "kg"], "category", "is required"),
            ("register-market", ["name": "Pasar\u{0}", "kind": "modern"], "name", "must not contain control characters"),
            (
                "correct-price",
                ["correctsEventId": .string(Self.reportID), "price": 1, "reason": .string(String(repeating: "ü", count: 1001))], "reason",
                "longer than the 2000 allowed"
            ),
        ] as [(String, JSONValue, String, String)] {
            let e = refusal(name, body)
            #expect(e?.code == .invalidInput, "\(name) \(field)")
            #expect(e?.field == field, "\(e?.message ?? "accepted")")
            #expect(e?.message.hasPrefix("\(field): ") == true && e?.message.contains(text) == true, "\(e?.message ?? "accepted")")
        }
        // A body that is not an object.
        #expect(refusal("report-price", .array([.number(1)]))?.message == "body: must be a JSON object")
    }

    @Test func payloadsWriteWhatTheyRead() throws {
        let market = MarketRegistered(
            marketId: "wfp-cog-702-ouenze", name: "Ouenzé", kind: .traditional, latitude: -4.25, longitude: 15.28, admin1: "Brazzaville",
            country: "COG")
        // Absent optionals are left out, as before.
        #expect(
            market.json == [
                "marketId": "wfp-cog-702-ouenze", "name": "Ouenzé", "kind": "traditional", "latitude": -4.25, "longitude": 15.28,
                "admin1": "Brazzaville", "country": "COG",
            ])
        #expect(try MarketRegistered.read(market.json) == market)
        let report = PriceReported(
            marketId: "m", commodityId: "c", unit: "kg", price: Price(scaled: 110_502_500), observedOn: Sample.day, reporter: "r",
            source: "s")
        #expect(report.json["price"] == 11050.25)
        #expect(report.json["observedOn"] == "2018-08-06")
        #expect(try PriceReported.read(report.json) == report)
        let correction = PriceCorrected(correctsEventId: Self.reportID.uppercased(), price: Price(1), reason: "r")
        #expect(try PriceCorrected.read(correction.json) == correction)
        #expect(correction.correctedReport == Self.reportID)
    }

    /// The reader of plainly valid reports (without `Codable`, for the views) takes exactly what the
    /// strict reader takes, with the same value, and leaves everything else to it.
    @Test func thePlainReaderOfReportsAgreesWithTheStrictOne() {
        let changes: [[String: JSONValue?]] = [
            [:], ["price": 11800.5], ["price": 0.0001], ["price": -5], ["priceType": "wholesale"], ["currency": "USD"],
            ["unit": " kg "], ["reporter": .string(Self.longName)], ["source": .string(String(repeating: "s", count: 200))],
            // Refused (each leaves the plain reader for the strict one, which refuses it).
            ["price": 1.23456], ["price": 1e300], ["price": "11800"], ["price": nil], ["price": .null], ["currency": "idr"],
            ["currency": "IDRR"], ["priceType": "Retail"], ["priceType": 1], ["observedOn": "2018-02-30"], ["observedOn": "6/8/2018"],
            ["marketId": "pasar baru"], ["marketId": "-pasar"], ["marketId": .string(String(repeating: "m", count: 101))],
            ["commodityId": ""], ["unit": "   "], ["unit": "k\u{7}g"], ["reporter": "line\nbreak"],
            ["source": .string(String(repeating: "s", count: 201))], ["extra": "x"], ["unit": nil], ["reporter": .null],
            ["reporter": .string("Baiq \u{1F}")], ["source": .array(["a"])],
        ]
        var plain = 0
        for change in changes {
            let data = Self.report(change)
            let strict = try? PriceReported.read(data)
            let fast = PriceReported.plainlyValid(data)
            #expect(fast == strict, "\(change)")
            // Read from the bytes as the log stores them: the same.
            #expect(PriceReported.plainlyValid(bytes: CanonicalJSON.encode(data)) == strict, "\(change)")
            if fast != nil { plain += 1 }
        }
        #expect(plain == 8)
    }

    /// The reader of a report's stored bytes (the views' fast path) accepts only what the parser and
    /// the strict reader accept, with the same value: text it does not read plainly (escapes,
    /// whitespace, other number forms) it leaves to them, and it never reads a payload they refuse.
    @Test func theReaderOfStoredReportsNeverDisagreesWithTheParser() throws {
        let canonical = String(decoding: CanonicalJSON.encode(Self.report([:])), as: UTF8.self)
        #expect(PriceReported.plainlyValid(bytes: Array(canonical.utf8)) == (try PriceReported.read(Self.report([:]))))
        func variant(_ from: String, _ to: String) -> [UInt8] {
            #expect(canonical.contains(from), "\(from)")
            return Array(canonical.replacingOccurrences(of: from, with: to).utf8)
        }
        let priceText = "\"price\":11800"
        #expect(canonical.contains(priceText))
        let variants: [(String, [UInt8])] = [
            ("an escape in a string", variant("\"unit\":\"kg\"", "\"unit\":\"k\\u0067\"")),
            ("an escaped key", variant("\"unit\"", "\"\\u0075nit\"")),
            ("whitespace", variant(",\"unit\"", ", \"unit\"")),
            ("a leading zero", variant(priceText, "\"price\":011800")),
            ("an exponent", variant(priceText, "\"price\":1.18e4")),
            ("five fraction digits", variant(priceText, "\"price\":11800.00001")),
            ("a fraction", variant(priceText, "\"price\":11800.25")),
            ("a bare point", variant(priceText, "\"price\":11800.")),
            ("minus zero", variant(priceText, "\"price\":-0")),
            ("a price twice", variant(priceText, priceText + "," + priceText)),
            ("a member twice", variant("\"unit\":\"kg\"", "\"unit\":\"kg\",\"unit\":\"kg\"")),
            ("a tenth member", variant("\"unit\":\"kg\"", "\"unit\":\"kg\",\"zz\":\"x\"")),
            ("ill-formed UTF-8", variant("\"unit\":\"kg\"", "\"unit\":\"k\u{FFFD}g\"").map { $0 == 0xEF ? 0xC0 : $0 }),
            ("a raw control character", variant("\"unit\":\"kg\"", "\"unit\":\"k\u{7}g\"")),
            ("text after the object", Array((canonical + "}").utf8)),
            ("a trailing comma", variant(priceText, priceText + ",")),
            ("nested", variant(priceText, "\"price\":{\"v\":1}")),
        ]
        var plain: [String] = []
        for (name, bytes) in variants {
            let strict = (try? JSONParser.parse(bytes)).flatMap { try? PriceReported.read($0) }
            let fast = PriceReported.plainlyValid(bytes: bytes)
            if let fast {
                #expect(fast == strict, "\(name)")
                plain.append(name)
            }
        }
        // The two it reads plainly; the parser and the strict reader read the escapes, the
        // whitespace and the exponent too, and refuse the rest.
        #expect(plain == ["a fraction", "minus zero"], "\(plain)")
        #expect(
            variants.filter { (try? JSONParser.parse($0.1)).flatMap { try? PriceReported.read($0) } != nil }.map(\.0) == [
                "an escape in a string", "an escaped key", "whitespace", "an exponent", "a fraction", "minus zero",
            ])
    }

    /// The reader of stored reports keeps what it made of the members it met (`ReadMembers`): a
    /// report reads the same whether its members were met before or not, also when far more
    /// distinct values pass than it keeps (each slot then holds one value after another, and one
    /// member's value never stands for another member's or another value's), and a value refused
    /// once stays refused.
    @Test func membersMetBeforeReadTheSame() throws {
        var state: UInt64 = 2018
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        // Valid values and refused ones for every member, more of them than the reader keeps.
        func reporter(_ n: Int) -> JSONValue { n % 7 == 0 ? "   " : .string("Enumerator \(n)") }
        func market(_ n: Int) -> JSONValue { n % 5 == 0 ? .string("Pasar \(n)") : .string("pasar-\(n)") }
        func price(_ n: Int) -> JSONValue { n % 6 == 0 ? .number(Double(n) + 0.12345) : .number(Double(n) + 0.25) }
        func day(_ n: Int) -> JSONValue { n % 4 == 0 ? .string("2018-02-\(29 + n % 3)") : .string("2018-08-\(10 + n % 20)") }
        let reports: [[UInt8]] = (0..<12_000).map { _ in
            CanonicalJSON.encode(
                Self.report([
                    "reporter": reporter(next(9_000)), "marketId": market(next(3_000)), "commodityId": market(next(3_000)),
                    "price": price(next(6_000)), "observedOn": day(next(40)), "source": reporter(next(50)),
                    "unit": next(3) == 0 ? "liter" : "kg", "currency": next(10) == 0 ? "idr" : "IDR",
                    "priceType": next(4) == 0 ? "Retail" : "wholesale",
                ]))
        }
        let strict = reports.map { bytes in (try? JSONParser.parse(bytes)).flatMap { try? PriceReported.read($0) } }
        var read = 0
        var refused = 0
        // Twice: first mostly unmet values, then in another order, mostly met ones.
        for round in 0..<2 {
            var order = Array(reports.indices)
            if round == 1 { for i in order.indices.reversed() { order.swapAt(i, next(i + 1)) } }
            for i in order {
                let fast = PriceReported.plainlyValid(bytes: reports[i])
                #expect(fast == strict[i], "report \(i), round \(round)")
                if fast == nil { refused += 1 } else { read += 1 }
            }
        }
        // Both kinds are there (the test would pass vacuously otherwise).
        #expect(read > 1_000)
        #expect(refused > 1_000)
    }
}
