public import EventLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The keys of every domain's views: parts joined by U+001F (unit separator), so that a prefix of
/// whole parts selects exactly the entries under it (`gudang-1` never matches `gudang-10`).
/// Payloads refuse control characters, so a part holds no separator; a part read from an older
/// event that does is escaped (`%` as `%25`, U+001F as `%1F`), which keeps keys distinct.
/// Numbers are zero-padded decimals, so that key order is numeric order.
public enum ViewKey {
    public static let separator: Character = "\u{1F}"

    public static func make(_ parts: String...) -> String { make(parts) }

    public static func make(_ parts: [String]) -> String { join(parts.count) { parts[$0] } }

    // The common arities without an array: a variadic call allocated one per key (a fifth of a
    // key's cost, and keys are made for nearly every value a view reads or writes).
    public static func make(_ a: String) -> String { join(1) { _ in a } }
    public static func make(_ a: String, _ b: String) -> String { join(2) { $0 == 0 ? a : b } }
    public static func make(_ a: String, _ b: String, _ c: String) -> String { join(3) { $0 == 0 ? a : $0 == 1 ? b : c } }
    public static func make(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        join(4) { $0 == 0 ? a : $0 == 1 ? b : $0 == 2 ? c : d }
    }

    /// The key of `count` parts, `part(0)` first.
    @inline(__always)
    static func join(_ count: Int, _ part: (Int) -> String) -> String {
        var bytes = max(0, count - 1)
        var plain = true
        for i in 0..<count {
            let p = part(i)
            bytes += p.utf8.count
            if plain && !isPlain(p) { plain = false }
        }
        guard plain else {
            var key = ""
            for i in 0..<count {
                if i > 0 { key.append(separator) }
                key += escape(part(i))
            }
            return key
        }
        // Most keys (every part without `%` or U+001F): each part's bytes copied at once.
        return String(unsafeUninitializedCapacity: bytes) { buffer in
            var at = 0
            for i in 0..<count {
                if i > 0 {
                    buffer[at] = 0x1F
                    at += 1
                }
                at = copy(part(i), into: buffer, at: at)
            }
            return at
        }
    }

    /// Whether `part` holds neither `%` (0x25) nor U+001F (0x1F), looked at in its bytes.
    static func isPlain(_ part: String) -> Bool {
        let found = part.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let start = bytes.baseAddress, !bytes.isEmpty else { return false }
            return memchr(start, 0x25, bytes.count) != nil || memchr(start, 0x1F, bytes.count) != nil
        }
        return !(found ?? part.utf8.contains { $0 == 0x25 || $0 == 0x1F })
    }

    /// Copies `part`'s bytes into `buffer` from `at`; returns where they end.
    static func copy(_ part: String, into buffer: UnsafeMutableBufferPointer<UInt8>, at: Int) -> Int {
        let copied = part.utf8.withContiguousStorageIfAvailable { bytes -> Int in
            if let from = bytes.baseAddress, !bytes.isEmpty {
                precondition(at + bytes.count <= buffer.count, "a key's parts changed while it was made")
                (buffer.baseAddress! + at).update(from: from, count: bytes.count)
            }
            return bytes.count
        }
        if let copied { return at + copied }
        var end = at
        for byte in part.utf8 {
            buffer[end] = byte
            end += 1
        }
        return end
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
        guard !isPlain(part) else { return part }
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
