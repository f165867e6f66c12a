public import DomainKit
public import EventLog
public import MarketPrices

/// Numbers, money and dates written the Indonesian way, by hand (Foundation's locales are not
/// always installed on Linux, and their output changes between versions).
///
/// Contract:
/// - thousands are grouped with `.` and the decimal separator is `,`: `1.250`, `11.750,5`;
/// - money is `Rp 11.750` (no fraction when it is whole), else 2 fraction digits or more, at
///   most 4 (`Rp 11.750,50`, `Rp 0,1234`); negative amounts are `-Rp 500`;
/// - quantities carry their unit after a space: `1.250 kg`;
/// - dates are `10 Agustus 2018`, short dates `10 Agu`, times in WITA (UTC+8) `09.15 WITA`.
public enum IndonesianFormat {
    /// The month names, January first.
    public static let months = [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ]
    /// The short month names used in charts, January first.
    public static let shortMonths = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]

    /// WITA (Waktu Indonesia Tengah), Mataram's time zone: UTC+8, no daylight saving.
    public static let witaOffsetHours = CivilDate.witaOffsetHours

    /// An integer with `.` between thousands: `1250` -> `1.250`, `-1250000` -> `-1.250.000`.
    public static func integer(_ value: Int) -> String {
        integer(Int64(value))
    }

    /// An integer with `.` between thousands (all of `Int64`, including its minimum).
    public static func integer(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        let lead = digits.count % 3
        for (i, c) in digits.enumerated() {
            if i > 0, (i - lead) % 3 == 0 { out.append(".") }
            out.append(c)
        }
        return out
    }

    /// A decimal held as `scaled` units of 10^-`scale` (`scale` 0...18): thousands grouped with
    /// `.`, fraction after `,`. The fraction shows at least `minFractionDigits` digits when it is
    /// not zero (trailing zeros beyond that dropped), and nothing when it is zero.
    /// `decimal(scaled: 117_505_000, scale: 4)` -> `11.750,50`.
    public static func decimal(scaled: Int64, scale: Int, minFractionDigits: Int = 2) -> String {
        let scale = max(0, min(scale, 18))
        var divisor: UInt64 = 1
        for _ in 0..<scale { divisor *= 10 }
        let magnitude = scaled.magnitude
        let whole = magnitude / divisor
        let fraction = magnitude % divisor
        var out = scaled < 0 ? "-" : ""
        out += integer(Int64(clamping: whole))
        guard fraction > 0 else { return out }
        var text = String(fraction)
        text = String(repeating: "0", count: scale - text.count) + text
        let keep = max(min(minFractionDigits, scale), text.count - text.reversed().prefix { $0 == "0" }.count)
        return out + "," + text.prefix(keep)
    }

    /// A `Double` rounded to `fractionDigits` (0...4) places, Indonesian style, trailing zeros
    /// kept: `percent`-like figures (`12,5` with 1 digit). Non-finite values give `-`.
    public static func number(_ value: Double, fractionDigits: Int) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "-" }
        let digits = max(0, min(fractionDigits, 4))
        var factor = 1.0
        for _ in 0..<digits { factor *= 10 }
        let scaled = Int64((value * factor).rounded())
        guard digits > 0 else { return integer(scaled) }
        let magnitude = scaled.magnitude
        let divisor = UInt64(factor)
        var fraction = String(magnitude % divisor)
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        return (scaled < 0 ? "-" : "") + integer(Int64(magnitude / divisor)) + "," + fraction
    }

    /// Money in rupiah: `Rp 11.750`, `Rp 11.750,50`, `-Rp 500`.
    public static func rupiah(_ price: Price) -> String {
        let text = decimal(scaled: price.scaled, scale: 4)
        return text.hasPrefix("-") ? "-Rp " + text.dropFirst() : "Rp " + text
    }

    /// Money in `currency` (ISO 4217): rupiah as `rupiah(_:)`, others as `USD 1.250,50`.
    public static func money(_ price: Price, currency: String) -> String {
        if currency == "IDR" { return rupiah(price) }
        return currency + " " + decimal(scaled: price.scaled, scale: 4)
    }

    /// A quantity in its unit: `1.250 kg`, `12 dus`.
    public static func quantity(_ value: Int, unit: String) -> String {
        unit.isEmpty ? integer(value) : integer(value) + " " + unit
    }

    /// A percentage with one fraction digit when it has one: `12,5%`, `10%`.
    public static func percent(_ value: Double) -> String {
        let text = number(value, fractionDigits: 1)
        return (text.hasSuffix(",0") ? String(text.dropLast(2)) : text) + "%"
    }

    /// `10 Agustus 2018`.
    public static func date(year: Int, month: Int, day: Int) -> String {
        guard (1...12).contains(month) else { return "\(day)-\(month)-\(year)" }
        return "\(day) \(months[month - 1]) \(year)"
    }

    /// `10 Agustus 2018`.
    public static func date(_ day: CivilDate) -> String {
        let c = day.components
        return date(year: c.year, month: c.month, day: c.day)
    }

    /// `14-17 Agustus 2018`, `30 Agustus-2 September 2018`, `28 Desember 2018-3 Januari 2019`, or
    /// one date when both are the same day.
    public static func dateRange(_ from: CivilDate, _ to: CivilDate) -> String {
        guard from != to else { return date(from) }
        let a = from.components
        let b = to.components
        if a.year != b.year { return "\(date(from))-\(date(to))" }
        if a.month != b.month { return "\(a.day) \(months[a.month - 1])-\(date(to))" }
        return "\(a.day)-\(date(to))"
    }

    /// `10 Agu` (charts' axes).
    public static func shortDate(_ day: CivilDate) -> String {
        let c = day.components
        return "\(c.day) \(shortMonths[c.month - 1])"
    }

    /// The day of `timestamp` in Mataram (WITA).
    public static func localDay(_ timestamp: Timestamp) -> CivilDate {
        CivilDate(timestamp, offsetHours: witaOffsetHours)
    }

    /// `10 Agustus 2018, 09.15 WITA`: the instant in Mataram's time.
    public static func dateTime(_ timestamp: Timestamp) -> String {
        let local = timestamp.millisecondsSince1970 + Int64(witaOffsetHours) * 3_600_000
        var minuteOfDay = (local / 60_000) % 1440
        if minuteOfDay < 0 { minuteOfDay += 1440 }
        let h = Int(minuteOfDay / 60)
        let m = Int(minuteOfDay % 60)
        return date(localDay(timestamp)) + ", " + (h < 10 ? "0" : "") + "\(h)." + (m < 10 ? "0" : "") + "\(m) WITA"
    }

    /// An RFC 3339 text (as the views store times) as `dateTime(_:)`; the text itself when it
    /// does not parse.
    public static func dateTime(_ rfc3339: String) -> String {
        guard let t = Timestamp(rfc3339) else { return rfc3339 }
        return dateTime(t)
    }

    /// An RFC 3339 text as its day in Mataram, `10 Agustus 2018`; the text itself when it does
    /// not parse.
    public static func date(_ rfc3339: String) -> String {
        guard let t = Timestamp(rfc3339) else { return rfc3339 }
        return date(localDay(t))
    }
}
