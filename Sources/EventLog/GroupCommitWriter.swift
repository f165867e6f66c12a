import Dispatch
import Foundation
import LMDB
import Metrics

/// The one writer of a store: a thread that gathers the appends waiting for it into one write
/// transaction with one fsync (group commit). Each request runs in a nested transaction, so one
/// that fails leaves the others of its group untouched; results are delivered after the commit.
final class GroupCommitWriter: @unchecked Sendable {
    typealias Completion = @Sendable (Result<AppendOutcome, EventLogError>) -> Void

    struct Pending {
        let request: AppendRequest
        let completion: Completion
    }

    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var stopped = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)
    let maxGroupEvents: Int

    init(maxGroupEvents: Int) {
        self.maxGroupEvents = maxGroupEvents
    }

    func start(store: EventStore) {
        // The thread holds the store weakly: it ends when the store is closed or released.
        let thread = Thread { [weak store, self] in
            self.run { store }
        }
        thread.name = "lumbung-writer"
        thread.stackSize = 4 << 20
        self.thread = thread
        thread.start()
    }

    func submit(_ request: AppendRequest, completion: @escaping Completion) {
        condition.lock()
        if stopped {
            condition.unlock()
            completion(.failure(EventLogError(.closed, "the event store is closed")))
            return
        }
        queue.append(Pending(request: request, completion: completion))
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        let wasRunning = !stopped && thread != nil
        stopped = true
        condition.broadcast()
        condition.unlock()
        if wasRunning && Thread.current != thread { finished.wait() }
    }

    /// `store` gives the store only while it is alive: the thread holds it strongly only while
    /// it writes a group, so that releasing the store ends the thread (see `start`).
    private func run(store: () -> EventStore?) {
        defer { finished.signal() }
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if queue.isEmpty && stopped {
                condition.unlock()
                return
            }
            var group: [Pending] = []
            var events = 0
            var taken = 0
            while taken < queue.count {
                let n = queue[taken].request.count
                if !group.isEmpty && events + n > maxGroupEvents { break }
                group.append(queue[taken])
                events += n
                taken += 1
            }
            queue.removeFirst(taken)
            condition.unlock()
            guard let store = store() else {
                for p in group { p.completion(.failure(EventLogError(.closed, "the event store is closed"))) }
                continue
            }
            // One group's write transaction with its fsync: `lumbung_commit_duration_seconds`.
            let start = DispatchTime.now().uptimeNanoseconds
            let outcomes = store.commit(group.map(\.request))
            Metrics.Timer(label: "lumbung_commit_duration_seconds", preferredDisplayUnit: .seconds)
                .recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
            for (p, outcome) in zip(group, outcomes) { p.completion(outcome) }
            store.signal.notify()
        }
    }
}

/// Thrown out of a one-request group to abort its transaction, carrying the request's error.
private struct AbortGroup: Error {
    let error: EventLogError
}

extension EventStore {
    /// Writes the requests of one group in one transaction; one outcome per request.
    func commit(_ requests: [AppendRequest]) -> [Result<AppendOutcome, EventLogError>] {
        var outcomes: [Result<AppendOutcome, EventLogError>] = []
        let appendGuard = self.appendGuard
        var checked = false
        var committed = false
        defer { if checked { appendGuard?.transactionEnded(committed: committed) } }
        do {
            try environment.write { txn in
                if checked { appendGuard?.transactionEnded(committed: false) }  // a retry after the map grew
                checked = appendGuard != nil
                outcomes.removeAll(keepingCapacity: true)  // the body runs again after the map grew
                var head = try ChainHead.read(dbs, in: txn)
                let start = head
                // The Merkle tree covers exactly the events before this transaction (it catches
                // up here if a writer without it appended since).
                var tree = try openTree(head: head, in: txn)
                let treeStart = tree.size
                let now = Timestamp.now()
                if requests.count == 1 {
                    do {
                        outcomes.append(.success(try apply(requests[0], in: txn, head: &head, tree: &tree, now: now, guard: appendGuard)))
                    } catch let error as LMDBError where error.code == .mapFull {
                        throw error
                    } catch let error as EventLogError where error.mapFull != nil {
                        throw error.mapFull!
                    } catch {
                        throw AbortGroup(error: .wrap(error))
                    }
                } else {
                    for request in requests {
                        var h = head
                        var t = tree
                        do {
                            let outcome = try txn.nested { child in
                                try apply(request, in: child, head: &h, tree: &t, now: now, guard: appendGuard)
                            }
                            head = h
                            tree = t
                            outcomes.append(.success(outcome))
                        } catch let error as LMDBError where error.code == .mapFull {
                            throw error
                        } catch let error as EventLogError where error.mapFull != nil {
                            throw error.mapFull!
                        } catch {
                            outcomes.append(.failure(.wrap(error)))
                        }
                    }
                }
                if head != start {
                    try dbs.meta.put("head", head.encoded, in: txn)
                }
                if tree.size != treeStart {
                    try MerkleStore.writeFrontier(tree, dbs, in: txn)
                }
            }
            committed = true
            return outcomes
        } catch let abort as AbortGroup {
            return [.failure(abort.error)]
        } catch {
            let failure = EventLogError.wrap(error)
            return requests.map { _ in .failure(failure) }
        }
    }

