/// One price series: a commodity's prices of one type, in one currency and unit. Daily
/// statistics, trends and alerts are per series (a median over kg and over 25 kg sacks, or over
/// IDR and XAF, would mean nothing).
///
/// View keys: `<commodityId>|<priceType>|<currency>|<unit>` (`|` and `%` in the unit
/// percent-escaped), so a prefix scan on `<commodityId>|` finds every series of a commodity, in
/// a stable order. Ids never hold `|` (they are stream-name characters).
public struct PriceSeries: Sendable, Hashable, Codable {
    public var commodityId: String
    public var priceType: PriceType
    public var currency: String
    public var unit: String

    public init(commodityId: String, priceType: PriceType, currency: String, unit: String) {
        self.commodityId = commodityId
        self.priceType = priceType
        self.currency = currency
        self.unit = unit
    }

    init(_ report: PriceReported) {
        self.init(commodityId: report.commodityId, priceType: report.priceType, currency: report.currency, unit: report.unit)
    }

    /// The view key of the series.
    var key: String { "\(commodityId)|\(priceType.rawValue)|\(currency)|\(ViewKey.escape(unit))" }
}
