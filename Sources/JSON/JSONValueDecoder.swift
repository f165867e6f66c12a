import Synchronization

/// Reads a `Decodable` type from a `JSONValue`, strictly: the one reader of payloads (an event's
/// `data`, a command's body), so that a payload is a `Codable` type written once.
///
/// Contract (every refusal is a `JSONDecodingError` naming the value by its path, e.g.
/// `data.items[0].quantity`, and what is wrong with it):
/// - a member that the type does not read is refused (`is not a field of this payload`): typos are
///   never dropped silently. Keys compare byte for byte (no Unicode normalisation).
/// - `null` is the same as absent: an optional property reads nil, a required one is refused
///   (`is required`, with what is expected when the field has a rule).
/// - strings: no control characters (U+0000-U+001F, U+007F), not empty or only whitespace, and at
///   most `maxStringBytes` UTF-8 bytes, unless the field's `JSONFieldRule` says otherwise.
/// - integers: integral numbers within ±(2^53-1); doubles: numbers the `PayloadPolicy` allows.
/// - a `JSONEnumeration` must be one of its raw values, and the refusal lists them.
/// - a type that conforms to `JSONFieldRules` gives rules per field (limits, syntax, ranges); they
///   apply to that field's value, and to each element when the field is an array.
/// Duplicate keys cannot reach it: `JSONParser` refuses them at the door.
public struct JSONValueDecoder: Sendable {
    /// The path of the decoded value, prefixed to every error's path (`data` for an event's
    /// payload, empty for a command's body, whose fields are named alone).
    public var root: String
    /// The byte limit of strings whose field has no rule of its own.
    public var maxStringBytes: Int

    public init(root: String = "", maxStringBytes: Int = 200) {
        self.root = root
        self.maxStringBytes = maxStringBytes
    }

    /// What is wrong with `s` as a string field with `rule` (nil: nothing): blank (unless the rule
    /// allows empty text), longer than its byte limit (the rule's, else `maxStringBytes`), holding a
    /// control character, or refused by the rule's own check. The one place string fields are
    /// judged: the decoder, and the readers of plain payloads (`DomainKit.PlainField`).
    public static func stringProblem(_ s: String, _ rule: JSONFieldRule?, maxStringBytes: Int = 200) -> String? {
        if !(rule?.allowEmpty ?? false) && isBlank(s) { return "must not be empty" }
        let max = rule?.maxBytes ?? maxStringBytes
        // In UTF-8 a control character is its own byte (every byte of a longer sequence is >= 0x80),
        // looked for over the string's contiguous bytes.
        var s = s
        let (count, control) = s.withUTF8 { ($0.count, $0.contains { $0 < 0x20 || $0 == 0x7F }) }
        if count > max { return "is \(count) bytes, longer than the \(max) allowed" }
        if control { return "must not contain control characters" }
        return rule?.checkString?(s)
    }

    /// `value` as an integer field reads it (before the field's rule): a number with no fraction
    /// within ±(2^53-1); nil for anything else. The decoder and the readers of plain payloads
    /// (`DomainKit.PlainRecord`) read integers here.
    public static func integerValue(_ value: JSONValue) -> Int? {
        guard case .number(let d) = value, let n = value.intValue, Double(n) == d, n.magnitude <= 9_007_199_254_740_991 else {
            return nil
        }
        return n
    }

    /// Whether `s` is empty or only whitespace (what "must not be empty" refuses). A string that
    /// starts with a printable ASCII character is known not to be without breaking it into
    /// characters (its first character, whose first scalar that is, is not whitespace): most
    /// strings of most payloads, read on every append and every fold.
    public static func isBlank(_ s: String) -> Bool {
        if let first = s.utf8.first, first > 0x20 && first < 0x7F { return false }
        return s.allSatisfy(\.isWhitespace)
    }

    /// Decodes `type` from `value`, then refuses the first member (in document order) that no part
    /// of the type read.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(JSONDecodingError) -> T {
        let state = DecodingState(maxStringBytes: maxStringBytes)
        let decoder = ValueDecoder(value: value, path: JSONPath(root), state: state, rules: nil, fieldRule: nil)
        let result: T
        do {
            result = try decoder.decodeValue(T.self)
        } catch let error as JSONDecodingError {
            throw error
        } catch let error as DecodingError {
            throw JSONDecodingError(decoding: error, root: root)
        } catch {
            throw JSONDecodingError(path: root, message: String(describing: error))
        }
        try state.refuseUnread()
        return result
    }
}

