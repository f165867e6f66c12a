import LMDB

/// The append guards' decision state, kept in the log's environment (database `decisions`, key
/// bytes -> value bytes) next to the events it follows, so that a writer reads only the keys it
/// needs instead of folding the whole log into memory.
///
/// Contract:
/// - A guard writes it only through the `LogReader` it is given in `check` (`log.decisions`):
///   the writes join the request's transaction (a nested one when the request shares its group),
///   so they are committed with the request's events and undone by LMDB abort when the request
///   is refused or the transaction does not commit. No undo log is needed.
/// - Key layout is the guard's: start every key with a prefix of its own (a domain's name and a
///   separator) so that guards do not collide. Keys are at most 511 bytes (LMDB's limit).
/// - Anyone reads it on demand in a read transaction (`EventStore.readDecisions`), which sees the
///   state exactly as current as the log it sees.
/// - The position the state is current to (`statePosition`) is recorded by the log itself, in
///   the request's transaction, after every request written under a guard whose
///   `keepsDecisionState` is true; a guard brings a state that lags (an older log, events a
///   replica copied, a writer without the guard) up to the log in `check` or, in bounded steps
///   with progress, through `EventStore.updateDecisionState`.
public struct DecisionState: @unchecked Sendable {
    let handle: UnsafeTransactionReference?
    let dbs: LogDatabases?
    /// True inside the writer's transaction (`LogReader.decisions`), false in a read snapshot.
    public let isWritable: Bool

    /// A state with nothing in it that cannot be written: what a decider sees outside a
    /// transaction (a pure test of a command).
    public static let empty = DecisionState(handle: nil, dbs: nil, isWritable: false)

    /// The value stored under `key`, or nil when there is none.
    public func get(_ key: [UInt8]) throws(EventLogError) -> [UInt8]? {
        guard let handle, let dbs else { return nil }
        do {
            return try dbs.decisions.get(key, in: handle)
        } catch {
            throw .storage(error)
        }
    }

    /// Calls `body` with the bytes stored under `key` (valid only during the call), or returns
    /// nil when there are none.
    public func withValue<R>(_ key: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        guard let handle, let dbs else { return nil }
        return try dbs.decisions.withValueBytes(key, in: handle, body)
    }

    /// Stores `value` under `key` (removes the key when `value` is nil). Only in the writer's
    /// transaction: a read snapshot throws `.storage`.
    public func set(_ key: [UInt8], to value: [UInt8]?) throws(EventLogError) {
        guard isWritable, let handle, let dbs else {
            throw EventLogError(.storage, "the decision state is read-only here: it is written only inside the log's write transaction")
        }
        do {
            try handle.withWriteTransaction { (txn: borrowing WriteTransaction) throws(LMDBError) in
                if let value {
                    try dbs.decisions.put(key, value, in: txn)
                } else {
                    _ = try dbs.decisions.delete(key, in: txn)
                }
            }
        } catch {
            throw .storage(error)
        }
    }

    /// Visits every key starting with `prefix` in key order (bytes valid only during each call),
    /// until `body` returns false.
    public func forEach(prefix: [UInt8], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws {
        guard let handle, let dbs else { return }
        try dbs.decisions.forEachRaw(in: handle, prefix: prefix.isEmpty ? nil : prefix, body)
    }
}

extension DecisionState {
    /// Every key and value under `prefix` (all of them by default): for tests and diagnostics,
    /// as it reads the whole range.
    public func entries(prefix: [UInt8] = []) throws -> [[UInt8]: [UInt8]] {
        var out: [[UInt8]: [UInt8]] = [:]
        try forEach(prefix: prefix) { k, v in
            out[[UInt8](k)] = [UInt8](v)
            return true
        }
        return out
    }
}

extension LogReader {
    /// The decision state in this transaction, readable and writable (see `DecisionState`).
    public var decisions: DecisionState { DecisionState(handle: handle, dbs: dbs, isWritable: true) }

    /// The decision value stored under `key`, or nil when there is none.
    public func decision(_ key: [UInt8]) throws -> [UInt8]? { try decisions.get(key) }

    /// Stores `value` under `key` (removes the key when `value` is nil), in the request's
    /// transaction: kept only if the request is written.
    public func setDecision(_ key: [UInt8], to value: [UInt8]?) throws { try decisions.set(key, to: value) }

    /// The position the decision state is current to in this transaction (0 when none was
    /// recorded): below `headPosition` when events were written without a guard that keeps it.
    public var statePosition: UInt64 {
        get throws {
            let txn = handle
            return try dbs.statePosition(in: txn)
        }
    }
}

/// Read access to the decision state (see `DecisionState`) in one read transaction. Not
/// copyable, valid only during the call it is given to.
public struct DecisionReader: ~Copyable {
    let handle: UnsafeTransactionReference
    let dbs: LogDatabases
    /// The last position of the log this transaction sees.
    public let headPosition: UInt64
    /// The position the decision state is current to (0 when none was recorded): below
    /// `headPosition` when events were written without the guard that keeps it.
    public let statePosition: UInt64

    /// The decision state in this snapshot, read-only.
    public var decisions: DecisionState { DecisionState(handle: handle, dbs: dbs, isWritable: false) }

