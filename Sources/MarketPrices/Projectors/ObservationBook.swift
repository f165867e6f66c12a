import DomainKit
import EventLog
import Projections
import Synchronization

/// The price observations of a view, kept so that any day of any series can be recomputed when
/// a report arrives late or is corrected. Used by `prices.daily` and `prices.alerts`, each in
/// its own databases:
/// - `reports`: event id (lower case) -> its observation, `<price in ten-thousandths>|<marketId>|
///   <the series' key on the day>`, only for a report that was corrected (its price now) or that
///   came before its market was registered (its series then had no level). Any other report a
///   correction names is read from the log (`ViewWriter.loggedEvent`): its series is the same as
///   when it was recorded, since a market registers once. (Every report had an entry before: 80%
///   of the views' bytes at 1M events, read only by corrections.)
/// - `tallies`: the series' key on the day (`PriceSeries.key(on:)`) -> `Tally` (in its compact
///   binary form, `Tally.bytes`), the day's reports counted by price and by market (with each
///   market's sum), kept as each report and correction arrives, so that a day's statistics and
///   its disparity between markets cost the same however many reports it holds;
/// - `markets`: marketId -> its `MarketKind` (raw value), which decides a report's `PriceLevel`.
///
/// Within a write transaction the tallies read or changed stay typed in the view's `Batch` (a
/// report costs one dictionary lookup, no decoding or encoding), and the changed ones are written
/// once at its end (`finish`), before the checkpoint.
struct ObservationBook {
    static let reports = "reports"
    static let tallies = "tallies"
    static let markets = "markets"
    static let databases = [reports, tallies, markets]

    /// The events the views of observations fold.
    static let eventTypes: Set<String> = [
        MarketPricesEventType.marketRegistered, MarketPricesEventType.priceReported, MarketPricesEventType.priceCorrected,
    ]

    /// What one view's fold holds for one write transaction: the tallies it read or changed (by
    /// `Touched.key`) and the kinds of the markets it looked up.
    final class Batch {
        struct Entry {
            var touched: Touched
            var tally: Tally
            /// Changed in this batch: written, and its day recomputed, at the end.
            var changed: Bool
        }
        var entries: [Touched.Key: Entry] = [:]
        var kinds: [String: MarketKind?] = [:]
    }

    /// One series' reports on one day, counted: by price (ten-thousandths) and by market, with
    /// the exact sum of the prices, overall and per market.
    struct Tally: Equatable {
        /// A market's reports on the day: how many, and the sum of their prices.
        struct Share: Equatable {
            var count = 0
            var sum: Int64 = 0
        }
        var prices: [Int64: Int] = [:]
        var markets: [String: Share] = [:]
        var sum: Int64 = 0
        var count = 0

        mutating func add(_ o: Observation, _ n: Int) {
            let scaled = o.price.scaled
            let amount = scaled * Int64(n)
            prices[scaled, default: 0] += n
            if let i = markets.index(forKey: o.marketId) {
                markets.values[i].count += n
                markets.values[i].sum += amount
            } else {
                markets[o.marketId] = Share(count: n, sum: amount)
            }
            if n < 0 {
                if prices[scaled] == 0 { prices[scaled] = nil }
                if markets[o.marketId]?.count == 0 { markets[o.marketId] = nil }
            }
            sum += amount
            count += n
        }

        /// Each market's price on the day: the mean of its reports (corrections applied), rounded
        /// half up to 4 fraction digits.
        var marketPrices: [String: Price] {
            var out: [String: Price] = [:]
            for (market, share) in markets where share.count > 0 {
                out[market] = Price(scaled: Int64((Double(share.sum) / Double(share.count)).rounded()))
            }
            return out
        }

        /// The distinct prices in order, each with how many reports gave it (`add` drops a price
        /// none gives any more).
        var sortedCounts: [(price: Int64, count: Int)] {
            prices.map { ($0.key, $0.value) }.sorted { $0.price < $1.price }
        }

        /// The report of rank `rank` (from 0) in price order, in `sorted` (`sortedCounts`).
        static func price(atRank rank: Int, in sorted: [(price: Int64, count: Int)]) -> Price {
            var seen = 0
            for (price, n) in sorted {
                seen += n
                if rank < seen { return Price(scaled: price) }
            }
            return Price(scaled: sorted.last?.price ?? 0)
        }

        /// The middle report, or the mean of the two middle ones (as `Price.median(ofSorted:)`),
        /// found by walking the counts (a day of many reports is not spread into an array).
        var median: Price { Self.median(count: count, sorted: sortedCounts) }

        static func median(count n: Int, sorted: [(price: Int64, count: Int)]) -> Price {
            if n % 2 == 1 { return price(atRank: n / 2, in: sorted) }
            return Price.median(ofSorted: [price(atRank: n / 2 - 1, in: sorted), price(atRank: n / 2, in: sorted)])
        }