    /// The Merkle tree's right edge at the start of a write transaction, caught up with `head`
    /// (a log made before the tree, or events appended by a writer without it). Empty, and never
    /// written, when the store does not maintain the tree (`Options.merkleTree` false).
    func openTree(head: ChainHead, in txn: borrowing WriteTransaction) throws -> MerkleFrontier {
        guard maintainsMerkleTree else { return MerkleFrontier() }
        var tree = try MerkleStore.readFrontier(dbs, in: txn) ?? MerkleFrontier()
        guard tree.size <= head.position else {
            throw EventLogError(
                .corrupt,
                "the Merkle tree covers \(tree.size) events but the log's head is position \(head.position); run lumbung verify",
                position: head.position + 1)
        }
        try MerkleStore.extend(&tree, through: head.position, dbs, in: txn)
        return tree
    }

    /// Writes one request's events inside `txn`, advancing `head` and adding each event's leaf to
    /// `tree` (storing the subtrees it completes, see `MerkleStore`). Throws (leaving the caller to
    /// undo `txn`, and to drop `head` and `tree`) when any rule refuses the request.
    func apply(
        _ request: AppendRequest, in txn: borrowing WriteTransaction, head: inout ChainHead, tree: inout MerkleFrontier,
        now: Timestamp, guard appendGuard: (any AppendGuard)?
    ) throws -> AppendOutcome {
        // A replica's verbatim copy skips the rules (its primary checked them), not the chain.
        if !request.replicated.isEmpty {
            return try applyReplicated(request.replicated, signedHead: request.replicatedHead, in: txn, head: &head, tree: &tree)
        }
        try refuseIfReplica(in: txn)
        // System types (`auth.`, `privacy.`) are Lumbung's own: no door may write them.
        if !request.isSystem, let event = request.events.first(where: { Names.isSystemType($0.type) }) {
            throw EventLogError(
                .ruleViolation,
                "type: \"\(event.type)\" is a system type, written only by Lumbung itself (the key registry, the vault); it cannot be appended",
                field: "type")
        }
        // Idempotency: events whose ids are already in the log.
        var originals: [AppendResult] = []
        var firstNewID: EventID? = nil
        for event in request.events {
            guard let id = event.id, let position = try dbs.ids.get(id.raw, in: txn) else {
                if firstNewID == nil { firstNewID = event.id ?? EventID(high: 0, low: 0) }
                continue
            }
            let found = try dbs.events.withValueBytes(position, in: txn) { (raw) -> AppendResult? in
                let view = try EventRecordView(position: position, raw: raw)
                guard view.streamBytes.elementsEqual(event.stream.utf8), view.typeBytes.elementsEqual(event.type.utf8),
                    view.dataBytes.elementsEqual(event.data)
                else { return nil }
                return AppendResult(position: position, version: view.version, id: id, hash: view.hash, recordedAt: view.recordedAt)
            }
            guard let original = found ?? nil else {
                throw EventLogError(
                    .duplicateIDConflict,
                    "id: event \(id) is already in the log at position \(position) with other content; use a new id",
                    field: "id")
            }
            originals.append(original)
        }
        if originals.count == request.events.count {
            return AppendOutcome(results: originals, duplicate: true)
        }
        if let first = originals.first {
            throw EventLogError(
                .duplicateIDConflict,
                "id: event \(first.id) is already in the log at position \(first.position), but other events of the batch are not; resend the batch unchanged or only its new events",
                field: "id")
        }

        // Expected versions, all checked before the rules and before anything is written.
        var versions: [String: UInt64] = [:]
        var eventVersions: [UInt64] = []
        eventVersions.reserveCapacity(request.events.count)
        for event in request.events {
            let current = try versions[event.stream] ?? dbs.heads.get(event.stream, in: txn) ?? 0
            guard event.expectedVersion.admits(current) else {
                let actual = current == 0 ? "does not exist" : "is at version \(current)"
                throw EventLogError(
                    .wrongExpectedVersion,
                    "expectedVersion: stream \(event.stream) was expected at \(event.expectedVersion) but \(actual)",
                    field: "expectedVersion", actualVersion: current)
            }
            versions[event.stream] = current + 1
            eventVersions.append(current + 1)
        }

        if let appendGuard {
            try appendGuard.check(request, log: LogReader(handle: txn.reference, dbs: dbs, headPosition: head.position))
        }

        var results: [AppendResult] = []
        results.reserveCapacity(request.events.count)
        // Ids the log makes: seeded once per request from the system, no syscall per event.
        var system = SystemRandomNumberGenerator()
        var idRandom = SplitMix64(seed: system.next())
        let scratch = EventScratch(tree: maintainsMerkleTree ? tree : nil)
        defer { if let t = scratch.tree { tree = t } }
        for (i, event) in request.events.enumerated() {
            let version = eventVersions[i]
            let position = head.position + 1
            let prevHash = head.hash
            let recordedAt = max(now, head.recordedAt)
            let occurredAt = event.occurredAt ?? recordedAt
            let id = event.id ?? EventID.timeOrdered(at: recordedAt, random: &idRandom)
            let hash = try withEventBytes(stream: event.stream, type: event.type, metadata: request.metadata[i], data: event.data) {
                (s, t, m, d) throws -> EventHash in
                try writeEvent(
                    position: position, prevHash: prevHash, stream: s, type: t, version: version, id: id,
                    recordedAt: recordedAt, occurredAt: occurredAt, metadata: m, data: d, expectedHash: nil,
                    scratch: scratch, in: txn)
            }
            head = ChainHead(position: position, hash: hash, recordedAt: recordedAt)
            results.append(AppendResult(position: position, version: version, id: id, hash: hash, recordedAt: recordedAt))
        }
        for (stream, version) in versions {
            try dbs.heads.put(stream, version, in: txn)
        }
        // The guard's decision state now follows this request too (see `DecisionState`).
        if appendGuard?.keepsDecisionState == true {
            try dbs.setStatePosition(head.position, in: txn)
        }
        return AppendOutcome(results: results, duplicate: false)
    }

