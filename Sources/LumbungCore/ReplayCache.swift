public import EventLog
import Foundation
public import Projections

/// The auditor's "as of" over HTTP (`?asOf=` and `?recordedAsOf=` on the aid views): folds of the
/// log up to a point in time, kept to answer the next question about the same point.
///
/// Contract:
/// - A fold is made with the service's own projectors (those named), from the first event, into
///   a scratch LMDB environment, keeping only the events the point admits: occurred at or before
///   `occurredUntil` ("as it happened"), recorded at or before `recordedUntil` ("as the system
///   knew it"), or both.
/// - Before each answer the fold is caught up with the log: an event appended since that the point
///   admits (one entered late, with an earlier occurred time) is part of the answer, exactly as a
///   fold from scratch would have it.
/// - At most `capacity` folds are kept; the least recently used is dropped with its files. All of
///   them are removed on `close`.
/// - Answers are read in one consistent read of the fold, as the live views are.
public final class ReplayCache: @unchecked Sendable {
    /// A point in the log's history.
    public struct Point: Hashable, Sendable, CustomStringConvertible {
        public var occurredUntil: Timestamp?
        public var recordedUntil: Timestamp?

        public init(occurredUntil: Timestamp? = nil, recordedUntil: Timestamp? = nil) {
            self.occurredUntil = occurredUntil
            self.recordedUntil = recordedUntil
        }

        public var description: String {
            [occurredUntil.map { "occurred <= \($0)" }, recordedUntil.map { "recorded <= \($0)" }].compactMap { $0 }.joined(
                separator: ", ")
        }

        var filter: EventFilter { EventFilter(recordedUntil: recordedUntil, occurredUntil: occurredUntil) }
    }

    final class Fold {
        let engine: ProjectionEngine
        let directory: String
        var lastUsed: UInt64 = 0
        let lock = NSLock()
        init(engine: ProjectionEngine, directory: String) {
            self.engine = engine
            self.directory = directory
        }
    }

    let store: EventStore
    let projectors: [any Projector]
    public let capacity: Int
    let root: String
    let lock = NSLock()
    var folds: [String: Fold] = [:]
    var uses: UInt64 = 0

    /// Folds of `projectors` over `store`, at most `capacity` kept, under a scratch directory.
    public init(store: EventStore, projectors: [any Projector], capacity: Int = 8) {
        self.store = store
        self.projectors = projectors
        self.capacity = capacity
        root = NSTemporaryDirectory() + "lumbung-replays-" + UUID().uuidString
    }

    deinit { close() }

    /// Runs `body` on the views `names` as they were at `point` (each a view of the projectors
    /// this cache was made with).
    public func read<R>(_ names: [String], at point: Point, _ body: (ViewSnapshot) throws -> R) throws -> R {
        let fold = try self.fold(names, point)
        fold.lock.lock()
        defer { fold.lock.unlock() }
        try fold.engine.catchUp()
        return try fold.engine.read(body)
    }

    func fold(_ names: [String], _ point: Point) throws -> Fold {
        let key = names.sorted().joined(separator: ",") + "|" + point.description
        lock.lock()
        defer { lock.unlock() }
        uses += 1
        if let fold = folds[key] {
            fold.lastUsed = uses
            return fold
        }
        let chosen = projectors.filter { names.contains($0.name) }
        guard chosen.count == Set(names).count else {
            throw EventLogError(
                .invalidInput, "no view named \(names.filter { n in !chosen.contains { $0.name == n } }.joined(separator: ", "))")
        }
        if folds.count >= capacity, let oldest = folds.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            folds[oldest.key] = nil
            Self.discard(oldest.value)
        }
        let directory = root + "/" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let engine = try ProjectionEngine(store: store, directory: directory, projectors: chosen)
        engine.replayFilter = point.filter
        engine.batchSize = 10_000
        let fold = Fold(engine: engine, directory: directory)
        fold.lastUsed = uses
        folds[key] = fold
        return fold
    }

    static func discard(_ fold: Fold) {
        fold.lock.lock()
        fold.engine.stop()
        fold.lock.unlock()
        try? FileManager.default.removeItem(atPath: fold.directory)
    }

    /// How many folds are kept.
    public var count: Int { lock.withLock { folds.count } }

    /// Drops every fold and its files.
    public func close() {
        let all = lock.withLock {
            let all = Array(folds.values)
            folds = [:]
            return all
        }
        for fold in all { Self.discard(fold) }
        try? FileManager.default.removeItem(atPath: root)
    }
}
