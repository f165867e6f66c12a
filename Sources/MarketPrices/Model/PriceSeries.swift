/// One price series: a commodity's prices of one type, in one currency and unit. Daily
/// statistics, trends and alerts are per series (a median over kg and over 25 kg sacks, or over
/// IDR and XAF, would mean nothing).
public struct PriceSeries: Sendable, Hashable, Codable {
    public var commodityId: String
    public var priceType: PriceType
    public var currency, unit: String
}

extension PriceSeries {
    /// The series of a report.
    init(_ report: PriceReported) {
        self.init(commodityId: report.commodityId, priceType: report.priceType, currency: report.currency, unit: report.unit)
    }
}
