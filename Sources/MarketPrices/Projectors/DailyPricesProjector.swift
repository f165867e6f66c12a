import EventLog
import Projections

/// `prices.daily`: daily statistics per price series (commodity, price type, currency, unit)
/// across markets: min, max, mean, median, count.
///
/// Databases: `reports` and `observations` (see `ObservationBook`); `daily`:
/// `<series key>|<YYYY-MM-DD>` -> `DailyStats`; `byDate`: `<YYYY-MM-DD>|<series key>` -> the same.
/// Every report or correction recomputes its series' day from the observations, so a late
/// report or a correction lands exactly as if it had been there from the start.
public struct DailyPricesProjector: Projector {
    public static let viewName = "prices.daily"
    public var name: String { Self.viewName }
    public let version = 1
    public let eventTypes: Set<String>? = [MarketPricesEventType.priceReported, MarketPricesEventType.priceCorrected]
    public let databases = ObservationBook.databases + ["daily", "byDate"]

    public init() {}

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
        let observations = try ObservationBook.observations(touched.series, on: touched.day, in: view)
        let seriesKey = touched.series.key
        guard !observations.isEmpty else { return }
        let stats = DailyStats(series: touched.series, date: touched.day, observations: observations)
        let bytes = try ViewCoding.encode(stats)
        try view.put("daily", "\(seriesKey)|\(touched.day)", bytes: bytes)
        try view.put("byDate", "\(touched.day)|\(seriesKey)", bytes: bytes)
    }
}
