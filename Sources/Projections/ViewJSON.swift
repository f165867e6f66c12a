import Foundation
import JSON

/// Encodes the Codable values views store, as `ViewCoding.encoder` (Foundation's `JSONEncoder`,
/// sorted keys, slashes unescaped) writes them, without its per-value machinery: a rebuild's batch
/// ends with tens of thousands of values to encode, and this is most of what it costs there.
///
/// Contract: for a value it encodes, the bytes are those `JSONEncoder` writes with the same
/// options: keys sorted by their UTF-8 bytes, a key encoded twice keeps its last value, a value
/// that encodes nothing is `{}` inside another, strings escaped alike (the escapes of RFC 8785,
/// `CanonicalJSON.appendString`), integers in decimal, a float as its `description` without a
/// trailing `.0`. A value holding what `JSONEncoder` treats apart (a `Date`, `Data`, `URL` or
/// `Decimal`, a float that is not finite, a `super` encoder) or encoding nothing at the top it
/// does not encode (`nil`): the caller uses `JSONEncoder`. Debug builds compare every value it
/// encodes with `JSONEncoder`'s bytes (`ViewCoding.encode`), so the whole test suite checks this
/// contract.
///
/// Not `JSONValueEncoder`, the payloads' encoder: a `JSONValue` holds a number as a `Double` (an
/// `Int64` above 2^53 would change) written in RFC 8785's form, and RFC 8785 orders keys by UTF-16,
/// none of which is what `JSONEncoder` writes.
enum ViewJSON {
    /// The bytes of `value`, or nil when it holds something this encoder leaves to `JSONEncoder`.
    static func encode<T: Encodable>(_ value: T) -> [UInt8]? {
        let context = Context()
        // A value that encodes nothing is `{}` inside another, an error of `JSONEncoder`'s alone.
        guard let node = try? node(of: value, path: [], context, empty: nil), !context.refused else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(node, into: &out)
        return out
    }

    /// Thrown (and caught in `encode`) for what `JSONEncoder` treats apart.
    struct Unsupported: Error {}

    /// What one `encode` shares: whether a `super` encoder was asked for (they write where their
    /// value is placed; none of the views' values uses one, so such a value goes to `JSONEncoder`).
    final class Context {
        var refused = false

        /// Marks the value refused; the encoder returned writes nowhere.
        func refuse(_ path: [any CodingKey]) -> any Encoder {
            refused = true
            return NodeEncoder(codingPath: path, self)
        }

        /// A new object, placed by `place`, and the container that fills it.
        func object<Key: CodingKey>(at path: [any CodingKey], place: (Node) -> Void) -> KeyedEncodingContainer<Key> {
            let members = Members()
            place(.object(members))
            return KeyedEncodingContainer(KeyedNodes<Key>(members: members, codingPath: path, context: self))
        }

        /// A new array, placed by `place`, and the container that fills it.
        func array(at path: [any CodingKey], place: (Node) -> Void) -> any UnkeyedEncodingContainer {
            let items = Items()
            place(.array(items))
            return UnkeyedNodes(items: items, codingPath: path, context: self)
        }
    }

    /// An encoded value. Containers are classes: a nested container is placed in its parent when
    /// made and filled afterwards.
    enum Node {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array(Items)
        case object(Members)
    }

    final class Items {
        var nodes: [Node] = []
    }

    /// An object's members in the order written (a key written again replaces its value, in
    /// place: objects are small, so a scan finds it).
    final class Members {
        var nodes: [(key: String, node: Node)] = []

        func set(_ key: String, _ node: Node) {
            if let i = nodes.firstIndex(where: { $0.key == key }) {
                nodes[i].node = node
            } else {
                nodes.append((key, node))
            }
        }
    }

    /// `value` encoded; `empty` when it encodes nothing (nil: throw `Unsupported`).
    static func node<T: Encodable>(of value: T, path: [any CodingKey], _ context: Context, empty: Node? = .object(Members())) throws
        -> Node
    {
        if let node = try primitive(value) { return node }
        if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self { throw Unsupported() }
        let encoder = NodeEncoder(codingPath: path, context)
        try value.encode(to: encoder)
        guard let node = encoder.root ?? empty else { throw Unsupported() }
        return node
    }

