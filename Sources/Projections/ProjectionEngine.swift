public import EventLog
import Foundation
import LMDB

/// Runs projectors over the log into the `views/` LMDB environment.
///
/// Contract:
/// - Each projector's checkpoint (last position applied) is written in the same transaction as
///   its data: a view is never ahead of or behind its checkpoint.
/// - `catchUp` folds every event the views have not seen; `start` keeps doing so as the log
///   grows (commits of any process); `sync(to:)` gives read-your-writes.
/// - A projector whose `version` differs from the one its view was built with is rebuilt into a
///   fresh copy (a new generation of its databases) and switched to atomically; the old copy
///   serves reads until the switch. `rebuild` does the same on demand.
/// - Deleting `views/` loses nothing: everything is folded again from the log.
public final class ProjectionEngine: @unchecked Sendable {
    public let store: EventStore
    public let projectors: [any Projector]
    let environment: Environment
    /// projector name -> {"version": v, "generation": g}
    let catalog: Database<UTF8String, Bytes>
    /// "<name>@<generation>" -> last position applied
    let checkpoints: Database<UTF8String, UInt64BE>
    private let writeLock = NSLock()
    private let cacheLock = NSLock()
    private var handles: [String: Database<Bytes, Bytes>] = [:]
    /// "<name>@<generation>" whose databases are all open (every read needs them).
    private var openedGenerations: Set<String> = []
    /// The last catalog entry decoded per view, with its stored bytes: a read compares the bytes
    /// (a few dozen) instead of decoding JSON on every request.
    private var entryCache: [String: (raw: [UInt8], entry: CatalogEntry)] = [:]
    private var follower: Task<Void, Never>?
    /// Events applied per write transaction.
    public var batchSize = 2000
    /// For replays "as of": only events this filter admits are folded (checkpoints still advance).
    public var replayFilter: EventFilter?

    struct CatalogEntry: Codable, Equatable {
        var version: Int
        var generation: Int
    }

    /// Opens (creating) the views environment in `directory` for `projectors`. Views whose
    /// projector version changed are rebuilt by `start()` or `prepare()`.
    public init(store: EventStore, directory: String, projectors: [any Projector], mapSize: Int = 64 << 20) throws {
        var seen = Set<String>()
        for p in projectors where !seen.insert(p.name).inserted {
            throw ProjectionError("two projectors are named \(p.name)")
        }
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var options = Environment.Options()
        options.maxDatabases = 2048
        options.mapSize = mapSize
        self.store = store
        self.projectors = projectors
        environment = try Environment(path: directory, options: options)
        environment.clearStaleReaders()
        catalog = try environment.database("catalog")
        checkpoints = try environment.database("checkpoints")
        // Only a view new to this data directory needs a write: a process that opens the views
        // (a CLI command) must not wait for the write lock a server folding a batch holds.
        let missing = try environment.read { txn in try projectors.filter { try catalog.get($0.name, in: txn) == nil } }
        if !missing.isEmpty {
            try environment.write { txn in
                for p in missing where try catalog.get(p.name, in: txn) == nil {
                    try catalog.put(p.name, try ViewCoding.encode(CatalogEntry(version: p.version, generation: 1)), in: txn)
                }
            }
        }
    }

    /// Opens the views in `<dataDirectory>/views`.
    public convenience init(store: EventStore, dataDirectory: String, projectors: [any Projector]) throws {
        try self.init(store: store, directory: (dataDirectory as NSString).appendingPathComponent("views"), projectors: projectors)
    }

    deinit { follower?.cancel() }

    public func projector(named name: String) -> (any Projector)? {
        projectors.first { $0.name == name }
    }

    // MARK: Catalog and databases

    func entry<T: ReadableTransaction & ~Copyable>(_ name: String, in txn: borrowing T) throws -> CatalogEntry {
        guard let bytes = try catalog.get(name, in: txn) else {
            throw ProjectionError("no view named \(name)")
        }
        return try decodedEntry(name, bytes)
    }

    private func decodedEntry(_ name: String, _ bytes: [UInt8]) throws -> CatalogEntry {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let cached = entryCache[name], cached.raw == bytes { return cached.entry }
        let decoded = try ViewCoding.decode(CatalogEntry.self, bytes)
        entryCache[name] = (bytes, decoded)
        return decoded
    }

    /// Whether the databases of `name`'s generation `generation` are open in this process.
    func isOpened(_ name: String, _ generation: Int) -> Bool {
        cacheLock.withLock { openedGenerations.contains(Self.checkpointKey(name, generation)) }
    }

