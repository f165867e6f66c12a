import Crypto

/// A SHA-256 digest: an event's `hash` or `prevHash`, written as 64 lower-case hex digits.
public struct EventHash: Sendable, Hashable, CustomStringConvertible {
    public var words: (UInt64, UInt64, UInt64, UInt64)

    public static func == (a: EventHash, b: EventHash) -> Bool { a.words == b.words }
    public func hash(into h: inout Hasher) {
        h.combine(words.0); h.combine(words.1); h.combine(words.2); h.combine(words.3)
    }

    /// 64 zeros: the `prevHash` of the first event.
    public static let zero = EventHash(words: (0, 0, 0, 0))

    public init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    /// Reads 32 raw bytes.
    public init(raw: UnsafeRawBufferPointer) {
        words = (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                 UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                 UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                 UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
    }

    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> EventHash {
        let digest = SHA256.hash(data: bytes)
        return digest.withUnsafeBytes { EventHash(raw: $0) }
    }

    public static func sha256(_ bytes: [UInt8]) -> EventHash {
        bytes.withUnsafeBytes { sha256($0) }
    }

    /// Parses 64 hex digits.
    public init?(hex: some StringProtocol) {
        guard let h = Array(hex.utf8).withUnsafeBufferPointer({ EventHash(hexUTF8: $0) }) else { return nil }
        self = h
    }

    /// Parses 64 hex digits (either case) given as UTF-8 bytes.
    public init?(hexUTF8 utf8: UnsafeBufferPointer<UInt8>) {
        guard utf8.count == 64, let base = utf8.baseAddress else { return nil }
        let p = UnsafeRawPointer(base)
        guard let a = Self.hex8(p), let b = Self.hex8(p + 8), let c = Self.hex8(p + 16), let d = Self.hex8(p + 24),
            let e = Self.hex8(p + 32), let f = Self.hex8(p + 40), let g = Self.hex8(p + 48), let h = Self.hex8(p + 56)
        else { return nil }
        words = (
            UInt64(a) << 32 | UInt64(b), UInt64(c) << 32 | UInt64(d), UInt64(e) << 32 | UInt64(f), UInt64(g) << 32 | UInt64(h)
        )
    }

    /// The 8 hex digits (UTF-8, either case) at `p` as a number, nil if any byte is not one:
    /// eight bytes at once in a 64-bit word (SWAR), without a branch per digit.
    @inline(__always)
    static func hex8(_ p: UnsafeRawPointer) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let x = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))  // byte i = digit i
        let ascii = ~x & high  // 0x80 in each byte below 0x80
        let v = x & ~high  // each byte's low 7 bits: the sums below never carry into the next byte
        // 0x80 in each byte of `w` that is >= n (for bytes below 0x80).
        @inline(__always) func atLeast(_ w: UInt64, _ n: UInt64) -> UInt64 { (w &+ (0x80 &- n) &* ones) & high }
        let digit = atLeast(v, 0x30) & ~atLeast(v, 0x3A)  // 0-9
        let lower = v | (0x20 &* ones)  // A-F to a-f (other bytes only move within what is refused)
        let letter = atLeast(lower, 0x61) & ~atLeast(lower, 0x67)  // a-f, A-F
        guard (digit | letter) & ascii == high else { return nil }
        let nibbles = (v & (0x0F &* ones)) &+ ((letter >> 7) &* 9)  // a-f: low nibble 1-6, + 9
        // Pairs of nibbles to bytes, then the four bytes together (first digit most significant).
        var t = ((nibbles << 4) | (nibbles >> 8)) & 0x00FF_00FF_00FF_00FF
        t = (t | (t >> 8)) & 0x0000_FFFF_0000_FFFF
        t = (t | (t >> 16)) & 0x0000_0000_FFFF_FFFF
        return UInt32(truncatingIfNeeded: t).byteSwapped
    }

    /// The 32 raw bytes.
    public var raw: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        appendRaw(to: &out)
        return out
    }

    func appendRaw(to out: inout [UInt8]) {
        withUnsafeBytes(of: words.0.bigEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: words.1.bigEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: words.2.bigEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: words.3.bigEndian) { out.append(contentsOf: $0) }
    }

    public var description: String { String(decoding: hexUTF8, as: UTF8.self) }

    public var hexUTF8: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(64)
        writeHex(to: &out)
        return out
    }

    /// Appends the 64 lower-case hex digits to `out`.
    public func writeHex(to out: inout [UInt8]) {
        // Built on the stack and appended at once (no per-digit append, no temporary array).
        var buf: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &buf) { p in
            writeHexDigits(words.0, count: 16, into: p, at: 0)
            writeHexDigits(words.1, count: 16, into: p, at: 16)
            writeHexDigits(words.2, count: 16, into: p, at: 32)
            writeHexDigits(words.3, count: 16, into: p, at: 48)
            out.append(contentsOf: UnsafeRawBufferPointer(p))
        }
    }
}
