import DomainKit

/// The view keys of price series (`DomainKit.ViewKey` parts): `<commodityId>␟<priceType>␟<level>␟
/// <currency>␟<unit>`, then the day (`daily`, `medians`, `alerts`, `tallies`), or the day
/// first (`byDate`, `byDay`). A prefix of whole parts (`<commodityId>␟`) finds every series of a
/// commodity, in a stable order.
extension PriceSeries {
    /// The series' parts of a key.
    var keyParts: [String] { [commodityId, priceType.rawValue, level.rawValue, currency, unit] }

    /// How many parts `keyParts` has.
    static let keyPartCount = 5

    /// The series on `day`.
    func key(on day: CivilDate) -> String { ViewKey.make(keyParts + [day.description]) }

    /// `day`, then the series.
    func dayFirstKey(_ day: CivilDate) -> String { ViewKey.make([day.description] + keyParts) }

    /// Reads the series and day of a key made by `key(on:)` (possibly followed by more parts).
    init?(key: String) {
        let parts = ViewKey.split(key)
        guard parts.count >= Self.keyPartCount, let type = PriceType(rawValue: parts[1]), let level = PriceLevel(rawValue: parts[2])
        else { return nil }
        self.init(commodityId: parts[0], priceType: type, level: level, currency: parts[3], unit: parts[4])
    }
}