    /// Thrown inside `read` when a view's current generation has no open handles yet (a rebuild
    /// switched it, possibly in another process): `read` opens them and runs its body again.
    struct UnopenedGeneration: Error {}

    static func checkpointKey(_ name: String, _ generation: Int) -> String { "\(name)@\(generation)" }

    /// The handle of database `local` of projector `name`'s generation `generation`, opened (and
    /// created) on first use. Never call it inside a write transaction of this environment.
    func handle(_ name: String, _ generation: Int, _ local: String) throws -> Database<Bytes, Bytes> {
        let full = "\(name)@\(generation)/\(local)"
        if let h = cacheLock.withLock({ handles[full] }) { return h }
        let h: Database<Bytes, Bytes> = try environment.database(full)
        cacheLock.withLock { handles[full] = h }
        return h
    }

    func cachedHandle(_ name: String, _ generation: Int, _ local: String) throws -> Database<Bytes, Bytes> {
        guard let h = cacheLock.withLock({ handles["\(name)@\(generation)/\(local)"] }) else {
            throw ProjectionError("view \(name) has no database named \(local)")
        }
        return h
    }

    /// The writers of `views` (each with its generation and checkpoint) for one write transaction:
    /// views of one `Projector.batchGroup` at the same checkpoint fold the same events, so they
    /// share one batch state.
    func writers(_ views: [(any Projector, generation: Int, checkpoint: UInt64)], _ handle: UnsafeTransactionReference) throws
        -> [ViewWriter]
    {
        struct Group: Hashable {
            var id: ObjectIdentifier
            var checkpoint: UInt64
        }
        let groups = views.map { p, _, checkpoint in p.batchGroup.map { Group(id: $0, checkpoint: checkpoint) } }
        let shared = Dictionary(groups.compactMap { $0.map { ($0, 1) } }, uniquingKeysWith: +).mapValues {
            ViewWriter.BatchState(sharers: $0)
        }
        return try zip(views, groups).map { view, group in
            try writer(view.0, view.generation, handle, batch: group.flatMap { shared[$0] } ?? ViewWriter.BatchState(sharers: 1))
        }
    }

    /// The writer of `p`'s generation `generation` inside a write transaction, with `batch` as its
    /// batch state: its databases' handles (opened before the transaction) are looked up once
    /// here, not on each read or write of a fold.
    func writer(_ p: any Projector, _ generation: Int, _ handle: UnsafeTransactionReference, batch: ViewWriter.BatchState) throws
        -> ViewWriter
    {
        let names = p.databases
        let handles = try names.map { try cachedHandle(p.name, generation, $0) }
        let name = p.name
        return ViewWriter(
            reader: ViewReader(handle: handle) { local in
                guard let i = indexOfName(local, in: names) else { throw ProjectionError("view \(name) has no database named \(local)") }
                return handles[i]
            },
            cache: ViewWriteCache(), log: store, batch: batch)
    }

    /// Opens the databases of every projector's current generation; returns the generations.
    func openCurrentGenerations() throws -> [String: CatalogEntry] {
        let entries = try environment.read { txn in
            try Dictionary(uniqueKeysWithValues: projectors.map { ($0.name, try entry($0.name, in: txn)) })
        }
        for p in projectors {
            let generation = entries[p.name]!.generation
            for local in p.databases { _ = try handle(p.name, generation, local) }
            cacheLock.withLock { _ = openedGenerations.insert(Self.checkpointKey(p.name, generation)) }
        }
        return entries
    }

    // MARK: Reading views

    /// Runs `body` with readers of the named views, all in one consistent read transaction.
    /// The handles of the views' current generations are opened once per generation (outside
    /// any transaction, as LMDB wants); a body that meets a generation not yet opened runs again
    /// after they are, so it must only read.
    public func read<R>(_ body: (ViewSnapshot) throws -> R) throws -> R {
        do {
            return try environment.read { txn in try body(ViewSnapshot(engine: self, handle: txn.reference)) }
        } catch is UnopenedGeneration {
            _ = try openCurrentGenerations()
            return try environment.read { txn in try body(ViewSnapshot(engine: self, handle: txn.reference)) }
        }
    }

    /// The number of entries database `local` of view `name`'s generation `generation` holds (0, and created
    /// empty, when it does not exist): what a rebuild leaves in the copy it replaced, for tests and sizes.
    public func entries(_ name: String, generation: Int, database local: String) throws -> Int {
        let h = try handle(name, generation, local)
        return try environment.read { txn in try h.count(in: txn) }
    }

