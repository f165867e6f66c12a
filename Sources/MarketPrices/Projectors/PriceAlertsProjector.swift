public import DomainKit
public import EventLog
import Foundation
public import Projections

/// `prices.alerts`: a day on which a series' city median (the median of the day's reports
/// across markets) is 10% or more above its baseline, the median of the daily medians of the 7
/// preceding calendar days that have data (no alert without any such day).
///
/// Databases: `reports`, `tallies` and `markets` (see `ObservationBook`); `medians`: the series' key on
/// the day (`PriceSeries.key(on:)`) -> `Median`; `alerts`: the same key -> `PriceAlert`; `byDay`:
/// the day, then the series (`PriceSeries.dayFirstKey`) -> the same alert. A change of day d's median (a report or
/// a correction) re-judges days d to d+7, so alerts appear and disappear exactly as a fold from
/// scratch would have them.
public struct PriceAlertsProjector: DomainProjector {
    /// 2: keys are `ViewKey` parts (were joined by `|`). 3: medians from a day's tally. 4: series per
    /// price level (`PriceLevel`). 5: a tally keeps each market's sum (`ObservationBook.Tally`).
    /// 6: a report's observation is kept in `reports` (no `observations`), the days in memory.
    /// 7: `reports` keeps only corrected reports and those before their market (the log has the rest).
    /// 8: a tally is stored in a compact binary form (`ObservationBook.Tally.bytes`), not JSON.
    public static let definition = ViewDefinition(
        PricesViews.alerts, version: 8, folding: ObservationBook.eventTypes,
        databases: ObservationBook.databases + ["medians", "alerts", "byDay"])

    /// The rise, in percent, from which a day is an alert.
    public static let thresholdPercent: Int64 = 10
    /// How many preceding days form the baseline.
    public static let baselineDays = 7

    /// A day's median and the number of reports behind it: `<median in ten-thousandths>|<count>`.
    struct Median: Equatable {
        var median: Price
        var count: Int

        var bytes: [UInt8] { BarValue.make(String(median.scaled), String(count)) }

        init(median: Price, count: Int) {
            (self.median, self.count) = (median, count)
        }

        init?(_ bytes: [UInt8]?) {
            guard let parts = BarValue.split(bytes, count: 2), let scaled = Int64(parts[0]), let count = Int(parts[1]) else { return nil }
            self.init(median: Price(scaled: scaled), count: count)
        }
    }

    /// Shares its observations with the other view of observations (`ObservationBook`).
    public var batchGroup: ObjectIdentifier? { ObservationBook.group }

    public func apply(_ decoded: PricesEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        try ObservationBook.fold(decoded, of: event, in: view)
    }

    /// Each day touched in the batch gets its median once; the days whose median changed, and
    /// the 7 after each, are judged once (alerts depend on the medians only).
    public func finishBatch(_ view: ViewWriter) throws {
        var judge: [String: (PriceSeries, CivilDate)] = [:]
        for (touched, tally) in try ObservationBook.finish(in: view) {
            let series = touched.series
            guard tally.count > 0 else { continue }
            let medianKey = touched.key
            let current = Median(median: tally.median, count: tally.count)
            if Median(try view.get("medians", medianKey)) == current { continue }
            try view.put("medians", medianKey, bytes: current.bytes)
            for offset in 0...Self.baselineDays {
                let day = touched.day.adding(days: offset)
                judge[series.key(on: day)] = (series, day)
            }
        }
        for key in judge.keys.sorted() {
            let (series, day) = judge[key]!
            try self.judge(series, day, view)
        }
    }

    /// Puts or removes the alert of `series` on `day`.
    private func judge(_ series: PriceSeries, _ day: CivilDate, _ view: ViewWriter) throws {
        let key = series.key(on: day)
        guard let today = Median(try view.get("medians", key)) else { return }
        var previous: [Price] = []
        for back in 1...Self.baselineDays {
            if let m = Median(try view.get("medians", series.key(on: day.adding(days: -back)))) {
                previous.append(m.median)
            }
        }
        var alert: PriceAlert? = nil
        if !previous.isEmpty {
            let baseline = Price.median(ofSorted: previous.sorted())
            if baseline.scaled > 0, today.median.scaled * 100 >= baseline.scaled * (100 + Self.thresholdPercent) {
                let rise = Double(today.median.scaled - baseline.scaled) / Double(baseline.scaled) * 100
                alert = PriceAlert(
                    commodityId: series.commodityId, priceType: series.priceType, level: series.level, currency: series.currency,
                    unit: series.unit,
                    day: day, median: today.median, baseline: baseline, risePercent: (rise * 100).rounded() / 100,
                    baselineDays: previous.count, count: today.count)
            }
        }
        if let alert {
            let bytes = try ViewCoding.encode(alert)
            try view.put("alerts", key, bytes: bytes)
            try view.put("byDay", series.dayFirstKey(day), bytes: bytes)
        } else if try view.get("alerts", key) != nil {
            try view.delete("alerts", key)
            try view.delete("byDay", series.dayFirstKey(day))
        }
    }
}