    /// The decision value stored under `key`, or nil when there is none.
    public func decision(_ key: [UInt8]) throws -> [UInt8]? { try decisions.get(key) }
}

extension EventStore {
    /// Runs `body` with read access to the decision state, in one read transaction (a consistent
    /// snapshot of the log and the state).
    public func readDecisions<R>(_ body: (borrowing DecisionReader) throws -> R) throws -> R {
        let dbs = self.dbs
        return try environment.read { txn in
            let head = try ChainHead.read(dbs, in: txn)
            let state = try dbs.statePosition(in: txn)
            return try body(DecisionReader(handle: txn.reference, dbs: dbs, headPosition: head.position, statePosition: state))
        }
    }

    /// Brings a guard's decision state up to the log in bounded steps, each in a write
    /// transaction of its own that appends nothing: `step(log, through)` folds the events after
    /// `log.statePosition` up to position `through` into `log.decisions`, and the log records
    /// `through` as the state's position in the same transaction. `progress(done, total)` follows
    /// each step. Nothing is done when the state is current; a log that is a read replica is left
    /// alone (its primary's rules decided its events; it never decides).
    public func updateDecisionState(
        stepEvents: UInt64 = 50_000, progress: ((UInt64, UInt64) -> Void)? = nil,
        _ step: (borrowing LogReader, UInt64) throws -> Void
    ) throws {
        let dbs = self.dbs
        let behind: Bool = try environment.read { txn in
            if try dbs.isReplica(in: txn) { return false }
            return try dbs.statePosition(in: txn) < ChainHead.read(dbs, in: txn).position
        }
        guard behind else { return }
        while true {
            let (done, total): (UInt64, UInt64) = try environment.write { txn in
                let head = try ChainHead.read(dbs, in: txn)
                let log = LogReader(handle: txn.reference, dbs: dbs, headPosition: head.position)
                let state = try log.statePosition
                guard state < head.position else { return (state, head.position) }
                let through = min(head.position, state + stepEvents)
                try step(log, through)
                try dbs.setStatePosition(through, in: txn)
                return (through, head.position)
            }
            progress?(done, total)
            if done >= total { return }
        }
    }

    /// The layout the decision state was built with (`resetDecisionState(layout:)`), or nil.
    public func decisionStateLayout() throws -> String? {
        let dbs = self.dbs
        return try environment.read { txn in
            try dbs.meta.withValueBytes(LogDatabases.decisionsLayoutKey, in: txn) { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Empties the decision state and records `layout` as the one it is now built with, its
    /// position 0, in one transaction: `updateDecisionState` then builds it from the first event.
    /// A read replica is left alone.
    public func resetDecisionState(layout: String) throws {
        let dbs = self.dbs
        try environment.write { txn in
            if try dbs.isReplica(in: txn) { return }
            try dbs.decisions.clear(in: txn)
            try dbs.setStatePosition(0, in: txn)
            try dbs.meta.put(LogDatabases.decisionsLayoutKey, Array(layout.utf8), in: txn)
        }
    }

    /// Runs `body` with the log's write transaction and aborts it: a trial of requests against
    /// the decision state (an importer's dry run) that writes nothing. It holds the writer's lock
    /// while it runs.
    public func withDecisionTrial(_ body: (borrowing LogReader) throws -> Void) throws {
        let dbs = self.dbs
        do {
            try environment.write { txn in
                let head = try ChainHead.read(dbs, in: txn)
                try body(LogReader(handle: txn.reference, dbs: dbs, headPosition: head.position))
                throw EndTrial()
            }
        } catch is EndTrial {}
    }
}

/// The decision state as it is kept and as a fold of the whole log gives it (`EventStore.auditDecisionState`).
public struct DecisionStateAudit: Sendable {
    /// Every key and value as kept.
    public let kept: [[UInt8]: [UInt8]]
    /// Every key and value as folded from an empty state over the whole log.
    public let folded: [[UInt8]: [UInt8]]
    public let headPosition: UInt64
    /// The position the kept state said it was current to.
    public let statePosition: UInt64

    /// True when the kept state is current and equal to the fold.
    public var agrees: Bool { statePosition == headPosition && kept == folded }
}

extension EventStore {
    /// Folds the whole log into an emptied decision state with `fold`, inside a write
    /// transaction that is undone, and returns it beside the state as kept: an audit that the
    /// persisted state is the fold of the log (after a crash, an upgrade, a restore).
    public func auditDecisionState(_ fold: (borrowing LogReader) throws -> Void) throws -> DecisionStateAudit {
        let dbs = self.dbs
        var audit: DecisionStateAudit?
        try withDecisionTrial { log in
            let kept = try log.decisions.entries()
            let statePosition = try log.statePosition
            try log.handle.withWriteTransaction { (txn: borrowing WriteTransaction) throws(LMDBError) in
                try dbs.decisions.clear(in: txn)
                try dbs.setStatePosition(0, in: txn)
            }
            try fold(log)
            audit = DecisionStateAudit(
                kept: kept, folded: try log.decisions.entries(), headPosition: log.headPosition, statePosition: statePosition)
        }
        guard let audit else { fatalError("unreachable: a trial that did not throw ran its body") }
        return audit
    }
}

/// Thrown out of a trial's write transaction to abort it.
private struct EndTrial: Error {}
