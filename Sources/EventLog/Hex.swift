/// Hex, as Lumbung writes hashes, keys and signatures (lower case), and reads them: `encode` and
/// `decode` for keys and signatures; `parse8` reads eight digits (either case) at a time in one
/// 64-bit word (SWAR, no branch per digit) for the hashes and ids every event carries.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out = [UInt8]()
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes an even number of lower-case hex digits; nil for anything else.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// The 8 bytes at `p` as a word whose lowest byte is the first (on any byte order).
    @inline(__always)
    static func word(_ p: UnsafeRawPointer) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) }

    /// Four bytes at `p` then four at `q`, as one `word`.
    @inline(__always)
    static func word(_ p: UnsafeRawPointer, _ q: UnsafeRawPointer) -> UInt64 {
        UInt64(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
            | UInt64(UInt32(littleEndian: q.loadUnaligned(as: UInt32.self))) << 32
    }

    /// The 16 hex digits in `first` then `second` (two `word`s) as a number; nil if any byte is
    /// not a hex digit.
    @inline(__always)
    static func parse16(_ first: UInt64, _ second: UInt64) -> UInt64? {
        guard let a = parse8(first), let b = parse8(second) else { return nil }
        return UInt64(a) << 32 | UInt64(b)
    }

    /// The 8 hex digits (UTF-8, either case) in `word` (first digit in its lowest byte) as a
    /// number, the first digit most significant; nil if any byte is not a hex digit.
    @inline(__always)
    static func parse8(_ x: UInt64) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
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
}
