/// Turns values into the bytes LMDB stores and back.
///
/// `withEncoded` hands the bytes to `body` without keeping them; `decode` receives bytes that
/// are valid only during the call (they point into LMDB's memory map) and must copy what it keeps.
public protocol LMDBCodec {
    associatedtype Value
    static func withEncoded<R>(_ value: Value, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(LMDBError) -> Value
}

/// A 64-bit unsigned integer, stored big-endian so that LMDB's byte order is numeric order.
public enum UInt64BE: LMDBCodec {
    @inline(__always)
    public static func withEncoded<R>(_ value: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var be = value.bigEndian
        return try withUnsafeBytes(of: &be, body)
    }

    @inline(__always)
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(LMDBError) -> UInt64 {
        guard bytes.count == 8 else { throw .decoding("a big-endian UInt64 from \(bytes.count) bytes") }
        return UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
    }
}

/// A 32-bit unsigned integer, stored big-endian.
public enum UInt32BE: LMDBCodec {
    @inline(__always)
    public static func withEncoded<R>(_ value: UInt32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var be = value.bigEndian
        return try withUnsafeBytes(of: &be, body)
    }

    @inline(__always)
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(LMDBError) -> UInt32 {
        guard bytes.count == 4 else { throw .decoding("a big-endian UInt32 from \(bytes.count) bytes") }
        return UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self))
    }
}

/// A string stored as its UTF-8 bytes (no terminator). Decoding refuses invalid UTF-8.
public enum UTF8String: LMDBCodec {
    public static func withEncoded<R>(_ value: String, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var value = value
        return try value.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(LMDBError) -> String {
        guard let s = String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) else {
            throw .decoding("a UTF-8 string (invalid UTF-8)")
        }
        return s
    }
}

/// Raw bytes, copied out of the map on decode.
public enum Bytes: LMDBCodec {
    @inline(__always)
    public static func withEncoded<R>(_ value: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try value.withUnsafeBytes(body)
    }

    @inline(__always)
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(LMDBError) -> [UInt8] {
        [UInt8](bytes)
    }
}

/// No value at all: for index databases where the key says everything.
public enum Unit: LMDBCodec {
    public static func withEncoded<R>(_ value: Void, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: nil, count: 0))
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(LMDBError) {}
}
