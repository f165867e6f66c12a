public import DomainKit
public import EventLog
import JSON
import Projections
public import Regions

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rules of the prices domain, run by the `RuleGuard` for every door into the log
/// (commands, raw appends, imports).
///
/// Contract (see `DomainRules`): `owns` every `prices.` type; `admit` refuses unknown `prices.`
/// types, payloads that do not fit their schema and events off their stream (`.invalidInput`),
/// and whatever `PriceBook.decide` refuses (`.ruleViolation`), naming the field; it changes
/// nothing when it throws. Otherwise (and in `evolve`) it loads the state of what the event
/// touches, applies `PriceBook.evolve` and stores the result, recording the undo in the journal so
/// that a trial or an uncommitted transaction is undone exactly.
///
/// The decision state is kept per aggregate in the log's decision state (`DecisionTable`s under
/// `prices/`): each market's registration, each commodity's, and each report's market, read and
/// stored per event in whatever `decisions` the `RuleGuard` set for the call.
///
/// Thread safety: not synchronized itself; the `RuleGuard` owning it serializes every call
/// (and `RuleGuard.withCurrentState` gives commands a consistent state).
public final class MarketPricesRules: DomainRules, @unchecked Sendable {
    public var decisions = DecisionState.empty
    // Registrations and review rules are read by every report and written rarely: JSON, each
    // stored value decoded once (`json(memo:)`).
    private let markets = DecisionTable<MarketRegistered>(domain: MarketPricesDomain.name, table: "market", coding: .json(memo: 1024))
    private let commodities = DecisionTable<CommodityRegistered>(
        domain: MarketPricesDomain.name, table: "commodity", coding: .json(memo: 1024))
    /// Each report's market id, by the report's event id (written for every report: the id's
    /// UTF-8 bytes, not JSON).
    private let reports = DecisionTable<String>(domain: MarketPricesDomain.name, table: "report", coding: .utf8)
    /// The validity periods of each reference price series (`ReferencePriceSet.series`).
    private let references = DecisionTable<[ReferencePeriod]>(domain: MarketPricesDomain.name, table: "reference")
    /// Each commodity's review rule, by commodity id.
    private let rules = DecisionTable<ReviewRule>(domain: MarketPricesDomain.name, table: "review-rule", coding: .json(memo: 1024))
    /// The published prices of a market, commodity and price type (`recentKey`), for the band: read
    /// and written for every report, so kept in a binary form (`RecentPrice.coding`), not JSON.
    private let recent = DecisionTable<[RecentPrice]>(domain: MarketPricesDomain.name, table: "recent", coding: RecentPrice.coding)
    /// Each held report and its outcome, by the held event's id.
    private let heldReports = DecisionTable<PriceBook.HeldReport>(domain: MarketPricesDomain.name, table: "held")

    /// 2: review rules, recent published prices and held reports (built from the log on open). 3:
    /// at most `PriceBook.recentCount` recent prices per series. 4: a series' recent prices in a
    /// binary form (`RecentPrice.coding`: 29 bytes a price, the report id as 16 bytes) and each
    /// report's market as plain UTF-8, instead of JSON, as every report reads and writes them.
    public var stateVersion: Int { 4 }

    /// The area the deployment serves: a market's `kelurahanCode` lies in it.
    public let area: ServiceArea

    public init(area: ServiceArea = .mataram) { self.area = area }

    /// The registration of market `id`, if it is registered.
    public func market(_ id: String) throws(EventLogError) -> MarketRegistered? { try markets.get(id, in: decisions) }

    /// The registration of commodity `id`, if it is registered.
    public func commodity(_ id: String) throws(EventLogError) -> CommodityRegistered? { try commodities.get(id, in: decisions) }

    /// The market of price report `id`, if it is a report the rules have seen.
    public func market(ofReport id: EventID) throws(EventLogError) -> String? {
        try reports.get(id.description, in: decisions)
    }

    /// The held report `id` and its outcome, if the log holds it.
    public func held(_ id: EventID) throws(EventLogError) -> PriceBook.HeldReport? { try heldReports.get(id.description, in: decisions) }

    public func owns(_ type: String) -> Bool { type.hasPrefix(MarketPricesEventType.prefix) }