    /// A number that changes whenever any view changes, by any process: the views environment's
    /// last committed transaction (read from its meta page, no transaction). Equal stamps mean
    /// nothing of the views changed in between, so whatever was read from them still holds.
    public func changeStamp() -> Int { environment.info().lastTransactionID }

    /// The last position every view has applied.
    public func checkpoint() throws -> UInt64 {
        try environment.read { txn in
            var lowest = UInt64.max
            for p in projectors {
                let e = try entry(p.name, in: txn)
                lowest = min(lowest, try checkpoints.get(Self.checkpointKey(p.name, e.generation), in: txn) ?? 0)
            }
            return lowest == .max ? 0 : lowest
        }
    }

    // MARK: Folding

    /// Folds every event not yet applied (up to `position`, default the head) into every view.
    /// Returns the lowest checkpoint afterwards. Safe to call from any thread; calls serialize.
    @discardableResult
    public func catchUp(to position: UInt64? = nil, progress: ((UInt64, UInt64) -> Void)? = nil) throws -> UInt64 {
        try writeLock.withLock {
            try rebuildOutdated(progress: nil)
            let target = try position.map { min($0, try store.head().position) } ?? store.head().position
            while true {
                let entries = try openCurrentGenerations()
                let reached = try applyBatch(entries: entries, target: target)
                progress?(reached, target)
                if reached >= target { return reached }
            }
        }
    }

    /// Applies up to `batchSize` events after the lowest checkpoint in one write transaction.
    /// Returns the lowest checkpoint after it.
    private func applyBatch(entries: [String: CatalogEntry], target: UInt64) throws -> UInt64 {
        try environment.write { txn in
            // Re-read the catalog in the transaction: another process may have switched a view.
            var current: [(any Projector, Int, UInt64)] = []
            for p in projectors {
                let e = try entry(p.name, in: txn)
                guard e == entries[p.name] else { return 0 }  // changed meanwhile: caller retries
                current.append((p, e.generation, try checkpoints.get(Self.checkpointKey(p.name, e.generation), in: txn) ?? 0))
            }
            let from = (current.map(\.2).min() ?? target) + 1
            guard from <= target else { return target }
            let to = min(target, from + UInt64(batchSize) - 1)
            let writers = try writers(current.map { ($0.0, generation: $0.1, checkpoint: $0.2) }, txn.reference)
            let replay = replayFilter
            var routes = Routes(current.map { p, _, _ in p.eventTypes })
            let kinds = PreparationKinds(current.map(\.0))
            let forms = PreparedForms(kinds)
            try store.forEachRecord(EventFilter(fromPosition: from, toPosition: to)) { view in
                if let replay, !replay.admits(view) { return true }
                var decoded: RecordedEvent? = nil
                defer { forms.clear() }
                for i in routes.views(folding: view) where current[i].2 < view.position {
                    if decoded == nil { decoded = view.decode() }
                    try forms.apply(current[i].0, kind: kinds.ofView[i], decoded!, to: writers[i])
                }
                return true
            }
            let advancing = current.indices.filter { current[$0].2 < to }
            for i in advancing { try current[i].0.finishBatch(writers[i]) }
            try ViewWriter.flush(advancing.map { writers[$0] })
            for i in advancing { try checkpoints.put(Self.checkpointKey(current[i].0.name, current[i].1), to, in: txn) }
            return to
        }
    }

    /// Makes every view current with the log before returning (read-your-writes for a write
    /// that reached `position`).
    public func sync(to position: UInt64) throws {
        if try checkpoint() >= position { return }
        try catchUp(to: position)
    }

    /// Waits until every view has applied `position`, up to `timeout`; false if it has not.
    public func waitFor(position: UInt64, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let cp = try? checkpoint(), cp >= position { return true }
            if ContinuousClock.now >= deadline { return false }
            await store.waitForAppend(beyond: position, timeout: .milliseconds(20))
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Rebuilds outdated views, catches up, then keeps the views current in the background
    /// until `stop()`.
    public func start() throws {
        try catchUp()
        follower = Task.detached(priority: .utility) { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                let reached = (try? self.catchUp()) ?? 0
                await self.store.waitForAppend(beyond: reached, timeout: .milliseconds(250))
            }
        }
    }

    public func stop() {
        follower?.cancel()
        follower = nil
    }

