public import DomainKit
public import EventLog
import MataramReference
public import Regions

/// The decider of the prices domain: pure functions over the state of what one command touches
/// (a market, a commodity, a report), tested without storage. `MarketPricesRules` runs them for
/// every door into the log (an event is decided as the command that would make it), and
/// `MarketPricesCommand.decide` for commands.
///
/// Rules:
/// - a market registers once; its `kelurahanCode`, when given, is a desa/kelurahan of the area the
///   deployment serves (`--region`, `State.area`; Kota Mataram by default);
/// - a commodity registers once;
/// - a price report names a registered market and a registered commodity, and its price is > 0;
/// - a correction names an earlier `prices.price-reported` event of the same market (the market
///   of the stream it is on), and its price is > 0;
/// - a report through the API (`check`) that trips its commodity's review rule (`ReviewRule`) is
///   held (`prices.report-held`), not reported; a supervisor's decision names a held report of the
///   log not yet decided, and a rejection gives a reason code;
/// - a reference price names a registered commodity, in the commodity's unit, with an amount > 0,
///   `validUntil` (when given) not before `validFrom`, and a validity that does not overlap
///   another of the same commodity, kind, price type and region (`ReferencePeriod.overlaps`).
public enum PriceBook: Decider {
    /// What a command touches, loaded by the rules from their per-aggregate stores.
    public struct State: Sendable, Equatable {
        /// The registration of the market the command names (nil: not registered).
        public var market: MarketRegistered?
        /// The registration of the commodity the command names (nil: not registered).
        public var commodity: CommodityRegistered?
        /// The market of the report the command names (the corrected one, or the reported one
        /// once it is in the log); nil: no such report.
        public var reportMarket: String?
        /// The validity periods of the reference price series the command names, by first day.
        public var referencePeriods: [ReferencePeriod]
        /// The review rule of the commodity the command names (nil: `ReviewRule.standard`).
        public var rule: ReviewRule? = nil
        /// The market's published prices of the reported commodity and price type (the latest
        /// `recentLimit` days, at most `recentCount`).
        public var recent: [RecentPrice] = []
        /// The held report a review names, and what was decided on it.
        public var held: HeldReport? = nil
        /// The area the deployment serves: configuration the rules set, not folded from the log.
        public var area: ServiceArea = .mataram

        public init(
            market: MarketRegistered? = nil, commodity: CommodityRegistered? = nil, reportMarket: String? = nil,
            referencePeriods: [ReferencePeriod] = [], rule: ReviewRule? = nil, recent: [RecentPrice] = [], held: HeldReport? = nil
        ) {
            (self.market, self.commodity, self.reportMarket, self.referencePeriods) = (market, commodity, reportMarket, referencePeriods)
            (self.rule, self.recent, self.held) = (rule, recent, held)
        }

        /// Nothing registered, no report.
        public static let initial = State()
    }

    /// A held report as the rules keep it.
    public struct HeldReport: Codable, Sendable, Equatable {
        public var report: ReportHeld
        /// `approved` or `rejected` once decided.
        public var outcome: String?
    }

    /// How many days of published prices per market, commodity and price type the rules keep for the band.
    public static let recentLimit = 60
    /// At most this many of them, the latest: a series has one report a day, 60 in 60 days, so the
    /// bound only binds on a log that crowds many reports of a series into a day (the seeded
    /// scenario at a million events), which would otherwise read and write thousands per report.
    public static let recentCount = 64

    public typealias Command = MarketPricesCommand
    public typealias Event = PricesEvent

    public static let initial = State.initial