    public func admit(_ event: DomainEvent) throws {
        let typed = try PricesEvent.read(event)
        if event.scope != nil {
            // A key scoped to markets reports, corrects and registers at those markets only.
            switch typed {
            case .marketRegistered(let m): try event.requireInScope(m.marketId, kind: "market", field: "data.marketId")
            case .priceReported(_, let r): try event.requireInScope(r.marketId, kind: "market", field: "data.marketId")
            case .priceCorrected(_, let marketId, _): try event.requireInScope(marketId, kind: "market", field: "stream")
            case .commodityRegistered:
                throw EventLogError(
                    .forbidden, "commodityId: the commodities are the city's list; a key scoped to markets cannot register one",
                    field: "data.commodityId")
            case .referencePriceSet:
                throw EventLogError(
                    .forbidden,
                    "commodityId: reference prices are set by regulation for every market; a key scoped to markets cannot set one",
                    field: "data.commodityId")
            case .reportHeld(_, let h): try event.requireInScope(h.marketId, kind: "market", field: "data.marketId")
            case .reportApproved(_, let r), .reportRejected(_, let r):
                try event.requireInScope(r.marketId, kind: "market", field: "data.marketId")
            case .reviewRuleSet:
                throw EventLogError(
                    .forbidden, "commodityId: a review rule holds for every market; a key scoped to markets cannot set one",
                    field: "data.commodityId")
            }
        }
        try admit(typed)
    }

    /// `admit` for an event already typed (the importer's).
    func admit(_ event: PricesEvent) throws(EventLogError) {
        let command = try event.command
        let keys = Keys(command)
        let state = try load(keys)
        var next = state
        for e in try PriceBook.decide(command, state) { next = PriceBook.evolve(next, e) }
        try store(keys, state, next)
    }

    public func evolve(_ event: DomainEvent) throws {
        // Events in the log passed the rules when written; one this version cannot read is skipped.
        guard let typed = try? PricesEvent.read(event), let command = try? typed.command else { return }
        let keys = Keys(command)
        let state = try load(keys)
        try store(keys, state, PriceBook.evolve(state, typed))
    }

    /// The events `command` makes on the current state (call inside `RuleGuard.withCurrentState`).
    func decide(_ command: MarketPricesCommand) throws(EventLogError) -> [PricesEvent] {
        try PriceBook.decide(command, try load(Keys(command)))
    }

    // MARK: State per aggregate

    /// What a command touches.
    struct Keys {
        var marketId, commodityId: String?
        var reportId: EventID?
        var referenceSeries: String?
        /// The commodity whose review rule the command reads or sets.
        var ruleOf: String?
        /// `recentKey` of the published prices the command reads or adds to.
        var recent: String?
        var heldId: EventID?

        init(_ command: MarketPricesCommand) {
            switch command {
            case .registerMarket(let m): marketId = m.marketId
            case .registerCommodity(let c): commodityId = c.commodityId
            case .reportPrice(let r):
                marketId = r.marketId
                commodityId = r.commodityId
                reportId = r.eventId
                ruleOf = r.commodityId
                recent = MarketPricesRules.recentKey(r.marketId, r.commodityId, r.priceType)
            case .correctPrice(let c): reportId = c.correctsEventId
            case .setReferencePrice(let p):
                commodityId = p.commodityId
                referenceSeries = p.series
            case .holdReport(let id, let h):
                marketId = h.marketId
                commodityId = h.commodityId
                heldId = id
            case .reviewReport(let r): heldId = r.heldEventId
            case .setReviewRule(let r):
                commodityId = r.commodityId
                ruleOf = r.commodityId
            }
        }
    }

    /// The key of a market's published prices of a commodity and price type.
    static func recentKey(_ marketId: String, _ commodityId: String, _ priceType: PriceType) -> String {
        ViewKey.make(marketId, commodityId, priceType.rawValue)
    }

    func load(_ keys: Keys) throws(EventLogError) -> PriceBook.State {
        var state = PriceBook.State(
            market: try keys.marketId.flatMap { id throws(EventLogError) in try market(id) },
            commodity: try keys.commodityId.flatMap { id throws(EventLogError) in try commodity(id) },
            reportMarket: try keys.reportId.flatMap { id throws(EventLogError) in try market(ofReport: id) },
            referencePeriods: try keys.referenceSeries.flatMap { s throws(EventLogError) in try references.get(s, in: decisions) } ?? [],
            rule: try keys.ruleOf.flatMap { c throws(EventLogError) in try rules.get(c, in: decisions) },
            recent: try keys.recent.flatMap { k throws(EventLogError) in try recent.get(k, in: decisions) } ?? [],
            held: try keys.heldId.flatMap { id throws(EventLogError) in try heldReports.get(id.description, in: decisions) })
        state.area = area
        return state
    }

