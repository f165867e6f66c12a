import DomainKit
import EventLog
import JSON

/// The field rules of the prices domain's payloads and command bodies, beyond DomainKit's presets
/// (`.identifier`, `.text`). Strings are counted in UTF-8 bytes and hold no control characters
/// (the reader's rules for every field).
enum PricesFields {
    /// Longest free text (names, reporter, source, units, areas), in UTF-8 bytes.
    static let maxText = 200
    /// Longest reason of a correction, in UTF-8 bytes.
    static let maxReason = 2000

    /// Free text of 1 to `maxText` bytes.
    static let text = JSONFieldRule.text(maxBytes: maxText)

    /// The reason of a correction: 1 to `maxReason` bytes.
    static let reason = JSONFieldRule.freeText(maxBytes: maxReason)

    /// A price: a number the log's number policy allows (at most 4 fraction digits) within
    /// ±`Price.maximum`. Its sign is a rule (the decider's), not the schema.
    static let price = JSONFieldRule(
        expected: "a number",
        checkNumber: { d in
            Price(exactly: d) == nil ? "\(CanonicalJSON.formatNumber(d)) is out of range (at most \(Price.maximum))" : nil
        })

    /// An ISO 4217 currency code.
    static let currency = JSONFieldRule(
        expected: "an ISO 4217 code such as \"IDR\"",
        checkString: { ISOCode.isAlpha3($0) ? nil : "must be an ISO 4217 currency code: 3 upper-case letters, e.g. \"IDR\"" })

    /// An ISO 3166-1 alpha-3 country code.
    static let country = JSONFieldRule(
        expected: "an ISO 3166-1 alpha-3 code such as \"IDN\"",
        checkString: {
            ISOCode.isAlpha3($0) ? nil : "must be an ISO 3166-1 alpha-3 country code: 3 upper-case letters, e.g. \"IDN\""
        })

    /// A calendar day written `YYYY-MM-DD` (a real date): DomainKit's shared rule.
    static let date = JSONFieldRule.date

    /// A Kepmendagri code of a province (`52`) or of a kabupaten or kota (`52.71`).
    static let region = JSONFieldRule(
        expected: "a Kepmendagri code of a province or kabupaten/kota such as \"52\" or \"52.71\"",
        checkString: { s in
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            return (1...2).contains(parts.count)
                && parts.allSatisfy { $0.utf8.count == 2 && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
                ? nil
                : "\"\(s.prefix(20))\" is not a Kepmendagri code of a province or kabupaten/kota, e.g. \"52\" (NTB) or \"52.71\" (Kota Mataram)"
        })

    /// An event id (a UUID, either case).
    static let eventID = JSONFieldRule(
        expected: "an event id, a UUID",
        checkString: { EventID($0) == nil ? "must be an event id: a UUID like 6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44" : nil })

    /// Decimal degrees of latitude.
    static let latitude = degrees(90)
    /// Decimal degrees of longitude.
    static let longitude = degrees(180)

    private static func degrees(_ limit: Double) -> JSONFieldRule {
        JSONFieldRule(
            expected: "a number between -\(Int(limit)) and \(Int(limit))",
            checkNumber: { (-limit...limit).contains($0) ? nil : "\($0) is not between -\(Int(limit)) and \(Int(limit))" })
    }
}
