public import DomainKit
public import EventLog
public import JSON

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
public enum MarketPricesCommand: RuledCommand, Sendable, Equatable {
    /// `marketId` empty: made from the name.
    case registerMarket(MarketRegistered)
    /// `commodityId` empty: made from the name.
    case registerCommodity(CommodityRegistered)
    case reportPrice(ReportPrice)
    case correctPrice(CorrectPrice)
    /// `unit` empty: the commodity's.
    case setReferencePrice(ReferencePriceSet)
    /// A held report as the log has it (never an API command: a checked report becomes one).
    case holdReport(id: EventID?, ReportHeld)
    /// A supervisor's approval or rejection of a held report.
    case reviewReport(ReviewReport)
    case setReviewRule(ReviewRule)

    /// A supervisor's decision as a command: `approve` publishes the held report `heldEventId`
    /// (the command writes its `prices.price-reported` beside the approval), else rejects it
    /// (`reasonCode` required).
    public struct ReviewReport: Sendable, Equatable {
        public var approve: Bool
        public var eventId: EventID? = nil
        public var heldEventId: EventID
        /// The held report's market (checked when given; the held report's when not).
        public var marketId: String?
        public var reasonCode: RejectionReason?
        public var reason: String?
        public var supervisor: String
    }

    /// A price report as a command (made by `parse`, or in the module by its memberwise
    /// initializer): an absent `unit` is the commodity's, an absent `observedOn` the day of the
    /// command in Mataram, an absent `eventId` a new id.
    public struct ReportPrice: Sendable, Equatable {
        public var eventId: EventID? = nil
        public var marketId, commodityId: String
        public var unit: String? = nil
        public var price: Price
        public var currency = "IDR"
        public var priceType = PriceType.retail
        public var observedOn: CivilDate? = nil
        public var reporter: String
        public var source = MarketPricesCommand.defaultSource
        /// Whether the commodity's review rule is applied (a report through the API or a screen):
        /// one that trips it becomes `prices.report-held`. False for a report from the log.
        public var check = false
    }

    /// A correction as a command: the market is the corrected report's (`marketId`, when given,
    /// must be it).
    public struct CorrectPrice: Sendable, Equatable {
        public var eventId: EventID? = nil
        public var correctsEventId: EventID
        public var marketId: String? = nil
        public var price: Price
        public var reason: String
    }

    /// `source` of a report made through the API when the body names none.
    public static let defaultSource = "api"

    /// The command names, as the routes use them.
    public static let names = [
        "register-market", "register-commodity", "report-price", "correct-price", "set-reference-price", "approve-report",
        "reject-report", "set-review-rule",
    ]

    public var name: String {
        switch self {
        case .registerMarket: "register-market"
        case .registerCommodity: "register-commodity"
        case .reportPrice: "report-price"
        case .correctPrice: "correct-price"
        case .setReferencePrice: "set-reference-price"
        case .holdReport: "hold-report"
        case .reviewReport(let r): r.approve ? "approve-report" : "reject-report"
        case .setReviewRule: "set-review-rule"
        }
    }

    /// Reads command `name` from an HTTP body (its command-body type, read strictly). Throws
    /// `.invalidInput` naming the field (the body's field names, e.g. `price: must be a number`),
    /// or naming `command` for an unknown name.
    public static func parse(_ name: String, body: JSONValue) throws(EventLogError) -> MarketPricesCommand {
        switch name {
        case "register-market": return .registerMarket(try read(RegisterMarketBody.self, body).registration)
        case "register-commodity": return .registerCommodity(try read(RegisterCommodityBody.self, body).registration)
        case "report-price": return .reportPrice(try read(ReportPriceBody.self, body).command)
        case "correct-price": return .correctPrice(try read(CorrectPriceBody.self, body).command())
        case "set-reference-price": return .setReferencePrice(try read(SetReferencePriceBody.self, body).payload)
        case "approve-report", "reject-report":
            return .reviewReport(try read(ReviewReportBody.self, body).command(approve: name == "approve-report"))
        case "set-review-rule": return .setReviewRule(try read(ReviewRule.self, body))
        default:
            throw EventLogError(
                .invalidInput, "command: \(name) is not a command of the prices domain (\(names.joined(separator: ", ")))",
                field: "command")
        }
    }

    /// A body of type `T`: a JSON object whose fields are named alone in errors.
    private static func read<T: Payload>(_ type: T.Type, _ body: JSONValue) throws(EventLogError) -> T {
        guard case .object = body else { throw EventLogError(.invalidInput, "body: must be a JSON object") }
        return try T.read(body, root: "")
    }

    /// Decides `command` on the rules' current state (call it inside `RuleGuard.withCurrentState`):
    /// makes the ids that are absent (a market's or commodity's from its name: `Pasar Kebon Roek`
    /// -> `pasar-kebon-roek`, then `-2`, `-3`, ... when taken), fills `observedOn` (the day of
    /// `now` in WITA, UTC+8), runs the decider, and returns the events with `occurredAt = now` and
    /// a new event id where the command names none. Throws `.invalidInput` or `.ruleViolation`
    /// naming the field; nothing is written either way.
    public static func decide(_ command: MarketPricesCommand, rules: MarketPricesRules, now: Timestamp) throws(EventLogError) -> Decision {
        var command = command
        switch command {
        case .registerMarket(var m) where m.marketId.isEmpty:
            m.marketId = try freeID(Slug.make(m.name)) { id throws(EventLogError) in try rules.market(id) != nil }
            command = .registerMarket(m)
        case .registerCommodity(var c) where c.commodityId.isEmpty:
            c.commodityId = try freeID(Slug.make(c.name)) { id throws(EventLogError) in try rules.commodity(id) != nil }
            command = .registerCommodity(c)
        case .reportPrice(var r) where r.observedOn == nil:
            r.observedOn = CivilDate(now, offsetHours: CivilDate.witaOffsetHours)
            command = .reportPrice(r)
        default:
            break
        }
        var decided = try rules.decide(command)
        // An approval publishes the held report: its `prices.price-reported`, beside the approval.
        if case .reviewReport(let r) = command, r.approve, let held = try rules.held(r.heldEventId) {
            decided.append(.priceReported(id: ReportReview.publishedID(of: r.heldEventId), held.report.report))
        }
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
            case .referencePriceSet(let p):
                ids["commodityId"] = p.commodityId
            case .reviewRuleSet(let r):
                ids["commodityId"] = r.commodityId
            case .reportHeld(_, let h):
                ids["marketId"] = h.marketId
                ids["commodityId"] = h.commodityId
                ids["review"] = "held"
                ids["reasons"] = h.reasons.map(\.rawValue).joined(separator: ",")
            case .reportApproved(_, let r), .reportRejected(_, let r):
                ids["marketId"] = r.marketId
                ids["heldEventId"] = r.heldEventId
            }
            if case .reportApproved = event { ids["reviewEventId"] = id.description }
            if case .reportRejected = event { ids["reviewEventId"] = id.description }
            if case .priceReported = event, case .reviewReport = command { ids["publishedEventId"] = id.description }
        }
        return Decision(events: events, ids: ids)
    }

    /// `base`, or `base-2`, `base-3`, ... : the first that is not taken.
    static func freeID(_ base: String, taken: (String) throws(EventLogError) -> Bool) throws(EventLogError) -> String {
        let root = base.isEmpty ? "id" : base
        if try !taken(root) { return root }
        var n = 2
        while try taken("\(root)-\(n)") { n += 1 }
        return "\(root)-\(n)"
    }
}