/// A value refused by `JSONValueDecoder`: `path` names it (`data.items[0].quantity`; empty for the
/// root), `message` says what is wrong (`must be a positive integer`).
public struct JSONDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `<path>: <message>`, or the message alone for the root.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }

    init(decoding error: DecodingError, root: String) {
        switch error {
        case .dataCorrupted(let c), .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c):
            var path = JSONPath(root)
            for key in c.codingPath { path = path.appending(key) }
            self.init(path: path.text, message: c.debugDescription)
        @unknown default:
            self.init(path: root, message: String(describing: error))
        }
    }
}

/// A string enumeration read and written by its raw value; refusals list the allowed values.
public protocol JSONEnumeration: CaseIterable, RawRepresentable, Codable, Sendable where RawValue == String {}

extension JSONEnumeration {
    /// The raw values, in declaration order.
    public static var rawValues: [String] { allCases.map(\.rawValue) }
}

/// A type whose fields have rules beyond their Swift type (limits, syntax, ranges).
public protocol JSONFieldRules {
    /// The rule of the field named `key` (its coding key's string), nil for the defaults. A
    /// function of `key` alone: the decoder keeps what it answers per type and key
    /// (`FieldRules`).
    static func rule(forKey key: String) -> JSONFieldRule?
}

/// An object of required string members read without `Codable`'s containers: a hot type (a
/// sealed value is in every personal field of every event). The same contract as any payload
/// type: each member is a string checked by its `JSONFieldRule`, a missing or `null` member is
/// `is required`, a member not in `memberNames` is refused by `JSONValueDecoder` as `is not a
/// field of this payload`.
public protocol JSONStringRecord: JSONFieldRules, Decodable {
    /// The members, in the order they are checked (a refusal names the first that fails).
    static var memberNames: [String] { get }
    /// The value of `strings`, one per member of `memberNames`, in that order.
    init(strings: [String])
}

/// What one field (or each element of an array field) must be.
public struct JSONFieldRule: Sendable {
    /// What is expected, for "is required (…)" (e.g. `a positive integer`).
    public var expected: String?
    /// Strings: the byte limit (nil: the decoder's default) and whether empty text is allowed.
    public var maxBytes: Int?
    public var allowEmpty: Bool
    /// Arrays: the most elements, and whether `[]` is allowed.
    public var maxCount: Int?
    public var allowEmptyArray: Bool
    /// A check of a string's content; returns the refusal's message.
    public var checkString: (@Sendable (String) -> String?)?
    /// A check of a number (integers come as their Double); returns the refusal's message.
    public var checkNumber: (@Sendable (Double) -> String?)?

    public init(
        expected: String? = nil, maxBytes: Int? = nil, allowEmpty: Bool = false, maxCount: Int? = nil,
        allowEmptyArray: Bool = false, checkString: (@Sendable (String) -> String?)? = nil,
        checkNumber: (@Sendable (Double) -> String?)? = nil
    ) {
        self.expected = expected
        self.maxBytes = maxBytes
        self.allowEmpty = allowEmpty
        self.maxCount = maxCount
        self.allowEmptyArray = allowEmptyArray
        self.checkString = checkString
        self.checkNumber = checkNumber
    }
}

// MARK: - Paths

/// A JSON path as errors show it: `data.items[0].quantity`. Only errors need its text: a path is
/// its parent's text and one step, and the text is made when asked for (`text`), not for every
/// value decoded. A container makes its own path's text once (`materialized`), which its
/// members then share.
struct JSONPath {
    private enum Step {
        case key(String)
        case index(Int)
    }
    /// The parent's text (or the whole path's, without a step).
    private let base: String
    private let step: Step?

    init(_ root: String) {
        base = root
        step = nil
    }

    private init(base: String, step: Step) {
        self.base = base
        self.step = step
    }

    var text: String {
        switch step {
        case nil: base
        case .key(let key)?: base.isEmpty ? key : "\(base).\(key)"
        case .index(let index)?: "\(base)[\(index)]"
        }
    }

    /// The same path, its text made now (once for every member of a container).
    var materialized: JSONPath { step == nil ? self : JSONPath(text) }

