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
///
/// Both views keep the same observations, so they are one `Projector.batchGroup`: when both fold
/// the same events (a rebuild of every view, or both current), they share one `Batch`, which
/// counts each report once, for the first of them to fold it; each view writes the same tallies
/// and kept reports into its own databases at the end.
struct ObservationBook {
    /// The batch group of `prices.daily` and `prices.alerts`.
    static let group = ObjectIdentifier(Batch.self)

    static let reports = "reports"
    static let tallies = "tallies"
    static let markets = "markets"
    static let databases = [reports, tallies, markets]

    /// The events the views of observations fold.
    static let eventTypes: Set<String> = [
        MarketPricesEventType.marketRegistered, MarketPricesEventType.priceReported, MarketPricesEventType.priceCorrected,
    ]

    /// What the fold holds for one write transaction (one view's, or both views' when they share
    /// it): the tallies it read or changed (by `Touched.key`), the kinds of the markets it looked
    /// up, and the `reports` values it kept, written at the end.
    final class Batch {
        struct Entry {
            var touched: Touched
            var tally: Tally
            /// Changed in this batch: written, and its day recomputed, at the end.
            var changed: Bool
        }
        // These three are read and changed by the book's functions alone, in single statements
        // (a tally's `add` touches nothing of the batch): unchecked for overlapping access, a
        // check per report on each.
        @exclusivity(unchecked) var entries: [Touched.Key: Entry] = [:]
        @exclusivity(unchecked) var kinds: [String: MarketKind?] = [:]
        /// `reports` values kept in this batch (event id -> `Observation.bytes(on:)`).
        @exclusivity(unchecked) var reports: [String: [UInt8]] = [:]
        /// The position of the last report or correction counted: the second view sharing the
        /// batch finds it counted.
        var counted: UInt64 = 0
        /// The changed days of this batch once the first view's `finish` worked them out, and how
        /// many views have finished.
        var finished: [(Touched, Tally)]? = nil
        var finishes = 0

