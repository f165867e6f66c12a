public import EventLog
import Foundation

/// How a `DecisionTable` keeps its values as bytes.
///
/// Contract: `decode(encode(v))` is `v` (a value decodes to exactly what was stored), and the
/// same value is the same bytes in every process (an audit compares bytes). `decode` throws
/// `.corrupt` on bytes it did not write; `encode` throws only for a value its form cannot hold.
public struct DecisionValueCoding<Value>: @unchecked Sendable {
    let encode: (Value) throws -> [UInt8]
    let decode: (UnsafeRawBufferPointer) throws -> Value

    public init(encode: @escaping (Value) throws -> [UInt8], decode: @escaping (UnsafeRawBufferPointer) throws -> Value) {
        (self.encode, self.decode) = (encode, decode)
    }
}

extension DecisionValueCoding where Value: Codable {
    /// JSON (`Codable`, keys sorted): a `Value` holding a dictionary keyed by anything but text
    /// must encode it in a fixed order itself.
    public static var json: DecisionValueCoding {
        let encoder = JSONEncoder()
        // The same value is the same bytes in every process (an audit compares bytes).
        encoder.outputFormatting = .sortedKeys
        let decoder = JSONDecoder()
        return DecisionValueCoding(
            encode: { [UInt8](try encoder.encode($0)) }, decode: { try decoder.decode(Value.self, from: Data($0)) })
    }

    /// `json`, keeping up to `capacity` of the values it decoded by their bytes so that the same
    /// bytes are decoded once: for a table that many events read and few write (a registration
    /// read by every report). The same bytes decode to the same value, so the memo changes no
    /// result; it is emptied when full. Safe from any thread (one lock).
    public static func json(memo capacity: Int) -> DecisionValueCoding {
        let plain = json
        let memo = DecodedValues<Value>(capacity: capacity)
        return DecisionValueCoding(
            encode: plain.encode,
            decode: { bytes in
                let key = StoredBytes(bytes)
                if let value = memo.value(key) { return value }
                let value = try plain.decode(bytes)
                memo.keep(key, value)
                return value
            })
    }
}

/// Stored bytes as a dictionary key, hashed as one buffer (`[UInt8]`'s own `Hashable` feeds the
/// hasher byte by byte, which was most of a memo lookup).
private struct StoredBytes: Hashable {
    let bytes: [UInt8]

    init(_ buffer: UnsafeRawBufferPointer) { bytes = [UInt8](buffer) }

    static func == (a: StoredBytes, b: StoredBytes) -> Bool { a.bytes == b.bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// The values a `DecisionValueCoding.json(memo:)` decoded, by their bytes.
private final class DecodedValues<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [StoredBytes: Value] = [:]
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func value(_ bytes: StoredBytes) -> Value? { lock.withLock { values[bytes] } }

    func keep(_ bytes: StoredBytes, _ value: Value) {
        lock.withLock {
            if values.count >= capacity { values.removeAll(keepingCapacity: true) }
            values[bytes] = value
        }
    }
}

extension DecisionValueCoding where Value == String {
    /// A text as its UTF-8 bytes (for a table of ids read or written per event); bytes that are
    /// not UTF-8 are `.corrupt`.
    public static var utf8: DecisionValueCoding {
        DecisionValueCoding(
            encode: { Array($0.utf8) },
            decode: { bytes in
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw EventLogError(.corrupt, "the decision state holds \(bytes.count) bytes that are not UTF-8 text")
                }
                return text
            })
    }
}

