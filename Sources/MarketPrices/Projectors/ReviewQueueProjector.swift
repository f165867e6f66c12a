public import DomainKit
public import EventLog
public import Projections

/// A held report as `prices.review` keeps it: the report, why it was held, and what a supervisor
/// decided (nil while it waits).
public struct HeldEntry: Codable, Sendable, Equatable {
    public var heldEventId: String
    public var held: ReportHeld
    public var position: UInt64
    /// `held`, `approved` or `rejected`.
    public var status: String
    public var decision: ReportReview?
    /// The id of the `prices.price-reported` an approval published.
    public var publishedEventId: String?
}

/// `prices.review`: every held report and its outcome (the supervisor's queue).
///
/// Databases:
/// - `held`: `ViewKey` (marketId, held event id) -> `HeldEntry`;
/// - `ids`: held event id -> its `held` key (decisions name the held event only).
struct ReviewQueueProjector: DomainProjector {
    static let definition = ViewDefinition(
        PricesViews.review, version: 1,
        folding: [MarketPricesEventType.reportHeld, MarketPricesEventType.reportApproved, MarketPricesEventType.reportRejected],
        databases: ["held", "ids"])

    func apply(_ decoded: PricesEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        switch decoded {
        case .reportHeld(_, let h):
            let id = event.id.description
            let key = ViewKey.make(h.marketId, id)
            try view.put("ids", id, bytes: Array(key.utf8))
            try view.put("held", key, value: HeldEntry(heldEventId: id, held: h, position: event.position, status: "held"))
        case .reportApproved(_, let r), .reportRejected(_, let r):
            guard let key = try view.get("ids", r.heldEventId.lowercased()).map({ String(decoding: $0, as: UTF8.self) }),
                var entry = try view.value(HeldEntry.self, "held", key), entry.decision == nil
            else { return }
            entry.decision = r
            if case .reportApproved = decoded {
                entry.status = "approved"
                entry.publishedEventId = EventID(r.heldEventId).map { ReportReview.publishedID(of: $0).description }
            } else {
                entry.status = "rejected"
            }
            try view.put("held", key, value: entry)
        default:
            return
        }
    }
}

extension MarketPricesQueries {
    // MARK: prices.review (PricesViews.review)

    /// The held reports, of one market or of all (by market, then oldest first), with `status`
    /// (`held`, `approved`, `rejected`) or any. `view`: `prices.review`.
    public static func reviewQueue(_ view: ViewReader, marketId: String? = nil, status: String? = nil, limit: Int = 500) throws
        -> [HeldEntry]
    {
        var out: [HeldEntry] = []
        try view.scanValues(HeldEntry.self, "held", prefix: marketId.map { ViewKey.prefix($0) } ?? "") { _, e in
            if status == nil || e.status == status { out.append(e) }
            return out.count < limit
        }
        return out.sorted { ($0.held.marketId, $0.position) < ($1.held.marketId, $1.position) }
    }
}