    func appending(_ key: any CodingKey) -> JSONPath {
        if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == String(index) {
            return appending(index: index)
        }
        return appending(key.stringValue)
    }

    func appending(_ key: String) -> JSONPath { JSONPath(base: materialized.base, step: .key(key)) }

    func appending(index: Int) -> JSONPath { JSONPath(base: materialized.base, step: .index(index)) }
}

/// A coding key for array elements and for members found by name.
struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    init(intValue: Int) {
        stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}

// MARK: - Types

/// What the decoder asks of a type, found once per process: whether it is a `JSONEnumeration`, a
/// `JSONStringRecord` or has `JSONFieldRules` (three dynamic casts per value were a tenth of what
/// decoding a payload with nested values cost). A type's facts never change, so they are kept for
/// the process.
final class TypeFacts: Sendable {
    let enumeration: (any JSONEnumeration.Type)?
    let record: (any JSONStringRecord.Type)?
    let rules: FieldRules?

    private init<T>(_ type: T.Type) {
        enumeration = type as? any JSONEnumeration.Type
        record = type as? any JSONStringRecord.Type
        rules = (type as? any JSONFieldRules.Type).map(FieldRules.init)
    }

    private static let known = Mutex<[ObjectIdentifier: TypeFacts]>([:])

    /// The facts of `type`.
    static func of<T>(_ type: T.Type) -> TypeFacts {
        let id = ObjectIdentifier(type)
        if let facts = known.withLock({ $0[id] }) { return facts }
        let facts = TypeFacts(type)
        return known.withLock { known in
            if let kept = known[id] { return kept }
            known[id] = facts
            return facts
        }
    }
}

/// A type's field rules, each key's looked up once: a type's `rule(forKey:)` is mostly a `switch`
/// over its fields' names, compared one after another for every member decoded (a tenth of the
/// cost of decoding an aid event). What a rule is depends on the key alone (`JSONFieldRules`).
/// The keys are kept in the order first asked for and found by comparing them (a type has a few
/// fields, whose names are short: hashing the key per member cost more than comparing). Only the
/// first `kept` keys are kept: a payload may name any key, and a key a type does not have is
/// refused (or looked up again) without growing this.
final class FieldRules: Sendable {
    /// The keys kept and their rules, at the same indexes (apart, so that looking for a key
    /// copies no rule).
    struct Known {
        var keys: [String] = []
        var rules: [JSONFieldRule?] = []

        func index(of key: String) -> Int? {
            let count = key.utf8.count
            for i in keys.indices where keys[i].utf8.count == count && keys[i] == key { return i }
            return nil
        }
    }
    private let type: any JSONFieldRules.Type
    private let known = Mutex(Known())
    static let kept = 64

    init(_ type: any JSONFieldRules.Type) { self.type = type }

    func rule(forKey key: String) -> JSONFieldRule? {
        let found = known.withLock { known -> JSONFieldRule?? in known.index(of: key).map { known.rules[$0] } }
        if let found { return found }
        let rule = type.rule(forKey: key)
        known.withLock { known in
            if known.keys.count < Self.kept && known.index(of: key) == nil {
                known.keys.append(key)
                known.rules.append(rule)
            }
        }
        return rule
    }
}

// MARK: - State

/// What the decoding of one value has read, to refuse the members it did not.
final class DecodingState {
    let maxStringBytes: Int
    /// Objects in the order they were opened, with their members and where their flags start in
    /// `read` (one per member, in order). An object is known by its members' storage (a value
    /// decoded twice, as two types or by two containers, shares it), which it holds while
    /// decoding; an object of no members has nothing to refuse.
    /// (These three are touched by this object's methods alone, none while another has them:
    /// unchecked for overlapping access, a check per member read.)
    @exclusivity(unchecked) private var objects: [(path: JSONPath, members: [(key: String, value: JSONValue)], start: Int)] = []
    /// Whether each member of each object was read.
    @exclusivity(unchecked) private var read: [Bool] = []
    /// The objects by their storage, once there are more than a few to look through.
    @exclusivity(unchecked) private var index: [UnsafeRawPointer: Int] = [:]
    private static let indexFrom = 8

    init(maxStringBytes: Int) { self.maxStringBytes = maxStringBytes }

