public import DomainKit
import EventLog
public import Projections

/// The read side of the prices domain: functions over a `ViewReader` (a live view, or a replay
/// into a temporary environment) returning `Codable & Sendable` values for the HTTP API and
/// `lumbung replay`. Each function says which view its reader must be.
public enum MarketPricesQueries {
    /// How many days a trend covers when no range is given (the days up to the latest with data).
    public static let defaultTrendDays = 30

    // MARK: prices.latest (PricesViews.latest)

    /// Every registered market, by id. `view`: `prices.latest`.
    public static func markets(_ view: ViewReader) throws -> [MarketRegistered] {
        try values(MarketRegistered.self, view, "markets")
    }

    /// One market. `view`: `prices.latest`.
    public static func market(_ view: ViewReader, id: String) throws -> MarketRegistered? {
        try view.value(MarketRegistered.self, "markets", id)
    }

    /// Every registered commodity, by id. `view`: `prices.latest`.
    public static func commodities(_ view: ViewReader) throws -> [CommodityRegistered] {
        try values(CommodityRegistered.self, view, "commodities")
    }

    /// The latest prices (corrections applied), with market and commodity names: of one market
    /// (by commodity), of one commodity (by market), of both, or all (by market).
    /// `view`: `prices.latest`.
    public static func latest(_ view: ViewReader, marketId: String? = nil, commodityId: String? = nil) throws -> [LatestPrice] {
        var out: [LatestPrice] = []
        try scanLatest(view, marketId: marketId, commodityId: commodityId) { bytes in
            out.append(try ViewCoding.decode(LatestPrice.self, bytes))
        }
        return out
    }

