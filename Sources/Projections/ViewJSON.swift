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
    /// `orders` keeps the order of members that objects of the same keys share: pass one to many
    /// calls on one thread (it is not shared between threads); without it, each object's members
    /// are sorted (one value encoded alone gains nothing from keeping them).
    static func encode<T: Encodable>(_ value: T, orders: KeyOrders? = nil) -> [UInt8]? {
        let context = Context()
        // A value that encodes nothing is `{}` inside another, an error of `JSONEncoder`'s alone.
        guard let node = try? node(of: value, path: nil, context, emptyObject: false), !context.refused else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(node, into: &out, orders)
        return out
    }

    /// The members to write of the objects encoded so far, by the sequence of keys written: the
    /// values of one type write the same keys in the same order (their `CodingKeys`), so an
    /// object's members are sorted once per sequence, not once per object. A sequence is found by
    /// its keyed container's type, then compared key by key (the keys of `CodingKeys` are the
    /// same strings each time, compared by their storage first).
    final class KeyOrders {
        private struct Known {
            var keys: [String]
            /// The indices of the members to write, in order (the last of a key written twice).
            var written: [Int]
        }
        /// A few sequences per type (optional members make several).
        private var known: [ObjectIdentifier: [Known]] = [:]
        /// Each type encoded so far, as a `ViewJSONWritable` (nil: not one).
        private var writers: [ObjectIdentifier: (any ViewJSONWritable.Type)?] = [:]

        /// `T` as a `ViewJSONWritable` type, nil when it is not one (found once per type).
        func writer<T>(of type: T.Type) -> (any ViewJSONWritable.Type)? {
            if let known = writers[ObjectIdentifier(type)] { return known }
            let found = type as? any ViewJSONWritable.Type
            writers[ObjectIdentifier(type)] = .some(found)
            return found
        }

        /// The indices of `nodes` to write, in order.
        func written(_ nodes: [(key: String, node: Node)], keyType: ObjectIdentifier?) -> [Int] {
            guard let keyType else { return Self.order(nodes) }
            if let kept = known[keyType] {
                for k in kept where k.keys.count == nodes.count && zip(k.keys, nodes).allSatisfy({ $0 == $1.key }) { return k.written }
            }
            let written = Self.order(nodes)
            var kept = known[keyType] ?? []
            if kept.count == 4 { kept.removeFirst() }
            kept.append(Known(keys: nodes.map(\.key), written: written))
            known[keyType] = kept
            return written
        }

        /// By key, and among a key's members by the order written: the last of each.
        static func order(_ nodes: [(key: String, node: Node)]) -> [Int] {
            let order = nodes.indices.sorted { a, b in
                let c = compareBytes(nodes[a].key, nodes[b].key)
                return c != 0 ? c < 0 : a < b
            }
            return order.indices.filter { k in k + 1 == order.count || compareBytes(nodes[order[k + 1]].key, nodes[order[k]].key) != 0 }
                .map { order[$0] }
        }
    }

    /// Thrown (and caught in `encode`) for what `JSONEncoder` treats apart.
    struct Unsupported: Error {}

    /// What one `encode` shares: whether a `super` encoder was asked for (they write where their
    /// value is placed; none of the views' values uses one, so such a value goes to `JSONEncoder`).
    final class Context {
        var refused = false

        /// Marks the value refused; the encoder returned writes nowhere.
        func refuse(_ path: Path?) -> any Encoder {
            refused = true
            return NodeEncoder(path: path, self)
        }

        /// A new object, placed by `place`, and the container that fills it.
        func object<Key: CodingKey>(at path: Path?, place: (Node) -> Void) -> KeyedEncodingContainer<Key> {
            let members = Members(keyType: ObjectIdentifier(Key.self), reserving: 8)
            place(.object(members))
            return KeyedEncodingContainer(KeyedNodes<Key>(members: members, path: path, context: self))
        }

        /// A new array, placed by `place`, and the container that fills it.
        func array(at path: Path?, place: (Node) -> Void) -> any UnkeyedEncodingContainer {
            let items = Items()
            place(.array(items))
            return UnkeyedNodes(items: items, path: path, context: self)
        }
    }

    /// Where a value is, for `codingPath`: its key and its parent's place (nil: the top), made
    /// into an array only when asked (nothing of the views' values asks; a path copied per value
    /// made two arrays per member).
    final class Path {
        let parent: Path?
        let key: any CodingKey

        init(_ parent: Path?, _ key: any CodingKey) {
            self.parent = parent
            self.key = key
        }

        static func keys(_ path: Path?) -> [any CodingKey] {
            var keys: [any CodingKey] = []
            var at = path
            while let p = at {
                keys.append(p.key)
                at = p.parent
            }
            return keys.reversed()
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

    /// (Its nodes and a `Members`' are appended to in single statements, by the one encode that
    /// made them: unchecked for overlapping access, a check per value written.)
    final class Items {
        @exclusivity(unchecked) var nodes: [Node] = []
    }

    /// An object's members in the order written; a key written again is appended again, and the
    /// last of a key's members is the one written (`write`): no search per member.
    final class Members {
        @exclusivity(unchecked) var nodes: [(key: String, node: Node)] = []
        /// The type of the keyed containers that filled it (nil: containers of several types).
        var keyType: ObjectIdentifier?

        /// An object of no members (`reserving`: room for the members of a container to come).
        init(keyType: ObjectIdentifier? = nil, reserving: Int = 0) {
            self.keyType = keyType
            nodes.reserveCapacity(reserving)
        }

        func set(_ key: String, _ node: Node) { nodes.append((key, node)) }
    }

    /// `value` encoded; when it encodes nothing, `{}` (`emptyObject`) or `Unsupported` thrown.
    static func node<T: Encodable>(of value: T, path: Path?, _ context: Context, emptyObject: Bool = true) throws -> Node {
        if let node = try primitive(value) { return node }
        if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self { throw Unsupported() }
        let encoder = NodeEncoder(path: path, context)
        try value.encode(to: encoder)
        if let node = encoder.root { return node }
        guard emptyObject else { throw Unsupported() }
        return .object(Members())
    }

    /// A value `JSONEncoder` writes as a JSON scalar, found by its type (nil for any other): the
    /// type's identity is compared, not cast to each scalar type in turn (a value of any other
    /// type, most of them, tried fourteen dynamic casts).
    static func primitive<T: Encodable>(_ value: T) throws -> Node? {
        switch ObjectIdentifier(T.self) {
        case ObjectIdentifier(String.self): return .string(reinterpret(value, as: String.self))
        case ObjectIdentifier(Int.self): return .number(reinterpret(value, as: Int.self).description)
        case ObjectIdentifier(Bool.self): return .bool(reinterpret(value, as: Bool.self))
        case ObjectIdentifier(Double.self): return .number(try float(reinterpret(value, as: Double.self)))
        case ObjectIdentifier(Int64.self): return .number(reinterpret(value, as: Int64.self).description)
        case ObjectIdentifier(UInt64.self): return .number(reinterpret(value, as: UInt64.self).description)
        case ObjectIdentifier(Int32.self): return .number(reinterpret(value, as: Int32.self).description)
        case ObjectIdentifier(UInt32.self): return .number(reinterpret(value, as: UInt32.self).description)
        case ObjectIdentifier(UInt.self): return .number(reinterpret(value, as: UInt.self).description)
        case ObjectIdentifier(Int16.self): return .number(reinterpret(value, as: Int16.self).description)
        case ObjectIdentifier(UInt16.self): return .number(reinterpret(value, as: UInt16.self).description)
        case ObjectIdentifier(Int8.self): return .number(reinterpret(value, as: Int8.self).description)
        case ObjectIdentifier(UInt8.self): return .number(reinterpret(value, as: UInt8.self).description)
        case ObjectIdentifier(Float.self): return .number(try float(reinterpret(value, as: Float.self)))
        default: return nil
        }
    }

    /// `value`, whose type is `U` (the caller compared the types), as a `U`.
    @inline(__always) static func reinterpret<T, U>(_ value: T, as: U.Type) -> U {
        withUnsafePointer(to: value) { UnsafeRawPointer($0).load(as: U.self) }
    }

    static func float<F: BinaryFloatingPoint & CustomStringConvertible>(_ v: F) throws -> String {
        guard v.isFinite else { throw Unsupported() }
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    // MARK: Writing

    static func write(_ node: Node, into out: inout [UInt8], _ orders: KeyOrders?) {
        switch node {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): CanonicalJSON.appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.nodes.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out, orders)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let nodes = members.nodes
            for (k, i) in (orders?.written(nodes, keyType: members.keyType) ?? KeyOrders.order(nodes)).enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.appendString(nodes[i].key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(nodes[i].node, into: &out, orders)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The order of two keys' UTF-8 bytes (negative: `a` first).
    static func compareBytes(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { x in b.withUTF8 { y in Projections.compareBytes(UnsafeRawBufferPointer(x), UnsafeRawBufferPointer(y)) } }
    }
}

/// The `Encoder` `ViewJSON` hands a value: it keeps what the value encodes as its `root`.
private final class NodeEncoder: Encoder {
    let path: ViewJSON.Path?
    var codingPath: [any CodingKey] { ViewJSON.Path.keys(path) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var root: ViewJSON.Node?
    let context: ViewJSON.Context

    init(path: ViewJSON.Path?, _ context: ViewJSON.Context) {
        self.path = path
        self.context = context
    }

    /// A second container of the same kind fills the same object or array.
    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let kept)? = root {
            if kept.keyType != ObjectIdentifier(Key.self) { kept.keyType = nil }
            return KeyedEncodingContainer(KeyedNodes<Key>(members: kept, path: path, context: context))
        }
        return context.object(at: path) { root = $0 }
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let kept)? = root { return UnkeyedNodes(items: kept, path: path, context: context) }
        return context.array(at: path) { root = $0 }
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNode(encoder: self) }
}

private struct KeyedNodes<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let members: ViewJSON.Members
    let path: ViewJSON.Path?
    var codingPath: [any CodingKey] { ViewJSON.Path.keys(path) }
    let context: ViewJSON.Context

    mutating func encodeNil(forKey key: Key) throws { members.set(key.stringValue, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { members.set(key.stringValue, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { members.set(key.stringValue, .string(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { members.set(key.stringValue, .number(value.description)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { members.set(key.stringValue, .number(value.description)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { members.set(key.stringValue, .number(try ViewJSON.float(value))) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        members.set(key.stringValue, try ViewJSON.node(of: value, path: ViewJSON.Path(path, key), context))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        context.object(at: ViewJSON.Path(path, key)) { members.set(key.stringValue, $0) }
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        context.array(at: ViewJSON.Path(path, key)) { members.set(key.stringValue, $0) }
    }

    /// Refused (`Context`): the value goes to `JSONEncoder`.
    mutating func superEncoder() -> any Encoder { context.refuse(path) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { context.refuse(ViewJSON.Path(path, key)) }
}

private struct UnkeyedNodes: UnkeyedEncodingContainer {
    let items: ViewJSON.Items
    let path: ViewJSON.Path?
    var codingPath: [any CodingKey] { ViewJSON.Path.keys(path) }
    let context: ViewJSON.Context
    var count: Int { items.nodes.count }

    mutating func encodeNil() throws { items.nodes.append(.null) }
    mutating func encode(_ value: String) throws { items.nodes.append(.string(value)) }
    mutating func encode(_ value: Int) throws { items.nodes.append(.number(value.description)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        items.nodes.append(try ViewJSON.node(of: value, path: path, context))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        context.object(at: path) { items.nodes.append($0) }
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        context.array(at: path) { items.nodes.append($0) }
    }

    /// Refused (`Context`): the value goes to `JSONEncoder`.
    mutating func superEncoder() -> any Encoder { context.refuse(path) }
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
        encoder.root = try ViewJSON.node(of: value, path: encoder.path, encoder.context)
    }
}
