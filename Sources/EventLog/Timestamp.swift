/// A UTC instant with millisecond precision, as the log records `recordedAt` and `occurredAt`.
/// Its text form is ISO 8601 / RFC 3339 with milliseconds and `Z`: `2018-08-06T02:13:00.000Z`.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) { self.millisecondsSince1970 = millisecondsSince1970 }

    /// The current time.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(millisecondsSince1970: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millisecondsSince1970 < b.millisecondsSince1970 }

    /// Smallest and largest instants with a four-digit year.
    static let minimum = Timestamp(millisecondsSince1970: -62_135_596_800_000)  // 0001-01-01
    static let maximum = Timestamp(millisecondsSince1970: 253_402_300_799_999)  // 9999-12-31T23:59:59.999

    // MARK: Text

    /// Made in place (one allocation: the folds format an event's time for most views).
    public var description: String {
        String(unsafeUninitializedCapacity: 24) { out in
            withText { UnsafeMutableRawBufferPointer(out).copyMemory(from: $0) }
            return 24
        }
    }

    /// The 24 bytes of `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var utf8: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 24) { out, count in
            withText { UnsafeMutableRawBufferPointer(out).copyMemory(from: $0) }
            count = 24
        }
    }

    /// Appends the 24 bytes of `YYYY-MM-DDTHH:MM:SS.mmmZ` to `out`.
    public func write(to out: inout [UInt8]) {
        withText { out.append(contentsOf: $0) }
    }

    /// Calls `body` with the 24 bytes of `YYYY-MM-DDTHH:MM:SS.mmmZ`, made on the stack.
    private func withText(_ body: (UnsafeRawBufferPointer) -> Void) {
        let ms = millisecondsSince1970
        var days = ms / 86_400_000
        var rem = ms % 86_400_000
        if rem < 0 {
            rem += 86_400_000
            days -= 1
        }
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let hour = rem / 3_600_000
        let minute = (rem / 60_000) % 60
        let second = (rem / 1000) % 60
        let milli = rem % 1000
        var buf: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buf) { p in
            func digits(_ v: Int64, _ n: Int, at o: Int) {
                var v = v
                var i = n - 1
                while i >= 0 {
                    p[o + i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                    i -= 1
                }
            }
            digits(y, 4, at: 0)
            p[4] = 0x2D
            digits(m, 2, at: 5)
            p[7] = 0x2D
            digits(d, 2, at: 8)
            p[10] = 0x54
            digits(hour, 2, at: 11)
            p[13] = 0x3A
            digits(minute, 2, at: 14)
            p[16] = 0x3A
            digits(second, 2, at: 17)
            p[19] = 0x2E
            digits(milli, 3, at: 20)
            p[23] = 0x5A
            body(UnsafeRawBufferPointer(p))
        }
    }

    /// Days since 1970-01-01 -> (year, month, day) in the proleptic Gregorian calendar
    /// (Howard Hinnant's algorithm).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// (year, month, day) -> days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's algorithm).
    public static func days(year y0: Int64, month m: Int64, day d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; also a bare date
    /// `YYYY-MM-DD` (midnight UTC). Fractions beyond milliseconds are truncated. Returns nil when
    /// the text is not such a time or names an impossible date.
    /// Inlinable, so that a caller with a `String` reaches its bytes directly (the generic form went
    /// through the string's witness tables, a lookup of generic metadata per time read).
    @inlinable public init?(_ text: some StringProtocol) {
        // A native string lends its bytes (no copy: payloads' times are read on every fold).
        let lent = text.utf8.withContiguousStorageIfAvailable { Timestamp(utf8: $0) }
        guard let t = lent ?? Array(text.utf8).withUnsafeBufferPointer({ Timestamp(utf8: $0) }) else { return nil }
        self = t
    }

    /// As `init?(_:)`, from the text's UTF-8 bytes.
    public init?(utf8 b: UnsafeBufferPointer<UInt8>) {
        var r = Reader(b: b)
        guard let year = r.num(4), r.lit(0x2D), let month = r.num(2), r.lit(0x2D), let day = r.num(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Timestamp.daysIn(month: month, year: year) else { return nil }
        var ms = Timestamp.days(year: year, month: month, day: day) * 86_400_000
        if r.i == b.count {
            self.millisecondsSince1970 = ms
            return
        }
        guard r.lit(0x54) || r.lit(0x74) || r.lit(0x20), let h = r.num(2), r.lit(0x3A), let mi = r.num(2), r.lit(0x3A),
            let s = r.num(2), h < 24, mi < 60, s < 61
        else { return nil }
        ms += h * 3_600_000 + mi * 60_000 + min(s, 59) * 1000
        if r.lit(0x2E) {
            var frac: Int64 = 0
            var digits = 0
            while r.i < b.count, b[r.i] >= 48, b[r.i] <= 57 {
                if digits < 3 { frac = frac * 10 + Int64(b[r.i] - 48) }
                digits += 1
                r.i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { frac *= 10 } }
            ms += frac
        }
        if r.lit(0x5A) || r.lit(0x7A) {
            // UTC
        } else if r.i < b.count, b[r.i] == 0x2B || b[r.i] == 0x2D {
            let sign: Int64 = b[r.i] == 0x2B ? 1 : -1
            r.i += 1
            guard let oh = r.num(2), r.lit(0x3A), let om = r.num(2), oh < 24, om < 60 else { return nil }
            ms -= sign * (oh * 3_600_000 + om * 60_000)
        } else {
            return nil
        }
        guard r.i == b.count else { return nil }
        self.millisecondsSince1970 = ms
    }

    /// The parser's place in the text (a value, not a variable captured by local functions, which
    /// cost a dynamic exclusivity check per digit).
    private struct Reader {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        /// `n` decimal digits.
        mutating func num(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }

        /// The byte `c`.
        mutating func lit(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
    }

    /// The number of days of `month` (1-12) in `year`.
    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
