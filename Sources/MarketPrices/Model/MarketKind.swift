public import JSON

/// What kind of market: a traditional `pasar`, a modern retailer (supermarket), a wholesale market,
/// or a producer's point of sale (farm gate, mill, landing site).
public enum MarketKind: String, JSONEnumeration {
    case traditional, modern, wholesale, producer
}

/// The price level of a report, as PIHPS keeps them apart (Bank Indonesia's Pusat Informasi Harga
/// Pangan Strategis): `pasar-tradisional`, `pasar-modern`, `pedagang-besar` (wholesale) and
/// `produsen`. Statistics, trends and alerts are per level, never pooled across levels.
public enum PriceLevel: String, JSONEnumeration {
    case traditionalMarket = "pasar-tradisional"
    case modernMarket = "pasar-modern"
    case wholesaler = "pedagang-besar"
    case producer = "produsen"

    /// The level of a report of `priceType` at a market of `kind`: a wholesale price, or any price
    /// at a wholesale market, is `pedagang-besar`; otherwise the market's kind decides (a market
    /// not known, which the rules do not let happen, counts as traditional).
    public init(kind: MarketKind?, priceType: PriceType) {
        switch (kind, priceType) {
        case (_, .wholesale), (.wholesale?, _): self = .wholesaler
        case (.modern?, _): self = .modernMarket
        case (.producer?, _): self = .producer
        case (.traditional?, _), (nil, _): self = .traditionalMarket
        }
    }
}

/// Whether a price is what a consumer pays or what a trader pays in bulk.
public enum PriceType: String, JSONEnumeration {
    case retail, wholesale
}
