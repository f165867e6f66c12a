public import EventLog
public import JSON

/// Reads a payload's object (a parsed `JSONValue`) member by member without `Codable`'s
/// containers, for the events a rebuild reads most of a domain whose payloads nest (aid's
/// donations, shipments and distributions: their lines and lots). `JSONValueDecoder` looked
/// generic types up at run time per container and member: ~100,000 instructions per aid payload,
/// as much as the folds of the event.
///
/// Contract: a reader built on this accepts a payload only where `Payload.read` accepts it, and
/// reads the same value; on anything else it gives up (nil) and the caller reads the payload
/// strictly, which accepts it or refuses it with its message. So it checks what the decoder
/// checks, with the same rules (the payload type's `rule(forKey:)`): each string through
/// `PlainField.string` (`JSONValueDecoder.stringProblem`), each integer as the decoder reads it
/// (`JSONValueDecoder.integerValue`), each array's count against its rule; and every member must
/// be read (the decoder refuses a member no field reads): `read(_:_:)` answers only a record whose
/// every member its reader read, none failing. It gives up where the decoder would still accept (a
/// `null` member, a member named twice), which is only slower.
public struct PlainRecord {
    private let members: [(key: String, value: JSONValue)]
    /// A bit per member read (at most 64 members: a larger object is not read plainly).
    private var read: UInt64 = 0
    /// Whether some member was missing or not plainly valid: the record reads nothing.
    public private(set) var failed = false

    private init?(_ value: JSONValue) {
        guard case .object(let members) = value, members.count <= 64 else { return nil }
        self.members = members
    }

    /// What `reader` reads from the object `value` (at most 64 members), when every member was
    /// read and none failed; nil otherwise (not an object, a member missing, not plainly valid,
    /// or not read by `reader`).
    public static func read<T>(_ value: JSONValue, _ reader: (inout PlainRecord) -> T) -> T? {
        guard var record = PlainRecord(value) else { return nil }
        let read = reader(&record)
        return record.complete ? read : nil
    }

    /// Whether every member was read and none failed.
    private var complete: Bool {
        !failed && read == (members.count == 64 ? UInt64.max : (1 << UInt64(members.count)) - 1)
    }

    /// The value of member `name` (marked read), nil when absent. A `null` member fails the record
    /// (the decoder reads it as absent).
    private mutating func member(_ name: String) -> JSONValue? {
        for i in members.indices where JSONValue.sameString(members[i].key, name) {
            read |= 1 << UInt64(i)
            if case .null = members[i].value { failed = true }
            return members[i].value
        }
        return nil
    }

    /// Fails the record; returns `value` (a placeholder the caller drops, since the record failed).
    private mutating func fail<T>(_ value: T) -> T {
        failed = true
        return value
    }

    /// A required string member checked with `rule` ("" when it fails the record).
    public mutating func string(_ name: String, _ rule: JSONFieldRule?) -> String {
        optionalString(name, rule) ?? fail("")
    }

    /// An optional string member checked with `rule`: nil when absent.
    public mutating func optionalString(_ name: String, _ rule: JSONFieldRule?) -> String? {
        guard let value = member(name) else { return nil }
        return Self.string(value, rule) ?? fail(nil)
    }

    /// A string value checked with `rule` (nil: not a string, or refused).
    public static func string(_ value: JSONValue, _ rule: JSONFieldRule?) -> String? {
        guard case .string(let s) = value else { return nil }
        return PlainField.string(s, rule)
    }

    /// A required instant member written as RFC 3339 text, read as `Timestamp`'s `ScalarCodable`
    /// reads it after the field's `rule` (`PlainField.time`); the epoch when it fails the record.
    public mutating func time(_ name: String, _ rule: JSONFieldRule?) -> Timestamp {
        guard let value = member(name), let s = Self.string(value, rule), let t = Timestamp(scalar: s) else {
            return fail(Timestamp(millisecondsSince1970: 0))
        }
        return t
    }

    /// A required member of a `JSONEnumeration`, read as the decoder reads one (its raw value
    /// exactly); nil when it fails the record.
    public mutating func choice<E: RawRepresentable>(_ name: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let value = member(name), let e = Self.choice(value, type) else { return fail(nil) }
        return e
    }

    /// A `JSONEnumeration`'s member from `value` (nil: not a string, or no raw value of `E`).
    public static func choice<E: RawRepresentable>(_ value: JSONValue, _ type: E.Type) -> E? where E.RawValue == String {
        guard case .string(let s) = value else { return nil }
        return E(rawValue: s)
    }

    /// An optional member that is a `JSONStringRecord` (`record(_:as:)`): nil when absent.
    public mutating func optionalRecord<R: JSONStringRecord>(_ name: String, as type: R.Type) -> R? {
        guard let value = member(name) else { return nil }
        return Self.record(value, as: type) ?? fail(nil)
    }

    /// A required integer member checked with `rule` (0 when it fails the record): an exact
    /// integer within ±(2^53-1), as the decoder reads one.
    public mutating func integer(_ name: String, _ rule: JSONFieldRule?) -> Int {
        guard let value = member(name), let n = JSONValueDecoder.integerValue(value) else { return fail(0) }
        if let check = rule?.checkNumber, check(Double(n)) != nil { return fail(0) }
        return n
    }

    /// An optional boolean member: nil when absent.
    public mutating func optionalBool(_ name: String) -> Bool? {
        guard let value = member(name) else { return nil }
        guard case .bool(let b) = value else { return fail(nil) }
        return b
    }

    /// A required array member whose count its `rule` allows, each element read by `element`
    /// (nil: not plainly valid); [] when it fails the record.
    public mutating func array<T>(_ name: String, _ rule: JSONFieldRule?, _ element: (JSONValue) -> T?) -> [T] {
        guard let value = member(name) else { return fail([]) }
        return elements(of: value, rule, element)
    }

    /// An optional array member (`array(_:_:_:)`): nil when absent.
    public mutating func optionalArray<T>(_ name: String, _ rule: JSONFieldRule?, _ element: (JSONValue) -> T?) -> [T]? {
        guard let value = member(name) else { return nil }
        return elements(of: value, rule, element)
    }

    /// The elements of the array `value`, each read by `element`, when its count is one `rule`
    /// allows; [] when it fails the record.
    private mutating func elements<T>(of value: JSONValue, _ rule: JSONFieldRule?, _ element: (JSONValue) -> T?) -> [T] {
        guard case .array(let elements) = value else { return fail([]) }
        if let rule {
            if !rule.allowEmptyArray && elements.isEmpty { return fail([]) }
            if let max = rule.maxCount, elements.count > max { return fail([]) }
        }
        var out: [T] = []
        out.reserveCapacity(elements.count)
        for e in elements {
            guard let r = element(e) else { return fail([]) }
            out.append(r)
        }
        return out
    }

    /// A required object member read by `object` (nil: not plainly valid).
    public mutating func object<T>(_ name: String, _ object: (JSONValue) -> T?) -> T? {
        guard let value = member(name), let read = object(value) else { return fail(nil) }
        return read
    }

    /// `R` read from `value` as the decoder reads a `JSONStringRecord`: an object of exactly its
    /// members, each a string checked by its rule.
    public static func record<R: JSONStringRecord>(_ value: JSONValue, as type: R.Type) -> R? {
        read(value) { r in R(strings: R.memberNames.map { r.string($0, R.rule(forKey: $0)) }) }
    }
}