    /// The events `command` makes on `state`, or the rule it breaks (`.ruleViolation` naming the
    /// `data.` field and the values). The command's ids are made already (`MarketPricesCommand`
    /// makes a missing market or commodity id from the name, and fills `observedOn`); a report's
    /// unit is its commodity's when absent.
    public static func decide(_ command: MarketPricesCommand, _ state: State) throws(EventLogError) -> [PricesEvent] {
        switch command {
        case .registerMarket(let m):
            try requireID(m.marketId, "marketId")
            if let existing = state.market {
                throw violation("marketId", "market \(m.marketId) is already registered (as \(existing.name)); a market registers once")
            }
            if let code = m.kelurahanCode, !(state.area == .mataram && Mataram.kelurahan(code: code) != nil),
                let why = state.area.villageRefusal(code)
            {
                throw violation("kelurahanCode", why + "; leave it out for a market outside the area this service covers")
            }
            return [.marketRegistered(m)]

        case .registerCommodity(let c):
            try requireID(c.commodityId, "commodityId")
            if let existing = state.commodity {
                throw violation(
                    "commodityId", "commodity \(c.commodityId) is already registered (as \(existing.name)); a commodity registers once")
            }
            return [.commodityRegistered(c)]

        case .reportPrice(let r):
            guard let observedOn = r.observedOn else {
                throw EventLogError(.invalidInput, "observedOn: is required (a YYYY-MM-DD date)", field: "observedOn")
            }
            guard state.market != nil else {
                throw violation("marketId", "market \(r.marketId) is not registered; register it first (prices.market-registered)")
            }
            guard let commodity = state.commodity else {
                throw violation(
                    "commodityId", "commodity \(r.commodityId) is not registered; register it first (prices.commodity-registered)")
            }
            try checkPositive(r.price)
            let report = PriceReported(
                marketId: r.marketId, commodityId: r.commodityId, unit: r.unit ?? commodity.unit, price: r.price, currency: r.currency,
                priceType: r.priceType, observedOn: observedOn, reporter: r.reporter, source: r.source)
            if r.check {
                // A retried report (its id already published) is compared without itself: the same events again.
                let others = state.recent.filter { r.eventId == nil || $0.report != r.eventId }
                let found = (state.rule ?? .standard(r.commodityId)).check(price: r.price, on: observedOn, recent: others)
                if !found.reasons.isEmpty {
                    return [
                        .reportHeld(
                            id: r.eventId,
                            ReportHeld(report, reasons: found.reasons, median: found.median, lower: found.lower, upper: found.upper))
                    ]
                }
            }
            return [.priceReported(id: r.eventId, report)]

        case .holdReport(let id, let h):
            guard state.market != nil else { throw violation("marketId", "market \(h.marketId) is not registered") }
            guard state.commodity != nil else { throw violation("commodityId", "commodity \(h.commodityId) is not registered") }
            try checkPositive(h.report.price)
            guard !h.reasons.isEmpty else { throw violation("reasons", "a held report says why it is held (at least one reason)") }
            return [.reportHeld(id: id, h)]

        case .reviewReport(let r):
            guard let held = state.held else {
                throw violation("heldEventId", "\(r.heldEventId) is not the id of a held report (prices.report-held) in the log")
            }
            if let named = r.marketId, named != held.report.marketId {
                throw violation("heldEventId", "held report \(r.heldEventId) is of market \(held.report.marketId), not of market \(named)")
            }
            if let outcome = held.outcome {
                throw violation("heldEventId", "held report \(r.heldEventId) was \(outcome) already; a held report is decided once")
            }
            if !r.approve, r.reasonCode == nil {
                let codes = RejectionReason.allCases.map(\.rawValue).joined(separator: ", ")
                throw violation("reasonCode", "a rejection says why: one of \(codes)")
            }
            let review = ReportReview(
                heldEventId: r.heldEventId.description, marketId: held.report.marketId, reasonCode: r.reasonCode, reason: r.reason,
                supervisor: r.supervisor)
            return [r.approve ? .reportApproved(id: r.eventId, review) : .reportRejected(id: r.eventId, review)]

        case .setReviewRule(let rule):
            guard state.commodity != nil else {
                throw violation(
                    "commodityId", "commodity \(rule.commodityId) is not registered; register it first (prices.commodity-registered)")
            }
            return [.reviewRuleSet(rule)]

        case .correctPrice(let c):
            guard let market = state.reportMarket else {
                throw violation("correctsEventId", "\(c.correctsEventId) is not the id of a prices.price-reported event in the log")
            }
            if let named = c.marketId, named != market {
                throw violation("correctsEventId", "report \(c.correctsEventId) is of market \(market), not of market \(named)")
            }
            try checkPositive(c.price)
            return [
                .priceCorrected(
                    id: c.eventId, marketId: market,
                    PriceCorrected(correctsEventId: c.correctsEventId.description, price: c.price, reason: c.reason))
            ]

        case .setReferencePrice(var p):
            guard let commodity = state.commodity else {
                throw violation(
                    "commodityId", "commodity \(p.commodityId) is not registered; register it first (prices.commodity-registered)")
            }
            if p.unit.isEmpty { p.unit = commodity.unit }
            guard p.unit == commodity.unit else {
                throw violation(
                    "unit", "\(p.unit) is not the unit of \(commodity.name) (\(commodity.unit)); a reference price is per \(commodity.unit)"
                )
            }
            guard p.amount.scaled > 0 else { throw violation("amount", "\(p.amount) is not a price: it must be greater than 0") }
            if let until = p.validUntil, until < p.validFrom {
                throw violation("validUntil", "\(until) is before validFrom \(p.validFrom)")
            }
            if let other = state.referencePeriods.first(where: { $0.overlaps(from: p.validFrom, until: p.validUntil) }) {
                let span = "\(other.validFrom)" + (other.validUntil.map { " to \($0)" } ?? " on")
                throw violation(
                    "validFrom",
                    "the \(p.kind.rawValue) of \(p.commodityId) (\(p.priceType.rawValue), \(p.region ?? "national")) valid \(span) overlaps this one; a period may not overlap another of the same series"
                )
            }
            return [.referencePriceSet(p)]
        }
    }

