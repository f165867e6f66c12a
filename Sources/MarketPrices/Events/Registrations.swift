public import DomainKit
public import JSON

/// `prices.market-registered` on `market-<marketId>`: a market whose prices are reported.
/// A Mataram market names its kelurahan (`kelurahanCode`, a Kepmendagri code that must exist);
/// an imported market elsewhere (WFP) names `country` (ISO 3166-1 alpha-3) and its `admin1`/`admin2`
/// areas instead. Coordinates, when given, are decimal degrees with at most 4 fraction digits.
public struct MarketRegistered: Payload, Equatable {
    public var marketId, name: String
    public var kind: MarketKind
    public var kelurahanCode: String?
    public var latitude, longitude: Double?
    public var admin1, admin2, country: String?

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "marketId": .identifier
        case "latitude": PricesFields.latitude
        case "longitude": PricesFields.longitude
        case "country": PricesFields.country
        case "kind": nil
        default: PricesFields.text
        }
    }
}

/// `prices.commodity-registered` on `commodity-<commodityId>`: a commodity whose prices are
/// reported, in `unit` (`kg`, `liter`, `25 KG`, ...), grouped by `category`.
public struct CommodityRegistered: Payload, Equatable {
    public var commodityId, name, category, unit: String

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "commodityId" ? .identifier : PricesFields.text
    }
}
