public import EventLog
import Foundation

/// One table of a domain's decision state, typed like heed's `Database<KeyCodec, ValueCodec>`:
/// values of `Value` by text key, kept in the log's `decisions` database under the key prefix
/// `<domain>/<table>/` (see `DecisionState`), so that a writer reads only the aggregates a request
/// touches and the state never lives whole in memory.
///
/// Contract: values are stored as JSON (`Codable`, keys sorted), so a value decodes to exactly
/// what was stored, and the same value is the same bytes in every process: a `Value` holding a
/// dictionary keyed by anything but text must encode it in a fixed order itself; keys are the prefix and the key's UTF-8 bytes, at most 511 bytes together (ids of
/// payloads are at most 100 bytes; a longer key is refused with `.invalidInput`). Reads and
/// writes go to the `DecisionState` given: a read snapshot or the writer's transaction.
///
/// Not thread-safe (its coders are reused): its owner (a domain's rules, serialized by the
/// `RuleGuard`) calls it from one thread at a time.
public struct DecisionTable<Value: Codable>: @unchecked Sendable {
    /// `<domain>/<table>/`.
    public let prefix: [UInt8]
    private let encoder: JSONEncoder
    private let decoder = JSONDecoder()

    public init(domain: String, table: String) {
        prefix = Array("\(domain)/\(table)/".utf8)
        encoder = JSONEncoder()
        // The same value is the same bytes in every process (an audit compares bytes).
        encoder.outputFormatting = .sortedKeys
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
            return try state.withValue(k) { bytes in try decoder.decode(Value.self, from: Data(bytes)) }
        } catch {
            throw Self.failure(error, key)
        }
    }

    /// Stores `value` under `key` (removes it when nil). Only in the writer's transaction.
    public func set(_ key: String, _ value: Value?, in state: DecisionState) throws(EventLogError) {
        let k = try self.key(key)
        let bytes: [UInt8]?
        do {
            bytes = try value.map { [UInt8](try encoder.encode($0)) }
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
                return try body(rest, try decoder.decode(Value.self, from: Data(v)))
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
                out.append((key, try decoder.decode(Value.self, from: Data(v))))
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
