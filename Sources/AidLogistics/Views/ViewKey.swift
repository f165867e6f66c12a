/// Keys of the aid views: parts joined by U+001F (unit separator), which no id, item or unit
/// may contain (payloads refuse control characters), so that a prefix of whole parts selects
/// exactly the entries under it (`gudang-1` never matches `gudang-10`).
enum ViewKey {
    static let separator = "\u{1F}"

    static func make(_ parts: String...) -> String { parts.joined(separator: separator) }

    /// The prefix selecting every key that starts with these whole parts.
    static func prefix(_ parts: String...) -> String { parts.joined(separator: separator) + separator }

    static func split(_ key: String) -> [String] {
        key.split(separator: Character(separator), omittingEmptySubsequences: false).map(String.init)
    }

    /// A log position as 20 decimal digits, so that key order is position order.
    static func position(_ p: UInt64) -> String {
        let s = String(p)
        return String(repeating: "0", count: max(0, 20 - s.count)) + s
    }

    /// A small index as 6 decimal digits.
    static func index(_ i: Int) -> String {
        let s = String(i)
        return String(repeating: "0", count: max(0, 6 - s.count)) + s
    }
}