        /// The mean rounded half up to 4 fraction digits (the sum is exact below 2^53, as
        /// `Price.mean(of:)`'s is).
        var mean: Price { Price(scaled: Int64((Double(sum) / Double(count)).rounded())) }

        /// The stored form: count, sum, then each price (ascending) with its count, then each
        /// market (by id) with its count and sum; integers as 8 bytes little-endian, a market id
        /// as its length (2 bytes) and UTF-8.
        var bytes: [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(24 + prices.count * 16 + markets.count * 40)
            func int(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
            int(Int64(count))
            int(sum)
            int(Int64(prices.count))
            for (price, n) in prices.sorted(by: { $0.key < $1.key }) {
                int(price)
                int(Int64(n))
            }
            int(Int64(markets.count))
            for (market, share) in markets.sorted(by: { $0.key < $1.key }) {
                let utf8 = Array(market.utf8)
                out.append(UInt8(utf8.count & 0xFF))
                out.append(UInt8(utf8.count >> 8))
                out.append(contentsOf: utf8)
                int(Int64(share.count))
                int(share.sum)
            }
            return out
        }

        init() {}

        static let damaged = ProjectionError("a tally of prices.daily or prices.alerts is damaged")

        /// Reads `bytes` back; throws on bytes `bytes` cannot have written.
        init(stored bytes: [UInt8]) throws(ProjectionError) {
            var at = 0
            func int() throws(ProjectionError) -> Int64 {
                guard at + 8 <= bytes.count else { throw Self.damaged }
                var v: UInt64 = 0
                for i in 0..<8 { v |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
                at += 8
                return Int64(bitPattern: v)
            }
            count = Int(try int())
            sum = try int()
            let priceCount = try int()
            guard priceCount >= 0, priceCount <= bytes.count else {
                throw Self.damaged
            }
            prices.reserveCapacity(Int(priceCount))
            for _ in 0..<priceCount {
                let price = try int()
                prices[price] = Int(try int())
            }
            let marketCount = try int()
            guard marketCount >= 0, marketCount <= bytes.count else {
                throw Self.damaged
            }
            for _ in 0..<marketCount {
                guard at + 2 <= bytes.count else { throw Self.damaged }
                let length = Int(bytes[at]) | Int(bytes[at + 1]) << 8
                at += 2
                guard at + length <= bytes.count else { throw Self.damaged }
                let market = String(decoding: bytes[at..<(at + length)], as: UTF8.self)
                at += length
                markets[market] = Share(count: Int(try int()), sum: try int())
            }
        }
    }

    /// Counts `n` reports of `o` (-1 to take one back) on `touched`'s day, in the batch's tally.
    private static func count(_ o: Observation, _ n: Int, at touched: Touched, in view: ViewWriter) throws {
        let batch = view.batchState(Batch.init)
        if let i = batch.entries.index(forKey: touched.hashedKey) {
            batch.entries.values[i].tally.add(o, n)
            batch.entries.values[i].changed = true
            return
        }
        var tally = try view.get(tallies, touched.key).map { bytes throws(ProjectionError) in try Tally(stored: bytes) } ?? Tally()
        tally.add(o, n)
        batch.entries[touched.hashedKey] = Batch.Entry(touched: touched, tally: tally, changed: true)
    }

    /// The days whose tallies changed in this batch, in key order (a series' days in date order),
    /// with their tallies, which are written (once each) before this returns; the batch forgets
    /// them. The view's `finishBatch` recomputes each day from its tally.
    static func finish(in view: ViewWriter) throws -> [(Touched, Tally)] {
        let batch = view.batchState(Batch.init)
        defer { batch.entries = [:] }
        var changed: [(Touched, Tally)] = []
        for (_, entry) in batch.entries where entry.changed { changed.append((entry.touched, entry.tally)) }
        changed.sort { $0.0.key < $1.0.key }
        for (touched, tally) in changed { try view.put(tallies, touched.key, bytes: tally.bytes) }
        return changed
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

    /// The day of a series that changed. A class: every report of the day shares one (a copy
    /// is one reference, not the series' strings).
    final class Touched: Sendable {
        /// The series' key on the day with its hash worked out once: a batch finds a day's tally
        /// by it without hashing the key's text per report.
        struct Key: Hashable, Sendable {
            let text: String
            let hash: Int

            init(_ text: String) {
                self.text = text
                hash = text.hashValue
            }

            static func == (a: Key, b: Key) -> Bool { a.hash == b.hash && a.text == b.text }
            func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        }

        let series: PriceSeries
        let day: CivilDate
        let hashedKey: Key
        /// The series' key on the day (`PriceSeries.key(on:)`), made once.
        var key: String { hashedKey.text }

        /// Reads a key made by `PriceSeries.key(on:)` back.
        convenience init?(dayKey key: String) {
            let parts = ViewKey.split(key)
            guard parts.count > PriceSeries.keyPartCount, let series = PriceSeries(key: key),
                let day = CivilDate(parts[PriceSeries.keyPartCount])
            else { return nil }
            self.init(series: series, day: day)
        }

        init(series: PriceSeries, day: CivilDate) {
            (self.series, self.day) = (series, day)
            hashedKey = Key(series.key(on: day))
        }
    }

    /// The kind of `marketId` as registered (nil before its registration).
    static func kind(_ marketId: String, in view: ViewWriter) throws -> MarketKind? {
        let batch = view.batchState(Batch.init)
        if let kind = batch.kinds[marketId] { return kind }
        let kind = try view.get(markets, marketId).flatMap { MarketKind(rawValue: String(decoding: $0, as: UTF8.self)) }
        batch.kinds[marketId] = kind
        return kind
    }

    /// The day of the last report recorded, with its market's kind: the two views of
    /// observations fold the same report one after the other, and the second one finds its day
    /// (and its key) made.
    private static let lastTouched = Mutex<(EventHash, MarketKind?, Touched)?>(nil)

    /// A series on a day, as the days made recently are found.
    private struct SeriesDay: Hashable {
        var series: PriceSeries
        var day: CivilDate
    }

    /// The days of series made recently (their keys made once: a day of a series has many
    /// reports), forgotten by the few thousand.
    private static let recentDays = Mutex<[SeriesDay: Touched]>([:])

    /// The day `report` (the event `hash`) touches at a market of `kind`.
    private static func touched(by report: PriceReported, hash: EventHash, kind: MarketKind?) -> Touched {
        if let (h, k, touched) = lastTouched.withLock({ $0 }), h == hash, k == kind { return touched }
        let series = PriceSeries(report, kind: kind)
        let day = SeriesDay(series: series, day: report.observedOn)
        let touched = recentDays.withLock { days in
            if let touched = days[day] { return touched }
            let touched = Touched(series: series, day: report.observedOn)
            if days.count >= 4096 { days.removeAll(keepingCapacity: true) }
            days[day] = touched
            return touched
        }
        lastTouched.withLock { $0 = (hash, kind, touched) }
        return touched
    }

    /// Records a price report in its day's tally.
    static func record(_ report: PriceReported, id: EventID, hash: EventHash, in view: ViewWriter) throws {
        let kind = try kind(report.marketId, in: view)
        let touched = touched(by: report, hash: hash, kind: kind)
        let observation = Observation(marketId: report.marketId, price: report.price)
        // Its series would differ once the market is known: kept, for a correction to find it.
        if kind == nil { try view.put(reports, id.description, bytes: observation.bytes(on: touched)) }
        try count(observation, 1, at: touched, in: view)
    }

    /// A report's observation and day as a correction finds it: kept in `reports` (corrected
    /// before, or recorded before its market), else read from the log.
    static func observation(of reportId: String, in view: ViewWriter) throws -> (Observation, Touched)? {
        if let kept = Observation.read(try view.get(reports, reportId)) { return kept }
        guard let event = try view.loggedEvent(reportId), case .priceReported(_, let r)? = PricesEvent.read(event) else { return nil }
        let touched = Touched(series: PriceSeries(r, kind: try kind(r.marketId, in: view)), day: r.observedOn)
        return (Observation(marketId: r.marketId, price: r.price), touched)
    }

    /// Applies a correction to its report's observation (nothing when the report is unknown, which
    /// the rules do not let happen).
    static func correct(_ correction: PriceCorrected, in view: ViewWriter) throws {
        guard let (reported, touched) = try observation(of: correction.correctedReport, in: view) else { return }
        var observation = reported
        try count(observation, -1, at: touched, in: view)
        observation.price = correction.price
        try view.put(reports, correction.correctedReport, bytes: observation.bytes(on: touched))
        try count(observation, 1, at: touched, in: view)
    }

    /// Folds an event into `view`'s observations: a report or a correction counts in its day's
    /// tally (recomputed by the view's `finishBatch`, `finish`), a market registers its kind.
    /// Other events change nothing.
    static func fold(_ decoded: PricesEvent, of event: RecordedEvent, in view: ViewWriter) throws {
        switch decoded {
        case .priceReported(_, let r):
            try record(r, id: event.id, hash: event.hash, in: view)
        case .priceCorrected(_, _, let c):
            try correct(c, in: view)
        case .marketRegistered(let m):
            guard try view.get(markets, m.marketId) == nil else { return }
            try view.put(markets, m.marketId, bytes: Array(m.kind.rawValue.utf8))
            view.batchState(Batch.init).kinds[m.marketId] = m.kind
        default:
            return
        }
    }
}
