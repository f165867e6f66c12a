import EventLog
import JSON

/// The event types of the market prices domain (DESIGN section 7, `prices.*`) and their streams:
/// `market-<marketId>` for a market's registration, its price reports and their corrections;
/// `commodity-<commodityId>` for a commodity's registration.
public enum MarketPricesEventType {
    public static let marketRegistered = "prices.market-registered"
    public static let commodityRegistered = "prices.commodity-registered"
    public static let priceReported = "prices.price-reported"
    public static let priceCorrected = "prices.price-corrected"

    /// Every type of the domain.
    public static let all: Set<String> = [marketRegistered, commodityRegistered, priceReported, priceCorrected]

    /// The prefix every type of the domain has.
    public static let prefix = "prices."

    /// The stream of market `marketId`.
    public static func marketStream(_ marketId: String) -> String { "market-\(marketId)" }
    /// The stream of commodity `commodityId`.
    public static func commodityStream(_ commodityId: String) -> String { "commodity-\(commodityId)" }
}

/// What kind of market: a traditional `pasar`, a modern retailer (supermarket) or a wholesale market.
public enum MarketKind: String, Codable, Sendable, CaseIterable {
    case traditional, modern, wholesale
}

/// Whether a price is what a consumer pays or what a trader pays in bulk.
public enum PriceType: String, Codable, Sendable, CaseIterable {
    case retail, wholesale
}

/// `prices.market-registered` on `market-<marketId>`: a market whose prices are reported.
/// A Mataram market names its kelurahan (`kelurahanCode`, a Kepmendagri code that must exist);
/// an imported market elsewhere (WFP) names `country` (ISO 3166-1 alpha-3) and its `admin1`/`admin2`
/// areas instead. Coordinates, when given, are decimal degrees with at most 4 fraction digits.
public struct MarketRegistered: Codable, Sendable, Equatable {
    public var marketId: String
    public var name: String
    public var kind: MarketKind
    public var kelurahanCode: String?
    public var latitude: Double?
    public var longitude: Double?
    public var admin1: String?
    public var admin2: String?
    public var country: String?

    public init(
        marketId: String, name: String, kind: MarketKind, kelurahanCode: String? = nil, latitude: Double? = nil,
        longitude: Double? = nil, admin1: String? = nil, admin2: String? = nil, country: String? = nil
    ) {
        self.marketId = marketId
        self.name = name
        self.kind = kind
        self.kelurahanCode = kelurahanCode
        self.latitude = latitude
        self.longitude = longitude
        self.admin1 = admin1
        self.admin2 = admin2
        self.country = country
    }

    static let fields: Set<String> = ["marketId", "name", "kind", "kelurahanCode", "latitude", "longitude", "admin1", "admin2", "country"]

    /// The payload (absent optionals left out).
    public var json: JSONValue {
        var m: [(key: String, value: JSONValue)] = [("marketId", .string(marketId)), ("name", .string(name)), ("kind", .string(kind.rawValue))]
        if let kelurahanCode { m.append(("kelurahanCode", .string(kelurahanCode))) }
        if let latitude { m.append(("latitude", .number(latitude))) }
        if let longitude { m.append(("longitude", .number(longitude))) }
        if let admin1 { m.append(("admin1", .string(admin1))) }
        if let admin2 { m.append(("admin2", .string(admin2))) }
        if let country { m.append(("country", .string(country))) }
        return .object(m)
    }

    /// Reads and checks the schema (not the rules). `marketId` may be absent only for a command
    /// (`idRequired: false`), which makes one.
    static func parse(_ data: JSONValue, prefix: String, idRequired: Bool = true) throws(EventLogError) -> MarketRegistered {
        let r = try PayloadReader(data, prefix: prefix, allowed: fields, schema: MarketPricesEventType.marketRegistered)
        let id = idRequired ? try r.identifier("marketId") : try r.optionalIdentifier("marketId") ?? ""
        let latitude = try r.optionalNumber("latitude")
        if let latitude, !(-90...90).contains(latitude) { throw r.invalid("latitude", "\(latitude) is not between -90 and 90") }
        let longitude = try r.optionalNumber("longitude")
        if let longitude, !(-180...180).contains(longitude) {
            throw r.invalid("longitude", "\(longitude) is not between -180 and 180")
        }
        return MarketRegistered(
            marketId: id, name: try r.text("name"), kind: try r.enumValue("kind", MarketKind.self),
            kelurahanCode: try r.optionalText("kelurahanCode"), latitude: latitude, longitude: longitude,
            admin1: try r.optionalText("admin1"), admin2: try r.optionalText("admin2"), country: try r.optionalCountry("country"))
    }
}