    private func store(_ keys: Keys, _ old: PriceBook.State, _ new: PriceBook.State) throws(EventLogError) {
        if let id = keys.marketId, new.market != old.market { try markets.set(id, new.market, in: decisions) }
        if let id = keys.commodityId, new.commodity != old.commodity { try commodities.set(id, new.commodity, in: decisions) }
        if let id = keys.reportId, new.reportMarket != old.reportMarket { try reports.set(id.description, new.reportMarket, in: decisions) }
        if let s = keys.referenceSeries, new.referencePeriods != old.referencePeriods {
            try references.set(s, new.referencePeriods, in: decisions)
        }
        if let c = keys.ruleOf, new.rule != old.rule { try rules.set(c, new.rule, in: decisions) }
        if let k = keys.recent, new.recent != old.recent { try recent.set(k, new.recent, in: decisions) }
        if let id = keys.heldId, new.held != old.held { try heldReports.set(id.description, new.held, in: decisions) }
    }
}

extension PricesEvent: LoggedEvent {
    /// Reads a `prices.*` event: a known type, its payload (strictly, by the payload's type), and
    /// the stream it must be on. Throws `.invalidInput` naming the field (`type`, `stream`,
    /// `data.<field>`).
    public static func read(_ event: DomainEvent) throws(EventLogError) -> PricesEvent {
        let typed: PricesEvent
        switch event.type {
        case MarketPricesEventType.marketRegistered:
            typed = .marketRegistered(try MarketRegistered.read(event.data))
        case MarketPricesEventType.commodityRegistered:
            typed = .commodityRegistered(try CommodityRegistered.read(event.data))
        case MarketPricesEventType.priceReported:
            // Most events of a large log: read without `Codable` when plainly valid (the two
            // readers agree on every valid payload); anything else gets the strict reader's refusal.
            if let plain = PriceReported.plainlyValid(event.data) {
                typed = .priceReported(id: event.id, plain)
            } else {
                typed = .priceReported(id: event.id, try PriceReported.read(event.data))
            }
        case MarketPricesEventType.referencePriceSet:
            typed = .referencePriceSet(try ReferencePriceSet.read(event.data))
        case MarketPricesEventType.reportHeld:
            typed = .reportHeld(id: event.id, try ReportHeld.read(event.data))
        case MarketPricesEventType.reportApproved:
            typed = .reportApproved(id: event.id, try ReportReview.read(event.data))
        case MarketPricesEventType.reportRejected:
            typed = .reportRejected(id: event.id, try ReportReview.read(event.data))
        case MarketPricesEventType.reviewRuleSet:
            typed = .reviewRuleSet(try ReviewRule.read(event.data))
        case MarketPricesEventType.priceCorrected:
            let correction = try PriceCorrected.read(event.data)
            let category = MarketPricesEventType.marketCategory
            guard event.stream.hasPrefix(category), event.stream.utf8.count > category.utf8.count else {
                throw EventLogError(
                    .invalidInput,
                    "stream: a correction goes on the stream of the corrected report's market (market-<marketId>), not on \(event.stream)",
                    field: "stream")
            }
            return .priceCorrected(id: event.id, marketId: String(event.stream.dropFirst(category.count)), correction)
        default:
            let known = MarketPricesEventType.all.sorted().joined(separator: ", ")
            throw EventLogError(.invalidInput, "type: \(event.type) is not an event type of the prices domain (\(known))", field: "type")
        }
        guard typed.stream == event.stream else {
            throw EventLogError(
                .invalidInput, "stream: a \(event.type) event of this payload goes on \(typed.stream), not on \(event.stream)",
                field: "stream")
        }
        return typed
    }

    /// An event of the log, or nil when this version cannot read it (for views and exports).
    public static func read(_ event: RecordedEvent) -> PricesEvent? { decode(event, ahead: false) }

