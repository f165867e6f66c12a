import LMDB

/// What `verify` found.
public struct VerifyReport: Sendable, Equatable {
    public var ok: Bool
    /// Events checked.
    public var events: UInt64
    /// The hash of the last event checked.
    public var headHash: EventHash
    /// The first bad position, when not ok.
    public var position: UInt64?
    /// Why it is bad.
    public var reason: String?
    /// The Merkle root recomputed from the events checked (when ok: the tree's current root).
    public var rootHash: EventHash? = nil
}

extension EventStore {
    /// Recomputes the hash chain from the first event: every position present and gapless, every
    /// record readable, every `prevHash` equal to the previous `hash`, every `hash` equal to
    /// SHA-256 of the event's canonical form, `recordedAt` never decreasing, stream versions
    /// gapless, and the stored head equal to the last event. The Merkle tree too: every stored
    /// node equal to the one recomputed from the events (no more, no fewer), and the tree's right
    /// edge covering exactly the events, with the recomputed root. Stops at the first bad position.
    /// `progress(checked, total)` is called now and then.
    ///
    /// Snapshot-consistent: it checks exactly the log of the head it reads when it starts (its
    /// events, its stored head, its tree and the stored nodes that cover positions up to it), reading
    /// in chunks of short read transactions. Events written meanwhile, by this or another process,
    /// are neither checked nor counted against it, so a concurrent writer never makes it fail.
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) throws -> VerifyReport {
        let (storedHead, storedTree): (ChainHead, Result<MerkleFrontier?, EventLogError>) = try environment.read { txn in
            let head = try ChainHead.read(dbs, in: txn)
            do {
                return (head, .success(try MerkleStore.readFrontier(dbs, in: txn)))
            } catch {
                return (head, .failure(.wrap(error)))
            }
        }
        let total = storedHead.position
        var tree = MerkleFrontier()
        var completed: [MerkleNode] = []
        var nodesChecked = 0
        var expected: UInt64 = 1
        var prev = EventHash.zero
        var lastRecorded = Timestamp(millisecondsSince1970: .min)
        var versions: [String: UInt64] = [:]
        var scratch = [UInt8]()
        var failure: (UInt64, String)? = nil
        var done = false
        while !done && failure == nil {
            var scanned = 0
            done = true
            try environment.read { txn in
                let handle = txn.reference
                try dbs.events.forEachRaw(in: txn, from: bigEndian(expected)) { key, value in
                    guard key.count == 8 else {
                        failure = (expected, "a key of the events database is not a position")
                        return false
                    }
                    let position = UInt64(bigEndian: key.loadUnaligned(as: UInt64.self))
                    // Past the head fixed at the start: written meanwhile, not part of this check.
                    if position > total { return false }
                    guard position == expected else {
                        failure = (expected, "position \(expected) is missing (the next one is \(position))")
                        return false
                    }
                    let view: EventRecordView
                    do {
                        view = try EventRecordView(position: position, raw: value)
                    } catch {
                        failure = (position, "the record cannot be read: \(error)")
                        return false
                    }
                    guard view.prevHash == prev else {
                        failure = (position, "prevHash does not match the hash of position \(position - 1)")
                        return false
                    }
                    let hashes = view.computeHashes(scratch: &scratch)
                    guard hashes.hash == view.hash else {
                        failure = (position, "hash does not match the event's content")
                        return false
                    }
                    guard view.recordedAt >= lastRecorded else {
                        failure = (position, "recordedAt goes back in time")
                        return false
                    }
                    let stream = view.stream
                    let version = view.version
                    guard version == (versions[stream] ?? 0) + 1 else {
                        failure = (position, "stream \(stream) jumps to version \(version) after \(versions[stream] ?? 0)")
                        return false
                    }
                    versions[stream] = version
                    tree.append(leafHash: hashes.leafHash, completed: &completed)
                    if let bad = try checkStoredNodes(completed, handle: handle, counting: &nodesChecked) {
                        failure = (position, bad)
                        return false
                    }
                    lastRecorded = view.recordedAt
                    prev = view.hash
                    expected = position + 1
                    scanned += 1
                    if scanned % 65536 == 0 { progress?(position, total) }
                    if scanned >= Self.recordsPerTransaction * 4 {
                        done = false
                        return false
                    }
                    return true
                }
            }
        }
        let checked = expected - 1
        progress?(checked, total)
        if let failure {
            return VerifyReport(ok: false, events: checked, headHash: prev, position: failure.0, reason: failure.1)
        }
        if checked != storedHead.position || prev != storedHead.hash {
            return VerifyReport(
                ok: false, events: checked, headHash: prev, position: min(checked, storedHead.position) + 1,
                reason: "the stored head (position \(storedHead.position)) does not match the last event (position \(checked))")
        }
        if let treeFailure = try checkStoredTree(storedTree, recomputed: tree, nodesChecked: nodesChecked, head: total) {
            return VerifyReport(
                ok: false, events: checked, headHash: prev, position: treeFailure.0, reason: treeFailure.1, rootHash: tree.root)
        }
        return VerifyReport(ok: true, events: checked, headHash: prev, position: nil, reason: nil, rootHash: tree.root)
    }

    /// Compares the stored nodes among `nodes` (those at the stored levels) with the recomputed
    /// ones, adding to `checked` how many it compared; returns why one is bad, or nil.
    private func checkStoredNodes(_ nodes: [MerkleNode], handle: UnsafeTransactionReference, counting checked: inout Int) throws -> String?
    {
        let txn = handle
        for node in nodes where node.level >= MerkleStore.storedLevels {
            checked += 1
            let key = MerkleStore.nodeKey(level: node.level, index: node.index)
            let stored = try dbs.merkle.withValueBytes(key, in: txn) { $0.count == 32 ? EventHash(raw: $0) : nil }
            let first = (node.index << node.level) + 1
            switch stored {
            case nil:
                return "the Merkle tree has no node for positions \(first)-\(node.lastPosition) (level \(node.level))"
            case .some(let hash) where hash != node.hash:
                return "the Merkle tree's node for positions \(first)-\(node.lastPosition) (level \(node.level)) does not match the events"
            default:
                continue
            }
        }
        return nil
    }

    /// Compares the stored tree with the one recomputed from every event up to `head`: its right
    /// edge, and the number of stored nodes that cover positions up to `head` (each one seen was
    /// already compared; nodes of later events are not counted). Returns (position, reason).
    private func checkStoredTree(
        _ stored: Result<MerkleFrontier?, EventLogError>, recomputed: MerkleFrontier, nodesChecked: Int, head: UInt64
    ) throws -> (UInt64, String)? {
        let n = recomputed.size
        let frontier: MerkleFrontier
        switch stored {
        case .failure(let error): return (n, error.message)
        case .success(nil):
            guard n == 0 else { return (1, "the log has no Merkle tree (open it with this lumbung to build it)") }
            frontier = MerkleFrontier()
        case .success(let f?): frontier = f
        }
        guard frontier.size == n else {
            return (min(frontier.size, n) + 1, "the Merkle tree covers \(frontier.size) events but the log has \(n)")
        }
        guard frontier == recomputed else {
            return (
                n,
                "the Merkle tree's right edge does not match the events (its root is \(frontier.root), the events give \(recomputed.root))"
            )
        }
        // Node keys start with the leaf count the node completed at (big-endian): count those up to the head.
        var storedNodes = 0
        try environment.read { txn in
            try dbs.merkle.forEachRaw(in: txn) { key, _ in
                guard key.count >= 8, UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)) <= head else { return false }
                storedNodes += 1
                return true
            }
        }
        guard storedNodes == nodesChecked else {
            return (n, "the Merkle tree holds \(storedNodes) stored nodes, the events make \(nodesChecked)")
        }
        return nil
    }
}
