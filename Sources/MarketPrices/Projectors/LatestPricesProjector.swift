public import DomainKit
public import EventLog
public import Projections

/// `prices.latest`: the registered markets and commodities, and the latest price per market,
/// commodity and price type.
///
/// Databases:
/// - `markets`: marketId -> `MarketRegistered`; `commodities`: commodityId -> `CommodityRegistered`;
/// - `names`: `ViewKey` (`market`, id) and (`commodity`, id) -> the name as UTF-8 (what every
///   report's entry needs, read without decoding a registration);
/// - `byMarket`: `ViewKey` (marketId, commodityId, priceType) -> `LatestPrice`, with the market's
///   and the commodity's names filled in (so that a query answers the stored bytes as they are);
/// - `byCommodity`: `ViewKey` (commodityId, marketId, priceType) -> the same `LatestPrice`;
/// - `stamps`: the `byMarket` key -> `<YYYY-MM-DD>|<position>|<event id>` (a `BarValue`) of the entry shown
///   (compact, so that a report is judged without decoding the entry).
///
/// A report replaces the entry when its (`observedOn`, position) is later. A correction changes
/// only a price, not a date: it rewrites the entry when its report (read from the log,
/// `ViewWriter.loggedEvent`) is the one shown, and is kept out otherwise (an older report is never
/// shown again). The entry of each key is chosen over the
/// batch (`Shown`, judged against the stored stamp) and written once at its end, with the names
/// known then (as a market registered later in the batch renames its entries).
public struct LatestPricesProjector: DomainProjector {
    /// 3: keys are `ViewKey` parts (were joined by `|`). 4: no `reports` (a correction reads its
    /// report from the log).
    public static let definition = ViewDefinition(
        PricesViews.latest, version: 4, folding: MarketPricesEventType.all,
        databases: ["markets", "commodities", "names", "byMarket", "byCommodity", "stamps"])

    static func marketKey(_ marketId: String, _ commodityId: String, _ priceType: PriceType) -> String {
        ViewKey.make(marketId, commodityId, priceType.rawValue)
    }

    static func commodityKey(_ marketId: String, _ commodityId: String, _ priceType: PriceType) -> String {
        ViewKey.make(commodityId, marketId, priceType.rawValue)
    }

    /// The `names` key of a market's or a commodity's name.
    static func nameKey(_ kind: String, _ id: String) -> String { ViewKey.make(kind, id) }

    public func apply(_ decoded: PricesEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        switch decoded {
        case .marketRegistered(let m):
            guard try view.get("markets", m.marketId) == nil else { return }
            try view.put("markets", m.marketId, value: m)
            try view.put("names", Self.nameKey("market", m.marketId), bytes: Array(m.name.utf8))
            // Entries shown before the market was known (a replay, a raw import) get its name now.
            try renameEntries(view, db: "byMarket", prefix: ViewKey.prefix(m.marketId)) { $0.marketName = m.name }
        case .commodityRegistered(let c):
            guard try view.get("commodities", c.commodityId) == nil else { return }
            try view.put("commodities", c.commodityId, value: c)
            try view.put("names", Self.nameKey("commodity", c.commodityId), bytes: Array(c.name.utf8))
            try renameEntries(view, db: "byCommodity", prefix: ViewKey.prefix(c.commodityId)) { $0.commodityName = c.name }
        case .priceReported(_, let r):
            let key = Shown.Key(marketId: r.marketId, commodityId: r.commodityId, priceType: r.priceType)
            let shown = view.batchState(Shown.init)
            if let i = shown.entries.index(forKey: key) {
                let entry = shown.entries.values[i]
                guard (entry.observedOn, entry.position) < (r.observedOn, event.position) else { return }
                shown.entries.values[i] = .reported(decoded, id: event.id, position: event.position, observedOn: r.observedOn)
                return
            }
            if let stamp = try view.get("stamps", Self.marketKey(r.marketId, r.commodityId, r.priceType)).flatMap(Stamp.init),
                (stamp.observedOn, stamp.position) > (r.observedOn, event.position)
            {
                return
            }
            shown.entries[key] = .reported(decoded, id: event.id, position: event.position, observedOn: r.observedOn)
        case .priceCorrected(_, _, let c):
            // The corrected report, from the log (the view keeps no copy of every report).
            guard let logged = try view.loggedEvent(c.correctedReport), case .priceReported(_, let r)? = PricesEvent.read(logged)
            else { return }
            let key = Shown.Key(marketId: r.marketId, commodityId: r.commodityId, priceType: r.priceType)
            let shown = view.batchState(Shown.init)
            var latest: LatestPrice
            if let entry = shown.entries[key] {
                guard entry.eventId == c.correctedReport, let shownLatest = entry.latest else { return }
                latest = shownLatest
            } else {
                let marketKey = Self.marketKey(r.marketId, r.commodityId, r.priceType)
                guard let stamp = try view.get("stamps", marketKey).flatMap(Stamp.init), stamp.eventId == c.correctedReport,
                    let stored = try view.value(LatestPrice.self, "byMarket", marketKey)
                else { return }
                latest = stored
            }
            let reported = latest.correction?.reportedPrice ?? latest.price
            latest.price = c.price
            latest.correction = LatestPrice.Correction(eventId: event.id.description, reportedPrice: reported, reason: c.reason)
            shown.entries[key] = .entry(latest)
        case .referencePriceSet, .reportHeld, .reportApproved, .reportRejected, .reviewRuleSet:
            break  // `prices.references` keeps them.
        }
    }

