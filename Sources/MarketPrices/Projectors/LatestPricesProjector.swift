import EventLog
import Projections

/// `prices.latest`: the registered markets and commodities, and the latest price per market,
/// commodity and price type.
///
/// Databases:
/// - `markets`: marketId -> `MarketRegistered`; `commodities`: commodityId -> `CommodityRegistered`;
/// - `reports`: report event id -> `Ref` (where its latest entry would be);
/// - `byMarket`: `<marketId>|<commodityId>|<priceType>` -> `LatestPrice`;
/// - `byCommodity`: `<commodityId>|<marketId>|<priceType>` -> the same `LatestPrice`.
///
/// A report replaces the entry when its (`observedOn`, position) is later. A correction changes
/// only a price, not a date: it rewrites the entry when its report is the one shown, and is kept
/// out otherwise (an older report is never shown again).
public struct LatestPricesProjector: Projector {
    public static let viewName = "prices.latest"
    public var name: String { Self.viewName }
    public let version = 1
    public let eventTypes: Set<String>? = MarketPricesEventType.all
    public let databases = ["markets", "commodities", "reports", "byMarket", "byCommodity"]

    public init() {}

    struct Ref: Codable {
        var marketId: String
        var commodityId: String
        var priceType: PriceType
    }

    static func marketKey(_ marketId: String, _ commodityId: String, _ priceType: PriceType) -> String {
        "\(marketId)|\(commodityId)|\(priceType.rawValue)"
    }

    static func commodityKey(_ marketId: String, _ commodityId: String, _ priceType: PriceType) -> String {
        "\(commodityId)|\(marketId)|\(priceType.rawValue)"
    }

    public func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
        guard let decoded = ObservationBook.decode(event) else { return }
        switch decoded {
        case .marketRegistered(let m):
            if try view.get("markets", m.marketId) == nil { try view.put("markets", m.marketId, value: m) }
        case .commodityRegistered(let c):
            if try view.get("commodities", c.commodityId) == nil { try view.put("commodities", c.commodityId, value: c) }
        case .priceReported(_, let r):
            try view.put("reports", event.id.description, value: Ref(marketId: r.marketId, commodityId: r.commodityId, priceType: r.priceType))
            let key = Self.marketKey(r.marketId, r.commodityId, r.priceType)
            if let current = try view.value(LatestPrice.self, "byMarket", key),
               (current.observedOn, current.position) > (r.observedOn, event.position) {
                return
            }
            let latest = LatestPrice(
                marketId: r.marketId, commodityId: r.commodityId, priceType: r.priceType, price: r.price, currency: r.currency,
                unit: r.unit, observedOn: r.observedOn, reporter: r.reporter, source: r.source, eventId: event.id.description,
                position: event.position)
            try put(latest, view)
        case .priceCorrected(_, _, let c):
            guard let ref = try view.value(Ref.self, "reports", c.correctsEventId),
                  var latest = try view.value(LatestPrice.self, "byMarket", Self.marketKey(ref.marketId, ref.commodityId, ref.priceType)),
                  latest.eventId == c.correctsEventId else { return }
            let reported = latest.correction?.reportedPrice ?? latest.price
            latest.price = c.price
            latest.correction = LatestPrice.Correction(eventId: event.id.description, reportedPrice: reported, reason: c.reason)
            try put(latest, view)
        }
    }

    private func put(_ latest: LatestPrice, _ view: ViewWriter) throws {
        try view.put("byMarket", Self.marketKey(latest.marketId, latest.commodityId, latest.priceType), value: latest)
        try view.put("byCommodity", Self.commodityKey(latest.marketId, latest.commodityId, latest.priceType), value: latest)
    }
}
