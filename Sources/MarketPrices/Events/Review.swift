public import DomainKit
public import EventLog
public import JSON

/// Why a report was held for a supervisor instead of published.
public enum HoldReason: String, JSONEnumeration {
    /// Its price lies outside the band around the median of the market's recent published reports
    /// of the same commodity and price type.
    case outsideBand = "outside-band"
    /// The market already published a price of the same commodity and price type for that day.
    case duplicateDay = "duplicate-day"
    /// The market's previous published report of it is older than the rule allows (days were
    /// missed: the band's median is stale).
    case missedDays = "missed-days"
}

/// Why a supervisor rejected a held report.
public enum RejectionReason: String, JSONEnumeration {
    case typo = "salah-ketik"
    case wrongUnit = "satuan-salah"
    case wrongMarket = "bukan-pasar-ini"
    case duplicate = "laporan-ganda"
    case notObserved = "tidak-diamati"

    /// What it means, in Bahasa Indonesia.
    public var label: String {
        switch self {
        case .typo: "Salah ketik harga"
        case .wrongUnit: "Satuan tidak sesuai"
        case .wrongMarket: "Bukan harga pasar ini"
        case .duplicate: "Laporan ganda"
        case .notObserved: "Harga tidak benar-benar diamati"
        }
    }
}

/// `prices.report-held` on `market-<marketId>`: a report made through the API (or a screen) that
/// tripped its commodity's review rule, kept out of every public view and export until a
/// supervisor approves it: `{"report": {...the prices.price-reported payload...}, "reasons",
/// "median"?, "lower"?, "upper"?}`, the reasons, and the median and band it was compared with
/// (when it was).
public struct ReportHeld: Payload, Equatable {
    /// The report as it is published once approved.
    public var report: PriceReported
    public var reasons: [HoldReason]
    /// The median of the recent published reports, and the band's ends (absent when too few).
    public var median, lower, upper: Price?

    public init(_ report: PriceReported, reasons: [HoldReason], median: Price?, lower: Price?, upper: Price?) {
        (self.report, self.reasons, self.median, self.lower, self.upper) = (report, reasons, median, lower, upper)
    }

    public var marketId: String { report.marketId }
    public var commodityId: String { report.commodityId }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "median", "lower", "upper": PricesFields.price
        case "reasons", "report": nil
        default: PriceReported.rule(forKey: key)
        }
    }
}

/// `prices.report-approved` and `prices.report-rejected` on `market-<marketId>`: a supervisor's
/// decision on a held report (`heldEventId`, the id of its `prices.report-held`). An approval is
/// written with the report's `prices.price-reported` (id `ReportReview.publishedID(of:)`), so the
/// views and exports see it as any report; a rejection needs `reasonCode`.
public struct ReportReview: Payload, Equatable {
    public var heldEventId: String
    public var marketId: String
    public var reasonCode: RejectionReason?
    /// Free text beside the decision: up to 500 bytes, no personal data.
    public var reason: String?
    /// Who decided (`key:<keyId>` from the screens).
    public var supervisor: String

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "heldEventId": PricesFields.eventID
        case "marketId": .identifier
        case "reason": JSONFieldRule.freeText(maxBytes: 500)
        case "reasonCode": nil
        default: PricesFields.text
        }
    }

    /// The id of the report an approval of `held` publishes: made from the held event's id, so a
    /// retried approval is the same pair of events.
    public static func publishedID(of held: EventID) -> EventID {
        EventID(high: held.bytes.0 ^ 0x5055_424c_4953_4845, low: held.bytes.1)
    }
}

/// `prices.review-rule-set` on `commodity-<commodityId>`: how reports of the commodity are checked
/// before they are published, from this event on. A report made through the API is held when its
/// price lies more than `bandPercent` from the median of the market's published reports of the
/// last `windowDays` days (the same commodity and price type; only with at least `minSamples` of
/// them), when `holdDuplicateDay` and the day already has a published report, or when
/// `maxGapDays` is given and the market's last published report is older than that.
/// `enabled` false publishes every report at once.
public struct ReviewRule: Payload, Equatable {
    public var commodityId: String
    public var bandPercent: Int
    public var windowDays: Int
    public var minSamples: Int
    public var holdDuplicateDay: Bool
    public var maxGapDays: Int?
    public var enabled: Bool

