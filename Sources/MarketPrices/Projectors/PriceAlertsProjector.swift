import EventLog
import Foundation
import Projections

/// `prices.alerts`: a day on which a series' city median (the median of the day's reports
/// across markets) is 10% or more above its baseline, the median of the daily medians of the 7
/// preceding calendar days that have data (no alert without any such day).
///
/// Databases: `reports` and `observations` (see `ObservationBook`); `medians`:
/// `<series key>|<YYYY-MM-DD>` -> `Median`; `alerts`: `<series key>|<YYYY-MM-DD>` -> `PriceAlert`;
/// `byDay`: `<YYYY-MM-DD>|<series key>` -> the same alert. A change of day d's median (a report or
/// a correction) re-judges days d to d+7, so alerts appear and disappear exactly as a fold from
/// scratch would have them.
public struct PriceAlertsProjector: Projector {
    public static let viewName = "prices.alerts"
    public var name: String { Self.viewName }
    public let version = 1
    public let eventTypes: Set<String>? = [MarketPricesEventType.priceReported, MarketPricesEventType.priceCorrected]
    public let databases = ObservationBook.databases + ["medians", "alerts", "byDay"]

    /// The rise, in percent, from which a day is an alert.
    public static let thresholdPercent: Int64 = 10
    /// How many preceding days form the baseline.
    public static let baselineDays = 7

    public init() {}

    struct Median: Codable {
        var median: Price
        var count: Int
    }

    public func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
        let touched: ObservationBook.Touched?
        switch ObservationBook.decode(event) {
        case .priceReported(_, let r)?:
            touched = try ObservationBook.record(r, id: event.id, position: event.position, in: view)
        case .priceCorrected(_, _, let c)?:
            touched = try ObservationBook.correct(c, in: view)
        default:
            touched = nil
        }
        guard let touched else { return }
        let series = touched.series
        let observations = try ObservationBook.observations(series, on: touched.day, in: view)
        guard !observations.isEmpty else { return }
        let median = Price.median(ofSorted: observations.map(\.price).sorted())
        let medianKey = "\(series.key)|\(touched.day)"
        if let old = try view.value(Median.self, "medians", medianKey), old.median == median, old.count == observations.count {
            return
        }
        try view.put("medians", medianKey, value: Median(median: median, count: observations.count))
        for offset in 0...Self.baselineDays {
            try judge(series, touched.day.adding(days: offset), view)
        }
    }

    /// Puts or removes the alert of `series` on `day`.
    private func judge(_ series: PriceSeries, _ day: CivilDate, _ view: ViewWriter) throws {
        let key = "\(series.key)|\(day)"
        let byDayKey = "\(day)|\(series.key)"
        guard let today = try view.value(Median.self, "medians", key) else { return }
        var previous: [Price] = []
        for back in 1...Self.baselineDays {
            if let m = try view.value(Median.self, "medians", "\(series.key)|\(day.adding(days: -back))") {
                previous.append(m.median)
            }
        }
        var alert: PriceAlert? = nil
        if !previous.isEmpty {
            let baseline = Price.median(ofSorted: previous.sorted())
            if baseline.scaled > 0, today.median.scaled * 100 >= baseline.scaled * (100 + Self.thresholdPercent) {
                let rise = Double(today.median.scaled - baseline.scaled) / Double(baseline.scaled) * 100
                alert = PriceAlert(
                    commodityId: series.commodityId, priceType: series.priceType, currency: series.currency, unit: series.unit,
                    day: day, median: today.median, baseline: baseline, risePercent: (rise * 100).rounded() / 100,
                    baselineDays: previous.count, count: today.count)
            }
        }
        if let alert {
            try view.put("alerts", key, value: alert)
            try view.put("byDay", byDayKey, value: alert)
        } else if try view.get("alerts", key) != nil {
            try view.delete("alerts", key)
            try view.delete("byDay", byDayKey)
        }
    }
}