    /// Calls `body` with the UTF-8 bytes of `stream` and `type` and the bytes of `metadata` and
    /// `data`, valid only during the call.
    func withEventBytes<R>(
        stream: String, type: String, metadata: [UInt8], data: [UInt8],
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        try withUTF8Bytes(stream) { (s: UnsafeRawBufferPointer) throws -> R in
            try withUTF8Bytes(type) { (t: UnsafeRawBufferPointer) throws -> R in
                try metadata.withUnsafeBytes { (m: UnsafeRawBufferPointer) throws -> R in
                    try data.withUnsafeBytes { (d: UnsafeRawBufferPointer) throws -> R in try body(s, t, m, d) }
                }
            }
        }
    }

    /// Writes one event at `position`, chained to `prevHash`: THE per-event write of the log,
    /// shared by `apply` (appends) and `applyReplicated` (a replica's verbatim copies of its
    /// primary's events), so that whatever is stored per event is stored alike on a primary and
    /// on its replicas. Anything added per event (an index, a Merkle leaf) belongs here, after the
    /// id index put; when this returns, `scratch.bytes` holds the event's canonical bytes (the
    /// chain hash's input, without `hash`). The stream's version in `heads` and the log head in
    /// `meta` are written by the callers, once per request and once per transaction.
    ///
    /// Contract: the caller has checked everything about the event (names, sizes, version,
    /// `recordedAt` not before the head's) and gives `position` = head position + 1 and
    /// `prevHash` = head hash; this computes the hash over the canonical form and, when
    /// `expectedHash` is given, refuses (throws, writing nothing of this event) unless they are
    /// equal. It throws as well when the position, the stream version or the id is already
    /// taken. The caller aborts `txn` (or its nested transaction) on any throw, and advances its
    /// head to (`position`, the returned hash) otherwise.
    /// - Returns: the event's hash.
    func writeEvent(
        position: UInt64, prevHash: EventHash, stream: UnsafeRawBufferPointer, type: UnsafeRawBufferPointer,
        version: UInt64, id: EventID, recordedAt: Timestamp, occurredAt: Timestamp, metadata: UnsafeRawBufferPointer,
        data: UnsafeRawBufferPointer, expectedHash: EventHash?, scratch: EventScratch, in txn: borrowing WriteTransaction
    ) throws -> EventHash {
        // scratch = 0x00 + the canonical bytes: the chain hash covers the bytes, the Merkle leaf
        // hash the prefixed bytes (RFC 6962: SHA-256(0x00 || leaf)).
        scratch.bytes.removeAll(keepingCapacity: true)
        scratch.bytes.append(0)
        EventCoding.writeCanonical(
            to: &scratch.bytes, position: position, stream: stream, version: version, id: id, type: type,
            occurredAt: occurredAt, recordedAt: recordedAt, metadata: metadata, data: data, prevHash: prevHash)
        let (hash, leafHash) = scratch.bytes.withUnsafeBytes { b in
            (EventHash.sha256(UnsafeRawBufferPointer(rebasing: b[1...])), scratch.tree == nil ? nil : EventHash.sha256(b))
        }
        if let expectedHash, expectedHash != hash {
            throw EventLogError(
                .invalidInput,
                "hash: event at position \(position) has hash \(expectedHash) but its content hashes to \(hash); it was altered",
                field: "hash", position: position)
        }
        let size = EventCoding.recordSize(stream: stream.count, type: type.count, metadata: metadata.count, data: data.count)
        do {
            try dbs.events.putReserved(position, size: size, flags: .append, in: txn) { p in
                EventCoding.writeRecord(
                    into: p, version: version, id: id, recordedAt: recordedAt, occurredAt: occurredAt,
                    prevHash: prevHash, hash: hash, stream: stream, type: type, metadata: metadata, data: data)
            }
            LogDatabases.writeKey(type, position, into: &scratch.key)
            try dbs.types.put(scratch.key, (), in: txn)
            LogDatabases.writeKey(stream, version, into: &scratch.key)
            try dbs.streams.put(scratch.key, position, flags: .noOverwrite, in: txn)
        } catch {
            // (`error` is an LMDBError: the puts throw only that. A `catch let ... as ... where`
            // here sends Swift 6.3.1's MandatoryAllocBoxToStack pass into an endless loop.)
            guard error.code == .keyExists else { throw error }
            throw EventLogError(
                .corrupt,
                "the log's head says position \(position - 1) but position \(position) or stream \(String(decoding: stream, as: UTF8.self)) version \(version) is already taken; run lumbung verify",
                position: position)
        }
        scratch.key.removeAll(keepingCapacity: true)
        id.appendRaw(to: &scratch.key)
        do {
            // One descent of the id index: the put itself refuses an id already taken.
            try dbs.ids.put(scratch.key, position, flags: .noOverwrite, in: txn)
        } catch {
            guard error.code == .keyExists else { throw error }
            let existing = try dbs.ids.get(scratch.key, in: txn).map(String.init) ?? "?"
            throw EventLogError(
                .duplicateIDConflict, "id: event \(id) appears more than once in the batch or the log (first at position \(existing))",
                field: "id")
        }
        if let leafHash, scratch.tree != nil {
            try MerkleStore.append(leafHash: leafHash, to: &scratch.tree!, buffer: &scratch.treeNodes, dbs, in: txn)
        }
        return hash
    }
}

