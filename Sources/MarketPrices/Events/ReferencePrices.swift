public import DomainKit
public import JSON

/// What a reference price is in law: a ceiling retailers may not exceed (`HET`, harga eceran
/// tertinggi, e.g. beras under Permendag 57/M-DAG/PER/8/2017) or the government's reference price
/// for consumers (`HAP`, harga acuan penjualan di konsumen, e.g. gula under Permendag
/// 27/M-DAG/PER/5/2017).
public enum ReferenceKind: String, JSONEnumeration {
    case het = "HET"
    case hap = "HAP"
}

/// `prices.reference-price-set` on `commodity-<commodityId>`: from `validFrom` (and up to
/// `validUntil` when given, both days included) reports of `commodityId` at `priceType` in
/// `region` are judged against `amount` per `unit`.
///
/// `region` is a Kepmendagri code of a province (`52`, Nusa Tenggara Barat) or of a kabupaten or
/// kota (`52.71`, Kota Mataram); absent, the price holds for the whole country. Where several
/// apply to a market, the most specific region's holds. An open-ended price (no `validUntil`) holds
/// until a later one of the same commodity, kind, price type and region starts. `source` names the
/// legal source (`Permendag 57/M-DAG/PER/8/2017`).
public struct ReferencePriceSet: Payload, Equatable {
    public var commodityId: String
    public var kind: ReferenceKind
    public var priceType: PriceType
    public var region: String?
    public var amount: Price
    public var currency, unit: String
    public var validFrom: CivilDate
    public var validUntil: CivilDate?
    public var source: String

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "commodityId": .identifier
        case "region": PricesFields.region
        case "amount": PricesFields.price
        case "currency": PricesFields.currency
        case "validFrom", "validUntil": PricesFields.date
        case "kind", "priceType": nil
        default: PricesFields.text
        }
    }

    /// What two reference prices must differ in to hold side by side: the commodity, kind, price
    /// type and region (as a `DecisionTable` key).
    public var series: String { ViewKey.make(commodityId, kind.rawValue, priceType.rawValue, region ?? "") }

    /// Its validity.
    public var period: ReferencePeriod { ReferencePeriod(validFrom: validFrom, validUntil: validUntil) }
}

/// One validity period of a reference price series, as the rules keep it.
public struct ReferencePeriod: Codable, Sendable, Equatable {
    public var validFrom: CivilDate
    public var validUntil: CivilDate?

    /// Whether it holds on `day` (both ends included; open-ended: from `validFrom` on).
    public func holds(on day: CivilDate) -> Bool { validFrom <= day && validUntil.map { day <= $0 } ?? true }

    /// Whether a price valid from `from` (to `until`, nil: open-ended) would overlap this one: the
    /// same first day, a first day inside a closed period, or a closed period holding another's
    /// first day. An open-ended price is ended by the next one to start, so that is no overlap.
    public func overlaps(from: CivilDate, until: CivilDate?) -> Bool {
        if from == validFrom { return true }
        if let validUntil, validFrom <= from, from <= validUntil { return true }
        if let until, from <= validFrom, validFrom <= until { return true }
        return false
    }
}
