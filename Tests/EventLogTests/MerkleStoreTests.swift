import Foundation
import LMDB
import Testing

@testable import EventLog

/// A store in a fresh temporary directory, removed when released.
final class MerkleScratchStore: @unchecked Sendable {
    let dataDirectory: String
    private(set) var store: EventStore?

    init(_ label: String, options: EventStore.Options = EventStore.Options()) throws {
        dataDirectory = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("lumbung-merkle-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        store = try EventStore(dataDirectory: dataDirectory, options: options)
    }

    var log: EventStore {
        get throws { try #require(store, "the store is closed") }
    }

    func reopen(options: EventStore.Options = EventStore.Options()) throws {
        store?.close()
        store = nil
        store = try EventStore(dataDirectory: dataDirectory, options: options)
    }

    deinit {
        store?.close()
        store = nil
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }
}

/// Builders and checks of the Merkle store suites.
enum MerkleCheck {
    static func event(_ stream: String, _ n: Int, padding: Int = 0, expected: ExpectedVersion = .any) throws -> ProposedEvent {
        let pad = String(repeating: "x", count: padding)
        return try ProposedEvent(
            stream: stream, type: "audit.entry",
            data: Array(#"{"n":\#(n),"note":"entry \#(n) ✓","pad":"\#(pad)","amount":\#(n * 7).25}"#.utf8),
            expectedVersion: expected)
    }

    static func request(_ events: [ProposedEvent]) throws -> AppendRequest {
        try AppendRequest(events: events, actor: "merkle-test")
    }

    /// The leaf hashes of every event, computed from the events read back (not from the tree).
    static func leafHashes(_ store: EventStore) throws -> [EventHash] {
        try store.readAll(limit: .max).map { MerkleTree.leafHash($0.canonicalBytesWithoutHash) }
    }

    /// Every tree head equals the pure algorithm's root of the same leaves, and sampled proofs
    /// equal the pure algorithm's and verify.
    static func expectTreeMatches(_ store: EventStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let leaves = try leafHashes(store)
        let n = UInt64(leaves.count)
        let head = try store.treeHead()
        #expect(head.size == n, sourceLocation: sourceLocation)
        #expect(head.size == (try store.head().position), sourceLocation: sourceLocation)
        #expect(head.rootHash == MerkleTree.root(leafHashes: leaves), sourceLocation: sourceLocation)
        let memory = InMemoryMerkleLeaves(leafHashes: leaves)
        var roots: [EventHash] = [MerkleTree.emptyRoot]
        var frontier = MerkleFrontier()
        for h in leaves {
            frontier.append(leafHash: h)
            roots.append(frontier.root)
        }
        for m in 0...n {
            #expect(try store.treeHead(size: m) == TreeHead(size: m, rootHash: roots[Int(m)]), "size \(m)", sourceLocation: sourceLocation)
        }
        guard n > 0 else { return }
        // Inclusion: every position in the whole tree, and a spread of positions in past trees.
        let sizes = Set([1, 2, 3, 15, 16, 17, 31, 32, 33, 64, 100, n / 2, n - 1, n].filter { $0 >= 1 && $0 <= n })
        for size in sizes.sorted() {
            let positions = size == n ? Array(1...n) : Array(Set([1, size / 2, size].filter { $0 >= 1 })).sorted()
            for p in positions {
                let proof = try store.inclusionProof(position: p, treeSize: size == n ? nil : size)
                #expect(proof.treeSize == size && proof.position == p, sourceLocation: sourceLocation)
                #expect(proof.leafHash == leaves[Int(p - 1)], sourceLocation: sourceLocation)
                #expect(proof.rootHash == roots[Int(size)], sourceLocation: sourceLocation)
                #expect(
                    proof.path == (try MerkleTree.inclusionPath(index: p - 1, size: size, source: memory)), "\(p) in \(size)",
                    sourceLocation: sourceLocation)
                #expect(proof.isValid, "\(p) in \(size)", sourceLocation: sourceLocation)
            }
            for m in Set([0, 1, 2, 7, 16, 17, size / 3, size - 1, size].filter { $0 <= size }).sorted() {
                let proof = try store.consistencyProof(from: m, to: size)
                #expect(proof.fromRoot == roots[Int(m)] && proof.toRoot == roots[Int(size)], sourceLocation: sourceLocation)
                #expect(
                    proof.path == (try MerkleTree.consistencyPath(from: m, to: size, source: memory)), "\(m) -> \(size)",
                    sourceLocation: sourceLocation)
                #expect(proof.isValid, "\(m) -> \(size)", sourceLocation: sourceLocation)
            }
        }
        let report = try store.verify()
        #expect(report.ok, "\(report)", sourceLocation: sourceLocation)
        #expect(report.rootHash == head.rootHash, sourceLocation: sourceLocation)
    }
}

@Suite("Merkle tree in the log: maintained with every append, proofs from the store")
struct MerkleStoreTests {
    @Test("an empty log has the empty tree; proofs refuse positions and sizes beyond it")
    func emptyLog() throws {
        let scratch = try MerkleScratchStore("empty")
        let store = try scratch.log
        #expect(try store.treeHead() == TreeHead(size: 0, rootHash: MerkleTree.emptyRoot))
        #expect(try store.consistencyProof(from: 0, to: 0).isValid)
        _ = try store.appendBlocking(try MerkleCheck.request([try MerkleCheck.event("ledger-1", 1)]))
        for (call, field) in [
            ({ _ = try store.inclusionProof(position: 0) }, "position"),
            ({ _ = try store.inclusionProof(position: 2) }, "position"),
            ({ _ = try store.inclusionProof(position: 1, treeSize: 2) }, "treeSize"),
            ({ _ = try store.treeHead(size: 2) }, "treeSize"),
            ({ _ = try store.consistencyProof(from: 2, to: 1) }, "from"),
            ({ _ = try store.consistencyProof(from: 0, to: 3) }, "to"),
        ] as [(() throws -> Void, String)] {
            let error = try #require(throws: EventLogError.self) { try call() }
            #expect(error.code == .invalidInput && error.field == field, "\(error)")
        }
        try MerkleCheck.expectTreeMatches(store)
    }

