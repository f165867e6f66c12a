/// Receipt numbers ("nomor resi"): `MTR-` followed by 10 characters of Crockford base32
/// (`0-9` and `A-Z` without `I`, `L`, `O`, `U`), e.g. `MTR-7GQ2K9XW4D`.
///
/// The 10 characters carry 50 random bits from the system's cryptographic generator: too many to
/// guess one, and, being in upper case without look-alike letters, easy to read out over the
/// phone and to type. They fit the stream charset, so the stream is `application-MTR-...`.
public enum ReceiptNumber {
    public static let prefix = "MTR-"
    /// Characters after the prefix.
    public static let length = 10
    /// Encodes the low 50 bits of `bits` as a receipt number.
    public static func encode(_ bits: UInt64) -> String {
        String(decoding: Array(prefix.utf8) + Crockford.encode(bits, count: length), as: UTF8.self)
    }

    /// A new random receipt number.
    public static func random(using generator: inout some RandomNumberGenerator) -> String {
        encode(generator.next() & ((1 << 50) - 1))
    }

    /// Whether `text` is a receipt number in its canonical form (as events carry it).
    public static func isValid(_ text: String) -> Bool {
        // By byte, without a copy (read for every receipt number of every document event).
        let b = text.utf8
        guard b.count == prefix.utf8.count + length, b.starts(with: prefix.utf8) else { return false }
        return b.dropFirst(prefix.utf8.count).allSatisfy(Crockford.isCanonical)
    }

    /// The canonical form of what a resident typed: trimmed, upper case, `O` read as `0`, `I`
    /// and `L` as `1` (Crockford's rule), spaces and extra hyphens after the prefix ignored, the
    /// prefix optional. Nil when it cannot be a receipt number.
    public static func normalize(_ text: String) -> String? {
        var chars = Array(text.uppercased().utf8).filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        let p = Array(prefix.utf8)
        if chars.starts(with: p) {
            chars.removeFirst(p.count)
        } else if chars.starts(with: p.dropLast()) {
            chars.removeFirst(p.count - 1)
        }
        var body: [UInt8] = []
        for c in chars where c != 0x2D {
            guard let mapped = Crockford.canonical(c) else { return nil }
            body.append(mapped)
        }
        guard body.count == length else { return nil }
        return prefix + String(decoding: body, as: UTF8.self)
    }
}
