import Foundation
import JSON
import LMDB

/// A read replica's side of the log: verbatim appends of events copied from a primary, and the
/// mark that makes a log refuse every other append.
///
/// Contract of a replicated append: the events keep everything the primary gave them (position,
/// version, id, recordedAt, occurredAt, metadata, data, prevHash, hash). The domain rules are not
/// run (the primary ran them), the chain is: each event must be at the next position, its
/// `prevHash` must be the hash of the log's head, its `hash` must be SHA-256 of its canonical
/// form recomputed here, its version the next of its stream, its `recordedAt` not before the
/// head's, its names and sizes within the log's limits, its id new. Anything else refuses the
/// whole call and nothing of it is written. `metadata` and `data` must be canonical JSON objects
/// (as a `RecordedEvent` parsed from an export line holds them).
///
/// With a signed head (what `lumbung follow` always gives): the head must be the primary's tree
/// head at the last event's position (its `treeSize`), its signature valid for its key, and the
/// replica's own Merkle root at that size, computed inside the same write transaction after the
/// events are written, must be its `rootHash`; else the whole call is refused (nothing written),
/// naming the last event's position. A head that passes is kept with the events
/// (`primarySignedHead`): it is what the replica serves as its digest. Checking that the head is
/// signed by the right key (the primary's, pinned by the replica) is the caller's part.
extension EventStore {
    /// Most events in one replicated append.
    public static let maxReplicatedEvents = AppendRequest.maxEvents

    /// Appends `events`, copied verbatim from a primary (see the contract above), and returns once
    /// they are durable. Through the same writer (and per-event write) as every append.
    public func appendReplicated(_ events: [RecordedEvent], signedHead: SignedTreeHead? = nil) async throws(EventLogError)
        -> AppendOutcome
    {
        try await append(Self.replicatedRequest(events, signedHead: signedHead))
    }

    /// As `appendReplicated`, returning at once: `completion` is called (on the writer's thread)
    /// once the events are durable or refused. Throws only for a batch that cannot form a request.
    public func submitReplicated(
        _ events: [RecordedEvent], signedHead: SignedTreeHead? = nil,
        completion: @escaping @Sendable (Result<AppendOutcome, EventLogError>) -> Void
    ) throws(EventLogError) {
        submit(try Self.replicatedRequest(events, signedHead: signedHead), completion: completion)
    }

    /// As `appendReplicated`, blocking the calling thread until the events are durable.
    public func appendReplicatedBlocking(_ events: [RecordedEvent], signedHead: SignedTreeHead? = nil) throws(EventLogError)
        -> AppendOutcome
    {
        try appendBlocking(Self.replicatedRequest(events, signedHead: signedHead))
    }

    /// The last signed head of the primary that a replicated append verified (nil when none: not
    /// a replica, or one fed without signed heads).
    public func primarySignedHead() throws -> SignedTreeHead? {
        let bytes: [UInt8]? = try environment.read { txn in try dbs.meta.get(Self.primarySignedHeadKey, in: txn) }
        guard let bytes else { return nil }
        do {
            return try SignedTreeHead(json: try JSONParser.parse(bytes))
        } catch {
            throw EventLogError(.corrupt, "the stored signed head of the primary is damaged: \(error)")
        }
    }

    static let primarySignedHeadKey = "primarySignedHead"

    private static func replicatedRequest(_ events: [RecordedEvent], signedHead: SignedTreeHead?) throws(EventLogError)
        -> AppendRequest
    {
        guard !events.isEmpty else { throw .invalid("events", "at least one event is required") }
        guard events.count <= maxReplicatedEvents else {
            throw EventLogError(
                .tooLarge, "events: \(events.count) events, more than the \(maxReplicatedEvents) allowed in one replicated append",
                field: "events")
        }
        return AppendRequest(replicating: events, signedHead: signedHead)
    }

    // MARK: The replica mark