    /// The rule of a commodity that has none: ±25% around the median of 14 days (at least 3
    /// reports), a second report of a day held, no gap check.
    public static func standard(_ commodityId: String) -> ReviewRule {
        ReviewRule(
            commodityId: commodityId, bandPercent: 25, windowDays: 14, minSamples: 3, holdDuplicateDay: true, maxGapDays: nil,
            enabled: true)
    }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "commodityId": .identifier
        case "bandPercent": count(1...300)
        case "windowDays", "maxGapDays": count(1...365)
        case "minSamples": count(1...100)
        default: nil
        }
    }

    static func count(_ range: ClosedRange<Int>) -> JSONFieldRule {
        JSONFieldRule(
            expected: "a whole number from \(range.lowerBound) to \(range.upperBound)",
            checkNumber: { d in
                d.rounded() == d && range.contains(Int(d))
                    ? nil : "\(CanonicalJSON.formatNumber(d)) is not a whole number from \(range.lowerBound) to \(range.upperBound)"
            })
    }

    /// Why `price` for `day` is held against `recent` (the market's published reports of the
    /// commodity and price type, any order), with the median and band it was compared with.
    public func check(price: Price, on day: CivilDate, recent: [RecentPrice]) -> (
        reasons: [HoldReason], median: Price?, lower: Price?, upper: Price?
    ) {
        guard enabled else { return ([], nil, nil, nil) }
        var reasons: [HoldReason] = []
        if holdDuplicateDay, recent.contains(where: { $0.day == day }) { reasons.append(.duplicateDay) }
        let before = recent.filter { $0.day < day }
        if let maxGapDays, let last = before.map(\.day).max(), day.days - last.days > maxGapDays { reasons.append(.missedDays) }
        let window = before.filter { day.days - $0.day.days <= windowDays }.map(\.price.scaled).sorted()
        guard window.count >= minSamples, !window.isEmpty else { return (reasons, nil, nil, nil) }
        let mid = window.count / 2
        let median = window.count % 2 == 1 ? window[mid] : (window[mid - 1] + window[mid]) / 2
        let lower = median - median * Int64(bandPercent) / 100
        let upper = median + median * Int64(bandPercent) / 100
        if price.scaled < lower || price.scaled > upper { reasons.append(.outsideBand) }
        return (reasons, Price(scaled: median), Price(scaled: lower), Price(scaled: upper))
    }
}

/// A published price of a market, as the review rule compares with it.
public struct RecentPrice: Sendable, Equatable {
    public var day: CivilDate
    public var price: Price
    /// The report's event id (nil: a report decided before the log gave it one).
    public var report: EventID?

    public init(day: CivilDate, price: Price, report: EventID?) { (self.day, self.price, self.report) = (day, price, report) }
}

extension RecentPrice {
    /// The bytes of one price in `coding`: day (4), price (8), whether it has a report id (1), the
    /// id (16, zeros when none).
    static let codedSize = 29
    /// The first byte of a series' value in `coding`: the form's version.
    static let codingVersion: UInt8 = 1

    /// The recent prices of a series as the prices rules keep them (`DecisionTable` "recent",
    /// read and written for every report, so not JSON): a version byte, then `codedSize` bytes per
    /// price in order: the day (days since 1970, Int32 little-endian), the price (`Price.scaled`,
    /// Int64 little-endian), 1 or 0 for a report id or none, and the id's 16 bytes (big-endian
    /// halves, as the log stores ids). 64 prices take 1,857 bytes: one LMDB node, no overflow page.
    ///
    /// Contract: `decode(encode(v)) == v` and the same prices are the same bytes; `decode` throws
    /// `.corrupt` for bytes of another length, version or flag; `encode` throws `.invalidInput`
    /// for a day outside Int32 (no `CivilDate` of a parsed `YYYY-MM-DD` is).
    static let coding = DecisionValueCoding<[RecentPrice]>(encode: encode, decode: decode)

    static func encode(_ prices: [RecentPrice]) throws(EventLogError) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(1 + prices.count * codedSize)
        out.append(codingVersion)
        for p in prices {
            guard let day = Int32(exactly: p.day.days) else {
                throw EventLogError(.invalidInput, "observedOn: \(p.day.days) days since 1970 is outside the days the rules can keep")
            }
            withUnsafeBytes(of: day.littleEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: p.price.scaled.littleEndian) { out.append(contentsOf: $0) }
            out.append(p.report == nil ? 0 : 1)
            let id = p.report ?? EventID(high: 0, low: 0)
            withUnsafeBytes(of: id.bytes.0.bigEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: id.bytes.1.bigEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws(EventLogError) -> [RecentPrice] {
        guard bytes.count >= 1, bytes[0] == codingVersion, (bytes.count - 1) % codedSize == 0 else {
            throw EventLogError(
                .corrupt, "the recent prices of a series are \(bytes.count) bytes, not version \(codingVersion) of their binary form")
        }
        let count = (bytes.count - 1) / codedSize
        var out = [RecentPrice]()
        // evolve appends one.
        out.reserveCapacity(count + 1)
        var at = 1
        for _ in 0..<count {
            let day = Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int32.self))
            let price = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 4, as: Int64.self))
            let flag = bytes[at + 12]
            guard flag <= 1 else {
                throw EventLogError(.corrupt, "the recent prices of a series have a report flag \(flag) (0 or 1 expected)")
            }
            let id = EventID(
                high: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: at + 13, as: UInt64.self)),
                low: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: at + 21, as: UInt64.self)))
            out.append(RecentPrice(day: CivilDate(days: Int(day)), price: Price(scaled: price), report: flag == 1 ? id : nil))
            at += codedSize
        }
        return out
    }
}