/// `prices.commodity-registered` on `commodity-<commodityId>`: a commodity whose prices are
/// reported, in `unit` (`kg`, `liter`, `25 KG`, ...), grouped by `category`.
public struct CommodityRegistered: Codable, Sendable, Equatable {
    public var commodityId: String
    public var name: String
    public var category: String
    public var unit: String

    public init(commodityId: String, name: String, category: String, unit: String) {
        self.commodityId = commodityId
        self.name = name
        self.category = category
        self.unit = unit
    }

    static let fields: Set<String> = ["commodityId", "name", "category", "unit"]

    public var json: JSONValue {
        .object([
            ("commodityId", .string(commodityId)), ("name", .string(name)), ("category", .string(category)), ("unit", .string(unit)),
        ])
    }

    static func parse(_ data: JSONValue, prefix: String, idRequired: Bool = true) throws(EventLogError) -> CommodityRegistered {
        let r = try PayloadReader(data, prefix: prefix, allowed: fields, schema: MarketPricesEventType.commodityRegistered)
        let id = idRequired ? try r.identifier("commodityId") : try r.optionalIdentifier("commodityId") ?? ""
        return CommodityRegistered(
            commodityId: id, name: try r.text("name"), category: try r.text("category"), unit: try r.text("unit"))
    }
}

/// `prices.price-reported` on `market-<marketId>`: the price of one unit of a commodity at a
/// market on a day. `price` is positive with at most 4 fraction digits, in `currency`
/// (ISO 4217, IDR for Mataram's markets).
public struct PriceReported: Codable, Sendable, Equatable {
    public var marketId: String
    public var commodityId: String
    public var unit: String
    public var price: Price
    public var currency: String
    public var priceType: PriceType
    public var observedOn: CivilDate
    public var reporter: String
    public var source: String

    public init(
        marketId: String, commodityId: String, unit: String, price: Price, currency: String = "IDR",
        priceType: PriceType = .retail, observedOn: CivilDate, reporter: String, source: String
    ) {
        self.marketId = marketId
        self.commodityId = commodityId
        self.unit = unit
        self.price = price
        self.currency = currency
        self.priceType = priceType
        self.observedOn = observedOn
        self.reporter = reporter
        self.source = source
    }

    static let fields: Set<String> = [
        "marketId", "commodityId", "unit", "price", "currency", "priceType", "observedOn", "reporter", "source",
    ]

    public var json: JSONValue {
        .object([
            ("marketId", .string(marketId)), ("commodityId", .string(commodityId)), ("unit", .string(unit)), ("price", price.json),
            ("currency", .string(currency)), ("priceType", .string(priceType.rawValue)),
            ("observedOn", .string(observedOn.description)), ("reporter", .string(reporter)), ("source", .string(source)),
        ])
    }

    static func parse(_ data: JSONValue, prefix: String) throws(EventLogError) -> PriceReported {
        let r = try PayloadReader(data, prefix: prefix, allowed: fields, schema: MarketPricesEventType.priceReported)
        guard let currency = try r.optionalCurrency("currency") else {
            throw r.invalid("currency", "is required: an ISO 4217 code such as \"IDR\"")
        }
        return PriceReported(
            marketId: try r.identifier("marketId"), commodityId: try r.identifier("commodityId"), unit: try r.text("unit"),
            price: try r.price("price"), currency: currency, priceType: try r.enumValue("priceType", PriceType.self),
            observedOn: try r.date("observedOn"), reporter: try r.text("reporter"), source: try r.text("source"))
    }
}

/// `prices.price-corrected` on the market's stream: replaces the price of an earlier
/// `prices.price-reported` event of the same market (named by its event id) in every view.
/// The original report stays in the log.
public struct PriceCorrected: Codable, Sendable, Equatable {
    /// The event id of the corrected report, lower case.
    public var correctsEventId: String
    public var price: Price
    public var reason: String

    public init(correctsEventId: String, price: Price, reason: String) {
        self.correctsEventId = correctsEventId
        self.price = price
        self.reason = reason
    }

    static let fields: Set<String> = ["correctsEventId", "price", "reason"]

    public var json: JSONValue {
        .object([("correctsEventId", .string(correctsEventId)), ("price", price.json), ("reason", .string(reason))])
    }

    static func parse(_ data: JSONValue, prefix: String, extraFields: Set<String> = []) throws(EventLogError) -> PriceCorrected {
        let r = try PayloadReader(data, prefix: prefix, allowed: fields.union(extraFields), schema: MarketPricesEventType.priceCorrected)
        return PriceCorrected(
            correctsEventId: try r.eventID("correctsEventId").description, price: try r.price("price"),
            reason: try r.text("reason", max: PayloadReader.maxReason))
    }
}
