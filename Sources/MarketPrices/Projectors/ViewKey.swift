import Foundation

/// Helpers for view keys.
enum ViewKey {
    /// Escapes `%` and `|` so that `|` can separate key parts.
    static func escape(_ part: String) -> String {
        guard part.contains("%") || part.contains("|") else { return part }
        return part.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "|", with: "%7C")
    }

    /// Undoes `escape`.
    static func unescape(_ part: String) -> String {
        guard part.contains("%") else { return part }
        return part.replacingOccurrences(of: "%7C", with: "|").replacingOccurrences(of: "%25", with: "%")
    }

    /// A position as 20 digits, so that text order is numeric order.
    static func position(_ p: UInt64) -> String {
        let s = String(p)
        return String(repeating: "0", count: max(0, 20 - s.count)) + s
    }
}
