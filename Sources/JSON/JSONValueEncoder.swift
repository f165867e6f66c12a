/// Writes an `Encodable` value as a `JSONValue`: the other half of `JSONValueDecoder`, so that a
/// payload type written once (`Codable`) is both read and written.
///
/// Contract: objects keep the order the type encodes its members in (the log stores the RFC 8785
/// form anyway, whose order is by key); nil optionals are left out (`encodeIfPresent`); integers and
/// doubles become numbers, `JSONEnumeration`s their raw values, a `JSONValue` stays itself. Numbers
/// are not checked here: the log's door (`PayloadPolicy`) checks what is appended.
public struct JSONValueEncoder: Sendable {
    public init() {}

    public func encode<T: Encodable>(_ value: T) -> JSONValue {
        let node = EncodingNode()
        do {
            try ValueEncoder(node: node).encodeValue(value)
        } catch {
            // Only a type's own `encode(to:)` can throw; every type of ours writes what it holds.
            return .null
        }
        return node.value
    }
}

/// A value being built: a leaf, an object or an array whose members are built in place.
final class EncodingNode {
    enum Content {
        case leaf(JSONValue)
        case object([(String, EncodingNode)])
        case array([EncodingNode])
    }
    var content: Content = .leaf(.null)

    var value: JSONValue {
        switch content {
        case .leaf(let v): v
        case .object(let members): .object(members.map { (key: $0.0, value: $0.1.value) })
        case .array(let elements): .array(elements.map(\.value))
        }
    }

    func member(_ key: String) -> EncodingNode {
        if case .object(var members) = content {
            if let existing = members.first(where: { $0.0 == key })?.1 { return existing }
            let node = EncodingNode()
            members.append((key, node))
            content = .object(members)
            return node
        }
        let node = EncodingNode()
        content = .object([(key, node)])
        return node
    }

    func makeObject() {
        if case .object = content { return }
        content = .object([])
    }

    func makeArray() {
        if case .array = content { return }
        content = .array([])
    }

    func appendElement() -> EncodingNode {
        let node = EncodingNode()
        if case .array(var elements) = content {
            elements.append(node)
            content = .array(elements)
        } else {
            content = .array([node])
        }
        return node
    }
}

struct ValueEncoder: Encoder {
    let node: EncodingNode
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedEncoder<Key>(node: node))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedEncoder(node: node)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleEncoder(node: node) }

    func encodeValue<T: Encodable>(_ value: T) throws {
        switch value {
        case let v as String: node.content = .leaf(.string(v))
        case let v as Bool: node.content = .leaf(.bool(v))
        case let v as Int: node.content = .leaf(.number(Double(v)))
        case let v as Int64: node.content = .leaf(.number(Double(v)))
        case let v as UInt64: node.content = .leaf(.number(Double(v)))
        case let v as Double: node.content = .leaf(.number(v))
        case let v as JSONValue: node.content = .leaf(v)
        default: try value.encode(to: self)
        }
    }
}

struct KeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    var codingPath: [any CodingKey] { [] }

    func encodeNil(forKey key: Key) { node.member(key.stringValue).content = .leaf(.null) }

    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try ValueEncoder(node: node.member(key.stringValue)).encodeValue(value)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        ValueEncoder(node: node.member(key.stringValue)).container(keyedBy: keyType)
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        ValueEncoder(node: node.member(key.stringValue)).unkeyedContainer()
    }

    func superEncoder() -> any Encoder { ValueEncoder(node: node) }
    func superEncoder(forKey key: Key) -> any Encoder { ValueEncoder(node: node.member(key.stringValue)) }
}

struct UnkeyedEncoder: UnkeyedEncodingContainer {
    let node: EncodingNode
    var codingPath: [any CodingKey] { [] }
    var count: Int {
        if case .array(let elements) = node.content { return elements.count }
        return 0
    }

    func encodeNil() { node.appendElement().content = .leaf(.null) }

    func encode<T: Encodable>(_ value: T) throws { try ValueEncoder(node: node.appendElement()).encodeValue(value) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        ValueEncoder(node: node.appendElement()).container(keyedBy: keyType)
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { ValueEncoder(node: node.appendElement()).unkeyedContainer() }

    func superEncoder() -> any Encoder { ValueEncoder(node: node.appendElement()) }
}

struct SingleEncoder: SingleValueEncodingContainer {
    let node: EncodingNode
    var codingPath: [any CodingKey] { [] }

    func encodeNil() { node.content = .leaf(.null) }
    func encode<T: Encodable>(_ value: T) throws { try ValueEncoder(node: node).encodeValue(value) }
}