        /// Whether the event at `position` is the fold's to count (the first view to see it).
        func claim(_ position: UInt64) -> Bool {
            guard counted != position else { return false }
            counted = position
            return true
        }
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
    private static func count(_ o: Observation, _ n: Int, at touched: Touched, in view: ViewWriter, _ batch: Batch) throws {
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
    /// with their tallies, which are written into `view` (once each) before this returns, with the
    /// reports kept; after the last view sharing the batch, the batch forgets them. The view's
    /// `finishBatch` recomputes each day from its tally.
    static func finish(in view: ViewWriter) throws -> [(Touched, Tally)] {
        let batch = view.batchState(Batch.init)
        let changed =
            batch.finished
            ?? {
                var changed: [(Touched, Tally)] = []
                for (_, entry) in batch.entries where entry.changed { changed.append((entry.touched, entry.tally)) }
                return changed.sorted { $0.0.key < $1.0.key }
            }()
        batch.finished = changed
        for (touched, tally) in changed { try view.put(tallies, touched.key, bytes: tally.bytes) }
        for (id, bytes) in batch.reports { try view.put(reports, id, bytes: bytes) }
        batch.finishes += 1
        if batch.finishes >= view.batchSharers {
            (batch.entries, batch.reports, batch.finished, batch.finishes) = ([:], [:], nil, 0)
        }
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
            func _rawHashValue(seed: Int) -> Int { SipHash.mixed(hash, seed: seed) }
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
    static func kind(_ marketId: String, in view: ViewWriter, _ batch: Batch) throws -> MarketKind? {
        if let kind = batch.kinds[marketId] { return kind }
        let kind = try view.get(markets, marketId).flatMap { MarketKind(rawValue: String(decoding: $0, as: UTF8.self)) }
        batch.kinds[marketId] = kind
        return kind
    }

    /// A series on a day, as the days made recently are found.
    private struct SeriesDay: Hashable {
        var series: PriceSeries
        var day: CivilDate
    }

    /// The days of series made recently (their keys made once: a day of a series has many
    /// reports): the last few, compared field by field (consecutive reports are mostly of one
    /// commodity on one day), then the few thousand before, by hash; forgotten by the few thousand.
    private struct RecentDays {
        var last: [Touched] = []
        var next = 0
        var days: [SeriesDay: Touched] = [:]
    }
    private static let recentDays = Mutex(RecentDays())

    /// The day `report` touches at a market of `kind`.
    private static func touched(by report: PriceReported, kind: MarketKind?) -> Touched {
        let level = PriceLevel(kind: kind, priceType: report.priceType)
        return recentDays.withLock { recent in
            for t in recent.last
            where t.day == report.observedOn && t.series.priceType == report.priceType && t.series.level == level
                && t.series.commodityId == report.commodityId && t.series.unit == report.unit && t.series.currency == report.currency
            {
                return t
            }
            let series = PriceSeries(report, kind: kind)
            let day = SeriesDay(series: series, day: report.observedOn)
            let touched: Touched
            if let known = recent.days[day] {
                touched = known
            } else {
                touched = Touched(series: series, day: report.observedOn)
                if recent.days.count >= 4096 { recent.days.removeAll(keepingCapacity: true) }
                recent.days[day] = touched
            }
            if recent.last.count < 8 {
                recent.last.append(touched)
            } else {
                recent.last[recent.next] = touched
                recent.next = (recent.next + 1) % 8
            }
            return touched
        }
    }

    /// Records a price report in its day's tally.
    static func record(_ report: PriceReported, id: EventID, in view: ViewWriter, _ batch: Batch) throws {
        let kind = try kind(report.marketId, in: view, batch)
        let touched = touched(by: report, kind: kind)
        let observation = Observation(marketId: report.marketId, price: report.price)
        // Its series would differ once the market is known: kept, for a correction to find it.
        if kind == nil { batch.reports[id.description] = observation.bytes(on: touched) }
        try count(observation, 1, at: touched, in: view, batch)
    }

    /// A report's observation and day as a correction finds it: kept in `reports` (corrected
    /// before, or recorded before its market), else read from the log.
    static func observation(of reportId: String, in view: ViewWriter, _ batch: Batch) throws -> (Observation, Touched)? {
        if let kept = Observation.read(try batch.reports[reportId] ?? view.get(reports, reportId)) { return kept }
        guard let event = try view.loggedEvent(reportId), case .priceReported(_, let r)? = PricesEvent.read(event) else { return nil }
        let touched = Touched(series: PriceSeries(r, kind: try kind(r.marketId, in: view, batch)), day: r.observedOn)
        return (Observation(marketId: r.marketId, price: r.price), touched)
    }

    /// Applies a correction to its report's observation (nothing when the report is unknown, which
    /// the rules do not let happen).
    static func correct(_ correction: PriceCorrected, in view: ViewWriter, _ batch: Batch) throws {
        guard let (reported, touched) = try observation(of: correction.correctedReport, in: view, batch) else { return }
        var observation = reported
        try count(observation, -1, at: touched, in: view, batch)
        observation.price = correction.price
        batch.reports[correction.correctedReport] = observation.bytes(on: touched)
        try count(observation, 1, at: touched, in: view, batch)
    }

    /// Folds an event into `view`'s observations: a report or a correction counts in its day's
    /// tally (recomputed by the view's `finishBatch`, `finish`; once for the views sharing the
    /// batch), a market registers its kind (in each view's `markets`). Other events change nothing.
    static func fold(_ decoded: PricesEvent, of event: RecordedEvent, in view: ViewWriter) throws {
        let batch = view.batchState(Batch.init)
        switch decoded {
        case .priceReported(_, let r):
            guard batch.claim(event.position) else { return }
            try record(r, id: event.id, in: view, batch)
        case .priceCorrected(_, _, let c):
            guard batch.claim(event.position) else { return }
            try correct(c, in: view, batch)
        case .marketRegistered(let m):
            guard try view.get(markets, m.marketId) == nil else { return }
            try view.put(markets, m.marketId, bytes: Array(m.kind.rawValue.utf8))
            batch.kinds[m.marketId] = m.kind
        default:
            return
        }
    }
}
