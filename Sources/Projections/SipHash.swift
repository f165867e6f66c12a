/// SipHash (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012) of a byte string
/// under a 128-bit key, with `compressionRounds` rounds per 8-byte word and `finalizationRounds`
/// at the end: SipHash-1-3 (as Swift's `Hasher`) for the write cache's keys, SipHash-2-4 for the
/// paper's test vectors.
///
/// Written out here, inlined into its caller, because `Hasher` is not: fed word by word it made a
/// call per word, and fed the bytes (`String`'s hashing) it went through a byte buffer; either
/// cost ~300 instructions for a 30-byte key in the write cache, where this costs ~110 (callgrind,
/// a rebuild of 300,000 events).
public struct SipHash: Sendable {
    let k0: UInt64
    let k1: UInt64

    /// The key of this process: random, drawn once (a key chosen to collide in one process does
    /// not in another).
    static let process: SipHash = {
        var random = SystemRandomNumberGenerator()
        return SipHash(k0: random.next(), k1: random.next())
    }()

    @inline(__always)
    private static func round(_ v0: inout UInt64, _ v1: inout UInt64, _ v2: inout UInt64, _ v3: inout UInt64) {
        v0 &+= v1
        v1 = v1.rotateLeft(13)
        v1 ^= v0
        v0 = v0.rotateLeft(32)
        v2 &+= v3
        v3 = v3.rotateLeft(16)
        v3 ^= v2
        v0 &+= v3
        v3 = v3.rotateLeft(21)
        v3 ^= v0
        v2 &+= v1
        v1 = v1.rotateLeft(17)
        v1 ^= v2
        v2 = v2.rotateLeft(32)
    }

    /// The 64-bit SipHash-c-d of `bytes`.
    @inline(__always)
    func hash(_ bytes: UnsafeRawBufferPointer, compressionRounds c: Int = 1, finalizationRounds d: Int = 3) -> UInt64 {
        var v0 = k0 ^ 0x736f_6d65_7073_6575
        var v1 = k1 ^ 0x646f_7261_6e64_6f6d
        var v2 = k0 ^ 0x6c79_6765_6e65_7261
        var v3 = k1 ^ 0x7465_6462_7974_6573
        let count = bytes.count
        var at = 0
        while at + 8 <= count {
            let m = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            v3 ^= m
            for _ in 0..<c { Self.round(&v0, &v1, &v2, &v3) }
            v0 ^= m
            at += 8
        }
        // The last 0-7 bytes, with the length's low byte on top.
        var last = UInt64(truncatingIfNeeded: count) << 56
        var shift: UInt64 = 0
        while at < count {
            last |= UInt64(bytes[at]) << shift
            shift += 8
            at += 1
        }
        v3 ^= last
        for _ in 0..<c { Self.round(&v0, &v1, &v2, &v3) }
        v0 ^= last
        v2 ^= 0xff
        for _ in 0..<d { Self.round(&v0, &v1, &v2, &v3) }
        return v0 ^ v1 ^ v2 ^ v3
    }
}

extension SipHash {
    /// `hash` (a key's hash, random already) mixed with a `Dictionary`'s `seed`, for a key's
    /// `_rawHashValue(seed:)`: a bijection of their bits (the seed differs between tables).
    @inlinable @inline(__always)
    public static func mixed(_ hash: Int, seed: Int) -> Int {
        var x = UInt64(bitPattern: Int64(hash ^ seed))
        x = (x ^ (x >> 32)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: x ^ (x >> 29))
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotateLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
