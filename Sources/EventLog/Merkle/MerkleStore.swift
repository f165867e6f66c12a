import LMDB

/// How the log keeps its Merkle tree in the log environment.
///
/// - The right edge (`MerkleFrontier`) is in `meta` under "merkle", written in the same write
///   transaction as the events it covers, so the tree always covers exactly positions 1...head.
/// - Every complete subtree at level >= `storedLevels` is kept in the `merkle` database, keyed by
///   the leaf count at which it completed (UInt64 BE) and its level (1 byte): keys only grow, so
///   they go in with `MDB_APPEND`. Subtrees below that level (at most 2^storedLevels - 1 leaves)
///   are recomputed from the events when a proof needs them. With 4, about one node is stored
///   per 8 events (~6 bytes per event) and a proof re-reads at most 15 events per partial block.
enum MerkleStore {
    /// The lowest level of the subtrees stored in the `merkle` database.
    static let storedLevels = 4
    /// Events a build of the tree of an older log covers per write transaction.
    static let buildChunk: UInt64 = 65_536

    /// The key of the perfect subtree `(level, index)`: its end leaf count, then its level.
    static func nodeKey(level: Int, index: UInt64) -> [UInt8] {
        var key = [UInt8]()
        key.reserveCapacity(9)
        withUnsafeBytes(of: ((index + 1) << level).bigEndian) { key.append(contentsOf: $0) }
        key.append(UInt8(truncatingIfNeeded: level))
        return key
    }

    /// The stored right edge, or nil when there is none (an empty log, or one made before the tree).
    static func readFrontier<T: ReadableTransaction & ~Copyable>(
        _ dbs: LogDatabases, in txn: borrowing T
    ) throws -> MerkleFrontier? {
        try dbs.meta.withValueBytes("merkle", in: txn) { b throws(EventLogError) in
            guard let frontier = MerkleFrontier(encoded: b) else {
                throw EventLogError(.corrupt, "the Merkle tree's head in the log is damaged; run lumbung verify")
            }
            return frontier
        }
    }

    static func writeFrontier(_ frontier: MerkleFrontier, _ dbs: LogDatabases, in txn: borrowing WriteTransaction) throws {
        try dbs.meta.put("merkle", frontier.encoded, in: txn)
    }

    /// Appends one leaf to `tree`, storing the subtrees it completes at levels >= `storedLevels`.
    /// `buffer` is scratch space the caller reuses. On a throw the caller must drop `tree` (and
    /// abort the transaction).
    @inline(__always)
    static func append(
        leafHash: EventHash, to tree: inout MerkleFrontier, buffer: inout [MerkleNode], _ dbs: LogDatabases,
        in txn: borrowing WriteTransaction
    ) throws {
        tree.append(leafHash: leafHash, completed: &buffer)
        for node in buffer where node.level >= storedLevels {
            try putNode(node, dbs, in: txn)
        }
    }

    private static func putNode(_ node: MerkleNode, _ dbs: LogDatabases, in txn: borrowing WriteTransaction) throws {
        let hash = node.hash
        do {
            try dbs.merkle.putReserved(nodeKey(level: node.level, index: node.index), size: 32, flags: .append, in: txn) { p in
                p.storeBytes(of: hash.words.0.bigEndian, toByteOffset: 0, as: UInt64.self)
                p.storeBytes(of: hash.words.1.bigEndian, toByteOffset: 8, as: UInt64.self)
                p.storeBytes(of: hash.words.2.bigEndian, toByteOffset: 16, as: UInt64.self)
                p.storeBytes(of: hash.words.3.bigEndian, toByteOffset: 24, as: UInt64.self)
            }
        } catch {
            // (A `catch ... where` clause here sends swiftc 6.3 into an endless SIL pass.)
            guard error.code == .keyExists else { throw error }
            throw EventLogError(
                .corrupt,
                "the Merkle tree already holds a node ending at position \(node.lastPosition) (level \(node.level)) or a later one; run lumbung verify",
                position: node.lastPosition)
        }
    }

