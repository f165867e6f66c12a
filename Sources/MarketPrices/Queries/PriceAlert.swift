public import DomainKit

/// A day on which a series' city median rose 10% or more over its baseline: the median of the
/// daily medians of the 7 preceding days that have data.
public struct PriceAlert: Codable, Sendable, Equatable {
    public var commodityId: String
    /// The commodity's name (filled by the queries).
    public var commodityName: String?
    public var priceType: PriceType
    public var level: PriceLevel
    public var currency, unit: String
    public var day: CivilDate
    /// The city median of `day`.
    public var median: Price
    /// The median of the daily medians of the preceding 7 days that have data.
    public var baseline: Price
    /// `(median - baseline) / baseline * 100`, rounded to 2 fraction digits.
    public var risePercent: Double
    /// How many of the 7 preceding days had data.
    public var baselineDays: Int
    /// The number of reports behind `median`.
    public var count: Int
}