    /// A value `JSONEncoder` writes as a JSON scalar, found by its type (nil for any other).
    static func primitive<T: Encodable>(_ value: T) throws -> Node? {
        switch value {
        case let v as String: return .string(v)
        case let v as Int: return .number(v.description)
        case let v as Bool: return .bool(v)
        case let v as Double: return .number(try float(v))
        case let v as Int64: return .number(v.description)
        case let v as UInt64: return .number(v.description)
        case let v as Int32: return .number(v.description)
        case let v as UInt32: return .number(v.description)
        case let v as UInt: return .number(v.description)
        case let v as Int16: return .number(v.description)
        case let v as UInt16: return .number(v.description)
        case let v as Int8: return .number(v.description)
        case let v as UInt8: return .number(v.description)
        case let v as Float: return .number(try float(v))
        default: return nil
        }
    }

    static func float<F: BinaryFloatingPoint & CustomStringConvertible>(_ v: F) throws -> String {
        guard v.isFinite else { throw Unsupported() }
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    // MARK: Writing

    static func write(_ node: Node, into out: inout [UInt8]) {
        switch node {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): CanonicalJSON.appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.nodes.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.nodes.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (i, member) in sorted.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.appendString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(member.node, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

/// The `Encoder` `ViewJSON` hands a value: it keeps what the value encodes as its `root`.
private final class NodeEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var root: ViewJSON.Node?
    let context: ViewJSON.Context

    init(codingPath: [any CodingKey], _ context: ViewJSON.Context) {
        self.codingPath = codingPath
        self.context = context
    }

    /// A second container of the same kind fills the same object or array.
    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let kept)? = root {
            return KeyedEncodingContainer(KeyedNodes<Key>(members: kept, codingPath: codingPath, context: context))
        }
        return context.object(at: codingPath) { root = $0 }
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let kept)? = root { return UnkeyedNodes(items: kept, codingPath: codingPath, context: context) }
        return context.array(at: codingPath) { root = $0 }
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNode(encoder: self) }
}

private struct KeyedNodes<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let members: ViewJSON.Members
    let codingPath: [any CodingKey]
    let context: ViewJSON.Context

    mutating func encodeNil(forKey key: Key) throws { members.set(key.stringValue, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { members.set(key.stringValue, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { members.set(key.stringValue, .string(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { members.set(key.stringValue, .number(value.description)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { members.set(key.stringValue, .number(value.description)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { members.set(key.stringValue, .number(try ViewJSON.float(value))) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        members.set(key.stringValue, try ViewJSON.node(of: value, path: codingPath + [key], context))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        context.object(at: codingPath + [key]) { members.set(key.stringValue, $0) }
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        context.array(at: codingPath + [key]) { members.set(key.stringValue, $0) }
    }

    /// Refused (`Context`): the value goes to `JSONEncoder`.
    mutating func superEncoder() -> any Encoder { context.refuse(codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { context.refuse(codingPath + [key]) }
}

private struct UnkeyedNodes: UnkeyedEncodingContainer {
    let items: ViewJSON.Items
    let codingPath: [any CodingKey]
    let context: ViewJSON.Context
    var count: Int { items.nodes.count }

    mutating func encodeNil() throws { items.nodes.append(.null) }
    mutating func encode(_ value: String) throws { items.nodes.append(.string(value)) }
    mutating func encode(_ value: Int) throws { items.nodes.append(.number(value.description)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        items.nodes.append(try ViewJSON.node(of: value, path: codingPath, context))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        context.object(at: codingPath) { items.nodes.append($0) }
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        context.array(at: codingPath) { items.nodes.append($0) }
    }

    /// Refused (`Context`): the value goes to `JSONEncoder`.
    mutating func superEncoder() -> any Encoder { context.refuse(codingPath) }
}

private struct SingleNode: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.root = .null }
    mutating func encode(_ value: Bool) throws { encoder.root = .bool(value) }
    mutating func encode(_ value: String) throws { encoder.root = .string(value) }
    mutating func encode(_ value: Int) throws { encoder.root = .number(value.description) }
    mutating func encode(_ value: Double) throws { encoder.root = .number(try ViewJSON.float(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.root = try ViewJSON.node(of: value, path: codingPath, encoder.context)
    }
}
