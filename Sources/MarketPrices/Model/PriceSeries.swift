/// One price series: a commodity's prices of one type at one level (`PriceLevel`), in one currency
/// and unit. Daily statistics, trends and alerts are per series (a median over kg and over 25 kg
/// sacks, over IDR and XAF, or over supermarket and pasar prices, would mean nothing).
public struct PriceSeries: Sendable, Hashable, Codable {
    public var commodityId: String
    public var priceType: PriceType
    public var level: PriceLevel
    public var currency, unit: String
}

extension PriceSeries {
    /// The series of a report made at a market of `kind`.
    init(_ report: PriceReported, kind: MarketKind?) {
        self.init(
            commodityId: report.commodityId, priceType: report.priceType, level: PriceLevel(kind: kind, priceType: report.priceType),
            currency: report.currency, unit: report.unit)
    }
}
