public import JSON

/// Proof that the event at `position` is leaf `position - 1` of the log's tree of `treeSize`
/// leaves with root `rootHash` (RFC 6962 audit path, RFC 9162 section 2.1.3).
public struct InclusionProof: Sendable, Equatable {
    /// The event's position (from 1); its leaf index is `position - 1`.
    public var position: UInt64
    public var treeSize: UInt64
    /// SHA-256(0x00 || JCS of the event without "hash").
    public var leafHash: EventHash
    public var rootHash: EventHash
    /// Sibling hashes from the leaf up to the root.
    public var path: [EventHash]

    public init(position: UInt64, treeSize: UInt64, leafHash: EventHash, rootHash: EventHash, path: [EventHash]) {
        self.position = position
        self.treeSize = treeSize
        self.leafHash = leafHash
        self.rootHash = rootHash
        self.path = path
    }

    /// Whether the path leads from `leafHash` to `rootHash` (pure; reads nothing).
    public var isValid: Bool {
        position >= 1
            && MerkleTree.verifyInclusion(
                leafHash: leafHash, index: position - 1, treeSize: treeSize, path: path, root: rootHash)
    }
}

extension InclusionProof {
    /// `{"position","treeSize","leafHash","rootHash","path":[...]}` in that order, hashes in hex.
    public var json: JSONValue {
        .object([
            ("position", .number(Double(position))), ("treeSize", .number(Double(treeSize))),
            ("leafHash", .string(leafHash.description)), ("rootHash", .string(rootHash.description)),
            ("path", .array(path.map { .string($0.description) })),
        ])
    }

    /// Reads the JSON form; throws `invalidInput` naming the member that is missing or malformed.
    public init(json: JSONValue) throws(EventLogError) {
        guard let position = json["position"]?.intValue, position >= 1 else {
            throw .invalid("position", "must be a positive integer")
        }
        guard let size = json["treeSize"]?.intValue, size >= 0 else { throw .invalid("treeSize", "must be a non-negative integer") }
        guard let leaf = json["leafHash"]?.stringValue.flatMap({ EventHash(lowercaseHex: $0) }) else {
            throw .invalid("leafHash", "must be 64 lower-case hex digits")
        }
        guard let root = json["rootHash"]?.stringValue.flatMap({ EventHash(lowercaseHex: $0) }) else {
            throw .invalid("rootHash", "must be 64 lower-case hex digits")
        }
        self.init(
            position: UInt64(position), treeSize: UInt64(size), leafHash: leaf, rootHash: root,
            path: try MerkleJSON.path(json["path"]))
    }
}

/// Reading the hex hash lists of proofs.
enum MerkleJSON {
    static func path(_ value: JSONValue?) throws(EventLogError) -> [EventHash] {
        guard let items = value?.arrayValue else { throw .invalid("path", "must be an array of hashes") }
        var out: [EventHash] = []
        for (i, item) in items.enumerated() {
            guard let h = item.stringValue.flatMap({ EventHash(lowercaseHex: $0) }) else {
                throw .invalid("path[\(i)]", "must be 64 lower-case hex digits")
            }
            out.append(h)
        }
        return out
    }
}
