import DomainKit
import EventLog
import JSON

/// The write side of the prices domain for the HTTP API: one case per command.
///
/// Command names and bodies (the body carries the event's data fields):
/// - `register-market`: `marketId?`, `name`, `kind`, `kelurahanCode?`, `latitude?`, `longitude?`,
///   `admin1?`, `admin2?`, `country?`. The id is made from the name when absent.
/// - `register-commodity`: `commodityId?`, `name`, `category`, `unit`.
/// - `report-price`: `marketId`, `commodityId`, `price`, `unit?` (the commodity's), `currency?`
///   (`IDR`), `priceType?` (`retail`), `observedOn?` (today in Mataram, WITA), `reporter`,
///   `source?` (`api`), `eventId?` (the client's id for an idempotent retry).
/// - `correct-price`: `correctsEventId`, `price`, `reason`, `marketId?` (checked when given),
///   `eventId?`.
public enum MarketPricesCommand: Sendable, Equatable {
    /// `marketId` empty: made from the name.
    case registerMarket(MarketRegistered)
    /// `commodityId` empty: made from the name.
    case registerCommodity(CommodityRegistered)
    case reportPrice(ReportPrice)
    case correctPrice(CorrectPrice)

    /// A price report as a command: optional fields take their defaults in `decide`.
    public struct ReportPrice: Sendable, Equatable {
        public var eventId: EventID?
        public var marketId: String
        public var commodityId: String
        public var unit: String?
        public var price: Price
        public var currency: String
        public var priceType: PriceType
        public var observedOn: CivilDate?
        public var reporter: String
        public var source: String

        public init(
            eventId: EventID? = nil, marketId: String, commodityId: String, unit: String? = nil, price: Price,
            currency: String = "IDR", priceType: PriceType = .retail, observedOn: CivilDate? = nil, reporter: String,
            source: String = MarketPricesCommand.defaultSource
        ) {
            self.eventId = eventId
            self.marketId = marketId
            self.commodityId = commodityId
            self.unit = unit
            self.price = price
            self.currency = currency
            self.priceType = priceType
            self.observedOn = observedOn
            self.reporter = reporter
            self.source = source
        }
    }

    /// A correction as a command: the market is the corrected report's.
    public struct CorrectPrice: Sendable, Equatable {
        public var eventId: EventID?
        public var correctsEventId: EventID
        public var marketId: String?
        public var price: Price
        public var reason: String

        public init(eventId: EventID? = nil, correctsEventId: EventID, marketId: String? = nil, price: Price, reason: String) {
            self.eventId = eventId
            self.correctsEventId = correctsEventId
            self.marketId = marketId
            self.price = price
            self.reason = reason
        }
    }

    /// What a command decided: the events to append (one request, atomic), the ids made or used
    /// (`marketId`, `commodityId`, `eventId`, `correctsEventId`) and secrets (none in this domain).
    public struct Decision: Sendable {
        public let events: [ProposedEvent]
        public let ids: [String: String]
        public let secrets: [String: String]
    }

    /// `source` of a report made through the API when the body names none.
    public static let defaultSource = "api"

    /// The command names, as the routes use them.
    public static let names = ["register-market", "register-commodity", "report-price", "correct-price"]

    public var name: String {
        switch self {
        case .registerMarket: "register-market"
        case .registerCommodity: "register-commodity"
        case .reportPrice: "report-price"
        case .correctPrice: "correct-price"
        }
    }

    /// Reads command `name` from an HTTP body. Throws `.invalidInput` naming the field (the body's
    /// field names, e.g. `price: must be a number`), or naming `command` for an unknown name.
    public static func parse(_ name: String, body: JSONValue) throws(EventLogError) -> MarketPricesCommand {
        switch name {
        case "register-market":
            return .registerMarket(try MarketRegistered.parse(body, prefix: "", idRequired: false))
        case "register-commodity":
            return .registerCommodity(try CommodityRegistered.parse(body, prefix: "", idRequired: false))
        case "report-price":
            let r = try PayloadReader(body, prefix: "", allowed: PriceReported.fields.union(["eventId"]), schema: "report-price")
            return .reportPrice(
                ReportPrice(
                    eventId: try r.optionalEventID("eventId"), marketId: try r.identifier("marketId"),
                    commodityId: try r.identifier("commodityId"), unit: try r.optionalText("unit"), price: try r.price("price"),
                    currency: try r.optionalCurrency("currency") ?? "IDR",
                    priceType: try r.optionalEnum("priceType", PriceType.self) ?? .retail,
                    observedOn: try r.optionalDate("observedOn"), reporter: try r.text("reporter"),
                    source: try r.optionalText("source") ?? defaultSource))
        case "correct-price":
            let r = try PayloadReader(
                body, prefix: "", allowed: PriceCorrected.fields.union(["eventId", "marketId"]), schema: "correct-price")
            return .correctPrice(
                CorrectPrice(
                    eventId: try r.optionalEventID("eventId"), correctsEventId: try r.eventID("correctsEventId"),
                    marketId: try r.optionalIdentifier("marketId"), price: try r.price("price"),
                    reason: try r.text("reason", max: PayloadReader.maxReason)))
        default:
            throw EventLogError(
                .invalidInput, "command: \(name) is not a command of the prices domain (\(names.joined(separator: ", ")))",
                field: "command")
        }
    }

    /// Decides `command` on the rules' current state (call it inside `RuleGuard.withCurrentState`):
    /// fills the defaults (`observedOn` = the day of `now` in WITA, UTC+8), makes the ids that are
    /// absent, checks the rules, and returns the events with `occurredAt = now`. Throws
    /// `.invalidInput` or `.ruleViolation` naming the field; nothing is written either way.
    public static func decide(_ command: MarketPricesCommand, rules: MarketPricesRules, now: Timestamp) throws(EventLogError) -> Decision {
        var command = command
        if case .reportPrice(var r) = command, r.observedOn == nil {
            r.observedOn = CivilDate(now, offsetHours: 8)
            command = .reportPrice(r)
        }
        let decided = try PriceBook.decide(command, rules.state)
        var events: [ProposedEvent] = []
        var ids: [String: String] = [:]
        for event in decided {
            let id = event.id ?? EventID.random()
            events.append(try event.proposed(id: id, occurredAt: now))
            ids["eventId"] = id.description
            switch event {
            case .marketRegistered(let m):
                ids["marketId"] = m.marketId
            case .commodityRegistered(let c):
                ids["commodityId"] = c.commodityId
            case .priceReported(_, let r):
                ids["marketId"] = r.marketId
                ids["commodityId"] = r.commodityId
            case .priceCorrected(_, let marketId, let c):
                ids["marketId"] = marketId
                ids["correctsEventId"] = c.correctsEventId
            }
        }
        return Decision(events: events, ids: ids, secrets: [:])
    }
}