    // MARK: Rebuild

    /// Views whose projector version changed are rebuilt, in one pass (lock held by the caller).
    private func rebuildOutdated(progress: ((String, UInt64, UInt64) -> Void)?) throws {
        let outdated = try environment.read { txn in
            try projectors.filter { try entry($0.name, in: txn).version != $0.version }
        }
        if !outdated.isEmpty { try rebuildLocked(outdated, progress: progress) }
    }

    /// Events folded per write transaction of a rebuild. Each batch ends by encoding and writing
    /// what it changed and starts again from LMDB, so fewer batches cost less (at 10M events,
    /// 1,000,000 a batch took 22.5-26.6 s where 200,000 took 28.5-29.9 s); the batch's write cache
    /// holds every key it touched, so the peak heap grows with it (the seeded 1M log: 384 MB, was
    /// 170 MB at 200,000; 10M: 408 MB, was 373 MB).
    public var rebuildBatchSize = 1_000_000

    /// Rebuilds view `name` from the whole log into a fresh copy, then switches to it atomically
    /// and drops the old copy. `progress(name, done, total)` reports positions folded.
    public func rebuild(_ name: String, progress: ((String, UInt64, UInt64) -> Void)? = nil) throws {
        try rebuild([name]) { done, total in progress?(name, done, total) }
    }

    /// Rebuilds the views `names` from the whole log in one pass: each event is read (and
    /// decoded) once and folded into the fresh copy of every view that wants its type, in write
    /// transactions of `rebuildBatchSize` events; when the pass reaches the head, every view is
    /// switched to its fresh copy in the same transaction. `progress(done, total)` reports
    /// positions folded.
    public func rebuild(_ names: [String], progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        var chosen: [any Projector] = []
        for name in names {
            guard let p = projector(named: name) else { throw ProjectionError("no view named \(name)") }
            if !chosen.contains(where: { $0.name == name }) { chosen.append(p) }
        }
        guard !chosen.isEmpty else { return }
        try writeLock.withLock { try rebuildLocked(chosen) { _, done, total in progress?(done, total) } }
    }

    private func rebuildLocked(_ chosen: [any Projector], progress: ((String, UInt64, UInt64) -> Void)?) throws {
        let current = try environment.read { txn in try chosen.map { try entry($0.name, in: txn).generation } }
        let generations = current.map { $0 + 1 }
        try dropReplaced(chosen, current: current)
        // The current copies are emptied at the switch, through their handles: open them now (LMDB
        // opens a database outside a write transaction), also in a process that never read them (a
        // CLI rebuild kept the old copy whole, doubling the views on disk).
        // Every database of the current copy, also one this version no longer has (a version that
        // dropped a database would otherwise leave it whole).
        var replaced: [[String]] = []
        for (i, p) in chosen.enumerated() {
            let prefix = "\(p.name)@\(current[i])/"
            let stored = try environment.databaseNames(prefix: prefix).map { String($0.dropFirst(prefix.count)) }
            let locals = p.databases + stored.filter { !p.databases.contains($0) }
            for local in locals { _ = try handle(p.name, current[i], local) }
            for local in p.databases { _ = try handle(p.name, generations[i], local) }
            replaced.append(locals)
        }
        let keys = zip(chosen, generations).map { Self.checkpointKey($0.name, $1) }
        try environment.write { txn in
            // Leftovers of an interrupted rebuild.
            for (p, generation) in zip(chosen, generations) {
                for local in p.databases { try cachedHandle(p.name, generation, local).clear(in: txn) }
            }
            for key in keys { try checkpoints.put(key, 0, in: txn) }
        }
        let wanted = chosen.map(\.eventTypes)
        let types: Set<String>? = wanted.contains { $0 == nil } ? nil : wanted.reduce(into: []) { $0.formUnion($1 ?? []) }
        var done: UInt64 = 0
        while true {
            let head = try store.head().position
            let switched: Bool = try environment.write { txn in
                // Every view of the pass is at the same checkpoint.
                let checkpoint = try checkpoints.get(keys[0], in: txn) ?? 0
                let writers = try writers(
                    zip(chosen, generations).map { ($0, generation: $1, checkpoint: checkpoint) }, txn.reference)
                let from = checkpoint + 1
                let to = min(head, from + UInt64(rebuildBatchSize) - 1)
                if from <= to {
                    // The types' index only for one type: the views' types are most of the log,
                    // which a scan reads faster than a merge of their indexes (`forEachRecord`).
                    let filter = EventFilter(types: types?.count == 1 ? types : nil, fromPosition: from, toPosition: to)
                    // A batch of 1,000 events or more is read (and decoded) on another thread.
                    var reported = from / 65_536
                    let kinds = PreparationKinds(chosen)
                    try forEachFolded(filter, chosen, ahead: to - from >= 1000) { event, targets, forms in
                        // Progress within a batch too (a batch of a million events takes seconds).
                        if let progress, event.position / 65_536 != reported {
                            reported = event.position / 65_536
                            for p in chosen { progress(p.name, event.position, head) }
                        }
                        for i in targets { try forms.apply(chosen[i], kind: kinds.ofView[i], event, to: writers[i]) }
                    }
                    for (i, p) in chosen.enumerated() { try p.finishBatch(writers[i]) }
                    try ViewWriter.flush(writers)
                    for key in keys { try checkpoints.put(key, to, in: txn) }
                    done = to
                }
                guard to >= head else { return false }
                // Caught up with the head seen: switch every view in this same transaction.
                for (i, (p, generation)) in zip(chosen, generations).enumerated() {
                    let current = try entry(p.name, in: txn)
                    try catalog.put(p.name, try ViewCoding.encode(CatalogEntry(version: p.version, generation: generation)), in: txn)
                    // The old copy is emptied, not dropped: readers of this process may still hold its
                    // handles (LMDB closes a dropped database's handle under them).
                    for local in current.generation == generation - 1 ? replaced[i] : p.databases {
                        if let h = cacheLock.withLock({ handles["\(p.name)@\(current.generation)/\(local)"] }) { try h.clear(in: txn) }
                    }
                    _ = try checkpoints.delete(Self.checkpointKey(p.name, current.generation), in: txn)
                }
                return true
            }
            for p in chosen { progress?(p.name, done, head) }
            if switched { return }
        }
    }