    /// The object whose members are `members`, at `path`; nil for an object of none.
    func opened(_ path: JSONPath, members: [(key: String, value: JSONValue)]) -> Int? {
        guard let storage = members.withUnsafeBufferPointer({ $0.baseAddress.map(UnsafeRawPointer.init) }) else { return nil }
        if objects.count < Self.indexFrom {
            for (i, object) in objects.enumerated()
            where object.members.withUnsafeBufferPointer({ UnsafeRawPointer($0.baseAddress) == storage }) {
                return i
            }
        } else {
            if index.isEmpty {
                for (i, object) in objects.enumerated() {
                    object.members.withUnsafeBufferPointer { index[UnsafeRawPointer($0.baseAddress!)] = i }
                }
            }
            if let i = index[storage] { return i }
            index[storage] = objects.count
        }
        objects.append((path, members, read.count))
        read.append(contentsOf: repeatElement(false, count: members.count))
        return objects.count - 1
    }

    /// Member `member` (its index in the object) of `object` was read.
    func read(member: Int, in object: Int?) {
        if let object { read[objects[object].start + member] = true }
    }

    /// The member named `key` of `object` (if it has one) was read.
    func read(_ key: String, in object: Int?) {
        guard let object else { return }
        if let i = objects[object].members.firstIndex(where: { JSONValue.sameString($0.key, key) }) {
            read[objects[object].start + i] = true
        }
    }

    func refuseUnread() throws(JSONDecodingError) {
        guard read.contains(false) else { return }
        for object in objects {
            for (i, member) in object.members.enumerated() where !read[object.start + i] {
                throw JSONDecodingError(path: object.path.appending(member.key).text, message: "is not a field of this payload")
            }
        }
    }
}

// MARK: - Decoder

struct ValueDecoder: Decoder {
    let value: JSONValue
    let path: JSONPath
    let state: DecodingState
    /// The rules of the type being decoded here (for its members).
    let rules: FieldRules?
    /// The rule of the field this value is (or is an element of).
    let fieldRule: JSONFieldRule?

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func refuse(_ message: String) -> JSONDecodingError { JSONDecodingError(path: path.text, message: message) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw refuse(path.text.isEmpty ? "the body must be a JSON object" : "must be an object")
        }
        let shared = materialized
        let object = state.opened(shared.path, members: members)
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: shared, members: members, object: object))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw refuse("must be an array") }
        return UnkeyedContainer(decoder: materialized, elements: elements)
    }

    /// This decoder with its path's text made (for a container, whose members' paths share it).
    var materialized: ValueDecoder {
        ValueDecoder(value: value, path: path.materialized, state: state, rules: rules, fieldRule: fieldRule)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleContainer(decoder: self) }

    /// A child value: a member or an element.
    func child(_ value: JSONValue, path: JSONPath, fieldRule: JSONFieldRule?) -> ValueDecoder {
        ValueDecoder(value: value, path: path, state: state, rules: nil, fieldRule: fieldRule)
    }

    /// Decodes `T` from this value, applying the field's rule to strings and numbers.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == String.self { return try string() as! T }
        if T.self == Int.self { return try integer() as! T }
        if T.self == Double.self { return try number() as! T }
        if T.self == Bool.self { return try bool() as! T }
        if T.self == Int64.self { return Int64(try integer()) as! T }
        if T.self == UInt64.self {
            let n = try integer()
            guard n >= 0 else { throw refuse("must be an integer of at least 0") }
            return UInt64(n) as! T
        }
        if T.self == JSONValue.self { return value as! T }
        let facts = TypeFacts.of(T.self)
        if let enumeration = facts.enumeration { return try decodeEnumeration(enumeration) as! T }
        if let record = facts.record { return try decodeRecord(record) as! T }
        if case .array(let elements) = value, let rule = fieldRule {
            if !rule.allowEmptyArray && elements.isEmpty { throw refuse("must not be empty") }
            if let max = rule.maxCount, elements.count > max {
                throw refuse("has \(elements.count) entries, more than the \(max) allowed")
            }
        }
        let typed = ValueDecoder(
            value: value, path: path, state: state, rules: facts.rules, fieldRule: fieldRule)
        return try T(from: typed)
    }

    private func decodeRecord<R: JSONStringRecord>(_ type: R.Type) throws -> R {
        guard case .object(let members) = value else {
            throw refuse(path.text.isEmpty ? "the body must be a JSON object" : "must be an object")
        }
        let path = path.materialized
        let names = R.memberNames
        var strings: [String] = []
        strings.reserveCapacity(names.count)
        for name in names {
            let rule = R.rule(forKey: name)
            let member = members.first { JSONValue.sameString($0.key, name) }?.value
            guard let member, !member.isNull else {
                let expected = rule?.expected.map { " (\($0))" } ?? ""
                throw JSONDecodingError(path: path.appending(name).text, message: "is required\(expected)")
            }
            strings.append(try child(member, path: path.appending(name), fieldRule: rule).string())
        }
        if members.count != names.count || members.contains(where: { m in !names.contains { JSONValue.sameString($0, m.key) } }) {
            // Left for `refuseUnread`, in document order with every other object's members.
            let object = state.opened(path, members: members)
            for name in names { state.read(name, in: object) }
        }
        return R(strings: strings)
    }

    private func decodeEnumeration<E: JSONEnumeration>(_ type: E.Type) throws -> E {
        guard case .string(let s) = value, let e = E(rawValue: s) else {
            throw refuse("must be one of \(E.rawValues.joined(separator: ", "))")
        }
        return e
    }

    func string() throws -> String {
        try Scalars.string(value, fieldRule, state.maxStringBytes) { path }
    }

    func integer() throws -> Int { try Scalars.integer(value, fieldRule) { path } }

    func number() throws -> Double { try Scalars.number(value, fieldRule) { path } }

    func bool() throws -> Bool { try Scalars.bool(value) { path } }
}