/// Calls `body` with the UTF-8 bytes of `string` (in place when the string is contiguous, as
/// native strings are; copied otherwise).
func withUTF8Bytes<R>(_ string: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    if let r = try string.utf8.withContiguousStorageIfAvailable({ (b: UnsafeBufferPointer<UInt8>) throws -> R in
        try body(UnsafeRawBufferPointer(b))
    }) {
        return r
    }
    return try Array(string.utf8).withUnsafeBytes { (b: UnsafeRawBufferPointer) throws -> R in try body(b) }
}

/// What the per-event write (`writeEvent`) carries from event to event of one request: the
/// reusable buffer of an event's canonical bytes, and the Merkle tree's right edge with its node
/// buffer (nil when the store does not maintain the tree). A class, so that `writeEvent` can run
/// inside the closures that lend it the event's bytes.
final class EventScratch {
    var bytes: [UInt8] = []
    /// An index key being put (one at a time).
    var key: [UInt8] = []
    var tree: MerkleFrontier?
    var treeNodes: [MerkleNode] = []
    init(tree: MerkleFrontier?) {
        self.tree = tree
        bytes.reserveCapacity(1024)
        key.reserveCapacity(256)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast generator, the same numbers from the same
/// seed on every platform. The log draws the random bits of the ids it makes from one seeded per
/// request; the domains' scenarios draw everything from one, so a seed gives the same events.
/// Never for secrets (receipt numbers, PINs): those come from `SystemRandomNumberGenerator`.
public struct SplitMix64: RandomNumberGenerator {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.finalize(state)
    }

    /// The SplitMix64 finalizer: a well-mixed hash of one 64-bit word.
    public static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the next 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