    /// The entry each key shows after this batch's reports and corrections so far, where it
    /// changed: written at the batch's end (in any order: the write cache puts them in key order).
    final class Shown {
        /// What an entry is kept by (its `byMarket` key's parts: no key is made per report).
        struct Key: Hashable {
            var marketId, commodityId: String
            var priceType: PriceType
        }
        /// What a key shows: a report of this batch (made into its `LatestPrice` at the end, so
        /// that a report another replaces in the batch costs no entry; kept as the decoded event,
        /// which `PricesEvent` boxes, so that keeping it copies no field), or an entry as corrected.
        enum Entry {
            /// `event` is a `.priceReported` (its day beside it, read per report).
            case reported(PricesEvent, id: EventID, position: UInt64, observedOn: CivilDate)
            case entry(LatestPrice)

            var observedOn: CivilDate {
                switch self {
                case .reported(_, _, _, let day): day
                case .entry(let e): e.observedOn
                }
            }

            var position: UInt64 {
                switch self {
                case .reported(_, _, let position, _): position
                case .entry(let e): e.position
                }
            }

            /// The event id of the report shown (lower case).
            var eventId: String {
                switch self {
                case .reported(_, let id, _, _): id.description
                case .entry(let e): e.eventId
                }
            }

            /// Nil only for a `.reported` that holds no report, which `apply` never makes.
            var latest: LatestPrice? {
                switch self {
                case .reported(.priceReported(_, let r), let id, let position, _):
                    LatestPrice(
                        marketId: r.marketId, commodityId: r.commodityId, priceType: r.priceType, price: r.price, currency: r.currency,
                        unit: r.unit, observedOn: r.observedOn, reporter: r.reporter, source: r.source, eventId: id.description,
                        position: position)
                case .reported: nil
                case .entry(let e): e
                }
            }
        }
        /// Read and changed by `apply` and `finishBatch` alone, in single statements: unchecked
        /// for overlapping access (a check per report).
        @exclusivity(unchecked) var entries: [Key: Entry] = [:]
    }

    /// Writes each entry the batch changed, once, with the names known at its end.
    public func finishBatch(_ view: ViewWriter) throws {
        let shown = view.batchState(Shown.init)
        for case let latest? in shown.entries.values.lazy.map(\.latest) { try put(latest, view) }
        shown.entries = [:]
    }

    /// Stores `latest` under both keys, with the names of its market and commodity.
    private func put(_ latest: LatestPrice, _ view: ViewWriter) throws {
        var latest = latest
        latest.marketName = try view.get("names", Self.nameKey("market", latest.marketId)).map { String(decoding: $0, as: UTF8.self) }
        latest.commodityName = try view.get("names", Self.nameKey("commodity", latest.commodityId)).map {
            String(decoding: $0, as: UTF8.self)
        }
        try store(latest, view)
    }

    /// The entry is kept typed until the end of the batch (`ViewWriter`): a key that many reports
    /// of a batch replace is encoded once.
    private func store(_ latest: LatestPrice, _ view: ViewWriter) throws {
        let key = Self.marketKey(latest.marketId, latest.commodityId, latest.priceType)
        try view.put("byMarket", key, value: latest)
        try view.put("byCommodity", Self.commodityKey(latest.marketId, latest.commodityId, latest.priceType), value: latest)
        try view.put("stamps", key, bytes: BarValue.make(latest.observedOn.description, String(latest.position), latest.eventId))
    }

    /// Changes every entry of `db` under `prefix` and stores it again under both keys.
    private func renameEntries(_ view: ViewWriter, db: String, prefix: String, _ change: (inout LatestPrice) -> Void) throws {
        var entries: [LatestPrice] = []
        try view.scan(db, prefix: prefix) { _, bytes in
            entries.append(try ViewCoding.decode(LatestPrice.self, bytes))
            return true
        }
        for var entry in entries {
            change(&entry)
            try store(entry, view)
        }
    }

    /// Which report an entry shows.
    struct Stamp {
        var observedOn: CivilDate
        var position: UInt64
        var eventId: String

        init?(_ bytes: [UInt8]) {
            guard let parts = BarValue.split(bytes, count: 3), let day = CivilDate(parts[0]), let position = UInt64(parts[1]) else {
                return nil
            }
            observedOn = day
            self.position = position
            eventId = parts[2]
        }
    }
}
