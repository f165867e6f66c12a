public import DomainKit

/// The daily city median of one price series over a date range (days without data left out).
public struct TrendSeries: Codable, Sendable, Equatable {
    public var commodityId: String
    public var priceType: PriceType
    public var level: PriceLevel
    public var currency, unit: String
    public var from, to: CivilDate
    public var points: [Point]
    /// For a `pasar-tradisional` series in IDR of a PIHPS commodity in its PIHPS unit: the national
    /// daily price of traditional markets (PIHPS Nasional, Bank Indonesia) on the days of the range
    /// that the embedded series has (1 July to 31 August 2018); nil otherwise.
    public var national: [NationalPoint]?

    /// One day of the national PIHPS series.
    public struct NationalPoint: Codable, Sendable, Equatable {
        public var date: CivilDate
        public var price: Price
    }

    public struct Point: Codable, Sendable, Equatable {
        public var date: CivilDate
        public var median, min, max: Price
        public var count: Int
    }
}