    /// The name of what this log replicates (the JetStream stream) when it is a read replica,
    /// else nil.
    public func replicaSource() throws -> String? {
        try environment.read { txn in
            try dbs.meta.withValueBytes(Self.replicaKey, in: txn) { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Marks the log as a read replica of `source` (every append but `appendReplicated` is then
    /// refused with `readOnlyReplica`), or, with nil, removes the mark (promotion to primary).
    public func setReplicaSource(_ source: String?) throws {
        try environment.write { txn in
            if let source {
                try dbs.meta.put(Self.replicaKey, Array(source.utf8), in: txn)
            } else {
                _ = try dbs.meta.delete(Self.replicaKey, in: txn)
            }
        }
    }

    static let replicaKey = "replicaOf"

    /// Throws `readOnlyReplica` when the log is marked as a replica (checked inside the write
    /// transaction, so that no append slips in after a replica was marked).
    func refuseIfReplica(in txn: borrowing WriteTransaction) throws {
        guard let source = try dbs.meta.withValueBytes(Self.replicaKey, in: txn, { String(decoding: $0, as: UTF8.self) }) else {
            return
        }
        throw EventLogError(
            .readOnlyReplica,
            "this log is a read replica of \(source) (only lumbung follow writes it); append on the primary")
    }

    // MARK: Writing

    /// Writes a replica's verbatim events inside `txn` after checking each against the chain
    /// (see the contract above), advancing `head`. Throws (the caller undoes `txn`) at the first
    /// event that does not fit.
    func applyReplicated(
        _ events: [RecordedEvent], signedHead: SignedTreeHead?, in txn: borrowing WriteTransaction, head: inout ChainHead,
        tree: inout MerkleFrontier
    ) throws -> AppendOutcome {
        var versions: [String: UInt64] = [:]
        var results: [AppendResult] = []
        results.reserveCapacity(events.count)
        // The replica keeps the same Merkle tree as its primary (the same leaves in the same order).
        let scratch = EventScratch(tree: maintainsMerkleTree ? tree : nil)
        defer { if let t = scratch.tree { tree = t } }
        for event in events {
            func refused(_ field: String, _ why: String) -> EventLogError {
                EventLogError(
                    .invalidInput, "\(field): the replicated event at position \(event.position) \(why)", field: field,
                    position: event.position)
            }
            let position = head.position + 1
            guard event.position == position else {
                throw refused("position", "does not follow this log's head at position \(head.position)")
            }
            guard event.prevHash == head.hash else {
                throw refused("prevHash", "has prevHash \(event.prevHash) but this log's head hash is \(head.hash)")
            }
            guard event.recordedAt >= head.recordedAt else {
                throw refused("recordedAt", "was recorded at \(event.recordedAt), before the head (\(head.recordedAt))")
            }
            try Names.checkStream(event.stream)
            try Names.checkType(event.type)
            guard event.data.count <= ProposedEvent.maxDataBytes, event.metadata.count <= ProposedEvent.maxMetadataBytes else {
                throw EventLogError(
                    .tooLarge, "data: the replicated event at position \(position) is over the log's size limits",
                    field: "data", position: position)
            }
            let current = try versions[event.stream] ?? dbs.heads.get(event.stream, in: txn) ?? 0
            guard event.version == current + 1 else {
                throw refused("version", "is version \(event.version) of stream \(event.stream), which is at version \(current)")
            }
            versions[event.stream] = event.version
            let prevHash = head.hash
            let hash = try withEventBytes(stream: event.stream, type: event.type, metadata: event.metadata, data: event.data) {
                (s, t, m, d) throws -> EventHash in
                try writeEvent(
                    position: position, prevHash: prevHash, stream: s, type: t, version: event.version, id: event.id,
                    recordedAt: event.recordedAt, occurredAt: event.occurredAt, metadata: m, data: d,
                    expectedHash: event.hash, scratch: scratch, in: txn)
            }
            head = ChainHead(position: position, hash: hash, recordedAt: event.recordedAt)
            results.append(
                AppendResult(
                    position: position, version: event.version, id: event.id, hash: hash, recordedAt: event.recordedAt))
        }
        for (stream, version) in versions {
            try dbs.heads.put(stream, version, in: txn)
        }
        if let signedHead { try checkSignedHead(signedHead, head: head, tree: scratch.tree, in: txn) }
        return AppendOutcome(results: results, duplicate: false)
    }

    /// Checks the primary's `signed` head against this log's tree once a replicated append is
    /// written (see the contract), and keeps it.
    private func checkSignedHead(
        _ signed: SignedTreeHead, head: ChainHead, tree: MerkleFrontier?, in txn: borrowing WriteTransaction
    ) throws {
        func refused(_ why: String) -> EventLogError {
            EventLogError(
                .invalidInput, "signedHead: the primary's signed head at position \(head.position) \(why)", field: "signedHead",
                position: head.position)
        }
        guard signed.treeSize == head.position else {
            throw refused("covers \(signed.treeSize) events, not the \(head.position) this append ends at")
        }
        guard signed.hasValidSignature else { throw refused("has a signature that is not valid for its key") }
        guard let tree, tree.size == head.position else {
            throw refused("cannot be checked: this log does not maintain its Merkle tree")
        }
        guard tree.root == signed.rootHash else {
            throw refused(
                "signs root \(signed.rootHash), but these events give root \(tree.root): they are not the primary's events")
        }
        try dbs.meta.put(Self.primarySignedHeadKey, CanonicalJSON.encode(signed.json), in: txn)
    }
}
