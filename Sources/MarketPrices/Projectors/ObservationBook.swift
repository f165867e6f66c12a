import DomainKit
import EventLog
import Projections

/// The price observations of a view, kept so that any day of any series can be recomputed when
/// a report arrives late or is corrected. Used by `prices.daily` and `prices.alerts`, each in
/// its own databases (values in a compact text form, read on every event):
/// - `reports`: event id (lower case) -> its observation, `<price in ten-thousandths>|<marketId>|
///   <the series' key on the day>`, only for a report that was corrected (its price now) or that
///   came before its market was registered (its series then had no level). Any other report a
///   correction names is read from the log (`ViewWriter.loggedEvent`): its series is the same as
///   when it was recorded, since a market registers once. (Every report had an entry before: 80%
///   of the views' bytes at 1M events, read only by corrections.)
/// - `tallies`: the series' key on the day (`PriceSeries.key(on:)`) -> `Tally`, the day's
///   reports counted by price and by market (with each market's sum), kept as each report and
///   correction arrives, so that a day's statistics and its disparity between markets cost the
///   same however many reports it holds;
/// - `markets`: marketId -> its `MarketKind` (raw value), which decides a report's `PriceLevel`.
struct ObservationBook {
    static let reports = "reports"
    static let tallies = "tallies"
    static let markets = "markets"
    static let databases = [reports, tallies, markets]

    /// The days touched in the current batch (by `Touched.key`), recomputed once each at its end
    /// (`takePending`).
    final class Pending {
        var days: [String: Touched] = [:]
    }
    /// The events the views of observations fold.
    static let eventTypes: Set<String> = [
        MarketPricesEventType.marketRegistered, MarketPricesEventType.priceReported, MarketPricesEventType.priceCorrected,
    ]

    /// One series' reports on one day, counted: by price (ten-thousandths, as text keys) and by
    /// market, with the exact sum of the prices, overall and per market.
    struct Tally: Codable, Equatable {
        var prices: [String: Int] = [:]
        var markets: [String: Int] = [:]
        /// The sum of each market's prices (ten-thousandths), for its mean (`marketPrices`).
        var marketSums: [String: Int64] = [:]
        var sum: Int64 = 0
        var count = 0

        mutating func add(_ o: Observation, _ n: Int) {
            let p = String(o.price.scaled)
            prices[p, default: 0] += n
            if prices[p] == 0 { prices[p] = nil }
            markets[o.marketId, default: 0] += n
            marketSums[o.marketId, default: 0] += o.price.scaled * Int64(n)
            if markets[o.marketId] == 0 {
                markets[o.marketId] = nil
                marketSums[o.marketId] = nil
            }
            sum += o.price.scaled * Int64(n)
            count += n
        }

        /// Each market's price on the day: the mean of its reports (corrections applied), rounded
        /// half up to 4 fraction digits.
        var marketPrices: [String: Price] {
            var out: [String: Price] = [:]
            for (market, n) in markets where n > 0 {
                out[market] = Price(scaled: Int64((Double(marketSums[market] ?? 0) / Double(n)).rounded()))
            }
            return out
        }

        /// Every report's price, in order (as many times as reported).
        var sortedPrices: [Price] {
            prices.compactMap { k, n in Int64(k).map { (Price(scaled: $0), n) } }
                .sorted { $0.0 < $1.0 }
                .flatMap { Array(repeating: $0.0, count: $0.1) }
        }

        /// The middle report, or the mean of the two middle ones (as `Price.median(ofSorted:)`).
        var median: Price { Price.median(ofSorted: sortedPrices) }

        /// The mean rounded half up to 4 fraction digits (the sum is exact below 2^53, as
        /// `Price.mean(of:)`'s is).
        var mean: Price { Price(scaled: Int64((Double(sum) / Double(count)).rounded())) }
    }

    /// The tally of `series` on `day` (empty when it has no report).
    static func tally(_ touched: Touched, in view: ViewWriter) throws -> Tally {
        try view.value(Tally.self, tallies, touched.key) ?? Tally()
    }

    private static func count(_ o: Observation, _ n: Int, at touched: Touched, in view: ViewWriter) throws {
        try view.update(tallies, touched.key, initial: Tally()) { $0.add(o, n) }
    }

    /// A report's market and its price (after corrections).
    struct Observation: Equatable {
        var marketId: String
        var price: Price

        init(marketId: String, price: Price) {
            (self.marketId, self.price) = (marketId, price)
        }

