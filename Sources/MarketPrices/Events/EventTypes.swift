/// The event types of the market prices domain (`prices.*`) and their streams:
/// `market-<marketId>` for a market's registration, its price reports and their corrections;
/// `commodity-<commodityId>` for a commodity's registration and its reference prices. A market's
/// held reports and the decisions on them go on its stream; a commodity's review rule on its.
public enum MarketPricesEventType {
    public static let marketRegistered = "prices.market-registered", commodityRegistered = "prices.commodity-registered"
    public static let priceReported = "prices.price-reported", priceCorrected = "prices.price-corrected"
    public static let referencePriceSet = "prices.reference-price-set"
    public static let reportHeld = "prices.report-held", reportApproved = "prices.report-approved"
    public static let reportRejected = "prices.report-rejected", reviewRuleSet = "prices.review-rule-set"

    /// The types of the review of reports before they are published.
    public static let review: Set<String> = [reportHeld, reportApproved, reportRejected, reviewRuleSet]

    /// Every type of the domain.
    public static let all = Set([marketRegistered, commodityRegistered, priceReported, priceCorrected, referencePriceSet]).union(review)

    /// The prefix every type of the domain has.
    public static let prefix = "prices."

    /// The category of a market's stream.
    public static let marketCategory = "market-"

    /// The stream of market `marketId`.
    public static func marketStream(_ marketId: String) -> String { marketCategory + marketId }
    /// The stream of commodity `commodityId`.
    public static func commodityStream(_ commodityId: String) -> String { "commodity-\(commodityId)" }
}