    /// Drops the databases of the generations of `chosen` before their current ones (`current`):
    /// each was emptied when a rebuild replaced it, and no process reads it (every read follows
    /// the catalog to the current generation), but its name stayed, one more per database and
    /// rebuild (31,423 in a test machine's views). Not those this process has a handle of (it may
    /// have replaced them itself, and LMDB closes a dropped database's handle): a later rebuild
    /// drops them.
    private func dropReplaced(_ chosen: [any Projector], current: [Int]) throws {
        var replaced: [String] = []
        for (i, p) in chosen.enumerated() {
            let prefix = "\(p.name)@"
            for name in try environment.databaseNames(prefix: prefix) {
                let rest = name.dropFirst(prefix.count)
                guard let slash = rest.firstIndex(of: "/"), let generation = Int(rest[..<slash]), generation < current[i],
                    cacheLock.withLock({ handles[name] == nil })
                else { continue }
                replaced.append(name)
            }
        }
        guard !replaced.isEmpty else { return }
        try environment.write { txn in
            for name in replaced { try txn.dropDatabase(named: name) }
        }
    }

    /// Calls `body` with each event of `filter` that a view of `chosen` folds, with the indexes of
    /// those views and the forms prepared for it (by kind, `PreparationKinds(chosen)`), in
    /// position order: read on another thread when `ahead` (`ReadAhead`, which has ended when
    /// this returns), else here.
    private func forEachFolded(
        _ filter: EventFilter, _ chosen: [any Projector], ahead: Bool,
        _ body: (RecordedEvent, ViewSet, PreparedForms) throws -> Void
    ) throws {
        if ahead {
            let reader = ReadAhead(store: store, filter: filter, projectors: chosen)
            defer { reader.finish() }
            return try reader.forEach(body)
        }
        var routes = Routes(chosen.map(\.eventTypes))
        let forms = PreparedForms(PreparationKinds(chosen))
        try store.forEachRecord(filter) { view in
            let targets = routes.views(folding: view)
            if !targets.isEmpty {
                defer { forms.clear() }
                try body(view.decode(), targets, forms)
            }
            return true
        }
    }

    // MARK: Status

    public struct Status: Sendable, Codable, Equatable {
        public var name: String
        public var version: Int
        public var builtVersion: Int
        public var generation: Int
        public var checkpoint: UInt64
        public var head: UInt64
        public var lag: UInt64 { head > checkpoint ? head - checkpoint : 0 }
    }