/// The checks of scalar values, by value and field rule: what `ValueDecoder` applies to a string,
/// a number or a boolean, also called by the containers for a member or element of those types
/// without making a decoder for it (the path, for a refusal only, is made when refused).
enum Scalars {
    static func refuse(_ path: () -> JSONPath, _ message: String) -> JSONDecodingError {
        JSONDecodingError(path: path().text, message: message)
    }

    static func string(_ value: JSONValue, _ rule: JSONFieldRule?, _ maxStringBytes: Int, _ path: () -> JSONPath) throws(JSONDecodingError)
        -> String
    {
        guard case .string(let s) = value else { throw refuse(path, "must be a string") }
        if let message = JSONValueDecoder.stringProblem(s, rule, maxStringBytes: maxStringBytes) { throw refuse(path, message) }
        return s
    }

    static func integer(_ value: JSONValue, _ rule: JSONFieldRule?, _ path: () -> JSONPath) throws(JSONDecodingError) -> Int {
        guard let n = JSONValueDecoder.integerValue(value) else {
            throw refuse(path, rule?.expected.map { "must be \($0)" } ?? "must be an integer")
        }
        if let check = rule?.checkNumber, let message = check(Double(n)) { throw refuse(path, message) }
        return n
    }

    static func number(_ value: JSONValue, _ rule: JSONFieldRule?, _ path: () -> JSONPath) throws(JSONDecodingError) -> Double {
        guard case .number(let d) = value else {
            throw refuse(path, rule?.expected.map { "must be \($0)" } ?? "must be a number")
        }
        if let reason = PayloadPolicy.refusalReason(for: d) {
            throw refuse(path, "number \(CanonicalJSON.formatNumber(d)) is not allowed: \(reason)")
        }
        if let check = rule?.checkNumber, let message = check(d) { throw refuse(path, message) }
        return d
    }

    static func bool(_ value: JSONValue, _ path: () -> JSONPath) throws(JSONDecodingError) -> Bool {
        guard case .bool(let b) = value else { throw refuse(path, "must be true or false") }
        return b
    }
}

struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: ValueDecoder
    let members: [(key: String, value: JSONValue)]
    let object: Int?

    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    private func member(_ key: Key) -> JSONValue? { member(named: key.stringValue) }

    private func member(named name: String) -> JSONValue? {
        for (i, m) in members.enumerated() where JSONValue.sameString(m.key, name) {
            decoder.state.read(member: i, in: object)
            return m.value.isNull ? nil : m.value
        }
        return nil
    }

    private func rule(_ key: Key) -> JSONFieldRule? { decoder.rules?.rule(forKey: key.stringValue) }

    /// A required member `name` with `rule` is absent (or `null`).
    private func required(_ name: String, _ rule: JSONFieldRule?) -> JSONDecodingError {
        let expected = rule?.expected.map { " (\($0))" } ?? ""
        return JSONDecodingError(path: decoder.path.appending(name).text, message: "is required\(expected)")
    }

    /// Member `key` read by `read` (given its value, its rule and its path); nil when it is absent
    /// (or `null`), refused as required when `required`.
    ///
    /// Inlined into each scalar read, so that it runs for its type (a call of it, generic in
    /// `T` inside a container generic in `Key`, looked types up at run time per member), and the
    /// path's closure captures the decoder, not this container (a copy of a generic value).
    @inline(__always)
    private func scalar<T>(
        _ key: Key, required: Bool, _ read: (JSONValue, JSONFieldRule?, () -> JSONPath) throws(JSONDecodingError) -> T
    ) throws -> T? {
        let name = key.stringValue
        let decoder = self.decoder
        let rule = decoder.rules?.rule(forKey: name)
        guard let value = member(named: name) else {
            if required { throw self.required(name, rule) }
            return nil
        }
        return try read(value, rule) { decoder.path.appending(name) }
    }

    // The scalar types, read here without a decoder of their own (a generic call made one per
    // member, and cast its result back to the type asked for at run time).

    func decode(_ type: String.Type, forKey key: Key) throws -> String { try string(key, required: true)! }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try string(key, required: false) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try scalar(key, required: true, Scalars.integer)! }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try scalar(key, required: false, Scalars.integer) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try scalar(key, required: true, Scalars.number)! }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try scalar(key, required: false, Scalars.number) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try scalar(key, required: true, Self.bool)! }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try scalar(key, required: false, Self.bool) }

    // Their readers capture no container (a method passed as a closure copies its generic `self`).

    @inline(__always)
    private func string(_ key: Key, required: Bool) throws -> String? {
        let maxBytes = decoder.state.maxStringBytes
        return try scalar(key, required: required) { value, rule, path throws(JSONDecodingError) in
            try Scalars.string(value, rule, maxBytes, path)
        }
    }

    private static func bool(_ value: JSONValue, _: JSONFieldRule?, _ path: () -> JSONPath) throws(JSONDecodingError) -> Bool {
        try Scalars.bool(value, path)
    }

    func contains(_ key: Key) -> Bool { member(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { member(key) == nil }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let name = key.stringValue
        let rule = decoder.rules?.rule(forKey: name)
        guard let value = member(named: name) else { throw required(name, rule) }
        return try decoder.child(value, path: decoder.path.appending(name), fieldRule: rule).decodeValue(T.self)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = member(key) else { return nil }
        return try decoder.child(value, path: decoder.path.appending(key.stringValue), fieldRule: rule(key)).decodeValue(T.self)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let path = decoder.path.appending(key.stringValue)
        guard let value = member(key) else { throw JSONDecodingError(path: path.text, message: "is required (an object)") }
        return try decoder.child(value, path: path, fieldRule: rule(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let path = decoder.path.appending(key.stringValue)
        guard let value = member(key) else { throw JSONDecodingError(path: path.text, message: "is required (an array)") }
        return try decoder.child(value, path: path, fieldRule: rule(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        decoder.child(member(key) ?? .null, path: decoder.path.appending(key.stringValue), fieldRule: rule(key))
    }
}

struct UnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: ValueDecoder
    let elements: [JSONValue]
    var currentIndex = 0

    init(decoder: ValueDecoder, elements: [JSONValue]) {
        self.decoder = decoder
        self.elements = elements
    }

    var codingPath: [any CodingKey] { [] }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> ValueDecoder {
        guard !isAtEnd else { throw decoder.refuse("has too few entries") }
        defer { currentIndex += 1 }
        return decoder.child(elements[currentIndex], path: decoder.path.appending(index: currentIndex), fieldRule: decoder.fieldRule)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let element = try next()
        if element.value.isNull { throw element.refuse("must not be null") }
        return try element.decodeValue(T.self)
    }

    mutating func decode(_ type: String.Type) throws -> String {
        guard !isAtEnd else { throw decoder.refuse("has too few entries") }
        let (value, index) = (elements[currentIndex], currentIndex)
        currentIndex += 1
        let path = { decoder.path.appending(index: index) }
        if value.isNull { throw Scalars.refuse(path, "must not be null") }
        return try Scalars.string(value, decoder.fieldRule, decoder.state.maxStringBytes, path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

struct SingleContainer: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { decoder.value.isNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }
    func decode(_ type: String.Type) throws -> String { try decoder.string() }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.number() }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
}
