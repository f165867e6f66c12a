import EventLog
import MataramReference

/// The decider of the prices domain (pure, no storage): the decision state folded from
/// `prices.*` events, the rules every event must pass, and the commands' decisions.
///
/// Rules (DESIGN section 7):
/// - a market registers once; its `kelurahanCode`, when given, is a kelurahan of Kota Mataram;
/// - a commodity registers once;
/// - a price report names a registered market and a registered commodity, and its price is > 0;
/// - a correction names an earlier `prices.price-reported` event of the same market (the market
///   of the stream it is on), and its price is > 0.
public enum PriceBook {
    /// What the rules need to know: registered markets and commodities, and which market each
    /// price report (by event id) belongs to.
    public struct State: Sendable {
        public private(set) var markets: [String: MarketRegistered] = [:]
        public private(set) var commodities: [String: CommodityRegistered] = [:]
        /// Market ids interned, so that a report costs a few bytes.
        private var marketIndex: [String: Int32] = [:]
        private var marketIds: [String] = []
        private var reports: [EventID: Int32] = [:]

        public init() {}

        /// The market of price report `id`, if it is a report this state has seen.
        public func market(ofReport id: EventID) -> String? {
            reports[id].map { marketIds[Int($0)] }
        }

        public var reportCount: Int { reports.count }

        /// How to undo one `apply`.
        enum Undo {
            case none
            case market(String)
            case commodity(String)
            case report(EventID)
        }

        /// Applies an event (no check) and says how to undo it.
        mutating func apply(_ event: PricesEvent) -> Undo {
            switch event {
            case .marketRegistered(let m):
                guard markets[m.marketId] == nil else { return .none }
                markets[m.marketId] = m
                return .market(m.marketId)
            case .commodityRegistered(let c):
                guard commodities[c.commodityId] == nil else { return .none }
                commodities[c.commodityId] = c
                return .commodity(c.commodityId)
            case .priceReported(let id, let r):
                guard let id, reports[id] == nil else { return .none }
                let index: Int32
                if let i = marketIndex[r.marketId] {
                    index = i
                } else {
                    index = Int32(marketIds.count)
                    marketIds.append(r.marketId)
                    marketIndex[r.marketId] = index
                }
                reports[id] = index
                return .report(id)
            case .priceCorrected:
                return .none
            }
        }

        mutating func undo(_ u: Undo) {
            switch u {
            case .none: break
            case .market(let id): markets[id] = nil
            case .commodity(let id): commodities[id] = nil
            case .report(let id): reports[id] = nil
            }
        }
    }

    /// Checks `event` against the rules on `state` (the schema was checked when it was decoded).
    /// Throws `.ruleViolation` naming the field and the values.
    public static func validate(_ event: PricesEvent, _ state: State) throws(EventLogError) {
        switch event {
        case .marketRegistered(let m):
            if let existing = state.markets[m.marketId] {
                throw violation("data.marketId", "market \(m.marketId) is already registered (as \(existing.name)); a market registers once")
            }
            if let code = m.kelurahanCode, Mataram.kelurahan(code: code) == nil {
                throw violation(
                    "data.kelurahanCode",
                    "\(code) is not a kelurahan of Kota Mataram (a Kepmendagri code like 52.71.01.1005); leave it out for a market outside Mataram")
            }
        case .commodityRegistered(let c):
            if let existing = state.commodities[c.commodityId] {
                throw violation(
                    "data.commodityId", "commodity \(c.commodityId) is already registered (as \(existing.name)); a commodity registers once")
            }
        case .priceReported(_, let r):
            guard state.markets[r.marketId] != nil else {
                throw violation("data.marketId", "market \(r.marketId) is not registered; register it first (prices.market-registered)")
            }
            guard state.commodities[r.commodityId] != nil else {
                throw violation(
                    "data.commodityId", "commodity \(r.commodityId) is not registered; register it first (prices.commodity-registered)")
            }
            try checkPositive(r.price)
        case .priceCorrected(_, let marketId, let c):
            guard let id = EventID(c.correctsEventId), let reportMarket = state.market(ofReport: id) else {
                throw violation(
                    "data.correctsEventId", "\(c.correctsEventId) is not the id of a prices.price-reported event in the log")
            }
            guard reportMarket == marketId else {
                throw violation(
                    "data.correctsEventId",
                    "report \(c.correctsEventId) is of market \(reportMarket), not of market \(marketId) whose stream this correction is on")
            }
            try checkPositive(c.price)
        }
    }

