import LMDB

/// Rules that look at the log's current state before a request is written: the deciders of the
/// domains, run on every door into the log (commands, raw appends, imports).
///
/// Contract:
/// - `check` runs on the writer thread, inside the write transaction, before any event of the
///   request is written. `log` reads the log exactly as this transaction sees it: every event
///   committed by any process, plus the requests accepted earlier in the same group. It must not
///   be kept after `check` returns. Through `log` the guard also reads and writes its decision
///   state (`LogReader.decision`, `setDecision`): those writes are part of the request, committed
///   with its events and undone with it.
/// - Throwing refuses the request: nothing of it is written, the other requests of its group are
///   unaffected. Throw an `EventLogError` (`.ruleViolation` for a domain rule, `.invalidInput`
///   for a malformed payload) whose message names the field.
/// - `transactionEnded(committed:)` follows every transaction in which `check` ran: a guard that
///   caches state must keep what it learned only when `committed` is true.
/// - `keepsDecisionState`: true for a guard that keeps its state in the log's `decisions`
///   database (see `DecisionState.swift`). The writer then records, in the same transaction, the
///   position that state is current to (`DecisionReader.statePosition`): the head after every
///   transaction that wrote events under this guard. A log written without it (an older log, a
///   replica, a writer with no guard) leaves the recorded position behind the head.
public protocol AppendGuard: AnyObject, Sendable {
    func check(_ request: AppendRequest, log: borrowing LogReader) throws
    func transactionEnded(committed: Bool)
    var keepsDecisionState: Bool { get }
}

extension AppendGuard {
    /// A guard keeps no decision state in the log unless it says so.
    public var keepsDecisionState: Bool { false }
}

/// Read access to the log inside the writer's transaction (see `AppendGuard`). Not copyable,
/// valid only during the call it is given to.
public struct LogReader: ~Copyable {
    let handle: UnsafeTransactionReference
    let dbs: LogDatabases
    /// The last position this transaction sees.
    public let headPosition: UInt64

    /// The current version of `stream` (0 when it does not exist).
    public func version(of stream: String) throws -> UInt64 {
        let txn = handle
        return try dbs.heads.get(stream, in: txn) ?? 0
    }

    /// The position of the event with `id`, if it is in the log.
    public func position(of id: EventID) throws -> UInt64? {
        let txn = handle
        return try dbs.ids.get(id.raw, in: txn)
    }

    /// The event at `position`, if any.
    public func event(at position: UInt64) throws -> RecordedEvent? {
        let txn = handle
        return try dbs.events.withValueBytes(position, in: txn) { raw in
            try EventRecordView(position: position, raw: raw).decode()
        }
    }

    /// Visits the events after `position`, in order, in place, until `body` returns false.
    public func forEachRecord(after position: UInt64, _ body: (EventRecordView) throws -> Bool) throws {
        let txn = handle
        try dbs.events.forEachRaw(in: txn, from: bigEndian(position + 1)) { key, value in
            let p = UInt64(bigEndian: key.loadUnaligned(as: UInt64.self))
            return try body(try EventRecordView(position: p, raw: value))
        }
    }

    /// Visits the events of `stream` in version order, until `body` returns false.
    public func forEachStreamRecord(_ stream: String, _ body: (EventRecordView) throws -> Bool) throws {
        let txn = handle
        let prefix = Array(stream.utf8) + [0]
        let events = try dbs.events.cursor(in: txn)
        try dbs.streams.forEachRaw(in: txn, prefix: prefix) { _, value in
            let position = try UInt64BE.decode(value)
            guard let entry = try events.seek(exactly: bigEndian(position)) else { return false }
            return try body(try EventRecordView(position: position, raw: entry.value))
        }
    }
}
