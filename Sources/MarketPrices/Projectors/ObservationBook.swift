import DomainKit
import EventLog
import Projections

/// The price observations of a view, kept so that any day of any series can be recomputed when
/// a report arrives late or is corrected. Used by `prices.daily` and `prices.alerts`, each in
/// its own databases (values in a compact text form, read on every event):
/// - `reports`: event id (lower case) -> the key of its observation;
/// - `observations`: `ViewKey` of the series' parts, the day and the position (20 digits) ->
///   `<price in ten-thousandths>|<marketId>` (the corrected price when a correction came).
struct ObservationBook {
    static let reports = "reports"
    static let observations = "observations"
    /// The days touched in the current batch (`PriceSeries.key(on:)` -> nothing), recomputed
    /// once each at its end (`takePending`).
    static let pending = "pending"
    static let databases = [reports, observations, pending]

    /// A report's market and its price (after corrections): `<price in ten-thousandths>|<marketId>`.
    struct Observation: Equatable {
        var marketId: String
        var price: Price

        var bytes: [UInt8] { BarValue.make(String(price.scaled), marketId) }

        init(marketId: String, price: Price) {
            self.marketId = marketId
            self.price = price
        }

        init?(_ bytes: [UInt8]) {
            guard let parts = BarValue.split(bytes, count: 2), let scaled = Int64(parts[0]) else { return nil }
            self.init(marketId: parts[1], price: Price(scaled: scaled))
        }
    }

    /// The day of a series that changed.
    struct Touched {
        var series: PriceSeries
        var day: CivilDate

        /// Reads an observation's key back.
        init?(observationKey key: String) {
            let parts = ViewKey.split(key)
            guard parts.count >= 5, let series = PriceSeries(key: key), let day = CivilDate(parts[4]) else { return nil }
            self.series = series
            self.day = day
        }

        init(series: PriceSeries, day: CivilDate) {
            self.series = series
            self.day = day
        }
    }

    /// Records a price report; returns the day it touches.
    static func record(_ report: PriceReported, id: EventID, position: UInt64, in view: ViewWriter) throws -> Touched {
        let series = PriceSeries(report)
        let key = ViewKey.make(series.keyParts + [report.observedOn.description, ViewKey.position(position)])
        try view.put(reports, id.description, bytes: Array(key.utf8))
        try view.put(observations, key, bytes: Observation(marketId: report.marketId, price: report.price).bytes)
        return Touched(series: series, day: report.observedOn)
    }

    /// Applies a correction to its report's observation; returns the day it touches (nil when the
    /// report is unknown, which the rules do not let happen).
    static func correct(_ correction: PriceCorrected, in view: ViewWriter) throws -> Touched? {
        guard let keyBytes = try view.get(reports, correction.correctedReport) else { return nil }
        let key = String(decoding: keyBytes, as: UTF8.self)
        guard let touched = Touched(observationKey: key), let stored = try view.get(observations, key),
            var observation = Observation(stored)
        else { return nil }
        observation.price = correction.price
        try view.put(observations, key, bytes: observation.bytes)
        return touched
    }

    /// The observations of one series on one day, in position order.
    static func observations(_ series: PriceSeries, on day: CivilDate, in view: ViewWriter) throws -> [Observation] {
        var out: [Observation] = []
        try view.scan(observations, prefix: series.key(on: day) + String(ViewKey.separator)) { _, bytes in
            if let o = Observation(bytes) { out.append(o) }
            return true
        }
        return out
    }

    /// Notes that `touched`'s day must be recomputed at the end of the batch.
    static func markPending(_ touched: Touched, in view: ViewWriter) throws {
        try view.put(pending, touched.series.key(on: touched.day), bytes: [])
    }

    /// The days touched in this batch, in key order (a series' days in date order), forgotten.
    static func takePending(in view: ViewWriter) throws -> [Touched] {
        var keys: [String] = []
        try view.scan(pending) { key, _ in
            keys.append(key)
            return true
        }
        for key in keys { try view.delete(pending, key) }
        return keys.compactMap { Touched(observationKey: $0) }
    }

    /// The report or correction of a stored event (nil for other events and for one this version
    /// cannot read), and the day of its series it touches once recorded in `view`.
    static func touch(_ event: RecordedEvent, in view: ViewWriter) throws -> Touched? {
        switch PricesEvent.read(event) {
        case .priceReported(_, let r)?:
            return try record(r, id: event.id, position: event.position, in: view)
        case .priceCorrected(_, _, let c)?:
            return try correct(c, in: view)
        default:
            return nil
        }
    }
}
