public import DomainKit

/// The daily city median of one price series over a date range (days without data left out).
public struct TrendSeries: Codable, Sendable, Equatable {
    public var commodityId: String
    public var priceType: PriceType
    public var level: PriceLevel
    public var currency, unit: String
    public var from, to: CivilDate
    public var points: [Point]

    public struct Point: Codable, Sendable, Equatable {
        public var date: CivilDate
        public var median, min, max: Price
        public var count: Int
    }
}
