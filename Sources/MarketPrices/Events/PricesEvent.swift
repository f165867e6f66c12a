import DomainKit
public import EventLog
public import JSON

/// A `prices.*` event, typed, with the stream it belongs on.
public indirect enum PricesEvent: Sendable, Equatable {
    case marketRegistered(MarketRegistered)
    case commodityRegistered(CommodityRegistered)
    /// `id` is the event's id (nil when the log is to make one: such a report cannot be corrected
    /// in the same batch).
    case priceReported(id: EventID?, PriceReported)
    /// `marketId` is the market of the stream it is on.
    case priceCorrected(id: EventID?, marketId: String, PriceCorrected)
    case referencePriceSet(ReferencePriceSet)
    /// A report held for a supervisor (`id` its event id, which the decision names).
    case reportHeld(id: EventID?, ReportHeld)
    case reportApproved(id: EventID?, ReportReview)
    case reportRejected(id: EventID?, ReportReview)
    case reviewRuleSet(ReviewRule)

    /// Its type name (e.g. `prices.price-reported`) and the stream it belongs on (`market-<id>` for
    /// reports and corrections, `commodity-<id>`).
    public var address: (type: String, stream: String) {
        switch self {
        case .marketRegistered(let m): (MarketPricesEventType.marketRegistered, MarketPricesEventType.marketStream(m.marketId))
        case .commodityRegistered(let c): (MarketPricesEventType.commodityRegistered, MarketPricesEventType.commodityStream(c.commodityId))
        case .priceReported(_, let r): (MarketPricesEventType.priceReported, MarketPricesEventType.marketStream(r.marketId))
        case .priceCorrected(_, let marketId, _): (MarketPricesEventType.priceCorrected, MarketPricesEventType.marketStream(marketId))
        case .referencePriceSet(let p): (MarketPricesEventType.referencePriceSet, MarketPricesEventType.commodityStream(p.commodityId))
        case .reportHeld(_, let h): (MarketPricesEventType.reportHeld, MarketPricesEventType.marketStream(h.marketId))
        case .reportApproved(_, let r): (MarketPricesEventType.reportApproved, MarketPricesEventType.marketStream(r.marketId))
        case .reportRejected(_, let r): (MarketPricesEventType.reportRejected, MarketPricesEventType.marketStream(r.marketId))
        case .reviewRuleSet(let r): (MarketPricesEventType.reviewRuleSet, MarketPricesEventType.commodityStream(r.commodityId))
        }
    }

    public var type: String { address.type }
    public var stream: String { address.stream }

    public var id: EventID? {
        switch self {
        case .priceReported(let id, _), .priceCorrected(let id, _, _), .reportHeld(let id, _), .reportApproved(let id, _),
            .reportRejected(let id, _):
            id
        case .marketRegistered, .commodityRegistered, .referencePriceSet, .reviewRuleSet: nil
        }
    }

    /// The payload.
    public var data: JSONValue {
        switch self {
        case .marketRegistered(let m): m.json
        case .commodityRegistered(let c): c.json
        case .priceReported(_, let r): r.json
        case .priceCorrected(_, _, let c): c.json
        case .referencePriceSet(let p): p.json
        case .reportHeld(_, let h): h.json
        case .reportApproved(_, let r), .reportRejected(_, let r): r.json
        case .reviewRuleSet(let r): r.json
        }
    }

    /// The event as the log takes it.
    public func proposed(id: EventID? = nil, occurredAt: Timestamp? = nil, metadata: [UInt8]? = nil) throws(EventLogError) -> ProposedEvent
    {
        try ProposedEvent(stream: stream, type: type, value: data, id: id ?? self.id, occurredAt: occurredAt, metadata: metadata)
    }
}