        /// The `reports` value of this observation on `touched`'s day: the key is last, as it
        /// may hold a `|` (a unit's text); a market id is an identifier, which holds none.
        func bytes(on touched: Touched) -> [UInt8] { BarValue.make(String(price.scaled), marketId, touched.key) }

        /// Reads a `reports` value back: the observation and its day.
        static func read(_ bytes: [UInt8]?) -> (Observation, Touched)? {
            guard let parts = BarValue.split(bytes, count: 3), let scaled = Int64(parts[0]),
                let touched = Touched(dayKey: parts[2])
            else { return nil }
            return (Observation(marketId: parts[1], price: Price(scaled: scaled)), touched)
        }
    }

    /// The day of a series that changed.
    struct Touched {
        let series: PriceSeries
        let day: CivilDate
        /// The series' key on the day (`PriceSeries.key(on:)`), made once.
        let key: String

        /// Reads a key made by `PriceSeries.key(on:)` back.
        init?(dayKey key: String) {
            let parts = ViewKey.split(key)
            guard parts.count > PriceSeries.keyPartCount, let series = PriceSeries(key: key),
                let day = CivilDate(parts[PriceSeries.keyPartCount])
            else { return nil }
            self.init(series: series, day: day)
        }

        init(series: PriceSeries, day: CivilDate) {
            (self.series, self.day) = (series, day)
            key = series.key(on: day)
        }
    }

    /// The kind of `marketId` as registered (nil before its registration).
    static func kind(_ marketId: String, in view: ViewWriter) throws -> MarketKind? {
        try view.get(markets, marketId).flatMap { MarketKind(rawValue: String(decoding: $0, as: UTF8.self)) }
    }

    /// Records a price report; returns the day it touches.
    static func record(_ report: PriceReported, id: EventID, position: UInt64, in view: ViewWriter) throws -> Touched {
        let kind = try kind(report.marketId, in: view)
        let touched = Touched(series: PriceSeries(report, kind: kind), day: report.observedOn)
        let observation = Observation(marketId: report.marketId, price: report.price)
        // Its series would differ once the market is known: kept, for a correction to find it.
        if kind == nil { try view.put(reports, id.description, bytes: observation.bytes(on: touched)) }
        try count(observation, 1, at: touched, in: view)
        return touched
    }

    /// A report's observation and day as a correction finds it: kept in `reports` (corrected
    /// before, or recorded before its market), else read from the log.
    static func observation(of reportId: String, in view: ViewWriter) throws -> (Observation, Touched)? {
        if let kept = Observation.read(try view.get(reports, reportId)) { return kept }
        guard let event = try view.loggedEvent(reportId), case .priceReported(_, let r)? = PricesEvent.read(event) else { return nil }
        let touched = Touched(series: PriceSeries(r, kind: try kind(r.marketId, in: view)), day: r.observedOn)
        return (Observation(marketId: r.marketId, price: r.price), touched)
    }

    /// Applies a correction to its report's observation; returns the day it touches (nil when the
    /// report is unknown, which the rules do not let happen).
    static func correct(_ correction: PriceCorrected, in view: ViewWriter) throws -> Touched? {
        guard var (observation, touched) = try observation(of: correction.correctedReport, in: view) else { return nil }
        try count(observation, -1, at: touched, in: view)
        observation.price = correction.price
        try view.put(reports, correction.correctedReport, bytes: observation.bytes(on: touched))
        try count(observation, 1, at: touched, in: view)
        return touched
    }

    /// Notes that `touched`'s day must be recomputed at the end of the batch.
    static func markPending(_ touched: Touched, in view: ViewWriter) {
        view.batchState(Pending.init).days[touched.key] = touched
    }

    /// The days touched in this batch, in key order (a series' days in date order), forgotten.
    static func takePending(in view: ViewWriter) -> [Touched] {
        let pending = view.batchState(Pending.init)
        defer { pending.days = [:] }
        return pending.days.keys.sorted().map { pending.days[$0]! }
    }

    /// The report or correction of a stored event (nil for other events and for one this version
    /// cannot read), and the day of its series it touches once recorded in `view`.
    static func touch(_ event: RecordedEvent, in view: ViewWriter) throws -> Touched? {
        switch PricesEvent.read(event) {
        case .priceReported(_, let r)?:
            return try record(r, id: event.id, position: event.position, in: view)
        case .priceCorrected(_, _, let c)?:
            return try correct(c, in: view)
        case .marketRegistered(let m)?:
            if try view.get(markets, m.marketId) == nil { try view.put(markets, m.marketId, bytes: Array(m.kind.rawValue.utf8)) }
            return nil
        default:
            return nil
        }
    }
}
