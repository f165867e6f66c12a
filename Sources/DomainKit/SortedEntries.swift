/// A dictionary written as `Codable` as an array of `{"key","value"}` entries sorted by key: the
/// same dictionary is the same bytes in every process (Swift seeds its hashing, and with it a
/// dictionary's order, per process; `JSONEncoder`'s sorted keys only sort text keys). For values
/// the decision state stores (`DecisionTable`) that hold a dictionary keyed by a struct.
@propertyWrapper
public struct SortedEntries<Key: Hashable & Comparable & Codable & Sendable, Value: Hashable & Codable & Sendable>: Hashable, Codable,
    Sendable
{
    public var wrappedValue: [Key: Value]

    public init(wrappedValue: [Key: Value]) { self.wrappedValue = wrappedValue }

    private struct Entry: Codable {
        let key: Key
        let value: Value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        for (key, value) in wrappedValue.sorted(by: { $0.key < $1.key }) { try c.encode(Entry(key: key, value: value)) }
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        var out: [Key: Value] = [:]
        while !c.isAtEnd {
            let entry = try c.decode(Entry.self)
            out[entry.key] = entry.value
        }
        wrappedValue = out
    }
}