    /// Extends `tree` with the leaves of the events after `tree.size` through `position`, read in
    /// `txn`, storing the nodes they complete. Throws `corrupt` when an event is missing or damaged.
    static func extend(
        _ tree: inout MerkleFrontier, through position: UInt64, _ dbs: LogDatabases, in txn: borrowing WriteTransaction
    ) throws {
        guard tree.size < position else { return }
        var scratch = [UInt8]()
        var buffer: [MerkleNode] = []
        let cursor = try dbs.events.cursor(in: txn)
        var entry = try cursor.seek(atLeast: bigEndian(tree.size + 1))
        while tree.size < position {
            let expected = tree.size + 1
            guard let e = entry, e.key.count == 8, UInt64(bigEndian: e.key.loadUnaligned(as: UInt64.self)) == expected else {
                throw EventLogError(.corrupt, "position \(expected) is missing from the log; run lumbung verify", position: expected)
            }
            let leaf = try EventRecordView(position: expected, raw: e.value).merkleLeafHash(scratch: &scratch)
            try append(leafHash: leaf, to: &tree, buffer: &buffer, dbs, in: txn)
            entry = try cursor.next()
        }
    }
}

/// The perfect subtrees of the log's tree, read in one transaction: stored nodes at levels >=
/// `MerkleStore.storedLevels`, recomputed from the events below. Valid only while that
/// transaction is open; every subtree asked for must be complete (inside the tree's size).
struct LogSubtreeSource: MerkleSubtreeSource {
    let handle: UnsafeTransactionReference
    let dbs: LogDatabases

    func perfectSubtree(level: Int, index: UInt64) throws -> EventHash {
        let txn = handle
        if level >= MerkleStore.storedLevels {
            let key = MerkleStore.nodeKey(level: level, index: index)
            let node = try dbs.merkle.withValueBytes(key, in: txn) { b -> EventHash? in
                b.count == 32 ? EventHash(raw: b) : nil
            }
            guard let hash = node ?? nil else {
                let end = (index + 1) << level
                throw EventLogError(
                    .corrupt,
                    "the Merkle tree has no node for positions \(end - (UInt64(1) << level) + 1)-\(end) (level \(level)); run lumbung verify",
                    position: end)
            }
            return hash
        }
        // Below the stored levels: hash the (at most 2^storedLevels) events again.
        let first = (index << level) + 1
        let count = UInt64(1) << level
        var frontier = MerkleFrontier()
        var scratch = [UInt8]()
        let cursor = try dbs.events.cursor(in: txn)
        var entry = try cursor.seek(atLeast: bigEndian(first))
        while frontier.size < count {
            let expected = first + frontier.size
            guard let e = entry, e.key.count == 8, UInt64(bigEndian: e.key.loadUnaligned(as: UInt64.self)) == expected else {
                throw EventLogError(.corrupt, "position \(expected) is missing from the log; run lumbung verify", position: expected)
            }
            frontier.append(leafHash: try EventRecordView(position: expected, raw: e.value).merkleLeafHash(scratch: &scratch))
            entry = try cursor.next()
        }
        return frontier.root
    }
}

extension EventRecordView {
    /// The event's Merkle leaf hash: SHA-256(0x00 || JCS of the event without "hash"), from the
    /// stored fields; `scratch` is reused between calls.
    public func merkleLeafHash(scratch: inout [UInt8]) -> EventHash {
        computeHashes(scratch: &scratch).leafHash
    }

    /// The event's chain hash (SHA-256 of its canonical bytes) and its Merkle leaf hash
    /// (SHA-256(0x00 || the same bytes)), from the stored fields, building the bytes once.
    public func computeHashes(scratch: inout [UInt8]) -> (hash: EventHash, leafHash: EventHash) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(0)
        EventCoding.writeCanonical(
            to: &scratch, position: position, stream: streamBytes, version: version, id: id, type: typeBytes,
            occurredAt: occurredAt, recordedAt: recordedAt, metadata: metadataBytes, data: dataBytes,
            prevHash: prevHash)
        return scratch.withUnsafeBytes { b in
            (EventHash.sha256(UnsafeRawBufferPointer(rebasing: b[1...])), EventHash.sha256(b))
        }
    }
}
