import LMDB

/// The log's Merkle tree (RFC 6962): leaf `i` is the JCS of the event at
/// position `i + 1` without "hash", the very bytes its chain hash covers.
///
/// Contract:
/// - The tree is maintained in the write transaction of the events it covers, so its size is
///   always the head position; `verify` checks it against the events.
/// - Heads and proofs are read in one read transaction (a consistent snapshot) with O(log n)
///   database reads, plus at most 2^`MerkleStore.storedLevels` - 1 events re-hashed per partial
///   block at the tree's low levels.
/// - Any past size `1...head` may be asked for. A size or position beyond the tree, or position 0,
///   is refused with `invalidInput` naming the argument (`treeSize`, `position`, `from`, `to`).
extension EventStore {
    /// The tree head at `size` (nil: the current head, covering every event).
    public func treeHead(size: UInt64? = nil) throws -> TreeHead {
        try withTree { current, source in
            let n = try Self.checkedSize(size, current: current, field: "treeSize")
            return TreeHead(size: n, rootHash: try root(of: n, current: current, source: source))
        }
    }

    /// The inclusion proof of the event at `position` in the tree of `treeSize` events (nil: the
    /// current tree). Requires `1 <= position <= treeSize <= head`.
    public func inclusionProof(position: UInt64, treeSize: UInt64? = nil) throws -> InclusionProof {
        try withTree { current, source in
            let n = try Self.checkedSize(treeSize, current: current, field: "treeSize")
            guard position >= 1 else { throw EventLogError.invalid("position", "positions start at 1") }
            guard position <= n else {
                throw EventLogError.invalid("position", "position \(position) is beyond the tree of \(n) events")
            }
            let leaf = try source.perfectSubtree(level: 0, index: position - 1)
            let path = try MerkleTree.inclusionPath(index: position - 1, size: n, source: source)
            return InclusionProof(
                position: position, treeSize: n, leafHash: leaf, rootHash: try root(of: n, current: current, source: source),
                path: path)
        }
    }

    /// The consistency proof from the tree of `from` events to the tree of `to` events (nil: the
    /// current tree). Requires `from <= to <= head`; `from` may be 0 (the empty tree).
    public func consistencyProof(from: UInt64, to: UInt64? = nil) throws -> ConsistencyProof {
        try withTree { current, source in
            let n = try Self.checkedSize(to, current: current, field: "to")
            guard from <= n else { throw EventLogError.invalid("from", "\(from) is beyond to (\(n))") }
            let path = try MerkleTree.consistencyPath(from: from, to: n, source: source)
            return ConsistencyProof(
                from: from, to: n, fromRoot: try root(of: from, current: current, source: source),
                toRoot: try root(of: n, current: current, source: source), path: path)
        }
    }

    // MARK: Internals

    /// Runs `body` in a read transaction with the current tree and a source of its subtrees.
    private func withTree<R>(_ body: (MerkleFrontier, LogSubtreeSource) throws -> R) throws -> R {
        try environment.read { txn in
            let head = try ChainHead.read(dbs, in: txn)
            let tree = try MerkleStore.readFrontier(dbs, in: txn) ?? MerkleFrontier()
            guard tree.size == head.position || !maintainsMerkleTree else {
                throw EventLogError(
                    .corrupt,
                    "the Merkle tree covers \(tree.size) events but the log has \(head.position); run lumbung verify",
                    position: min(tree.size, head.position) + 1)
            }
            return try body(tree, LogSubtreeSource(handle: txn.reference, dbs: dbs))
        }
    }

    private static func checkedSize(_ size: UInt64?, current: MerkleFrontier, field: String) throws -> UInt64 {
        guard let size else { return current.size }
        guard size <= current.size else {
            throw EventLogError.invalid(field, "\(size) is beyond the log's head (\(current.size) events)")
        }
        return size
    }

    private func root(of size: UInt64, current: MerkleFrontier, source: LogSubtreeSource) throws -> EventHash {
        size == current.size ? current.root : try MerkleTree.root(size: size, source: source)
    }

    /// Builds (or completes) the tree of a log whose tree is behind its head, in chunks of
    /// `MerkleStore.buildChunk` events per write transaction, calling `progress(done, total)`.
    func buildMerkleTree(progress: ((UInt64, UInt64) -> Void)?) throws {
        let behind: Bool = try environment.read { txn in
            let head = try ChainHead.read(dbs, in: txn)
            let size = try MerkleStore.readFrontier(dbs, in: txn)?.size ?? 0
            return size < head.position
        }
        guard behind else { return }
        while true {
            let (done, total): (UInt64, UInt64) = try environment.write { txn in
                let head = try ChainHead.read(dbs, in: txn)
                var tree = try MerkleStore.readFrontier(dbs, in: txn) ?? MerkleFrontier()
                guard tree.size < head.position else { return (tree.size, head.position) }
                try MerkleStore.extend(&tree, through: min(head.position, tree.size + MerkleStore.buildChunk), dbs, in: txn)
                try MerkleStore.writeFrontier(tree, dbs, in: txn)
                return (tree.size, head.position)
            }
            progress?(done, total)
            if done >= total { return }
        }
    }
}
