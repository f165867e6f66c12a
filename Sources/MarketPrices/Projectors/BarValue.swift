/// The compact text values of the prices views (read on every event, so not JSON): parts joined
/// by `|`. Only the last part may hold a `|` (none does: prices, counts, days, positions and ids).
enum BarValue {
    static func make(_ parts: String...) -> [UInt8] { Array(parts.joined(separator: "|").utf8) }

    /// The `count` parts of `bytes`, or nil when there are fewer.
    static func split(_ bytes: [UInt8]?, count: Int) -> [String]? {
        guard let bytes else { return nil }
        let parts = bytes.split(separator: UInt8(ascii: "|"), maxSplits: count - 1, omittingEmptySubsequences: false)
        guard parts.count == count else { return nil }
        return parts.map { String(decoding: $0, as: UTF8.self) }
    }
}
