import Crypto

/// A SHA-256 digest: an event's `hash` or `prevHash`, written as 64 lower-case hex digits.
public struct EventHash: Sendable, Hashable, CustomStringConvertible {
    public var words: (UInt64, UInt64, UInt64, UInt64)

    @inlinable public static func == (a: EventHash, b: EventHash) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }
    public func hash(into h: inout Hasher) {
        h.combine(words.0)
        h.combine(words.1)
        h.combine(words.2)
        h.combine(words.3)
    }

    /// 64 zeros: the `prevHash` of the first event.
    public static let zero = EventHash(words: (0, 0, 0, 0))

    public init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    /// Reads 32 raw bytes.
    public init(raw: UnsafeRawBufferPointer) {
        words = (
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        )
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
        func digits(_ at: Int) -> UInt64? { Hex.parse16(Hex.word(p + at), Hex.word(p + at + 8)) }
        guard let a = digits(0), let b = digits(16), let c = digits(32), let d = digits(48) else { return nil }
        words = (a, b, c, d)
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
