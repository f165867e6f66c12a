/// Crockford's base32, as receipt numbers and PINs use it: `0-9` and `A-Z` without `I`, `L`,
/// `O`, `U`, read back forgivingly (case ignored, `O` as `0`, `I` and `L` as `1`).
enum Crockford {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// `count` characters from `bits` (5 bits each, most significant first).
    static func encode(_ bits: UInt64, count: Int) -> [UInt8] {
        (0..<count).reversed().map { alphabet[Int((bits >> UInt64($0 * 5)) & 31)] }
    }

    /// The canonical character a typed byte stands for, nil when it stands for none.
    static func canonical(_ byte: UInt8) -> UInt8? {
        var b = byte
        if (0x61...0x7A).contains(b) { b -= 0x20 }
        switch b {
        case UInt8(ascii: "O"): b = UInt8(ascii: "0")
        case UInt8(ascii: "I"), UInt8(ascii: "L"): b = UInt8(ascii: "1")
        default: break
        }
        return isCanonical(b) ? b : nil
    }

    /// Whether `b` is a character of `alphabet` (upper case, no `I`, `L`, `O`, `U`): by range, for
    /// every receipt number of every document event folded.
    static func isCanonical(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "I"), UInt8(ascii: "L"), UInt8(ascii: "O"), UInt8(ascii: "U"): false
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        default: false
        }
    }
}
