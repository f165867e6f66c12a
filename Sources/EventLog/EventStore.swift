import Foundation
import LMDB

/// The append-only event log of one data directory (its `log/` LMDB environment).
///
/// Contract:
/// - Positions are global, from 1, gapless, assigned inside the commit; stream versions are
///   gapless per stream. A reader that has seen position N has seen every position below N.
/// - An append returns only after its transaction committed with fsync (unless `noSync`).
/// - Concurrent appends are gathered by one writer thread into one write transaction and one
///   fsync (group commit); each request is still all-or-nothing on its own (a nested
///   transaction each).
/// - Several processes may open the same directory: LMDB's lock serializes their writers, and
///   each write transaction reads the head afresh.
public final class EventStore: @unchecked Sendable {
    public struct Options: Sendable {
        /// Initial map size; it grows by itself.
        public var mapSize: Int = 64 << 20
        /// Skip fsync (benchmarks and throwaway data only: a crash may lose acknowledged events).
        public var noSync: Bool = false
        /// Most events the writer gathers into one transaction.
        public var maxGroupEvents: Int = 50_000
        /// Maintain the Merkle tree (RFC 6962) in every append's transaction. Off is for
        /// benchmarks only: the tree then stops at the size it had, and the next store opened
        /// with it on builds the rest (on open, and in its first write).
        public var merkleTree: Bool = true
        /// Called while the Merkle tree of a log made before it (or left behind) is built on open,
        /// with (events covered, events in the log).
        public var treeBuildProgress: (@Sendable (UInt64, UInt64) -> Void)? = nil
        public init() {}
    }

    public let directory: String
    /// The rules run before every request is written (see `AppendGuard`); set it before appending.
    public var appendGuard: (any AppendGuard)? {
        get { guardLock.withLock { _guard } }
        set { guardLock.withLock { _guard = newValue } }
    }
    private var _guard: (any AppendGuard)?
    private let guardLock = NSLock()
    let environment: Environment
    let dbs: LogDatabases
    let writer: GroupCommitWriter
    let signal = CommitSignal()
    /// Whether appends maintain the Merkle tree (`Options.merkleTree`).
    let maintainsMerkleTree: Bool

    /// Opens (creating if needed) the log in `<dataDirectory>/log`.
    public convenience init(dataDirectory: String, options: Options = Options()) throws {
        try self.init(logDirectory: (dataDirectory as NSString).appendingPathComponent("log"), options: options)
    }

    /// Opens (creating if needed) the log environment in `logDirectory` itself.
    public init(logDirectory: String, options: Options = Options()) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: logDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw EventLogError(.storage, "cannot create the log directory \(logDirectory): \(error.localizedDescription)")
        }
        var envOptions = Environment.Options()
        envOptions.mapSize = options.mapSize
        envOptions.noSync = options.noSync
        envOptions.maxDatabases = 16
        do {
            let environment = try Environment(path: logDirectory, options: envOptions)
            environment.clearStaleReaders()
            let dbs = try LogDatabases(environment: environment)
            self.environment = environment
            self.dbs = dbs
            try environment.write { txn in
                if let format = try dbs.meta.withValueBytes("format", in: txn, { try UInt32BE.decode($0) }) {
                    guard format == LogDatabases.formatVersion else {
                        throw EventLogError(
                            .storage,
                            "the log at \(logDirectory) has format \(format); this lumbung reads format \(LogDatabases.formatVersion)")
                    }
                } else {
                    try dbs.meta.put("format", UInt32BE.withEncoded(LogDatabases.formatVersion) { [UInt8]($0) }, in: txn)
                }
            }
        } catch {
            throw EventLogError.wrap(error)
        }
        directory = logDirectory
        maintainsMerkleTree = options.merkleTree
        writer = GroupCommitWriter(maxGroupEvents: options.maxGroupEvents)
        if options.merkleTree {
            do {
                try buildMerkleTree(progress: options.treeBuildProgress)
            } catch {
                throw EventLogError.wrap(error)
            }
        }
        writer.start(store: self)
    }

    deinit {
        writer.stop()
    }

    /// Stops the writer after the appends already queued; later appends fail with `closed`.
    public func close() {
        writer.stop()
    }

    // MARK: Appends

    /// Appends `request` atomically and returns once it is durable.
    public func append(_ request: AppendRequest) async throws(EventLogError) -> AppendOutcome {
        let result: Result<AppendOutcome, EventLogError> = await withCheckedContinuation { continuation in
            writer.submit(request) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Queues `request` and returns at once; `completion` runs (on the writer thread) once the
    /// request is durable or refused. Requests are written in the order they were submitted.
    public func submit(_ request: AppendRequest, completion: @escaping @Sendable (Result<AppendOutcome, EventLogError>) -> Void) {
        writer.submit(request, completion: completion)
    }

    /// Appends `request` atomically, blocking the calling thread until it is durable.
    public func appendBlocking(_ request: AppendRequest) throws(EventLogError) -> AppendOutcome {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        writer.submit(request) { result in
            box.result = result
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    // MARK: State

    /// The last position, its hash and when it was recorded (position 0 for an empty log).
    public func head() throws -> (position: UInt64, hash: EventHash, recordedAt: Timestamp) {
        let h = try environment.read { txn in try ChainHead.read(dbs, in: txn) }
        return (h.position, h.hash, h.recordedAt)
    }

    /// The current version of `stream` (0 when it does not exist).
    public func version(of stream: String) throws -> UInt64 {
        try environment.read { txn in try dbs.heads.get(stream, in: txn) ?? 0 }
    }

    /// The numbers `lumbung stats` shows.
    public struct Stats: Sendable, Equatable {
        public var events: UInt64
        public var streams: Int
        public var headPosition: UInt64
        public var headHash: EventHash
        public var bytes: Int
    }

    public func stats() throws -> Stats {
        try environment.read { txn in
            let head = try ChainHead.read(dbs, in: txn)
            return Stats(
                events: try UInt64(dbs.events.count(in: txn)), streams: try dbs.heads.count(in: txn),
                headPosition: head.position, headHash: head.hash, bytes: environment.info().usedBytes)
        }
    }

    /// The position of the event with `id`, if it is in the log.
    public func position(of id: EventID) throws -> UInt64? {
        try environment.read { txn in try dbs.ids.get(id.raw, in: txn) }
    }

    /// The event at `position`, if any.
    public func event(at position: UInt64) throws -> RecordedEvent? {
        try environment.read { txn in
            try dbs.events.withValueBytes(position, in: txn) { raw in
                try EventRecordView(position: position, raw: raw).decode()
            }
        }
    }

    /// Copies the log to `directory` (created, must be empty) as one consistent, compacted snapshot.
    public func copy(to directory: String) throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try environment.copy(to: directory, compact: true)
    }
}

final class ResultBox: @unchecked Sendable {
    var result: Result<AppendOutcome, EventLogError>?
}

extension EventStore {
    /// Returns once the log's head is beyond `position` (appended by this process or any other),
    /// or after `timeout`, whichever comes first.
    public func waitForAppend(beyond position: UInt64, timeout: Duration) async {
        let seen = signal.current
        if let head = try? head().position, head > position { return }
        await signal.wait(after: seen, timeout: timeout)
    }
}
