import JSON

/// Checks an NDJSON export line by line, from the JSON alone (no log needed): the hash chain, and
/// the Merkle root of the events, to compare with a signed tree head.
///
/// Contract:
/// - Each line must be a JSON object (parsed strictly with `JSONParser`) with an integer
///   `position`, and `hash` and `prevHash` of 64 lower-case hex digits. Its hash is recomputed as
///   SHA-256 of `CanonicalJSON.encode` of the object without "hash" and its
///   Merkle leaf hash as SHA-256(0x00 || those bytes).
/// - Positions must follow each other from 1 (or, with `allowPartial`, from the first line's
///   position, whose `prevHash` is then taken as given); position 1's `prevHash` is 64 zeros;
///   every other `prevHash` is the previous line's `hash`.
/// - A failure names the position the bad line holds in a correct export (the first position
///   at which the export stops being the log's chain): an edited event is named by its own
///   position, a removed, reordered or inserted one by the position where the sequence breaks.
///   After a failure the verifier accepts nothing more.
public struct ExportVerifier {
    /// Why an export does not check out. `position` is nil when no single event can be named
    /// (a digest that does not match, a root that differs).
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var position: UInt64?
        public var reason: String
        public init(position: UInt64?, reason: String) {
            self.position = position
            self.reason = reason
        }
        public var description: String {
            position.map { "position \($0): \(reason)" } ?? reason
        }
    }

    /// What a complete, valid export holds.
    public struct Summary: Sendable, Equatable {
        /// Events (lines) checked.
        public var events: UInt64
        /// The position of the first event (1 unless partial); 0 for an empty export.
        public var firstPosition: UInt64
        /// The hash of the last event (zeros for an empty export).
        public var headHash: EventHash
        /// The Merkle root of the events: the log's tree head at `events` (only when the export starts at 1).
        public var rootHash: EventHash?
    }

    public let allowPartial: Bool
    private var tree = MerkleFrontier()
    private var count: UInt64 = 0
    private var first: UInt64 = 0
    private var previous = EventHash.zero
    private var failed: Failure?

    public init(allowPartial: Bool = false) {
        self.allowPartial = allowPartial
    }

    /// The position the next line should hold.
    public var expectedPosition: UInt64 { count == 0 ? 1 : first + count }

    /// Checks the next line (without its newline).
    public mutating func check(line: [UInt8]) throws(Failure) {
        if let failed { throw failed }
        do {
            try checkLine(line)
        } catch {
            failed = error
            throw error
        }
    }

    private mutating func checkLine(_ line: [UInt8]) throws(Failure) {
        var expected = expectedPosition
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw Failure(position: expected, reason: "the line is not JSON: \(error.description)")
        }
        guard case .object(let members) = value else {
            throw Failure(position: expected, reason: "the line is not a JSON object")
        }
        guard let p = value["position"]?.intValue, p >= 1 else {
            throw Failure(position: expected, reason: "position is missing or not a positive integer")
        }
        let position = UInt64(p)
        if count == 0 && allowPartial { expected = position }
        guard position == expected else {
            throw Failure(
                position: expected, reason: "expected position \(expected), found \(position) (an event is missing, moved or inserted here)"
            )
        }
        guard let hash = value["hash"]?.stringValue.flatMap({ EventHash(lowercaseHex: $0) }) else {
            throw Failure(position: position, reason: "hash is missing or not 64 lower-case hex digits")
        }
        guard let prevHash = value["prevHash"]?.stringValue.flatMap({ EventHash(lowercaseHex: $0) }) else {
            throw Failure(position: position, reason: "prevHash is missing or not 64 lower-case hex digits")
        }
        if count > 0 || position == 1 {
            guard prevHash == previous else {
                throw Failure(
                    position: position,
                    reason: position == 1
                        ? "prevHash of the first event is not 64 zeros"
                        : "prevHash does not match the hash of position \(position - 1)")
            }
        }
        var canonical: [UInt8] = [0]
        CanonicalJSON.append(.object(members.filter { !JSONValue.sameString($0.key, "hash") }), to: &canonical)
        let (computed, leaf) = canonical.withUnsafeBytes { b in
            (EventHash.sha256(UnsafeRawBufferPointer(rebasing: b[1...])), EventHash.sha256(b))
        }
        guard computed == hash else {
            throw Failure(position: position, reason: "hash does not match the event's content (the event was changed)")
        }
        if count == 0 { first = position }
        tree.append(leafHash: leaf)
        previous = hash
        count += 1
    }

    /// The summary of the lines checked (call after the last line).
    public func finish() throws(Failure) -> Summary {
        if let failed { throw failed }
        return Summary(
            events: count, firstPosition: count == 0 ? 0 : first, headHash: previous,
            rootHash: count == 0 || first == 1 ? tree.root : nil)
    }

    /// Checks `digest` on its own: its signature, and (when given) that it was signed by `publicKey`.
    /// Call it before reading the export: a forged digest makes everything else moot.
    /// A digest vouches for a log only under a key the auditor pinned beforehand (published by the
    /// city, read from the primary once): the key inside the digest proves nothing by itself, since
    /// anyone can re-chain an edited export and sign it with a fresh key.
    public static func checkSignature(of digest: SignedTreeHead, publicKey: [UInt8]) throws(Failure) {
        if publicKey != digest.publicKey {
            throw Failure(
                position: nil,
                reason: "the digest was signed by key \(Hex.encode(digest.publicKey)), not by the expected key \(Hex.encode(publicKey))")
        }
        guard digest.hasValidSignature else {
            throw Failure(
                position: nil, reason: "the digest's signature is not valid for its public key (the digest was forged or changed)")
        }
    }

    /// Checks that the export summarized by `summary` is exactly the tree `digest` signed: as many
    /// events as its `treeSize`, from position 1, with its `rootHash`.
    public static func check(_ summary: Summary, against digest: SignedTreeHead) throws(Failure) {
        guard summary.events == 0 || summary.firstPosition == 1 else {
            throw Failure(
                position: 1, reason: "the export starts at position \(summary.firstPosition); a digest covers the log from position 1")
        }
        guard summary.events == digest.treeSize else {
            let reason =
                summary.events < digest.treeSize
                ? "the export ends after \(summary.events) events but the digest signed a tree of \(digest.treeSize) (events are missing from the end)"
                : "the export has \(summary.events) events but the digest signed a tree of \(digest.treeSize) (export up to position \(digest.treeSize) to check it)"
            throw Failure(position: min(summary.events, digest.treeSize) + 1, reason: reason)
        }
        guard summary.rootHash == digest.rootHash else {
            throw Failure(
                position: nil,
                reason:
                    "the Merkle root of the export's \(summary.events) events is \(summary.rootHash?.description ?? "unknown"), not the \(digest.rootHash) the digest signed (the log was rewritten)"
            )
        }
    }
}