    /// The views whose rebuild has begun and not switched yet, by any process on the data
    /// directory (`lumbung projections rebuild` beside a running server): the checkpoint of the
    /// next generation exists until the switch deletes the old one's. A rebuild that was
    /// interrupted stays listed until a rebuild of that view runs to its end.
    public func rebuildsInProgress() throws -> [String] {
        try environment.read { txn in
            try projectors.compactMap { p in
                let e = try entry(p.name, in: txn)
                return try checkpoints.get(Self.checkpointKey(p.name, e.generation + 1), in: txn) != nil ? p.name : nil
            }
        }
    }

    public func status() throws -> [Status] {
        let head = try store.head().position
        return try environment.read { txn in
            try projectors.map { p in
                let e = try entry(p.name, in: txn)
                return Status(
                    name: p.name, version: p.version, builtVersion: e.version, generation: e.generation,
                    checkpoint: try checkpoints.get(Self.checkpointKey(p.name, e.generation), in: txn) ?? 0, head: head)
            }
        }
    }
}

/// Which views of a pass fold an event, by its type: worked out once per type (a set lookup per
/// view), then found by the type's bytes, with no string made per event. Consecutive events are
/// mostly of one type (a day of price reports), so the last type is compared first.
struct Routes {
    /// The types each view folds (nil: every type), by the view's index in the pass.
    let wanted: [Set<String>?]
    private var known: [[UInt8]: ViewSet] = [:]
    /// The last type met (empty before the first) and its views: two fields, not an optional
    /// tuple, which was copied and destroyed (retains and releases) per event.
    private var lastType: [UInt8] = []
    private var lastViews = ViewSet()

    init(_ wanted: [Set<String>?]) {
        precondition(wanted.count <= ViewSet.capacity, "a pass folds at most \(ViewSet.capacity) views, not \(wanted.count)")
        self.wanted = wanted
    }

    /// The indexes of the views that fold `event`'s type, in the pass's order.
    mutating func views(folding event: EventRecordView) -> ViewSet {
        let bytes = event.typeBytes
        if !lastType.isEmpty, lastType.count == bytes.count,
            lastType.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 })
        {
            return lastViews
        }
        let type = [UInt8](bytes)
        let views =
            known[type]
            ?? {
                let name = String(decoding: type, as: UTF8.self)
                let views = wanted.indices.filter { wanted[$0]?.contains(name) ?? true }
                var set = ViewSet()
                for i in views { set.insert(i) }
                known[type] = set
                return set
            }()
        (lastType, lastViews) = (type, views)
        return views
    }
}

/// Views of a pass by their indexes (at most 64), in increasing order: a value without a
/// reference, so that handing it from the thread that reads ahead to the folds' costs no
/// reference count on an array both threads hold (one per event, on a line both cores wrote).
struct ViewSet: Sequence, Equatable {
    static let capacity = 64
    private(set) var bits: UInt64 = 0

    var isEmpty: Bool { bits == 0 }

    mutating func insert(_ index: Int) { bits |= 1 << UInt64(index) }

    func makeIterator() -> Iterator { Iterator(bits: bits) }

    struct Iterator: IteratorProtocol {
        var bits: UInt64
        mutating func next() -> Int? {
            guard bits != 0 else { return nil }
            let index = bits.trailingZeroBitCount
            bits &= bits - 1
            return index
        }
    }
}

/// A consistent read of every view (one read transaction). Valid only inside `ProjectionEngine.read`.
public struct ViewSnapshot {
    let engine: ProjectionEngine
    let handle: UnsafeTransactionReference

    /// The reader of the view named `name`.
    public func view(_ name: ViewName) throws -> ViewReader { try view(name.rawValue) }

    /// The reader of view `name` (a projector's name).
    public func view(_ name: String) throws -> ViewReader {
        let e = try engine.entry(name, in: handle)
        guard engine.isOpened(name, e.generation) else {
            guard engine.projector(named: name) != nil else { throw ProjectionError("no view named \(name)") }
            throw ProjectionEngine.UnopenedGeneration()
        }
        let engine = self.engine
        return ViewReader(handle: handle) { local in try engine.cachedHandle(name, e.generation, local) }
    }

    /// The last position view `name` has applied.
    public func checkpoint(of name: String) throws -> UInt64 {
        let e = try engine.entry(name, in: handle)
        return try engine.checkpoints.get(ProjectionEngine.checkpointKey(name, e.generation), in: handle) ?? 0
    }
}

/// A failure of the projection machinery (not of a domain rule).
public struct ProjectionError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
