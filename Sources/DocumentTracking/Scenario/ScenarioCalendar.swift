import EventLog

/// Days and office hours in Kota Mataram (WITA, UTC+8) for the 2018 scenario.
enum ScenarioCalendar {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000
    static let offset: Int64 = 8 * hour
    /// Office hours, in minutes after local midnight: 08:00-16:00.
    static let opens: Int64 = 8 * 60
    static let closes: Int64 = 16 * 60

    /// Local (WITA) day number (days since 1970-01-01 in WITA) of an instant.
    static func localDay(_ ms: Int64) -> Int64 { floorDiv(ms + offset, day) }

    /// The instant of `minutes` after local midnight of local day `d`.
    static func at(day d: Int64, minutes: Int64) -> Int64 { d * day - offset + minutes * minute }

    /// Local day number of a calendar date.
    static func dayNumber(_ year: Int, _ month: Int, _ dayOfMonth: Int) -> Int64 {
        let text = "\(year)-\(month < 10 ? "0" : "")\(month)-\(dayOfMonth < 10 ? "0" : "")\(dayOfMonth)"
        return (Timestamp(text)?.millisecondsSince1970 ?? 0) / day
    }

    /// National holidays of 2018 inside the scenario: Hari Kemerdekaan (17 August), Idul Adha
    /// 1439 H (22 August), Tahun Baru Islam 1440 H (11 September).
    static let holidays: Set<Int64> = [dayNumber(2018, 8, 17), dayNumber(2018, 8, 22), dayNumber(2018, 9, 11)]

    /// 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
    static func weekday(_ d: Int64) -> Int64 { ((d % 7) + 7 + 4) % 7 }

    static func isWorkday(_ d: Int64) -> Bool {
        let w = weekday(d)
        return w != 0 && w != 6 && !holidays.contains(d)
    }

    /// The instant `minutes` of office time after `ms` (office hours of workdays only).
    static func addOfficeTime(_ ms: Int64, minutes: Int64) -> Int64 {
        var t = ms
        var remaining = max(1, minutes)
        while true {
            let d = localDay(t)
            let m = (t - at(day: d, minutes: 0)) / minute
            if !isWorkday(d) || m >= closes {
                t = at(day: d + 1, minutes: opens)
                continue
            }
            if m < opens {
                t = at(day: d, minutes: opens)
                continue
            }
            let available = closes - m
            if remaining <= available { return t + remaining * minute }
            remaining -= available
            t = at(day: d + 1, minutes: opens)
        }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
