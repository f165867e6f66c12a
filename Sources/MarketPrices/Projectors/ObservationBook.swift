import EventLog
import Projections

/// The price observations of a view, kept so that any day of any series can be recomputed when
/// a report arrives late or is corrected. Used by `prices.daily` and `prices.alerts`, each in
/// its own databases:
/// - `reports`: event id (lower case) -> where its observation is (`Entry`);
/// - `observations`: `<series key>|<YYYY-MM-DD>|<position, 20 digits>` -> `Observation`
///   (the price, corrected when a correction came).
struct ObservationBook {
    static let reports = "reports"
    static let observations = "observations"
    static let databases = [reports, observations]

    struct Entry: Codable {
        var series: PriceSeries
        var observedOn: CivilDate
        var observationKey: String
    }

    struct Observation: Codable {
        var marketId: String
        var price: Price
    }

    /// The day of a series that changed.
    struct Touched {
        var series: PriceSeries
        var day: CivilDate
    }

    /// Records a price report; returns the day it touches.
    static func record(_ report: PriceReported, id: EventID, position: UInt64, in view: ViewWriter) throws -> Touched {
        let series = PriceSeries(report)
        let key = "\(series.key)|\(report.observedOn)|\(ViewKey.position(position))"
        try view.put(reports, id.description, value: Entry(series: series, observedOn: report.observedOn, observationKey: key))
        try view.put(observations, key, value: Observation(marketId: report.marketId, price: report.price))
        return Touched(series: series, day: report.observedOn)
    }

    /// Applies a correction to its report's observation; returns the day it touches (nil when the
    /// report is unknown, which the rules do not let happen).
    static func correct(_ correction: PriceCorrected, in view: ViewWriter) throws -> Touched? {
        guard let entry = try view.value(Entry.self, reports, correction.correctsEventId),
              var observation = try view.value(Observation.self, observations, entry.observationKey) else { return nil }
        observation.price = correction.price
        try view.put(observations, entry.observationKey, value: observation)
        return Touched(series: entry.series, day: entry.observedOn)
    }

    /// The observations of one series on one day, in position order.
    static func observations(_ series: PriceSeries, on day: CivilDate, in view: ViewWriter) throws -> [Observation] {
        var out: [Observation] = []
        try view.scan(observations, prefix: "\(series.key)|\(day)|") { _, bytes in
            out.append(try ViewCoding.decode(Observation.self, bytes))
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
