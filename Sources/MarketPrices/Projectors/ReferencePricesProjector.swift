public import DomainKit
public import EventLog
public import Projections

/// A reference price as `prices.references` keeps it: the event's fields, and the event that set it.
public struct ReferencePrice: Codable, Sendable, Equatable {
    public var reference: ReferencePriceSet
    public var eventId: String
    public var position: UInt64
}

/// `prices.references`: every reference price (HET, HAP) set, per series.
///
/// Databases:
/// - `references`: `ViewKey` (commodityId, priceType, kind, region or "", validFrom) ->
///   `ReferencePrice`; a commodity's prices read back by series, then by first day.
struct ReferencePricesProjector: DomainProjector {
    static let definition = ViewDefinition(
        PricesViews.references, version: 1, folding: [MarketPricesEventType.referencePriceSet], databases: ["references"])

    static func key(_ p: ReferencePriceSet) -> String {
        ViewKey.make(p.commodityId, p.priceType.rawValue, p.kind.rawValue, p.region ?? "", p.validFrom.description)
    }

    func apply(_ decoded: PricesEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        guard case .referencePriceSet(let p) = decoded else { return }
        try view.put(
            "references", Self.key(p), value: ReferencePrice(reference: p, eventId: event.id.description, position: event.position))
    }
}
