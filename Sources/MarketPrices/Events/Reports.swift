public import DomainKit
import EventLog
import Foundation
public import JSON

/// `prices.price-reported` on `market-<marketId>`: the price of one unit of a commodity at a
/// market on a day. `price` is positive with at most 4 fraction digits, in `currency`
/// (ISO 4217, IDR for Mataram's markets).
public struct PriceReported: Payload, Equatable {
    public var marketId, commodityId, unit: String
    public var price: Price
    public var currency = "IDR"
    public var priceType = PriceType.retail
    public var observedOn: CivilDate
    public var reporter, source: String

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "marketId", "commodityId": .identifier
        case "price": PricesFields.price
        case "currency": PricesFields.currency
        case "observedOn": PricesFields.date
        case "priceType": nil
        default: PricesFields.text
        }
    }
}

/// `prices.price-corrected` on the market's stream: replaces the price of an earlier
/// `prices.price-reported` event of the same market (named by its event id) in every view.
/// The original report stays in the log.
public struct PriceCorrected: Payload, Equatable {
    /// The event id of the corrected report, as written (a UUID; see `correctedReport`).
    public var correctsEventId: String
    public var price: Price
    public var reason: String

    /// The corrected report's id in lower case, as views key reports.
    public var correctedReport: String { correctsEventId.lowercased() }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "correctsEventId": PricesFields.eventID
        case "price": PricesFields.price
        default: PricesFields.reason
        }
    }
}

extension PriceReported {
    /// The payload when it is plainly one a strict `read` accepts: an object of exactly the nine
    /// members, each passing every check `read` makes (its field's rule, the string limits, the
    /// number policy), read without `Codable`'s containers (a price report is most of a large
    /// log). Nil for anything else, which the caller leaves to `read` (and its refusals): this
    /// never refuses what `read` accepts, and never accepts what it refuses.
    static func plainlyValid(_ value: JSONValue) -> PriceReported? {
        guard case .object(let members) = value, members.count == 9 else { return nil }
        var marketId: String? = nil
        var commodityId: String? = nil
        var unit: String? = nil
        var currency: String? = nil
        var reporter: String? = nil
        var source: String? = nil
        var price: Price? = nil
        var priceType: PriceType? = nil
        var observedOn: CivilDate? = nil
        // The parser refuses repeated members, so nine members matching nine names are all of them.
        for (key, v) in members {
            switch key.utf8.count {
            case 4 where key.utf8.elementsEqual("unit".utf8): unit = PlainField.string(v, rules.unit)
            case 5 where key.utf8.elementsEqual("price".utf8): price = PlainField.price(v)
            case 6 where key.utf8.elementsEqual("source".utf8): source = PlainField.string(v, rules.source)
            case 8 where key.utf8.elementsEqual("marketId".utf8): marketId = PlainField.string(v, rules.marketId)
            case 8 where key.utf8.elementsEqual("currency".utf8): currency = PlainField.string(v, rules.currency)
            case 8 where key.utf8.elementsEqual("reporter".utf8): reporter = PlainField.string(v, rules.reporter)
            case 9 where key.utf8.elementsEqual("priceType".utf8): priceType = v.stringValue.flatMap(PriceType.init(rawValue:))
            case 10 where key.utf8.elementsEqual("observedOn".utf8):
                observedOn = PlainField.string(v, rules.observedOn).flatMap { CivilDate($0) }
            case 11 where key.utf8.elementsEqual("commodityId".utf8): commodityId = PlainField.string(v, rules.commodityId)
            default: return nil
            }
        }
        guard let marketId, let commodityId, let unit, let price, let currency, let priceType, let observedOn, let reporter, let source
        else { return nil }
        return PriceReported(
            marketId: marketId, commodityId: commodityId, unit: unit, price: price, currency: currency, priceType: priceType,
            observedOn: observedOn, reporter: reporter, source: source)
    }
}

extension PriceReported {
    /// As `plainlyValid(_:)`, straight from the payload's bytes as the log stores them, without
    /// parsing them into a `JSONValue` first: an object of exactly the nine members, no
    /// whitespace, strings without escapes, the price a plain decimal of at most 4 fraction
    /// digits. Nil for anything else (the caller parses it and asks `plainlyValid(_:)`, then
    /// `read`). What this reads, `JSONParser` reads alike (valid UTF-8, no control character, no
    /// member twice, a number rounded as `strtod`), and each field passes the same checks as in
    /// `plainlyValid(_:)`: this too never accepts what `read` refuses.
    /// The rules of the string fields, looked up once (`rule(forKey:)`).
    private static let rules = (
        marketId: rule(forKey: "marketId"), commodityId: rule(forKey: "commodityId"), unit: rule(forKey: "unit"),
        currency: rule(forKey: "currency"), observedOn: rule(forKey: "observedOn"), reporter: rule(forKey: "reporter"),
        source: rule(forKey: "source")
    )

