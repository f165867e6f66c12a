import DomainKit
import EventLog
import Projections

/// The price observations of a view, kept so that any day of any series can be recomputed when
/// a report arrives late or is corrected. Used by `prices.daily` and `prices.alerts`, each in
/// its own databases (values in a compact text form, read on every event):
/// - `reports`: event id (lower case) -> the key of its observation;
/// - `observations`: `<series key>|<YYYY-MM-DD>|<position, 20 digits>` -> `<price in
///   ten-thousandths>|<marketId>` (the corrected price when a correction came).
struct ObservationBook {
    static let reports = "reports"
    static let observations = "observations"
    static let databases = [reports, observations]

    struct Observation: Equatable {
        var marketId: String
        var price: Price

        var bytes: [UInt8] { Array("\(price.scaled)|\(marketId)".utf8) }

        init(marketId: String, price: Price) {
            self.marketId = marketId
            self.price = price
        }

        init?(_ bytes: [UInt8]) {
            guard let bar = bytes.firstIndex(of: UInt8(ascii: "|")),
                  let scaled = Int64(String(decoding: bytes[..<bar], as: UTF8.self)) else { return nil }
            price = Price(scaled: scaled)
            marketId = String(decoding: bytes[(bar + 1)...], as: UTF8.self)
        }
    }

    /// The day of a series that changed.
    struct Touched {
        var series: PriceSeries
        var day: CivilDate

        /// Reads `<commodityId>|<priceType>|<currency>|<unit>|<YYYY-MM-DD>|...` back.
        init?(observationKey key: String) {
            let parts = key.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count >= 5, let type = PriceType(rawValue: String(parts[1])), let day = CivilDate(parts[4]) else { return nil }
            series = PriceSeries(commodityId: String(parts[0]), priceType: type, currency: String(parts[2]), unit: ViewKey.unescape(String(parts[3])))
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
        let key = "\(series.key)|\(report.observedOn)|\(ViewKey.position(position))"
        try view.put(reports, id.description, bytes: Array(key.utf8))
        try view.put(observations, key, bytes: Observation(marketId: report.marketId, price: report.price).bytes)
        return Touched(series: series, day: report.observedOn)
    }

    /// Applies a correction to its report's observation; returns the day it touches (nil when the
    /// report is unknown, which the rules do not let happen).
    static func correct(_ correction: PriceCorrected, in view: ViewWriter) throws -> Touched? {
        guard let keyBytes = try view.get(reports, correction.correctsEventId) else { return nil }
        let key = String(decoding: keyBytes, as: UTF8.self)
        guard let touched = Touched(observationKey: key), let stored = try view.get(observations, key),
              var observation = Observation(stored) else { return nil }
        observation.price = correction.price
        try view.put(observations, key, bytes: observation.bytes)
        return touched
    }

    /// The observations of one series on one day, in position order.
    static func observations(_ series: PriceSeries, on day: CivilDate, in view: ViewWriter) throws -> [Observation] {
        var out: [Observation] = []
        try view.scan(observations, prefix: "\(series.key)|\(day)|") { _, bytes in
            if let o = Observation(bytes) { out.append(o) }
            return true
        }
        return out
    }

    /// Decodes a stored event of the domain, or nil for one this version cannot read.
    static func decode(_ event: RecordedEvent) -> PricesEvent? {
        guard let data = try? event.dataValue() else { return nil }
        return try? PricesEvent.decode(
            DomainEvent(stream: event.stream, type: event.type, data: data, occurredAt: event.occurredAt, position: event.position, id: event.id))
    }
}
