public import JSON

/// Proof that the log's tree of `from` leaves (root `fromRoot`) is a prefix of its tree of `to`
/// leaves (root `toRoot`): nothing in the first `from` events changed (RFC 6962 section 2.1.2,
/// RFC 9162 section 2.1.4).
public struct ConsistencyProof: Sendable, Equatable {
    public var from: UInt64
    public var to: UInt64
    public var fromRoot: EventHash
    public var toRoot: EventHash
    /// The RFC's consistency path (empty when `from` is 0 or equals `to`).
    public var path: [EventHash]

    public init(from: UInt64, to: UInt64, fromRoot: EventHash, toRoot: EventHash, path: [EventHash]) {
        self.from = from
        self.to = to
        self.fromRoot = fromRoot
        self.toRoot = toRoot
        self.path = path
    }

    /// Whether the path proves `fromRoot` a prefix of `toRoot` (pure; reads nothing).
    public var isValid: Bool {
        MerkleTree.verifyConsistency(fromSize: from, toSize: to, fromRoot: fromRoot, toRoot: toRoot, path: path)
    }
}

extension ConsistencyProof {
    /// `{"from","to","fromRoot","toRoot","path":[...]}` in that order, hashes in hex.
    public var json: JSONValue {
        .object([
            ("from", .number(Double(from))), ("to", .number(Double(to))),
            ("fromRoot", .string(fromRoot.description)), ("toRoot", .string(toRoot.description)),
            ("path", .array(path.map { .string($0.description) })),
        ])
    }

    /// Reads the JSON form; throws `invalidInput` naming the member that is missing or malformed.
    public init(json: JSONValue) throws(EventLogError) {
        guard let from = json["from"]?.intValue, from >= 0 else { throw .invalid("from", "must be a non-negative integer") }
        guard let to = json["to"]?.intValue, to >= 0 else { throw .invalid("to", "must be a non-negative integer") }
        guard let fromRoot = json["fromRoot"]?.stringValue.flatMap({ EventHash(lowercaseHex: $0) }) else {
            throw .invalid("fromRoot", "must be 64 lower-case hex digits")
        }
        guard let toRoot = json["toRoot"]?.stringValue.flatMap({ EventHash(lowercaseHex: $0) }) else {
            throw .invalid("toRoot", "must be 64 lower-case hex digits")
        }
        self.init(from: UInt64(from), to: UInt64(to), fromRoot: fromRoot, toRoot: toRoot, path: try MerkleJSON.path(json["path"]))
    }
}
