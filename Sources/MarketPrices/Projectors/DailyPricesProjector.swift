public import DomainKit
public import EventLog
public import Projections

/// `prices.daily`: daily statistics per price series (commodity, price type, level, currency, unit)
/// across markets: min, max, mean, median, count.
///
/// Databases: `reports`, `tallies` and `markets` (see `ObservationBook`); `daily`: the series' key on
/// the day (`PriceSeries.key(on:)`) -> `DailyStats`; `byDate`: the day, then the series
/// (`PriceSeries.dayFirstKey`) -> the same. Every report or correction marks its series' day,
/// and each marked day is recomputed once at the end of the batch from its tally, so a late report or a correction lands exactly as if it had been
/// there from the start.
public struct DailyPricesProjector: DomainProjector {
    /// 2: keys are `ViewKey` parts (were joined by `|`). 3: a day's tally (`ObservationBook.Tally`).
    /// 4: series per price level (`PriceLevel`). 5: the disparity between markets (`MarketDisparity`).
    /// 6: a tally keeps each market's sum (the disparity reads no observation). 7: a report's
    /// observation is kept in `reports` (no `observations`), the days to recompute in memory. 8:
    /// `reports` keeps only corrected reports and those before their market (the log has the rest).
    /// 9: a tally is stored in a compact binary form (`ObservationBook.Tally.bytes`), not JSON.
    public static let definition = ViewDefinition(
        PricesViews.daily, version: 9, folding: ObservationBook.eventTypes,
        databases: ObservationBook.databases + ["daily", "byDate"])

    /// Shares its observations with the other view of observations (`ObservationBook`).
    public var batchGroup: ObjectIdentifier? { ObservationBook.group }

    public func apply(_ decoded: PricesEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        try ObservationBook.fold(decoded, of: event, in: view)
    }

    /// Each day touched in the batch is recomputed once from its observations.
    public func finishBatch(_ view: ViewWriter) throws {
        for (touched, tally) in try ObservationBook.finish(in: view) {
            guard tally.count > 0 else { continue }
            var stats = DailyStats(series: touched.series, date: touched.day, tally: tally)
            if tally.markets.count >= 2 { stats.disparity = MarketDisparity(tally.marketPrices) }
            let bytes = try ViewCoding.encode(stats)
            try view.put("daily", touched.key, bytes: bytes)
            try view.put("byDate", touched.series.dayFirstKey(touched.day), bytes: bytes)
        }
    }
}