    /// `read(event)`, for the views of the domain to share; `ahead` (a rebuild's thread that reads
    /// the log) reads with that thread's members (`PriceReported.plainlyValid(bytes:ahead:)`).
    public static func decoded(_ event: RecordedEvent, ahead: Bool) -> DecodedEvent<PricesEvent>? {
        decode(event, ahead: ahead).map(DecodedEvent.init)
    }

    private static func decode(_ event: RecordedEvent, ahead: Bool) -> PricesEvent? {
        // Most events of a large log: a plainly valid report read from its bytes as stored
        // (on the stream of its market, as `read(_: DomainEvent)` checks).
        if event.type == MarketPricesEventType.priceReported,
            let plain = PriceReported.plainlyValid(bytes: event.data, ahead: ahead)
        {
            guard Self.isStream(event.stream, ofMarket: plain.marketId) else { return nil }
            return .priceReported(id: event.id, plain)
        }
        // `read(_: DomainEvent)` reads a plainly valid report without `Codable`.
        guard let data = try? event.dataValue() else { return nil }
        return try? read(DomainEvent(stream: event.stream, type: event.type, data: data, position: event.position, id: event.id))
    }

    /// Whether `stream` is `market-<marketId>` (compared as bytes: walking the strings' UTF-8
    /// views by index cost a tenth of reading a stored report).
    static func isStream(_ stream: String, ofMarket marketId: String) -> Bool {
        var (stream, marketId, category) = (stream, marketId, MarketPricesEventType.marketCategory)
        guard stream.utf8.count == category.utf8.count + marketId.utf8.count else { return false }
        // Compared with `memcmp` (a generic comparison of the bytes was a tenth of reading a report).
        return stream.withUTF8 { s in
            category.withUTF8 { c in
                marketId.withUTF8 { m in
                    guard let s = s.baseAddress else { return c.isEmpty && m.isEmpty }
                    return (c.isEmpty || memcmp(s, c.baseAddress!, c.count) == 0)
                        && (m.isEmpty || memcmp(s + c.count, m.baseAddress!, m.count) == 0)
                }
            }
        }
    }

    /// An event of the log seen in place, or nil when this version cannot read it.
    public static func read(_ view: EventRecordView) -> PricesEvent? {
        guard let data = try? JSONParser.parse(view.dataBytes) else { return nil }
        return try? read(DomainEvent(stream: view.stream, type: view.type, data: data, position: view.position, id: view.id))
    }

    /// The command that makes this event: the rules decide an event of the log as that command.
    var command: MarketPricesCommand {
        get throws(EventLogError) {
            switch self {
            case .marketRegistered(let m):
                return .registerMarket(m)
            case .commodityRegistered(let c):
                return .registerCommodity(c)
            case .priceReported(let id, let r):
                return .reportPrice(
                    MarketPricesCommand.ReportPrice(
                        eventId: id, marketId: r.marketId, commodityId: r.commodityId, unit: r.unit, price: r.price,
                        currency: r.currency, priceType: r.priceType, observedOn: r.observedOn, reporter: r.reporter, source: r.source))
            case .priceCorrected(let id, let marketId, let c):
                guard let corrected = EventID(c.correctsEventId) else {
                    throw EventLogError(
                        .invalidInput, "data.correctsEventId: must be an event id: a UUID", field: "data.correctsEventId")
                }
                return .correctPrice(
                    MarketPricesCommand.CorrectPrice(
                        eventId: id, correctsEventId: corrected, marketId: marketId, price: c.price, reason: c.reason))
            case .referencePriceSet(let p):
                return .setReferencePrice(p)
            case .reportHeld(let id, let h):
                return .holdReport(id: id, h)
            case .reportApproved(let id, let r), .reportRejected(let id, let r):
                guard let held = EventID(r.heldEventId) else {
                    throw EventLogError(.invalidInput, "data.heldEventId: must be an event id: a UUID", field: "data.heldEventId")
                }
                var approve = false
                if case .reportApproved = self { approve = true }
                return .reviewReport(
                    MarketPricesCommand.ReviewReport(
                        approve: approve, eventId: id, heldEventId: held, marketId: r.marketId, reasonCode: r.reasonCode, reason: r.reason,
                        supervisor: r.supervisor))
            case .reviewRuleSet(let r):
                return .setReviewRule(r)
            }
        }
    }
}
