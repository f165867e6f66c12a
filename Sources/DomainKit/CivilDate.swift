public import EventLog

/// A calendar day (`YYYY-MM-DD`, proleptic Gregorian), as `observedOn` and the views use it.
///
/// Contract: only real dates parse (`2018-02-30` does not); `description` gives back the same
/// 10-character text, so text order is day order.
public struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let days: Int

    public init(days: Int) { self.days = days }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= CivilDate.daysIn(month: month, year: year)
        else { return nil }
        days = CivilDate.days(year: year, month: month, day: day)
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: some StringProtocol) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Mataram's time (WITA, UTC+8), in which the city's days begin.
    public static let witaOffsetHours = 8

    /// The day of `timestamp` at UTC offset `offsetHours` (8 for WITA).
    public init(_ timestamp: Timestamp, offsetHours: Int) {
        let ms = timestamp.millisecondsSince1970 + Int64(offsetHours) * 3_600_000
        var d = ms / 86_400_000
        if ms % 86_400_000 < 0 { d -= 1 }
        days = Int(d)
    }

    public func adding(days n: Int) -> CivilDate { CivilDate(days: days + n) }

    public var components: (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Midnight at the start of this day at UTC offset `offsetHours`, plus `milliseconds`.
    public func timestamp(offsetHours: Int = 0, milliseconds: Int64 = 0) -> Timestamp {
        Timestamp(millisecondsSince1970: Int64(days) * 86_400_000 - Int64(offsetHours) * 3_600_000 + milliseconds)
    }

    public var description: String {
        let (y, m, d) = components
        var b: [UInt8] = [48, 48, 48, 48, 45, 48, 48, 45, 48, 48]
        var v = y
        for i in stride(from: 3, through: 0, by: -1) {
            b[i] = UInt8(48 + v % 10)
            v /= 10
        }
        b[5] = UInt8(48 + m / 10)
        b[6] = UInt8(48 + m % 10)
        b[8] = UInt8(48 + d / 10)
        b[9] = UInt8(48 + d % 10)
        return String(decoding: b, as: UTF8.self)
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.days < b.days }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not a YYYY-MM-DD date")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Days since 1970-01-01 and the length of a month: the log's own calendar (`Timestamp`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        Int(Timestamp.days(year: Int64(year), month: Int64(month), day: Int64(day)))
    }

    static func daysIn(month: Int, year: Int) -> Int { Int(Timestamp.daysIn(month: Int64(month), year: Int64(year))) }
}
