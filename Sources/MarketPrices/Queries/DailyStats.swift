public import DomainKit

/// The statistics of one price series on one day, across every report of that day (after
/// corrections): `count` reports from `markets` distinct markets.
public struct DailyStats: Codable, Sendable, Equatable {
    public var commodityId: String
    public var priceType: PriceType
    public var level: PriceLevel
    public var currency, unit: String
    public var date: CivilDate
    public var min, max: Price
    /// Rounded half up to 4 fraction digits.
    public var mean: Price
    /// The middle report, or the mean of the two middle ones.
    public var median: Price
    public var count, markets: Int

    public var series: PriceSeries {
        PriceSeries(commodityId: commodityId, priceType: priceType, level: level, currency: currency, unit: unit)
    }

    /// The statistics of the reports counted in `tally` (not empty) of `series` on `date`.
    init(series: PriceSeries, date: CivilDate, tally: ObservationBook.Tally) {
        let sorted = tally.sortedPrices
        commodityId = series.commodityId
        priceType = series.priceType
        level = series.level
        currency = series.currency
        unit = series.unit
        self.date = date
        min = sorted[0]
        max = sorted[sorted.count - 1]
        mean = tally.mean
        median = Price.median(ofSorted: sorted)
        count = tally.count
        markets = tally.markets.count
    }
}