    /// Applies an event already decided (or read from the log). Never fails; a second
    /// registration of a market or commodity changes nothing (the first one stands).
    public static func evolve(_ state: State, _ event: PricesEvent) -> State {
        var s = state
        switch event {
        case .marketRegistered(let m):
            if s.market == nil { s.market = m }
        case .commodityRegistered(let c):
            if s.commodity == nil { s.commodity = c }
        case .priceReported(let id, let r):
            if id != nil, s.reportMarket == nil { s.reportMarket = r.marketId }
            s.recent.append(RecentPrice(day: r.observedOn, price: r.price, report: id))
            s.recent.sort { $0.day < $1.day }
            if let last = s.recent.last?.day { s.recent.removeAll { last.days - $0.day.days >= recentLimit } }
            if s.recent.count > recentCount { s.recent.removeFirst(s.recent.count - recentCount) }
        case .reportHeld(let id, let h):
            if id != nil, s.held == nil { s.held = HeldReport(report: h, outcome: nil) }
        case .reportApproved:
            if s.held != nil, s.held?.outcome == nil { s.held?.outcome = "approved" }
        case .reportRejected:
            if s.held != nil, s.held?.outcome == nil { s.held?.outcome = "rejected" }
        case .reviewRuleSet(let r):
            s.rule = r
        case .priceCorrected:
            break
        case .referencePriceSet(let p):
            if !s.referencePeriods.contains(p.period) {
                s.referencePeriods.append(p.period)
                s.referencePeriods.sort { $0.validFrom < $1.validFrom }
            }
        }
        return s
    }

    static func checkPositive(_ price: Price) throws(EventLogError) {
        guard price.scaled > 0 else {
            throw violation("price", "\(price) is not a price: a price must be greater than 0")
        }
    }

    /// A registration reaches the decider with its id made; an empty one is a caller's error.
    static func requireID(_ id: String, _ field: String) throws(EventLogError) {
        if id.isEmpty { throw EventLogError(.invalidInput, "\(field): is required", field: field) }
    }

    static func violation(_ field: String, _ message: String) -> EventLogError {
        EventLogError(.ruleViolation, "data.\(field): \(message)", field: "data.\(field)")
    }
}
