import EventLog
public import Foundation
public import JSON
import LMDB

/// Read access to the databases of the views environment, by the local names projectors use.
/// Valid only during the closure it is given to (it wraps a transaction).
public struct ViewReader {
    let handle: UnsafeTransactionReference
    let resolve: (String) throws -> Database<Bytes, Bytes>

    /// LMDB's largest key, in bytes (its default build). No key outside 1...511 bytes can be
    /// stored, so a lookup of one finds nothing (LMDB itself would refuse it with MDB_BAD_VALSIZE:
    /// a query with an empty or very long id must answer "not found", not fail).
    public static let maxKeyBytes = 511

    static func storable(_ key: String) -> Bool { !key.isEmpty && key.utf8.count <= maxKeyBytes }

    /// The bytes stored under `key` in database `db`, or nil.
    public func get(_ db: String, _ key: String) throws -> [UInt8]? {
        guard Self.storable(key) else { return nil }
        return try resolve(db).get(Array(key.utf8), in: handle)
    }

    /// A JSON value stored under `key` (see `ViewWriter.putJSON`), or nil.
    public func json(_ db: String, _ key: String) throws -> JSONValue? {
        guard Self.storable(key) else { return nil }
        return try resolve(db).withValueBytes(Array(key.utf8), in: handle) { try JSONParser.parse($0) }
    }

    /// A Codable value stored under `key` (see `ViewWriter.put(_:_:value:)`), or nil.
    public func value<T: Decodable>(_ type: T.Type, _ db: String, _ key: String) throws -> T? {
        guard let bytes = try get(db, key) else { return nil }
        return try ViewCoding.decode(type, bytes)
    }

    /// Visits `(key, value)` of `db` whose keys start with `prefix`, in key order (or reverse),
    /// until `body` returns false. `from` starts at that key instead of the prefix's first.
    public func scan(
        _ db: String, prefix: String = "", from: String? = nil, reverse: Bool = false,
        _ body: (String, [UInt8]) throws -> Bool
    ) throws {
        // No stored key is longer than `maxKeyBytes`: a longer prefix selects nothing.
        guard prefix.utf8.count <= Self.maxKeyBytes else { return }
        let from = from.map {
            $0.utf8.count <= Self.maxKeyBytes ? $0 : String(decoding: Array($0.utf8.prefix(Self.maxKeyBytes - 4)), as: UTF8.self)
        }
        try resolve(db).forEachRaw(
            in: handle, from: from.map { Array($0.utf8) }, direction: reverse ? .backward : .forward,
            prefix: prefix.isEmpty ? nil : Array(prefix.utf8)
        ) { k, v in
            try body(String(decoding: k, as: UTF8.self), [UInt8](v))
        }
    }

    /// As `scan`, decoding each value as `T`.
    public func scanValues<T: Decodable>(
        _ type: T.Type, _ db: String, prefix: String = "", reverse: Bool = false, _ body: (String, T) throws -> Bool
    ) throws {
        try scan(db, prefix: prefix, reverse: reverse) { k, v in try body(k, try ViewCoding.decode(type, v)) }
    }

    /// Number of entries in `db`.
    public func count(_ db: String) throws -> Int {
        try resolve(db).count(in: handle)
    }
}

/// Write access for a projector's `apply`: its own databases, inside the engine's write
/// transaction (the one that also writes its checkpoint). Valid only during `apply`.
public struct ViewWriter {
    public let reader: ViewReader

    var handle: UnsafeTransactionReference { reader.handle }

    public func get(_ db: String, _ key: String) throws -> [UInt8]? { try reader.get(db, key) }
    public func json(_ db: String, _ key: String) throws -> JSONValue? { try reader.json(db, key) }
    public func value<T: Decodable>(_ type: T.Type, _ db: String, _ key: String) throws -> T? {
        try reader.value(type, db, key)
    }
    public func scan(
        _ db: String, prefix: String = "", from: String? = nil, reverse: Bool = false,
        _ body: (String, [UInt8]) throws -> Bool
    ) throws {
        try reader.scan(db, prefix: prefix, from: from, reverse: reverse, body)
    }

    /// Stores raw bytes.
    public func put(_ db: String, _ key: String, bytes: [UInt8]) throws {
        let d = try reader.resolve(db)
        try ViewWriter.withWriteTransaction(handle) { txn in try d.put(Array(key.utf8), bytes, in: txn) }
    }

    /// Stores a JSON value (canonical form).
    public func putJSON(_ db: String, _ key: String, _ value: JSONValue) throws {
        try put(db, key, bytes: CanonicalJSON.encode(value))
    }

    /// Stores a Codable value.
    public func put<T: Encodable>(_ db: String, _ key: String, value: T) throws {
        try put(db, key, bytes: ViewCoding.encode(value))
    }

    /// Reads, changes and stores a Codable value (`initial` when absent).
    public func update<T: Codable>(_ db: String, _ key: String, initial: @autoclosure () -> T, _ change: (inout T) throws -> Void) throws {
        var v = try value(T.self, db, key) ?? initial()
        try change(&v)
        try put(db, key, value: v)
    }

    public func delete(_ db: String, _ key: String) throws {
        let d = try reader.resolve(db)
        try ViewWriter.withWriteTransaction(handle) { txn in _ = try d.delete(Array(key.utf8), in: txn) }
    }

    /// Lends the engine's write transaction to an LMDB call (it stays open afterwards).
    static func withWriteTransaction<R>(_ handle: UnsafeTransactionReference, _ body: (borrowing WriteTransaction) throws -> R) throws -> R
    {
        try handle.withWriteTransaction(body)
    }
}

/// How Codable view values are stored: JSON with sorted keys (readable with `mdb_dump`).
public enum ViewCoding {
    /// Sorted keys, slashes unescaped: the form views store and the API answers (a query may
    /// answer stored bytes as they are). One encoder and one decoder for every fold and query
    /// (both are safe to share once configured).
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
    static let decoder = JSONDecoder()

    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        [UInt8](try encoder.encode(value))
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        try decoder.decode(type, from: Data(bytes))
    }
}
