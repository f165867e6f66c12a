public import DomainKit
import EventLog

/// The latest price of a commodity at a market for one price type: the report with the latest
/// `observedOn`, then the latest position; its price is the corrected one when a correction came.
public struct LatestPrice: Codable, Sendable, Equatable {
    public var marketId: String
    /// The market's name (filled by the projector; absent while the market is not registered).
    public var marketName: String?
    public var commodityId: String
    /// The commodity's name (filled by the projector; absent while it is not registered).
    public var commodityName: String?
    public var priceType: PriceType
    public var price: Price
    public var currency, unit: String
    public var observedOn: CivilDate
    public var reporter, source: String
    /// The event id of the report.
    public var eventId: String
    public var position: UInt64
    /// Set when a correction replaced the reported price.
    public var correction: Correction?

    /// What corrected the price.
    public struct Correction: Codable, Sendable, Equatable {
        public var eventId: String
        public var reportedPrice: Price
        public var reason: String
    }
}
