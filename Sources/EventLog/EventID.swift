/// An event's id: a UUID, written in lower case. Clients may choose it (to make retries
/// idempotent); otherwise the log makes a time-ordered one (version 7, RFC 9562: the commit's
/// milliseconds, then random bits), so that the id index grows mostly at its end.
public struct EventID: Sendable, Hashable, CustomStringConvertible {
    /// The 16 bytes, in the order the text shows them.
    public var bytes: (UInt64, UInt64)

    public init(high: UInt64, low: UInt64) { bytes = (high, low) }

    public static func == (a: EventID, b: EventID) -> Bool { a.bytes == b.bytes }
    public func hash(into h: inout Hasher) {
        h.combine(bytes.0)
        h.combine(bytes.1)
    }

    /// A new random version-4 UUID.
    public static func random() -> EventID {
        var g = SystemRandomNumberGenerator()
        var hi = g.next() as UInt64
        var lo = g.next() as UInt64
        hi = (hi & ~0xF000) | 0x4000  // version 4
        lo = (lo & ~(0xC0 << 56)) | (0x80 << 56)  // variant 10
        return EventID(high: hi, low: lo)
    }

    /// A version-7 UUID: 48 bits of `time` (ms since 1970), then 74 random bits from `random`.
    public static func timeOrdered(at time: Timestamp, random: inout some RandomNumberGenerator) -> EventID {
        let ms = UInt64(truncatingIfNeeded: max(0, time.millisecondsSince1970)) & 0xFFFF_FFFF_FFFF
        let r1 = random.next() as UInt64
        let r2 = random.next() as UInt64
        let hi = ms << 16 | 0x7000 | (r1 & 0x0FFF)  // version 7, rand_a
        let lo = (r2 & ~(0xC0 << 56)) | (0x80 << 56)  // variant 10, rand_b
        return EventID(high: hi, low: lo)
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex digits in either case).
    public init?(_ text: some StringProtocol) {
        guard let id = Array(text.utf8).withUnsafeBufferPointer({ EventID(utf8: $0) }) else { return nil }
        self = id
    }

    /// As `init?(_:)`, from the text's UTF-8 bytes.
    public init?(utf8: UnsafeBufferPointer<UInt8>) {
        guard utf8.count == 36, let base = utf8.baseAddress,
            utf8[8] == 0x2D, utf8[13] == 0x2D, utf8[18] == 0x2D, utf8[23] == 0x2D
        else { return nil }
        let p = UnsafeRawPointer(base)
        // Groups 8-4-4-4-12: digits 0-7, 9-12 with 14-17, 19-22 with 24-27, 28-35.
        guard let high = Hex.parse16(Hex.word(p), Hex.word(p + 9, p + 14)),
            let low = Hex.parse16(Hex.word(p + 19, p + 24), Hex.word(p + 28))
        else { return nil }
        bytes = (high, low)
    }

    /// Reads 16 raw bytes (big-endian halves), as stored.
    public init(raw: UnsafeRawBufferPointer) {
        bytes = (
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        )
    }

    /// The 16 raw bytes, as stored and indexed.
    public var raw: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(16)
        appendRaw(to: &out)
        return out
    }

    func appendRaw(to out: inout [UInt8]) {
        withUnsafeBytes(of: bytes.0.bigEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: bytes.1.bigEndian) { out.append(contentsOf: $0) }
    }

    public var description: String { String(decoding: utf8, as: UTF8.self) }

    /// The 36 bytes of the lower-case text form.
    public var utf8: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(36)
        write(to: &out)
        return out
    }

    /// Appends the 36 bytes of the lower-case text form to `out`.
    public func write(to out: inout [UInt8]) {
        // 8-4-4-4-12 digits, built on the stack and appended at once.
        var buf: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &buf) { p in
            writeHexDigits(bytes.0 >> 32, count: 8, into: p, at: 0)
            p[8] = 0x2D
            writeHexDigits(bytes.0 >> 16, count: 4, into: p, at: 9)
            p[13] = 0x2D
            writeHexDigits(bytes.0, count: 4, into: p, at: 14)
            p[18] = 0x2D
            writeHexDigits(bytes.1 >> 48, count: 4, into: p, at: 19)
            p[23] = 0x2D
            writeHexDigits(bytes.1, count: 12, into: p, at: 24)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[0..<36]))
        }
    }
}

/// Writes the `count` lowest hex digits of `value` (lower case, most significant first) at `offset`.
@inline(__always)
func writeHexDigits(_ value: UInt64, count: Int, into p: UnsafeMutableRawBufferPointer, at offset: Int) {
    var v = value
    var i = offset + count - 1
    while i >= offset {
        let d = UInt8(truncatingIfNeeded: v & 0xF)
        p[i] = d < 10 ? 0x30 + d : 0x57 + d  // 0x57 + 10 = "a"
        v >>= 4
        i -= 1
    }
}

@usableFromInline
let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
