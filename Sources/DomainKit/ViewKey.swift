public import EventLog

/// The keys of every domain's views: parts joined by U+001F (unit separator), so that a prefix of
/// whole parts selects exactly the entries under it (`gudang-1` never matches `gudang-10`).
/// Payloads refuse control characters, so a part holds no separator; a part read from an older
/// event that does is escaped (`%` as `%25`, U+001F as `%1F`), which keeps keys distinct.
/// Numbers are zero-padded decimals, so that key order is numeric order.
public enum ViewKey {
    public static let separator: Character = "\u{1F}"

    public static func make(_ parts: String...) -> String { make(parts) }

    public static func make(_ parts: [String]) -> String {
        var count = max(0, parts.count - 1)
        var plain = true
        for part in parts {
            count += part.utf8.count
            if plain && part.utf8.contains(where: { $0 == 0x25 || $0 == 0x1F }) { plain = false }
        }
        guard plain else {
            var key = ""
            for (i, part) in parts.enumerated() {
                if i > 0 { key.append(separator) }
                key += escape(part)
            }
            return key
        }
        // Most keys (every part without `%` or U+001F): the parts' bytes copied once.
        return String(unsafeUninitializedCapacity: count) { buffer in
            var at = 0
            for (i, part) in parts.enumerated() {
                if i > 0 {
                    buffer[at] = 0x1F
                    at += 1
                }
                for byte in part.utf8 {
                    buffer[at] = byte
                    at += 1
                }
            }
            return at
        }
    }

    /// The prefix selecting every key that starts with these whole parts.
    public static func prefix(_ parts: String...) -> String { make(parts) + String(separator) }

    /// The parts of a key made by `make`.
    public static func split(_ key: String) -> [String] {
        key.split(separator: separator, omittingEmptySubsequences: false).map { unescape(String($0)) }
    }

    /// A log position as 20 decimal digits.
    public static func position(_ p: UInt64) -> String { padded(p, width: 20) }

    /// A small index as 6 decimal digits.
    public static func index(_ i: Int) -> String { padded(UInt64(max(0, i)), width: 6) }

    /// Milliseconds from year 0001 (so every `Timestamp` is non-negative) as 15 digits: key order
    /// is time order.
    public static func time(_ t: Timestamp) -> String {
        padded(UInt64(max(0, t.millisecondsSince1970 + 62_135_596_800_000)), width: 15)
    }

    /// A non-negative duration in milliseconds as 13 digits (up to ~317 years).
    public static func duration(_ ms: Int64) -> String { padded(UInt64(max(0, ms)), width: 13) }

    /// `v` in decimal, zero-padded to `width` digits.
    public static func padded(_ v: UInt64, width: Int) -> String {
        var digits = 1
        var rest = v / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        // The digits written once, from the last (the zeros of the padding come out of `v`'s end).
        let count = max(width, digits)
        return String(unsafeUninitializedCapacity: count) { buffer in
            var rest = v
            for i in stride(from: count - 1, through: 0, by: -1) {
                buffer[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return count
        }
    }

    static func escape(_ part: String) -> String {
        // Neither character can be there without its byte (`%` is 0x25, U+001F is 0x1F): most
        // parts are checked by bytes alone, without walking their characters.
        guard part.utf8.contains(where: { $0 == 0x25 || $0 == 0x1F }) else { return part }
        guard part.contains("%") || part.contains(separator) else { return part }
        var out = ""
        for c in part {
            switch c {
            case "%": out += "%25"
            case separator: out += "%1F"
            default: out.append(c)
            }
        }
        return out
    }

    static func unescape(_ part: String) -> String {
        guard part.contains("%") else { return part }
        return part.replacing("%1F", with: String(separator)).replacing("%25", with: "%")
    }
}
