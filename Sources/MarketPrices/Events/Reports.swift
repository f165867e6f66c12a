public import DomainKit
import EventLog
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
            case 4 where key.utf8.elementsEqual("unit".utf8): unit = PlainField.string(v, rule(forKey: "unit"))
            case 5 where key.utf8.elementsEqual("price".utf8): price = PlainField.price(v)
            case 6 where key.utf8.elementsEqual("source".utf8): source = PlainField.string(v, rule(forKey: "source"))
            case 8 where key.utf8.elementsEqual("marketId".utf8): marketId = PlainField.string(v, rule(forKey: "marketId"))
            case 8 where key.utf8.elementsEqual("currency".utf8): currency = PlainField.string(v, rule(forKey: "currency"))
            case 8 where key.utf8.elementsEqual("reporter".utf8): reporter = PlainField.string(v, rule(forKey: "reporter"))
            case 9 where key.utf8.elementsEqual("priceType".utf8): priceType = v.stringValue.flatMap(PriceType.init(rawValue:))
            case 10 where key.utf8.elementsEqual("observedOn".utf8):
                observedOn = PlainField.string(v, rule(forKey: "observedOn")).flatMap { CivilDate($0) }
            case 11 where key.utf8.elementsEqual("commodityId".utf8): commodityId = PlainField.string(v, rule(forKey: "commodityId"))
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

/// The checks `JSONValueDecoder` makes of a payload's string or price field, for readers that
/// take a plainly valid payload without `Codable` (nil: not plainly valid; let the decoder say why).
enum PlainField {
    /// A string the decoder reads for a field with `rule`: not only whitespace (unless the rule
    /// allows empty text), within its byte limit (the rule's, else 200), no control character,
    /// and passing the rule's own check.
    static func string(_ value: JSONValue, _ rule: JSONFieldRule?) -> String? {
        guard case .string(let s) = value else { return nil }
        let utf8 = s.utf8
        if utf8.count > (rule?.maxBytes ?? 200) { return nil }
        if utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return nil }
        if !(rule?.allowEmpty ?? false) && s.allSatisfy(\.isWhitespace) { return nil }
        if let check = rule?.checkString, check(s) != nil { return nil }
        return s
    }

    /// A price as the decoder reads it: a number the payload policy allows, passing the price
    /// rule, with at most 4 fraction digits within the limit.
    static func price(_ value: JSONValue) -> Price? {
        guard case .number(let d) = value, PayloadPolicy.refusalReason(for: d) == nil else { return nil }
        if let check = PricesFields.price.checkNumber, check(d) != nil { return nil }
        return Price(exactly: d)
    }
}
