public import DomainKit
public import Projections

/// A latest price judged against the reference prices that hold for it: the HET and HAP of its
/// commodity and price type on its `observedOn`, for the market's region (the most specific region
/// that has one), and whether the price is above each.
public struct ReferenceCheck: Codable, Sendable, Equatable {
    public var price: LatestPrice
    public var references: [Judged]

    public struct Judged: Codable, Sendable, Equatable {
        public var kind: ReferenceKind
        public var amount: Price
        public var region: String?
        public var source: String
        /// Whether the price is above it, and by how much (`price - amount`; nil when not above).
        public var above: Bool
        public var excess: Price?
    }

    /// Whether the price is above any of its references.
    public var above: Bool

    public init(price: LatestPrice, references: [Judged]) {
        (self.price, self.references, above) = (price, references, references.contains { $0.above })
    }
}

extension MarketPricesQueries {
    // MARK: prices.references (PricesViews.references)

    /// The reference prices set, of one commodity or of all, by series then first day.
    /// `view`: `prices.references`.
    public static func referencePrices(_ view: ViewReader, commodityId: String? = nil) throws -> [ReferencePrice] {
        var out: [ReferencePrice] = []
        try view.scanValues(ReferencePrice.self, "references", prefix: commodityId.map { ViewKey.prefix($0) } ?? "") { _, r in
            out.append(r)
            return true
        }
        return out
    }

    /// The regions a place lies in, most specific first, ending with nil (the whole country): for
    /// a Kepmendagri code `52.71.01.1005` (or `52.71`), `52.71` and `52`. A market without one
    /// (imported) has only the national prices.
    static func regions(of code: String?) -> [String?] {
        guard let code else { return [nil] }
        let parts = code.split(separator: ".")
        return (parts.count >= 2 ? [parts.prefix(2).joined(separator: ".")] : []) + (parts.isEmpty ? [] : [String(parts[0])]) + [nil]
    }

    /// The reference prices of each kind that hold for `commodityId` at `priceType` on `day` at a
    /// place with Kepmendagri code `area` (a market's kelurahan, or a kota; nil: known nationally
    /// only): per kind, the most specific region that has one holding on that day, and of those the
    /// one that started last. `view`: `prices.references`.
    public static func applicableReferences(
        _ view: ViewReader, commodityId: String, priceType: PriceType, area: String?, on day: CivilDate
    ) throws -> [ReferencePriceSet] {
        var out: [ReferencePriceSet] = []
        for kind in ReferenceKind.allCases {
            for region in regions(of: area) {
                var holding: ReferencePriceSet?
                let prefix = ViewKey.prefix(commodityId, priceType.rawValue, kind.rawValue, region ?? "")
                try view.scanValues(ReferencePrice.self, "references", prefix: prefix) { _, r in
                    guard r.reference.validFrom <= day else { return false }
                    if r.reference.period.holds(on: day) { holding = r.reference }
                    return true
                }
                if let holding {
                    out.append(holding)
                    break
                }
            }
        }
        return out
    }

    /// The latest prices (as `latest` selects them) judged against their reference prices; with
    /// `aboveOnly`, only those above at least one. `latestView`: `prices.latest`;
    /// `referencesView`: `prices.references`.
    public static func referenceChecks(
        latest latestView: ViewReader, references referencesView: ViewReader, marketId: String? = nil, commodityId: String? = nil,
        aboveOnly: Bool = false
    ) throws -> [ReferenceCheck] {
        let areas = Dictionary(try markets(latestView).map { ($0.marketId, $0.kelurahanCode) }, uniquingKeysWith: { a, _ in a })
        var out: [ReferenceCheck] = []
        for price in try latest(latestView, marketId: marketId, commodityId: commodityId) {
            let references = try applicableReferences(
                referencesView, commodityId: price.commodityId, priceType: price.priceType, area: areas[price.marketId] ?? nil,
                on: price.observedOn)
            let judged = references.filter { $0.currency == price.currency && $0.unit == price.unit }.map { r in
                ReferenceCheck.Judged(
                    kind: r.kind, amount: r.amount, region: r.region, source: r.source, above: price.price > r.amount,
                    excess: price.price > r.amount ? Price(scaled: price.price.scaled - r.amount.scaled) : nil)
            }
            let check = ReferenceCheck(price: price, references: judged)
            if !aboveOnly || check.above { out.append(check) }
        }
        return out
    }
}
