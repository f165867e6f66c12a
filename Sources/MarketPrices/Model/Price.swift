public import DomainKit
import EventLog
import Foundation
public import JSON

/// A price as an exact decimal with at most 4 fraction digits (the payload policy's limit),
/// held as an integer count of ten-thousandths, so that sums, comparisons and medians are exact
/// and the same log always gives the same views.
///
/// Contract: `scaled` is positive for every price admitted into the log; a `Price` encodes as a
/// plain JSON number (`11050.25`) and decodes from one.
public struct Price: Sendable, Hashable, Comparable, ScalarCodable, CustomStringConvertible {
    /// Ten-thousandths of the currency unit.
    public let scaled: Int64

    /// The largest price accepted: 10^12 (a trillion) currency units. It keeps every
    /// computation on scaled values (x110 for alerts) inside 64 bits.
    public static let maximum = Price(scaled: 1_000_000_000_000 * 10_000)

    public init(scaled: Int64) { self.scaled = scaled }

    /// A whole amount.
    public init(_ units: Int) { scaled = Int64(units) * 10_000 }

    /// The price that `value` writes, if it has at most 4 fraction digits and lies within
    /// ±`maximum` (nil otherwise).
    public init?(exactly value: Double) {
        // A value with at most 4 fraction digits is the double nearest to scaled / 10^4, and
        // conversely (so this agrees with `PayloadPolicy` without formatting the number).
        guard value.isFinite, abs(value) <= Double(Price.maximum.scaled / 10_000) else { return nil }
        let s = (value * 10_000).rounded()
        guard Double(s) / 10_000 == value else { return nil }
        scaled = Int64(s)
    }

    /// Parses a plain decimal text: optional `-`, digits, optional `.` and 1-4 digits
    /// (`"1566"`, `"0.11"`, `"2.54"`). No exponent, no thousands separators.
    public init?(text: some StringProtocol) {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var digits = 0
        for c in bytes {
            if c == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
                continue
            }
            guard c >= 48, c <= 57 else { return nil }
            let d = Int64(c - 48)
            if seenPoint {
                fractionDigits += 1
                guard fractionDigits <= 4 else { return nil }
                fraction = fraction * 10 + d
            } else {
                digits += 1
                guard digits <= 13 else { return nil }
                whole = whole * 10 + d
            }
        }
        guard digits > 0, !seenPoint || fractionDigits > 0 else { return nil }
        for _ in fractionDigits..<4 { fraction *= 10 }
        let s = whole * 10_000 + fraction
        guard s <= Price.maximum.scaled else { return nil }
        scaled = negative ? -s : s
    }

    /// The nearest `Double`, whose shortest text is the decimal itself (`11050.25`).
    public var doubleValue: Double { Double(scaled) / 10_000 }

    /// The JSON number of this price.
    public var json: JSONValue { .number(doubleValue) }

    public static func < (a: Price, b: Price) -> Bool { a.scaled < b.scaled }

    public var description: String { CanonicalJSON.formatNumber(doubleValue) }

    public init?(scalar: Double) { self.init(exactly: scalar) }
    public var scalar: Double { doubleValue }
    public static func refusal(_ scalar: Double) -> String { "\(scalar) is not a decimal with at most 4 fraction digits" }

    /// The median of `sorted` (ascending, not empty): the middle value, or the mean of the two
    /// middle values rounded half up to 4 fraction digits.
    static func median(ofSorted sorted: [Price]) -> Price {
        let n = sorted.count
        if n % 2 == 1 { return sorted[n / 2] }
        let a = sorted[n / 2 - 1].scaled
        let b = sorted[n / 2].scaled
        let sum = a + b
        return Price(scaled: sum >= 0 ? (sum + 1) / 2 : -((-sum + 1) / 2))
    }

    /// The mean of `values` (not empty), rounded half up to 4 fraction digits; summed in the
    /// order given (the callers give key order, so it is deterministic).
    static func mean(of values: [Price]) -> Price {
        var sum: Double = 0
        for v in values { sum += Double(v.scaled) }
        return Price(scaled: Int64((sum / Double(values.count)).rounded()))
    }
}
