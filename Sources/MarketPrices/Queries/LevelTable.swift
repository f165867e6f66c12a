public import DomainKit
public import Projections

/// The daily prices of one price level as PIHPS publishes them: a row per day, a column per
/// commodity, each cell the day's mean price at that level (rupiah per the commodity's unit; nil
/// where the level had no report of it that day).
public struct LevelTable: Sendable, Equatable {
    public var level: PriceLevel
    /// The columns, by commodity id.
    public var commodities: [CommodityRegistered]
    public var rows: [Row]

    public struct Row: Sendable, Equatable {
        public var date: CivilDate
        /// In `commodities` order.
        public var prices: [Price?]
    }
}

extension MarketPricesQueries {
    /// The table of `level` from `from` to `to` (inclusive; each open when nil): days with at least
    /// one report, ascending; only series in IDR and in the commodity's registered unit count, of
    /// the price type of the level (wholesale for `pedagang-besar`, else retail). `daily`:
    /// `prices.daily`; `latest`: `prices.latest` (the commodities).
    public static func levelTable(
        daily: ViewReader, latest: ViewReader, level: PriceLevel, from: CivilDate? = nil, to: CivilDate? = nil
    ) throws -> LevelTable {
        let commodities = try commodities(latest).sorted { $0.commodityId < $1.commodityId }
        let column = Dictionary(uniqueKeysWithValues: commodities.enumerated().map { ($1.commodityId, $0) })
        let priceType: PriceType = level == .wholesaler ? .wholesale : .retail
        var rows: [LevelTable.Row] = []
        for s in try self.daily(daily, from: from, to: to) where s.level == level && s.priceType == priceType && s.currency == "IDR" {
            guard let c = column[s.commodityId], commodities[c].unit == s.unit else { continue }
            if rows.last?.date != s.date {
                rows.append(LevelTable.Row(date: s.date, prices: Array(repeating: nil, count: commodities.count)))
            }
            rows[rows.count - 1].prices[c] = s.mean
        }
        return LevelTable(level: level, commodities: commodities, rows: rows)
    }
}
