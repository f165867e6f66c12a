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
