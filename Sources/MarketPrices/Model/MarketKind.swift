public import JSON

/// What kind of market: a traditional `pasar`, a modern retailer (supermarket) or a wholesale market.
public enum MarketKind: String, JSONEnumeration {
    case traditional, modern, wholesale
}

/// Whether a price is what a consumer pays or what a trader pays in bulk.
public enum PriceType: String, JSONEnumeration {
    case retail, wholesale
}