    static func plainlyValid(bytes: [UInt8]) -> PriceReported? {
        bytes.withUnsafeBufferPointer { p -> PriceReported? in
            let n = p.count
            guard n > 2, p[0] == UInt8(ascii: "{"), p[n - 1] == UInt8(ascii: "}") else { return nil }
            var i = 1
            var marketId: String? = nil
            var commodityId: String? = nil
            var unit: String? = nil
            var currency: String? = nil
            var reporter: String? = nil
            var source: String? = nil
            var price: Price? = nil
            var priceType: PriceType? = nil
            var observedOn: CivilDate? = nil
            var members = 0
            /// The bytes of the string starting at `i` (a quote), without its quotes; nil when it
            /// holds an escape or a control character, or ends early.
            func string() -> UnsafeBufferPointer<UInt8>? {
                guard i < n, p[i] == UInt8(ascii: "\"") else { return nil }
                let start = i + 1
                var j = start
                while j < n {
                    let b = p[j]
                    if b == UInt8(ascii: "\"") {
                        i = j + 1
                        return UnsafeBufferPointer(rebasing: p[start..<j])
                    }
                    if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
                    j += 1
                }
                return nil
            }
            func text() -> String? { string().flatMap { String(validating: $0, as: UTF8.self) } }
            /// Reads a string member into `slot`, checked by `rule`; false when the payload is not
            /// plainly valid (the member twice, or a string the field does not take plainly).
            func string(into slot: inout String?, _ rule: JSONFieldRule?) -> Bool {
                guard slot == nil, let s = text(), let checked = PlainField.string(text: s, rule) else { return false }
                slot = checked
                return true
            }
            while true {
                guard let key = string(), i < n, p[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                members += 1
                func named(_ name: StaticString) -> Bool {
                    key.count == name.utf8CodeUnitCount && memcmp(key.baseAddress!, name.utf8Start, key.count) == 0
                }
                if named("price") {
                    let start = i
                    if i < n, p[i] == UInt8(ascii: "-") { i += 1 }
                    let digits = i
                    while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
                    // No leading zero (JSON refuses it), at least one digit.
                    guard i > digits, p[digits] != 0x30 || i == digits + 1 else { return nil }
                    if i < n, p[i] == UInt8(ascii: ".") {
                        i += 1
                        let fraction = i
                        while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
                        guard i > fraction, i - fraction <= 4 else { return nil }
                    }
                    guard i - start <= 20, price == nil,
                        let d = Double(String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self))
                    else { return nil }
                    price = PlainField.price(.number(d))
                    if price == nil { return nil }
                } else if named("unit") {
                    guard string(into: &unit, rules.unit) else { return nil }
                } else if named("source") {
                    guard string(into: &source, rules.source) else { return nil }
                } else if named("marketId") {
                    guard string(into: &marketId, rules.marketId) else { return nil }
                } else if named("currency") {
                    guard string(into: &currency, rules.currency) else { return nil }
                } else if named("reporter") {
                    guard string(into: &reporter, rules.reporter) else { return nil }
                } else if named("commodityId") {
                    guard string(into: &commodityId, rules.commodityId) else { return nil }
                } else if named("priceType") {
                    guard priceType == nil, let s = text(), let type = PriceType(rawValue: s) else { return nil }
                    priceType = type
                } else if named("observedOn") {
                    var written: String? = nil
                    guard observedOn == nil, string(into: &written, rules.observedOn), let day = written.flatMap({ CivilDate($0) }) else {
                        return nil
                    }
                    observedOn = day
                } else {
                    return nil
                }
                guard i < n else { return nil }
                if p[i] == UInt8(ascii: "}") { break }
                guard p[i] == UInt8(ascii: ",") else { return nil }
                i += 1
            }
            guard i == n - 1, members == 9, let marketId, let commodityId, let unit, let price, let currency, let priceType,
                let observedOn, let reporter, let source
            else { return nil }
            return PriceReported(
                marketId: marketId, commodityId: commodityId, unit: unit, price: price, currency: currency, priceType: priceType,
                observedOn: observedOn, reporter: reporter, source: source)
        }
    }
}

/// The checks `JSONValueDecoder` makes of a payload's string or price field, for readers that
/// take a plainly valid payload without `Codable` (nil: not plainly valid; let the decoder say why).
enum PlainField {
    /// A string the decoder reads for a field with `rule`: not only whitespace (unless the rule
    /// allows empty text), within its byte limit (the rule's, else 200), no control character,
    /// and passing the rule's own check.
    static func string(_ value: JSONValue, _ rule: JSONFieldRule?) -> String? {
        guard case .string(let s) = value else { return nil }
        return string(text: s, rule)
    }

    /// As `string(_:_:)`, for the text of a JSON string.
    static func string(text s: String, _ rule: JSONFieldRule?) -> String? {
        let utf8 = s.utf8
        if utf8.count > (rule?.maxBytes ?? 200) { return nil }
        if utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return nil }
        if !(rule?.allowEmpty ?? false) && !Self.startsWithPrintableASCII(utf8) && s.allSatisfy(\.isWhitespace) { return nil }
        if let check = rule?.checkString, check(s) != nil { return nil }
        return s
    }

    /// Whether the text starts with an ASCII character that is not whitespace: then its first
    /// character (whose first scalar it is) is not whitespace, and the text is not only
    /// whitespace, which is known without breaking it into characters.
    static func startsWithPrintableASCII(_ utf8: String.UTF8View) -> Bool {
        guard let first = utf8.first else { return false }
        return first > 0x20 && first < 0x7F
    }

    /// A price as the decoder reads it: a number the payload policy allows, passing the price
    /// rule, with at most 4 fraction digits within the limit.
    static func price(_ value: JSONValue) -> Price? {
        guard case .number(let d) = value, PayloadPolicy.refusalReason(for: d) == nil else { return nil }
        if let check = PricesFields.price.checkNumber, check(d) != nil { return nil }
        return Price(exactly: d)
    }
}