/// One table of a domain's decision state, typed like heed's `Database<KeyCodec, ValueCodec>`:
/// values of `Value` by text key, kept in the log's `decisions` database under the key prefix
/// `<domain>/<table>/` (see `DecisionState`), so that a writer reads only the aggregates a request
/// touches and the state never lives whole in memory.
///
/// Contract: values are stored through the table's `DecisionValueCoding` (JSON for a `Codable`
/// value unless the table is given another, e.g. a compact binary form for a value read and
/// written per event), so a value decodes to exactly what was stored, and the same value is the
/// same bytes in every process; keys are the prefix and the key's UTF-8 bytes, at most 511 bytes
/// together (ids of payloads are at most 100 bytes; a longer key is refused with `.invalidInput`).
/// Reads and writes go to the `DecisionState` given: a read snapshot or the writer's transaction.
///
/// Not thread-safe (its coders are reused): its owner (a domain's rules, serialized by the
/// `RuleGuard`) calls it from one thread at a time.
public struct DecisionTable<Value>: @unchecked Sendable {
    /// `<domain>/<table>/`.
    public let prefix: [UInt8]
    private let coding: DecisionValueCoding<Value>

    /// A table of `Value`s kept as JSON.
    public init(domain: String, table: String) where Value: Codable {
        self.init(domain: domain, table: table, coding: .json)
    }

    /// A table of `Value`s kept in the form `coding` gives them.
    public init(domain: String, table: String, coding: DecisionValueCoding<Value>) {
        prefix = Array("\(domain)/\(table)/".utf8)
        self.coding = coding
    }

    /// LMDB's largest key.
    static var maxKeyBytes: Int { 511 }

    func key(_ key: String) throws(EventLogError) -> [UInt8] {
        let bytes = prefix + Array(key.utf8)
        guard bytes.count <= Self.maxKeyBytes else {
            throw EventLogError(
                .invalidInput,
                "data: the names that identify this \(String(decoding: prefix.dropLast(), as: UTF8.self)) are \(bytes.count) bytes together, more than the \(Self.maxKeyBytes) the rules can key"
            )
        }
        return bytes
    }

    /// The value stored under `key`, or nil.
    public func get(_ key: String, in state: DecisionState) throws(EventLogError) -> Value? {
        let k = try self.key(key)
        do {
            return try state.withValue(k) { bytes in try coding.decode(bytes) }
        } catch {
            throw Self.failure(error, key)
        }
    }

    /// Stores `value` under `key` (removes it when nil). Only in the writer's transaction.
    public func set(_ key: String, _ value: Value?, in state: DecisionState) throws(EventLogError) {
        let k = try self.key(key)
        let bytes: [UInt8]?
        do {
            bytes = try value.map { try coding.encode($0) }
        } catch {
            throw Self.failure(error, key)
        }
        try state.set(k, to: bytes)
    }

    /// Visits the keys that start with `keyPrefix`, in key order, with the rest of each key and
    /// its value, until `body` returns false.
    public func scan(prefix keyPrefix: String, in state: DecisionState, _ body: (String, Value) throws(EventLogError) -> Bool)
        throws(EventLogError)
    {
        let start = try key(keyPrefix)
        let skip = start.count
        do {
            try state.forEach(prefix: start) { k, v in
                let rest = String(decoding: UnsafeRawBufferPointer(rebasing: k[skip...]), as: UTF8.self)
                return try body(rest, try coding.decode(v))
            }
        } catch {
            throw Self.failure(error, keyPrefix)
        }
    }

    /// Every key and value of the table, in key order (for diagnostics and tests: it reads the
    /// whole table).
    public func all(in state: DecisionState) throws(EventLogError) -> [(key: String, value: Value)] {
        var out: [(key: String, value: Value)] = []
        let skip = prefix.count
        do {
            try state.forEach(prefix: prefix) { k, v in
                let key = String(decoding: UnsafeRawBufferPointer(rebasing: k[skip...]), as: UTF8.self)
                out.append((key, try coding.decode(v)))
                return true
            }
        } catch {
            throw Self.failure(error, "")
        }
        return out
    }

    private static func failure(_ error: any Error, _ key: String) -> EventLogError {
        if let e = error as? EventLogError { return e }
        if error is DecodingError || error is EncodingError {
            return EventLogError(.corrupt, "the decision state of \(Value.self) \(key) cannot be read: \(error)")
        }
        return EventLogError(.storage, "the decision state of \(Value.self) \(key) cannot be read or written: \(error)")
    }
}
