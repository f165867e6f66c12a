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

    /// A day's median, stored as `<median in ten-thousandths>|<count>`.
    struct Median: Equatable {
        var median: Price
        var count: Int

        var bytes: [UInt8] { Array("\(median.scaled)|\(count)".utf8) }

        init(median: Price, count: Int) {
            self.median = median
            self.count = count
        }

        init?(_ bytes: [UInt8]?) {
            guard let bytes, let bar = bytes.firstIndex(of: UInt8(ascii: "|")),
                  let scaled = Int64(String(decoding: bytes[..<bar], as: UTF8.self)),
                  let count = Int(String(decoding: bytes[(bar + 1)...], as: UTF8.self)) else { return nil }
            self.init(median: Price(scaled: scaled), count: count)
        }
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
        let seriesKey = series.key
        let medianKey = "\(seriesKey)|\(touched.day)"
        let current = Median(median: median, count: observations.count)
        if Median(try view.get("medians", medianKey)) == current { return }
        try view.put("medians", medianKey, bytes: current.bytes)
        for offset in 0...Self.baselineDays {
            try judge(series, seriesKey, touched.day.adding(days: offset), view)
        }
    }

    /// Puts or removes the alert of `series` on `day`.
    private func judge(_ series: PriceSeries, _ seriesKey: String, _ day: CivilDate, _ view: ViewWriter) throws {
        let key = "\(seriesKey)|\(day)"
        guard let today = Median(try view.get("medians", key)) else { return }
        var previous: [Price] = []
        for back in 1...Self.baselineDays {
            if let m = Median(try view.get("medians", "\(seriesKey)|\(day.adding(days: -back))")) {
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
            let bytes = try ViewCoding.encode(alert)
            try view.put("alerts", key, bytes: bytes)
            try view.put("byDay", "\(day)|\(seriesKey)", bytes: bytes)
        } else if try view.get("alerts", key) != nil {
            try view.delete("alerts", key)
            try view.delete("byDay", "\(day)|\(seriesKey)")
        }
    }
}
