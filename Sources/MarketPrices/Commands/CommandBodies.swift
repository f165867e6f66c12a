import DomainKit
import EventLog
import JSON

// The bodies of the prices commands: each an event's data fields, with the fields the server
// may fill left optional. Read by `Payload.read(body, root: "")`, with the rules of the event's
// fields.

/// `register-market`: a market's registration whose `marketId` may be absent (made from the name).
struct RegisterMarketBody: Payload {
    var marketId: String?
    var name: String
    var kind: MarketKind
    var kelurahanCode: String?
    var latitude, longitude: Double?
    var admin1, admin2, country: String?

    static func rule(forKey key: String) -> JSONFieldRule? { MarketRegistered.rule(forKey: key) }

    /// The registration; an empty `marketId` is made by `MarketPricesCommand.decide`.
    var registration: MarketRegistered {
        MarketRegistered(
            marketId: marketId ?? "", name: name, kind: kind, kelurahanCode: kelurahanCode, latitude: latitude, longitude: longitude,
            admin1: admin1, admin2: admin2, country: country)
    }
}

/// `register-commodity`: a commodity's registration whose `commodityId` may be absent.
struct RegisterCommodityBody: Payload {
    var commodityId: String?
    var name, category, unit: String

    static func rule(forKey key: String) -> JSONFieldRule? { CommodityRegistered.rule(forKey: key) }

    var registration: CommodityRegistered {
        CommodityRegistered(commodityId: commodityId ?? "", name: name, category: category, unit: unit)
    }
}

/// `report-price`: a report whose optional fields take their defaults (see `ReportPrice`), and
/// `eventId`, the client's id for an idempotent retry.
struct ReportPriceBody: Payload {
    var eventId: String?
    var marketId, commodityId: String
    var unit: String?
    var price: Price
    var currency: String?
    var priceType: PriceType?
    var observedOn: CivilDate?
    var reporter: String
    var source: String?

    static func rule(forKey key: String) -> JSONFieldRule? {
        key == "eventId" ? PricesFields.eventID : PriceReported.rule(forKey: key)
    }

    /// The report as a command, checked against its commodity's review rule.
    var command: MarketPricesCommand.ReportPrice {
        MarketPricesCommand.ReportPrice(
            eventId: eventId.flatMap { EventID($0) }, marketId: marketId, commodityId: commodityId, unit: unit, price: price,
            currency: currency ?? "IDR", priceType: priceType ?? .retail, observedOn: observedOn, reporter: reporter,
            source: source ?? MarketPricesCommand.defaultSource, check: true)
    }
}

/// `correct-price`: a correction, `marketId` (checked when given) and `eventId`.
struct CorrectPriceBody: Payload {
    var eventId: String?
    var correctsEventId: String
    var marketId: String?
    var price: Price
    var reason: String

    static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "eventId": PricesFields.eventID
        case "marketId": .identifier
        default: PriceCorrected.rule(forKey: key)
        }
    }

    /// The command (`correctsEventId` is a UUID: its rule was checked when the body was read).
    func command() throws(EventLogError) -> MarketPricesCommand.CorrectPrice {
        guard let corrected = EventID(correctsEventId) else {
            throw EventLogError(.invalidInput, "correctsEventId: must be an event id", field: "correctsEventId")
        }
        return MarketPricesCommand.CorrectPrice(
            eventId: eventId.flatMap { EventID($0) }, correctsEventId: corrected, marketId: marketId, price: price, reason: reason)
    }
}

/// Body of `set-reference-price`: the event's fields; `priceType` defaults to `retail`, `currency`
/// to `IDR`, `unit` to the commodity's.
struct SetReferencePriceBody: Payload {
    var commodityId: String
    var kind: ReferenceKind
    var priceType: PriceType?
    var region, currency, unit: String?
    var amount: Price
    var validFrom: CivilDate
    var validUntil: CivilDate?
    var source: String

    static func rule(forKey key: String) -> JSONFieldRule? { ReferencePriceSet.rule(forKey: key) }

    var payload: ReferencePriceSet {
        ReferencePriceSet(
            commodityId: commodityId, kind: kind, priceType: priceType ?? .retail, region: region, amount: amount,
            currency: currency ?? "IDR", unit: unit ?? "", validFrom: validFrom, validUntil: validUntil, source: source)
    }
}

/// `approve-report` / `reject-report`: `heldEventId`, `supervisor`, `reasonCode?` (required to
/// reject), `reason?`, `marketId?` (checked when given), `eventId?`.
struct ReviewReportBody: Payload {
    var eventId: String?
    var heldEventId: String
    var marketId: String?
    var reasonCode: RejectionReason?
    var reason: String?
    var supervisor: String

    static func rule(forKey key: String) -> JSONFieldRule? {
        key == "eventId" ? PricesFields.eventID : ReportReview.rule(forKey: key)
    }

    func command(approve: Bool) -> MarketPricesCommand.ReviewReport {
        MarketPricesCommand.ReviewReport(
            approve: approve, eventId: eventId.flatMap { EventID($0) }, heldEventId: EventID(heldEventId) ?? EventID(high: 0, low: 0),
            marketId: marketId, reasonCode: reasonCode, reason: reason, supervisor: supervisor)
    }
}