    @Test(
        "hundreds of events in batches of varying sizes and concurrent requests, some refused: every head and proof matches the pure algorithm"
    )
    func batchesAndConcurrency() async throws {
        let scratch = try MerkleScratchStore("batches")
        let store = try scratch.log
        var n = 0
        // Sequential batches of sizes crossing the stored levels (16) and powers of two.
        for size in [1, 2, 3, 1, 7, 16, 1, 17, 31, 33, 5, 64, 1, 100] {
            var events: [ProposedEvent] = []
            for _ in 0..<size {
                n += 1
                events.append(try MerkleCheck.event("ledger-\(n % 5)", n))
            }
            _ = try await store.append(try MerkleCheck.request(events))
        }
        try MerkleCheck.expectTreeMatches(store)
        // Concurrent requests (gathered into groups, each in its own nested transaction), every
        // fourth refused by its expected version: refused requests must leave no leaf behind.
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<120 {
                let request: AppendRequest
                if i % 4 == 3 {
                    request = try MerkleCheck.request([
                        try MerkleCheck.event("conc-\(i)", i), try MerkleCheck.event("ledger-0", i, expected: .noStream),
                    ])
                } else {
                    request = try MerkleCheck.request((0..<(1 + i % 3)).map { try MerkleCheck.event("conc-\(i)", $0) })
                }
                group.addTask {
                    do {
                        _ = try await store.append(request)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            var outcomes: [Bool] = []
            for try await ok in group { outcomes.append(ok) }
            return outcomes
        }
        #expect(results.filter { !$0 }.count == 30)
        try MerkleCheck.expectTreeMatches(store)
        // A request refused alone (a one-request group, whose transaction is aborted).
        let before = try store.treeHead()
        await #expect(throws: EventLogError.self) {
            _ = try await store.append(try MerkleCheck.request([try MerkleCheck.event("ledger-1", 0, expected: .noStream)]))
        }
        #expect(try store.treeHead() == before)
        _ = try await store.append(try MerkleCheck.request([try MerkleCheck.event("ledger-1", 999)]))
        try MerkleCheck.expectTreeMatches(store)
        #expect(try store.treeHead().size >= 400)
    }

    @Test("a transaction retried after the map grew (MAP_FULL) leaves the tree consistent")
    func mapFullRetry() async throws {
        var options = EventStore.Options()
        options.mapSize = 256 << 10
        let scratch = try MerkleScratchStore("mapfull", options: options)
        let store = try scratch.log
        let initial = store.environment.mapSize
        var n = 0
        for _ in 0..<6 {
            let events = try (0..<20).map { _ in
                n += 1
                return try MerkleCheck.event("big-\(n % 3)", n, padding: 12_000)
            }
            _ = try await store.append(try MerkleCheck.request(events))
        }
        #expect(store.environment.mapSize > initial, "the map never grew: the test did not hit MAP_FULL")
        try MerkleCheck.expectTreeMatches(store)
    }

    @Test("a log made without the tree gets it built on open, with progress; a writer catches up a tree left behind")
    func buildOnOpen() async throws {
        var off = EventStore.Options()
        off.merkleTree = false
        let scratch = try MerkleScratchStore("build", options: off)
        for batch in 0..<7 {
            let events = try (0..<(11 + batch * 9)).map { try MerkleCheck.event("old-\($0 % 4)", batch * 100 + $0) }
            _ = try await scratch.log.append(try MerkleCheck.request(events))
        }
        // As in a log made before the tree: no right edge, no nodes.
        #expect(try scratch.log.environment.read { txn in try MerkleStore.readFrontier(scratch.log.dbs, in: txn) } == nil)
        let calls = ProgressCalls()
        var on = EventStore.Options()
        on.treeBuildProgress = { done, total in calls.record(done, total) }
        try scratch.reopen(options: on)
        let total = try scratch.log.head().position
        #expect(calls.last?.0 == total && calls.last?.1 == total)
        try MerkleCheck.expectTreeMatches(try scratch.log)

        // Drop the tree while the store is open (as if written by a process without it): the next
        // write transaction builds it again before appending.
        let store = try scratch.log
        try store.environment.write { txn in
            try store.dbs.meta.delete("merkle", in: txn)
            try store.dbs.merkle.clear(in: txn)
        }
        _ = try await store.append(try MerkleCheck.request([try MerkleCheck.event("new-1", 1)]))
        try MerkleCheck.expectTreeMatches(store)
    }

    @Test("verify names a damaged Merkle node, a missing node and a tree that does not cover the log")
    func verifyCatchesDamagedTree() async throws {
        let scratch = try MerkleScratchStore("damage")
        let store = try scratch.log
        let events = try (1...70).map { try MerkleCheck.event("ledger-\($0 % 3)", $0) }
        _ = try await store.append(try MerkleCheck.request(events))
        #expect(try store.verify().ok)

        // The node of positions 17-32 (level 4, index 1), changed.
        let key = MerkleStore.nodeKey(level: 4, index: 1)
        let original = try #require(try store.environment.read { txn in try store.dbs.merkle.get(key, in: txn) })
        var changed = original
        changed[0] ^= 0xFF
        try store.environment.write { txn in try store.dbs.merkle.put(key, changed, in: txn) }
        var report = try store.verify()
        #expect(!report.ok && report.position == 32, "\(report)")
        #expect(report.reason?.contains("17-32") == true, "\(report)")
        // A proof that needs it no longer verifies against the true root.
        let leaves = try MerkleCheck.leafHashes(store)
        let proof = try store.inclusionProof(position: 5, treeSize: 64)
        #expect(
            !MerkleTree.verifyInclusion(
                leafHash: leaves[4], index: 4, treeSize: 64, path: proof.path, root: MerkleTree.root(leafHashes: Array(leaves.prefix(64)))))

        // Removed.
        _ = try store.environment.write { txn in try store.dbs.merkle.delete(key, in: txn) }
        report = try store.verify()
        #expect(!report.ok && report.position == 32 && report.reason?.contains("no node") == true, "\(report)")
        #expect(throws: EventLogError.self) { try store.inclusionProof(position: 5, treeSize: 64) }

        // Restored, then the right edge made to cover fewer events than the log.
        try store.environment.write { txn in try store.dbs.merkle.put(key, original, in: txn) }
        #expect(try store.verify().ok)
        var shorter = MerkleFrontier()
        for h in leaves.prefix(69) { shorter.append(leafHash: h) }
        try store.environment.write { txn in try MerkleStore.writeFrontier(shorter, store.dbs, in: txn) }
        report = try store.verify()
        #expect(!report.ok && report.position == 70, "\(report)")
        #expect(throws: EventLogError.self) { try store.treeHead() }
    }
}

/// Progress calls recorded from any thread.
final class ProgressCalls: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [(UInt64, UInt64)] = []
    func record(_ done: UInt64, _ total: UInt64) { lock.withLock { calls.append((done, total)) } }
    var last: (UInt64, UInt64)? { lock.withLock { calls.last } }
}