    /// `{"prices":[...]}` of `latest` as JSON (sorted keys, as the API answers), made of the
    /// stored entries without decoding them: the hot path of `GET /v1/prices/latest`.
    public static func latestJSON(_ view: ViewReader, marketId: String? = nil, commodityId: String? = nil) throws -> [UInt8] {
        var out = Array(#"{"prices":["#.utf8)
        var first = true
        try scanLatest(view, marketId: marketId, commodityId: commodityId) { bytes in
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: bytes)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// Visits the stored entries of `prices.latest` that match, in the order `latest` lists them.
    private static func scanLatest(_ view: ViewReader, marketId: String?, commodityId: String?, _ body: ([UInt8]) throws -> Void) throws {
        let visit: (String, [UInt8]) throws -> Bool = { _, bytes in
            try body(bytes)
            return true
        }
        if let marketId {
            let prefix = commodityId.map { ViewKey.prefix(marketId, $0) } ?? ViewKey.prefix(marketId)
            try view.scan("byMarket", prefix: prefix, visit)
        } else if let commodityId {
            try view.scan("byCommodity", prefix: ViewKey.prefix(commodityId), visit)
        } else {
            try view.scan("byMarket", visit)
        }
    }

    // MARK: prices.daily (PricesViews.daily)

    /// Daily statistics, per series and day: of one commodity (series by series, each by day),
    /// or of every commodity (day by day), optionally limited to `from`...`to` (inclusive).
    /// `view`: `prices.daily`.
    public static func daily(
        _ view: ViewReader, commodityId: String? = nil, from: CivilDate? = nil, to: CivilDate? = nil
    ) throws -> [DailyStats] {
        var out: [DailyStats] = []
        if let commodityId {
            try view.scanValues(DailyStats.self, "daily", prefix: ViewKey.prefix(commodityId)) { _, s in
                if let from, s.date < from { return true }
                if let to, s.date > to { return true }
                out.append(s)
                return true
            }
        } else {
            try view.scan("byDate", from: from.map { ViewKey.prefix($0.description) }) { key, bytes in
                if let to, let day = CivilDate(key.prefix(10)), day > to { return false }
                out.append(try ViewCoding.decode(DailyStats.self, bytes))
                return true
            }
        }
        return out
    }

    /// The statistics of every series on one day (optionally of one commodity). `view`: `prices.daily`.
    public static func daily(_ view: ViewReader, on day: CivilDate, commodityId: String? = nil) throws -> [DailyStats] {
        let prefix = commodityId.map { ViewKey.prefix(day.description, $0) } ?? ViewKey.prefix(day.description)
        return try values(DailyStats.self, view, "byDate", prefix: prefix)
    }

    /// The trend of a commodity: for each of its series (optionally one price type, one level), the daily
    /// city median from `from` to `to` (inclusive). Defaults: `to` is the latest day with data for
    /// the commodity, `from` is 29 days before `to` (30 days). Empty when there is no data.
    /// `view`: `prices.daily`.
    public static func trend(
        _ view: ViewReader, commodityId: String, from: CivilDate? = nil, to: CivilDate? = nil, priceType: PriceType? = nil,
        level: PriceLevel? = nil
    ) throws -> [TrendSeries] {
        var all: [DailyStats] = []
        try view.scanValues(DailyStats.self, "daily", prefix: ViewKey.prefix(commodityId)) { _, s in
            if (priceType == nil || s.priceType == priceType) && (level == nil || s.level == level) { all.append(s) }
            return true
        }
        guard let latest = all.map(\.date).max() else { return [] }
        let end = to ?? latest
        let start = from ?? end.adding(days: -(defaultTrendDays - 1))
        var order: [PriceSeries] = []
        var points: [PriceSeries: [TrendSeries.Point]] = [:]
        for s in all {
            let series = s.series
            if points[series] == nil {
                order.append(series)
                points[series] = []
            }
            guard s.date >= start, s.date <= end else { continue }
            points[series, default: []].append(TrendSeries.Point(date: s.date, median: s.median, min: s.min, max: s.max, count: s.count))
        }
        return order.map { series in
            TrendSeries(
                commodityId: series.commodityId, priceType: series.priceType, level: series.level, currency: series.currency,
                unit: series.unit, from: start, to: end, points: points[series] ?? [], national: national(series, from: start, to: end))
        }
    }

    /// The national PIHPS prices of `series`' commodity from `from` to `to`, when the series is
    /// comparable with them (pasar tradisional, IDR, the PIHPS unit; see `TrendSeries.national`).
    static func national(_ series: PriceSeries, from: CivilDate, to: CivilDate) -> [TrendSeries.NationalPoint]? {
        guard series.level == .traditionalMarket, series.currency == "IDR",
            let column = PIHPSTable.commodities.firstIndex(where: { $0.id == series.commodityId }),
            PIHPSTable.commodities[column].unit == series.unit
        else { return nil }
        return PIHPSTable.levels.compactMap { row in
            guard let date = CivilDate(row.date), date >= from, date <= to, let price = row.prices[column] else { return nil }
            return TrendSeries.NationalPoint(date: date, price: Price(price))
        }
    }

    // MARK: prices.alerts (PricesViews.alerts)

    /// The alerts, day by day (then by series), optionally from `from` to `to` (inclusive) and of
    /// one commodity. `view`: `prices.alerts`; `names`, when given, is `prices.latest`, to fill
    /// the commodities' names.
    public static func alerts(
        _ view: ViewReader, names: ViewReader? = nil, from: CivilDate? = nil, to: CivilDate? = nil, commodityId: String? = nil
    ) throws -> [PriceAlert] {
        var out: [PriceAlert] = []
        var commodityNames: [String: String?] = [:]
        try view.scan("byDay", from: from.map { ViewKey.prefix($0.description) }) { key, bytes in
            if let to, let day = CivilDate(key.prefix(10)), day > to { return false }
            var alert = try ViewCoding.decode(PriceAlert.self, bytes)
            if let commodityId, alert.commodityId != commodityId { return true }
            if let names {
                if commodityNames[alert.commodityId] == nil {
                    commodityNames[alert.commodityId] = try names.value(CommodityRegistered.self, "commodities", alert.commodityId)?.name
                }
                alert.commodityName = commodityNames[alert.commodityId] ?? nil
            }
            out.append(alert)
            return true
        }
        return out
    }

    /// Every value of `db` (under `prefix`), in key order.
    private static func values<T: Decodable>(_ type: T.Type, _ view: ViewReader, _ db: String, prefix: String = "") throws -> [T] {
        var out: [T] = []
        try view.scanValues(type, db, prefix: prefix) { _, value in
            out.append(value)
            return true
        }
        return out
    }
}