    static func checkPositive(_ price: Price) throws(EventLogError) {
        guard price.scaled > 0 else {
            throw violation("data.price", "\(price) is not a price: a price must be greater than 0")
        }
    }

    static func violation(_ field: String, _ message: String) -> EventLogError {
        EventLogError(.ruleViolation, "\(field): \(message)", field: field)
    }

    /// Applies an event already in the log (no check).
    public static func evolve(_ state: State, _ event: PricesEvent) -> State {
        var s = state
        _ = s.apply(event)
        return s
    }

    /// The events a command makes on `state`, checked against the rules (a command of several
    /// events is checked event by event on the state the earlier ones leave).
    ///
    /// Ids the command leaves empty are made here, deterministically: a market's or commodity's
    /// id from its name (`Pasar Kebon Roek` -> `pasar-kebon-roek`, then `-2`, `-3`, ... when taken);
    /// a report's unit is its commodity's unit when absent. An absent `observedOn` is refused
    /// here: the command layer fills it from the clock.
    public static func decide(_ command: MarketPricesCommand, _ state: State) throws(EventLogError) -> [PricesEvent] {
        let event: PricesEvent
        switch command {
        case .registerMarket(var m):
            if m.marketId.isEmpty { m.marketId = freeID(Slug.make(m.name), taken: { state.markets[$0] != nil }) }
            event = .marketRegistered(m)
        case .registerCommodity(var c):
            if c.commodityId.isEmpty { c.commodityId = freeID(Slug.make(c.name), taken: { state.commodities[$0] != nil }) }
            event = .commodityRegistered(c)
        case .reportPrice(let r):
            guard let observedOn = r.observedOn else {
                throw EventLogError(.invalidInput, "observedOn: is required (a YYYY-MM-DD date)", field: "observedOn")
            }
            guard let commodity = state.commodities[r.commodityId] else {
                throw violation(
                    "data.commodityId", "commodity \(r.commodityId) is not registered; register it first (prices.commodity-registered)")
            }
            event = .priceReported(
                id: r.eventId,
                PriceReported(
                    marketId: r.marketId, commodityId: r.commodityId, unit: r.unit ?? commodity.unit, price: r.price,
                    currency: r.currency, priceType: r.priceType, observedOn: observedOn, reporter: r.reporter, source: r.source))
        case .correctPrice(let c):
            guard let market = state.market(ofReport: c.correctsEventId) else {
                throw violation(
                    "data.correctsEventId", "\(c.correctsEventId) is not the id of a prices.price-reported event in the log")
            }
            if let named = c.marketId, named != market {
                throw violation(
                    "data.correctsEventId", "report \(c.correctsEventId) is of market \(market), not of market \(named)")
            }
            event = .priceCorrected(
                id: c.eventId, marketId: market,
                PriceCorrected(correctsEventId: c.correctsEventId.description, price: c.price, reason: c.reason))
        }
        try validate(event, state)
        return [event]
    }

    /// `base`, or `base-2`, `base-3`, ... : the first that is not taken.
    static func freeID(_ base: String, taken: (String) -> Bool) -> String {
        let root = base.isEmpty ? "id" : base
        if !taken(root) { return root }
        var n = 2
        while taken("\(root)-\(n)") { n += 1 }
        return "\(root)-\(n)"
    }
}
