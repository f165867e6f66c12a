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
    /// How far apart the markets of the level were that day (nil with fewer than two markets).
    public var disparity: MarketDisparity?

    public var series: PriceSeries {
        PriceSeries(commodityId: commodityId, priceType: priceType, level: level, currency: currency, unit: unit)
    }

    /// The statistics of the reports counted in `tally` (not empty) of `series` on `date`.
    init(series: PriceSeries, date: CivilDate, tally: ObservationBook.Tally) {
        let sorted = tally.sortedCounts
        commodityId = series.commodityId
        priceType = series.priceType
        level = series.level
        currency = series.currency
        unit = series.unit
        self.date = date
        min = Price(scaled: sorted[0].price)
        max = Price(scaled: sorted[sorted.count - 1].price)
        mean = tally.mean
        median = ObservationBook.Tally.median(count: tally.count, sorted: sorted)
        count = tally.count
        markets = tally.markets.count
    }
}

/// The spread of one day's prices across the markets of one level (each market's price the mean of
/// its reports that day): the cheapest and the dearest market, the dearest over the cheapest, and
/// the coefficient of variation of the markets' prices (the standard deviation over the mean, in
/// percent; the measure Bank Indonesia's disparity figures use).
public struct MarketDisparity: Codable, Sendable, Equatable {
    public struct Market: Codable, Sendable, Equatable {
        public var marketId: String
        public var price: Price
    }
    public var cheapest, dearest: Market
    /// `dearest / cheapest`, to 2 decimals.
    public var ratio: Double
    /// Percent, to 1 decimal.
    public var coefficientOfVariation: Double

    /// The disparity of `prices` (market -> its price that day); nil with fewer than two markets.
    public init?(_ prices: [String: Price]) {
        guard prices.count >= 2 else { return nil }
        let sorted = prices.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        cheapest = Market(marketId: sorted[0].key, price: sorted[0].value)
        dearest = Market(marketId: sorted[sorted.count - 1].key, price: sorted[sorted.count - 1].value)
        let values = sorted.map { Double($0.value.scaled) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        ratio = ((values[values.count - 1] / values[0]) * 100).rounded() / 100
        coefficientOfVariation = mean > 0 ? ((variance.squareRoot() / mean) * 1000).rounded() / 10 : 0
    }
}
